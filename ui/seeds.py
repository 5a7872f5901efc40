"""A seed input with a "Random" button, shared by the Generate page's sections."""
from __future__ import annotations

import random

import streamlit as st

from ui.i18n import tr


def new_seed(key: str) -> None:
    st.session_state[key] = random.randrange(100_000)


def seed_input(key: str, label: str | None = None, default: int = 0) -> int:
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    value = c1.number_input(label or tr("Seed", "随机种子"), min_value=0, max_value=99_999, value=default, key=key)
    c2.button(tr("Random", "随机"), key=key + "_new", on_click=new_seed, args=(key,), icon=":material/casino:")
    return int(value)
