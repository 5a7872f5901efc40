"""A playground run's data apart from its job: the settings' signature, runs at step 0, the metric history."""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict

import numpy as np

from ..train import RECONFIGURABLE, TrainConfig, Trainer
from .snapshots import snapshot_metrics

MAX_METRIC_ROWS = 5000  # a run keeps the metrics of at most this many snapshots


def signature(cfgs: dict[str, TrainConfig], points: np.ndarray | None) -> str:
    """A string that changes whenever a run's settings or the custom point set change."""
    h = hashlib.sha1(np.ascontiguousarray(points, dtype=np.float32).tobytes()).hexdigest() if points is not None else ""
    return json.dumps([{k: asdict(c) for k, c in cfgs.items()}, h], sort_keys=True, default=str)


def fresh_runs(cfgs: dict[str, TrainConfig], points: np.ndarray | None) -> dict:
    """Trainers at step 0 (not yet running), their first snapshots and metric rows, per run label."""
    trainers = {k: Trainer(c, toy_points=points) for k, c in cfgs.items()}
    snaps = {k: t.toy_snapshot() for k, t in trainers.items()}
    metrics = {k: [snapshot_metrics(s, cfgs[k].dataset)] for k, s in snaps.items()}
    return {"trainers": trainers, "snaps": snaps, "metrics": metrics}


def record_metrics(metrics: list[dict], snap: dict | None, dataset: str, keep: int = MAX_METRIC_ROWS) -> None:
    """Append the metrics of ``snap`` unless its step is already the last row; keep the newest ``keep`` rows."""
    if snap is None:
        return
    step = int(snap.get("step", 0))
    if not metrics or metrics[-1]["step"] != step:
        metrics.append(snapshot_metrics(snap, dataset))
        if len(metrics) > keep:
            del metrics[: len(metrics) - keep]


def live_changes(old: dict, new: TrainConfig) -> dict | None:
    """What changed from ``old`` (a run's config as a dict) to ``new``, when every change is one a running
    trainer takes without losing its weights (learning rates, n_critic, g_steps, loss, optimisers); None when any
    other setting changed, so the run must start again."""
    diff = {k: v for k, v in asdict(new).items() if old.get(k) != v}
    return diff if set(diff) <= set(RECONFIGURABLE) else None
