"""Time to quality: the Train page's default run (gan.train.RECIPE) from scratch, scored at time budgets.

    GAN_DATA_DIR=../shared/data python bench/time_to_quality.py [--budgets 60,120,300] [--seeds 0,1,2]
        [--path trainer|cli|page] [--threads N]

Trains ``cgan`` on MNIST images [0, 8000) (gan.metrics.classifier.TRAIN_SPLIT) and scores the generator
(the EMA copy) at each budget: class accuracy of the bundled classifier and the Fréchet distance in its
feature space as a multiple of the real-vs-real floor (``gan.metrics.evaluate``, 2,000 samples). No
pretrained network is in any training loss; the classifier only scores. Prints one row per seed and
budget and the median over seeds. Paths:

- ``trainer``: one run per seed in this process, to the largest budget; the clock starts before the
  Trainer is built (data loading and model building count; this process's imports do not) and stops
  while scoring, so the 60 s row is exactly a 60 s run.
- ``cli``: ``python -m gan train --model cgan --dataset mnist --seconds B --data-limit 8000`` in a fresh
  process per seed and budget, the clock from its start (imports count), then the saved folder is scored.
- ``page``: the Train page's path, ``gan.jobs`` with a worker process (its thread count and nice level),
  started with the page's config; the clock runs from Start.
A benchmark, not a test. On a shared machine, report the load average printed with each row.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402

from gan.metrics import classifier  # noqa: E402
from gan.metrics.evaluate import image_metrics  # noqa: E402
from gan.train import Trainer, recipe_config  # noqa: E402


def page_config(seconds: float, seed: int):
    """What the Train page starts with its defaults (app_pages/3_train.py config_from_widgets), on [0, 8000)."""
    return recipe_config("cgan", "mnist", seconds=float(seconds), steps=10_000_000, sample_every=25, log_every=10,
                         n_samples=40, seed=seed, data_limit=classifier.TRAIN_SPLIT)


@torch.inference_mode()
def score(g: torch.nn.Module, n: int = 2000, seed: int = 123) -> dict:
    was = g.training
    g.eval()
    z = torch.randn(n, g.latent_dim, generator=torch.Generator().manual_seed(seed))
    y = torch.arange(n) % 10
    x = torch.cat([g(z[i:i + 500].to(next(g.parameters()).device), y[i:i + 500].to(next(g.parameters()).device)).float().cpu()
                   for i in range(0, n, 500)])
    g.train(was)
    m = image_metrics(x, y)
    return {"accuracy": m["class_accuracy"], "fd_ratio": m["frechet_ratio"]}


def run_trainer(seed: int, budgets: list[float]) -> list[dict]:
    t0 = time.time()
    trainer = Trainer(page_config(max(budgets), seed), started_at=t0)
    rows = []
    for b in sorted(budgets):
        while trainer.clock() < b:
            trainer.train_step()
        t = time.perf_counter()
        rows.append({"budget": b, "steps": trainer.step, **score(trainer.sampler)})
        trainer._clock0 += time.perf_counter() - t  # scoring is not training time
    return rows


def _score_folder(folder: Path) -> tuple[int, dict]:
    from gan.hub import load_folder
    loaded = load_folder(folder)
    step = loaded.config.get("gan_studio", {}).get("step", -1)
    return step, score(loaded.model)


def run_cli(seed: int, budget: float) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "run"
        cmd = [sys.executable, "-m", "gan", "train", "--model", "cgan", "--dataset", "mnist", "--seconds", str(budget),
               "--data-limit", str(classifier.TRAIN_SPLIT), "--seed", str(seed), "--out", str(out), "--quiet"]
        subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, timeout=budget + 600)
        step, s = _score_folder(out)
    return {"budget": budget, "steps": step, **s}


def run_page(seed: int, budget: float) -> dict:
    from gan.jobs import REGISTRY, JobSpec
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "run"
        job = REGISTRY.start(JobSpec("train", asdict(page_config(budget, seed)), tag="train", out_dir=str(out)),
                             "bench", backend="process")
        job.join(budget + 600)
        if job.error or job.status != "done":
            raise RuntimeError(f"the page's job ended {job.status}: {job.error}")
        step, s = _score_folder(out)
    return {"budget": budget, "steps": step, **s}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--budgets", default="60,120,300", help="seconds, comma-separated")
    p.add_argument("--seeds", default="0,1,2")
    p.add_argument("--path", default="trainer", choices=["trainer", "cli", "page"])
    p.add_argument("--threads", type=int, default=None, help="torch.set_num_threads for the trainer path")
    a = p.parse_args(argv)
    if a.threads:
        torch.set_num_threads(a.threads)
    budgets = [float(b) for b in a.budgets.split(",")]
    seeds = [int(s) for s in a.seeds.split(",")]
    classifier.load_classifier()  # load before any clock starts
    print(f"# the Train page's default cgan run on MNIST [0, {classifier.TRAIN_SPLIT}), path {a.path}, "
          f"{torch.get_num_threads()} threads here, {os.cpu_count()} cores")
    print(f"{'seed':>4} {'budget_s':>8} {'steps':>6} {'accuracy':>9} {'FD/floor':>9} {'load':>5}")
    results: dict[float, list[dict]] = {b: [] for b in budgets}
    for seed in seeds:
        rows = run_trainer(seed, budgets) if a.path == "trainer" else [
            (run_cli if a.path == "cli" else run_page)(seed, b) for b in budgets]
        for r in rows:
            results[r["budget"]].append(r)
            print(f"{seed:4d} {r['budget']:8.0f} {r['steps']:6d} {r['accuracy'] * 100:8.1f}% {r['fd_ratio']:9.2f} "
                  f"{os.getloadavg()[0]:5.1f}", flush=True)
    print(f"median of seeds {','.join(map(str, seeds))}:")
    for b, rows in results.items():
        print(f"  {b:5.0f} s: accuracy {statistics.median(r['accuracy'] for r in rows) * 100:.1f}%, "
              f"FD/floor {statistics.median(r['fd_ratio'] for r in rows):.2f}, "
              f"steps {statistics.median(r['steps'] for r in rows):.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
