"""Home page: digits from the bundled conditional generator right away, and links to every page."""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from gan import hub
from pagetest import run_page

ROOT = Path(__file__).resolve().parent.parent
PAGE = str(ROOT / "app_pages" / "0_home.py")


def run(**state) -> AppTest:
    return run_page(PAGE, **state)


def test_hero_digits_and_new_digits_button():
    assert "cgan-mnist" in hub.bundled_names(), "the bundled checkpoints/cgan-mnist is missing"
    at = run()
    assert at.title[0].value == "GAN Studio"
    imgs = at.get("image")
    assert imgs and "cgan-mnist" in imgs[0].proto.imgs[0].caption, "the hero grid is shown"
    first = imgs[0].proto.imgs[0].url
    at.button(key="home_again").click().run()
    assert at.session_state["home_seed"] == 1
    assert at.get("image")[0].proto.imgs[0].url != first  # new seed -> a new picture
    assert "class accuracy" in " ".join(c.value for c in at.caption)


def test_chinese_text():
    at = run(app_lang="zh")
    assert at.subheader[0].value == "从哪里开始"
    assert any("生成对抗网络" in m.value for m in at.markdown)


def test_without_bundled_generator(monkeypatch, tmp_path):
    import streamlit as st
    monkeypatch.setattr(hub, "BUNDLED_DIR", tmp_path)
    st.cache_resource.clear()
    try:
        at = AppTest.from_file(PAGE, default_timeout=60)
        at.run()
        assert not at.exception
        assert "No bundled generator" in at.info[0].value and not at.get("image")
    finally:
        st.cache_resource.clear()
