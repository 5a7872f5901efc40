"""``python -m gan train --model cyclegan --dataset PAIR ...``: train a CycleGAN, save it and a recording of the run.

Called by :func:`gan.cli.cmd_train`; writes ``--out`` (config.json, model.safetensors with all four networks,
README.md) and the recording (``--replay``, default ``OUT/replay.npz``, :mod:`gan.cycle.replay`).
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

# Options of `python -m gan train` that only the image / toy GAN trainer reads.
GAN_ONLY = ("loss", "epochs", "lr_d", "lr_g", "n_critic", "ema", "latent_dim", "image_size", "device", "sample_every",
            "aux_weight", "augment", "info_code_dim", "info_codes", "beta1", "resume")
CYCLE_ONLY = ("cycle_weight", "identity_weight", "lr", "replay")


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def check_args(args) -> None:
    """Raise ValueError for options that do not fit the model (one line, for gan.cli's error)."""
    from .domains import PAIRS
    if args.model == "cyclegan":
        used = [_flag(k) for k in GAN_ONLY if getattr(args, k, None) not in (None, False)]
        if used:
            raise ValueError(f"{', '.join(used)} cannot be used with --model cyclegan (its options: --steps, "
                             "--seconds, --batch-size, --lr, --width, --seed, --cycle-weight, --identity-weight, "
                             "--data-limit, --replay)")
        if args.dataset not in PAIRS:
            raise ValueError(f"--model cyclegan trains on a pair of domains: --dataset {' or '.join(PAIRS)}, "
                             f"not {args.dataset}")
    else:
        used = [_flag(k) for k in CYCLE_ONLY if getattr(args, k, None) is not None]
        if used:
            raise ValueError(f"{', '.join(used)} only applies to --model cyclegan")
        if args.dataset in PAIRS:
            raise ValueError(f"{args.dataset} is a pair of domains for --model cyclegan, not a dataset for "
                             f"--model {args.model}")


def train(args) -> int:
    """Train, save, record; 0 when the run finished, 1 when it failed (its message on stderr)."""
    started = time.time()
    from ..data import DatasetMissing
    from . import domains
    from .engine import record_run
    from .replay import save as save_recording
    from .train import CycleTrainer, default_config

    check_args(args)
    if domains.pair(args.dataset).kind == "points":
        import torch
        torch.set_num_threads(1)  # four tiny MLPs: more threads only add waiting (bench/cyclegan.py)
    steps = args.steps
    if args.seconds is not None and steps is None:
        steps = 1_000_000  # the budget decides
    try:
        cfg = default_config(args.dataset, steps=steps, seconds=args.seconds, batch_size=args.batch_size,
                             lr=args.lr, width=args.width, seed=args.seed, cycle_weight=args.cycle_weight,
                             identity_weight=args.identity_weight, data_limit=args.data_limit)
        trainer = CycleTrainer(cfg, started_at=started)
    except DatasetMissing as e:
        raise ValueError(str(e)) from None
    bar = None
    if not args.quiet:
        from tqdm import tqdm
        timed = cfg.seconds is not None and args.steps is None
        bar = tqdm(total=int(cfg.seconds) if timed else cfg.steps, unit="s" if timed else "step", dynamic_ncols=True,
                   file=sys.stderr)

    def progress(ev) -> None:
        if bar is None:
            return
        bar.update((min(bar.total, int(ev.elapsed)) if timed else ev.step) - bar.n)
        if ev.losses:
            bar.set_postfix(adv=f"{ev.losses['adv_g']:.3f}", cycle=f"{ev.losses['cycle']:.3f}")

    try:
        last, rec = record_run(trainer, progress)
    except KeyboardInterrupt:
        trainer.stop_event.set()
        last, rec = None, None
    finally:
        if bar is not None:
            bar.close()
    out = Path(args.out)
    trainer.save(out)
    if rec is not None:
        save_recording(rec, Path(args.replay) if args.replay else out / "replay.npz")
    snap = trainer.last_snapshot or {}
    failed = last is not None and last.status == "failed"
    msg = (f"saved {out} after {trainer.step} steps ({time.time() - started:.1f} s): reconstruction error "
           f"{snap.get('recon', float('nan')):.4f}")
    print(msg + (f" ({last.message})" if failed else ""), file=sys.stderr if failed else sys.stdout)
    return 1 if failed else 0
