"""Style transfer on uploaded photos.

Two methods: the offline adversarial patch method (``gan.style.offline.stylize_iter``, trained here and now,
nothing downloaded), run as a background job in a worker process (``ui.jobs``: it survives widget changes,
reloads and page switches; live preview + progress bar), and pretrained CycleGAN / AnimeGANv2 generators
from the Hub (``gan.style.pretrained.load_style_model``, cached per process). Uploads are decoded in memory
by ``gan.images.decode_image``; the pretrained result is kept as PNG bytes in ``st.session_state`` under the
``style_`` prefix, the offline one with its job.
"""
from __future__ import annotations

import time
from dataclasses import asdict

import streamlit as st

from gan.hub import CheckpointError, HubError
from gan.images import ImageError, decode_image, encode_png
from gan.style.offline import StyleConfig
from gan.style.presets import CONTENT_SAMPLES, STYLE_PRESETS, preset_image
from gan.style.pretrained import HUB_STYLES, StyleModel, apply_style_model, load_style_model
from ui import jobs
from ui.errors import guard
from ui.hosted import checked_upload, upload_limit
from ui.i18n import md, tr

P = "style_"
MAX_UPLOAD_BYTES = upload_limit("file")  # GAN_UPLOAD_MB: one limit for images and checkpoints (gan.hosted)
MAX_SIDE = 1024  # uploads are downscaled to this before anything else
UPLOAD_TYPES = ["jpg", "jpeg", "png", "webp"]
SIZES = [128, 192, 256, 384]
TAG = "style"
BACKEND = "process"  # bench/jobs.py: a worker process keeps the server responsive while the method runs

PRESET_ZH = {
    "mosaic": "彩色玻璃马赛克", "waves": "欧普艺术波纹", "brush": "印象派笔触", "dots": "波普网点",
    "marble": "大理石纹", "immunohistochemistry": "染色组织切片（scikit-image）",
    "hubble_deep_field": "哈勃深空（scikit-image）", "astronaut": "宇航员（scikit-image）",
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
    src = st.radio(label, ["preset", "upload"], horizontal=True, key=f"{P}{kind}_src",
                   format_func=lambda s: tr("Example", "示例") if s == "preset" else tr("Upload", "上传"))
    if src == "preset":
        name = st.selectbox(tr("Example image", "示例图像"), list(presets), index=list(presets).index(default),
                            format_func=preset_label, key=f"{P}{kind}_preset")
        st.caption(presets[name].source)
        return decode_image(preset_png(name))
    up = st.file_uploader(tr("JPEG, PNG or WebP", "JPEG、PNG 或 WebP"), type=UPLOAD_TYPES, key=f"{P}{kind}_upload")
    if up is None:
        st.info(tr("Choose a photo to upload.", "请选择要上传的照片。"))
        return None
    try:
        return decode_image(checked_upload(up), max_side=MAX_SIDE, max_bytes=MAX_UPLOAD_BYTES)
    except ImageError as e:
        st.error(tr("This file cannot be used: ", "这个文件无法使用：") + str(e))
        return None


def offline_result() -> dict | None:
    """The visitor's finished offline job as a result (PNG bytes, caption), or None."""
    job = jobs.mine(TAG)
    if job is None or job.running or job.status != "done" or job.image is None:
        return None
    png = job.extra.get("png")
    if png is None:
        png = job.extra["png"] = encode_png(job.image)
    ev = job.last
    return {"png": png, "created": job.created,
            "caption": tr(f"Adversarial transfer, {ev.total} steps, {ev.seconds:.1f} s",
                          f"对抗式风格迁移，{ev.total} 步，用时 {ev.seconds:.1f} 秒")}


def show_result(col) -> None:
    results = [r for r in (st.session_state.get(P + "result"), offline_result()) if r]
    if not results:
        col.caption(tr("The result will appear here.", "结果会显示在这里。"))
        return
    result = max(results, key=lambda r: r.get("created", 0.0))  # the newest of the two methods
    col.image(result["png"], caption=result["caption"], width="stretch")
    col.download_button(tr("Download PNG", "下载 PNG"), result["png"], file_name="styled.png", mime="image/png",
                        key=P + "download")


def progress_view(job) -> None:
    """Progress bar and live preview of the offline job (a fragment that polls while it runs)."""
    if job is None or not job.running:
        if job is not None and job.error:
            st.error(tr("Style transfer failed on the server: ", "风格迁移在服务器上出错：") + job.error)
        elif job is not None and job.status == "stopped":
            st.caption(tr(f"Stopped at step {job.step}.", f"已在第 {job.step} 步停止。"))
        return
    ev = job.last
    if ev is None:
        st.progress(0.0, text=tr("Starting…", "开始…"))
    else:
        st.progress(ev.progress, text=tr(f"Step {ev.step}/{ev.total} at {ev.size[0]}×{ev.size[1]} px, {ev.seconds:.0f} s",
                                         f"第 {ev.step}/{ev.total} 步，{ev.size[0]}×{ev.size[1]} 像素，{ev.seconds:.0f} 秒"))
    if job.image is not None:
        st.image(job.image, caption=tr("Live preview", "实时预览"), width=320)
    st.caption(tr("It runs on the server: you may change settings or visit other pages meanwhile.",
                  "它在服务器上运行：期间可以更改设置或浏览其他页面。"))


def start_offline(cfg: StyleConfig, content, style_img) -> None:
    spec = jobs.JobSpec("style", asdict(cfg), tag=TAG, payload={"content": content, "style": style_img})
    jobs.start(spec, backend=BACKEND)


def run_offline(content, style_img, result_col) -> None:
    c1, c2 = st.columns(2)
    size = c1.select_slider(tr("Size (longest side, px)", "尺寸（长边，像素）"), SIZES, value=256, key=P + "size")
    steps = c2.slider(tr("Steps", "步数"), 10, 400, 150, step=10, key=P + "steps")
    c3, c4, c5 = st.columns(3)
    adv = c3.slider(tr("Adversarial weight", "对抗损失权重"), 0.0, 2.0, StyleConfig.adv_weight, 0.05,
                    key=P + "adv", help=tr("How hard the image tries to fool the patch discriminator.",
                                           "图像多努力地去骗过小块判别器。"))
    sw = c4.slider(tr("Style weight", "风格权重"), 0.0, 10.0, StyleConfig.style_weight, 0.5, key=P + "sw",
                   help=tr("Match the texture statistics (Gram matrices) of the style image.",
                           "匹配风格图像的纹理统计量（Gram 矩阵）。"))
    seed = c5.number_input(tr("Seed", "随机种子"), 0, 9999, 0, key=P + "seed")
    cfg = StyleConfig(size=int(size), steps=int(steps), adv_weight=float(adv), style_weight=float(sw),
                      seed=int(seed), preview_every=max(1, int(steps) // 15))
    job = jobs.mine(TAG)
    running = job is not None and job.running
    b1, b2 = st.columns(2)
    # the click's return value, not a callback: a callback would see the images and settings of the run before
    if b1.button(tr("Stylize", "开始风格迁移"), type="primary", key=P + "run", disabled=style_img is None or running):
        start_offline(cfg, content, style_img)
        st.rerun()
    b2.button(tr("Stop", "停止"), key=P + "stop", disabled=not running, on_click=lambda: jobs.control(jobs.mine(TAG), "stop"))
    jobs.live(lambda: [jobs.mine(TAG)], [(lambda: progress_view(jobs.mine(TAG)), 0.5)])


def run_pretrained(content, result_col) -> None:
    names = list(HUB_STYLES)
    name = st.selectbox(tr("Pretrained generator", "预训练生成器"), names, key=P + "hub_name")
    h = HUB_STYLES[name]
    st.markdown(f"**{tr('Direction', '方向')}:** {h.direction}  \n"
                f"**{tr('License', '许可证')}:** {h.license}  \n"
                f"**{tr('Source', '来源')}:** {h.source} (`{h.filename}`)")
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
    st.session_state[P + "result"] = {"png": encode_png(img), "caption": f"{sm.name}: {sm.direction}",
                                      "created": time.time()}


st.title(tr("Style transfer", "风格迁移"))
with st.expander(tr("How it works", "原理说明")):
    st.markdown(md("style_transfer"))

with guard("style transfer"):
    method = st.radio(tr("Method", "方法"), ["offline", "pretrained"], horizontal=True, key=P + "method",
                      format_func=lambda m: tr("Adversarial, trained now (offline)", "对抗式，现场训练（离线）")
                      if m == "offline" else tr("Pretrained generator from the Hub", "来自 Hub 的预训练生成器"))
    col_c, col_s, col_r = st.columns(3)
    with col_c:
        st.subheader(tr("Content", "内容"))
        content = pick_image(tr("Content photo", "内容照片"), "content", CONTENT_SAMPLES, "astronaut")
        if content is not None:
            st.image(content, width="stretch")
    style_img = None
    with col_s:
        st.subheader(tr("Style", "风格"))
        if method == "offline":
            style_img = pick_image(tr("Style image", "风格图像"), "style", STYLE_PRESETS, "brush")
            if style_img is not None:
                st.image(style_img, width="stretch")
        else:
            st.caption(tr("A pretrained generator carries its style in its weights.", "预训练生成器的风格存在它的权重里。"))
    with col_r:
        st.subheader(tr("Result", "结果"))
        result_slot = st.container()
    if content is None:
        st.stop()
    if method == "offline":
        run_offline(content, style_img, result_slot)
    else:
        run_pretrained(content, result_slot)
    show_result(result_slot)
