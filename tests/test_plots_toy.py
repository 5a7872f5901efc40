"""The playground's plotly figures (gan.plots.toy), without Streamlit: the plane's layers, coverage, the canvas."""
from __future__ import annotations

import json

import numpy as np
import pytest

from gan.plots import toy, training
from gan.toy.editing import candidate_grid
from gan.toy.snapshots import snapshot_metrics
from gan.train import TrainConfig, Trainer


@pytest.fixture(scope="module")
def snap() -> dict:
    t = Trainer(TrainConfig(model="toy", dataset="ring", steps=10, width=16, depth=2, batch_size=32, device="cpu"))
    return t.toy_snapshot()


def by_name(fig, name):
    return next(t for t in fig.data if t.name == name)


def test_plane_has_every_layer_with_the_snapshot_data(snap):
    fig = toy.plane_figure(snap, show={"manifold": True}, max_points=300)
    names = [t.name for t in fig.data]
    assert names == ["D(x)", "G's manifold (z grid)", "real data", "generated G(z)", "G's gradient"]
    heat = by_name(fig, "D(x)")
    assert np.allclose(np.asarray(heat.z), snap["d_grid"]) and heat.zmin == 0 and heat.zmax == 1
    fake = by_name(fig, "generated G(z)")
    assert len(fake.x) == 300 and np.allclose(fake.x, snap["fake"][:300, 0])
    arrows = by_name(fig, "G's gradient")
    assert len(arrows.x) == 3 * len(snap["arrow_xy"])  # base, tip, gap per arrow
    assert np.allclose(arrows.x[0::3], snap["arrow_xy"][:, 0])
    manifold = by_name(fig, "G's manifold (z grid)")
    assert len(manifold.x) == 2 * 21 * 22  # 21 rows + 21 columns of 21 points, a gap after each
    assert list(fig.layout.xaxis.range) == [-3, 3] and fig.layout.yaxis.scaleanchor == "x"


def test_plane_layers_switch_off_and_labels_translate(snap):
    fig = toy.plane_figure(snap, show={"heatmap": False, "arrows": False}, text={"real": "真实数据"}, title="B")
    assert [t.name for t in fig.data] == ["真实数据", "generated G(z)"]
    assert fig.layout.title.text == "B"


def test_arrows_have_an_absolute_scale_and_a_cap():
    xy = np.array([[0.0, 0.0], [1.0, 1.0]])
    d = np.array([[2.0, 0.0], [0.0, -1.0]])
    seg = toy.arrow_segments(xy, d, scale=0.1, max_len=0.5)
    assert np.allclose(seg[0], [[0, 0], [0.2, 0]])  # 0.1 x |grad|, not rescaled to the longest
    assert np.allclose(seg[1], [[1, 1], [1, 0.9]])
    # the same gradient gives the same arrow whatever else is in the picture
    alone = toy.arrow_segments(xy[1:], d[1:], scale=0.1, max_len=0.5)
    assert np.allclose(alone[0], seg[1])
    assert np.allclose(toy.arrow_segments(xy, d * 100, scale=0.1, max_len=0.5)[0], [[0, 0], [0.5, 0]])  # cut
    assert np.allclose(toy.arrow_segments(xy, np.zeros((2, 2)))[:, 1], xy)  # no gradient: no arrow, no NaN
    assert toy.median_grad({"arrow_dir": d}) == 1.5


def test_coverage_figure_has_a_panel_per_number():
    modes = np.array([[np.cos(a), np.sin(a)] for a in np.arange(8) * np.pi / 4]) * 2.0
    snap = {"step": 7, "real": np.repeat(modes, 50, 0), "fake": np.repeat(modes[:3], 50, 0)}
    m = snapshot_metrics(snap, "ring")
    fig = toy.coverage_figure({"A": [m, {**m, "step": 9, "modes_covered": 5}]})
    assert [t.name for t in fig.data] == ["modes covered", "high-quality %", "JS divergence", "KL(p_data ‖ p_g)"]
    assert list(fig.data[0].y) == [3, 5] and list(fig.data[1].y) == [100, 100]
    spiral = toy.coverage_figure({"A": [snapshot_metrics(snap, "spiral")]})
    assert [t.name for t in spiral.data] == ["JS divergence", "KL(p_data ‖ p_g)"]
    assert fig.data[3].y[0] > fig.data[2].y[0]  # G misses 5 of 8 modes: KL(p_data ‖ p_g) is far above JS
    two = toy.coverage_figure({"A": [m], "B": [m]})
    assert [t.line.dash for t in two.data if t.name == "JS divergence (B)"] == ["dash"]  # the runs' dashes


def test_canvas_has_the_candidates_then_the_points():
    grid = candidate_grid(extent=1.0, step=0.5)
    fig = toy.canvas_figure(np.array([[0.5, -1.0]]), grid)
    assert len(fig.data[0].x) == 25 and fig.data[0].name == "click or lasso to add"
    assert list(fig.data[1].x) == [0.5] and fig.data[1].marker.color == toy.COLORS["points"]
    assert fig.layout.dragmode == "lasso" and list(fig.layout.xaxis.range) == [-3, 3]


def test_unvalidated_figures_match_validated_ones(snap):
    """The page skips plotly's validation for speed; the JSON must be the same as a checked figure's."""
    import plotly.io as pio
    rows = [{"step": i, "loss_d": 1.0, "loss_g": 0.5, "d_real": 0.6, "d_fake": 0.4} for i in range(20)]
    metrics = [snapshot_metrics(snap, "ring")]
    for build in (lambda v: toy.plane_figure(snap, show={"manifold": True}, validate=v),
                  lambda v: training.curves_figure({"A": rows, "B": rows}, {"A": "ns", "B": "wgan-gp"}, validate=v),
                  lambda v: toy.coverage_figure({"A": metrics}, validate=v)):
        checked = pio.to_json(build(True).to_dict(), validate=False)
        fast = pio.to_json(build(False).to_dict(), validate=False)
        assert json.loads(fast) == json.loads(checked)


# --- the live pictures ---------------------------------------------------------------------------------
