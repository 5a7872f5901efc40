"""Load, save and push generators: local folders, Hugging Face Hub repo ids, bundled fallbacks.

Generators mix in huggingface_hub's ``PyTorchModelHubMixin`` and this module uses its public API:
``save_pretrained`` writes a checkpoint (``config.json`` with the constructor's keyword arguments,
``model.safetensors``, ``README.md``), ``from_pretrained(folder, strict=True)`` reads one back and
``push_to_hub`` uploads one. The project adds to ``config.json`` (``model_type``, ``discriminator``,
``gan_studio``) and may store ``discriminator.safetensors`` next to the generator; a folder written by
a bare ``save_pretrained`` (no ``model_type``) loads too, its family found from its weights' keys.

Around the mixin the project's rules hold: weights are safetensors only (a pickle is never
unpickled, except the one public ``pytorch_model.bin`` in ``KNOWN_HUB``, read with
``torch.load(weights_only=True)``); sizes are checked before a file is downloaded or read; keys and
shapes are checked against the model from the file's header before any tensor is read, and loading
is strict; NaN or infinite weights are refused. Every failure is a :class:`CheckpointError` or
:class:`HubError` with a message meant for a person.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import pickle
import re
import shutil
import tempfile
import threading
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import torch
from torch import nn

from . import hosted
from .models import MODELS, discriminator_class, family_of, generator_class, spec

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_DIR = PROJECT_ROOT / "checkpoints"
MAX_WEIGHTS_BYTES = 512 * 1024 * 1024  # refuse anything larger than this before reading it
MAX_TEXT_BYTES = 1024 * 1024  # config.json and README.md from the Hub
WEIGHTS_FILE = "model.safetensors"  # the mixin's file name (huggingface_hub.constants.SAFETENSORS_SINGLE_FILE)
DISCRIMINATOR_FILE = "discriminator.safetensors"
WEIGHT_FILES = (WEIGHTS_FILE, DISCRIMINATOR_FILE)  # the only weights a checkpoint folder may hold
REFUSED_FILES = ("pytorch_model.bin", "model.pt", "model.pth", "model.ckpt")  # pickles: named in errors, never read

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

def _size(n: int) -> str:
    return f"{n / 2**20:.0f} MB" if n >= 2**20 else f"{n} bytes"


def _too_big(name: str, size: int, limit: int) -> str:
    return f"{name} is {_size(size)}, over the {_size(limit)} limit"


def _check_size(path: Path, limit: int | None = None) -> None:
    """Refuse a missing, empty or oversized file (over ``MAX_WEIGHTS_BYTES``) from its size alone."""
    limit = MAX_WEIGHTS_BYTES if limit is None else limit
    if not path.is_file():
        raise CheckpointError(f"weights file not found: {path.name}")
    size = path.stat().st_size
    if size == 0:
        raise CheckpointError(f"{path.name} is empty")
    if size > limit:
        raise CheckpointError(_too_big(path.name, size, limit))


def safetensors_shapes(path: str | Path) -> dict[str, tuple[int, ...]]:
    """Tensor names and shapes from a safetensors file's header (size-checked first; no tensor is read)."""
    from safetensors import SafetensorError, safe_open
    path = Path(path)
    _check_size(path)
    try:
        with safe_open(str(path), framework="pt", device="cpu") as f:
            return {k: tuple(f.get_slice(k).get_shape()) for k in f.keys()}
    except (SafetensorError, OSError, ValueError, RuntimeError) as e:
        raise CheckpointError(f"{path.name} is not a valid safetensors file ({_short(e)})") from None


def load_state_dict_file(path: str | Path) -> dict[str, torch.Tensor]:
    """Read a state dict from safetensors or a weights-only torch file; refuse anything else."""
    path = Path(path)
    _check_size(path)
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


def _shapes(state: dict[str, torch.Tensor]) -> dict[str, tuple[int, ...]]:
    return {k: tuple(v.shape) for k, v in state.items()}


def _mismatch(expected: dict[str, tuple], got: dict[str, tuple]) -> str:
    """'' when keys and shapes match exactly, else what differs, for a person."""
    missing = [k for k in expected if k not in got]
    unexpected = [k for k in got if k not in expected]
    wrong = [f"{k} {got[k]} != {v}" for k, v in expected.items() if k in got and got[k] != v]
    parts = []
    if missing:
        parts.append(f"{len(missing)} missing (e.g. {missing[0]})")
    if unexpected:
        parts.append(f"{len(unexpected)} unexpected (e.g. {unexpected[0]})")
    if wrong:
        parts.append(f"{len(wrong)} with the wrong shape (e.g. {wrong[0]})")
    return "; ".join(parts)


def _check_finite(state: dict[str, torch.Tensor], what: str) -> None:
    bad = [k for k, v in state.items() if v.is_floating_point() and not torch.isfinite(v).all()]
    if bad:
        raise CheckpointError(f"{what} contain NaN or infinite values (e.g. {bad[0]})")


def strict_load(model: nn.Module, state: dict[str, torch.Tensor], what: str = "weights") -> nn.Module:
    """Load ``state`` into ``model`` only if keys and shapes match exactly; else explain the mismatch."""
    problem = _mismatch(_shapes(model.state_dict()), _shapes(state))
    if problem:
        raise CheckpointError(f"{what} do not match {type(model).__name__}: {problem}")
    _check_finite(state, what)
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


def _save_pretrained(model: nn.Module, folder: Path) -> dict:
    """``model.save_pretrained(folder)`` (the mixin's public save); returns the config.json it wrote."""
    model.save_pretrained(folder)
    return _read_config(folder)


def save_generator(model: nn.Module, out_dir: str | Path, *, discriminator: nn.Module | None = None,
                   extra: dict | None = None, card: str | None = None) -> Path:
    """Write ``config.json`` + ``model.safetensors`` (+ ``discriminator.safetensors``) + ``README.md``.

    The mixin's ``save_pretrained`` writes the weights and a config.json of the constructor's keyword
    arguments; the project adds ``model_type`` (the registry's family name), the discriminator's
    config and ``gan_studio`` (``extra``: training config, metrics) to that config, and writes its own
    model card (``card``, or :func:`model_card`). Written to a temporary folder first and moved into
    place, so a failure leaves no partial files.
    """
    out_dir = Path(out_dir)
    family = family_of(model)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=out_dir.parent))
    try:
        config = {"model_type": family, **_save_pretrained(model, tmp)}
        if discriminator is not None:
            d_dir = tmp / ".discriminator"
            config["discriminator"] = _save_pretrained(discriminator, d_dir)
            (d_dir / WEIGHTS_FILE).replace(tmp / DISCRIMINATOR_FILE)
            shutil.rmtree(d_dir)
        if extra:
            config["gan_studio"] = extra
        (tmp / "config.json").write_text(json.dumps(config, indent=2, default=str))
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
    if path.stat().st_size > MAX_TEXT_BYTES:
        raise CheckpointError(f"{folder.name}/{_too_big('config.json', path.stat().st_size, MAX_TEXT_BYTES)}")
    try:
        config = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise CheckpointError(f"{folder.name}/config.json is not valid JSON ({_short(e)})") from None
    if not isinstance(config, dict):
        raise CheckpointError(f"{folder.name}/config.json must hold an object")
    return config


def _kwargs_for(cls: type, config: dict) -> dict:
    """The entries of ``config`` that ``cls.__init__`` takes (what ``from_pretrained`` passes it)."""
    import inspect
    params = inspect.signature(cls.__init__).parameters
    return {k: v for k, v in config.items() if k in params and k != "self"}


def _build(cls: type, kwargs: dict, where: str, device: str | None = None) -> nn.Module:
    try:
        with torch.device(device) if device else contextlib.nullcontext():
            return cls(**kwargs)
    except (TypeError, ValueError, RuntimeError) as e:
        raise CheckpointError(f"{where}: config.json does not describe a valid model ({_short(e)})") from None


def _expected_shapes(cls: type, config: dict, where: str) -> dict[str, tuple[int, ...]]:
    """Keys and shapes of ``cls`` built from ``config``, on the meta device (no memory, no init)."""
    return _shapes(_build(cls, _kwargs_for(cls, config), where, device="meta").state_dict())


def _guess_family(config: dict, shapes: dict[str, tuple], where: str) -> str:
    """The registered family whose generator, built from ``config``, has exactly these keys and shapes."""
    for name in MODELS:
        try:
            if _expected_shapes(generator_class(name), config, where) == shapes:
                return name
        except CheckpointError:
            continue
    raise CheckpointError(f"{where}: config.json has no model_type and the weights match no registered "
                          f"family ({', '.join(MODELS)})")


_QUIET = threading.Lock()


@contextlib.contextmanager
def _quiet_stdout():
    """The mixin prints "Loading weights from local directory"; keep it off the CLI's stdout.

    ``redirect_stdout`` swaps ``sys.stdout`` for the whole process, so calls are serialised (two
    overlapping swaps could otherwise restore each other's buffer)."""
    with _QUIET, contextlib.redirect_stdout(io.StringIO()):
        yield


def _from_pretrained(cls: type, folder: Path, config: dict, where: str) -> nn.Module:
    """``cls.from_pretrained(folder, strict=True)`` once the weights' size, keys and shapes are right."""
    weights = folder / WEIGHTS_FILE
    problem = _mismatch(_expected_shapes(cls, config, where), safetensors_shapes(weights))
    if problem:
        raise CheckpointError(f"{where} weights do not match {cls.__name__}: {problem}")
    from safetensors import SafetensorError
    try:
        with _quiet_stdout():
            model = cls.from_pretrained(folder, strict=True, map_location="cpu")
    except (SafetensorError, TypeError, ValueError, RuntimeError, OSError) as e:
        raise CheckpointError(f"{where}: {WEIGHTS_FILE} could not be loaded ({_short(e)})") from None
    _check_finite(model.state_dict(), f"{where} weights")
    return model.eval()


def _no_weights(folder: Path) -> CheckpointError:
    refused = [n for n in REFUSED_FILES if (folder / n).is_file()]
    if refused:
        return CheckpointError(f"{folder.name}: only {WEIGHTS_FILE} is loaded, not {refused[0]} "
                               "(pickle files can run code; convert the weights to safetensors)")
    return CheckpointError(f"{folder.name}: no weights (expected {WEIGHTS_FILE})")


def load_folder(folder: str | Path, *, origin: str = "local", source: str | None = None) -> LoadedGenerator:
    """Load a generator (and its discriminator when saved) from a checkpoint folder.

    Accepts the project's folders (config.json with ``model_type``) and a bare ``save_pretrained``
    folder (the family is found from the weights' keys). The generator is read by the mixin's
    ``from_pretrained(strict=True)``; the discriminator, which ``from_pretrained`` cannot reach (it only
    reads ``model.safetensors``), by :func:`strict_load`.
    """
    folder = Path(folder)
    if folder.is_file() and folder.suffix == ".zip":
        return _load_zip(folder, origin=origin, source=source)
    if not folder.is_dir():
        raise CheckpointError(f"checkpoint folder not found: {folder}")
    config = _read_config(folder)
    if not (folder / WEIGHTS_FILE).is_file():
        raise _no_weights(folder)
    family = config.get("model_type")
    if family is None:
        family = _guess_family(config, safetensors_shapes(folder / WEIGHTS_FILE), folder.name)
    try:
        cls = generator_class(family)
    except (ValueError, TypeError) as e:
        raise CheckpointError(f"{folder.name}: {e}") from None
    model = _from_pretrained(cls, folder, config, folder.name)
    disc = None
    if (folder / DISCRIMINATOR_FILE).is_file() and spec(family).discriminator:
        dcls = discriminator_class(family)
        d_config = config.get("discriminator", {})
        disc = strict_load(_build(dcls, _kwargs_for(dcls, d_config if isinstance(d_config, dict) else {}), folder.name),
                           load_state_dict_file(folder / DISCRIMINATOR_FILE), f"{folder.name} discriminator")
        disc.eval()
    card = (folder / "README.md").read_text(errors="replace") if (folder / "README.md").is_file() else ""
    return LoadedGenerator(model, family, config, source or str(folder), disc, origin, card=card)


def _load_zip(path: Path, *, origin: str, source: str | None) -> LoadedGenerator:
    with tempfile.TemporaryDirectory() as tmp:
        extract_checkpoint_zip(path.read_bytes(), Path(tmp))
        return load_folder(tmp, origin=origin, source=source or path.name)


STATE_FILES = ("training_state.safetensors", "training_state.json")  # gan.train's resume state
ZIP_FILES = ("config.json", "README.md", *WEIGHT_FILES, *STATE_FILES)  # what an uploaded zip may unpack
PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle", ".joblib", ".npy", ".npz")
MAX_ZIP_FILES = 16
MAX_ZIP_RATIO = 100  # unpacked / packed for one entry: above this (and over 1 MB) it is a zip bomb


def _is_pickle(name: str, head: bytes) -> bool:
    """A pickle by its name, its opening bytes (protocol 2+) or a torch.save zip's data.pkl."""
    return (name.lower().endswith(PICKLE_SUFFIXES) or name.lower().endswith("data.pkl")
            or (len(head) >= 2 and head[0] == 0x80 and 2 <= head[1] <= 5))


def _unsafe_name(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return name.startswith(("/", "\\")) or ":" in parts[0] or ".." in parts or "\0" in name


def extract_checkpoint_zip(data: bytes, dest: Path, max_bytes: int | None = None,
                           max_files: int = MAX_ZIP_FILES) -> Path:
    """Safely unpack a zipped checkpoint into ``dest``; refuse anything unsafe with a plain message.

    Refused: not a zip; encrypted entries; more than ``max_files`` entries; a name that climbs out
    (``..``, absolute, a drive); two files with the same name; any pickle file (by name or by its
    opening bytes); more than ``max_bytes`` unpacked in all (counted while reading, not trusted from
    the zip's headers) or an entry that unpacks to over ``MAX_ZIP_RATIO`` times its packed size (a zip
    bomb). Only the checkpoint's own files (:data:`ZIP_FILES`, in the zip's top level or one folder)
    are written; others are skipped.
    """
    max_bytes = MAX_WEIGHTS_BYTES if max_bytes is None else max_bytes
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise CheckpointError("the upload is not a zip file") from None
    files = [i for i in infos if not i.is_dir()]
    if len(infos) > max_files:
        raise CheckpointError(f"the zip holds {len(infos)} entries; a checkpoint has at most {max_files}")
    if sum(i.file_size for i in files) > max_bytes:
        raise CheckpointError(f"the zip unpacks to more than the size limit ({_size(max_bytes)})")
    dest.mkdir(parents=True, exist_ok=True)
    total = 0
    seen: set[str] = set()
    with zf:
        for info in files:
            if _unsafe_name(info.filename):
                raise CheckpointError(f"refused: the zip names a file outside its folder ({info.filename[:80]!r})")
            if info.flag_bits & 0x1:
                raise CheckpointError("refused: the zip is encrypted")
            name = info.filename.replace("\\", "/").rstrip("/").split("/")[-1]
            if info.file_size > 2**20 and info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1):
                raise CheckpointError("refused: the zip unpacks to far more than its size (a zip bomb)")
            try:
                with zf.open(info) as f:
                    head = f.read(2)
                    known = name in ZIP_FILES and info.filename.count("/") <= 1
                    body = head + f.read(max_bytes - total + 1) if known else b""
            except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError, ValueError) as e:
                raise CheckpointError(f"the zip is damaged ({_short(e)})") from None
            # a pickle by name anywhere, by its opening bytes in any file but the checkpoint's own (whose
            # formats are checked when loaded: a safetensors header may start with the same bytes)
            if _is_pickle(name, b"" if known else head):
                raise CheckpointError(f"refused: the zip holds a pickle file ({name}); pickles can run "
                                      "code, and checkpoints need only safetensors and JSON")
            if not known:
                continue
            if name in seen:
                raise CheckpointError(f"refused: the zip holds {name} twice")
            seen.add(name)
            total += len(body)
            if total > max_bytes:
                raise CheckpointError(f"the zip unpacks to more than the size limit ({_size(max_bytes)})")
            (dest / name).write_bytes(body)
    if WEIGHTS_FILE not in seen:
        raise CheckpointError(f"the zip holds no {WEIGHTS_FILE}; upload the checkpoint zip the Train page "
                              "downloads (config.json + model.safetensors)")
    return dest


def zip_checkpoint(folder: str | Path) -> bytes:
    """The files of a checkpoint folder as zip bytes (for a download button)."""
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


def hub_download(repo_id: str, filename: str, repo_type: str = "model", timeout: float = 10.0,
                 max_bytes: int | None = None) -> Path:
    """Fetch one file from the Hub (or the ``HF_ENDPOINT`` server) into the local cache.

    The file's size is asked first (a HEAD request) and a file over ``max_bytes`` is refused before
    anything is downloaded (``max_bytes`` defaults to the smaller of ``MAX_WEIGHTS_BYTES`` and
    ``GAN_HUB_MAX_MB``).
    """
    max_bytes = min(MAX_WEIGHTS_BYTES, hosted.limits().hub_max_bytes) if max_bytes is None else max_bytes
    if not is_repo_id(repo_id):
        raise HubError(f"{repo_id!r} is not a Hub repo id (expected owner/name)")
    if hub_offline():
        raise HubError(f"offline (HF_HUB_OFFLINE=1): cannot download {repo_id}/{filename}")
    from huggingface_hub import get_hf_file_metadata, hf_hub_download, hf_hub_url
    from huggingface_hub import errors as hf_errors
    _probe(_endpoint() or "https://huggingface.co", timeout=min(timeout, 3.0))
    try:
        url = hf_hub_url(repo_id, filename, repo_type=repo_type, endpoint=_endpoint())
        size = get_hf_file_metadata(url, timeout=timeout, endpoint=_endpoint()).size
        if size is not None and size > max_bytes:
            raise CheckpointError(f"{repo_id}: {_too_big(filename, size, max_bytes)}; not downloaded")
        path = Path(hf_hub_download(repo_id, filename, repo_type=repo_type, endpoint=_endpoint(),
                                    etag_timeout=timeout))
    except CheckpointError:
        raise
    except hf_errors.RepositoryNotFoundError:
        raise HubError(f"Hub repo {repo_id!r} was not found (or is private)") from None
    except hf_errors.LocalEntryNotFoundError:  # a subclass of EntryNotFoundError: catch it first
        raise HubError(f"cannot reach the Hub to download {repo_id}/{filename}, and it is not cached") from None
    except hf_errors.EntryNotFoundError:
        raise HubError(f"Hub repo {repo_id!r} has no file {filename!r}") from None
    except Exception as e:  # connection errors come from several libraries
        raise HubError(f"could not download {repo_id}/{filename}: {_short(e)}") from None
    if path.stat().st_size > max_bytes:  # the server's size was missing or wrong
        raise CheckpointError(f"{repo_id}: {_too_big(filename, path.stat().st_size, max_bytes)}")
    return path


def _hub_optional(repo_id: str, filename: str, max_bytes: int | None = None) -> Path | None:
    """:func:`hub_download`, or None when the repo has no such file."""
    try:
        return hub_download(repo_id, filename, max_bytes=max_bytes)
    except HubError as e:
        if "has no file" in str(e):
            return None
        raise


def _place(src: Path, dest: Path) -> None:
    """Put a cached Hub file into a staging folder: a link where the file system allows, else a copy."""
    try:
        dest.symlink_to(src.resolve())
    except OSError:
        shutil.copy(src, dest)


def load_from_hub(repo_id: str) -> LoadedGenerator:
    """A generator from a Hub repo: config.json + model.safetensors (+ discriminator, model card).

    The files are fetched with their sizes checked first, staged in a temporary folder and loaded with
    :func:`load_folder` (the mixin's ``from_pretrained``, strict). ``from_pretrained(repo_id)`` is not
    called on the repo itself: it would download before any size check and fall back to unpickling
    ``pytorch_model.bin`` when there is no safetensors file.
    """
    known = KNOWN_HUB.get(repo_id)
    if known:
        path = hub_download(repo_id, known["filename"], known.get("repo_type", "model"))
        cls = generator_class(known["family"])
        model = strict_load(cls(**known["config"]), load_state_dict_file(path), repo_id)
        return LoadedGenerator(model.eval(), known["family"], {"model_type": known["family"], **known["config"]},
                               repo_id, origin="hub")
    config_path = hub_download(repo_id, "config.json", max_bytes=MAX_TEXT_BYTES)
    weights = _hub_optional(repo_id, WEIGHTS_FILE)
    if weights is None:
        raise HubError(f"Hub repo {repo_id!r} has no {WEIGHTS_FILE} (only safetensors weights are loaded)")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _place(config_path, folder / "config.json")
        _place(weights, folder / WEIGHTS_FILE)
        for optional, limit in ((DISCRIMINATOR_FILE, None), ("README.md", MAX_TEXT_BYTES)):
            found = _hub_optional(repo_id, optional, limit)
            if found:
                _place(found, folder / optional)
        return load_folder(folder, origin="hub", source=repo_id)


HOSTED_SOURCE_MESSAGE = ("enter a Hub repo id (owner/name) or the name of a bundled model; "
                         "this hosted copy does not open folders on the server")


def load_generator(source: str | Path, *, fallback: bool = True, local: bool | None = None) -> LoadedGenerator:
    """Load a generator from a local folder/zip, a bundled name, or a Hub repo id.

    ``local``: whether a server path may be named (default: not in hosted mode, see
    :func:`gan.hosted.is_hosted`). Without it, anything but a bundled name or a Hub repo id gets one
    message (:data:`HOSTED_SOURCE_MESSAGE`), whatever exists on the server.
    When the Hub cannot be used and a bundled checkpoint has the same name as the repo, that copy
    is returned with ``origin="bundled-fallback"`` and a note saying why.
    """
    local = not hosted.is_hosted() if local is None else local
    text = str(source).strip()
    if not local and (len(text) > 200 or not (text in bundled_names() or is_repo_id(text))):
        raise CheckpointError(HOSTED_SOURCE_MESSAGE)
    if not text:
        raise CheckpointError("no model source given")
    if len(text) > 1024:
        raise CheckpointError("the model source is too long to be a folder, a bundled name or a Hub repo id")
    path = Path(text).expanduser()
    try:
        exists = local and path.exists()
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
    """Upload a checkpoint folder to the Hub (creating the repo) with the mixin's ``push_to_hub``.

    The folder is loaded first (strictly: nothing that does not load is pushed); ``push_to_hub``
    then writes the generator, its config.json and the folder's model card in one commit. It can
    only carry the one model, so a discriminator follows in a second commit. Like every
    huggingface_hub call without an ``endpoint``, it uses the ``HF_ENDPOINT`` that was set when
    huggingface_hub was imported. Returns the repo's URL.
    """
    folder = Path(folder)
    loaded = load_folder(folder)  # refuse to push something that does not load
    if not is_repo_id(repo_id):
        raise HubError(f"{repo_id!r} is not a Hub repo id (expected owner/name)")
    if hub_offline():
        raise HubError("offline (HF_HUB_OFFLINE=1): cannot push")
    from huggingface_hub import HfApi, constants
    config = {"model_type": loaded.family, **loaded.config}
    if not (folder / "README.md").is_file():
        (folder / "README.md").write_text(model_card(config))
    card = (folder / "README.md").read_text(errors="replace")
    try:
        commit = loaded.model.push_to_hub(repo_id, config=config, private=private, token=token,
                                          commit_message="Upload GAN Studio generator",
                                          model_card_kwargs={"card": card})
        if (folder / DISCRIMINATOR_FILE).is_file():
            HfApi(token=token).upload_file(path_or_fileobj=str(folder / DISCRIMINATOR_FILE),
                                           path_in_repo=DISCRIMINATOR_FILE, repo_id=repo_id,
                                           commit_message="Upload GAN Studio discriminator")
    except Exception as e:  # the message never carries the visitor's token
        reason = _short(e).replace(token, "***") if token else _short(e)
        raise HubError(f"could not push to {repo_id}: {reason}") from None
    return str(getattr(commit, "repo_url", "") or f"{constants.ENDPOINT}/{repo_id}")
