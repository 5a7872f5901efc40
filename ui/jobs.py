"""Background training jobs seen from a page: start, find again after a reload, poll with a fragment.

Jobs live in a process-wide registry (``st.cache_resource``) under a random run id. The id is kept in
``st.session_state`` and in the URL's query parameters, so a visitor who reloads the page or
switches pages finds the run again, while another visitor cannot guess it. The page only draws:
events are drained from the job's queue inside ``st.fragment(run_every=...)``; no Streamlit call
happens in the worker thread.
"""
from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import streamlit as st

from gan.train import TrainEvent, Trainer, TrainingJob

MAX_RECORDS = 64
MAX_HISTORY = 20_000
MAX_GRIDS = 200
KEEP_FINISHED_S = 3600


@dataclass
class RunRecord:
    """A job plus everything drained from it so far (kept with the job, so reloads keep it)."""

    job: TrainingJob
    config: dict
    created: float = field(default_factory=time.time)
    history: list[dict] = field(default_factory=list)  # one row per event: step, losses, D outputs, rate
    grids: list[tuple[int, np.ndarray]] = field(default_factory=list)  # (step, sample grid)
    last: TrainEvent | None = None
    toy: dict | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def running(self) -> bool:
        return self.job.alive

    @property
    def trainer(self) -> Trainer:
        return self.job.trainer

    def pump(self) -> list[TrainEvent]:
        """Move queued events into the history; returns the new ones."""
        with self.lock:
            events = self.job.drain()
            for ev in events:
                if ev.loss_d == ev.loss_d or ev.status != "running":
                    self.history.append({"step": ev.step, "loss_d": ev.loss_d, "loss_g": ev.loss_g,
                                         "d_real": ev.d_real, "d_fake": ev.d_fake, "grad_norm_d": ev.grad_norm_d,
                                         "grad_norm_g": ev.grad_norm_g, "images_per_sec": ev.images_per_sec,
                                         "elapsed": ev.elapsed, "kind": ev.kind})
                if ev.samples is not None and (not self.grids or self.grids[-1][0] != ev.step):
                    self.grids.append((ev.step, ev.samples))
                if ev.toy is not None:
                    self.toy = ev.toy
                self.last = ev
            if len(self.history) > MAX_HISTORY:
                del self.history[: len(self.history) - MAX_HISTORY]
            if len(self.grids) > MAX_GRIDS:  # keep the first and thin out the rest evenly
                keep = np.linspace(0, len(self.grids) - 1, MAX_GRIDS // 2).astype(int)
                self.grids = [self.grids[i] for i in sorted(set(keep))]
            return events


@st.cache_resource
def _registry() -> dict[str, RunRecord]:
    return {}


def _prune(reg: dict[str, RunRecord]) -> None:
    now = time.time()
    for rid, rec in list(reg.items()):
        if not rec.running and now - rec.created > KEEP_FINISHED_S:
            del reg[rid]
    while len(reg) > MAX_RECORDS:
        oldest = min((r for r in reg.items() if not r[1].running), key=lambda r: r[1].created, default=None)
        if oldest is None:
            break
        del reg[oldest[0]]


def start(key: str, trainer: Trainer, *, paused: bool = False, delay: float = 0.0, remember: bool = True) -> RunRecord:
    """Start ``trainer`` in a background job for this session under ``key``.

    Raises ``gan.train.JobLimitError`` when the server's cap on concurrent runs is reached.
    """
    from dataclasses import asdict
    job = TrainingJob(trainer, paused=paused, delay=delay).start()
    rec = RunRecord(job=job, config=asdict(trainer.cfg))
    reg = _registry()
    _prune(reg)
    rid = secrets.token_urlsafe(12)
    reg[rid] = rec
    old = st.session_state.get(key)
    if old and old in reg and not reg[old].running:
        del reg[old]
    st.session_state[key] = rid
    if remember:
        st.query_params[key] = rid
    return rec


def current(key: str) -> RunRecord | None:
    """This session's run under ``key``, found again from the URL after a reload."""
    reg = _registry()
    rid = st.session_state.get(key) or st.query_params.get(key)
    if rid and rid in reg:
        st.session_state[key] = rid
        return reg[rid]
    return None


def forget(key: str, stop: bool = True) -> None:
    """Drop this session's run under ``key`` (stopping it first)."""
    reg = _registry()
    rid = st.session_state.pop(key, None) or st.query_params.get(key)
    if key in st.query_params:
        del st.query_params[key]
    if rid and rid in reg:
        if stop:
            reg[rid].job.stop()
        del reg[rid]


def live(key: str, render: Callable[[RunRecord | None], None], every: float = 0.2) -> None:
    """Draw ``render(record)`` in a fragment that re-runs every ``every`` seconds while the job runs.

    When the job finishes, one full rerun happens so the rest of the page sees the final state.
    """
    rec = current(key)
    running = rec is not None and rec.running
    flag = f"{key}__was_running"

    @st.fragment(run_every=every if running else None)
    def _fragment() -> None:
        r = current(key)
        if r is not None:
            r.pump()
        render(r)
        alive = r is not None and r.running
        if st.session_state.get(flag) and not alive:
            st.session_state[flag] = False
            st.rerun()
        st.session_state[flag] = alive

    _fragment()
