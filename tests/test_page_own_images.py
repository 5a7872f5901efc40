"""The "Your images" page through AppTest: uploads (good, bad, Chinese names), the summary and preview per class,
presets and the DiffAugment reason, a folder on this computer, and short real runs with samples per class, the
download and the quality measurement."""
from __future__ import annotations

import io
import json
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from gan import hosted
from gan.jobs import REGISTRY
from gan.shapes import shape_images, shapes_zip, write_shapes
from pagetest import run_page
from test_folders import png, zip_of
from test_zh_ui import english_words

ROOT = Path(__file__).resolve().parent.parent
PAGE = str(ROOT / "app_pages" / "7_own_images.py")


@pytest.fixture
def uploads_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(hosted, "uploads_root", lambda: tmp_path / "uploads")
    return tmp_path / "uploads"


def upload(at: AppTest, data: bytes, name: str = "pictures.zip") -> AppTest:
    at.file_uploader(key="own_zip").upload(name, data, "application/zip").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def captions(at: AppTest) -> list[str]:
    return [c for img in at.image for c in img.captions]


def wait(at: AppTest, job_of, limit: float = 240.0):
    t0 = time.time()
    while time.time() - t0 < limit:
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        job = job_of()
        if job is not None and not job.running:
            at.run()
            return job
        time.sleep(0.5)
    raise AssertionError("timed out waiting for the job")


def test_the_idle_page_invites_an_upload_and_offers_the_example(uploads_dir, media):
    at = run_page(PAGE)
    assert any("Upload a zip of your pictures" in i.value for i in at.info)
    assert at.radio(key="own_source").value == "zip" and at.button(key="own_start").disabled
    button = next(b for b in at.get("download_button") if "example zip" in b.proto.label)
    data = next(v for k, v in media.items() if k.endswith(".zip") or v[:2] == b"PK")
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert len(names) == 300 and {n.split("/")[1] for n in names} == {"circle", "square", "triangle"}
    assert "300 coloured shapes in 3 classes" in button.proto.label


def test_hosted_mode_offers_only_the_upload(uploads_dir, monkeypatch):
    monkeypatch.setenv("GAN_HOSTED", "1")
    at = run_page(PAGE)
    assert not at.get("radio") and not at.text_input and at.file_uploader(key="own_zip")


def test_an_uploaded_zip_shows_classes_counts_preview_and_the_small_set_defaults(uploads_dir, media):
    at = upload(run_page(PAGE), shapes_zip(20, 32, 0))
    assert at.success[0].value.startswith("60 pictures in 3 classes, colour, at 32×32 px: a conditional DCGAN")
    assert captions(at) == ["0: circle · 20 pictures", "1: square · 20 pictures", "2: triangle · 20 pictures"]
    strip = np.asarray(Image.open(io.BytesIO(media[at.image[0].value[0]])))
    assert strip.shape == (36, 8 * 34 + 2, 3) and strip[2:34, 2:34, 0].mean() > strip[2:34, 2:34, 2].mean()  # red
    assert any("one top-level folder (shapes) was opened" in c.value for c in at.caption)
    assert at.selectbox(key="own_preset").value == "few-hundred" and at.selectbox(key="own_budget").value == 120
    assert at.multiselect(key="own_augment").value == ["translation", "cutout"]
    assert any(c.value.startswith("DiffAugment is on because the set is small (60 pictures") for c in at.caption)
    assert not at.button(key="own_start").disabled
    at.select_slider(key="own_size").set_value(64).run()
    assert "at 64×64 px" in at.success[0].value


def test_presets_set_the_budget_and_diffaugment(uploads_dir):
    at = upload(run_page(PAGE), shapes_zip(10, 32, 0))
    at.selectbox(key="own_preset").set_value("few-thousand").run()
    assert at.selectbox(key="own_budget").value == 300 and at.multiselect(key="own_augment").value == []
    assert any(c.value.startswith("DiffAugment is off: with 30 pictures") for c in at.caption)
    at.selectbox(key="own_preset").set_value("quick-look").run()
    assert at.selectbox(key="own_budget").value == 60
    assert at.multiselect(key="own_augment").value == ["translation", "cutout"]


@pytest.mark.parametrize("data, message", [
    (b"not a zip at all", "This zip cannot be used: The upload is not a zip file."),
    (zip_of({"../evil.png": png()}), "names a file outside its folder"),
    (zip_of({f"a/{i}.png": png() for i in range(5)}), "Only 5 pictures could be read; a GAN needs at least 10"),
    (zip_of({"a/readme.txt": b"hello", "b/data.csv": b"1,2"}), "No pictures found"),
    (zip_of({"a/1.png": png(), **{f"b/{i}.png": b"broken" for i in range(11)}, **{f"a/{i}.png": png() for i in range(2, 12)}}),
     "No picture in the class folder b could be read."),
], ids=["not-a-zip", "traversal", "tiny", "no-pictures", "unreadable-class"])
def test_bad_uploads_get_a_message_and_no_start(uploads_dir, data, message):
    at = upload(run_page(PAGE), data)
    assert any(message in e.value for e in at.error), [e.value for e in at.error]
    assert at.button(key="own_start").disabled


def test_an_upload_over_the_dataset_limit(uploads_dir, monkeypatch):
    monkeypatch.setenv("GAN_DATASET_UPLOAD_MB", "1")
    big = io.BytesIO()
    with zipfile.ZipFile(big, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("a/noise.png", np.random.default_rng(0).bytes(1_200_000))
    at = upload(run_page(PAGE), big.getvalue())
    assert [e.value for e in at.error] == ["Dataset zips may be at most 1 MB; this one is larger."]


def test_chinese_class_names_and_a_chinese_page(uploads_dir):
    entries = {f"{name}/{i}.png".encode("gbk"): png(colour) for name, colour in (("猫", (200, 0, 0)), ("狗", (0, 0, 200)))
               for i in range(12)}
    at = upload(run_page(PAGE, app_lang="zh"), zip_of(entries))
    assert captions(at) == ["0：狗 · 12 张", "1：猫 · 12 张"]  # sorted as ImageFolder sorts: by code point
    assert at.success[0].value.startswith("24 张图片，2 个类别，彩色")
    allowed = {"GAN", "DCGAN", "DiffAugment", "zip", "cat", "dog", "my-pictures", "png", "jpg", "Zhao", "CPU", "GBK",
               "UTF-", "MB", "Windows", "macOS", "Linux", "ImageFolder", "torchvision", "MACOSX"}
    stray = english_words(at) - allowed
    assert not stray, sorted(stray)


def test_a_folder_on_this_computer(tmp_path, uploads_dir):
    folder = write_shapes(tmp_path / "mine", n_per_class=5, size=32, seed=1)
    at = run_page(PAGE, own_source="folder", own_folder=str(folder))
    assert at.success[0].value.startswith("15 pictures in 3 classes")
    at.text_input(key="own_folder").set_value(str(tmp_path / "nowhere")).run()
    assert any("is not a folder" in e.value for e in at.error) and at.button(key="own_start").disabled


def short_run(at: AppTest, steps: int = 6):
    at.selectbox(key="own_budget").set_value(0).run()
    at.number_input(key="own_steps").set_value(steps)
    at.number_input(key="own_width").set_value(8)
    at.number_input(key="own_sample_every").set_value(2)
    at.button(key="own_start").click().run()
    assert not at.exception, [e.value for e in at.exception]
    owner = at.session_state["jobs_owner"]
    return wait(at, lambda: REGISTRY.latest(owner, where=lambda j: j.spec.tag == "own-images")), owner


def test_a_short_run_draws_every_class_downloads_and_measures(uploads_dir, media):
    at = upload(run_page(PAGE), shapes_zip(20, 32, 0))
    job, owner = short_run(at)
    cfg = job.spec.config
    assert job.backend == "process" and job.status == "done" and job.step == 6
    assert cfg["model"] == "cgan" and cfg["dataset"].startswith("folder:") and cfg["dataset"].endswith("/data")
    assert cfg["augment"] == "translation,cutout" and cfg["image_size"] == 32 and cfg["n_samples"] == 24
    assert job.grids[-1][1].shape == (3 * 34 + 2, 8 * 34 + 2, 3)  # the live grid: one row per class
    assert any("Finished" in p.proto.text for p in at.get("progress"))
    assert {"0: circle", "1: square", "2: triangle"} <= set(captions(at))
    zipped = next(b for b in at.get("download_button") if b.proto.label == "Download the checkpoint (zip)")
    assert zipped is not None
    ck = next(v for v in media.values() if v[:2] == b"PK" and b"config.json" in v)
    config = json.loads(zipfile.ZipFile(io.BytesIO(ck)).read("config.json"))
    assert config["gan_studio"]["class_names"] == ["circle", "square", "triangle"]
    before = media[next(i for i in at.image if i.captions == ["0: circle"]).value[0]]
    at.button(key="own_resample").click().run()
    after = media[next(i for i in at.image if i.captions == ["0: circle"]).value[0]]
    assert before != after
    at.button(key="own_measure").click().run()
    wait(at, lambda: REGISTRY.latest(owner, kind="quality"))
    assert not at.error, [e.value for e in at.error]
    assert any(c.value.startswith("A small classifier trained here on your pictures labels") for c in at.caption)
    table = at.dataframe[0].value
    assert list(table.iloc[:, 0]) == ["circle", "square", "triangle"] and "samples it puts in the class" in table.columns
    assert "spread: samples / pictures" in table.columns
    assert any("Fréchet distance" in m.value and "the floor" in m.value for m in at.markdown)


def test_an_unlabelled_set_trains_dcgan_and_says_what_is_not_measured(uploads_dir):
    entries = {}
    for i, img in enumerate(shape_images(12, 32, 0)["square"]):
        buf = io.BytesIO()
        img.save(buf, format="PNG")
        entries[f"{i}.png"] = buf.getvalue()
    at = upload(run_page(PAGE), zip_of(entries))
    assert "without class folders" in at.success[0].value and "unconditional DCGAN" in at.success[0].value
    job, owner = short_run(at, steps=4)
    assert job.spec.config["model"] == "dcgan" and job.status == "done"
    at.button(key="own_measure").click().run()
    wait(at, lambda: REGISTRY.latest(owner, kind="quality"))
    assert any(i.value.startswith("Not measured: which class the samples look like, and the Fréchet distance")
               for i in at.info)
    assert at.dataframe[0].value.shape[0] == 1
