"""Numbers on one toy snapshot (gan.toy.snapshots)."""
from __future__ import annotations

import math

import numpy as np

from gan.toy.snapshots import snapshot_metrics


def test_snapshot_metrics_on_a_ring_and_a_spiral():
    modes = np.array([[np.cos(a), np.sin(a)] for a in np.arange(8) * np.pi / 4]) * 2.0
    three_modes = {"step": 7, "real": np.repeat(modes, 50, 0), "fake": np.repeat(modes[:3], 50, 0)}
    m = snapshot_metrics(three_modes, "ring")
    assert m["step"] == 7 and m["modes_covered"] == 3 and m["n_modes"] == 8 and m["high_quality"] == 1.0
    assert 0 < m["js"] <= math.log(2) + 1e-9 and m["kl"] > 0
    assert "modes_covered" not in snapshot_metrics(three_modes, "spiral")  # no modes to count on a spiral
    same = snapshot_metrics({"real": three_modes["real"], "fake": three_modes["real"]}, "ring")
    assert same["step"] == 0 and same["js"] == 0 and same["modes_covered"] == 8
