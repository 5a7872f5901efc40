"""Super-resolution: MNIST digits from 7x7 (or 14x14) back to 28x28 three ways, side by side: bicubic,
a small CNN trained with L1 only, and the same CNN trained with L1 + an adversarial loss (SRGAN's idea).

Two sources: the bundled pair (``checkpoints/superres-mnist``, shown at once) and the visitor's own run,
which trains both networks in a worker process through ``gan.jobs`` (engine "superres", ``ui.jobs``:
it survives reloads and page switches; live preview, sharpness curve, Stop). Figures (sharpness as
mean gradient energy, PSNR, the bundled classifier's accuracy) are measured on the held-out MNIST digits
[8000, 10000) by ``gan.superres``; the views are in ``ui.superres_view``. Session keys start with ``sr_``.
"""
from __future__ import annotations

from dataclasses import asdict

import streamlit as st

from gan import superres as sr
from gan.data import DatasetMissing
from gan.hub import CheckpointError
from gan.jobs import limits
from ui import jobs
from ui.errors import guard
from ui.i18n import md, tr
from ui.superres_view import differences, figures, label, live_view, side_by_side

P = "sr_"
TAG = "superres"
BACKEND = "process"  # heavy convolutions: a worker process keeps the server responsive (as image training)
N_DIGITS = 5  # digits per column
STEP_CHOICES = [200, 400, 600, 1000, 2000, 3000]
SOURCES = {"bundled": ("Bundled networks (shown at once)", "内置网络（立即显示）"),
           "run": ("Your run (train both now)", "你的训练（现在训练两个网络）")}


@st.cache_resource(show_spinner=False)
def data_problem() -> str | None:
    """None when the held-out MNIST digits can be read, else why not (once per process)."""
    try:
        sr.held_out(1)
        return None
    except (DatasetMissing, ValueError) as e:
        return str(e)


def keep_choice(key: str) -> None:
    """Re-set a radio's value before drawing it: after a language switch (a new label) the browser would
    otherwise show none of its options as chosen."""
    if key in st.session_state:
        st.session_state[key] = st.session_state[key]


def bundled() -> dict:
    """The bundled pair (loaded once per process) with the figures recorded when it was trained."""
    return {"pair": sr.load_bundled(), **sr.recorded()}


def run_result(job) -> dict | None:
    """The pair of this visitor's finished (or stopped) run, with its figures, kept with the job."""
    if job is None or job.running or job.last is None or getattr(job.last, "result", None) is None:
        return None
    if "view" not in job.extra:
        pair = sr.pair_from_result(job.last.result)
        job.extra["view"] = {"pair": pair, "metrics": job.last.result["metrics"],
                             "examples": job.last.result["examples"]}
    return job.extra["view"]


def start_run(cfg: sr.SRConfig) -> None:
    try:
        cfg.validate()
    except ValueError as e:
        st.session_state[P + "notice"] = tr("These settings cannot be trained: ", "这些设置无法训练：") + str(e)
        return
    jobs.start(jobs.JobSpec("superres", asdict(cfg), tag=TAG), backend=BACKEND)


def run_section() -> dict | None:
    """Settings, Start/Stop and the live view of this visitor's run; its result once it has one."""
    job = jobs.mine(TAG)
    running = job is not None and job.running
    c1, c2 = st.columns(2)
    cap = limits()["max_steps"]  # GAN_MAX_STEPS: this server's limit per run
    options = [s for s in STEP_CHOICES if s <= cap] or [cap]
    steps = c1.select_slider(tr("Steps", "步数"), options, value=max([s for s in options if s <= 600] or options[:1]),
                             key=P + "steps", disabled=running,
                             help=tr("Both networks take this many steps, on the same batches of 32 digits.",
                                     "两个网络都训练这么多步，使用同样的批次（每批 32 个数字）。"))
    adv = c2.slider(tr("Adversarial weight", "对抗损失权重"), 0.0, 1.0, sr.SRConfig.adv_weight, 0.05,
                    key=P + "adv", disabled=running,
                    help=tr("The second network's loss is L1 + this × the adversarial loss. At 0 the two networks "
                            "get the same updates.", "第二个网络的损失是 L1 + 此权重 × 对抗损失。为 0 时两个网络得到相同的更新。"))
    c3, c4 = st.columns(2)
    keep_choice(P + "scale")
    scale = c3.radio(tr("Input size", "输入尺寸"), [4, 2], horizontal=True, key=P + "scale", disabled=running,
                     format_func=lambda s: f"{sr.SIDE // s} × {sr.SIDE // s}")
    seed = c4.number_input(tr("Seed", "随机种子"), 0, 9999, 0, key=P + "seed", disabled=running)
    cfg = sr.SRConfig(steps=int(steps), adv_weight=float(adv), scale=int(scale), seed=int(seed))
    b1, b2 = st.columns(2)
    if b1.button(tr("Train both networks", "训练两个网络"), type="primary", key=P + "start", disabled=running):
        start_run(cfg)
        st.rerun()
    b2.button(tr("Stop", "停止"), key=P + "stop", disabled=not running,
              on_click=lambda: jobs.control(jobs.mine(TAG), "stop"))
    notice = st.session_state.pop(P + "notice", None)
    if notice:
        st.error(notice)
    if job is None:
        st.caption(tr("Nothing trained yet. A run trains on the server: it keeps going while you visit other pages.",
                      "还没有训练。训练在服务器上进行：你浏览其他页面时它会继续。"))
    jobs.live(lambda: [jobs.mine(TAG)], [(lambda: live_view(jobs.mine(TAG)), 0.5)])
    return run_result(jobs.mine(TAG))


def comparison(view: dict) -> None:
    pair, metrics = view["pair"], view["metrics"]
    scale = pair.cfg.scale
    st.subheader(tr("Side by side", "并排比较"))
    first = st.number_input(tr("Held-out digits from number", "从第几个留出数字开始"), 0, 2000 - N_DIGITS, 0,
                            step=N_DIGITS, key=P + "first",
                            help=tr("0 is image 8,000 of the MNIST test file, the first digit never trained on.",
                                    "0 是 MNIST 测试文件的第 8,000 张图像，即第一个从未用于训练的数字。"))
    side_by_side(sr.comparison(pair, list(range(int(first), int(first) + N_DIGITS))), scale)
    st.subheader(tr("Figures on all 2,000 held-out digits", "全部 2,000 个留出数字上的结果"))
    figures(metrics)
    examples = view["examples"]
    differences(examples, sr.comparison(pair, [e["index"] for e in examples]), scale)


st.title(tr("Super-resolution", "超分辨率"))
st.markdown(tr("From a 7×7 digit back to 28×28: a blurry average (L1 only) or a sharp, plausible answer "
               "(L1 + adversarial)?", "从 7×7 的数字放大回 28×28：得到模糊的平均（仅 L1），还是清晰而合理的答案（L1 + 对抗）？"))
with st.expander(tr("How it works", "原理说明")):
    st.markdown(md("super_resolution"))

with guard("super-resolution"):
    keep_choice(P + "source")
    source = st.radio(tr("Networks", "网络"), list(SOURCES), horizontal=True, key=P + "source",
                      format_func=lambda s: tr(*SOURCES[s]))
    problem = data_problem()
    if problem is not None:
        st.error(tr("The MNIST digits are not here, so nothing can be shown or trained: ", "找不到 MNIST 数字，"
                    "因此无法显示或训练：") + problem)
        if source == "bundled":
            st.caption(tr("The figures recorded when the bundled networks were trained:", "内置网络训练时记录的结果："))
            figures(sr.recorded()["metrics"])
        st.stop()
    if source == "run":
        view = run_section()
    else:
        try:
            view = bundled()
        except CheckpointError as e:
            st.error(tr("The bundled networks cannot be loaded: ", "无法加载内置网络：") + str(e))
            st.stop()
        info = view["pair"].info
        st.caption(tr(f"Trained by this project on the CPU: {info.get('steps'):,} steps, "
                      f"{info.get('seconds', 0) / 60:.0f} min on 2 shared cores.",
                      f"由本项目在 CPU 上训练：{info.get('steps'):,} 步，在 2 个共享核心上用时 "
                      f"{info.get('seconds', 0) / 60:.0f} 分钟。"))
    if view is not None:
        comparison(view)
