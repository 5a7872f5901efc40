"""Super-resolution timings and figures (gan.superres): how long until the page shows a result, and how
the three methods score.

    GAN_DATA_DIR=../shared/data python bench/super_resolution.py [--steps 600] [--threads N] [--seed 0] [--json]

1. The bundled pair as the page shows it: load the weights and upscale five held-out digits (the figures
   are the ones recorded in its config.json).
2. A run as the page starts it: a "superres" job in a worker process through gan.jobs, the page's default
   settings (600 steps, 7x7 -> 28x28, adversarial weight 0.2): seconds to the first live preview and to the
   finished comparison (the figures on all 2,000 held-out digits included), and steps per second.
3. The figures of that run and of the bundled pair, measured again: sharpness (mean gradient energy) and its
   share of the real digits', PSNR, the bundled classifier's accuracy.

On a machine shared with other work the wall times are longer than on an idle one; the load average at the
start and the end is printed with them.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gan import superres as sr  # noqa: E402
from gan.jobs import REGISTRY, JobSpec  # noqa: E402


def bench_bundled() -> float:
    """Seconds to load the bundled pair and upscale five held-out digits three ways (what the page does)."""
    sr.held_out(1)  # the data once, as a server that has shown any digit page has it
    sr.load_bundled.cache_clear()
    t0 = time.perf_counter()
    sr.comparison(sr.load_bundled(), range(5))
    return time.perf_counter() - t0


def bench_job(cfg: sr.SRConfig, threads: int | None) -> dict:
    """A "superres" job in a worker process, as the page starts it: seconds to the first preview and to the
    result, steps per second while training, and the run's figures."""
    t0 = time.perf_counter()
    job = REGISTRY.start(JobSpec("superres", asdict(cfg), tag="superres", threads=threads), "bench", backend="process")
    first = trained = None
    while not job.ended:
        ev = job.last
        if first is None and ev is not None and ev.preview is not None:
            first = (time.perf_counter() - t0, ev.step, ev.elapsed)
        if trained is None and ev is not None and ev.step >= cfg.steps:
            trained = time.perf_counter() - t0
        time.sleep(0.05)
    total = time.perf_counter() - t0
    if job.error or job.status != "done":
        raise SystemExit(f"the job ended as {job.status}: {job.error or job.last.message}")
    steps_per_s = cfg.steps / max((trained or total) - first[0], 1e-9)
    return {"first_preview_s": round(first[0], 2), "result_s": round(total, 2),
            "train_steps_per_s": round(steps_per_s, 1), "metrics": job.last.result["metrics"]}


def table(metrics: dict) -> str:
    return sr.format_table(metrics)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=sr.SRConfig.steps)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=None, help="the worker's torch threads (default: all cores but one)")
    p.add_argument("--json", action="store_true", help="also print one JSON line")
    args = p.parse_args()
    load0 = os.getloadavg()[0]
    bundled_s = bench_bundled()
    bundled_metrics = sr.analyse(sr.load_bundled())["metrics"]
    run = bench_job(sr.SRConfig(steps=args.steps, seed=args.seed), args.threads)
    load1 = os.getloadavg()[0]
    print(f"super-resolution on {os.cpu_count()} cores, load average {load0:.1f} at the start, {load1:.1f} at the end")
    print(f"bundled pair, load + 5 digits three ways: {bundled_s * 1000:.0f} ms")
    print(f"a run as the page starts it ({args.steps} steps, worker process): first live preview after "
          f"{run['first_preview_s']:.1f} s, the finished comparison after {run['result_s']:.1f} s "
          f"({run['train_steps_per_s']:.1f} steps/s while training)")
    print(f"\nbundled pair ({sr.load_bundled().info.get('steps')} steps), 2,000 held-out digits:")
    print(table(bundled_metrics))
    print(f"\nthe run ({args.steps} steps, seed {args.seed}), 2,000 held-out digits:")
    print(table(run["metrics"]))
    if args.json:
        print(json.dumps({"bundled_ms": round(bundled_s * 1000, 1), **{k: v for k, v in run.items() if k != "metrics"},
                          "run_metrics": run["metrics"], "bundled_metrics": bundled_metrics,
                          "load": [round(load0, 1), round(load1, 1)]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
