"""Super-resolution of MNIST digits three ways: bicubic upsampling, a small CNN trained with L1 only, and
the same CNN trained with L1 + an adversarial loss (the SRGAN idea, Ledig et al. 2017).

A 28x28 digit is shrunk by averaging ``scale`` x ``scale`` blocks (7x7 for scale 4, 14x14 for scale 2);
each method makes a 28x28 digit from that. Both networks start from the same weights and see the same
batches; only the loss differs. L1 pulls every pixel to the median of all the high-resolution digits
that fit the small input (a blurry compromise); the adversarial term pulls the output towards what a
discriminator cannot tell from real digits: one sharp, plausible answer, which may differ from the truth.

Measured on the held-out MNIST images [8000, 10000) (training uses [0, 8000), see
:mod:`gan.metrics.classifier`): sharpness as the mean gradient energy (mean squared difference between
neighbouring pixels, pixels in [0, 1]), PSNR against the real digit, and the bundled classifier's accuracy.

The bundled pair lives in ``checkpoints/superres-mnist`` (``config.json``, ``l1.safetensors``,
``adversarial.safetensors``, ``discriminator.safetensors``, ``README.md``).
"""
from __future__ import annotations

import json
import math
import threading
import time
from dataclasses import asdict, dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import torch
import torch.nn.functional as F

from .models.superres import SCALES, SRDiscriminator, SRGenerator, bicubic_up

METHODS = ("bicubic", "l1", "adversarial")  # the three ways, in the order pages show them
NETWORKS = ("l1", "adversarial")  # the two that are trained
WEIGHT_FILES = {"l1": "l1.safetensors", "adversarial": "adversarial.safetensors",
                "discriminator": "discriminator.safetensors"}
BUNDLED_NAME = "superres-mnist"
SIDE = 28
MAX_STEPS = 20_000
PREVIEW_INDICES = tuple(range(8))  # held-out digits 8000..8007: the live preview
EXAMPLES = 4  # at most this many digits the adversarial network turned into another digit


@dataclass
class SRConfig:
    """One training of the pair (both networks, same start, same batches)."""

    scale: int = 4  # 4: 7x7 -> 28x28; 2: 14x14 -> 28x28
    width: int = 32  # the generator's channels at the low resolution
    d_width: int = 16  # the discriminator's first layer
    steps: int = 600
    batch_size: int = 32
    lr: float = 1e-3  # Adam, betas (0.5, 0.99), for both generators and D
    adv_weight: float = 0.2  # loss = L1 + adv_weight * non-saturating adversarial loss
    seed: int = 0
    eval_every: int = 50  # steps between the live sharpness measurements
    eval_n: int = 500  # held-out digits those use (the final figures use all 2,000)
    train_n: int = 8000  # training images [0, train_n) of the split

    def validate(self) -> "SRConfig":
        if self.scale not in SCALES:
            raise ValueError(f"scale must be one of {', '.join(map(str, SCALES))} (got {self.scale})")
        if not 1 <= self.steps <= MAX_STEPS:
            raise ValueError(f"steps must be between 1 and {MAX_STEPS} (got {self.steps})")
        if not 1 <= self.batch_size <= 512:
            raise ValueError(f"the batch size must be between 1 and 512 (got {self.batch_size})")
        if not (math.isfinite(self.lr) and 0 < self.lr <= 0.1):
            raise ValueError(f"the learning rate must be in (0, 0.1] (got {self.lr})")
        if not (math.isfinite(self.adv_weight) and 0 <= self.adv_weight <= 10):
            raise ValueError(f"the adversarial weight must be between 0 and 10 (got {self.adv_weight})")
        if not 8 <= self.width <= 256 or self.width % 4:
            raise ValueError(f"the width must be a multiple of 4 from 8 to 256 (got {self.width})")
        if not 1 <= self.d_width <= 256:
            raise ValueError(f"the discriminator width must be between 1 and 256 (got {self.d_width})")
        if not 1 <= self.eval_every or not 10 <= self.eval_n <= 2000 or not 64 <= self.train_n <= 8000:
            raise ValueError("eval_every must be at least 1, eval_n 10 to 2000, train_n 64 to 8000")
        return self

    @classmethod
    def from_dict(cls, d: dict) -> "SRConfig":
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(d) - known)
        if unknown:
            raise ValueError(f"unknown super-resolution settings: {', '.join(unknown)}")
        return cls(**d).validate()


# ============================================================================ measures (pure)

def downsample(hr: torch.Tensor, scale: int) -> torch.Tensor:
    """(B, 1, 28, 28) -> (B, 1, 28/scale, 28/scale): the mean of each scale x scale block."""
    return F.avg_pool2d(hr, scale)


def gradient_energy(images: torch.Tensor) -> torch.Tensor:
    """Per image (B,): the mean of squared differences between horizontal neighbours plus that between
    vertical neighbours, pixels mapped from [-1, 1] to [0, 1]. Sharp strokes score high, blur low."""
    x = (images.float().clamp(-1, 1) + 1) / 2
    dx = x[..., :, 1:] - x[..., :, :-1]
    dy = x[..., 1:, :] - x[..., :-1, :]
    return dx.pow(2).flatten(1).mean(1) + dy.pow(2).flatten(1).mean(1)


def psnr(images: torch.Tensor, reference: torch.Tensor) -> torch.Tensor:
    """Per image (B,): peak signal-to-noise ratio in dB against ``reference``, pixels in [0, 1] (capped
    at 100 dB for identical images)."""
    mse = ((images.float() - reference.float()) / 2).pow(2).flatten(1).mean(1)
    return 10 * torch.log10(1 / mse.clamp_min(1e-10))


# ============================================================================ the pair of networks

@dataclass
class SRPair:
    """The two trained networks (and the discriminator, when kept) with the config they were built from."""

    cfg: SRConfig
    l1: SRGenerator
    adversarial: SRGenerator
    discriminator: SRDiscriminator | None = None
    info: dict = field(default_factory=dict)  # steps, seconds, recorded metrics

    def generator(self, method: str) -> SRGenerator:
        if method not in NETWORKS:
            raise ValueError(f"no network for {method!r}; networks: {', '.join(NETWORKS)}")
        return getattr(self, method)


def build_pair(cfg: SRConfig) -> SRPair:
    """Both generators from the same random start (seeded), and the discriminator."""
    cfg.validate()
    torch.manual_seed(cfg.seed)
    g = SRGenerator(cfg.scale, cfg.width)
    twin = SRGenerator(cfg.scale, cfg.width)
    twin.load_state_dict(g.state_dict())
    return SRPair(cfg, g, twin, SRDiscriminator(cfg.d_width))


@torch.inference_mode()
def upscale(pair: SRPair, method: str, lr: torch.Tensor, batch_size: int = 1000) -> torch.Tensor:
    """28x28 digits from low-res ones by ``method`` (bicubic, l1, adversarial)."""
    if method == "bicubic":
        return bicubic_up(lr, pair.cfg.scale)
    net = pair.generator(method)
    was = net.training
    net.eval()
    try:
        return torch.cat([net(lr[i:i + batch_size]) for i in range(0, len(lr), batch_size)]
                         or [lr.new_zeros(0, 1, SIDE, SIDE)])
    finally:
        net.train(was)


def evaluate(pair: SRPair, images: torch.Tensor, labels: torch.Tensor | None = None,
             probs: dict | None = None) -> dict[str, dict]:
    """Per method (bicubic, l1, adversarial) and for the real digits: mean sharpness (gradient energy),
    mean PSNR (dB) and, with ``labels``, the bundled classifier's accuracy on the outputs. ``probs``, when
    given, receives each one's class probabilities (N, 10)."""
    lr = downsample(images, pair.cfg.scale)
    outs = {m: upscale(pair, m, lr) for m in METHODS}
    outs["real"] = images
    res: dict[str, dict] = {}
    for m, out in outs.items():
        row: dict[str, Any] = {"sharpness": float(gradient_energy(out).mean())}
        row["psnr"] = None if m == "real" else float(psnr(out, images).mean())
        if labels is not None:
            from .metrics.classifier import classify_images
            p = classify_images(out)
            row["accuracy"] = float((p.argmax(1) == labels).float().mean())
            if probs is not None:
                probs[m] = p
        res[m] = row
    real = res["real"]["sharpness"]
    for row in res.values():
        row["sharpness_vs_real"] = row["sharpness"] / real
    return res


def held_out(n: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """The held-out digits [8000, 10000) (or the first ``n`` of them) and their labels."""
    from .metrics.classifier import mnist_split
    split = mnist_split()
    n = len(split.held_images) if n is None else n
    return split.held_images[:n], split.held_labels[:n]


def analyse(pair: SRPair, limit: int = EXAMPLES, min_confidence: float = 0.9) -> dict:
    """What pages show of a pair, on all 2,000 held-out digits: ``metrics`` (:func:`evaluate`, with the
    classifier's accuracy) and ``examples``: held-out digits whose adversarial output the classifier reads,
    with probability at least ``min_confidence``, as another digit than the truth (sharp and plausible,
    but not the original), most confident first, at most ``limit``. Each example: {"index", "label",
    "read_as", "confidence", "l1_read_as", "l1_confidence"}."""
    images, labels = held_out()
    probs: dict[str, torch.Tensor] = {}
    metrics = evaluate(pair, images, labels, probs)
    conf, pred = probs["adversarial"].max(1)
    wrong = ((pred != labels) & (conf >= min_confidence)).nonzero().flatten()
    order = wrong[conf[wrong].argsort(descending=True, stable=True)][:limit]
    p_l1 = probs["l1"]
    examples = [{"index": int(i), "label": int(labels[i]), "read_as": int(pred[i]), "confidence": float(conf[i]),
                 "l1_read_as": int(p_l1[i].argmax()), "l1_confidence": float(p_l1[i].max())} for i in order]
    return {"metrics": metrics, "examples": examples}


def gaps(metrics: dict[str, dict]) -> dict[str, float]:
    """How far each method's sharpness is from the real digits', as a share of the real digits'."""
    real = metrics["real"]["sharpness"]
    return {m: abs(metrics[m]["sharpness"] - real) / real for m in METHODS}


# ============================================================================ pictures (uint8, no Streamlit)

def comparison(pair: SRPair, indices: list[int] | tuple[int, ...]) -> dict[str, np.ndarray]:
    """uint8 digits (N, H, W) for the held-out digits ``indices`` (0 = image 8000): the low-res input
    ("input"), each method's 28x28 output and the real digit ("real")."""
    from .images import images_uint8
    images, _ = held_out()
    idx = torch.as_tensor(list(indices), dtype=torch.long)
    if len(idx) and (int(idx.min()) < 0 or int(idx.max()) >= len(images)):
        raise ValueError(f"held-out digits are numbered 0 to {len(images) - 1}")
    hr = images[idx]
    lr = downsample(hr, pair.cfg.scale)
    out = {"input": images_uint8(lr)}
    for m in METHODS:
        out[m] = images_uint8(upscale(pair, m, lr))
    out["real"] = images_uint8(hr)
    return out


def strip(digits: np.ndarray, side: int = 112, gap: int = 4, horizontal: bool = False) -> np.ndarray:
    """One picture of the digits (N, h, w), one under another (or side by side), each enlarged to ``side``
    px with nearest-neighbour pixels (a 7x7 input shows as 7x7 blocks), ``gap`` white pixels between."""
    n, h, w = digits.shape
    if side % h or side % w:
        raise ValueError(f"side {side} must be a multiple of the digits' size {h}x{w}")
    big = digits.repeat(side // h, axis=1).repeat(side // w, axis=2)  # (N, side, side)
    axis = 1 if horizontal else 0
    parts = [np.pad(b, [(0, gap if i < n - 1 and a == axis else 0) for a in (0, 1)], constant_values=255)
             for i, b in enumerate(big)]
    return np.concatenate(parts, axis=axis)  # (N * (side + gap) - gap, side) or its transpose's shape


# ============================================================================ training

@dataclass(frozen=True)
class SREvent:
    """What one stretch of training reports (plain data: it crosses from a worker process)."""

    step: int
    total_steps: int
    status: str  # running, done, stopped, failed
    message: str = ""
    elapsed: float = 0.0
    losses: dict = field(default_factory=dict)  # l1_only, l1_adv, adv_g, adv_d: the latest step's
    curve: tuple = ()  # rows {"step", "l1", "adversarial"}: held-out sharpness while training
    reference: dict = field(default_factory=dict)  # {"real", "bicubic"}: their sharpness on the same digits
    preview: dict | None = None  # comparison() of PREVIEW_INDICES at the latest measurement
    result: dict | None = None  # at the end: {"config", "states", "metrics", "examples", "steps", "seconds"}

    @property
    def finished(self) -> bool:
        return self.status != "running"

    @property
    def progress(self) -> float:
        return self.step / max(self.total_steps, 1)


class SRTrainer:
    """Trains both networks of a pair, step by step; :meth:`run` yields :class:`SREvent` about four
    times a second (and at every measurement), checking a stop flag between steps."""

    def __init__(self, cfg: SRConfig, images: torch.Tensor | None = None, started_at: float | None = None):
        self.cfg = cfg.validate()
        if images is None:
            from .metrics.classifier import mnist_split
            images = mnist_split().train_images
        self.images = images[: cfg.train_n]
        self.pair = build_pair(cfg)
        betas = (0.5, 0.99)
        self.opt_l1 = torch.optim.Adam(self.pair.l1.parameters(), cfg.lr, betas=betas)
        self.opt_adv = torch.optim.Adam(self.pair.adversarial.parameters(), cfg.lr, betas=betas)
        self.opt_d = torch.optim.Adam(self.pair.discriminator.parameters(), cfg.lr, betas=betas)
        self.gen = torch.Generator().manual_seed(cfg.seed)
        self.step = 0
        self.total_steps = cfg.steps
        self.stop_event = threading.Event()
        self.started = started_at if started_at is not None else time.time()
        self.curve: list[dict] = []
        self.losses: dict[str, float] = {}
        self._eval_images, _ = held_out(cfg.eval_n)
        self._eval_lr = downsample(self._eval_images, cfg.scale)
        self.reference = {"real": float(gradient_energy(self._eval_images).mean()),
                          "bicubic": float(gradient_energy(bicubic_up(self._eval_lr, cfg.scale)).mean())}
        self.preview: dict | None = None

    def train_step(self) -> dict[str, float]:
        """One step of each network on the same batch; returns the losses (tensors, not synced)."""
        cfg, pair = self.cfg, self.pair
        idx = torch.randint(0, len(self.images), (cfg.batch_size,), generator=self.gen)
        hr = self.images[idx]  # (B, 1, 28, 28)
        lr = downsample(hr, cfg.scale)
        pair.l1.train()
        pair.adversarial.train()
        loss_l1 = (pair.l1(lr) - hr).abs().mean()
        self.opt_l1.zero_grad(set_to_none=True)
        loss_l1.backward()
        self.opt_l1.step()

        fake = pair.adversarial(lr)
        d = pair.discriminator
        loss_d = F.softplus(-d(hr)).mean() + F.softplus(d(fake.detach())).mean()  # the original GAN's L_D
        self.opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        self.opt_d.step()
        d.requires_grad_(False)
        adv = F.softplus(-d(fake)).mean()  # non-saturating L_G
        pixel = (fake - hr).abs().mean()
        loss_g = pixel + cfg.adv_weight * adv
        self.opt_adv.zero_grad(set_to_none=True)
        loss_g.backward()
        self.opt_adv.step()
        d.requires_grad_(True)
        self.step += 1
        return {"l1_only": loss_l1.detach(), "l1_adv": pixel.detach(), "adv_g": adv.detach(), "adv_d": loss_d.detach()}

    def measure(self) -> None:
        """Held-out sharpness of both networks now (a row of the curve) and the live preview."""
        row = {"step": self.step}
        for m in NETWORKS:
            row[m] = float(gradient_energy(upscale(self.pair, m, self._eval_lr)).mean())
        self.curve.append(row)
        self.preview = comparison(self.pair, PREVIEW_INDICES)

    def event(self, status: str = "running", message: str = "", result: dict | None = None) -> SREvent:
        return SREvent(self.step, self.total_steps, status, message, time.time() - self.started, dict(self.losses),
                       tuple(self.curve), dict(self.reference), self.preview, result)

    def result(self) -> dict:
        """The trained pair as plain data, with its figures on all held-out digits."""
        states = {m: {k: v.detach().cpu().numpy() for k, v in self.pair.generator(m).state_dict().items()}
                  for m in NETWORKS}
        return {"config": asdict(self.cfg), "states": states, **analyse(self.pair),
                "steps": self.step, "seconds": round(time.time() - self.started, 2)}

    def run(self, report_every_s: float = 0.25) -> Iterator[SREvent]:
        self.measure()
        yield self.event()
        last = time.monotonic()
        while self.step < self.total_steps:
            if self.stop_event.is_set():
                if self.curve[-1]["step"] != self.step:
                    self.measure()  # the preview and curve end where the networks stopped
                yield self.event("stopped", f"stopped at step {self.step}", result=self.result() if self.step else None)
                return
            losses = self.train_step()
            measured = self.step % self.cfg.eval_every == 0 or self.step == self.total_steps
            if measured or time.monotonic() - last >= report_every_s:
                self.losses = {k: float(v) for k, v in losses.items()}
                if not all(math.isfinite(v) for v in self.losses.values()):
                    yield self.event("failed", f"the losses became NaN or infinite at step {self.step}")
                    return
                if measured:
                    self.measure()
                last = time.monotonic()
                if self.step < self.total_steps:
                    yield self.event()
        yield self.event("done", f"finished {self.step} steps", result=self.result())


def train(cfg: SRConfig, images: torch.Tensor | None = None) -> SRPair:
    """Train a pair to the end, without events (tests, the CLI's quiet path)."""
    trainer = SRTrainer(cfg, images)
    for _ in range(cfg.steps):
        trainer.train_step()
    trainer.pair.info = {"steps": trainer.step, "seconds": round(time.time() - trainer.started, 2)}
    return trainer.pair


def pair_from_result(result: dict) -> SRPair:
    """The pair a finished run sent (:meth:`SRTrainer.result`), rebuilt and strictly loaded."""
    from .hub import strict_load
    cfg = SRConfig.from_dict(result["config"])
    nets = {}
    for m in NETWORKS:
        state = {k: torch.from_numpy(np.asarray(v)) for k, v in result["states"][m].items()}
        nets[m] = strict_load(SRGenerator(cfg.scale, cfg.width), state, f"the {m} network").eval()
    return SRPair(cfg, nets["l1"], nets["adversarial"], None,
                  {k: result.get(k) for k in ("steps", "seconds", "metrics", "examples")})


# ============================================================================ saving and loading

def save_pair(pair: SRPair, folder: str | Path, card: str | None = None) -> Path:
    """``config.json`` (the config, steps, seconds, metrics), the weights as safetensors, and a card."""
    from safetensors.torch import save_file
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    nets = {"l1": pair.l1, "adversarial": pair.adversarial}
    if pair.discriminator is not None:
        nets["discriminator"] = pair.discriminator
    for name, net in nets.items():
        save_file({k: v.detach().cpu().contiguous() for k, v in net.state_dict().items()},
                  str(folder / WEIGHT_FILES[name]))
    config = {"model_type": "superres", "generator": {"scale": pair.cfg.scale, "width": pair.cfg.width},
              "discriminator": {"width": pair.cfg.d_width}, "train": asdict(pair.cfg), **pair.info}
    (folder / "config.json").write_text(json.dumps(config, indent=2))
    if card is not None:
        (folder / "README.md").write_text(card)
    return folder


def load_pair(folder: str | Path) -> SRPair:
    """A pair saved by :func:`save_pair`: size-checked safetensors, keys and shapes checked, strict."""
    from .hub import MAX_TEXT_BYTES, CheckpointError, load_state_dict_file, strict_load
    folder = Path(folder)
    if not folder.is_dir():
        raise CheckpointError(f"super-resolution folder not found: {folder}")
    path = folder / "config.json"
    if not path.is_file():
        raise CheckpointError(f"{folder.name}: no config.json (expected a super-resolution folder)")
    if path.stat().st_size > MAX_TEXT_BYTES:
        raise CheckpointError(f"{folder.name}/config.json is larger than {MAX_TEXT_BYTES // 1024} KB")
    try:
        config = json.loads(path.read_text())
        if config.get("model_type") != "superres":
            raise CheckpointError(f"{folder.name} is not a super-resolution folder (model_type "
                                  f"{config.get('model_type')!r})")
        cfg = SRConfig.from_dict(config["train"])
    except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError, AttributeError, ValueError) as e:
        if isinstance(e, CheckpointError):
            raise
        raise CheckpointError(f"{folder.name}/config.json does not describe a super-resolution pair ({e})") from None
    nets: dict[str, Any] = {}
    for name, file in WEIGHT_FILES.items():
        if not (folder / file).is_file():
            if name == "discriminator":
                nets[name] = None
                continue
            raise CheckpointError(f"{folder.name}: {file} is missing")
        net = SRDiscriminator(cfg.d_width) if name == "discriminator" else SRGenerator(cfg.scale, cfg.width)
        nets[name] = strict_load(net, load_state_dict_file(folder / file), f"{folder.name}/{file}").eval()
    info = {k: v for k, v in config.items() if k not in ("model_type", "generator", "discriminator", "train")}
    return SRPair(cfg, nets["l1"], nets["adversarial"], nets["discriminator"], info)


def bundled_dir() -> Path:
    from .hub import BUNDLED_DIR
    return BUNDLED_DIR / BUNDLED_NAME


@lru_cache(maxsize=1)
def load_bundled() -> SRPair:
    """The bundled pair (cached per process)."""
    return load_pair(bundled_dir())


def recorded() -> dict:
    """The bundled pair's ``metrics`` and ``examples`` (see :func:`analyse`) as written into its config.json
    when it was trained: what the page shows (tests/test_superres.py measures them again)."""
    config = json.loads((bundled_dir() / "config.json").read_text())
    return {"metrics": config["metrics"], "examples": config["examples"]}


# ============================================================================ text for people

LABELS = {"bicubic": "bicubic", "l1": "L1 only", "adversarial": "L1 + adversarial", "real": "real digits"}


def format_table(metrics: dict[str, dict]) -> str:
    """The figures as a plain-text table (the CLI and the bench print it)."""
    lines = [f"{'method':<18} {'sharpness':>10} {'vs real':>8} {'PSNR dB':>8} {'accuracy':>9}"]
    for m in (*METHODS, "real"):
        row = metrics[m]
        ps = "" if row.get("psnr") is None else f"{row['psnr']:.2f}"
        acc = "" if row.get("accuracy") is None else f"{100 * row['accuracy']:.1f}%"
        lines.append(f"{LABELS[m]:<18} {row['sharpness']:>10.4f} {row['sharpness_vs_real']:>7.2f}x {ps:>8} {acc:>9}")
    return "\n".join(lines)


def model_card(pair: SRPair, metrics: dict[str, dict], *, command: str, conditions: str) -> str:
    """The README.md of a saved pair: data, how to reproduce it, its figures, limitations, license."""
    cfg = pair.cfg
    low = SIDE // cfg.scale
    params = sum(p.numel() for p in pair.l1.parameters())
    d_params = sum(p.numel() for p in pair.discriminator.parameters()) if pair.discriminator is not None else 0
    rows = "\n".join(
        f"| {LABELS[m]} | {metrics[m]['sharpness']:.4f} | {metrics[m]['sharpness_vs_real']:.2f}x | "
        f"{'' if metrics[m]['psnr'] is None else format(metrics[m]['psnr'], '.2f')} | "
        f"{100 * metrics[m]['accuracy']:.1f}% |" for m in (*METHODS, "real"))
    seconds = pair.info.get("seconds") or 0
    return f"""---
library_name: gan-studio
license: mit
tags:
- super-resolution
- srgan
- mnist
---

# superres-mnist: {low}x{low} -> 28x28 MNIST super-resolution, L1 only and L1 + adversarial (GAN Studio)

Two copies of one small CNN ({params:,} parameters each: three 3x3 convolutions at {low}x{low}, then
sub-pixel convolutions up to 28x28, predicting a correction to the bicubic upsampling), trained from the
same random start on the same batches: `l1.safetensors` with the L1 loss only, `adversarial.safetensors`
with L1 + {cfg.adv_weight} x the non-saturating adversarial loss against a patch discriminator
(`discriminator.safetensors`, {d_params:,} parameters, spectral norm, one logit per overlapping patch,
not conditioned on the input): the SRGAN idea (Ledig et al., 2017) at MNIST scale. Bundled so the
Super-resolution page shows the comparison at once, offline, without a GPU.

## Data

MNIST `t10k` images 0-7,999 (the training split), each shrunk to {low}x{low} by averaging {cfg.scale}x{cfg.scale}
blocks. Images 8,000-9,999 are held out: the metrics below are measured on all 2,000 of them.

## Reproduce

```bash
{command}
```

Adam (betas 0.5, 0.99), learning rate {cfg.lr} for both networks and D, batch {cfg.batch_size}, {cfg.steps} steps,
seed {cfg.seed}. Wall time: {seconds / 60:.1f} min ({conditions}).

## Metrics

Held-out digits 8,000-9,999. Sharpness: mean gradient energy (the mean squared difference between
neighbouring pixels, horizontally plus vertically, pixels in [0, 1]). PSNR against the real digit.
Accuracy: the bundled MNIST classifier (`mnist-classifier`) on the outputs.

| method | sharpness | vs real | PSNR (dB) | classifier accuracy |
|---|---|---|---|---|
{rows}

L1 + adversarial is {'closer to' if gaps(metrics)['adversarial'] < gaps(metrics)['l1'] else 'not closer to'} the real digits' sharpness than L1 only; its PSNR is
{'lower' if metrics['adversarial']['psnr'] < metrics['l1']['psnr'] else 'not lower'}: it draws sharp strokes where the small input leaves them uncertain, and
some of them are not where the original's were.

## Use

```bash
python -m gan superres --load checkpoints/superres-mnist     # the table above, measured again
```

## Limitations

Trained on 8,000 MNIST digits only, at one scale ({low}x{low} -> 28x28, block averages): it knows
nothing about other images or other ways of shrinking them. The adversarial network's sharp details
are plausible, not recovered: where the {low}x{low} input fits several digits it picks one, sometimes
another digit than the original. Gradient energy counts sharp edges, not whether they are right.

## License

MIT (the weights); MNIST is by Yann LeCun, Corinna Cortes and Christopher Burges.
"""
