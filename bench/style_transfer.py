"""Style transfer timings at the page's default size (512 px): the offline method run directly (what
``python -m gan stylize`` does), the same run as a page starts it (a "style" job in a worker process
through gan.jobs, as app_pages/6_style_transfer.py does), and one forward pass of a CycleGAN-size
generator (resnet_9blocks, random weights).

    python bench/style_transfer.py [--size 512] [--method patch] [--steps N] [--threads N] [--device auto|cpu|cuda]

Prints a small table of wall seconds. The target: 512 px in <= 60 s on 2 CPU cores, for the CLI and the
page. On a machine shared with other work the wall time is longer than on an idle one; the CPU seconds
the direct run used are printed too.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gan.device import pick_device  # noqa: E402
from gan.images import resize_to  # noqa: E402
from gan.models.cyclegan import ResnetGenerator  # noqa: E402
from gan.style.offline import StyleConfig, stylize_iter  # noqa: E402
from gan.style.presets import preset_image  # noqa: E402


def _sync(dev: torch.device) -> None:
    if dev.type == "cuda":
        torch.cuda.synchronize()


def _inputs(size: int):
    return resize_to(preset_image("astronaut"), size), preset_image("brush", size)


def bench_direct(cfg: StyleConfig) -> tuple[float, float, float]:
    """(wall seconds, seconds to the first preview, CPU seconds of this process) for one run."""
    content, style = _inputs(cfg.size)
    t0, c0 = time.perf_counter(), time.process_time()
    first = None
    for ev in stylize_iter(content, style, cfg):
        if ev.image is not None and first is None:
            first = time.perf_counter() - t0
    _sync(pick_device(cfg.device))
    return time.perf_counter() - t0, first or 0.0, time.process_time() - c0


def bench_job(cfg: StyleConfig) -> float:
    """Wall seconds from starting a "style" job in a worker process (as the page does) to its result."""
    from dataclasses import asdict

    from gan.jobs import REGISTRY, JobSpec
    content, style = _inputs(cfg.size)
    t0 = time.perf_counter()
    job = REGISTRY.start(JobSpec("style", asdict(cfg), tag="style", payload={"content": content, "style": style}),
                         "bench", backend="process")
    job.join(600)
    if job.status != "done":
        raise SystemExit(f"the job ended {job.status}: {job.error}")
    return time.perf_counter() - t0


def bench_cyclegan(size: int, device: str, repeats: int = 3) -> float:
    dev = pick_device(device)
    torch.manual_seed(0)
    model = ResnetGenerator().to(dev).eval()
    x = torch.rand(1, 3, size, size, device=dev) * 2 - 1
    with torch.inference_mode():
        model(x)  # warm-up
        _sync(dev)
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            model(x)
            _sync(dev)
            times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=StyleConfig.size)
    ap.add_argument("--method", default=StyleConfig.method)
    ap.add_argument("--steps", type=int, default=None)
    ap.add_argument("--threads", type=int, default=None, help="torch.set_num_threads (default: PyTorch's choice)")
    ap.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    ap.add_argument("--no-job", action="store_true", help="skip the worker-process run")
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    dev = pick_device(args.device)
    cfg = StyleConfig(size=args.size, steps=args.steps, method=args.method, device=args.device)
    cfg.preview_every = max(1, cfg.steps // 15)
    print(f"device {dev}, torch threads {torch.get_num_threads()}, torch {torch.__version__}")
    total, first, cpu = bench_direct(cfg)
    rows = [(f"{cfg.method} method, {cfg.size} px, {cfg.steps} steps (CLI path)", total),
            ("  first preview after", first), ("  CPU seconds this process used", cpu)]
    if not args.no_job:
        rows.append((f"same, as a page job in a worker process", bench_job(cfg)))
    rows.append((f"CycleGAN resnet_9blocks forward, {args.size} px", bench_cyclegan(args.size, args.device)))
    print(f"{'what':<56}{'seconds':>10}")
    for what, sec in rows:
        print(f"{what:<56}{sec:>10.2f}")
    print("(wall seconds; on a busy machine compare the CPU seconds: with 1 thread they are the wall time "
          "of an idle core)")


if __name__ == "__main__":
    main()
