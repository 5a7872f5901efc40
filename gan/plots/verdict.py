"""The verdict on one image: the classifier's probability of each digit and, for a conditional
discriminator, D(x, y) for each label y, as grouped bars over the digits. Pure: data in, figure out."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .training import COLORS

TEXT = {"digit": "digit", "value": "probability / D", "classifier": "classifier's probability",
        "d": "D(x, y) for label y", "title": ""}


def verdict_figure(class_probs, d_per_label=None, text: dict[str, str] | None = None,
                   height: int = 300) -> go.Figure:
    """Bars of the classifier's probabilities (10,) and, when given, D(x, y) for every label (10,); both in [0, 1]."""
    t = {**TEXT, **(text or {})}
    p = np.asarray(class_probs, dtype=np.float64).reshape(-1)
    digits = [str(i) for i in range(len(p))]
    fig = go.Figure(go.Bar(x=digits, y=p.tolist(), name=t["classifier"], marker_color=COLORS["loss_g"]))
    if d_per_label is not None:
        d = np.asarray(d_per_label, dtype=np.float64).reshape(-1)
        if len(d) != len(p):
            raise ValueError(f"{len(d)} D scores for {len(p)} classes")
        fig.add_trace(go.Bar(x=digits, y=d.tolist(), name=t["d"], marker_color=COLORS["d_real"]))
    fig.update_layout(barmode="group", height=height, margin=dict(l=50, r=10, t=40 if t["title"] else 20, b=40),
                      title=t["title"] or None, legend=dict(orientation="h", y=1.12, x=0),
                      xaxis=dict(title=dict(text=t["digit"]), type="category"),
                      yaxis=dict(title=dict(text=t["value"]), range=[0, 1]))
    return fig
