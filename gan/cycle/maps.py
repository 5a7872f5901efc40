"""Which one-to-one correspondence a 2D CycleGAN learned between the ring's 8 modes and the grid's 8.

Both sides' modes sit at the angles k × 45° (k = 0..7), so a map from ring modes to grid modes is a permutation
of 0..7: ``k -> k + r`` is a rotation by r × 45° (r = 0: each point to the nearest grid point, r = 4: the point
reflection through the centre), ``k -> r - k`` a mirror image; anything else is some other permutation, or no
one-to-one map at all when two modes go to the same place.
"""
from __future__ import annotations

import numpy as np

from . import domains


def _mode_index(points: np.ndarray, modes: np.ndarray) -> np.ndarray:
    return np.linalg.norm(points[:, None, :] - modes[None, :, :], axis=2).argmin(1)  # (n,)


def mode_map(snap: dict, side: str = "x") -> list[int | None]:
    """For each mode k of the start side ("x": ring -> grid through G, "y": grid -> ring through F), the mode of
    the other side where most of its translated points land (None for a mode with no points in the snapshot)."""
    pair = snap.get("pair", "ring2grid")
    other = "y" if side == "x" else "x"
    start, moved = (snap["x"], snap["g_x"]) if side == "x" else (snap["y"], snap["f_y"])
    src = _mode_index(np.asarray(start), domains.domain_modes(pair, side))
    dst = _mode_index(np.asarray(moved), domains.domain_modes(pair, other))
    out: list[int | None] = []
    for k in range(8):
        hits = dst[src == k]
        out.append(int(np.bincount(hits, minlength=8).argmax()) if len(hits) else None)
    return out


def map_name(perm: list[int | None]) -> tuple[str, int]:
    """("rotation", r), ("mirror", r), ("not one-to-one", n distinct targets) or ("other", 0) for a mode map."""
    if None in perm or len(set(perm)) < len(perm):
        return "not one-to-one", len({p for p in perm if p is not None})
    n = len(perm)
    for r in range(n):
        if all(perm[k] == (k + r) % n for k in range(n)):
            return "rotation", r
        if all(perm[k] == (r - k) % n for k in range(n)):
            return "mirror", r
    return "other", 0


def round_trips(snap: dict, side: str = "x") -> int:
    """How many of the start side's 8 modes the way back leads home to: for "x", the modes k whose points mostly
    land, after F(G(x)), on mode k again (for "y", the same with G(F(y)))."""
    pair = snap.get("pair", "ring2grid")
    start, back = (snap["x"], snap["f_g_x"]) if side == "x" else (snap["y"], snap["g_f_y"])
    modes = domains.domain_modes(pair, side)
    src, dst = _mode_index(np.asarray(start), modes), _mode_index(np.asarray(back), modes)
    return sum(1 for k in range(8) if (src == k).any() and np.bincount(dst[src == k], minlength=8).argmax() == k)
