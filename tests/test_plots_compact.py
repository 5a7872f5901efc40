"""The plane's compact payload (gan.plots.compact): what the browser draws is the snapshot, packed."""
from __future__ import annotations

import numpy as np
import pytest

from gan.plots import compact
from gan.plots.toy import arrow_segments


def snapshot(n: int = 40) -> dict:
    rng = np.random.default_rng(0)
    xs = np.linspace(-3, 3, n, dtype=np.float32)
    gx, gy = np.meshgrid(xs, xs, indexing="xy")
    fake = rng.normal(size=(2500, 2)).astype(np.float32)
    fake[3] = [np.nan, 1.0]
    return {"step": 1234, "real": rng.normal(size=(1000, 2)).astype(np.float32), "fake": fake,
            "d_grid": 1 / (1 + np.exp(-gx)), "grid_x": xs, "arrow_xy": fake[:150], "arrow_dir": -fake[:150],
            "manifold": rng.normal(size=(21, 21, 2)).astype(np.float32)}


def test_the_payload_holds_the_snapshot_to_a_thousandth():
    snap = snapshot()
    data = compact.plane_payload(snap, {"manifold": True}, size=560)
    back = compact.read_payload(data)
    assert back["step"] == 1234 and back["size"] == 560 and back["extent"] == 3.0
    assert all(back["show"].values())
    np.testing.assert_allclose(back["d_grid"], snap["d_grid"], atol=1 / 255)
    assert back["d_grid"][0, 0] < 0.1 and back["d_grid"][0, -1] > 0.9  # x grows along a row: D says "real" on the right
    np.testing.assert_allclose(back["real"], snap["real"][:600], atol=6e-4)
    assert back["fake"].shape == (600, 2) and np.isnan(back["fake"][3, 0]) and back["fake"][3, 1] == 1.0
    np.testing.assert_allclose(back["arrows"], arrow_segments(snap["arrow_xy"], snap["arrow_dir"]).reshape(-1, 4),
                               atol=6e-4)
    np.testing.assert_allclose(back["manifold"], snap["manifold"], atol=6e-4)
    assert len(data) < 12_000  # vs ~40 KiB for a JPEG of the plane


def test_layers_switched_off_are_left_out():
    back = compact.read_payload(compact.plane_payload(snapshot(), {"arrows": False}))
    assert not back["show"]["arrows"] and not back["show"]["manifold"] and back["show"]["fake"]
    assert back["arrows"].shape == (0, 4) and back["manifold"].shape == (0, 2)


def test_points_far_off_the_plane_are_clipped_not_wrapped():
    snap = snapshot()
    snap["fake"][0] = [1e6, -1e6]
    back = compact.read_payload(compact.plane_payload(snap))
    assert back["fake"][0, 0] == pytest.approx(32.767) and back["fake"][0, 1] == pytest.approx(-32.767, abs=1e-3)


def test_not_a_payload():
    with pytest.raises(ValueError):
        compact.read_payload(b"x" * 40)
