"""Train: an image GAN trained in a background job while the page polls it; or a recorded run replayed.

Session state (prefix ``train_``):
- ``train_run``: this session's run id in the process-wide registry of ``ui.jobs`` (also in the URL,
  so a reload or a page switch finds the run again).
- ``train_last_checkpoint``: the folder (str) holding the generator of this session's latest run,
  saved when the run stops or finishes; the Generate page offers it as "this session's run".
"""
from __future__ import annotations

import math
import os
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import streamlit as st
import torch

from gan import health, hub, replay, timelapse
from gan.data import CLASS_NAMES, DATASETS, DatasetMissing, available_datasets, data_root, load_images
from gan.losses import LOSSES
from gan.device import device_label, pick_device
from gan.plots.training import class_histogram_figure, curves_figure
from gan.train import JobLimitError, TrainConfig, Trainer, limits
from ui import jobs
from ui.errors import guard
from ui.i18n import md, tr
from ui.sidebar import presenting

P = "train_"
RUN_KEY = "train_run"
CKPT_KEY = "train_last_checkpoint"
RUNS_DIR = Path(tempfile.gettempdir()) / "gan-studio-runs"
MODELS = ("cgan", "dcgan")
AUGMENTS = {"translation": ("shift", "平移"), "cutout": ("cut-out", "挖空")}  # gan.augment.POLICIES
INFO_CODE_DIM = 32  # InfoGAN codes enter G as a learned 32-d embedding (faster to take effect than a one-hot)
BATCHES = (16, 32, 64, 128, 256)


# --- text -------------------------------------------------------------------------------------------

def model_label(name: str) -> str:
    return {"cgan": tr("Conditional DCGAN (pick the digit)", "条件 DCGAN（可指定数字）"),
            "dcgan": tr("DCGAN (unconditional)", "DCGAN（无条件）")}[name]


def loss_label(name: str) -> str:
    return {"ns": tr("non-saturating (default)", "非饱和（默认）"), "minimax": tr("minimax (saturating)", "极小极大（饱和）"),
            "lsgan": tr("least squares (LSGAN)", "最小二乘（LSGAN）"), "hinge": tr("hinge", "合页损失"),
            "wgan-gp": tr("Wasserstein + gradient penalty", "Wasserstein + 梯度惩罚")}[name]


def curve_text() -> dict[str, str]:
    return {"loss": tr("Losses", "损失"), "d_out": tr("Discriminator outputs", "判别器输出"),
            "step": tr("step", "步数"), "d_real": tr("D(x) on real", "真实样本 D(x)"),
            "d_fake": tr("D(G(z)) on fake", "生成样本 D(G(z))"),
            "eq_loss_d": tr("L_D at equilibrium", "均衡时的 L_D"),
            "eq_loss_g": tr("L_G at equilibrium", "均衡时的 L_G"), "eq_d": tr("D at equilibrium", "均衡时的 D")}


def run_curves(history: list[dict], loss: str, upto: int | None = None):
    """One run's losses and D outputs side by side (the playground stacks the same panels)."""
    return curves_figure({"run": history}, {"run": loss}, text=curve_text(), upto=upto, side_by_side=True)


def finding_text(f: health.Finding) -> str:
    v = f.values
    if f.code == "nan":
        return tr(f"The losses became NaN or infinite (around step {v['first_bad_step']}). Training stopped and "
                  "the last good weights were kept. Lower the learning rates and start again.",
                  f"损失变成了 NaN 或无穷大（约第 {v['first_bad_step']} 步）。训练已停止，并保留了最后一份正常的权重。"
                  "请调低学习率后重新开始。")
    if f.code == "d_collapse":
        return tr(f"The discriminator is winning outright: L_D ≈ {v['loss_d']:.3f}, D(x) ≈ {v['d_real']:.2f}, "
                  f"D(G(z)) ≈ {v['d_fake']:.2f}. The generator gets little useful signal. Try a lower D learning "
                  "rate, fewer D steps per G step, or the non-saturating loss.",
                  f"判别器完全占了上风：L_D ≈ {v['loss_d']:.3f}，D(x) ≈ {v['d_real']:.2f}，D(G(z)) ≈ {v['d_fake']:.2f}。"
                  "生成器几乎得不到有用的信号。可以调低 D 的学习率、减少每步 G 对应的 D 步数，或改用非饱和损失。")
    if f.code == "g_explode":
        return tr(f"The generator's loss has exploded (L_G ≈ {v['loss_g']:.1f}, it started near "
                  f"{v['early_loss_g']:.1f}): D rejects every fake. Lower the D learning rate or restart.",
                  f"生成器损失爆炸了（L_G ≈ {v['loss_g']:.1f}，开始时约 {v['early_loss_g']:.1f}）：D 拒绝了所有假样本。"
                  "请调低 D 的学习率或重新开始。")
    if f.code == "mode_collapse":
        missing = ", ".join(str(m) for m in v["missing"]) or "-"
        return tr(f"Possible mode collapse: {v['top_share']:.0%} of the samples look like class {v['top_class']}; "
                  f"classes almost never produced: {missing}.",
                  f"可能出现了模式崩溃：{v['top_share']:.0%} 的样本像类别 {v['top_class']}；几乎从未生成的类别：{missing}。")
    return f.code


def status_text(status: str) -> str:
    return {"running": tr("Training…", "训练中…"), "done": tr("Finished", "已完成"),
            "stopped": tr("Stopped", "已停止"), "failed": tr("Stopped: numbers went bad", "已停止：数值异常")}.get(status, status)


def fmt_seconds(s: float) -> str:
    if not math.isfinite(s) or s < 0:
        return "–"
    s = int(round(s))
    return f"{s // 60}:{s % 60:02d}" if s < 3600 else f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


# --- cached resources -------------------------------------------------------------------------------

@st.cache_resource(show_spinner=False, max_entries=2)
def dataset(name: str, root: str):
    """The dataset as tensors, loaded once per process and shared read-only by every run."""
    return load_images(name, root=root)


@st.cache_data(show_spinner=False, max_entries=4)
def recording(path: str, mtime: float) -> replay.Recording:
    return replay.load(path)


@st.cache_data(show_spinner=False, max_entries=8)
def gif(frames_key: str, _frames: list, duration_ms: int) -> bytes:
    return timelapse.gif_bytes(_frames, duration_ms=duration_ms, scale=2)


# --- starting, stopping, resuming --------------------------------------------------------------------

def config_from_widgets() -> tuple[TrainConfig, str | None]:
    """The run's config, and a note when a server cap changed what was asked for."""
    ss = st.session_state
    steps = int(ss.get(P + "steps", 300))
    note = None
    cap = limits()["max_steps"]
    if steps > cap:
        note = tr(f"This server allows at most {cap} steps per run (GAN_MAX_STEPS); the run was capped.",
                  f"本服务器每次训练最多 {cap} 步（GAN_MAX_STEPS），已按上限截断。")
        steps = cap
    model = ss.get(P + "model", "cgan")
    cfg = TrainConfig(model=model, dataset=ss.get(P + "dataset", "mnist"), loss=ss.get(P + "loss", "ns"),
                      lr_d=float(ss.get(P + "lr_d", 2e-4)), lr_g=float(ss.get(P + "lr_g", 2e-4)),
                      batch_size=int(ss.get(P + "batch", 64)), n_critic=int(ss.get(P + "n_critic", 1)),
                      steps=steps, sample_every=int(ss.get(P + "sample_every", 25)),
                      log_every=max(1, min(10, steps // 30)), width=int(ss.get(P + "width", 32)),
                      seed=int(ss.get(P + "seed", 0)), n_samples=40 if model == "cgan" else 36,
                      augment=",".join(a for a in AUGMENTS if a in ss.get(P + "augment", [])),
                      info_codes=int(ss.get(P + "info_codes", 0)) if model == "dcgan" else 0,
                      info_code_dim=INFO_CODE_DIM if model == "dcgan" and ss.get(P + "info_codes") else 0)
    return cfg, note


def notice(kind: str, text: str) -> None:
    """A message that survives the rerun after a button (shown once, above the buttons)."""
    st.session_state.setdefault(P + "notices", []).append((kind, text))


def show_notices() -> None:
    for kind, text in st.session_state.pop(P + "notices", []):
        {"info": st.info, "warning": st.warning, "error": st.error}[kind](text)


def start_run() -> None:
    cfg, note = config_from_widgets()
    if note:
        notice("info", note)
    try:
        data = dataset(cfg.dataset, str(data_root()))
    except DatasetMissing as e:
        notice("error", tr("The dataset is missing. ", "找不到数据集。") + str(e))
        return
    except ValueError as e:
        notice("error", tr("The dataset files could not be read: ", "数据集文件无法读取：") + str(e))
        return
    try:
        trainer = Trainer(cfg, data=data)
    except ValueError as e:
        notice("error", tr("These settings cannot be trained: ", "这些设置无法训练：") + str(e))
        return
    try:
        jobs.start(RUN_KEY, trainer)
    except JobLimitError as e:
        notice("warning", tr("The server is busy: ", "服务器正忙：") + str(e))


def resume_run(rec: jobs.RunRecord) -> None:
    trainer = rec.trainer
    cap = limits()["max_steps"]
    if trainer.step >= trainer.total_steps:  # finished: train the chosen number of steps more
        more = int(st.session_state.get(P + "steps", 300))
        if trainer.step >= cap:
            notice("info", tr(f"This run has reached the server's cap of {cap} steps (GAN_MAX_STEPS).",
                              f"这次训练已达到服务器上限 {cap} 步（GAN_MAX_STEPS）。"))
            return
        trainer.total_steps = min(cap, trainer.step + more)
        trainer.cfg = replace(trainer.cfg, steps=trainer.total_steps)
    trainer.stop_event.clear()
    try:
        new = jobs.start(RUN_KEY, trainer)
    except JobLimitError as e:
        notice("warning", tr("The server is busy: ", "服务器正忙：") + str(e))
        return
    with new.lock:  # keep the curves and grids drawn so far
        new.history[:0] = rec.history
        new.grids[:0] = rec.grids


def checkpoint_dir() -> Path | None:
    rid = st.session_state.get(RUN_KEY)
    return RUNS_DIR / rid if rid else None


def save_finished(rec: jobs.RunRecord) -> Path | None:
    """Save the ended run's generator (and D, optimiser state) once; remember it for the Generate page."""
    folder = checkpoint_dir()
    if folder is None:
        return None
    marker = folder / ".step"
    step = str(rec.trainer.step)
    if not (marker.is_file() and marker.read_text() == step and (folder / "model.safetensors").is_file()):
        rec.trainer.save(folder)
        marker.write_text(step)
    st.session_state[CKPT_KEY] = str(folder)
    return folder


# --- drawing ------------------------------------------------------------------------------------------

def render_live(rec: jobs.RunRecord | None) -> None:
    if rec is None:
        st.info(tr("No run yet. Choose the settings and press Start.", "还没有训练。选好设置后按“开始”。"),
                icon=":material/info:")
        return
    last = rec.last
    trainer = rec.trainer
    status = "running" if rec.running else (last.status if last is not None else "stopped")
    if rec.job.error:
        status = "failed"
    total = max(trainer.total_steps, 1)
    rows = [r for r in rec.history if math.isfinite(r.get("loss_d", math.nan))]
    ips = rows[-1]["images_per_sec"] if rows else float("nan")
    steps_per_s = ips / trainer.cfg.batch_size if ips and math.isfinite(ips) else float("nan")
    left = (total - trainer.step) / steps_per_s if status == "running" and steps_per_s > 0 else float("nan")
    st.progress(min(1.0, trainer.step / total),
                text=f"{status_text(status)} · {tr('step', '第')} {trainer.step} / {total}{tr('', ' 步')}")
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("L_D", f"{rows[-1]['loss_d']:.3f}" if rows else "–")
    c2.metric("L_G", f"{rows[-1]['loss_g']:.3f}" if rows else "–")
    c3.metric(tr("images/s", "图像/秒"), f"{ips:.0f}" if math.isfinite(ips) else "–")
    c4.metric(tr("time left", "剩余时间"), fmt_seconds(left))
    if last is not None and last.message and status != "running":
        (st.error if status == "failed" else st.caption)(last.message)
    if rec.job.error:
        st.error(tr("Training failed on the server. ", "训练在服务器上出错。") + rec.job.error)
    if rows:
        st.plotly_chart(run_curves(rec.history, trainer.cfg.loss), key=P + "curves")
    if rec.grids:
        step, grid = rec.grids[-1]
        st.image(grid, caption=tr(f"Fixed-noise samples at step {step}", f"第 {step} 步的固定噪声样本"),
                 clamp=True, width=min(560, grid.shape[1] * 2))
    for f in health.check(rec.history, loss=trainer.cfg.loss, status=status):
        (st.error if f.severity == "error" else st.warning)(finding_text(f), icon=":material/health_and_safety:")


def controls(rec: jobs.RunRecord | None) -> None:
    running = rec is not None and rec.running
    adv = not presenting()
    c1, c2 = st.columns(2)
    c1.selectbox(tr("Model", "模型"), MODELS, format_func=model_label, key=P + "model", disabled=running)
    avail = available_datasets()
    c2.selectbox(tr("Dataset", "数据集"), list(DATASETS), key=P + "dataset", disabled=running,
                 format_func=lambda d: {"mnist": "MNIST", "fashion-mnist": "Fashion-MNIST"}[d]
                 + ("" if avail.get(d) else tr(" (not found offline)", "（本地未找到）")))
    ds = st.session_state.get(P + "dataset", "mnist")
    if not avail.get(ds):
        st.caption(tr(f"No offline copy under {data_root()}; starting will try to download it.",
                      f"{data_root()} 下没有本地副本；开始训练时会尝试下载。"))
    c1, c2, c3 = st.columns(3)
    c1.number_input(tr("Steps", "步数"), min_value=1, max_value=1_000_000, value=300, step=50, key=P + "steps",
                    disabled=running)
    c2.selectbox(tr("Batch size", "批大小"), BATCHES, index=2, key=P + "batch", disabled=running)
    c3.selectbox(tr("Loss", "损失函数"), LOSSES, format_func=loss_label, key=P + "loss", disabled=running)
    if adv:
        with st.expander(tr("More settings", "更多设置")):
            c1, c2, c3 = st.columns(3)
            c1.number_input(tr("D learning rate", "D 学习率"), min_value=1e-6, max_value=1.0, value=2e-4,
                            step=1e-4, format="%.5f", key=P + "lr_d", disabled=running)
            c2.number_input(tr("G learning rate", "G 学习率"), min_value=1e-6, max_value=1.0, value=2e-4,
                            step=1e-4, format="%.5f", key=P + "lr_g", disabled=running)
            c3.number_input(tr("D steps per G step", "每步 G 对应的 D 步数"), min_value=1, max_value=10, value=1,
                            key=P + "n_critic", disabled=running)
            c1.number_input(tr("Network width", "网络宽度"), min_value=4, max_value=128, value=32, step=4,
                            key=P + "width", disabled=running,
                            help=tr("Base channel count; smaller trains faster.", "基础通道数；越小训练越快。"))
            c2.number_input(tr("Samples every … steps", "每隔多少步采样"), min_value=1, max_value=10_000, value=25,
                            key=P + "sample_every", disabled=running)
            c3.number_input(tr("Seed", "随机种子"), min_value=0, max_value=99_999, value=0, key=P + "seed",
                            disabled=running)
            c1, c2 = st.columns(2)
            c1.multiselect(tr("Augment what D sees (DiffAugment)", "对 D 的输入做数据增强（DiffAugment）"),
                           list(AUGMENTS), key=P + "augment", disabled=running,
                           format_func=lambda a: tr(*AUGMENTS[a]),
                           help=tr("Random shifts or cut-out squares on real and generated images alike; "
                                   "keeps D from memorising a small dataset.",
                                   "对真实和生成的图像做同样的随机平移或挖空，防止 D 记住小数据集。"))
            if st.session_state.get(P + "model", "cgan") == "dcgan":
                c2.number_input(tr("InfoGAN codes (0 = off)", "InfoGAN 类别码（0 = 关闭）"), min_value=0,
                                max_value=50, value=0, key=P + "info_codes", disabled=running,
                                help=tr("A categorical code in the noise that D's extra head must read back; "
                                        "without any labels, the codes come to stand for digits.",
                                        "噪声中的一个类别码，D 的额外输出头要把它读出来；不用任何标签，"
                                        "这些码会自己对应到不同的数字。"))
    lim = limits()
    if "GAN_MAX_STEPS" in os.environ or "GAN_MAX_JOBS" in os.environ:
        st.caption(tr(f"This server's limits: {lim['max_steps']} steps per run, {lim['max_jobs']} runs at once.",
                      f"本服务器限制：每次最多 {lim['max_steps']} 步，同时最多 {lim['max_jobs']} 个训练。"))
    st.caption(tr("Computing on", "计算设备") + f": {device_label(pick_device())}")
    can_resume = rec is not None and not running and rec.last is not None
    show_notices()
    b1, b2, b3 = st.columns(3)
    if b1.button(tr("Start", "开始"), key=P + "start", type="primary", disabled=running,
                 icon=":material/play_arrow:", width="stretch"):
        with guard("starting a training run"):
            start_run()
            st.rerun()
    if b2.button(tr("Stop", "停止"), key=P + "stop", disabled=not running, icon=":material/stop:",
                 width="stretch"):
        rec.job.stop()
        rec.job.join(timeout=30)
        st.rerun()
    if b3.button(tr("Resume", "继续"), key=P + "resume", disabled=not can_resume, icon=":material/resume:",
                 width="stretch",
                 help=tr("Continue a stopped run; after a finished run, train the chosen number of steps more.",
                         "继续已停止的训练；训练完成后，再按所选步数继续训练。")):
        with guard("resuming a training run"):
            resume_run(rec)
            st.rerun()


HIST_SAMPLES = 500


def class_counts(rec: jobs.RunRecord) -> np.ndarray | None:
    """How many of HIST_SAMPLES fresh samples the bundled MNIST classifier puts in each class
    (computed once per run and step; None for datasets the classifier does not know)."""
    if rec.trainer.cfg.dataset != "mnist":
        return None
    key = (st.session_state.get(RUN_KEY), rec.trainer.step)
    cached = st.session_state.get(P + "class_counts")
    if cached and cached[0] == key:
        return cached[1]
    from gan.metrics import class_histogram, classify_images
    trainer = rec.trainer
    g = trainer.sampler
    was = g.training
    g.eval()
    try:
        with torch.inference_mode():
            gen = torch.Generator().manual_seed(2024)
            z = torch.randn(HIST_SAMPLES, g.latent_dim, generator=gen).to(trainer.device)
            if trainer.conditional:
                y = torch.randint(trainer.n_classes, (HIST_SAMPLES,), generator=gen).to(trainer.device)
                x = g(z, y)
            else:
                x = g(z)
            counts = class_histogram(classify_images(x.cpu()).argmax(1)) * HIST_SAMPLES
    finally:
        g.train(was)
    st.session_state[P + "class_counts"] = (key, counts)
    return counts


def class_section(rec: jobs.RunRecord) -> None:
    try:
        counts = class_counts(rec)
    except hub.CheckpointError as e:
        st.caption(tr("The mode-collapse check needs the bundled MNIST classifier: ", "模式崩溃检查需要内置的 MNIST 分类器：")
                   + str(e))
        return
    if counts is None:
        return
    st.subheader(tr("Which digits does it draw?", "它会画哪些数字？"))
    cond = rec.trainer.conditional
    st.caption(tr(f"{HIST_SAMPLES} new samples sorted by the bundled MNIST classifier; the dashed line is the "
                  "even share." + (" The labels asked for were uniform, so this also shows whether G obeys them."
                                   if cond else ""),
                  f"用内置 MNIST 分类器对 {HIST_SAMPLES} 个新样本分类；虚线是均匀分布时的比例。"
                  + ("请求的标签是均匀的，所以这也能看出 G 是否遵循标签。" if cond else "")))
    st.plotly_chart(class_histogram_figure(counts, CLASS_NAMES["mnist"],
                                           title=tr("Classes of generated samples", "生成样本的类别")),
                    key=P + "class_hist")
    findings = health.check_classes(counts, step=rec.trainer.step)
    for f in findings:
        st.warning(finding_text(f), icon=":material/health_and_safety:")
    if not findings:
        st.caption(tr("No sign of mode collapse: the samples spread over the classes.",
                      "没有模式崩溃的迹象：样本分布在各个类别上。"))


def after_run(rec: jobs.RunRecord) -> None:
    """Time-lapse, class histogram, checkpoint download and Hub push for a run that has ended."""
    with guard("saving the run"):
        folder = save_finished(rec)
    with guard("class histogram"):
        class_section(rec)
    if rec.grids:
        st.subheader(tr("Time-lapse", "延时回放"))
        steps = [s for s, _ in rec.grids]
        pos = st.select_slider(tr("Step", "步数"), options=steps, value=steps[-1], key=P + "lapse_pos")
        grid = dict(rec.grids)[pos]
        st.image(grid, caption=tr(f"Samples at step {pos}", f"第 {pos} 步的样本"), width=min(560, grid.shape[1] * 2))
        frames = [g for _, g in replay.thin(rec.grids, 60)]
        st.download_button(tr("Download the time-lapse (GIF)", "下载延时动画（GIF）"),
                           gif(f"{st.session_state.get(RUN_KEY)}-{steps[-1]}-{len(steps)}", frames, 250),
                           file_name="gan-timelapse.gif", mime="image/gif", key=P + "gif")
    if folder is None:
        return
    st.subheader(tr("Save", "保存"))
    st.caption(tr("The generator is now on the Generate page as “this session's run”.",
                  "生成器已出现在“生成”页面的“本次会话的训练”中。"))
    st.download_button(tr("Download the checkpoint (zip)", "下载检查点（zip）"), hub.zip_checkpoint(folder),
                       file_name="gan-studio-checkpoint.zip", mime="application/zip", key=P + "zip")
    if not presenting():
        with st.expander(tr("Push to the Hugging Face Hub", "推送到 Hugging Face Hub")):
            repo = st.text_input(tr("Repo id (owner/name)", "仓库 ID（owner/name）"), key=P + "push_repo")
            token = st.text_input(tr("Access token (write)", "访问令牌（写权限）"), type="password", key=P + "push_token",
                                  help=tr("Used for this push only; never stored.", "仅用于本次推送，不会保存。"))
            if st.button(tr("Push", "推送"), key=P + "push", disabled=not (repo and token)):
                try:
                    url = hub.push(folder, repo.strip(), token=token.strip())
                    st.success(tr(f"Pushed to {url}", f"已推送到 {url}"))
                except (hub.HubError, hub.CheckpointError) as e:
                    st.error(str(e))


def replay_mode() -> None:
    found = replay.bundled()
    if not found:
        st.info(tr("No recordings are bundled with this copy of the app.", "此版本的应用没有附带训练录像。"))
        return
    name = st.selectbox(tr("Recording", "录像"), list(found), key=P + "replay_name")
    path = found[name]
    try:
        rec = recording(str(path), path.stat().st_mtime)
    except replay.RecordingError as e:
        st.error(str(e))
        return
    cfg = rec.config
    st.caption(f"{rec.meta.get('title', name)} · {rec.meta.get('device', '')} · "
               + tr(f"{rec.meta.get('seconds', '?')} s to train", f"训练用时 {rec.meta.get('seconds', '?')} 秒"))
    steps = rec.grid_steps
    pos = st.select_slider(tr("Replay position (step)", "回放位置（步数）"), options=steps, value=steps[-1],
                           key=P + "replay_pos")
    upto = rec.history_upto(pos)
    if upto:
        c1, c2, c3 = st.columns(3)
        c1.metric("L_D", f"{upto[-1]['loss_d']:.3f}")
        c2.metric("L_G", f"{upto[-1]['loss_g']:.3f}")
        c3.metric("D(G(z))", f"{upto[-1]['d_fake']:.2f}")
    st.plotly_chart(run_curves(rec.history, cfg.get("loss", "ns"), upto=pos), key=P + "replay_curves")
    left, right = st.columns(2)
    step, grid = rec.grid_at(pos)
    left.image(grid, caption=tr(f"Samples at step {step}", f"第 {step} 步的样本"), width="stretch")
    data = gif(f"replay-{name}-{path.stat().st_mtime}", [g for _, g in rec.grids], 300)
    right.image(data, caption=tr("The whole run, animated", "整个训练过程（动画）"), width="stretch")
    st.download_button(tr("Download the animation (GIF)", "下载动画（GIF）"), data, file_name=f"{name}.gif",
                       mime="image/gif", key=P + "replay_gif")
    for f in health.check(rec.history_upto(pos), loss=cfg.get("loss", "ns")):
        st.warning(finding_text(f), icon=":material/health_and_safety:")


# --- page ---------------------------------------------------------------------------------------------

st.title(tr("Train an image GAN", "训练图像 GAN"))
st.markdown(md("train"))
mode = st.radio(tr("Mode", "模式"), ["live", "replay"], horizontal=True, key=P + "mode",
                format_func=lambda m: tr("Train now", "现在训练") if m == "live" else tr("Replay a recorded run", "回放录制的训练"))
if mode == "replay":
    with guard("replay"):
        replay_mode()
else:
    rec = jobs.current(RUN_KEY)
    controls(rec)
    jobs.live(RUN_KEY, render_live, every=0.5)
    rec = jobs.current(RUN_KEY)
    if rec is not None and not rec.running and rec.last is not None:
        after_run(rec)
