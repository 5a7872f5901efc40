"""Checkpoint zips from the browser: upload one to generate from it (Generate) or to continue training (Train).

The work is in :mod:`gan.uploads` (size check, safe unpacking into a folder of this visitor's, loading);
this module draws the uploader, keeps the visitor's upload under ``<prefix>upload_dir`` in Session State
(found again after a reload through the owner token) and words every refusal in both languages.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import streamlit as st

from gan import hosted, uploads
from gan.hub import CheckpointError
from gan.jobs import limits
from ui import jobs
from ui.hosted import upload_help, upload_limit_text
from ui.i18n import tr

RUNS_BACKEND = "process"  # as the Train page: image training runs in a worker process


def _current(prefix: str) -> Path | None:
    """This visitor's upload for ``prefix``: the one kept in Session State, else their newest one."""
    me = jobs.owner()
    path = st.session_state.get(prefix + "upload_dir")
    if path and uploads.owns(path, me):
        return Path(path)
    found = uploads.mine(me)
    return found[0] if found else None


def uploader(prefix: str, label: str) -> Path | None:
    """A zip uploader; returns the folder of this visitor's checkpoint (the new upload, else the last one)."""
    up = st.file_uploader(label, type=["zip"], key=prefix + "upload_zip", help=upload_help("file"))
    if up is not None and st.session_state.get(prefix + "upload_id") != up.file_id:
        st.session_state[prefix + "upload_id"] = up.file_id
        st.session_state.pop(prefix + "upload_error", None)
        old = st.session_state.get(prefix + "upload_dir")
        try:
            folder, _ = uploads.store_checkpoint(up.getvalue(), jobs.owner())
        except hosted.UploadTooLarge:
            st.session_state[prefix + "upload_error"] = upload_limit_text("file")
        except CheckpointError as e:
            st.session_state[prefix + "upload_error"] = tr("This checkpoint zip cannot be used: ",
                                                           "这个检查点 ZIP 文件无法使用：") + str(e)
        else:
            st.session_state[prefix + "upload_dir"] = str(folder)
            if old and old != str(folder) and uploads.owns(old, jobs.owner()):
                shutil.rmtree(old, ignore_errors=True)  # one upload per visitor and page at a time
    if up is None:  # the file was taken off the uploader: forget its refusal
        st.session_state.pop(prefix + "upload_error", None)
        st.session_state.pop(prefix + "upload_id", None)
    if st.session_state.get(prefix + "upload_error"):
        st.error(st.session_state[prefix + "upload_error"], icon=":material/folder_zip:")
        return None
    folder = _current(prefix)
    if folder is None:
        if up is None:
            st.caption(tr("Upload the checkpoint zip that the Train page downloads.",
                          "请上传“训练”页面下载的检查点 ZIP 文件。"))
        return None
    hosted.touch(folder)
    return folder


def resume_section(prefix: str, tag: str, steps_key: str) -> None:
    """On the Train page: continue training from an uploaded checkpoint zip (one line there calls this)."""
    job = jobs.mine(tag)
    running = job is not None and job.running
    with st.expander(tr("Continue from an uploaded checkpoint", "从上传的检查点继续训练")):
        folder = uploader(prefix + "resume_", tr("Checkpoint zip", "检查点 ZIP 文件"))
        if folder is None:
            return
        problem = uploads.resume_problem(folder)
        if problem:
            st.error(tr("Training cannot continue from this checkpoint: ", "无法从这个检查点继续训练：") + problem)
            return
        step = uploads.saved_step(folder)
        more = int(st.session_state.get(steps_key, 300))
        cap = limits()["max_steps"]
        total = min(cap, step + more)
        st.caption(tr(f"Saved at step {step}; continuing trains up to step {total}.",
                      f"保存于第 {step} 步；继续训练到第 {total} 步。"))
        if total <= step:
            st.info(tr(f"This checkpoint has reached the server's cap of {cap} steps (GAN_MAX_STEPS).",
                       f"这个检查点已达到服务器上限 {cap} 步（GAN_MAX_STEPS）。"))
            return
        if st.button(tr("Continue training", "继续训练"), key=prefix + "resume_start", disabled=running,
                     icon=":material/resume:"):
            out = hosted.new_folder(hosted.runs_root(), jobs.owner())
            spec = jobs.JobSpec("train", {"steps": total}, tag=tag, resume_from=str(folder), out_dir=str(out))
            if jobs.start(spec, backend=RUNS_BACKEND) is not None:
                st.rerun()
