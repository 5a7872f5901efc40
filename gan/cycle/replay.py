"""Recordings of CycleGAN runs: the loss history and a thinned set of snapshots, played back without training.

One recording is one compressed ``.npz`` (read with ``allow_pickle=False``) holding ``rows`` (float32, one row
per logged step, columns ``row_keys``), per snapshot the arrays x, G(x), F(G(x)), y, F(y), G(F(y)) stacked as
``snap_<name>`` (points as float16, images as uint8), their numbers as ``snap_numbers`` (columns
``number_keys``) and ``meta``, a JSON string (pair, kind, the run's config, seconds, a title).
"""
from __future__ import annotations

import io
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..replay import RecordingError, read_file, read_npz, write_file

ARRAY_KEYS = ("x", "g_x", "f_g_x", "y", "f_y", "g_f_y")
MAX_FILE_BYTES = 8 * 2**20
MAX_SNAPSHOTS = 200


@dataclass
class CycleRecording:
    rows: list[dict]
    snapshots: list[dict]  # oldest first; each has "step", the ARRAY_KEYS arrays and its numbers
    meta: dict = field(default_factory=dict)

    @property
    def steps(self) -> list[int]:
        return [int(s["step"]) for s in self.snapshots]

    @property
    def kind(self) -> str:
        return str(self.meta.get("kind", "points"))

    @property
    def last(self) -> dict:
        return self.snapshots[-1]

    def snapshot_at(self, step: int) -> dict:
        """The latest snapshot at or before ``step`` (the first one when ``step`` is earlier)."""
        best = self.snapshots[0]
        for s in self.snapshots:
            if s["step"] <= step:
                best = s
        return best

    def rows_upto(self, step: int) -> list[dict]:
        return [r for r in self.rows if r["step"] <= step]


def thin(snapshots: list[dict], n: int) -> list[dict]:
    """At most ``n`` snapshots, evenly spread, keeping the first and the last."""
    if len(snapshots) <= n:
        return list(snapshots)
    idx = np.unique(np.round(np.linspace(0, len(snapshots) - 1, n)).astype(int))
    return [snapshots[i] for i in idx]


def make_recording(rows: list[dict], snapshots: list[dict], meta: dict, max_snapshots: int = 24) -> CycleRecording:
    """A recording from a run's history rows and snapshots (unique steps, thinned to ``max_snapshots``)."""
    by_step: dict[int, dict] = {}
    for s in snapshots:
        by_step[int(s["step"])] = s
    snaps = thin([by_step[k] for k in sorted(by_step)], max_snapshots)
    if not snaps:
        raise RecordingError("a recording needs at least one snapshot")
    clean = [r for r in rows if any(math.isfinite(r.get(k, math.nan)) for k in r if k != "step")]
    return CycleRecording(clean, snaps, dict(meta))


def to_bytes(rec: CycleRecording) -> bytes:
    row_keys = sorted({k for r in rec.rows for k in r}, key=lambda k: (k != "step", k))
    rows = np.asarray([[r.get(k, math.nan) for k in row_keys] for r in rec.rows], dtype=np.float32)
    number_keys = sorted({k for s in rec.snapshots for k, v in s.items() if isinstance(v, (int, float)) and k != "step"})
    numbers = np.asarray([[float(s.get(k, math.nan)) for k in number_keys] for s in rec.snapshots], dtype=np.float32)
    arrays = {}
    for k in ARRAY_KEYS:
        stack = np.stack([np.asarray(s[k]) for s in rec.snapshots])
        arrays["snap_" + k] = stack if stack.dtype == np.uint8 else stack.astype(np.float16)
    buf = io.BytesIO()
    np.savez_compressed(buf, rows=rows.reshape(len(rec.rows), len(row_keys)), row_keys=np.asarray(row_keys),
                        snap_steps=np.asarray(rec.steps, dtype=np.int64), snap_numbers=numbers,
                        number_keys=np.asarray(number_keys), meta=np.asarray(json.dumps(rec.meta, default=str)), **arrays)
    return buf.getvalue()


def save(rec: CycleRecording, path: str | Path) -> Path:
    return write_file(to_bytes(rec), path)


def from_bytes(data: bytes, name: str = "recording") -> CycleRecording:
    """Read a recording; anything malformed raises :class:`RecordingError` saying what."""
    rows, row_keys, steps, numbers, number_keys, arrays, meta = read_npz(data, name, lambda z: (
        z["rows"], [str(k) for k in z["row_keys"]], z["snap_steps"], z["snap_numbers"],
        [str(k) for k in z["number_keys"]], {k: z["snap_" + k] for k in ARRAY_KEYS}, json.loads(str(z["meta"]))),
        max_bytes=MAX_FILE_BYTES)
    n = len(steps)
    if rows.ndim != 2 or rows.shape[1] != len(row_keys) or "step" not in row_keys:
        raise RecordingError(f"{name}: the history table has the wrong shape")
    if not 1 <= n <= MAX_SNAPSHOTS or numbers.shape != (n, len(number_keys)):
        raise RecordingError(f"{name}: the snapshots' numbers have the wrong shape")
    if any(len(a) != n or a.dtype not in (np.uint8, np.float16) for a in arrays.values()):
        raise RecordingError(f"{name}: the snapshots' arrays have the wrong shape or type")
    if not isinstance(meta, dict):
        raise RecordingError(f"{name}: the metadata must be a JSON object")
    history = [{k: (int(v) if k == "step" else float(v)) for k, v in zip(row_keys, r)} for r in rows.tolist()]
    snaps = []
    for i in range(n):
        snap = {"step": int(steps[i]), **{k: float(v) for k, v in zip(number_keys, numbers[i].tolist())}}
        for k, a in arrays.items():
            snap[k] = a[i] if a.dtype == np.uint8 else a[i].astype(np.float32)
        snaps.append(snap)
    return CycleRecording(history, snaps, meta)


def load(path: str | Path) -> CycleRecording:
    return read_file(path, from_bytes)
