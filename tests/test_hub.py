import io
import json
import os
import pickle

import pytest
import torch
from safetensors.torch import save

from gan import hub
from gan.models import build


def tiny_cgan():
    torch.manual_seed(0)
    return build("cgan", latent_dim=8, width=8, embed_dim=4).eval()


class Boom:
    """Unpickling this would run code: it must be refused."""

    def __reduce__(self):
        return (os.system, ("touch /tmp/gan_studio_pwned",))


def test_pickle_with_code_is_refused_and_not_run(tmp_path):
    marker = "/tmp/gan_studio_pwned"
    if os.path.exists(marker):
        os.remove(marker)
    path = tmp_path / "pytorch_model.bin"
    torch.save({"weight": torch.zeros(2), "evil": Boom()}, path)
    with pytest.raises(hub.CheckpointError, match="refused"):
        hub.load_state_dict_file(path)
    raw = tmp_path / "model.pt"
    raw.write_bytes(pickle.dumps(Boom()))
    with pytest.raises(hub.CheckpointError):
        hub.load_state_dict_file(raw)
    assert not os.path.exists(marker)


@pytest.mark.parametrize("content, msg", [(b"", "empty"), (b"not safetensors at all", "not a valid safetensors")])
def test_corrupt_safetensors(tmp_path, content, msg):
    p = tmp_path / "model.safetensors"
    p.write_bytes(content)
    with pytest.raises(hub.CheckpointError, match=msg):
        hub.load_state_dict_file(p)


def test_wrong_shapes_and_keys_are_explained(tmp_path):
    g = tiny_cgan()
    out = hub.save_generator(g, tmp_path / "ok")
    state = g.state_dict()
    state["embed.weight"] = torch.zeros(3, 3)
    (out / "model.safetensors").write_bytes(save({k: v.contiguous() for k, v in state.items()}))
    with pytest.raises(hub.CheckpointError, match="wrong shape.*embed.weight"):
        hub.load_folder(out)
    state = {k: v for k, v in g.state_dict().items() if k != "embed.weight"}
    state["extra.bias"] = torch.zeros(1)
    (out / "model.safetensors").write_bytes(save(state))
    with pytest.raises(hub.CheckpointError, match="1 missing.*1 unexpected"):
        hub.load_folder(out)


def test_nan_weights_refused(tmp_path):
    g = tiny_cgan()
    with torch.no_grad():
        g.embed.weight[0, 0] = float("nan")
    out = hub.save_generator(g, tmp_path / "nan")
    with pytest.raises(hub.CheckpointError, match="NaN"):
        hub.load_folder(out)


def test_bad_config_and_missing_files(tmp_path):
    out = hub.save_generator(tiny_cgan(), tmp_path / "c")
    (out / "config.json").write_text("{nope")
    with pytest.raises(hub.CheckpointError, match="not valid JSON"):
        hub.load_folder(out)
    (out / "config.json").write_text(json.dumps({"model_type": "cgan", "width": -3}))
    with pytest.raises(hub.CheckpointError):
        hub.load_folder(out)
    (out / "config.json").write_text(json.dumps({"model_type": "stylegan"}))
    with pytest.raises(hub.CheckpointError, match="valid names"):
        hub.load_folder(out)
    (out / "model.safetensors").unlink()
    with pytest.raises(hub.CheckpointError, match="no weights"):
        hub.load_folder(out)
    with pytest.raises(hub.CheckpointError, match="not a folder"):
        hub.load_generator("definitely not a thing")


def test_zip_round_trip_and_zip_bombs(tmp_path):
    g = tiny_cgan()
    out = hub.save_generator(g, tmp_path / "z")
    data = hub.zip_checkpoint(out)
    (tmp_path / "c.zip").write_bytes(data)
    loaded = hub.load_generator(str(tmp_path / "c.zip"))
    assert torch.equal(loaded.model.embed.weight, g.embed.weight)
    with pytest.raises(hub.CheckpointError, match="not a zip"):
        hub.extract_checkpoint_zip(b"hello", tmp_path)
    with pytest.raises(hub.CheckpointError, match="size limit"):
        hub.extract_checkpoint_zip(data, tmp_path / "x", max_bytes=100)


def test_save_is_atomic_on_failure(tmp_path, monkeypatch):
    def broken(model, path):
        raise OSError("disk full")
    monkeypatch.setattr(hub, "_save_safetensors", broken)
    with pytest.raises(OSError):
        hub.save_generator(tiny_cgan(), tmp_path / "never")
    assert list(tmp_path.iterdir()) == []


def _repo_files(g):
    tmp = hub.save_generator(g, __import__("tempfile").mkdtemp() + "/m")
    return {p.name: p.read_bytes() for p in tmp.iterdir()}


def test_load_from_fake_hub_project_format(fake_hub):
    g = tiny_cgan()
    fake_hub.add("someone/tiny-cgan", _repo_files(g))
    loaded = hub.load_generator("someone/tiny-cgan")
    assert loaded.origin == "hub" and loaded.family == "cgan"
    z, y = torch.randn(2, 8), torch.tensor([3, 4])
    with torch.no_grad():
        assert torch.equal(loaded.model(z, y), g(z, y))


def test_load_known_huggan_layout_from_fake_hub(fake_hub):
    torch.manual_seed(1)
    g = build("huggan-dcgan", hidden_size=64).eval()
    buf = io.BytesIO()
    torch.save(g.state_dict(), buf)
    fake_hub.add("huggan/dcgan-mnist", {"pytorch_model.bin": buf.getvalue()})
    loaded = hub.load_generator("huggan/dcgan-mnist")
    assert loaded.family == "huggan-dcgan"
    z = torch.randn(2, 100)
    with torch.no_grad():
        assert torch.equal(loaded.model(z), g(z))


def test_hub_errors_are_plain(fake_hub):
    with pytest.raises(hub.HubError, match="not found"):
        hub.load_generator("nobody/nothing")
    fake_hub.add("someone/empty", {"config.json": b"{}"})
    with pytest.raises(hub.HubError, match="has none of"):
        hub.load_generator("someone/empty")
    with pytest.raises(hub.HubError, match="not a Hub repo id"):
        hub.hub_download("bad id with spaces/x", "config.json")


def _bundle(monkeypatch, tmp_path, name="tiny-cgan"):
    monkeypatch.setattr(hub, "BUNDLED_DIR", tmp_path / "bundled")
    hub.save_generator(tiny_cgan(), tmp_path / "bundled" / name)


def test_unreachable_endpoint_falls_back_to_bundled(monkeypatch, tmp_path):
    _bundle(monkeypatch, tmp_path)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # nothing listens on the discard port
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    loaded = hub.load_generator("ganstudio/tiny-cgan")
    assert loaded.origin == "bundled-fallback" and "bundled copy" in loaded.note
    with pytest.raises(hub.HubError):
        hub.load_generator("ganstudio/not-bundled")


def test_offline_mode_falls_back_without_network(monkeypatch, tmp_path):
    _bundle(monkeypatch, tmp_path)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    loaded = hub.load_generator("anyone/tiny-cgan")
    assert loaded.origin == "bundled-fallback" and "offline" in loaded.note
    with pytest.raises(hub.HubError, match="offline"):
        hub.load_generator("anyone/other", fallback=True)
    with pytest.raises(hub.HubError, match="offline"):
        hub.load_generator("anyone/tiny-cgan", fallback=False)


def test_fake_hub_404_falls_back(fake_hub, monkeypatch, tmp_path):
    _bundle(monkeypatch, tmp_path)
    loaded = hub.load_generator("missing/tiny-cgan")
    assert loaded.origin == "bundled-fallback" and "not found" in loaded.note


class FakeApi:
    calls: list = []

    def __init__(self, endpoint=None, token=None):
        FakeApi.calls.append(("init", endpoint, token))

    def create_repo(self, repo_id, private=False, exist_ok=False):
        FakeApi.calls.append(("create", repo_id, private))
        return f"https://example.invalid/{repo_id}"

    def upload_folder(self, repo_id, folder_path, commit_message):
        FakeApi.calls.append(("upload", repo_id, sorted(os.listdir(folder_path))))


def test_push_uploads_folder_with_card(monkeypatch, tmp_path):
    import huggingface_hub
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setattr(huggingface_hub, "HfApi", FakeApi)
    out = hub.save_generator(tiny_cgan(), tmp_path / "p")
    (out / "README.md").unlink()
    url = hub.push(out, "me/my-gan", token="hf_x")
    assert url.endswith("me/my-gan")
    upload = [c for c in FakeApi.calls if c[0] == "upload"][0]
    assert "README.md" in upload[2] and "model.safetensors" in upload[2]
    assert "gan-studio" in (out / "README.md").read_text()
    with pytest.raises(hub.HubError, match="repo id"):
        hub.push(out, "not a repo")
