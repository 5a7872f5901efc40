"""GAN Studio: the entry point (`streamlit run app.py`).

Builds the navigation from the page scripts that exist, draws the shared sidebar, runs the page.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from ui.i18n import tr
from ui.sidebar import presenting, render_sidebar

ROOT = Path(__file__).resolve().parent
logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


@dataclass(frozen=True)
class PageEntry:
    file: str
    url_path: str
    icon: str
    en: str
    zh: str


# (section English, section Chinese) -> pages, in menu order.
SECTIONS: list[tuple[tuple[str, str], list[PageEntry]]] = [
    (("Learn", "学习"), [
        PageEntry("pages/1_principles.py", "principles", ":material/school:", "Principles", "原理"),
        PageEntry("pages/2_playground.py", "playground", ":material/scatter_plot:", "2D playground", "二维游乐场"),
    ]),
    (("Train & generate", "训练与生成"), [
        PageEntry("pages/3_train.py", "train", ":material/model_training:", "Train", "训练"),
        PageEntry("pages/4_generate.py", "generate", ":material/auto_awesome:", "Generate", "生成"),
        PageEntry("pages/5_model_zoo.py", "zoo", ":material/inventory_2:", "Model zoo", "模型库"),
    ]),
    (("Create", "创作"), [
        PageEntry("pages/6_style_transfer.py", "style", ":material/palette:", "Style transfer", "风格迁移"),
    ]),
]


def navigation_pages() -> dict[str, list[st.Page]]:
    """The menu: sections in order, each with the pages whose script exists, titled in the current language."""
    menu: dict[str, list[st.Page]] = {}
    for (sec_en, sec_zh), entries in SECTIONS:
        pages = [st.Page(ROOT / e.file, title=tr(e.en, e.zh), icon=e.icon, url_path=e.url_path)
                 for e in entries if (ROOT / e.file).is_file()]
        if pages:
            menu[tr(sec_en, sec_zh)] = pages
    return menu


st.set_page_config(page_title="GAN Studio", page_icon=":material/blur_on:",
                   layout="wide" if presenting() else "centered")
render_sidebar()
nav = st.navigation(navigation_pages())
nav.run()
