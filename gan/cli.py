"""``python -m gan ...``: train, sample, eval, ask, push, stylize, superres, augment-study.

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


def _dataset(text: str) -> str:
    """mnist, fashion-mnist, a toy set, a CycleGAN pair, or folder:DIR (your own pictures, one folder per class:
    gan.folders)."""
    from .cycle.domains import PAIRS
    from .data import DATASETS, TOY_DATASETS
    names = list(DATASETS) + list(TOY_DATASETS[:-1]) + list(PAIRS)
    if text in names or (text.startswith("folder:") and len(text) > len("folder:")):
        return text
    raise argparse.ArgumentTypeError(f"invalid choice: {text!r} (choose from {', '.join(names)}, folder:DIR)")


def build_parser() -> argparse.ArgumentParser:
    from .cycle.domains import PAIRS
    from .data import DATASETS, TOY_DATASETS
    from .losses import LOSSES
    from .models import MODELS

    p = _Parser(prog="python -m gan", description="GAN Studio command line")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    t = sub.add_parser("train", help="train a GAN and save a checkpoint folder")
    t.add_argument("--model", required=True, choices=[n for n, s in MODELS.items() if s.discriminator] + ["cyclegan"])
    t.add_argument("--dataset", required=True, type=_dataset,
                   help=f"{', '.join(list(DATASETS) + list(TOY_DATASETS[:-1]))}, or folder:DIR for your own pictures "
                        "(one subfolder per class; 32 px and, under 2,000 pictures, DiffAugment by default); "
                        f"cyclegan: a pair of domains ({', '.join(PAIRS)})")
    t.add_argument("--loss", default=None, choices=LOSSES)
    t.add_argument("--steps", type=_positive_int, default=None)
    t.add_argument("--epochs", type=_finite_float, default=None)
    t.add_argument("--seconds", type=_finite_float, default=None,
                   help="time budget: stop after this many seconds from the start (the Train page's budgets)")
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
    t.add_argument("--lr", type=_finite_float, default=None, help="cyclegan: learning rate of all four networks")
    t.add_argument("--cycle-weight", type=_finite_float, default=None, help="cyclegan: weight of the cycle loss")
    t.add_argument("--identity-weight", type=_finite_float, default=None, help="cyclegan: weight of the identity loss")
    t.add_argument("--replay", default=None, help="cyclegan: where to write the run's recording (OUT/replay.npz)")
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

    e = sub.add_parser("eval", help="score a generator: class histogram/entropy/accuracy and Frechet "
                                    "distance for digits, mode coverage and KL/JS for 2D toys")
    e.add_argument("source", help="checkpoint folder, bundled name (e.g. cgan-mnist) or Hub repo id")
    e.add_argument("--n", type=_positive_int, default=2000, help="samples to generate (10-4096; default 2000)")
    e.add_argument("--seed", type=int, default=0)
    e.add_argument("--json", action="store_true", help="print one JSON object instead of a table")

    a = sub.add_parser("ask", help="ask a generator's discriminator how real an image of a digit looks, and the "
                                   "bundled classifier which digit it is")
    a.add_argument("source", help="checkpoint folder, bundled name (e.g. cgan-mnist) or Hub repo id")
    a.add_argument("image", help="PNG, JPEG or WebP of one digit, light on dark or dark on light")
    a.add_argument("--json", action="store_true", help="print one JSON object")

    add_stylize_parser(sub)
    add_superres_parser(sub)

    a = sub.add_parser("augment-study", help="few real digits per class, with and without a cGAN's samples: "
                                             "held-out accuracy of the classifier over seeds")
    a.add_argument("--per-class", type=_positive_int, nargs="+", default=[10], help="real images per digit")
    a.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    a.add_argument("--seconds", type=_finite_float, default=None, help="time budget of each cGAN (default: steps)")
    a.add_argument("--gan-steps", type=_positive_int, default=None)
    a.add_argument("--clf-steps", type=_positive_int, default=None)
    a.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    return p


# ----------------------------------------------------------------------------- train

def _dist_env() -> tuple[int, int, int]:
    return int(os.environ.get("RANK", 0)), int(os.environ.get("WORLD_SIZE", 1)), int(os.environ.get("LOCAL_RANK", 0))


def cmd_train(args) -> int:
    import time
    started = time.time()  # a --seconds budget counts from here: imports, data and models included
    from .cycle import cli as cycle_cli
    try:
        cycle_cli.check_args(args)
    except ValueError as e:
        raise CliError(str(e)) from None
    if args.model == "cyclegan":
        return cycle_cli.train(args)

    from .data import DatasetMissing
    from .train import STATE_JSON, Trainer, recipe_config

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
        "loss": args.loss, "steps": args.steps, "epochs": args.epochs, "seconds": args.seconds, "batch_size": args.batch_size,
        "lr_d": args.lr_d, "lr_g": args.lr_g, "n_critic": args.n_critic, "ema": args.ema, "width": args.width,
        "latent_dim": args.latent_dim, "image_size": args.image_size, "seed": args.seed,
        "device": args.device, "sample_every": args.sample_every, "data_limit": args.data_limit,
        "aux_weight": args.aux_weight, "beta1": args.beta1, "info_codes": args.info_codes,
        "augment": args.augment, "info_code_dim": args.info_code_dim}.items() if v is not None}
    if world > 1 and "device" not in overrides:
        import torch
        overrides["device"] = f"cuda:{local_rank}" if torch.cuda.is_available() else "cpu"
    if args.seconds is not None and args.steps is None and args.epochs is None:
        overrides["steps"] = 10_000_000  # the budget decides
    try:
        if args.resume:
            if not (out / STATE_JSON).is_file():
                raise CliError(f"--resume: {out} holds no saved run ({STATE_JSON})")
            trainer = Trainer.resume(out, started_at=started, **overrides)
        else:  # image models start from the Train page's recipe (gan.train.RECIPE)
            if args.dataset.startswith("folder:"):  # your own pictures: the page's defaults for the set's size
                from .folders import defaults, folder_of, scan
                overrides = {**defaults(scan(folder_of(args.dataset)).n_files), **overrides}
            cfg = recipe_config(args.model, args.dataset, **overrides)
            trainer = Trainer(cfg, rank=rank, world_size=world, started_at=started)
    except (ValueError, DatasetMissing) as e:
        raise CliError(str(e)) from None

    bar = None
    if rank == 0 and not args.quiet:
        from tqdm import tqdm
        timed = trainer.cfg.seconds is not None
        bar = tqdm(total=int(trainer.cfg.seconds) if timed else trainer.total_steps, initial=0 if timed else trainer.step,
                   unit="s" if timed else "step", dynamic_ncols=True, file=sys.stderr)
    last = None
    try:
        for ev in trainer.run():
            last = ev
            if bar is not None:
                bar.update(min(bar.total, int(ev.elapsed)) - bar.n if timed else ev.step - bar.n)
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
        names = getattr(trainer.data, "class_names", None) if getattr(trainer.data, "kind", "") == "folder" else None
        if names:  # your own classes: what --label means for `python -m gan sample`
            msg += "; labels: " + ", ".join(f"{i} = {n}" for i, n in enumerate(names))
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


# ----------------------------------------------------------------------------- stylize

def add_stylize_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``stylize`` to a ``python -m gan`` sub-command parser."""
    from .images import format_names
    from .style.offline import METHODS, StyleConfig
    from .style.presets import STYLE_PRESETS
    from .style.pretrained import HUB_STYLES

    p = subparsers.add_parser(
        "stylize", help="style transfer on a photo (offline patch or adversarial method, or a pretrained generator)",
        description="Offline: python -m gan stylize photo.jpg --style mosaic --out out.png. "
                    f"Pretrained: --model one of {', '.join(HUB_STYLES)}, a local .pth/.safetensors file, "
                    "or spaces/owner/name/path/file.pth. Style presets: " + ", ".join(STYLE_PRESETS))
    p.add_argument("content", help=f"the photo to restyle ({format_names()})")
    p.add_argument("--style", default=None, help="a style image file or a preset name (default: mosaic)")
    p.add_argument("--out", required=True, help="where to write the result (PNG)")
    p.add_argument("--size", type=int, default=StyleConfig.size,
                   help=f"longest side of the result in pixels, 32 to 1024 (default {StyleConfig.size})")
    p.add_argument("--method", default=StyleConfig.method, choices=METHODS,
                   help=f"offline method (default {StyleConfig.method}, as on the page): patch = texture synthesis "
                        "from the style's patches; adversarial = pixels optimised against a patch discriminator")
    p.add_argument("--steps", type=int, default=None,
                   help="iterations of the offline method (default: the method's own, patch 12, adversarial 200)")
    p.add_argument("--model", default=None, help="use a pretrained generator instead of the offline method")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--style-weight", type=float, default=StyleConfig.style_weight)
    p.add_argument("--adv-weight", type=float, default=StyleConfig.adv_weight)
    p.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    p.set_defaults(func=stylize_main)
    return p


def _read_image_arg(text: str, what: str):
    """The decoded RGB image at path ``text``; ``ImageError`` naming ``what`` if it is missing or unreadable."""
    from .images import ImageError, decode_image

    path = Path(text).expanduser()
    if not path.is_file():
        raise ImageError(f"{what} file not found: {text}")
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ImageError(f"cannot read {what} file {text}: {e.strerror or e}") from None
    try:
        return decode_image(data)
    except ImageError as e:
        raise ImageError(f"{what} {path.name}: {e}") from None


def stylize_main(args: argparse.Namespace) -> int:
    """``python -m gan stylize``: 0 on success, 2 on bad input, 1 when a model cannot be fetched."""
    from .hub import CheckpointError, HubError
    from .images import ImageError, encode_png, tensor_to_pil
    from .style.offline import StyleConfig, stylize_iter
    from .style.presets import STYLE_PRESETS, preset_image
    from .style.pretrained import apply_style_model, load_style_model

    err = sys.stderr
    size, steps, seed = args.size, args.steps, args.seed
    try:
        StyleConfig(size=size, steps=steps, method=args.method).validate()  # before anything is allocated
        content = _read_image_arg(args.content, "content")
        if args.model:
            try:
                sm = load_style_model(args.model)
            except HubError as e:
                print(f"error: {e}. The offline method needs no download: drop --model and give --style.", file=err)
                return 1
            print(f"{sm.name}: {sm.direction} | license: {sm.license} | source: {sm.source}")
            result = apply_style_model(sm.model, content, size, args.device)
        else:
            style_arg = args.style or "mosaic"
            if style_arg in STYLE_PRESETS and not Path(style_arg).is_file():
                style = preset_image(style_arg, size=max(size, 256), seed=seed)
            else:
                style = _read_image_arg(style_arg, "style")
            cfg = StyleConfig(size=size, steps=steps, method=args.method, seed=seed, style_weight=args.style_weight,
                              adv_weight=args.adv_weight, device=args.device)
            cfg.preview_every = max(1, cfg.steps // 10)
            cfg.validate()
            final = None
            for ev in stylize_iter(content, style, cfg):
                if ev.losses:
                    print(f"step {ev.step}/{ev.total} {ev.size[0]}x{ev.size[1]} " +
                          " ".join(f"{k} {v:.3f}" for k, v in ev.losses.items()) + f" ({ev.seconds:.1f}s)")
                if ev.done:
                    final = ev.image
            result = tensor_to_pil(final)
    except (ImageError, CheckpointError, ValueError) as e:
        print(f"error: {e}", file=err)
        return 2
    out = Path(args.out).expanduser()
    try:
        out.write_bytes(encode_png(result))
    except OSError as e:
        print(f"error: cannot write {out}: {e.strerror or e}", file=err)
        return 2
    print(f"wrote {out} ({result.size[0]}x{result.size[1]})")
    return 0


# ----------------------------------------------------------------------------- superres

def add_superres_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``superres`` (MNIST super-resolution three ways) to a ``python -m gan`` sub-command parser."""
    from .models.superres import SCALES
    from .superres import BUNDLED_NAME, SRConfig

    p = subparsers.add_parser(
        "superres", help="MNIST super-resolution three ways: bicubic, a CNN trained with L1 only, and with L1 + "
                         "an adversarial loss (SRGAN); trains both networks (or loads a saved pair) and measures them",
        description="Train: python -m gan superres --steps 600 --out runs/sr. Measure a saved pair: "
                    f"python -m gan superres --load {BUNDLED_NAME} (the bundled one) or --load FOLDER. Figures on "
                    "the held-out MNIST digits 8000-9999: sharpness (mean gradient energy), PSNR, classifier accuracy.")
    p.add_argument("--load", default=None, metavar="FOLDER",
                   help=f"measure a saved pair instead of training ({BUNDLED_NAME}: the bundled one)")
    p.add_argument("--steps", type=_positive_int, default=SRConfig.steps)
    p.add_argument("--scale", type=int, default=SRConfig.scale, choices=SCALES,
                   help="4: 7x7 -> 28x28 (default), 2: 14x14 -> 28x28")
    p.add_argument("--adv-weight", type=_finite_float, default=SRConfig.adv_weight,
                   help=f"weight of the adversarial loss next to L1 (default {SRConfig.adv_weight})")
    p.add_argument("--batch-size", type=_positive_int, default=SRConfig.batch_size)
    p.add_argument("--lr", type=_finite_float, default=SRConfig.lr)
    p.add_argument("--width", type=_positive_int, default=SRConfig.width)
    p.add_argument("--seed", type=int, default=SRConfig.seed)
    p.add_argument("--out", default=None, help="folder to save the trained pair to (config.json, safetensors, README.md)")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=superres_main)
    return p


def superres_main(args: argparse.Namespace) -> int:
    """``python -m gan superres``: 0 on success, 2 on bad input (one line on stderr)."""
    import json

    from . import superres as sr

    if args.load:
        folder = sr.bundled_dir() if args.load == sr.BUNDLED_NAME else Path(args.load).expanduser()
        pair = sr.load_pair(folder)
    else:
        cfg = sr.SRConfig(steps=args.steps, scale=args.scale, adv_weight=args.adv_weight, batch_size=args.batch_size,
                          lr=args.lr, width=args.width, seed=args.seed).validate()
        if args.out:  # before training, so a folder that cannot be written costs no training
            out = Path(args.out).expanduser()
            if out.is_file():
                raise CliError(f"--out {args.out} is a file; give a folder")
            try:
                out.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise CliError(f"--out {args.out} cannot be created ({e.strerror or e})") from None
        load_start = os.getloadavg()[0]
        trainer = sr.SRTrainer(cfg)
        bar = None
        if not args.quiet:
            from tqdm import tqdm
            bar = tqdm(total=cfg.steps, unit="step", dynamic_ncols=True, file=sys.stderr)
        last = None
        try:
            for last in trainer.run():
                if bar is not None:
                    bar.update(last.step - bar.n)
                    if last.losses:
                        bar.set_postfix(L1=f"{last.losses['l1_only']:.3f}", L1_adv=f"{last.losses['l1_adv']:.3f}",
                                        L_D=f"{last.losses['adv_d']:.3f}")
        except KeyboardInterrupt:
            print("interrupted", file=sys.stderr)
            return 130
        finally:
            if bar is not None:
                bar.close()
        if last is None or last.status != "done":
            print(f"error: {last.message if last else 'no training happened'}", file=sys.stderr)
            return 1
        pair = trainer.pair
        pair.info = {k: last.result[k] for k in ("steps", "seconds", "metrics", "examples")}
        if args.out:
            out = Path(args.out).expanduser()
            command = (f"GAN_DATA_DIR=../shared/data OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', '')} "
                       if os.environ.get("OMP_NUM_THREADS") else "GAN_DATA_DIR=../shared/data ")
            command += (f"python -m gan superres --steps {cfg.steps} --scale {cfg.scale} --adv-weight {cfg.adv_weight} "
                        f"--batch-size {cfg.batch_size} --lr {cfg.lr} --width {cfg.width} --seed {cfg.seed} --out {out}")
            import torch
            conditions = (f"{torch.get_num_threads()} PyTorch thread(s) on {os.cpu_count()} CPU cores, load average "
                          f"{load_start:.1f} at the start and {os.getloadavg()[0]:.1f} at the end")
            sr.save_pair(pair, out, card=sr.model_card(pair, pair.info["metrics"], command=command,
                                                       conditions=conditions))
            print(f"saved {out} after {cfg.steps} steps ({pair.info['seconds']:.0f} s)", file=sys.stderr)
    metrics = pair.info["metrics"] if not args.load else sr.analyse(pair)["metrics"]
    print(json.dumps(metrics) if args.json else sr.format_table(metrics))
    return 0


# ----------------------------------------------------------------------------- eval

def cmd_eval(args) -> int:
    import json

    from .hub import load_generator
    from .metrics.evaluate import evaluate, format_table

    if not 10 <= args.n <= 4096:
        raise CliError("--n must be between 10 and 4096")
    loaded = load_generator(args.source)
    if loaded.note:
        print(loaded.note, file=sys.stderr)
    res = evaluate(loaded, n=args.n, seed=args.seed)
    print(json.dumps(res) if args.json else format_table(res))
    return 0


def cmd_ask(args) -> int:
    import json

    import numpy as np

    from .drawing import light_on_dark, mnist_like
    from .hub import load_generator
    from .images import decode_image
    from .sampling import verdict

    loaded = load_generator(args.source)
    if loaded.discriminator is None:
        raise CliError(f"{loaded.source} came without its discriminator: there is nobody to ask")
    path = Path(args.image)
    if not path.is_file():
        raise CliError(f"no such image: {path}")
    from .images import ImageError
    try:
        gray = np.asarray(decode_image(path.read_bytes(), mode="L"))
    except ImageError as e:
        raise CliError(f"{path.name}: {e}") from None
    v = verdict(loaded, mnist_like(light_on_dark(gray)))
    res = {"source": loaded.source, "d": round(v.score, 4), "digit": v.digit,
           "classifier_probability": None if v.probs is None else round(float(v.probs.max()), 4),
           "real_share_below": None if v.real_share_below is None else round(v.real_share_below, 4)}
    if loaded.conditional:
        res["d_per_label"] = [round(float(x), 4) for x in v.d]
    if args.json:
        print(json.dumps(res))
        return 0
    what = f"D(x, y={v.digit})" if loaded.conditional and v.digit is not None else "D(x)"
    print(f"{what} = {v.score:.3f}" + ("" if v.real_share_below is None else
                                      f" (higher than {v.real_share_below:.0%} of held-out real digits)"))
    if v.probs is not None:
        print(f"the classifier reads {v.digit} ({float(v.probs.max()):.0%} sure)")
    return 0



def cmd_augment_study(args) -> int:
    import json
    from dataclasses import replace

    from .augmentation_study import CellConfig, format_table, run_study

    base = CellConfig(gan_seconds=args.seconds)
    base = replace(base, **{k: v for k, v in (("gan_steps", args.gan_steps), ("clf_steps", args.clf_steps)) if v})
    for pc in args.per_class:  # every cell's settings checked before the first one trains
        replace(base, per_class=pc).validate()
    for seed in args.seeds:
        replace(base, seed=seed).validate()
    res = run_study(args.per_class, args.seeds, base, log=(lambda s: None) if args.json else print)
    print(json.dumps(res) if args.json else "\n" + format_table(res["summary"]) + f"\n{res['seconds']:.0f} s")
    return 0


COMMANDS = {"train": cmd_train, "sample": cmd_sample, "push": cmd_push, "eval": cmd_eval, "ask": cmd_ask,
            "augment-study": cmd_augment_study}


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
