"""Train a discriminator against a bundled generator that was saved without its own, and bundle it.

    GAN_DATA_DIR=../shared/data python scripts/train_discriminator.py dcgan-mnist --steps 3000 \
        --untrained-share 0.25 --threads 1
    GAN_DATA_DIR=../shared/data python scripts/train_discriminator.py cgan-mnist --steps 3000 \
        --untrained-share 0.25 --mismatch-weight 0.5 --threads 1

The generator stays frozen (gan/frozen_d.py). Real images: MNIST t10k images 0-7,999 (the training split of
every bundled model); the held-out images 8,000-9,999 measure the result. Writes discriminator.safetensors
and the discriminator's config into the checkpoint folder (``--out``, default the bundled one) with what was
measured under gan_studio.discriminator in config.json; the model card's section is written by hand from
those numbers. ``--dry-run`` measures without writing.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402

from gan import hub  # noqa: E402
from gan.frozen_d import FrozenDConfig, config_dict, d_scores, evaluate, save_discriminator, train_against_frozen  # noqa: E402
from gan.metrics.classifier import TRAIN_SPLIT, mnist_split  # noqa: E402

QUANTILES = 21  # D's scores on the held-out digits at 0%, 5%, ..., 100%


def _mean_score(D, loaded, images: torch.Tensor, gen: torch.Generator) -> float:
    labels = torch.randint(loaded.n_classes, (len(images),), generator=gen) if loaded.conditional else None
    return round(float(d_scores(D, images, labels).mean()), 4)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("name", help="a bundled generator (dcgan-mnist, cgan-mnist)")
    p.add_argument("--out", default=None, help="checkpoint folder to write into (default: the bundled one)")
    p.add_argument("--steps", type=int, default=3000)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--width", type=int, default=32)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--mismatch-weight", type=float, default=0.0)
    p.add_argument("--untrained-share", type=float, default=0.0)
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--dry-run", action="store_true")
    args = p.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    try:
        loaded = hub.load_bundled(args.name)
        split = mnist_split()
    except (ValueError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    cfg = FrozenDConfig(steps=args.steps, batch_size=args.batch_size, lr=args.lr, width=args.width, seed=args.seed,
                        mismatch_weight=args.mismatch_weight, untrained_share=args.untrained_share)
    D, run = train_against_frozen(loaded, split.train_images, split.train_labels, cfg, log=print)
    held = evaluate(D, loaded, split.held_images, split.held_labels)
    labels = split.held_labels if loaded.conditional else None
    real = d_scores(D, split.held_images, labels)
    gen = torch.Generator().manual_seed(7)
    noise = torch.rand(500, 1, 28, 28, generator=gen) * 2 - 1
    info = {
        "trained": "against the frozen generator", "loss": "ns", **config_dict(cfg),
        "real_images": TRAIN_SPLIT, "threads": torch.get_num_threads(), **run,
        "held_out": held,
        "noise_mean": _mean_score(D, loaded, noise, gen),
        "blank_mean": _mean_score(D, loaded, -torch.ones(500, 1, 28, 28), gen),
        "real_quantiles": [round(float(v), 4) for v in torch.quantile(real, torch.linspace(0, 1, QUANTILES))],
    }
    print(json.dumps({k: v for k, v in info.items() if k != "real_quantiles"}, indent=2))
    print("real quantiles", info["real_quantiles"])
    if not args.dry_run:
        out = Path(args.out) if args.out else hub.BUNDLED_DIR / args.name
        save_discriminator(D, out, info)
        print(f"wrote {out / hub.DISCRIMINATOR_FILE} ({(out / hub.DISCRIMINATOR_FILE).stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
