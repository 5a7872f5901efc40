"""The CycleGAN as a job (kind "cycle" in :data:`gan.jobs.ENGINES`), and running one to the end with a recording.

A job's spec carries the :class:`~gan.cycle.train.CycleConfig` as a dict; the 2D pair runs in a thread of the
server, the MNIST pair in a worker process (the page chooses, as for the other kinds of job). Each event carries one history row
(:attr:`CycleEvent.row`, kept by the job record) and, every ``snapshot_every`` steps, a snapshot (kept as the
record's latest ``toy``), so a page draws curves and the cycle while it trains; pause and stop are the job
layer's.
"""
from __future__ import annotations

import time
from pathlib import Path

from ..engines import TrainerEngine
from .replay import CycleRecording, make_recording
from .train import CycleConfig, CycleEvent, CycleTrainer


class CycleEngine(TrainerEngine):
    """What :func:`gan.jobs._work` drives: a :class:`CycleTrainer` (no single steps, no changes mid-run)."""

    @classmethod
    def from_spec(cls, spec) -> "CycleEngine":
        """From a :class:`gan.jobs.JobSpec` (its ``config`` a CycleConfig as a dict)."""
        return cls(CycleTrainer(CycleConfig.from_dict(spec.config), started_at=spec.started_at))

    def final_event(self, status: str, message: str) -> CycleEvent:
        return self.trainer.status_event(status, message)

    def save(self, folder: Path) -> None:
        self.trainer.save(folder)


def record_run(trainer: CycleTrainer, on_event=None, max_snapshots: int = 24) -> tuple[CycleEvent, CycleRecording]:
    """Run ``trainer`` to the end (``on_event(ev)`` after each event); the last event and a recording of the run."""
    rows, snaps, last = [], [], None
    t0 = time.time()
    for ev in trainer.run():
        last = ev
        if ev.row is not None:
            rows.append(ev.row)
        if ev.snapshot is not None:
            snaps.append(ev.snapshot)
        if on_event is not None:
            on_event(ev)
    meta = {"pair": trainer.cfg.pair, "kind": trainer.kind, "config": trainer.cfg.__dict__.copy(),
            "seconds": round(time.time() - t0, 1), "steps": trainer.step}
    return last, make_recording(rows, snaps, meta, max_snapshots)
