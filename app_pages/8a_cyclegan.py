"""CycleGAN: unpaired translation between two domains, with the cycle that makes it possible.

Three parts: the bundled recordings (the run that made the bundled weights and the same run with the cycle loss's
weight at 0, side by side, at once), a run trained here (a job of kind "cycle": a thread for the 2D points, a
worker process for the digits; pause and stop), and the bundled networks on samples they never saw. The math is
in ``gan.cycle``, the figures in ``gan.plots.cycle``, the views in ``ui.cyclegan_view``.
"""
from __future__ import annotations

from dataclasses import asdict

import streamlit as st

from gan.cycle import bundled
from gan.cycle.domains import PAIRS
from gan.cycle.replay import RecordingError
from gan.cycle.train import PRESETS, default_config
from gan import hosted, hub
from gan.hub import CheckpointError
from ui import jobs
from ui.cyclegan_view import P, live, new_samples, pair_label, recorded, side_label
from ui.errors import guard
from ui.i18n import md, tr
from ui.sidebar import presenting

# as gan.jobs does per kind (bench/jobs.py): convolutions on digits in a worker process (nice 10, off the server's
# GIL), four tiny MLPs in a thread, like the playground
BACKEND = {"points": "thread", "images": "process"}
IDLE_STOP_S = 120.0  # a run nobody has looked at for this long stops itself (frees the job slot)
POLL_S = 0.5
STEPS = {"points": (100, 3000, 100), "images": (50, 1500, 50)}  # min, max, step of the Steps slider


def tag(pair: str) -> str:
    return f"cyclegan:{pair}"


@st.cache_resource(show_spinner=False)
def recordings(pair: str):
    return bundled.replay(pair, True), bundled.replay(pair, False)


@st.cache_data(show_spinner=False, max_entries=32)
def tried(pair: str, seed: int, n: int) -> dict:
    return bundled.try_bundled(pair, seed, n)


def recorded_section(pair: str, side: str) -> None:
    st.subheader(tr("The recorded runs", "录制的训练"))
    try:
        rec_on, rec_off = recordings(pair)
    except RecordingError as e:
        st.warning(tr("The recordings of this pair cannot be read: ", "无法读取这组域的录制：") + str(e))
        return
    steps = rec_on.steps
    meta = rec_on.meta
    st.caption(tr(f"The run that made the bundled weights ({meta.get('steps')} steps, {meta.get('seconds')} s on a "
                  "CPU) and the same run with the cycle loss switched off, played back: no training needed.",
                  f"生成内置权重的那次训练（{meta.get('steps')} 步，CPU 上用时 {meta.get('seconds')} 秒），以及关闭循环一致性"
                  "损失的同一次训练，直接回放：无需训练。"))
    step = st.select_slider(tr("Step", "步"), steps, value=steps[-1], key=P + "rec_step_" + pair)
    recorded(rec_on, rec_off, pair, side, step)


def train_section(pair: str, side: str) -> None:
    st.subheader(tr("Train it here", "在这里训练"))
    kind = PAIRS[pair].kind
    preset = default_config(pair)
    job = jobs.mine(tag(pair))
    running = job is not None and job.running
    lo, hi, inc = STEPS[kind]
    c = st.columns(4)
    steps = c[0].slider(tr("Steps", "步数"), lo, hi, preset.steps, inc, key=P + "steps_" + pair)
    cycle_w = c[1].slider(tr("Cycle weight", "循环权重"), 0.0, 20.0, preset.cycle_weight, 0.5, key=P + "cycle_" + pair,
                          help=tr("Weight of |F(G(x)) − x| + |G(F(y)) − y|. At 0 nothing ties G(x) to x.",
                                  "|F(G(x)) − x| + |G(F(y)) − y| 的权重。为 0 时，没有任何东西把 G(x) 和 x 联系起来。"))
    ident_w = c[2].slider(tr("Identity weight", "恒等权重"), 0.0, 5.0, preset.identity_weight, 0.1,
                          key=P + "ident_" + pair,
                          help=tr("Weight of |G(y) − y| + |F(x) − x| (measured and drawn even at 0).",
                                  "|G(y) − y| + |F(x) − x| 的权重（为 0 时也会计算并画出）。"))
    seed = c[3].number_input(tr("Seed", "随机种子"), 0, 9999, 0, key=P + "seed_" + pair)
    b = st.columns([1, 1, 1, 3])
    if b[0].button(tr("Start", "开始"), type="primary", key=P + "start", disabled=running, icon=":material/play_arrow:"):
        cfg = default_config(pair, steps=int(steps), cycle_weight=float(cycle_w), identity_weight=float(ident_w),
                             seed=int(seed))
        out = hosted.new_folder(hosted.runs_root(), jobs.owner())  # the weights, saved as it goes and at the end
        spec = jobs.JobSpec("cycle", asdict(cfg), tag=tag(pair), idle_stop_s=IDLE_STOP_S, out_dir=str(out))
        if jobs.start(spec, backend=BACKEND[kind]) is not None:
            st.rerun()
    paused = running and job.paused
    if b[1].button(tr("Resume", "继续") if paused else tr("Pause", "暂停"), key=P + "pause", disabled=not running,
                   icon=":material/play_arrow:" if paused else ":material/pause:"):
        jobs.control(job, "resume" if paused else "pause")
        st.rerun()
    if b[2].button(tr("Stop", "停止"), key=P + "stop", disabled=not running, icon=":material/stop:"):
        jobs.control(job, "stop")
        st.rerun()
    jobs.show_refusal()
    if kind == "images":
        st.caption(tr("The digits train in a separate worker process; the first snapshot appears once it has started.",
                      "数字在一个单独的工作进程中训练；进程启动后会出现第一张快照。"))

    def view() -> None:
        with guard("cyclegan live"):
            live(jobs.mine(tag(pair)), pair, side)

    jobs.live(lambda: [jobs.mine(tag(pair))], [(view, POLL_S)])
    if job is not None and not job.running and job.checkpoint:
        download(job)


def download(job: jobs.Job) -> None:
    """The finished or stopped run's four networks as a zip."""
    folder, step = job.checkpoint
    try:
        data = hub.zip_checkpoint(folder)
    except OSError:  # the folder was cleaned up (hosted mode's idle sweep)
        st.caption(tr("This run's files are no longer on the server.", "这次训练的文件已不在服务器上。"))
        return
    st.download_button(tr(f"Download the networks (zip, step {step})", f"下载网络（zip，第 {step} 步）"), data,
                       file_name=f"gan-studio-cyclegan-{job.spec.config.get('pair', 'run')}.zip",
                       mime="application/zip", key=P + "download", icon=":material/download:")
    st.caption(tr("config.json, model.safetensors (G, F, D_X and D_Y) and a model card. Unzipped, "
                  "`gan.cycle.train.load_model(FOLDER)` loads them in Python.",
                  "包含 config.json、model.safetensors（G、F、D_X 和 D_Y）和模型卡。解压后，在 Python 中用 "
                  "`gan.cycle.train.load_model(FOLDER)` 加载。"))


def try_section(pair: str, side: str) -> None:
    st.subheader(tr("The bundled networks on new samples", "内置网络处理新样本"))
    kind = PAIRS[pair].kind
    st.caption(tr("Fresh points drawn with this seed." if kind == "points" else
                  "Digits of the test split's second half: their thin versions were never in X.",
                  "用这个随机种子新抽取的点。" if kind == "points" else "测试集后一半中的数字：它们的细笔画版本从未出现在 X 中。"))
    seed = st.number_input(tr("Seed of the samples", "样本的随机种子"), 0, 9999, 1, key=P + "try_seed_" + pair)
    try:
        snap = tried(pair, int(seed), 200 if kind == "points" else 8)
    except (CheckpointError, FileNotFoundError) as e:
        st.warning(tr("The bundled networks cannot be used: ", "无法使用内置网络：") + str(e))
        return
    new_samples(snap, pair, side)


st.title(tr("CycleGAN: translation without pairs", "CycleGAN：不成对的转换"))
st.caption(tr("Two generators learn to translate between two domains from unpaired samples; the cycle "
              "x → G(x) → F(G(x)) must come back to x.",
              "两个生成器从不成对的样本中学习在两个域之间转换；循环 x → G(x) → F(G(x)) 必须回到 x。"))
with st.expander(tr("Why the cycle makes unpaired training possible", "为什么循环让不成对的训练成为可能"),
                 expanded=presenting()):
    st.markdown(md("cyclegan"))

with guard("cyclegan"):
    c1, c2 = st.columns([2, 1])
    if P + "pair" in st.session_state:  # keep the choice shown when the language (the options' labels) changes
        st.session_state[P + "pair"] = st.session_state[P + "pair"]
    pair = c1.radio(tr("Domains", "域"), list(PRESETS), format_func=pair_label, key=P + "pair", horizontal=True)
    side = c2.radio(tr("Direction", "方向"), ["x", "y"], format_func=side_label, key=P + "side", horizontal=True)
    recorded_section(pair, side)
    train_section(pair, side)
    try_section(pair, side)
