"""Pure metrics, arrays or tensors in and numbers out: 2D toy mode coverage (Unrolled GAN / VEEGAN) and
grid KL/JS (as GAN Lab shows), class histogram and entropy, feature statistics and the Frechet distance.
Loads no model.
"""
from __future__ import annotations

import math

import numpy as np
import torch

from ..data import TOY_STD, toy_modes


# ============================================================================ 2D toy metrics

MODE_MIN_SHARE = 20 / 2500  # a mode counts when at least 20 of 2,500 samples lie near it (Unrolled GAN, VEEGAN)


def toy_mode_stats(points, dataset: str, n_sigma: float = 3.0, min_share: float = MODE_MIN_SHARE) -> dict[str, float]:
    """Modes covered and the share of high-quality samples (within n_sigma std of a mode centre).

    As the Unrolled GAN and VEEGAN papers count them: a sample is high quality when it lies within
    3 standard deviations of a mode centre, and a mode is covered when at least 20 of 2,500 samples
    (``min_share`` of the samples, at least one) are high-quality samples of that mode. Only defined for
    mixture datasets (ring, grid, gaussian).
    """
    modes = toy_modes(dataset)
    if modes is None:
        raise ValueError(f"mode statistics need a mixture dataset (ring, grid, gaussian), not {dataset!r}")
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    d = np.linalg.norm(pts[:, None, :] - modes[None, :, :], axis=2)  # (N, M)
    nearest = d.argmin(1)
    hq = d.min(1) <= n_sigma * TOY_STD[dataset]
    counts = np.bincount(nearest[hq], minlength=len(modes))
    need = max(1, math.ceil(min_share * len(pts) - 1e-9))
    covered = int((counts >= need).sum())
    return {"modes_covered": covered, "n_modes": int(len(modes)), "high_quality": float(hq.mean()) if len(pts) else 0.0}


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


# ============================================================================ image metrics

def class_histogram(predictions, n_classes: int = 10) -> np.ndarray:
    """Share of samples predicted as each class: (n_classes,) summing to 1."""
    pred = np.asarray(torch.as_tensor(predictions).cpu(), dtype=np.int64).ravel()
    if pred.size == 0:
        raise ValueError("no predictions to count")
    counts = np.bincount(pred, minlength=n_classes)[:n_classes].astype(np.float64)
    return counts / counts.sum()


def confident_counts(probs, min_confidence: float = 0.9, n_classes: int = 10, sure=None) -> np.ndarray:
    """How many samples a classifier puts in each class *with confidence*: (n_classes,) counts of the rows of
    ``probs`` (N, n_classes) whose top probability is at least ``min_confidence`` (and, if given, whose
    ``sure`` flag (N,) is set). Samples it is unsure of count nowhere, so they cannot make one class look
    dominant."""
    p = np.asarray(torch.as_tensor(probs).detach().cpu().float(), dtype=np.float64).reshape(-1, n_classes)
    sure = (p.max(1) >= min_confidence) & (np.ones(len(p), bool) if sure is None else np.asarray(sure, bool))
    return np.bincount(p[sure].argmax(1), minlength=n_classes)[:n_classes].astype(np.float64)


def normalised_entropy(hist) -> float:
    """Entropy of a class histogram divided by log(K): 1.0 for a uniform histogram, 0.0 for one class."""
    p = np.asarray(hist, dtype=np.float64).ravel()
    if p.size < 2 or p.sum() <= 0:
        raise ValueError("need a histogram over at least two classes")
    p = p / p.sum()
    nz = p[p > 0]
    return max(0.0, float(-(nz * np.log(nz)).sum() / math.log(p.size)))


def feature_stats(features) -> tuple[np.ndarray, np.ndarray]:
    """Mean (D,) and covariance (D, D) of features (N, D), in float64."""
    f = np.asarray(torch.as_tensor(features).detach().cpu().double())
    if f.ndim != 2 or f.shape[0] < 2:
        raise ValueError("need at least two feature vectors (N, D)")
    return f.mean(0), np.cov(f, rowvar=False)


def _sqrt_psd(a: np.ndarray) -> np.ndarray:
    w, v = np.linalg.eigh((a + a.T) / 2)
    return (v * np.sqrt(np.clip(w, 0, None))) @ v.T


def frechet_from_stats(mu1, cov1, mu2, cov2) -> float:
    """||mu1 - mu2||^2 + tr(C1 + C2 - 2 (C1^1/2 C2 C1^1/2)^1/2), computed with symmetric eigensolves."""
    mu1, mu2 = np.asarray(mu1, np.float64), np.asarray(mu2, np.float64)
    cov1, cov2 = np.asarray(cov1, np.float64), np.asarray(cov2, np.float64)
    s1 = _sqrt_psd(cov1)
    middle = s1 @ cov2 @ s1  # symmetric PSD; its square root has the same trace as sqrt(C1 C2)
    w = np.linalg.eigvalsh((middle + middle.T) / 2)
    tr_sqrt = np.sqrt(np.clip(w, 0, None)).sum()
    d = float(((mu1 - mu2) ** 2).sum() + np.trace(cov1) + np.trace(cov2) - 2 * tr_sqrt)
    return max(d, 0.0)


def frechet_distance(features_a, features_b) -> float:
    """Frechet distance between Gaussians fitted to two feature sets (N, D) and (M, D)."""
    return frechet_from_stats(*feature_stats(features_a), *feature_stats(features_b))
