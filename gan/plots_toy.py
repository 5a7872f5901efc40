"""Figure builders for the 2D playground: pure functions, arrays in, plotly figures out.

No Streamlit and no training here. The page passes a toy snapshot (the dict from
``Trainer.toy_snapshot``), run histories (rows of step, losses and D outputs) and translated labels;
the tests check the traces without a browser.

- :func:`plane_figure`: real vs generated points over D's decision surface, G's gradient arrows and
  the generator's manifold (a grid in z space mapped through G).
- :func:`curves_figure`: L_D and L_G, D(x) and D(G(z)) against the step, with the equilibrium lines.
- :func:`coverage_figure`: modes covered, share of high-quality samples and the JS divergence.
- :func:`canvas_figure` with :func:`candidate_grid` and :func:`apply_selection`: drawing your own points.
"""
from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from .data import toy_modes
from .metrics import grid_divergences, toy_mode_stats

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


def curves_figure(histories: dict[str, list[dict]], losses: dict[str, str], *, text: dict[str, str] | None = None,
                  max_points: int = 600, height: int = 420, validate: bool = True) -> go.Figure:
    """Two panels against the step: L_D and L_G (top); D(x) and D(G(z)) (bottom). One dash style per run.

    ``histories`` maps a run label ("A", "B") to rows with step, loss_d, loss_g, d_real, d_fake;
    ``losses`` maps the label to its loss name, used for the dotted equilibrium lines.
    """
    t = _text(text)
    data: list[dict] = []
    multi = len(histories) > 1
    last_step = 1
    for i, (label, rows) in enumerate(histories.items()):
        rows = thin([r for r in rows if r.get("step") is not None], max_points)
        if not rows:
            continue
        steps = np.array([r["step"] for r in rows], dtype=np.int32)
        last_step = max(last_step, int(steps[-1]))
        dash = RUN_DASH[i % len(RUN_DASH)]
        for key, axis in (("loss_d", 1), ("loss_g", 1), ("d_real", 2), ("d_fake", 2)):
            vals = np.array([r.get(key, np.nan) for r in rows], dtype=np.float32)  # float32: half the bytes to send
            name = f"{t[key]} ({label})" if multi else t[key]
            data.append(dict(type="scatter", x=steps, y=vals, mode="lines", name=name, legendgroup=label,
                             xaxis=f"x{axis if axis > 1 else ''}", yaxis=f"y{axis if axis > 1 else ''}",
                             line=dict(color=COLORS[key], dash=dash, width=1.6)))
    seen: set[tuple[str, float]] = set()
    for label, loss in losses.items():
        eq = equilibrium(loss)
        for key, axis, name in (("loss_d", 1, t["eq_loss_d"]), ("loss_g", 1, t["eq_loss_g"]), ("d_out", 2, t["eq_d"])):
            value = eq[key]
            if value is None or (key, value) in seen:
                continue
            seen.add((key, value))
            color = COLORS["loss_d" if key == "loss_d" else "loss_g" if key == "loss_g" else "eq"]
            data.append(dict(type="scatter", x=[0, last_step], y=[value, value], mode="lines",
                             name=f"{name} = {value:.3g}", hoverinfo="name",
                             xaxis=f"x{axis if axis > 1 else ''}", yaxis=f"y{axis if axis > 1 else ''}",
                             line=dict(color=color, dash="dot", width=1)))
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


def coverage_figure(metrics: dict[str, list[dict]], *, text: dict[str, str] | None = None,
                    height: int = 280, max_points: int = 400, validate: bool = True) -> go.Figure:
    """Side-by-side panels against the step: modes covered and high-quality % (mixture datasets only),
    and the JS divergence between real and generated points."""
    t = _text(text)
    has_modes = any("modes_covered" in r for rows in metrics.values() for r in rows)
    panels = [("modes_covered", 1.0, t["modes"]), ("high_quality", 100.0, t["hq"])] if has_modes else []
    panels.append(("js", 1.0, t["js"]))
    n = len(panels)
    gap = 0.08
    width = (1 - gap * (n - 1)) / n
    layout: dict = dict(height=height, margin=dict(l=10, r=10, t=30, b=10), uirevision="coverage",
                        legend=dict(orientation="h", yanchor="top", y=-0.15, x=0), annotations=[])
    n_modes = max((r.get("n_modes", 0) for rows in metrics.values() for r in rows), default=0)
    for col, (key, _, title) in enumerate(panels, start=1):
        lo = (col - 1) * (width + gap)
        sfx = "" if col == 1 else str(col)
        yaxis = dict(anchor=f"x{sfx}", domain=[0, 1])
        if key == "modes_covered":
            yaxis["range"] = [0, n_modes + 0.5]
        elif key == "high_quality":
            yaxis["range"] = [0, 100]
        else:
            yaxis["rangemode"] = "tozero"
        layout[f"xaxis{sfx}"] = dict(anchor=f"y{sfx}", domain=[lo, lo + width])
        layout[f"yaxis{sfx}"] = yaxis
        layout["annotations"].append(_panel_title(title, lo + width / 2, 1.0))
    data: list[dict] = []
    multi = len(metrics) > 1
    for i, (label, rows) in enumerate(metrics.items()):
        rows = thin(rows, max_points)
        if not rows:
            continue
        steps = np.array([r["step"] for r in rows], dtype=np.float64)
        dash = RUN_DASH[i % len(RUN_DASH)]
        suffix = f" ({label})" if multi else ""
        for col, (key, scale, title) in enumerate(panels, start=1):
            sfx = "" if col == 1 else str(col)
            vals = np.array([r.get(key, np.nan) for r in rows], dtype=np.float64) * scale
            data.append(dict(type="scatter", x=steps, y=vals, mode="lines+markers" if len(rows) < 3 else "lines",
                             name=title + suffix, legendgroup=label, showlegend=multi and col == 1,
                             xaxis=f"x{sfx}", yaxis=f"y{sfx}",
                             line=dict(color=["#2E7D32", "#6C4AB6", "#E65100"][col - 1], dash=dash)))
    return _figure(data, layout, validate)


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
