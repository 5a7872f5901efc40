"""Hosted mode through AppTest: Generate refuses server paths with one message, a checkpoint zip uploaded
on Generate draws the same samples as its folder, hostile and oversized zips get a message, and the
Train page offers to continue from an uploaded zip."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from pagetest import run_page

from gan import hosted, hub
from gan import train as T

ROOT = Path(__file__).resolve().parent.parent
GENERATE = str(ROOT / "app_pages" / "4_generate.py")
TRAIN = str(ROOT / "app_pages" / "3_train.py")


@pytest.fixture(scope="module")
def run_zip(tmp_path_factory):
    """The zip the Train page downloads, of a tiny real run (generator, discriminator, training state)."""
    from gan.data import load_images
    cfg = T.TrainConfig(model="cgan", dataset="mnist", steps=2, batch_size=16, width=8, latent_dim=8,
                        log_every=1, sample_every=100, device="cpu", seed=0)
    trainer = T.Trainer(cfg, data=load_images("mnist", limit=64))
    for _ in trainer.run():
        pass
    folder = trainer.save(tmp_path_factory.mktemp("run") / "ck")
    return folder, hub.zip_checkpoint(folder)


@pytest.fixture
def uploads_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(hosted, "uploads_root", lambda: tmp_path / "uploads")
    return tmp_path / "uploads"


def grid(at: AppTest, media) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(media[at.image[0].value[0]])))


def test_hosted_generate_gives_one_message_for_every_server_path(monkeypatch, tmp_path, run_zip):
    monkeypatch.setenv("GAN_HOSTED", "1")
    folder, _ = run_zip
    texts = set()
    for path in ("/etc", "/etc/passwd", "/no/such/folder", str(folder)):
        at = run_page(GENERATE, gen_source_kind="hub", gen_hub_id=path)
        assert at.text_input(key="gen_hub_id").label == "Hub repo id"
        texts.add(tuple(e.value for e in at.error))
    assert len(texts) == 1 and hub.HOSTED_SOURCE_MESSAGE in next(iter(texts))[0]
    assert not at.image


def test_uploaded_zip_draws_the_same_samples_as_its_folder(monkeypatch, run_zip, uploads_dir, media):
    monkeypatch.delenv("GAN_HOSTED", raising=False)
    monkeypatch.delenv("SPACE_ID", raising=False)
    folder, data = run_zip
    local = run_page(GENERATE, gen_source_kind="hub", gen_hub_id=str(folder))
    expected = grid(local, media)
    monkeypatch.setenv("GAN_HOSTED", "1")
    at = run_page(GENERATE, gen_source_kind="upload")
    at.file_uploader(key="gen_upload_zip").upload("gan-studio-checkpoint.zip", data, "application/zip").run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert np.array_equal(grid(at, media), expected)
    assert len(list(uploads_dir.iterdir())) == 1


def test_hostile_and_oversized_zips_get_a_message_on_generate(monkeypatch, uploads_dir):
    monkeypatch.setenv("GAN_HOSTED", "1")
    at = run_page(GENERATE, gen_source_kind="upload")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("../../config.json", "{}")
    at.file_uploader(key="gen_upload_zip").upload("evil.zip", buf.getvalue(), "application/zip").run()
    assert not at.exception
    assert any("This checkpoint zip cannot be used" in e.value and "outside" in e.value for e in at.error)
    monkeypatch.setenv("GAN_UPLOAD_MB", "1")
    at.file_uploader(key="gen_upload_zip").upload("big.zip", b"\0" * (2 * hosted.MB), "application/zip").run()
    assert any("may be at most 1 MB" in e.value for e in at.error)
    assert not uploads_dir.exists() or not list(uploads_dir.iterdir())


def test_train_page_offers_to_continue_from_an_uploaded_zip(monkeypatch, run_zip, uploads_dir):
    monkeypatch.setenv("GAN_HOSTED", "1")
    at = run_page(TRAIN)
    at.file_uploader(key="train_resume_upload_zip").upload("ck.zip", run_zip[1], "application/zip").run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("Saved at step 2; continuing trains up to step 302" in c.value for c in at.caption)
    assert at.button(key="train_resume_start").label == "Continue training"


def test_sidebar_says_which_mode(monkeypatch):
    def script():
        from ui.hosted import mode_caption
        mode_caption()

    monkeypatch.setenv("GAN_HOSTED", "1")
    at = AppTest.from_function(script).run()
    assert "Hosted mode" in at.caption[0].value
    monkeypatch.setenv("GAN_HOSTED", "0")
    assert "Local mode" in AppTest.from_function(script).run().caption[0].value


def test_hosted_help_mentions_no_folders(monkeypatch):
    monkeypatch.setenv("GAN_HOSTED", "1")
    at = run_page(GENERATE, gen_source_kind="hub")
    assert "folder" not in at.text_input(key="gen_hub_id").help
    monkeypatch.setenv("GAN_HOSTED", "0")
    at = run_page(GENERATE, gen_source_kind="hub")
    assert "folder" in at.text_input(key="gen_hub_id").help


def test_a_visitor_is_told_once_when_their_run_was_removed(monkeypatch, tmp_path):
    import threading
    from types import SimpleNamespace
    from gan.jobs import REGISTRY
    runs = tmp_path / "runs"
    old, mine = runs / "other-old", runs / "mine-run"
    for folder, data in ((old, b"\0" * hosted.MB), (mine, b"\0" * hosted.MB)):
        folder.mkdir(parents=True)
        (folder / "model.safetensors").write_bytes(data)
    import os
    import time
    t = time.time() - 1000  # older than the other run, not idle (GAN_RUN_IDLE_S), not just written
    os.utime(old / "model.safetensors", (t, t))
    os.utime(old, (t, t))
    monkeypatch.setattr(hosted, "runs_root", lambda: runs)
    monkeypatch.setattr(hosted, "uploads_root", lambda: tmp_path / "uploads")
    monkeypatch.setattr(hosted, "_LAST_SWEEP", [0.0])
    monkeypatch.setenv("GAN_RUNS_MAX_MB", "1")
    token = "visitor-token-0123456789"
    job = SimpleNamespace(owner=token, spec=SimpleNamespace(out_dir=str(old), resume_from=None),
                          checkpoint=(str(old), 10), ended=True, lock=threading.Lock(), extra={})
    monkeypatch.setattr(REGISTRY, "all", lambda: [job])

    def script():
        from ui.hosted import housekeeping
        housekeeping()

    other = AppTest.from_function(script)  # another visitor's page run sweeps while the owner is away
    other.session_state["jobs_owner"] = "someone-else-0123456789"
    other.run()
    assert not other.warning and job.checkpoint is None and not old.exists() and mine.exists()
    at = AppTest.from_function(script)  # the owner comes back
    at.session_state["jobs_owner"] = token
    at.run()
    assert any("removed from the server to keep its disk within the budget" in w.value for w in at.warning)
    at.run()
    assert not at.warning  # told once


def test_continue_training_from_an_uploaded_zip(monkeypatch, run_zip, uploads_dir, tmp_path):
    import time
    from gan.jobs import REGISTRY
    monkeypatch.setattr(hosted, "runs_root", lambda: tmp_path / "runs")
    at = run_page(TRAIN, train_steps=2, jobs_owner="resume-visitor-0123456789")
    at.file_uploader(key="train_resume_upload_zip").upload("ck.zip", run_zip[1], "application/zip").run()
    at.button(key="train_resume_start").click().run()
    assert not at.exception, [e.value for e in at.exception]
    job = REGISTRY.latest("resume-visitor-0123456789")
    assert job is not None and Path(job.spec.resume_from).parent == uploads_dir
    assert job.join(120) and job.status == "done", (job.status, job.last)
    assert job.checkpoint[1] == 4 and Path(job.checkpoint[0]).parent == tmp_path / "runs"
    assert [r["step"] for r in job.history][-1] == 4


def test_the_hosted_message_in_chinese(monkeypatch):
    monkeypatch.setenv("GAN_HOSTED", "1")
    at = run_page(GENERATE, gen_source_kind="hub", gen_hub_id="/etc", app_lang="zh")
    assert "不会打开服务器上的文件夹" in at.error[0].value and "/etc" not in at.error[0].value
