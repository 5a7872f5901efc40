"""Generate: sample grids, conditional digits, latent walks and "ask the discriminator" (ui/ask_discriminator.py).

Generators come from the bundled checkpoints, the visitor's own training run (the latest checkpoint
its worker wrote, found through ``ui.jobs`` on any page, at once when the run ends) or a Hub repo id / local
folder. Session state uses the prefix ``gen_``; the Model zoo page sets ``gen_source_kind`` and
``gen_bundled`` / ``gen_hub_id`` before switching here.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import streamlit as st

from gan import hosted, hub, sampling, timelapse, zoo
from gan.hub import CheckpointError, HubError, LoadedGenerator
from gan.images import images_uint8, make_grid
from ui import jobs
from ui.ask_discriminator import discriminator_section
from ui.checkpoint_upload import uploader
from ui.hosted import hosted_text, removed_text
from ui.errors import guard
from ui.i18n import md, tr
from ui.seeds import seed_input
from ui.sidebar import presenting

P = "gen_"
ARCH_ZH = {"dcgan": "DCGAN（转置卷积 + 批归一化）", "cgan": "条件 DCGAN（标签嵌入；投影判别器）"}  # gan.zoo.ARCHITECTURE
TRAIN_TAG = "train"  # the Train page's jobs


# --- loading ------------------------------------------------------------------------------------------

@st.cache_resource(show_spinner=False, max_entries=8)
def load_cached(kind: str, source: str, stamp: float) -> LoadedGenerator:
    """One copy per process of each generator; ``stamp`` (the weights' mtime) reloads changed folders."""
    if kind in ("session", "upload"):
        return hub.load_folder(source, origin=kind, source=tr("your run", "你的训练") if kind == "session"
                               else tr("your upload", "你上传的检查点"))
    return hub.load_generator(source)


def _stamp(path: Path) -> float:
    try:
        weights = [path / n for n in hub.WEIGHT_FILES if (path / n).is_file()]
        return max((w.stat().st_mtime for w in weights), default=0.0) if path.is_dir() else 0.0
    except OSError:  # not a usable path (too long, no permission): load_generator explains
        return 0.0


def training_note(job) -> None:
    """While the visitor's run trains: where it is (this view refreshes; the page redraws when it ends)."""
    if job is None or not job.running:
        return
    ck = job.checkpoint
    st.info(tr(f"Your run is training (step {job.step} of {job.total_steps}); it appears here when it stops or "
               "finishes." + (f" Meanwhile, its checkpoint from step {ck[1]} is shown." if ck else ""),
               f"你的训练正在进行（第 {job.step} / {job.total_steps} 步）；停止或完成后会出现在这里。"
               + (f"在此之前显示第 {ck[1]} 步的检查点。" if ck else "")), icon=":material/model_training:")


def bundled_generators() -> list[zoo.ZooEntry]:
    return [e for e in zoo.catalog() if e.origin == "bundled"]


def architecture(e: zoo.ZooEntry) -> str:
    return tr(e.architecture, ARCH_ZH.get(e.family, e.architecture))


def choose_generator() -> LoadedGenerator | None:
    kinds = ["bundled", "session", "upload", "hub"]
    labels = {"bundled": tr("Bundled", "内置模型"), "session": tr("Your run", "你的训练"),
              "upload": tr("Upload a checkpoint", "上传检查点"),
              "hub": tr("Hub repo", "Hub 仓库") if hosted.is_hosted() else tr("Hub repo or folder", "Hub 仓库或文件夹")}
    # the choice outlives visits to other pages (Streamlit forgets the state of widgets not drawn)
    st.session_state.setdefault(P + "source_kind", st.session_state.get(P + "kind_saved", "bundled"))
    kind = st.radio(tr("Generator", "生成器"), kinds, format_func=labels.__getitem__, horizontal=True,
                    key=P + "source_kind")
    st.session_state[P + "kind_saved"] = kind
    try:
        if kind == "bundled":
            entries = bundled_generators()
            if not entries:
                st.info(tr("No bundled generators in this copy of the app. Train one on the Train page, or load "
                           "one from the Hub.", "此版本的应用没有内置生成器。可以在“训练”页面训练一个，或从 Hub 加载。"))
                return None
            names = [e.name for e in entries]
            if st.session_state.get(P + "bundled") not in names:  # first visit, or labels in a new language
                saved = st.session_state.get(P + "bundled_saved")
                st.session_state[P + "bundled"] = saved if saved in names else names[0]
            info = {e.name: e for e in entries}
            name = st.selectbox(tr("Bundled generator", "内置生成器"), names, key=P + "bundled",
                                format_func=lambda n: f"{n} · {architecture(info[n])} · {info[n].data}")
            st.session_state[P + "bundled_saved"] = name
            return load_cached("bundled", name, _stamp(hub.BUNDLED_DIR / name))
        if kind == "session":
            job = jobs.mine(TRAIN_TAG)
            if job is not None and job.running:
                jobs.live(lambda: [jobs.mine(TRAIN_TAG)], [(lambda: training_note(jobs.mine(TRAIN_TAG)), 1.0)])
            if job is None or job.checkpoint is None:
                if job is not None and hosted.removed_reason(job.spec.out_dir):
                    st.warning(removed_text(hosted.removed_reason(job.spec.out_dir)))
                elif job is None:
                    st.info(tr("No run of yours yet: train one on the Train page (it appears here when it "
                               "stops or finishes).", "你还没有训练：请在“训练”页面训练一个（停止或完成后会出现在这里）。"))
                return None
            path = Path(job.checkpoint[0])
            if not path.is_dir():
                st.warning(tr("Your run's checkpoint is no longer on the server; train again.",
                              "你的训练检查点已不在服务器上，请重新训练。"))
                return None
            return load_cached("session", str(path), _stamp(path))
        if kind == "upload":
            folder = uploader(P, tr("Checkpoint zip (from the Train page)", "检查点 zip（来自“训练”页面）"))
            return None if folder is None else load_cached("upload", str(folder), _stamp(folder))
        local = not hosted.is_hosted()
        text = st.text_input(tr("Hub repo id or local folder", "Hub 仓库 ID 或本地文件夹") if local
                             else tr("Hub repo id", "Hub 仓库 ID"), key=P + "hub_id",
                             placeholder="huggan/dcgan-mnist",
                             help=tr("A repo id such as huggan/dcgan-mnist (needs a connection)"
                                     + (", or a folder with `config.json` + `model.safetensors`." if local else "."),
                                     "例如 huggan/dcgan-mnist 这样的仓库 ID（需要联网）"
                                     + ("，或包含 `config.json` 与 `model.safetensors` 的文件夹。" if local else "。"))).strip()
        if not text:
            return None
        with st.spinner(tr("Loading…", "加载中…")):
            return load_cached("hub", text, _stamp(Path(text).expanduser()) if local else 0.0)
    except HubError as e:
        st.error(tr("Could not get the generator from the Hub: ", "无法从 Hub 获取生成器：") + str(e),
                 icon=":material/cloud_off:")
    except CheckpointError as e:
        st.error(tr("This checkpoint cannot be used: ", "此检查点无法使用：") + hosted_text(str(e)),
                 icon=":material/broken_image:")
    return None


def describe(g: LoadedGenerator) -> None:
    origin = {"bundled": tr("bundled", "内置"), "hub": "Hub", "session": tr("your run", "你的训练"),
              "local": tr("local folder", "本地文件夹"), "upload": tr("uploaded", "上传"),
              "bundled-fallback": tr("bundled copy", "内置副本")}
    params = sum(p.numel() for p in g.model.parameters())
    kind = tr("conditional", "条件") if g.conditional else tr("unconditional", "无条件")
    st.caption(f"**{g.source}** · {g.family} · {origin.get(g.origin, g.origin)} · {kind} · "
               f"{tr('latent', '隐变量')} {g.latent_dim} · {params / 1e6:.2f} M {tr('parameters', '参数')}")
    if g.note:
        st.info(g.note)


# --- helpers ------------------------------------------------------------------------------------------

def show(grid: np.ndarray, caption: str, file_name: str, key: str) -> None:
    st.image(grid, caption=caption, width=min(640, max(grid.shape[1] * 2, 160)))
    st.download_button(tr("Download PNG", "下载 PNG"), timelapse.png_bytes(grid), file_name=file_name,
                       mime="image/png", key=key, icon=":material/download:")


# --- sections -----------------------------------------------------------------------------------------

def grid_section(g: LoadedGenerator) -> None:
    n = st.slider(tr("Images", "图像数量"), 4, 64, 16, step=4, key=P + "n")
    seed = seed_input(P + "seed")
    images = sampling.generate(g, n, seed=seed)
    nrow = 10 if g.conditional and n % 10 == 0 else int(math.ceil(math.sqrt(n)))
    cap = tr(f"{n} samples, seed {seed}", f"{n} 个样本，种子 {seed}")
    if g.conditional:
        cap += tr(" (classes 0–9 in turn)", "（类别 0–9 依次循环）")
    show(make_grid(images, nrow=nrow), cap, f"samples-seed{seed}.png", P + "grid_png")


def code_section(g: LoadedGenerator) -> None:
    """InfoGAN: the categories the generator found without labels, one column per code."""
    k = sampling.n_codes(g)
    st.markdown(tr(f"This generator never saw a label. It was trained as an **InfoGAN**: its noise carries a code with "
                   f"{k} values, and the discriminator had to tell from each image which code made it. The codes "
                   "became categories on their own. Each **column** is one code; each **row** keeps the rest of the "
                   "noise the same.",
                   f"这个生成器从未见过标签。它按 **InfoGAN** 训练：噪声中带有一个有 {k} 种取值的类别码，判别器必须从每张"
                   "图像看出是哪个码生成了它。这些码自己变成了类别。每一**列**是一个码；每一**行**其余噪声保持不变。"))
    rows = st.slider(tr("Rows", "行数"), 1, 10, 4, key=P + "code_rows")
    seed = seed_input(P + "code_seed")
    images = sampling.code_grid(g, list(range(k)), rows, seed=seed)
    show(make_grid(images, nrow=k), tr(f"Columns: codes 0–{k - 1} · seed {seed}", f"各列：码 0–{k - 1} · 种子 {seed}"),
         f"codes-seed{seed}.png", P + "code_png")


def class_section(g: LoadedGenerator) -> None:
    if not g.conditional and sampling.n_codes(g):
        code_section(g)
        return
    if not g.conditional:
        st.info(tr("This generator is unconditional: it cannot be told which digit to draw. Pick a conditional one "
                   "(cgan) for this tab.", "这个生成器是无条件的，无法指定要画的数字。请选择条件生成器（cgan）。"))
        return
    st.markdown(tr("Each **column** is one class; each **row** keeps the same noise z across the columns, so a row "
                   "shows one *style* written as every class.",
                   "每一**列**是一个类别；每一**行**在各列中使用相同的噪声 z，所以同一行展示的是同一种*风格*写出的各个类别。"))
    classes = list(range(g.n_classes))
    digits = st.multiselect(tr("Digits (in this order)", "数字（按此顺序）"), classes, default=classes,
                            key=P + "digits")
    rows = st.slider(tr("Rows per digit", "每个数字的行数"), 1, 10, 4, key=P + "rows")
    seed = seed_input(P + "cond_seed")
    if not digits:
        st.warning(tr("Pick at least one digit.", "请至少选择一个数字。"))
        return
    images = sampling.class_grid(g, digits, rows, seed=seed)  # (rows * len(digits), C, H, W), row-major
    st.session_state[P + "class_labels"] = [d for _ in range(rows) for d in digits]
    show(make_grid(images, nrow=len(digits)),
         tr("Columns: ", "各列：") + ", ".join(str(d) for d in digits) + tr(f" · seed {seed}", f" · 种子 {seed}"),
         f"digits-{'-'.join(map(str, digits))}-seed{seed}.png", P + "class_png")


def walk_section(g: LoadedGenerator) -> None:
    st.markdown(tr("**Spherical interpolation** between the noise vectors of two seeds: the path stays where "
                   "Gaussian noise lives, so every frame is a plausible sample.",
                   "在两个种子的噪声向量之间做**球面插值**：路径始终位于高斯噪声所在的区域，因此每一帧都是合理的样本。"))
    c1, c2 = st.columns(2)
    with c1:
        a = seed_input(P + "walk_a", tr("Start seed", "起点种子"), 1)
    with c2:
        b = seed_input(P + "walk_b", tr("End seed", "终点种子"), 2)
    frames = st.slider(tr("Frames", "帧数"), 4, 32, 12, key=P + "walk_frames")
    label = None
    if g.conditional:
        label = st.selectbox(tr("Digit", "数字"), list(range(g.n_classes)), key=P + "walk_label")
    imgs = sampling.latent_walk(g, a, b, frames=frames, label=label)  # (frames, C, H, W)
    frames_u8 = list(images_uint8(imgs))
    st.image(timelapse.gif_bytes(frames_u8, duration_ms=120, scale=4 if imgs.shape[-1] <= 32 else 2),
             caption=tr(f"Seed {a} → seed {b}", f"种子 {a} → 种子 {b}"))
    show(make_grid(imgs, nrow=frames), tr("All frames", "全部帧"), f"walk-{a}-{b}.png", P + "walk_png")
    if presenting():
        return
    st.markdown(tr("**Move single latent dimensions** (starting from the z of the start seed):",
                   "**单独移动隐变量的某几个维度**（从起点种子的 z 出发）："))
    start = sampling.noise(1, g.latent_dim, a)[0].tolist()
    dims = min(3, g.latent_dim)
    cols = st.columns(dims)
    edits = {d: cols[d].slider(f"z[{d}]", -3.0, 3.0, float(round(start[d], 1)), 0.1, key=P + f"z{d}_{a}")
             for d in range(dims)}
    one = sampling.edited_sample(g, a, edits, label)
    st.image(timelapse.to_pil(one, scale=4 if one.shape[0] <= 32 else 2), caption=tr("Edited z", "修改后的 z"))


# --- page ---------------------------------------------------------------------------------------------

st.title(tr("Generate", "生成"))
st.markdown(md("generate"))
gen = choose_generator()
if gen is not None:
    describe(gen)
    tabs = st.tabs([tr("Grid", "网格"), tr("Digits", "指定数字"), tr("Latent walk", "隐空间漫步"),
                    tr("Ask the discriminator", "问问判别器")],
                   key=P + "tab", on_change="rerun")  # tracked: a drawing's rerun keeps its tab open
    for tab, section, what in zip(tabs, (grid_section, class_section, walk_section, discriminator_section),
                                  ("grid", "class grid", "latent walk", "discriminator")):
        with tab, guard(what):
            section(gen)
