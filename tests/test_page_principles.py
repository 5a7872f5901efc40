"""The Principles page on its own (AppTest.from_file on the page; no sidebar, so English by default)."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from gan import codeview
from tests import pagetest
from tests.pagetest import each_tab

ROOT = Path(__file__).resolve().parent.parent
PAGE = str(ROOT / "app_pages" / "1_principles.py")
TIMEOUT = 60


TABS = ["The idea", "Training steps", "Losses", "Optimal D & 1D demo", "Stability", "Variants & uses", "FAQ",
        "The code"]


@pytest.fixture
def at() -> AppTest:
    app = AppTest.from_file(PAGE, default_timeout=TIMEOUT).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def open_tab(app: AppTest, label: str) -> AppTest:
    """Only the open tab is drawn (ui/tabs.py): open ``label`` (English or Chinese)."""
    return pagetest.open_tab(app, "principles_tab", label)


def metric(app: AppTest, label: str) -> str:
    return next(m.value for m in app.metric if m.label == label)


def all_text(app: AppTest) -> str:
    return "\n".join([m.value for m in app.markdown] + [t.label for t in app.tabs] + [x.value for x in app.title])


def test_page_renders_theory_controls_and_formulas(at):
    assert at.title[0].value == "How a GAN works"
    assert [t.label for t in at.tabs] == TABS
    assert at.toggle(key="principles_show_code").value is False
    latex, text, charts = [], [all_text(at)], 0
    for _ in each_tab(at, "principles_tab"):
        latex += [x.value for x in at.latex]
        text.append(all_text(at))
        charts += len(at.get("plotly_chart"))
    latex, text = " ".join(latex), "\n".join(text)
    for piece in (r"L_D = -\Big[", r"L_G = -\,\mathbb E", r"D^*(x) = \frac{p_{\mathrm{data}}(x)}", r"2\ln 2",
                  r"\lVert \nabla_{\hat x} D(\hat x)\rVert_2 - 1", r"\eta_D > \eta_G"):
        assert piece in latex
    for phrase in ("Initialise.", "Mode collapse", "CycleGAN", "Strengths", "Jensen–Shannon", "Do I need a GPU?"):
        assert phrase in text
    assert charts == 2
    open_tab(at, "Optimal D & 1D demo")
    assert at.button(key="principles_oned_train").label == "Train 50 steps"
    assert at.button(key="principles_oned_reset").label == "Reset"
    open_tab(at, "Losses")
    assert at.slider(key="principles_sat_s").value == pytest.approx(0.05)
    assert not at.error and not at.warning


def test_only_the_open_tab_is_drawn(at):
    """A visit sends the first tab only (the browser lays out a fraction of the formulas); another tab is
    drawn when it is opened, and the choice survives a language switch."""
    assert "Do I need a GPU?" not in all_text(at) and len(at.latex) <= 1 and not at.get("plotly_chart")
    open_tab(at, "FAQ")
    assert "Do I need a GPU?" in all_text(at) and not at.latex
    open_tab(at, "Losses")
    assert len(at.latex) == 3 and len(at.get("plotly_chart")) == 1
    at.session_state["app_lang"] = "zh"
    at.run()
    assert at.session_state["principles_tab"] == "损失函数" and len(at.get("plotly_chart")) == 1


def test_the_1d_model_and_the_settings_outlive_a_visit_to_another_tab(at):
    open_tab(at, "Optimal D & 1D demo")
    at.selectbox(key="principles_oned_dist").set_value("gaussian").run()
    at.button(key="principles_oned_train").click().run()
    assert metric(at, "Steps") == "50"
    open_tab(at, "Losses")
    at.slider(key="principles_sat_s").set_value(0.7).run()
    open_tab(at, "The idea")
    open_tab(at, "Optimal D & 1D demo")
    assert metric(at, "Steps") == "50" and at.selectbox(key="principles_oned_dist").value == "gaussian"
    open_tab(at, "Losses")
    assert at.slider(key="principles_sat_s").value == pytest.approx(0.7)


def test_switching_language_changes_the_text(at):
    english = "\n".join(all_text(at) for _ in each_tab(at, "principles_tab"))
    at.session_state["app_lang"] = "zh"
    at.run()
    assert not at.exception
    assert at.title[0].value == "GAN 的原理"
    chinese = "\n".join(all_text(at) for _ in each_tab(at, "principles_tab"))
    assert "生成器" in chinese and "模式崩塌" in chinese and "常见问题" in chinese
    assert "Mode collapse" not in chinese and "Mode collapse" in english
    open_tab(at, "最优判别器与一维演示")
    assert at.button(key="principles_oned_train").label == "训练 50 步"


def test_train_and_reset_the_1d_example(at):
    open_tab(at, "Optimal D & 1D demo")
    assert metric(at, "Steps") == "0"
    at.button(key="principles_oned_train").click().run()
    assert metric(at, "Steps") == "50"
    at.button(key="principles_oned_train").click().run()
    assert metric(at, "Steps") == "100"
    assert float(metric(at, "L_D")) > 0
    at.button(key="principles_oned_reset").click().run()
    assert metric(at, "Steps") == "0"
    # Changing a setting starts a fresh model with that setting.
    at.button(key="principles_oned_train").click().run()
    at.selectbox(key="principles_oned_dist").set_value("gaussian").run()
    assert metric(at, "Steps") == "0"
    assert at.session_state["principles_oned"].dist_name == "gaussian"
    assert not at.exception


def test_saturation_slider_moves_the_marker_and_gradients(at):
    open_tab(at, "Losses")
    assert metric(at, "|gradient|, minimax") == "0.050"
    at.slider(key="principles_sat_s").set_value(0.8).run()
    assert metric(at, "|gradient|, minimax") == "0.800"
    assert metric(at, "|gradient|, non-saturating") == "0.200"


def test_code_view_shows_the_real_source_with_marked_lines(at):
    open_tab(at, "The code")
    code = "\n".join(c.value for c in at.code)
    loss_src = codeview.snippet("gan.losses.d_loss").code
    assert loss_src in code                         # read from gan/ at run time
    assert "class DCGANDiscriminator" in code and "def _d_step" in code and "def _g_step" in code
    notes = "\n".join(m.value for m in at.markdown)
    for label in ("L_D", "L_G", "L_G minimax", "GP"):
        mark = codeview.snippet({"L_D": "gan.losses.d_loss", "GP": "gan.losses.gradient_penalty"}
                                .get(label, "gan.losses.g_loss")).find(label)[0]
        assert f"lines **{mark.lines()}**" in notes
    open_tab(at, "Losses")
    assert not at.code
    at.toggle(key="principles_show_code").set_value(True).run()
    assert not at.exception
    assert "def d_loss" in "\n".join(c.value for c in at.code)  # the same source now also sits beside the theory
    assert any("d_loss" in e.label for e in at.expander)


def test_presentation_mode_hides_advanced_controls():
    app = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    app.session_state["app_present"] = True
    app.session_state["principles_tab"] = "Optimal D & 1D demo"
    app.run()
    assert not app.exception
    assert not any(t.key == "principles_show_code" for t in app.toggle)
    assert not any(s.key == "principles_oned_dist" for s in app.selectbox)
    assert app.button(key="principles_oned_train")  # the main control stays
