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


def test_a_run_whose_points_leave_the_plane_is_diverging():
    import numpy as np

    from gan.toy.snapshots import diverging, off_plane_share

    near = {"fake": np.random.default_rng(0).normal(0, 1, (2500, 2)) * 0.5}
    assert off_plane_share(near) == 0.0 and not diverging(near)
    gone = {"fake": np.concatenate([near["fake"][:1000], np.full((1500, 2), 40.0)])}
    assert off_plane_share(gone) == 0.6 and diverging(gone)
    assert diverging({"fake": np.full((10, 2), np.nan)}) and not diverging(None)
