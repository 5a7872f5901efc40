"""Every "try this" preset of the playground, run headless: what its text claims, against its
counterpart run, for at least 4 of 5 seeds (small settings, so the whole file stays fast)."""
from __future__ import annotations

import numpy as np
import pytest

from gan.plots.toy import arrow_segments
from gan.toy import presets

pytestmark = pytest.mark.usefixtures("one_torch_thread")

SEEDS = range(5)


def _wins(name: str, better) -> list[dict]:
    results = [presets.measure(name, seed) for seed in SEEDS]
    assert sum(bool(better(r)) for r in results) >= 4, results
    return results


def test_saturation_preset_arrows_differ_at_least_tenfold():
    # after 100 D updates alone, D rejects the fakes: the minimax loss's gradient vanishes there
    results = _wins("saturation", lambda r: r["B"] >= 10 * r["A"])
    # and the drawn arrows (absolute scale) differ as much as the numbers printed under the planes
    t_a, t_b = (presets.train(c, presets.PRESETS["saturation"]) for c in presets.configs(presets.PRESETS["saturation"]).values())
    drawn = [np.median(np.linalg.norm(np.diff(arrow_segments(s["arrow_xy"], s["arrow_dir"]), axis=1)[:, 0], axis=1))
             for s in (t_a.toy_snapshot(), t_b.toy_snapshot())]
    assert drawn[1] >= 10 * drawn[0] and drawn[1] > 0.05, (drawn, results)


def test_collapse_preset_minimax_covers_fewer_modes():
    results = _wins("collapse", lambda r: r["A"] < r["B"])
    assert np.mean([r["B"] for r in results]) >= 6  # the non-saturating run finds most of the 8 modes
    assert sum(r["A"] <= 3 for r in results) >= 3, results  # the minimax run often only 0 to 3


def test_more_d_steps_cover_more_modes_early():
    _wins("d_steps", lambda r: r["B"] > r["A"])


def test_wgan_gp_preset_five_d_steps_find_the_modes_one_does_not():
    # WGAN-GP as Gulrajani et al. train it (Adam betas (0, 0.9), 5 critic steps, here a faster critic than G):
    # by G step 300 run A covers most of the ring; B (1 D step per G step) overshoots and covers almost none
    results = _wins("wgan_gp", lambda r: r["A"] > r["B"])
    assert sum(r["A"] >= 5 for r in results) >= 4 and all(r["B"] <= 2 for r in results), results


def test_capacity_preset_wider_net_matches_the_spiral_better():
    _wins("capacity", lambda r: r["B"] < r["A"] - 0.05)  # JS divergence, lower is better


def test_every_preset_uses_values_the_settings_offer():
    pytest.importorskip("streamlit")
    from ui import playground_settings as ps

    options = {"loss": ps.LOSSES, "lr_d": ps.LRS, "lr_g": ps.LRS, "n_critic": ps.N_CRITIC, "depth": ps.DEPTHS,
               "width": ps.WIDTHS, "batch_size": ps.BATCHES, "latent_dim": ps.LATENTS, "dataset": list(ps.DATASETS)}
    for name, p in presets.PRESETS.items():
        for b in (False, True):
            cfg = presets.config(p, 0, b=b)
            for field, allowed in options.items():
                assert getattr(cfg, field) in allowed, (name, field)
        assert p.ab is None or p.ab[0] in ps.AB_FIELDS
