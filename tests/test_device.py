"""gan.device: the one place that picks and names the device."""
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
