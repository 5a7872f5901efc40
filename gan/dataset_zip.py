"""Dataset zips from the browser: checked, unpacked into a folder of their visitor's, in the folder layout.

Real zips come from many tools: Windows' own "compressed folder" writes names in the computer's code page
(GBK on a Chinese Windows) without the zip's UTF-8 flag, macOS adds ``__MACOSX/`` and ``._*`` copies,
and most people zip the folder itself, so everything sits under one top-level folder. So: names without
the UTF-8 flag are read as UTF-8 when all of them are valid UTF-8, else as GBK (:func:`names_encoding`); hidden files, ``__MACOSX`` and files
that are not pictures are skipped and counted; a single top-level folder is unwrapped.

The size rules are hosted mode's (:mod:`gan.hosted`: ``GAN_DATASET_UPLOAD_MB`` for the upload, 4x that
unpacked) and the zip checks those of checkpoint uploads (:func:`gan.hub.extract_checkpoint_zip`: names
that climb out, encrypted entries, zip bombs by ratio, sizes counted while reading). Each upload gets its
own folder under :func:`gan.hosted.uploads_root`, swept with the others when idle; a mark file holding a
hash of the visitor's owner token (as :mod:`gan.uploads` does) lets :func:`mine` find it again, and a
checkpoint upload's listing never sees it. No Streamlit here.
"""
from __future__ import annotations

import io
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from . import hosted
from .folders import is_picture, is_skipped
from .hub import MAX_ZIP_RATIO, _unsafe_name
from .uploads import _owner_hash, marked_by

MAX_ENTRIES = 50_000
MARK_FILE = ".dataset-owner"
DATA_DIR = "data"  # the pictures' folder inside an upload's folder

MESSAGES = {
    "not_zip": "the upload is not a zip file",
    "entries": "the zip holds {n} entries; a dataset zip may hold at most {max}",
    "too_big": "the zip unpacks to more than the size limit ({limit})",
    "unsafe": "refused: the zip names a file outside its folder ({name})",
    "encrypted": "refused: the zip is encrypted",
    "bomb": "refused: the zip unpacks to far more than its size (a zip bomb)",
    "damaged": "the zip is damaged ({reason})",
    "twice": "refused: the zip holds {name} twice",
}


class ZipError(ValueError):
    """A dataset zip that cannot be used; ``code`` (a key of :data:`MESSAGES`) and ``values`` say why."""

    def __init__(self, code: str, **values):
        self.code, self.values = code, values
        super().__init__(MESSAGES[code].format(**values))


@dataclass(frozen=True)
class Unpacked:
    folder: Path  # the pictures' root, in the folder layout
    pictures: int
    skipped: int  # entries that were not pictures, hidden, or __MACOSX
    unwrapped: str | None  # the single top-level folder that was unwrapped


def _raw(info: zipfile.ZipInfo) -> bytes | None:
    """The name's bytes as stored, for an entry without the UTF-8 flag (None: flagged, or plain ASCII)."""
    if info.flag_bits & 0x800 or info.filename.isascii():
        return None
    try:
        return info.filename.encode("cp437")  # zipfile decoded the bytes as cp437: undo that
    except UnicodeEncodeError:
        return None


def names_encoding(infos: list[zipfile.ZipInfo]) -> str | None:
    """How the zip's unflagged names are written: "utf-8" when every one decodes as UTF-8, else "gbk" when
    every one decodes as GBK, else None (kept as read). One tool wrote the zip, so one answer for all of
    them: a short GBK name can happen to be valid UTF-8 ("猫" is the bytes of "è"), a longer set rarely is."""
    raws = [r for r in map(_raw, infos) if r is not None]
    for encoding in ("utf-8", "gbk"):
        try:
            for r in raws:
                r.decode(encoding)
            return encoding
        except UnicodeDecodeError:
            continue
    return None


def entry_name(info: zipfile.ZipInfo, encoding: str | None = "utf-8") -> str:
    """A zip entry's name as its writer meant it: as read when flagged UTF-8, else decoded with ``encoding``
    (:func:`names_encoding`), else as read (cp437)."""
    raw = _raw(info)
    if raw is None or encoding is None:
        return info.filename
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError:
        return info.filename


def _mb(n: int) -> str:
    return f"{n / hosted.MB:.0f} MB"


def extract_dataset_zip(data: bytes, dest: Path, max_bytes: int, max_entries: int = MAX_ENTRIES) -> Unpacked:
    """Unpack the pictures of a dataset zip into ``dest`` (see the module's docstring); raise :class:`ZipError`."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise ZipError("not_zip") from None
    if len(infos) > max_entries:
        raise ZipError("entries", n=len(infos), max=max_entries)
    if sum(i.file_size for i in infos) > max_bytes:
        raise ZipError("too_big", limit=_mb(max_bytes))
    kept, skipped = [], 0
    encoding = names_encoding(infos)
    for info in infos:
        name = entry_name(info, encoding)
        for n in {info.filename, name}:
            if _unsafe_name(n):
                raise ZipError("unsafe", name=repr(n[:80]))
        if info.is_dir():
            continue
        parts = PurePosixPath(name.replace("\\", "/")).parts
        if not parts or any(is_skipped(p) for p in parts) or not is_picture(parts[-1]):
            skipped += 1
            continue
        if info.flag_bits & 0x1:
            raise ZipError("encrypted")
        if info.file_size > 2**20 and info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1):
            raise ZipError("bomb")
        kept.append((info, parts))
    unwrapped = None
    tops = {parts[0] for _, parts in kept}
    if len(tops) == 1 and all(len(parts) > 1 for _, parts in kept):
        unwrapped = tops.pop()
        kept = [(info, parts[1:]) for info, parts in kept]
    dest.mkdir(parents=True, exist_ok=True)
    root = dest.resolve()
    total, seen = 0, set()
    with zf:
        for info, parts in kept:
            rel = "/".join(parts)
            if rel in seen:
                raise ZipError("twice", name=repr(rel[:80]))
            seen.add(rel)
            target = dest.joinpath(*parts)
            if root not in target.resolve().parents:
                raise ZipError("unsafe", name=repr(rel[:80]))
            try:
                with zf.open(info) as f:
                    body = f.read(max_bytes - total + 1)
                total += len(body)
                if total > max_bytes:
                    raise ZipError("too_big", limit=_mb(max_bytes))
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(body)
            except ZipError:
                raise
            except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError, ValueError) as e:
                raise ZipError("damaged", reason=str(e)[:120]) from None
    return Unpacked(dest, len(kept), skipped, unwrapped)


def store_dataset_zip(data: bytes, owner: str) -> Unpacked:
    """Check and unpack an uploaded dataset zip into a new folder of ``owner``'s.

    Raises :class:`gan.hosted.UploadTooLarge` over ``GAN_DATASET_UPLOAD_MB`` and :class:`ZipError` for
    anything else wrong (nothing is left on disk then).
    """
    hosted.check_upload(len(data), "dataset")
    folder = hosted.new_folder(hosted.uploads_root(), owner)
    try:
        unpacked = extract_dataset_zip(data, folder / DATA_DIR, max_bytes=hosted.UNPACK_FACTOR * hosted.upload_limit("dataset"))
        (folder / MARK_FILE).write_text(_owner_hash(owner))
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return unpacked


def owns(data_folder: str | Path, owner: str) -> bool:
    """True when ``data_folder`` is the pictures' folder of a dataset upload of ``owner``'s."""
    return Path(data_folder).name == DATA_DIR and marked_by(Path(data_folder).parent, MARK_FILE, owner)


def mine(owner: str) -> list[Path]:
    """The pictures' folders of ``owner``'s dataset uploads still on disk, newest first."""
    root = hosted.uploads_root()
    if not root.is_dir():
        return []
    found = [p / DATA_DIR for p in root.iterdir() if p.is_dir() and owns(p / DATA_DIR, owner)]
    return sorted(found, key=lambda p: p.parent.stat().st_mtime, reverse=True)


def remove(data_folder: str | Path, owner: str) -> None:
    """Delete one of ``owner``'s dataset uploads (nothing happens for anyone else's)."""
    if owns(data_folder, owner):
        shutil.rmtree(Path(data_folder).parent, ignore_errors=True)
