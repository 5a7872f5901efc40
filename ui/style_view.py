"""The Style transfer page's views: what the inputs are (to tell a result made from other ones), the
offline job's progress with its live preview and critic map, and the result as a before/after pair."""
from __future__ import annotations

import hashlib
import re

import streamlit as st
from PIL import Image

from gan.images import encode_png
from ui.i18n import tr
from ui.jobs import error_text

DIRECTION_ZH = {
    "photo -> Monet painting": "照片 -> 莫奈画作", "photo -> Van Gogh painting": "照片 -> 梵高画作",
    "horse -> zebra": "马 -> 斑马", "zebra -> horse": "斑马 -> 马", "apple -> orange": "苹果 -> 橙子",
    "orange -> apple": "橙子 -> 苹果", "photo (faces work best) -> anime portrait": "照片（人脸效果最好）-> 动漫肖像",
}
LICENSE_ZH = {
    "BSD (CycleGAN code, Zhu et al. 2017); painting styles trained on public-domain paintings":
        "BSD（CycleGAN 代码，Zhu 等，2017）；绘画风格用公有领域的画作训练",
    "MIT (AnimeGANv2 PyTorch port)": "MIT（AnimeGANv2 的 PyTorch 移植版）",
}
SOURCE_ZH = {  # where each example image comes from (gan.style.presets), in Chinese
    "mosaic": "由 gan.style 绘制（泰森多边形）", "waves": "由 gan.style 绘制（相互干涉的正弦条纹）",
    "brush": "由 gan.style 绘制（沿流场的笔触）", "dots": "由 gan.style 绘制（网点阵列）",
    "marble": "由 gan.style 绘制（湍流正弦纹理）", "pointillism": "由 gan.style 绘制（纯色点彩）",
    "watercolour": "由 gan.style 绘制（半透明色块）", "ink": "由 gan.style 绘制（书法线条）",
    "landscape": "由 gan.style 绘制（群山与湖泊）", "shapes": "由 gan.style 绘制（测试卡）",
    "immunohistochemistry": "skimage.data.immunohistochemistry（公有领域）",
    "hubble_deep_field": "skimage.data.hubble_deep_field（NASA，公有领域）",
    "astronaut": "skimage.data.astronaut（NASA，公有领域）", "chelsea": "skimage.data.chelsea（CC0）",
    "coffee": "skimage.data.coffee（CC0）", "rocket": "skimage.data.rocket（公有领域）",
    "text": "skimage.data.text（公有领域）",
}
WHAT = {"content": ("the content photo", "内容照片"), "style": ("the style image", "风格图像"),
        "method": ("the method", "方法")}


def preset_source(name: str, source: str) -> str:
    """Where example image ``name`` comes from, in the visitor's language."""
    return tr(source, SOURCE_ZH.get(name, source))


def hub_style_text(h) -> str:
    """A pretrained generator's direction, license and source (a ``gan.style.pretrained.HubStyle``) as lines."""
    copy = re.fullmatch(r"(\S+) \(copy of the official CycleGAN (\S+) weights\)", h.source)
    source = tr(h.source, f"{copy[1]}（官方 CycleGAN {copy[2]} 权重的副本）" if copy else h.source)
    colon = tr(":", "：")
    return (f"**{tr('Direction', '方向')}{colon}** {tr(h.direction, DIRECTION_ZH.get(h.direction, h.direction))}  \n"
            f"**{tr('License', '许可证')}{colon}** {tr(h.license, LICENSE_ZH.get(h.license, h.license))}  \n"
            f"**{tr('Source', '来源')}{colon}** {source}{tr(' (', '（')}`{h.filename}`{tr(')', '）')}  \n")


def digest(img: Image.Image | None) -> str:
    """A short fingerprint of an image's pixels ("" for none)."""
    if img is None:
        return ""
    return hashlib.sha1(f"{img.size}{img.mode}".encode() + img.tobytes()).hexdigest()[:16]


def inputs(content, style_img, method: str) -> dict:
    """What a result is made from; a result whose inputs differ from the page's is labelled as old."""
    return {"content": digest(content), "style": digest(style_img) if method != "pretrained" else "",
            "method": method}


def offline_caption(job) -> str:
    ev = job.last
    if job.spec.config.get("method") == "adversarial":
        return tr(f"Adversarial transfer, {ev.total} steps, {ev.seconds:.1f} s",
                  f"对抗式风格迁移，{ev.total} 步，用时 {ev.seconds:.1f} 秒")
    return tr(f"Patch synthesis, {ev.total} iterations, {ev.seconds:.1f} s",
              f"图块合成，{ev.total} 次迭代，用时 {ev.seconds:.1f} 秒")


def pretrained_caption(result: dict) -> str:
    d = result["direction"]
    return tr(f"{result['name']}: {d}", f"{result['name']}：{DIRECTION_ZH.get(d, d)}")


def progress_view(job) -> None:
    """Progress bar, live preview and critic map of the offline job (called in a polling fragment)."""
    if job is None or not job.running:
        if job is not None and job.error:
            st.error(error_text(job, "Style transfer failed on the server: ", "风格迁移在服务器上出错："))
        elif job is not None and job.status == "stopped":
            st.caption(tr(f"Stopped at step {job.step}.", f"已在第 {job.step} 步停止。"))
        return
    ev = job.last
    if ev is None:
        st.progress(0.0, text=tr("Starting…", "开始…"))
    else:
        st.progress(ev.progress, text=tr(f"Step {ev.step}/{ev.total} at {ev.size[0]}×{ev.size[1]} px, {ev.seconds:.0f} s",
                                         f"第 {ev.step}/{ev.total} 步，{ev.size[0]}×{ev.size[1]} 像素，{ev.seconds:.0f} 秒"))
    c1, c2 = st.columns(2)
    if job.image is not None:
        c1.image(job.image, caption=tr("Live preview", "实时预览"), width="stretch")
    critic = getattr(ev, "critic", None)
    if critic is not None:
        c2.image(critic, caption=critic_caption(), width="stretch")
    st.caption(tr("It runs on the server: you may change settings or visit other pages meanwhile.",
                  "它在服务器上运行：期间可以更改设置或浏览其他页面。"))


def critic_caption() -> str:
    return tr("The critic: distance of each patch to its nearest style patch (bright = looks fake)",
              "评判者：每个图块到最近风格图块的距离（越亮越“假”）")


def before_after(result: dict, current: dict) -> None:
    """The result at full width beside the photo it was made from; labelled when the inputs changed."""
    changed = [k for k in ("content", "style", "method") if result["inputs"].get(k) != current.get(k)
               and not (k == "style" and "" in (result["inputs"].get(k), current.get(k)))]
    if changed:
        en = ", ".join(WHAT[k][0] for k in changed)
        zh = "、".join(WHAT[k][1] for k in changed)
        st.warning(tr(f"This result was made before you changed {en}. Run again for a result of the current choice.",
                      f"这个结果是在你更改{zh}之前生成的。请重新运行，得到当前选择的结果。"))
    left, right = st.columns(2)
    left.image(result["before"], caption=tr("Before", "之前"), width="stretch")
    right.image(result["png"], caption=result["caption"], width="stretch")
    if result.get("critic") is not None:
        with st.expander(tr("What the critic sees", "评判者看到的")):
            st.image(result["critic"], caption=critic_caption(), width="stretch")
    st.download_button(tr("Download PNG", "下载 PNG"), result["png"], file_name="styled.png", mime="image/png",
                       key="style_download")


def png_of(img: Image.Image, size: tuple[int, int] | None = None) -> bytes:
    """PNG bytes of ``img``, resized to ``size`` (W, H) first when given (the "before" matches the "after")."""
    if size is not None and img.size != size:
        img = img.resize(size, Image.Resampling.LANCZOS)
    return encode_png(img)
