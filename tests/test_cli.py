import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from gan.cli import main

ROOT = Path(__file__).resolve().parent.parent


def run(*args, timeout=300, env=None):
    e = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-m", "gan", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, env=e)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "cgan"
    r = run("train", "--model", "cgan", "--dataset", "mnist", "--steps", "4", "--batch-size", "8", "--width", "8",
            "--latent-dim", "8", "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert "saved" in r.stdout and "step" in r.stderr  # the tqdm progress bar goes to stderr
    return out


def test_train_by_time_budget_uses_the_train_pages_recipe(tmp_path):
    import json
    import time
    out = tmp_path / "timed"
    t = time.time()
    assert main(["train", "--model", "cgan", "--dataset", "mnist", "--seconds", "6", "--batch-size", "8", "--width", "8",
                 "--data-limit", "64", "--out", str(out), "--quiet"]) == 0
    assert time.time() - t < 40  # the clock runs from the start: model building and data loading count
    info = json.loads((out / "config.json").read_text())["gan_studio"]
    cfg = info["train_config"]
    assert cfg["seconds"] == 6 and cfg["loss"] == "hinge" and cfg["ema"] > 0 and info["step"] > 0
    assert main(["train", "--model", "cgan", "--dataset", "mnist", "--seconds", "0", "--out", str(out)]) == 2


def test_train_then_sample_label_npy(trained, tmp_path):
    r = run("sample", str(trained), "--n", "12", "--label", "3", "--seed", "1", "--out", str(tmp_path / "x.npy"))
    assert r.returncode == 0, r.stderr
    arr = np.load(tmp_path / "x.npy")
    assert arr.shape == (12, 28, 28) and arr.dtype == np.uint8
    again = tmp_path / "y.npy"
    assert main(["sample", str(trained), "--n", "12", "--label", "3", "--seed", "1", "--out", str(again)]) == 0
    assert np.array_equal(np.load(again), arr)  # same seed -> same digits


def test_sample_png_grid(trained, tmp_path):
    from PIL import Image
    assert main(["sample", str(trained), "--n", "20", "--out", str(tmp_path / "g.png")]) == 0
    img = Image.open(tmp_path / "g.png")
    assert img.size == (10 * 30 + 2, 2 * 30 + 2)


def test_resume_continues(trained, tmp_path):
    import shutil
    copy = tmp_path / "copy"
    shutil.copytree(trained, copy)
    assert main(["train", "--model", "cgan", "--dataset", "mnist", "--out", str(copy), "--resume", "--steps", "6",
                 "--quiet"]) == 0
    import json
    assert json.loads((copy / "config.json").read_text())["gan_studio"]["step"] == 6


@pytest.mark.parametrize("args, msg", [
    (["train", "--model", "nope", "--dataset", "mnist", "--out", "x"], "invalid choice"),
    (["train", "--model", "cgan", "--dataset", "mnist", "--steps", "-5", "--out", "x"], "must be at least 1"),
    (["train", "--model", "cgan", "--dataset", "mnist", "--lr-d", "nan", "--out", "x"], "not a finite number"),
    (["train", "--model", "cgan", "--dataset", "mnist", "--lr-d", "-1", "--out", "x"], "lr_d must be"),
    (["train", "--model", "toy", "--dataset", "mnist", "--out", "x"], "toy models"),
    (["train", "--model", "cgan", "--dataset", "mnist", "--batch-size", "999999", "--out", "x"], "batch_size"),
    (["train", "--model", "cgan", "--dataset", "mnist", "--out", "x", "--resume"], "holds no saved run"),
    (["train", "--model", "dcgan", "--dataset", "mnist", "--augment", "flip", "--out", "x"], "unknown augmentation"),
    (["train", "--model", "cgan", "--dataset", "mnist", "--info-codes", "10", "--out", "x"], "info_codes"),
    (["sample", "nowhere", "--out", "x.png"], "not a folder"),
    (["sample", "nowhere", "--out", "x.jpg"], "must end in .png or .npy"),
    (["sample", "nowhere", "--n", "0", "--out", "x.png"], "must be at least 1"),
    (["push", "nowhere", "me/x"], "not found"),
    ([], "required"),
    (["fly"], "invalid choice"),
])
def test_bad_arguments_one_line_exit_2(args, msg, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and msg in err and "Traceback" not in err
    assert not any(tmp_path.iterdir())  # nothing left behind


def test_label_on_unconditional_and_out_of_range(trained, tmp_path, capsys):
    assert main(["sample", str(trained), "--label", "12", "--out", str(tmp_path / "a.npy")]) == 2
    assert "labels must be between 0 and 9" in capsys.readouterr().err
    assert not (tmp_path / "a.npy").exists()


def test_missing_dataset_message_via_subprocess(tmp_path):
    r = run("train", "--model", "dcgan", "--dataset", "fashion-mnist", "--steps", "1", "--out", str(tmp_path / "o"),
            env={"GAN_DATA_DIR": str(tmp_path), "GAN_OFFLINE": "1"})
    assert r.returncode == 2 and "FashionMNIST not found" in r.stderr and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_data_limit_aux_weight_beta1_reach_the_config(tmp_path):
    import json
    out = tmp_path / "lim"
    assert main(["train", "--model", "cgan", "--dataset", "mnist", "--steps", "1", "--batch-size", "4", "--width", "8",
                 "--latent-dim", "8", "--data-limit", "100", "--aux-weight", "0.5", "--beta1", "0.0", "--quiet",
                 "--out", str(out)]) == 0
    cfg = json.loads((out / "config.json").read_text())["gan_studio"]["train_config"]
    assert (cfg["data_limit"], cfg["aux_weight"], cfg["beta1"]) == (100, 0.5, 0.0)


def test_torchrun_two_cpu_processes(tmp_path):
    out = tmp_path / "ddp"
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2", "-m", "gan", "train",
           "--model", "cgan", "--dataset", "mnist", "--steps", "3", "--batch-size", "8", "--width", "8",
           "--latent-dim", "8", "--out", str(out), "--quiet"]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.count("saved") == 1  # only rank 0 logs and writes
    assert (out / "model.safetensors").is_file()
    import json
    cfg = json.loads((out / "config.json").read_text())
    assert cfg["gan_studio"]["step"] == 3


def test_infogan_and_augment_flags_train_and_resume(tmp_path):
    import json
    out = tmp_path / "info"
    assert main(["train", "--model", "dcgan", "--dataset", "mnist", "--steps", "2", "--batch-size", "4", "--width", "8",
                 "--latent-dim", "12", "--info-codes", "3", "--augment", "translation,cutout", "--loss", "hinge",
                 "--data-limit", "32", "--quiet", "--out", str(out)]) == 0
    cfg = json.loads((out / "config.json").read_text())
    assert cfg["n_codes"] == 3 and cfg["discriminator"]["n_codes"] == 3
    tc = cfg["gan_studio"]["train_config"]
    assert tc["info_codes"] == 3 and tc["augment"] == "translation,cutout"
    assert main(["train", "--model", "dcgan", "--dataset", "mnist", "--out", str(out), "--resume", "--steps", "3",
                 "--quiet"]) == 0  # the code head and the policy come back with the run
    assert json.loads((out / "config.json").read_text())["gan_studio"]["step"] == 3
    assert main(["sample", str(out), "--n", "6", "--out", str(tmp_path / "s.npy")]) == 0
