"""The CycleGAN page's views: labels, a snapshot (arrows in the plane or rows of digits) with its numbers, the
recorded runs side by side, the live run, and the bundled networks on new samples."""
from __future__ import annotations

import math

import streamlit as st

from gan.cycle.domains import PAIRS
from gan.cycle.maps import map_name, mode_map, round_trips
from gan.plots import cycle as plots
from ui.i18n import tr
from ui.sidebar import for_screen, presenting

P = "cyc_"



def curves_height() -> int:
    """The loss curves' height: taller on a projector, where the legend's larger text takes more rows."""
    return 640 if presenting() else 380

def pair_label(name: str) -> str:
    p = PAIRS[name]
    kind = tr("2D points", "二维点") if p.kind == "points" else tr("MNIST digits", "MNIST 数字")
    return kind + tr(f": {p.x_en} ↔ {p.y_en}", f"：{p.x_zh} ↔ {p.y_zh}")


def side_label(side: str) -> str:
    return "X → Y → X" if side == "x" else "Y → X → Y"


def plot_text(pair: str) -> dict[str, str]:
    p = PAIRS[pair]
    return {"real_x": tr("real x", "真实 x"), "real_y": tr("real y", "真实 y"),
            "x": tr(f"x ({p.x_en})", f"x（{p.x_zh}）"), "y": tr(f"y ({p.y_en})", f"y（{p.y_zh}）"), "to": tr("G: x → G(x)", "G：x → G(x)"), "back": tr("F: G(x) → F(G(x))", "F：G(x) → F(G(x))"),
            "to_y": tr("F: y → F(y)", "F：y → F(y)"), "back_y": tr("G: F(y) → G(F(y))", "G：F(y) → G(F(y))"),
            "adv_g": tr("adversarial (G and F)", "对抗损失（G 与 F）"), "adv_d": tr("adversarial (D_X and D_Y)", "对抗损失（D_X 与 D_Y）"),
            "cycle": tr("cycle consistency", "循环一致性损失"), "identity": tr("identity", "恒等损失"),
            "recon": tr("reconstruction error", "重建误差"), "losses": tr("losses", "损失"), "step": tr("step", "步")}


def map_caption(snap: dict, side: str) -> str:
    """What the first translation did to the modes, in words, and how many modes the way back leads home (2D)."""
    home = round_trips(snap, side)
    back = tr(f" The way back leads {home} of the 8 modes home.", f"回程把 8 个模式中的 {home} 个带回原处。")
    if side == "y":
        kind, r = map_name(mode_map(snap, "y"))
        if kind == "not one-to-one":
            return tr(f"F sends the grid's 8 modes to only {r} ring modes.", f"F 只把网格的 8 个模式送到 {r} 个圆环模式。") + back
        return tr("F sends the grid's 8 modes one-to-one to the ring's 8.", "F 把网格的 8 个模式一一对应地送到圆环的 8 个模式。") + back
    kind, r = map_name(mode_map(snap, "x"))
    if kind == "rotation" and r == 0:
        en, zh = "each ring mode to the nearest grid point", "把每个圆环模式送到最近的网格点"
    elif kind == "rotation" and r == 4:
        en, zh = "a point reflection through the centre (a rotation by 180°)", "关于中心的点对称（旋转 180°）"
    elif kind == "rotation":
        en, zh = f"a rotation by {r * 45}°", f"旋转 {r * 45}°"
    elif kind == "mirror":
        en, zh = f"a mirror image (axis at {r * 45 / 2:g}°)", f"镜像（对称轴在 {r * 45 / 2:g}°）"
    elif kind == "other":
        en, zh = "a one-to-one map with no simple geometric name", "一个一一对应、但没有简单几何名称的映射"
    else:
        return tr(f"G sends the ring's 8 modes to only {r} grid modes.", f"G 只把圆环的 8 个模式送到 {r} 个网格模式。") + back
    return tr(f"G sends the ring's 8 modes to the grid's 8: {en}.", f"G 把圆环的 8 个模式送到网格的 8 个模式：{zh}。") + back


def snapshot_view(snap: dict, pair: str, side: str, key: str, height: int = 380) -> None:
    """The cycle of one snapshot: arrows in the plane, or rows of digits."""
    if snap.get("kind", PAIRS[pair].kind) == "points":
        st.plotly_chart(for_screen(plots.cycle_figure(snap, side, text=plot_text(pair), height=height)), key=key)
        st.caption(map_caption(snap, side))
    else:
        rows = ("x, G(x), F(G(x))" if side == "x" else "y, F(y), G(F(y))")
        st.image(plots.digit_rows(snap, side), width="stretch",
                 caption=tr(f"Rows, top to bottom: {rows}", f"从上到下各行：{rows}"))


def numbers(snap: dict, pair: str, side: str) -> None:
    """The reconstruction error and how well the translations of ``side`` land in the other domain."""
    c1, c2 = st.columns(2)
    c1.metric(tr("reconstruction error", "重建误差"), f"{snap['recon']:.3f}",
              help=tr("Mean of |F(G(x)) − x| and |G(F(y)) − y| on fixed samples: distance in the plane, or mean "
                      "absolute pixel error with pixels in [0, 1].",
                      "|F(G(x)) − x| 与 |G(F(y)) − y| 在固定样本上的平均值：平面上的距离，或像素取值在 [0, 1] 时的平均绝对像素误差。"))
    if "hit_y" in snap and side == "x":
        c2.metric(tr("G(x) on a grid mode", "G(x) 落在网格模式上"), f"{snap['hit_y']:.0%}",
                  help=tr("Share of translated points within 4 standard deviations of one of the grid's 8 modes.",
                          "转换后的点中，距离网格 8 个模式之一不超过 4 个标准差的比例。"))
    elif "hit_x" in snap:
        c2.metric(tr("F(y) on a ring mode", "F(y) 落在圆环模式上"), f"{snap['hit_x']:.0%}",
                  help=tr("Share of translated points within 4 standard deviations of one of the ring's 8 modes.",
                          "转换后的点中，距离圆环 8 个模式之一不超过 4 个标准差的比例。"))
    elif side == "y":
        c2.metric(tr("ink of F(y)", "F(y) 的墨量"), f"{snap['ink_f_y']:.3f}",
                  help=tr(f"Mean brightness of the translated digits; real thin digits: {snap['ink_x']:.3f}, "
                          f"real thick ones: {snap['ink_y']:.3f}.",
                          f"转换后数字的平均亮度；真实细笔画数字为 {snap['ink_x']:.3f}，真实粗笔画数字为 {snap['ink_y']:.3f}。"))
    else:
        c2.metric(tr("ink of G(x)", "G(x) 的墨量"), f"{snap['ink_g_x']:.3f}",
                  help=tr(f"Mean brightness of the translated digits; real thick digits: {snap['ink_y']:.3f}, "
                          f"real thin ones: {snap['ink_x']:.3f}.",
                          f"转换后数字的平均亮度；真实粗笔画数字为 {snap['ink_y']:.3f}，真实细笔画数字为 {snap['ink_x']:.3f}。"))


def recorded(rec_on, rec_off, pair: str, side: str, step: int) -> None:
    """The two recorded runs at ``step``, side by side, with their curves."""
    on, off = rec_on.snapshot_at(step), rec_off.snapshot_at(step)
    weight = rec_on.meta.get("config", {}).get("cycle_weight")
    left, right = st.columns(2)
    with left:
        st.markdown("**" + tr(f"With the cycle loss (weight {weight:g})", f"有循环一致性损失（权重 {weight:g}）") + "**")
        snapshot_view(on, pair, side, P + "rec_on")
        numbers(on, pair, side)
    with right:
        st.markdown("**" + tr("Without it (cycle weight 0)", "没有它（循环权重为 0）") + "**")
        snapshot_view(off, pair, side, P + "rec_off")
        numbers(off, pair, side)
    if on["recon"] > 0:
        st.info(tr(f"At step {on['step']} the reconstruction error without the cycle loss is "
                   f"{off['recon'] / on['recon']:.1f}× the error with it.",
                   f"在第 {on['step']} 步，没有循环一致性损失时的重建误差是有它时的 {off['recon'] / on['recon']:.1f} 倍。"),
                icon=":material/sync_alt:")
    hist = {tr("with the cycle loss", "有循环损失"): rec_on.rows, tr("cycle weight 0", "循环权重 0"): rec_off.rows}
    st.plotly_chart(for_screen(plots.losses_figure(hist, text=plot_text(pair), upto=step, height=curves_height())), key=P + "rec_curves")


def status_text(status: str) -> str:
    return {"running": tr("training", "训练中"), "paused": tr("paused", "已暂停"), "done": tr("finished", "已完成"),
            "stopped": tr("stopped", "已停止"), "failed": tr("failed", "失败")}.get(status, status)


def live(job, pair: str, side: str) -> None:
    """Progress, numbers, the latest snapshot and the curves of the visitor's run (in a polling fragment)."""
    if job is None:
        st.info(tr("No run yet: choose the weights and press Start.", "还没有训练：选好权重后按“开始”。"),
                icon=":material/info:")
        return
    cfg = job.spec.config
    total = max(job.total_steps, 1)
    st.progress(min(1.0, job.step / total), text=f"{status_text(job.status)} · {tr('step', '第')} {job.step} / {total}"
                                                 f"{tr('', ' 步')}")
    st.caption(tr(f"This run: cycle weight {cfg['cycle_weight']:g}, identity weight {cfg['identity_weight']:g}, "
                  f"seed {cfg['seed']}.",
                  f"本次训练：循环权重 {cfg['cycle_weight']:g}，恒等权重 {cfg['identity_weight']:g}，随机种子 {cfg['seed']}。"))
    if job.error:
        st.error(tr("Training failed on the server: ", "训练在服务器上出错：") + job.error, icon=":material/error:")
    elif job.last is not None and job.status == "failed":
        st.error(job.last.message)
    snap = job.toy
    if snap is not None:
        snapshot_view(snap, pair, side, P + "live_snap")
        numbers(snap, pair, side)
    rows = [r for r in job.history if math.isfinite(r.get("cycle", math.nan)) or math.isfinite(r.get("recon", math.nan))]
    if rows:
        st.plotly_chart(for_screen(plots.losses_figure({"run": rows}, text=plot_text(pair), height=curves_height())), key=P + "live_curves")


def new_samples(snap: dict, pair: str, side: str) -> None:
    snapshot_view(snap, pair, side, P + "try_snap")
    numbers(snap, pair, side)
    if "paired_error" in snap:
        st.caption(tr(f"Each thin digit here has a true thick version (the same digit, dilated), which training never "
                      f"showed next to it. G(x) is {snap['paired_error']:.3f} from it on average (mean absolute pixel "
                      f"error); the thin digit itself is {snap['paired_error_identity']:.3f} from it.",
                      f"这里每个细笔画数字都有真正的粗笔画版本（同一个数字膨胀后的样子），训练时从未把它们配成一对。"
                      f"G(x) 与它的平均绝对像素误差为 {snap['paired_error']:.3f}；细笔画数字本身与它相差 "
                      f"{snap['paired_error_identity']:.3f}。"))
