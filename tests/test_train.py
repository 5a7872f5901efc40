import dataclasses
import threading
import time
from dataclasses import asdict

import pytest
import torch

from gan import train as T
from gan.hub import load_folder
from gan.metrics.core import toy_mode_stats


def toy_cfg(**kw):
    base = dict(model="toy", dataset="ring", steps=50, batch_size=64, width=32, depth=2, log_every=5,
                sample_every=25, device="cpu", seed=0, lr_d=1e-3, lr_g=1e-3)
    base.update(kw)
    return T.TrainConfig(**base)


@pytest.fixture(scope="module")
def tiny_mnist():
    from gan.data import load_images
    return load_images("mnist", limit=256)


def test_toy_gan_really_learns_the_ring():
    cfg = toy_cfg(steps=2500, batch_size=256, width=128, depth=3, log_every=100, sample_every=2500)
    events = list(T.Trainer(cfg).run())
    assert events[-1].status == "done" and events[-1].step == 2500
    stats = toy_mode_stats(events[-1].toy["fake"], "ring")
    assert stats["modes_covered"] >= 7 and stats["high_quality"] >= 0.70, stats


def test_events_are_frozen_and_complete():
    events = list(T.Trainer(toy_cfg()).run())
    ev = events[0]
    with pytest.raises(Exception):
        ev.step = 3
    assert [e.step for e in events if e.status == "running"] == list(range(5, 51, 5))
    for e in events[:-1]:
        assert all(v == v for v in (e.loss_d, e.loss_g, e.d_real, e.d_fake, e.grad_norm_d, e.grad_norm_g))
        assert 0 <= e.d_real <= 1 and e.images_per_sec > 0
    snap = [e for e in events if e.toy is not None][0].toy
    assert snap["d_grid"].shape == (40, 40) and snap["manifold"].shape == (21, 21, 2)
    assert snap["arrow_xy"].shape == snap["arrow_dir"].shape


def test_stop_within_one_step():
    stop = threading.Event()
    tr = T.Trainer(toy_cfg(steps=100_000, log_every=1), stop_event=stop)
    it = tr.run()
    next(it)
    stop.set()
    ev = next(it)
    assert ev.status == "stopped" and ev.step == 1


def test_nan_stops_and_keeps_last_good_weights():
    tr = T.Trainer(toy_cfg(lr_d=1e30, lr_g=1e30, optimizer="sgd", log_every=1, steps=100))
    events = list(tr.run())
    last = events[-1]
    assert last.status == "failed" and "learning rate" in last.message
    assert all(torch.isfinite(p).all() for p in tr.G.parameters())
    assert all(torch.isfinite(p).all() for p in tr.D.parameters())
    assert tr.step == last.step < 100


def test_image_training_checkpoint_and_resume(tmp_path, tiny_mnist):
    cfg = T.TrainConfig(model="cgan", dataset="mnist", steps=6, batch_size=16, width=8, latent_dim=8, log_every=3,
                        sample_every=3, device="cpu", ema=0.9, n_samples=20)
    tr = T.Trainer(cfg, data=tiny_mnist)
    events = list(tr.run())
    assert events[-1].status == "done" and events[-1].samples.shape == (2 * 30 + 2, 10 * 30 + 2)
    tr.save(tmp_path / "run")
    loaded = load_folder(tmp_path / "run")
    assert loaded.config["gan_studio"]["train_config"] == asdict(cfg) and loaded.discriminator is not None
    again = T.Trainer.resume(tmp_path / "run", steps=9, data=tiny_mnist)
    assert again.step == 6 and again.total_steps == 9
    assert torch.equal(again.G_ema.state_dict()["embed.weight"], tr.G_ema.state_dict()["embed.weight"])
    assert again.opt_g.state_dict()["state"][0]["step"] == tr.opt_g.state_dict()["state"][0]["step"]
    assert [e.step for e in again.run()][-1] == 9


def test_batchnorm_discriminator_sees_real_and_fake_apart(tiny_mnist):
    cfg = T.TrainConfig(model="dcgan", dataset="mnist", loss="ns", steps=1, batch_size=8, width=8, latent_dim=8,
                        device="cpu", n_samples=4)
    tr = T.Trainer(cfg, data=tiny_mnist)
    seen = []
    tr.D.register_forward_hook(lambda m, inp, out: seen.append(inp[0].shape[0]))
    tr.train_step()
    assert tr._separate_d and seen == [8, 8, 8]  # real, fake, then G's fake batch: all batch-normalised alike
    sn = T.Trainer(T.TrainConfig(**{**cfg.__dict__, "loss": "hinge"}), data=tiny_mnist)
    assert not sn._separate_d  # spectral norm, no batch norm: one forward of real + fake


def test_ema_warms_up():
    tr = T.Trainer(toy_cfg(ema=0.999, steps=1))
    before = {k: v.clone() for k, v in tr.G_ema.state_dict().items()}
    tr.train_step()
    # on the first step the decay is 1/10, so the EMA copy moves 90% of the way to G at once
    k = "net.0.weight"
    moved = (tr.G_ema.state_dict()[k] - before[k]).norm() / (tr.G.state_dict()[k] - before[k]).norm()
    assert moved.item() == pytest.approx(0.9, abs=1e-3)


@pytest.mark.parametrize("loss", ["hinge", "ns"])
def test_infogan_q_learns_to_read_the_code_without_labels(loss, tiny_mnist):
    """InfoGAN (dcgan with info_codes): after a little training Q tells G's codes apart well above chance,
    and real labels play no part (they are scrambled here)."""
    data = dataclasses.replace(tiny_mnist, labels=torch.zeros_like(tiny_mnist.labels))
    cfg = T.TrainConfig(model="dcgan", dataset="mnist", loss=loss, steps=120, batch_size=32, width=8, latent_dim=16,
                        info_codes=4, device="cpu", n_samples=4, lr_d=1e-3, lr_g=1e-3, seed=0)
    tr = T.Trainer(cfg, data=data)
    assert tr.G.n_codes == 4 and tr.D.q is not None
    for _ in range(cfg.steps):
        tr.train_step()
    z = torch.randn(512, 16, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        tr.G.eval(), tr.D.eval()
        tr.D(tr.G(z))
        acc = (tr.D.classify_last().argmax(1) == tr.G.code(z)).float().mean().item()
    assert acc > 0.6, acc  # chance is 0.25
    with pytest.raises(ValueError, match="info_codes"):
        T.TrainConfig(model="cgan", info_codes=10).validate()
    with pytest.raises(ValueError, match="info_codes"):
        T.TrainConfig(model="dcgan", info_codes=1).validate()


@pytest.mark.parametrize("loss", ["ns", "minimax", "lsgan", "hinge", "wgan-gp"])
def test_every_loss_trains_dcgan(loss, tiny_mnist):
    cfg = T.TrainConfig(model="dcgan", dataset="mnist", loss=loss, steps=2, batch_size=8, width=8, latent_dim=8,
                        log_every=1, sample_every=2, device="cpu", n_critic=2, n_samples=4)
    events = list(T.Trainer(cfg, data=tiny_mnist).run())
    assert events[-1].status == "done" and events[-2].loss_d == events[-2].loss_d


@pytest.mark.parametrize("bad, msg", [
    (dict(lr_d=-1), "lr_d"), (dict(lr_g=float("nan")), "lr_g"), (dict(batch_size=0), "batch_size"),
    (dict(loss="foo"), "valid losses"), (dict(dataset="mnist"), "toy models"), (dict(model="cyclegan"), "cannot be trained"),
    (dict(model="nope"), "valid names"),
])
def test_config_validation(bad, msg):
    with pytest.raises(ValueError, match=msg):
        toy_cfg(**bad).validate()


def test_diff_augment_changes_what_D_sees_and_keeps_gradients():
    from gan.augment import cutout, diff_augment, parse_policy, translate
    x = torch.full((64, 1, 28, 28), -1.0)
    x[:, :, 12:16, 12:16] = 1.0  # a bright square in the middle
    g = torch.Generator().manual_seed(0)
    moved = translate(x, g)
    assert moved.shape == x.shape and ((moved == 1).sum((1, 2, 3)) == 16).all()  # shifted, not cut (4 px max)
    centres = [tuple(torch.nonzero(m[0] == 1).float().mean(0).tolist()) for m in moved]
    assert len(set(centres)) > 10 and all(abs(cy - 13.5) <= 4 and abs(cx - 13.5) <= 4 for cy, cx in centres)
    holed = cutout(torch.ones(64, 1, 28, 28), g)
    share = (holed == -1).float().mean((1, 2, 3))
    assert (share > 0).all() and (share <= 0.25 + 1e-6).all()  # a 14 x 14 square, partly off the edge at times
    y = torch.randn(8, 1, 28, 28, requires_grad=True)
    diff_augment(y, parse_policy("translation, cutout"), g).sum().backward()
    assert y.grad.abs().sum() > 0  # differentiable: G learns through it
    assert parse_policy("") == () and diff_augment(x, ()) is x
    with pytest.raises(ValueError, match="unknown augmentation 'flip'"):
        parse_policy("translation,flip")


def test_training_with_augmentation_runs_and_validates(tiny_mnist):
    cfg = T.TrainConfig(model="dcgan", dataset="mnist", loss="hinge", steps=2, batch_size=8, width=8, latent_dim=8,
                        device="cpu", n_samples=4, augment="translation,cutout")
    tr = T.Trainer(cfg, data=tiny_mnist)
    seen = []
    tr.D.register_forward_hook(lambda m, inp, out: seen.append(inp[0].detach().clone()))
    tr.train_step()
    real_seen = seen[0][:8]
    assert (real_seen == -1).float().mean() > (tiny_mnist.images[:8] == -1).float().mean()  # holes and borders
    with pytest.raises(ValueError, match="augment is for image models"):
        toy_cfg(augment="translation").validate()
    with pytest.raises(ValueError, match="unknown augmentation"):
        T.TrainConfig(model="dcgan", augment="rotate").validate()


def test_a_time_budget_ends_the_run_by_the_clock_from_start(tiny_mnist):
    cfg = T.recipe_config("cgan", "mnist", seconds=2.0, steps=1_000_000, batch_size=8, width=8, log_every=2,
                          sample_every=1000, device="cpu")
    T.Trainer(cfg, data=tiny_mnist)  # (the first optimiser in a process imports torch._dynamo: seconds)
    started = time.time() - 0.5  # Start was pressed half a second before the trainer was built
    trainer = T.Trainer(cfg, data=tiny_mnist, started_at=started)
    assert trainer.clock() >= 0.5
    events = list(trainer.run())
    took = time.time() - started
    assert events[-1].status == "done" and "budget" in events[-1].message
    assert 2.0 <= took < 5.0, took
    assert 0 < trainer.step == events[-1].step == events[-1].total_steps < 1_000_000
    assert events[-1].samples is not None and events[-1].elapsed >= 1.5


def test_the_recipe_is_the_default_for_image_models_only():
    cfg = T.recipe_config("cgan", "mnist", width=16, lr_d=None)
    assert (cfg.loss, cfg.ema, cfg.width, cfg.lr_d) == (T.RECIPE["loss"], T.RECIPE["ema"], 16, T.RECIPE["lr_d"])
    assert T.recipe_config("dcgan", "mnist").latent_dim is None  # dcgan keeps its own latent default
    assert T.recipe_config("toy", "ring").loss == T.TrainConfig().loss


def test_r1_penalty_and_warm_up_train_and_resume(tiny_mnist, tmp_path):
    cfg = T.recipe_config("cgan", "mnist", steps=6, batch_size=8, width=8, r1=1.0, r1_every=2, warmup_steps=4,
                          log_every=3, sample_every=6, device="cpu")
    trainer = T.Trainer(cfg, data=tiny_mnist)
    trainer.train_step()
    assert trainer.opt_d.param_groups[0]["lr"] == pytest.approx(cfg.lr_d / 4)  # step 1 of a 4-step warm-up
    events = list(trainer.run())
    assert events[-1].status == "done" and all(e.loss_d == e.loss_d for e in events[:-1])
    assert trainer.opt_g.param_groups[0]["lr"] == pytest.approx(cfg.lr_g)
    trainer.save(tmp_path / "r1")
    again = T.Trainer.resume(tmp_path / "r1", data=tiny_mnist, steps=8)
    assert [e.status for e in again.run()][-1] == "done" and again.step == 8
    with pytest.raises(ValueError, match="r1"):
        T.recipe_config("cgan", "mnist", r1=-1.0).validate()


@pytest.mark.parametrize("model", ["cgan", "toy"])
def test_g_update_computes_no_gradient_for_d_and_leaves_d_trainable(model, tiny_mnist):
    """G's loss goes through D, but only D's input needs a gradient: its weights' gradients are not computed."""
    if model == "toy":
        tr = T.Trainer(toy_cfg(steps=2))
    else:
        cfg = T.recipe_config("cgan", "mnist", steps=2, batch_size=8, width=8, device="cpu", n_samples=4)
        tr = T.Trainer(cfg, data=tiny_mnist)
    fired = []
    hooks = [p.register_hook(lambda g, n=n: fired.append(n)) for n, p in tr.D.named_parameters()]
    tr.train_step("g")
    assert fired == [] and any(p.grad is not None for p in tr.G.parameters())
    assert all(p.requires_grad for p in tr.D.parameters())  # D still learns in its own update
    tr.train_step("d")
    assert fired, "D's own update computes its gradients"
    for h in hooks:
        h.remove()
