"""Which training recipe gives the best conditional-GAN digits for the time? A sweep, not a test.

    GAN_DATA_DIR=../shared/data python bench/recipes.py [--steps 400,800,1600] [--jobs 2] [--only a,b]

Each candidate (a set of TrainConfig changes on top of the base below) trains ``cgan`` on MNIST images
[0, 8000) with one torch thread, and is scored at fixed step counts by the bundled classifier (class
accuracy of 500 samples, labels 0..9 cycled, from the EMA generator when there is one). Accuracy at a
step count does not depend on the machine's load; the cost of a step does, so each candidate's
milliseconds per step are also measured in one interleaved pass in this process (ratios to the base
are what count). Candidates run ``--jobs`` at a time. Prints one JSON line per candidate and a table.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

BASE = dict(model="cgan", dataset="mnist", loss="hinge", lr_d=4e-4, lr_g=2e-4, beta1=0.5, ema=0.99, width=32,
            latent_dim=64, batch_size=64, aux_weight=1.0, device="cpu", steps=10_000_000)

CANDIDATES: dict[str, dict] = {
    "base (hinge, TTUR 4e-4/2e-4, EMA .99, w32, b64)": {},
    "old page default (ns, 2e-4/2e-4, no EMA)": dict(loss="ns", lr_d=2e-4, lr_g=2e-4, ema=0.0),
    "no auxiliary classifier": dict(aux_weight=0.0),
    "no EMA": dict(ema=0.0),
    "EMA 0.999": dict(ema=0.999),
    "ns loss": dict(loss="ns"),
    "lr x2 (8e-4/4e-4)": dict(lr_d=8e-4, lr_g=4e-4),
    "lr x2 + warm-up 100": dict(lr_d=8e-4, lr_g=4e-4, warmup_steps=100),
    "equal lr 2e-4/2e-4": dict(lr_d=2e-4, lr_g=2e-4),
    "beta1 0, beta2 0.99": dict(beta1=0.0, beta2=0.99),
    "width 16": dict(width=16),
    "width 48": dict(width=48),
    "batch 32": dict(batch_size=32),
    "batch 128": dict(batch_size=128),
    "R1 gamma 1, lazy /16": dict(r1=1.0, r1_every=16),
    "DiffAugment translation": dict(augment="translation"),
    "2 D steps per G step": dict(n_critic=2),
    "lr x2 + batch 32": dict(lr_d=8e-4, lr_g=4e-4, batch_size=32),
    "lr x3 (1.2e-3/6e-4)": dict(lr_d=1.2e-3, lr_g=6e-4),
    "lr x3 + batch 32": dict(lr_d=1.2e-3, lr_g=6e-4, batch_size=32),
    "lr x3 + R1 gamma 1, lazy /16": dict(lr_d=1.2e-3, lr_g=6e-4, r1=1.0, r1_every=16),
    "lr x3 + DiffAugment translation": dict(lr_d=1.2e-3, lr_g=6e-4, augment="translation"),
    "lr x3 + DiffAugment translation,cutout": dict(lr_d=1.2e-3, lr_g=6e-4, augment="translation,cutout"),
    "lr x3, no EMA": dict(lr_d=1.2e-3, lr_g=6e-4, ema=0.0),
}


def _accuracy(trainer, n: int = 500, seed: int = 123) -> float:
    import torch
    from gan.metrics import classifier
    g = trainer.sampler
    was = g.training
    g.eval()
    with torch.inference_mode():
        z = torch.randn(n, g.latent_dim, generator=torch.Generator().manual_seed(seed))
        y = torch.arange(n) % 10
        x = g(z, y).float()
    g.train(was)
    return float((classifier.classify_images(x).argmax(1) == y).float().mean())


def _config(changes: dict, seed: int):
    from gan.metrics import classifier
    from gan.train import TrainConfig
    return TrainConfig(**{**BASE, **changes, "seed": seed, "data_limit": classifier.TRAIN_SPLIT})


def run_candidate(name: str, changes: dict, checkpoints: list[int], seed: int) -> dict:
    import torch
    torch.set_num_threads(1)
    from gan.metrics import classifier
    from gan.train import Trainer
    classifier.load_classifier()
    trainer = Trainer(_config(changes, seed))
    acc, train_s = {}, 0.0
    for target in checkpoints:
        t = time.perf_counter()
        while trainer.step < target:
            trainer.train_step()
        train_s += time.perf_counter() - t
        acc[target] = round(_accuracy(trainer) * 100, 1)
    return {"name": name, "changes": changes, "seed": seed, "accuracy": acc,
            "ms_per_step_parallel": round(1000 * train_s / trainer.step, 1), "load": round(os.getloadavg()[0], 1)}


def step_costs(names: list[str], rounds: int = 4, window: float = 0.6) -> dict[str, float]:
    """ms per step of each candidate, one torch thread, interleaved in short windows in this process."""
    import torch
    from gan.data import load_images
    from gan.metrics import classifier
    from gan.train import Trainer
    torch.set_num_threads(1)
    data = load_images("mnist", limit=classifier.TRAIN_SPLIT)
    trainers = {n: Trainer(_config(CANDIDATES[n], 0), data=data) for n in names}
    for t in trainers.values():
        for _ in range(3):
            t.train_step()
    spent = {n: [0.0, 0] for n in names}
    for _ in range(rounds):
        for n, t in trainers.items():
            t0 = time.perf_counter()
            while time.perf_counter() - t0 < window:
                t.train_step()
                spent[n][1] += 1
            spent[n][0] += time.perf_counter() - t0
    return {n: 1000 * s / k for n, (s, k) in spent.items()}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--steps", default="400,800,1600")
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--only", default=None, help="comma-separated candidate numbers (0-based) to run")
    p.add_argument("--out", default=None, help="also append the JSON lines to this file")
    a = p.parse_args(argv)
    checkpoints = [int(s) for s in a.steps.split(",")]
    names = list(CANDIDATES)
    if a.only:
        names = [names[int(i)] for i in a.only.split(",")]
    results = []
    with ProcessPoolExecutor(a.jobs) as pool:
        futures = [pool.submit(run_candidate, n, CANDIDATES[n], checkpoints, a.seed) for n in names]
        for f in futures:
            r = f.result()
            results.append(r)
            line = json.dumps(r)
            print(line, flush=True)
            if a.out:
                with open(a.out, "a") as fh:
                    fh.write(line + "\n")
    costs = step_costs(names)
    base = costs.get(names[0], 1.0)
    print(f"\n# cgan on MNIST [0, 8000), seed {a.seed}, 1 thread each; load average {os.getloadavg()[0]:.1f}")
    print("| candidate | " + " | ".join(f"acc @{s}" for s in checkpoints) + " | ms/step | cost vs first |")
    print("|---|" + "---|" * (len(checkpoints) + 2))
    for r in results:
        ms = costs[r["name"]]
        accs = " | ".join(f"{r['accuracy'][s]:.1f}%" for s in checkpoints)
        print(f"| {r['name']} | {accs} | {ms:.1f} | {ms / base:.2f} |")
    if a.out:
        with open(a.out, "a") as fh:
            fh.write(json.dumps({"costs_ms": costs, "load": round(os.getloadavg()[0], 1)}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
