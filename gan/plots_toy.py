"""Figure builders for the 2D playground: pure functions, arrays in, plotly figures out.

No Streamlit and no training here. The page passes a toy snapshot (the dict from
``Trainer.toy_snapshot``), run histories (rows of step, losses and D outputs) and translated labels;
the tests check the traces without a browser.

- :func:`plane_figure`: real vs generated points over D's decision surface, G's gradient arrows and
  the generator's manifold (a grid in z space mapped through G).
- :func:`plane_image`: the same plane as a JPEG/PNG picture, for the live view while training. A browser
  shows a new picture for a fraction of what re-rendering the interactive figure costs it.
- :func:`curves_figure`: L_D and L_G, D(x) and D(G(z)) against the step, with the equilibrium lines.
- :func:`coverage_figure`: modes covered, share of high-quality samples and the JS divergence.
- :func:`canvas_figure` with :func:`candidate_grid` and :func:`apply_selection`: drawing your own points.
"""
from __future__ import annotations

import io
import itertools
import math
from functools import lru_cache

import numpy as np
import plotly.graph_objects as go
from PIL import Image, ImageDraw, ImageFont

from .data import toy_modes
from .metrics.core import grid_divergences, toy_mode_stats

EXTENT = 3.0  # the plane shown: [-EXTENT, EXTENT]^2, the same square Trainer.toy_snapshot evaluates D on
COLORS = {"real": "#2E7D32", "fake": "#6C4AB6", "arrow": "#111111", "manifold": "#8E7CC3",
          "loss_d": "#E65100", "loss_g": "#1565C0", "d_real": "#2E7D32", "d_fake": "#6C4AB6",
          "eq": "#555555", "candidate": "#C9C9C9", "points": "#2E7D32"}
# D(x) from "looks generated" (purple) through 0.5 (white) to "looks real" (green).
D_COLORSCALE = [[0.0, "#B39DDB"], [0.5, "#FFFFFF"], [1.0, "#A5D6A7"]]
RUN_DASH = ("solid", "dash", "dot", "dashdot")

DEFAULT_TEXT = {
    "real": "real data", "fake": "generated G(z)", "heatmap": "D(x)", "arrows": "G's gradient",
    "manifold": "G's manifold (z grid)", "step": "step", "loss": "loss", "d_out": "D output",
    "loss_d": "L_D", "loss_g": "L_G", "d_real": "D(x)", "d_fake": "D(G(z))",
    "eq_loss_d": "L_D at equilibrium", "eq_loss_g": "L_G at equilibrium", "eq_d": "D at equilibrium",
    "modes": "modes covered", "hq": "high-quality %", "js": "JS divergence", "candidates": "click or lasso to add",
    "points": "your points",
}


def _text(text: dict[str, str] | None) -> dict[str, str]:
    merged = dict(DEFAULT_TEXT)
    merged.update(text or {})
    return merged


def equilibrium(loss: str) -> dict[str, float | None]:
    """Loss values and the D output (as sigmoid of D's logit) when G matches the data and D is optimal.

    At p_g = p_data the optimal discriminator is D* = 1/2 everywhere, so for the seed's losses
    L_D = -[log 1/2 + log 1/2] = 2 ln 2 and L_G = -log 1/2 = ln 2 (minimax: L_G = log 1/2 = -ln 2).
    Least squares (targets 0 and 1): D* = 1/2 as a raw output, L_D = 1/4, L_G = 1/8, read through the
    sigmoid as sigmoid(1/2). Hinge and WGAN-GP critics have no fixed value for L_G; L_D goes to 2 and 0.
    """
    ln2 = math.log(2.0)
    table: dict[str, dict[str, float | None]] = {
        "ns": {"loss_d": 2 * ln2, "loss_g": ln2, "d_out": 0.5},
        "minimax": {"loss_d": 2 * ln2, "loss_g": -ln2, "d_out": 0.5},
        "lsgan": {"loss_d": 0.25, "loss_g": 0.125, "d_out": 1 / (1 + math.exp(-0.5))},
        "hinge": {"loss_d": 2.0, "loss_g": None, "d_out": None},
        "wgan-gp": {"loss_d": 0.0, "loss_g": None, "d_out": None},
    }
    if loss not in table:
        raise ValueError(f"unknown loss {loss!r}; valid: {', '.join(table)}")
    return table[loss]


def thin(rows: list[dict], max_points: int = 600) -> list[dict]:
    """At most ``max_points`` rows, evenly spread, always keeping the last one."""
    n = len(rows)
    if n <= max_points:
        return rows
    idx = np.unique(np.linspace(0, n - 1, max_points).round().astype(int))
    return [rows[i] for i in idx]


def _polylines(lines: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(L, K, 2) polylines -> x and y arrays with NaN between lines, for one scatter trace."""
    lines = np.asarray(lines, dtype=np.float32)
    gap = np.full((lines.shape[0], 1, 2), np.nan, dtype=np.float32)
    joined = np.concatenate([lines, gap], axis=1).reshape(-1, 2)  # (L*(K+1), 2)
    return joined[:, 0], joined[:, 1]


def arrow_segments(xy: np.ndarray, direction: np.ndarray, max_len: float = 0.35) -> np.ndarray:
    """Segments (N, 2, 2) from each point along its direction; the longest arrow gets ``max_len``."""
    xy = np.asarray(xy, dtype=np.float32)
    d = np.asarray(direction, dtype=np.float32)
    norms = np.linalg.norm(d, axis=1)
    top = float(norms.max()) if len(norms) else 0.0
    scale = max_len / top if top > 0 and math.isfinite(top) else 0.0
    return np.stack([xy, xy + d * scale], axis=1)


def _limit(points: np.ndarray, n: int) -> np.ndarray:
    points = np.asarray(points, dtype=np.float32)
    return points[:n] if len(points) > n else points


def _figure(data: list[dict], layout: dict, validate: bool) -> go.Figure:
    """One figure from plain dicts. ``validate=False`` skips plotly's property checks, which cost about
    15 times the rest of building a figure; the page redraws with it off, and the tests build every
    figure with it on and compare the JSON, so a wrong property name still fails a test."""
    return go.Figure(data=data, layout=layout, _validate=validate)


def _panel_title(text: str, x: float, y: float) -> dict:
    return dict(text=text, x=x, y=y, xref="paper", yref="paper", xanchor="center", yanchor="bottom",
                showarrow=False, font=dict(size=13))


def plane_figure(snap: dict, *, show: dict[str, bool] | None = None, text: dict[str, str] | None = None,
                 title: str | None = None, max_points: int = 300, height: int = 460,
                 extent: float = EXTENT, validate: bool = True) -> go.Figure:
    """Real vs generated points on D's decision surface, with G's gradient arrows and manifold.

    ``snap`` holds real, fake (N, 2), grid_x (n,), d_grid (n, n) = D on the grid (rows are y),
    arrow_xy, arrow_dir (A, 2) and manifold (k, k, 2). ``show`` switches layers on or off by name:
    heatmap, real, fake, arrows, manifold (off by default).
    The figure is built from one dict (no per-trace updates), which keeps it cheap enough to redraw
    several times a second; ``validate=False`` makes it cheaper still (see :func:`_figure`).
    """
    t = _text(text)
    on = {"heatmap": True, "real": True, "fake": True, "arrows": True, "manifold": False}
    on.update(show or {})
    data: list[dict] = []
    if on["heatmap"]:
        gx = np.asarray(snap["grid_x"], dtype=np.float32)
        data.append(dict(type="heatmap", x=gx, y=gx, z=np.asarray(snap["d_grid"], dtype=np.float32), zmin=0, zmax=1,
                         colorscale=D_COLORSCALE, name=t["heatmap"], showscale=True, zsmooth="fast",
                         colorbar=dict(title=dict(text=t["heatmap"]), thickness=12, len=0.8),
                         hovertemplate="x=%{x:.2f}, y=%{y:.2f}<br>D=%{z:.3f}<extra></extra>"))
    if on["manifold"] and snap.get("manifold") is not None:
        m = np.asarray(snap["manifold"], dtype=np.float32)  # (k, k, 2)
        x, y = _polylines(np.concatenate([m, m.transpose(1, 0, 2)], axis=0))  # rows and columns of the z grid
        data.append(dict(type="scatter", x=x, y=y, mode="lines", name=t["manifold"], hoverinfo="skip",
                         line=dict(color=COLORS["manifold"], width=1)))
    if on["real"]:
        r = _limit(snap["real"], max_points)
        data.append(dict(type="scatter", x=r[:, 0], y=r[:, 1], mode="markers", name=t["real"], hoverinfo="skip",
                         marker=dict(color=COLORS["real"], size=4, opacity=0.7)))
    if on["fake"]:
        f = _limit(snap["fake"], max_points)
        data.append(dict(type="scatter", x=f[:, 0], y=f[:, 1], mode="markers", name=t["fake"], hoverinfo="skip",
                         marker=dict(color=COLORS["fake"], size=4, opacity=0.8)))
    if on["arrows"] and len(snap.get("arrow_xy", ())):
        seg = arrow_segments(snap["arrow_xy"], snap["arrow_dir"])  # (A, 2, 2)
        x, y = _polylines(seg)
        sizes = np.tile(np.array([0, 7, 0], dtype=np.float32), len(seg))  # a head at each tip only
        data.append(dict(type="scatter", x=x, y=y, mode="lines+markers", name=t["arrows"], hoverinfo="skip",
                         line=dict(color=COLORS["arrow"], width=1),
                         marker=dict(symbol="arrow", angleref="previous", size=sizes, color=COLORS["arrow"])))
    layout = dict(height=height, margin=dict(l=10, r=10, t=36 if title else 10, b=10), uirevision="plane",
                  legend=dict(orientation="h", yanchor="top", y=-0.04, x=0), plot_bgcolor="white",
                  xaxis=dict(range=[-extent, extent], showgrid=False, zeroline=False, constrain="domain"),
                  yaxis=dict(range=[-extent, extent], showgrid=False, zeroline=False, scaleanchor="x", scaleratio=1))
    if title:
        layout["title"] = dict(text=title)
    return _figure(data, layout, validate)


# --- the plane as a picture (the live view) -------------------------------------------------------------

def _rgb(hex_color: str) -> tuple[int, int, int]:
    h = hex_color.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def colorize(d: np.ndarray, scale=D_COLORSCALE) -> np.ndarray:
    """Values in [0, 1] (any shape) -> uint8 RGB (..., 3) through a piecewise-linear plotly colour scale."""
    d = np.nan_to_num(np.clip(np.asarray(d, dtype=np.float32), 0, 1), nan=0.5)
    stops = np.array([s for s, _ in scale], dtype=np.float32)
    cols = np.array([_rgb(c) for _, c in scale], dtype=np.float32)  # (S, 3)
    out = np.stack([np.interp(d, stops, cols[:, i]) for i in range(3)], axis=-1)
    return (out + 0.5).astype(np.uint8)


@lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _plane_geometry(size: int, k: int) -> tuple[int, int, int, int, int]:
    """(W, H, x0, y0, side) of the plane picture drawn k times larger: the square plot area starts at
    (x0, y0); tick labels sit left of and below it, the colour bar right of it."""
    W = size * k
    x0, bar, y0 = int(0.075 * W), int(0.085 * W), int(0.04 * W)
    side = W - x0 - bar
    H = y0 + side + int(0.06 * W)
    return W, H, x0, y0, side


@lru_cache(maxsize=16)
def _plane_frame(size: int, extent: float, colorbar: bool) -> Image.Image:
    """What every picture of the plane shares: white canvas, ticks, tick labels, the colour bar (drawn
    twice as large and scaled down once, for smooth text)."""
    k = 2
    W, H, x0, y0, side = _plane_geometry(size, k)
    img = Image.new("RGB", (W, H), (255, 255, 255))
    draw = ImageDraw.Draw(img)
    ink, grey = (60, 60, 60), (150, 150, 150)
    font = _font(11 * k)
    for v in range(-int(extent), int(extent) + 1):
        px = x0 + (v + extent) / (2 * extent) * (side - 1)
        py = y0 + (extent - v) / (2 * extent) * (side - 1)
        draw.line((px, y0 + side, px, y0 + side + 4 * k), fill=grey, width=k)
        draw.text((px, y0 + side + 5 * k), str(v), fill=ink, font=font, anchor="mt")
        draw.line((x0 - 4 * k, py, x0, py), fill=grey, width=k)
        draw.text((x0 - 6 * k, py), str(v), fill=ink, font=font, anchor="rm")
    if colorbar:  # D(x) from 0 (bottom) to 1 (top)
        bx0, bw = x0 + side + int(0.02 * W), int(0.022 * W)
        ramp = colorize(np.linspace(1, 0, side, dtype=np.float32))  # (side, 3), top row = 1
        img.paste(Image.fromarray(np.repeat(ramp[:, None, :], bw, axis=1)), (bx0, y0))
        draw.rectangle((bx0, y0, bx0 + bw - 1, y0 + side - 1), outline=grey, width=1)
        for v in (0.0, 0.5, 1.0):
            draw.text((bx0 + bw + 3 * k, y0 + (1 - v) * (side - 1)), f"{v:g}", fill=ink, font=font, anchor="lm")
    W1, H1, _, _, _ = _plane_geometry(size, 1)
    return img.resize((W1, H1), Image.Resampling.BOX)


def plane_image(snap: dict, *, show: dict[str, bool] | None = None, size: int = 480, extent: float = EXTENT,
                fmt: str = "jpeg", max_points: int = 600, supersample: int = 2) -> bytes:
    """The plane of :func:`plane_figure` drawn as a picture ``size`` pixels wide (JPEG or PNG bytes).

    Layers as in :func:`plane_figure` (``show`` by name; the manifold off by default), axes from
    -extent to extent with integer ticks, and a D(x) colour bar on the right. Each layer of points or
    lines is drawn as a coverage mask ``supersample`` times larger, scaled down (smooth edges), and laid
    on the surface in its colour and opacity, clipped to the plot area as plotly does. Text is digits
    only, so the picture reads the same in every language; the page puts the translated legend beside
    it. About 10 ms at 560 px on one idle core.
    """
    on = {"heatmap": True, "real": True, "fake": True, "arrows": True, "manifold": False}
    on.update(show or {})
    k = max(1, int(supersample))
    _, _, x0, y0, side = _plane_geometry(size, 1)
    img = _plane_frame(size, float(extent), bool(on["heatmap"])).copy()
    if on["heatmap"]:
        d = np.asarray(snap["d_grid"], dtype=np.float32)[::-1]  # (n, n), rows now top to bottom
        n = d.shape[0]
        # box: the grid's first and last points sit on the edges of the plot area, as in plotly
        img.paste(Image.fromarray(colorize(d)).resize((side, side), Image.Resampling.BILINEAR,
                                                      box=(0.5, 0.5, n - 0.5, n - 0.5)), (x0, y0))
    S = side * k  # the plot area, k times larger, for the masks

    def to_px(xy: np.ndarray) -> np.ndarray:
        """Data coordinates (N, 2) -> mask pixels (N, 2); y grows upwards in data, downwards in pixels."""
        xy = np.asarray(xy, dtype=np.float32).reshape(-1, 2)
        return np.stack([(xy[:, 0] + extent) / (2 * extent) * (S - 1), (extent - xy[:, 1]) / (2 * extent) * (S - 1)], 1)

    def lay(mask: Image.Image, color: str, opacity: float) -> None:
        if k > 1:
            mask = mask.reduce(k)
        if opacity < 1:
            mask = mask.point(lambda v: int(v * opacity + 0.5))
        img.paste(_rgb(color), (x0, y0, x0 + side, y0 + side), mask)

    if on["manifold"] and snap.get("manifold") is not None:
        mask = Image.new("L", (S, S), 0)
        draw = ImageDraw.Draw(mask)
        m = np.asarray(snap["manifold"], dtype=np.float32)  # (g, g, 2)
        for line in np.concatenate([m, m.transpose(1, 0, 2)], axis=0):  # rows and columns of the z grid
            pts = to_px(line)
            if np.isfinite(pts).all():
                draw.line(pts.ravel().tolist(), fill=255, width=k)  # flat x0, y0, x1, y1, ...
        lay(mask, COLORS["manifold"], 0.9)
    r = 2 * k
    for name, opacity in (("real", 0.7), ("fake", 0.8)):
        if not on[name]:
            continue
        mask = Image.new("L", (S, S), 0)
        draw = ImageDraw.Draw(mask)
        pts = to_px(_limit(snap[name], max_points))
        pts = pts[np.isfinite(pts).all(1)]
        # two flat lists: a list of small lists would wake the garbage collector, which walks every
        # object in a server process (about 200 ms with PyTorch and plotly loaded)
        for px, py in zip(pts[:, 0].tolist(), pts[:, 1].tolist()):
            draw.ellipse((px - r, py - r, px + r, py + r), fill=255)
        lay(mask, COLORS[name], opacity)
    if on["arrows"] and len(snap.get("arrow_xy", ())):
        mask = Image.new("L", (S, S), 0)
        draw = ImageDraw.Draw(mask)
        seg = arrow_segments(snap["arrow_xy"], snap["arrow_dir"])  # (A, 2, 2)
        head = 4.0 * k
        a, b = to_px(seg[:, 0]), to_px(seg[:, 1])
        for ax, ay, bx, by in zip(a[:, 0].tolist(), a[:, 1].tolist(), b[:, 0].tolist(), b[:, 1].tolist()):
            dx, dy = bx - ax, by - ay
            length = math.hypot(dx, dy)
            if not (math.isfinite(length) and length > 1):
                continue
            draw.line((ax, ay, bx, by), fill=255, width=k)
            ux, uy = dx / length, dy / length
            draw.polygon([(bx, by), (bx - head * ux + 0.6 * head * uy, by - head * uy - 0.6 * head * ux),
                          (bx - head * ux - 0.6 * head * uy, by - head * uy + 0.6 * head * ux)], fill=255)
        lay(mask, COLORS["arrow"], 1.0)
    ImageDraw.Draw(img).rectangle((x0, y0, x0 + side - 1, y0 + side - 1), outline=(150, 150, 150), width=1)
    buf = io.BytesIO()
    if fmt == "png":
        img.save(buf, format="PNG", compress_level=1)
    elif fmt == "jpeg":
        img.save(buf, format="JPEG", quality=88, subsampling=0)
    else:
        raise ValueError("fmt must be jpeg or png")
    return buf.getvalue()


def curves_panels(histories: dict[str, list[dict]], losses: dict[str, str], *, text: dict[str, str] | None = None,
                  max_points: int = 600) -> list[dict]:
    """The curves as data: panel 1 L_D and L_G, panel 2 D(x) and D(G(z)), against the step.

    Each panel is a dict: title, y_range (None: fit the data), series. Each series: name, x, y,
    color, dash, width, group (the run label, or None for an equilibrium line) and eq (True for the
    dotted equilibrium lines). :func:`curves_figure` and :func:`panel_image` draw the same panels.
    """
    t = _text(text)
    panels = [dict(title=t["loss"], y_range=None, series=[]), dict(title=t["d_out"], y_range=(0.0, 1.0), series=[])]
    order = itertools.count()  # plotly's trace order: run by run, then the equilibrium lines
    multi = len(histories) > 1
    last_step = 1
    for i, (label, rows) in enumerate(histories.items()):
        rows = thin([r for r in rows if r.get("step") is not None], max_points)
        if not rows:
            continue
        steps = np.array([r["step"] for r in rows], dtype=np.int32)
        last_step = max(last_step, int(steps[-1]))
        dash = RUN_DASH[i % len(RUN_DASH)]
        for key, panel in (("loss_d", 0), ("loss_g", 0), ("d_real", 1), ("d_fake", 1)):
            vals = np.array([r.get(key, np.nan) for r in rows], dtype=np.float32)  # float32: half the bytes to send
            panels[panel]["series"].append(dict(name=f"{t[key]} ({label})" if multi else t[key], x=steps, y=vals,
                                                color=COLORS[key], dash=dash, width=1.6, group=label, eq=False,
                                                order=next(order)))
    seen: set[tuple[str, float]] = set()
    for label, loss in losses.items():
        eq = equilibrium(loss)
        for key, panel, name in (("loss_d", 0, t["eq_loss_d"]), ("loss_g", 0, t["eq_loss_g"]), ("d_out", 1, t["eq_d"])):
            value = eq[key]
            if value is None or (key, value) in seen:
                continue
            seen.add((key, value))
            color = COLORS["loss_d" if key == "loss_d" else "loss_g" if key == "loss_g" else "eq"]
            panels[panel]["series"].append(dict(name=f"{name} = {value:.3g}", x=[0, last_step],
                                                y=[value, value], color=color, dash="dot", width=1,
                                                group=None, eq=True, order=next(order)))
    return panels


def curves_figure(histories: dict[str, list[dict]], losses: dict[str, str], *, text: dict[str, str] | None = None,
                  max_points: int = 600, height: int = 420, validate: bool = True) -> go.Figure:
    """Two panels against the step: L_D and L_G (top); D(x) and D(G(z)) (bottom). One dash style per run.

    ``histories`` maps a run label ("A", "B") to rows with step, loss_d, loss_g, d_real, d_fake;
    ``losses`` maps the label to its loss name, used for the dotted equilibrium lines.
    """
    t = _text(text)
    traces: list[tuple[int, dict]] = []  # (order, trace): plotly gets them run by run, then the equilibrium lines
    for axis, panel in enumerate(curves_panels(histories, losses, text=text, max_points=max_points), start=1):
        sfx = "" if axis == 1 else str(axis)
        for ser in panel["series"]:
            trace = dict(type="scatter", x=ser["x"], y=ser["y"], mode="lines", name=ser["name"],
                         xaxis=f"x{sfx}", yaxis=f"y{sfx}", line=dict(color=ser["color"], dash=ser["dash"], width=ser["width"]))
            if ser["eq"]:
                trace["hoverinfo"] = "name"
            else:
                trace["legendgroup"] = ser["group"]
            traces.append((ser["order"], trace))
    data = [trace for _, trace in sorted(traces, key=lambda t: t[0])]
    layout = dict(
        height=height, margin=dict(l=10, r=10, t=30, b=10), uirevision="curves",
        legend=dict(orientation="h", yanchor="top", y=-0.12, x=0),
        xaxis=dict(anchor="y", domain=[0, 1], matches="x2", showticklabels=False),
        yaxis=dict(anchor="x", domain=[0.56, 1.0]),
        xaxis2=dict(anchor="y2", domain=[0, 1], title=dict(text=t["step"])),
        yaxis2=dict(anchor="x2", domain=[0.0, 0.44], range=[0, 1]),
        annotations=[_panel_title(t["loss"], 0.5, 1.0), _panel_title(t["d_out"], 0.5, 0.44)],
    )
    return _figure(data, layout, validate)


def snapshot_metrics(snap: dict, dataset: str) -> dict[str, float]:
    """Numbers for one snapshot: JS and KL on a grid, and for mixtures the mode coverage.

    Returns step, js, kl and, for ring/grid/gaussian, modes_covered, n_modes and high_quality (0..1).
    """
    out: dict[str, float] = {"step": int(snap.get("step", 0))}
    out.update(grid_divergences(snap["real"], snap["fake"]))
    if toy_modes(dataset) is not None:
        out.update(toy_mode_stats(snap["fake"], dataset))
    return out


def coverage_panels(metrics: dict[str, list[dict]], *, text: dict[str, str] | None = None,
                    max_points: int = 400) -> list[dict]:
    """The coverage numbers as panels (see :func:`curves_panels`): modes covered and high-quality %
    (mixture datasets only), and the JS divergence between real and generated points."""
    t = _text(text)
    has_modes = any("modes_covered" in r for rows in metrics.values() for r in rows)
    spec = [("modes_covered", 1.0, t["modes"]), ("high_quality", 100.0, t["hq"])] if has_modes else []
    spec.append(("js", 1.0, t["js"]))
    n_modes = max((r.get("n_modes", 0) for rows in metrics.values() for r in rows), default=0)
    ranges = {"modes_covered": (0.0, n_modes + 0.5), "high_quality": (0.0, 100.0), "js": None}
    panels = [dict(title=title, y_range=ranges[key], series=[]) for key, _, title in spec]
    multi = len(metrics) > 1
    for i, (label, rows) in enumerate(metrics.items()):
        rows = thin(rows, max_points)
        if not rows:
            continue
        steps = np.array([r["step"] for r in rows], dtype=np.float64)
        for col, (key, scale, title) in enumerate(spec):
            vals = np.array([r.get(key, np.nan) for r in rows], dtype=np.float64) * scale
            panels[col]["series"].append(dict(name=title + (f" ({label})" if multi else ""), x=steps, y=vals,
                                              color=["#2E7D32", "#6C4AB6", "#E65100"][col],
                                              dash=RUN_DASH[i % len(RUN_DASH)], width=2, group=label, eq=False,
                                              markers=len(rows) < 3))
    return panels


def coverage_figure(metrics: dict[str, list[dict]], *, text: dict[str, str] | None = None,
                    height: int = 280, max_points: int = 400, validate: bool = True) -> go.Figure:
    """Side-by-side panels against the step: modes covered and high-quality % (mixture datasets only),
    and the JS divergence between real and generated points."""
    panels = coverage_panels(metrics, text=text, max_points=max_points)
    n = len(panels)
    gap = 0.08
    width = (1 - gap * (n - 1)) / n
    layout: dict = dict(height=height, margin=dict(l=10, r=10, t=30, b=10), uirevision="coverage",
                        legend=dict(orientation="h", yanchor="top", y=-0.15, x=0), annotations=[])
    traces: list[tuple[int, int, dict]] = []  # (run, panel, trace): plotly gets them run by run
    multi = len(metrics) > 1
    for col, panel in enumerate(panels, start=1):
        lo = (col - 1) * (width + gap)
        sfx = "" if col == 1 else str(col)
        yaxis = dict(anchor=f"x{sfx}", domain=[0, 1])
        if panel["y_range"] is not None:
            yaxis["range"] = list(panel["y_range"])
        else:
            yaxis["rangemode"] = "tozero"
        layout[f"xaxis{sfx}"] = dict(anchor=f"y{sfx}", domain=[lo, lo + width])
        layout[f"yaxis{sfx}"] = yaxis
        layout["annotations"].append(_panel_title(panel["title"], lo + width / 2, 1.0))
        for run, ser in enumerate(panel["series"]):
            traces.append((run, col, dict(type="scatter", x=ser["x"], y=ser["y"],
                                          mode="lines+markers" if ser["markers"] else "lines", name=ser["name"],
                                          legendgroup=ser["group"], showlegend=multi and col == 1,
                                          xaxis=f"x{sfx}", yaxis=f"y{sfx}",
                                          line=dict(color=ser["color"], dash=ser["dash"]))))
    data = [trace for _, _, trace in sorted(traces, key=lambda t: t[:2])]
    return _figure(data, layout, validate)


def nice_ticks(lo: float, hi: float, n: int = 5) -> np.ndarray:
    """About n round tick values (steps of 1, 2 or 5 times a power of ten) covering [lo, hi]."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return np.array([lo]) if math.isfinite(lo) else np.array([0.0])
    raw = (hi - lo) / max(1, n)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw)
    first = math.ceil(lo / step - 1e-9) * step
    ticks = np.arange(first, hi + step * 1e-6, step)
    return np.round(ticks, 10)


def tick_label(v: float) -> str:
    """Compact tick text: 1200 -> 1.2k, 25000 -> 25k, 0.25 -> 0.25."""
    a = abs(v)
    if a >= 1e6:
        return f"{v / 1e6:g}M"
    if a >= 1e3:
        return f"{v / 1e3:g}k"
    return f"{v:.4g}"


def _dashed(draw: ImageDraw.ImageDraw, pts: np.ndarray, dash: str, color, width: int, k: int) -> None:
    """A polyline (N, 2) in pixels, solid or dashed/dotted, skipping non-finite points."""
    pattern = {"solid": None, "dash": (9, 5), "dot": (2, 4), "dashdot": (9, 4, 2, 4)}.get(dash)
    finite = np.isfinite(pts).all(1)
    runs, cur = [], []
    for ok, p in zip(finite, pts.tolist()):
        if ok:
            cur.append(p)
        elif cur:
            runs.append(cur)
            cur = []
    if cur:
        runs.append(cur)
    for run in runs:
        if len(run) == 1:
            x, y = run[0]
            draw.ellipse((x - width, y - width, x + width, y + width), fill=color)
            continue
        if pattern is None:
            draw.line([tuple(p) for p in run], fill=color, width=width, joint="curve")
            continue
        pat = [v * k for v in pattern]
        idx, left, on = 0, pat[0], True  # position in the pattern, length left in this piece
        for (ax, ay), (bx, by) in zip(run[:-1], run[1:]):
            seg = math.hypot(bx - ax, by - ay)
            pos = 0.0
            while pos < seg:
                step = min(left, seg - pos)
                if on:
                    f0, f1 = pos / seg, (pos + step) / seg
                    draw.line((ax + (bx - ax) * f0, ay + (by - ay) * f0, ax + (bx - ax) * f1, ay + (by - ay) * f1),
                              fill=color, width=width)
                pos += step
                left -= step
                if left <= 1e-9:
                    idx = (idx + 1) % len(pat)
                    left, on = pat[idx], not on


def panel_image(panel: dict, *, width: int = 560, height: int = 200, x_max: float | None = None,
                supersample: int = 2) -> bytes:
    """One panel of :func:`curves_panels` or :func:`coverage_panels` drawn as a PNG picture.

    Axes with round ticks (numbers only, so it reads the same in every language; the page writes
    the title and legend around it), light grid lines, each series in its colour and dash style.
    """
    k = max(1, int(supersample))
    W, H = width * k, height * k
    font = _font(10 * k)
    left, right, top, bottom = 44 * k, 10 * k, 8 * k, 20 * k
    pw, ph = W - left - right, H - top - bottom
    series = panel["series"]
    xs = [np.asarray(s["x"], dtype=np.float64) for s in series]
    ys = [np.asarray(s["y"], dtype=np.float64) for s in series]
    data_x = [x for x, sr in zip(xs, series) if not sr["eq"]] or xs
    x_hi = x_max if x_max is not None else max((float(np.nanmax(x)) for x in data_x if x.size), default=1.0)
    x_lo = 0.0
    x_hi = max(x_hi, x_lo + 1.0)
    if panel.get("y_range") is not None:
        y_lo, y_hi = panel["y_range"]
    else:
        finite = np.concatenate([y[np.isfinite(y)] for y in ys]) if ys else np.zeros(0)
        y_lo, y_hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        y_lo = min(y_lo, 0.0) if y_lo >= 0 and y_hi > 0 and y_lo < 0.5 * y_hi else y_lo
        pad = 0.06 * (y_hi - y_lo) if y_hi > y_lo else max(0.5, abs(y_hi) * 0.1)
        y_lo, y_hi = y_lo - pad, y_hi + pad
    img = Image.new("RGB", (W, H), (255, 255, 255))
    draw = ImageDraw.Draw(img)
    grid, ink, frame = (232, 232, 232), (70, 70, 70), (170, 170, 170)

    def to_px(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        px = left + (x - x_lo) / (x_hi - x_lo) * (pw - 1)
        py = top + (y_hi - y) / (y_hi - y_lo) * (ph - 1)
        return np.stack([px, np.clip(py, top - 2 * k, top + ph + 2 * k)], 1)

    for v in nice_ticks(y_lo, y_hi, 4):
        py = top + (y_hi - v) / (y_hi - y_lo) * (ph - 1)
        draw.line((left, py, left + pw - 1, py), fill=grid, width=k)
        draw.text((left - 4 * k, py), tick_label(v), fill=ink, font=font, anchor="rm")
    for v in nice_ticks(x_lo, x_hi, 5):
        px = left + (v - x_lo) / (x_hi - x_lo) * (pw - 1)
        draw.line((px, top, px, top + ph - 1), fill=grid, width=k)
        draw.text((px, top + ph + 4 * k), tick_label(v), fill=ink, font=font, anchor="mt")
    draw.rectangle((left, top, left + pw - 1, top + ph - 1), outline=frame, width=k)
    for x, y, sr in sorted(zip(xs, ys, series), key=lambda t: not t[2]["eq"]):  # equilibrium lines underneath
        if sr["eq"]:
            x = np.array([x_lo, x_hi])
        pts = to_px(x, y)
        _dashed(draw, pts, sr["dash"], _rgb(sr["color"]), max(k, int(round(sr["width"] * k))), k)
    if k > 1:
        img = img.reduce(k)
    buf = io.BytesIO()
    img.save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


# --- drawing your own points -----------------------------------------------------------------------

def candidate_grid(extent: float = 2.5, step: float = 0.125) -> np.ndarray:
    """A dense square grid of candidate positions (N, 2) to click or lasso on."""
    n = int(round(2 * extent / step)) + 1
    xs = np.linspace(-extent, extent, n, dtype=np.float32)
    gx, gy = np.meshgrid(xs, xs, indexing="xy")
    return np.stack([gx.ravel(), gy.ravel()], 1)


def canvas_figure(points: np.ndarray, candidates: np.ndarray, *, text: dict[str, str] | None = None,
                  height: int = 420, extent: float = EXTENT) -> go.Figure:
    """Trace 0: the candidate grid (select to add). Trace 1: the current points (select to remove)."""
    t = _text(text)
    pts = np.asarray(points, dtype=np.float32).reshape(-1, 2)
    fig = go.Figure([
        go.Scatter(x=candidates[:, 0], y=candidates[:, 1], mode="markers", name=t["candidates"],
                   marker=dict(color=COLORS["candidate"], size=5), hovertemplate="(%{x:.2f}, %{y:.2f})<extra></extra>"),
        go.Scatter(x=pts[:, 0], y=pts[:, 1], mode="markers", name=t["points"],
                   marker=dict(color=COLORS["points"], size=8), hovertemplate="(%{x:.2f}, %{y:.2f})<extra></extra>"),
    ])
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=10, b=10), dragmode="lasso", uirevision="canvas",
                      legend=dict(orientation="h", yanchor="top", y=-0.04, x=0), plot_bgcolor="white")
    fig.update_xaxes(range=[-extent, extent], showgrid=False, zeroline=True)
    fig.update_yaxes(range=[-extent, extent], showgrid=False, zeroline=True, scaleanchor="x", scaleratio=1)
    return fig


def apply_selection(points: np.ndarray, selected: list[dict], mode: str = "add", limit: int = 2000) -> np.ndarray:
    """New point set after a selection on :func:`canvas_figure`.

    ``selected`` is the list of selected points (dicts with curve_number, point_index, x, y) as a
    plotly selection event reports them. "add" appends the selected candidates (trace 0) that are not
    already there; "remove" drops the selected current points (trace 1). At most ``limit`` points.
    """
    pts = np.asarray(points, dtype=np.float32).reshape(-1, 2)
    if mode == "add":
        new = [(float(p["x"]), float(p["y"])) for p in selected if p.get("curve_number", 0) == 0
               and p.get("x") is not None and p.get("y") is not None]
        if not new:
            return pts
        have = {(round(float(x), 4), round(float(y), 4)) for x, y in pts}
        fresh = []
        for x, y in new:
            k = (round(x, 4), round(y, 4))
            if k not in have:
                have.add(k)
                fresh.append((x, y))
        out = np.concatenate([pts, np.asarray(fresh, dtype=np.float32).reshape(-1, 2)])
        return out[:limit]
    if mode == "remove":
        drop = {int(p["point_index"]) for p in selected if p.get("curve_number") == 1 and "point_index" in p}
        keep = [i for i in range(len(pts)) if i not in drop]
        return pts[keep]
    raise ValueError("mode must be 'add' or 'remove'")
