"""Latency of a 64-sample grid as the Generate page makes it: sample, tile, encode PNG.

    python bench/grid_latency.py [--n 64] [--repeats 40] [--json]

Uses the bundled conditional generator (cgan-mnist) when it is there, else the bundled dcgan-mnist,
else a cgan built with the registry's defaults (random weights: the same work). Each repeat uses a
new seed, as the page's "Random" button does; the first call (model load, warm-up) is not counted.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gan import hub, sampling, timelapse  # noqa: E402
from gan.images import make_grid  # noqa: E402
from gan.models import build  # noqa: E402


def generator() -> tuple[hub.LoadedGenerator, str]:
    for name in ("cgan-mnist", "dcgan-mnist"):
        if name in hub.bundled_names():
            return hub.load_generator(name), f"bundled {name}"
    g = build("cgan").eval()
    return hub.LoadedGenerator(model=g, family="cgan", config={}, source="cgan (registry defaults)"), \
        "cgan with registry defaults (no bundled generator yet)"


def one_grid(g: hub.LoadedGenerator, n: int, seed: int) -> bytes:
    images = sampling.generate(g, n, seed=seed)
    nrow = 10 if g.conditional and n % 10 == 0 else int(np.ceil(np.sqrt(n)))
    return timelapse.png_bytes(make_grid(images, nrow=nrow))


def measure(n: int = 64, repeats: int = 40) -> dict:
    g, what = generator()
    one_grid(g, n, 0)
    times = []
    for seed in range(1, repeats + 1):
        t0 = time.perf_counter()
        one_grid(g, n, seed)
        times.append(time.perf_counter() - t0)
    ms = np.array(times) * 1000
    return {"model": what, "n": n, "repeats": repeats, "p50_ms": float(np.percentile(ms, 50)),
            "p95_ms": float(np.percentile(ms, 95)), "threads": torch.get_num_threads(),
            "load": round(os.getloadavg()[0], 1)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=64)
    ap.add_argument("--repeats", type=int, default=40)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    r = measure(a.n, a.repeats)
    print(json.dumps(r) if a.json else
          f"{r['n']}-sample grid + PNG: p50 {r['p50_ms']:.1f} ms, p95 {r['p95_ms']:.1f} ms ({r['model']}, "
          f"{r['threads']} threads, load {r['load']})")


if __name__ == "__main__":
    main()
