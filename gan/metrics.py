"""Quality metrics: pure tensor -> number functions, plus the bundled classifier they rely on.

Images (MNIST-like digits):
- a small CNN classifier (``checkpoints/mnist-classifier``) trained by this project;
- the class histogram of generated images and its normalised entropy (1.0 = every class equally often);
- for conditional generators, the classifier's accuracy on the requested labels;
- a Frechet distance between the classifier's 128-d features of generated and held-out real images,
  printed beside the real-vs-real floor (two real samples of the same size).

2D toy generators: modes covered, share of high-quality samples (Unrolled GAN / VEEGAN), and KL / JS on
a grid (as GAN Lab shows).

The split: the offline MNIST data here is the 10,000-image ``t10k`` file. Images 0..7,999 train the
classifier and the bundled GANs; images 8,000..9,999 are held out. The real-vs-real floor compares
the first m training-split images with the first m held-out ones (m = the generated sample size, at
most 2,000).
"""
from __future__ import annotations

import json
import math
import sys
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from .data import TOY_STD, toy_modes

TRAIN_SPLIT = 8000  # images [0, 8000) of t10k train the classifier and the bundled GANs
HELD_OUT = 2000  # images [8000, 10000) are held out
CLASSIFIER_NAME = "mnist-classifier"
REFERENCE_FILE = "reference.safetensors"  # held-out feature statistics, so FD works without the data
MAX_FD_N = HELD_OUT


# ============================================================================ 2D toy metrics

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


# ============================================================================ pure image metrics

def class_histogram(predictions, n_classes: int = 10) -> np.ndarray:
    """Share of samples predicted as each class: (n_classes,) summing to 1."""
    pred = np.asarray(torch.as_tensor(predictions).cpu(), dtype=np.int64).ravel()
    if pred.size == 0:
        raise ValueError("no predictions to count")
    counts = np.bincount(pred, minlength=n_classes)[:n_classes].astype(np.float64)
    return counts / counts.sum()


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
    from .data import load_images
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

    from .images import to_uint8
    split = mnist_split(root)
    raw = Path(dest) / "MNIST" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    x = to_uint8(split.train_images[:, 0]).numpy()  # (N, 28, 28)
    y = split.train_labels.to(torch.uint8).numpy()
    with gzip.open(raw / "t10k-images-idx3-ubyte.gz", "wb") as f:
        f.write(struct.pack(">HBB3I", 0, 8, 3, *x.shape) + x.tobytes())
    with gzip.open(raw / "t10k-labels-idx1-ubyte.gz", "wb") as f:
        f.write(struct.pack(">HBBI", 0, 8, 1, len(y)) + y.tobytes())
    return raw


# ============================================================================ the classifier

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
    from .hub import save_generator
    from .models.classifier import MNISTClassifier

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
    (out / "README.md").write_text(_classifier_card(cfg, metrics, width))
    load_classifier.cache_clear()
    _reference_cached.cache_clear()
    return metrics


def _classifier_card(cfg: dict, m: dict, width: int) -> str:
    t = cfg["gan_studio"]["train"]
    return f"""---
library_name: gan-studio
license: mit
tags:
- classifier
- mnist
---

# MNIST classifier for GAN Studio's quality metrics

A small CNN (3 conv blocks with batch norm, width {width}, a 128-d feature layer, ~{_n_params(cfg)} parameters)
used by `gan.metrics` and `python -m gan eval` to score generated digits: class histogram and
entropy, class accuracy of conditional generators, and a Frechet distance between its 128-d features
of generated and held-out real images.

## Data
The offline MNIST file available to this project is the 10,000-image `t10k` split
(`GAN_DATA_DIR/MNIST/raw/t10k-*`). Images 0-7,999 trained this classifier (and the bundled GANs);
images 8,000-9,999 are held out and never trained on.

## Reproduce
```bash
GAN_DATA_DIR=../shared/data python scripts/train_classifier.py --out checkpoints/{CLASSIFIER_NAME}
```
AdamW, one-cycle learning rate (max {t['lr']}), batch {t['batch_size']}, {t['epochs']} epochs ({m['steps']} steps),
label smoothing 0.05, random affine jitter ({t['augment']}), seed {t['seed']}.
Wall time: {m['wall_seconds']:.0f} s on 2 shared CPU cores (1 PyTorch thread, other jobs running).

## Metrics
- held-out accuracy: **{m['held_out_accuracy'] * 100:.2f}%** on the 2,000 held-out images
- Frechet distance real-vs-real floor (2,000 training-split vs 2,000 held-out images): {m['frechet_floor_2000']:.3f}

`{REFERENCE_FILE}` holds the mean and covariance of the 128-d features of the 2,000 held-out
images and that floor, so the Frechet distance can be computed when the data is not present.

## Limitations
Trained on 8,000 MNIST digits only: it knows nothing about other datasets (Fashion-MNIST, colour
images), and its features are tuned to digits, so the Frechet distance here is not comparable with
Inception-based FID numbers in papers. Generated images that are blurry or off-manifold can still be
classified confidently.

## License
MIT (the weights); MNIST is by Yann LeCun, Corinna Cortes and Christopher Burges.
"""


def _n_params(cfg: dict) -> str:
    from .models.classifier import MNISTClassifier
    kw = {k: v for k, v in cfg.items() if k in ("n_classes", "channels", "width", "feature_dim", "dropout")}
    n = sum(p.numel() for p in MNISTClassifier(**kw).parameters())
    return f"{n / 1000:.0f}k"


def classifier_dir() -> Path:
    from .hub import BUNDLED_DIR
    return BUNDLED_DIR / CLASSIFIER_NAME


@lru_cache(maxsize=4)
def load_classifier(folder: str | None = None):
    """The bundled metrics classifier (strictly loaded, eval mode, cached per process)."""
    from .hub import CheckpointError, load_folder
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
    from .data import DatasetMissing
    try:
        return _reference_from_data(load_classifier(), m)
    except (DatasetMissing, ValueError):
        if m != MAX_FD_N:
            raise ValueError(f"the MNIST data is needed for a real-vs-real floor at n={m}; without it only "
                             f"n={MAX_FD_N} works (set GAN_DATA_DIR)") from None
    from .hub import load_state_dict_file
    ref = load_state_dict_file(classifier_dir() / REFERENCE_FILE)
    return {"mu": ref["held_mu"].numpy(), "cov": ref["held_cov"].numpy(), "floor": float(ref["floor"][0]),
            "n": m, "source": "bundled statistics"}


def real_reference(m: int = MAX_FD_N) -> dict:
    """Held-out feature mean/covariance for the first m held-out images, and the real-vs-real floor."""
    if not 2 <= m <= MAX_FD_N:
        raise ValueError(f"the Frechet sample size must be between 2 and {MAX_FD_N}")
    return _reference_cached(int(m))


def image_metrics(images: torch.Tensor, labels=None) -> dict:
    """Metrics of a batch of digit images (B, C, H, W) in [-1, 1]; ``labels`` the requested classes."""
    n = len(images)
    if n < 10:
        raise ValueError("need at least 10 images to measure quality")
    feats, probs = classifier_features(images)
    pred = probs.argmax(1)
    hist = class_histogram(pred, probs.shape[1])
    m = min(n, MAX_FD_N)
    ref = real_reference(m)
    fd = frechet_from_stats(*feature_stats(feats[:m]), ref["mu"], ref["cov"])
    out = {
        "n": n,
        "class_histogram": [round(float(h), 4) for h in hist],
        "class_entropy": normalised_entropy(hist),
        "class_accuracy": None,
        "frechet": fd,
        "frechet_floor": ref["floor"],
        "frechet_ratio": fd / ref["floor"] if ref["floor"] > 0 else float("inf"),
        "frechet_n": m,
        "reference": ref["source"],
    }
    if labels is not None:
        labels = torch.as_tensor(labels).long().cpu()
        out["class_accuracy"] = float((pred.cpu() == labels).float().mean())
    return out


# ============================================================================ generators

def _train_dataset(loaded) -> str | None:
    return (loaded.config.get("gan_studio", {}).get("train_config", {}) or {}).get("dataset")


def _generate_images(loaded, n: int, seed: int, chunk: int = 500) -> tuple[torch.Tensor, torch.Tensor | None]:
    from .sampling import noise, run_generator
    z = noise(n, loaded.latent_dim, seed)
    y = torch.arange(n) % loaded.n_classes if loaded.conditional else None
    parts = [run_generator(loaded, z[i:i + chunk], None if y is None else y[i:i + chunk]).cpu()
             for i in range(0, n, chunk)]
    return torch.cat(parts), y


def evaluate(loaded, n: int = 2000, seed: int = 0) -> dict:
    """Quality metrics of a loaded generator (``gan.hub.load_generator``) from n seeded samples."""
    from .models import spec
    if not 10 <= n <= 4096:
        raise ValueError("n must be between 10 and 4096")
    kind = spec(loaded.family).kind
    base = {"source": str(loaded.source), "family": loaded.family, "seed": seed}
    if kind == "toy":
        return {**base, "kind": "toy", **evaluate_toy(loaded, n, seed)}
    if kind != "image":
        raise ValueError(f"{loaded.family} models are not noise-to-image generators; eval scores generators "
                         f"of digits and 2D toy generators")
    dataset = _train_dataset(loaded)
    if dataset is not None and dataset != "mnist":
        raise ValueError(f"this generator was trained on {dataset}; the metrics classifier only knows MNIST digits")
    t = time.perf_counter()
    images, labels = _generate_images(loaded, n, seed)
    res = image_metrics(images, labels)
    return {**base, "kind": "image", "conditional": loaded.conditional,
            "classifier_accuracy": classifier_accuracy(), **res, "seconds": round(time.perf_counter() - t, 2)}


def evaluate_toy(loaded, n: int = 2000, seed: int = 0) -> dict:
    """Mode coverage, high-quality share and grid KL/JS of a 2D toy generator against its dataset."""
    from .data import sample_toy
    dataset = _train_dataset(loaded)
    if dataset is None:
        raise ValueError("this toy generator does not record which dataset it learned")
    if dataset == "custom":
        raise ValueError("this toy generator learned user-drawn points, which are not saved with it")
    g = torch.Generator().manual_seed(seed)
    with torch.inference_mode():
        pts = loaded.model.eval()(loaded.model.sample_z(n, generator=g)).float().cpu().numpy()
    real = sample_toy(dataset, n, torch.Generator().manual_seed(seed + 1)).numpy()
    return toy_metrics(pts, dataset, real)


def toy_metrics(fake, dataset: str, real=None, seed: int = 0) -> dict:
    """Toy metrics of generated points (N, 2): grid KL/JS against ``real`` (sampled when None), and
    modes covered / high-quality share for mixture datasets."""
    from .data import sample_toy
    fake = np.asarray(fake, dtype=np.float64)
    if real is None:
        real = sample_toy(dataset, len(fake), torch.Generator().manual_seed(seed)).numpy()
    out: dict = {"dataset": dataset, "n": int(len(fake)), **grid_divergences(real, fake)}
    if toy_modes(dataset) is not None:
        out.update(toy_mode_stats(fake, dataset))
    return out


# ============================================================================ bundled generator cards

def finalize_bundled(folder: str | Path, *, command: str, wall_seconds: float, conditions: str, n: int = 2000,
                     seed: int = 0) -> dict:
    """Turn a CLI training output into a bundled checkpoint: measure the metrics on n samples, record
    them and the training split in config.json, write the model card, and drop the files a bundle does
    not ship (training_state.pt, discriminator.safetensors)."""
    from .hub import load_folder
    folder = Path(folder)
    for extra_file in ("training_state.pt", "discriminator.safetensors"):
        (folder / extra_file).unlink(missing_ok=True)
    cfg = json.loads((folder / "config.json").read_text())
    cfg.pop("discriminator", None)
    info = cfg.setdefault("gan_studio", {})
    info["train_data"] = (f"MNIST t10k images 0-{TRAIN_SPLIT - 1} (the training split; images "
                          f"{TRAIN_SPLIT}-{TRAIN_SPLIT + HELD_OUT - 1} held out)")
    info["train_data_images"] = TRAIN_SPLIT
    info["wall_seconds"] = round(wall_seconds, 1)
    (folder / "config.json").write_text(json.dumps(cfg, indent=2))
    res = evaluate(load_folder(folder), n=n, seed=seed)
    keep = ("n", "seed", "class_accuracy", "class_entropy", "class_histogram", "frechet", "frechet_floor",
            "frechet_ratio", "classifier_accuracy")
    info["metrics"] = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in res.items() if k in keep}
    (folder / "config.json").write_text(json.dumps(cfg, indent=2))
    (folder / "README.md").write_text(_generator_card(folder.name, cfg, res, command, wall_seconds, conditions))
    return res


def _generator_card(name: str, cfg: dict, res: dict, command: str, wall: float, conditions: str) -> str:
    from .models import MODELS
    info = cfg["gan_studio"]
    t = info["train_config"]
    family = cfg["model_type"]
    conditional = MODELS[family].conditional
    arch = {k: v for k, v in cfg.items() if k not in ("gan_studio", "model_type")}
    hist = ", ".join(f"{i}: {h * 100:.1f}%" for i, h in enumerate(res["class_histogram"]))
    lines = [
        "---", "library_name: gan-studio", "license: mit", "tags:", "- gan", f"- {family}", "- mnist", "---", "",
        f"# {name}: {'class-conditional' if conditional else 'unconditional'} MNIST generator (GAN Studio)", "",
        MODELS[family].description + ", trained by this project's own CLI on the CPU. Bundled so the app "
        "shows convincing digits offline, without a GPU.", "",
        "## Data", "",
        f"MNIST `t10k` images 0-{TRAIN_SPLIT - 1} ({TRAIN_SPLIT:,} images, the training split). Images "
        f"{TRAIN_SPLIT:,}-{TRAIN_SPLIT + HELD_OUT - 1:,} are held out: the metrics below compare against them.", "",
        "## Reproduce", "", "```bash", command.strip(), "```", "",
        "## Training", "",
        f"- architecture: `{json.dumps(arch)}`",
        f"- loss: {t['loss']}; learning rates D {t['lr_d']}, G {t['lr_g']} (Adam, betas {t['beta1']}, {t['beta2']})",
        f"- batch size {t['batch_size']}, {info.get('step', t['steps'])} steps, n_critic {t['n_critic']}, "
        f"EMA of G's weights {t['ema']}, seed {t['seed']}"
        + (f", auxiliary classifier weight {t['aux_weight']}" if conditional else ""),
        *([f"- InfoGAN: a categorical code of {t['info_codes']} values in the noise"
           + (f" (embedded in {t['info_code_dim']} dimensions)" if t.get("info_code_dim") else " (one-hot)")
           + f", read back by a head on D with weight {t['aux_weight']}; no labels were used. `python -m gan "
           "sample` draws the code at random with the rest of the noise"] if t.get("info_codes") else []),
        *([f"- DiffAugment on everything D saw: {t['augment']}"] if t.get("augment") else []),
        f"- wall time: {wall / 60:.1f} min on 2 CPU cores ({conditions})", "",
        "## Metrics", "",
        f"Measured with `python -m gan eval {name} --n {res['n']} --seed {res['seed']}` (bundled classifier, "
        f"held-out accuracy {res['classifier_accuracy'] * 100:.2f}%):", "",
        "| metric | value | reference |", "|---|---|---|",
    ]
    if res.get("class_accuracy") is not None:
        lines.append(f"| class accuracy on the requested labels | {res['class_accuracy'] * 100:.2f}% | target >= 97% |")
    lines += [
        f"| class entropy (normalised) | {res['class_entropy']:.4f} | 1.0 = uniform"
        + ("" if conditional else "; target >= 0.98") + " |",
        f"| Frechet distance (classifier features, n={res['frechet_n']}) | {res['frechet']:.3f} | "
        f"real-vs-real floor {res['frechet_floor']:.3f} |",
        f"| ratio to the floor | {res['frechet_ratio']:.2f}x | target <= 2x |", "",
        f"Class histogram: {hist}.", "",
    ]
    unmet = []
    if conditional and res["class_accuracy"] < 0.97:
        unmet.append(f"class accuracy {res['class_accuracy'] * 100:.2f}% (target 97%)")
    if not conditional and res["class_entropy"] < 0.98:
        unmet.append(f"class entropy {res['class_entropy']:.4f} (target 0.98)")
    if res["frechet_ratio"] > 2.0:
        unmet.append(f"Frechet distance {res['frechet_ratio']:.2f}x the floor (target 2x)")
    if unmet:
        lines += ["**Targets not met:** " + "; ".join(unmet) + ".", ""]
    lines += [
        "## Use", "", "```bash", f"python -m gan sample {name} --n 64 --out grid.png"
        + (" --label 7" if conditional else ""), "```", "",
        "## Limitations", "",
        "28x28 grayscale digits only, learned from 8,000 images: strokes are sometimes broken or blurry, and "
        "rarer writing styles are under-represented. The Frechet distance uses this project's small MNIST "
        "classifier, so it is not comparable with Inception-based FID values in papers."
        + (" The InfoGAN codes are categories the model found by itself, not labels: most codes stand for one "
           "digit, some for two look-alike digits (3 and 5, 4 and 9, 1 and 7), so a code cannot be used to ask "
           "for a digit; use cgan-mnist for that." if t.get("info_codes") else ""), "",
        "## License", "", "MIT (the weights). MNIST is by Yann LeCun, Corinna Cortes and Christopher Burges.", "",
    ]
    return "\n".join(lines)


# ============================================================================ CLI: python -m gan eval

def format_table(res: dict) -> str:
    rows: list[tuple[str, str, str]] = []
    if res["kind"] == "toy":
        rows.append(("dataset", res["dataset"], ""))
        if "modes_covered" in res:
            rows.append(("modes covered", f"{res['modes_covered']} / {res['n_modes']}", "all"))
            rows.append(("high-quality samples (3 sigma)", f"{res['high_quality'] * 100:.1f}%", "100%"))
        rows.append(("KL(real || generated), grid", f"{res['kl']:.3f}", "0"))
        rows.append(("JS divergence, grid", f"{res['js']:.3f}", f"0 (max {math.log(2):.3f})"))
    else:
        hist = " ".join(f"{h * 100:.0f}" for h in res["class_histogram"])
        rows.append(("class histogram (%, 0-9)", hist, "10 each"))
        rows.append(("class entropy (normalised)", f"{res['class_entropy']:.4f}", "1.0 = uniform"))
        if res.get("class_accuracy") is not None:
            rows.append(("class accuracy (requested labels)", f"{res['class_accuracy'] * 100:.2f}%", "100%"))
        rows.append(("Frechet distance (classifier features)", f"{res['frechet']:.3f}",
                     f"real-vs-real floor {res['frechet_floor']:.3f} (n={res['frechet_n']})"))
        rows.append(("  ratio to the floor", f"{res['frechet_ratio']:.2f}x", "1.0x"))
        if res.get("classifier_accuracy") is not None:
            rows.append(("classifier held-out accuracy", f"{res['classifier_accuracy'] * 100:.2f}%", ""))
    w0 = max(len(r[0]) for r in rows)
    w1 = max(len(r[1]) for r in rows)
    head = f"{res['source']} ({res['family']}, n={res['n']}, seed={res['seed']})"
    lines = [head, f"{'metric'.ljust(w0)}  {'value'.ljust(w1)}  reference", "-" * (w0 + w1 + 14)]
    lines += [f"{a.ljust(w0)}  {b.ljust(w1)}  {c}".rstrip() for a, b, c in rows]
    return "\n".join(lines)


def cmd_eval(args) -> int:
    from .cli import CliError
    from .hub import load_generator
    if not 10 <= args.n <= 4096:
        raise CliError("--n must be between 10 and 4096")
    loaded = load_generator(args.source)
    if loaded.note:
        print(loaded.note, file=sys.stderr)
    res = evaluate(loaded, n=args.n, seed=args.seed)
    print(json.dumps(res) if args.json else format_table(res))
    return 0


def add_eval_parser(subparsers) -> None:
    """Add ``eval SOURCE [--n 2000] [--seed 0] [--json]`` to the CLI."""
    from .cli import _positive_int
    e = subparsers.add_parser("eval", help="score a generator: class histogram/entropy/accuracy and Frechet "
                                           "distance for digits, mode coverage and KL/JS for 2D toys")
    e.add_argument("source", help="checkpoint folder, bundled name (e.g. cgan-mnist) or Hub repo id")
    e.add_argument("--n", type=_positive_int, default=2000, help="samples to generate (10-4096; default 2000)")
    e.add_argument("--seed", type=int, default=0)
    e.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    e.set_defaults(func=cmd_eval)
