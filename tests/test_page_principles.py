"""The Principles page on its own (AppTest.from_file on the page; no sidebar, so English by default)."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from gan import codeview

ROOT = Path(__file__).resolve().parent.parent
PAGE = str(ROOT / "app_pages" / "1_principles.py")
TIMEOUT = 60


@pytest.fixture
def at() -> AppTest:
    app = AppTest.from_file(PAGE, default_timeout=TIMEOUT).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def metric(app: AppTest, label: str) -> str:
    return next(m.value for m in app.metric if m.label == label)


def all_text(app: AppTest) -> str:
    return "\n".join([m.value for m in app.markdown] + [t.label for t in app.tabs] + [x.value for x in app.title])


def test_page_renders_theory_controls_and_formulas(at):
    assert at.title[0].value == "How a GAN works"
    assert len(at.tabs) == 8
    assert at.button(key="principles_oned_train").label == "Train 50 steps"
    assert at.button(key="principles_oned_reset").label == "Reset"
    assert at.slider(key="principles_sat_s").value == pytest.approx(0.05)
    assert at.toggle(key="principles_show_code").value is False
    latex = " ".join(x.value for x in at.latex)
    for piece in (r"L_D = -\Big[", r"L_G = -\,\mathbb E", r"D^*(x) = \frac{p_{\mathrm{data}}(x)}", r"2\ln 2",
                  r"\lVert \nabla_{\hat x} D(\hat x)\rVert_2 - 1", r"\eta_D > \eta_G"):
        assert piece in latex
    text = all_text(at)
    for phrase in ("Initialise.", "Mode collapse", "CycleGAN", "Strengths", "Jensen–Shannon", "Do I need a GPU?"):
        assert phrase in text
    assert len(at.get("plotly_chart")) == 2
    assert not at.error


def test_switching_language_changes_the_text(at):
    english = all_text(at)
    at.session_state["app_lang"] = "zh"
    at.run()
    assert not at.exception
    assert at.title[0].value == "GAN 的原理"
    chinese = all_text(at)
    assert "生成器" in chinese and "模式崩塌" in chinese and "常见问题" in chinese
    assert "Mode collapse" not in chinese and "Mode collapse" in english
    assert at.button(key="principles_oned_train").label == "训练 50 步"


def test_train_and_reset_the_1d_example(at):
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
    assert metric(at, "|gradient|, minimax") == "0.050"
    at.slider(key="principles_sat_s").set_value(0.8).run()
    assert metric(at, "|gradient|, minimax") == "0.800"
    assert metric(at, "|gradient|, non-saturating") == "0.200"


def test_code_view_shows_the_real_source_with_marked_lines(at):
    code = "\n".join(c.value for c in at.code)
    loss_src = codeview.snippet("gan.losses.d_loss").code
    assert loss_src in code                         # read from gan/ at run time
    assert "class DCGANDiscriminator" in code and "def _d_step" in code and "def _g_step" in code
    notes = "\n".join(m.value for m in at.markdown)
    for label in ("L_D", "L_G", "L_G minimax", "GP"):
        mark = codeview.snippet({"L_D": "gan.losses.d_loss", "GP": "gan.losses.gradient_penalty"}
                                .get(label, "gan.losses.g_loss")).find(label)[0]
        assert f"lines **{mark.lines()}**" in notes
    n_code = len(at.code)
    at.toggle(key="principles_show_code").set_value(True).run()
    assert not at.exception
    assert len(at.code) > n_code                    # the same source now also sits beside the theory
    assert any("d_loss" in e.label for e in at.expander)


def test_presentation_mode_hides_advanced_controls():
    app = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    app.session_state["app_present"] = True
    app.run()
    assert not app.exception
    assert not any(t.key == "principles_show_code" for t in app.toggle)
    assert not any(s.key == "principles_oned_dist" for s in app.selectbox)
    assert app.button(key="principles_oned_train")  # the main control stays
