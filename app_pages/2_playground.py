"""2D playground: a toy GAN trains in a background job while the page redraws its plots.

The sidebar holds the data, model and training settings; the main area has the play controls, the
live views (drawn by a polling fragment that never trains) and, for the custom dataset, the point
editor. With A/B on, a second run with exactly one setting changed trains beside the first, same seed.
The pieces live in ui/: playground_settings.py (the settings and configs), playground_views.py (the
live views), points_editor.py (your own points); the page keeps the runs' lifecycle and the layout.
"""
from __future__ import annotations

import time
from dataclasses import asdict

import numpy as np
import streamlit as st

from gan.jobs import REGISTRY, limits
from gan.toy.runs import fresh_runs, live_changes, record_metrics, signature
from gan.train import TrainConfig
from ui import jobs, model_diagram, playground_files
from ui.errors import guard
from ui.i18n import md, tr
from ui.playground_settings import P, SPEEDS, configs, init_state, settings_sidebar, widget_values
from ui.playground_views import draw_curves, draw_plane, layer_switches
from ui.points_editor import points_editor
from ui.sidebar import presenting

RUN_KEYS = {"A": "playground:A", "B": "playground:B"}  # job tags of the two runs
IDLE_STOP_S = 60.0  # a run nobody has polled for this long stops itself (frees the job slot)
POLL_RUNNING_S = 0.08  # while training the browser draws the plane: at least 10 new snapshots a second
CURVES_RUNNING_S = 1.0  # the curves and coverage: once a second while training
POLL_PAUSED_S = 1.0  # while paused: keep the run alive, notice a step that finished late
STEP_WAIT_S = 3.0  # how long a step button waits for its result before the page draws


def seed_from_saved_run() -> None:
    """A new session that finds this visitor's run from the URL gets that run's settings back."""
    if st.session_state.get(P + "seeded"):
        return
    st.session_state[P + "seeded"] = True
    rec = jobs.mine(RUN_KEYS["A"])
    saved = rec.extra.get("playground") if rec is not None else None
    if saved:
        for k, v in saved["widgets"].items():
            st.session_state.setdefault(k, v)
        if saved.get("points") is not None:
            st.session_state.setdefault(P + "points", np.asarray(saved["points"], dtype=np.float32))


# --- runs -------------------------------------------------------------------------------------------

def records(labels) -> dict[str, jobs.Job | None]:
    return {label: jobs.mine(RUN_KEYS[label]) for label in labels}


def forget_all() -> None:
    for job in records(RUN_KEYS).values():
        if job is not None:
            REGISTRY.forget(job, jobs.owner())
    st.session_state.pop(P + "fresh", None)


def fresh_view(cfgs: dict[str, TrainConfig], points: np.ndarray | None, sig: str) -> dict:
    """Trainers at step 0 (not yet running) and their first snapshots, rebuilt when the settings change."""
    fresh = st.session_state.get(P + "fresh")
    if fresh is None or fresh["sig"] != sig:
        fresh = {"sig": sig, **fresh_runs(cfgs, points)}
        st.session_state[P + "fresh"] = fresh
    return fresh


def ensure_runs(cfgs, points, sig, *, paused: bool) -> dict[str, jobs.Job] | None:
    """Each run as a live background job (a thread: bench/jobs.py), started fresh or continued after it stopped."""
    recs = records(cfgs)
    needed = [k for k, r in recs.items() if r is None or not r.running]
    for k in needed:
        r = recs[k]
        if r is not None and r.step >= r.total_steps:
            st.warning(tr(f"Run {k} reached the {r.total_steps:,}-step limit of a playground run. "
                          "Press Reset to start again.",
                          f"训练 {k} 已达到游乐场单次训练 {r.total_steps:,} 步的上限。请按“重置”重新开始。"))
            return None
    cap = limits()["max_jobs"]
    if needed and REGISTRY.active() + len(needed) > cap:
        st.warning(job_limit_message())
        return None
    fresh = fresh_view(cfgs, points, sig) if any(recs[k] is None or recs[k].engine is None for k in needed) else None
    for k in needed:
        old = recs[k] if recs[k] is not None and recs[k].engine is not None else None
        trainer = old.engine.trainer if old is not None else fresh["trainers"][k]
        spec = jobs.JobSpec("train", asdict(cfgs[k]), tag=RUN_KEYS[k], payload={"trainer": trainer},
                            paused=paused, delay=delay(), idle_stop_s=IDLE_STOP_S)
        rec = jobs.start(spec, backend="thread", replace=old)
        if rec is None:
            return None
        if old is None:
            rec.toy = fresh["snaps"][k]
            rec.extra["playground"] = {"sig": sig, "metrics": list(fresh["metrics"][k]), "widgets": widget_values(),
                                       "points": None if points is None else points.tolist(),
                                       "config": asdict(cfgs[k]), "points_sig": signature({}, points)}
        recs[k] = rec
    st.session_state.pop(P + "fresh", None)
    return recs


def change_runs(recs: dict, cfgs: dict[str, TrainConfig], points, sig: str) -> list[str]:
    """Apply changed learning rates, n_critic, loss or optimisers to the runs as they go (weights, step and
    history kept, the step marked on the curves); return the runs whose other settings changed."""
    stale, done = [], []
    for k, r in recs.items():
        pg = r.extra.get("playground", {}) if r is not None else {}
        if r is None or pg.get("sig") == sig:
            continue
        changes = None
        if k in cfgs and pg.get("points_sig") == signature({}, points):
            changes = live_changes(pg.get("config", r.spec.config), cfgs[k])
        if changes is None:
            stale.append(k)
            continue
        if changes and r.running:
            jobs.control(r, "reconfigure", changes)  # (a stopped run takes them when it continues)
        pg.update(config=asdict(cfgs[k]), sig=sig, widgets=widget_values())
        done.append(f"{k}: " + ", ".join(f"{n} = {v}" for n, v in changes.items()))
    if done and not stale:
        st.toast(tr("Changed while training (weights and curves kept): ", "训练中已更改（权重和曲线保留）：")
                 + "; ".join(done))
    return stale


def job_limit_message() -> str:
    return tr("The server is busy: too many training runs are going on right now. Please try again in a minute.",
              "服务器繁忙：当前正在进行的训练太多。请一分钟后再试。")


def delay() -> float:
    speed = SPEEDS[st.session_state.get(P + "speed", "max")]
    return 1.0 / speed if speed > 0 else 0.0


def step_runs(recs: dict[str, jobs.Job], kind) -> None:
    """One manual step on every run (``kind``: both, d or g, or (kind, n) for n of them); waits (briefly)
    for the results so this rerun draws them."""
    before = {}
    for k, rec in recs.items():
        jobs.control(rec, "pause")
        before[k] = rec.last
        jobs.control(rec, "step", kind)
    end = time.monotonic() + STEP_WAIT_S
    while time.monotonic() < end:
        if all(r.last is not before[k] and r.last.kind == (kind[0] if isinstance(kind, tuple) else kind)
               for k, r in recs.items()):
            break
        time.sleep(0.01)


# --- live views -------------------------------------------------------------------------------------

def gather(cfgs: dict[str, TrainConfig], points: np.ndarray | None, sig: str, *, pump: bool) -> tuple:
    """(records, snapshots, metrics, histories) per run label; ``pump`` first records the metrics of each
    run's latest snapshot (once a second, by the curves: JS, KL and modes cost a few ms a snapshot)."""
    recs = records(list(cfgs))
    fresh = None if all(recs.values()) else fresh_view(cfgs, points, sig)
    snaps, metrics, histories = {}, {}, {}
    for k in cfgs:
        rec = recs[k]
        if rec is not None:
            if pump:
                rec.touch()
                extra = rec.extra.get("playground")
                if extra is not None:
                    record_metrics(extra["metrics"], rec.toy, cfgs[k].dataset)
            snaps[k], histories[k] = rec.toy, rec.history
            metrics[k] = rec.extra.get("playground", {}).get("metrics", [])
        else:
            snaps[k], histories[k], metrics[k] = fresh["snaps"][k], [], fresh["metrics"][k]
    return recs, snaps, metrics, histories


def live_views(cfgs, points, sig) -> None:
    """Three polling fragments: the plane every 0.08 s; the diagram (the browser animates its loop) and the
    curves and headline numbers once a second (the diagram every 0.25 s in slow motion).

    While training, the plane is drawn by the browser from a compact payload (``ui.plane_canvas``) and
    the curves are pictures (``raster.panel_image``): in a real Chromium, re-rendering the interactive
    plotly charts every 0.2 s got about 1 visible update/s on the screen, server-drawn pictures of the
    plane 5, the canvas 10 or more (bench/playground.py --browser). Paused or stopped, the same views
    are interactive charts again.
    """
    def every(fast: float, slow_play: float | None = None):
        def interval(found: list[jobs.Job]) -> float | None:
            alive = [r for r in found if r.running]
            if not alive:
                return None
            if model_diagram.slow_play_on():  # a step every few seconds
                return slow_play or fast
            if any(not r.paused for r in alive):
                return fast
            # paused: keep polling, except while slow motion walks through a step (nothing else changes then,
            # and redrawing the interactive charts would hold up the diagram's phases)
            return None if model_diagram.slow_motion_running() else POLL_PAUSED_S
        return interval

    def plane() -> None:
        with guard("playground views"):
            recs, snaps, _, _ = gather(cfgs, points, sig, pump=False)
            draw_plane(cfgs, recs, snaps)

    def curves() -> None:
        with guard("playground curves"):
            recs, _, metrics, histories = gather(cfgs, points, sig, pump=True)
            draw_curves(cfgs, recs, metrics, histories)

    def model() -> None:
        with guard("playground diagram"):
            runs = records(cfgs)
            model_diagram.slow_play_tick(list(runs.values()))  # Play in slow motion: the next step when due
            rec = runs["A"]
            model_diagram.draw(rec, rec is not None and rec.running and not rec.paused)

    def diagram_every(found: list[jobs.Job]) -> float | None:
        if model_diagram.slow_motion_running():
            return 0.25
        return every(model_diagram.PLAY_REFRESH_S)(found)

    runs = lambda: list(records(cfgs).values())  # noqa: E731
    jobs.live(runs, [(model, diagram_every)])
    layer_switches()  # between the diagram and the plane, outside the plane's fragment (it runs 12 times a second)
    jobs.live(runs, [(plane, every(POLL_RUNNING_S, 0.5)), (curves, every(CURVES_RUNNING_S))])


# --- page -------------------------------------------------------------------------------------------

seed_from_saved_run()
init_state()
st.title(tr("2D playground", "二维游乐场"))
st.caption(tr("A small GAN learns a 2D distribution while you watch. Green: real data; purple: what G makes; the "
              "background is D's verdict; arrows show where G's gradient pushes its points.",
              "一个小型 GAN 在你眼前学习一个二维分布。绿色：真实数据；紫色：G 生成的点；背景是 D 的判断；"
              "箭头表示 G 的梯度把它的点推向哪里。"))
settings_sidebar()

with guard("playground"):
    cfgs = configs()
    points = None
    if cfgs["A"].dataset == "custom":
        points = points_editor()
    if cfgs["A"].dataset == "custom" and points is None and any(records(RUN_KEYS).values()):
        forget_all()  # the point set the run trained on is gone
    if cfgs["A"].dataset != "custom" or points is not None:
        sig = signature(cfgs, points)
        stale = change_runs(records(RUN_KEYS), cfgs, points, sig)
        if stale:  # a setting changed that a run cannot take mid-way: start over from step 0
            forget_all()
            st.toast(tr("Settings changed: the playground was reset.", "设置已更改：游乐场已重置。"))
        if playground_files.pending():  # a run loaded from a file: its jobs start paused at its step
            playground_files.start_loaded(ensure_runs(cfgs, points, sig, paused=True))
        recs = records(cfgs)
        alive = [r for r in recs.values() if r is not None and r.running]
        model_diagram.sync_slow_play(alive)
        training = any(not r.paused for r in alive) or model_diagram.slow_play_on()

        c = st.columns([1.2, 1, 1, 1, 1, 2.2], vertical_alignment="bottom")
        play = c[0].button(tr("Pause", "暂停") if training else tr("Play", "开始"), key=P + "play", type="primary",
                           icon=":material/pause:" if training else ":material/play_arrow:")
        step_d = c[1].button(tr("D step", "D 一步"), key=P + "step_d",
                             help=tr("One update of the discriminator only.", "只更新判别器一次。"))
        step_g = c[2].button(tr("G step", "G 一步"), key=P + "step_g",
                             help=tr("One update of the generator only.", "只更新生成器一次。"))
        step_both = c[3].button(tr("Step", "一步"), key=P + "step_both",
                                help=tr("One full step: D, then G, each as many times as set.",
                                        "完整的一步：先更新 D，再更新 G，次数都按设置。"))
        reset = c[4].button(tr("Reset", "重置"), key=P + "reset")
        c[5].select_slider(tr("Speed (steps/s)", "速度（步/秒）"), list(SPEEDS), key=P + "speed",
                           # the same labels in every language: the browser keeps the value by its label
                           format_func={**{s: s for s in SPEEDS}, "max": "∞"}.__getitem__)
        st.toggle(tr("Slow motion: walk through each step's phases, a second each, with the batch's numbers "
                     "(the step buttons and Play)",
                     "慢动作：逐个展示每一步的各个阶段（每个约一秒）和这一批数据的数值（单步按钮和“开始”都适用）"),
                  key=model_diagram.SLOW_KEY)
        for r in alive:
            jobs.control(r, "delay", delay())

        changed = False
        if reset or play or step_d or step_g or step_both:
            model_diagram.stop_slow_play()
        if reset:
            forget_all()
            changed = True
        elif play and training:
            for r in alive:
                jobs.control(r, "pause")
            changed = True
        elif play:
            slow = model_diagram.slow_motion_on()  # slow motion: the jobs stay paused, the diagram steps them
            started = ensure_runs(cfgs, points, sig, paused=slow)
            for r in (started or {}).values():
                jobs.control(r, "pause" if slow else "resume")
            if slow and started:
                model_diagram.start_slow_play()
            changed = started is not None
        elif step_d or step_g or step_both:
            started = ensure_runs(cfgs, points, sig, paused=True)
            if started:
                kind = "d" if step_d else "g" if step_g else "both"
                step_runs(started, kind)
                model_diagram.start_slow_motion(kind)
        elif st.session_state.get(P + "pending_d"):  # a preset that starts with D updates alone
            started = ensure_runs(cfgs, points, sig, paused=True)
            if started:
                step_runs(started, ("d", int(st.session_state.pop(P + "pending_d"))))
        if changed:
            st.rerun()  # redraw the buttons for the new state

        playground_files.save_and_load(records(cfgs), points, training)  # (a step may have started the runs)
        live_views(cfgs, points, sig)

with st.expander(tr("How to read the playground, and what to try", "如何看懂游乐场，以及可以尝试什么"),
                 expanded=presenting()):
    st.markdown(md("playground"))
