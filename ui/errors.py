"""Turn unexpected exceptions into a plain message for the visitor and a full log on the server.

Usage in a page::

    from ui.errors import guard

    with guard("training"):
        ...  # anything that might fail

or as a decorator, ``@guard("sampling")``. The visitor sees a short ``st.error`` without the
exception type, message, traceback or any server path; the server log gets ``logging.exception``.
Streamlit's own control flow (``st.stop``, ``st.rerun``) derives from ``BaseException`` and passes
through untouched.
"""
from __future__ import annotations

import logging
from contextlib import contextmanager
from collections.abc import Iterator

import streamlit as st

from ui.i18n import tr

log = logging.getLogger("gan_studio")


def plain_error_message() -> str:
    return tr("Something went wrong on our side. The details were written to the server log; "
              "please try again, or reload the page.",
              "服务器端出了点问题，详细信息已写入服务器日志。请重试，或刷新页面。")


@contextmanager
def guard(what: str = "page") -> Iterator[None]:
    """Catch unexpected exceptions, log them with the traceback, and show a plain message."""
    try:
        yield
    except Exception:
        log.exception("unexpected error in %s", what)
        st.error(plain_error_message(), icon=":material/error:")
