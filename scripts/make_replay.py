"""Record a short real training run as a bundled replay (checkpoints/replays/<name>.npz).

    GAN_DATA_DIR=../shared/data python scripts/make_replay.py --model cgan --steps 3000 --out cgan-mnist
    GAN_DATA_DIR=../shared/data python scripts/make_replay.py --model dcgan --steps 5000 --latent-dim 74 \
        --info-codes 10 --info-code-dim 32 --lr-d 1.2e-3 --lr-g 6e-4 --out infogan-mnist \
        --title "InfoGAN-style DCGAN on MNIST (10 codes, no labels), 5000 steps"

(The InfoGAN recording: at 3000 steps with learning rates 4e-4 / 2e-4 its digits were still smudged; the
non-saturating loss with 2e-4 / 1e-3 at 5000 steps drew few kinds of digits; the hinge loss with the cGAN
recipe's learning rates, 5000 steps, is the one bundled.)

Settings not given are the Train page's defaults (gan.train.RECIPE). The file holds the loss history and
a thinned set of fixed-noise sample grids (see gan/replay.py); the Train page plays it back without
training. Keep it small (at most 2 MB).
"""
from __future__ import annotations

import argparse
import sys
import time
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gan import replay  # noqa: E402
from gan.device import device_label  # noqa: E402
from gan.train import Trainer, recipe_config  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", default="cgan", choices=["cgan", "dcgan"])
    p.add_argument("--dataset", default="mnist", choices=["mnist", "fashion-mnist"])
    p.add_argument("--loss", default=None)
    p.add_argument("--steps", type=int, default=3000)
    p.add_argument("--batch-size", type=int, default=None)
    p.add_argument("--width", type=int, default=None)
    p.add_argument("--lr-d", type=float, default=None)
    p.add_argument("--lr-g", type=float, default=None)
    p.add_argument("--latent-dim", type=int, default=None)
    p.add_argument("--info-codes", type=int, default=None, help="dcgan: InfoGAN codes")
    p.add_argument("--info-code-dim", type=int, default=None)
    p.add_argument("--data-limit", type=int, default=8000, help="train on images [0, N) (the metrics' split)")
    p.add_argument("--sample-every", type=int, default=50)
    p.add_argument("--log-every", type=int, default=10)
    p.add_argument("--max-grids", type=int, default=30)
    p.add_argument("--n-samples", type=int, default=40)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default=None, help="recording name (file stem) under checkpoints/replays/")
    p.add_argument("--title", default=None)
    a = p.parse_args(argv)
    cfg = recipe_config(a.model, a.dataset, loss=a.loss, steps=a.steps, batch_size=a.batch_size, width=a.width,
                        lr_d=a.lr_d, lr_g=a.lr_g, latent_dim=a.latent_dim, info_codes=a.info_codes,
                        info_code_dim=a.info_code_dim, sample_every=a.sample_every, log_every=a.log_every,
                        n_samples=a.n_samples, seed=a.seed, device="cpu", data_limit=a.data_limit)
    trainer = Trainer(cfg)
    history, grids = [], []
    t0 = time.perf_counter()
    for ev in trainer.run():
        if ev.status == "running":
            history.append({"step": ev.step, "loss_d": ev.loss_d, "loss_g": ev.loss_g, "d_real": ev.d_real,
                            "d_fake": ev.d_fake, "grad_norm_d": ev.grad_norm_d, "grad_norm_g": ev.grad_norm_g,
                            "images_per_sec": ev.images_per_sec, "elapsed": ev.elapsed})
            print(f"step {ev.step:5d}  L_D {ev.loss_d:.3f}  L_G {ev.loss_g:.3f}  D(x) {ev.d_real:.2f}  "
                  f"D(G(z)) {ev.d_fake:.2f}  {ev.images_per_sec:.0f} img/s", flush=True)
        if ev.samples is not None and (not grids or grids[-1][0] != ev.step):
            grids.append((ev.step, ev.samples))
        if ev.status == "failed":
            print(ev.message, file=sys.stderr)
            return 1
    name = a.out or f"{a.model}-{a.dataset}"
    title = a.title or f"{a.model} on {a.dataset}, {trainer.step} steps"
    rec = replay.make_recording(history, grids, asdict(cfg), max_grids=a.max_grids, title=title,
                                device=device_label(trainer.device), seconds=round(time.perf_counter() - t0, 1))
    path = replay.save(rec, replay.REPLAY_DIR / f"{name}.npz")
    print(f"wrote {path} ({path.stat().st_size / 1024:.0f} KB, {len(rec.grids)} grids, {len(rec.history)} rows)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
