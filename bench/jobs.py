"""Thread or worker process? The job layer's backends compared per kind of job, on this machine.

For each kind (image training with the Train page's defaults, a playground toy run, an offline style
transfer) and each backend, a job runs for ``--seconds`` while the main thread keeps doing what a server
does for its other visitors: building and serialising a page's figure (plotly, pure Python, GIL-bound).
Printed: that work's latency (p50 / p95 ms; the first row is the machine with no job), and the job's own
throughput (steps/s). The server's torch threads are set as app.py sets them (serving_threads()).

    python bench/jobs.py [--seconds 12] [--kinds image,toy,style]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from gan.device import serving_threads  # noqa: E402
from gan.jobs import JobSpec, Registry  # noqa: E402
from gan.train import TrainConfig  # noqa: E402


def page_work() -> float:
    """One unit of a visitor's page: a training figure built and serialised (seconds it took)."""
    from gan.plots.training import curves_figure
    t = time.perf_counter()
    rows = [{"step": i, "loss_d": 1.3 + 0.1 * np.sin(i / 9), "loss_g": 0.8 + 0.1 * np.cos(i / 7),
             "d_real": 0.6, "d_fake": 0.4} for i in range(1, 400)]
    curves_figure({"run": rows}, {"run": "ns"}, side_by_side=True).to_json()
    return time.perf_counter() - t


def spec(kind: str) -> JobSpec:
    if kind == "image":
        cfg = TrainConfig(model="cgan", dataset="mnist", loss="ns", steps=1_000_000, batch_size=64, width=32,
                          sample_every=25, log_every=10, n_samples=40)
        return JobSpec("train", asdict(cfg))
    if kind == "toy":
        cfg = TrainConfig(model="toy", dataset="ring", steps=1_000_000, batch_size=256, width=64, depth=2,
                          lr_d=1e-3, lr_g=1e-3, log_every=5, sample_every=10**9, snapshot_seconds=0.05)
        return JobSpec("train", asdict(cfg))
    if kind == "style":
        from gan.style.offline import StyleConfig
        from gan.style.presets import preset_image
        cfg = StyleConfig(size=192, steps=5000, preview_every=25)
        return JobSpec("style", asdict(cfg), payload={"content": preset_image("astronaut", 256),
                                                      "style": preset_image("brush", 256)})
    raise ValueError(kind)


def measure(kind: str | None, backend: str, seconds: float) -> dict:
    reg = Registry()
    job = None
    if kind is not None:
        job = reg.start(spec(kind), "bench", backend=backend)
        while job.step < 2 and not job.ended:  # past start-up (spawn, imports, data)
            time.sleep(0.05)
    first = job.step if job else 0
    lat = []
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        lat.append(page_work())
        time.sleep(0.02)  # visitors think too
    elapsed = time.perf_counter() - t0
    steps = (job.step - first) if job else 0
    if job is not None:
        job.control("bench", "stop")
        job.join(30)
    ms = sorted(1000 * x for x in lat)
    return {"p50": statistics.median(ms), "p95": ms[int(0.95 * (len(ms) - 1))], "steps_s": steps / elapsed,
            "error": job.error if job else None}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=12.0)
    ap.add_argument("--kinds", default="image,toy,style")
    args = ap.parse_args()
    torch.set_num_threads(serving_threads())
    os.environ.setdefault("GAN_DATA_DIR", str(ROOT.parent / "shared" / "data"))
    load = os.getloadavg()[0]
    print(f"{os.cpu_count()} cores, server torch threads {torch.get_num_threads()}, load average {load:.1f}")
    print("| job | backend | page work p50 ms | p95 ms | job steps/s |")
    print("|---|---|---|---|---|")
    base = measure(None, "thread", args.seconds)
    print(f"| none | — | {base['p50']:.0f} | {base['p95']:.0f} | — |", flush=True)
    for kind in args.kinds.split(","):
        for backend in ("thread", "process"):
            r = measure(kind, backend, args.seconds)
            note = f" (failed: {r['error']})" if r["error"] else ""
            print(f"| {kind} | {backend} | {r['p50']:.0f} | {r['p95']:.0f} | {r['steps_s']:.1f}{note} |", flush=True)
    print(f"load average at the end {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
