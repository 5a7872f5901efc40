"""Measures of a style-transfer result, image in, number out (used by the tests' "is it styled?" check):

* colours: :func:`sliced_wasserstein` between pixel clouds;
* texture: :func:`gabor_distance` between Gram matrices of a Gabor filter bank (:func:`gabor_gram`);
* structure: :func:`blurred_ssim`, SSIM of the blurred luminance.
"""
from __future__ import annotations

import numpy as np
from PIL import Image


def sliced_wasserstein(a: np.ndarray, b: np.ndarray, n_proj: int = 64, n_quantiles: int = 256, seed: int = 0) -> float:
    """Sliced 1-Wasserstein distance between two pixel clouds (N, C) and (M, C), values in [0, 1]."""
    a = np.asarray(a, np.float64).reshape(-1, a.shape[-1])
    b = np.asarray(b, np.float64).reshape(-1, b.shape[-1])
    r = np.random.default_rng(seed)
    dirs = r.normal(size=(n_proj, a.shape[1]))
    dirs /= np.linalg.norm(dirs, axis=1, keepdims=True)
    q = (np.arange(n_quantiles) + 0.5) / n_quantiles
    qa = np.quantile(a @ dirs.T, q, axis=0)  # (n_quantiles, n_proj)
    qb = np.quantile(b @ dirs.T, q, axis=0)
    return float(np.abs(qa - qb).mean())


def _luminance(img: Image.Image | np.ndarray) -> np.ndarray:
    a = np.asarray(img, np.float64) / 255.0
    return a if a.ndim == 2 else a[..., :3] @ np.array([0.299, 0.587, 0.114])


def gabor_gram(img: Image.Image | np.ndarray, frequencies: tuple[float, ...] = (0.08, 0.16, 0.32),
               n_orient: int = 4) -> np.ndarray:
    """Gram matrix (K, K) of the magnitudes of a Gabor filter bank on the luminance (K = bands)."""
    from scipy.signal import fftconvolve
    from skimage.filters import gabor_kernel
    lum = _luminance(img)
    lum = lum - lum.mean()
    feats = []
    for f in frequencies:
        for k in range(n_orient):
            kern = gabor_kernel(f, theta=np.pi * k / n_orient)
            re = fftconvolve(lum, kern.real, mode="valid")
            im = fftconvolve(lum, kern.imag, mode="valid")
            feats.append(np.sqrt(re ** 2 + im ** 2).ravel())
    n = min(len(v) for v in feats)
    fm = np.stack([v[:n] for v in feats])  # (K, N)
    return fm @ fm.T / n


def gabor_distance(a: Image.Image | np.ndarray, b: Image.Image | np.ndarray) -> float:
    """Relative Frobenius distance between Gabor-bank Gram matrices: ||G_a - G_b|| / ||G_b||."""
    ga, gb = gabor_gram(a), gabor_gram(b)
    return float(np.linalg.norm(ga - gb) / max(np.linalg.norm(gb), 1e-12))


def blurred_ssim(a: Image.Image | np.ndarray, b: Image.Image | np.ndarray, sigma: float = 2.0) -> float:
    """SSIM of the Gaussian-blurred luminance of two images of the same size (structure, not texture)."""
    from scipy.ndimage import gaussian_filter
    from skimage.metrics import structural_similarity
    la, lb = gaussian_filter(_luminance(a), sigma), gaussian_filter(_luminance(b), sigma)
    return float(structural_similarity(la, lb, data_range=1.0))


# ----------------------------------------------------------------------------- the targets

def _rgb(img: Image.Image | np.ndarray) -> np.ndarray:
    return np.asarray(img, np.float64)[..., :3].reshape(-1, 3) / 255.0


def frechet_rgb(a: Image.Image | np.ndarray, b: Image.Image | np.ndarray) -> float:
    """Fréchet distance between Gaussians fitted to the RGB values (in [0, 1]) of two images."""
    from scipy.linalg import sqrtm
    pa, pb = _rgb(a), _rgb(b)
    ma, mb = pa.mean(0), pb.mean(0)
    ca, cb = np.cov(pa, rowvar=False), np.cov(pb, rowvar=False)
    root = sqrtm(ca @ cb)
    root = root.real if np.iscomplexobj(root) else root
    return float(((ma - mb) ** 2).sum() + np.trace(ca + cb - 2 * root))


def local_contrast(img: Image.Image | np.ndarray, k: int = 7) -> float:
    """Mean over the image of the luminance standard deviation in k x k windows (values in [0, 1])."""
    from scipy.ndimage import uniform_filter
    lum = _luminance(img)
    m = uniform_filter(lum, k, mode="reflect")
    m2 = uniform_filter(lum ** 2, k, mode="reflect")
    return float(np.sqrt(np.clip(m2 - m ** 2, 0, None)).mean())


def blurred_luminance_correlation(a: Image.Image | np.ndarray, b: Image.Image | np.ndarray) -> float:
    """Pearson correlation of the luminance of two same-size images after a Gaussian blur of width/21."""
    from scipy.ndimage import gaussian_filter
    la, lb = _luminance(a), _luminance(b)
    sigma = la.shape[1] / 21
    fa, fb = gaussian_filter(la, sigma).ravel(), gaussian_filter(lb, sigma).ravel()
    fa, fb = fa - fa.mean(), fb - fb.mean()
    return float((fa * fb).sum() / max(np.sqrt((fa ** 2).sum() * (fb ** 2).sum()), 1e-12))


def border_excess(img: Image.Image | np.ndarray, width: int = 2) -> float:
    """How much the outermost ``width`` pixels differ, pixel by pixel, from the ``width`` pixels just
    inside them, relative to the same difference between two such bands further in (the worst side;
    about 1 without a border artefact, large for a coloured frame or a dark rim)."""
    a = np.asarray(img, np.float64)[..., :3] / 255.0
    edge, inner = [], []
    for x in (a, a[::-1], a.transpose(1, 0, 2), a.transpose(1, 0, 2)[::-1]):
        w = width
        edge.append(np.abs(x[:w] - x[w:2 * w]).mean())
        inner.append(np.abs(x[2 * w:3 * w] - x[3 * w:4 * w]).mean())
    return float(max(edge) / max(np.mean(inner), 1e-3))


def speckle(img: Image.Image | np.ndarray) -> float:
    """Pixel-scale noise: mean absolute luminance difference between each pixel and the median of its
    3 x 3 neighbourhood (isolated dots and salt-and-pepper grain raise it; smooth strokes do not)."""
    from scipy.ndimage import median_filter
    lum = _luminance(img)
    return float(np.abs(lum - median_filter(lum, 3, mode="reflect")).mean())
