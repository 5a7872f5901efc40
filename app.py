"""GAN Studio: the entry point (`streamlit run app.py`).

Builds the navigation from the page scripts that exist, draws the shared sidebar, runs the page.
"""
from __future__ import annotations

import gc
import logging
import os
import sys
import time
from pathlib import Path

import pandas  # noqa: F401  (fully imported before any page: plotly's lazy import races between sessions)
import streamlit as st
import torch

from gan.device import serving_threads

from ui.hosted import housekeeping
from ui.i18n import lang, tr
from ui.jobs import remember_owner
from ui.sidebar import page_menu, presenting, render_sidebar

ROOT = Path(__file__).resolve().parent
logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def navigation_pages() -> dict[str, list[st.Page]]:
    """Sections in menu order, each with the pages whose script exists, titled in the current language."""
    return {section: [st.Page(ROOT / e.file, title=tr(e.en, e.zh), icon=e.icon, url_path=e.url_path)
                      for e in entries]
            for section, entries in page_menu(ROOT, lang())}


@st.cache_resource(show_spinner=False)
def _configure_torch() -> int:
    """Once per server process: leave a core for Streamlit and the job threads (see serving_threads)."""
    torch.set_num_threads(serving_threads())
    # Hand the GIL over every 1 ms instead of 5 ms, so a training thread is not starved while a page
    # serialises its figures (the playground's job ran about twice as many steps/s while redrawing).
    sys.setswitchinterval(0.001)
    # Everything imported so far (PyTorch, plotly, pandas, Streamlit: about 270,000 objects) lives as long
    # as the process: move it out of the garbage collector's sight, so that the collections that still
    # run while pages redraw walk only what pages create (a full one took about 0.2 s with the GIL held).
    gc.freeze()
    return torch.get_num_threads()


_configure_torch()
st.set_page_config(page_title="GAN Studio", page_icon=":material/blur_on:",
                   layout="wide" if presenting() else "centered")
# st.navigation first: it settles which page this run belongs to, so the sidebar widgets get the same
# identity on the first run as on every later one (rendered before it, the first click on the
# language selector was lost). The menu still sits at the top of the sidebar.
_t0 = time.perf_counter()
nav = st.navigation(navigation_pages())
render_sidebar()
remember_owner()  # the visitor's owner token into the browser, so their runs are found after a reload
housekeeping()  # idle and over-budget run folders and uploads removed (gan.hosted); their visitor is told
try:
    nav.run()
finally:  # bench/load.py reads how long each full script run took on the server
    if os.environ.get("GAN_SCRIPT_TIMES"):
        with open(os.environ["GAN_SCRIPT_TIMES"], "a") as _f:
            _f.write(f"{time.perf_counter() - _t0:.4f}\n")
