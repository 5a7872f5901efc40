"""gan.augmentation_study: the few-shot draw, a tiny cell end to end (every setting, accuracies in [0, 1]),
stopping, the study's summary and verdicts, the job engine, the CLI's one-line errors, and the bundled
table: consistent with its own rows, small, and every claim of the page's text (en and zh) true of it."""
from __future__ import annotations

import string
import threading
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch

from gan import augmentation_study as A
from gan.metrics.classifier import TRAIN_SPLIT, mnist_split

ROOT = Path(__file__).resolve().parent.parent
TINY = A.CellConfig(per_class=2, seed=0, gan_steps=6, clf_steps=6, clf_batch=16, pool_per_class=3, held_out=40,
                    progress_every=3)


@pytest.fixture(scope="module")
def split():
    return mnist_split()


def test_few_shot_draws_per_class_images_from_the_training_split_only(split):
    x, y, idx = A.few_shot(5, 0, split.train_images, split.train_labels)
    assert x.shape == (50, 1, 28, 28) and torch.equal(torch.bincount(y, minlength=10), torch.full((10,), 5))
    assert int(idx.max()) < TRAIN_SPLIT and len(set(idx.tolist())) == 50
    assert torch.equal(split.train_labels[idx], y) and torch.equal(split.train_images[idx], x)
    _, _, again = A.few_shot(5, 0, split.train_images, split.train_labels)
    _, _, other = A.few_shot(5, 1, split.train_images, split.train_labels)
    assert torch.equal(idx, again) and not torch.equal(idx, other)
    with pytest.raises(ValueError, match=r"class \d has only \d+ images"):
        A.few_shot(3, 0, split.train_images[:20], split.train_labels[:20])


def test_tiny_cell_runs_every_setting_end_to_end(split):
    events = list(A.run_cell(TINY, split=split))
    last = events[-1]
    assert last.status == "done" and last.finished and last.phase == "done"
    assert set(last.accuracies) == set(A.SETTINGS)
    assert all(0.0 <= a <= 1.0 for a in last.accuracies.values())
    assert last.gan_step == TINY.gan_steps and last.step == last.total_steps == TINY.total_steps
    assert [e.step for e in events] == sorted(e.step for e in events)  # progress only goes forward
    assert {e.phase for e in events} == {"data", "gan", "classifier", "done"}
    assert last.real_grid.dtype == np.uint8 and last.real_grid.shape == (2 * 30 + 2, 10 * 30 + 2)  # 2 rows, 10 digits
    assert last.samples.shape == (3 * 30 + 2, 10 * 30 + 2)  # the pool: 3 samples of each digit
    assert set(last.seconds) == {"gan", *A.SETTINGS}


def test_without_gan_settings_no_gan_is_trained(split):
    cfg = replace(TINY, settings=("real", "real+classic"))
    last = list(A.run_cell(cfg, split=split))[-1]
    assert last.status == "done" and last.gan_step == 0 and last.samples is None
    assert set(last.accuracies) == {"real", "real+classic"} and last.total_steps == 2 * cfg.clf_steps


def test_every_setting_starts_from_the_same_weights_and_sees_different_data(split):
    a, b = A.new_classifier(7), A.new_classifier(7)
    assert all(torch.equal(p, q) for p, q in zip(a.state_dict().values(), b.state_dict().values()))
    x, y, _ = A.few_shot(2, 0, split.train_images, split.train_labels)
    pool = (torch.zeros(10, 1, 28, 28) - 1, torch.arange(10))
    cfg = replace(TINY, clf_steps=3, progress_every=3)
    models = {s: list(A.train_classifier(x, y, s, cfg, pool=pool))[-1][1] for s in ("real", "real+gan")}
    w = [m.head.weight for m in models.values()]
    assert not torch.equal(*w)
    with pytest.raises(ValueError, match="needs the cGAN"):
        next(A.train_classifier(x, y, "real+gan", cfg))


def test_a_stop_request_ends_the_cell_as_stopped(split):
    stop = threading.Event()
    events = []
    for ev in A.run_cell(replace(TINY, gan_steps=400), stop=stop, split=split):
        events.append(ev)
        if ev.phase == "gan":
            stop.set()
    assert events[-1].status == "stopped" and events[-1].gan_step < 400 and not events[-1].accuracies


@pytest.mark.parametrize("change, message", [
    (dict(per_class=0), "per_class"), (dict(per_class=501), "per_class"), (dict(gan_fraction=1.0), "gan_fraction"),
    (dict(settings=("real", "magic")), "unknown setting 'magic'"), (dict(gan_seconds=-1.0), "gan_seconds"),
    (dict(gan_augment="blur"), "unknown augmentation"), (dict(settings=()), "at least one"),
])
def test_bad_settings_are_refused_with_a_message(change, message):
    with pytest.raises(ValueError, match=message):
        replace(TINY, **change).validate()


def test_summary_is_mean_and_sample_std_and_effects_are_judged_seed_by_seed():
    rows = [{"per_class": 10, "setting": s, "seed": i, "accuracy": a}
            for s, accs in (("real", (0.80, 0.82, 0.84)), ("real+gan", (0.90, 0.91, 0.92)),
                            ("real+classic", (0.79, 0.83, 0.85)), ("real+classic+gan", (0.78, 0.81, 0.83)))
            for i, a in enumerate(accs)]
    s = A.summarise(rows)
    real = A.cell(s, 10, "real")
    assert real["mean"] == pytest.approx(0.82) and real["std"] == pytest.approx(0.02) and real["n"] == 3
    assert [r["setting"] for r in s] == list(A.SETTINGS)  # the order of SETTINGS
    gan = A.effect(rows, 10, "real+gan")
    assert gan["verdict"] == "helps" and gan["up"] == 3 and gan["diff"] == pytest.approx(0.09)
    assert gan["min"] == pytest.approx(0.08) and gan["max"] == pytest.approx(0.10)
    classic = A.effect(rows, 10, "real+classic")  # -1, +1, +1 points: not every seed agrees
    assert classic["verdict"] == "mixed" and (classic["up"], classic["down"]) == (2, 1)
    assert A.effect(rows, 10, "real+classic+gan")["verdict"] == "hurts"
    assert A.effect(rows, 10, "real", against="real+gan")["verdict"] == "hurts"
    with pytest.raises(KeyError):
        A.effect(rows, 50, "real+gan")
    nums = A.text_numbers({"summary": s, "rows": rows, "seeds": [0, 1, 2], "config": {"gan_steps": 500}})
    assert nums["acc_real_10"] == "82.0 ± 2.0 %" and nums["diff_real_gan_10"] == "+9.0"
    assert (nums["lo_real_gan_10"], nums["hi_real_gan_10"]) == ("+8.0", "+10.0") and nums["up_real_classic_10"] == "2"
    assert nums["down_real_classic_10"] == "1" and nums["seeds"] == "3"
    assert nums["diff_gan_over_classic_10"] == "-1.7" and nums["down_gan_over_classic_10"] == "3"
    table = A.format_table(s)
    assert "82.0 +-  2.0" in table and "real+gan" in table


def test_the_job_engine_runs_a_cell_through_the_job_layer():
    from gan.jobs import REGISTRY, JobSpec
    config = {**vars(replace(TINY, settings=("real", "real+gan"))), "settings": ["real", "real+gan"]}
    job = REGISTRY.start(JobSpec("augment-study", config, tag="augment"), "test-owner-augment")
    assert job.join(180), "the cell did not finish"
    assert job.error is None and job.status == "done"
    assert set(job.last.accuracies) == {"real", "real+gan"} and job.grids  # the cGAN's sample grids arrived
    assert job.history == []  # no loss curves: a cell's events carry accuracies


def test_mode_seeking_term_is_finite_and_trains():
    from gan.data import ImageData
    from gan.train import Trainer, recipe_config
    data = ImageData(torch.rand(20, 1, 28, 28) * 2 - 1, torch.arange(20) % 10, "mnist", ("test",), "random")
    tr = Trainer(recipe_config("cgan", steps=3, mode_seeking=0.5, batch_size=8, log_every=1, sample_every=100),
                 data=data)
    z = tr._sample_z(8)
    y = torch.arange(8) % 10
    term = tr._mode_seeking(z, y, tr.G(z, y))
    assert torch.isfinite(term) and float(term.detach()) > 0
    assert list(tr.run())[-1].status == "done"
    with pytest.raises(ValueError, match="mode_seeking"):
        recipe_config("cgan", mode_seeking=11.0).validate()


def test_cli_bad_input_is_one_line_and_exit_2(capsys):
    from gan.cli import main
    for argv, text in ((["augment-study", "--per-class", "0"], "at least 1"),
                       (["augment-study", "--per-class", "900"], "per_class must be between 1 and 500"),
                       (["augment-study", "--seconds", "-3"], "gan_seconds"),
                       (["augment-study", "--seeds", "x"], "invalid int value")):
        assert main(argv) == 2
        err = capsys.readouterr().err.strip()
        assert text in err and len(err.splitlines()) == 1 and "Traceback" not in err


# ------------------------------------------------------------------------------------ the bundled table

@pytest.fixture(scope="module")
def bundled():
    return A.load_results()


def test_bundled_table_covers_the_study_and_matches_its_own_rows(bundled):
    s = bundled["summary"]
    assert {r["per_class"] for r in s} == {10, 50} and len(bundled["seeds"]) >= 3
    assert {(r["per_class"], r["setting"]) for r in s} == {(pc, st) for pc in (10, 50) for st in A.SETTINGS}
    assert all(r["n"] == len(bundled["seeds"]) and 0 < r["mean"] <= 1 and r["std"] >= 0 for r in s)
    assert A.summarise(bundled["rows"]) == s  # the table is what its rows give
    assert len(bundled["cells"]) == 2 * len(bundled["seeds"])
    cfg = A.CellConfig(**{k: v for k, v in bundled["config"].items()})
    assert cfg.validate().held_out == 2000  # every held-out image was scored
    for g in bundled["grids"].values():
        assert (A.RESULTS_DIR / g["real"]).is_file() and (A.RESULTS_DIR / g["samples"]).is_file()
    size = sum(p.stat().st_size for p in A.RESULTS_DIR.iterdir())
    assert size < 500_000, f"{size} bytes bundled"


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


# (per_class, setting, verdict against real only, a phrase of the English text, a phrase of the Chinese text)
# that states it. The text says it; this checks the bundled numbers agree.
CLAIMS = [
    dict(per_class=10, setting="real+classic", verdict="helps",
         en="raised the accuracy for every seed", zh="让每个种子的准确率都提高了"),
    dict(per_class=10, setting="real+gan", verdict="mixed", mean_at_most=0.0,
         en="The cGAN's samples did not help", zh="条件 GAN 的样本没有帮助"),
    dict(per_class=10, setting="real+classic+gan", against="real+classic", verdict="hurts",
         en="Added on top of classic augmentation, they lowered the accuracy for every seed",
         zh="在经典数据增强之外再加入它们，每个种子的准确率都下降了"),
    dict(per_class=50, setting="real+classic", verdict="mixed",
         en="not better for every seed", zh="并非每个种子都更好"),
    dict(per_class=50, setting="real+gan", verdict="hurts",
         en="The cGAN's samples lowered the accuracy for every seed", zh="条件 GAN 的样本让每个种子的准确率都下降了"),
    dict(per_class=50, setting="real+classic+gan", against="real+classic", verdict="hurts",
         en="On top of classic augmentation they lowered it for every seed as well",
         zh="每个种子的准确率同样都下降了"),
]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_claim_of_the_text_holds_in_the_bundled_table(bundled, lang):
    text = (ROOT / "content" / lang / "data_augmentation.md").read_text(encoding="utf-8")
    numbers = A.text_numbers(bundled)
    assert _placeholders(text) <= set(numbers), _placeholders(text) - set(numbers)
    assert {"acc_real_10", "acc_real_gan_10", "acc_real_50", "acc_real_gan_50"} <= _placeholders(text)
    filled = text.format_map(numbers)
    assert "{" not in filled and "}" not in filled
    flat = " ".join(text.split())  # phrases may wrap across lines
    for claim in CLAIMS:
        assert claim[lang] in flat, f"the {lang} text no longer says: {claim[lang]!r}"
        got = A.effect(bundled["rows"], claim["per_class"], claim["setting"], claim.get("against", "real"))
        assert got["verdict"] == claim["verdict"], (claim, got)
        if "mean_at_most" in claim:
            assert got["diff"] <= claim["mean_at_most"], (claim, got)
    # the method as the text describes it
    cfg = bundled["config"]
    assert cfg["held_out"] == 2000 and cfg["gan_fraction"] == 0.5 and cfg["gan_augment"] == "translation,cutout"
    assert cfg["gan_mode_seeking"] > 0 and sorted(bundled["per_class"]) == [10, 50]


def test_the_ten_images_are_the_first_ten_of_the_fifty(split):
    for seed in (0, 1, 2):
        _, y10, i10 = A.few_shot(10, seed, split.train_images, split.train_labels)
        _, y50, i50 = A.few_shot(50, seed, split.train_images, split.train_labels)
        for c in range(10):
            assert torch.equal(i10[y10 == c], i50[y50 == c][:10])
