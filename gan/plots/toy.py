"""The playground's plotly figures: pure functions, arrays in, figures out.

No Streamlit and no training here. The page passes a toy snapshot (the dict from
``Trainer.toy_snapshot``), coverage numbers per run and translated labels; the tests check the traces
without a browser. The plane's colours and extent here are the ones its picture
(:func:`gan.plots.raster.plane_image`) uses too; the loss curves are in :mod:`gan.plots.training`.

- :func:`plane_figure`: real vs generated points over D's decision surface, G's gradient arrows and
  the generator's manifold (a grid in z space mapped through G).
- :func:`coverage_panels`, :func:`coverage_figure`: modes covered, share of high-quality samples and
  the JS divergence against the step.
- :func:`canvas_figure`: drawing your own points (the editing itself is in :mod:`gan.toy.editing`).
"""
from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from .training import RUN_DASH, build_figure, panel_title, thin

EXTENT = 3.0  # the plane shown: [-EXTENT, EXTENT]^2, the same square Trainer.toy_snapshot evaluates D on
COLORS = {"real": "#2E7D32", "fake": "#6C4AB6", "arrow": "#111111", "manifold": "#8E7CC3",
          "candidate": "#C9C9C9", "points": "#2E7D32"}
COVERAGE_COLORS = ("#2E7D32", "#6C4AB6", "#E65100", "#1565C0")  # modes covered, high-quality %, JS, KL
# D(x) from "looks generated" (purple) through 0.5 (white) to "looks real" (green).
D_COLORSCALE = [[0.0, "#B39DDB"], [0.5, "#FFFFFF"], [1.0, "#A5D6A7"]]

DEFAULT_TEXT = {
    "real": "real data", "fake": "generated G(z)", "heatmap": "D(x)", "arrows": "G's gradient",
    "manifold": "G's manifold (z grid)", "modes": "modes covered", "hq": "high-quality %", "js": "JS divergence",
    "kl": "KL(p_data ‖ p_g)",
    "candidates": "click or lasso to add", "points": "your points",
}


def _text(text: dict[str, str] | None) -> dict[str, str]:
    merged = dict(DEFAULT_TEXT)
    merged.update(text or {})
    return merged


def _polylines(lines: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(L, K, 2) polylines -> x and y arrays with NaN between lines, for one scatter trace."""
    lines = np.asarray(lines, dtype=np.float32)
    gap = np.full((lines.shape[0], 1, 2), np.nan, dtype=np.float32)
    joined = np.concatenate([lines, gap], axis=1).reshape(-1, 2)  # (L*(K+1), 2)
    return joined[:, 0], joined[:, 1]


ARROW_SCALE = 0.1  # plane units per unit of |grad|: the same in every picture, run and step
ARROW_MAX = 0.6  # longer arrows are cut to this length (their printed median is not)


def arrow_segments(xy: np.ndarray, direction: np.ndarray, scale: float = ARROW_SCALE,
                   max_len: float = ARROW_MAX) -> np.ndarray:
    """Segments (N, 2, 2) from each point along its direction, ``scale`` * |direction| long (at most ``max_len``).

    An absolute scale: arrows can be compared between the two runs of an A/B and over time.
    """
    xy = np.asarray(xy, dtype=np.float32)
    d = np.nan_to_num(np.asarray(direction, dtype=np.float32), nan=0.0, posinf=0.0, neginf=0.0)
    length = np.linalg.norm(d, axis=1, keepdims=True) * scale  # (N, 1)
    shrink = np.minimum(1.0, max_len / np.maximum(length, 1e-12))
    return np.stack([xy, xy + d * scale * shrink], axis=1)


def median_grad(snap: dict) -> float:
    """Median length of G's per-point gradient |dL_G/dx| over the arrows of a snapshot (NaN without arrows)."""
    d = np.asarray(snap.get("arrow_dir", np.zeros((0, 2))), dtype=np.float64).reshape(-1, 2)
    return float(np.median(np.linalg.norm(d, axis=1))) if len(d) else float("nan")


def first_points(points: np.ndarray, n: int) -> np.ndarray:
    """At most the first ``n`` of ``points``, as float32."""
    points = np.asarray(points, dtype=np.float32)
    return points[:n] if len(points) > n else points


def plane_figure(snap: dict, *, show: dict[str, bool] | None = None, text: dict[str, str] | None = None,
                 title: str | None = None, max_points: int = 300, height: int = 460,
                 extent: float = EXTENT, validate: bool = True) -> go.Figure:
    """Real vs generated points on D's decision surface, with G's gradient arrows and manifold.

    ``snap`` holds real, fake (N, 2), grid_x (n,), d_grid (n, n) = D on the grid (rows are y),
    arrow_xy, arrow_dir (A, 2) and manifold (k, k, 2). ``show`` switches layers on or off by name:
    heatmap, real, fake, arrows, manifold (off by default).
    The figure is built from one dict (no per-trace updates), which keeps it cheap enough to redraw
    several times a second; ``validate=False`` makes it cheaper still (see :func:`gan.plots.training.build_figure`).
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
        r = first_points(snap["real"], max_points)
        data.append(dict(type="scatter", x=r[:, 0], y=r[:, 1], mode="markers", name=t["real"], hoverinfo="skip",
                         marker=dict(color=COLORS["real"], size=4, opacity=0.7)))
    if on["fake"]:
        f = first_points(snap["fake"], max_points)
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
                  legend=dict(orientation="h", yref="container", yanchor="bottom", y=0, x=0), plot_bgcolor="white",
                  xaxis=dict(range=[-extent, extent], showgrid=False, zeroline=False, constrain="domain"),
                  # both axes keep their range and give up space instead (a tall, narrow column showed -6..6)
                  yaxis=dict(range=[-extent, extent], showgrid=False, zeroline=False, scaleanchor="x", scaleratio=1,
                             constrain="domain"))
    if title:
        layout["title"] = dict(text=title)
    return build_figure(data, layout, validate)


def coverage_panels(metrics: dict[str, list[dict]], *, text: dict[str, str] | None = None,
                    max_points: int = 400) -> list[dict]:
    """The coverage numbers as panels (see :func:`gan.plots.training.curves_panels`): modes covered and high-quality %
    (mixture datasets only), and the JS and KL(p_data ‖ p_g) divergences between real and generated points."""
    t = _text(text)
    has_modes = any("modes_covered" in r for rows in metrics.values() for r in rows)
    spec = [("modes_covered", 1.0, t["modes"]), ("high_quality", 100.0, t["hq"])] if has_modes else []
    spec.append(("js", 1.0, t["js"]))
    spec.append(("kl", 1.0, t["kl"]))  # beside JS: KL blows up where G puts no mass on real data
    n_modes = max((r.get("n_modes", 0) for rows in metrics.values() for r in rows), default=0)
    ranges = {"modes_covered": (0.0, n_modes + 0.5), "high_quality": (0.0, 100.0), "js": None, "kl": None}
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
                                              color=COVERAGE_COLORS[col],
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
                        legend=dict(orientation="h", yref="container", yanchor="bottom", y=0, x=0), annotations=[])
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
        layout["annotations"].append(panel_title(panel["title"], lo + width / 2, 1.0))
        for run, ser in enumerate(panel["series"]):
            traces.append((run, col, dict(type="scatter", x=ser["x"], y=ser["y"],
                                          mode="lines+markers" if ser["markers"] else "lines", name=ser["name"],
                                          legendgroup=ser["group"], showlegend=multi and col == 1,
                                          xaxis=f"x{sfx}", yaxis=f"y{sfx}",
                                          line=dict(color=ser["color"], dash=ser["dash"]))))
    data = [trace for _, _, trace in sorted(traces, key=lambda t: t[:2])]
    return build_figure(data, layout, validate)


def canvas_figure(points: np.ndarray, candidates: np.ndarray, *, text: dict[str, str] | None = None,
                  height: int = 420, extent: float = EXTENT) -> go.Figure:
    """Trace 0: the candidates (select to add; :func:`gan.toy.editing.candidate_grid`). Trace 1: the current
    points (select to remove). :func:`gan.toy.editing.apply_selection` turns a selection into new points."""
    t = _text(text)
    pts = np.asarray(points, dtype=np.float32).reshape(-1, 2)
    fig = go.Figure([
        go.Scatter(x=candidates[:, 0], y=candidates[:, 1], mode="markers", name=t["candidates"],
                   marker=dict(color=COLORS["candidate"], size=5), hovertemplate="(%{x:.2f}, %{y:.2f})<extra></extra>"),
        go.Scatter(x=pts[:, 0], y=pts[:, 1], mode="markers", name=t["points"],
                   marker=dict(color=COLORS["points"], size=8), hovertemplate="(%{x:.2f}, %{y:.2f})<extra></extra>"),
    ])
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=10, b=10), dragmode="lasso", uirevision="canvas",
                      legend=dict(orientation="h", yref="container", yanchor="bottom", y=0, x=0), plot_bgcolor="white")
    fig.update_xaxes(range=[-extent, extent], showgrid=False, zeroline=True)
    fig.update_yaxes(range=[-extent, extent], showgrid=False, zeroline=True, scaleanchor="x", scaleratio=1)
    return fig
