"""A discriminator trained afresh against a frozen generator, for generators saved without their own D.

The generator does not change: every step D sees a batch of real images (label 1) and a batch of the
frozen G's fresh samples (label 0) and takes one step on the original GAN discriminator loss (Goodfellow et
al., 2014), so ``sigmoid(logit)`` reads as D's belief that an image is real rather than one of this G's
samples. For a conditional G the discriminator is conditional too: real pairs are (image, its label), fake
pairs (G(z, y), y). With ``mismatch_weight > 0`` real images paired with a wrong label count as fake as well
(the matching-aware discriminator of Reed et al., 2016), so D(x, y) also says whether x looks like a y.

A discriminator trained the usual way saw G's samples from the first step, when they were noise, to the last;
one trained against the finished G alone never sees a bad image, and its verdict on noise is a guess. With
``untrained_share > 0`` part of every fake batch comes from untrained generators of G's architecture (random
initialisations, in training mode as at step 0), which stands in for those first steps.
"""
from __future__ import annotations

import json
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from torch import nn

from .hub import DISCRIMINATOR_FILE, WEIGHTS_FILE, LoadedGenerator
from .losses import d_loss
from .models import discriminator_class


@dataclass(frozen=True)
class FrozenDConfig:
    steps: int = 2000
    batch_size: int = 64
    lr: float = 2e-4
    width: int = 32
    seed: int = 0
    mismatch_weight: float = 0.0  # conditional only: weight of (real image, wrong label) pairs as fakes
    untrained_share: float = 0.0  # share of each fake batch drawn by untrained generators of G's architecture
    untrained_pool: int = 8  # how many such generators (random initialisations, one per step in turn)


def build_discriminator(loaded: LoadedGenerator, width: int = 32) -> nn.Module:
    """The family's discriminator for this G's images, with spectral norm (no batch statistics at test time)."""
    cls = discriminator_class(loaded.family)
    size = int(getattr(loaded.model, "image_size", 28))
    channels = int(getattr(loaded.model, "channels", 1))
    if loaded.conditional:
        return cls(n_classes=loaded.n_classes, channels=channels, image_size=size, width=width,
                   spectral_norm=True, aux_classifier=False)
    return cls(channels=channels, image_size=size, width=width, spectral_norm=True)


def _logits(D: nn.Module, x: torch.Tensor, y: torch.Tensor | None) -> torch.Tensor:
    return D(x) if y is None else D(x, y)


@torch.no_grad()
def _fakes(loaded: LoadedGenerator, n: int, gen: torch.Generator,
           model: nn.Module | None = None) -> tuple[torch.Tensor, torch.Tensor | None]:
    """n samples (and their labels for a conditional G) of ``model`` (default: the loaded G)."""
    model = loaded.model if model is None else model
    z = torch.randn(n, loaded.latent_dim, generator=gen)
    y = torch.randint(loaded.n_classes, (n,), generator=gen) if loaded.conditional else None
    return (model(z, y) if y is not None else model(z)).float(), y


def untrained_generators(loaded: LoadedGenerator, n: int, seed: int) -> list[nn.Module]:
    """``n`` randomly initialised generators of the loaded G's class and config, in training mode (batch norm
    on batch statistics, as a generator's first step runs)."""
    kwargs = {k: v for k, v in loaded.config.items() if k not in ("model_type", "gan_studio", "discriminator")}
    out = []
    for i in range(n):
        torch.manual_seed(seed * 1000 + i)
        g = type(loaded.model)(**kwargs).train()
        for p in g.parameters():
            p.requires_grad_(False)
        out.append(g)
    return out


def _wrong_labels(y: torch.Tensor, n_classes: int, gen: torch.Generator) -> torch.Tensor:
    """A label other than y for every entry (uniform over the other n_classes - 1)."""
    return (y + torch.randint(1, n_classes, y.shape, generator=gen)) % n_classes


def train_against_frozen(loaded: LoadedGenerator, real: torch.Tensor, labels: torch.Tensor | None = None,
                         config: FrozenDConfig = FrozenDConfig(), log=None) -> tuple[nn.Module, dict]:
    """Train a fresh D against the frozen ``loaded.model`` on ``real`` (N, C, H, W) in [-1, 1].

    ``labels`` (N,) are needed for a conditional G. Returns (D in eval mode, {"wall_seconds", "final_loss"}).
    """
    if loaded.conditional and labels is None:
        raise ValueError("a conditional generator needs the real images' labels")
    if config.steps < 1 or config.batch_size < 2:
        raise ValueError("steps must be >= 1 and batch_size >= 2")
    torch.manual_seed(config.seed)
    gen = torch.Generator().manual_seed(config.seed)
    G = loaded.model.eval()
    for p in G.parameters():
        p.requires_grad_(False)
    pool = untrained_generators(loaded, config.untrained_pool, config.seed) if config.untrained_share > 0 else []
    n_untrained = round(config.batch_size * config.untrained_share) if pool else 0
    torch.manual_seed(config.seed)
    D = build_discriminator(loaded, config.width).train()
    opt = torch.optim.Adam(D.parameters(), lr=config.lr, betas=(0.5, 0.999))
    t0 = time.perf_counter()
    loss = torch.zeros(())
    for step in range(1, config.steps + 1):
        idx = torch.randint(len(real), (config.batch_size,), generator=gen)
        x, y = real[idx], (labels[idx] if loaded.conditional else None)
        fake, fy = _fakes(loaded, config.batch_size - n_untrained, gen)
        if n_untrained:
            early, ey = _fakes(loaded, n_untrained, gen, pool[step % len(pool)])
            fake = torch.cat([fake, early])
            fy = None if fy is None else torch.cat([fy, ey])
        # formula: L_D = -[E log D(x) + E log(1 - D(G(z)))]
        loss = d_loss("ns", _logits(D, x, y), _logits(D, fake, fy))
        if loaded.conditional and config.mismatch_weight > 0:
            wrong = _logits(D, x, _wrong_labels(y, loaded.n_classes, gen))
            loss = loss + config.mismatch_weight * nn.functional.softplus(wrong).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if log and (step % 250 == 0 or step == config.steps):
            log(f"step {step}/{config.steps}  L_D {float(loss.detach()):.3f}  {time.perf_counter() - t0:.0f} s")
    return D.eval(), {"wall_seconds": round(time.perf_counter() - t0, 1), "final_loss": round(float(loss.detach()), 4)}


@torch.inference_mode()
def d_scores(D: nn.Module, images: torch.Tensor, labels: torch.Tensor | None = None,
             batch_size: int = 500) -> torch.Tensor:
    """D's sigmoid outputs (N,) on images (N, C, H, W), with their labels for a conditional D."""
    out = []
    for i in range(0, len(images), batch_size):
        y = None if labels is None else labels[i:i + batch_size]
        out.append(torch.sigmoid(_logits(D, images[i:i + batch_size], y)))
    return torch.cat(out)


@torch.inference_mode()
def evaluate(D: nn.Module, loaded: LoadedGenerator, real: torch.Tensor, labels: torch.Tensor | None = None,
             seed: int = 1) -> dict:
    """Mean D on ``real`` images and on as many fresh samples of G, and how often D tells them apart (at 0.5).

    For a conditional D also: the mean D on the real images paired with a wrong label, and how often the true
    label gets the highest D(x, y) of all labels.
    """
    gen = torch.Generator().manual_seed(seed)
    fakes, fy = [], []
    for i in range(0, len(real), 500):
        f, y = _fakes(loaded, min(500, len(real) - i), gen)
        fakes.append(f)
        fy.append(y)
    fake = torch.cat(fakes)
    fake_labels = torch.cat(fy) if loaded.conditional else None
    r = d_scores(D, real, labels if loaded.conditional else None)
    f = d_scores(D, fake, fake_labels)
    out = {"n": len(real), "d_real": round(float(r.mean()), 4), "d_fake": round(float(f.mean()), 4),
           "accuracy": round(float(((r > 0.5).float().mean() + (f <= 0.5).float().mean()) / 2), 4)}
    if loaded.conditional:
        wrong = d_scores(D, real, _wrong_labels(labels, loaded.n_classes, gen))
        every = torch.stack([d_scores(D, real, torch.full((len(real),), k)) for k in range(loaded.n_classes)], 1)
        out["d_real_wrong_label"] = round(float(wrong.mean()), 4)
        out["true_label_highest"] = round(float((every.argmax(1) == labels).float().mean()), 4)
    return out


def save_discriminator(D: nn.Module, folder: str | Path, info: dict) -> Path:
    """Put D into a checkpoint folder that has a generator: ``discriminator.safetensors`` (written by the mixin's
    ``save_pretrained``), its config under ``discriminator`` in config.json, and ``info`` (how it was trained)
    under ``gan_studio.discriminator``. The generator's files are not touched."""
    folder = Path(folder)
    cfg_path = folder / "config.json"
    cfg = json.loads(cfg_path.read_text())
    with tempfile.TemporaryDirectory(dir=folder.parent) as tmp:
        D.save_pretrained(tmp)
        d_cfg = json.loads((Path(tmp) / "config.json").read_text())
        shutil.move(str(Path(tmp) / WEIGHTS_FILE), folder / DISCRIMINATOR_FILE)
    studio = cfg.pop("gan_studio", None)
    cfg["discriminator"] = d_cfg
    if studio is not None or info:
        cfg["gan_studio"] = {**(studio or {}), "discriminator": info}
    cfg_path.write_text(json.dumps(cfg, indent=2))
    return folder


def config_dict(config: FrozenDConfig) -> dict:
    return asdict(config)
