"""Model cards: the README.md text of the bundled generators and of the metrics classifier (text only;
the numbers come in as arguments)."""
from __future__ import annotations

import json


def generator_card(name: str, cfg: dict, res: dict, command: str, wall: float, conditions: str, *,
                   train_split: int, held_out: int) -> str:
    """README.md of a bundled MNIST generator from its config.json and ``evaluate`` result."""
    from ..models import MODELS
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
        f"MNIST `t10k` images 0-{train_split - 1} ({train_split:,} images, the training split). Images "
        f"{train_split:,}-{train_split + held_out - 1:,} are held out: the metrics below compare against them.", "",
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


def classifier_card(cfg: dict, m: dict, width: int, *, classifier_name: str, reference_file: str) -> str:
    """README.md of the metrics classifier from its config.json, metrics and width."""
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
GAN_DATA_DIR=../shared/data python scripts/train_classifier.py --out checkpoints/{classifier_name}
```
AdamW, one-cycle learning rate (max {t['lr']}), batch {t['batch_size']}, {t['epochs']} epochs ({m['steps']} steps),
label smoothing 0.05, random affine jitter ({t['augment']}), seed {t['seed']}.
Wall time: {m['wall_seconds']:.0f} s on 2 shared CPU cores (1 PyTorch thread, other jobs running).

## Metrics
- held-out accuracy: **{m['held_out_accuracy'] * 100:.2f}%** on the 2,000 held-out images
- Frechet distance real-vs-real floor (2,000 training-split vs 2,000 held-out images): {m['frechet_floor_2000']:.3f}

`{reference_file}` holds the mean and covariance of the 128-d features of the 2,000 held-out
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
    from ..models.classifier import MNISTClassifier
    kw = {k: v for k, v in cfg.items() if k in ("n_classes", "channels", "width", "feature_dim", "dropout")}
    n = sum(p.numel() for p in MNISTClassifier(**kw).parameters())
    return f"{n / 1000:.0f}k"
