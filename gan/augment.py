"""Differentiable augmentation for the discriminator (DiffAugment, Zhao et al. 2020).

With few training images a discriminator soon memorises them and G's gradients stop being useful.
DiffAugment applies the same kind of random change to every image D sees, real and generated, in
D's update and in G's; the changes are differentiable, so G still learns through them, and G is never
pushed to make augmented-looking images because real images are changed alike.

Policies, comma-separated: ``translation`` (shift by up to 1/8 of the size, the border filled with
the background value -1) and ``cutout`` (a square of half the size set to -1 at a random place).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

POLICIES = ("translation", "cutout")


def parse_policy(policy: str) -> tuple[str, ...]:
    """"translation,cutout" -> ("translation", "cutout"); "" -> (); an unknown name raises ValueError."""
    names = tuple(p.strip() for p in (policy or "").split(",") if p.strip())
    bad = [n for n in names if n not in POLICIES]
    if bad:
        raise ValueError(f"unknown augmentation {bad[0]!r}; valid: {', '.join(POLICIES)}")
    return names


def translate(x: torch.Tensor, gen: torch.Generator | None = None, ratio: float = 0.125,
              fill: float = -1.0) -> torch.Tensor:
    """Shift each image (B, C, H, W) by a random whole number of pixels, up to ratio * size each way."""
    b, _, h, w = x.shape
    sh, sw = max(1, int(h * ratio + 0.5)), max(1, int(w * ratio + 0.5))
    padded = F.pad(x, (sw, sw, sh, sh), value=fill)  # (B, C, H + 2sh, W + 2sw)
    dy = torch.randint(0, 2 * sh + 1, (b,), generator=gen).to(x.device)
    dx = torch.randint(0, 2 * sw + 1, (b,), generator=gen).to(x.device)
    rows = (dy[:, None] + torch.arange(h, device=x.device)[None])[:, :, None]  # (B, H, 1)
    cols = (dx[:, None] + torch.arange(w, device=x.device)[None])[:, None, :]  # (B, 1, W)
    idx = torch.arange(b, device=x.device)[:, None, None]
    return padded.permute(0, 2, 3, 1)[idx, rows, cols].permute(0, 3, 1, 2)  # (B, C, H, W)


def cutout(x: torch.Tensor, gen: torch.Generator | None = None, ratio: float = 0.5,
           fill: float = -1.0) -> torch.Tensor:
    """Set a random square of side ratio * size in each image to ``fill`` (it may hang over the edge)."""
    b, _, h, w = x.shape
    ch, cw = int(h * ratio + 0.5), int(w * ratio + 0.5)
    cy = torch.randint(0, h + (1 - ch % 2), (b,), generator=gen).to(x.device)
    cx = torch.randint(0, w + (1 - cw % 2), (b,), generator=gen).to(x.device)
    yy = torch.arange(h, device=x.device)[None, :, None]
    xx = torch.arange(w, device=x.device)[None, None, :]
    hole = ((yy - cy[:, None, None]).abs() * 2 < ch) & ((xx - cx[:, None, None]).abs() * 2 < cw)  # (B, H, W)
    return x.masked_fill(hole[:, None], fill)


def diff_augment(x: torch.Tensor, policy: tuple[str, ...], gen: torch.Generator | None = None) -> torch.Tensor:
    """Apply the policy's augmentations in order (no-op for an empty policy)."""
    for name in policy:
        x = translate(x, gen) if name == "translation" else cutout(x, gen)
    return x
