"""Quality you can read for a generator trained on your own pictures, where no labelled classifier exists.

Two measures, both from the visitor's own set, both computed in the session:

* **Memorisation check (nearest neighbours).** For each class, the root-mean-square pixel difference
  (pixels in [-1, 1]) from each sample to its nearest training picture of the same class, against the
  same distance from each training picture to its nearest *other* training picture. Samples much closer
  to the training pictures than those are to each other are likely copies.
* **Spread (mode collapse within a class).** The median distance between two samples of a class against
  the same between two of its pictures: samples that all look alike spread far less than the pictures.
* **A classifier trained on your classes.** A small CNN (:class:`gan.models.classifier.MNISTClassifier`,
  on pictures resized to 28 px) learns the set's classes from 80% of each class; the other 20% measure
  it. It then says which class each sample looks like (per-class accuracy of the samples), and its 32-d
  penultimate features give a Fréchet distance between samples and pictures, next to the floor: the same
  distance between two halves of the pictures.

A set without class folders has no classes to learn, so only the nearest-neighbour check is made there;
:attr:`QualityReport.not_measured` says what was not measured. :class:`QualityEngine` runs the whole
measurement as a job (:mod:`gan.jobs`, kind ``quality``). No Streamlit here.
"""
from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F

from ..images import images_uint8
from .core import frechet_distance

CLASSIFIER_STEPS = (150, 600)  # the classifier's steps: 8 passes over the pictures, within these bounds
HELD_SHARE = 0.2
MIN_HELD_CLASS = 5  # a class needs this many pictures to give some to the held-out part
FEATURE_DIM = 32
COPY_RATIO = 0.5  # samples nearer than this share of the pictures' own spacing: likely copies
ALIKE_RATIO = 0.5  # samples spread less than this share of the pictures' spread: they look alike (mode collapse)
MAX_SPREAD_N = 256  # pictures per class compared pairwise for the spread
TRUST_ACCURACY = 0.8  # the classifier's held-out accuracy below which its verdicts are not trusted


def to_28(images: torch.Tensor) -> torch.Tensor:
    """(B, C, S, S) -> (B, C, 28, 28), the classifier's input size."""
    if images.shape[-1] == 28:
        return images
    return F.interpolate(images, size=(28, 28), mode="area" if images.shape[-1] > 28 else "bilinear",
                         align_corners=None if images.shape[-1] > 28 else False)


def split(labels: torch.Tensor, n_classes: int, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """(train, held-out) indices: 20% of each class held out (none from a class of under 5 pictures)."""
    gen = torch.Generator().manual_seed(seed)
    train, held = [], []
    for c in range(n_classes):
        idx = torch.nonzero(labels == c).flatten()
        idx = idx[torch.randperm(len(idx), generator=gen)]
        k = int(len(idx) * HELD_SHARE) if len(idx) >= MIN_HELD_CLASS else 0
        held.append(idx[:k])
        train.append(idx[k:])
    return torch.cat(train), torch.cat(held)


@dataclass
class SessionClassifier:
    model: torch.nn.Module
    held_accuracy: float | None  # on the held-out 20% (None when no class had enough pictures)
    n_train: int
    n_held: int
    seconds: float

    @torch.inference_mode()
    def features_and_logits(self, images: torch.Tensor, batch: int = 256) -> tuple[torch.Tensor, torch.Tensor]:
        feats, logits = [], []
        for i in range(0, len(images), batch):
            f, lg = self.model.features_and_logits(to_28(images[i:i + batch]))
            feats.append(f)
            logits.append(lg)
        return torch.cat(feats), torch.cat(logits)

    def predict(self, images: torch.Tensor) -> torch.Tensor:
        return self.features_and_logits(images)[1].argmax(1)


def classifier_steps(n_images: int, batch: int = 64) -> int:
    lo, hi = CLASSIFIER_STEPS
    return int(min(hi, max(lo, math.ceil(8 * n_images / batch))))


def train_classifier(images: torch.Tensor, labels: torch.Tensor, n_classes: int, *, steps: int | None = None,
                     batch: int = 64, lr: float = 3e-3, width: int = 16, seed: int = 0,
                     stop: threading.Event | None = None) -> SessionClassifier:
    """Train the small classifier on 80% of each class of ``images`` (N, C, S, S); measure it on the rest."""
    from ..models.classifier import MNISTClassifier
    from .classifier import _augment
    t0 = time.perf_counter()
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    train_idx, held_idx = split(labels, n_classes, seed)
    x, y = to_28(images[train_idx]), labels[train_idx]
    steps = steps or classifier_steps(len(x), batch)
    model = MNISTClassifier(n_classes=n_classes, channels=images.shape[1], width=width, feature_dim=FEATURE_DIM)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=steps)
    model.train()
    for step in range(steps):
        if stop is not None and stop.is_set():
            break
        idx = torch.randint(len(x), (min(batch, len(x)),), generator=gen)
        loss = F.cross_entropy(model(_augment(x[idx], gen)), y[idx], label_smoothing=0.05)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
    model.eval()
    for p in model.parameters():
        p.requires_grad_(False)
    clf = SessionClassifier(model, None, len(train_idx), len(held_idx), 0.0)
    if len(held_idx):
        clf.held_accuracy = float((clf.predict(images[held_idx]) == labels[held_idx]).float().mean())
    clf.seconds = time.perf_counter() - t0
    return clf


def nearest(a: torch.Tensor, b: torch.Tensor, exclude_self: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
    """For each image of ``a`` (N, ...): the RMS pixel difference to its nearest image of ``b`` (M, ...), and
    which one. ``exclude_self`` (``a`` is ``b``): an image is not its own neighbour."""
    fa, fb = a.flatten(1).double(), b.flatten(1).double()
    d = torch.cdist(fa, fb) / math.sqrt(fa.shape[1])  # (N, M) root-mean-square differences
    if exclude_self:
        d.fill_diagonal_(float("inf"))
    best, which = d.min(1)
    return best.float(), which


def spread(images: torch.Tensor, limit: int = MAX_SPREAD_N) -> float | None:
    """The median RMS pixel difference between two different images of ``images`` (its first ``limit``)."""
    f = images[:limit].flatten(1).double()
    if len(f) < 2:
        return None
    d = torch.cdist(f, f) / math.sqrt(f.shape[1])
    i, j = torch.triu_indices(len(f), len(f), offset=1)
    return float(d[i, j].median())


@dataclass
class ClassQuality:
    name: str
    n_real: int
    sample_nn: float  # median distance from a sample to its nearest picture of the class
    real_nn: float | None  # median distance from a picture to its nearest other picture (None: one picture)
    accuracy: float | None  # share of the class's samples the classifier puts in the class
    pair: tuple[np.ndarray, np.ndarray, float] | None = None  # the closest (sample, picture, distance)
    sample_spread: float | None = None  # median distance between two samples of the class
    real_spread: float | None = None  # median distance between two pictures of the class

    @property
    def ratio(self) -> float | None:
        return self.sample_nn / self.real_nn if self.real_nn else None

    @property
    def copies(self) -> bool:
        return self.ratio is not None and self.ratio < COPY_RATIO

    @property
    def spread_ratio(self) -> float | None:
        return self.sample_spread / self.real_spread if self.real_spread and self.sample_spread is not None else None

    @property
    def alike(self) -> bool:
        """The samples look alike: mode collapse within the class."""
        return self.spread_ratio is not None and self.spread_ratio < ALIKE_RATIO


@dataclass
class QualityReport:
    classes: list[ClassQuality]
    n_per_class: int
    held_accuracy: float | None = None
    n_held: int = 0
    frechet: float | None = None
    frechet_floor: float | None = None
    frechet_n: int = 0
    not_measured: list[str] = field(default_factory=list)  # "classifier" (no classes), "held_out"
    seconds: float = 0.0

    @property
    def trusted(self) -> bool:
        """The classifier did well enough on held-out pictures for its verdicts on samples to mean something."""
        return self.held_accuracy is not None and self.held_accuracy >= TRUST_ACCURACY


def _samples(loaded, labels: list[int] | None, n: int, seed: int) -> torch.Tensor:
    from ..sampling import generate
    out = []
    for i in range(0, n, 1024):
        chunk = None if labels is None else labels[i:i + 1024]
        out.append(generate(loaded, min(1024, n - i), seed=seed + i, labels=chunk))
    return torch.cat(out).cpu()


def evaluate(data, loaded, *, n_per_class: int = 64, seed: int = 0, classifier: SessionClassifier | None = None,
             stop: threading.Event | None = None) -> QualityReport:
    """Measure ``loaded`` (a generator from :mod:`gan.hub`) against ``data`` (:class:`gan.folders.FolderData`)."""
    t0 = time.perf_counter()
    real, labels = data.images.float(), data.labels
    labelled = data.labelled and loaded.conditional
    names = data.class_names if labelled else [""]
    groups = list(range(len(names)))
    report = QualityReport([], n_per_class)
    if labelled:
        clf = classifier or train_classifier(real, labels, data.n_classes, seed=seed, stop=stop)
        report.held_accuracy, report.n_held = clf.held_accuracy, clf.n_held
        if clf.held_accuracy is None:
            report.not_measured.append("held_out")
    else:
        clf = None
        report.not_measured.append("classifier")
    for c in groups:
        mine = real[labels == c] if labelled else real
        fake = _samples(loaded, [c] * n_per_class if labelled else None, n_per_class, seed + 7919 * c)
        if fake.shape[1] != mine.shape[1]:  # a colour generator on a grey set or back: compare in grey
            fake, mine = fake.mean(1, keepdim=True), mine.mean(1, keepdim=True)
        d_fake, which = nearest(fake, mine)
        d_real = nearest(mine, mine, exclude_self=True)[0] if len(mine) > 1 else None
        best = int(d_fake.argmin())
        pair = (images_uint8(fake[best:best + 1])[0], images_uint8(mine[which[best]:which[best] + 1])[0],
                float(d_fake[best]))
        acc = float((clf.predict(fake) == c).float().mean()) if clf is not None else None
        report.classes.append(ClassQuality(names[c], len(mine), float(d_fake.median()),
                                           float(d_real.median()) if d_real is not None else None, acc, pair,
                                           spread(fake), spread(mine)))
    if clf is not None:
        report.frechet, report.frechet_floor, report.frechet_n = _frechet(clf, data, loaded, seed)
    report.seconds = time.perf_counter() - t0
    return report


def _frechet(clf: SessionClassifier, data, loaded, seed: int) -> tuple[float, float, int]:
    """(samples vs pictures, the floor: two halves of the pictures, samples per side): the same sizes each."""
    gen = torch.Generator().manual_seed(seed + 1)
    perm = torch.randperm(len(data.images), generator=gen)
    m = len(perm) // 2
    a, b = perm[:m], perm[m:2 * m]
    fake_labels = data.labels[b].tolist()  # the samples' classes as often as in the pictures they stand in for
    fake = _samples(loaded, fake_labels, m, seed + 104729)
    f_real = clf.features_and_logits(data.images.float())[0]
    f_fake = clf.features_and_logits(fake)[0]
    return frechet_distance(f_fake, f_real[a]), frechet_distance(f_real[b], f_real[a]), m


# ----------------------------------------------------------------------------- as a job

@dataclass(frozen=True)
class QualityEvent:
    step: int
    total: int
    status: str = "running"
    message: str = ""
    report: QualityReport | None = None

    @property
    def finished(self) -> bool:
        return self.status != "running"


class QualityEngine:
    """The measurement as a :mod:`gan.jobs` engine: config ``checkpoint`` (a run's folder), ``dataset``
    ("folder:DIR"), ``image_size``, ``n_per_class``, ``seed``, ``step``. Its last event carries the report."""

    def __init__(self, checkpoint: str, dataset: str, image_size: int, n_per_class: int = 64, seed: int = 0,
                 step: int = 0):  # step: the checkpoint's training step (it names the measurement, nothing more)
        self.checkpoint, self.dataset, self.image_size = checkpoint, dataset, image_size
        self.n_per_class, self.seed = n_per_class, seed
        self._stop = threading.Event()
        self.step, self.total_steps = 0, 1

    def run(self):
        from ..folders import folder_of, load_folder
        from ..hub import load_folder as load_checkpoint
        data = load_folder(folder_of(self.dataset), image_size=self.image_size)
        loaded = load_checkpoint(self.checkpoint)
        yield QualityEvent(0, self.total_steps, message="training the classifier")

        report = evaluate(data, loaded, n_per_class=self.n_per_class, seed=self.seed, stop=self._stop)
        if self._stop.is_set():
            yield QualityEvent(self.step, self.total_steps, "stopped", "stopped")
            return
        self.step = self.total_steps
        yield QualityEvent(self.step, self.total_steps, "done", f"measured in {report.seconds:.0f} s", report)

    def request_stop(self) -> None:
        self._stop.set()

    def final_event(self, status: str, message: str):
        return QualityEvent(self.step, self.total_steps, status, message)

    def manual_step(self, kind):
        raise ValueError("a quality measurement has no single steps")

    def reconfigure(self, changes: dict) -> dict:
        raise ValueError("a quality measurement cannot be changed while it runs")

    def save(self, folder) -> None:
        """Nothing to keep: the report travels in the last event."""
