"""Where the app computes: the one place that picks a device and names it for people."""
from __future__ import annotations

import os

import torch


def pick_device(name: str = "auto") -> torch.device:
    """"auto" -> CUDA, then Apple MPS, then the CPU; otherwise the named device (checked)."""
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise ValueError("CUDA was asked for but no GPU is available")
    if name == "mps" and not (getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available()):
        raise ValueError("Apple MPS was asked for but is not available")
    try:
        return torch.device(name)
    except RuntimeError:
        raise ValueError(f"unknown device {name!r}; use auto, cpu, cuda, cuda:N or mps") from None


def device_name(device: torch.device | None = None) -> str:
    """A short name for people: "CPU", the GPU's name, or "Apple GPU (MPS)"."""
    device = device or pick_device()
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    if device.type == "mps":
        return "Apple GPU (MPS)"
    return "CPU"


def device_label(device: torch.device | None = None) -> str:
    """The name with what it means for speed: "GPU: <name>" or "CPU (N threads)"."""
    device = device or pick_device()
    if device.type == "cpu":
        n = torch.get_num_threads()
        return f"CPU ({n} thread{'s' if n > 1 else ''})"
    return f"GPU: {device_name(device)}"


def serving_threads() -> int:
    """Intra-op threads for a server process: GAN_TORCH_THREADS, else all cores but one.

    The server's own threads (Streamlit, background jobs) need a core: on a busy 2-core machine,
    two OpenMP threads made a toy step 40x slower (375 ms against 9 ms) than one did.
    """
    try:
        return max(1, int(os.environ["GAN_TORCH_THREADS"]))
    except (KeyError, ValueError):
        return max(1, (os.cpu_count() or 2) - 1)
