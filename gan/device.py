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


class ThreadTuner:
    """Picks a training worker's thread count by measured speed, again and again as the load changes.

    On 2 cores a worker with 2 threads ran 1.7x faster than with 1 on an idle machine and 13x slower when
    the server and other jobs were busy: no fixed choice fits both. The tuner runs with one count, tries the
    other for ``probe_s`` seconds, keeps the faster by steps/s and holds it for ``hold_s`` before trying again;
    a probe that loses doubles the hold (up to ``max_hold_s``), so a busy machine rarely pays for a probe.
    ``observe(step, now)`` is called with the step counter as training goes; it returns the new count when it
    changes it (after calling ``set_threads``), else None.
    """

    def __init__(self, candidates: tuple[int, ...], set_threads, start: int | None = None, probe_s: float = 3.0,
                 hold_s: float = 20.0, max_hold_s: float = 240.0, warmup_s: float = 2.0):
        self.candidates = tuple(sorted(set(candidates)))
        if len(self.candidates) < 2:
            raise ValueError("a tuner needs at least two thread counts to choose from")
        self.set_threads, self.probe_s, self.base_hold_s, self.max_hold_s = set_threads, probe_s, hold_s, max_hold_s
        self.hold_s = hold_s
        self.current = start if start in self.candidates else self.candidates[0]
        self.best = self.current
        self.warmup_s = warmup_s
        self._mark: tuple[float, int] | None = None  # (time, step) where the current window began
        self._phase = "warmup"
        self._best_rate = 0.0
        self.choices: list[tuple[int, int]] = []  # (step, threads) for every change

    def _switch(self, n: int, step: int, now: float) -> int:
        self.current = n
        self.set_threads(n)
        self.choices.append((step, n))
        self._mark = (now, step)
        return n

    def observe(self, step: int, now: float) -> int | None:
        if self._mark is None:
            self._mark = (now, step)
            return None
        t0, s0 = self._mark
        elapsed = now - t0
        if self._phase == "warmup":  # first steps build the model and fill caches: not a fair measure
            if elapsed >= self.warmup_s:
                self._phase, self._mark = "measure", (now, step)
            return None
        window = self.probe_s if self._phase in ("measure", "probe") else self.hold_s
        if elapsed < window or step == s0:
            return None
        rate = (step - s0) / elapsed
        if self._phase == "measure":  # the rate of the count in use, then try another
            self._best_rate, self.best = rate, self.current
            other = next(c for c in self.candidates if c != self.current)
            self._phase = "probe"
            return self._switch(other, step, now)
        if self._phase == "probe":
            if rate > self._best_rate * 1.05:  # the probe won: keep it, hold the usual time
                self.best, self.hold_s = self.current, self.base_hold_s
                self._phase, self._mark = "hold", (now, step)
                return None
            self.hold_s = min(self.max_hold_s, self.hold_s * 2)  # it lost: back, and probe less often
            self._phase = "hold"
            return self._switch(self.best, step, now)
        self._phase, self._mark = "measure", (now, step)  # the hold is over: measure again, then probe
        return None


def worker_thread_choices() -> tuple[int, ...]:
    """The thread counts a training worker process chooses between: the server's (all cores but one) and all
    cores; one count when GAN_TORCH_THREADS fixes it or there is a single core."""
    cores = os.cpu_count() or 1
    if "GAN_TORCH_THREADS" in os.environ or cores < 2:
        return (serving_threads(),)
    return (serving_threads(), cores)


def worker_thread_tuner() -> ThreadTuner | None:
    """A :class:`ThreadTuner` over :func:`worker_thread_choices`, or None when there is nothing to choose."""
    choices = worker_thread_choices()
    if len(choices) < 2:
        return None
    return ThreadTuner(choices, torch.set_num_threads, start=torch.get_num_threads(), probe_s=4.0)
