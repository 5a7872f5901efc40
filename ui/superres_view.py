"""The Super-resolution page's views: the three methods side by side with the real digits, their figures
(sharpness, PSNR, classifier accuracy) and what they say, the digits the adversarial network turned into
other digits, and a run's live progress. Pictures and numbers come from ``gan.superres``."""
from __future__ import annotations

import streamlit as st

from gan.plots.superres import sharpness_bars, sharpness_curve
from gan.superres import EXAMPLES, METHODS, SIDE, gaps, strip
from ui.i18n import tr
from ui.sidebar import table

SHOWN = ("input", *METHODS, "real")


def label(key: str, scale: int = 4) -> str:
    low = SIDE // scale
    return {"input": tr(f"Input ({low}×{low})", f"输入（{low}×{low}）"), "bicubic": tr("Bicubic", "双三次插值"),
            "l1": tr("L1 only", "仅 L1"), "adversarial": tr("L1 + adversarial", "L1 + 对抗"),
            "real": tr("Real (28×28)", "真实（28×28）")}[key]


def plot_text() -> dict[str, str]:
    return {"bicubic": label("bicubic"), "l1": label("l1"), "adversarial": label("adversarial"),
            "real": tr("real digits", "真实数字"), "sharpness": tr("sharpness (mean gradient energy)", "锐度（平均梯度能量）"),
            "step": tr("step", "步"), "method": tr("method", "方法")}


def side_by_side(digits: dict, scale: int) -> None:
    """One column per method (and the input and the real digits), the same digits in every column."""
    for col, key in zip(st.columns(len(SHOWN)), SHOWN):  # the titles in a row of their own: the digits line
        col.markdown(f"**{label(key, scale)}**")          # up however the titles wrap
    for col, key in zip(st.columns(len(SHOWN)), SHOWN):
        col.image(strip(digits[key]), width="stretch", output_format="PNG")


def figures(metrics: dict) -> None:
    """The table, the sharpness chart and what they say."""
    rows = [{tr("method", "方法"): label(m) if m != "real" else tr("Real digits", "真实数字"),
             tr("sharpness", "锐度"): f"{metrics[m]['sharpness']:.4f}",
             tr("vs the real digits", "相对真实数字"): f"{metrics[m]['sharpness_vs_real']:.0%}",
             "PSNR (dB)": "—" if metrics[m]["psnr"] is None else f"{metrics[m]['psnr']:.2f}",
             tr("classifier accuracy", "分类器准确率"): f"{metrics[m]['accuracy']:.1%}"}
            for m in (*METHODS, "real")]
    table(rows, key="sr_table")
    st.plotly_chart(sharpness_bars(metrics, plot_text()), width="stretch", key="sr_bars",
                    config={"displayModeBar": False})
    st.markdown(verdict(metrics))


def verdict(metrics: dict) -> str:
    """What the figures show, in words (built from them, so it is true of the figures shown)."""
    g = gaps(metrics)
    l1, adv = metrics["l1"], metrics["adversarial"]
    share = f"{adv['sharpness_vs_real']:.0%}", f"{l1['sharpness_vs_real']:.0%}"
    if g["adversarial"] < g["l1"]:
        first = tr(f"**L1 + adversarial comes closer to the real digits' sharpness** ({share[0]} of it) than L1 "
                   f"only ({share[1]}).",
                   f"**L1 + 对抗的锐度更接近真实数字**（为其 {share[0]}），仅 L1 为 {share[1]}。")
    else:
        first = tr(f"Here L1 + adversarial does not come closer to the real digits' sharpness ({share[0]} of it) "
                   f"than L1 only ({share[1]}).",
                   f"这里 L1 + 对抗的锐度（为真实数字的 {share[0]}）并不比仅 L1（{share[1]}）更接近真实数字。")
    pa, pl = f"{adv['psnr']:.2f}", f"{l1['psnr']:.2f}"
    if adv["psnr"] < l1["psnr"]:
        second = tr(f"Yet its PSNR is lower ({pa} dB against {pl} dB): a sharp stroke in a slightly wrong place "
                    "costs more than a blurry one that hedges.",
                    f"但它的 PSNR 更低（{pa} dB 对 {pl} dB）：位置稍有偏差的清晰笔画，比两头兼顾的模糊笔画损失更大。")
    else:
        second = tr(f"Its PSNR is not lower here ({pa} dB against {pl} dB).",
                    f"这里它的 PSNR 并不更低（{pa} dB 对 {pl} dB）。")
    return first + " " + second


def differences(examples: list[dict], digits: dict, scale: int) -> None:
    """Digits the adversarial network drew as another digit: input, L1, L1 + adversarial, the real one."""
    st.subheader(tr("Sharp, plausible, and not the original", "清晰、合理，却不是原来的数字"))
    if not examples:
        st.caption(tr("The classifier reads none of the adversarial network's outputs confidently (90% or more) "
                      "as another digit than the original.",
                      "分类器没有把对抗网络的任何输出有把握地（90% 以上）认成与原数字不同的数字。"))
        return
    st.caption(tr(f"{len(examples)} held-out digits whose L1 + adversarial output the classifier reads, with 90% "
                  "confidence or more, as another digit than the original: the small input fits both, and the "
                  "network drew the other one, sharply and convincingly. Under each picture: what the classifier "
                  "reads.",
                  f"{len(examples)} 个留出数字：分类器以 90% 以上的把握把它们的 L1 + 对抗输出认成了与原数字不同的数字。"
                  "小图与两个数字都相符，网络清晰而令人信服地画出了另一个。每张图下方是分类器的判断。"))
    for i, (col, ex) in enumerate(zip(st.columns(EXAMPLES), examples)):  # always as many: the same size
        for key, caption in (
                ("input", label("input", scale)),
                ("l1", tr(f"L1 only: read as {ex['l1_read_as']} ({ex['l1_confidence']:.0%})",
                          f"仅 L1：认作 {ex['l1_read_as']}（{ex['l1_confidence']:.0%}）")),
                ("adversarial", tr(f"L1 + adversarial: read as {ex['read_as']} ({ex['confidence']:.0%})",
                                   f"L1 + 对抗：认作 {ex['read_as']}（{ex['confidence']:.0%}）")),
                ("real", tr(f"Real: a {ex['label']}", f"真实：{ex['label']}"))):
            col.image(strip(digits[key][i:i + 1], side=56), caption=caption, width="stretch", output_format="PNG")


def live_view(job) -> None:
    """A super-resolution run's progress, its live preview and its sharpness while it trains."""
    if job is None:
        return
    if job.error:
        st.error(tr("The training failed on the server: ", "训练在服务器上出错：") + job.error)
        return
    ev = job.last
    if job.running:
        text = (tr("Starting…", "开始…") if ev is None else
                tr(f"Training both networks… · step {ev.step}/{ev.total_steps} · {ev.elapsed:.0f} s",
                   f"正在训练两个网络… · 第 {ev.step}/{ev.total_steps} 步 · {ev.elapsed:.0f} 秒"))
        st.progress(0.0 if ev is None else ev.progress, text=text)
    elif ev is not None:
        done = ev.status == "done"
        st.progress(ev.progress, text=tr(f"{'Finished' if done else 'Stopped'} · step {ev.step}/{ev.total_steps} · "
                                         f"{ev.elapsed:.0f} s",
                                         f"{'已完成' if done else '已停止'} · 第 {ev.step}/{ev.total_steps} 步 · "
                                         f"{ev.elapsed:.0f} 秒"))
    if ev is None or ev.preview is None:
        return
    scale = int(job.spec.config.get("scale", 4))
    st.markdown(tr(f"**Live preview** (held-out digits, measured at step {ev.curve[-1]['step']})",
                   f"**实时预览**（留出数字，第 {ev.curve[-1]['step']} 步时的结果）"))
    for key in ("input", "l1", "adversarial", "real"):
        st.image(strip(ev.preview[key], side=56, horizontal=True), caption=label(key, scale), width="stretch",
                 output_format="PNG")
    if len(ev.curve) > 1:
        st.plotly_chart(sharpness_curve(list(ev.curve), ev.reference, plot_text()), width="stretch",
                        key="sr_curve", config={"displayModeBar": False})
    if ev.losses:
        st.caption(tr(f"Latest step: L1 of the L1-only network {ev.losses['l1_only']:.3f}, of the adversarial one "
                      f"{ev.losses['l1_adv']:.3f}; its adversarial loss {ev.losses['adv_g']:.3f}; the "
                      f"discriminator's loss {ev.losses['adv_d']:.3f}.",
                      f"最近一步：仅 L1 网络的 L1 为 {ev.losses['l1_only']:.3f}，对抗网络的 L1 为 {ev.losses['l1_adv']:.3f}，"
                      f"其对抗损失为 {ev.losses['adv_g']:.3f}；判别器的损失为 {ev.losses['adv_d']:.3f}。"))
