"""Style transfer timings: the offline adversarial method at 256 px, and one forward pass of a
CycleGAN-size generator (resnet_9blocks, random weights) at 256 px.

    python bench/style_transfer.py [--steps 200] [--size 256] [--threads N] [--device auto|cpu|cuda]

Prints a small table. The target for the offline method is 256 px in <= 60 s on 2 CPU cores.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gan.images import resize_to  # noqa: E402
from gan.models.cyclegan import ResnetGenerator  # noqa: E402
from gan.device import pick_device  # noqa: E402
from gan.style.offline import StyleConfig, stylize_iter  # noqa: E402
from gan.style.presets import preset_image  # noqa: E402


def _sync(dev: torch.device) -> None:
    if dev.type == "cuda":
        torch.cuda.synchronize()


def bench_offline(size: int, steps: int, device: str) -> tuple[float, float, float]:
    """(total seconds, seconds in the coarse stage, seconds in the fine stage)."""
    content = resize_to(preset_image("astronaut"), size)
    style = preset_image("brush", size)
    cfg = StyleConfig(size=size, steps=steps, device=device, preview_every=steps)
    t0 = time.perf_counter()
    coarse_end = None
    last = 0.0
    for ev in stylize_iter(content, style, cfg):
        if ev.stage == 0:
            coarse_end = ev.seconds
        last = ev.seconds
    _sync(pick_device(device))
    total = time.perf_counter() - t0
    coarse = coarse_end or 0.0
    return total, coarse, last - coarse


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
    ap.add_argument("--size", type=int, default=256)
    ap.add_argument("--steps", type=int, default=StyleConfig.steps)
    ap.add_argument("--threads", type=int, default=None, help="torch.set_num_threads (default: PyTorch's choice)")
    ap.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    dev = pick_device(args.device)
    print(f"device {dev}, torch threads {torch.get_num_threads()}, torch {torch.__version__}")
    cpu0 = time.process_time()
    total, coarse, fine = bench_offline(args.size, args.steps, args.device)
    cpu_offline = time.process_time() - cpu0
    fwd = bench_cyclegan(args.size, args.device)
    print(f"{'what':<48}{'seconds':>10}")
    print(f"{f'offline adversarial method, {args.size} px, {args.steps} steps':<48}{total:>10.2f}")
    print(f"{f'  of which coarse stage ({args.size // 2} px)':<48}{coarse:>10.2f}")
    print(f"{f'  of which fine stage ({args.size} px)':<48}{fine:>10.2f}")
    print(f"{'  CPU seconds this process used for it':<48}{cpu_offline:>10.2f}")
    print(f"{f'CycleGAN resnet_9blocks forward, {args.size} px':<48}{fwd:>10.3f}")
    print("(wall seconds; on a busy machine compare the CPU seconds: with 1 thread they are the wall time "
          "of an idle core)")


if __name__ == "__main__":
    main()
