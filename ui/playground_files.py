"""Save the playground's run(s) to a file and load one back (the file format is gan.toy.files).

Saving is offered while the runs are paused or stopped (the file holds them at one step). Loading sets
every setting from the file, replaces the current runs, and leaves the loaded ones paused at their
step with their curves, so Play carries on where they were saved. Load order: the uploader's callback
reads and checks the file and sets the settings before the widgets are drawn; the page then starts the
runs from the loaded trainers (:func:`start_loaded`).
"""
from __future__ import annotations

from dataclasses import asdict

import streamlit as st

from gan import hosted
from gan.jobs import REGISTRY
from gan.toy import files
from gan.toy.runs import signature
from gan.toy.snapshots import snapshot_metrics
from ui import jobs
from ui.hosted import checked_upload
from ui.i18n import tr
from ui.playground_settings import AB_FIELDS, P, configs, settings_of

LOADED = P + "loaded"  # a loaded run waiting for the page to start it
MESSAGE = P + "load_message"  # (kind, text) shown once after a load
TAGS = ("playground:A", "playground:B")
# config fields a file need not match: this server's step cap and the page's timing
SERVER_FIELDS = ("steps", "log_every", "sample_every", "snapshot_seconds", "device", "seconds")


def run_file(recs: dict, points, settings: dict) -> bytes:
    """The file's bytes for the runs in ``recs`` (label -> job with an in-memory trainer)."""
    runs = {}
    for k, rec in recs.items():
        with rec.lock:
            runs[k] = {"trainer": rec.spec.payload["trainer"], "history": list(rec.history),
                       "changes": list(rec.changes), "metrics": list(rec.extra.get("playground", {}).get("metrics", []))}
    return files.save_runs(runs, points=points, settings=settings)


def ab_setting() -> list | None:
    """Run B's one different setting as [field, value], or None without A/B."""
    s = st.session_state
    if not s.get(P + "ab"):
        return None
    field = s[P + "ab_field"]
    return [field, s.get(P + "ab_" + field)]


def save_and_load(recs: dict, points, training: bool) -> None:
    """The expander with the download button and the uploader."""
    with st.expander(tr("Save this run to a file, or load one", "把这次训练保存为文件，或载入文件"),
                     expanded=MESSAGE in st.session_state):
        ready = bool(recs) and all(r is not None and "trainer" in r.spec.payload for r in recs.values())
        step = max((r.step for r in recs.values() if r is not None), default=0)
        c1, c2 = st.columns(2)
        snapshot = dict(recs) if ready else {}
        settings = {"ab": ab_setting()}
        c1.download_button(tr("Save to a file", "保存到文件"), data=lambda: run_file(snapshot, points, settings),
                           file_name=f"playground-run-step{step}.zip", mime="application/zip", key=P + "save",
                           disabled=training or not ready, on_click="ignore", icon=":material/download:")
        if training:
            c1.caption(tr("Pause to save: the file holds the run as it is at one step.",
                          "先暂停再保存：文件保存的是某一步时的训练。"))
        elif not ready:
            c1.caption(tr("Take a step or press Play first: there is nothing to save yet.",
                          "请先走一步或按“开始”：现在还没有可保存的内容。"))
        else:
            c1.caption(tr("Weights, optimiser state, settings, step and curves, in a zip (safetensors and JSON: "
                          "numbers and text, nothing that runs code).",
                          "权重、优化器状态、设置、步数和曲线，保存在一个压缩文件里（只有数值和文本，没有会执行的代码）。"))
        c2.file_uploader(tr("Load a saved run", "载入保存的训练"), type=["zip"], key=P + "upload", on_change=on_upload)
        kind, text = st.session_state.pop(MESSAGE, (None, None))
        if kind == "error":
            st.error(text)
        elif kind == "success":
            st.success(text)


def fail(text: str) -> None:
    st.session_state[MESSAGE] = ("error", tr("That file cannot be loaded: ", "无法载入该文件：") + text)


def on_upload() -> None:
    """The uploader's callback (before the widgets are drawn): check the file, set the settings, keep the
    loaded trainers for :func:`start_loaded`."""
    up = st.session_state.get(P + "upload")
    if up is None:
        return
    try:
        meta, tensors = files.read_file(checked_upload(up), max_bytes=hosted.limits().unpacked_bytes)
        saved = files.saved_configs(meta)
        points = files.saved_points(meta)
        settings = settings_of(saved["A"])
        ab = (meta.get("settings") or {}).get("ab") if isinstance(meta.get("settings"), dict) else None
        if "B" in saved and not (isinstance(ab, list) and len(ab) == 2 and ab[0] in AB_FIELDS
                                 and ab[1] in AB_FIELDS[ab[0]][2]):
            raise ValueError("run B's setting is not one the playground offers")
    except ValueError as e:  # RunFileError, a refused upload, a setting the page does not offer
        fail(str(e))
        return
    for job in REGISTRY.owned(jobs.owner()):  # the loaded runs replace the current ones
        if job.spec.tag in TAGS:
            REGISTRY.forget(job, jobs.owner())
    for key, value in settings.items():
        st.session_state[P + key] = value
    st.session_state[P + "ab"] = "B" in saved
    if "B" in saved:
        st.session_state[P + "ab_field"] = ab[0]
        st.session_state[P + "ab_" + ab[0]] = ab[1]
    if points is not None:
        st.session_state[P + "points"] = points
        st.session_state[P + "points_ver"] = st.session_state.get(P + "points_ver", 0) + 1
    cfgs = configs()
    for k, c in saved.items():
        mine = {f: v for f, v in asdict(cfgs[k]).items() if f not in SERVER_FIELDS}
        theirs = {f: v for f, v in asdict(c).items() if f not in SERVER_FIELDS}
        different = sorted(f for f in mine if mine[f] != theirs.get(f))
        if different:
            fail(tr(f"run {k}'s settings ({', '.join(different)}) are not ones this page can set",
                    f"训练 {k} 的设置（{', '.join(different)}）不是本页面能设置的"))
            return
    try:
        loaded = files.restore(meta, tensors, {k: cfgs[k] for k in saved}, points)
    except files.RunFileError as e:
        fail(str(e))
        return
    snaps = {k: t.toy_snapshot() for k, t in loaded.trainers.items()}
    metrics = {k: loaded.metrics[k] or [snapshot_metrics(snaps[k], cfgs[k].dataset)] for k in snaps}
    sig = signature(cfgs, points)
    st.session_state[P + "fresh"] = {"sig": sig, "trainers": loaded.trainers, "snaps": snaps, "metrics": metrics}
    st.session_state[LOADED] = loaded
    steps = ", ".join(f"{k} {t.step:,}" for k, t in loaded.trainers.items())
    st.session_state[MESSAGE] = ("success", tr(f"Loaded (step: {steps}): settings, weights, optimiser state and curves. "
                                               "Press Play to carry on.",
                                               f"已载入（步数：{steps}）：设置、权重、优化器状态和曲线。按“开始”继续训练。"))


def pending() -> bool:
    return LOADED in st.session_state


def start_loaded(started: dict | None) -> None:
    """Give the jobs the page just started from the loaded trainers their saved history and changes."""
    loaded = st.session_state.pop(LOADED, None)
    if loaded is None or not started:
        return
    for k, rec in started.items():
        trainer = loaded.trainers.get(k)
        if trainer is None or rec.spec.payload.get("trainer") is not trainer:
            fail(tr("the page's settings changed while the file was loading; please load it again",
                    "载入文件时页面的设置发生了变化；请重新载入"))
            return
        with rec.lock:
            rec.history = list(loaded.history.get(k, []))
            rec.changes = list(loaded.changes.get(k, []))
            rec.last = files.resume_event(trainer, rec.history)
