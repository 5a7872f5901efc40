"""The Data augmentation page's views: the bundled study (figure, table, grids, how it was made), the live
cell's progress (phase, the real images, the cGAN's samples as they improve) and its result next to the
table. The numbers come from ``gan.augmentation_study``; nothing here trains."""
from __future__ import annotations

import streamlit as st

from gan.augmentation_study import SETTINGS, effect, text_numbers
from gan.plots.augmentation import accuracy_bars
from ui.i18n import md, tr
from ui.sidebar import table

SETTING_LABELS = {
    "real": ("real images only", "只用真实图像"),
    "real+classic": ("+ classic augmentation", "+ 经典数据增强"),
    "real+gan": ("+ cGAN samples", "+ 条件 GAN 样本"),
    "real+classic+gan": ("+ classic + cGAN samples", "+ 经典增强 + 条件 GAN 样本"),
}


def label(setting: str) -> str:
    return tr(*SETTING_LABELS[setting])


def labels() -> dict[str, str]:
    return {s: label(s) for s in SETTINGS}


def pct(mean: float, std: float | None = None) -> str:
    return f"{100 * mean:.1f} %" if std is None else f"{100 * mean:.1f} ± {100 * std:.1f} %"


def figure(summary: list[dict], live: dict | None = None, key: str = "aug_figure") -> None:
    fig = accuracy_bars(summary, labels(), {"x": tr("real images per class", "每类真实图像数"),
                                            "y": tr("accuracy on the 2,000 held-out images (%)",
                                                    "在 2,000 张留出图像上的准确率（%）"),
                                            "live": tr("your run", "你的这次运行")}, live=live)
    st.plotly_chart(fig, width="stretch", key=key, config={"displayModeBar": False})


def study_table(results: dict) -> None:
    """The table: mean ± std over seeds, min-max, and against real images only (same seed): the mean
    difference and in how many seeds the accuracy went up."""
    rows = []
    for r in results["summary"]:
        diff = up = ""
        if r["setting"] != "real":
            e = effect(results["rows"], r["per_class"], r["setting"])
            diff, up = f"{100 * e['diff']:+.1f}", tr(f"{e['up']} of {e['n']}", f"{e['n']} 个中 {e['up']} 个")
        rows.append({tr("Per digit", "每个数字"): r["per_class"],
                     tr("Training data", "训练数据"): label(r["setting"]),
                     tr("Accuracy", "准确率"): pct(r["mean"], r["std"]),
                     tr("Min–max", "最小–最大"): f"{100 * r['min']:.1f}–{100 * r['max']:.1f}",
                     tr("Δ vs real only", "Δ 相对只用真实图像"): diff,
                     tr("Seeds up", "上升的种子"): up})
    st.caption(tr("Accuracy on the 2,000 held-out images, mean ± standard deviation over the seeds (%). Δ: the "
                  "mean difference from real images only with the same seed, in points; seeds up: in how many "
                  "seeds the accuracy was higher than with real images only.",
                  "在 2,000 张留出图像上的准确率，各种子的均值 ± 标准差（%）。Δ：与同一种子只用真实图像时的平均差，"
                  "单位为百分点；上升的种子：准确率高于只用真实图像的种子个数。"))
    table(rows, key="aug_table")


def how_made(results: dict) -> None:
    c, m, cells = results["config"], results.get("made_with", {}), results.get("cells", [])
    gan_s = [x["seconds"].get("gan", 0) for x in cells]
    mean_gan = sum(gan_s) / len(gan_s) if gan_s else 0
    st.caption(tr(
        f"Seeds {', '.join(map(str, results['seeds']))}; each cGAN trained {c['gan_steps']} steps "
        f"(about {mean_gan:.0f} s each), each classifier {c['clf_steps']} steps of {c['clf_batch']} images; "
        f"the whole study took {results['seconds'] / 60:.0f} minutes on "
        f"{m.get('threads', 1)} CPU thread(s) of a shared machine. Made with `{m.get('command', '')}`.",
        f"种子 {', '.join(map(str, results['seeds']))}；每个条件 GAN 训练 {c['gan_steps']} 步（每个约 {mean_gan:.0f} 秒），"
        f"每个分类器训练 {c['clf_steps']} 步、每步 {c['clf_batch']} 张图像；整个实验在一台共享机器的 "
        f"{m.get('threads', 1)} 个 CPU 线程上用了 {results['seconds'] / 60:.0f} 分钟。命令：`{m.get('command', '')}`。"))


def explanation(results: dict) -> None:
    """The long text, its numbers filled in from the table."""
    st.markdown(md("data_augmentation").format_map(text_numbers(results)))


def grids(real, samples, per_class: int, caption_extra: str = "") -> None:
    left, right = st.columns(2)
    shown = min(per_class, 5)
    if real is not None:
        left.image(real, width="stretch",
                   caption=tr(f"Real images the cGAN and the classifier learn from ({shown} of {per_class} per digit)",
                              f"条件 GAN 和分类器学习用的真实图像（每个数字 {per_class} 张中的 {shown} 张）"))
    if samples is not None:
        right.image(samples, width="stretch",
                    caption=tr("The cGAN's samples, one column per digit 0–9", "条件 GAN 的样本，每列一个数字 0–9")
                    + caption_extra)


PHASES = {"data": ("Drawing the real images…", "正在抽取真实图像…"),
          "gan": ("Training the conditional GAN on them", "正在用它们训练条件 GAN"),
          "classifier": ("Training the classifier", "正在训练分类器"), "done": ("Finished", "已完成")}


def latest_samples(job):
    return job.grids[-1][1] if job is not None and job.grids else None


def progress_view(job) -> None:
    """The live cell while it runs (called in a polling fragment); after it, what ended it."""
    if job is None:
        return
    ev = job.last
    if job.error:
        st.error(tr("The run failed on the server: ", "运行在服务器上出错：") + job.error)
        return
    if not job.running:
        if job.status == "stopped":
            st.caption(tr("Stopped before the end; start again for a full result.", "在结束前停止了；请重新开始以得到完整结果。"))
        return
    if ev is None:
        st.progress(0.0, text=tr("Starting…", "开始…"))
        return
    what = tr(*PHASES[ev.phase])
    if ev.phase == "gan":
        what += tr(f": step {ev.gan_step}", f"：第 {ev.gan_step} 步")
    elif ev.phase == "classifier":
        what += f" ({label(ev.setting)})"
    st.progress(ev.progress, text=f"{what} · {ev.elapsed:.0f} s")
    grids(ev.real_grid, latest_samples(job), job.spec.config["per_class"])
    if ev.accuracies:
        st.markdown("  \n".join(f"{label(s)}: **{pct(a)}**" for s, a in ev.accuracies.items()))
    st.caption(tr("It runs on the server: you may visit other pages meanwhile.",
                  "它在服务器上运行：期间可以浏览其他页面。"))


def live_result(job, summary: list[dict]) -> dict | None:
    """The finished cell beside the table's numbers; returns {"per_class", "accuracies"} for the figure."""
    if job is None or job.running or job.status != "done" or job.last is None:
        return None
    ev, cfg = job.last, job.spec.config
    pc = cfg["per_class"]
    budget = cfg.get("gan_seconds")
    table_steps = cfg.get("gan_steps")
    st.markdown(tr(f"**Your run:** {pc} real images per digit, seed {cfg['seed']}, the cGAN trained "
                   f"{ev.gan_step} steps in its {budget:g} s budget (the table's cGANs: {table_steps}); "
                   f"{ev.elapsed:.0f} s in all.",
                   f"**你的这次运行**：每个数字 {pc} 张真实图像，种子 {cfg['seed']}，条件 GAN 在 {budget:g} 秒预算内训练了 "
                   f"{ev.gan_step} 步（表格中的条件 GAN：{table_steps} 步）；共用时 {ev.elapsed:.0f} 秒。"))
    grids(ev.real_grid, ev.samples, pc, tr(" (this run)", "（本次运行）"))
    rows = []
    for s, a in ev.accuracies.items():
        row = next((r for r in summary if r["per_class"] == pc and r["setting"] == s), None)
        rows.append({tr("Training data", "训练数据"): label(s), tr("Your run", "你的这次运行"): pct(a),
                     tr("Bundled table (mean ± std)", "内置表格（均值 ± 标准差）"):
                         pct(row["mean"], row["std"]) if row else tr("not in the table", "表格中没有")})
    table(rows, key="aug_live_table")
    if "real" in ev.accuracies and "real+gan" in ev.accuracies:
        d = 100 * (ev.accuracies["real+gan"] - ev.accuracies["real"])
        st.markdown(tr(f"With the cGAN's samples this run scored **{d:+.1f} points** against real images only.",
                       f"加入条件 GAN 的样本后，这次运行比只用真实图像高 **{d:+.1f} 个百分点**。") if d >= 0 else
                    tr(f"With the cGAN's samples this run scored **{d:+.1f} points** against real images only.",
                       f"加入条件 GAN 的样本后，这次运行比只用真实图像低 **{-d:.1f} 个百分点**。"))
    return {"per_class": pc, "accuracies": dict(ev.accuracies)}
