"""The two domains X and Y of each CycleGAN pair: 2D point clouds and MNIST digits with thin or thick strokes.

A pair is *unpaired* data: a sampler for X and one for Y, drawn independently, so no x comes with "its" y.

- 2D (``ring2grid``): the ring of 8 Gaussians of the playground (:func:`gan.data.sample_toy`) and a 3x3 grid of
  Gaussians with its centre left empty, so both sides have 8 modes and a one-to-one translation exists.
- Images (``mnist-thin2thick``): MNIST digits whose strokes were made thinner by a 2x2 grey-level erosion (X) and
  thicker by a 3x3 dilation (Y), from disjoint halves of the 10,000-image test split, so no digit appears in both.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from ..data import sample_toy

GRID_STEP = 1.5  # the 3x3 grid's spacing
GRID_STD = 0.05


@dataclass(frozen=True)
class Pair:
    name: str
    kind: str  # "points" or "images"
    x_en: str
    y_en: str
    x_zh: str
    y_zh: str


PAIRS: dict[str, Pair] = {p.name: p for p in [
    Pair("ring2grid", "points", "ring of 8", "3×3 grid (8 around the centre)", "8 点圆环", "3×3 网格（中心外的 8 点）"),
    Pair("mnist-thin2thick", "images", "thin strokes", "thick strokes", "细笔画", "粗笔画"),
]}
POINT_PAIRS = tuple(n for n, p in PAIRS.items() if p.kind == "points")
IMAGE_PAIRS = tuple(n for n, p in PAIRS.items() if p.kind == "images")


def pair(name: str) -> Pair:
    if name not in PAIRS:
        raise ValueError(f"unknown pair {name!r}; valid: {', '.join(PAIRS)}")
    return PAIRS[name]


# ----------------------------------------------------------------------------- 2D

def grid_modes() -> np.ndarray:
    """The 8 outer points of a 3x3 grid with spacing :data:`GRID_STEP` (the centre left empty: 8 modes like the ring),
    in the order of their angles 0°, 45°, ..., 315°, like the ring's modes."""
    unit = [(1, 0), (1, 1), (0, 1), (-1, 1), (-1, 0), (-1, -1), (0, -1), (1, -1)]
    return np.array(unit, dtype=np.float32) * GRID_STEP


def sample_grid(n: int, generator: torch.Generator | None = None) -> torch.Tensor:
    modes = torch.as_tensor(grid_modes())
    idx = torch.randint(len(modes), (n,), generator=generator)
    return modes[idx] + GRID_STD * torch.randn(n, 2, generator=generator)  # (n, 2)


def sample_points(pair_name: str, side: str, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
    """n points (n, 2) of domain ``side`` ("x" or "y") of a 2D pair."""
    if pair(pair_name).kind != "points":
        raise ValueError(f"{pair_name} is not a pair of point clouds")
    return sample_toy("ring", n, generator) if side == "x" else sample_grid(n, generator)


def domain_modes(pair_name: str, side: str) -> np.ndarray | None:
    """Mode centres of one side of a 2D pair, (8, 2)."""
    from ..data import toy_modes
    pair(pair_name)
    return toy_modes("ring").astype(np.float32) if side == "x" else grid_modes()


# ----------------------------------------------------------------------------- MNIST strokes

def thin_strokes(images: torch.Tensor) -> torch.Tensor:
    """Grey-level erosion with a 2x2 square: each pixel becomes the darkest of itself and its right, lower and
    lower-right neighbours, which takes about one pixel off every stroke. (B, 1, H, W) in [-1, 1] -> same."""
    padded = F.pad(images, (0, 1, 0, 1), value=-1.0)
    return -F.max_pool2d(-padded, 2, 1)


def thick_strokes(images: torch.Tensor) -> torch.Tensor:
    """Grey-level dilation with a 3x3 square: each pixel becomes the brightest of its 3x3 neighbourhood."""
    return F.max_pool2d(images, 3, 1, 1)


def stroke_pair(images: torch.Tensor, labels: torch.Tensor | None = None) -> dict[str, torch.Tensor]:
    """Unpaired thin/thick digits from ``images`` (N, 1, 28, 28): X = thin strokes of the first half, Y = thick
    strokes of the second half (no digit in both). Also their labels, when given."""
    half = len(images) // 2
    out = {"x": thin_strokes(images[:half]), "y": thick_strokes(images[half:2 * half])}
    if labels is not None:
        out["x_labels"], out["y_labels"] = labels[:half], labels[half:2 * half]
    return out


def load_stroke_pair(limit: int | None = None) -> dict[str, torch.Tensor]:
    """The MNIST thin/thick pair from the test split under GAN_DATA_DIR (the train split if that is all there is);
    raises :class:`gan.data.DatasetMissing` with the folder and files expected when neither is there."""
    from ..data import DatasetMissing, load_images
    try:
        data = load_images("mnist", splits=("test",))
    except DatasetMissing:
        data = load_images("mnist", splits=("train",))
    images, labels = data.images, data.labels
    if limit is not None:
        images, labels = images[:limit], labels[:limit]
    return stroke_pair(images, labels)


def ink(images: torch.Tensor) -> torch.Tensor:
    """Share of the image that is ink, per image: mean brightness in [0, 1]. (B, 1, H, W) -> (B,)."""
    return ((images.clamp(-1, 1) + 1) / 2).flatten(1).mean(1)
