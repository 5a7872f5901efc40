"""Time to quality: train the conditional GAN from scratch on the CPU and watch class accuracy.

    GAN_DATA_DIR=../shared/data python bench/time_to_quality.py [--minutes 5] [--threads 2]

Trains ``cgan`` on the 8,000-image training split (gan.metrics.classifier.TRAIN_SPLIT) with the project's
Trainer, and every ``--every`` seconds of training scores the generator (the EMA copy when enabled)
with the bundled metrics classifier: n samples with labels 0..9 cycled, accuracy on the requested
labels. Evaluation time is excluded from the training clock. Prints a table and the time at which
accuracy first reached ``--target`` (default 95%). A benchmark, not a test.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402

from gan.metrics import classifier  # noqa: E402
from gan.train import TrainConfig, Trainer  # noqa: E402


@torch.inference_mode()
def class_accuracy(trainer: Trainer, n: int, seed: int = 123) -> float:
    g = trainer.sampler
    was = g.training
    g.eval()
    z = torch.randn(n, g.latent_dim, generator=torch.Generator().manual_seed(seed)).to(trainer.device)
    y = torch.arange(n, device=trainer.device) % 10
    x = g(z, y).float().cpu()
    g.train(was)
    pred = classifier.classify_images(x).argmax(1)
    return float((pred == y.cpu()).float().mean())


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="time for the conditional GAN to reach a class accuracy")
    p.add_argument("--minutes", type=float, default=5.0, help="training-time budget")
    p.add_argument("--every", type=float, default=15.0, help="seconds of training between evaluations")
    p.add_argument("--n-eval", type=int, default=500)
    p.add_argument("--target", type=float, default=0.95)
    p.add_argument("--threads", type=int, default=None, help="torch.set_num_threads (default: PyTorch's choice)")
    p.add_argument("--stop-at-target", action="store_true", help="stop once the target is reached")
    p.add_argument("--loss", default="hinge")
    p.add_argument("--lr-d", type=float, default=4e-4)
    p.add_argument("--lr-g", type=float, default=2e-4)
    p.add_argument("--beta1", type=float, default=0.5)
    p.add_argument("--ema", type=float, default=0.99)
    p.add_argument("--aux-weight", type=float, default=1.0)
    p.add_argument("--width", type=int, default=32)
    p.add_argument("--latent-dim", type=int, default=64)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--n-critic", type=int, default=1)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default=None, help="save the final checkpoint folder here")
    args = p.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    cfg = TrainConfig(model="cgan", dataset="mnist", loss=args.loss, lr_d=args.lr_d, lr_g=args.lr_g,
                      beta1=args.beta1, ema=args.ema, aux_weight=args.aux_weight, width=args.width,
                      latent_dim=args.latent_dim, batch_size=args.batch_size, n_critic=args.n_critic,
                      seed=args.seed, device="cpu", steps=10_000_000, data_limit=classifier.TRAIN_SPLIT)
    classifier.load_classifier()  # load before the clock starts
    trainer = Trainer(cfg)
    print(f"# cgan on {classifier.TRAIN_SPLIT} MNIST images, {torch.get_num_threads()} threads, "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"# loss={cfg.loss} lr_d={cfg.lr_d} lr_g={cfg.lr_g} beta1={cfg.beta1} ema={cfg.ema} "
          f"aux={cfg.aux_weight} width={cfg.width} latent={cfg.latent_dim} batch={cfg.batch_size}")
    print(f"{'train_s':>8} {'steps':>7} {'steps/s':>8} {'accuracy':>9} {'load':>5}")
    budget = args.minutes * 60
    train_s, reached, acc = 0.0, None, 0.0
    while train_s < budget:
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < args.every:
            trainer.train_step()
        train_s += time.perf_counter() - t0
        acc = class_accuracy(trainer, args.n_eval)
        print(f"{train_s:8.1f} {trainer.step:7d} {trainer.step / train_s:8.1f} {acc * 100:8.1f}% "
              f"{os.getloadavg()[0]:5.1f}", flush=True)
        if reached is None and acc >= args.target:
            reached = (train_s, trainer.step)
            if args.stop_at_target:
                break
    if reached:
        print(f"reached {args.target * 100:.0f}% class accuracy after {reached[0]:.0f} s of training "
              f"({reached[1]} steps)")
    else:
        print(f"did not reach {args.target * 100:.0f}% in {train_s:.0f} s ({trainer.step} steps); last {acc * 100:.1f}%")
    if args.out:
        trainer.save(args.out)
        for f in Path(args.out).glob("training_state*"):
            f.unlink()
        print(f"saved {args.out}")
    return 0 if reached else 1


if __name__ == "__main__":
    sys.exit(main())
