"""Training a CycleGAN from unpaired samples, as a stream of events (the job layer runs it in the background).

Each step, with x from X and y from Y drawn independently (Zhu et al., 2017, least-squares adversarial losses):

- adversarial: D_Y tells real y from G(x), D_X real x from F(y); G and F try to be taken for real;
- cycle consistency: |F(G(x)) - x| + |G(F(y)) - y| (L1), weighted by ``cycle_weight``: whatever G does to x,
  F must be able to undo, so G has to keep enough of x to get it back;
- identity: |G(y) - y| + |F(x) - x|, weighted by ``identity_weight``: a y is already in Y, so G should leave it.

``CycleTrainer(cfg).run()`` yields :class:`CycleEvent` s: the losses averaged over ``log_every`` steps, and
every ``snapshot_every`` steps a snapshot of fixed samples x, G(x), F(G(x)) and y, F(y), G(F(y)) with the
reconstruction error. Pure PyTorch, no Streamlit.
"""
from __future__ import annotations

import json
import math
import shutil
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Iterator

import numpy as np
import torch
import torch.nn.functional as F

from . import domains
from .nets import CycleGAN

LOSS_KEYS = ("adv_g", "adv_d", "cycle", "identity")
MODEL_TYPE = "cyclegan-pair"
N_EVAL = {"points": 1000, "images": 256}  # fixed samples the reconstruction error is measured on


@dataclass
class CycleConfig:
    pair: str = "ring2grid"
    steps: int = 1000
    seconds: float | None = None  # a time budget from the start; the run ends at whichever comes first
    batch_size: int = 256
    width: int = 64  # points: hidden units; images: base channels
    depth: int = 3  # points: hidden layers; images: residual blocks
    lr: float = 1e-3
    cycle_weight: float = 5.0
    identity_weight: float = 0.0
    seed: int = 0
    log_every: int = 10
    snapshot_every: int = 50
    n_show: int = 200  # points drawn (2D) or digits shown (images) in a snapshot
    data_limit: int | None = None  # images: use the first N digits of the split only

    @classmethod
    def from_dict(cls, d: dict) -> "CycleConfig":
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in names})

    @property
    def kind(self) -> str:
        return domains.pair(self.pair).kind

    def validate(self) -> "CycleConfig":
        domains.pair(self.pair)
        checks = [
            (1 <= self.steps <= 1_000_000, "steps must be between 1 and 1,000,000"),
            (self.seconds is None or (math.isfinite(self.seconds) and self.seconds > 0), "seconds must be a positive number"),
            (2 <= self.batch_size <= 4096, "batch size must be between 2 and 4096"),
            (2 <= self.width <= 512 and 1 <= self.depth <= 8, "width must be 2-512 and depth 1-8"),
            (math.isfinite(self.lr) and 0 < self.lr <= 0.1, "the learning rate must be above 0 and at most 0.1"),
            (all(math.isfinite(w) and 0 <= w <= 100 for w in (self.cycle_weight, self.identity_weight)),
             "the loss weights must be between 0 and 100"),
            (self.log_every >= 1 and self.snapshot_every >= 1, "log_every and snapshot_every must be at least 1"),
            (1 <= self.n_show <= 2000, "n_show must be between 1 and 2000"),
            (self.data_limit is None or self.data_limit >= 4, "data_limit must be at least 4"),
        ]
        for ok, msg in checks:
            if not ok:
                raise ValueError(msg)
        return self


# Per pair, the settings its bundled run used; the CLI and the page start from these.
PRESETS: dict[str, dict] = {
    "ring2grid": {},
    "mnist-thin2thick": dict(steps=500, batch_size=16, width=8, depth=2, lr=2e-3, cycle_weight=10.0,
                             identity_weight=0.0, log_every=5, snapshot_every=25, n_show=8),
}


def default_config(pair: str, **overrides) -> CycleConfig:
    """The preset of ``pair`` with ``overrides`` (None values ignored), validated."""
    domains.pair(pair)
    values = {**PRESETS[pair], **{k: v for k, v in overrides.items() if v is not None}, "pair": pair}
    return CycleConfig.from_dict(values).validate()


@dataclass(frozen=True)
class CycleEvent:
    step: int
    total_steps: int
    losses: dict  # LOSS_KEYS -> mean over the steps since the last event
    status: str = "running"  # running, done, stopped, failed
    message: str = ""
    snapshot: dict | None = None  # see CycleTrainer.snapshot
    elapsed: float = 0.0

    @property
    def finished(self) -> bool:
        return self.status != "running"

    @property
    def toy(self) -> dict | None:
        """The job record keeps the latest snapshot under this name (gan.jobs.Job.toy)."""
        return self.snapshot

    @property
    def row(self) -> dict | None:
        """One row of the run's history (gan.jobs keeps them): step, losses, and the snapshot's errors."""
        if not self.losses and self.snapshot is None:
            return None
        row = {"step": self.step, "elapsed": self.elapsed, **{k: float(self.losses.get(k, math.nan)) for k in LOSS_KEYS}}
        snap = self.snapshot or {}
        for k in ("recon", "recon_x", "recon_y"):
            row[k] = float(snap.get(k, math.nan))
        return row


def _l1(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Mean L1 distance per sample: summed over a point's two coordinates, averaged over an image's pixels."""
    d = (a - b).abs()
    return d.sum(1).mean() if d.dim() == 2 else d.mean()


def _ls(scores: torch.Tensor, target: float) -> torch.Tensor:
    return ((scores - target) ** 2).mean()


def recon_distance(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Per-sample reconstruction error: Euclidean distance for points, mean absolute pixel error (pixels in
    [0, 1]) for images. (B, ...) -> (B,)."""
    if a.dim() == 2:
        return (a - b).norm(dim=1)
    return ((a - b).abs() / 2).flatten(1).mean(1)


def to_uint8(images: torch.Tensor) -> np.ndarray:
    """(B, 1, H, W) in [-1, 1] -> (B, H, W) uint8."""
    return ((images.clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8)[:, 0].numpy()


class CycleTrainer:
    def __init__(self, cfg: CycleConfig, stop_event: threading.Event | None = None, *, started_at: float | None = None,
                 data: dict | None = None):
        self.cfg = cfg.validate()
        self.kind = cfg.kind
        torch.manual_seed(cfg.seed)
        self.model = CycleGAN(self.kind, cfg.width, cfg.depth)
        betas = (0.5, 0.999)
        self.opt_gen = torch.optim.Adam(self.model.generators(), lr=cfg.lr, betas=betas)
        self.opt_dis = torch.optim.Adam(self.model.critics(), lr=cfg.lr, betas=betas)
        self.stop_event = stop_event or threading.Event()
        self.step = 0
        self.total_steps = cfg.steps
        self.started_at = time.time() if started_at is None else started_at
        self.gen = torch.Generator().manual_seed(cfg.seed + 1)
        fixed = torch.Generator().manual_seed(12345)  # the same evaluation samples for every run and seed
        n_eval = N_EVAL[self.kind]
        if self.kind == "points":
            self.data = None
            self.eval_x = domains.sample_points(cfg.pair, "x", n_eval, fixed)
            self.eval_y = domains.sample_points(cfg.pair, "y", n_eval, fixed)
        else:
            self.data = data if data is not None else domains.load_stroke_pair(cfg.data_limit)
            ix = torch.randperm(len(self.data["x"]), generator=fixed)[:n_eval]
            iy = torch.randperm(len(self.data["y"]), generator=fixed)[:n_eval]
            self.eval_x, self.eval_y = self.data["x"][ix], self.data["y"][iy]
        self.last_snapshot: dict | None = None

    # --- one step
    def batch(self) -> tuple[torch.Tensor, torch.Tensor]:
        """An x batch and a y batch drawn independently (unpaired)."""
        n = self.cfg.batch_size
        if self.kind == "points":
            return (domains.sample_points(self.cfg.pair, "x", n, self.gen),
                    domains.sample_points(self.cfg.pair, "y", n, self.gen))
        ix = torch.randint(len(self.data["x"]), (n,), generator=self.gen)
        iy = torch.randint(len(self.data["y"]), (n,), generator=self.gen)
        return self.data["x"][ix], self.data["y"][iy]

    def losses(self, x: torch.Tensor, y: torch.Tensor) -> dict[str, torch.Tensor]:
        """The generators' losses on one batch (with graphs), plus the translations for the critics' step."""
        c, m = self.cfg, self.model
        fake_y, fake_x = m.G(x), m.F(y)
        adv_g = _ls(m.D_Y(fake_y), 1.0) + _ls(m.D_X(fake_x), 1.0)
        cycle = _l1(m.F(fake_y), x) + _l1(m.G(fake_x), y)
        with torch.set_grad_enabled(c.identity_weight > 0 and torch.is_grad_enabled()):
            identity = _l1(m.G(y), y) + _l1(m.F(x), x)
        total = adv_g + c.cycle_weight * cycle + c.identity_weight * identity
        return {"total": total, "adv_g": adv_g, "cycle": cycle, "identity": identity, "fake_x": fake_x, "fake_y": fake_y}

    def train_step(self) -> dict[str, torch.Tensor]:
        m = self.model
        x, y = self.batch()
        out = self.losses(x, y)
        self.opt_gen.zero_grad(set_to_none=True)
        out["total"].backward()
        self.opt_gen.step()
        fake_x, fake_y = out["fake_x"].detach(), out["fake_y"].detach()
        adv_d = 0.5 * (_ls(m.D_Y(y), 1.0) + _ls(m.D_Y(fake_y), 0.0) + _ls(m.D_X(x), 1.0) + _ls(m.D_X(fake_x), 0.0))
        self.opt_dis.zero_grad(set_to_none=True)
        adv_d.backward()
        self.opt_dis.step()
        self.step += 1
        return {"adv_g": out["adv_g"].detach(), "adv_d": adv_d.detach(), "cycle": out["cycle"].detach(),
                "identity": out["identity"].detach()}

    # --- what the page draws
    def snapshot(self) -> dict:
        """:func:`cycle_snapshot` of the fixed evaluation samples (kept as ``last_snapshot``)."""
        self.last_snapshot = cycle_snapshot(self.model, self.cfg.pair, self.eval_x, self.eval_y, self.cfg.n_show)
        self.last_snapshot["step"] = self.step
        return self.last_snapshot

    def _event(self, acc: dict, status: str = "running", message: str = "", snap: bool = False) -> CycleEvent:
        losses = {k: float(torch.stack(v).mean()) for k, v in acc.items() if v}
        return CycleEvent(self.step, self.total_steps, losses, status, message, self.snapshot() if snap else None,
                          time.time() - self.started_at)

    def status_event(self, status: str, message: str) -> CycleEvent:
        return self._event({}, status, message, snap=True)

    def _out_of_time(self) -> bool:
        return self.cfg.seconds is not None and time.time() - self.started_at >= self.cfg.seconds

    def run(self) -> Iterator[CycleEvent]:
        c = self.cfg
        acc: dict[str, list] = {}
        if self.step == 0:
            yield self._event({}, snap=True)  # step 0: what the untrained translators do
        while self.step < self.total_steps:
            if self.stop_event.is_set():
                yield self._event(acc, "stopped", f"stopped at step {self.step}", snap=True)
                return
            if self._out_of_time():
                self.total_steps = self.step
                break
            for k, v in self.train_step().items():
                acc.setdefault(k, []).append(v)
            if self.step % c.log_every == 0 or self.step == self.total_steps:
                ev = self._event(acc, snap=self.step % c.snapshot_every == 0)
                acc = {}
                if not all(math.isfinite(v) for v in ev.losses.values()):
                    yield CycleEvent(self.step, self.total_steps, ev.losses, "failed",
                                     f"the losses became NaN or infinite at step {self.step}; lower the learning rate")
                    return
                yield ev
        yield self._event(acc, "done", f"finished {self.step} steps", snap=True)

    # --- files
    def save(self, folder: str | Path, *, card: str | None = None, extra: dict | None = None) -> Path:
        """Write config.json + model.safetensors (all four networks) + README.md to ``folder``."""
        snap = self.last_snapshot or self.snapshot()
        info = {"cycle_config": asdict(self.cfg), "step": self.step,
                "wall_seconds": round(time.time() - self.started_at, 1),
                "metrics": {k: v for k, v in snap.items() if isinstance(v, float)}, **(extra or {})}
        return save_model(self.model, folder, info, card)


@torch.no_grad()
def cycle_snapshot(model: CycleGAN, pair_name: str, x: torch.Tensor, y: torch.Tensor, n_show: int) -> dict:
    """x and y through the cycle, and the reconstruction error on all of them.

    Points: x, g_x, f_g_x, y, f_y, g_f_y as (n_show, 2) float32; images: the same as (n_show, 28, 28) uint8.
    recon_x = mean error |F(G(x)) - x|, recon_y = |G(F(y)) - y|, recon their mean (see :func:`recon_distance`);
    points also: share of G(x) / F(y) within 4 std of a mode of Y / X (``hit_y``, ``hit_x``) and modes reached;
    images: ink of real x, real y, G(x), F(y) (:func:`gan.cycle.domains.ink`).
    """
    was_training = model.training
    model.eval()
    g_x, f_y = model.G(x), model.F(y)
    f_g_x, g_f_y = model.F(g_x), model.G(f_y)
    rx, ry = float(recon_distance(f_g_x, x).mean()), float(recon_distance(g_f_y, y).mean())
    snap: dict = {"step": 0, "kind": model.kind, "pair": pair_name, "recon_x": rx, "recon_y": ry,
                  "recon": (rx + ry) / 2}
    arrays = {"x": x, "g_x": g_x, "f_g_x": f_g_x, "y": y, "f_y": f_y, "g_f_y": g_f_y}
    if model.kind == "points":
        snap.update({k: v[:n_show].numpy().astype(np.float32) for k, v in arrays.items()})
        snap.update(mode_metrics(pair_name, g_x.numpy(), "y", "_y"))
        snap.update(mode_metrics(pair_name, f_y.numpy(), "x", "_x"))
    else:
        snap.update({k: to_uint8(v[:n_show]) for k, v in arrays.items()})
        for k in ("x", "y", "g_x", "f_y"):
            snap["ink_" + k] = float(domains.ink(arrays[k]).mean())
    model.train(was_training)
    return snap


def mode_metrics(pair_name: str, points: np.ndarray, side: str, suffix: str) -> dict:
    """Share of ``points`` within 4 std of a mode of ``side`` (``hit``) and how many modes have one (``modes``)."""
    modes = domains.domain_modes(pair_name, side)
    if modes is None:
        return {}
    d = np.linalg.norm(points[:, None, :] - modes[None, :, :], axis=2)  # (n, modes)
    near = d.min(1) <= 4 * 0.05
    return {"hit" + suffix: float(near.mean()), "modes" + suffix: float(len(set(d.argmin(1)[near].tolist()))),
            "n_modes" + suffix: float(len(modes))}


# ----------------------------------------------------------------------------- save / load

def save_model(model: CycleGAN, folder: str | Path, info: dict, card: str | None = None) -> Path:
    """config.json (``model_type`` first, the networks' kwargs, ``gan_studio`` = ``info``) + model.safetensors
    (the mixin's save_pretrained) + README.md, written to a temporary folder and moved into place."""
    from .cards import default_card
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=folder.parent))
    try:
        model.save_pretrained(tmp)
        kwargs = json.loads((tmp / "config.json").read_text())
        config = {"model_type": MODEL_TYPE, **kwargs, "gan_studio": info}
        (tmp / "config.json").write_text(json.dumps(config, indent=2, default=str))
        (tmp / "README.md").write_text(card if card is not None else default_card(config))
        folder.mkdir(parents=True, exist_ok=True)
        for f in tmp.iterdir():
            shutil.move(str(f), folder / f.name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return folder


def load_model(folder: str | Path) -> tuple[CycleGAN, dict]:
    """A saved CycleGAN (strict: keys, shapes and finite values checked) and its config.json."""
    from ..hub import CheckpointError, load_state_dict_file, strict_load
    folder = Path(folder)
    try:
        config = json.loads((folder / "config.json").read_text())
    except FileNotFoundError:
        raise CheckpointError(f"{folder.name} has no config.json") from None
    except (OSError, ValueError) as e:
        raise CheckpointError(f"{folder.name}/config.json cannot be read ({str(e)[:100]})") from None
    if not isinstance(config, dict) or config.get("model_type") != MODEL_TYPE:
        raise CheckpointError(f"{folder.name} is not a CycleGAN of this project (model_type {MODEL_TYPE!r})")
    try:
        model = CycleGAN(str(config.get("kind")), int(config.get("width", 0)), int(config.get("depth", 0)))
    except (ValueError, TypeError, RuntimeError) as e:
        raise CheckpointError(f"{folder.name}/config.json describes no valid CycleGAN ({str(e)[:100]})") from None
    strict_load(model, load_state_dict_file(folder / "model.safetensors"), f"{folder.name} weights")
    return model.eval(), config
