"""Train: an image GAN trained in a background job (a worker process) while the page polls it; or a
recorded run replayed.

The run belongs to the visitor (``ui.jobs``: an owner token kept in the browser), so a reload or a visit
to another page finds it again; ``?run=<id>`` lets others watch it. The worker writes checkpoints into
the run's folder (every minute and at the end); the Generate page offers the latest as "your run".
Widget state uses the prefix ``train_``.
"""
from __future__ import annotations

import os
import secrets
import tempfile
from dataclasses import asdict
from pathlib import Path

import streamlit as st

from gan import health, hub, replay, sampling, timelapse
from gan.data import CLASS_NAMES, DATASETS, DatasetMissing, available_datasets, data_root, load_images
from gan.jobs import limits
from gan.losses import LOSSES
from gan.plots.training import class_histogram_figure
from gan.train import BUDGETS_S, RECIPE, TrainConfig, recipe_config
from ui import jobs
from ui.checkpoint_upload import resume_section
from ui.errors import guard
from ui.i18n import md, settle_choice, settle_choices, tr
from ui.sidebar import for_screen, presenting
from ui.train_view import (budget_label, computing_on, finding_text, grid_width, loss_label, model_label,
                           render_live, replay_caption, replay_title, run_curves)

P = "train_"
TAG = "train"
BACKEND = "process"  # image training runs in a worker process (bench/jobs.py: the server stays responsive)
RUNS_DIR = Path(tempfile.gettempdir()) / "gan-studio-runs"
MODELS = ("cgan", "dcgan")
AUGMENTS = {"translation": ("shift", "平移"), "cutout": ("cut-out", "挖空")}  # gan.augment.POLICIES
INFO_CODE_DIM = 32  # InfoGAN codes enter G as a learned 32-d embedding (faster to take effect than a one-hot)
BATCHES = (16, 32, 64, 128, 256)


# --- cached resources -------------------------------------------------------------------------------

@st.cache_resource(show_spinner=False, max_entries=2)
def dataset_check(name: str, root: str) -> int:
    """Load the dataset once per process to check it is there (the worker loads its own copy)."""
    return len(load_images(name, root=root).images)


@st.cache_data(show_spinner=False, max_entries=4)
def recording(path: str, mtime: float) -> replay.Recording:
    return replay.load(path)


@st.cache_data(show_spinner=False, max_entries=8)
def gif(frames_key: str, _frames: list, duration_ms: int) -> bytes:
    return timelapse.gif_bytes(_frames, duration_ms=duration_ms, scale=2)


# --- starting, stopping, resuming --------------------------------------------------------------------

def config_from_widgets() -> tuple[TrainConfig, str | None]:
    """The run's config (the recipe of gan.train.RECIPE under the widgets), and a note when a server cap
    changed what was asked for."""
    ss = st.session_state
    budget = int(ss.get(P + "budget", BUDGETS_S[0]))  # seconds; 0: a number of steps
    cap = limits()["max_steps"]
    steps = int(ss.get(P + "steps", 300)) if not budget else cap
    note = None
    if steps > cap:
        note = tr(f"This server allows at most {cap} steps per run (GAN_MAX_STEPS); the run was capped.",
                  f"本服务器每次训练最多 {cap} 步（GAN_MAX_STEPS），已按上限截断。")
        steps = cap
    model = ss.get(P + "model", "cgan")
    cfg = recipe_config(model, ss.get(P + "dataset", "mnist"), loss=ss.get(P + "loss", RECIPE["loss"]),
                        lr_d=float(ss.get(P + "lr_d", RECIPE["lr_d"])), lr_g=float(ss.get(P + "lr_g", RECIPE["lr_g"])),
                        batch_size=int(ss.get(P + "batch", RECIPE["batch_size"])), n_critic=int(ss.get(P + "n_critic", 1)),
                        steps=steps, seconds=float(budget) if budget else None,
                        sample_every=int(ss.get(P + "sample_every", 25)),
                        log_every=max(1, min(10, steps // 30)), width=int(ss.get(P + "width", RECIPE["width"])),
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
        dataset_check(cfg.dataset, str(data_root()))
        cfg.validate()
    except DatasetMissing as e:
        notice("error", tr("The dataset is missing. ", "找不到数据集。") + str(e))
        return
    except ValueError as e:
        notice("error", tr("These settings cannot be trained: ", "这些设置无法训练：") + str(e))
        return
    out = RUNS_DIR / f"{jobs.owner()[:8]}-{secrets.token_hex(6)}"
    spec = jobs.JobSpec("train", asdict(cfg), tag=TAG, out_dir=str(out))
    jobs.start(spec, backend=BACKEND)
    st.session_state.pop(P + "lapse_pos", None)


def stop_run() -> None:
    jobs.control(jobs.watched(TAG), "stop")


def resume_run() -> None:
    job = jobs.watched(TAG)
    if job is None or job.checkpoint is None:
        return
    cap = limits()["max_steps"]
    step = job.checkpoint[1]
    total = job.total_steps
    budget = int(st.session_state.get(P + "budget", BUDGETS_S[0]))
    if step >= total:  # finished: train the chosen time or number of steps more
        if step >= cap:
            notice("info", tr(f"This run has reached the server's cap of {cap} steps (GAN_MAX_STEPS).",
                              f"这次训练已达到服务器上限 {cap} 步（GAN_MAX_STEPS）。"))
            return
        total = cap if budget else min(cap, step + int(st.session_state.get(P + "steps", 300)))
    folder = job.checkpoint[0]
    spec = jobs.JobSpec("train", {"steps": total, "seconds": float(budget) if budget else None}, tag=TAG,
                        resume_from=folder, out_dir=folder)
    if not jobs.is_mine(job):
        jobs.control(job, "resume")  # refused, with the message
        return
    jobs.start(spec, backend=BACKEND, replace=job)


# --- drawing ------------------------------------------------------------------------------------------

def controls(job: jobs.Job | None) -> None:
    running = job is not None and job.running
    adv = not presenting()
    settle_choices((P + "model", MODELS, model_label), (P + "budget", BUDGETS_S + (0,), budget_label),
                   (P + "loss", LOSSES, loss_label), (P + "augment", list(AUGMENTS), lambda a: tr(*AUGMENTS[a])))
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
    c1, c2, c3, c4 = st.columns(4) if adv else (*st.columns(2), *st.columns(2))  # (presenting: text is larger)
    c1.selectbox(tr("Train for", "训练时长"), BUDGETS_S + (0,), format_func=budget_label, key=P + "budget",
                 disabled=running)
    c2.number_input(tr("Steps", "步数"), min_value=1, max_value=1_000_000, value=300, step=50, key=P + "steps",
                    disabled=running or st.session_state.get(P + "budget", BUDGETS_S[0]) != 0)
    c3.selectbox(tr("Batch size", "批大小"), BATCHES, index=BATCHES.index(RECIPE["batch_size"]), key=P + "batch",
                 disabled=running)
    c4.selectbox(tr("Loss", "损失函数"), LOSSES, index=LOSSES.index(RECIPE["loss"]), format_func=loss_label,
                 key=P + "loss", disabled=running)
    if adv:
        with st.expander(tr("More settings", "更多设置")):
            c1, c2, c3 = st.columns(3)
            c1.number_input(tr("D learning rate", "D 学习率"), min_value=1e-6, max_value=1.0, value=RECIPE["lr_d"],
                            step=1e-4, format="%.5f", key=P + "lr_d", disabled=running)
            c2.number_input(tr("G learning rate", "G 学习率"), min_value=1e-6, max_value=1.0, value=RECIPE["lr_g"],
                            step=1e-4, format="%.5f", key=P + "lr_g", disabled=running)
            c3.number_input(tr("D steps per G step", "每步 G 对应的 D 步数"), min_value=1, max_value=10, value=1,
                            key=P + "n_critic", disabled=running)
            c1.number_input(tr("Network width", "网络宽度"), min_value=4, max_value=128, value=RECIPE["width"], step=4,
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
    computing_on()
    can_resume = job is not None and not running and job.checkpoint is not None
    show_notices()
    jobs.show_refusal()
    jobs.watching_caption(job)
    b1, b2, b3 = st.columns(3)
    b1.button(tr("Start", "开始"), key=P + "start", type="primary", disabled=running, on_click=start_run,
              icon=":material/play_arrow:", width="stretch")
    b2.button(tr("Stop", "停止"), key=P + "stop", disabled=not running, icon=":material/stop:", on_click=stop_run,
              width="stretch")
    b3.button(tr("Resume", "继续"), key=P + "resume", disabled=not can_resume, icon=":material/resume:",
              width="stretch", on_click=resume_run,
              help=tr("Continue a stopped run; after a finished run, train the chosen number of steps more.",
                      "继续已停止的训练；训练完成后，再按所选步数继续训练。"))


HIST_SAMPLES = 500


@st.cache_data(show_spinner=False, max_entries=16)
def class_counts(folder: str, step: int):
    """How many of HIST_SAMPLES fresh samples of the checkpoint the bundled MNIST classifier puts in each class."""
    return sampling.class_counts(hub.load_folder(folder), HIST_SAMPLES)


def class_section(job: jobs.Job) -> None:
    if job.spec.config.get("dataset", "mnist") != "mnist" or job.checkpoint is None:
        return
    folder, step = job.checkpoint
    try:
        counts = class_counts(folder, step)
    except hub.CheckpointError as e:
        st.caption(tr("The mode-collapse check needs the bundled MNIST classifier: ", "模式崩塌检查需要内置的 MNIST 分类器：")
                   + str(e))
        return
    st.subheader(tr("Which digits does it draw?", "它会画哪些数字？"))
    cond = job.spec.config.get("model") == "cgan"
    st.caption(tr(f"{HIST_SAMPLES} new samples sorted by the bundled MNIST classifier (only those it is at least "
                  "90% sure of are counted); the dashed line is the even share." + (" The labels asked for were uniform, so this also shows whether G obeys them."
                                   if cond else ""),
                  f"用内置 MNIST 分类器对 {HIST_SAMPLES} 个新样本分类（只统计它至少有 90% 把握的样本）；虚线是均匀分布时的比例。"
                  + ("请求的标签是均匀的，所以这也能看出 G 是否遵循标签。" if cond else "")))
    st.plotly_chart(for_screen(class_histogram_figure(counts, CLASS_NAMES["mnist"],
                                                      title=tr("Classes of generated samples", "生成样本的类别"))),
                    key=P + "class_hist")
    findings = health.check_classes(counts, step=step, n_samples=HIST_SAMPLES)  # counts: confident samples only
    for f in findings:
        st.warning(finding_text(f), icon=":material/health_and_safety:")
    sure = int(sum(counts))
    if not findings and sure < HIST_SAMPLES // 2:
        st.caption(tr(f"Only {sure} of {HIST_SAMPLES} samples look enough like digits for the classifier to be "
                      "trusted, so there is no verdict on mode collapse yet.",
                      f"{HIST_SAMPLES} 个样本中只有 {sure} 个像数字到足以让分类器的判断可信，所以还无法判断是否出现模式崩塌。"))
    elif not findings:
        st.caption(tr("No sign of mode collapse: the samples spread over the classes.",
                      "没有模式崩塌的迹象：样本分布在各个类别上。"))


def after_run(job: jobs.Job) -> None:
    """Time-lapse, class histogram, checkpoint download and Hub push for a run that has ended."""
    folder = Path(job.checkpoint[0]) if job.checkpoint else None
    with guard("class histogram"):
        class_section(job)
    if job.grids:
        st.subheader(tr("Time-lapse", "延时回放"))
        steps = [s for s, _ in job.grids]
        pos = st.select_slider(tr("Step", "步数"), options=steps, value=steps[-1], key=P + "lapse_pos")
        grid = dict(job.grids)[pos]
        st.image(grid, caption=tr(f"Samples at step {pos}", f"第 {pos} 步的样本"), width=grid_width(grid))
        frames = [g for _, g in replay.thin(job.grids, 60)]
        st.download_button(tr("Download the time-lapse (GIF)", "下载延时动画（GIF）"),
                           gif(f"{job.id}-{steps[-1]}-{len(steps)}", frames, 250),
                           file_name="gan-timelapse.gif", mime="image/gif", key=P + "gif")
    if folder is None or not jobs.is_mine(job):
        return
    st.subheader(tr("Save", "保存"))
    st.caption(tr(f"The generator (step {job.checkpoint[1]}) is now on the Generate page under “Your run”.",
                  f"生成器（第 {job.checkpoint[1]} 步）已出现在“生成”页面的“你的训练”中。"))
    st.download_button(tr("Download the checkpoint (zip)", "下载检查点（ZIP）"), hub.zip_checkpoint(folder),
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
    name = st.selectbox(tr("Recording", "录像"), list(found), key=P + "replay_name", format_func=replay_title)
    path = found[name]
    try:
        rec = recording(str(path), path.stat().st_mtime)
    except replay.RecordingError as e:
        st.error(str(e))
        return
    cfg = rec.config
    st.caption(replay_caption(name, rec.meta))
    steps = rec.grid_steps
    pos = st.select_slider(tr("Replay position (step)", "回放位置（步数）"), options=steps, value=steps[-1],
                           key=P + "replay_pos")
    upto = rec.history_upto(pos)
    if upto:
        c1, c2, c3 = st.columns(3)
        c1.metric("L_D", f"{upto[-1]['loss_d']:.3f}")
        c2.metric("L_G", f"{upto[-1]['loss_g']:.3f}")
        c3.metric("D(G(z))", f"{upto[-1]['d_fake']:.2f}")
    st.plotly_chart(for_screen(run_curves(rec.history, cfg.get("loss", "ns"), upto=pos)), key=P + "replay_curves")
    left, right = st.columns(2)
    step, grid = rec.grid_at(pos)
    left.image(grid, caption=tr(f"Samples at step {step}", f"第 {step} 步的样本"), width="stretch")
    data = gif(f"replay-{name}-{path.stat().st_mtime}", [g for _, g in rec.grids], 300)
    right.image(data, caption=tr("The whole run, animated", "整个训练过程（动画）"), width="stretch")
    st.download_button(tr("Download the animation (GIF)", "下载动画（GIF）"), data, file_name=f"{name}.gif",
                       mime="image/gif", key=P + "replay_gif")
    for f in health.check(rec.history_upto(pos), loss=cfg.get("loss", "ns")):
        st.warning(finding_text(f, cfg), icon=":material/health_and_safety:")


# --- page ---------------------------------------------------------------------------------------------

st.title(tr("Train an image GAN", "训练图像 GAN"))
st.markdown(md("train"))
settle_choice(P + "mode", {"live": ("Train now", "现在训练"), "replay": ("Replay a recorded run", "回放录制的训练")})
mode = st.radio(tr("Mode", "模式"), ["live", "replay"], horizontal=True, key=P + "mode",
                format_func=lambda m: tr("Train now", "现在训练") if m == "live" else tr("Replay a recorded run", "回放录制的训练"))
if mode == "replay":
    with guard("replay"):
        replay_mode()
else:
    job = jobs.watched(TAG)
    controls(job)
    resume_section(P, TAG, P + "steps")
    jobs.live(lambda: [jobs.watched(TAG)], [(lambda: render_live(jobs.watched(TAG)), 0.5)])
    job = jobs.watched(TAG)
    if job is not None and not job.running:
        after_run(job)
