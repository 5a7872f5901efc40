"""The app shell: app.py with st.navigation, the shared sidebar, the page menu and the error guard.

The page scripts live in ``app_pages/``, not ``pages/``: with a folder literally named ``pages`` next to
app.py, Streamlit 1.67 treated it as an old-style multipage app until ``st.navigation`` had run once, so a
deep link on a fresh server (and AppTest from its second run on) skipped app.py and its sidebar.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pagetest import run_page
from gan.device import device_name, pick_device
from ui.sidebar import PAGES, PRESENTATION_CSS, page_menu

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
TIMEOUT = 60


def run_app(**state) -> AppTest:
    return run_page(APP, timeout=TIMEOUT, **state)


def test_app_runs_with_sidebar_controls():
    at = run_app()
    assert at.sidebar.radio(key="app_lang").value == "en"
    assert at.sidebar.radio(key="app_lang").options == ["English", "中文"]
    assert at.sidebar.toggle(key="app_present").value is False
    captions = " ".join(c.value for c in at.sidebar.caption)
    assert device_name(pick_device()) in captions
    # The default page is Home, in English.
    assert at.title[0].value == "GAN Studio" and at.subheader[0].value == "Where to go"
    assert not at.error


def test_later_runs_still_go_through_app_py():
    at = run_app()
    for _ in range(2):
        at.run()
        assert not at.exception
        assert at.sidebar.radio(key="app_lang").value == "en"  # the shared sidebar is still drawn


def test_switching_language_in_the_sidebar_changes_the_text():
    at = run_app()
    assert at.sidebar.radio(key="app_lang").label == "Language"
    at.sidebar.radio(key="app_lang").set_value("zh").run()
    assert not at.exception
    assert at.subheader[0].value == "从哪里开始"


def test_chinese_sidebar_and_page():
    at = run_app(app_lang="zh")
    assert at.sidebar.radio(key="app_lang").label == "语言"
    assert at.sidebar.toggle(key="app_present").label == "演示模式"
    assert "计算设备" in " ".join(c.value for c in at.sidebar.caption)
    assert at.subheader[0].value == "从哪里开始"


def test_presentation_mode_injects_css_and_hides_advanced_controls():
    at = AppTest.from_file(str(ROOT / "app_pages" / "1_principles.py"), default_timeout=TIMEOUT).run()
    assert any(t.key == "principles_show_code" for t in at.toggle)
    at = run_app(app_present=True)
    assert any(PRESENTATION_CSS.strip() in m.value for m in at.markdown)
    assert at.sidebar.toggle(key="app_present").value is True
    at = AppTest.from_file(str(ROOT / "app_pages" / "1_principles.py"), default_timeout=TIMEOUT)
    at.session_state["app_present"] = True
    at.run()
    assert not any(t.key == "principles_show_code" for t in at.toggle)


def test_config_hides_error_details_from_visitors():
    import tomllib
    cfg = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert cfg["client"]["showErrorDetails"] == "none"
    assert cfg["client"]["toolbarMode"] == "minimal"
    assert cfg["server"]["headless"] is True
    assert cfg["server"]["runOnSave"] is False
    assert 1 <= cfg["server"]["maxUploadSize"] <= 200
    assert cfg["theme"]["primaryColor"].startswith("#")


# --- The page menu (pure) --------------------------------------------------------------------------

def test_page_menu_order_titles_and_url_paths():
    entries = [e for _, group in PAGES for e in group]
    assert [e.url_path for e in entries] == ["home", "principles", "playground", "train", "generate", "zoo", "style",
                                            "own-images", "cyclegan", "super-resolution", "data-augmentation"]
    assert [e.file for e in entries] == sorted(e.file for e in entries)
    assert all(e.icon.startswith(":material/") for e in entries)
    assert [sec for (sec, _), _ in PAGES] == ["Learn", "Train & generate", "Create", "Applications"]


def test_page_menu_lists_only_existing_pages(tmp_path):
    (tmp_path / "app_pages").mkdir()
    for f in ("app_pages/1_principles.py", "app_pages/4_generate.py"):
        (tmp_path / f).write_text("")
    en = page_menu(tmp_path, "en")
    assert [(sec, [e.url_path for e in es]) for sec, es in en] == [("Learn", ["principles"]),
                                                                   ("Train & generate", ["generate"])]
    zh = page_menu(tmp_path, "zh")
    assert [sec for sec, _ in zh] == ["学习", "训练与生成"]
    assert [e.zh for e in zh[0][1]] == ["原理"]


def test_page_menu_on_the_real_tree_includes_principles():
    menu = page_menu(ROOT, "en")
    assert menu[0][0] == "Learn" and [e.url_path for e in menu[0][1]][:2] == ["home", "principles"]


# --- Error guard -----------------------------------------------------------------------------------

def _guarded_app():
    import streamlit as st
    from ui.errors import guard

    with guard("test"):
        st.write("before")
        raise RuntimeError("secret detail /srv/app/gan/x.py")
    st.write("after")


def test_guard_shows_a_plain_message_and_logs(caplog):
    at = AppTest.from_function(_guarded_app, default_timeout=TIMEOUT)
    with caplog.at_level("ERROR", logger="gan_studio"):
        at.run()
    assert not at.exception
    assert len(at.error) == 1
    msg = at.error[0].value
    assert "secret detail" not in msg and "/srv" not in msg and "Traceback" not in msg
    assert "after" in [m.value for m in at.markdown]
    assert any("secret detail" in r.getMessage() or (r.exc_info and "secret detail" in str(r.exc_info[1]))
               for r in caplog.records)


def _stopping_app():
    import streamlit as st
    from ui.errors import guard

    with guard("test"):
        st.write("shown")
        st.stop()
    st.write("never")


def test_guard_lets_st_stop_through():
    at = AppTest.from_function(_stopping_app, default_timeout=TIMEOUT).run()
    assert not at.error and not at.exception
    assert [m.value for m in at.markdown] == ["shown"]


@pytest.mark.parametrize("lang,expected", [("en", "Something went wrong"), ("zh", "出了点问题")])
def test_guard_message_follows_language(lang, expected):
    at = AppTest.from_function(_guarded_app, default_timeout=TIMEOUT)
    at.session_state["app_lang"] = lang
    at.run()
    assert expected in at.error[0].value
