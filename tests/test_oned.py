"""The tiny 1D GAN behind the Principles page's live example."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from gan import losses, oned


def test_mixture_pdf_integrates_to_one_and_describes_itself():
    x = np.linspace(-10, 10, 4001)
    for dist in oned.DISTRIBUTIONS.values():
        assert np.trapezoid(dist.pdf(x), x) == pytest.approx(1.0, abs=1e-4)
    assert oned.DISTRIBUTIONS["gaussian"].describe() == "N(2, 0.6²)"
    assert oned.DISTRIBUTIONS["bimodal"].describe() == "0.5·N(−2, 0.5²) + 0.5·N(2, 0.5²)"


def test_mixture_sampling_matches_its_moments():
    dist = oned.distribution("bimodal")
    x = dist.sample(20000, torch.Generator().manual_seed(0))
    assert x.shape == (20000, 1)
    assert float(x.mean()) == pytest.approx(0.0, abs=0.05)
    assert float(x.var()) == pytest.approx(4.0 + 0.25, rel=0.05)


def test_unknown_distribution_lists_valid_ones():
    with pytest.raises(ValueError, match="gaussian, bimodal, skewed"):
        oned.distribution("cauchy")


def test_kde_is_a_density_close_to_the_truth():
    rng = np.random.default_rng(0)
    samples = rng.normal(1.0, 0.5, 4000)
    x = np.linspace(-2, 4, 601)
    p = oned.kde(samples, x)
    assert np.trapezoid(p, x) == pytest.approx(1.0, abs=0.01)
    truth = np.exp(-0.5 * ((x - 1) / 0.5) ** 2) / (0.5 * math.sqrt(2 * math.pi))
    assert np.abs(p - truth).max() < 0.08
    with pytest.raises(ValueError):
        oned.kde(np.array([]), x)
    assert np.isfinite(oned.kde(np.zeros(5), x)).all()   # identical samples: bandwidth floor


def test_optimal_discriminator_formula():
    p_data = np.array([1.0, 0.0, 0.5, 0.0, 0.3])
    p_g = np.array([0.0, 1.0, 0.5, 0.0, 0.1])
    d = oned.optimal_discriminator(p_data, p_g)
    np.testing.assert_allclose(d[[0, 1, 2, 4]], [1.0, 0.0, 0.5, 0.75])
    assert np.isnan(d[3])
    assert oned.EQUILIBRIUM_D_LOSS == pytest.approx(1.3862944)


def test_training_is_deterministic_and_counts_steps():
    a, b = oned.OneDGAN(seed=3), oned.OneDGAN(seed=3)
    ra, rb = a.step(5), b.step(5)
    assert ra == rb and ra.step == 5 and a.steps == 5
    assert a.step(0) is None and a.steps == 5
    assert len(a.history) == 1
    np.testing.assert_array_equal(a.generate(100), b.generate(100))
    assert not np.array_equal(oned.OneDGAN(seed=4).generate(100), a.generate(100))


def test_training_uses_the_project_losses(monkeypatch):
    calls = []
    real_d, real_g = losses.d_loss, losses.g_loss
    monkeypatch.setattr(losses, "d_loss", lambda *a, **k: calls.append(("d", a[0])) or real_d(*a, **k))
    monkeypatch.setattr(losses, "g_loss", lambda *a, **k: calls.append(("g", a[0])) or real_g(*a, **k))
    oned.OneDGAN(loss="minimax").step(2)
    assert calls == [("d", "minimax"), ("g", "minimax")] * 2


def test_generator_learns_the_target_and_d_approaches_one_half():
    gan = oned.OneDGAN(dist="gaussian", seed=0)
    start = gan.curves()
    gap0 = np.trapezoid(np.abs(start["p_g"] - start["p_data"]), start["x"])
    gan.step(200)
    c = gan.curves()
    gap = np.trapezoid(np.abs(c["p_g"] - c["p_data"]), c["x"])
    assert gap < 0.4 * gap0
    assert float(np.mean(gan.generate())) == pytest.approx(2.0, abs=0.3)
    ev = gan.evaluate()
    assert ev.d_loss == pytest.approx(oned.EQUILIBRIUM_D_LOSS, abs=0.1)
    # Where the real data lives, the optimal discriminator is near 1/2.
    core = np.abs(c["x"] - 2.0) < 0.6
    assert np.nanmean(np.abs(c["d_star"][core] - 0.5)) < 0.2


def test_curves_shapes_and_ranges():
    c = oned.OneDGAN().curves(n=120)
    assert set(c) == {"x", "p_data", "p_g", "d", "d_star"}
    assert all(v.shape == (120,) for v in c.values())
    assert np.all(np.diff(c["x"]) > 0)
    assert np.all((c["d"] > 0) & (c["d"] < 1))


@pytest.mark.parametrize("kwargs", [{"loss": "hinge"}, {"batch_size": 1}, {"lr": 0.0}, {"dist": "nope"}])
def test_bad_settings_raise_clear_errors(kwargs):
    with pytest.raises(ValueError):
        oned.OneDGAN(**kwargs)


def test_concurrent_runs_of_a_page_can_share_one_model():
    """A second click can start a new page run while the first is still training the same model."""
    import threading

    gan = oned.OneDGAN(seed=0)
    errors = []

    def work():
        try:
            gan.step(8)
            gan.curves(n=50)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors and gan.steps == 24


def test_negative_steps_raise():
    with pytest.raises(ValueError, match=">= 0"):
        oned.OneDGAN().step(-1)


def test_js_divergence_and_the_optimal_d_loss():
    x = np.linspace(-8, 8, 3201)
    p = oned.DISTRIBUTIONS["gaussian"].pdf(x)
    assert oned.js_divergence(p, p, x) == pytest.approx(0.0, abs=1e-9)
    far = np.exp(-0.5 * (x + 5) ** 2)  # no overlap with N(2, 0.6^2)
    assert oned.js_divergence(p, far, x) == pytest.approx(math.log(2), abs=1e-3)
    assert oned.optimal_d_loss(0.0) == pytest.approx(2 * math.log(2))
    assert oned.optimal_d_loss(math.log(2)) == pytest.approx(0.0)


def test_untrained_d_sits_far_above_the_optimal_d_loss_at_step_0():
    # at step 0 L_D is near 2 ln 2 only because D is untrained: D* against this G would do far better
    m = oned.OneDGAN(dist="bimodal", seed=0)
    c = m.divergence()
    assert c["jsd"] > 0.4 and c["d_loss_star"] < 0.6
    assert m.evaluate().d_loss > c["d_loss_star"] + 0.5


def test_the_1d_try_this_seed_3_sits_on_one_mode_first_most_seeds_do_not():
    before = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny networks: one thread is fastest
    shares = {}
    for seed in range(5):
        m = oned.OneDGAN(dist="bimodal", loss="ns", seed=seed)
        m.step(200)
        shares[seed] = m.smaller_mode_share()
    assert sum(v > 0.3 for v in shares.values()) >= 4, shares  # most seeds cover both modes by step 200
    assert shares[3] < 0.05, shares  # seed 3 (the page's "try this") still sits on one mode
    m = oned.OneDGAN(dist="bimodal", loss="ns", seed=3)
    m.step(600)
    share = m.smaller_mode_share()
    torch.set_num_threads(before)
    assert share > 0.3  # ... and finds the other one later
