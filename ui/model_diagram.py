"""The playground's model diagram: the part at work lit for the last step (D step, G step, Step, Play),
and slow motion, which walks through one step's phases about a second each with the batch's numbers.
Play in slow motion takes one full step, walks through its phases, then takes the next (the jobs stay
paused and the diagram's fragment asks for each step: :func:`slow_play_tick`).

Drawing is ``gan.plots.diagram``; this module only decides which phase to show and when.
Session state (prefix ``playground_diagram_``): the step being shown in slow motion, its phase and since
when that phase has been on screen, and whether Play runs in slow motion. A phase moves on once it has
been drawn and shown for PHASE_S, so a slow server (a long script run right after a step) never skips one.
"""
from __future__ import annotations

import math
import time

import streamlit as st

from gan.jobs import Job
from gan.plots import diagram
from ui import jobs
from ui.i18n import tr
from ui.sidebar import CHART_SCALE, presenting

K = "playground_diagram_"
SLOW_KEY = "playground_slowmo"  # the slow-motion toggle's key
PLAY_KEY = K + "play"  # Play runs in slow motion
PHASE_S = 1.0  # slow motion: seconds per phase
PLAY_REFRESH_S = 1.0  # while playing: the numbers refresh this often (the browser moves the lit part itself)
VALUE_KEYS = ("d_real", "d_fake", "loss_d", "loss_g", "grad_norm_d", "grad_norm_g")


def phase_text() -> dict[str, str]:
    return {"initialise": tr("1 · initialise G and D", "1 · 初始化 G 和 D"),
            "generate": tr("2 · generate: G turns noise z into G(z)", "2 · 生成：G 把噪声 z 变成 G(z)"),
            "classify": tr("3 · classify: D scores real x and fake G(z)", "3 · 判别：D 给真实的 x 和生成的 G(z) 打分"),
            "update_d": tr("4 · update D: lower L_D", "4 · 更新 D：降低 L_D"),
            "update_g": tr("4 · update G: lower L_G (its gradient comes back through D)",
                           "4 · 更新 G：降低 L_G（梯度经过 D 传回）"),
            "idle": tr("5 · repeat", "5 · 重复"), "repeat": tr("5 · repeat", "5 · 重复")}


def event_values(job: Job | None) -> dict:
    ev = job.last if job is not None else None
    if ev is None:
        return {}
    return {k: getattr(ev, k) for k in VALUE_KEYS if isinstance(getattr(ev, k, None), float)}


def start_slow_motion(kind: str, before: int | None = None) -> None:
    """Called when a step of ``kind`` was taken: show its phases one by one from now on. ``before``: the
    step counter before it, when its numbers may not have arrived yet (none are shown until they have)."""
    if st.session_state.get(SLOW_KEY):
        st.session_state[K + "shown"] = {"kind": kind, "i": 0, "since": None, "before": before}


def slow_play_on() -> bool:
    """Whether Play runs in slow motion now."""
    return bool(st.session_state.get(PLAY_KEY)) and slow_motion_on()


def start_slow_play() -> None:
    st.session_state[PLAY_KEY] = True


def stop_slow_play() -> None:
    st.session_state.pop(PLAY_KEY, None)


def sync_slow_play(alive: list[Job]) -> None:
    """Slow motion switched on while playing: go on in slow motion; switched off: play at full speed."""
    if st.session_state.get(PLAY_KEY) and not slow_motion_on():
        stop_slow_play()
        for r in alive:
            jobs.control(r, "resume")
    elif slow_motion_on() and any(not r.paused for r in alive):
        for r in alive:
            jobs.control(r, "pause")
        start_slow_play()


def walk_done() -> bool:
    """Whether the step shown in slow motion has been walked through, "repeat" included."""
    shown = st.session_state.get(K + "shown")
    return not shown or (shown["i"] == len(diagram.phases(shown["kind"])) and shown["since"] is not None
                         and time.monotonic() - shown["since"] >= PHASE_S)


def slow_play_tick(runs: list[Job | None]) -> None:
    """Play in slow motion: once the last step has been walked through, take the next full step."""
    if not slow_play_on():
        return
    alive = [r for r in runs if r is not None and r.running]
    if not alive:
        stop_slow_play()
        return
    if walk_done():
        before = alive[0].step
        for r in alive:
            jobs.control(r, "step", "both")
        start_slow_motion("both", before)


def slow_motion_on() -> bool:
    return bool(st.session_state.get(SLOW_KEY))


def slow_motion_running() -> bool:
    """True while a slow-motion step is still being played back (the page keeps polling meanwhile)."""
    shown = st.session_state.get(K + "shown")
    if not slow_motion_on():
        return False
    return slow_play_on() or (bool(shown) and not walk_done())


def current_phase(job: Job | None, training: bool) -> str:
    """The phase to draw now: slow motion's, "loop" while playing, or the last step's update."""
    shown = st.session_state.get(K + "shown")
    if shown and slow_motion_on():
        ph = diagram.phases(shown["kind"]) + ["repeat"]
        now = time.monotonic()
        if shown["since"] is None:  # first drawn now
            shown["since"] = now
        elif now - shown["since"] >= PHASE_S and shown["i"] < len(ph) - 1:
            shown["i"], shown["since"] = shown["i"] + 1, now
        return ph[shown["i"]]
    if training:
        return "loop"
    last = job.last if job is not None else None
    if last is None or job.step == 0:
        return "initialise"
    return {"d": "update_d", "g": "update_g"}.get(getattr(last, "kind", "both"), "update_g")


def draw(job: Job | None, training: bool, width: int = 520) -> str:
    """Draw the diagram for ``job`` (run A) and return the phase drawn."""
    phase = current_phase(job, training)
    vals = event_values(job)
    shown = st.session_state.get(K + "shown")
    if shown and slow_motion_on() and shown.get("before") is not None and (job is None or job.step <= shown["before"]):
        vals = {}  # the step's numbers have not arrived yet
    if phase in diagram.LIT and phase not in ("initialise", "idle"):
        vals = diagram.values_seen(phase, vals)
    elif phase == "initialise":
        vals = {}
    if presenting():  # the drawing (a viewBox) and all its text CHART_SCALE times larger on a projector
        width = round(width * CHART_SCALE)
    svg = diagram.model_svg("idle" if phase == "repeat" else phase, vals, text=phase_text(), width=width)
    # (st.html sanitises SVG away; Markdown with HTML keeps it, attributes included)
    st.markdown(f'<div data-testid="gan-diagram" data-phase="{phase}">{svg}</div>', unsafe_allow_html=True)
    kinds = {"d": tr("D step", "D 一步"), "g": tr("G step", "G 一步"), "both": tr("Step", "一步")}
    last = job.last if job is not None else None
    if last is not None and not training:
        lg, dg = getattr(last, "loss_g", math.nan), getattr(last, "d_fake", math.nan)
        st.caption(tr(f"Last: {kinds.get(last.kind, last.kind)} (step {job.step})",
                      f"上一次：{kinds.get(last.kind, last.kind)}（第 {job.step} 步）")
                   + (f" · L_G = {lg:.3f} · D(G(z)) = {dg:.3f}" if math.isfinite(lg) and math.isfinite(dg) else ""))
    return phase
