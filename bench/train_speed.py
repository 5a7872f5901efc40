"""DCGAN training speed against the machine's own matrix-multiply ceiling and a plain reference loop.

    GAN_DATA_DIR=../shared/data python bench/train_speed.py [--seconds 6] [--batch 64] [--width 32] [--json]

All in one process, interleaved in short windows (the load of a shared machine swings by 5x within
seconds; interleaving keeps the ratios honest):
1. matmul FLOP/s: float32 ``a @ b`` (1024 x 1024), 2 n^3 FLOPs each (the ceiling).
2. The project's Trainer on the Train page's default run (gan.train.RECIPE: the conditional DCGAN, its
   width, batch, loss, EMA and auxiliary classifier) stepping for ``--seconds``: images/s; FLOPs per step
   counted by ``torch.utils.flop_counter`` on one step, so achieved FLOP/s = FLOPs per step x steps/s,
   and its share of the ceiling.
3. A plain reference loop written here (copies of the Trainer's own G and D before training, Adam with
   its defaults, BCE-with-logits, D on real and fake separately, the same batch and data tensor) for
   ``--seconds``: images/s, and the Trainer's ratio to it.
``--model dcgan --loss ns`` measures the unconditional pair as before. ``--profile`` adds a per-operation
summary (torch.profiler) of 20 Trainer steps. ``--threads`` sets torch's intra-op threads. ``--bound`` adds an
upper bound for the share of matmul: the Trainer's own convolution and linear layers, each timed alone
(forward + backward, the input shapes, memory layout and call counts of one real step), with nothing else
a step does (activations, norms, losses, optimisers, EMA); the Trainer cannot beat its layers.
"""
from __future__ import annotations

import argparse
import copy
import json
import os
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from torch.utils.flop_counter import FlopCounterMode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gan.data import load_images  # noqa: E402
from gan.train import RECIPE, Trainer, recipe_config  # noqa: E402


def matmul_flops(seconds: float, n: int = 1024) -> float:
    a, b = torch.randn(n, n), torch.randn(n, n)
    for _ in range(3):
        a @ b
    count, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        a @ b
        count += 1
    return 2 * n ** 3 * count / (time.perf_counter() - t0)


def timed_steps(step, seconds: float, warmup: int = 3) -> tuple[int, float]:
    for _ in range(warmup):
        step()
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        step()
        n += 1
    return n, time.perf_counter() - t0


def step_flops(step) -> int:
    with FlopCounterMode(display=False) as fc:
        step()
    return fc.get_total_flops()


class Reference:
    """The textbook loop: D on real and fake, then G, non-saturating BCE, Adam(0.5, 0.999)."""

    def __init__(self, G: torch.nn.Module, D: torch.nn.Module, images: torch.Tensor, labels: torch.Tensor,
                 batch: int, latent_dim: int, conditional: bool):
        self.G, self.D = copy.deepcopy(G).train(), copy.deepcopy(D).train()
        for m in (self.G, self.D):  # the textbook layout (the Trainer may use channels_last)
            m.to(memory_format=torch.contiguous_format)
        self.opt_g = torch.optim.Adam(self.G.parameters(), 2e-4, betas=(0.5, 0.999))
        self.opt_d = torch.optim.Adam(self.D.parameters(), 2e-4, betas=(0.5, 0.999))
        self.images, self.labels, self.batch, self.latent_dim = images, labels, batch, latent_dim
        self.cond = conditional

    def step(self) -> None:
        idx = torch.randint(len(self.images), (self.batch,))
        real, y = self.images[idx], self.labels[idx]
        z = torch.randn(self.batch, self.latent_dim)
        yf = torch.randint(10, (self.batch,))
        G = (lambda z: self.G(z, yf)) if self.cond else self.G
        D = (lambda x, y: self.D(x, y)) if self.cond else (lambda x, y: self.D(x))
        fake = G(z)
        real_logits, fake_logits = D(real, y).view(-1), D(fake.detach(), yf).view(-1)
        loss_d = (F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
                  + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits)))
        self.opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        self.opt_d.step()
        logits = D(fake, yf).view(-1)
        loss_g = F.binary_cross_entropy_with_logits(logits, torch.ones_like(logits))
        self.opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        self.opt_g.step()


def measure(seconds: float = 6.0, batch: int = RECIPE["batch_size"], width: int = RECIPE["width"], rounds: int = 6,
            model: str = "cgan", loss: str | None = None) -> dict:
    """The three measurements interleaved in ``rounds`` short windows, so that a change in the load of
    a shared machine hits all three alike and the ratios stay meaningful."""
    data = load_images("mnist", limit=4096)
    cfg = recipe_config(model, "mnist", loss=loss, batch_size=batch, width=width, steps=10_000_000,
                        log_every=10_000_000, sample_every=10_000_000, device="cpu", seed=0)
    trainer = Trainer(cfg, data=data)
    ref = Reference(trainer.G, trainer.D, data.images, data.labels, batch, trainer.G.latent_dim,
                    trainer.conditional)  # the same modules, untrained
    flops, ref_flops = step_flops(trainer.train_step), step_flops(ref.step)
    window = seconds / rounds
    mm, n, dt, rn, rdt = [], 0, 0.0, 0, 0.0
    for _ in range(rounds):
        mm.append(matmul_flops(window / 2))
        k, t = timed_steps(trainer.train_step, window, warmup=1)
        n, dt = n + k, dt + t
        k, t = timed_steps(ref.step, window, warmup=1)
        rn, rdt = rn + k, rdt + t
    ceiling = sum(mm) / len(mm)
    ips, ref_ips = n * batch / dt, rn * batch / rdt
    achieved = flops * n / dt
    return {"threads": torch.get_num_threads(), "load": round(os.getloadavg()[0], 1), "batch": batch,
            "width": width, "model": model, "loss": cfg.loss, "matmul_gflops": ceiling / 1e9, "trainer_images_per_s": ips,
            "trainer_gflop_per_step": flops / 1e9, "trainer_gflops": achieved / 1e9,
            "share_of_matmul": achieved / ceiling, "reference_images_per_s": ref_ips,
            "reference_gflop_per_step": ref_flops / 1e9, "trainer_vs_reference": ips / ref_ips}


def profile_summary(steps: int = 20, rows: int = 15, model: str = "cgan") -> str:
    """Where a Trainer step's time goes: torch.profiler's per-operation table (self CPU time)."""
    from torch.profiler import ProfilerActivity, profile
    data = load_images("mnist", limit=4096)
    trainer = Trainer(recipe_config(model, "mnist", steps=10_000_000, log_every=10, sample_every=10_000_000,
                                    device="cpu", seed=0), data=data)
    for _ in range(5):
        trainer.train_step()
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        for _ in range(steps):
            trainer.train_step()
    return prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=rows)


def layer_bound(seconds_per_layer: float = 1.0, model: str = "cgan") -> dict:
    """The Trainer's conv / linear layers alone, at one real step's shapes: GFLOP/s and share of matmul."""
    import collections
    data = load_images("mnist", limit=4096)
    trainer = Trainer(recipe_config(model, "mnist", steps=10_000_000, log_every=10_000_000,
                                    sample_every=10_000_000, device="cpu", seed=0), data=data)
    calls: collections.Counter = collections.Counter()
    layers = (torch.nn.Conv2d, torch.nn.ConvTranspose2d, torch.nn.Linear)
    hooks = [m.register_forward_hook(lambda mod, inp, out: calls.update(
        [(mod, tuple(inp[0].shape), inp[0].requires_grad, inp[0].dim() == 4 and inp[0].shape[1] > 1
          and inp[0].is_contiguous(memory_format=torch.channels_last), mod.weight.requires_grad)]))
        for net in (trainer.G, trainer.D) for m in net.modules() if isinstance(m, layers)]
    for _ in range(3):
        trainer.train_step()
    calls.clear()
    trainer.train_step()
    for h in hooks:
        h.remove()
    rows, flops, seconds = [], 0, 0.0
    for (mod, shape, needs_grad, channels_last, weight_grad), n in calls.items():
        x = torch.randn(shape)
        if channels_last:
            x = x.contiguous(memory_format=torch.channels_last)
        x.requires_grad_(needs_grad)

        def run(mod=mod, x=x, weight_grad=weight_grad):  # the gradients that step computed, no others
            for p in mod.parameters():
                p.requires_grad_(weight_grad)
            y = mod(x)
            if y.requires_grad:
                y.backward(torch.ones_like(y))
        f = step_flops(run)
        k, t = timed_steps(run, seconds_per_layer)
        rows.append((type(mod).__name__, shape, n, t / k, f * k / t))
        for p in mod.parameters():
            p.requires_grad_(True)
        flops, seconds = flops + f * n, seconds + t / k * n
    ceiling = matmul_flops(2.0)
    return {"rows": rows, "gflop_per_step": flops / 1e9, "ms_per_step": seconds * 1e3,
            "gflops": flops / seconds / 1e9, "matmul_gflops": ceiling / 1e9, "share_of_matmul": flops / seconds / ceiling}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=6.0)
    ap.add_argument("--batch", type=int, default=RECIPE["batch_size"])
    ap.add_argument("--width", type=int, default=RECIPE["width"])
    ap.add_argument("--model", default="cgan", choices=["cgan", "dcgan"])
    ap.add_argument("--loss", default=None, help="default: the recipe's")
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--bound", action="store_true", help="also time the Trainer's layers alone (an upper bound)")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    if a.profile:
        print(profile_summary(model=a.model))
    r = measure(a.seconds, a.batch, a.width, model=a.model, loss=a.loss)
    if a.json:
        print(json.dumps(r))
        return
    print(f"{r['model']} ({r['loss']}, width {r['width']}, batch {r['batch']}): "
          f"matmul {r['matmul_gflops']:.1f} GFLOP/s | trainer {r['trainer_images_per_s']:.0f} images/s, "
          f"{r['trainer_gflops']:.1f} GFLOP/s = {r['share_of_matmul']:.0%} of matmul | reference loop "
          f"{r['reference_images_per_s']:.0f} images/s (trainer/reference {r['trainer_vs_reference']:.2f}) "
          f"| {r['threads']} threads, load {r['load']}")
    if a.bound:
        b = layer_bound(model=a.model)
        for name, shape, n, t, gflops in b["rows"]:
            print(f"  {name:16s} input {str(shape):20s} x{n}: {t * 1e3:5.2f} ms, {gflops / 1e9:6.1f} GFLOP/s")
        print(f"  (the Trainer's step: {1e3 * r['batch'] / r['trainer_images_per_s']:.1f} ms)")
        print(f"layers alone (the bound): {b['gflop_per_step']:.2f} GFLOP per step in {b['ms_per_step']:.1f} ms = "
              f"{b['gflops']:.1f} GFLOP/s = {b['share_of_matmul']:.0%} of matmul ({b['matmul_gflops']:.0f} GFLOP/s)")


if __name__ == "__main__":
    main()
