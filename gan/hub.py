"""Load, save and push generators: local folders, Hugging Face Hub repo ids, bundled fallbacks.

Weights are only ever read as safetensors or with ``torch.load(..., weights_only=True)``; a pickle
that needs code to load is refused. Every failure is a :class:`CheckpointError` or :class:`HubError`
with a message meant for a person.
"""
from __future__ import annotations

import json
import os
import pickle
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import torch
from torch import nn

from .models import MODELS, discriminator_class, family_of, generator_class, model_config, spec

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_DIR = PROJECT_ROOT / "checkpoints"
MAX_WEIGHTS_BYTES = 512 * 1024 * 1024  # refuse anything larger than this before reading it
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin", "model.pt", "model.pth")

# Public Hub generators the app knows, with the family whose layout their weights use.
KNOWN_HUB: dict[str, dict] = {
    "huggan/dcgan-mnist": {
        "family": "huggan-dcgan", "filename": "pytorch_model.bin", "repo_type": "model",
        "config": {"num_channels": 3, "latent_dim": 100, "hidden_size": 64},
        "data": "MNIST (as 64 px RGB)", "license": "apache-2.0", "size_mb": 14.3,
    },
}


class CheckpointError(ValueError):
    """A checkpoint that cannot be used: missing, corrupt, unsafe or of the wrong layout."""


class HubError(RuntimeError):
    """The Hub could not be reached or did not have what was asked for."""


# ----------------------------------------------------------------------------- safe reading

def load_state_dict_file(path: str | Path) -> dict[str, torch.Tensor]:
    """Read a state dict from safetensors or a weights-only torch file; refuse anything else."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"weights file not found: {path.name}")
    size = path.stat().st_size
    if size == 0:
        raise CheckpointError(f"{path.name} is empty")
    if size > MAX_WEIGHTS_BYTES:
        raise CheckpointError(f"{path.name} is {size / 2**20:.0f} MB, over the {MAX_WEIGHTS_BYTES // 2**20} MB limit")
    if path.suffix == ".safetensors":
        from safetensors import SafetensorError
        from safetensors.torch import load_file
        try:
            return load_file(str(path), device="cpu")
        except (SafetensorError, OSError, ValueError, RuntimeError) as e:
            raise CheckpointError(f"{path.name} is not a valid safetensors file ({_short(e)})") from None
    try:
        obj = torch.load(str(path), map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as e:
        raise CheckpointError(
            f"refused {path.name}: it needs code to unpickle, and only plain tensors are accepted "
            f"({_short(e)})") from None
    except (RuntimeError, EOFError, ValueError, OSError, zipfile.BadZipFile, AttributeError, TypeError) as e:
        raise CheckpointError(f"{path.name} is not a readable PyTorch weights file ({_short(e)})") from None
    if isinstance(obj, dict) and "state_dict" in obj and isinstance(obj["state_dict"], dict):
        obj = obj["state_dict"]
    if not isinstance(obj, dict) or not all(isinstance(v, torch.Tensor) for v in obj.values()):
        raise CheckpointError(f"{path.name} does not hold a state dict of tensors")
    return obj


def _short(e: BaseException, limit: int = 160) -> str:
    text = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return text[:limit]


def strict_load(model: nn.Module, state: dict[str, torch.Tensor], what: str = "weights") -> nn.Module:
    """Load ``state`` into ``model`` only if keys and shapes match exactly; else explain the mismatch."""
    expected = model.state_dict()
    missing = [k for k in expected if k not in state]
    unexpected = [k for k in state if k not in expected]
    wrong = [f"{k} {tuple(state[k].shape)} != {tuple(v.shape)}" for k, v in expected.items()
             if k in state and tuple(state[k].shape) != tuple(v.shape)]
    if missing or unexpected or wrong:
        parts = []
        if missing:
            parts.append(f"{len(missing)} missing (e.g. {missing[0]})")
        if unexpected:
            parts.append(f"{len(unexpected)} unexpected (e.g. {unexpected[0]})")
        if wrong:
            parts.append(f"{len(wrong)} with the wrong shape (e.g. {wrong[0]})")
        raise CheckpointError(f"{what} do not match {type(model).__name__}: " + "; ".join(parts))
    bad = [k for k, v in state.items() if v.is_floating_point() and not torch.isfinite(v).all()]
    if bad:
        raise CheckpointError(f"{what} contain NaN or infinite values (e.g. {bad[0]})")
    model.load_state_dict(state, strict=True)
    return model


# ----------------------------------------------------------------------------- project format

@dataclass
class LoadedGenerator:
    model: nn.Module
    family: str
    config: dict
    source: str
    discriminator: nn.Module | None = None
    origin: str = "local"  # "local", "bundled", "hub", "bundled-fallback", "session"
    note: str = ""
    card: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def conditional(self) -> bool:
        return MODELS[self.family].conditional

    @property
    def latent_dim(self) -> int:
        return int(getattr(self.model, "latent_dim", self.config.get("latent_dim", 100)))

    @property
    def n_classes(self) -> int:
        return int(getattr(self.model, "n_classes", 0))


def _save_safetensors(model: nn.Module, path: Path) -> None:
    from safetensors.torch import save_file
    state = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    save_file(state, str(path))


def save_generator(model: nn.Module, out_dir: str | Path, *, discriminator: nn.Module | None = None,
                   extra: dict | None = None, card: str | None = None) -> Path:
    """Write ``config.json`` + ``model.safetensors`` (+ ``discriminator.safetensors``) + ``README.md``.

    Written to a temporary folder first and moved into place, so a failure leaves no partial files.
    """
    out_dir = Path(out_dir)
    family = family_of(model)
    config = {"model_type": family, **model_config(model)}
    if discriminator is not None:
        config["discriminator"] = model_config(discriminator)
    if extra:
        config["gan_studio"] = extra
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=out_dir.parent))
    try:
        (tmp / "config.json").write_text(json.dumps(config, indent=2, default=str))
        _save_safetensors(model, tmp / "model.safetensors")
        if discriminator is not None:
            _save_safetensors(discriminator, tmp / "discriminator.safetensors")
        (tmp / "README.md").write_text(card if card is not None else model_card(config))
        if out_dir.exists():
            for f in tmp.iterdir():
                shutil.move(str(f), out_dir / f.name)
            tmp.rmdir()
        else:
            tmp.rename(out_dir)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return out_dir


def model_card(config: dict, metrics: dict | None = None) -> str:
    family = config.get("model_type", "?")
    info = config.get("gan_studio", {})
    train = info.get("train_config", {})
    lines = [
        "---", "library_name: gan-studio", "license: mit", "tags:", "- gan", f"- {family}", "---", "",
        f"# {family} generator trained with GAN Studio", "",
        MODELS[family].description if family in MODELS else "", "",
        "## Architecture", "", "```json", json.dumps({k: v for k, v in config.items() if k != "gan_studio"}, indent=2), "```", "",
    ]
    if train:
        lines += ["## Training", "", f"- dataset: {train.get('dataset')}", f"- loss: {train.get('loss')}",
                  f"- steps: {info.get('step', train.get('steps'))}", f"- batch size: {train.get('batch_size')}",
                  f"- learning rates: D {train.get('lr_d')}, G {train.get('lr_g')}", ""]
    metrics = metrics or info.get("metrics")
    if metrics:
        lines += ["## Metrics", ""] + [f"- {k}: {v}" for k, v in metrics.items()] + [""]
    lines += ["## Use", "", "```bash", "python -m gan sample <this folder> --n 64 --out grid.png", "```", ""]
    return "\n".join(lines)


def _read_config(folder: Path) -> dict:
    path = folder / "config.json"
    if not path.is_file():
        raise CheckpointError(f"{folder.name}: no config.json (expected config.json + model.safetensors)")
    try:
        config = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise CheckpointError(f"{folder.name}/config.json is not valid JSON ({_short(e)})") from None
    if not isinstance(config, dict):
        raise CheckpointError(f"{folder.name}/config.json must hold an object")
    return config


def _kwargs_for(cls: type, config: dict) -> dict:
    import inspect
    params = inspect.signature(cls.__init__).parameters
    return {k: v for k, v in config.items() if k in params and k != "self"}


def _build(cls: type, kwargs: dict, where: str) -> nn.Module:
    try:
        return cls(**kwargs)
    except (TypeError, ValueError, RuntimeError) as e:
        raise CheckpointError(f"{where}: config.json does not describe a valid model ({_short(e)})") from None


def load_folder(folder: str | Path, *, origin: str = "local", source: str | None = None) -> LoadedGenerator:
    """Load a generator (and its discriminator when saved) from a project-format folder."""
    folder = Path(folder)
    if folder.is_file() and folder.suffix == ".zip":
        return _load_zip(folder, origin=origin, source=source)
    if not folder.is_dir():
        raise CheckpointError(f"checkpoint folder not found: {folder}")
    config = _read_config(folder)
    family = config.get("model_type")
    weights = next((folder / n for n in WEIGHT_FILES if (folder / n).is_file()), None)
    if weights is None:
        raise CheckpointError(f"{folder.name}: no weights (expected one of {', '.join(WEIGHT_FILES)})")
    state = load_state_dict_file(weights)
    if family is None:
        family = _guess_family(state)
    try:
        cls = generator_class(family)
    except ValueError as e:
        raise CheckpointError(f"{folder.name}: {e}") from None
    model = strict_load(_build(cls, _kwargs_for(cls, config), folder.name), state, f"{folder.name} weights")
    disc = None
    if (folder / "discriminator.safetensors").is_file() and spec(family).discriminator:
        dcls = discriminator_class(family)
        disc = strict_load(_build(dcls, _kwargs_for(dcls, config.get("discriminator", {})), folder.name),
                           load_state_dict_file(folder / "discriminator.safetensors"), f"{folder.name} discriminator")
        disc.eval()
    card = (folder / "README.md").read_text(errors="replace") if (folder / "README.md").is_file() else ""
    return LoadedGenerator(model.eval(), family, config, source or str(folder), disc, origin, card=card)


def _load_zip(path: Path, *, origin: str, source: str | None) -> LoadedGenerator:
    with tempfile.TemporaryDirectory() as tmp:
        extract_checkpoint_zip(path.read_bytes(), Path(tmp))
        return load_folder(tmp, origin=origin, source=source or path.name)


def extract_checkpoint_zip(data: bytes, dest: Path, max_bytes: int = MAX_WEIGHTS_BYTES) -> Path:
    """Safely unpack a zipped checkpoint (flat files only, bounded size) into ``dest``."""
    import io
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise CheckpointError("the upload is not a zip file") from None
    total = 0
    with zf:
        for info in zf.infolist():
            if info.is_dir():
                continue
            name = Path(info.filename).name
            if name not in ("config.json", "README.md", "discriminator.safetensors", *WEIGHT_FILES):
                continue
            total += info.file_size
            if total > max_bytes:
                raise CheckpointError("the zip unpacks to more than the size limit")
            (dest / name).write_bytes(zf.read(info))
    return dest


def _guess_family(state: dict) -> str:
    shape = tuple(state.get("model.0.weight", torch.empty(0)).shape)
    if len(shape) == 4 and "model.12.weight" in state:
        return "huggan-dcgan"
    raise CheckpointError("config.json has no model_type and the weights match no known layout")


def zip_checkpoint(folder: str | Path) -> bytes:
    """The files of a checkpoint folder as zip bytes (for a download button)."""
    import io
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(Path(folder).iterdir()):
            if f.is_file():
                zf.write(f, f.name)
    return buf.getvalue()


# ----------------------------------------------------------------------------- bundled

def _bundled_type(folder: Path) -> str | None:
    try:
        return json.loads((folder / "config.json").read_text()).get("model_type")
    except (OSError, ValueError, AttributeError):
        return None


def bundled_names() -> list[str]:
    """Bundled generators (folders under checkpoints/ whose model_type is a generator family)."""
    if not BUNDLED_DIR.is_dir():
        return []
    return sorted(p.name for p in BUNDLED_DIR.iterdir()
                  if p.is_dir() and (p / "model.safetensors").is_file()
                  and _bundled_type(p) in MODELS and MODELS[_bundled_type(p)].kind in ("image", "toy", "image2image"))


def load_bundled(name: str) -> LoadedGenerator:
    if name not in bundled_names():
        raise CheckpointError(f"no bundled checkpoint {name!r}; bundled: {', '.join(bundled_names()) or 'none'}")
    return load_folder(BUNDLED_DIR / name, origin="bundled", source=name)


# ----------------------------------------------------------------------------- the Hub

REPO_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,95}/[A-Za-z0-9][A-Za-z0-9._-]{0,95}$")


def is_repo_id(text: str) -> bool:
    return bool(REPO_ID.match(text)) and ".." not in text and not text.endswith((".git", "."))


def hub_offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")


def _endpoint() -> str | None:
    return os.environ.get("HF_ENDPOINT") or None


def _probe(url: str, timeout: float = 3.0) -> None:
    """Fail fast when the Hub's host does not answer: huggingface_hub itself retries for ~25 s."""
    import socket
    from urllib.parse import urlsplit
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        socket.create_connection((parts.hostname or "", port), timeout=timeout).close()
    except OSError as e:
        raise HubError(f"cannot reach the Hub at {parts.hostname} ({_short(e)}); check the connection") from None


def hub_download(repo_id: str, filename: str, repo_type: str = "model", timeout: float = 10.0) -> Path:
    """Fetch one file from the Hub (or the ``HF_ENDPOINT`` server) into the local cache."""
    if not is_repo_id(repo_id):
        raise HubError(f"{repo_id!r} is not a Hub repo id (expected owner/name)")
    if hub_offline():
        raise HubError(f"offline (HF_HUB_OFFLINE=1): cannot download {repo_id}/{filename}")
    from huggingface_hub import hf_hub_download
    from huggingface_hub import errors as hf_errors
    _probe(_endpoint() or "https://huggingface.co", timeout=min(timeout, 3.0))
    try:
        return Path(hf_hub_download(repo_id, filename, repo_type=repo_type, endpoint=_endpoint(),
                                    etag_timeout=timeout))
    except hf_errors.RepositoryNotFoundError:
        raise HubError(f"Hub repo {repo_id!r} was not found (or is private)") from None
    except hf_errors.LocalEntryNotFoundError:  # a subclass of EntryNotFoundError: catch it first
        raise HubError(f"cannot reach the Hub to download {repo_id}/{filename}, and it is not cached") from None
    except hf_errors.EntryNotFoundError:
        raise HubError(f"Hub repo {repo_id!r} has no file {filename!r}") from None
    except Exception as e:  # connection errors come from several libraries
        raise HubError(f"could not download {repo_id}/{filename}: {_short(e)}") from None


def _hub_file_exists(repo_id: str, filename: str) -> Path | None:
    try:
        return hub_download(repo_id, filename)
    except HubError as e:
        if "has no file" in str(e):
            return None
        raise


def load_from_hub(repo_id: str) -> LoadedGenerator:
    known = KNOWN_HUB.get(repo_id)
    if known:
        path = hub_download(repo_id, known["filename"], known.get("repo_type", "model"))
        cls = generator_class(known["family"])
        model = strict_load(cls(**known["config"]), load_state_dict_file(path), repo_id)
        return LoadedGenerator(model.eval(), known["family"], {"model_type": known["family"], **known["config"]},
                               repo_id, origin="hub")
    config_path = hub_download(repo_id, "config.json")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        shutil.copy(config_path, folder / "config.json")
        for name in WEIGHT_FILES:
            found = _hub_file_exists(repo_id, name)
            if found:
                shutil.copy(found, folder / name)
                break
        else:
            raise HubError(f"Hub repo {repo_id!r} has none of {', '.join(WEIGHT_FILES)}")
        for optional in ("discriminator.safetensors", "README.md"):
            found = _hub_file_exists(repo_id, optional)
            if found:
                shutil.copy(found, folder / optional)
        return load_folder(folder, origin="hub", source=repo_id)


def load_generator(source: str | Path, *, fallback: bool = True) -> LoadedGenerator:
    """Load a generator from a local folder/zip, a bundled name, or a Hub repo id.

    When the Hub cannot be used and a bundled checkpoint has the same name as the repo, that copy
    is returned with ``origin="bundled-fallback"`` and a note saying why.
    """
    text = str(source).strip()
    if not text:
        raise CheckpointError("no model source given")
    if len(text) > 1024:
        raise CheckpointError("the model source is too long to be a folder, a bundled name or a Hub repo id")
    path = Path(text).expanduser()
    try:
        exists = path.exists()
    except OSError:  # e.g. a file name longer than the file system allows
        exists = False
    if exists:
        return load_folder(path)
    if text in bundled_names():
        return load_bundled(text)
    if is_repo_id(text):
        try:
            return load_from_hub(text)
        except HubError as e:
            name = text.split("/", 1)[1]
            # a known public model is not the bundled one that happens to share its name
            if fallback and text not in KNOWN_HUB and name in bundled_names():
                loaded = load_bundled(name)
                loaded.origin, loaded.note = "bundled-fallback", f"{e}; using the bundled copy of {name}"
                return loaded
            raise
    raise CheckpointError(
        f"{text!r} is not a folder, a bundled model ({', '.join(bundled_names()) or 'none'}) or a Hub repo id (owner/name)")


def push(folder: str | Path, repo_id: str, token: str | None = None, private: bool = False) -> str:
    """Upload a checkpoint folder to the Hub (creating the repo); returns the repo URL."""
    folder = Path(folder)
    load_folder(folder)  # refuse to push something that does not load
    if not is_repo_id(repo_id):
        raise HubError(f"{repo_id!r} is not a Hub repo id (expected owner/name)")
    if hub_offline():
        raise HubError("offline (HF_HUB_OFFLINE=1): cannot push")
    from huggingface_hub import HfApi
    if not (folder / "README.md").is_file():
        (folder / "README.md").write_text(model_card(_read_config(folder)))
    api = HfApi(endpoint=_endpoint(), token=token)
    try:
        url = api.create_repo(repo_id, private=private, exist_ok=True)
        api.upload_folder(repo_id=repo_id, folder_path=str(folder), commit_message="Upload GAN Studio generator")
    except Exception as e:
        raise HubError(f"could not push to {repo_id}: {_short(e)}") from None
    return str(url)
