"""The Super-resolution page's figures: each method's sharpness against the real digits', and the two
networks' sharpness while they train. Pure builders: numbers in, a plotly figure out; display text comes
in as a dict so the page can pass translated labels."""
from __future__ import annotations

import plotly.graph_objects as go

METHODS = ("bicubic", "l1", "adversarial")
COLORS = {"bicubic": "#9E9E9E", "l1": "#1565C0", "adversarial": "#E65100", "real": "#2E7D32"}
TEXT = {"bicubic": "bicubic", "l1": "L1 only", "adversarial": "L1 + adversarial", "real": "real digits",
        "sharpness": "sharpness (mean gradient energy)", "step": "step", "method": "method"}


def _text(text: dict[str, str] | None) -> dict[str, str]:
    return {**TEXT, **(text or {})}


def sharpness_bars(metrics: dict[str, dict], text: dict[str, str] | None = None) -> go.Figure:
    """One bar per method (its mean gradient energy), with the real digits' value as a line across."""
    t = _text(text)
    real = metrics["real"]["sharpness"]
    values = [metrics[m]["sharpness"] for m in METHODS]
    fig = go.Figure(go.Bar(
        x=[t[m] for m in METHODS], y=values, marker_color=[COLORS[m] for m in METHODS],
        text=[f"{v:.4f} ({v / real:.0%})" for v in values], textposition="outside", cliponaxis=False,
        hovertemplate="%{x}: %{y:.4f}<extra></extra>"))
    fig.add_hline(y=real, line_dash="dash", line_color=COLORS["real"],
                  annotation_text=f"{t['real']}: {real:.4f}", annotation_position="top left")
    fig.update_layout(height=320, margin=dict(l=10, r=10, t=30, b=10), showlegend=False,
                      yaxis=dict(title=t["sharpness"], range=[0, 1.2 * max(real, *values)]),
                      xaxis=dict(title=t["method"]))
    return fig


def sharpness_curve(curve: list[dict] | tuple, reference: dict[str, float],
                    text: dict[str, str] | None = None) -> go.Figure:
    """Held-out sharpness of the L1-only and the L1 + adversarial network against the step, with the real
    digits' and bicubic upsampling's values as dashed lines."""
    t = _text(text)
    steps = [r["step"] for r in curve]
    fig = go.Figure()
    for m in ("l1", "adversarial"):
        fig.add_trace(go.Scatter(x=steps, y=[r[m] for r in curve], mode="lines+markers", name=t[m],
                                 line=dict(color=COLORS[m]), marker=dict(size=4)))
    for m in ("real", "bicubic"):
        if m in reference:
            fig.add_hline(y=reference[m], line_dash="dash", line_color=COLORS[m],
                          annotation_text=t[m], annotation_position="top left")
    top = max([reference.get("real", 0.0)] + [max(r["l1"], r["adversarial"]) for r in curve])
    fig.update_layout(height=300, margin=dict(l=10, r=10, t=30, b=10),
                      legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0),
                      xaxis=dict(title=t["step"]), yaxis=dict(title=t["sharpness"], range=[0, 1.15 * top]))
    return fig
