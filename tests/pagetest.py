"""Run one page script under Streamlit's AppTest with Session State set first."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest


def run_page(path: str, timeout: float = 60, **state) -> AppTest:
    """A fresh AppTest of ``path`` with ``state`` in Session State, run once, with no exception."""
    at = AppTest.from_file(path, default_timeout=timeout)
    for k, v in state.items():
        at.session_state[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_tab(at: AppTest, key: str, label: str) -> AppTest:
    """Open the tab ``label`` of a ``ui.tabs.lazy_tabs`` group (keyed ``key``) and rerun: only the open tab is
    drawn."""
    at.session_state[key] = label
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def each_tab(at: AppTest, key: str):
    """Open every tab of a ``ui.tabs.lazy_tabs`` group in turn; yields the label of the tab open now."""
    for label in [t.label for t in at.tabs]:
        open_tab(at, key, label)
        yield label
