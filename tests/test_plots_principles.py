"""The Principles page's figures (gan.plots.principles), without Streamlit."""
from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
import pytest

from gan.plots import principles


def test_saturation_curves_match_the_formulas():
    c = principles.saturation_curves(n=101)
    s = c["s"]
    assert s.min() > 0 and s.max() < 1
    np.testing.assert_allclose(c["loss_minimax"], np.log(1 - s))
    np.testing.assert_allclose(c["loss_ns"], -np.log(s))
    # Gradients with respect to D's logit, checked against finite differences through the sigmoid.
    logit = np.log(s / (1 - s))
    h = 1e-6
    sig = lambda l: 1 / (1 + np.exp(-l))  # noqa: E731
    fd_mm = (np.log(1 - sig(logit + h)) - np.log(1 - sig(logit - h))) / (2 * h)
    fd_ns = (-np.log(sig(logit + h)) + np.log(sig(logit - h))) / (2 * h)
    np.testing.assert_allclose(c["grad_minimax"], fd_mm, atol=1e-5)
    np.testing.assert_allclose(c["grad_ns"], fd_ns, atol=1e-5)


def test_minimax_saturates_early_and_non_saturating_does_not():
    c = principles.saturation_curves()
    early = c["s"] < 0.05
    assert np.abs(c["grad_minimax"][early]).max() < 0.05     # vanishing push when D(G(z)) ~ 0
    assert np.abs(c["grad_ns"][early]).min() > 0.95          # strong push at the same point


def test_saturation_figure_traces_and_marker():
    fig = principles.saturation_figure()
    assert isinstance(fig, go.Figure)
    assert len(fig.data) == 4
    fig = principles.saturation_figure(marker=0.2, text={"minimax": "MM", "ns": "NS", "title_loss": "LOSS"})
    assert len(fig.data) == 6
    names = {t.name for t in fig.data if t.name}
    assert names == {"MM", "NS"}
    texts = [a.text for a in fig.layout.annotations]
    assert "LOSS" in texts and texts.count("early training") == 1 and "new text" not in texts
    loss_marker, grad_marker = fig.data[4], fig.data[5]
    assert list(loss_marker.y) == pytest.approx([math.log(0.8), -math.log(0.2)])
    assert list(grad_marker.y) == pytest.approx([-0.2, -0.8])


def test_saturation_figure_clips_marker_to_the_open_interval():
    fig = principles.saturation_figure(marker=0.0)
    assert all(np.isfinite(v) for v in fig.data[4].y)


def test_oned_figure_layers_and_axes():
    x = np.linspace(-3, 3, 61)
    p = np.exp(-x ** 2 / 2) / math.sqrt(2 * math.pi)
    d = np.full_like(x, 0.5)
    fig = principles.oned_figure(x, p, p, d, d, text={"p_data": "real", "d_star": "opt"})
    names = [t.name for t in fig.data]
    assert names[:4] == ["real", "p_g (generator)", "D(x) (trained discriminator)", "opt"]
    assert fig.data[0].yaxis == "y" and fig.data[2].yaxis == "y2" and fig.data[3].yaxis == "y2"
    assert tuple(fig.layout.yaxis2.range) == (0, 1.02)
    np.testing.assert_allclose(fig.data[1].y, p)
    without_star = principles.oned_figure(x, p, p, d)
    assert len(without_star.data) == len(fig.data) - 1
    assert principles.oned_figure(x, p, p, d, title="T").layout.title.text == "T"
