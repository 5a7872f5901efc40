"""The playground's live views: status lines, headline numbers, the plane(s), the curves and their legends."""
from __future__ import annotations

import streamlit as st

from gan.plots import raster, toy, training
from gan.toy.snapshots import diverging
from gan.train import TrainConfig
from ui import jobs, model_diagram, plane_canvas
from ui.i18n import tr
from ui.playground_settings import P, SHOW_LAYERS, b_label, text
from ui.sidebar import CHART_SCALE, for_screen, presenting


def status_line(label: str, rec: jobs.Job | None, step: int) -> str:
    """"**label** · step n · state · speed": one run's line above its plane."""
    if rec is None:
        state = tr("ready", "就绪")
    elif rec.running:
        state = tr("training", "训练中") if not rec.paused else (
            tr("training in slow motion", "慢动作训练中") if model_diagram.slow_play_on() else tr("paused", "已暂停"))
    else:
        status = rec.last.status if rec.last is not None else "stopped"
        state = {"done": tr("finished", "已完成"), "failed": tr("failed", "失败")}.get(status, tr("stopped", "已停止"))
    rate = ""
    if rec is not None and rec.running and not rec.paused and rec.history:
        row = rec.history[-1]
        batch = rec.spec.config["batch_size"]
        rate = " · " + tr(f"{row['images_per_sec'] / batch:,.0f} steps/s", f"每秒 {row['images_per_sec'] / batch:,.0f} 步")
        if rec.sharing:
            share = f"{jobs.thread_share():.0%}"
            rate += " · " + tr(f"other visitors are here: training {share} of the time to keep the server quick",
                               f"有其他访问者在线：只用 {share} 的时间训练，让服务器保持流畅")
    counts = ""
    if rec is not None and rec.history:
        row = rec.history[-1]
        d_n, g_n = int(row.get("d_updates", 0)), int(row.get("g_updates", 0))
        counts = " · " + tr(f"D updated {d_n:,}×, G updated {g_n:,}×", f"D 已更新 {d_n:,} 次，G 已更新 {g_n:,} 次")
    return f"**{label}** · {tr('step', '第')} {step:,}{tr('', ' 步')} · {state}{counts}{rate}"


def latest(history: list[dict], key: str) -> float | None:
    """The newest finite value of ``key`` in a run's history (a D step reports no L_G, a G step no L_D)."""
    for row in reversed(history[-50:]):
        v = row.get(key)
        if v is not None and v == v:
            return v
    return None


def metric_row(label: str, cfg: TrainConfig, rec: jobs.Job | None, metrics: list[dict], multi: bool) -> None:
    """One run's headline numbers: losses, D outputs, JS divergence and, for mixtures, mode coverage."""
    sfx = f" ({label})" if multi else ""
    hist = rec.history if rec is not None else []
    m = metrics[-1] if metrics else {}
    fmt = lambda v: "—" if v is None or v != v else f"{v:.3f}"  # noqa: E731
    # four to a row: seven in one row cut numbers like -0.724 and labels like "JS divergence (A)" short
    cols = st.columns(4) + st.columns(4)
    cols[0].metric("L_D" + sfx, fmt(latest(hist, "loss_d")))
    cols[1].metric("L_G" + sfx, fmt(latest(hist, "loss_g")))
    cols[2].metric("D(x)" + sfx, fmt(latest(hist, "d_real")))
    cols[3].metric("D(G(z))" + sfx, fmt(latest(hist, "d_fake")))
    cols[4].metric(tr("JS divergence", "JS 散度") + sfx, fmt(m.get("js")))
    if "modes_covered" in m:
        cols[5].metric(tr("Modes", "模式") + sfx, f"{m['modes_covered']}/{m['n_modes']}")
        cols[6].metric(tr("High quality", "高质量") + sfx, f"{100 * m['high_quality']:.0f}%")


def grad_caption(median: float) -> str:
    """The arrows' scale and the median gradient length, the same in every picture (compare A and B)."""
    value = "—" if median != median else f"{median:.2g}"
    return tr(f"Median |∇L_G| per point: {value}. Arrow length = {toy.ARROW_SCALE:g} × |∇L_G| "
              f"(cut at {toy.ARROW_MAX:g}), the same scale in every picture.",
              f"每个点的 |∇L_G| 中位数：{value}。箭头长度 = {toy.ARROW_SCALE:g} × |∇L_G|"
              f"（最长画到 {toy.ARROW_MAX:g}），每张图的比例都相同。")


def is_training(rec: jobs.Job | None) -> bool:
    """Whether ``rec`` is a run that trains right now (alive and not paused, or stepped by Play in slow motion)."""
    return rec is not None and rec.running and (not rec.paused or model_diagram.slow_play_on())


def picture_width(multi: bool) -> int:
    """Pixel width of the live plane: about the width the interactive figure takes in the same layout
    (side by side, a little more than a column, so the browser scales it down, not up)."""
    if presenting():  # wide layout
        return 640 if multi else 720
    return 400 if multi else 560


def text_scale() -> float:
    """How much larger the pictures' tick labels are drawn: CHART_SCALE in presentation mode, as the charts' text."""
    return CHART_SCALE if presenting() else 1.0


def legend_html(show: dict[str, bool], txt: dict[str, str]) -> str:
    """The live picture's legend, translated (the picture itself carries only numbers)."""
    items = []
    if show.get("heatmap"):
        items.append(f'<span style="background:linear-gradient(90deg,{toy.D_COLORSCALE[0][1]},#fff,'
                     f'{toy.D_COLORSCALE[-1][1]});padding:0 0.9em;border:1px solid #ccc"></span> '
                     f'{txt["heatmap"]} {tr("(bar on the right)", "（右侧色条）")}')
    for name, mark in (("real", "●"), ("fake", "●"), ("arrows", "→"), ("manifold", "#")):
        if show.get(name):
            color = toy.COLORS[{"arrows": "arrow"}.get(name, name)]
            items.append(f'<span style="color:{color};font-weight:bold">{mark}</span> {txt[name]}')
    return '<div style="font-size:0.85em;margin-top:-0.6em">' + " &nbsp; ".join(items) + "</div>"


def layer_switches() -> None:
    """A checkbox per layer of the plane (what draw_plane shows)."""
    for col, (name, (en, zh)) in zip(st.columns(len(SHOW_LAYERS)), SHOW_LAYERS.items()):
        col.checkbox(tr(en, zh), key=P + "show_" + name)


def draw_plane(cfgs: dict[str, TrainConfig], recs: dict, snaps: dict) -> None:
    """The fast views: the status line(s) and the plane(s) with the layers the switches show. ``recs`` and
    ``snaps`` map each run label to its job (or None) and its latest snapshot."""
    labels = list(cfgs)
    show = {name: bool(st.session_state.get(P + "show_" + name)) for name in SHOW_LAYERS}
    for k in labels:
        rec = recs[k]
        if rec is not None and rec.last is not None and rec.last.status == "failed":
            good = rec.last.step
            st.warning(tr(f"Run {k}: the losses became NaN or infinite (is a learning rate too high?); training stopped "
                          f"and the weights from step {good:,} were kept.",
                          f"训练 {k}：损失变成了 NaN 或无穷大（学习率是不是太高了？）；训练已停止，保留了第 {good:,} 步的权重。"))
        if diverging(snaps.get(k)):
            st.warning(tr(f"Run {k} is diverging: most of G's points have left the plane. Try lower learning rates "
                          "and more D steps per G step (for WGAN-GP: the WGAN-GP preset under Try this, with 5 D steps "
                          "per G step, D's learning rate 0.01 and G's 0.001).",
                          f"训练 {k} 正在发散：G 的大部分点已经离开了平面。试试降低学习率、增加每个 G 步的 D 步数"
                          "（WGAN-GP：用“试一试”里的 WGAN-GP 预设，每个 G 步 5 个 D 步，D 的学习率 0.01，G 的 0.001）。"))
        if rec is not None and rec.error:
            st.error(tr(f"Run {k} stopped because of an error on the server.", f"训练 {k} 因服务器错误而停止。"))
    multi = len(labels) > 1
    txt = text()
    steps = {k: int(snaps[k].get("step", 0)) if snaps[k] else 0 for k in labels}
    if multi:  # the lines in a row of their own, so that the planes below line up however the lines wrap
        for col, k in zip(st.columns(len(labels)), labels):
            title = tr("A (as set)", "A（当前设置）") if k == "A" else "B: " + b_label()
            col.markdown(status_line(k, recs[k], steps[k]) + f" — {title}")
    plane_cols = st.columns(len(labels)) if multi else [st.container()]
    for col, k in zip(plane_cols, labels):
        with col:
            if not multi:
                st.markdown(status_line(tr("Run", "训练"), recs[k], steps[k]))
            if snaps[k] is None:
                continue
            if is_training(recs[k]):  # drawn by the browser from ~10 KiB of numbers, 10+ times a second
                # side by side, the columns' width is not known here: the browser scales the canvas to fit
                plane_canvas.plane(snaps[k], show, picture_width(multi), key=P + "canvas_" + k)
                st.markdown(legend_html(show, txt), unsafe_allow_html=True)
            else:  # paused or not started: the interactive figure (hover for D(x), zoom)
                st.plotly_chart(for_screen(toy.plane_figure(snaps[k], show=show, text=txt, height=380 if multi else 480,
                                                            validate=False)),
                                key=P + "plane_" + k, config={"displayModeBar": False})
            if show.get("arrows"):
                st.caption(grad_caption(toy.median_grad(snaps[k])))


def series_legend(panels: list[dict]) -> str:
    """HTML legend for the series of :func:`gan.plots.training.curves_panels` pictures: a line sample per name."""
    style = {"solid": "solid", "dash": "dashed", "dot": "dotted", "dashdot": "dashed"}
    items, seen = [], set()
    for panel in panels:
        for ser in panel["series"]:
            if ser["name"] in seen:
                continue
            seen.add(ser["name"])
            items.append(f'<span style="display:inline-block;width:1.8em;vertical-align:middle;border-top:2px '
                         f'{style.get(ser["dash"], "solid")} {ser["color"]}"></span> {ser["name"]}')
    return '<div style="font-size:0.8em;line-height:1.7">' + " &nbsp; ".join(items) + "</div>"


def change_marks(recs: dict) -> list[int]:
    """Steps at which run A's settings were changed mid-run (the curves mark them)."""
    rec = recs.get("A")
    return [c["step"] for c in rec.changes] if rec is not None else []


def curve_pictures(histories: dict, losses: dict, metrics: dict, txt: dict, marks: list[int] | None = None) -> None:
    """The curves and coverage as pictures: what the browser can keep up with while training."""
    width = 1000 if presenting() else 700
    panels = training.curves_panels(histories, losses, text=txt, marks=marks)
    for panel in panels:
        st.caption(f"**{panel['title']}**")
        st.image(raster.panel_image(panel, width=width, height=round(160 * text_scale()), text_scale=text_scale()))
    st.markdown(series_legend(panels), unsafe_allow_html=True)
    cov = toy.coverage_panels(metrics, text=txt)
    for col, panel in zip(st.columns(len(cov)), cov):
        with col:
            st.caption(f"**{panel['title']}**")
            st.image(raster.panel_image(panel, width=width // len(cov) - 16, height=round(150 * text_scale()),
                                        text_scale=text_scale()))
    if len(metrics) > 1:  # which line is which run
        runs = [dict(name=tr(f"run {k}", f"训练 {k}"), color="#555555", dash=training.RUN_DASH[i % len(training.RUN_DASH)])
                for i, k in enumerate(metrics)]
        st.markdown(series_legend([{"series": runs}]), unsafe_allow_html=True)


def draw_curves(cfgs: dict[str, TrainConfig], recs: dict, metrics: dict, histories: dict) -> None:
    """The slower views: each run's headline numbers (readable at once a second), loss / D-output curves
    and coverage over time. Pictures while a run trains, interactive figures (hover, zoom) once every run
    is paused or stopped.
    """
    for k in cfgs:
        metric_row(k, cfgs[k], recs[k], metrics[k], len(cfgs) > 1)
    txt = text()
    losses = {k: c.loss for k, c in cfgs.items()}
    if any(is_training(r) for r in recs.values()):
        curve_pictures(histories, losses, metrics, txt, change_marks(recs))
        return
    # through the module, so a test's stand-in for curves_figure is the one called
    st.plotly_chart(for_screen(training.curves_figure(histories, losses, text=txt, validate=False, marks=change_marks(recs))),
                    key=P + "curves",
                    config={"displayModeBar": False})
    st.plotly_chart(for_screen(toy.coverage_figure(metrics, text=txt, validate=False)), key=P + "coverage",
                    config={"displayModeBar": False})
