"""Presentation mode's chart scaling (ui.sidebar.for_screen) and the pictures' larger tick labels
(gan.plots.raster text_scale); the browser measures the result in tests/e2e/test_projector.py."""
from __future__ import annotations

import io

import numpy as np
import plotly.graph_objects as go
import pytest
from PIL import Image

from gan.plots import principles, raster, toy, training
from ui import sidebar

HISTORY = [{"step": s, "loss_d": 1.3, "loss_g": 0.7, "d_real": 0.5, "d_fake": 0.5} for s in range(1, 20)]
METRICS = {"A": [{"step": 1, "modes_covered": 1, "n_modes": 8, "high_quality": 0.1, "js": 0.5, "kl": 9.0}]}


@pytest.fixture
def presenting(monkeypatch):
    monkeypatch.setattr(sidebar, "presenting", lambda: True)


def figures():
    return [training.curves_figure({"run": HISTORY}, {"run": "ns"}), principles.saturation_figure(0.1),
            toy.coverage_figure(METRICS, text={"kl": "相对熵 D(p_data ‖ p_g)"})]


def test_normal_mode_leaves_figures_alone(monkeypatch):
    monkeypatch.setattr(sidebar, "presenting", lambda: False)
    fig = figures()[0]
    assert sidebar.for_screen(fig) is fig


def test_presentation_scales_every_chart_text_and_height(presenting):
    for fig in figures():
        before = fig.to_plotly_json()["layout"]
        out = sidebar.for_screen(fig)
        go.Figure(out)  # still a valid figure
        layout = out["layout"]
        axes = [k for k in layout if k[:5] in ("xaxis", "yaxis")]
        assert axes and all(layout[k]["tickfont"]["size"] >= 1.5 * 12 for k in axes)
        assert all(layout[k]["title"]["font"]["size"] >= 1.5 * 14 for k in axes)
        assert layout["legend"]["font"]["size"] >= 1.5 * 12 and layout["font"]["size"] >= 1.5 * 12
        for a, b in zip(before.get("annotations", []), layout["annotations"]):
            assert b["font"]["size"] >= 1.5 * (a.get("font", {}).get("size") or 12)
        assert layout["height"] == pytest.approx(before["height"] * sidebar.CHART_GROW)


def test_a_long_panel_title_breaks_outside_its_brackets(presenting):
    out = sidebar.for_screen(figures()[2])
    titles = [a["text"] for a in out["layout"]["annotations"]]
    assert "相对熵<br>D(p_data ‖ p_g)" in titles and out["layout"]["margin"]["t"] >= 2 * 12 * sidebar.CHART_SCALE


def _ink(png: bytes, box) -> int:
    a = np.asarray(Image.open(io.BytesIO(png)).convert("L").crop(box))
    return int((a < 128).sum())


def test_pictures_draw_larger_tick_labels_when_asked():
    panel = training.curves_panels({"run": HISTORY}, {"run": "ns"})[0]
    small = raster.panel_image(panel, width=600, height=200)
    large = raster.panel_image(panel, width=600, height=200, text_scale=sidebar.CHART_SCALE)
    assert _ink(large, (0, 0, 70, 200)) > 1.5 * _ink(small, (0, 0, 70, 200))  # the y tick labels
    snap = {"real": np.zeros((5, 2)), "fake": np.zeros((5, 2)), "d_grid": np.full((10, 10), 0.5)}
    plane, big = (raster.plane_image(snap, size=500, fmt="png", text_scale=k) for k in (1.0, sidebar.CHART_SCALE))
    assert _ink(big, (0, 0, 30, 470)) > 1.5 * _ink(plane, (0, 0, 30, 470))  # the y tick labels, left of the plane
