"""Your own pictures as a training set: a folder in torchvision's ``ImageFolder`` layout, read into tensors.

Layout: ``root/<class>/**/<image>`` gives a labelled set whose labels are the class folders' names in
sorted order (as ``ImageFolder`` sorts them; names are kept as they are, Chinese ones included);
pictures directly in ``root`` with no class folders give one unlabelled set. Hidden files and folders,
``__MACOSX`` and files that are not pictures are skipped. Every picture is decoded safely
(:func:`gan.images.decode_image`), resized and centre-cropped to a square of 28, 32 or 64 px
(``PIL.ImageOps.fit``), and kept grey when every picture is grey, else in colour.

A run names its set as ``dataset="folder:DIR"`` in :class:`gan.train.TrainConfig`; :func:`load_for_config`
reads it there. Everything wrong with a set is a :class:`DatasetError` with a ``code`` and ``values`` (the
page words them in each language; ``str()`` is the English one-liner the command line prints). A zip
uploaded in the browser is unpacked into such a folder by :mod:`gan.dataset_zip`. No Streamlit here.
"""
from __future__ import annotations

import io
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageOps

from .images import ALLOWED_FORMATS, ImageError, decode_image

PREFIX = "folder:"
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp", ".heic", ".heif")
FORMATS = (*ALLOWED_FORMATS, "BMP")
SIZES = (28, 32, 64)
DEFAULT_SIZE = 32
MIN_IMAGES = 10  # fewer readable pictures than this: refused
SMALL_CLASS = 10  # a class with fewer pictures than this gets a note
MAX_IMAGES = 20_000
MAX_CLASSES = 100
SMALL_SET = 2_000  # fewer pictures than this: DiffAugment is on by default (see :func:`defaults`)
SMALL_SET_AUGMENT = "translation,cutout"
DECODE_MAX_SIDE = 512  # pictures are decoded at most this large before the resize (JPEGs decode faster)
GREY_SPREAD = 4.0  # mean spread between a pixel's R, G and B (0-255) below which a picture counts as grey
SKIPPED_NAMES = ("__MACOSX", "Thumbs.db", "desktop.ini")

MESSAGES = {
    "missing": "{path} is not a folder",
    "empty": "no pictures found ({suffixes}); put them in one folder per class, or all in one folder",
    "unreadable": "none of the {n} picture files could be read (for example {examples})",
    "tiny": "only {n} pictures could be read; a GAN needs at least {min} (a few hundred is better)",
    "empty_class": "no picture in the class folder {names} could be read",
    "too_many": "{n} pictures is more than this app trains on ({max}); use a smaller set",
    "too_many_classes": "{n} class folders is more than this app trains on ({max})",
    "needs_classes": "the conditional model (cgan) needs at least two class folders; this set has {n} "
                     "(train the unconditional dcgan on it instead)",
    "size": "the image size must be one of {sizes} px, not {size}",
}


class DatasetError(ValueError):
    """A set that cannot be trained on; ``code`` (a key of :data:`MESSAGES`) and ``values`` say why."""

    def __init__(self, code: str, **values):
        self.code, self.values = code, values
        super().__init__(MESSAGES[code].format(**values))


@dataclass(frozen=True)
class Note:
    """Something worth knowing about a set that still trains (the page words it; ``values`` fill it in).

    Codes: ``mixed_sizes`` (count, smallest, largest), ``not_square`` (n), ``unreadable_some`` (n,
    examples), ``skipped`` (n, examples: files that are not pictures), ``top_level_ignored`` (n: pictures
    beside the class folders), ``no_pictures`` (names: folders without pictures, not classes),
    ``small_classes`` (names), ``single_class`` (name: one class folder, so an unlabelled set).
    """

    code: str
    values: dict = field(default_factory=dict)


def is_skipped(part: str) -> bool:
    """A hidden file or folder, or one that operating systems leave behind (``__MACOSX``, ``Thumbs.db``)."""
    return part.startswith(".") or part in SKIPPED_NAMES


def is_picture(name: str) -> bool:
    return name.lower().endswith(IMAGE_SUFFIXES)


@dataclass(frozen=True)
class Layout:
    """What a folder holds, before any picture is read: classes and their files, in training order."""

    root: Path
    classes: tuple[str, ...]  # class folder names, sorted ("" alone: an unlabelled set)
    files: tuple[tuple[Path, ...], ...]  # per class, sorted by relative path
    notes: tuple[Note, ...]

    @property
    def n_files(self) -> int:
        return sum(len(f) for f in self.files)

    @property
    def labelled(self) -> bool:
        return len(self.classes) >= 2


def _walk(folder: Path) -> tuple[list[Path], list[Path]]:
    """(pictures, other files) anywhere under ``folder``, hidden ones skipped, sorted by relative path."""
    pictures, others = [], []
    for here, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not is_skipped(d))
        for name in names:
            if is_skipped(name):
                continue
            (pictures if is_picture(name) else others).append(Path(here) / name)
    key = lambda p: p.relative_to(folder).as_posix()  # noqa: E731
    return sorted(pictures, key=key), sorted(others, key=key)


def scan(root: str | Path) -> Layout:
    """The classes and picture files of ``root`` (see the module's docstring for the layout)."""
    root = Path(root)
    if not root.is_dir():
        raise DatasetError("missing", path=str(root))
    entries = sorted(os.scandir(root), key=lambda e: e.name)
    subdirs = [Path(e.path) for e in entries if e.is_dir(follow_symlinks=False) and not is_skipped(e.name)]
    top = [Path(e.path) for e in entries if e.is_file() and not is_skipped(e.name)]
    top_pictures = [p for p in top if is_picture(p.name)]
    skipped = [p for p in top if not is_picture(p.name)]
    classes, files, empty = [], [], []
    for d in subdirs:
        pictures, others = _walk(d)
        skipped += others
        if pictures:
            classes.append(d.name)
            files.append(tuple(pictures))
        else:
            empty.append(d.name)
    notes = []
    if len(classes) > MAX_CLASSES:
        raise DatasetError("too_many_classes", n=len(classes), max=MAX_CLASSES)
    if not classes:  # an unlabelled set: the pictures at the top
        classes, files = [""], [tuple(top_pictures)]
    elif top_pictures:
        notes.append(Note("top_level_ignored", {"n": len(top_pictures)}))
    if len(classes) == 1 and classes[0]:
        notes.append(Note("single_class", {"name": classes[0]}))
    if empty and classes != [""]:
        notes.append(Note("no_pictures", {"names": empty[:5]}))
    if skipped:
        notes.append(Note("skipped", {"n": len(skipped), "examples": [p.relative_to(root).as_posix() for p in skipped[:3]]}))
    layout = Layout(root, tuple(classes), tuple(files), tuple(notes))
    if layout.n_files == 0:
        raise DatasetError("empty", suffixes=", ".join(s.lstrip(".") for s in IMAGE_SUFFIXES))
    if layout.n_files > MAX_IMAGES:
        raise DatasetError("too_many", n=layout.n_files, max=MAX_IMAGES)
    return layout


@dataclass
class FolderData:
    """A set read into tensors, as the trainer takes it (``images``, ``labels``, ``n_classes``)."""

    images: torch.Tensor  # (N, C, S, S) float in [-1, 1]; C = 1 when every picture is grey, else 3
    labels: torch.Tensor  # (N,) int64; all 0 for an unlabelled set
    class_names: list[str]  # [] for an unlabelled set
    root: str
    notes: list[Note]
    sizes: list[tuple[int, int]]  # each picture's own size (width, height) before the resize
    name: str = "folder"
    kind: str = "folder"
    class_rows: bool = True  # a conditional run's sample grid: one row per class

    @property
    def labelled(self) -> bool:
        return len(self.class_names) >= 2

    @property
    def n_classes(self) -> int:
        return max(1, len(self.class_names))

    @property
    def grey(self) -> bool:
        return self.images.shape[1] == 1

    @property
    def counts(self) -> list[int]:
        return torch.bincount(self.labels, minlength=self.n_classes).tolist()


def _header_size(data: bytes) -> tuple[int, int] | None:
    try:
        with Image.open(io.BytesIO(data)) as im:
            return im.size
    except Exception:  # an unreadable file is counted when it is decoded
        return None


def read_picture(path: Path, size: int) -> tuple[np.ndarray, tuple[int, int]]:
    """One picture as (size, size, 3) uint8, resized and centre-cropped, and its own (width, height)."""
    data = path.read_bytes()
    own = _header_size(data)
    img = decode_image(data, max_side=max(DECODE_MAX_SIDE, 4 * size), formats=FORMATS)
    own = own or img.size
    fitted = ImageOps.fit(img, (size, size), method=Image.Resampling.LANCZOS, centering=(0.5, 0.5))
    return np.asarray(fitted, dtype=np.uint8), own


def load_folder(root: str | Path, image_size: int = DEFAULT_SIZE, limit: int | None = None) -> FolderData:
    """Read every picture of ``root`` at ``image_size`` px; refuse an empty, unreadable or tiny set."""
    if image_size not in SIZES:
        raise DatasetError("size", sizes="/".join(map(str, SIZES)), size=image_size)
    layout = scan(root)
    arrays, labels, sizes, bad = [], [], [], []
    for label, files in enumerate(layout.files):
        for path in files:
            if limit is not None and len(arrays) >= limit:
                break
            try:
                arr, own = read_picture(path, image_size)
            except (ImageError, OSError):
                bad.append(path.relative_to(layout.root).as_posix())
                continue
            arrays.append(arr)
            labels.append(label)
            sizes.append(own)
    if not arrays:
        raise DatasetError("unreadable", n=len(bad), examples=", ".join(bad[:3]))
    counts = np.bincount(labels, minlength=len(layout.classes))
    if layout.labelled and (counts == 0).any():
        raise DatasetError("empty_class", names=", ".join(layout.classes[i] for i in np.flatnonzero(counts == 0)))
    if len(arrays) < MIN_IMAGES:
        raise DatasetError("tiny", n=len(arrays), min=MIN_IMAGES)
    x = np.stack(arrays)  # (N, S, S, 3)
    spread = x.max(-1).astype(np.int16) - x.min(-1)  # (N, S, S)
    grey = bool((spread.reshape(len(x), -1).mean(1) < GREY_SPREAD).all())
    if grey:
        x = x.mean(-1, keepdims=True).round().astype(np.uint8)  # (N, S, S, 1)
    images = torch.from_numpy(x).permute(0, 3, 1, 2).float().div_(127.5).sub_(1.0).contiguous()  # (N, C, S, S)
    notes = list(layout.notes)
    distinct = sorted(set(sizes), key=lambda s: s[0] * s[1])
    if len(distinct) > 1:
        notes.append(Note("mixed_sizes", {"count": len(distinct), "smallest": distinct[0], "largest": distinct[-1]}))
    off_square = sum(1 for w, h in sizes if w != h)
    if off_square:
        notes.append(Note("not_square", {"n": off_square}))
    if bad:
        notes.append(Note("unreadable_some", {"n": len(bad), "examples": bad[:3]}))
    small = [layout.classes[i] for i in np.flatnonzero(counts < SMALL_CLASS)] if layout.labelled else []
    if small:
        notes.append(Note("small_classes", {"names": small[:5]}))
    names = list(layout.classes) if layout.labelled else []
    return FolderData(images, torch.as_tensor(labels, dtype=torch.int64), names, str(layout.root), notes, sizes)


# ----------------------------------------------------------------------------- runs on a folder

def folder_of(dataset: str) -> Path | None:
    """``"folder:DIR"`` -> DIR; None for any other dataset name."""
    if isinstance(dataset, str) and dataset.startswith(PREFIX):
        return Path(dataset[len(PREFIX):]).expanduser()
    return None


def load_for_config(config) -> FolderData:
    """The set a :class:`gan.train.TrainConfig` with ``dataset="folder:DIR"`` trains on, checked against its model."""
    from .models import spec
    data = load_folder(folder_of(config.dataset), image_size=config.image_size, limit=config.data_limit)
    if spec(config.model).conditional and not data.labelled:
        raise DatasetError("needs_classes", n=len(data.class_names))
    return data


def defaults(n_images: int) -> dict:
    """Settings a set of ``n_images`` pictures trains with unless told otherwise (page and command line):
    32 px, and DiffAugment (shifts and cut-outs of everything D sees) below :data:`SMALL_SET` pictures."""
    return {"image_size": DEFAULT_SIZE, "augment": SMALL_SET_AUGMENT if n_images < SMALL_SET else ""}


def sample_layout(n_classes: int, per_class: int = 8) -> tuple[int, int]:
    """(samples in a run's grid, samples per class row) for a conditional run: at most 400 samples."""
    per = max(1, min(per_class, 400 // max(1, n_classes)))
    return per * n_classes, per


def preview_rows(data: FolderData, per_class: int = 8) -> list[tuple[str, int, np.ndarray]]:
    """(class name, its number of pictures, a uint8 strip of its first ``per_class`` pictures) per class;
    one row named "" for an unlabelled set."""
    from .images import make_grid
    names = data.class_names or [""]
    rows = []
    for c, name in enumerate(names):
        idx = torch.nonzero(data.labels == c).flatten()
        rows.append((name, len(idx), make_grid(data.images[idx[:per_class]], nrow=per_class)))
    return rows


def signature(root: str | Path) -> tuple[int, int, float]:
    """(files, bytes, newest change) under ``root``: changes when pictures are added, removed or edited."""
    n = size = 0
    newest = 0.0
    for here, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if not is_skipped(d)]
        for name in names:
            try:
                st = os.stat(os.path.join(here, name))
            except OSError:
                continue
            n, size, newest = n + 1, size + st.st_size, max(newest, st.st_mtime)
    return n, size, newest
