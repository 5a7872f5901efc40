"""Train the MNIST classifier used by GAN Studio's quality metrics (gan/metrics/classifier.py).

    GAN_DATA_DIR=../shared/data python scripts/train_classifier.py --out checkpoints/mnist-classifier

Also writes the 8,000-image training split as IDX files for training the bundled GANs with the CLI:

    python scripts/train_classifier.py --write-train-split /tmp/mnist-train8k
    GAN_DATA_DIR=/tmp/mnist-train8k python -m gan train --model cgan --dataset mnist ...

and turns such a training output into a bundled checkpoint (metrics on 2,000 samples in config.json
and the model card; the training state removed, the discriminator kept):

    python scripts/train_classifier.py --finalize checkpoints/cgan-mnist --wall-seconds 900 \
        --command "the commands that produced it" --conditions "how loaded the machine was"
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gan.metrics.classifier import train_classifier, write_train_split  # noqa: E402
from gan.metrics.evaluate import finalize_bundled, format_table  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", default=None, help="folder to write the classifier to")
    p.add_argument("--epochs", type=int, default=12)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--width", type=int, default=32)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=None, help="torch.set_num_threads (default: PyTorch's choice)")
    p.add_argument("--write-train-split", default=None, metavar="DIR",
                   help="write the 8,000 training images as DIR/MNIST/raw/t10k-*.gz and exit")
    p.add_argument("--finalize", default=None, metavar="DIR", help="make DIR a bundled checkpoint and exit")
    p.add_argument("--command", default="", help="--finalize: the command that reproduces the checkpoint")
    p.add_argument("--wall-seconds", type=float, default=0.0, help="--finalize: training wall time")
    p.add_argument("--conditions", default="", help="--finalize: the machine load during training")
    args = p.parse_args(argv)
    try:
        if args.write_train_split:
            print(f"wrote {write_train_split(args.write_train_split)}")
            return 0
        if args.finalize:
            res = finalize_bundled(args.finalize, command=args.command, wall_seconds=args.wall_seconds,
                                   conditions=args.conditions)
            print(format_table(res))
            return 0
        if not args.out:
            p.error("give --out (or --write-train-split)")
        if args.threads:
            import torch
            torch.set_num_threads(args.threads)
        metrics = train_classifier(args.out, epochs=args.epochs, batch_size=args.batch_size, lr=args.lr,
                                   width=args.width, seed=args.seed)
    except (ValueError, FileNotFoundError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(metrics)
    return 0


if __name__ == "__main__":
    sys.exit(main())
