"""No English in the Chinese UI: every page rendered in Chinese, idle and (where a page runs something) while
it runs and after; every word of Latin letters on the page (texts, labels, options, captions, chart titles,
legends and axes, table cells) must be a name, unit or symbol from ALLOWED.

What counts as a word: a run of two or more Latin letters (with inner hyphens or apostrophes). Not words: runs
with a digit, an underscore, a slash or an inner dot (symbols, versions, paths, module and repo ids: L_D,
pix2pix, AnimeGANv2, gan.losses, huggan/dcgan-mnist), acronyms in capitals (GAN, FID, PNG, MB: names and
units), formulas ($...$), code (`...`), links, HTML entities and icon names, and what a chart draws as data
(numbers, hover values)."""
from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from google.protobuf.json_format import MessageToDict
from streamlit.testing.v1 import AppTest

from gan.jobs import REGISTRY
from tests.pagetest import each_tab, run_page

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "app_pages"
# names (models, methods, papers' authors, optimisers, activation functions, libraries, formats), units and
# symbols only; acronyms in capitals need no entry (see above)
ALLOWED = {
    "cGAN", "CycleGAN", "BigGAN", "StyleGAN", "PatchGAN", "HugGAN", "Unrolled", "DiffAugment", "ImageNet",
    "Fashion-MNIST", "Hugging Face", "Hub", "Goodfellow", "Gulrajani", "Heusel", "Zhu", "Elad", "Milanfar", "Gram",
    "Wasserstein", "Adam", "RMSprop", "ReLU", "LeakyReLU", "tanh", "ln", "log", "logit", "WebP", "scikit-image",
    "PyTorch", "InfoGAN",
    "English",  # the language selector names each language in itself
    "Studio", "cgan-mnist", "dcgan-mnist",  # the app's and its bundled models' names
}
TEXT_FIELDS = {"body", "label", "options", "help", "text", "caption", "placeholder", "formattedValue", "value",
               "title", "defaultValue"}
CHART_TEXT = {"text", "name", "title", "ticktext", "hovertemplate"}  # plotly: titles, legends, annotations, ticks, hovers


def _strings(d, key=None):
    if isinstance(d, dict):
        for k, v in d.items():
            yield from _strings(v, k)
    elif isinstance(d, list):
        for v in d:
            yield from _strings(v, key)
    elif isinstance(d, str) and key in TEXT_FIELDS:
        yield d


def _chart_strings(d, key=None):
    """The words a plotly figure shows: titles, legend names, annotations, tick labels (not data)."""
    if isinstance(d, dict):
        for k, v in d.items():
            if k not in ("x", "y", "z", "customdata", "meta", "source") and (k != "data" or key is None):
                yield from _chart_strings(v, k)
    elif isinstance(d, list):
        for v in d:
            yield from _chart_strings(v, key)
    elif isinstance(d, str) and key in CHART_TEXT:
        yield re.sub(r"%\{[^}]*\}|<extra>.*?</extra>", " ", d)  # hover placeholders are data


def _walk(node):
    kind = getattr(node, "type", None)
    proto = getattr(node, "proto", None)
    if kind == "dataframe":
        df = node.value
        yield from (str(c) for c in df.columns)
        for col in df.columns:
            yield from (v for v in df[col].tolist() if isinstance(v, str))
    elif kind == "plotly_chart":
        yield from _chart_strings(json.loads(proto.spec))
    elif proto is not None and hasattr(proto, "DESCRIPTOR"):
        yield from _strings(MessageToDict(proto))
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield from _walk(child)


def english_words(at) -> set[str]:
    words = set()
    for s in _walk(at._tree):
        s = re.sub(r"\$\$.*?\$\$|\$[^$]*\$", " ", s, flags=re.S)  # formulas
        s = re.sub(r"https?://\S+|`[^`]*`|:material/\w+:|&#?\w+;", " ", s)  # links, code, icons, HTML entities
        s = re.sub(r"<defs>.*?</defs>|<script.*?</script>|<style.*?</style>", " ", s, flags=re.S)  # drawing
        # definitions, scripts, styles
        s = re.sub(r"<[^>]*?(?:aria-label=\"([^\"]*)\")?[^>]*>", lambda m: f" {m.group(1) or ''} ", s)  # tags, but
        # not what a screen reader says
        for name in ALLOWED:
            if " " in name:
                s = s.replace(name, " ")
        for token in re.findall(r"[A-Za-z0-9_]+(?:[-'./][A-Za-z0-9_]+)*/?", s):
            if re.search(r"[0-9_/.]", token) or token.upper() == token:
                continue  # a symbol, version, path or id; an acronym
            if len(token) >= 2:
                words.add(token)
    return words


# A space after Chinese punctuation, on the line or as a wrapped line (Markdown shows a soft break as a space)
SPACE_AFTER = re.compile(r"[，。：；！？、][ \t]+\S|[，。：；！？、]\n[ \t]*(?![-*+] |\d+\. |#|\||>|```|\n|$)")


def stray(at) -> list[str]:
    """English words outside ALLOWED, and stray spaces after Chinese punctuation ("space: ..." entries)."""
    spaces = {f"space: {s[max(0, m.start() - 8):m.end() + 4]!r}" for s in _walk(at._tree) for m in SPACE_AFTER.finditer(s)}
    return sorted(english_words(at) - ALLOWED) + sorted(spaces)


def test_allowed_list_is_short():
    assert len(ALLOWED) <= 40


def test_the_check_flags_english_in_texts_charts_and_tables():
    at = AppTest.from_string(
        "import streamlit as st, plotly.graph_objects as go\n"
        "st.markdown('中文 $L_D$ `code` p_data pix2pix')\n"
        "st.plotly_chart(go.Figure(go.Scatter(x=[1], y=[2], name='loss')))\n"
        "st.dataframe({'列': ['steps']})\n", default_timeout=60)
    at.run()
    assert stray(at) == ["loss", "steps"]
    at = AppTest.from_string("import streamlit as st\nst.caption('FID、PNG、L_D、gan.losses、huggan/dcgan-mnist、Hugging Face Hub')",
                             default_timeout=60)
    assert stray(at.run()) == []
    at = AppTest.from_string("import streamlit as st\nst.markdown('较量： 判别器')\nst.markdown('较量：\\n判别器\\n\\n- 一')",
                             default_timeout=60)
    assert stray(at.run()) == ["space: '较量： 判别器'", "space: '较量：\\n判别器\\n'"]


@pytest.mark.parametrize("page", ["0_home.py", "1_principles.py", "2_playground.py", "3_train.py",
                                  "5_model_zoo.py", "6_style_transfer.py"])
def test_chinese_page_has_no_english_words(page):
    at = run_page(str(PAGES / page), timeout=120, app_lang="zh")
    assert not stray(at), stray(at)
    if page == "1_principles.py":  # its tabs are drawn when opened: every one of them
        found = {tab: stray(at) for tab in each_tab(at, "principles_tab")}
        assert len(found) == 8 and not any(found.values()), found


@pytest.mark.parametrize("present", [False, True])
def test_chinese_app_shell_sidebar_and_menu(present):
    at = run_page(str(ROOT / "app.py"), timeout=120, app_lang="zh", app_present=present)
    assert not stray(at), stray(at)


# --- while something runs, and after -----------------------------------------------------------------

@pytest.fixture
def chinese(monkeypatch):
    """Chinese everywhere: AppTest formats a widget's options outside the script run, where the session is
    not readable and tr() would answer in English."""
    from ui import i18n
    monkeypatch.setattr(i18n, "lang", lambda: "zh")


def _zh(page: str, settings: dict) -> AppTest:
    """``page`` in Chinese with its widgets set to ``settings`` ((kind, key) -> value)."""
    at = AppTest.from_file(str(PAGES / page), default_timeout=120)
    at.session_state["app_lang"] = "zh"
    at.run()
    for (kind, key), value in settings.items():
        getattr(at, kind)(key=key).set_value(value).run()  # (one widget may enable the next)
    assert not at.exception, [e.value for e in at.exception]
    return at


def _job(at: AppTest, tag: str):
    return REGISTRY.latest(at.session_state["jobs_owner"], where=lambda j: j.spec.tag == tag)


def _until(at: AppTest, cond, limit: float = 120.0) -> AppTest:
    t0 = time.time()
    while time.time() - t0 < limit:
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        if cond():
            return at
        time.sleep(0.3)
    raise AssertionError("timed out")


def test_train_page_in_chinese_while_training_stopped_finished_and_replaying(chinese):
    at = _zh("3_train.py", {("selectbox", "train_budget"): 0, ("number_input", "train_steps"): 400,
                             ("selectbox", "train_batch"): 16, ("number_input", "train_width"): 8,
                             ("number_input", "train_sample_every"): 5})
    at.button(key="train_start").click().run()
    job = _job(at, "train")
    _until(at, lambda: job.step >= 5 and job.grids)
    running = stray(at)
    at.button(key="train_stop").click().run()
    assert job.join(60) and job.status == "stopped"
    _until(at, lambda: not at.button(key="train_resume").disabled)
    stopped = stray(at)
    at.number_input(key="train_steps").set_value(6)
    at.button(key="train_resume").click().run()  # resume, then finish
    job = _job(at, "train")
    _until(at, lambda: not job.running)
    finished = stray(at.run())
    at.session_state["train_mode"] = "replay"
    replaying = stray(at.run())
    assert not (running or stopped or finished or replaying), (running, stopped, finished, replaying)


def test_style_transfer_in_chinese_while_running_and_after(chinese):
    at = _zh("6_style_transfer.py", {("select_slider", "style_size"): 128, ("slider", "style_iters"): 3})
    at.button(key="style_run").click().run()
    job = _job(at, "style")
    running = stray(at) if job.running else []
    _until(at, lambda: not job.running)
    finished = stray(at.run())
    assert job.status == "done"
    assert not (running or finished), (running, finished)


def test_style_transfer_pretrained_generators_in_chinese(chinese):
    from gan.style.pretrained import HUB_STYLES
    at = _zh("6_style_transfer.py", {("radio", "style_method"): "pretrained"})
    found = {}
    for name in HUB_STYLES:
        at.selectbox(key="style_hub_name").set_value(name).run()
        found[name] = stray(at)
    assert not any(found.values()), found


def test_playground_in_chinese_while_training(chinese):
    at = AppTest.from_file(str(PAGES / "2_playground.py"), default_timeout=120)
    at.session_state["playground_width"] = 16
    at.session_state["app_lang"] = "zh"
    at.run()
    at.button(key="playground_play").click().run()
    try:
        time.sleep(1.0)
        running = stray(at.run())
        at.button(key="playground_play").click().run()  # pause
        paused = stray(at.run())
    finally:
        at.button(key="playground_reset").click().run()
    assert not (running or paused), (running, paused)
