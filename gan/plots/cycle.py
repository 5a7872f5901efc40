"""The CycleGAN page's figures: pure functions, snapshots and history rows in, figures or pictures out.

- :func:`cycle_figure`: one direction of the cycle in the plane, x -> G(x) -> F(G(x)) (or y -> F(y) -> G(F(y))),
  with arrows for some of the points and the other domain's real points behind them.
- :func:`losses_figure`: the adversarial, cycle-consistency and identity losses and the reconstruction error
  against the step, one dash style per run (with and without the cycle loss).
- :func:`digit_rows`: digits of a snapshot as one picture, a row each for x, G(x), F(G(x)) (or y, F(y), G(F(y))).

Display text comes in as a dict so the page passes translated labels. No Streamlit, no training.
"""
from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from .toy import _polylines, first_points
from .training import RUN_DASH, build_figure, panel_title, thin

DOMAIN_COLORS = {"x": "#2E7D32", "y": "#6C4AB6", "back": "#E65100"}  # X green, Y purple, back through the cycle orange
LOSS_COLORS = {"adv_g": "#1565C0", "adv_d": "#E65100", "cycle": "#2E7D32", "identity": "#6C4AB6", "recon": "#111111"}
EXTENT = 3.0

TEXT = {
    "x": "x", "g_x": "G(x)", "f_g_x": "F(G(x))", "y": "y", "f_y": "F(y)", "g_f_y": "G(F(y))",
    "real_x": "real x", "real_y": "real y", "to": "G: x → G(x)", "back": "F: G(x) → F(G(x))",
    "to_y": "F: y → F(y)", "back_y": "G: F(y) → G(F(y))",
    "adv_g": "adversarial (G and F)", "adv_d": "adversarial (D_X and D_Y)", "cycle": "cycle consistency",
    "identity": "identity", "recon": "reconstruction error", "losses": "losses", "step": "step",
}


def _text(text: dict[str, str] | None) -> dict[str, str]:
    return {**TEXT, **(text or {})}


def _arrows(start: np.ndarray, end: np.ndarray, color: str, dash: str, name: str) -> dict:
    """One scatter trace of straight arrows start -> end, a head at each end."""
    x, y = _polylines(np.stack([start, end], axis=1))  # (A, 2, 2) segments
    sizes = np.tile(np.array([0, 8, 0], dtype=np.float32), len(start))
    return dict(type="scatter", x=x, y=y, mode="lines+markers", name=name, hoverinfo="skip",
                line=dict(color=color, width=1.2, dash=dash),
                marker=dict(symbol="arrow", angleref="previous", size=sizes, color=color))


def cycle_figure(snap: dict, side: str = "x", *, text: dict[str, str] | None = None, n_arrows: int = 24,
                 max_points: int = 200, height: int = 420, title: str | None = None, validate: bool = True) -> go.Figure:
    """x -> G(x) -> F(G(x)) for ``side`` "x", y -> F(y) -> G(F(y)) for "y", in the plane.

    Traces, in order: the other domain's real points (faint), the start points, their translations, the way back,
    the first ``n_arrows`` arrows out (solid) and back (dotted).
    """
    t = _text(text)
    if side not in ("x", "y"):
        raise ValueError("side must be 'x' or 'y'")
    other = "y" if side == "x" else "x"
    a, b, c = (("x", "g_x", "f_g_x") if side == "x" else ("y", "f_y", "g_f_y"))
    pts = {k: first_points(snap[k], max_points) for k in (a, b, c, other)}
    marker = lambda color, size, opacity: dict(color=color, size=size, opacity=opacity)  # noqa: E731
    data = [
        dict(type="scatter", x=pts[other][:, 0], y=pts[other][:, 1], mode="markers", name=t["real_" + other],
             hoverinfo="skip", marker=marker(DOMAIN_COLORS[other], 9, 0.12)),
        dict(type="scatter", x=pts[a][:, 0], y=pts[a][:, 1], mode="markers", name=t[a], hoverinfo="skip",
             marker=marker(DOMAIN_COLORS[side], 5, 0.85)),
        dict(type="scatter", x=pts[b][:, 0], y=pts[b][:, 1], mode="markers", name=t[b], hoverinfo="skip",
             marker=marker(DOMAIN_COLORS[other], 5, 0.85)),
        dict(type="scatter", x=pts[c][:, 0], y=pts[c][:, 1], mode="markers", name=t[c], hoverinfo="skip",
             marker=dict(color=DOMAIN_COLORS["back"], size=5, opacity=0.85, symbol="x-thin",
                         line=dict(width=1.5, color=DOMAIN_COLORS["back"]))),
    ]
    k = min(n_arrows, len(pts[a]))
    if k:
        data.append(_arrows(pts[a][:k], pts[b][:k], "#555555", "solid", t["to"] if side == "x" else t["to_y"]))
        data.append(_arrows(pts[b][:k], pts[c][:k], DOMAIN_COLORS["back"], "dot", t["back"] if side == "x" else t["back_y"]))
    layout = dict(height=height, margin=dict(l=10, r=10, t=36 if title else 10, b=10), uirevision="cycle-" + side,
                  legend=dict(orientation="h", yref="container", yanchor="bottom", y=0, x=0),  # below everything, off the axes
                  plot_bgcolor="white",
                  xaxis=dict(range=[-EXTENT, EXTENT], showgrid=False, zeroline=False, constrain="domain"),
                  yaxis=dict(range=[-EXTENT, EXTENT], showgrid=False, zeroline=False, scaleanchor="x", scaleratio=1))
    if title:
        layout["title"] = dict(text=title)
    return build_figure(data, layout, validate)


def losses_figure(histories: dict[str, list[dict]], *, text: dict[str, str] | None = None, upto: int | None = None,
                  max_points: int = 400, height: int = 380, validate: bool = True) -> go.Figure:
    """Left: the four losses against the step; right: the reconstruction error (both log scale: the losses span
    about 0.01 to 10, the identity loss at weight 0 being the largest). ``histories`` maps a
    run's label to its rows (step, adv_g, adv_d, cycle, identity, recon); each run has its own dash style and,
    with more than one run, its label after each name. ``upto``: only rows up to that step (replays)."""
    t = _text(text)
    data = []
    multi = len(histories) > 1
    for i, (label, rows) in enumerate(histories.items()):
        rows = [r for r in rows if upto is None or r["step"] <= upto]
        dash = RUN_DASH[i % len(RUN_DASH)]
        suffix = f" ({label})" if multi else ""
        logged = thin([r for r in rows if math.isfinite(r.get("cycle", math.nan))], max_points)
        steps = np.array([r["step"] for r in logged], dtype=np.int32)
        for key in ("adv_g", "adv_d", "cycle", "identity"):
            vals = np.array([r.get(key, np.nan) for r in logged], dtype=np.float32)
            data.append(dict(type="scatter", x=steps, y=vals, mode="lines", name=t[key] + suffix, legendgroup=label,
                             line=dict(color=LOSS_COLORS[key], dash=dash, width=1.6), xaxis="x", yaxis="y"))
        measured = [r for r in rows if math.isfinite(r.get("recon", math.nan))]
        data.append(dict(type="scatter", x=np.array([r["step"] for r in measured], dtype=np.int32),
                         y=np.array([r["recon"] for r in measured], dtype=np.float32), mode="lines+markers",
                         name=t["recon"] + suffix, legendgroup=label, marker=dict(size=4),
                         line=dict(color=LOSS_COLORS["recon"], dash=dash, width=1.6), xaxis="x2", yaxis="y2"))
    layout = dict(height=height, margin=dict(l=40, r=10, t=30, b=40), uirevision="cycle-curves",
                  legend=dict(orientation="h", yref="container", yanchor="bottom", y=0, x=0),  # off the axes
                  xaxis=dict(anchor="y", domain=[0, 0.56], title=dict(text=t["step"])),
                  yaxis=dict(anchor="x", domain=[0, 1], type="log", dtick="D2", tickformat=".1~r"),
                  xaxis2=dict(anchor="y2", domain=[0.66, 1], title=dict(text=t["step"])),
                  yaxis2=dict(anchor="x2", domain=[0, 1], type="log", dtick="D2", tickformat=".1~r"),
                  annotations=[panel_title(t["losses"], 0.28, 1.0), panel_title(t["recon"], 0.83, 1.0)])
    return build_figure(data, layout, validate)


def digit_rows(snap: dict, side: str = "x", n: int = 8, pad: int = 2, scale: int = 3) -> np.ndarray:
    """(H, W) uint8: rows x, G(x), F(G(x)) (side "x") or y, F(y), G(F(y)) of the first ``n`` digits, with ``pad``
    grey pixels between digits, enlarged ``scale`` times (nearest neighbour)."""
    keys = ("x", "g_x", "f_g_x") if side == "x" else ("y", "f_y", "g_f_y")
    rows = []
    for k in keys:
        imgs = np.asarray(snap[k], dtype=np.uint8)[:n]  # (n, 28, 28)
        h, w = imgs.shape[1:]
        row = np.full((h, n * (w + pad) - pad), 96, dtype=np.uint8)
        for i, img in enumerate(imgs):
            row[:, i * (w + pad): i * (w + pad) + w] = img
        rows.append(row)
    gap = np.full((pad, rows[0].shape[1]), 96, dtype=np.uint8)
    grid = np.concatenate([x for r in rows for x in (r, gap)][:-1], axis=0)
    return np.kron(grid, np.ones((scale, scale), dtype=np.uint8))
