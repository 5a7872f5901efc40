"""The toy GAN's shape and loop settings: D's own depth and width, and k G updates per step (g_steps)."""
from __future__ import annotations

import pytest
import torch

from gan.train import RECONFIGURABLE, TrainConfig, Trainer


def cfg(**kw) -> TrainConfig:
    base = dict(model="toy", dataset="ring", width=16, depth=2, batch_size=32, steps=20, log_every=20,
                sample_every=20, device="cpu", lr_d=1e-3, lr_g=1e-3)
    return TrainConfig(**{**base, **kw})


def linears(module) -> list[tuple[int, int]]:
    return [(m.in_features, m.out_features) for m in module.modules() if isinstance(m, torch.nn.Linear)]


def test_d_gets_its_own_depth_and_width():
    t = Trainer(cfg(width=16, depth=2, width_d=64, depth_d=3))
    assert linears(t.G) == [(2, 16), (16, 16), (16, 2)]
    assert linears(t.D) == [(2, 64), (64, 64), (64, 64), (64, 1)]
    same = Trainer(cfg())
    assert linears(same.D) == [(2, 16), (16, 16), (16, 1)]  # None: as G's


def test_d_size_equal_to_g_gives_the_same_numbers_as_before():
    """width_d/depth_d equal to G's build the very same networks from the same seed (the presets rely on it)."""
    torch.set_num_threads(1)
    a, b = Trainer(cfg()), Trainer(cfg(width_d=16, depth_d=2))
    for _ in range(5):
        sa, sb = a.train_step(), b.train_step()
    assert float(sa["loss_d"]) == float(sb["loss_d"]) and float(sa["loss_g"]) == float(sb["loss_g"])


def test_d_size_is_checked():
    with pytest.raises(ValueError, match="width_d/depth_d"):
        cfg(width_d=0).validate()
    with pytest.raises(ValueError, match="toy models"):
        TrainConfig(model="dcgan", dataset="mnist", width_d=16).validate()


def test_k_g_steps_per_step_and_the_counts():
    t = Trainer(cfg(n_critic=2, g_steps=3))
    t.train_step()
    assert (t.step, t.d_updates, t.g_updates) == (1, 2, 3)
    t.train_step("g")  # a G step alone is one update, whatever k is
    t.train_step("d")
    assert (t.step, t.d_updates, t.g_updates) == (3, 3, 4)
    ev = t.manual_step("both")
    assert (ev.d_updates, ev.g_updates) == (5, 7)
    with pytest.raises(ValueError, match="g_steps"):
        cfg(g_steps=0).validate()


def test_g_steps_changes_mid_run_like_n_critic():
    assert "g_steps" in RECONFIGURABLE
    t = Trainer(cfg())
    t.train_step()
    weights = [p.detach().clone() for p in t.G.parameters()]
    assert t.reconfigure(g_steps=4) == {"g_steps": 4}
    assert all(torch.equal(a, b) for a, b in zip(weights, t.G.parameters()))  # nothing reset
    t.train_step()
    assert (t.step, t.g_updates) == (2, 5)


def test_k_g_steps_differ_from_one():
    """Three G updates per step train G differently from one (the setting is not ignored)."""
    torch.set_num_threads(1)
    one, three = Trainer(cfg()), Trainer(cfg(g_steps=3))
    for _ in range(3):
        one.train_step()
        three.train_step()
    assert not all(torch.equal(a, b) for a, b in zip(one.G.parameters(), three.G.parameters()))
