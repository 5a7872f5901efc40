"""Your images: a GAN trained on the visitor's own pictures, uploaded as a zip in the class-per-folder layout
(or, when the app runs locally, read from a folder on this computer).

The set is read by ``gan.folders`` (zips unpacked by ``gan.dataset_zip``), trained as a job of the Train
page's kind (``gan.jobs``, a worker process, ``dataset="folder:DIR"``) with the Train page's live view and
health warnings (``ui.train_view``); after the run: samples of every class, the checkpoint zip, and the
quality measurement (``ui.own_results``). Widget state uses the prefix ``own_``.
"""
from __future__ import annotations

from dataclasses import asdict

import streamlit as st

from gan import folders, hosted
from gan.jobs import limits
from gan.own_images import PRESETS, preset_for, run_config
from ui import jobs, own_images as data_view, own_results
from ui.errors import guard
from ui.i18n import md, settle_choice, tr
from ui.sidebar import presenting
from ui.train_view import computing_on, render_live

P = "own_"
TAG = data_view.TAG
BACKEND = "process"  # as the Train page: image training runs in a worker process
BUDGETS = (60, 120, 300, 600, 0)  # seconds; 0: a number of steps
AUGMENTS = {"translation": ("shift", "平移"), "cutout": ("cut-out", "挖空")}  # gan.augment.POLICIES
BUDGET_TEXT = {b: (f"{b // 60} minute" + ("s" if b > 60 else ""), f"{b // 60} 分钟") if b
               else ("a number of steps", "指定步数") for b in BUDGETS}  # as ui.train_view.budget_label
PRESET_TEXT = {
    "few-hundred": ("A few hundred pictures: 2 minutes, DiffAugment (shift and cut-out)",
                    "几百张图片：2 分钟，数据增强（平移和挖空）"),
    "few-thousand": ("A few thousand pictures: 5 minutes, no DiffAugment", "几千张图片：5 分钟，不做数据增强"),
    "quick-look": ("A quick look: 1 minute, DiffAugment (shift and cut-out)", "快速看一眼：1 分钟，数据增强（平移和挖空）"),
}


def settle() -> None:
    """The choice widgets' states as options again after a language switch (see ui.i18n.settle_choice);
    callbacks run before the script, so they call this too."""
    for key, texts in ((P + "preset", PRESET_TEXT), (P + "budget", BUDGET_TEXT), (P + "augment", AUGMENTS)):
        settle_choice(key, texts)


def apply_preset() -> None:
    """The preset's time budget and DiffAugment into the widgets (they stay editable)."""
    settle()
    ss = st.session_state
    name = ss.get(P + "preset", "few-hundred")
    if ss.get(P + "preset_applied") == name:  # the same preset in another language: keep the visitor's changes
        return
    ss[P + "preset_applied"] = name
    preset = PRESETS[name]
    ss[P + "budget"] = preset.seconds
    ss[P + "augment"] = [a for a in AUGMENTS if a in preset.augment.split(",")]


def defaults_for(data: folders.FolderData) -> None:
    """A newly chosen set starts with the preset for its size."""
    ss = st.session_state
    if ss.get(P + "defaults_for") != data.root or P + "preset" not in ss:  # (a widget's state goes when it is not drawn)
        ss[P + "defaults_for"] = data.root
        ss[P + "preset"] = preset_for(len(data.images))
        ss.pop(P + "preset_applied", None)
        apply_preset()


def augment_reason(n: int) -> None:
    on = bool(st.session_state.get(P + "augment"))
    small = n < folders.SMALL_SET
    if on and small:
        st.caption(tr(f"DiffAugment is on because the set is small ({n} pictures, fewer than {folders.SMALL_SET:,}): "
                      "with few pictures the discriminator soon learns them by heart and stops giving the generator "
                      "useful gradients. Random shifts and cut-outs of everything D sees, real and generated alike, "
                      "keep it from memorising (Zhao et al., 2020).",
                      f"数据增强已打开，因为数据集很小（{n} 张图片，少于 {folders.SMALL_SET:,} 张）：图片少时，判别器很快就会"
                      "把它们全部记住，不再给生成器有用的梯度。对 D 看到的所有图像（真实的和生成的一样）做随机平移和挖空，"
                      "可以防止它死记硬背（Zhao 等，2020）。"))
    elif small:
        st.caption(tr(f"DiffAugment is off: with {n} pictures the discriminator may learn them by heart; "
                      "the preset for a few hundred pictures turns it on.",
                      f"数据增强已关闭：只有 {n} 张图片，判别器可能会把它们全部记住；“几百张图片”预设会打开它。"))
    elif on:
        st.caption(tr("DiffAugment is on: random shifts or cut-outs of everything D sees, real and generated alike.",
                      "数据增强已打开：对 D 看到的所有图像（真实的和生成的一样）做随机平移或挖空。"))


def settings(data: folders.FolderData, running: bool) -> None:
    ss = st.session_state
    settle()  # the state may hold a label in the other language
    # labels worked out now, in the visitor's language (a format_func may be called outside this run, and on
    # a label of the other language before settle() has turned it back: it then gives that label back)
    presets, budgets = {p: tr(*PRESET_TEXT[p]) for p in PRESETS}, {b: tr(*BUDGET_TEXT[b]) for b in BUDGETS}
    augments = {a: tr(*AUGMENTS[a]) for a in AUGMENTS}
    st.selectbox(tr("Preset", "预设"), list(PRESETS), key=P + "preset", on_change=apply_preset, disabled=running,
                 format_func=lambda p: presets.get(p, str(p)))
    c1, c2, c3 = st.columns(3)
    c1.selectbox(tr("Train for", "训练时长"), BUDGETS, format_func=lambda b: budgets.get(b, str(b)), key=P + "budget", disabled=running)
    c2.number_input(tr("Steps", "步数"), min_value=1, max_value=1_000_000, value=300, step=50, key=P + "steps",
                    disabled=running or ss.get(P + "budget", 120) != 0)
    c3.multiselect(tr("Augment what D sees (DiffAugment)", "对 D 的输入做数据增强（DiffAugment）"), list(AUGMENTS),
                   key=P + "augment", disabled=running, format_func=lambda a: augments.get(a, str(a)))
    augment_reason(len(data.images))
    if not presenting():
        with st.expander(tr("More settings", "更多设置")):
            c1, c2, c3 = st.columns(3)
            c1.number_input(tr("Network width", "网络宽度"), min_value=4, max_value=128, value=32, step=4,
                            key=P + "width", disabled=running,
                            help=tr("Base channel count; smaller trains faster.", "基础通道数；越小训练越快。"))
            c2.number_input(tr("Samples every … steps", "每隔多少步采样"), min_value=1, max_value=10_000, value=25,
                            key=P + "sample_every", disabled=running)
            c3.number_input(tr("Seed", "随机种子"), min_value=0, max_value=99_999, value=0, key=P + "seed",
                            disabled=running)


def start_run(data: folders.FolderData, size: int) -> None:
    settle()
    ss = st.session_state
    budget = int(ss.get(P + "budget", 120))
    cap = limits()["max_steps"]
    steps = min(cap, int(ss.get(P + "steps", 300))) if not budget else cap
    cfg = run_config(data.root, data.n_classes, data.labelled, seconds=budget or None, steps=steps, image_size=size,
                     augment=",".join(a for a in AUGMENTS if a in ss.get(P + "augment", [])),
                     seed=int(ss.get(P + "seed", 0)), width=int(ss.get(P + "width", 32)),
                     sample_every=int(ss.get(P + "sample_every", 25)), log_every=max(1, min(10, steps // 30)))
    out = hosted.new_folder(hosted.runs_root(), jobs.owner())
    jobs.start(jobs.JobSpec("train", asdict(cfg), tag=TAG, out_dir=str(out)), backend=BACKEND)


def stop_run() -> None:
    jobs.control(jobs.watched(TAG), "stop")


def buttons(data: folders.FolderData | None, size: int, running: bool) -> None:
    computing_on()
    jobs.show_refusal()
    jobs.watching_caption(jobs.watched(TAG))
    b1, b2 = st.columns(2)
    b1.button(tr("Start", "开始"), key=P + "start", type="primary", disabled=running or data is None,
              on_click=start_run, args=(data, size), icon=":material/play_arrow:", width="stretch")
    b2.button(tr("Stop", "停止"), key=P + "stop", disabled=not running, on_click=stop_run, icon=":material/stop:",
              width="stretch")


def after_run(job: jobs.Job) -> None:
    if job.checkpoint is None:
        return
    with guard("samples"):
        own_results.samples_section(job)
    if jobs.is_mine(job):
        own_results.download_section(job)
    with guard("quality"):
        own_results.quality_section(job)


# --- page ---------------------------------------------------------------------------------------------

st.title(tr("Train on your own images", "用你自己的图片训练"))
st.markdown(md("own_images"))
job = jobs.watched(TAG)
running = job is not None and job.running
folder = data_view.source()
data_view.example_download()
size = st.select_slider(tr("Training size (px)", "训练尺寸（像素）"), options=list(folders.SIZES),
                        value=folders.DEFAULT_SIZE, key=P + "size", disabled=running)
data = data_view.load(folder, size) if folder is not None else None
if data is not None:
    defaults_for(data)
    data_view.summary(data, size)
    settings(data, running)
elif folder is None:
    st.info(tr("Upload a zip of your pictures to begin." if hosted.is_hosted() or st.session_state.get(P + "source") != "folder"
               else "Name a folder of your pictures to begin.",
               "上传图片 zip 即可开始。" if hosted.is_hosted() or st.session_state.get(P + "source") != "folder"
               else "填写图片所在的文件夹即可开始。"), icon=":material/upload:")
buttons(data, size, running)
jobs.live(lambda: [jobs.watched(TAG)], [(lambda: render_live(jobs.watched(TAG)), 0.5)])
job = jobs.watched(TAG)
if job is not None and not job.running:
    after_run(job)
