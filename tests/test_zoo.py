"""gan.zoo catalog, the huggan-dcgan layout against the public manifest, and Hub loading through a
fake Hub server on 127.0.0.1 (tests/fakehub.py)."""
from __future__ import annotations

import io
import json
from collections import OrderedDict
from pathlib import Path

import pytest
import torch

from gan import hub, sampling, zoo
from gan.models import build
from gan.models.dcgan import HugGANDCGANGenerator

MANIFESTS = Path(__file__).resolve().parent.parent.parent / "shared" / "reference" / "hub_state_dict_manifests.json"


def tiny(family="dcgan"):
    torch.manual_seed(0)
    if family == "cgan":
        return build("cgan", latent_dim=8, width=8, n_classes=10).eval()
    return build("dcgan", latent_dim=8, width=8).eval()


def test_huggan_layout_matches_the_manifest_key_for_key():
    if not MANIFESTS.is_file():
        pytest.skip("shared/reference/hub_state_dict_manifests.json is not on this machine")
    manifest = json.loads(MANIFESTS.read_text())["huggan_dcgan_mnist_generator"]
    ours = {k: list(v.shape) for k, v in HugGANDCGANGenerator(**hub.KNOWN_HUB["huggan/dcgan-mnist"]["config"]).state_dict().items()}
    assert list(ours) == list(manifest)  # same keys in the same order
    assert ours == manifest


def test_catalog_lists_bundled_image_generators_and_hub_entries(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    hub.save_generator(tiny("cgan"), tmp_path / "cgan-tiny", extra={"train_config": {"dataset": "mnist"}})
    hub.save_generator(tiny("dcgan"), tmp_path / "dcgan-tiny")
    (tmp_path / "not-a-model").mkdir()
    other = tmp_path / "classifier-x"
    other.mkdir()
    (other / "config.json").write_text(json.dumps({"model_type": "classifier"}))
    (other / "model.safetensors").write_bytes(b"x")
    entries = zoo.catalog(tmp_path)
    names = [e.name for e in entries]
    assert names[:2] == ["cgan-tiny", "dcgan-tiny"] and "classifier-x" not in names
    c = entries[0]
    assert c.origin == "bundled" and c.family == "cgan" and c.conditional and c.data == "MNIST"
    assert c.license == "mit" and c.available and not c.needs_network
    assert c.params == sum(p.numel() for p in tiny("cgan").parameters())
    assert c.size_mb == pytest.approx((tmp_path / "cgan-tiny" / "model.safetensors").stat().st_size / 2**20, abs=0.01)
    assert entries[1].data == "unknown"
    h = next(e for e in entries if e.name == "huggan/dcgan-mnist")
    assert h.origin == "hub" and h.needs_network and not h.available and h.license == "apache-2.0"
    monkeypatch.delenv("HF_HUB_OFFLINE")
    assert next(e for e in zoo.catalog(tmp_path) if e.origin == "hub").available


def test_every_catalog_entry_loads_by_its_source(tmp_path, monkeypatch):
    hub.save_generator(tiny(), tmp_path / "dcgan-tiny")
    monkeypatch.setattr(hub, "BUNDLED_DIR", tmp_path)
    entry = zoo.catalog()[0]
    loaded = hub.load_generator(entry.source)
    assert loaded.origin == "bundled" and loaded.family == "dcgan"


def test_known_hub_generator_loads_from_a_fake_hub(fake_hub):
    torch.manual_seed(1)
    model = HugGANDCGANGenerator(**hub.KNOWN_HUB["huggan/dcgan-mnist"]["config"]).eval()
    buf = io.BytesIO()
    torch.save(OrderedDict(model.state_dict()), buf)  # a plain pickled state dict, like the real file
    fake_hub.add("huggan/dcgan-mnist", {"pytorch_model.bin": buf.getvalue()})
    loaded = hub.load_generator("huggan/dcgan-mnist")
    assert loaded.origin == "hub" and loaded.family == "huggan-dcgan"
    x = sampling.generate(loaded, 2, seed=3)
    with torch.inference_mode():
        ref = model(sampling.noise(2, 100, 3))
    assert x.shape == (2, 3, 64, 64) and torch.allclose(x, ref)
    assert any(cmd == "GET" and "resolve" in path for cmd, path in fake_hub.requests)


class Evil:
    def __reduce__(self):
        return (print, ("this must never run",))


def test_pickles_that_need_code_are_refused(fake_hub):
    buf = io.BytesIO()
    torch.save({"model.0.weight": torch.zeros(1), "x": Evil()}, buf)
    fake_hub.add("huggan/dcgan-mnist", {"pytorch_model.bin": buf.getvalue()})
    with pytest.raises(hub.CheckpointError, match="refused"):
        hub.load_generator("huggan/dcgan-mnist", fallback=False)


def test_project_format_repo_from_a_fake_hub(fake_hub, tmp_path):
    folder = hub.save_generator(tiny("cgan"), tmp_path / "ckpt")
    fake_hub.add("someone/tiny-cgan", {p.name: p.read_bytes() for p in folder.iterdir()})
    loaded = hub.load_generator("someone/tiny-cgan")
    assert loaded.origin == "hub" and loaded.conditional and loaded.source == "someone/tiny-cgan"
    assert torch.allclose(sampling.generate(loaded, 3, seed=1), sampling.generate(hub.load_folder(folder), 3, seed=1))


def test_missing_repo_and_offline_give_plain_errors(fake_hub, monkeypatch):
    with pytest.raises(hub.HubError, match="not found"):
        hub.load_generator("nobody/nothing")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(hub.HubError, match="offline"):
        hub.load_generator("huggan/dcgan-mnist", fallback=False)
