"""A playground run's data apart from its job (gan.toy.runs): signature, runs at step 0, metric history."""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from gan.toy.runs import fresh_runs, record_metrics, signature
from gan.train import TrainConfig


def cfg(**kw) -> TrainConfig:
    base = dict(model="toy", dataset="ring", width=8, depth=1, batch_size=32, steps=10, device="cpu")
    return TrainConfig(**{**base, **kw})


def test_signature_changes_with_settings_and_points():
    a = {"A": cfg()}
    pts = np.zeros((3, 2), np.float32)
    assert signature(a, None) == signature({"A": cfg()}, None)
    assert signature(a, None) != signature({"A": replace(a["A"], loss="hinge")}, None)
    assert signature(a, pts) != signature(a, pts + 1) != signature(a, None)


def test_fresh_runs_start_at_step_0_and_metrics_are_recorded_once_per_step():
    fresh = fresh_runs({"A": cfg(), "B": cfg(loss="hinge")}, None)
    assert set(fresh["trainers"]) == set(fresh["snaps"]) == set(fresh["metrics"]) == {"A", "B"}
    snap = fresh["snaps"]["A"]
    rows = fresh["metrics"]["A"]
    assert snap["step"] == 0 and [r["step"] for r in rows] == [0] and "modes_covered" in rows[0]
    record_metrics(rows, snap, "ring")  # same step: nothing new
    record_metrics(rows, None, "ring")
    assert len(rows) == 1
    for step in range(1, 5):
        record_metrics(rows, {**snap, "step": step}, "ring", keep=3)
    assert [r["step"] for r in rows] == [2, 3, 4]
