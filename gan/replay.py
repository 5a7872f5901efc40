"""Recordings of complete training runs: the loss history plus a thinned set of sample grids.

A recording plays back instantly, so a CPU-only Space or a classroom can show how a GAN learns
without training. One recording is one compressed ``.npz`` file (no pickles) holding:

- ``history``: float32 (rows, columns), with the column names in ``history_keys``;
- ``grids``: uint8 (n, H, W) or (n, H, W, 3) sample grids from the fixed noise, at ``grid_steps``;
- ``meta``: a JSON string (the training config, the device, the total time, a title).

Bundled recordings live in ``checkpoints/replays/`` (``scripts/make_replay.py`` regenerates them).
"""
from __future__ import annotations

import io
import json
import math
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, TypeVar

import numpy as np

REPLAY_DIR = Path(__file__).resolve().parent.parent / "checkpoints" / "replays"
HISTORY_KEYS = ("step", "loss_d", "loss_g", "d_real", "d_fake", "grad_norm_d", "grad_norm_g",
                "images_per_sec", "elapsed")
MAX_FILE_BYTES = 32 * 1024 * 1024
MAX_GRIDS = 400
T = TypeVar("T")


class RecordingError(ValueError):
    """A recording that is missing or cannot be read."""


@dataclass
class Recording:
    history: list[dict]
    grids: list[tuple[int, np.ndarray]]  # (step, uint8 grid), oldest first
    meta: dict = field(default_factory=dict)

    @property
    def config(self) -> dict:
        return self.meta.get("config", {})

    @property
    def total_steps(self) -> int:
        steps = [int(r["step"]) for r in self.history] + [s for s, _ in self.grids]
        return max(steps, default=0)

    @property
    def grid_steps(self) -> list[int]:
        return [s for s, _ in self.grids]

    def grid_at(self, step: int) -> tuple[int, np.ndarray] | None:
        """The latest grid saved at or before ``step`` (the first one when ``step`` is earlier)."""
        if not self.grids:
            return None
        best = self.grids[0]
        for s, g in self.grids:
            if s <= step:
                best = (s, g)
        return best

    def history_upto(self, step: int) -> list[dict]:
        return [r for r in self.history if r["step"] <= step]


def thin(grids: list[tuple[int, np.ndarray]], max_grids: int) -> list[tuple[int, np.ndarray]]:
    """At most ``max_grids`` grids, evenly spread over the run, always keeping the first and last."""
    if max_grids < 1:
        raise ValueError("max_grids must be at least 1")
    if len(grids) <= max_grids:
        return list(grids)
    if max_grids == 1:
        return [grids[-1]]
    idx = np.unique(np.round(np.linspace(0, len(grids) - 1, max_grids)).astype(int))
    return [grids[i] for i in idx]


def _clean_history(history: list[dict]) -> list[dict]:
    rows = []
    for r in history:
        if not any(math.isfinite(float(r.get(k, math.nan))) for k in ("loss_d", "loss_g")):
            continue  # final done/stopped rows carry no numbers
        rows.append({k: float(r.get(k, math.nan)) for k in HISTORY_KEYS})
    return rows


def make_recording(history: list[dict], grids: list[tuple[int, np.ndarray]], config: dict | None = None,
                   *, max_grids: int = 24, title: str = "", **meta) -> Recording:
    """A recording of a run from its history rows and (step, grid) pairs, grids thinned to ``max_grids``."""
    if not grids:
        raise RecordingError("a recording needs at least one sample grid")
    kept = thin(grids, max_grids)
    shape = kept[0][1].shape
    if any(g.shape != shape or g.dtype != np.uint8 for _, g in kept):
        raise RecordingError("all sample grids must be uint8 arrays of one size")
    info = {"config": dict(config or {}), "title": title, "created": time.strftime("%Y-%m-%d"), **meta}
    return Recording(_clean_history(history), [(int(s), np.asarray(g)) for s, g in kept], info)


def to_bytes(rec: Recording) -> bytes:
    rows = rec.history
    hist = np.asarray([[r[k] for k in HISTORY_KEYS] for r in rows], dtype=np.float32).reshape(len(rows), len(HISTORY_KEYS))
    buf = io.BytesIO()
    np.savez_compressed(buf, history=hist, history_keys=np.asarray(HISTORY_KEYS),
                        grids=np.stack([g for _, g in rec.grids]).astype(np.uint8),
                        grid_steps=np.asarray([s for s, _ in rec.grids], dtype=np.int64),
                        meta=np.asarray(json.dumps(rec.meta, default=str)))
    return buf.getvalue()


def save(rec: Recording, path: str | Path) -> Path:
    return write_file(to_bytes(rec), path)


def write_file(data: bytes, path: str | Path) -> Path:
    """Write a recording's bytes through a temporary file beside ``path``: a reader never sees half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(path)
    return path


def read_npz(data: bytes, name: str, read: Callable[[Any], T], max_bytes: int = MAX_FILE_BYTES) -> T:
    """``read(z)`` on the ``.npz`` archive in ``data`` (no pickles); a file over ``max_bytes``, a missing part
    or an unreadable archive raises :class:`RecordingError` saying which."""
    if len(data) > max_bytes:
        raise RecordingError(f"{name} is larger than {max_bytes // 2**20} MB")
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as z:
            return read(z)
    except KeyError as e:
        raise RecordingError(f"{name} lacks the part {e}") from None
    except (ValueError, OSError, zipfile.BadZipFile, EOFError, json.JSONDecodeError) as e:
        raise RecordingError(f"{name} is not a readable recording ({str(e)[:120]})") from None


def read_file(path: str | Path, from_bytes: Callable[[bytes, str], T]) -> T:
    """``from_bytes(data, name)`` on the file at ``path``; no file raises :class:`RecordingError`."""
    path = Path(path)
    if not path.is_file():
        raise RecordingError(f"no recording at {path.name}")
    return from_bytes(path.read_bytes(), path.name)


def from_bytes(data: bytes, name: str = "recording") -> Recording:
    """Read a recording; anything malformed raises :class:`RecordingError` with the reason."""
    hist, keys, grids, steps, meta = read_npz(data, name, lambda z: (
        z["history"], [str(k) for k in z["history_keys"]], z["grids"], z["grid_steps"], json.loads(str(z["meta"]))))
    if hist.ndim != 2 or hist.shape[1] != len(keys) or "step" not in keys:
        raise RecordingError(f"{name}: the history table has the wrong shape")
    if grids.dtype != np.uint8 or grids.ndim not in (3, 4) or len(grids) != len(steps) or not 1 <= len(grids) <= MAX_GRIDS:
        raise RecordingError(f"{name}: the sample grids have the wrong shape or type")
    if not isinstance(meta, dict):
        raise RecordingError(f"{name}: the metadata must be a JSON object")
    history = [{k: (int(v) if k == "step" else float(v)) for k, v in zip(keys, row)} for row in hist.tolist()]
    return Recording(history, [(int(s), g) for s, g in zip(steps.tolist(), grids)], meta)


def load(path: str | Path) -> Recording:
    return read_file(path, from_bytes)


def bundled(directory: str | Path | None = None) -> dict[str, Path]:
    """Recordings shipped with the app: name (file stem) -> path."""
    d = Path(directory) if directory is not None else REPLAY_DIR
    if not d.is_dir():
        return {}
    return {p.stem: p for p in sorted(d.glob("*.npz"))}
