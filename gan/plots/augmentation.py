"""The Data augmentation page's figure: held-out accuracy per setting, mean with error bars over seeds.

Pure: the study's summary rows (``gan.augmentation_study.summarise``) and display text in, a plotly
figure out. No Streamlit, no training.
"""
from __future__ import annotations

import plotly.graph_objects as go

# one colour per setting, on the figure and nowhere else
COLORS = {"real": "#757575", "real+classic": "#2E7D32", "real+gan": "#6C4AB6", "real+classic+gan": "#1565C0"}
TEXT = {"x": "real images per class", "y": "held-out accuracy (%)", "live": "your run"}


def accuracy_bars(summary: list[dict], labels: dict[str, str] | None = None, text: dict[str, str] | None = None,
                  live: dict | None = None) -> go.Figure:
    """Grouped bars: x = real images per class, one bar per setting at its mean accuracy (%), error bars of
    one standard deviation over seeds. ``labels``: setting -> legend name. ``live``: {"per_class": n,
    "accuracies": {setting: accuracy}} of a run to mark with diamonds on its bars."""
    labels = labels or {}
    t = {**TEXT, **(text or {})}
    settings = list(dict.fromkeys(r["setting"] for r in summary))
    per_class = sorted({r["per_class"] for r in summary})
    fig = go.Figure()
    for s in settings:
        rows = [next((r for r in summary if r["per_class"] == pc and r["setting"] == s), None) for pc in per_class]
        xs = [str(pc) for pc, r in zip(per_class, rows) if r]
        ys = [100 * r["mean"] for r in rows if r]
        err = [100 * r["std"] for r in rows if r]
        hover = [f"{100 * r['mean']:.1f} ± {100 * r['std']:.1f} % ({r['n']})" for r in rows if r]
        fig.add_bar(x=xs, y=ys, name=labels.get(s, s), marker_color=COLORS.get(s, "#999999"),
                    error_y=dict(type="data", array=err, visible=True, thickness=1.5, width=4),
                    hovertext=hover, hoverinfo="text+name",
                    offsetgroup=s)
    if live and live.get("accuracies"):  # a diamond on each of its bars (scattermode "group" lines them up)
        for i, s in enumerate(x for x in settings if x in live["accuracies"]):
            a = 100 * live["accuracies"][s]
            fig.add_scatter(x=[str(live["per_class"])], y=[a], mode="markers", name=t["live"], offsetgroup=s,
                            legendgroup="live", showlegend=i == 0, hovertext=[f"{labels.get(s, s)}: {a:.1f} %"],
                            hoverinfo="text", marker=dict(symbol="diamond", size=12, color="#E65100",
                                                          line=dict(color="white", width=1)))
    lows = [100 * (r["mean"] - r["std"]) for r in summary]
    lows += [100 * a for a in (live or {}).get("accuracies", {}).values()]
    floor = max(0.0, min(lows) - 10) if lows else 0.0
    fig.update_layout(barmode="group", xaxis_title=t["x"], yaxis_title=t["y"], yaxis_range=[floor, 100],
                      height=380, margin=dict(l=10, r=10, t=30, b=10), legend=dict(orientation="h", y=-0.25),
                      xaxis_type="category", scattermode="group")
    return fig
