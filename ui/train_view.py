"""The Train page's words and live view: labels, health findings, the progress and curves of a job."""
from __future__ import annotations

import math
import re

import streamlit as st

from gan import health
from gan.plots import training as training_plots
from gan.device import device_label, pick_device, worker_thread_choices
from gan.jobs import Job
from gan.train import RECIPE
from ui.i18n import tr
from ui.jobs import error_text
from ui.sidebar import for_screen, presenting

P = "train_"


def model_label(name: str) -> str:
    return {"cgan": tr("Conditional DCGAN (pick the digit)", "条件 DCGAN（可指定数字）"),
            "dcgan": tr("DCGAN (unconditional)", "DCGAN（无条件）")}[name]


def loss_label(name: str) -> str:
    """The loss's name as the field gives it; the Train page's default (the recipe's loss) says so."""
    label = {"ns": tr("non-saturating (Goodfellow et al. 2014)", "非饱和（Goodfellow 等，2014）"),
             "minimax": tr("minimax (saturating)", "极小极大（饱和）"),
             "lsgan": tr("least squares (LSGAN)", "最小二乘（LSGAN）"), "hinge": tr("hinge", "合页损失"),
             "wgan-gp": tr("Wasserstein + gradient penalty", "Wasserstein + 梯度惩罚")}[name]
    return label + (tr(" (default)", "（默认）") if name == RECIPE["loss"] else "")


def budget_label(seconds: int) -> str:
    """The Train page's "Train for" choices: a time budget in seconds, or 0 for a number of steps."""
    if not seconds:
        return tr("a number of steps", "指定步数")
    m = seconds // 60
    return tr(f"{m} minute" + ("s" if m > 1 else ""), f"{m} 分钟")


REPLAY_TITLES = {  # the bundled recordings (checkpoints/replays/<name>.npz)
    "cgan-mnist": ("Conditional DCGAN on MNIST, the Train page's default recipe",
                   "MNIST 上的条件 DCGAN，“训练”页面的默认配方"),
    "infogan-mnist": ("InfoGAN-style DCGAN on MNIST (10 codes, no labels)", "MNIST 上的 InfoGAN 式 DCGAN（10 个类别码，不用标签）"),
}


def replay_title(name: str) -> str:
    return tr(*REPLAY_TITLES[name]) if name in REPLAY_TITLES else name


def device_text(label: str) -> str:
    """A recorded device label ("CPU (1 threads)", "GPU: <name>") in the visitor's language."""
    cpu = re.fullmatch(r"CPU \((\d+) threads?\)", label)
    if cpu:
        n = int(cpu[1])
        return tr(f"CPU ({n} thread{'s' if n > 1 else ''})", f"CPU（{n} 个线程）")
    return label.replace("GPU: ", tr("GPU: ", "GPU："))


def replay_caption(name: str, meta: dict) -> str:
    """What a recording is: its title, steps, where it was trained and how long that took."""
    title = tr(*REPLAY_TITLES[name]) if name in REPLAY_TITLES else meta.get("title", name)
    steps = meta.get("config", {}).get("steps")
    secs = meta.get("seconds", "?")
    return (title + (tr(f", {steps} steps", f"，{steps} 步") if steps else "") + " · " + device_text(meta.get("device", ""))
            + " · " + tr(f"{secs} s to train", f"训练用时 {secs} 秒"))


def curve_text() -> dict[str, str]:
    return {"loss": tr("Losses", "损失"), "d_out": tr("Discriminator outputs", "判别器输出"),
            "step": tr("step", "步数"), "d_real": tr("D(x) on real", "真实样本 D(x)"),
            "d_fake": tr("D(G(z)) on fake", "生成样本 D(G(z))"),
            "eq_loss_d": tr("L_D at equilibrium", "均衡时的 L_D"),
            "eq_loss_g": tr("L_G at equilibrium", "均衡时的 L_G"), "eq_d": tr("D at equilibrium", "均衡时的 D")}


def run_curves(history: list[dict], loss: str, upto: int | None = None):
    """One run's losses and D outputs side by side (the playground stacks the same panels)."""
    return training_plots.curves_figure({"run": history}, {"run": loss}, text=curve_text(), upto=upto, side_by_side=True)


def d_collapse_tips(cfg: dict | None) -> list[tuple[str, str]]:
    """What to change when D wins outright, leaving out what the run already does."""
    cfg = cfg or {}
    tips = [("a lower D learning rate", "调低 D 的学习率")]
    if int(cfg.get("n_critic", 1)) > 1:
        tips.append(("fewer D steps per G step", "减少每步 G 对应的 D 步数"))
    if cfg.get("loss", "ns") == "minimax":
        tips.append(("the non-saturating loss", "改用非饱和损失"))
    if cfg.get("loss", "ns") in ("ns", "minimax") and float(cfg.get("gp_weight", 10.0)) > 0:
        tips.append(("the WGAN-GP loss (a gradient penalty keeps D smooth)", "改用 WGAN-GP 损失（梯度惩罚让 D 保持平滑）"))
    return tips


def finding_text(f: health.Finding, cfg: dict | None = None) -> str:
    """A finding in the visitor's language; ``cfg`` (the run's config) keeps its advice to settings not in use."""
    v = f.values
    if f.code == "nan":
        return tr(f"The losses became NaN or infinite (around step {v['first_bad_step']}). Training stopped and "
                  "the last good weights were kept. Lower the learning rates and start again.",
                  f"损失变成了 NaN 或无穷大（约第 {v['first_bad_step']} 步）。训练已停止，并保留了最后一份正常的权重。"
                  "请调低学习率后重新开始。")
    if f.code == "d_collapse":
        tips = d_collapse_tips(cfg)
        return tr(f"The discriminator is winning outright: L_D ≈ {v['loss_d']:.3f}, D(x) ≈ {v['d_real']:.2f}, "
                  f"D(G(z)) ≈ {v['d_fake']:.2f}. The generator gets little useful signal. Try "
                  + ", or ".join(t[0] for t in tips) + ".",
                  f"判别器完全占了上风：L_D ≈ {v['loss_d']:.3f}，D(x) ≈ {v['d_real']:.2f}，D(G(z)) ≈ {v['d_fake']:.2f}。"
                  "生成器几乎得不到有用的信号。可以" + "，或".join(t[1] for t in tips) + "。")
    if f.code == "g_explode":
        return tr(f"The generator's loss has exploded (L_G ≈ {v['loss_g']:.1f}, it started near "
                  f"{v['early_loss_g']:.1f}): D rejects every fake. Lower the D learning rate or restart.",
                  f"生成器损失爆炸了（L_G ≈ {v['loss_g']:.1f}，开始时约 {v['early_loss_g']:.1f}）：D 拒绝了所有假样本。"
                  "请调低 D 的学习率或重新开始。")
    if f.code == "mode_collapse":
        missing = ", ".join(str(m) for m in v["missing"]) or "-"
        sure, asked = v.get("n_samples", 0), v.get("n_asked", v.get("n_samples", 0))
        return tr(f"Possible mode collapse: of the {sure} of {asked} samples the classifier is sure about, "
                  f"{v['top_share']:.0%} look like class {v['top_class']}; classes almost never produced: {missing}.",
                  f"可能出现了模式崩塌：在分类器有把握的 {sure} 个样本（共 {asked} 个）中，{v['top_share']:.0%} 像类别 "
                  f"{v['top_class']}；几乎从未生成的类别：{missing}。")
    return f.code


def status_text(status: str, error: str | None = None) -> str:
    """The progress bar's word for a run's status; a run ended by an error (not by NaN) says so."""
    if status == "failed" and error:
        return tr("Stopped: an error on the server", "已停止：服务器上出错")
    return {"running": tr("Training…", "训练中…"), "done": tr("Finished", "已完成"),
            "stopped": tr("Stopped", "已停止"), "paused": tr("Paused", "已暂停"),
            "failed": tr("Stopped: numbers went bad", "已停止：数值异常")}.get(status, status)


def end_text(job: Job) -> str:
    """How a run ended, in the visitor's language (the trainer's own message is English)."""
    step, budget = job.step, job.spec.config.get("seconds")
    if job.status == "done":
        return (tr(f"Finished {step} steps in the {budget:g} s budget.", f"在 {budget:g} 秒的时间预算内完成了 {step} 步。")
                if budget else tr(f"Finished {step} steps.", f"完成了 {step} 步。"))
    if job.status == "failed":
        return tr(f"The losses became NaN or infinite (is a learning rate too high?); training stopped and the "
                  f"weights from step {step} were kept.",
                  f"损失变成了 NaN 或无穷大（学习率是不是太高了？）；训练已停止，保留了第 {step} 步的权重。")
    return tr(f"Stopped at step {step}.", f"已在第 {step} 步停止。")


def fmt_seconds(s: float) -> str:
    if not math.isfinite(s) or s < 0:
        return "–"
    s = int(round(s))
    return f"{s // 60}:{s % 60:02d}" if s < 3600 else f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


def computing_on() -> None:
    """Where a run computes: the GPU's name, or the CPU and the threads a training worker uses."""
    dev = pick_device()
    choices = worker_thread_choices()  # what a training worker process uses
    if dev.type != "cpu":
        where = device_label(dev)
    elif len(choices) == 1:
        n = choices[0]
        where = tr(f"CPU ({n} thread{'s' if n > 1 else ''} for a run)", f"CPU（每次训练 {n} 个线程）")
    else:
        lo, hi = choices
        where = tr(f"CPU ({lo} or {hi} threads for a run: it measures which is faster now, and switches as the "
                   "load changes)", f"CPU（每次训练用 {lo} 或 {hi} 个线程：边训练边测哪个更快，负载变化时随之切换）")
    st.caption(tr("Computing on: ", "计算设备：") + where)


def grid_width(grid) -> int:
    """Display width of a sample grid: twice its pixels (three times on a projector), within the column."""
    return min(960, grid.shape[1] * 3) if presenting() else min(560, grid.shape[1] * 2)


def render_live(job: Job | None) -> None:
    """Progress, the latest numbers, the curves, the newest samples and the health findings of ``job``."""
    if job is None:
        st.info(tr("No run yet. Choose the settings and press Start.", "还没有训练。选好设置后按“开始”。"),
                icon=":material/info:")
        return
    last, status = job.last, job.status
    cfg = job.spec.config
    batch = int(cfg.get("batch_size", 64))
    total = max(job.total_steps, 1)
    rows = [r for r in job.history if math.isfinite(r.get("loss_d", math.nan))]
    ips = rows[-1]["images_per_sec"] if rows else float("nan")
    steps_per_s = ips / batch if ips and math.isfinite(ips) else float("nan")
    left = (total - job.step) / steps_per_s if status == "running" and steps_per_s > 0 else float("nan")
    budget = cfg.get("seconds")
    if budget:  # a time budget: the clock runs from Start
        spent = rows[-1]["elapsed"] if rows else 0.0
        done = status == "done"
        left = max(0.0, budget - spent) if status == "running" else float("nan")
        st.progress(1.0 if done else min(1.0, spent / budget),
                    text=f"{status_text(status, job.error)} · {fmt_seconds(budget if done else spent)} / {fmt_seconds(budget)}"
                         f" · {tr('step', '第')} {job.step}{tr('', ' 步')}")
    else:
        st.progress(min(1.0, job.step / total),
                    text=f"{status_text(status, job.error)} · {tr('step', '第')} {job.step} / {total}{tr('', ' 步')}")
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("L_D", f"{rows[-1]['loss_d']:.3f}" if rows else "–")
    c2.metric("L_G", f"{rows[-1]['loss_g']:.3f}" if rows else "–")
    c3.metric(tr("images/s", "图像/秒"), f"{ips:.0f}" if math.isfinite(ips) else "–")
    c4.metric(tr("time left", "剩余时间"), fmt_seconds(left))
    if job.extra.get("threads") and status == "running":
        n = job.extra["threads"]
        st.caption(tr(f"Training with {n} CPU thread{'s' if n > 1 else ''} now.", f"现在用 {n} 个 CPU 线程训练。"))
    if job.error:
        st.error(error_text(job, "Training failed on the server: ", "训练在服务器上出错："), icon=":material/error:")
    elif last is not None and status in ("done", "stopped", "failed"):
        (st.error if status == "failed" else st.caption)(end_text(job))
    if rows:
        st.plotly_chart(for_screen(run_curves(job.history, cfg.get("loss", "ns"))), key=P + "curves")
    if job.grids:
        step, grid = job.grids[-1]
        st.image(grid, caption=tr(f"Fixed-noise samples at step {step}", f"第 {step} 步的固定噪声样本"),
                 clamp=True, width=grid_width(grid))
    for f in health.check(job.history, loss=cfg.get("loss", "ns"), status=status):
        (st.error if f.severity == "error" else st.warning)(finding_text(f, cfg), icon=":material/health_and_safety:")
