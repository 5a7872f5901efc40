"""Pretrained style generators: layouts match the public weights key for key, loading is weights-only
and strict, the Hub download path works against a local fake Hub, and offline gives a plain message.

Hub downloads go to the shared fake Hub on 127.0.0.1 (tests/fakehub.py), Spaces included.
"""
from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import torch

from gan.hub import CheckpointError, HubError
from gan.models import build
from gan.models.animegan import AnimeGANv2Generator
from gan.models.cyclegan import ResnetGenerator
from gan.style.pretrained import HUB_STYLES, apply_style_model, detect_family, load_style_model, parse_hub_path

MANIFESTS = Path(__file__).resolve().parents[2] / "shared" / "reference" / "hub_state_dict_manifests.json"


def _manifest(key: str) -> dict:
    if not MANIFESTS.is_file():
        pytest.skip(f"reference manifests not found at {MANIFESTS}")
    return json.loads(MANIFESTS.read_text())[key]


def _shapes(model: torch.nn.Module) -> dict:
    return {k: list(v.shape) for k, v in model.state_dict().items()}


def _small_cyclegan() -> ResnetGenerator:
    torch.manual_seed(0)
    return ResnetGenerator(ngf=8, n_blocks=2)


# ----------------------------------------------------------------------------- layouts

def test_cyclegan_matches_manifest_key_for_key():
    model = build("cyclegan")
    assert _shapes(model) == _manifest("cyclegan_resnet_9blocks_generator")
    assert list(_shapes(model)) == list(_manifest("cyclegan_resnet_9blocks_generator"))
    assert sum(p.numel() for p in model.parameters()) == 11_378_179


def test_animegan_matches_manifest_key_for_key():
    model = build("animegan")
    assert _shapes(model) == _manifest("animeganv2_generator")
    assert list(_shapes(model)) == list(_manifest("animeganv2_generator"))
    assert sum(p.numel() for p in model.parameters()) == 2_143_552


@pytest.mark.parametrize("cls", [ResnetGenerator, AnimeGANv2Generator])
def test_forward_keeps_size_and_range(cls):
    torch.manual_seed(0)
    model = (ResnetGenerator(ngf=8, n_blocks=1) if cls is ResnetGenerator else cls()).eval()
    with torch.inference_mode():
        y = model(torch.rand(1, 3, 36, 52) * 2 - 1)
    assert y.shape == (1, 3, 36, 52) and y.abs().max() <= 1


def test_mixin_config_roundtrip(tmp_path):
    model = _small_cyclegan()
    model.save_pretrained(tmp_path / "g")
    cfg = json.loads((tmp_path / "g" / "config.json").read_text())
    assert cfg["ngf"] == 8 and cfg["n_blocks"] == 2
    again = ResnetGenerator.from_pretrained(tmp_path / "g")
    x = torch.rand(1, 3, 16, 16) * 2 - 1
    with torch.inference_mode():
        assert torch.allclose(model.eval()(x), again.eval()(x))


# ----------------------------------------------------------------------------- local files

def test_local_pth_with_legacy_instancenorm_buffers(tmp_path):
    model = _small_cyclegan()
    state = dict(model.state_dict())
    # Old PyTorch versions saved running stats for InstanceNorm layers: the loader must drop them.
    state["model.2.running_mean"] = torch.zeros(8)
    state["model.2.running_var"] = torch.ones(8)
    state["model.10.conv_block.2.num_batches_tracked"] = torch.tensor(0)
    torch.save(state, tmp_path / "legacy.pth")
    sm = load_style_model(str(tmp_path / "legacy.pth"))
    assert sm.family == "cyclegan" and isinstance(sm.model, ResnetGenerator)
    x = torch.rand(1, 3, 32, 32) * 2 - 1
    with torch.inference_mode():
        assert torch.allclose(sm.model(x), model.eval()(x))


def test_local_safetensors_animegan(tmp_path):
    from safetensors.torch import save_file
    torch.manual_seed(1)
    model = AnimeGANv2Generator().eval()
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, str(tmp_path / "anime.safetensors"))
    sm = load_style_model(str(tmp_path / "anime.safetensors"))
    assert sm.family == "animegan"
    from PIL import Image
    out = apply_style_model(sm.model, Image.new("RGB", (50, 30), (200, 100, 50)), size=32, device="cpu")
    assert out.size == (32, 20) and out.mode == "RGB"


def test_pickle_with_code_refused(tmp_path):
    class Evil:
        def __reduce__(self):
            return (print, ("this must never run",))
    torch.save({"model.1.weight": Evil()}, tmp_path / "evil.pth")
    with pytest.raises(CheckpointError, match="refused|not a readable"):
        load_style_model(str(tmp_path / "evil.pth"))


def test_wrong_layout_is_a_clear_error(tmp_path):
    torch.save({"fc.weight": torch.zeros(2, 2)}, tmp_path / "other.pth")
    with pytest.raises(CheckpointError, match="neither"):
        load_style_model(str(tmp_path / "other.pth"))
    state = dict(_small_cyclegan().state_dict())
    state["model.1.weight"] = torch.zeros(8, 3, 5, 5)  # wrong shape
    torch.save(state, tmp_path / "bad.pth")
    with pytest.raises(CheckpointError, match="wrong shape"):
        load_style_model(str(tmp_path / "bad.pth"))


def test_unknown_source_lists_choices():
    with pytest.raises(CheckpointError, match="style_monet"):
        load_style_model("not-a-model")


def test_detect_family():
    assert detect_family(_small_cyclegan().state_dict()) == "cyclegan"
    assert detect_family(AnimeGANv2Generator().state_dict()) == "animegan"


def test_parse_hub_path():
    assert parse_hub_path("spaces/a/b/checkpoints/x/latest_net_G.pth") == ("a/b", "checkpoints/x/latest_net_G.pth", "space")
    assert parse_hub_path("a/b/face.pt") == ("a/b", "face.pt", "model")
    assert parse_hub_path("a/b") is None and parse_hub_path("a/../b/x.pth") is None


def test_presets_have_direction_license_source():
    assert {"style_monet", "style_vangogh", "animegan_face_paint_v2"} <= set(HUB_STYLES)
    for h in HUB_STYLES.values():
        assert "->" in h.direction and h.license and h.source.startswith("https://")
        assert h.repo_type in ("model", "space") and h.family in ("cyclegan", "animegan")


# ----------------------------------------------------------------------------- the fake Hub

def _pth_bytes(state: dict) -> bytes:
    buf = io.BytesIO()
    torch.save(state, buf)
    return buf.getvalue()


def test_preset_download_from_fake_hub_space(fake_hub):
    preset = HUB_STYLES["style_monet"]
    model = build("cyclegan")  # full size: the preset builds the published layout
    state = dict(model.state_dict())
    state["model.2.running_mean"] = torch.zeros(64)  # legacy buffer, as in some published files
    fake_hub.add(preset.repo_id, {preset.filename: _pth_bytes(state)}, repo_type="space")
    sm = load_style_model("style_monet")
    path = f"/spaces/{preset.repo_id}/resolve/main/{preset.filename}"
    assert ("HEAD", path) in fake_hub.requests and ("GET", path) in fake_hub.requests
    assert sm.family == "cyclegan" and sm.direction == "photo -> Monet painting" and "BSD" in sm.license
    for k, v in model.state_dict().items():
        assert torch.equal(sm.model.state_dict()[k], v)


def test_hub_path_model_repo_from_fake_hub(fake_hub):
    model = _small_cyclegan()
    fake_hub.add("someone/tiny-cyclegan", {"weights/g.pth": _pth_bytes(dict(model.state_dict()))})
    sm = load_style_model("someone/tiny-cyclegan/weights/g.pth")
    with pytest.raises(HubError, match="no file"):
        load_style_model("someone/tiny-cyclegan/weights/missing.pth")
    assert sm.model.state_dict()["model.1.weight"].shape == (8, 3, 7, 7)


def test_offline_is_a_plain_message(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(HubError, match="offline"):
        load_style_model("style_vangogh")
