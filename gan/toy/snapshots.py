"""Numbers on one toy snapshot (the dict from ``Trainer.toy_snapshot``): how close the generated points
are to the real ones, and which modes of a mixture they cover. The playground records one row per
snapshot and plots them (:func:`gan.plots.toy.coverage_figure`)."""
from __future__ import annotations

from ..data import toy_modes
from ..metrics.core import grid_divergences, toy_mode_stats


def snapshot_metrics(snap: dict, dataset: str) -> dict[str, float]:
    """Numbers for one snapshot: JS and KL on a grid, and for mixtures the mode coverage.

    Returns step, js, kl and, for ring/grid/gaussian, modes_covered, n_modes and high_quality (0..1).
    """
    out: dict[str, float] = {"step": int(snap.get("step", 0))}
    out.update(grid_divergences(snap["real"], snap["fake"]))
    if toy_modes(dataset) is not None:
        out.update(toy_mode_stats(snap["fake"], dataset))
    return out


def off_plane_share(snap: dict, extent: float = 3.0) -> float:
    """Share of generated points outside the square [-extent, extent]^2 the plane shows (NaN counts as outside)."""
    import numpy as np

    fake = np.asarray(snap["fake"], dtype=np.float64).reshape(-1, 2)
    if not len(fake):
        return 0.0
    inside = np.isfinite(fake).all(1) & (np.abs(np.nan_to_num(fake, nan=np.inf)).max(1) <= extent)
    return float(1.0 - inside.mean())


def diverging(snap: dict | None, extent: float = 3.0, share: float = 0.5) -> bool:
    """Whether a run looks diverged: more than ``share`` of its generated points have left the plane."""
    return snap is not None and off_plane_share(snap, extent) > share
