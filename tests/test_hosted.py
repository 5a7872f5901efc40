"""Hosted mode: the switch, no server paths, checkpoint zips from the browser (round trip and hostile
zips), the run-folder budget and idle sweeps, Hub downloads size-checked before downloading."""
from __future__ import annotations

import io
import os
import pickle
import threading
import time
import tomllib
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
import torch

from gan import hosted, hub, sampling, uploads
from gan import train as T

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def roots(tmp_path, monkeypatch):
    """Run and upload folders under tmp_path; no leftover removal records or sweep throttle."""
    runs, ups = tmp_path / "runs", tmp_path / "uploads"
    runs.mkdir()
    ups.mkdir()
    monkeypatch.setattr(hosted, "runs_root", lambda: runs)
    monkeypatch.setattr(hosted, "uploads_root", lambda: ups)
    monkeypatch.setattr(hosted, "_LAST_SWEEP", [0.0])
    return runs, ups


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    """A real (tiny) Train-page checkpoint: generator, discriminator and training state."""
    from gan.data import load_images
    data = load_images("mnist", limit=64)
    cfg = T.TrainConfig(model="cgan", dataset="mnist", steps=2, batch_size=16, width=8, latent_dim=8,
                        log_every=1, sample_every=100, device="cpu", seed=0)
    trainer = T.Trainer(cfg, data=data)
    for _ in trainer.run():
        pass
    return trainer.save(tmp_path_factory.mktemp("run") / "ck"), data


def zip_of(files: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buf.getvalue()


# ----------------------------------------------------------------------------- the switch

@pytest.mark.parametrize("env, expected", [({}, False), ({"SPACE_ID": "me/gan"}, True), ({"GAN_HOSTED": "1"}, True),
                                           ({"SPACE_ID": "me/gan", "GAN_HOSTED": "0"}, False)])
def test_hosted_mode_switch(monkeypatch, env, expected):
    monkeypatch.delenv("SPACE_ID", raising=False)
    monkeypatch.delenv("GAN_HOSTED", raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    assert hosted.is_hosted() is expected


def test_limits_from_the_environment_and_config_toml_allows_the_larger(monkeypatch):
    for name in hosted.ENV:
        monkeypatch.delenv(name, raising=False)
    lim = hosted.limits()
    assert (lim.upload_bytes, lim.dataset_upload_bytes) == (20 * hosted.MB, 100 * hosted.MB)
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == hosted.streamlit_max_upload_mb()
    monkeypatch.setenv("GAN_UPLOAD_MB", "nonsense")
    assert hosted.limits().upload_bytes == 20 * hosted.MB
    monkeypatch.setenv("GAN_UPLOAD_MB", "1")
    with pytest.raises(hosted.UploadTooLarge):
        hosted.check_upload(2 * hosted.MB)
    from gan.images import ImageError, decode_image
    with pytest.raises(ImageError, match="over the 1.0 MB limit"):
        decode_image(b"x" * (2 * hosted.MB))


def test_hosted_mode_refuses_every_server_path_with_one_message(tmp_path, monkeypatch):
    ck = hub.save_generator(_tiny(), tmp_path / "ck")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GAN_HOSTED", "1")
    messages = set()
    for text in ("/etc", "/etc/passwd", "/no/such/place", str(ck), "ck", "../ck", "~", "/tmp/gan-studio-runs",
                 "x" * 5000, ""):
        with pytest.raises(hub.CheckpointError) as e:
            hub.load_generator(text)
        messages.add(str(e.value))
    assert messages == {hub.HOSTED_SOURCE_MESSAGE}
    monkeypatch.setenv("GAN_HOSTED", "0")  # local use keeps folders
    assert hub.load_generator(str(ck)).family == "cgan"


def _tiny():
    torch.manual_seed(0)
    from gan.models import build
    return build("cgan", latent_dim=8, width=8, embed_dim=4).eval()


# ----------------------------------------------------------------------------- checkpoint zips

def test_download_upload_round_trip_gives_the_same_samples_and_resumes(run_dir, roots):
    folder, data = run_dir
    original = hub.load_folder(folder)
    stored, loaded = uploads.store_checkpoint(hub.zip_checkpoint(folder), "visitor-A-token-123456")
    assert stored.parent == roots[1] and uploads.owns(stored, "visitor-A-token-123456")
    assert not uploads.owns(stored, "visitor-B-token-123456")
    assert uploads.mine("visitor-A-token-123456") == [stored] and uploads.mine("visitor-B-token-123456") == []
    assert torch.equal(sampling.generate(original, 8, seed=3), sampling.generate(loaded, 8, seed=3))
    assert uploads.resume_problem(stored) is None and uploads.saved_step(stored) == 2
    again = T.Trainer.resume(stored, steps=3, data=data)
    assert again.step == 2


HOSTILE = {
    "traversal": ({"../config.json": b"{}", "model.safetensors": b"x"}, "outside its folder"),
    "absolute": ({"/etc/cron.d/x": b"boom", "model.safetensors": b"x"}, "outside its folder"),
    "pickle by name": ({"config.json": b"{}", "model.safetensors": b"x", "extra.pt": b"anything"}, "pickle"),
    "pickle by bytes": ({"config.json": b"{}", "model.safetensors": b"x", "notes.txt": pickle.dumps({"a": 1})},
                        "pickle"),
    "torch save only": ({"config.json": b"{}", "pytorch_model.bin": b"PK"}, "pickle"),
    "wrong content": ({"cat.png": b"\x89PNG....", "hello.txt": b"hi"}, "no model.safetensors"),
    "too many files": ({f"f{i}.txt": b"x" for i in range(40)}, "entries"),
    "duplicate": ({"a/model.safetensors": b"x", "b/model.safetensors": b"y"}, "twice"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_zips_are_refused_and_leave_nothing(case, roots):
    files, match = HOSTILE[case]
    with pytest.raises(hub.CheckpointError, match=match):
        uploads.store_checkpoint(zip_of(files), "visitor-A-token-123456")
    assert not list(roots[1].iterdir())
    assert not (roots[0].parent / "config.json").exists()


def test_zip_bomb_refused_from_headers_and_from_lying_headers(tmp_path, roots):
    bomb = zip_of({"model.safetensors": b"\0" * (50 * hosted.MB)})
    assert len(bomb) < hosted.MB
    with pytest.raises(hub.CheckpointError, match="zip bomb|size limit"):
        uploads.store_checkpoint(bomb, "visitor-A-token-123456")
    # headers that claim a small size: the count made while reading stops it
    small = zip_of({"model.safetensors": b"\1" * 4000}, zipfile.ZIP_STORED)
    with pytest.raises(hub.CheckpointError, match="size limit|damaged"):
        hub.extract_checkpoint_zip(small, tmp_path / "x", max_bytes=1000)
    with pytest.raises(hub.CheckpointError, match="not a zip"):
        uploads.store_checkpoint(b"PK\3\4 not really", "visitor-A-token-123456")


def test_upload_over_the_limit_is_refused_before_unpacking(run_dir, roots, monkeypatch):
    monkeypatch.setenv("GAN_UPLOAD_MB", "1")
    with pytest.raises(hosted.UploadTooLarge):
        uploads.store_checkpoint(b"\0" * (hosted.MB + 1), "visitor-A-token-123456")
    assert not list(roots[1].iterdir())


# ----------------------------------------------------------------------------- disk budget

def _fill(root: Path, name: str, mb: float, age_s: float) -> Path:
    folder = root / name
    folder.mkdir()
    (folder / "model.safetensors").write_bytes(b"\0" * int(mb * hosted.MB))
    t = time.time() - age_s
    for p in (folder / "model.safetensors", folder):
        os.utime(p, (t, t))
    return folder


def test_runs_stay_under_budget_oldest_first_running_kept(roots, monkeypatch):
    runs, ups = roots
    monkeypatch.setenv("GAN_RUNS_MAX_MB", "3")
    folders = [_fill(runs, f"visitor{i}-run", 1, age_s=1000 - i * 10) for i in range(8)]
    upload = _fill(ups, "visitorX-up", 0.5, age_s=5)
    running = SimpleNamespace(spec=SimpleNamespace(out_dir=str(folders[0]), resume_from=None),
                              checkpoint=(str(folders[0]), 5), ended=False, lock=threading.Lock())
    done = SimpleNamespace(spec=SimpleNamespace(out_dir=str(folders[1]), resume_from=None),
                           checkpoint=(str(folders[1]), 9), ended=True, lock=threading.Lock())
    removed = hosted.housekeep_jobs([running, done])
    left = [p for p in runs.iterdir()] + [p for p in ups.iterdir()]
    assert sum(hosted.folder_bytes(p) for p in left) <= 3 * hosted.MB
    assert folders[0].is_dir() and upload.is_dir() and folders[-1].is_dir()  # running and newest kept
    assert [p for p, _ in removed] == folders[1:7]  # oldest first, until 0 + 7 + the upload fit
    assert hosted.removed_reason(folders[1]) == "budget" and done.checkpoint is None
    assert running.checkpoint == (str(folders[0]), 5)
    assert hosted.housekeep_jobs([running, done]) == []  # throttled


def test_idle_sweep(roots, monkeypatch):
    runs, ups = roots
    monkeypatch.setenv("GAN_RUN_IDLE_S", "60")
    old, fresh = _fill(runs, "a-old", 0.01, age_s=600), _fill(ups, "b-fresh", 0.01, age_s=1)
    hosted.touch(fresh)
    assert hosted.housekeeping(force=True) == [(old, "idle")]
    assert fresh.is_dir() and hosted.removed_reason(old) == "idle"


# ----------------------------------------------------------------------------- the Hub

def test_hub_downloads_only_needed_files_size_checked_first(fake_hub, tmp_path, monkeypatch):
    ck = hub.save_generator(_tiny(), tmp_path / "ck")
    files = {n: (ck / n).read_bytes() for n in ("config.json", "model.safetensors")}
    fake_hub.add("me/small", {**files, "huge-extra.bin": b"\0" * 4096, "samples.png": b"png"})
    assert hub.load_generator("me/small", local=False).family == "cgan"
    asked = {p.rsplit("/", 1)[-1] for _, p in fake_hub.requests if "/resolve/" in p}
    assert asked <= {"config.json", "model.safetensors", "discriminator.safetensors", "README.md"}
    fake_hub.add("me/big", {**files, "model.safetensors": b"\0" * (2 * hosted.MB)})
    monkeypatch.setenv("GAN_HUB_MAX_MB", "1")
    fake_hub.requests.clear()
    with pytest.raises(hub.CheckpointError, match="not downloaded"):
        hub.load_generator("me/big", local=False)
    assert not [r for r in fake_hub.requests if r[0] == "GET" and r[1].endswith("model.safetensors")]


# ----------------------------------------------------------------------------- per-visitor jobs, README

def test_per_visitor_job_cap_in_hosted_mode(monkeypatch):
    from gan import jobs as J
    monkeypatch.setenv("GAN_HOSTED", "1")
    monkeypatch.setenv("GAN_MAX_JOBS_PER_VISITOR", "1")
    reg = J.Registry()
    spec = lambda: J.JobSpec("train", dict(model="toy", dataset="ring", steps=10_000, batch_size=16, width=8,  # noqa: E731
                                           log_every=1, sample_every=50, seed=0), paused=True)
    try:
        reg.start(spec(), "me")
        with pytest.raises(J.JobLimitError, match="limit per visitor is 1"):
            reg.start(spec(), "me")
        reg.start(spec(), "other")  # another visitor is not held back
        monkeypatch.delenv("GAN_MAX_JOBS_PER_VISITOR")
        assert J.visitor_cap() == 3
        monkeypatch.setenv("GAN_HOSTED", "0")
        assert J.visitor_cap() is None
    finally:
        reg.stop_all()
        for j in reg.all():
            j.join(10)


def test_readme_lists_every_environment_variable():
    import re
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Hosted use", 1)[1].split("\n## ", 1)[0]
    code = "".join(p.read_text() for d in ("gan", "ui", "app_pages", "scripts") for p in (ROOT / d).rglob("*.py"))
    code += (ROOT / "app.py").read_text()
    names = set(re.findall(r"[\"'`]((?:GAN|HF)_[A-Z_]+)[\"'`]", code)) | set(hosted.ENV) | {"SPACE_ID"}
    missing = sorted(n for n in names if f"`{n}`" not in section)
    assert not missing, missing


def test_many_finished_runs_stay_under_the_budget(roots, monkeypatch):
    """Real (tiny, toy) runs through gan.jobs, each writing its checkpoint folder; after each one ends a
    sweep keeps the total under GAN_RUNS_MAX_MB, removing the oldest finished runs first."""
    from gan import jobs as J
    runs, _ = roots
    monkeypatch.setattr(hosted, "RECENT_S", 0.0)  # every folder here was just written
    reg = J.Registry()
    done, sizes = [], []
    for i in range(6):
        cfg = dict(model="toy", dataset="ring", steps=20, batch_size=16, width=8, log_every=5, sample_every=50,
                   seed=i)
        job = reg.start(J.JobSpec("train", cfg, out_dir=str(hosted.new_folder(runs, f"visitor{i}-token"))), f"v{i}")
        assert job.join(30) and job.checkpoint is not None
        done.append(job)
        sizes.append(hosted.folder_bytes(Path(job.checkpoint[0])))
        if i == 0:  # a budget of about two and a half runs
            monkeypatch.setenv("GAN_RUNS_MAX_MB", str(2.5 * sizes[0] / hosted.MB))
        hosted.housekeep_jobs(reg.all(), force=True)
        left = [p for p in runs.iterdir() if p.is_dir()]
        assert sum(hosted.folder_bytes(p) for p in left) <= hosted.limits().runs_max_bytes
    kept = [j for j in done if j.checkpoint is not None]
    assert kept == done[-2:] and all(Path(j.checkpoint[0]).is_dir() for j in kept)
    assert all(hosted.removed_reason(j.spec.out_dir) == "budget" for j in done[:-2])
