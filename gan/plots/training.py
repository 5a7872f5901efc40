"""Training curves for every page: one loss-curve builder and one colour scheme.

The Train page and the playground both draw L_D and L_G, D(x) and D(G(z)) against the step with
:func:`curves_panels` (the curves as plain data) and :func:`curves_figure` (those panels as a plotly
figure); the playground's live pictures draw the same panels with :func:`gan.plots.raster.panel_image`.
Run histories are rows of step, loss_d, loss_g, d_real, d_fake; display text comes in as a dict so
pages can pass translated labels. Also here: the class histogram of generated samples.
Pure functions, no Streamlit, no training.
"""
from __future__ import annotations

import itertools
import math

import numpy as np
import plotly.graph_objects as go

# The one colour per curve, on every page; "eq" for an equilibrium line that is no curve's own.
COLORS = {"loss_d": "#E65100", "loss_g": "#1565C0", "d_real": "#2E7D32", "d_fake": "#6C4AB6", "eq": "#555555"}
RUN_DASH = ("solid", "dash", "dot", "dashdot")  # one dash style per run (the playground's A/B)

TEXT = {
    "step": "step", "loss": "loss", "d_out": "D output",
    "loss_d": "L_D", "loss_g": "L_G", "d_real": "D(x)", "d_fake": "D(G(z))",
    "eq_loss_d": "L_D at equilibrium", "eq_loss_g": "L_G at equilibrium", "eq_d": "D at equilibrium",
}


def _text(text: dict[str, str] | None) -> dict[str, str]:
    merged = dict(TEXT)
    merged.update(text or {})
    return merged


def equilibrium(loss: str) -> dict[str, float | None]:
    """Loss values and the D output (as sigmoid of D's logit) when G matches the data and D is optimal.

    At p_g = p_data the optimal discriminator is D* = 1/2 everywhere, so for the original GAN losses (Goodfellow et al., 2014)
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


def thin(rows: list[dict], max_points: int | None = 600) -> list[dict]:
    """At most ``max_points`` rows (all of them for None), evenly spread, always keeping the last one."""
    n = len(rows)
    if max_points is None or n <= max_points:
        return rows
    idx = np.unique(np.linspace(0, n - 1, max_points).round().astype(int))
    return [rows[i] for i in idx]


def _has_numbers(row: dict) -> bool:
    """A row with a step and a finite loss (a run's final done/stopped rows carry no numbers)."""
    if row.get("step") is None:
        return False
    return any(math.isfinite(float(row.get(k, math.nan))) for k in ("loss_d", "loss_g"))


def curves_panels(histories: dict[str, list[dict]], losses: dict[str, str], *, text: dict[str, str] | None = None,
                  max_points: int | None = 600, upto: int | None = None, marks: list[int] | None = None) -> list[dict]:
    """The curves as data: panel 1 L_D and L_G, panel 2 D(x) and D(G(z)), against the step.

    ``histories`` maps a run label ("A", "B") to rows with step, loss_d, loss_g, d_real, d_fake;
    ``losses`` maps the label to its loss name, for the dotted equilibrium lines (:func:`equilibrium`).
    With more than one run each series' name ends in the run's label and each run has its own dash.
    ``max_points`` thins each run's rows; ``upto`` keeps only rows with step <= upto (replays).
    ``marks``: steps at which settings were changed mid-run, drawn as vertical dashed lines (panel["marks"]).

    Each panel is a dict: title, y_range (None: fit the data), series. Each series: name, x, y,
    color, dash, width, group (the run label, or None for an equilibrium line), eq (True for the
    equilibrium lines) and order (plotly's trace order). :func:`curves_figure` and
    :func:`gan.plots.raster.panel_image` draw the same panels.
    """
    t = _text(text)
    marks = sorted({int(m) for m in marks or ()})
    panels = [dict(title=t["loss"], y_range=None, series=[], marks=marks),
              dict(title=t["d_out"], y_range=(0.0, 1.0), series=[], marks=marks)]
    order = itertools.count()  # plotly's trace order: run by run, then the equilibrium lines
    multi = len(histories) > 1
    last_step = 1
    for i, (label, rows) in enumerate(histories.items()):
        rows = [r for r in rows if _has_numbers(r) and (upto is None or r["step"] <= upto)]
        rows = thin(rows, max_points)
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
    for loss in losses.values():
        eq = equilibrium(loss)
        for key, panel, name in (("loss_d", 0, t["eq_loss_d"]), ("loss_g", 0, t["eq_loss_g"]), ("d_out", 1, t["eq_d"])):
            value = eq[key]
            if value is None or (key, value) in seen:
                continue
            seen.add((key, value))
            panels[panel]["series"].append(dict(name=f"{name} = {value:.3g}", x=[0, last_step],
                                                y=[value, value], color=COLORS.get(key, COLORS["eq"]), dash="dot",
                                                width=1, group=None, eq=True, order=next(order)))
    return panels


def build_figure(data: list[dict], layout: dict, validate: bool) -> go.Figure:
    """One figure from plain dicts. ``validate=False`` skips plotly's property checks, which cost about
    15 times the rest of building a figure; the playground redraws with it off, and the tests build
    every figure with it on and compare the JSON, so a wrong property name still fails a test."""
    return go.Figure(data=data, layout=layout, _validate=validate)


def panel_title(text: str, x: float, y: float) -> dict:
    """A panel's title as a layout annotation centred at (x, y) in paper coordinates."""
    return dict(text=text, x=x, y=y, xref="paper", yref="paper", xanchor="center", yanchor="bottom",
                showarrow=False, font=dict(size=13))


def curves_figure(histories: dict[str, list[dict]], losses: dict[str, str], *, text: dict[str, str] | None = None,
                  max_points: int | None = 600, upto: int | None = None, side_by_side: bool = False,
                  height: int = 420, validate: bool = True, marks: list[int] | None = None) -> go.Figure:
    """The panels of :func:`curves_panels` as one figure: L_D and L_G, then D(x) and D(G(z)).

    Stacked with a shared step axis (the playground), or ``side_by_side`` (the Train page). Arguments
    as in :func:`curves_panels`; ``validate`` as in :func:`build_figure`.
    """
    t = _text(text)
    panels = curves_panels(histories, losses, text=text, max_points=max_points, upto=upto, marks=marks)
    traces: list[tuple[int, dict]] = []
    for axis, panel in enumerate(panels, start=1):
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
    loss_panel, d_panel = panels
    if side_by_side:
        layout = dict(
            height=height, margin=dict(l=40, r=10, t=40, b=40), uirevision="curves",
            legend=dict(orientation="h", yref="container", yanchor="bottom", y=0, x=0),  # below everything, off the axes
            xaxis=dict(anchor="y", domain=[0, 0.44], title=dict(text=t["step"])),
            yaxis=dict(anchor="x", domain=[0, 1]),
            xaxis2=dict(anchor="y2", domain=[0.56, 1], title=dict(text=t["step"])),
            yaxis2=dict(anchor="x2", domain=[0, 1]),
            annotations=[panel_title(loss_panel["title"], 0.22, 1.0), panel_title(d_panel["title"], 0.78, 1.0)],
        )
    else:
        layout = dict(
            height=height, margin=dict(l=10, r=10, t=30, b=10), uirevision="curves",
            legend=dict(orientation="h", yref="container", yanchor="bottom", y=0, x=0),
            xaxis=dict(anchor="y", domain=[0, 1], matches="x2", showticklabels=False),
            yaxis=dict(anchor="x", domain=[0.56, 1.0]),
            xaxis2=dict(anchor="y2", domain=[0, 1], title=dict(text=t["step"])),
            yaxis2=dict(anchor="x2", domain=[0.0, 0.44]),
            annotations=[panel_title(loss_panel["title"], 0.5, 1.0), panel_title(d_panel["title"], 0.5, 0.44)],
        )
    for sfx, panel in (("", loss_panel), ("2", d_panel)):
        if panel["y_range"] is not None:
            layout[f"yaxis{sfx}"]["range"] = list(panel["y_range"])
    if loss_panel["marks"]:  # settings changed mid-run: a dashed vertical line through both panels
        layout["shapes"] = [dict(type="line", xref=f"x{sfx}", yref=f"y{sfx} domain", x0=m, x1=m, y0=0, y1=1,
                                 line=dict(color="#787878", dash="dash", width=1))
                            for m in loss_panel["marks"] for sfx in ("", "2")]
    return build_figure(data, layout, validate)


def class_histogram_figure(counts, names: list[str] | None = None, title: str = "Classes of generated samples",
                           height: int = 260) -> go.Figure:
    """Bar chart of how many samples a classifier put in each class, with the uniform share marked."""
    c = np.asarray(counts, dtype=np.float64)
    names = names or [str(i) for i in range(len(c))]
    share = c / c.sum() if c.sum() > 0 else c
    fig = go.Figure(go.Bar(x=names, y=share, marker_color=COLORS["d_fake"]))  # the generated samples' colour
    if len(c):
        fig.add_hline(y=1 / len(c), line_dash="dash", line_color=COLORS["eq"])
    fig.update_layout(title=title, height=height, margin=dict(l=40, r=10, t=40, b=40), yaxis_tickformat=".0%")
    return fig
