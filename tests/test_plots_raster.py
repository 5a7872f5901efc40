"""The server-side pictures (gan.plots.raster): the plane and the curve panels, checked pixel by pixel."""
from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from gan.plots import raster, toy, training
from gan.train import TrainConfig, Trainer


@pytest.fixture(scope="module")
def snap() -> dict:
    t = Trainer(TrainConfig(model="toy", dataset="ring", steps=10, width=16, depth=2, batch_size=32, device="cpu"))
    return t.toy_snapshot()


def _picture(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB")).astype(int)


def _plot_px(size: int, x: float, y: float, extent: float = toy.EXTENT) -> tuple[int, int]:
    """Pixel (column, row) of data point (x, y) in a plane picture ``size`` wide (1x geometry)."""
    _, _, x0, y0, side = raster.plane_geometry(size, 1)
    return (round(x0 + (x + extent) / (2 * extent) * (side - 1)), round(y0 + (extent - y) / (2 * extent) * (side - 1)))


def _blank_snap(d: float, n: int = 40) -> dict:
    return {"real": np.zeros((0, 2)), "fake": np.zeros((0, 2)), "grid_x": np.linspace(-3, 3, n),
            "d_grid": np.full((n, n), d, dtype=np.float32), "arrow_xy": np.zeros((0, 2)),
            "arrow_dir": np.zeros((0, 2)), "manifold": None, "step": 0}


def test_colorize_follows_the_colour_scale():
    c = raster.colorize(np.array([0.0, 0.5, 1.0, np.nan, 7.0]))
    assert c[0].tolist() == [0xB3, 0x9D, 0xDB] and c[1].tolist() == [255, 255, 255]
    assert c[2].tolist() == [0xA5, 0xD6, 0xA7] and c[3].tolist() == [255, 255, 255]  # NaN reads as 0.5
    assert c[4].tolist() == c[2].tolist()  # clipped


def test_plane_picture_paints_D_points_and_arrows_where_they_are(snap):
    size = 400
    real_green = _picture(raster.plane_image(_blank_snap(1.0), size=size, fmt="png"))
    fake_purple = _picture(raster.plane_image(_blank_snap(0.0), size=size, fmt="png"))
    cx, cy = _plot_px(size, 0.0, 0.0)
    assert real_green[cy, cx].tolist() == [0xA5, 0xD6, 0xA7]  # D = 1 everywhere: the green end of the scale
    assert fake_purple[cy, cx].tolist() == [0xB3, 0x9D, 0xDB]
    # a D that is 1 on the right half and 0 on the left half shows that way round
    half = _blank_snap(0.0)
    half["d_grid"][:, 20:] = 1.0  # columns are x
    pic = _picture(raster.plane_image(half, size=size, fmt="png"))
    lx, ly = _plot_px(size, -2.0, 1.0)
    rx, ry = _plot_px(size, 2.0, 1.0)
    assert pic[ly, lx].tolist() == [0xB3, 0x9D, 0xDB] and pic[ry, rx].tolist() == [0xA5, 0xD6, 0xA7]
    # one generated point at (1, -1) and one real point at (-1, 1) on a white surface
    pts = _blank_snap(0.5)
    pts["fake"], pts["real"] = np.array([[1.0, -1.0]]), np.array([[-1.0, 1.0]])
    pic = _picture(raster.plane_image(pts, size=size, fmt="png"))
    fx, fy = _plot_px(size, 1.0, -1.0)
    gx, gy = _plot_px(size, -1.0, 1.0)
    assert pic[fy, fx, 1] < pic[fy, fx, 2] - 40  # purple: blue well above green
    assert pic[gy, gx, 1] > pic[gy, gx, 0] + 40  # green
    assert pic[fy - 20, fx].tolist() == [255, 255, 255]  # nothing drawn away from the points
    off = _picture(raster.plane_image(pts, size=size, fmt="png", show={"fake": False, "real": False}))
    assert off[fy, fx].tolist() == [255, 255, 255] and off[gy, gx].tolist() == [255, 255, 255]
    # an arrow from (0, 0) pointing right: dark pixels to the right of the base, none to the left
    arrow = _blank_snap(0.5)
    arrow["arrow_xy"], arrow["arrow_dir"] = np.array([[0.0, 0.0]]), np.array([[5.0, 0.0]])  # drawn 0.5 long
    pic = _picture(raster.plane_image(arrow, size=size, fmt="png"))
    right = _plot_px(size, 0.2, 0.0)
    left = _plot_px(size, -0.2, 0.0)
    assert pic[right[1], right[0]].sum() < 500 and pic[left[1], left[0]].tolist() == [255, 255, 255]
    # a real snapshot: a JPEG of the asked width, every layer including the manifold
    data = raster.plane_image(snap, size=size, show={"manifold": True})
    assert data[:2] == b"\xff\xd8" and _picture(data).shape[1] == size
    with pytest.raises(ValueError, match="jpeg or png"):
        raster.plane_image(snap, fmt="gif")


def test_curves_panels_match_the_figure_and_draw_as_pictures():
    rows = [{"step": i, "loss_d": 1.0 + i / 100, "loss_g": 0.5, "d_real": 0.6, "d_fake": 0.4} for i in range(1, 51)]
    panels = training.curves_panels({"A": rows}, {"A": "ns"})
    assert [p["title"] for p in panels] == ["loss", "D output"] and panels[1]["y_range"] == (0.0, 1.0)
    fig = training.curves_figure({"A": rows}, {"A": "ns"})
    assert sorted(s["name"] for p in panels for s in p["series"]) == sorted(t.name for t in fig.data)
    # the D-output panel: D(x) = 0.6 solid green, the equilibrium 0.5 dotted, D(G(z)) = 0.4 purple
    pic = _picture(raster.panel_image(panels[1], width=300, height=120, supersample=1))
    top, ph = 8, 120 - 8 - 20  # the panel's margins at 1x
    row = lambda v: round(top + (1 - v) * (ph - 1))  # noqa: E731
    col = 200
    assert pic[row(0.6), col, 1] > pic[row(0.6), col, 0] + 40  # green line
    assert pic[row(0.4), col, 2] > pic[row(0.4), col, 1] + 40  # purple line
    dotted = pic[row(0.5), 44:296]
    assert (dotted.sum(1) < 600).any() and (dotted.sum(1) > 700).any()  # dots with gaps between them
    data = raster.panel_image(panels[0])
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and _picture(data).shape[:2] == (200, 560)
    cov = toy.coverage_panels({"A": [{"step": 1, "js": 0.3}], "B": [{"step": 1, "js": 0.2}]})
    assert [p["title"] for p in cov] == ["JS divergence", "KL(p_data ‖ p_g)"] and [s["name"] for s in cov[0]["series"]] == [
        "JS divergence (A)", "JS divergence (B)"]
    assert raster.panel_image(cov[0], width=200, height=150)[:4] == b"\x89PNG"
    empty = training.curves_panels({"A": []}, {"A": "hinge"})
    assert raster.panel_image(empty[0])[:4] == b"\x89PNG"  # no rows yet: axes only, no error


def test_nice_ticks_and_labels():
    assert raster.nice_ticks(0, 1, 4).tolist() == [0.0, 0.5, 1.0]  # the first round step at least (hi - lo) / n
    assert raster.nice_ticks(0, 1, 8).tolist() == pytest.approx([0.0, 0.2, 0.4, 0.6, 0.8, 1.0])
    assert raster.nice_ticks(0, 2000, 5).tolist() == [0, 500, 1000, 1500, 2000]
    assert raster.nice_ticks(-0.13, 1.37, 4).tolist() == pytest.approx([0.0, 0.5, 1.0])
    assert raster.nice_ticks(1.0, 1.0).tolist() == [1.0]
    assert [raster.tick_label(v) for v in (1500, 25000, 0.25, 2e6, -3)] == ["1.5k", "25k", "0.25", "2M", "-3"]


def test_plane_picture_clips_what_lies_outside_the_plot_area():
    size = 400
    far = _blank_snap(0.5)
    far["fake"] = np.array([[3.4, 0.0], [-3.3, 1.0], [0.0, -3.5]])  # just outside the square [-3, 3]^2
    far["arrow_xy"], far["arrow_dir"] = np.array([[2.9, 2.9]]), np.array([[1.0, 1.0]])  # the tip leaves it
    pic = _picture(raster.plane_image(far, size=size, fmt="png", show={"heatmap": False}))
    _, H, x0, y0, side = raster.plane_geometry(size, 1)
    outside = np.ones(pic.shape[:2], bool)
    outside[y0 - 1:y0 + side + 1, x0 - 1:x0 + side + 1] = False
    # nothing purple or arrow-black out there: only the white margin, grey ticks and their labels
    purple = (pic[..., 2] - pic[..., 1] > 40) & outside
    assert not purple.any()
    right_of_plot = pic[y0:y0 + 40, x0 + side + 2:x0 + side + 30]
    assert (right_of_plot == 255).all()  # the arrow's tip is cut at the frame (no colour bar without D)
