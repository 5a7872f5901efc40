"""Sampling from loaded generators: seeded noise, labels, latent walks (pixels: gan.images); D's verdict."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from .hub import LoadedGenerator
from .images import images_uint8


def noise(n: int, latent_dim: int, seed: int, device: torch.device | str = "cpu") -> torch.Tensor:
    """Standard normal z (n, latent_dim), the same for the same seed on any device."""
    g = torch.Generator().manual_seed(int(seed))
    return torch.randn(n, latent_dim, generator=g).to(device)


def _device(model: torch.nn.Module) -> torch.device:
    p = next(model.parameters(), None)
    return p.device if p is not None else torch.device("cpu")


@torch.inference_mode()
def run_generator(loaded: LoadedGenerator, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
    """Images (B, C, H, W) in [-1, 1] from explicit z (and labels for conditional models)."""
    model = loaded.model.eval()
    dev = _device(model)
    z = z.to(dev)
    if loaded.conditional:
        if labels is None:
            raise ValueError("this generator is conditional: give a label per sample")
        labels = torch.as_tensor(labels, dtype=torch.long, device=dev)
        if labels.min() < 0 or labels.max() >= loaded.n_classes:
            raise ValueError(f"labels must be between 0 and {loaded.n_classes - 1}")
        return model(z, labels).float()
    return model(z).float()


def generate(loaded: LoadedGenerator, n: int, seed: int = 0, label: int | None = None,
             labels: list[int] | None = None) -> torch.Tensor:
    """n images from seed; conditional models take one ``label`` for all, a list, or cycle 0..9."""
    if not 1 <= n <= 4096:
        raise ValueError("n must be between 1 and 4096")
    z = noise(n, loaded.latent_dim, seed)
    y = None
    if loaded.conditional:
        if labels is not None:
            y = torch.as_tensor(labels)
        elif label is not None:
            y = torch.full((n,), int(label))
        else:
            y = torch.arange(n) % loaded.n_classes
    elif label is not None or labels is not None:
        raise ValueError(f"{loaded.source} is unconditional: it takes no --label")
    return run_generator(loaded, z, y)


def class_grid(loaded: LoadedGenerator, digits: list[int], rows: int, seed: int = 0) -> torch.Tensor:
    """Conditional grid: one column per digit, ``rows`` rows; row r uses the same z in every column
    (style against class). Returns (rows * len(digits), C, H, W) in row-major order."""
    if not loaded.conditional:
        raise ValueError("class grids need a conditional generator")
    if not digits:
        raise ValueError("pick at least one class")
    z = noise(rows, loaded.latent_dim, seed).repeat_interleave(len(digits), dim=0)  # (rows*k, latent)
    y = torch.tensor(digits * rows)
    return run_generator(loaded, z, y)


def n_codes(loaded: LoadedGenerator) -> int:
    """How many InfoGAN codes a generator's noise carries (0 for a plain generator)."""
    return int(getattr(loaded.model, "n_codes", 0) or 0)


def code_grid(loaded: LoadedGenerator, codes: list[int], rows: int, seed: int = 0) -> torch.Tensor:
    """InfoGAN grid: one column per code, ``rows`` rows; row r keeps the same noise in every column, only the
    code differs. Returns (rows * len(codes), C, H, W) in row-major order."""
    k = n_codes(loaded)
    if not k:
        raise ValueError("this generator has no InfoGAN codes")
    if not codes or min(codes) < 0 or max(codes) >= k:
        raise ValueError(f"codes must be between 0 and {k - 1}")
    z = noise(rows, loaded.latent_dim, seed).repeat_interleave(len(codes), dim=0)  # (rows*m, latent)
    code_part = z[:, loaded.latent_dim - k:]
    # make the chosen entry the largest one (the code is the argmax), keeping the rest of z as it was
    chosen = torch.tensor(codes * rows)
    code_part[torch.arange(len(z)), chosen] = code_part.abs().max(1).values + 1.0
    return run_generator(loaded, z)


def slerp(a: torch.Tensor, b: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """Spherical interpolation between vectors a and b (D,) at fractions t (T,) -> (T, D)."""
    an, bn = a / a.norm(), b / b.norm()
    omega = torch.arccos((an * bn).sum().clamp(-1 + 1e-7, 1 - 1e-7))
    so = torch.sin(omega)
    t = t[:, None]
    if so.abs() < 1e-6:
        return (1 - t) * a + t * b
    return torch.sin((1 - t) * omega) / so * a + torch.sin(t * omega) / so * b


def latent_walk(loaded: LoadedGenerator, seed_a: int, seed_b: int, frames: int = 16,
                label: int | None = None) -> torch.Tensor:
    """Images along the slerp path between the z of two seeds: (frames, C, H, W)."""
    za = noise(1, loaded.latent_dim, seed_a)[0]
    zb = noise(1, loaded.latent_dim, seed_b)[0]
    z = slerp(za, zb, torch.linspace(0, 1, frames))
    y = torch.full((frames,), int(label or 0)) if loaded.conditional else None
    return run_generator(loaded, z, y)


def class_counts(loaded: LoadedGenerator, n: int = 500, seed: int = 2024, min_confidence: float = 0.9) -> np.ndarray:
    """How many of ``n`` fresh samples the bundled MNIST classifier puts in each of the 10 classes, counting
    only the samples its verdict can be trusted for: at least ``min_confidence`` sure, and with features
    close to real digits' (:func:`gan.metrics.classifier.sure_predictions`). The counts may sum to less than n.

    Conditional generators are asked for uniformly drawn labels, so the counts also show whether G obeys them.
    """
    from .metrics.classifier import sure_predictions
    from .metrics.core import confident_counts
    g = torch.Generator().manual_seed(seed)
    labels = torch.randint(loaded.n_classes, (n,), generator=g).tolist() if loaded.conditional else None
    images = generate(loaded, n, seed=seed, labels=labels)
    probs, sure = sure_predictions(images.cpu(), min_confidence)
    return confident_counts(probs, min_confidence, sure=sure)


@torch.inference_mode()
def ask_discriminator(loaded: LoadedGenerator, image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """How real the loaded generator's D finds ``image`` (uint8, (H, W) or (H, W, C)).

    Returns (what D sees as uint8, D(x) for an unconditional D or D(x, y) for every class y).
    """
    D = loaded.discriminator
    if D is None:
        raise ValueError("this generator came without its discriminator")
    size = int(getattr(loaded.model, "image_size", 28))
    channels = int(getattr(loaded.model, "channels", 1))
    x = torch.from_numpy(np.asarray(image, dtype=np.float32) / 127.5 - 1.0)
    x = x[None, None] if x.ndim == 2 else x.permute(2, 0, 1)[None]  # (1, C, H, W)
    if x.shape[1] != channels:
        x = x.mean(1, keepdim=True).expand(-1, channels, -1, -1)
    if x.shape[-1] != size:
        x = torch.nn.functional.interpolate(x, size=(size, size), mode="bilinear", align_corners=False)
    dev = _device(D)
    if loaded.conditional:
        xs = x.to(dev).expand(loaded.n_classes, -1, -1, -1)
        scores = torch.sigmoid(D(xs, torch.arange(loaded.n_classes, device=dev))).cpu()  # (n_classes,)
    else:
        scores = torch.sigmoid(D(x.to(dev))).cpu().reshape(1)
    return images_uint8(x)[0], scores.numpy()


@dataclass(frozen=True)
class Verdict:
    """What D and the bundled classifier make of one image."""
    seen: np.ndarray  # uint8 (H, W): the image as D sees it
    d: np.ndarray  # (1,) D(x), or (n_classes,) D(x, y) for every label y
    probs: np.ndarray | None  # (10,) the classifier's probabilities; None without the classifier
    digit: int | None  # the classifier's answer
    score: float  # D(x), or for a conditional D: D(x, y) with y the classifier's digit (else the best label)
    real_share_below: float | None  # the share of held-out real digits that D scores lower (when recorded)


def real_share_below(loaded: LoadedGenerator, score: float) -> float | None:
    """Share of held-out real MNIST digits that this D scores below ``score``, from the quantiles of their
    scores recorded with the discriminator (config.json: gan_studio.discriminator.real_quantiles); None when
    none were recorded."""
    info = (loaded.config.get("gan_studio") or {}).get("discriminator") or {}
    q = info.get("real_quantiles") if isinstance(info, dict) else None
    if not isinstance(q, list) or len(q) < 2:
        return None
    q = np.asarray(q, dtype=np.float64)  # scores at evenly spaced fractions 0..1
    return float(np.interp(score, q, np.linspace(0, 1, len(q)), left=0.0, right=1.0))


def verdict(loaded: LoadedGenerator, image: np.ndarray) -> Verdict:
    """D's verdict on ``image`` (uint8, (H, W) or (H, W, C), light on dark), with the bundled classifier's digit."""
    seen, d = ask_discriminator(loaded, image)
    probs = digit = None
    try:
        from .metrics.classifier import classify_images
        x = torch.from_numpy(np.asarray(seen, dtype=np.float32) / 127.5 - 1.0)
        x = x[None, None] if x.ndim == 2 else x.permute(2, 0, 1)[None]  # (1, C, H, W)
        probs = classify_images(x)[0].numpy()
        digit = int(probs.argmax())
    except (OSError, ValueError):  # no bundled classifier in this copy (CheckpointError is a ValueError)
        pass
    if loaded.conditional:
        score = float(d[digit] if digit is not None and digit < len(d) else d.max())
    else:
        score = float(d[0])
    return Verdict(seen, d, probs, digit, score, real_share_below(loaded, score))


def edited_sample(loaded: LoadedGenerator, seed: int, edits: dict[int, float], label: int | None = None) -> np.ndarray:
    """One uint8 sample from the z of ``seed`` with some of its entries set (``edits``: index -> value)."""
    z = noise(1, loaded.latent_dim, seed)
    for d, v in edits.items():
        z[0, d] = float(v)
    y = torch.tensor([label or 0]) if loaded.conditional else None
    return images_uint8(run_generator(loaded, z, y))[0]
