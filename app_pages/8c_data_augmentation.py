"""Data augmentation: does a GAN trained on few labelled digits make a classifier trained on those digits
better? The bundled study (``checkpoints/data-augmentation/results.json``, made by
``bench/data_augmentation.py``) shows at once: accuracy on the held-out images with error bars over seeds,
the real images and cGAN samples of seed 0, and what the table shows (``content/<lang>/
data_augmentation.md``, numbers filled in from the table). The visitor can run one cell live (one number of
images per class, one seed, a time budget for the cGAN) as a job (``gan.jobs`` kind "augment-study", a
worker process); its result appears next to the table's. Widget state uses the prefix ``aug_``.
"""
from __future__ import annotations

from dataclasses import asdict

import streamlit as st

from gan.augmentation_study import RESULTS_DIR, CellConfig, data_problem, load_results
from ui import jobs
from ui.augmentation_view import explanation, figure, grids, how_made, live_result, progress_view, study_table
from ui.errors import guard
from ui.i18n import tr

P = "aug_"
TAG = "augment"
KIND = "augment-study"
BACKEND = "process"  # training runs in a worker process, like the Train page's
BUDGETS_S = (30, 60, 90)  # the cGAN's time budget in the live cell
MAX_SEED = 99


@st.cache_data(show_spinner=False)
def results(mtime: float) -> dict:
    return load_results()


@st.cache_data(show_spinner=False, ttl=300)
def missing_data() -> str | None:
    return data_problem()


def bundled() -> dict | None:
    path = RESULTS_DIR / "results.json"
    try:
        return results(path.stat().st_mtime)
    except (OSError, ValueError):
        st.error(tr("The bundled table is missing or damaged in this copy of the app "
                    "(checkpoints/data-augmentation/results.json).",
                    "此版本应用中的内置表格缺失或已损坏（checkpoints/data-augmentation/results.json）。"))
        return None


def bundled_grids(res: dict) -> None:
    sizes = sorted(res.get("grids", {}), key=int)
    if not sizes:
        return
    # plain numbers as options: a label that changes with the language would lose the choice in the browser
    pc = st.radio(tr("The grids below: real images per digit", "下方网格：每个数字的真实图像数"), sizes,
                  horizontal=True, key=P + "grid_pc")
    g = res["grids"][pc]
    real, samples = RESULTS_DIR / g["real"], RESULTS_DIR / g["samples"]
    grids(str(real) if real.is_file() else None, str(samples) if samples.is_file() else None, int(pc),
          tr(f" (seed {g['seed']})", f"（种子 {g['seed']}）"))


def start(per_class: int, seed: int, seconds: int, classic: bool) -> None:
    settings = ("real", "real+classic", "real+gan", "real+classic+gan") if classic else ("real", "real+gan")
    cfg = CellConfig(per_class=per_class, seed=seed, gan_seconds=float(seconds), settings=settings).validate()
    config = asdict(cfg)
    config["settings"] = list(cfg.settings)
    jobs.start(jobs.JobSpec(KIND, config, tag=TAG), backend=BACKEND)


def live_cell(res: dict) -> None:
    st.subheader(tr("Run one cell yourself", "自己运行一格"))
    st.markdown(tr(
        "One setting, one seed: the real images are drawn, a conditional GAN trains on them only (its time "
        "budget below), then the same classifier trains without and with its samples and is scored on the "
        "2,000 held-out images. The whole cell takes a few minutes on a CPU; the progress bar shows where it is.",
        "一种设置、一个种子：先抽取真实图像，再只用它们训练一个条件 GAN（时间预算见下），然后同一个分类器分别在不加和加入"
        "它的样本时训练，并在 2,000 张留出图像上评分。整格在 CPU 上需要几分钟；进度条会显示进行到哪一步。"))
    problem = missing_data()
    if problem:
        st.info(tr("The live cell needs MNIST's test images on this server: ", "运行需要服务器上有 MNIST 测试集图像：")
                + problem)
        return
    job = jobs.mine(TAG)
    running = job is not None and job.running
    c1, c2, c3 = st.columns(3)
    sizes = sorted({r["per_class"] for r in res["summary"]})
    per_class = c1.radio(tr("Real images per digit", "每个数字的真实图像数"), sizes, horizontal=True,
                         key=P + "per_class")
    seed = c2.number_input(tr("Seed", "随机种子"), 0, MAX_SEED, 3, key=P + "seed",
                           help=tr("Draws the real images and starts the networks. The table used seeds "
                                   f"{', '.join(map(str, res['seeds']))}.",
                                   "决定抽取哪些真实图像以及网络的初始值。表格用了种子 "
                                   f"{', '.join(map(str, res['seeds']))}。"))
    seconds = c3.select_slider(tr("cGAN time budget (s)", "条件 GAN 的时间预算（秒）"), BUDGETS_S, value=60,
                               key=P + "seconds")
    classic = st.checkbox(tr("Also classic augmentation (two more classifiers to train, so it takes longer)",
                             "同时比较经典数据增强（要多训练两个分类器，所以用时更长）"), key=P + "classic")
    b1, b2 = st.columns(2)
    if b1.button(tr("Run this cell", "运行这一格"), type="primary", key=P + "run", disabled=running,
                 icon=":material/play_arrow:"):
        start(int(per_class), int(seed), int(seconds), bool(classic))
        st.rerun()
    b2.button(tr("Stop", "停止"), key=P + "stop", disabled=not running,
              on_click=lambda: jobs.control(jobs.mine(TAG), "stop"))
    jobs.live(lambda: [jobs.mine(TAG)], [(lambda: progress_view(jobs.mine(TAG)), 1.0)])


st.title(tr("Data augmentation", "数据增强"))
st.markdown(tr(
    "Can a GAN make more training data? Here a classifier learns digits from only a few labelled images, "
    "with and without extra images from a conditional GAN that was trained on those same few images.",
    "GAN 能制造更多训练数据吗？这里一个分类器只从少量带标签的数字图像学习，分别在加入和不加入额外图像时训练；"
    "这些额外图像来自一个只用同样这几张图像训练的条件 GAN。"))

with guard("data augmentation"):
    res = bundled()
    if res is not None:
        st.subheader(tr("The bundled study", "内置实验"))
        placeholder = st.empty()  # the figure, drawn last: it marks a finished live run too
        study_table(res)
        how_made(res)
        bundled_grids(res)
        st.subheader(tr("What the table shows", "表格说明了什么"))
        explanation(res)
        live_cell(res)
        mine = live_result(jobs.mine(TAG), res["summary"])
        with placeholder.container():
            figure(res["summary"], live=mine)
        if mine is not None:
            st.caption(tr("The diamonds on the figure above are your run.", "上方图中的菱形标记是你的这次运行。"))
