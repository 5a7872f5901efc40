"""Style transfer on uploaded photos.

Three methods: the offline patch synthesis (``gan.style.offline``, method "patch": nearest style patches,
coarse to fine, with a nearest-patch critic) and the offline adversarial method (method "adversarial"),
both run as a background job in a worker process (``ui.jobs``: it survives widget changes, reloads and
page switches; live preview + progress bar + Stop), and pretrained CycleGAN / AnimeGANv2 generators from
the Hub (``gan.style.pretrained.load_style_model``, cached per process). Uploads are decoded in memory by
``gan.images.decode_image`` (JPEG, PNG, WebP, GIF's first frame, HEIC/HEIF). The result is shown beside
the photo it came from (``ui.style_view``), labelled when the content, style or method changed since; the
pretrained one is kept in ``st.session_state`` under the ``style_`` prefix, the offline one with its job.
"""
from __future__ import annotations

import time
from dataclasses import asdict

import streamlit as st

from gan.hub import CheckpointError, HubError
from gan.images import ImageError, decode_image, encode_png, format_names
from gan.style.offline import DEFAULT_STEPS, StyleConfig
from gan.style.presets import CONTENT_SAMPLES, STYLE_PRESETS, preset_image
from gan.style.pretrained import HUB_STYLES, StyleModel, apply_style_model, load_style_model
from ui import jobs
from ui.errors import guard
from ui.hosted import checked_upload, upload_limit
from ui.i18n import md, settle_choice, tr
from ui.style_view import (before_after, hub_style_text, inputs, offline_caption, png_of, preset_source,
                           pretrained_caption, progress_view)

P = "style_"
MAX_UPLOAD_BYTES = upload_limit("file")  # GAN_UPLOAD_MB: one limit for images and checkpoints (gan.hosted)
MAX_SIDE = 1024  # uploads are downscaled to this before anything else
UPLOAD_TYPES = ["jpg", "jpeg", "png", "webp", "gif", "heic", "heif"]
SIZES = [128, 256, 384, 512, 768, 1024]
TAG = "style"
BACKEND = "process"  # bench/jobs.py: a worker process keeps the server responsive while the method runs
METHOD_LABELS = {
    "offline": ("Patch synthesis (offline)", "图块合成（离线）"),
    "adversarial": ("Adversarial, trained now (offline)", "对抗式，现场训练（离线）"),
    "pretrained": ("Pretrained generator from the Hub", "来自 Hub 的预训练生成器"),
}

PRESET_ZH = {
    "mosaic": "彩色玻璃马赛克", "waves": "欧普艺术波纹", "brush": "印象派笔触", "dots": "波普网点",
    "marble": "大理石纹", "immunohistochemistry": "染色组织切片（scikit-image）",
    "hubble_deep_field": "哈勃深空（scikit-image）", "astronaut": "宇航员（scikit-image）",
    "pointillism": "点彩画", "watercolour": "水彩晕染", "ink": "水墨线条", "landscape": "风景（绘制）",
    "text": "印刷文字（scikit-image）", "shapes": "纯色几何图形",
    "chelsea": "猫（scikit-image）", "coffee": "咖啡（scikit-image）", "rocket": "火箭（scikit-image）",
}


def preset_label(name: str) -> str:
    p = STYLE_PRESETS.get(name) or CONTENT_SAMPLES[name]
    return tr(p.label, PRESET_ZH.get(name, p.label))


@st.cache_data(show_spinner=False, max_entries=32)
def preset_png(name: str, size: int = 256) -> bytes:
    return encode_png(preset_image(name, size))


@st.cache_resource(show_spinner=False, max_entries=4)
def load_pretrained(name: str) -> StyleModel:
    """One copy per process of each Hub generator (failures are not cached, so a retry can succeed)."""
    return load_style_model(name)


def pick_image(label: str, kind: str, presets: dict, default: str):
    """Radio preset/upload -> a decoded RGB image, or None after showing why not."""
    if f"{P}{kind}_src" in st.session_state:  # keep the choice ("Upload") through reruns that skip the widget
        st.session_state[f"{P}{kind}_src"] = st.session_state[f"{P}{kind}_src"]
    src = st.radio(label, ["preset", "upload"], horizontal=True, key=f"{P}{kind}_src",
                   format_func=lambda s: tr("Example", "示例") if s == "preset" else tr("Upload", "上传"))
    if src == "preset":
        name = st.selectbox(tr("Example image", "示例图像"), list(presets), index=list(presets).index(default),
                            format_func=preset_label, key=f"{P}{kind}_preset")
        st.caption(preset_source(name, presets[name].source))
        return decode_image(preset_png(name))
    up = st.file_uploader(format_names(), type=UPLOAD_TYPES, key=f"{P}{kind}_upload")
    if up is None:
        st.info(tr("Choose a photo to upload.", "请选择要上传的照片。"))
        return None
    try:
        return decode_image(checked_upload(up), max_side=MAX_SIDE, max_bytes=MAX_UPLOAD_BYTES)
    except ImageError as e:
        st.error(tr("This file cannot be used: ", "这个文件无法使用：") + str(e))
        return None


def offline_result() -> dict | None:
    """The visitor's finished offline job as a result (PNG bytes, before, caption, inputs), or None."""
    job = jobs.mine(TAG)
    if job is None or job.running or job.status != "done" or job.image is None:
        return None
    if "png" not in job.extra:
        job.extra["png"] = encode_png(job.image)
        job.extra["before"] = png_of(job.spec.payload["content"], job.image.size)
        critic = getattr(job.last, "critic", None)
        job.extra["critic"] = encode_png(critic) if critic is not None else None
    return {"png": job.extra["png"], "before": job.extra["before"], "critic": job.extra["critic"],
            "created": job.created, "caption": offline_caption(job), "inputs": job.extra.get("inputs", {})}


def show_result(current: dict) -> None:
    results = [r for r in (st.session_state.get(P + "result"), offline_result()) if r]
    if not results:
        st.caption(tr("The result will appear here, beside the photo it was made from.",
                      "结果会显示在这里，旁边是生成它的照片。"))
        return
    result = max(results, key=lambda r: r.get("created", 0.0))  # the newest of the methods
    if "name" in result:
        result = {**result, "caption": pretrained_caption(result)}
    before_after(result, current)


def run_offline(method: str, content, style_img, current: dict) -> None:
    c1, c2, c3 = st.columns(3)
    size = c1.select_slider(tr("Size (longest side, px)", "尺寸（长边，像素）"), SIZES, value=512, key=P + "size")
    seed = c3.number_input(tr("Seed", "随机种子"), 0, 9999, 0, key=P + "seed")
    if method == "offline":
        steps = c2.slider(tr("Iterations", "迭代次数"), 3, 30, DEFAULT_STEPS["patch"], key=P + "iters",
                          help=tr("Rounds of matching every patch to its nearest style patch, coarse to fine.",
                                  "从粗到细，每轮把每个图块换成最近的风格图块。"))
        cw = st.slider(tr("Content weight", "内容权重"), 0.0, 3.0, StyleConfig.content_weight, 0.1, key=P + "cw",
                       help=tr("How strongly the photo's edges pull the result back toward the photo.",
                               "照片的边缘把结果拉回照片的力度。"))
        cfg = StyleConfig(size=int(size), steps=int(steps), method="patch", content_weight=float(cw), seed=int(seed))
    else:
        steps = c2.slider(tr("Steps", "步数"), 10, 400, 150, step=10, key=P + "steps")
        c4, c5 = st.columns(2)
        adv = c4.slider(tr("Adversarial weight", "对抗损失权重"), 0.0, 2.0, StyleConfig.adv_weight, 0.05,
                        key=P + "adv", help=tr("How hard the image tries to fool the patch discriminator.",
                                               "图像多努力地去骗过小块判别器。"))
        sw = c5.slider(tr("Style weight", "风格权重"), 0.0, 10.0, StyleConfig.style_weight, 0.5, key=P + "sw",
                       help=tr("Match the texture statistics (Gram matrices) of the style image.",
                               "匹配风格图像的纹理统计量（Gram 矩阵）。"))
        cfg = StyleConfig(size=int(size), steps=int(steps), method="adversarial", adv_weight=float(adv),
                          style_weight=float(sw), seed=int(seed))
    cfg.preview_every = max(1, cfg.steps // 15)
    job = jobs.mine(TAG)
    running = job is not None and job.running
    b1, b2 = st.columns(2)
    # the click's return value, not a callback: a callback would see the images and settings of the run before
    if b1.button(tr("Stylize", "开始风格迁移"), type="primary", key=P + "run", disabled=style_img is None or running):
        spec = jobs.JobSpec("style", asdict(cfg), tag=TAG, payload={"content": content, "style": style_img})
        started = jobs.start(spec, backend=BACKEND)
        if started is not None:
            started.extra["inputs"] = current
        st.rerun()
    b2.button(tr("Stop", "停止"), key=P + "stop", disabled=not running, on_click=lambda: jobs.control(jobs.mine(TAG), "stop"))
    jobs.live(lambda: [jobs.mine(TAG)], [(lambda: progress_view(jobs.mine(TAG)), 0.5)])


def run_pretrained(content, current: dict) -> None:
    names = list(HUB_STYLES)
    name = st.selectbox(tr("Pretrained generator", "预训练生成器"), names, key=P + "hub_name")
    h = HUB_STYLES[name]
    st.markdown(hub_style_text(h)
                + (tr("Repo and file name checked against a public source.", "仓库与文件名已对照公开来源核实。")
                   if h.verified else tr("Repo and file name not checked against a public source yet.",
                                         "仓库与文件名尚未对照公开来源核实。")))
    size = st.select_slider(tr("Size (longest side, px)", "尺寸（长边，像素）"), [*SIZES, 512],
                            value=min(h.size, 384), key=P + "hub_size")
    if not st.button(tr("Apply the generator", "应用生成器"), type="primary", key=P + "hub_run"):
        return
    try:
        with st.spinner(tr("Downloading and loading the generator…", "正在下载并加载生成器…")):
            sm = load_pretrained(name)
    except HubError as e:
        st.error(tr("The Hub cannot be used right now: ", "现在无法使用 Hub：") + str(e))
        st.info(tr("The offline method on this page needs no download and still works.",
                   "本页的离线方法不需要下载，仍然可以使用。"))
        return
    except CheckpointError as e:
        st.error(tr("These weights cannot be used: ", "这些权重无法使用：") + str(e))
        return
    with st.spinner(tr("Running the generator…", "正在运行生成器…")):
        img = apply_style_model(sm.model, content, int(size))
    st.session_state[P + "result"] = {"png": encode_png(img), "before": png_of(content, img.size), "name": sm.name,
                                      "direction": sm.direction, "created": time.time(), "inputs": current}


st.title(tr("Style transfer", "风格迁移"))
with st.expander(tr("How it works", "原理说明")):
    st.markdown(md("style_transfer"))

with guard("style transfer"):
    settle_choice(P + "method", METHOD_LABELS)  # the choice stays after a language switch
    for kind in ("content", "style"):
        settle_choice(f"{P}{kind}_src", {"preset": ("Example", "示例"), "upload": ("Upload", "上传")})
    method = st.radio(tr("Method", "方法"), list(METHOD_LABELS), horizontal=True, key=P + "method",
                      format_func=lambda m: tr(*METHOD_LABELS[m]))
    col_c, col_s = st.columns(2)
    with col_c:
        st.subheader(tr("Content", "内容"))
        content = pick_image(tr("Content photo", "内容照片"), "content", CONTENT_SAMPLES, "astronaut")
        if content is not None:
            st.image(content, width="stretch")
    with col_s:  # shown for every method, so an uploaded style stays chosen while another method is tried
        st.subheader(tr("Style", "风格"))
        if method == "pretrained":
            st.caption(tr("Not used now: a pretrained generator carries its style in its weights.",
                          "现在不使用：预训练生成器的风格存在它的权重里。"))
        style_img = pick_image(tr("Style image", "风格图像"), "style", STYLE_PRESETS, "brush")
        if style_img is not None:
            st.image(style_img, width="stretch")
    if content is None:
        st.stop()
    current = inputs(content, style_img, method)
    if method == "pretrained":
        run_pretrained(content, current)
    else:
        run_offline(method, content, style_img, current)
    st.subheader(tr("Result", "结果"))
    show_result(current)
