"""``python -m gan ...``: train, sample, eval, push, stylize.

Bad arguments or inputs print one line on stderr and exit with code 2; no tracebacks.
"""
from __future__ import annotations

import argparse
import math
import os
import sys
from pathlib import Path

EXIT_USAGE = 2


class CliError(Exception):
    """A user error: printed as one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2
        raise CliError(message)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} must be at least 1")
    return value


def _finite_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return value


def build_parser() -> argparse.ArgumentParser:
    from .data import DATASETS, TOY_DATASETS
    from .losses import LOSSES
    from .models import MODELS

    p = _Parser(prog="python -m gan", description="GAN Studio command line")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    t = sub.add_parser("train", help="train a GAN and save a checkpoint folder")
    t.add_argument("--model", required=True, choices=[n for n, s in MODELS.items() if s.discriminator])
    t.add_argument("--dataset", required=True, choices=list(DATASETS) + list(TOY_DATASETS[:-1]))
    t.add_argument("--loss", default=None, choices=LOSSES)
    t.add_argument("--steps", type=_positive_int, default=None)
    t.add_argument("--epochs", type=_finite_float, default=None)
    t.add_argument("--out", required=True, help="checkpoint folder to write")
    t.add_argument("--batch-size", type=_positive_int, default=None)
    t.add_argument("--lr-d", type=_finite_float, default=None)
    t.add_argument("--lr-g", type=_finite_float, default=None)
    t.add_argument("--n-critic", type=_positive_int, default=None)
    t.add_argument("--ema", type=_finite_float, default=None)
    t.add_argument("--width", type=_positive_int, default=None)
    t.add_argument("--latent-dim", type=_positive_int, default=None)
    t.add_argument("--image-size", type=int, default=None, choices=(28, 32, 64))
    t.add_argument("--seed", type=int, default=None)
    t.add_argument("--device", default=None, help="auto (default), cpu, cuda, mps")
    t.add_argument("--sample-every", type=_positive_int, default=None)
    t.add_argument("--data-limit", type=_positive_int, default=None, help="train on the first N images only")
    t.add_argument("--aux-weight", type=_finite_float, default=None,
                   help="conditional models: auxiliary class loss; InfoGAN: code loss")
    t.add_argument("--augment", default=None, help="DiffAugment policy for D, e.g. translation,cutout")
    t.add_argument("--info-code-dim", type=_positive_int, default=None,
                   help="InfoGAN: embed the code in N learned dimensions instead of a one-hot vector")
    t.add_argument("--info-codes", type=_positive_int, default=None,
                   help="dcgan: InfoGAN with a categorical code of N values, learned without labels")
    t.add_argument("--beta1", type=_finite_float, default=None)
    t.add_argument("--resume", action="store_true", help="continue the run saved in --out")
    t.add_argument("--quiet", action="store_true", help="no progress bar")

    s = sub.add_parser("sample", help="generate images from a checkpoint, bundled name or Hub repo id")
    s.add_argument("source")
    s.add_argument("--n", type=_positive_int, default=64)
    s.add_argument("--label", type=int, default=None, help="class to generate (conditional models)")
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--out", required=True, help="FILE.png for a grid, FILE.npy for a uint8 array")

    u = sub.add_parser("push", help="upload a checkpoint folder to the Hugging Face Hub")
    u.add_argument("dir")
    u.add_argument("repo_id")
    u.add_argument("--token", default=None, help="defaults to HF_TOKEN or the saved login")
    u.add_argument("--private", action="store_true")

    try:
        from .metrics import add_eval_parser
    except ImportError:
        add_eval_parser = None
    if add_eval_parser is not None:
        add_eval_parser(sub)
    try:
        from .style import add_stylize_parser
    except ImportError:
        add_stylize_parser = None
    if add_stylize_parser is not None:
        add_stylize_parser(sub)
    return p


# ----------------------------------------------------------------------------- train

def _dist_env() -> tuple[int, int, int]:
    return int(os.environ.get("RANK", 0)), int(os.environ.get("WORLD_SIZE", 1)), int(os.environ.get("LOCAL_RANK", 0))


def cmd_train(args) -> int:
    from .data import DatasetMissing
    from .train import TrainConfig, Trainer

    rank, world, local_rank = _dist_env()
    if world > 1:
        import torch
        import torch.distributed as dist
        backend = "nccl" if torch.cuda.is_available() else "gloo"
        dist.init_process_group(backend)
        if backend == "nccl":
            torch.cuda.set_device(local_rank)
    out = Path(args.out)
    overrides = {k: v for k, v in {
        "loss": args.loss, "steps": args.steps, "epochs": args.epochs, "batch_size": args.batch_size,
        "lr_d": args.lr_d, "lr_g": args.lr_g, "n_critic": args.n_critic, "ema": args.ema, "width": args.width,
        "latent_dim": args.latent_dim, "image_size": args.image_size, "seed": args.seed,
        "device": args.device, "sample_every": args.sample_every, "data_limit": args.data_limit,
        "aux_weight": args.aux_weight, "beta1": args.beta1, "info_codes": args.info_codes,
        "augment": args.augment, "info_code_dim": args.info_code_dim}.items() if v is not None}
    if world > 1 and "device" not in overrides:
        import torch
        overrides["device"] = f"cuda:{local_rank}" if torch.cuda.is_available() else "cpu"
    try:
        if args.resume:
            if not (out / "training_state.pt").is_file():
                raise CliError(f"--resume: {out} holds no saved run (training_state.pt)")
            trainer = Trainer.resume(out, **overrides)
        else:
            cfg = TrainConfig(model=args.model, dataset=args.dataset, **overrides)
            trainer = Trainer(cfg, rank=rank, world_size=world)
    except (ValueError, DatasetMissing) as e:
        raise CliError(str(e)) from None

    bar = None
    if rank == 0 and not args.quiet:
        from tqdm import tqdm
        bar = tqdm(total=trainer.total_steps, initial=trainer.step, unit="step", dynamic_ncols=True, file=sys.stderr)
    last = None
    try:
        for ev in trainer.run():
            last = ev
            if bar is not None:
                bar.update(ev.step - bar.n)
                if ev.loss_d == ev.loss_d:
                    bar.set_postfix(L_D=f"{ev.loss_d:.3f}", L_G=f"{ev.loss_g:.3f}", img_s=f"{ev.images_per_sec:.0f}")
    except KeyboardInterrupt:
        trainer.stop_event.set()
    finally:
        if bar is not None:
            bar.close()
    failed = last is not None and last.status == "failed"
    if rank == 0:
        trainer.save(out)
        msg = f"saved {out} after {trainer.step} steps"
        print(msg + (f" ({last.message})" if failed else ""), file=sys.stderr if failed else sys.stdout)
    if world > 1:
        import torch.distributed as dist
        dist.barrier()
        dist.destroy_process_group()
    return 1 if failed else 0


# ----------------------------------------------------------------------------- sample

def cmd_sample(args) -> int:
    import numpy as np

    from .hub import load_generator
    from .images import images_uint8, make_grid
    from .sampling import generate

    out = Path(args.out)
    if out.suffix.lower() not in (".png", ".npy"):
        raise CliError(f"--out must end in .png or .npy, not {out.suffix or 'nothing'}")
    if args.n > 4096:
        raise CliError("--n must be at most 4096")
    loaded = load_generator(args.source)
    if loaded.note:
        print(loaded.note, file=sys.stderr)
    images = generate(loaded, args.n, seed=args.seed, label=args.label)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    try:
        if out.suffix.lower() == ".npy":
            with open(tmp, "wb") as f:
                np.save(f, images_uint8(images))
        else:
            from PIL import Image

            Image.fromarray(make_grid(images, nrow=10 if args.label is None and loaded.conditional else None)).save(tmp, format="PNG")
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    print(f"wrote {out} ({args.n} samples from {loaded.source})")
    return 0


def cmd_push(args) -> int:
    from .hub import push
    url = push(args.dir, args.repo_id, token=args.token or os.environ.get("HF_TOKEN"), private=args.private)
    print(f"pushed {args.dir} to {url}")
    return 0


COMMANDS = {"train": cmd_train, "sample": cmd_sample, "push": cmd_push}


def main(argv: list[str] | None = None) -> int:
    from .data import DatasetMissing
    from .hub import CheckpointError, HubError

    try:
        args = build_parser().parse_args(argv)
        func = getattr(args, "func", None) or COMMANDS[args.command]
        return int(func(args) or 0)
    except CliError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except (CheckpointError, HubError, DatasetMissing, ValueError, FileNotFoundError, PermissionError) as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


__all__ = ["main", "build_parser"]
