"""gan.device: the one place that picks and names the device."""
import os

import pytest
import torch

from gan import device as D


def test_auto_follows_what_is_available(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    assert D.pick_device("auto") == torch.device("cpu")
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    assert D.pick_device("auto") == torch.device("mps")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert D.pick_device("auto") == torch.device("cuda")


def test_named_devices_are_checked(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    assert D.pick_device("cpu") == torch.device("cpu")
    with pytest.raises(ValueError, match="no GPU"):
        D.pick_device("cuda:0")
    with pytest.raises(ValueError, match="MPS"):
        D.pick_device("mps")
    with pytest.raises(ValueError, match="unknown device"):
        D.pick_device("tpu7")


def test_labels():
    cpu = torch.device("cpu")
    assert D.device_name(cpu) == "CPU"
    n = torch.get_num_threads()
    assert D.device_label(cpu) == f"CPU ({n} thread{'s' if n > 1 else ''})"
    before = torch.get_num_threads()
    try:
        torch.set_num_threads(1)
        assert D.device_label(cpu) == "CPU (1 thread)"  # (the replays' old labels said "1 threads")
    finally:
        torch.set_num_threads(before)
    assert D.device_name(torch.device("mps")) == "Apple GPU (MPS)"
    assert D.device_label(torch.device("mps")) == "GPU: Apple GPU (MPS)"


def test_serving_threads(monkeypatch):
    monkeypatch.setenv("GAN_TORCH_THREADS", "3")
    assert D.serving_threads() == 3
    monkeypatch.setenv("GAN_TORCH_THREADS", "lots")
    monkeypatch.setattr(D.os, "cpu_count", lambda: 2)
    assert D.serving_threads() == 1  # leave a core for the server's own threads
    monkeypatch.delenv("GAN_TORCH_THREADS")
    monkeypatch.setattr(D.os, "cpu_count", lambda: 8)
    assert D.serving_threads() == 7


def test_one_copy():
    """No other module defines its own pick_device."""
    import pathlib
    root = pathlib.Path(__file__).resolve().parent.parent
    found = [str(p.relative_to(root)) for d in ("gan", "ui", "app_pages") for p in (root / d).rglob("*.py")
             if "def pick_device" in p.read_text(encoding="utf-8")]
    assert found == ["gan/device.py"]


# --- the worker's thread tuner -------------------------------------------------------------------------

def _drive(tuner, speed, seconds: float, dt: float = 0.5, t: float = 0.0, step: int = 0):
    """Advance a fake clock; ``speed(threads)`` gives steps/s; returns (t, step)."""
    end = t + seconds
    while t < end:
        t += dt
        step += int(speed(tuner.current) * dt)
        tuner.observe(step, t)
    return t, step


def test_the_tuner_keeps_two_threads_when_they_are_faster():
    from gan.device import ThreadTuner
    calls = []
    tuner = ThreadTuner((1, 2), calls.append, start=1, probe_s=3, hold_s=20)
    _drive(tuner, {1: 10, 2: 17}.get, 30)
    assert tuner.current == 2 and calls[0] == 2 and tuner.choices[0][1] == 2


def test_the_tuner_goes_back_to_one_thread_under_load_and_probes_less_often():
    from gan.device import ThreadTuner
    calls = []
    tuner = ThreadTuner((1, 2), calls.append, start=1, probe_s=3, hold_s=20, max_hold_s=80)
    t, step = _drive(tuner, {1: 10, 2: 2}.get, 10)  # a busy machine: two threads are 5x slower
    assert calls == [2, 1] and tuner.current == 1
    _drive(tuner, {1: 10, 2: 2}.get, 200, t=t, step=step)
    # holds of 40, 80, 80 s between probes: a few probes in 200 s, each a short one, each lost
    assert 2 <= calls.count(2) <= 4 and tuner.current == 1 and tuner.hold_s == 80


def test_the_tuner_follows_the_load_when_it_changes():
    from gan.device import ThreadTuner
    calls = []
    tuner = ThreadTuner((1, 2), calls.append, start=1, probe_s=3, hold_s=10)
    t, step = _drive(tuner, {1: 10, 2: 17}.get, 20)
    assert tuner.current == 2
    _drive(tuner, {1: 10, 2: 2}.get, 40, t=t, step=step)  # others start working: 2 threads now lose
    assert tuner.current == 1


def test_a_worker_process_reports_its_thread_count(monkeypatch):
    monkeypatch.delenv("GAN_TORCH_THREADS", raising=False)
    from gan.jobs import JobSpec, Registry
    reg = Registry()
    cfg = {"model": "dcgan", "dataset": "mnist", "steps": 30, "batch_size": 16, "width": 8, "log_every": 5,
           "sample_every": 1000, "data_limit": 256}
    job = reg.start(JobSpec(kind="train", config=cfg), owner="t", backend="process")
    assert job.join(120) and job.status == "done", job.error
    assert job.extra.get("threads") in (1, 2, os.cpu_count())
