"""Image datasets (torchvision when online, IDX files offline) and toy 2D samplers."""
from __future__ import annotations

import gzip
import math
import os
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

DATASETS = {"mnist": "MNIST", "fashion-mnist": "FashionMNIST"}
CLASS_NAMES = {
    "mnist": [str(i) for i in range(10)],
    "fashion-mnist": ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
                      "Ankle boot"],
}
SPLITS = {"train": "train", "test": "t10k"}


class DatasetMissing(FileNotFoundError):
    """No copy of a dataset could be found or downloaded."""


def data_root() -> Path:
    """``GAN_DATA_DIR`` when set, else the user's cache dir."""
    env = os.environ.get("GAN_DATA_DIR")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "gan-studio" / "data"


def read_idx(path: str | Path) -> np.ndarray:
    """Read an IDX file (optionally gzipped) into a numpy array."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        data = f.read()
    if len(data) < 4:
        raise ValueError(f"{path.name}: too short for an IDX file")
    zero, dtype_code, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype_code != 0x08:
        raise ValueError(f"{path.name}: not an unsigned-byte IDX file")
    dims = struct.unpack(f">{ndim}I", data[4:4 + 4 * ndim])
    arr = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    if arr.size != math.prod(dims):
        raise ValueError(f"{path.name}: expected {math.prod(dims)} values, found {arr.size}")
    return arr.reshape(dims)


def _find(raw: Path, stem: str) -> Path | None:
    for name in (stem, stem + ".gz"):
        if (raw / name).is_file():
            return raw / name
    return None


def expected_files(name: str) -> list[str]:
    return [f"{SPLITS[s]}-{kind}-idx{n}-ubyte[.gz]" for s in SPLITS for kind, n in (("images", 3), ("labels", 1))]


@dataclass
class ImageData:
    images: torch.Tensor  # (N, 1, 28, 28) float in [-1, 1]
    labels: torch.Tensor  # (N,) int64
    name: str
    splits: tuple[str, ...]
    source: str

    @property
    def n_classes(self) -> int:
        return 10

    @property
    def class_names(self) -> list[str]:
        return CLASS_NAMES[self.name]


def _read_offline(name: str, root: Path, splits: tuple[str, ...]) -> tuple[list[np.ndarray], list[np.ndarray], list[str]]:
    raw = root / DATASETS[name] / "raw"
    xs, ys, found = [], [], []
    for split in splits:
        img = _find(raw, f"{SPLITS[split]}-images-idx3-ubyte")
        lab = _find(raw, f"{SPLITS[split]}-labels-idx1-ubyte")
        if img and lab:
            x, y = read_idx(img), read_idx(lab)
            if x.shape[0] != y.shape[0]:
                raise ValueError(f"{img.name} has {x.shape[0]} images but {lab.name} has {y.shape[0]} labels")
            xs.append(x)
            ys.append(y)
            found.append(split)
    return xs, ys, found


def _download(name: str, root: Path, splits: tuple[str, ...]) -> tuple[list[np.ndarray], list[np.ndarray], list[str]]:
    import torchvision.datasets as tvd
    cls = getattr(tvd, DATASETS[name])
    xs, ys, found = [], [], []
    for split in splits:
        ds = cls(str(root), train=(split == "train"), download=True)
        xs.append(ds.data.numpy())
        ys.append(ds.targets.numpy())
        found.append(split)
    return xs, ys, found


def load_images(name: str = "mnist", root: str | Path | None = None, splits: tuple[str, ...] = ("train", "test"),
                download: bool | None = None, limit: int | None = None) -> ImageData:
    """Load an image dataset as tensors scaled to [-1, 1].

    Reads whichever of ``splits`` exist as IDX files under ``<root>/<Name>/raw/``; when none do and
    ``download`` allows it (default: unless ``GAN_OFFLINE`` is set), torchvision downloads them.
    """
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}; valid datasets: {', '.join(DATASETS)}")
    root = Path(root) if root is not None else data_root()
    xs, ys, found = _read_offline(name, root, splits)
    source = "offline IDX files"
    if not found:
        if download is None:
            download = os.environ.get("GAN_OFFLINE", "") not in ("1", "true", "yes")
        if download:
            try:
                xs, ys, found = _download(name, root, splits)
                source = "torchvision download"
            except Exception:  # no network, or the mirror is down
                found = []
        if not found:
            raise DatasetMissing(
                f"{DATASETS[name]} not found: put the IDX files ({', '.join(expected_files(name))}) in "
                f"{root / DATASETS[name] / 'raw'} (set GAN_DATA_DIR to change the data folder), "
                f"or connect to the internet so torchvision can download it")
    x = np.concatenate(xs)
    y = np.concatenate(ys).astype(np.int64)
    if limit is not None:
        x, y = x[:limit], y[:limit]
    images = torch.from_numpy(x.copy()).float().div_(127.5).sub_(1.0).unsqueeze(1)  # (N, 1, 28, 28)
    return ImageData(images, torch.from_numpy(y), name, tuple(found), source)


def available_datasets(root: str | Path | None = None) -> dict[str, bool]:
    """Which datasets have offline files under the data root."""
    root = Path(root) if root is not None else data_root()
    return {n: bool(_read_offline_names(n, root)) for n in DATASETS}


def _read_offline_names(name: str, root: Path) -> list[str]:
    raw = root / DATASETS[name] / "raw"
    return [s for s in SPLITS if _find(raw, f"{SPLITS[s]}-images-idx3-ubyte") and _find(raw, f"{SPLITS[s]}-labels-idx1-ubyte")]


# ----------------------------------------------------------------------------- toy 2D data

TOY_DATASETS = ("ring", "grid", "spiral", "moons", "gaussian", "custom")
TOY_STD = {"ring": 0.05, "grid": 0.05, "gaussian": 0.5}


def toy_modes(name: str) -> np.ndarray | None:
    """Mode centres of the mixture datasets (None for continuous ones)."""
    if name == "ring":
        angles = np.arange(8) * 2 * np.pi / 8
        return np.stack([np.cos(angles), np.sin(angles)], 1) * 2.0
    if name == "grid":
        g = np.linspace(-2, 2, 5)
        return np.array([[a, b] for a in g for b in g])
    if name == "gaussian":
        return np.zeros((1, 2))
    return None


def sample_toy(name: str, n: int, generator: torch.Generator | None = None,
               points: np.ndarray | torch.Tensor | None = None) -> torch.Tensor:
    """n points (n, 2) from a toy distribution. ``custom`` draws from ``points`` with a little jitter."""
    if name not in TOY_DATASETS:
        raise ValueError(f"unknown toy dataset {name!r}; valid: {', '.join(TOY_DATASETS)}")
    g = generator
    if name in ("ring", "grid", "gaussian"):
        modes = torch.as_tensor(toy_modes(name), dtype=torch.float32)
        idx = torch.randint(len(modes), (n,), generator=g)
        return modes[idx] + TOY_STD[name] * torch.randn(n, 2, generator=g)
    if name == "spiral":
        t = torch.sqrt(torch.rand(n, generator=g)) * 3 * math.pi  # (n,)
        r = t / (3 * math.pi) * 2.2
        pts = torch.stack([r * torch.cos(t), r * torch.sin(t)], 1)
        return pts + 0.04 * torch.randn(n, 2, generator=g)
    if name == "moons":
        half = torch.rand(n, generator=g) < 0.5
        t = torch.rand(n, generator=g) * math.pi
        upper = torch.stack([torch.cos(t), torch.sin(t)], 1)
        lower = torch.stack([1 - torch.cos(t), 0.5 - torch.sin(t)], 1)
        pts = torch.where(half[:, None], upper, lower) - torch.tensor([0.5, 0.25])
        return pts * 1.6 + 0.06 * torch.randn(n, 2, generator=g)
    if points is None:
        raise ValueError("the custom dataset needs points: an N x 2 array")
    base = validate_points(points)
    idx = torch.randint(len(base), (n,), generator=g)
    return base[idx] + 0.03 * torch.randn(n, 2, generator=g)


def heart_points(n: int = 24) -> np.ndarray:
    """A heart outline of ``n`` points, scaled into about [-2, 2]^2 (the playground's first "own points")."""
    t = np.linspace(0, 2 * np.pi, n, endpoint=False)
    x = 16 * np.sin(t) ** 3
    y = 13 * np.cos(t) - 5 * np.cos(2 * t) - 2 * np.cos(3 * t) - np.cos(4 * t)
    return (np.stack([x, y], 1) / 8.5).astype(np.float32)


def validate_points(points) -> torch.Tensor:
    """Check a user-supplied N x 2 point set (finite, at least 2 points, at most 100,000)."""
    try:
        arr = torch.as_tensor(np.asarray(points, dtype=np.float32))
    except (ValueError, TypeError):
        raise ValueError("points must be numbers in two columns (x, y)") from None
    if arr.dim() != 2 or arr.shape[1] != 2:
        raise ValueError(f"points must have two columns (x, y); got shape {tuple(arr.shape)}")
    if arr.shape[0] < 2:
        raise ValueError("need at least 2 points")
    if arr.shape[0] > 100_000:
        raise ValueError(f"too many points ({arr.shape[0]}); the limit is 100,000")
    if not torch.isfinite(arr).all():
        raise ValueError("points contain NaN or infinite values")
    return arr


def parse_points_csv(data: bytes) -> torch.Tensor:
    """Parse CSV bytes with two numeric columns (an optional header row) into an N x 2 tensor."""
    if len(data) > 5_000_000:
        raise ValueError("CSV file is larger than 5 MB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError("CSV file is not UTF-8 text") from None
    rows = []
    for i, line in enumerate(text.splitlines()):
        line = line.strip()
        if not line:
            continue
        parts = [p.strip() for p in line.replace(";", ",").replace("\t", ",").split(",")]
        try:
            vals = [float(p) for p in parts[:2]]
        except ValueError:
            if i == 0 and not rows:
                continue  # header
            raise ValueError(f"line {i + 1} is not two numbers: {line[:40]!r}") from None
        if len(vals) < 2:
            raise ValueError(f"line {i + 1} has fewer than two columns")
        rows.append(vals)
    return validate_points(rows)


def normalise_points(points: torch.Tensor, extent: float = 2.0) -> torch.Tensor:
    """Centre user points and scale them into roughly [-extent, extent]."""
    p = points - points.mean(0)
    scale = p.abs().max().clamp_min(1e-6)
    return p / scale * extent
