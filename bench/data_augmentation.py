"""GAN samples as extra training data: the study behind the Data augmentation page.

    GAN_DATA_DIR=../shared/data nice -n 10 python bench/data_augmentation.py [--per-class 10 50]
        [--seeds 0 1 2] [--gan-steps 500] [--clf-steps 120] [--threads 1] [--write]
    GAN_DATA_DIR=../shared/data python bench/data_augmentation.py --live [--per-class 10] [--seeds 3]

For every number of real images per class and every seed (``gan.augmentation_study.run_cell``): draw the
images from MNIST's training split [0, 8000), train a conditional GAN on them only, then the bundled
classifier's architecture four ways (real only; with classic augmentation; with the cGAN's samples;
both) and score each on the held-out images [8000, 10000). Prints a line per cell, the table (mean +-
sample standard deviation over seeds) and the seconds. ``--write`` bundles the result as
checkpoints/data-augmentation/results.json with the grids of the first seed's real images and cGAN
samples (PNG) and a README, which the page shows at once.

``--live`` measures instead what the page's "Run this cell" does: one cell (the page's defaults: a 60 s
budget for the cGAN, real images only and with the cGAN's samples) as a job in a worker process
(``gan.jobs``, nice 10, the server's thread count), timed from the start to the result.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402
from PIL import Image  # noqa: E402

from gan.augmentation_study import RESULTS_DIR, RESULTS_FILE, CellConfig, format_table, run_study  # noqa: E402


def readme(result: dict) -> str:
    """The folder's card: what was run, how, and the table."""
    c, m = result["config"], result["made_with"]
    rows = "\n".join(f"| {r['per_class']} | {r['setting']} | {100 * r['mean']:.1f} ± {100 * r['std']:.1f} | "
                     f"{100 * r['min']:.1f}–{100 * r['max']:.1f} | {r['n']} |" for r in result["summary"])
    return f"""# GAN samples as training data: the bundled study

Made by `{m['command']}` ({m['date']}, torch {m['torch']}, {m['threads']} CPU thread(s), load average
{m['load_average']}; {result['seconds']:.0f} s in all). The Data augmentation page shows this table at once.

For each number of real images per class and each seed ({', '.join(map(str, result['seeds']))}): that many
images of each digit are drawn at random (by the seed) from MNIST's t10k images [0, 8000) (a smaller draw
is the start of a larger one: the 10 of a seed are the first 10 of its 50); a conditional
GAN (`cgan`, the Train page's recipe, DiffAugment `{c['gan_augment']}`, mode-seeking weight
{c['gan_mode_seeking']}, without which a cGAN on so few images draws nearly the same image of a digit
whatever its noise) trains for {c['gan_steps']} steps on those images only; then the bundled
classifier's architecture (`MNISTClassifier`, AdamW, one-cycle schedule, {c['clf_steps']} steps of
{c['clf_batch']} images, the same initial weights in every setting) trains on

- `real`: the real images only;
- `real+classic`: the same with random affine jitter (±10°, ±10 % scale, ±2 px shift);
- `real+gan`: {c['gan_fraction']:.0%} of every batch from {c['pool_per_class']} cGAN samples per class;
- `real+classic+gan`: both;

and is scored on the held-out images [8000, 10000) ({c['held_out']} images). Accuracy in %, mean ± sample
standard deviation over seeds:

| real images per class | setting | accuracy % | min–max | seeds |
| --- | --- | --- | --- | --- |
{rows}

`results.json` holds every cell's accuracy (`rows`), the seconds each part took (`cells`) and the
configuration; `real-N.png` / `samples-N.png` are the first seed's real images and cGAN samples (one
column per digit).
"""


def live(per_class: int, seed: int, seconds: float) -> int:
    """One cell through the job layer, as the page starts it; prints the seconds to the result."""
    from dataclasses import asdict

    from gan.jobs import REGISTRY, JobSpec
    cfg = CellConfig(per_class=per_class, seed=seed, gan_seconds=seconds, settings=("real", "real+gan")).validate()
    config = {**asdict(cfg), "settings": list(cfg.settings)}
    load0 = os.getloadavg()[0]
    t0 = time.perf_counter()
    job = REGISTRY.start(JobSpec("augment-study", config, tag="augment"), "bench", backend="process")
    job.join()
    wall = time.perf_counter() - t0
    ev = job.last
    if job.status != "done":
        print(f"the cell ended as {job.status}: {job.error or (ev.message if ev else '')}")
        return 1
    acc = "  ".join(f"{s} {100 * a:.1f} %" for s, a in ev.accuracies.items())
    print(f"live cell, {per_class} per class, seed {seed}, cGAN budget {seconds:g} s: {wall:.0f} s to the result "
          f"(cGAN {ev.gan_step} steps in {ev.seconds.get('gan', 0):.0f} s; classifiers "
          + ", ".join(f"{ev.seconds[s]:.0f} s" for s in cfg.settings) + f"); {acc}; "
          f"load average {load0:.1f} -> {os.getloadavg()[0]:.1f}")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--per-class", type=int, nargs="+", default=[10, 50])
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--gan-steps", type=int, default=CellConfig.gan_steps)
    ap.add_argument("--clf-steps", type=int, default=CellConfig.clf_steps)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--write", action="store_true", help="bundle the result in checkpoints/data-augmentation/")
    ap.add_argument("--live", action="store_true", help="time one cell the way the page runs it")
    ap.add_argument("--seconds", type=float, default=60.0, help="--live: the cGAN's time budget")
    a = ap.parse_args()
    if a.live:
        return live(a.per_class[0], a.seeds[0], a.seconds)
    torch.set_num_threads(a.threads)
    base = replace(CellConfig(), gan_steps=a.gan_steps, clf_steps=a.clf_steps).validate()
    grids: dict[int, tuple] = {}

    def keep(cfg, last) -> None:
        if cfg.seed == a.seeds[0]:
            grids[cfg.per_class] = (last.real_grid, last.samples)

    t0 = time.perf_counter()
    result = run_study(a.per_class, a.seeds, base, on_cell=keep)
    print()
    print(format_table(result["summary"]))
    seconds = time.perf_counter() - t0
    n = len(a.per_class) * len(a.seeds)
    print(f"\n{n} cells in {seconds:.0f} s ({seconds / n:.0f} s a cell: cGAN {base.gan_steps} steps, "
          f"{len(base.settings)} classifiers of {base.clf_steps} steps, {a.threads} thread(s), "
          f"load average {os.getloadavg()[0]:.1f})")
    if not a.write:
        return 0
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    result["made_with"] = {
        "command": "nice -n 10 python bench/data_augmentation.py " + " ".join(sys.argv[1:]),
        "torch": torch.__version__, "threads": a.threads, "cpu": platform.machine(),
        "load_average": round(os.getloadavg()[0], 1), "date": time.strftime("%Y-%m-%d"),
    }
    result["grids"] = {}
    for pc, (real, samples) in grids.items():
        names = {"real": f"real-{pc}.png", "samples": f"samples-{pc}.png"}
        Image.fromarray(real).save(RESULTS_DIR / names["real"], optimize=True)
        Image.fromarray(samples).save(RESULTS_DIR / names["samples"], optimize=True)
        result["grids"][str(pc)] = {**names, "seed": a.seeds[0]}
    RESULTS_FILE.write_text(json.dumps(result, indent=1))
    (RESULTS_DIR / "README.md").write_text(readme(result))
    print(f"wrote {RESULTS_FILE.relative_to(ROOT)}, README.md and {2 * len(grids)} grids")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
