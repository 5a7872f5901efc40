"""The Principles page's figures: the generator-loss saturation curves and the live 1D example.

Pure builders: arrays (numpy) and optional display text in, a plotly figure out, so pages can pass
translated labels and tests can check the traces without a browser. No Streamlit, no training.
"""
from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

COLORS = {"real": "#2E7D32", "fake": "#6C4AB6", "d": "#E65100", "d_star": "#1F1B2D",
          "minimax": "#C62828", "ns": "#1565C0", "marker": "#1F1B2D"}


def _text(defaults: dict[str, str], text: dict[str, str] | None) -> dict[str, str]:
    merged = dict(defaults)
    merged.update(text or {})
    return merged


# --- Saturation of the generator loss ------------------------------------------------------------

def saturation_curves(n: int = 400, eps: float = 1e-3) -> dict[str, np.ndarray]:
    """Generator losses and their gradients as functions of s = D(G(z)) on (0, 1).

    With s = sigmoid(l) for the discriminator's logit l on a fake sample:
    - minimax (saturating):  L = log(1 - s),  dL/dl = -s        -> vanishes as s -> 0
    - non-saturating:        L = -log s,      dL/dl = -(1 - s)  -> about -1 as s -> 0
    The gradient with respect to the logit is what flows back through D into the generator.
    """
    s = np.linspace(eps, 1 - eps, n)
    return {
        "s": s,
        "loss_minimax": np.log1p(-s),
        "loss_ns": -np.log(s),
        "grad_minimax": -s,
        "grad_ns": -(1 - s),
    }


SATURATION_TEXT = {
    "title_loss": "Generator loss",
    "title_grad": "Gradient to G (∂L/∂logit)",
    "x": "D(G(z))",
    "minimax": "minimax: log(1 − D(G(z)))",
    "ns": "non-saturating: −log D(G(z))",
    "early": "early training",
}


def saturation_figure(marker: float | None = None, text: dict[str, str] | None = None,
                      n: int = 400) -> go.Figure:
    """Two panels against D(G(z)): both generator losses, and their gradients w.r.t. D's logit.

    ``marker`` (a value of D(G(z)) in (0, 1)) adds a point on every curve at that value.
    """
    t = _text(SATURATION_TEXT, text)
    c = saturation_curves(n)
    fig = make_subplots(rows=1, cols=2, subplot_titles=(t["title_loss"], t["title_grad"]),
                        horizontal_spacing=0.12)
    for col, key_mm, key_ns in ((1, "loss_minimax", "loss_ns"), (2, "grad_minimax", "grad_ns")):
        fig.add_trace(go.Scatter(x=c["s"], y=c[key_mm], name=t["minimax"], legendgroup="minimax",
                                 showlegend=col == 1, line=dict(color=COLORS["minimax"], width=3)),
                      row=1, col=col)
        fig.add_trace(go.Scatter(x=c["s"], y=c[key_ns], name=t["ns"], legendgroup="ns",
                                 showlegend=col == 1, line=dict(color=COLORS["ns"], width=3)),
                      row=1, col=col)
        band = dict(annotation_text=t["early"], annotation_position="top left") if col == 1 else {}
        fig.add_vrect(x0=0, x1=0.1, fillcolor="#9E9E9E", opacity=0.15, line_width=0, row=1, col=col, **band)
    if marker is not None:
        s = float(np.clip(marker, 1e-3, 1 - 1e-3))
        points = {"loss_minimax": math.log1p(-s), "loss_ns": -math.log(s),
                  "grad_minimax": -s, "grad_ns": -(1 - s)}
        for col, keys in ((1, ("loss_minimax", "loss_ns")), (2, ("grad_minimax", "grad_ns"))):
            ys = [points[k] for k in keys]
            fig.add_trace(go.Scatter(x=[s, s], y=ys, mode="markers+text", showlegend=False,
                                     text=[f"{y:.3f}" for y in ys], textposition="middle right",
                                     marker=dict(size=11, color=COLORS["marker"]), hoverinfo="skip"),
                          row=1, col=col)
    fig.update_xaxes(title_text=t["x"], range=[0, 1])
    fig.update_yaxes(range=[-5, 7], row=1, col=1)
    fig.update_yaxes(range=[-1.05, 0.05], row=1, col=2)
    fig.update_layout(height=420, margin=dict(l=40, r=20, t=60, b=40),
                      legend=dict(orientation="h", yref="container", yanchor="bottom", y=0, x=0))
    return fig


# --- The live 1D example -------------------------------------------------------------------------

ONED_TEXT = {
    "x": "x",
    "density": "density",
    "prob": "D(x)",
    "p_data": "p_data (real)",
    "p_g": "p_g (generator)",
    "d": "D(x) (trained discriminator)",
    "d_star": "D*(x) = p_data / (p_data + p_g)",
    "half": "1/2",
}


def oned_figure(x: np.ndarray, p_data: np.ndarray, p_g: np.ndarray, d: np.ndarray,
                d_star: np.ndarray | None = None, text: dict[str, str] | None = None,
                title: str | None = None) -> go.Figure:
    """Densities p_data and p_g (left axis) with D(x) and D*(x) (right axis, 0..1) on one grid."""
    t = _text(ONED_TEXT, text)
    x = np.asarray(x, dtype=float)
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(go.Scatter(x=x, y=p_data, name=t["p_data"], fill="tozeroy",
                             line=dict(color=COLORS["real"], width=2)), secondary_y=False)
    fig.add_trace(go.Scatter(x=x, y=p_g, name=t["p_g"], fill="tozeroy",
                             line=dict(color=COLORS["fake"], width=2)), secondary_y=False)
    fig.add_trace(go.Scatter(x=x, y=d, name=t["d"], line=dict(color=COLORS["d"], width=3)),
                  secondary_y=True)
    if d_star is not None:
        fig.add_trace(go.Scatter(x=x, y=d_star, name=t["d_star"],
                                 line=dict(color=COLORS["d_star"], width=2, dash="dash")),
                      secondary_y=True)
    fig.add_trace(go.Scatter(x=[x[0], x[-1]], y=[0.5, 0.5], name=t["half"], mode="lines",
                             line=dict(color="#9E9E9E", width=1, dash="dot"), showlegend=False,
                             hoverinfo="skip"), secondary_y=True)
    fig.update_xaxes(title_text=t["x"])
    fig.update_yaxes(title_text=t["density"], rangemode="tozero", secondary_y=False)
    fig.update_yaxes(title_text=t["prob"], range=[0, 1.02], secondary_y=True, showgrid=False,
                     tickmode="linear", tick0=0, dtick=0.25)
    fig.update_layout(height=420, title=title, margin=dict(l=40, r=40, t=50 if title else 20, b=40),
                      legend=dict(orientation="h", yref="container", yanchor="bottom", y=0, x=0))
    return fig
