"""The "Your images" page's dataset side: where the pictures come from (an uploaded zip, or a folder on this
computer when the app runs locally), every refusal and note in both languages, and the set's summary with
a preview row per class. The work is in :mod:`gan.folders` and :mod:`gan.dataset_zip`.
"""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from gan import dataset_zip, folders, hosted, shapes
from gan.dataset_zip import ZipError
from gan.folders import DatasetError, FolderData, Note
from ui import jobs
from ui.hosted import upload_help, upload_limit_text
from ui.i18n import lang, settle_choice, tr

P = "own_"
TAG = "own-images"  # the page's training jobs


def _names(values) -> str:
    return "、".join(values) if lang() == "zh" else ", ".join(values)


def error_text(e: Exception) -> str:
    """A dataset's or a zip's refusal in the visitor's language."""
    v = getattr(e, "values", {})
    code = getattr(e, "code", "")
    zh = {
        "missing": f"{v.get('path')} 不是一个文件夹",
        "empty": f"没有找到图片（{v.get('suffixes')}）；请每个类别放一个文件夹，或把所有图片放在同一个文件夹里",
        "unreadable": f"{v.get('n')} 个图片文件都无法读取（例如 {v.get('examples')}）",
        "tiny": f"只读到了 {v.get('n')} 张图片；GAN 至少需要 {v.get('min')} 张（最好有几百张）",
        "empty_class": f"类别文件夹 {v.get('names')} 中没有一张图片可以读取",
        "too_many": f"{v.get('n')} 张图片超过了本应用可训练的上限（{v.get('max')} 张）；请换一个小一些的数据集",
        "too_many_classes": f"{v.get('n')} 个类别文件夹超过了本应用可训练的上限（{v.get('max')} 个）",
        "needs_classes": f"条件模型（cgan）至少需要两个类别文件夹；这个数据集有 {v.get('n')} 个",
        "size": f"图像尺寸必须是 {v.get('sizes')} 像素之一，而不是 {v.get('size')}",
        "not_zip": "上传的文件不是 zip 文件",
        "entries": f"这个 zip 有 {v.get('n')} 个条目；数据集 zip 最多 {v.get('max')} 个",
        "too_big": f"这个 zip 解压后超过了大小上限（{v.get('limit')}）",
        "unsafe": f"已拒绝：zip 中的文件名指向其文件夹之外（{v.get('name')}）",
        "encrypted": "已拒绝：zip 已加密",
        "bomb": "已拒绝：zip 解压后比自身大得多（zip 炸弹）",
        "damaged": f"zip 已损坏（{v.get('reason')}）",
        "twice": f"已拒绝：zip 中 {v.get('name')} 出现了两次",
    }
    return tr(str(e)[:1].upper() + str(e)[1:] + ".", zh.get(code, str(e)) + "。")


def note_text(n: Note) -> str:
    v = n.values
    if n.code == "mixed_sizes":
        (w1, h1), (w2, h2) = v["smallest"], v["largest"]
        return tr(f"The pictures come in {v['count']} sizes, from {w1}×{h1} to {w2}×{h2} px: each is resized and "
                  "centre-cropped to the training size, so mixed sizes are fine.",
                  f"图片有 {v['count']} 种尺寸，从 {w1}×{h1} 到 {w2}×{h2} 像素：每张都会缩放并居中裁剪到训练尺寸，"
                  "所以尺寸不一也没关系。")
    if n.code == "not_square":
        return tr(f"{v['n']} pictures are not square: their middle square is kept (centre crop).",
                  f"{v['n']} 张图片不是正方形：保留中间的正方形部分（居中裁剪）。")
    if n.code == "unreadable_some":
        return tr(f"{v['n']} files could not be read and were left out (for example {', '.join(v['examples'])}).",
                  f"{v['n']} 个文件无法读取，已跳过（例如 {_names(v['examples'])}）。")
    if n.code == "skipped":
        return tr(f"{v['n']} files that are not pictures were skipped (for example {', '.join(v['examples'])}).",
                  f"跳过了 {v['n']} 个不是图片的文件（例如 {_names(v['examples'])}）。")
    if n.code == "top_level_ignored":
        return tr(f"{v['n']} pictures lie beside the class folders, in no class: they were left out.",
                  f"有 {v['n']} 张图片放在类别文件夹之外，不属于任何类别：已跳过。")
    if n.code == "no_pictures":
        return tr(f"Folders without pictures are not classes: {', '.join(v['names'])}.",
                  f"没有图片的文件夹不算类别：{_names(v['names'])}。")
    if n.code == "small_classes":
        return tr(f"Classes with fewer than {folders.SMALL_CLASS} pictures: {', '.join(v['names'])}. Their samples "
                  "will stay close to those few pictures (see the memorisation check after training).",
                  f"图片少于 {folders.SMALL_CLASS} 张的类别：{_names(v['names'])}。这些类别的样本会很接近那几张图片"
                  "（训练后可以看记忆检查）。")
    if n.code == "single_class":
        return tr(f"There is only one class folder ({v['name']}), so the set is trained as one unlabelled set.",
                  f"只有一个类别文件夹（{v['name']}），所以整个数据集按无标签的一组图片训练。")
    return n.code


# --- where the pictures come from ---------------------------------------------------------------------

def _store_upload(up) -> None:
    st.session_state.pop(P + "upload_error", None)
    old = st.session_state.get(P + "upload_dir")
    try:
        unpacked = dataset_zip.store_dataset_zip(up.getvalue(), jobs.owner())
    except hosted.UploadTooLarge:
        st.session_state[P + "upload_error"] = upload_limit_text("dataset")
        return
    except ZipError as e:
        st.session_state[P + "upload_error"] = tr("This zip cannot be used: ", "这个 zip 无法使用：") + error_text(e)
        return
    st.session_state[P + "upload_dir"] = str(unpacked.folder)
    st.session_state[P + "upload_unwrapped"] = unpacked.unwrapped
    if old and old != str(unpacked.folder) and not _in_use(old):
        dataset_zip.remove(old, jobs.owner())  # one upload per visitor at a time, unless a run still uses it


def _in_use(folder: str) -> bool:
    """A run of this visitor's trains on ``folder`` (or did: its quality measurement reads the pictures)."""
    job = jobs.mine(TAG)
    return job is not None and job.spec.config.get("dataset") == folders.PREFIX + folder


def upload_source() -> Path | None:
    """The zip uploader; returns the pictures' folder of this visitor's upload (the new one, else the last)."""
    up = st.file_uploader(tr("A zip of your pictures (one folder per class)", "图片 zip（每个类别一个文件夹）"),
                          type=["zip"], key=P + "zip", help=upload_help("dataset"))
    if up is not None and st.session_state.get(P + "upload_id") != up.file_id:
        st.session_state[P + "upload_id"] = up.file_id
        with st.spinner(tr("Unpacking…", "正在解压…")):
            _store_upload(up)
    if up is None:
        st.session_state.pop(P + "upload_error", None)
        st.session_state.pop(P + "upload_id", None)
    if st.session_state.get(P + "upload_error"):
        st.error(st.session_state[P + "upload_error"], icon=":material/folder_zip:")
        return None
    me = jobs.owner()
    path = st.session_state.get(P + "upload_dir")
    if not (path and dataset_zip.owns(path, me)):
        found = dataset_zip.mine(me)
        path = str(found[0]) if found else None
    if path is None:
        return None
    hosted.touch(Path(path).parent)
    if st.session_state.get(P + "upload_unwrapped"):
        st.caption(tr(f"The zip's one top-level folder ({st.session_state[P + 'upload_unwrapped']}) was opened.",
                      f"已打开 zip 中唯一的顶层文件夹（{st.session_state[P + 'upload_unwrapped']}）。"))
    return Path(path)


def local_source() -> Path | None:
    path = st.text_input(tr("A folder on this computer", "本机上的文件夹"), key=P + "folder",
                         placeholder="/home/me/pictures")
    return Path(path.strip()).expanduser() if path and path.strip() else None


def source() -> Path | None:
    """Choose the pictures: an uploaded zip, or (only when the app runs locally) a folder on this computer."""
    if hosted.is_hosted():
        return upload_source()
    texts = {"zip": ("an uploaded zip", "上传的 zip"), "folder": ("a folder on this computer", "本机上的文件夹")}
    settle_choice(P + "source", texts)
    labels = {k: tr(*v) for k, v in texts.items()}
    how = st.radio(tr("Pictures from", "图片来源"), list(labels), horizontal=True, key=P + "source",
                   format_func=lambda s: labels.get(s, str(s)))
    return upload_source() if how == "zip" else local_source()


@st.cache_data(show_spinner=False, max_entries=2)
def example_zip() -> bytes:
    return shapes.shapes_zip(n_per_class=100, size=32, seed=0)


def example_download() -> None:
    st.download_button(tr("No pictures at hand? Download an example zip (300 coloured shapes in 3 classes)",
                          "手头没有图片？下载示例 zip（3 个类别共 300 张彩色图形）"), example_zip(),
                       file_name="shapes.zip", mime="application/zip", key=P + "example", icon=":material/download:")


# --- the set ------------------------------------------------------------------------------------------

@st.cache_resource(show_spinner=False, max_entries=4)
def _load(path: str, size: int, stamp: tuple) -> FolderData:
    return folders.load_folder(path, image_size=size)


def load(path: Path, size: int) -> FolderData | None:
    """The set at ``size`` px (read once per change of its files); a refusal is shown and gives None."""
    try:
        stamp = folders.signature(path) if path.is_dir() else ()
        with st.spinner(tr("Reading the pictures…", "正在读取图片…")):
            return _load(str(path), size, stamp)
    except (DatasetError, OSError) as e:
        st.error(tr("This set cannot be trained on: ", "这个数据集无法用于训练：")
                 + (error_text(e) if isinstance(e, DatasetError) else str(e)), icon=":material/image_not_supported:")
        return None


def summary(data: FolderData, size: int) -> None:
    """What the set is, which model it trains, the notes, and a preview row per class."""
    n = len(data.images)
    colour = tr("grey", "灰度") if data.grey else tr("colour", "彩色")
    if data.labelled:
        st.success(tr(f"{n} pictures in {data.n_classes} classes, {colour}, at {size}×{size} px: a conditional "
                      "DCGAN will learn every class, and you pick the class of each sample.",
                      f"{n} 张图片，{data.n_classes} 个类别，{colour}，{size}×{size} 像素：将训练一个条件 DCGAN 学习每个类别，"
                      "生成时可以指定类别。"), icon=":material/photo_library:")
    else:
        st.success(tr(f"{n} pictures without class folders, {colour}, at {size}×{size} px: an unconditional DCGAN "
                      "will learn the set as a whole.",
                      f"{n} 张图片，没有类别文件夹，{colour}，{size}×{size} 像素：将训练一个无条件 DCGAN 学习整个数据集。"),
                   icon=":material/photo_library:")
    for note in data.notes:
        st.caption(note_text(note))
    rows = folders.preview_rows(data)
    shown = rows[:20]
    st.markdown("**" + tr("Your pictures, as the GAN sees them", "GAN 看到的你的图片") + "**")
    for i, (name, count, strip) in enumerate(shown):
        label = tr(f"{i}: {name} · {count} pictures", f"{i}：{name} · {count} 张") if name else tr(
            f"all {count} pictures", f"全部 {count} 张")
        st.image(strip, caption=label, width=min(640, strip.shape[1] * 2))
    if len(rows) > len(shown):
        st.caption(tr(f"(the first {len(shown)} of {len(rows)} classes)", f"（共 {len(rows)} 个类别，只显示前 {len(shown)} 个）"))
