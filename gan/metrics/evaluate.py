"""Scoring generators: sample a loaded generator and measure it (digits with the bundled classifier, 2D toys
against their dataset), print the result as a table, and record it in a bundled checkpoint.
"""
from __future__ import annotations

import json
import math
import time
from pathlib import Path

import numpy as np
import torch

from ..data import toy_modes
from .cards import generator_card
from .classifier import HELD_OUT, MAX_FD_N, TRAIN_SPLIT, classifier_accuracy, classifier_features, real_reference
from .core import (class_histogram, feature_stats, frechet_from_stats, grid_divergences, normalised_entropy,
                   toy_mode_stats)


# ============================================================================ images

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
    from ..sampling import noise, run_generator
    z = noise(n, loaded.latent_dim, seed)
    y = torch.arange(n) % loaded.n_classes if loaded.conditional else None
    parts = [run_generator(loaded, z[i:i + chunk], None if y is None else y[i:i + chunk]).cpu()
             for i in range(0, n, chunk)]
    return torch.cat(parts), y


def evaluate(loaded, n: int = 2000, seed: int = 0) -> dict:
    """Quality metrics of a loaded generator (``gan.hub.load_generator``) from n seeded samples."""
    from ..models import spec
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
    from ..data import sample_toy
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
    from ..data import sample_toy
    fake = np.asarray(fake, dtype=np.float64)
    if real is None:
        real = sample_toy(dataset, len(fake), torch.Generator().manual_seed(seed)).numpy()
    out: dict = {"dataset": dataset, "n": int(len(fake)), **grid_divergences(real, fake)}
    if toy_modes(dataset) is not None:
        out.update(toy_mode_stats(fake, dataset))
    return out


def format_table(res: dict) -> str:
    """The plain-text table that ``python -m gan eval`` prints for an ``evaluate`` result."""
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


# ============================================================================ bundled checkpoints

def finalize_bundled(folder: str | Path, *, command: str, wall_seconds: float, conditions: str, n: int = 2000,
                     seed: int = 0) -> dict:
    """Turn a CLI training output into a bundled checkpoint: measure the metrics on n samples, record
    them and the training split in config.json, write the model card, and drop the files a bundle does
    not ship (the training state). The discriminator stays: the Generate page asks it about drawings."""
    from ..hub import load_folder
    folder = Path(folder)
    for extra_file in ("training_state.safetensors", "training_state.json"):
        (folder / extra_file).unlink(missing_ok=True)
    cfg = json.loads((folder / "config.json").read_text())
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
    (folder / "README.md").write_text(generator_card(folder.name, cfg, res, command, wall_seconds, conditions,
                                                    train_split=TRAIN_SPLIT, held_out=HELD_OUT))
    return res
