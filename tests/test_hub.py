import io
import json
import os
import pickle
from pathlib import Path
from types import SimpleNamespace

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
    g = tiny_cgan()

    def broken(self, save_directory, **kwargs):  # the mixin's save fails half-way through
        (Path(save_directory) / "model.safetensors").write_bytes(b"partial")
        raise OSError("disk full")
    monkeypatch.setattr(type(g), "save_pretrained", broken)
    with pytest.raises(OSError):
        hub.save_generator(g, tmp_path / "never")
    assert list(tmp_path.iterdir()) == []


def test_save_uses_the_mixins_public_save_and_config(tmp_path, monkeypatch):
    """save_generator goes through save_pretrained; its config.json is the mixin's plus the project's keys."""
    g = tiny_cgan()
    calls = []
    original = type(g).save_pretrained

    def spy(self, save_directory, **kwargs):
        calls.append(type(self).__name__)
        return original(self, save_directory, **kwargs)
    monkeypatch.setattr(type(g), "save_pretrained", spy)
    out = hub.save_generator(g, tmp_path / "s", extra={"step": 3})
    assert calls == ["CondGenerator"]
    bare = tmp_path / "bare"
    g.save_pretrained(bare)
    mixin_config = json.loads((bare / "config.json").read_text())
    ours = json.loads((out / "config.json").read_text())
    assert ours == {"model_type": "cgan", **mixin_config, "gan_studio": {"step": 3}}
    assert (out / "model.safetensors").read_bytes() == (bare / "model.safetensors").read_bytes()


def test_loading_is_strict_even_past_the_header_check(tmp_path, monkeypatch):
    """from_pretrained is called with strict=True: with the project's own key check switched off, an
    unexpected key is still refused (the mixin's default would ignore it)."""
    g = tiny_cgan()
    out = hub.save_generator(g, tmp_path / "k")
    state = {k: v.contiguous() for k, v in g.state_dict().items()}
    state["extra.bias"] = torch.zeros(1)
    (out / "model.safetensors").write_bytes(save(state))
    monkeypatch.setattr(hub, "_mismatch", lambda expected, got: "")
    with pytest.raises(hub.CheckpointError, match="could not be loaded"):
        hub.load_folder(out)


def test_only_safetensors_are_loaded_from_folders_and_zips(tmp_path):
    g = tiny_cgan()
    out = hub.save_generator(g, tmp_path / "b")
    (out / "model.safetensors").unlink()
    torch.save(g.state_dict(), out / "pytorch_model.bin")  # plain tensors: still not read
    with pytest.raises(hub.CheckpointError, match="only model.safetensors is loaded, not pytorch_model.bin"):
        hub.load_folder(out)
    (tmp_path / "b.zip").write_bytes(hub.zip_checkpoint(out))
    with pytest.raises(hub.CheckpointError, match="only safetensors"):
        hub.load_generator(str(tmp_path / "b.zip"))


def test_oversized_weights_are_refused_before_reading(tmp_path, monkeypatch):
    out = hub.save_generator(tiny_cgan(), tmp_path / "big")
    monkeypatch.setattr(hub, "MAX_WEIGHTS_BYTES", 100)
    import safetensors
    opened = []
    real_open = safetensors.safe_open
    monkeypatch.setattr(safetensors, "safe_open", lambda *a, **k: opened.append(a) or real_open(*a, **k))
    with pytest.raises(hub.CheckpointError, match="over the 100 bytes limit"):
        hub.load_folder(out)
    assert opened == []


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
    with pytest.raises(hub.HubError, match="has no model.safetensors"):
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
    """Stands in for HfApi where push_to_hub makes it (huggingface_hub.hub_mixin) and where push's second
    commit does (huggingface_hub): what is uploaded lands on the fake Hub, so it can be loaded back.
    (The real upload protocol, with hf_xet, is more than tests/fakehub.py speaks.)"""
    hub = None
    calls: list = []

    def __init__(self, token=None, **kwargs):
        FakeApi.calls.append(("init", token))

    def _files(self, repo_id):
        return FakeApi.hub.repos.setdefault(("model", repo_id), {})

    def create_repo(self, repo_id, private=None, exist_ok=False, **kwargs):
        FakeApi.calls.append(("create", repo_id, private))
        self._files(repo_id)
        return SimpleNamespace(repo_id=repo_id)

    def upload_folder(self, repo_id, folder_path, commit_message=None, **kwargs):
        names = sorted(os.listdir(folder_path))
        FakeApi.calls.append(("upload_folder", repo_id, names))
        self._files(repo_id).update({n: (Path(folder_path) / n).read_bytes() for n in names})
        return SimpleNamespace(repo_url=f"https://example.invalid/{repo_id}")

    def upload_file(self, path_or_fileobj, path_in_repo, repo_id, commit_message=None, **kwargs):
        FakeApi.calls.append(("upload_file", repo_id, path_in_repo))
        self._files(repo_id)[path_in_repo] = Path(path_or_fileobj).read_bytes()


def test_push_with_the_mixins_push_to_hub_then_load_back(fake_hub, monkeypatch, tmp_path):
    import huggingface_hub
    import huggingface_hub.hub_mixin
    from gan.models import discriminator_class
    FakeApi.hub, FakeApi.calls = fake_hub, []
    monkeypatch.setattr(huggingface_hub.hub_mixin, "HfApi", FakeApi)
    monkeypatch.setattr(huggingface_hub, "HfApi", FakeApi)
    g = tiny_cgan()
    d = discriminator_class("cgan")(width=8).eval()
    out = hub.save_generator(g, tmp_path / "p", discriminator=d, extra={"step": 5})
    (out / "README.md").unlink()
    url = hub.push(out, "me/my-gan", token="hf_x")
    assert url.endswith("me/my-gan")
    assert ("init", "hf_x") in FakeApi.calls and ("create", "me/my-gan", False) in FakeApi.calls
    # one commit from push_to_hub (generator, config, card), one for the discriminator it cannot carry
    assert [c for c in FakeApi.calls if c[0].startswith("upload")] == [
        ("upload_folder", "me/my-gan", ["README.md", "config.json", "model.safetensors"]),
        ("upload_file", "me/my-gan", "discriminator.safetensors")]
    card = (out / "README.md").read_text()
    assert "gan-studio" in card
    pushed = fake_hub.repos[("model", "me/my-gan")]
    assert "# cgan generator trained with GAN Studio" in pushed["README.md"].decode()  # our card, not the mixin's
    loaded = hub.load_generator("me/my-gan", fallback=False)
    assert loaded.origin == "hub" and loaded.family == "cgan" and loaded.config["gan_studio"] == {"step": 5}
    z, y = torch.randn(2, 8), torch.tensor([3, 4])
    with torch.no_grad():
        assert torch.equal(loaded.model(z, y), g(z, y))
        x = g(z, y)
        assert torch.equal(loaded.discriminator(x, y), d(x, y))
    with pytest.raises(hub.HubError, match="repo id"):
        hub.push(out, "not a repo")


def test_a_hub_repo_with_only_a_pickle_is_refused_without_downloading_it(fake_hub):
    g = tiny_cgan()
    buf = io.BytesIO()
    torch.save(g.state_dict(), buf)
    files = _repo_files(g)
    files.pop("model.safetensors")
    files["pytorch_model.bin"] = buf.getvalue()
    fake_hub.add("someone/pickled", files)
    with pytest.raises(hub.HubError, match="has no model.safetensors"):
        hub.load_generator("someone/pickled", fallback=False)
    assert not [path for _, path in fake_hub.requests if "pytorch_model.bin" in path]


def test_oversized_hub_weights_are_refused_before_the_download(fake_hub, monkeypatch):
    fake_hub.add("someone/huge", _repo_files(tiny_cgan()))
    monkeypatch.setattr(hub, "MAX_WEIGHTS_BYTES", 100)
    with pytest.raises(hub.CheckpointError, match="over the 100 bytes limit; not downloaded"):
        hub.load_generator("someone/huge")
    assert not [path for cmd, path in fake_hub.requests if cmd == "GET" and path.endswith("model.safetensors")]
