"""The Data augmentation page through AppTest: the bundled table, figure, grids and text show at once (en
and zh, the text's numbers filled in from the table); a live cell starts as a job with the chosen settings
and stops; a finished cell shows next to the table (and on the figure); missing data or a missing table
get a message, never a traceback."""
from __future__ import annotations

import json
from dataclasses import asdict, replace
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from gan import augmentation_study as A
from gan.jobs import REGISTRY, JobSpec
from tests.pagetest import run_page

ROOT = Path(__file__).resolve().parent.parent
PAGE = str(ROOT / "app_pages" / "8c_data_augmentation.py")
TIMEOUT = 90


def _page(**state) -> AppTest:
    return run_page(PAGE, TIMEOUT, **state)


def _text(at) -> str:
    return "\n".join(m.value for m in at.markdown) + "\n" + "\n".join(c.value for c in at.caption)


def _table(at, column: str):
    """The dataframe with ``column`` (the study's table has "Accuracy", the live one "Your run")."""
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert len(found) == 1, [list(d.value.columns) for d in at.dataframe]
    return found[0]


def _job(at):
    return REGISTRY.latest(at.session_state["jobs_owner"], where=lambda j: j.spec.tag == "augment")


def test_the_bundled_study_shows_at_once_in_english():
    at = _page()
    res = A.load_results()
    assert at.title[0].value == "Data augmentation"
    table = _table(at, "Accuracy")
    assert len(table) == len(res["summary"]) == 8
    assert "real images only" in set(table["Training data"])
    first = res["summary"][0]
    assert f"{100 * first['mean']:.1f} ± {100 * first['std']:.1f} %" in set(table["Accuracy"])
    assert len(at.get("plotly_chart")) == 1
    text = _text(at)
    assert A.text_numbers(res)["acc_real_10"] in text
    assert "{acc_" not in text and "{diff_" not in text
    assert "Made with `nice -n 10 python bench/data_augmentation.py" in text
    captions = [i.captions[0] for i in at.image if i.captions]
    assert any("5 of 10 per digit" in c for c in captions) and any("one column per digit" in c for c in captions)
    at.radio(key="aug_grid_pc").set_value("50").run()
    assert any("5 of 50 per digit" in (i.captions[0] if i.captions else "") for i in at.image)
    assert not at.button(key="aug_run").disabled and at.button(key="aug_stop").disabled
    assert not at.error


def test_chinese_page_is_translated():
    at = _page(app_lang="zh")
    assert at.title[0].value == "数据增强"
    table = _table(at, "准确率")
    assert "只用真实图像" in set(table["训练数据"]) and "real images only" not in set(table["训练数据"])
    text = _text(at)
    assert "表格说明了什么" in [h.value for h in at.subheader]
    assert A.text_numbers(A.load_results())["acc_real_10"] in text
    assert "The cGAN" not in text and "Real images" not in text
    assert at.button(key="aug_run").label == "运行这一格"


def test_run_starts_a_cell_job_with_the_chosen_settings_and_stop_ends_it():
    at = _page()
    at.radio(key="aug_per_class").set_value(50)
    at.number_input(key="aug_seed").set_value(7)
    at.select_slider(key="aug_seconds").set_value(30)
    at.button(key="aug_run").click().run()
    assert not at.exception and not at.error
    job = _job(at)
    assert job is not None and job.kind == "augment-study" and job.backend == "process"
    cfg = job.spec.config
    assert (cfg["per_class"], cfg["seed"], cfg["gan_seconds"], cfg["settings"]) == (50, 7, 30.0, ["real", "real+gan"])
    assert at.button(key="aug_run").disabled and not at.button(key="aug_stop").disabled
    at.button(key="aug_stop").click().run()
    assert job.join(90) and job.status == "stopped", job.error
    at.run()
    assert any("Stopped before the end" in c.value for c in at.caption)
    assert not at.button(key="aug_run").disabled
    assert "Your run" not in _text(at)


def test_classic_checkbox_adds_the_classic_settings():
    at = _page()
    at.checkbox(key="aug_classic").check()
    at.button(key="aug_run").click().run()
    job = _job(at)
    assert job.spec.config["settings"] == list(A.SETTINGS)
    at.button(key="aug_stop").click().run()
    assert job.join(90)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_finished_cell_shows_next_to_the_table_and_on_the_figure(lang):
    owner = f"augment-page-test-owner-{lang}"
    tiny = replace(A.CellConfig(), per_class=10, seed=5, gan_steps=5, gan_seconds=30.0, clf_steps=4, clf_batch=16,
                   pool_per_class=3, held_out=40, progress_every=2, settings=("real", "real+gan"))
    config = {**asdict(tiny), "settings": list(tiny.settings)}
    job = REGISTRY.start(JobSpec("augment-study", config, tag="augment"), owner)
    assert job.join(180) and job.status == "done", job.error
    at = _page(jobs_owner=owner, app_lang=lang)
    live = _table(at, "Your run" if lang == "en" else "你的这次运行")
    assert len(live) == 2
    ours = "Your run" if lang == "en" else "你的这次运行"
    acc = job.last.accuracies
    assert f"{100 * acc['real']:.1f} %" in set(live[ours])
    text = _text(at)
    d = 100 * (acc["real+gan"] - acc["real"])
    if lang == "en":
        assert "Your run:" in text and "5 steps in its 30 s budget (the table's cGANs: 5)" in text
        assert f"**{d:+.1f} points**" in text
        assert "The diamonds on the figure above are your run." in text
    else:
        assert "**你的这次运行**：" in text and "训练了 5 步" in text
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    diamonds = [t for t in spec["data"] if t.get("marker", {}).get("symbol") == "diamond"]
    assert len(diamonds) == 2 and {t["x"][0] for t in diamonds} == {"10"}


def test_missing_data_says_so_and_the_table_still_shows(monkeypatch, tmp_path):
    monkeypatch.setenv("GAN_DATA_DIR", str(tmp_path))
    st.cache_data.clear()
    try:
        at = _page()
        assert any("needs MNIST's test images" in i.value for i in at.info)
        assert len(at.button) == 0  # nothing to start
        assert len(_table(at, "Accuracy")) == 8
    finally:
        st.cache_data.clear()


def test_a_missing_table_is_a_message_not_a_traceback(monkeypatch, tmp_path):
    monkeypatch.setattr(A, "RESULTS_DIR", tmp_path)
    monkeypatch.setattr(A, "RESULTS_FILE", tmp_path / "results.json")
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    assert any("bundled table is missing" in e.value for e in at.error)


def test_chinese_page_has_no_english_words_but_names():
    from tests.test_zh_ui import ALLOWED, english_words
    at = _page(app_lang="zh")
    assert english_words(at) - ALLOWED - {"DiffAugment"} == set()
