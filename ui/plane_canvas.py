"""The live plane drawn by the browser: a canvas component fed the compact payload of
:func:`gan.plots.compact.plane_payload` (drawing in ``plane_canvas.js``).

While a run trains, the plane fragment sends ~10 KiB of numbers per redraw instead of a ~40 KiB picture
drawn and JPEG-encoded on the server; the browser keeps one canvas and redraws it
(bench/playground.py --browser measures the rate). The canvas carries ``data-step`` (the snapshot's
step) and ``data-draws`` (redraws so far) for tests and the benchmark.
"""
from __future__ import annotations

import json
from pathlib import Path

import streamlit as st

from gan.plots import compact, toy

_JS = (Path(__file__).with_name("plane_canvas.js").read_text(encoding="utf-8")
       .replace("__CONFIG__", json.dumps({"colors": toy.COLORS, "scale": toy.D_COLORSCALE,
                                          "opacity": {"real": 0.7, "fake": 0.8, "manifold": 0.9}})))
_COMPONENT = st.components.v2.component("gan_studio_plane", js=_JS, isolate_styles=False)


def plane(snap: dict, show: dict[str, bool], size: int, key: str) -> None:
    """Draw ``snap`` (a toy snapshot) ``size`` CSS pixels wide at most (narrower columns scale it down)."""
    _COMPONENT(data=compact.plane_payload(snap, show, size=size), key=key, height="content")
