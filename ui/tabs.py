"""Tabs of which only the open one is drawn.

``st.tabs`` normally runs and sends every tab's content; on a page full of formulas that is thousands of
elements the browser lays out for tabs nobody opened (Principles: about 10,000 DOM nodes, 2.2 s of browser
CPU per visit on the 2-core test machine). With ``on_change="rerun"`` Streamlit reruns the page when a tab is
picked, and only the open tab's body runs here. The choice survives a language switch (the labels change),
and widgets inside closed tabs keep their values (Streamlit forgets a widget's state in a run that does not
draw it, unless the page writes the value back first).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from ui.i18n import lang


def lazy_tabs(tabs: Sequence[tuple[str, str, Callable[[], None]]], key: str, keep: Sequence[str] = ()) -> int:
    """Draw tabs from ``(english label, chinese label, body)`` and run the open tab's body; return its index.

    ``keep``: session-state keys of widgets inside the tabs whose values must outlive a closed tab.
    """
    ss = st.session_state
    for k in keep:
        if k in ss:
            ss[k] = ss[k]
    labels = [zh if lang() == "zh" else en for en, zh, _ in tabs]
    chosen = ss.get(key)
    if chosen is not None and chosen not in labels:  # picked in the other language
        ss[key] = next((labels[i] for i, (en, zh, _) in enumerate(tabs) if chosen in (en, zh)), labels[0])
    containers = st.tabs(labels, key=key, on_change="rerun")
    shown = next((i for i, c in enumerate(containers) if c.open), 0)
    with containers[shown]:
        tabs[shown][2]()
    return shown
