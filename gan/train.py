"""Model-agnostic GAN training: a config dataclass and a pull-based Trainer.

``Trainer(config).run()`` is an iterator of frozen :class:`TrainEvent`s. The CLI prints them;
``gan.jobs`` runs it in a background worker for the app. Nothing here imports Streamlit.
"""
from __future__ import annotations

import copy
import json
import logging
import math
import threading
import time
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Iterator

import numpy as np
import torch
from safetensors.torch import save_file
from torch import nn

from . import losses as L
from .augment import diff_augment, parse_policy
from .device import pick_device
from .data import TOY_DATASETS, load_images, sample_toy
from .models import discriminator_class, generator_class, spec

log = logging.getLogger(__name__)

STATE_FILE = "training_state.safetensors"  # optimiser tensors; the rest in STATE_JSON
STATE_JSON = "training_state.json"
TOY_SAMPLES = 2500  # generated points in a toy snapshot (modes are counted on 2,500 samples)
RECONFIGURABLE = ("lr_d", "lr_g", "n_critic", "g_steps", "loss", "optimizer", "optimizer_g", "gp_weight")


@dataclass
class TrainConfig:
    model: str = "cgan"
    dataset: str = "mnist"  # mnist / fashion-mnist, "folder:DIR" (your own pictures, gan.folders), or a toy dataset
    loss: str = "ns"
    lr_d: float = 2e-4
    lr_g: float = 2e-4
    beta1: float = 0.5
    beta2: float = 0.999
    optimizer: str = "adam"  # adam, sgd, rmsprop
    optimizer_g: str | None = None  # G's optimiser when it differs from D's (None: same as optimizer)
    batch_size: int = 64
    n_critic: int = 1
    g_steps: int = 1  # G updates per full step (k; the counterpart of n_critic)
    steps: int = 2000
    epochs: float | None = None  # when set, overrides steps: epochs * len(data) / batch_size
    sample_every: int = 100
    log_every: int = 10
    seed: int = 0
    device: str = "auto"
    latent_dim: int | None = None  # None: the family's default
    width: int = 64  # image models: base channel count; toy models: hidden units
    depth: int = 3  # toy models: hidden layers
    width_d: int | None = None  # toy models: D's hidden units when they differ from G's (None: width)
    depth_d: int | None = None  # toy models: D's hidden layers when they differ from G's (None: depth)
    activation: str = "relu"  # toy generator activation
    noise: str = "gaussian"  # toy noise: gaussian or uniform
    image_size: int = 28
    gp_weight: float = 10.0
    aux_weight: float = 1.0  # conditional models with an auxiliary classifier head; InfoGAN's code loss
    info_codes: int = 0  # dcgan: InfoGAN with a categorical code of this many values (0 = plain DCGAN)
    info_code_dim: int = 0  # InfoGAN: G embeds the code in this many dimensions (0: a one-hot vector)
    augment: str = ""  # image models: DiffAugment policy for everything D sees, e.g. "translation,cutout"
    ema: float = 0.0  # decay of an exponential moving average of G's weights (0 = off)
    data_limit: int | None = None
    n_samples: int = 64
    snapshot_seconds: float = 0.0  # toy: also snapshot whenever this much time has passed
    seconds: float | None = None  # a time budget: stop after this many seconds from the Trainer's start
    r1: float = 0.0  # R1 penalty weight gamma on real images (Mescheder et al. 2018); 0 = off
    r1_every: int = 16  # lazy regularisation (Karras et al. 2020): R1 on every N-th D step, scaled by N
    warmup_steps: int = 0  # learning rates rise linearly over this many steps (0 = off)
    mode_seeking: float = 0.0  # weight of the mode-seeking term (Mao et al. 2019) in G's loss; 0 = off

    @classmethod
    def from_dict(cls, d: dict) -> "TrainConfig":
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in names})

    def validate(self) -> "TrainConfig":
        s = spec(self.model)
        if s.discriminator is None:
            raise ValueError(f"model {self.model!r} cannot be trained here; trainable: dcgan, cgan, toy")
        L.check_loss(self.loss)
        parse_policy(self.augment)
        if s.kind == "toy" and self.dataset not in TOY_DATASETS:
            raise ValueError(f"toy models train on {', '.join(TOY_DATASETS)}; got {self.dataset!r}")
        if s.kind == "image" and self.dataset in TOY_DATASETS:
            raise ValueError(f"{self.model} trains on images (mnist, fashion-mnist, folder:DIR), not {self.dataset!r}")
        if self.dataset.startswith("folder:") and self.image_size not in (28, 32, 64):
            raise ValueError(f"image_size must be 28, 32 or 64 for a folder of pictures, not {self.image_size}")
        checks = [
            (self.lr_d > 0 and math.isfinite(self.lr_d), "lr_d must be a positive number"),
            (self.lr_g > 0 and math.isfinite(self.lr_g), "lr_g must be a positive number"),
            (0 <= self.beta1 < 1 and 0 <= self.beta2 < 1, "betas must be in [0, 1)"),
            (1 <= self.batch_size <= 4096, "batch_size must be between 1 and 4096"),
            (1 <= self.n_critic <= 20, "n_critic must be between 1 and 20"),
            (1 <= self.g_steps <= 20, "g_steps must be between 1 and 20"),
            (1 <= self.steps <= 10_000_000, "steps must be between 1 and 10,000,000"),
            (self.epochs is None or 0 < self.epochs <= 10_000, "epochs must be positive"),
            (self.sample_every >= 1 and self.log_every >= 1, "sample_every and log_every must be >= 1"),
            (self.optimizer in ("adam", "sgd", "rmsprop"), "optimizer must be adam, sgd or rmsprop"),
            (self.optimizer_g in (None, "adam", "sgd", "rmsprop"), "optimizer_g must be adam, sgd or rmsprop"),
            (0 <= self.ema < 1, "ema must be in [0, 1)"),
            (self.latent_dim is None or 1 <= self.latent_dim <= 1024, "latent_dim must be between 1 and 1024"),
            (1 <= self.width <= 1024 and 1 <= self.depth <= 16, "width/depth out of range"),
            ((self.width_d is None or 1 <= self.width_d <= 1024) and (self.depth_d is None or 1 <= self.depth_d <= 16),
             "width_d/depth_d out of range"),
            ((self.width_d is None and self.depth_d is None) or s.kind == "toy",
             "width_d and depth_d (D's own size) are for toy models"),
            (1 <= self.n_samples <= 400, "n_samples must be between 1 and 400"),
            (not self.augment or s.kind == "image", "augment is for image models"),
            (self.info_codes == 0 or (self.model == "dcgan" and 2 <= self.info_codes <= 50),
             "info_codes (InfoGAN) is for dcgan only, with 2 to 50 codes"),
            (0 <= self.info_code_dim <= 256, "info_code_dim must be between 0 and 256"),
            (self.seconds is None or 0 < self.seconds <= 86_400, "seconds must be between 0 and 86,400"),
            (0 <= self.r1 <= 1000 and 1 <= self.r1_every <= 1000, "r1 must be in [0, 1000], r1_every in [1, 1000]"),
            (0 <= self.warmup_steps <= 1_000_000, "warmup_steps must be >= 0"),
            (0 <= self.mode_seeking <= 10, "mode_seeking must be between 0 and 10"),
        ]
        for ok, msg in checks:
            if not ok:
                raise ValueError(msg)
        return self


# The Train page's default run and the CLI's defaults for image models: the best recipe bench/recipes.py
# found for a short CPU budget (the README has the table).
RECIPE = dict(loss="hinge", lr_d=1.2e-3, lr_g=6e-4, beta1=0.5, beta2=0.999, ema=0.99, width=32, batch_size=64,
              aux_weight=1.0, latent_dim=64)
BUDGETS_S = (60, 120, 300)  # the time budgets the Train page offers


def recipe_config(model: str = "cgan", dataset: str = "mnist", **changes) -> TrainConfig:
    """A TrainConfig with :data:`RECIPE`'s settings for image models, then ``changes`` (None values ignored)."""
    base = dict(RECIPE) if spec(model).kind == "image" else {}
    if model != "cgan":
        base.pop("latent_dim", None)  # dcgan keeps its own latent default (InfoGAN codes live in z)
    base.update({k: v for k, v in changes.items() if v is not None})
    return TrainConfig(model=model, dataset=dataset, **base)


@dataclass(frozen=True)
class TrainEvent:
    step: int
    total_steps: int
    loss_d: float
    loss_g: float
    d_real: float  # mean sigmoid(D(x)) over the last log window
    d_fake: float  # mean sigmoid(D(G(z)))
    grad_norm_d: float
    grad_norm_g: float
    images_per_sec: float
    elapsed: float
    status: str = "running"  # running, done, stopped, failed
    message: str = ""
    samples: np.ndarray | None = None  # image grid (H, W) or (H, W, 3) uint8
    toy: dict | None = None  # toy snapshot: real, fake, grid, arrows, manifold
    kind: str = "both"  # which networks were updated: both, d, g
    d_updates: int = 0  # discriminator updates so far (n_critic per full step, one per D step)
    g_updates: int = 0  # generator updates so far
    threads: int = 0  # CPU threads the worker process trains with (0: not reported)

    @property
    def finished(self) -> bool:
        return self.status != "running"


def load_training_data(config: TrainConfig):
    """The images a run trains on: MNIST / Fashion-MNIST, or a folder of your own (``folder:DIR``, gan.folders)."""
    if config.dataset.startswith("folder:"):
        from .folders import load_for_config
        return load_for_config(config)
    return load_images(config.dataset, limit=config.data_limit)


def make_grid(images: torch.Tensor, nrow: int | None = None, pad: int = 2) -> np.ndarray:
    """(B, C, H, W) in [-1, 1] -> uint8 grid (H', W') for gray or (H', W', 3) for colour (see gan.images)."""
    from .images import make_grid as grid
    return grid(images, nrow=nrow, pad=pad)


def _optimizer(name: str, params, lr: float, betas: tuple[float, float],
               device: torch.device | None = None) -> torch.optim.Optimizer:
    if name == "adam":  # fused: one kernel over all parameters (CPU and CUDA); 1.1-1.2x a step on 2 CPU cores
        fused = device is not None and device.type in ("cpu", "cuda")
        if not fused:  # (the toy playground: PyTorch's default Adam, the one its presets were measured with)
            return torch.optim.Adam(params, lr=lr, betas=betas)
        return torch.optim.Adam(params, lr=lr, betas=betas, fused=True)
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr)
    return torch.optim.SGD(params, lr=lr, momentum=betas[0])


def _grad_norm(module: nn.Module) -> torch.Tensor:
    """The total L2 norm of a module's gradients (one fused norm, no clipping, no sync)."""
    grads = [p.grad for p in module.parameters() if p.grad is not None]
    if not grads:
        return torch.zeros(())
    return torch.linalg.vector_norm(torch.stack(torch._foreach_norm(grads)))



class Trainer:
    """Trains one GAN. ``run()`` yields events; ``stop_event`` is checked every step."""

    def __init__(self, config: TrainConfig, *, data=None, stop_event: threading.Event | None = None,
                 toy_points: np.ndarray | None = None, rank: int = 0, world_size: int = 1,
                 started_at: float | None = None):
        # the time budget's clock: from ``started_at`` (time.time() when Start was pressed), else from now,
        # so building the models and loading the data count
        self._clock0 = time.perf_counter() - (max(0.0, time.time() - started_at) if started_at else 0.0)
        self.cfg = config.validate()
        self.spec = spec(config.model)
        self.kind = self.spec.kind
        self.conditional = self.spec.conditional
        self.stop_event = stop_event or threading.Event()
        self.rank, self.world_size = rank, world_size
        self.device = pick_device(config.device)
        torch.manual_seed(config.seed + rank)
        self.gen = torch.Generator(device="cpu").manual_seed(config.seed + 1000 * rank)
        self.toy_points = toy_points
        self._augment = parse_policy(config.augment)
        self.data = None
        if self.kind == "image":
            self.data = data if data is not None else load_training_data(config)
            self.images = self.data.images.to(self.device)  # (N, 1, 28, 28) already on the device
            self.labels = self.data.labels.to(self.device)
            self.n_classes = self.data.n_classes
            if config.image_size != self.images.shape[-1]:
                self.images = nn.functional.interpolate(self.images, size=config.image_size, mode="bilinear",
                                                        align_corners=False)
        self.G, self.D = self._build_models()
        # channels_last: the CPU's convolutions (oneDNN) run ~8% faster a step; checkpoints stay in the usual layout
        self._channels_last = self.kind == "image" and self.device.type == "cpu"
        if self._channels_last:
            self._set_layout(torch.channels_last)
            self.images = self.images.contiguous(memory_format=torch.channels_last)
        self.G_ema = copy.deepcopy(self.G).eval() if config.ema > 0 else None
        if self.G_ema is not None:
            self._ema_params, self._g_params = list(self.G_ema.parameters()), list(self.G.parameters())
            self._ema_buffers = [b for b in self.G_ema.buffers() if b.is_floating_point()]
            self._g_buffers = [b for b in self.G.buffers() if b.is_floating_point()]
            self._ema_int = [(e, b) for e, b in zip(self.G_ema.buffers(), self.G.buffers()) if not b.is_floating_point()]
        betas = (config.beta1, config.beta2)
        fused_on = self.device if self.kind == "image" else None  # fused Adam for image models only
        self.opt_g = _optimizer(config.optimizer_g or config.optimizer, self.G.parameters(), config.lr_g, betas,
                                fused_on)
        self.opt_d = _optimizer(config.optimizer, self.D.parameters(), config.lr_d, betas, fused_on)
        self.G_train, self.D_train = self.G, self.D
        if world_size > 1:
            if config.loss == "wgan-gp":
                raise ValueError("wgan-gp needs double backward, which this project does not run under torchrun; "
                                 "choose another loss")
            if config.mode_seeking:
                raise ValueError("mode_seeking runs G twice per update, which this project does not run under "
                                 "torchrun; set it to 0")
            from torch.nn.parallel import DistributedDataParallel as DDP
            ids = [self.device.index] if self.device.type == "cuda" else None
            self.G_train = DDP(self.G, device_ids=ids)
            self.D_train = DDP(self.D, device_ids=ids)
        # DDP allows one forward per backward, so under torchrun D always sees real and fake together
        self._separate_d = world_size == 1 and any(isinstance(m, nn.modules.batchnorm._BatchNorm) for m in self.D.modules())
        self.step = 0
        self.d_updates = self.g_updates = 0  # counted apart (the playground shows both; lazy R1 follows D's)
        self.total_steps = self._total_steps()
        fixed = torch.Generator().manual_seed(config.seed + 12345)
        n = config.n_samples
        self.fixed_z = self._sample_z(n, fixed)
        self.fixed_y, self._grid_nrow = None, None
        if self.conditional and getattr(self.data, "class_rows", False):  # your own classes: one row each
            per = max(1, n // self.n_classes)
            self.fixed_y, self._grid_nrow = (torch.arange(n) // per).clamp(max=self.n_classes - 1).to(self.device), per
        elif self.conditional:  # MNIST's ten digits: one column each
            self.fixed_y, self._grid_nrow = (torch.arange(n) % 10).to(self.device), 10
        self.toy_real = sample_toy(config.dataset, 1000, fixed, toy_points).to(self.device) if self.kind == "toy" else None
        # 2,500 generated points per snapshot: the sample size GAN papers count modes on
        self.toy_z = self._sample_z(TOY_SAMPLES, torch.Generator().manual_seed(7)) if self.kind == "toy" else None
        self._good = self._snapshot_weights()
        self._good_step = 0

    # ------------------------------------------------------------------ construction
    def _build_models(self) -> tuple[nn.Module, nn.Module]:
        c = self.cfg
        gcls, dcls = generator_class(c.model), discriminator_class(c.model)
        if self.kind == "toy":
            g = gcls(latent_dim=c.latent_dim or 2, hidden=c.width, depth=c.depth, activation=c.activation, noise=c.noise)
            d = dcls(hidden=c.width if c.width_d is None else c.width_d,
                     depth=c.depth if c.depth_d is None else c.depth_d)
        elif self.conditional:
            g = gcls(latent_dim=c.latent_dim or 64, n_classes=self.n_classes, channels=self.images.shape[1],
                     image_size=c.image_size, width=c.width)
            d = dcls(n_classes=self.n_classes, channels=self.images.shape[1], image_size=c.image_size, width=c.width,
                     aux_classifier=c.aux_weight > 0)
        else:
            codes = {"n_codes": c.info_codes} if c.info_codes else {}  # plain DCGANs keep their old config
            embed = {"code_dim": c.info_code_dim} if c.info_codes and c.info_code_dim else {}
            g = gcls(latent_dim=c.latent_dim or 100, channels=self.images.shape[1], image_size=c.image_size, width=c.width,
                     **codes, **embed)
            d = dcls(channels=self.images.shape[1], image_size=c.image_size, width=c.width,
                     spectral_norm=c.loss in ("hinge", "wgan-gp"), **codes)
        return g.to(self.device).train(), d.to(self.device).train()

    def _set_layout(self, fmt: torch.memory_format) -> None:
        for m in (self.G, self.D, getattr(self, "G_ema", None)):
            if m is not None:
                m.to(memory_format=fmt)

    def _total_steps(self) -> int:
        c = self.cfg
        if c.epochs is not None and self.kind == "image":
            per_epoch = max(1, len(self.images) // (c.batch_size * self.world_size))
            return max(1, int(round(c.epochs * per_epoch)))
        return c.steps

    def _sample_z(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        g = generator or self.gen
        if self.kind == "toy":
            return self.G.sample_z(n, generator=g).to(self.device)
        return torch.randn(n, self.G.latent_dim, generator=g).to(self.device)

    def _real_batch(self) -> tuple[torch.Tensor, torch.Tensor | None]:
        b = self.cfg.batch_size
        if self.kind == "toy":
            return sample_toy(self.cfg.dataset, b, self.gen, self.toy_points).to(self.device), None
        idx = torch.randint(len(self.images), (b,), generator=self.gen).to(self.device)
        return self.images[idx], self.labels[idx]

    def _G(self, z, y, train: bool = True):
        g = self.G_train if train else self.G
        return g(z, y) if self.conditional else g(z)

    def _D(self, x, y):
        if self._augment:  # DiffAugment: real and generated images alike, in D's update and in G's
            x = diff_augment(x, self._augment, self.gen)
        return self.D_train(x, y) if self.conditional else self.D_train(x)

    def _aux_logits(self) -> torch.Tensor | None:
        """The class (AC-GAN) or code (InfoGAN) logits for the batch D saw last; None without such a head."""
        head = getattr(self.D, "classify_last", None)
        return head() if head is not None else None

    # ------------------------------------------------------------------ one step
    def _generate(self, b: int, grad: bool) -> tuple[torch.Tensor | None, torch.Tensor, torch.Tensor]:
        """(labels, z, G(z, labels)) for a batch of b fakes."""
        y = torch.randint(self.n_classes, (b,), generator=self.gen).to(self.device) if self.conditional else None
        z = self._sample_z(b)
        with torch.set_grad_enabled(grad):
            return y, z, self._G(z, y, train=grad)

    def _d_step(self, shared=None) -> dict[str, torch.Tensor]:
        """One discriminator update (on ``shared`` fakes when given). Returns un-synced tensors."""
        c = self.cfg
        real, y = self._real_batch()
        b = real.shape[0]
        # step: generate
        y_fake, z_fake, fake = shared if shared is not None else self._generate(b, grad=False)
        fake = fake.detach()
        # step: classify
        # (models with a class or code head: its logits are kept before anything else runs D)
        if self._separate_d:  # batch norm in D: real and fake batches normalised apart, as in G's step
            real_logits, real_aux = self._D(real, y), self._aux_logits()
            fake_logits, fake_aux = self._D(fake, y_fake), self._aux_logits()
        else:
            both = torch.cat([real, fake])  # (2B, ...) one forward for real and fake
            logits = self._D(both, torch.cat([y, y_fake]) if self.conditional else None)
            real_logits, fake_logits = logits[:b], logits[b:]
            aux = self._aux_logits()
            real_aux, fake_aux = (aux[:b], aux[b:]) if aux is not None else (None, None)
        loss = L.d_loss(c.loss, real_logits, fake_logits)
        if c.loss == "wgan-gp":
            cond = (y,) if self.conditional else ()
            loss = loss + L.gradient_penalty(self.D, real, fake, *cond, weight=c.gp_weight)
        if self.conditional and c.aux_weight > 0:  # AC-GAN: the head learns the real images' classes
            loss = loss + c.aux_weight * nn.functional.cross_entropy(real_aux, y)
        if c.r1 > 0 and self.d_updates % c.r1_every == 0:
            loss = loss + self._r1_penalty(real, y)
        if c.info_codes:  # InfoGAN: Q learns to read G's code back from the fake images
            loss = loss + c.aux_weight * nn.functional.cross_entropy(fake_aux, self.G.code(z_fake))
        # step: update D
        self.opt_d.zero_grad(set_to_none=True)
        loss.backward()
        gn = _grad_norm(self.D)
        self.opt_d.step()
        return {"loss_d": loss.detach(), "d_real": L.prob(real_logits.detach()).mean(),
                "d_fake": L.prob(fake_logits.detach()).mean(), "grad_norm_d": gn.detach()}

    def _r1_penalty(self, real: torch.Tensor, y: torch.Tensor | None) -> torch.Tensor:
        """Lazy R1: (gamma / 2) ||grad_x D(x)||^2 on real images, times r1_every as it runs that much less often."""
        x = real.detach().requires_grad_(True)
        out = self.D_train(x, y) if self.conditional else self.D_train(x)  # no augmentation: the data's own gradient
        (grad,) = torch.autograd.grad(out.sum(), x, create_graph=True)
        # formula: R1 = gamma / 2 * E ||grad_x D(x)||^2
        return self.cfg.r1 / 2 * grad.pow(2).flatten(1).sum(1).mean() * self.cfg.r1_every

    def _set_lr(self) -> None:
        """Linear learning-rate warm-up over the first ``warmup_steps`` steps."""
        c = self.cfg
        scale = min(1.0, (self.step + 1) / c.warmup_steps) if c.warmup_steps else 1.0
        for opt, lr in ((self.opt_d, c.lr_d), (self.opt_g, c.lr_g)):
            for group in opt.param_groups:
                group["lr"] = lr * scale

    def _g_step(self, shared=None) -> dict[str, torch.Tensor]:
        """One generator update (through ``shared`` fakes when given, made with grad). Returns un-synced tensors."""
        c = self.cfg
        # step: generate
        y, z, fake = shared if shared is not None else self._generate(c.batch_size, grad=True)
        # D's weights get no gradient from G's loss (only its input does): the backward pass through D skips
        # the weight gradients the textbook loop computes and throws away (DDP needs every gradient: kept there)
        frozen = [q for q in self.D.parameters() if q.requires_grad] if self.world_size == 1 else []
        for q in frozen:
            q.requires_grad_(False)
        try:
            logits = self._D(fake, y)
            loss = L.g_loss(c.loss, logits)
            if (self.conditional and c.aux_weight > 0) or c.info_codes:  # AC-GAN's class / InfoGAN's code
                target = y if self.conditional else self.G.code(z)
                loss = loss + c.aux_weight * nn.functional.cross_entropy(self._aux_logits(), target)
            if c.mode_seeking > 0:
                loss = loss + c.mode_seeking * self._mode_seeking(z, y, fake)
            # step: update G
            self.opt_g.zero_grad(set_to_none=True)
            loss.backward()
        finally:
            for q in frozen:
                q.requires_grad_(True)
        gn = _grad_norm(self.G)
        self.opt_g.step()
        self.D.zero_grad(set_to_none=True)

        if self.G_ema is not None:  # exponential moving average of G's weights, warmed up over early steps
            decay = min(c.ema, (1 + self.step) / (10 + self.step))
            with torch.no_grad():
                torch._foreach_lerp_(self._ema_params, self._g_params, 1 - decay)
                if self._ema_buffers:
                    torch._foreach_copy_(self._ema_buffers, self._g_buffers)
                for e, b in self._ema_int:
                    e.copy_(b)
        return {"loss_g": loss.detach(), "grad_norm_g": gn.detach(), "d_fake_g": L.prob(logits.detach()).mean()}

    def _mode_seeking(self, z: torch.Tensor, y: torch.Tensor | None, fake: torch.Tensor) -> torch.Tensor:
        """Mode seeking (Mao et al. 2019): 1 / (mean |G(z1) - G(z2)| / mean |z1 - z2|) for pairs of noise with
        the same label, so G pays for mapping different noise to the same image (a conditional G that
        ignores z, as one trained on few images soon does)."""
        h = max(1, z.shape[0] // 2)
        z2 = self._sample_z(h)
        other = self._G(z2, y[:h] if y is not None else None)  # (h, ...) same labels, new noise
        ratio = (fake[:h] - other).abs().flatten(1).mean(1) / (z[:h] - z2).abs().flatten(1).mean(1).clamp_min(1e-8)
        return 1 / (ratio.mean() + 1e-5)

    def train_step(self, kind: str = "both") -> dict[str, torch.Tensor]:
        """One training step: n_critic D updates and g_steps G updates ("both"), or one of "d" or "g"."""
        stats: dict[str, torch.Tensor] = {}
        if self.cfg.warmup_steps and self.step <= self.cfg.warmup_steps:
            self._set_lr()
        if kind == "both" and self.cfg.n_critic == 1 and self.cfg.g_steps == 1 and self.world_size == 1 \
                and self.kind == "image":
            # one G forward serves both updates (the textbook loop): D learns on its detached output, then
            # G's loss goes through the updated D. Image models only: the toy playground keeps fresh noise
            # for G's update, the loop its presets were measured with (tests/test_toy_presets.py)
            shared = self._generate(self.cfg.batch_size, grad=True)
            stats.update(self._d_step(shared))
            self.d_updates += 1
            stats.update(self._g_step(shared))
            self.g_updates += 1
            self.step += 1
            return stats
        if kind in ("both", "d"):
            for _ in range(self.cfg.n_critic if kind == "both" else 1):
                stats.update(self._d_step())
                self.d_updates += 1
        if kind in ("both", "g"):
            for _ in range(self.cfg.g_steps if kind == "both" else 1):
                stats.update(self._g_step())
                self.g_updates += 1
        self.step += 1
        return stats

    # ------------------------------------------------------------------ weights safety
    def _snapshot_weights(self) -> dict:
        """The weights to fall back on; after the first call, copied into the same tensors (no allocation)."""
        nets = {"G": self.G, "D": self.D, **({"G_ema": self.G_ema} if self.G_ema is not None else {})}
        snap = getattr(self, "_good", None)
        if snap is None or set(snap) != set(nets):
            return {k: {n: v.detach().clone() for n, v in m.state_dict().items()} for k, m in nets.items()}
        for k, m in nets.items():
            state = m.state_dict()
            dst = snap[k]
            if state.keys() != dst.keys() or any(dst[n].shape != v.shape for n, v in state.items()):
                snap[k] = {n: v.detach().clone() for n, v in state.items()}
                continue
            with torch.no_grad():
                torch._foreach_copy_([dst[n] for n in state], [v.detach() for v in state.values()])
        return snap

    def _restore_good(self) -> None:
        self.G.load_state_dict(self._good["G"])
        self.D.load_state_dict(self._good["D"])
        if self.G_ema is not None:
            self.G_ema.load_state_dict(self._good["G_ema"])

    def _weights_finite(self) -> bool:
        params = [p.detach() for p in list(self.G.parameters()) + list(self.D.parameters())]
        return bool(torch.isfinite(torch.stack(torch._foreach_norm(params))).all())  # one reduction, one sync

    # ------------------------------------------------------------------ outputs
    @property
    def sampler(self) -> nn.Module:
        """The generator used for samples and saving (the EMA copy when enabled)."""
        return self.G_ema if self.G_ema is not None else self.G

    @torch.inference_mode()
    def sample_grid(self) -> np.ndarray:
        g = self.sampler
        was = g.training
        g.eval()
        x = g(self.fixed_z, self.fixed_y) if self.conditional else g(self.fixed_z)
        g.train(was)
        return make_grid(x, nrow=self._grid_nrow)

    def toy_snapshot(self, grid_n: int = 40, n_arrows: int = 150, extent: float = 3.0) -> dict:
        """Arrays the playground draws: real and fake points, D on a grid, G's gradient arrows, the manifold."""
        G, D = self.G, self.D
        with torch.no_grad():
            fake = G(self.toy_z)  # (2500, 2), the same noise at every snapshot
            xs = torch.linspace(-extent, extent, grid_n, device=self.device)
            gx, gy = torch.meshgrid(xs, xs, indexing="xy")
            pts = torch.stack([gx.flatten(), gy.flatten()], 1)  # (n*n, 2)
            d_grid = L.prob(D(pts)).view(grid_n, grid_n)
            zs = torch.linspace(-2, 2, 21, device=self.device)
            zx, zy = torch.meshgrid(zs, zs, indexing="xy")
            z = torch.zeros(zx.numel(), G.latent_dim, device=self.device)
            z[:, 0] = zx.flatten()
            if G.latent_dim > 1:
                z[:, 1] = zy.flatten()
            manifold = G(z).view(21, 21, 2)
        # G's gradient on its own points: the direction that lowers each point's own term of L_G
        # (L_G is a mean over the batch; times the batch size, each row is that point's gradient)
        x = fake[:n_arrows].clone().requires_grad_(True)
        with torch.enable_grad():
            lg = L.g_loss(self.cfg.loss, D(x)) * x.shape[0]
            (grad,) = torch.autograd.grad(lg, x)
        self.D.zero_grad(set_to_none=True)
        return {"real": self.toy_real.cpu().numpy(), "fake": fake.cpu().numpy(), "grid_x": xs.cpu().numpy(),
                "d_grid": d_grid.cpu().numpy(), "arrow_xy": x.detach().cpu().numpy(),
                "arrow_dir": (-grad).cpu().numpy(), "manifold": manifold.cpu().numpy(), "step": self.step}

    def _event(self, acc: dict[str, list], n: int, t0: float, t_window: float, n_window: int, kind: str,
               status="running", message="", with_samples=False) -> TrainEvent:
        vals = {}
        if acc:
            keys = sorted(acc)
            stacked = torch.stack([torch.stack(acc[k]).float().mean() for k in keys]).cpu().tolist()  # one sync
            vals = dict(zip(keys, stacked))
        self._last_bad = any(not math.isfinite(v) for v in vals.values())
        rate = n_window * self.cfg.batch_size * self.world_size / max(t_window, 1e-9)
        samples = toy = None
        if with_samples and self.rank == 0:
            if self.kind == "toy":
                toy = self.toy_snapshot()
            else:
                samples = self.sample_grid()
        nan = float("nan")
        return TrainEvent(step=self.step, total_steps=self.total_steps, loss_d=vals.get("loss_d", nan),
                          loss_g=vals.get("loss_g", nan), d_real=vals.get("d_real", nan),
                          d_fake=vals.get("d_fake", vals.get("d_fake_g", nan)),
                          grad_norm_d=vals.get("grad_norm_d", nan), grad_norm_g=vals.get("grad_norm_g", nan),
                          images_per_sec=rate, elapsed=time.perf_counter() - t0, status=status, message=message,
                          samples=samples, toy=toy, kind=kind, d_updates=self.d_updates, g_updates=self.g_updates)

    def manual_step(self, kind: str = "both", repeat: int = 1) -> TrainEvent:
        """One step of D only, G only or both (``repeat`` times), reported at once (the playground's buttons)."""
        if kind not in ("both", "d", "g"):
            raise ValueError("kind must be both, d or g")
        if not 1 <= repeat <= 1000:
            raise ValueError("repeat must be between 1 and 1000")
        t = time.perf_counter()
        for _ in range(repeat):
            stats = self.train_step(kind)
        if kind == "g":  # what D now says of G's new points: the number a G step should move
            stats["d_fake"] = self._d_fake_now()
        acc = {k: [v] for k, v in stats.items()}
        ev = self._event(acc, 1, t, time.perf_counter() - t, 1, kind, with_samples=True)
        return self._check_finite(ev) or ev

    @torch.no_grad()
    def _d_fake_now(self) -> torch.Tensor:
        """Mean D(G(z)) on a fresh batch from the current G (no update; for the report after a G step)."""
        b = self.cfg.batch_size
        y = torch.randint(self.n_classes, (b,), generator=self.gen).to(self.device) if self.conditional else None
        return L.prob(self._D(self._G(self._sample_z(b), y, train=False), y)).mean()

    def status_event(self, status: str, message: str) -> TrainEvent:
        """An event that only reports a state change (stopped before any step, for example)."""
        return self._event({}, 0, time.perf_counter(), 1.0, 0, "both", status=status, message=message,
                           with_samples=True)

    def reconfigure(self, **changes) -> dict:
        """Change learning rates, n_critic, g_steps, loss or optimisers of a running trainer; weights and step stay.

        Returns the changes applied; raises ValueError (and changes nothing) for an invalid one.
        """
        unknown = sorted(set(changes) - set(RECONFIGURABLE))
        if unknown:
            raise ValueError(f"cannot change {', '.join(unknown)} while training; changeable: {', '.join(RECONFIGURABLE)}")
        new = replace(self.cfg, **changes).validate()
        applied = {k: v for k, v in changes.items() if getattr(self.cfg, k) != v}
        old, self.cfg = self.cfg, new
        betas = (new.beta1, new.beta2)
        if new.optimizer != old.optimizer:
            self.opt_d = _optimizer(new.optimizer, self.D.parameters(), new.lr_d, betas,
                                    self.device if self.kind == "image" else None)
        if (new.optimizer_g or new.optimizer) != (old.optimizer_g or old.optimizer):
            self.opt_g = _optimizer(new.optimizer_g or new.optimizer, self.G.parameters(), new.lr_g, betas,
                                    self.device if self.kind == "image" else None)
        for opt, lr in ((self.opt_d, new.lr_d), (self.opt_g, new.lr_g)):
            for group in opt.param_groups:
                group["lr"] = lr
        return applied

    def _check_finite(self, ev: TrainEvent) -> TrainEvent | None:
        """After an event: keep these weights as the last good ones, or restore them and fail."""
        bad = self._last_bad
        if bad or not self._weights_finite():
            self._restore_good()
            self.step = self._good_step
            msg = (f"losses became NaN or infinite at step {ev.step} (is a learning rate too high?); "
                   f"training stopped and the weights from step {self._good_step} were kept")
            return replace(ev, status="failed", message=msg, step=self._good_step, samples=None, toy=None)
        self._good = self._snapshot_weights()
        self._good_step = self.step
        return None

    def clock(self) -> float:
        """Seconds since the run started (see ``started_at``)."""
        return time.perf_counter() - self._clock0

    def time_up(self) -> bool:
        return self.cfg.seconds is not None and self.clock() >= self.cfg.seconds

    def run(self) -> Iterator[TrainEvent]:
        """Train until ``total_steps``, the time budget, a stop request, or non-finite losses; yield events."""
        c = self.cfg
        t0, t_window = self._clock0, time.perf_counter()
        last_snap = 0.0
        acc: dict[str, list] = {}
        n_window = 0
        while self.step < self.total_steps:
            if self.time_up():
                self.total_steps = self.step  # the budget decided the length of the run
                if n_window:
                    ev = self._event(acc, n_window, t0, time.perf_counter() - t_window, n_window, "both")
                    failed = self._check_finite(ev)
                    if failed is not None:
                        yield failed
                        return
                    yield ev
                break
            if self.stop_event.is_set():
                yield self._event(acc, n_window, t0, time.perf_counter() - t_window, max(n_window, 1), "both",
                                  status="stopped", message=f"stopped at step {self.step}", with_samples=True)
                return
            stats = self.train_step()
            for k, v in stats.items():
                acc.setdefault(k, []).append(v)
            n_window += 1
            now = time.perf_counter()
            due_sample = self.step % c.sample_every == 0 or self.step == self.total_steps or (
                c.snapshot_seconds > 0 and now - last_snap >= c.snapshot_seconds)
            if self.step % c.log_every == 0 or due_sample:
                if self.device.type == "cuda":
                    torch.cuda.synchronize()
                ev = self._event(acc, n_window, t0, time.perf_counter() - t_window, n_window, "both",
                                 with_samples=due_sample)
                failed = self._check_finite(ev)
                if failed is not None:
                    yield failed
                    return
                if due_sample:
                    last_snap = time.perf_counter()
                acc, n_window, t_window = {}, 0, time.perf_counter()
                yield ev
        budget = f" in the {c.seconds:g} s budget" if c.seconds is not None and self.step == self.total_steps else ""
        yield self._event({}, 0, t0, 1.0, 0, "both", status="done", message=f"finished {self.step} steps{budget}",
                          with_samples=True)

    # ------------------------------------------------------------------ checkpoints
    def save(self, out_dir: str | Path, metrics: dict | None = None) -> Path:
        """Save the generator (EMA copy if enabled), the discriminator and the optimiser state."""
        if self._channels_last:  # files hold the usual (contiguous) layout
            self._set_layout(torch.contiguous_format)
            try:
                return self._save(out_dir, metrics)
            finally:
                self._set_layout(torch.channels_last)
        return self._save(out_dir, metrics)

    def _save(self, out_dir: str | Path, metrics: dict | None) -> Path:
        from .hub import save_generator
        extra = {"train_config": asdict(self.cfg), "step": self.step}
        if getattr(self.data, "kind", None) == "folder":  # your own pictures: their class names
            extra["class_names"] = list(self.data.class_names)
        if metrics:
            extra["metrics"] = metrics
        out = save_generator(self.sampler, out_dir, discriminator=self.D, extra=extra)
        tensors: dict[str, torch.Tensor] = {}
        meta = {"step": self.step, "opt_g": _flatten_optimizer(self.opt_g.state_dict(), "opt_g", tensors),
                "opt_d": _flatten_optimizer(self.opt_d.state_dict(), "opt_d", tensors),
                "G_raw": self.G_ema is not None}
        if self.G_ema is not None:
            tensors.update({f"G_raw.{k}": v.detach() for k, v in self.G.state_dict().items()})
        save_file({k: v.detach().cpu().contiguous() for k, v in tensors.items()}, str(out / STATE_FILE))
        (out / STATE_JSON).write_text(json.dumps(meta, indent=1))
        return out

    @classmethod
    def resume(cls, folder: str | Path, *, started_at: float | None = None, **overrides) -> "Trainer":
        """Continue a run saved by :meth:`save` (``overrides`` change config fields, e.g. steps)."""
        from .hub import CheckpointError, load_folder, load_state_dict_file, strict_load
        folder = Path(folder)
        loaded = load_folder(folder)
        info = loaded.config.get("gan_studio", {})
        if "train_config" not in info:
            raise CheckpointError(f"{folder.name} has no training config, so it cannot be resumed")
        cfg = TrainConfig.from_dict({**info["train_config"], **overrides})
        data = overrides.pop("data", None)
        trainer = cls(cfg, data=data, started_at=started_at)
        if not (folder / STATE_FILE).is_file() or not (folder / STATE_JSON).is_file():
            raise CheckpointError(f"{folder.name} has no {STATE_FILE} and {STATE_JSON}, so it cannot be resumed")
        try:
            tensors = load_state_dict_file(folder / STATE_FILE)
            meta = json.loads((folder / STATE_JSON).read_text())
            state = {"step": int(meta["step"]),
                     "opt_g": _unflatten_optimizer(meta["opt_g"], tensors, trainer.device),
                     "opt_d": _unflatten_optimizer(meta["opt_d"], tensors, trainer.device)}
        except (CheckpointError, KeyError, TypeError, ValueError) as e:
            raise CheckpointError(f"the training state could not be read ({str(e)[:120]})") from None
        raw_g = {k[len("G_raw."):]: v for k, v in tensors.items() if k.startswith("G_raw.")} if meta.get("G_raw") else None
        strict_load(trainer.G, raw_g if raw_g else loaded.model.state_dict(), "generator")
        if trainer.G_ema is not None:
            strict_load(trainer.G_ema, loaded.model.state_dict(), "EMA generator")
        if loaded.discriminator is None:
            raise CheckpointError(f"{folder.name} has no discriminator.safetensors, so it cannot be resumed")
        strict_load(trainer.D, load_state_dict_file(folder / "discriminator.safetensors"), "discriminator")
        trainer.opt_g.load_state_dict(state["opt_g"])
        trainer.opt_d.load_state_dict(state["opt_d"])
        for opt in (trainer.opt_g, trainer.opt_d):  # moments in their parameters' layout (channels_last)
            for p, st in opt.state.items():
                for k, v in st.items():
                    if isinstance(v, torch.Tensor) and v.shape == p.shape:
                        st[k] = torch.empty_like(p).copy_(v)
        trainer.step = int(state["step"])
        trainer._good, trainer._good_step = trainer._snapshot_weights(), trainer.step
        return trainer


def _flatten_optimizer(state: dict, prefix: str, tensors: dict[str, torch.Tensor]) -> dict:
    """An optimiser's state_dict as JSON-able data; its tensors go into ``tensors`` under ``prefix.*``."""
    out_state = {}
    for pid, entry in state["state"].items():
        row = {}
        for name, value in entry.items():
            if isinstance(value, torch.Tensor):
                key = f"{prefix}.{pid}.{name}"
                tensors[key] = value
                row[name] = {"tensor": key}
            else:
                row[name] = value
        out_state[str(pid)] = row
    return {"state": out_state, "param_groups": state["param_groups"]}


def _unflatten_optimizer(meta: dict, tensors: dict[str, torch.Tensor], device: torch.device) -> dict:
    state = {}
    for pid, row in meta["state"].items():
        state[int(pid)] = {name: (tensors[v["tensor"]].to(device) if isinstance(v, dict) and "tensor" in v else v)
                           for name, v in row.items()}
    groups = [{k: tuple(v) if k == "betas" else v for k, v in g.items()} for g in meta["param_groups"]]
    return {"state": state, "param_groups": groups}
