"""scripts/deploy_space.py against the fake Hub: the app's files reach a Streamlit Space, binaries as LFS,
and the push token reaches the server but never the output or the logs."""
from __future__ import annotations

import logging
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import deploy_space  # noqa: E402

TOKEN = "hf_TestSecretToken0123456789abcdef"


@pytest.fixture
def no_xet(monkeypatch):
    import huggingface_hub.constants as hf_constants
    monkeypatch.setattr(hf_constants, "HF_HUB_DISABLE_XET", True)  # the fake Hub speaks LFS, not Xet


def test_deploy_pushes_the_app_and_never_logs_the_token(fake_hub, no_xet, monkeypatch, capsys, caplog):
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    caplog.set_level(logging.DEBUG)
    assert deploy_space.main(["me/gan-studio"]) == 0
    repo = fake_hub.repos[("space", "me/gan-studio")]
    assert fake_hub.created[0]["sdk"] == "streamlit"
    assert set(repo) == set(deploy_space.files_to_push())
    assert {"app.py", "requirements.txt", ".streamlit/config.toml", "gan/hosted.py",
            "checkpoints/cgan-mnist/model.safetensors"} <= set(repo)
    assert not [p for p in repo if p.startswith(("tests/", "bench/", "docs/")) or "__pycache__" in p]
    assert repo["checkpoints/cgan-mnist/model.safetensors"] == (ROOT / "checkpoints/cgan-mnist/model.safetensors").read_bytes()
    assert "checkpoints/replays/cgan-mnist.npz" in fake_hub.lfs_paths[("space", "me/gan-studio")]
    assert "app.py" not in fake_hub.lfs_paths[("space", "me/gan-studio")]
    assert any(TOKEN in a for a in fake_hub.auth)  # it was used ...
    out = capsys.readouterr()
    logs = "\n".join(r.getMessage() for r in caplog.records)
    for text in (out.out, out.err, logs):  # ... and never shown
        assert TOKEN not in text


def test_a_failed_deploy_says_why_without_the_token(fake_hub, no_xet, monkeypatch, capsys, caplog):
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    monkeypatch.setattr(deploy_space, "ALLOW", ["app.py"])
    def refuse(h):
        h.rfile.read(int(h.headers.get("Content-Length") or 0))
        fake_hub.auth.append(h.headers.get("Authorization", ""))
        fake_hub._reply(h, 401, b"Invalid credentials", True, {"X-Error-Message": "Invalid credentials"})

    monkeypatch.setattr(fake_hub, "_write", refuse)
    caplog.set_level(logging.DEBUG)
    assert deploy_space.main(["me/gan-studio"]) == 1
    out = capsys.readouterr()
    assert "deploy failed" in out.err and any(TOKEN in a for a in fake_hub.auth)
    for text in (out.out, out.err, "\n".join(r.getMessage() for r in caplog.records)):
        assert TOKEN not in text


def test_redact_hides_the_token_and_token_shaped_text():
    assert deploy_space.redact(f"error for {TOKEN} and hf_abcdefghijklmnop", TOKEN) == "error for *** and ***"


def test_a_visitors_push_token_reaches_the_hub_but_no_log(fake_hub, no_xet, monkeypatch, tmp_path, capsys, caplog):
    import huggingface_hub.constants as hf_constants
    import torch
    from gan import hub
    from gan.models import build
    monkeypatch.setattr(hf_constants, "ENDPOINT", fake_hub.url)
    torch.manual_seed(0)
    folder = hub.save_generator(build("cgan", latent_dim=8, width=8, embed_dim=4).eval(), tmp_path / "ck")
    caplog.set_level(logging.DEBUG)
    hub.push(folder, "visitor/my-gan", token=TOKEN)
    assert "model.safetensors" in fake_hub.repos[("model", "visitor/my-gan")]
    assert any(TOKEN in a for a in fake_hub.auth)
    out = capsys.readouterr()
    for text in (out.out, out.err, "\n".join(r.getMessage() for r in caplog.records)):
        assert TOKEN not in text
    assert TOKEN not in "".join(p.read_text(errors="replace") for p in folder.rglob("*") if p.is_file())
