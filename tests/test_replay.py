"""gan.replay recordings and gan.timelapse GIF/PNG bytes."""
from __future__ import annotations

import io
import math

import numpy as np
import pytest
from PIL import Image

from gan import replay, timelapse


def fake_run(n_grids=30, shape=(20, 30)):
    rng = np.random.default_rng(0)
    history = [{"step": s, "loss_d": 1.0 + s / 1000, "loss_g": 0.7, "d_real": 0.6, "d_fake": 0.4, "grad_norm_d": 1.0,
                "grad_norm_g": 1.0, "images_per_sec": 100.0, "elapsed": s / 10} for s in range(5, 305, 5)]
    history.append({"step": 300, "loss_d": math.nan, "loss_g": math.nan})  # the final "done" row
    grids = [(10 * (i + 1), rng.integers(0, 256, shape, dtype=np.uint8)) for i in range(n_grids)]
    return history, grids


def test_thin_keeps_first_last_and_count():
    _, grids = fake_run(30)
    kept = replay.thin(grids, 7)
    assert len(kept) == 7 and kept[0][0] == 10 and kept[-1][0] == 300
    assert replay.thin(grids[:3], 7) == grids[:3]
    with pytest.raises(ValueError):
        replay.thin(grids, 0)


def test_round_trip_file(tmp_path):
    history, grids = fake_run()
    rec = replay.make_recording(history, grids, {"model": "cgan", "loss": "ns"}, max_grids=10, title="demo",
                                device="CPU")
    assert len(rec.grids) == 10 and len(rec.history) == 60  # the NaN summary row is dropped
    path = replay.save(rec, tmp_path / "demo.npz")
    back = replay.load(path)
    assert back.config == {"model": "cgan", "loss": "ns"} and back.meta["title"] == "demo"
    assert back.meta["device"] == "CPU"
    assert back.grid_steps == rec.grid_steps and back.total_steps == 300
    for (s1, g1), (s2, g2) in zip(rec.grids, back.grids):
        assert s1 == s2 and np.array_equal(g1, g2)
    assert back.history[3]["step"] == 20 and back.history[3]["loss_d"] == pytest.approx(1.02)
    assert replay.bundled(tmp_path) == {"demo": path}


def test_playback_helpers():
    history, grids = fake_run(5)
    rec = replay.make_recording(history, grids)
    assert rec.grid_at(0)[0] == 10 and rec.grid_at(35)[0] == 30 and rec.grid_at(10_000)[0] == 50
    assert [r["step"] for r in rec.history_upto(15)] == [5, 10, 15]


def test_bad_recordings_give_clear_errors(tmp_path):
    with pytest.raises(replay.RecordingError, match="not a readable recording"):
        replay.from_bytes(b"garbage", "x.npz")
    with pytest.raises(replay.RecordingError, match="no recording"):
        replay.load(tmp_path / "missing.npz")
    buf = io.BytesIO()
    np.savez_compressed(buf, history=np.zeros((2, 3)))
    with pytest.raises(replay.RecordingError, match="lacks the part"):
        replay.from_bytes(buf.getvalue())
    with pytest.raises(replay.RecordingError):
        replay.make_recording([], [])


def test_bundled_recordings_load_and_are_small():
    found = replay.bundled()
    assert found, "checkpoints/replays/ should ship at least one recording (scripts/make_replay.py)"
    for name, path in found.items():
        assert path.stat().st_size < 1_000_000, name
        rec = replay.load(path)
        assert len(rec.grids) >= 5 and len(rec.history) >= 10
        assert rec.total_steps >= 100
        assert all(math.isfinite(r["loss_d"]) for r in rec.history)
        # the samples change over the run
        assert not np.array_equal(rec.grids[0][1], rec.grids[-1][1])


def test_gif_and_png_bytes():
    _, grids = fake_run(4, shape=(8, 12))
    data = timelapse.gif_bytes([g for _, g in grids], duration_ms=100, scale=2)
    img = Image.open(io.BytesIO(data))
    assert img.format == "GIF" and img.n_frames == 4 and img.size == (24, 16)
    png = Image.open(io.BytesIO(timelapse.png_bytes(grids[0][1])))
    assert png.format == "PNG" and np.array_equal(np.asarray(png), grids[0][1])
    rgb = np.zeros((4, 5, 3), np.uint8)
    assert Image.open(io.BytesIO(timelapse.png_bytes(rgb))).mode == "RGB"
    with pytest.raises(ValueError):
        timelapse.gif_bytes([])
    with pytest.raises(ValueError):
        timelapse.gif_bytes([np.zeros((2, 2), np.uint8), np.zeros((3, 3), np.uint8)])
    with pytest.raises(ValueError):
        timelapse.png_bytes(np.zeros((2, 2), np.float32))
