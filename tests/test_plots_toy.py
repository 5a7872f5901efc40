"""The playground's figure builders, without Streamlit: trace contents, equilibrium lines, drawing points."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest

from gan import plots_toy as P
from gan.train import TrainConfig, Trainer


@pytest.fixture(scope="module")
def snap() -> dict:
    t = Trainer(TrainConfig(model="toy", dataset="ring", steps=10, width=16, depth=2, batch_size=32, device="cpu"))
    return t.toy_snapshot()


def by_name(fig, name):
    return next(t for t in fig.data if t.name == name)


def test_plane_has_every_layer_with_the_snapshot_data(snap):
    fig = P.plane_figure(snap, show={"manifold": True}, max_points=300)
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
    fig = P.plane_figure(snap, show={"heatmap": False, "arrows": False}, text={"real": "真实数据"}, title="B")
    assert [t.name for t in fig.data] == ["真实数据", "generated G(z)"]
    assert fig.layout.title.text == "B"


def test_arrows_point_along_the_gradient_with_the_longest_fixed():
    xy = np.array([[0.0, 0.0], [1.0, 1.0]])
    d = np.array([[2.0, 0.0], [0.0, -1.0]])
    seg = P.arrow_segments(xy, d, max_len=0.5)
    assert np.allclose(seg[0], [[0, 0], [0.5, 0]])
    assert np.allclose(seg[1], [[1, 1], [1, 0.75]])
    assert np.allclose(P.arrow_segments(xy, np.zeros((2, 2)))[:, 1], xy)  # no gradient: no arrow, no NaN


def test_equilibrium_values():
    assert P.equilibrium("ns") == pytest.approx({"loss_d": 2 * math.log(2), "loss_g": math.log(2), "d_out": 0.5})
    assert P.equilibrium("minimax")["loss_g"] == pytest.approx(-math.log(2))
    assert P.equilibrium("lsgan")["loss_d"] == 0.25
    assert P.equilibrium("hinge")["loss_g"] is None and P.equilibrium("wgan-gp")["d_out"] is None
    with pytest.raises(ValueError, match="unknown loss"):
        P.equilibrium("bogus")


def test_curves_show_the_history_and_the_equilibrium_lines():
    rows = [{"step": i, "loss_d": 1.0 + i / 100, "loss_g": 0.5, "d_real": 0.6, "d_fake": 0.4} for i in range(1, 51)]
    fig = P.curves_figure({"A": rows}, {"A": "ns"})
    ld = by_name(fig, "L_D")
    assert list(ld.x) == list(range(1, 51)) and ld.y[-1] == pytest.approx(1.5)
    eq_d = by_name(fig, "L_D at equilibrium = 1.39")
    assert list(eq_d.y) == pytest.approx([2 * math.log(2)] * 2) and list(eq_d.x) == [0, 50]
    assert by_name(fig, "L_G at equilibrium = 0.693").yaxis == "y"
    assert by_name(fig, "D at equilibrium = 0.5").yaxis == "y2"
    assert by_name(fig, "D(G(z))").yaxis == "y2"


def test_curves_for_two_runs_are_labelled_and_thinned():
    rows = [{"step": i, "loss_d": 1.0, "loss_g": 0.5, "d_real": 0.6, "d_fake": 0.4} for i in range(5000)]
    fig = P.curves_figure({"A": rows, "B": rows[:10]}, {"A": "ns", "B": "hinge"}, max_points=300)
    a, b = by_name(fig, "L_D (A)"), by_name(fig, "L_D (B)")
    assert len(a.x) == 300 and a.x[-1] == 4999 and len(b.x) == 10
    assert a.line.dash == "solid" and b.line.dash == "dash"
    names = [t.name for t in fig.data]
    assert "L_D at equilibrium = 2" in names  # hinge's L_D line; hinge has no L_G line
    assert sum(n.startswith("L_G at equilibrium") for n in names) == 1


def test_snapshot_metrics_and_coverage_figure():
    modes = np.array([[np.cos(a), np.sin(a)] for a in np.arange(8) * np.pi / 4]) * 2.0
    perfect = {"step": 7, "real": np.repeat(modes, 50, 0), "fake": np.repeat(modes[:3], 50, 0)}
    m = P.snapshot_metrics(perfect, "ring")
    assert m["step"] == 7 and m["modes_covered"] == 3 and m["n_modes"] == 8 and m["high_quality"] == 1.0
    assert 0 < m["js"] <= math.log(2) + 1e-9
    assert "modes_covered" not in P.snapshot_metrics(perfect, "spiral")
    fig = P.coverage_figure({"A": [m, {**m, "step": 9, "modes_covered": 5}]})
    assert [t.name for t in fig.data] == ["modes covered", "high-quality %", "JS divergence"]
    assert list(fig.data[0].y) == [3, 5] and list(fig.data[1].y) == [100, 100]
    spiral = P.coverage_figure({"A": [P.snapshot_metrics(perfect, "spiral")]})
    assert [t.name for t in spiral.data] == ["JS divergence"]


def test_thin_keeps_first_and_last():
    rows = [{"step": i} for i in range(1001)]
    out = P.thin(rows, 100)
    assert len(out) <= 100 and out[0]["step"] == 0 and out[-1]["step"] == 1000
    assert P.thin(rows[:5], 100) == rows[:5]


def test_drawing_points_add_and_remove():
    grid = P.candidate_grid(extent=1.0, step=0.5)
    assert grid.shape == (25, 2)
    fig = P.canvas_figure(np.zeros((0, 2)), grid)
    assert len(fig.data[0].x) == 25 and len(fig.data[1].x) == 0
    sel = [{"curve_number": 0, "point_index": 3, "x": 0.5, "y": -1.0},
           {"curve_number": 0, "point_index": 4, "x": 1.0, "y": -1.0}]
    pts = P.apply_selection(np.zeros((0, 2)), sel, "add")
    assert pts.tolist() == [[0.5, -1.0], [1.0, -1.0]]
    assert P.apply_selection(pts, sel, "add").shape == (2, 2)  # already there: not added twice
    removed = P.apply_selection(pts, [{"curve_number": 1, "point_index": 0, "x": 0.5, "y": -1.0}], "remove")
    assert removed.tolist() == [[1.0, -1.0]]
    assert P.apply_selection(pts, [{"curve_number": 1, "point_index": 0, "x": 0.5, "y": -1.0}], "add").shape == (2, 2)
    with pytest.raises(ValueError):
        P.apply_selection(pts, sel, "paint")


def test_unvalidated_figures_match_validated_ones(snap):
    """The page skips plotly's validation for speed; the JSON must be the same as a checked figure's."""
    import plotly.io as pio
    rows = [{"step": i, "loss_d": 1.0, "loss_g": 0.5, "d_real": 0.6, "d_fake": 0.4} for i in range(20)]
    metrics = [P.snapshot_metrics(snap, "ring")]
    for build in (lambda v: P.plane_figure(snap, show={"manifold": True}, validate=v),
                  lambda v: P.curves_figure({"A": rows, "B": rows}, {"A": "ns", "B": "wgan-gp"}, validate=v),
                  lambda v: P.coverage_figure({"A": metrics}, validate=v)):
        checked = pio.to_json(build(True).to_dict(), validate=False)
        fast = pio.to_json(build(False).to_dict(), validate=False)
        assert json.loads(fast) == json.loads(checked)


# --- the live pictures ---------------------------------------------------------------------------------

def _picture(data: bytes) -> np.ndarray:
    from PIL import Image
    import io
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB")).astype(int)


def _plot_px(size: int, x: float, y: float, extent: float = P.EXTENT) -> tuple[int, int]:
    """Pixel (column, row) of data point (x, y) in a plane picture ``size`` wide (1x geometry)."""
    _, _, x0, y0, side = P._plane_geometry(size, 1)
    return (round(x0 + (x + extent) / (2 * extent) * (side - 1)), round(y0 + (extent - y) / (2 * extent) * (side - 1)))


def _blank_snap(d: float, n: int = 40) -> dict:
    return {"real": np.zeros((0, 2)), "fake": np.zeros((0, 2)), "grid_x": np.linspace(-3, 3, n),
            "d_grid": np.full((n, n), d, dtype=np.float32), "arrow_xy": np.zeros((0, 2)),
            "arrow_dir": np.zeros((0, 2)), "manifold": None, "step": 0}


def test_colorize_follows_the_colour_scale():
    c = P.colorize(np.array([0.0, 0.5, 1.0, np.nan, 7.0]))
    assert c[0].tolist() == [0xB3, 0x9D, 0xDB] and c[1].tolist() == [255, 255, 255]
    assert c[2].tolist() == [0xA5, 0xD6, 0xA7] and c[3].tolist() == [255, 255, 255]  # NaN reads as 0.5
    assert c[4].tolist() == c[2].tolist()  # clipped


def test_plane_picture_paints_D_points_and_arrows_where_they_are(snap):
    size = 400
    real_green = _picture(P.plane_image(_blank_snap(1.0), size=size, fmt="png"))
    fake_purple = _picture(P.plane_image(_blank_snap(0.0), size=size, fmt="png"))
    cx, cy = _plot_px(size, 0.0, 0.0)
    assert real_green[cy, cx].tolist() == [0xA5, 0xD6, 0xA7]  # D = 1 everywhere: the green end of the scale
    assert fake_purple[cy, cx].tolist() == [0xB3, 0x9D, 0xDB]
    # a D that is 1 on the right half and 0 on the left half shows that way round
    half = _blank_snap(0.0)
    half["d_grid"][:, 20:] = 1.0  # columns are x
    pic = _picture(P.plane_image(half, size=size, fmt="png"))
    lx, ly = _plot_px(size, -2.0, 1.0)
    rx, ry = _plot_px(size, 2.0, 1.0)
    assert pic[ly, lx].tolist() == [0xB3, 0x9D, 0xDB] and pic[ry, rx].tolist() == [0xA5, 0xD6, 0xA7]
    # one generated point at (1, -1) and one real point at (-1, 1) on a white surface
    pts = _blank_snap(0.5)
    pts["fake"], pts["real"] = np.array([[1.0, -1.0]]), np.array([[-1.0, 1.0]])
    pic = _picture(P.plane_image(pts, size=size, fmt="png"))
    fx, fy = _plot_px(size, 1.0, -1.0)
    gx, gy = _plot_px(size, -1.0, 1.0)
    assert pic[fy, fx, 1] < pic[fy, fx, 2] - 40  # purple: blue well above green
    assert pic[gy, gx, 1] > pic[gy, gx, 0] + 40  # green
    assert pic[fy - 20, fx].tolist() == [255, 255, 255]  # nothing drawn away from the points
    off = _picture(P.plane_image(pts, size=size, fmt="png", show={"fake": False, "real": False}))
    assert off[fy, fx].tolist() == [255, 255, 255] and off[gy, gx].tolist() == [255, 255, 255]
    # an arrow from (0, 0) pointing right: dark pixels to the right of the base, none to the left
    arrow = _blank_snap(0.5)
    arrow["arrow_xy"], arrow["arrow_dir"] = np.array([[0.0, 0.0]]), np.array([[1.0, 0.0]])
    pic = _picture(P.plane_image(arrow, size=size, fmt="png"))
    right = _plot_px(size, 0.2, 0.0)
    left = _plot_px(size, -0.2, 0.0)
    assert pic[right[1], right[0]].sum() < 500 and pic[left[1], left[0]].tolist() == [255, 255, 255]
    # a real snapshot: a JPEG of the asked width, every layer including the manifold
    data = P.plane_image(snap, size=size, show={"manifold": True})
    assert data[:2] == b"\xff\xd8" and _picture(data).shape[1] == size
    with pytest.raises(ValueError, match="jpeg or png"):
        P.plane_image(snap, fmt="gif")


def test_curves_panels_match_the_figure_and_draw_as_pictures():
    rows = [{"step": i, "loss_d": 1.0 + i / 100, "loss_g": 0.5, "d_real": 0.6, "d_fake": 0.4} for i in range(1, 51)]
    panels = P.curves_panels({"A": rows}, {"A": "ns"})
    assert [p["title"] for p in panels] == ["loss", "D output"] and panels[1]["y_range"] == (0.0, 1.0)
    fig = P.curves_figure({"A": rows}, {"A": "ns"})
    assert sorted(s["name"] for p in panels for s in p["series"]) == sorted(t.name for t in fig.data)
    # the D-output panel: D(x) = 0.6 solid green, the equilibrium 0.5 dotted, D(G(z)) = 0.4 purple
    pic = _picture(P.panel_image(panels[1], width=300, height=120, supersample=1))
    top, ph = 8, 120 - 8 - 20  # the panel's margins at 1x
    row = lambda v: round(top + (1 - v) * (ph - 1))  # noqa: E731
    col = 200
    assert pic[row(0.6), col, 1] > pic[row(0.6), col, 0] + 40  # green line
    assert pic[row(0.4), col, 2] > pic[row(0.4), col, 1] + 40  # purple line
    dotted = pic[row(0.5), 44:296]
    assert (dotted.sum(1) < 600).any() and (dotted.sum(1) > 700).any()  # dots with gaps between them
    data = P.panel_image(panels[0])
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and _picture(data).shape[:2] == (200, 560)
    cov = P.coverage_panels({"A": [{"step": 1, "js": 0.3}], "B": [{"step": 1, "js": 0.2}]})
    assert [p["title"] for p in cov] == ["JS divergence"] and [s["name"] for s in cov[0]["series"]] == [
        "JS divergence (A)", "JS divergence (B)"]
    assert P.panel_image(cov[0], width=200, height=150)[:4] == b"\x89PNG"
    empty = P.curves_panels({"A": []}, {"A": "hinge"})
    assert P.panel_image(empty[0])[:4] == b"\x89PNG"  # no rows yet: axes only, no error


def test_nice_ticks_and_labels():
    assert P.nice_ticks(0, 1, 4).tolist() == [0.0, 0.5, 1.0]  # the first round step at least (hi - lo) / n
    assert P.nice_ticks(0, 1, 8).tolist() == pytest.approx([0.0, 0.2, 0.4, 0.6, 0.8, 1.0])
    assert P.nice_ticks(0, 2000, 5).tolist() == [0, 500, 1000, 1500, 2000]
    assert P.nice_ticks(-0.13, 1.37, 4).tolist() == pytest.approx([0.0, 0.5, 1.0])
    assert P.nice_ticks(1.0, 1.0).tolist() == [1.0]
    assert [P.tick_label(v) for v in (1500, 25000, 0.25, 2e6, -3)] == ["1.5k", "25k", "0.25", "2M", "-3"]


def test_plane_picture_clips_what_lies_outside_the_plot_area():
    size = 400
    far = _blank_snap(0.5)
    far["fake"] = np.array([[3.4, 0.0], [-3.3, 1.0], [0.0, -3.5]])  # just outside the square [-3, 3]^2
    far["arrow_xy"], far["arrow_dir"] = np.array([[2.9, 2.9]]), np.array([[1.0, 1.0]])  # the tip leaves it
    pic = _picture(P.plane_image(far, size=size, fmt="png", show={"heatmap": False}))
    _, H, x0, y0, side = P._plane_geometry(size, 1)
    outside = np.ones(pic.shape[:2], bool)
    outside[y0 - 1:y0 + side + 1, x0 - 1:x0 + side + 1] = False
    # nothing purple or arrow-black out there: only the white margin, grey ticks and their labels
    purple = (pic[..., 2] - pic[..., 1] > 40) & outside
    assert not purple.any()
    right_of_plot = pic[y0:y0 + 40, x0 + side + 2:x0 + side + 30]
    assert (right_of_plot == 255).all()  # the arrow's tip is cut at the frame (no colour bar without D)
