"""Metrics on known cases: real images near the floor, constant images far, one class = low entropy."""
import json

import numpy as np
import pytest
import torch

from gan.cli import main
from gan.hub import LoadedGenerator
from gan.metrics import classifier, core
from gan.metrics.evaluate import evaluate, format_table, image_metrics, toy_metrics
from gan.models import build

N = 300


@pytest.fixture(scope="module")
def split():
    return classifier.mnist_split()


# ----------------------------------------------------------------------------- pure functions

def test_histogram_and_entropy():
    assert core.class_histogram([0, 1, 1, 3], 4).tolist() == [0.25, 0.5, 0.0, 0.25]
    assert core.normalised_entropy(np.full(10, 0.1)) == pytest.approx(1.0)
    assert core.normalised_entropy([0, 0, 1.0, 0]) == pytest.approx(0.0)
    assert 0 < core.normalised_entropy([0.5, 0.5, 0, 0]) == pytest.approx(0.5)
    with pytest.raises(ValueError):
        core.class_histogram([])


def test_frechet_closed_forms():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(4000, 3))
    assert core.frechet_distance(a, a) == pytest.approx(0.0, abs=1e-6)
    assert core.frechet_distance(a, a + np.array([3.0, 0, 4.0])) == pytest.approx(25.0, rel=1e-6)
    # diagonal covariances: FD = sum (sqrt(a_i) - sqrt(b_i))^2
    mu = np.zeros(3)
    ca, cb = np.diag([1.0, 4.0, 9.0]), np.diag([4.0, 4.0, 1.0])
    assert core.frechet_from_stats(mu, ca, mu, cb) == pytest.approx(1.0 + 0.0 + 4.0)
    # symmetric, and equal to the trace formula with a general covariance
    m = rng.normal(size=(3, 3))
    c2 = m @ m.T + np.eye(3)
    assert core.frechet_from_stats(mu, ca, mu, c2) == pytest.approx(core.frechet_from_stats(mu, c2, mu, ca))


# ----------------------------------------------------------------------------- the classifier

def test_classifier_loads_strictly_and_is_accurate(split):
    probs = classifier.classify_images(split.held_images[:N])
    assert probs.shape == (N, 10)
    assert torch.allclose(probs.sum(1), torch.ones(N), atol=1e-5)
    acc = float((probs.argmax(1) == split.held_labels[:N]).float().mean())
    assert acc >= 0.97
    assert classifier.classifier_accuracy() >= 0.985


def test_classify_accepts_rgb_and_other_sizes(split):
    x = split.held_images[:20]
    rgb64 = torch.nn.functional.interpolate(x, size=64, mode="bilinear").repeat(1, 3, 1, 1)
    same = (classifier.classify_images(rgb64).argmax(1) == classifier.classify_images(x).argmax(1)).float().mean()
    assert same >= 0.9
    with pytest.raises(ValueError):
        classifier.classify_images(torch.zeros(2, 2, 28, 28))


# ----------------------------------------------------------------------------- image metrics on known cases

def test_real_images_score_near_the_floor(split):
    # training-split images that the floor itself does not use
    x, y = split.train_images[4000:4000 + N], split.train_labels[4000:4000 + N]
    res = image_metrics(x, labels=y)
    assert res["frechet_n"] == N
    assert res["class_accuracy"] >= 0.97
    assert res["class_entropy"] >= 0.97
    assert res["frechet_ratio"] < 1.6
    assert res["frechet_floor"] > 0


def test_constant_image_scores_badly(split):
    for value in (-1.0, 0.0):
        res = image_metrics(torch.full((N, 1, 28, 28), value), labels=torch.arange(N) % 10)
        assert res["frechet_ratio"] > 10
        assert res["class_entropy"] == pytest.approx(0.0, abs=1e-9)
        assert res["class_accuracy"] <= 0.11


def test_single_class_has_low_entropy(split):
    threes = split.train_images[split.train_labels == 3][:N]
    res = image_metrics(threes, labels=torch.full((len(threes),), 3))
    assert res["class_entropy"] < 0.2
    assert res["class_accuracy"] >= 0.95
    assert res["frechet_ratio"] > 5  # one class is far from the real mix


def test_noise_images_score_badly():
    g = torch.Generator().manual_seed(0)
    res = image_metrics(torch.rand(N, 1, 28, 28, generator=g) * 2 - 1)
    assert res["frechet_ratio"] > 10
    assert res["class_accuracy"] is None


# ----------------------------------------------------------------------------- generators

def _loaded(family: str, **kw) -> LoadedGenerator:
    torch.manual_seed(0)
    model = build(family, **kw).eval()
    return LoadedGenerator(model, family, {"model_type": family, **kw}, "tiny-" + family)


def test_evaluate_tiny_conditional_generator():
    res = evaluate(_loaded("cgan", latent_dim=8, width=8, embed_dim=4), n=100, seed=1)
    assert res["kind"] == "image" and res["conditional"]
    assert 0 <= res["class_accuracy"] <= 1
    assert len(res["class_histogram"]) == 10 and sum(res["class_histogram"]) == pytest.approx(1, abs=1e-3)
    assert res["frechet"] > res["frechet_floor"]
    json.dumps(res)  # serialisable
    again = evaluate(_loaded("cgan", latent_dim=8, width=8, embed_dim=4), n=100, seed=1)
    assert again["frechet"] == pytest.approx(res["frechet"])


def test_evaluate_refuses_other_kinds_and_datasets():
    with pytest.raises(ValueError, match="not noise-to-image"):
        evaluate(LoadedGenerator(torch.nn.Identity(), "cyclegan", {}, "x"), n=100)
    fashion = _loaded("dcgan", latent_dim=8, width=8)
    fashion.config["gan_studio"] = {"train_config": {"dataset": "fashion-mnist"}}
    with pytest.raises(ValueError, match="only knows MNIST"):
        evaluate(fashion, n=100)
    with pytest.raises(ValueError):
        evaluate(fashion, n=5)


# ----------------------------------------------------------------------------- toy metrics

def test_toy_metrics_perfect_and_collapsed():
    from gan.data import sample_toy
    real = sample_toy("ring", 2000, torch.Generator().manual_seed(0)).numpy()
    good = toy_metrics(sample_toy("ring", 2000, torch.Generator().manual_seed(1)).numpy(), "ring", real)
    assert good["modes_covered"] == 8 and good["high_quality"] > 0.97 and good["js"] < 0.2
    collapsed = np.tile([[2.0, 0.0]], (2000, 1)) + 0.01 * np.random.default_rng(0).normal(size=(2000, 2))
    bad = toy_metrics(collapsed, "ring", real)
    assert bad["modes_covered"] == 1 and bad["js"] > 0.4 and bad["kl"] > good["kl"]
    assert "modes_covered" not in toy_metrics(real, "spiral")


def test_evaluate_toy_generator():
    loaded = _loaded("toy", latent_dim=2, hidden=8, depth=2)
    loaded.config["gan_studio"] = {"train_config": {"dataset": "grid"}}
    res = evaluate(loaded, n=500)
    assert res["kind"] == "toy" and res["n_modes"] == 25 and 0 <= res["high_quality"] <= 1
    assert "KL" in format_table(res)
    loaded.config["gan_studio"] = {"train_config": {"dataset": "custom"}}
    with pytest.raises(ValueError, match="user-drawn"):
        evaluate(loaded, n=500)


# ----------------------------------------------------------------------------- CLI

def test_cli_eval_json_and_table(capsys, tmp_path):
    from gan.hub import save_generator
    loaded = _loaded("cgan", latent_dim=8, width=8, embed_dim=4)
    save_generator(loaded.model, tmp_path / "g")
    assert main(["eval", str(tmp_path / "g"), "--n", "100", "--json"]) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["n"] == 100 and "frechet_floor" in res and res["class_accuracy"] is not None
    assert main(["eval", str(tmp_path / "g"), "--n", "100"]) == 0
    out = capsys.readouterr().out
    assert "real-vs-real floor" in out and "class accuracy" in out


@pytest.mark.parametrize("argv", [["eval", "no/such-model-here"], ["eval", "/nonexistent/folder"],
                                  ["eval", "cgan-mnist", "--n", "5"], ["eval", "cgan-mnist", "--n", "x"]])
def test_cli_eval_errors_are_one_line(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and "\n" not in err and "Traceback" not in err
