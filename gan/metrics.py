"""Pure tensor -> number quality metrics."""
from __future__ import annotations

import numpy as np
import torch

from .data import TOY_STD, toy_modes


def toy_mode_stats(points, dataset: str, n_sigma: float = 3.0) -> dict[str, float]:
    """Modes covered and the share of high-quality samples (within n_sigma std of a mode centre).

    As in the Unrolled GAN and VEEGAN papers: a mode counts as covered when at least one high-quality
    sample is nearest to it. Only defined for mixture datasets (ring, grid, gaussian).
    """
    modes = toy_modes(dataset)
    if modes is None:
        raise ValueError(f"mode statistics need a mixture dataset (ring, grid, gaussian), not {dataset!r}")
    pts = np.asarray(points, dtype=np.float64)
    d = np.linalg.norm(pts[:, None, :] - modes[None, :, :], axis=2)  # (N, M)
    nearest = d.argmin(1)
    hq = d.min(1) <= n_sigma * TOY_STD[dataset]
    covered = np.unique(nearest[hq]).size
    return {"modes_covered": int(covered), "n_modes": int(len(modes)), "high_quality": float(hq.mean())}


def grid_divergences(real, fake, bins: int = 50, extent: float = 3.0, eps: float = 1e-10) -> dict[str, float]:
    """KL(real || fake) and JS divergence between 2D histograms of two point sets on a fixed grid."""
    rng = [[-extent, extent], [-extent, extent]]
    p, _, _ = np.histogram2d(np.asarray(real)[:, 0], np.asarray(real)[:, 1], bins=bins, range=rng)
    q, _, _ = np.histogram2d(np.asarray(fake)[:, 0], np.asarray(fake)[:, 1], bins=bins, range=rng)
    p = p.ravel() + eps
    q = q.ravel() + eps
    p /= p.sum()
    q /= q.sum()
    m = 0.5 * (p + q)
    kl = float(np.sum(p * np.log(p / q)))
    js = float(0.5 * np.sum(p * np.log(p / m)) + 0.5 * np.sum(q * np.log(q / m)))
    return {"kl": kl, "js": js}
