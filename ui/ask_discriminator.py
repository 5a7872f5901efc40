"""The Generate page's "Ask the discriminator" tab: a drawing, a generated sample, a real digit or an upload,
D's verdict on it, the bundled classifier's digit, and what D's verdict on a person's drawing means.

Image math is in gan (``gan.drawing``: MNIST-like 28x28; ``gan.sampling.verdict``: D and the classifier);
this module only draws widgets and results. Session state uses the Generate page's prefix ``gen_``.
"""
from __future__ import annotations

import numpy as np
import streamlit as st

from gan import hosted, sampling, timelapse
from gan.drawing import decode_drawing, light_on_dark, mnist_like
from gan.hub import LoadedGenerator
from gan.images import ImageError, decode_image, images_uint8
from gan.plots.verdict import verdict_figure
from ui.drawing_pad import drawing_pad
from ui.hosted import checked_upload
from ui.i18n import tr
from ui.seeds import seed_input

P = "gen_"
KINDS = ("draw", "generated", "real", "upload")


@st.cache_resource(show_spinner=False, max_entries=1)
def mnist_sample():
    """1,000 real MNIST digits (B, 1, 28, 28) in [-1, 1], read once per process; None when absent."""
    from gan.data import DatasetMissing, load_images
    for split in ("test", "train"):
        try:
            return load_images("mnist", splits=(split,), download=False, limit=1000).images
        except (DatasetMissing, ValueError):
            continue
    return None


def real_image(index: int) -> np.ndarray | None:
    images = mnist_sample()
    if images is None:
        return None
    return images_uint8(images[index % len(images)][None])[0]


def d_info(g: LoadedGenerator) -> dict:
    """How the checkpoint's D was made (config.json: gan_studio.discriminator), or {}."""
    info = (g.config.get("gan_studio") or {}).get("discriminator")
    return info if isinstance(info, dict) else {}


def _drawing() -> np.ndarray | None:
    png = drawing_pad(P + "ask_pad", label=tr("Drawing area", "绘图区"), clear=tr("Clear", "清空"),
                      hint=tr("Draw one digit with the mouse (or a finger), large, in the middle.",
                              "用鼠标（或手指）在中间写一个大大的数字。"))
    if png is None:
        st.caption(tr("Draw a digit above; D's verdict appears when you lift the mouse.",
                      "在上面写一个数字；松开鼠标后会显示 D 的判断。"))
        return None
    try:
        return mnist_like(light_on_dark(decode_drawing(png)))
    except ImageError as e:
        st.error(tr("The drawing could not be used: ", "这幅画无法使用：") + str(e))
        return None


def _upload() -> np.ndarray | None:
    up = st.file_uploader(tr("A digit, light on dark or dark on light (PNG, JPEG, WebP)",
                             "一个数字，浅底深字或深底浅字均可（PNG、JPEG、WebP）"),
                          type=["png", "jpg", "jpeg", "webp"], key=P + "ask_upload")
    if up is None:
        return None
    try:
        pil = decode_image(checked_upload(up), max_bytes=hosted.upload_limit("file"), mode="L")
    except ImageError as e:
        st.error(tr("That image could not be used: ", "这张图像无法使用：") + str(e))
        return None
    return mnist_like(light_on_dark(np.asarray(pil)))


def _image(g: LoadedGenerator, what: str) -> np.ndarray | None:
    if what == "draw":
        return _drawing()
    if what == "upload":
        return _upload()
    if what == "generated":
        seed = seed_input(P + "ask_seed")
        return images_uint8(sampling.generate(g, 1, seed=seed))[0]
    idx = st.number_input(tr("Image number", "图像编号"), 0, 999, 0, key=P + "ask_index")
    img = real_image(int(idx))
    if img is None:
        st.warning(tr("MNIST is not available on this server.", "本服务器上没有 MNIST 数据。"))
    return img


def _lesson(g: LoadedGenerator, v: sampling.Verdict) -> None:
    """What D's verdict on a person's drawing teaches, with this image's own numbers."""
    sure = v.probs is not None and float(v.probs.max()) >= 0.9
    reads = (tr(f"The classifier reads a **{v.digit}** ({float(v.probs.max()):.0%} sure), ",
                f"分类器读出的是 **{v.digit}**（把握 {float(v.probs.max()):.0%}），") if sure else "")
    if v.real_share_below is not None:
        below = v.real_share_below
        st.markdown(reads + tr(f"and D scores it higher than **{below:.0%}** of the real MNIST digits it never "
                               "trained on." if reads else
                               f"D scores this image higher than **{below:.0%}** of the real MNIST digits it "
                               "never trained on.",
                               f"而 D 给它的分数高于 **{below:.0%}** 的、它训练时没见过的真实 MNIST 数字。" if reads else
                               f"D 给这张图像的分数高于 **{below:.0%}** 的、它训练时没见过的真实 MNIST 数字。"))
    st.markdown(tr("D learned to tell the training images from generated ones. Its score says how much an image "
                   "looks like the training images *in the ways generated samples differ from them*, not "
                   "whether it is a good digit: a drawing unlike both (another pen, other stroke widths, another "
                   "size) is outside anything D has seen, and there its verdict is a guess. A digit that the "
                   "classifier reads at once can get a low D.",
                   "D 学的是区分训练图像和生成的图像。它的分数说明一张图像在*生成样本与训练图像不同的那些方面*"
                   "有多像训练图像，而不是这个数字写得好不好：与两者都不同的手绘（不同的笔、不同的笔画粗细、不同的大小）"
                   "超出了 D 见过的一切，在那里它的判断只是猜测。分类器一眼就能认出的数字，D 的分数也可能很低。"))


def frozen_note(info: dict) -> None:
    """How a D trained afterwards against the frozen generator was made (its model card has the rest)."""
    share = float(info.get("untrained_share", 0) or 0)
    fakes_en, fakes_zh = ["this generator's samples"], ["这个生成器的样本"]
    if share:
        fakes_en.append(f"{share:.0%} of them from untrained generators, as in a GAN's first steps")
        fakes_zh.append(f"其中 {share:.0%} 来自未训练的生成器，如同 GAN 训练最初几步的样本")
    if float(info.get("mismatch_weight", 0) or 0):
        fakes_en.append("real digits with a wrong label")
        fakes_zh.append("配上错误标签的真实数字")
    st.caption(tr(f"This generator's own discriminator was not kept, so this D was trained afterwards against the "
                  f"frozen generator ({info.get('steps', 0):,} steps; real: {info.get('real_images', 0):,} MNIST "
                  f"digits; fake: {'; '.join(fakes_en)}). The model card says how.",
                  f"这个生成器原来的判别器没有保留，所以这个 D 是之后针对冻结的生成器重新训练的（{info.get('steps', 0):,} 步；"
                  f"真：{info.get('real_images', 0):,} 张 MNIST 数字；假：{'；'.join(fakes_zh)}）。模型卡片写明了做法。"))


def discriminator_section(g: LoadedGenerator) -> None:
    if g.discriminator is None:
        st.info(tr("This generator came without its discriminator, so there is nobody to ask. Generators trained on "
                   "the Train page (and the bundled ones) have one.",
                   "这个生成器没有附带判别器，所以无从询问。在“训练”页面训练的生成器（以及内置模型）带有判别器。"))
        return
    st.markdown(tr("Give the discriminator an image and see how *real* it thinks it is: D(x) = σ(logit), "
                   "near 1 for “real”, near 0 for “fake”.",
                   "给判别器一张图像，看看它认为这张图有多*真实*：D(x) = σ(logit)，接近 1 表示“真”，接近 0 表示“假”。"))
    info = d_info(g)
    if info.get("trained") == "against the frozen generator":
        frozen_note(info)
    labels = {"draw": tr("your drawing", "你的手绘"), "generated": tr("a generated sample", "一个生成样本"),
              "real": tr("a real MNIST digit", "一张真实 MNIST 数字"), "upload": tr("upload an image", "上传图像")}
    what = st.radio(tr("Image", "图像"), KINDS, horizontal=True, key=P + "ask_what", format_func=labels.__getitem__)
    img = _image(g, what)
    if img is None:
        return
    v = sampling.verdict(g, img)
    st.session_state[P + "ask_score"] = v.score
    c1, c2 = st.columns([1, 2])
    c1.image(timelapse.to_pil(v.seen, scale=4), caption=tr("What D sees (28×28)", "D 看到的图像（28×28）")
             if v.seen.shape[0] == 28 else tr("What D sees", "D 看到的图像"))
    if g.conditional and v.digit is not None:
        c2.metric(tr(f"D(x, y) for y = {v.digit}, the classifier's digit", f"D(x, y)，y = {v.digit}（分类器读出的数字）"),
                  f"{v.score:.3f}")
    elif g.conditional:
        c2.metric(tr("D(x, y), best label", "D(x, y)，最高的标签"), f"{v.score:.3f}")
    else:
        c2.metric("D(x)", f"{v.score:.3f}")
    if v.probs is not None:
        c2.metric(tr("The classifier reads", "分类器读出"), f"{v.digit}",
                  tr(f"{float(v.probs.max()):.0%} sure", f"把握 {float(v.probs.max()):.0%}"), delta_color="off",
                  delta_arrow="off")
        text = {"digit": tr("digit y", "数字 y"), "value": tr("probability or D", "概率或 D 值") if g.conditional
                else tr("probability", "概率"),
                "classifier": tr("classifier: probability of y", "分类器：是 y 的概率"),
                "d": tr("D(x, y) with label y", "标签为 y 时的 D(x, y)")}
        st.plotly_chart(verdict_figure(v.probs, v.d if g.conditional else None, text=text), key=P + "ask_chart")
    if what in ("draw", "upload"):
        _lesson(g, v)
    elif v.real_share_below is not None:
        st.caption(tr(f"D scores this image higher than {v.real_share_below:.0%} of the real MNIST digits it never "
                      "trained on.", f"D 给这张图像的分数高于 {v.real_share_below:.0%} 的、它训练时没见过的真实 MNIST 数字。"))
