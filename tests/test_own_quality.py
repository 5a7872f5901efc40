"""Quality measures for generators trained on your own pictures (gan.metrics.own_classes), and a short training
run on the shapes set whose samples a classifier trained on the real pictures puts in the right class."""
from __future__ import annotations

import time

import pytest
import torch
from torch import nn

from gan.folders import load_folder
from gan.hub import LoadedGenerator
from gan.hub import load_folder as load_checkpoint
from gan.jobs import JobSpec, Registry
from gan.metrics.own_classes import (QualityReport, evaluate, nearest, split, to_28,
                                     train_classifier)
from gan.own_images import PRESETS, run_config
from gan.shapes import CLASSES, write_shapes
from gan.train import Trainer


@pytest.fixture(scope="module")
def shapes(tmp_path_factory):
    folder = write_shapes(tmp_path_factory.mktemp("q") / "shapes", n_per_class=40, size=32, seed=0)
    return folder, load_folder(folder, image_size=32)


class Copier(nn.Module):
    """A "generator" that returns training pictures of the asked class: the perfect memoriser (``one``: always
    the same picture of the class, a collapsed one; ``noisy``: noise instead)."""

    def __init__(self, images, labels, noisy: bool = False, one: bool = False):
        super().__init__()
        self.images, self.labels, self.noisy, self.one = images, labels, noisy, one
        self.latent_dim, self.n_classes = 4, int(labels.max()) + 1
        self.w = nn.Parameter(torch.zeros(1))

    def forward(self, z, y):
        if self.noisy:  # noise of the right colour statistics: no shapes at all
            return torch.rand(len(z), *self.images.shape[1:]) * 2 - 1
        out = []
        for zi, yi in zip(z, y):
            idx = torch.nonzero(self.labels == yi).flatten()
            out.append(self.images[idx[0 if self.one else int(zi.abs().sum() * 1000) % len(idx)]])
        return torch.stack(out)


def fake_loaded(model) -> LoadedGenerator:
    return LoadedGenerator(model=model, family="cgan", config={}, source="test")


def test_split_holds_out_a_fifth_of_each_class_but_none_of_tiny_ones():
    labels = torch.tensor([0] * 10 + [1] * 20 + [2] * 4)
    train, held = split(labels, 3)
    assert torch.bincount(labels[held], minlength=3).tolist() == [2, 4, 0]
    assert sorted(torch.cat([train, held]).tolist()) == list(range(34))


def test_nearest_distances():
    a = torch.zeros(3, 1, 2, 2)
    a[1] += 1
    a[2] -= 0.5
    d, which = nearest(a, a)
    assert d.tolist() == [0, 0, 0] and which.tolist() == [0, 1, 2]
    d, which = nearest(a, a, exclude_self=True)
    assert d.tolist() == pytest.approx([0.5, 1.0, 0.5]) and which.tolist() == [2, 0, 0]
    assert to_28(torch.zeros(2, 3, 64, 64)).shape == (2, 3, 28, 28)


def test_a_copying_generator_is_caught_and_noise_is_told_apart(shapes):
    _, data = shapes
    clf = train_classifier(data.images, data.labels, 3, steps=100)
    assert clf.held_accuracy is not None and clf.held_accuracy >= 0.9 and clf.n_held == 24
    copy = evaluate(data, fake_loaded(Copier(data.images, data.labels)), n_per_class=32, classifier=clf)
    noise = evaluate(data, fake_loaded(Copier(data.images, data.labels, noisy=True)), n_per_class=32, classifier=clf)
    assert [c.name for c in copy.classes] == list(CLASSES)
    assert all(c.copies and c.sample_nn < 1e-6 and c.accuracy >= 0.9 for c in copy.classes)
    assert all(not c.copies and c.ratio > 1 for c in noise.classes)
    assert copy.frechet < 3 * copy.frechet_floor < noise.frechet  # copies sit near the floor, noise far above
    assert copy.classes[0].pair[0].shape == (32, 32, 3) and copy.classes[0].pair[2] < 1e-6
    assert copy.trusted and copy.not_measured == []
    # spread: copies of many pictures spread like the pictures; one picture per class does not spread at all
    assert all(0.8 < c.spread_ratio < 1.25 and not c.alike for c in copy.classes)
    one = evaluate(data, fake_loaded(Copier(data.images, data.labels, one=True)), n_per_class=16, classifier=clf)
    assert all(c.alike and c.sample_spread < 1e-6 and c.real_spread > 0.2 for c in one.classes)
    assert not any(c.alike for c in noise.classes)


def test_an_unlabelled_set_says_what_is_not_measured(shapes):
    _, data = shapes
    from dataclasses import replace
    flat = replace(data, class_names=[], labels=torch.zeros_like(data.labels))
    model = nn.Sequential()
    model.latent_dim = 8

    class Plain(nn.Module):
        latent_dim = 8

        def __init__(self):
            super().__init__()
            self.w = nn.Parameter(torch.zeros(1))

        def forward(self, z):
            return torch.tanh(z[:, :1, None, None].expand(-1, 3, 32, 32) + self.w)

    rep = evaluate(flat, LoadedGenerator(model=Plain(), family="dcgan", config={}, source="t"), n_per_class=16)
    assert rep.not_measured == ["classifier"] and rep.frechet is None and rep.held_accuracy is None
    assert len(rep.classes) == 1 and rep.classes[0].accuracy is None and rep.classes[0].real_nn is not None


def test_the_quality_job_reports(shapes, tmp_path):
    folder, _ = shapes
    trainer = Trainer(run_config(str(folder), 3, True, steps=2, width=8, batch_size=8, sample_every=2))
    list(trainer.run())
    out = trainer.save(tmp_path / "run")
    job = Registry().start(JobSpec("quality", {"checkpoint": str(out), "dataset": f"folder:{folder}",
                                               "image_size": 32, "n_per_class": 8, "step": 2}), "me")
    assert job.join(300) and job.error is None and job.status == "done"
    assert isinstance(job.last.report, QualityReport) and len(job.last.report.classes) == 3


def test_a_short_run_on_shapes_draws_each_class(shapes, tmp_path):
    """The bench's claim at a shorter budget (counted in steps, not seconds, so the machine's load does not
    matter): after 150 steps of the "few hundred pictures" preset's settings, a classifier trained on the real
    pictures puts at least 80% of each class's samples in that class."""
    folder, data = shapes
    cfg = run_config(str(folder), 3, True, steps=150, augment=PRESETS["few-hundred"].augment, width=16,
                     batch_size=32, sample_every=1000, log_every=50)
    t0 = time.perf_counter()
    trainer = Trainer(cfg)
    for ev in trainer.run():
        pass
    assert ev.status == "done", ev.message
    rep = evaluate(data, load_checkpoint(trainer.save(tmp_path / "r")), n_per_class=50)
    accs = {c.name: c.accuracy for c in rep.classes}
    assert rep.trusted and min(accs.values()) >= 0.8, (accs, time.perf_counter() - t0)
