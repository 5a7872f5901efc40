"""Your own pictures: a conditional GAN trained on 300 procedural pictures of three classes, scored by a
classifier trained on the real pictures.

    python bench/own_images.py [--seconds 120] [--seeds 0,1,2] [--threads 1] [--preset few-hundred]
        [--augment translation,cutout] [--per-class 100] [--size 32]

The set is :mod:`gan.shapes` (red circles, green squares, blue triangles at random places and sizes, 32 px),
written to a folder and read back as "folder:DIR", as the "Your images" page and ``python -m gan train
--dataset folder:DIR`` read it. Each run starts from the page's preset (``gan.own_images.PRESETS``;
flags override it), trains for the time budget (the clock starts before the Trainer is built: reading the
pictures and building the models count) and is then scored by ``gan.metrics.own_classes``: a classifier
trained on 80% of each class of the real pictures (its held-out accuracy is printed) labels 100 samples
per class; the Fréchet distance on its features is printed as a multiple of the real-vs-real floor, and
the memorisation check as the median nearest-picture distance of the samples over that of the pictures,
and the spread within each class (samples over pictures; below 0.5: the class's samples look alike).
A benchmark, not a test: prints one row per seed and the load average.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import torch  # noqa: E402
from PIL import Image  # noqa: E402

from gan.folders import load_folder  # noqa: E402
from gan.hub import load_folder as load_checkpoint  # noqa: E402
from gan.metrics.own_classes import evaluate  # noqa: E402
from gan.own_images import PRESETS, class_samples, run_config  # noqa: E402
from gan.shapes import write_shapes  # noqa: E402
from gan.train import Trainer  # noqa: E402


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=None, help="time budget (default: the preset's)")
    p.add_argument("--seeds", default="0")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--preset", default="few-hundred", choices=list(PRESETS))
    p.add_argument("--augment", default=None, help="DiffAugment policy ('' for none; default: the preset's)")
    p.add_argument("--per-class", type=int, default=100)
    p.add_argument("--size", type=int, default=None)
    p.add_argument("--width", type=int, default=None)
    p.add_argument("--batch", type=int, default=None)
    p.add_argument("--json", action="store_true", help="also print the median over seeds as one JSON line")
    p.add_argument("--grid", default=None, help="save each seed's samples per class as GRID-<seed>.png")
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    preset = PRESETS[args.preset]
    seconds = args.seconds or preset.seconds
    augment = preset.augment if args.augment is None else args.augment
    size = args.size or 32
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_shapes(Path(tmp) / "shapes", n_per_class=args.per_class, size=32, seed=1234)
        data = load_folder(folder, image_size=size)
        print(f"# {len(data.images)} pictures, classes {data.class_names}, {size} px, augment {augment or 'none'}, "
              f"{seconds:g} s, {args.threads} thread(s)")
        print("| seed | steps | seconds | per-class accuracy | min | classifier held-out | Fréchet / floor "
              "| nearest-picture ratio | spread ratio | load |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        results = []
        for seed in (int(s) for s in args.seeds.split(",")):
            changes = {k: v for k, v in (("width", args.width), ("batch_size", args.batch)) if v}
            cfg = run_config(str(folder), 3, True, seconds=seconds, image_size=size, augment=augment, seed=seed,
                             sample_every=10_000, log_every=50, **changes)
            t0 = time.time()
            trainer = Trainer(cfg, started_at=t0)
            for _ in trainer.run():
                pass
            wall = time.time() - t0
            out = Path(tmp) / f"run{seed}"
            trainer.save(out)
            loaded = load_checkpoint(out)
            rep = evaluate(data, loaded, n_per_class=100, seed=seed)
            if args.grid:
                rows = [strip for _, strip in class_samples(loaded, data.class_names, per_class=10, seed=seed)]
                Image.fromarray(np.concatenate(rows)).save(f"{args.grid}-{seed}.png")
            accs = [c.accuracy for c in rep.classes]
            ratio = max(c.ratio for c in rep.classes)
            results.append({"steps": trainer.step, "seconds": wall, "min_accuracy": min(accs),
                            "held_accuracy": rep.held_accuracy,
                            "frechet_ratio": rep.frechet / max(rep.frechet_floor, 1e-9)})
            print(f"| {seed} | {trainer.step} | {wall:.0f} | "
                  + " / ".join(f"{c.name} {c.accuracy:.0%}" for c in rep.classes)
                  + f" | {min(accs):.0%} | {rep.held_accuracy:.0%} | {rep.frechet / max(rep.frechet_floor, 1e-9):.2f}x "
                    f"| {min(c.ratio for c in rep.classes):.2f}-{ratio:.2f} "
                    f"| " + " / ".join(f"{c.name} {c.spread_ratio:.2f}" for c in rep.classes)
                  + f" | {os.getloadavg()[0]:.1f} |", flush=True)
    if args.json:
        print(json.dumps({k: statistics.median(r[k] for r in results) for k in results[0]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
