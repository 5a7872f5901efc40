"""A small raster chart library: pictures drawn on the server with Pillow, PNG or JPEG bytes out.

While the playground trains, its views are pictures: a browser shows a new picture for a fraction of
what re-rendering an interactive plotly figure costs it.

- :func:`plane_image`: the plane of :func:`gan.plots.toy.plane_figure` (same colours and extent):
  D's surface through :func:`colorize`, points, arrows and the manifold laid on as coverage masks.
- :func:`panel_image`: one panel of curves (:func:`gan.plots.training.curves_panels`,
  :func:`gan.plots.toy.coverage_panels`) with round ticks (:func:`nice_ticks`, :func:`tick_label`)
  and solid, dashed or dotted lines.

Text in the pictures is digits only, so they read the same in every language; the page writes titles
and legends around them.
"""
from __future__ import annotations

import io
import math
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from .toy import COLORS, D_COLORSCALE, EXTENT, arrow_segments, first_points


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


def plane_geometry(size: int, k: int) -> tuple[int, int, int, int, int]:
    """(W, H, x0, y0, side) of the plane picture drawn k times larger: the square plot area starts at
    (x0, y0); tick labels sit left of and below it, the colour bar right of it."""
    W = size * k
    x0, bar, y0 = int(0.075 * W), int(0.085 * W), int(0.04 * W)
    side = W - x0 - bar
    H = y0 + side + int(0.06 * W)
    return W, H, x0, y0, side


@lru_cache(maxsize=16)
def _plane_frame(size: int, extent: float, colorbar: bool, text_scale: float = 1.0) -> Image.Image:
    """What every picture of the plane shares: white canvas, ticks, tick labels, the colour bar (drawn
    twice as large and scaled down once, for smooth text)."""
    k = 2
    W, H, x0, y0, side = plane_geometry(size, k)
    img = Image.new("RGB", (W, H), (255, 255, 255))
    draw = ImageDraw.Draw(img)
    ink, grey = (60, 60, 60), (150, 150, 150)
    font = _font(round(11 * k * text_scale))
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
    W1, H1, _, _, _ = plane_geometry(size, 1)
    return img.resize((W1, H1), Image.Resampling.BOX)


def plane_image(snap: dict, *, show: dict[str, bool] | None = None, size: int = 480, extent: float = EXTENT,
                fmt: str = "jpeg", max_points: int = 600, supersample: int = 2, text_scale: float = 1.0) -> bytes:
    """The plane of :func:`gan.plots.toy.plane_figure` drawn as a picture ``size`` pixels wide (JPEG or PNG).

    Layers as in the figure (``show`` by name; the manifold off by default), axes from
    -extent to extent with integer ticks, and a D(x) colour bar on the right. Each layer of points or
    lines is drawn as a coverage mask ``supersample`` times larger, scaled down (smooth edges), and laid
    on the surface in its colour and opacity, clipped to the plot area as plotly does. Text is digits
    only, so the picture reads the same in every language; the page puts the translated legend beside
    it. ``text_scale`` enlarges the tick labels (presentation mode). About 10 ms at 560 px on one idle core.
    """
    on = {"heatmap": True, "real": True, "fake": True, "arrows": True, "manifold": False}
    on.update(show or {})
    k = max(1, int(supersample))
    _, _, x0, y0, side = plane_geometry(size, 1)
    img = _plane_frame(size, float(extent), bool(on["heatmap"]), float(text_scale)).copy()
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
        pts = to_px(first_points(snap[name], max_points))
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


MARK_RGB = (120, 120, 120)  # the vertical lines where settings changed mid-run


def panel_image(panel: dict, *, width: int = 560, height: int = 200, x_max: float | None = None,
                supersample: int = 2, text_scale: float = 1.0) -> bytes:
    """One panel of :func:`gan.plots.training.curves_panels` or :func:`gan.plots.toy.coverage_panels` drawn as a PNG picture.

    Axes with round ticks (numbers only, so it reads the same in every language; the page writes
    the title and legend around it), light grid lines, each series in its colour and dash style.
    ``text_scale`` enlarges the tick labels and the margins they sit in (presentation mode).
    """
    k = max(1, int(supersample))
    W, H = width * k, height * k
    font = _font(round(10 * k * text_scale))
    left, right, top, bottom = round(44 * text_scale) * k, 10 * k, 8 * k, round(20 * text_scale) * k
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
    for step in panel.get("marks", ()):  # settings changed mid-run at these steps
        if x_lo <= step <= x_hi:
            px = left + (step - x_lo) / (x_hi - x_lo) * (pw - 1)
            _dashed(draw, np.array([[px, top], [px, top + ph - 1]]), "dash", MARK_RGB, k, k)
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
