"""Language selection and text lookup shared by every page.

Short labels are written inline as ``tr("English", "中文")`` so each page carries its own
strings; long explanations live as Markdown in ``content/<lang>/<topic>.md``.
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

import streamlit as st

LANGS = {"en": "English", "zh": "中文"}
LANG_KEY = "app_lang"
CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"


_SPEAKING: ContextVar[str | None] = ContextVar("speaking", default=None)


@contextmanager
def speaking(code: str):
    """Within this block ``tr`` and ``lang`` answer in ``code`` (to compute a label in both languages)."""
    token = _SPEAKING.set(code)
    try:
        yield
    finally:
        _SPEAKING.reset(token)


def lang() -> str:
    """The language chosen in the sidebar ("en" or "zh")."""
    value = _SPEAKING.get() or st.session_state.get(LANG_KEY, "en")
    return value if value in LANGS else "en"


def tr(en: str, zh: str) -> str:
    """Pick the English or Chinese version of a short text."""
    return zh if lang() == "zh" else en


CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"  # Han, CJK and full-width punctuation
# A line break inside a paragraph of Chinese: the browser would show it as a space (Markdown's soft break),
# between two Chinese characters or after Chinese punctuation. Not before a list item, heading, table, quote,
# code fence or blank line.
_SOFT_BREAK = re.compile(rf"(?<=[{CJK}])\n[ \t]*(?![-*+] |\d+\. |#|\||>|```|\n|$)(?=[{CJK}])|"
                         rf"(?<=[，。：；！？、（）“”])\n[ \t]*(?![-*+] |\d+\. |#|\||>|```|\n|$)")


def join_soft_breaks(text: str) -> str:
    """Chinese Markdown with its wrapped lines joined where the break would show as a stray space."""
    return _SOFT_BREAK.sub("", text)


@lru_cache(maxsize=128)
def _read(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    return join_soft_breaks(text) if path.parent.name == "zh" else text


def md(topic: str) -> str:
    """Long text for ``topic`` in the current language (falls back to English)."""
    for code in (lang(), "en"):
        path = CONTENT_DIR / code / f"{topic}.md"
        if path.exists():
            return _read(path)
    raise FileNotFoundError(f"no content/<lang>/{topic}.md")


def settle_choice(key: str, labels: dict) -> None:
    """Keep a keyed choice widget on its option, under the right label, across a language switch.

    Streamlit (1.67) gets a keyed selectbox's, radio's or multiselect's value back from the browser as the
    label it shows. After the language changes, that label is none of the new ones: the widget keeps showing
    it and hands it back as a plain string (a page reading it as its option fails). Call this before drawing
    the widget (and in callbacks, which run first); ``labels`` maps each option to its (English, Chinese)
    labels. The value is turned back into its option and, on the first run in a new language, written again,
    which makes the browser show the new label. A value that matches nothing is dropped (the default applies).
    """
    ss = st.session_state
    seen = f"_settled_lang_{key}"
    if key not in ss:
        ss[seen] = lang()
        return
    back = {label: option for option, pair in labels.items() for label in pair}
    value = ss[key]
    if isinstance(value, list):
        fixed = [v for v in (v if v in labels else back.get(v) for v in value) if v is not None]
    else:
        fixed = value if value in labels else back.get(value)
    if fixed is None:
        del ss[key]
    elif fixed != value or ss.get(seen) != lang():
        ss[key] = fixed
    ss[seen] = lang()


def settle_choices(*choices) -> None:
    """:func:`settle_choice` for widgets whose labels come from a ``format_func``: each of ``choices`` is
    (key, options, format_func); the labels in both languages are computed with :func:`speaking`."""
    for key, options, fmt in choices:
        labels = {}
        for o in options:
            with speaking("en"):
                en = fmt(o)
            with speaking("zh"):
                zh = fmt(o)
            labels[o] = (en, zh)
        settle_choice(key, labels)
