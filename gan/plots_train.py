"""Plotly figures for an image-GAN training run: losses and discriminator outputs against steps.

Pure builders: a run's history rows (dicts with step, loss_d, loss_g, d_real, d_fake) in, a figure
out. Display text comes in as a dict so pages can pass translated labels; tests read the traces.
"""
from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

EQUILIBRIUM_LOSS_D = 2 * math.log(2)  # L_D at D = 1/2 everywhere, for the cross-entropy losses
EQUILIBRIUM_LOSSES = ("ns", "minimax")  # losses for which 2 ln 2 is the equilibrium value of L_D
COLORS = {"loss_d": "#E65100", "loss_g": "#6C4AB6", "d_real": "#2E7D32", "d_fake": "#C62828",
          "eq": "#1F1B2D", "now": "#1565C0"}

TEXT = {
    "title_loss": "Losses",
    "title_d": "Discriminator outputs",
    "x": "step",
    "loss_d": "L_D",
    "loss_g": "L_G",
    "d_real": "D(x) on real",
    "d_fake": "D(G(z)) on fake",
    "eq_loss": "2 ln 2 ≈ 1.386 (equilibrium)",
    "eq_d": "1/2 (equilibrium)",
}


def _text(text: dict[str, str] | None) -> dict[str, str]:
    t = dict(TEXT)
    t.update(text or {})
    return t


def columns(history: list[dict], keys=("step", "loss_d", "loss_g", "d_real", "d_fake")) -> dict[str, np.ndarray]:
    """History rows -> one float array per key, leaving out rows whose losses are both NaN
    (the final done/stopped rows carry no numbers)."""
    rows = [r for r in history if any(math.isfinite(float(r.get(k, math.nan))) for k in ("loss_d", "loss_g"))]
    return {k: np.asarray([float(r.get(k, math.nan)) for r in rows], dtype=np.float64) for k in keys}


def training_figure(history: list[dict], loss: str = "ns", text: dict[str, str] | None = None,
                    upto: int | None = None, height: int = 420) -> go.Figure:
    """Two panels against the step: L_D and L_G (with the 2 ln 2 line for the cross-entropy losses),
    and D(x), D(G(z)) (with the 1/2 line). ``upto`` keeps only rows with step <= upto (replays)."""
    t = _text(text)
    c = columns(history)
    if upto is not None:
        keep = c["step"] <= upto
        c = {k: v[keep] for k, v in c.items()}
    fig = make_subplots(rows=1, cols=2, subplot_titles=(t["title_loss"], t["title_d"]), horizontal_spacing=0.12)
    for key in ("loss_d", "loss_g"):
        fig.add_trace(go.Scatter(x=c["step"], y=c[key], mode="lines", name=t[key], legendgroup="loss",
                                 line=dict(color=COLORS[key], width=2)), row=1, col=1)
    for key in ("d_real", "d_fake"):
        fig.add_trace(go.Scatter(x=c["step"], y=c[key], mode="lines", name=t[key], legendgroup="d",
                                 line=dict(color=COLORS[key], width=2)), row=1, col=2)
    x_end = float(c["step"][-1]) if c["step"].size else 1.0
    x_line = [0.0, max(x_end, 1.0)]
    if loss in EQUILIBRIUM_LOSSES:
        fig.add_trace(go.Scatter(x=x_line, y=[EQUILIBRIUM_LOSS_D] * 2, mode="lines", name=t["eq_loss"],
                                 line=dict(color=COLORS["eq"], dash="dash", width=1), hoverinfo="skip"),
                      row=1, col=1)
    if loss != "wgan-gp":
        fig.add_trace(go.Scatter(x=x_line, y=[0.5, 0.5], mode="lines", name=t["eq_d"],
                                 line=dict(color=COLORS["eq"], dash="dot", width=1), hoverinfo="skip"),
                      row=1, col=2)
        fig.update_yaxes(range=[0, 1], row=1, col=2)
    fig.update_xaxes(title_text=t["x"])
    fig.update_layout(height=height, margin=dict(l=40, r=10, t=40, b=40),
                      legend=dict(orientation="h", yanchor="top", y=-0.2, x=0))
    return fig


def class_histogram_figure(counts, names: list[str] | None = None, title: str = "Classes of generated samples",
                           height: int = 260) -> go.Figure:
    """Bar chart of how many samples a classifier put in each class, with the uniform share marked."""
    c = np.asarray(counts, dtype=np.float64)
    names = names or [str(i) for i in range(len(c))]
    share = c / c.sum() if c.sum() > 0 else c
    fig = go.Figure(go.Bar(x=names, y=share, marker_color=COLORS["loss_g"]))
    if len(c):
        fig.add_hline(y=1 / len(c), line_dash="dash", line_color=COLORS["eq"])
    fig.update_layout(title=title, height=height, margin=dict(l=40, r=10, t=40, b=40), yaxis_tickformat=".0%")
    return fig
