"""Seconds to a CycleGAN result on the CPU, for each pair of the CycleGAN page, from its preset settings.

    GAN_DATA_DIR=../shared/data python bench/cyclegan.py [--threads N] [--pairs ring2grid,mnist-thin2thick] [--json]

Threads default to what the app's server and its workers use (``gan.device.serving_threads``: all cores but one,
so 1 on a 2-core machine, where 2 OpenMP threads beside a busy server are many times slower).

A result: the reconstruction error low and the translations in the other domain, checked every 25 steps on the
fixed evaluation samples (2D: error <= 0.15 and >= 90% of G(x) and of F(y) on a mode; digits: error <= 0.05,
G(x)'s ink within 20% of real thick digits' and F(y)'s within 50% of thin ones'). The clock starts before the
networks and data are built. Prints one line per pair (and a JSON line with --json).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402

from gan.cycle.train import CycleTrainer, default_config  # noqa: E402
from gan.device import serving_threads  # noqa: E402

MAX_STEPS = {"ring2grid": 5000, "mnist-thin2thick": 3000}


def is_result(snap: dict) -> bool:
    if "hit_y" in snap:
        return snap["recon"] <= 0.15 and snap["hit_y"] >= 0.9 and snap["hit_x"] >= 0.9
    return (snap["recon"] <= 0.05 and abs(snap["ink_g_x"] - snap["ink_y"]) <= 0.2 * snap["ink_y"]
            and abs(snap["ink_f_y"] - snap["ink_x"]) <= 0.5 * snap["ink_x"])


def measure(pair: str, seed: int) -> dict:
    t0 = time.perf_counter()
    trainer = CycleTrainer(default_config(pair, steps=MAX_STEPS[pair], seed=seed, snapshot_every=25))
    built = time.perf_counter() - t0
    for ev in trainer.run():
        if ev.snapshot is not None and ev.step > 0 and is_result(ev.snapshot):
            s = time.perf_counter() - t0
            return {"pair": pair, "seed": seed, "seconds": round(s, 2), "steps": ev.step, "setup_s": round(built, 2),
                    "steps_per_s": round(ev.step / (s - built), 1), "recon": round(ev.snapshot["recon"], 4)}
    return {"pair": pair, "seed": seed, "seconds": None, "steps": trainer.step, "setup_s": round(built, 2)}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=serving_threads())
    ap.add_argument("--pairs", default="ring2grid,mnist-thin2thick")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    print(f"# CycleGAN: seconds to a result · {os.cpu_count()} CPUs, {a.threads} torch threads · load average "
          f"{os.getloadavg()[0]:.1f}",
          flush=True)
    results = []
    for pair in a.pairs.split(","):
        r = measure(pair, a.seed)
        results.append(r)
        if r["seconds"] is None:
            print(f"{pair}: no result within {r['steps']} steps")
        else:
            print(f"{pair}: {r['seconds']:.1f} s to a result ({r['steps']} steps, {r['steps_per_s']} steps/s, "
                  f"setup {r['setup_s']:.1f} s, reconstruction error {r['recon']})", flush=True)
    print(f"# load average at the end {os.getloadavg()[0]:.1f}")
    if a.json:
        print(json.dumps({"threads": a.threads, "results": results}))
    return 0 if all(r["seconds"] is not None for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
