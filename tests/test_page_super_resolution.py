"""The Super-resolution page through AppTest: the bundled comparison (five columns, the figures the
bundled pair recorded, what they say), other digits, Chinese, a visitor's finished run shown the same way,
Start and Stop of a real run, and the message when the MNIST data is missing."""
from __future__ import annotations

import io
import secrets
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pytest
import streamlit as st
from PIL import Image

from gan import superres as sr
from gan.jobs import REGISTRY, JobSpec
from gan.metrics.classifier import mnist_split
from tests.pagetest import run_page

ROOT = Path(__file__).resolve().parent.parent
PAGE = str(ROOT / "app_pages" / "8b_super_resolution.py")
COLUMN_SHAPE = (5 * 112 + 4 * 4, 112)  # five digits, 112 px each, 4 px gaps
TINY = dict(width=8, d_width=4, batch_size=8, eval_every=5, eval_n=20, train_n=256)


def png(media, url) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(media[url])))


def texts(at) -> str:
    return " ".join([m.value for m in at.markdown] + [c.value for c in at.caption])


def columns(at, media) -> list[np.ndarray]:
    return [png(media, i.value[0]) for i in at.image if png(media, i.value[0]).shape == COLUMN_SHAPE]


def test_bundled_comparison_shows_five_columns_and_the_recorded_figures(media):
    at = run_page(PAGE, timeout=120)
    assert at.title[0].value == "Super-resolution"
    assert at.radio(key="sr_source").value == "bundled"
    heads = [m.value for m in at.markdown if m.value.startswith("**") and m.value.endswith("**")]
    assert heads == ["**Input (7×7)**", "**Bicubic**", "**L1 only**", "**L1 + adversarial**", "**Real (28×28)**"]
    cols = columns(at, media)
    assert len(cols) == 5
    view = sr.comparison(sr.load_bundled(), range(5))
    for pic, key in zip(cols, ("input", *sr.METHODS, "real")):
        assert np.array_equal(pic, sr.strip(view[key])), key  # the very digits of each method, in order
    rec = sr.recorded()["metrics"]
    table = at.dataframe[0].value
    assert list(table.iloc[:, 0]) == ["Bicubic", "L1 only", "L1 + adversarial", "Real digits"]
    assert list(table["PSNR (dB)"])[:3] == [f"{rec[m]['psnr']:.2f}" for m in sr.METHODS]
    assert list(table["classifier accuracy"]) == [f"{rec[m]['accuracy']:.1%}" for m in (*sr.METHODS, "real")]
    said = texts(at)
    assert "L1 + adversarial comes closer to the real digits' sharpness" in said
    assert f"Yet its PSNR is lower ({rec['adversarial']['psnr']:.2f} dB against {rec['l1']['psnr']:.2f} dB)" in said
    examples = sr.recorded()["examples"]
    assert f"{len(examples)} held-out digits whose L1 + adversarial output the classifier reads" in said
    captions = [c for i in at.image for c in i.captions]
    for ex in examples:
        assert f"L1 + adversarial: read as {ex['read_as']} ({ex['confidence']:.0%})" in captions
        assert f"Real: a {ex['label']}" in captions
    assert f"Trained by this project on the CPU: {sr.load_bundled().info['steps']:,} steps" in said


def test_other_digits(media):
    at = run_page(PAGE, timeout=120)
    before = columns(at, media)
    at.number_input(key="sr_first").set_value(5).run()
    after = columns(at, media)
    assert not at.exception and len(after) == 5
    assert not np.array_equal(before[4], after[4])
    assert np.array_equal(after[4], sr.strip(sr.comparison(sr.load_bundled(), range(5, 10))["real"]))


def test_in_chinese():
    at = run_page(PAGE, timeout=120, app_lang="zh")
    assert at.title[0].value == "超分辨率"
    heads = [m.value for m in at.markdown if m.value.startswith("**") and m.value.endswith("**")]
    assert heads == ["**输入（7×7）**", "**双三次插值**", "**仅 L1**", "**L1 + 对抗**", "**真实（28×28）**"]
    said = texts(at)
    assert "L1 + 对抗的锐度更接近真实数字" in said and "但它的 PSNR 更低" in said
    assert "模糊的平均与清晰而合理的答案" in at.expander[0].markdown[0].value
    assert list(at.dataframe[0].value.columns) == ["方法", "锐度", "相对真实数字", "PSNR (dB)", "分类器准确率"]
    assert "Sharp, plausible" not in said and "held-out digits whose" not in said


def test_no_run_yet_offers_training():
    at = run_page(PAGE, timeout=120, sr_source="run", jobs_owner=secrets.token_urlsafe(18))
    assert any("Nothing trained yet" in c.value for c in at.caption)
    assert not at.button(key="sr_start").disabled and at.button(key="sr_stop").disabled
    assert at.select_slider(key="sr_steps").value == 600 and at.slider(key="sr_adv").value == 0.2
    assert not at.image  # nothing to compare yet


def test_a_finished_run_is_shown_like_the_bundled_pair(media):
    owner = secrets.token_urlsafe(18)
    cfg = sr.SRConfig(steps=10, scale=2, **TINY)
    job = REGISTRY.start(JobSpec("superres", asdict(cfg), tag="superres"), owner, backend="thread")
    assert job.join(300) and job.status == "done", job.error
    at = run_page(PAGE, timeout=120, sr_source="run", jobs_owner=owner)
    assert any("Finished · step 10/10" in p.proto.text for p in at.get("progress"))
    heads = [m.value for m in at.markdown if m.value.startswith("**") and m.value.endswith("**")]
    assert "**Input (14×14)**" in heads
    assert len(columns(at, media)) == 5
    metrics = job.last.result["metrics"]
    assert list(at.dataframe[0].value["PSNR (dB)"])[:3] == [f"{metrics[m]['psnr']:.2f}" for m in sr.METHODS]
    assert any(c.value.startswith("**Live preview**") for c in at.markdown)


def test_start_trains_in_a_worker_and_stop_stops_it():
    owner = secrets.token_urlsafe(18)
    at = run_page(PAGE, timeout=120, sr_source="run", jobs_owner=owner)
    at.select_slider(key="sr_steps").set_value(200).run()
    at.button(key="sr_start").click().run()
    assert not at.exception and not at.error
    job = REGISTRY.latest(owner, kind="superres")
    assert job is not None and job.backend == "process" and job.spec.config["steps"] == 200
    assert at.button(key="sr_start").disabled and not at.button(key="sr_stop").disabled
    at.button(key="sr_stop").click().run()
    assert job.join(240), "the worker did not stop"
    assert job.status in ("stopped", "done") and job.error is None


@pytest.fixture
def no_data(tmp_path, monkeypatch):
    monkeypatch.setenv("GAN_DATA_DIR", str(tmp_path))
    mnist_split.cache_clear()
    st.cache_resource.clear()
    yield
    monkeypatch.undo()
    mnist_split.cache_clear()
    st.cache_resource.clear()


def test_without_the_mnist_data_the_page_says_so_and_shows_the_recorded_figures(no_data):
    at = run_page(PAGE, timeout=120)
    assert any("The MNIST digits are not here" in e.value for e in at.error)
    assert at.dataframe and not at.image
    rec = sr.recorded()["metrics"]
    assert list(at.dataframe[0].value["PSNR (dB)"])[:3] == [f"{rec[m]['psnr']:.2f}" for m in sr.METHODS]
    at.radio(key="sr_source").set_value("run").run()
    assert any("The MNIST digits are not here" in e.value for e in at.error)
    assert not at.button  # nothing to train with


@pytest.mark.parametrize("source", ["bundled", "run"])
def test_the_chinese_page_has_no_english_words_but_names_and_units(source):
    from tests.test_zh_ui import ALLOWED, english_words
    at = run_page(PAGE, timeout=120, app_lang="zh", sr_source=source, jobs_owner=secrets.token_urlsafe(18))
    stray = english_words(at) - ALLOWED - {"PSNR", "dB", "SRGAN", "Ledig"}
    assert not stray, sorted(stray)


def test_the_step_choices_keep_to_the_servers_limit(monkeypatch):
    monkeypatch.setenv("GAN_MAX_STEPS", "450")
    at = run_page(PAGE, timeout=120, sr_source="run", jobs_owner=secrets.token_urlsafe(18))
    assert at.select_slider(key="sr_steps").options == ["200", "400"] and at.select_slider(key="sr_steps").value == 400
    monkeypatch.setenv("GAN_MAX_STEPS", "50")
    at = run_page(PAGE, timeout=120, sr_source="run", jobs_owner=secrets.token_urlsafe(18))
    assert at.select_slider(key="sr_steps").value == 50
