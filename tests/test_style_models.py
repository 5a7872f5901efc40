"""Pretrained style generators: layouts match the public weights key for key, loading is weights-only
and strict, the Hub download path works against a local fake Hub, and offline gives a plain message.

The fake Hub here is a minimal HTTP server on 127.0.0.1 that answers huggingface_hub's HEAD + GET on
``/{repo_id}/resolve/{revision}/{filename}`` (``/spaces/...`` for Spaces) with the headers
hf_hub_download reads (X-Repo-Commit, ETag, Content-Length).
"""
from __future__ import annotations

import hashlib
import http.server
import io
import json
import threading
from pathlib import Path
from urllib.parse import unquote

import pytest
import torch

from gan import hub
from gan.hub import CheckpointError, HubError
from gan.models import build
from gan.models.animegan import AnimeGANv2Generator
from gan.models.cyclegan import ResnetGenerator
from gan.style import (HUB_STYLES, apply_style_model, detect_family, load_style_model, parse_hub_path)

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


# ----------------------------------------------------------------------------- a minimal fake Hub

class _FakeHub:
    """Serves {url path: bytes} the way the Hub's resolve endpoint does; records requests."""

    def __init__(self, files: dict[str, bytes]):
        self.files, self.requests = files, []
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def _answer(self, body: bool):
                path = unquote(self.path.split("?")[0])
                owner.requests.append((self.command, path))
                data = owner.files.get(path)
                if data is None:
                    self.send_response(404)
                    self.send_header("X-Error-Code", "EntryNotFound")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("X-Repo-Commit", "0" * 40)
                self.send_header("ETag", '"' + hashlib.sha256(data).hexdigest() + '"')
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Content-Type", "application/octet-stream")
                self.end_headers()
                if body:
                    self.wfile.write(data)

            def do_HEAD(self):
                self._answer(False)

            def do_GET(self):
                self._answer(True)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.timeout = 5
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def hub_env(tmp_path, monkeypatch):
    import huggingface_hub.constants as c
    monkeypatch.setattr(c, "HF_HUB_CACHE", str(tmp_path / "hf-cache"))
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setattr(c, "HF_HUB_OFFLINE", False)
    return monkeypatch


def _pth_bytes(state: dict) -> bytes:
    buf = io.BytesIO()
    torch.save(state, buf)
    return buf.getvalue()


def test_preset_download_from_fake_hub_space(hub_env):
    preset = HUB_STYLES["style_monet"]
    model = build("cyclegan")  # full size: the preset builds the published layout
    state = dict(model.state_dict())
    state["model.2.running_mean"] = torch.zeros(64)  # legacy buffer, as in some published files
    path = f"/spaces/{preset.repo_id}/resolve/main/{preset.filename}"
    with _FakeHub({path: _pth_bytes(state)}) as fake:
        hub_env.setenv("HF_ENDPOINT", fake.url)
        sm = load_style_model("style_monet")
    assert ("HEAD", path) in fake.requests and ("GET", path) in fake.requests
    assert sm.family == "cyclegan" and sm.direction == "photo -> Monet painting" and "BSD" in sm.license
    for k, v in model.state_dict().items():
        assert torch.equal(sm.model.state_dict()[k], v)


def test_hub_path_model_repo_from_fake_hub(hub_env):
    model = _small_cyclegan()
    path = "/someone/tiny-cyclegan/resolve/main/weights/g.pth"
    with _FakeHub({path: _pth_bytes(dict(model.state_dict()))}) as fake:
        hub_env.setenv("HF_ENDPOINT", fake.url)
        sm = load_style_model("someone/tiny-cyclegan/weights/g.pth")
        with pytest.raises(HubError, match="no file|could not|cannot"):
            load_style_model("someone/tiny-cyclegan/weights/missing.pth")
    assert sm.model.state_dict()["model.1.weight"].shape == (8, 3, 7, 7)


def test_offline_is_a_plain_message(hub_env):
    hub_env.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(HubError, match="offline"):
        load_style_model("style_vangogh")
