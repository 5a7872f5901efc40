"""The bundled MNIST classifier behind the image metrics: the fixed data split, training it, loading it,
and its predictions and 128-d features of images, with the held-out reference statistics.

The split: the offline MNIST data here is the 10,000-image ``t10k`` file. Images 0..7,999 train the
classifier and the bundled GANs; images 8,000..9,999 are held out. The real-vs-real floor compares
the first m training-split images with the first m held-out ones (m = the generated sample size, at
most 2,000).
"""
from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from .cards import classifier_card
from ..images import images_uint8
from .core import feature_stats, frechet_from_stats

TRAIN_SPLIT = 8000  # images [0, 8000) of t10k train the classifier and the bundled GANs
HELD_OUT = 2000  # images [8000, 10000) are held out
CLASSIFIER_NAME = "mnist-classifier"
REFERENCE_FILE = "reference.safetensors"  # held-out feature statistics, so FD works without the data
MAX_FD_N = HELD_OUT


# ============================================================================ data split

@dataclass(frozen=True)
class MnistSplit:
    train_images: torch.Tensor  # (8000, 1, 28, 28) in [-1, 1]
    train_labels: torch.Tensor
    held_images: torch.Tensor  # (2000, 1, 28, 28)
    held_labels: torch.Tensor


@lru_cache(maxsize=2)
def mnist_split(root: str | None = None) -> MnistSplit:
    """The fixed split of the offline MNIST t10k images: first 8,000 train, last 2,000 held out."""
    from ..data import load_images
    data = load_images("mnist", root=root, splits=("test",), download=False)
    need = TRAIN_SPLIT + HELD_OUT
    if len(data.images) < need:
        raise ValueError(f"the MNIST t10k split should hold {need} images; found {len(data.images)}")
    x, y = data.images[:need], data.labels[:need]
    return MnistSplit(x[:TRAIN_SPLIT], y[:TRAIN_SPLIT], x[TRAIN_SPLIT:], y[TRAIN_SPLIT:])


def write_train_split(dest: str | Path, root: str | None = None) -> Path:
    """Write the 8,000 training-split images as IDX files under ``dest/MNIST/raw`` (torchvision layout).

    ``GAN_DATA_DIR=dest python -m gan train ...`` then trains on exactly the training split.
    """
    import gzip
    import struct
    split = mnist_split(root)
    raw = Path(dest) / "MNIST" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    x = images_uint8(split.train_images[:, 0:1])  # (N, 28, 28)
    y = split.train_labels.to(torch.uint8).numpy()
    with gzip.open(raw / "t10k-images-idx3-ubyte.gz", "wb") as f:
        f.write(struct.pack(">HBB3I", 0, 8, 3, *x.shape) + x.tobytes())
    with gzip.open(raw / "t10k-labels-idx1-ubyte.gz", "wb") as f:
        f.write(struct.pack(">HBBI", 0, 8, 1, len(y)) + y.tobytes())
    return raw


# ============================================================================ training

def _augment(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """Small random affine jitter (+-10 degrees, +-10% scale, +-2 px shift), background kept at -1."""
    b = x.shape[0]
    ang = (torch.rand(b, generator=gen) * 2 - 1) * math.radians(10)
    scale = 1 + (torch.rand(b, generator=gen) * 2 - 1) * 0.1
    tx, ty = (torch.rand(2, b, generator=gen) * 2 - 1) * (2 / 14)  # +-2 px in [-1, 1] coordinates
    cos, sin = torch.cos(ang) / scale, torch.sin(ang) / scale
    theta = torch.stack([torch.stack([cos, -sin, tx], 1), torch.stack([sin, cos, ty], 1)], 1)  # (B, 2, 3)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    return F.grid_sample(x + 1, grid, align_corners=False) - 1


@torch.inference_mode()
def _batched_features(model, images: torch.Tensor, batch_size: int = 500) -> tuple[torch.Tensor, torch.Tensor]:
    feats, logits = [], []
    for i in range(0, len(images), batch_size):
        f, lg = model.features_and_logits(images[i:i + batch_size])
        feats.append(f)
        logits.append(lg)
    return torch.cat(feats), torch.cat(logits)


def train_classifier(out_dir: str | Path, *, epochs: int = 12, batch_size: int = 128, lr: float = 3e-3,
                     width: int = 32, seed: int = 0, log=print) -> dict:
    """Train the metrics classifier on the training split, save it (with held-out feature statistics
    and a model card) to ``out_dir``, and return its metrics."""
    from ..hub import save_generator
    from ..models.classifier import MNISTClassifier

    t0 = time.perf_counter()
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    split = mnist_split()
    model = MNISTClassifier(width=width)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-4)
    steps_per_epoch = math.ceil(TRAIN_SPLIT / batch_size)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=epochs * steps_per_epoch)
    acc = 0.0
    for epoch in range(epochs):
        model.train()
        perm = torch.randperm(TRAIN_SPLIT, generator=gen)
        for i in range(steps_per_epoch):
            idx = perm[i * batch_size:(i + 1) * batch_size]
            x = _augment(split.train_images[idx], gen)
            loss = F.cross_entropy(model(x), split.train_labels[idx], label_smoothing=0.05)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
        model.eval()
        _, logits = _batched_features(model, split.held_images)
        acc = float((logits.argmax(1) == split.held_labels).float().mean())
        log(f"epoch {epoch + 1}/{epochs}  loss {float(loss.detach()):.3f}  held-out accuracy {acc:.4f}  "
            f"{time.perf_counter() - t0:.0f} s")
    model.eval()
    wall = time.perf_counter() - t0
    metrics = {"held_out_accuracy": round(acc, 4), "train_images": TRAIN_SPLIT, "held_out_images": HELD_OUT,
               "epochs": epochs, "steps": epochs * steps_per_epoch, "wall_seconds": round(wall, 1)}
    extra = {"metrics": metrics, "train": {"epochs": epochs, "batch_size": batch_size, "lr": lr, "seed": seed,
                                           "augment": "affine +-10 deg, +-10% scale, +-2 px"}}
    out = save_generator(model, out_dir, extra=extra, card="")
    ref = _reference_from_data(model, MAX_FD_N)
    from safetensors.torch import save_file
    save_file({"held_mu": torch.from_numpy(ref["mu"]), "held_cov": torch.from_numpy(ref["cov"]),
               "floor": torch.tensor([ref["floor"]], dtype=torch.float64)}, str(out / REFERENCE_FILE))
    metrics["frechet_floor_2000"] = round(ref["floor"], 4)
    extra["metrics"] = metrics
    cfg = json.loads((out / "config.json").read_text())
    cfg["gan_studio"] = extra
    (out / "config.json").write_text(json.dumps(cfg, indent=2))
    (out / "README.md").write_text(classifier_card(cfg, metrics, width, classifier_name=CLASSIFIER_NAME,
                                                   reference_file=REFERENCE_FILE))
    load_classifier.cache_clear()
    _reference_cached.cache_clear()
    return metrics


# ============================================================================ loading and using it

def classifier_dir() -> Path:
    from ..hub import BUNDLED_DIR
    return BUNDLED_DIR / CLASSIFIER_NAME


@lru_cache(maxsize=4)
def load_classifier(folder: str | None = None):
    """The bundled metrics classifier (strictly loaded, eval mode, cached per process)."""
    from ..hub import CheckpointError, load_folder
    path = Path(folder) if folder else classifier_dir()
    if not path.is_dir():
        raise CheckpointError(f"the metrics classifier is missing: {path} (train it with scripts/train_classifier.py)")
    loaded = load_folder(path, origin="bundled", source=CLASSIFIER_NAME)
    if loaded.family != "classifier":
        raise CheckpointError(f"{path.name} is a {loaded.family} model, not the metrics classifier")
    model = loaded.model.eval()
    for p in model.parameters():
        p.requires_grad_(False)
    return model


def classifier_accuracy() -> float | None:
    """The bundled classifier's held-out accuracy, as recorded when it was trained."""
    cfg = json.loads((classifier_dir() / "config.json").read_text())
    return cfg.get("gan_studio", {}).get("metrics", {}).get("held_out_accuracy")


def to_mnist_format(images: torch.Tensor) -> torch.Tensor:
    """(B, C, H, W) in [-1, 1] -> (B, 1, 28, 28): colour averaged to gray, other sizes resized."""
    x = torch.as_tensor(images).float()
    if x.dim() == 3:
        x = x.unsqueeze(1)
    if x.dim() != 4 or x.shape[1] not in (1, 3):
        raise ValueError(f"images must be (B, 1 or 3, H, W); got shape {tuple(x.shape)}")
    if x.shape[1] == 3:
        x = x.mean(1, keepdim=True)
    if x.shape[-2:] != (28, 28):
        x = F.interpolate(x, size=(28, 28), mode="area" if x.shape[-1] > 28 else "bilinear")
    return x.clamp(-1, 1)


def classify_images(images: torch.Tensor, batch_size: int = 500) -> torch.Tensor:
    """Class probabilities (B, 10) from the bundled classifier for images (B, 1, 28, 28) in [-1, 1].

    ``classify_images(x).argmax(1)`` are the predicted digits.
    """
    model = load_classifier()
    _, logits = _batched_features(model, to_mnist_format(images), batch_size)
    return logits.softmax(1)


def classifier_features(images: torch.Tensor, batch_size: int = 500) -> tuple[torch.Tensor, torch.Tensor]:
    """(features (B, 128), probabilities (B, 10)) from the bundled classifier."""
    f, logits = _batched_features(load_classifier(), to_mnist_format(images), batch_size)
    return f, logits.softmax(1)


def _reference_from_data(model, m: int) -> dict:
    split = mnist_split()
    fh, _ = _batched_features(model, split.held_images[:m])
    ft, _ = _batched_features(model, split.train_images[:m])
    mu, cov = feature_stats(fh)
    return {"mu": mu, "cov": cov, "floor": frechet_from_stats(*feature_stats(ft), mu, cov), "n": m,
            "source": "data"}


@lru_cache(maxsize=8)
def _reference_cached(m: int) -> dict:
    from ..data import DatasetMissing
    try:
        return _reference_from_data(load_classifier(), m)
    except (DatasetMissing, ValueError):
        if m != MAX_FD_N:
            raise ValueError(f"the MNIST data is needed for a real-vs-real floor at n={m}; without it only "
                             f"n={MAX_FD_N} works (set GAN_DATA_DIR)") from None
    from ..hub import load_state_dict_file
    ref = load_state_dict_file(classifier_dir() / REFERENCE_FILE)
    return {"mu": ref["held_mu"].numpy(), "cov": ref["held_cov"].numpy(), "floor": float(ref["floor"][0]),
            "n": m, "source": "bundled statistics"}


def real_reference(m: int = MAX_FD_N) -> dict:
    """Held-out feature mean/covariance for the first m held-out images, and the real-vs-real floor."""
    if not 2 <= m <= MAX_FD_N:
        raise ValueError(f"the Frechet sample size must be between 2 and {MAX_FD_N}")
    return _reference_cached(int(m))


# Squared Mahalanobis distance to real digits' features below which a sample counts as digit-like: about the
# 95th percentile of real MNIST test digits (median 84). The default recipe's speckled samples of steps 60-120,
# which the classifier calls "8" with >= 90% confidence whatever digit they show, sit at 300-650; untrained
# generators' blobs and noise above 3,000.
DIGIT_MAX_D2 = 250.0


def digit_distances(features: torch.Tensor) -> np.ndarray:
    """Squared Mahalanobis distance of classifier features (N, 128) from the held-out real digits' features.

    Real digits sit near 128 (the feature count); untrained generators' blobs and noise at several
    thousand, however confidently the classifier labels them.
    """
    ref = real_reference()
    mu, cov = np.asarray(ref["mu"], np.float64), np.asarray(ref["cov"], np.float64)
    inv = np.linalg.pinv(cov + 1e-6 * np.eye(len(mu)))
    f = np.asarray(features.detach().cpu().double()) - mu  # (N, D)
    return np.einsum("ij,jk,ik->i", f, inv, f)


def sure_predictions(images: torch.Tensor, min_confidence: float = 0.9,
                     max_d2: float = DIGIT_MAX_D2) -> tuple[torch.Tensor, np.ndarray]:
    """(class probabilities (N, 10), which rows the classifier's verdict can be trusted for): confident
    (top probability >= ``min_confidence``) and digit-like (features within ``max_d2`` of real digits')."""
    features, probs = classifier_features(images)
    sure = (probs.max(1).values.numpy() >= min_confidence) & (digit_distances(features) <= max_d2)
    return probs, sure
