"""GAN samples as extra training data for a digit classifier trained on few real images.

One *cell* of the study: draw ``per_class`` real digits of each class from the training split (images
[0, 8000) of MNIST's t10k file, see :mod:`gan.metrics.classifier`), train a conditional GAN
(:class:`gan.train.Trainer`, model ``cgan``, DiffAugment on D) on those images only, then train the
bundled classifier's architecture (:class:`gan.models.classifier.MNISTClassifier`) the same way once per
*setting* and score each on the held-out images [8000, 10000):

- ``real``: the few real images only;
- ``real+classic``: the same with classic augmentation (the bundled classifier's random affine jitter:
  +-10 degrees, +-10% scale, +-2 px shift);
- ``real+gan``: half of every batch from the real images, half from a pool of the cGAN's samples;
- ``real+classic+gan``: both.

Every setting of a cell starts from the same initial weights and sees the same number of batches, so
only the data differs. The seed draws the real subset too, so the spread over seeds includes which
few images were drawn. :func:`run_cell` is an iterator of :class:`CellEvent` (the app runs it as a job,
:class:`StudyEngine`); :func:`run_study` loops over settings and seeds and :func:`summarise` gives the
table (mean and sample standard deviation over seeds) that ``bench/data_augmentation.py`` bundles in
``checkpoints/data-augmentation/results.json``.
"""
from __future__ import annotations

import json
import threading
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Iterator

import numpy as np
import torch
import torch.nn.functional as F

SETTINGS = ("real", "real+classic", "real+gan", "real+classic+gan")
PER_CLASS_MAX = 500  # every class has more than 700 images in the training split
RESULTS_DIR = Path(__file__).resolve().parent.parent / "checkpoints" / "data-augmentation"
RESULTS_FILE = RESULTS_DIR / "results.json"
GAN_AUGMENT = "translation,cutout"  # DiffAugment for the few-image cGAN


@dataclass
class CellConfig:
    """One cell: how many real images per class, the seed, and the budgets of the cGAN and classifiers."""

    per_class: int = 10
    seed: int = 0
    gan_steps: int = 500
    gan_seconds: float | None = None  # a time budget for the cGAN (the live cell); None: gan_steps decide
    gan_augment: str = GAN_AUGMENT
    gan_mode_seeking: float = 0.2  # without it a cGAN on few images soon ignores its noise (one image per class)
    clf_steps: int = 120
    clf_batch: int = 64
    clf_lr: float = 3e-3
    gan_fraction: float = 0.5  # share of each batch drawn from the cGAN's samples (settings with "gan")
    pool_per_class: int = 200  # cGAN samples generated per class for the pool
    settings: tuple[str, ...] = SETTINGS
    held_out: int = 2000  # held-out images scored (all 2,000 in the study; fewer in quick tests)
    progress_every: int = 25  # classifier steps between progress events

    def validate(self) -> "CellConfig":
        self.settings = tuple(self.settings)
        bad = [s for s in self.settings if s not in SETTINGS]
        checks = [
            (1 <= self.per_class <= PER_CLASS_MAX, f"per_class must be between 1 and {PER_CLASS_MAX}"),
            (0 <= self.seed <= 1_000_000, "seed must be between 0 and 1,000,000"),
            (1 <= self.gan_steps <= 100_000, "gan_steps must be between 1 and 100,000"),
            (self.gan_seconds is None or 0 < self.gan_seconds <= 3600, "gan_seconds must be between 0 and 3,600"),
            (1 <= self.clf_steps <= 100_000, "clf_steps must be between 1 and 100,000"),
            (2 <= self.clf_batch <= 1024, "clf_batch must be between 2 and 1,024"),
            (0 <= self.gan_mode_seeking <= 10, "gan_mode_seeking must be between 0 and 10"),
            (0 < self.clf_lr < 1, "clf_lr must be in (0, 1)"),
            (0 < self.gan_fraction < 1, "gan_fraction must be in (0, 1)"),
            (1 <= self.pool_per_class <= 2000, "pool_per_class must be between 1 and 2,000"),
            (not bad, f"unknown setting {bad[0]!r}; valid: {', '.join(SETTINGS)}" if bad else ""),
            (len(self.settings) >= 1, "choose at least one setting"),
            (10 <= self.held_out <= 2000, "held_out must be between 10 and 2,000"),
            (self.progress_every >= 1, "progress_every must be >= 1"),
        ]
        for ok, msg in checks:
            if not ok:
                raise ValueError(msg)
        from .augment import parse_policy
        parse_policy(self.gan_augment)
        return self

    @property
    def uses_gan(self) -> bool:
        return any("gan" in s for s in self.settings)

    @property
    def total_steps(self) -> int:
        return (self.gan_steps if self.uses_gan else 0) + self.clf_steps * len(self.settings)


@dataclass(frozen=True)
class CellEvent:
    """Progress of a cell. ``step`` counts cGAN steps, then classifier steps of every setting in turn."""

    step: int
    total_steps: int
    phase: str  # "data", "gan", "classifier", "done"
    setting: str = ""  # the classifier being trained (phase "classifier")
    status: str = "running"  # running, done, stopped, failed
    message: str = ""
    elapsed: float = 0.0
    gan_step: int = 0  # cGAN steps done
    real_grid: np.ndarray | None = None  # the few real images, one column per class (uint8)
    samples: np.ndarray | None = None  # the cGAN's samples, one column per class (uint8)
    accuracies: dict = field(default_factory=dict)  # setting -> held-out accuracy, as they finish
    seconds: dict = field(default_factory=dict)  # "gan" and each setting -> seconds it took

    @property
    def finished(self) -> bool:
        return self.status != "running"

    @property
    def progress(self) -> float:
        return min(1.0, self.step / max(self.total_steps, 1))


# ============================================================================ pieces

def few_shot(per_class: int, seed: int, images: torch.Tensor, labels: torch.Tensor
             ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """``per_class`` images of each class drawn at random (by ``seed``): (images, labels, their indices)."""
    gen = torch.Generator().manual_seed(10_000 + seed)
    picks = []
    for c in range(10):
        idx = torch.nonzero(labels == c).flatten()
        if len(idx) < per_class:
            raise ValueError(f"class {c} has only {len(idx)} images; per_class must be at most that")
        picks.append(idx[torch.randperm(len(idx), generator=gen)[:per_class]])
    order = torch.stack(picks, 1).flatten()  # (per_class * 10,) ordered 0..9, 0..9, ...
    return images[order], labels[order], order


def class_grid(images: torch.Tensor, labels: torch.Tensor, rows: int) -> np.ndarray:
    """Up to ``rows`` images of each class as a uint8 grid: one column per digit 0-9, one row per example."""
    from .images import make_grid
    cols = [images[labels == c][:rows] for c in range(10)]
    n = min(len(c) for c in cols)
    stacked = torch.stack([c[:n] for c in cols], 1).flatten(0, 1)  # (n * 10, 1, 28, 28), row-major
    return make_grid(stacked, nrow=10)


def classic_augment(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """Classic augmentation: the bundled classifier's random affine jitter (rotation, scale, shift)."""
    from .metrics.classifier import _augment
    return _augment(x, gen)


@torch.inference_mode()
def gan_pool(generator: torch.nn.Module, per_class: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """``per_class`` samples of each digit from a conditional generator: (images (N, 1, 28, 28), labels)."""
    was = generator.training
    generator.eval()
    device = next(generator.parameters()).device
    gen = torch.Generator().manual_seed(20_000 + seed)
    y = torch.arange(10).repeat_interleave(per_class)
    z = torch.randn(len(y), generator.latent_dim, generator=gen)
    x = torch.cat([generator(z[i:i + 500].to(device), y[i:i + 500].to(device)).float().cpu()
                   for i in range(0, len(y), 500)])
    generator.train(was)
    return x.contiguous(), y


def new_classifier(seed: int) -> torch.nn.Module:
    """The bundled classifier's architecture, freshly initialised from ``seed``."""
    from .models.classifier import MNISTClassifier
    torch.manual_seed(seed)
    return MNISTClassifier()


def train_classifier(real_x: torch.Tensor, real_y: torch.Tensor, setting: str, cfg: CellConfig,
                     pool: tuple[torch.Tensor, torch.Tensor] | None = None,
                     stop: threading.Event | None = None) -> Iterator[tuple[int, torch.nn.Module]]:
    """Train a fresh classifier for ``setting``; yields (steps done, model) every ``progress_every`` steps
    and at the end. The recipe is the bundled classifier's (AdamW, one-cycle schedule, label smoothing)."""
    if setting not in SETTINGS:
        raise ValueError(f"unknown setting {setting!r}; valid: {', '.join(SETTINGS)}")
    use_gan, classic = "gan" in setting, "classic" in setting
    if use_gan and pool is None:
        raise ValueError(f"setting {setting!r} needs the cGAN's samples")
    model = new_classifier(cfg.seed).train()
    torch.manual_seed(cfg.seed + 1)  # dropout: the same stream in every setting
    gen = torch.Generator().manual_seed(30_000 + cfg.seed)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.clf_lr, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=cfg.clf_lr, total_steps=cfg.clf_steps)
    b = cfg.clf_batch
    n_fake = int(round(b * cfg.gan_fraction)) if use_gan else 0
    for step in range(1, cfg.clf_steps + 1):
        idx = torch.randint(len(real_x), (b - n_fake,), generator=gen)
        x, y = real_x[idx], real_y[idx]
        if n_fake:
            j = torch.randint(len(pool[0]), (n_fake,), generator=gen)
            x, y = torch.cat([x, pool[0][j]]), torch.cat([y, pool[1][j]])  # (B, 1, 28, 28)
        if classic:
            x = classic_augment(x, gen)
        loss = F.cross_entropy(model(x), y, label_smoothing=0.05)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        if step % cfg.progress_every == 0 or step == cfg.clf_steps:
            yield step, model
            if stop is not None and stop.is_set():
                return


@torch.inference_mode()
def accuracy(model: torch.nn.Module, images: torch.Tensor, labels: torch.Tensor, batch: int = 500) -> float:
    """Share of ``images`` the model labels correctly (eval mode)."""
    model.eval()
    right = sum(int((model(images[i:i + batch]).argmax(1) == labels[i:i + batch]).sum())
                for i in range(0, len(images), batch))
    return right / len(images)


# ============================================================================ one cell

def run_cell(cfg: CellConfig, stop: threading.Event | None = None, split=None,
             started_at: float | None = None) -> Iterator[CellEvent]:
    """Run one cell (one per_class, one seed, every setting in ``cfg.settings``), yielding progress events.

    The last event has status "done" (or "stopped"), every accuracy, the real images and the cGAN's
    samples. ``split``: a :class:`gan.metrics.classifier.MnistSplit` (default: the bundled one).
    """
    from .data import ImageData
    from .metrics.classifier import mnist_split
    from .train import Trainer, recipe_config

    cfg = replace(cfg).validate()
    stop = stop or threading.Event()
    t0 = time.perf_counter() - (max(0.0, time.time() - started_at) if started_at else 0.0)
    split = split or mnist_split()
    real_x, real_y, _ = few_shot(cfg.per_class, cfg.seed, split.train_images, split.train_labels)
    held_x, held_y = split.held_images[:cfg.held_out], split.held_labels[:cfg.held_out]
    real_grid = class_grid(real_x, real_y, rows=min(cfg.per_class, 5))
    state = dict(step=0, gan_step=0, samples=None, fresh=False, accuracies={}, seconds={})
    total = cfg.total_steps

    def event(phase: str, setting: str = "", status: str = "running", message: str = "") -> CellEvent:
        # a sample grid travels when it is new, and in the last event (a job keeps every grid it received)
        samples = state["samples"] if state["fresh"] or status != "running" else None
        state["fresh"] = False
        return CellEvent(step=state["step"], total_steps=total, phase=phase, setting=setting, status=status,
                         message=message, elapsed=time.perf_counter() - t0, gan_step=state["gan_step"],
                         real_grid=real_grid, samples=samples, accuracies=dict(state["accuracies"]),
                         seconds=dict(state["seconds"]))

    yield event("data", message=f"{len(real_x)} real images drawn")
    pool = None
    if cfg.uses_gan:
        t = time.perf_counter()
        data = ImageData(real_x.clone(), real_y.clone(), "mnist", ("test",), f"{cfg.per_class} per class")
        tcfg = recipe_config("cgan", "mnist", steps=cfg.gan_steps, seconds=cfg.gan_seconds, seed=cfg.seed,
                             augment=cfg.gan_augment, mode_seeking=cfg.gan_mode_seeking, n_samples=50, log_every=25,
                             sample_every=max(25, cfg.gan_steps // 6), device="cpu")
        trainer = Trainer(tcfg, data=data, stop_event=stop)
        for ev in trainer.run():
            state["gan_step"] = state["step"] = trainer.step
            if ev.samples is not None:  # one column per class (the Trainer's fixed labels 0..9 repeat)
                state["samples"], state["fresh"] = ev.samples, True
            if ev.status == "failed":
                yield event("gan", status="failed", message=ev.message)
                return
            if ev.status == "stopped":
                yield event("gan", status="stopped", message=f"stopped during the cGAN's training ({ev.message})")
                return
            if not ev.finished:
                yield event("gan")
        total = state["step"] + cfg.clf_steps * len(cfg.settings)  # a time budget may have ended it early
        pool = gan_pool(trainer.sampler, cfg.pool_per_class, cfg.seed)
        state["samples"], state["fresh"] = class_grid(*pool, rows=5), True
        state["seconds"]["gan"] = round(time.perf_counter() - t, 1)
        yield event("gan", message=f"cGAN trained for {trainer.step} steps")
    base = state["step"]
    for k, setting in enumerate(cfg.settings):
        t = time.perf_counter()
        model, done = None, 0
        for done, model in train_classifier(real_x, real_y, setting, cfg, pool=pool, stop=stop):
            state["step"] = base + k * cfg.clf_steps + done
            yield event("classifier", setting)
        if stop.is_set():
            yield event("classifier", setting, status="stopped", message=f"stopped while training {setting}")
            return
        state["accuracies"][setting] = round(accuracy(model, held_x, held_y), 4)
        state["seconds"][setting] = round(time.perf_counter() - t, 1)
        yield event("classifier", setting)
    yield event("done", status="done", message="finished")


# ============================================================================ the study over seeds

def run_study(per_class: list[int], seeds: list[int], base: CellConfig | None = None, log=print,
              split=None, on_cell=None) -> dict:
    """Every cell (per_class x seed); returns ``{"config", "rows", "cells", "summary", "seconds"}``.

    ``on_cell(config, last_event)`` is called after each cell (e.g. to keep its image grids)."""
    base = replace(base or CellConfig()).validate()
    rows, cells = [], []
    t0 = time.perf_counter()
    for pc in per_class:
        for seed in seeds:
            cfg = replace(base, per_class=int(pc), seed=int(seed)).validate()
            last = None
            for ev in run_cell(cfg, split=split):
                last = ev
            if last is None or last.status != "done":
                raise RuntimeError(f"cell per_class={pc} seed={seed} did not finish: "
                                   f"{last.message if last else 'no events'}")
            if on_cell is not None:
                on_cell(cfg, last)
            cells.append({"per_class": pc, "seed": seed, "gan_steps": last.gan_step,
                          "seconds": last.seconds, "elapsed": round(last.elapsed, 1)})
            for s, acc in last.accuracies.items():
                rows.append({"per_class": pc, "seed": seed, "setting": s, "accuracy": acc})
            log(f"{pc:>3}/class seed {seed}: " + "  ".join(f"{s} {a:.4f}" for s, a in last.accuracies.items())
                + f"  ({last.elapsed:.0f} s)")
    cfg_dict = asdict(base)
    for k in ("per_class", "seed"):
        cfg_dict.pop(k)
    cfg_dict["settings"] = list(base.settings)
    return {"config": cfg_dict, "per_class": list(per_class), "seeds": list(seeds), "rows": rows,
            "cells": cells, "summary": summarise(rows), "seconds": round(time.perf_counter() - t0, 1)}


def summarise(rows: list[dict]) -> list[dict]:
    """Mean and sample standard deviation (ddof=1) of the accuracy over seeds, per (per_class, setting)."""
    out = []
    keys = sorted({(r["per_class"], r["setting"]) for r in rows}, key=lambda k: (k[0], SETTINGS.index(k[1])))
    for pc, s in keys:
        acc = np.array([r["accuracy"] for r in rows if r["per_class"] == pc and r["setting"] == s], float)
        std = float(acc.std(ddof=1)) if len(acc) > 1 else float("nan")
        out.append({"per_class": pc, "setting": s, "n": len(acc), "mean": round(float(acc.mean()), 4),
                    "std": round(std, 4), "min": round(float(acc.min()), 4), "max": round(float(acc.max()), 4)})
    return out


def format_table(summary: list[dict]) -> str:
    """The summary as a plain-text table (accuracy in %, mean +- std over seeds)."""
    lines = [f"{'per class':>9}  {'setting':<18} {'accuracy %':>16}  seeds"]
    for r in summary:
        lines.append(f"{r['per_class']:>9}  {r['setting']:<18} {100 * r['mean']:>7.1f} +- {100 * r['std']:>4.1f}"
                     f"  {r['n']:>5}")
    return "\n".join(lines)


# ============================================================================ the bundled table

def load_results(path: str | Path | None = None) -> dict:
    """The bundled study (``checkpoints/data-augmentation/results.json``)."""
    p = Path(path) if path else RESULTS_FILE
    if not p.is_file():
        raise FileNotFoundError(f"the data-augmentation table is missing: {p} (make it with "
                                "bench/data_augmentation.py --write)")
    data = json.loads(p.read_text())
    if not data.get("summary"):
        raise ValueError(f"{p.name} holds no summary")
    return data


def cell(summary: list[dict], per_class: int, setting: str) -> dict:
    """The summary row of (per_class, setting); KeyError if the study has none."""
    for r in summary:
        if r["per_class"] == per_class and r["setting"] == setting:
            return r
    raise KeyError(f"no row for {per_class} per class, {setting}")


def effect(rows: list[dict], per_class: int, setting: str, against: str = "real") -> dict:
    """How ``setting`` did against ``against`` at ``per_class``, seed by seed (both settings of a seed share
    the real images and the initial weights, so their difference is the setting's own effect): the mean
    and sample std of the per-seed differences (0-1 scale), their min and max, how many seeds went up and
    down, and a verdict: "helps" when every seed went up, "hurts" when every seed went down, else "mixed".
    With three seeds that is a description of these runs, not a significance test."""
    acc = {(r["setting"], r["seed"]): r["accuracy"] for r in rows if r["per_class"] == per_class}
    seeds = sorted({seed for (s, seed) in acc if s == setting} & {seed for (s, seed) in acc if s == against})
    if not seeds:
        raise KeyError(f"no seeds with both {setting} and {against} at {per_class} per class")
    d = np.array([acc[(setting, seed)] - acc[(against, seed)] for seed in seeds])
    up, down = int((d > 0).sum()), int((d < 0).sum())
    verdict = "helps" if up == len(d) else "hurts" if down == len(d) else "mixed"
    return {"diff": float(d.mean()), "std": float(d.std(ddof=1)) if len(d) > 1 else float("nan"),
            "min": float(d.min()), "max": float(d.max()), "up": up, "down": down, "n": len(d), "verdict": verdict}


def text_numbers(results: dict) -> dict[str, str]:
    """Names for the long text's placeholders, from a study's ``summary`` and ``rows``:
    ``acc_<setting>_<per_class>`` ("88.7 ± 3.5 %"), and against real only, seed by seed:
    ``diff_<setting>_<per_class>`` (mean difference in points, "+4.5"), ``lo_...`` / ``hi_...`` (the
    smallest and largest, "+2.2", "+5.8"), ``up_...`` / ``down_...`` (seeds that went up / down); the same
    for the cGAN's samples added to classic augmentation (``diff_gan_over_classic_<per_class>`` ...);
    ``seeds`` (how many seeds) and ``gan_steps``."""
    out = {"seeds": str(len(results["seeds"])), "gan_steps": str(results["config"]["gan_steps"])}
    for r in results["summary"]:
        key = f"{r['setting'].replace('+', '_')}_{r['per_class']}"
        out[f"acc_{key}"] = f"{100 * r['mean']:.1f} ± {100 * r['std']:.1f} %"
        if r["setting"] != "real":
            e = effect(results["rows"], r["per_class"], r["setting"])
            out[f"diff_{key}"] = f"{100 * e['diff']:+.1f}"
            out[f"lo_{key}"], out[f"hi_{key}"] = f"{100 * e['min']:+.1f}", f"{100 * e['max']:+.1f}"
            out[f"up_{key}"], out[f"down_{key}"] = str(e["up"]), str(e["down"])
    for pc in sorted({r["per_class"] for r in results["summary"]}):  # the cGAN on top of classic augmentation
        try:
            e = effect(results["rows"], pc, "real+classic+gan", against="real+classic")
        except KeyError:
            continue
        out[f"diff_gan_over_classic_{pc}"] = f"{100 * e['diff']:+.1f}"
        out[f"lo_gan_over_classic_{pc}"], out[f"hi_gan_over_classic_{pc}"] = f"{100 * e['min']:+.1f}", f"{100 * e['max']:+.1f}"
        out[f"up_gan_over_classic_{pc}"], out[f"down_gan_over_classic_{pc}"] = str(e["up"]), str(e["down"])
    return out


def data_problem(root: str | None = None) -> str | None:
    """Why a cell cannot run here (MNIST's t10k images are missing or short), or None when it can."""
    from .data import DatasetMissing, load_images
    from .metrics.classifier import HELD_OUT, TRAIN_SPLIT
    try:
        n = len(load_images("mnist", root=root, splits=("test",), download=False).labels)
    except (DatasetMissing, ValueError) as e:
        return str(e)
    need = TRAIN_SPLIT + HELD_OUT
    return None if n >= need else f"the MNIST t10k file holds {n} images; the study needs {need:,}"


# ============================================================================ the job engine

class StudyEngine:
    """Runs one cell as a job of :mod:`gan.jobs` (kind "augment-study"; the interface of ``gan.jobs.Engine``,
    not imported here: gan.jobs imports this module)."""

    def __init__(self, cfg: CellConfig, started_at: float | None = None):
        self.cfg = cfg.validate()
        self.started_at = started_at
        self._stop = threading.Event()
        self.step = 0
        self.total_steps = cfg.total_steps
        self._last: CellEvent | None = None

    def run(self) -> Iterator[CellEvent]:
        for ev in run_cell(self.cfg, self._stop, started_at=self.started_at):
            self.step, self.total_steps, self._last = ev.step, ev.total_steps, ev
            yield ev

    def request_stop(self) -> None:
        self._stop.set()

    def final_event(self, status: str, message: str) -> CellEvent:
        last = self._last
        if last is None:
            return CellEvent(step=0, total_steps=self.total_steps, phase="data", status=status, message=message)
        return replace(last, status=status, message=message)


    def manual_step(self, kind):
        raise ValueError("a study cell has no single steps")

    def reconfigure(self, changes: dict) -> dict:
        raise ValueError("a study cell cannot be changed while it runs")

    def save(self, folder) -> None:
        """Nothing to keep: the results travel in the events."""

