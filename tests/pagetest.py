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
