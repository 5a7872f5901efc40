"""One-click presets for every "try this" of the playground: settings for run A, the one setting run B
changes, and the measurement that checks what the text claims (tests run it over several seeds).

A preset's ``settings`` are the playground's settings by name (data, loss, learning rates, ...); ``ab``
is the (setting, value) run B changes; ``d_first`` D updates happen alone before anything else (the
arrows preset); ``steps`` is how long the claim needs. :func:`configs` turns a preset into the two
TrainConfigs and :func:`measure` trains both and returns the numbers its claim is about.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..metrics.core import grid_divergences, toy_mode_stats
from ..train import TrainConfig, Trainer

WGAN_BETAS = (0.0, 0.9)  # Adam's betas for WGAN-GP, as Gulrajani et al. (2017) train it


@dataclass(frozen=True)
class Preset:
    title: tuple[str, str]  # (English, Chinese)
    settings: dict = field(default_factory=dict)  # TrainConfig fields of run A
    ab: tuple[str, object] | None = None  # the one field run B changes, and its value
    steps: int = 0  # full steps (n_critic D updates, then one G update) the claim is about
    d_first: int = 0  # D updates alone before the steps
    measure: str = "modes"  # modes, median_grad or js


BASE = dict(model="toy", dataset="ring", loss="ns", lr_d=5e-3, lr_g=5e-3, width=64, depth=2, batch_size=128,
            n_critic=1, latent_dim=2)

PRESETS: dict[str, Preset] = {
    "collapse": Preset(("Minimax vs non-saturating loss: modes found", "极小极大损失与非饱和损失：找到的模式"),
                       dict(loss="minimax", depth=3, batch_size=64), ("loss", "ns"), steps=750),
    "saturation": Preset(("Saturation: the arrows after 100 D updates", "饱和：D 更新 100 次之后的箭头"),
                         dict(loss="minimax", lr_d=1e-3, lr_g=1e-3), ("loss", "ns"), d_first=100,
                         measure="median_grad"),
    "d_steps": Preset(("More D steps per G step", "每个 G 步配更多 D 步"), dict(), ("n_critic", 3), steps=500),
    "wgan_gp": Preset(("WGAN-GP: 5 D steps per G step vs 1", "WGAN-GP：每个 G 步配 5 个 D 步与配 1 个"),
                      dict(loss="wgan-gp", lr_d=1e-2, lr_g=1e-3, n_critic=5), ("n_critic", 1), steps=300),
    "capacity": Preset(("Capacity: a spiral with 8 units per layer vs 128", "容量：每层 8 个单元与 128 个单元画螺旋"),
                       dict(dataset="spiral", width=8), ("width", 128), steps=250, measure="js"),
}


def config(preset: Preset, seed: int = 0, *, b: bool = False, steps: int | None = None) -> TrainConfig:
    """Run A's config (or B's with ``b``) for ``seed``."""
    kw = {**BASE, **preset.settings}
    if b and preset.ab is not None:
        kw[preset.ab[0]] = preset.ab[1]
    if kw["loss"] == "wgan-gp":
        kw["beta1"], kw["beta2"] = WGAN_BETAS
    n = steps if steps is not None else max(1, preset.steps)
    return TrainConfig(**kw, seed=seed, steps=n, log_every=n, sample_every=n, device="cpu")


def configs(preset: Preset, seed: int = 0) -> dict[str, TrainConfig]:
    """{"A": ..., "B": ...} (only A when the preset changes nothing in B)."""
    out = {"A": config(preset, seed)}
    if preset.ab is not None:
        out["B"] = config(preset, seed, b=True)
    return out


def outcome(trainer: Trainer, preset: Preset) -> float:
    """The number the preset's claim is about, for one trainer as it is now."""
    snap = trainer.toy_snapshot()
    if preset.measure == "median_grad":
        d = np.asarray(snap["arrow_dir"], dtype=np.float64)
        return float(np.median(np.linalg.norm(d, axis=1)))
    if preset.measure == "js":
        return grid_divergences(snap["real"], snap["fake"])["js"]
    return float(toy_mode_stats(snap["fake"], trainer.cfg.dataset)["modes_covered"])


def train(cfg: TrainConfig, preset: Preset) -> Trainer:
    """A trainer after the preset's D-only updates and its steps."""
    t = Trainer(cfg)
    for _ in range(preset.d_first):
        t.train_step("d")
    for _ in range(preset.steps):
        t.train_step()
    return t


def measure(name: str, seed: int = 0) -> dict[str, float]:
    """{"A": number, "B": number} for preset ``name`` and ``seed`` (see :attr:`Preset.measure`)."""
    preset = PRESETS[name]
    return {k: outcome(train(c, preset), preset) for k, c in configs(preset, seed).items()}
