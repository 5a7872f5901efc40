"""The bundled CycleGANs (checkpoints/cyclegan-2d, checkpoints/cyclegan-mnist) and their recorded runs.

Each folder holds the four networks (``model.safetensors`` + ``config.json``, :func:`gan.cycle.train.load_model`),
a model card, ``replay.npz`` (the run that made the weights) and ``replay-no-cycle.npz`` (the same run with the
cycle loss's weight at 0), so a page shows both results at once, before anyone trains.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import torch

from . import domains
from .domains import PAIRS  # noqa: F401  (the pairs, for scripts/make_cyclegan_bundle.py)
from .nets import CycleGAN
from .replay import CycleRecording, load as load_recording
from .train import cycle_snapshot, load_model, recon_distance

BUNDLED_DIR = Path(__file__).resolve().parent.parent.parent / "checkpoints"
FOLDERS = {"ring2grid": "cyclegan-2d", "mnist-thin2thick": "cyclegan-mnist"}
REPLAY = "replay.npz"
REPLAY_NO_CYCLE = "replay-no-cycle.npz"


def folder(pair_name: str) -> Path:
    domains.pair(pair_name)
    return BUNDLED_DIR / FOLDERS[pair_name]


@lru_cache(maxsize=8)
def replay(pair_name: str, cycle: bool = True) -> CycleRecording:
    """The bundled recording of ``pair_name``'s run with (``cycle``) or without the cycle loss."""
    return load_recording(folder(pair_name) / (REPLAY if cycle else REPLAY_NO_CYCLE))


@lru_cache(maxsize=4)
def model(pair_name: str) -> tuple[CycleGAN, dict]:
    """The bundled networks of ``pair_name`` (loaded strictly, once per process) and their config.json."""
    return load_model(folder(pair_name))


@lru_cache(maxsize=1)
def _digits() -> torch.Tensor:
    from ..data import DatasetMissing, load_images
    try:
        return load_images("mnist", splits=("test",)).images
    except DatasetMissing:
        return load_images("mnist", splits=("train",)).images


def new_samples(pair_name: str, seed: int, n: int) -> dict:
    """Samples the bundled run never trained on as they are: points drawn with ``seed``; for digits, ``n`` digits
    picked with ``seed`` from the second half of the split (the half whose *thick* versions were Y): their thin
    version is x and their thick version, the paired answer nobody showed the networks, is ``truth``."""
    g = torch.Generator().manual_seed(int(seed))
    if domains.pair(pair_name).kind == "points":
        return {"x": domains.sample_points(pair_name, "x", n, g), "y": domains.sample_points(pair_name, "y", n, g)}
    digits = _digits()
    half = len(digits) // 2
    pick = half + torch.randperm(len(digits) - half, generator=g)[:n]
    other = torch.randperm(half, generator=g)[:n]  # y: thick digits of the first half
    return {"x": domains.thin_strokes(digits[pick]), "truth": domains.thick_strokes(digits[pick]),
            "y": domains.thick_strokes(digits[other])}


@torch.no_grad()
def try_bundled(pair_name: str, seed: int, n: int) -> dict:
    """New samples (:func:`new_samples`) through the bundled G and F: a snapshot like a training run's, and for
    digits ``paired_error``, the mean absolute pixel error (pixels in [0, 1]) of G(x) against the true thick digit."""
    net, _ = model(pair_name)
    s = new_samples(pair_name, seed, n)
    snap = cycle_snapshot(net, pair_name, s["x"], s["y"], n)
    if "truth" in s:
        snap["paired_error"] = float(recon_distance(net.G(s["x"]), s["truth"]).mean())
        snap["paired_error_identity"] = float(recon_distance(s["x"], s["truth"]).mean())
    return snap
