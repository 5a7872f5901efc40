"""The page side of hosted mode: which mode the app is in, upload-limit messages, housekeeping notices.

The rules and limits live in :mod:`gan.hosted`; this module only words them (in both languages) and
runs the run-folder housekeeping once per script run (``app.py``), telling a visitor when one of
their runs was removed to keep the server's disk within its budget.
"""
from __future__ import annotations

import logging

import streamlit as st

from gan import hosted
from gan.jobs import REGISTRY
from ui.i18n import tr
from ui.jobs import owner

log = logging.getLogger("gan_studio")

def mode_caption() -> None:
    """One line for the sidebar: hosted or local, and what that means."""
    if hosted.is_hosted():
        st.caption(tr("Hosted mode: generators come from bundled models, Hub repo ids and your own uploads; "
                      "server folders cannot be opened.",
                      "托管模式：生成器来自内置模型、Hub 仓库 ID 和你自己上传的文件；不能打开服务器上的文件夹。"))
    else:
        st.caption(tr("Local mode: folders on this computer can be opened.", "本地模式：可以打开本机上的文件夹。"))


def hosted_text(message: str) -> str:
    """``message`` in the visitor's language when it is hosted mode's one answer to a server path."""
    from gan.hub import HOSTED_SOURCE_MESSAGE
    if message == HOSTED_SOURCE_MESSAGE:
        return tr(message, "请输入 Hub 仓库 ID（owner/name）或内置模型的名称；这个托管版本不会打开服务器上的文件夹")
    return message


def upload_limit_text(kind: str = "file") -> str:
    """The one message for an upload over its limit ("file": images and checkpoints; "dataset")."""
    mb = hosted.upload_limit(kind) // hosted.MB
    if kind == "dataset":
        return tr(f"Dataset zips may be at most {mb} MB; this one is larger.",
                  f"数据集 ZIP 文件最大为 {mb} MB；这个文件超过了上限。")
    return tr(f"Uploaded files (images, checkpoint zips, point tables) may be at most {mb} MB; this file is larger.",
              f"上传的文件（图像、检查点 ZIP 文件、点表格）最大为 {mb} MB；这个文件超过了上限。")


def upload_help(kind: str = "file") -> str:
    mb = hosted.upload_limit(kind) // hosted.MB
    return tr(f"At most {mb} MB.", f"最大 {mb} MB。")


def removed_text(reason: str | None) -> str:
    if reason == "budget":
        return tr("One of your runs was removed from the server to keep its disk within the budget shared by all "
                  "visitors (oldest first). Download the checkpoint zip of runs you want to keep.",
                  "为使服务器磁盘用量保持在所有访问者共享的预算之内（最早的先删除），你的一次训练已被删除。"
                  "想保留的训练请下载其检查点 zip。")
    return tr("One of your runs was removed from the server after it sat unused for a while. Download the "
              "checkpoint zip of runs you want to keep.",
              "你的一次训练长时间未使用，已从服务器删除。想保留的训练请下载其检查点 zip。")


def housekeeping() -> None:
    """Sweep idle and over-budget run folders (at most every 30 s) and tell this visitor about theirs.

    The folders of this visitor's runs count as used while they visit (idle sweeps spare them); a
    removed run is reported once, on whichever page they are.
    """
    me = owner()
    jobs = REGISTRY.all()
    for job in jobs:
        if job.owner == me and job.checkpoint:
            hosted.touch(job.checkpoint[0])
    try:
        hosted.housekeep_jobs(jobs)
    except OSError:  # a folder that vanished or cannot be read: the next sweep tries again
        log.exception("run-folder housekeeping failed")
    for job in jobs:
        if job.owner != me or job.extra.get("removed_noticed"):
            continue
        reason = hosted.removed_reason(job.spec.out_dir)
        if reason:
            job.extra["removed_noticed"] = True
            st.warning(removed_text(reason), icon=":material/delete_sweep:")


upload_limit = hosted.upload_limit


def checked_upload(up, kind: str = "file") -> bytes:
    """An uploaded file's bytes; over its limit, an ``ImageError`` (a ``ValueError``) carrying the one message
    for that limit, so a page's existing ``except ValueError`` shows it."""
    from gan.images import ImageError
    if up.size > hosted.upload_limit(kind):
        raise ImageError(upload_limit_text(kind))
    return up.getvalue()
