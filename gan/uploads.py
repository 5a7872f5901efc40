"""Checkpoint zips uploaded from a browser: checked, safely unpacked into a folder of their visitor's, loaded.

A zip the Train page downloaded comes back here to generate from (:func:`store_checkpoint`) or to
continue training (:func:`resume_problem` says whether it can). Each upload is unpacked with
:func:`gan.hub.extract_checkpoint_zip` (no path traversal, size and entry caps, zip bombs and pickle
files refused) into its own folder under :func:`gan.hosted.uploads_root`, which holds a hash of the
visitor's owner token: :func:`mine` finds a visitor's uploads again after a reload, and nobody else's.
Idle uploads are swept with the run folders (:func:`gan.hosted.housekeeping`). No Streamlit here.
"""
from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from . import hosted
from .hub import STATE_FILES, CheckpointError, LoadedGenerator, extract_checkpoint_zip, load_folder

OWNER_FILE = ".owner"


def _owner_hash(owner: str) -> str:
    return hashlib.sha256(owner.encode()).hexdigest()


def store_checkpoint(data: bytes, owner: str) -> tuple[Path, LoadedGenerator]:
    """Check, unpack and load an uploaded checkpoint zip; returns its folder and the generator.

    Raises :class:`gan.hosted.UploadTooLarge` over the upload limit and :class:`CheckpointError` for
    anything else wrong (nothing is left on disk then).
    """
    hosted.check_upload(len(data), "file")
    folder = hosted.new_folder(hosted.uploads_root(), owner)
    try:
        extract_checkpoint_zip(data, folder, max_bytes=hosted.limits().unpacked_bytes)
        loaded = load_folder(folder, origin="upload", source="upload")
        (folder / OWNER_FILE).write_text(_owner_hash(owner))
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder, loaded


def marked_by(folder: str | Path, mark_file: str, owner: str) -> bool:
    """True when ``folder`` lies directly under the uploads folder and its ``mark_file`` names ``owner``."""
    folder = Path(folder)
    try:
        inside = folder.resolve().parent == hosted.uploads_root().resolve()
        return inside and (folder / mark_file).read_text().strip() == _owner_hash(owner)
    except OSError:
        return False


def owns(folder: str | Path, owner: str) -> bool:
    """True when ``folder`` is an upload of ``owner``'s under the uploads folder."""
    return marked_by(folder, OWNER_FILE, owner)


def mine(owner: str) -> list[Path]:
    """``owner``'s uploads still on disk, newest first."""
    root = hosted.uploads_root()
    if not root.is_dir():
        return []
    found = [p for p in root.iterdir() if p.is_dir() and owns(p, owner)]
    return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)


def resume_problem(folder: str | Path) -> str | None:
    """Why training cannot continue from ``folder`` (None when it can)."""
    folder = Path(folder)
    try:
        config = json.loads((folder / "config.json").read_text())
    except (OSError, ValueError):
        return "the checkpoint has no readable config.json"
    info = config.get("gan_studio") if isinstance(config, dict) else None
    if not isinstance(info, dict) or "train_config" not in info:
        return "the checkpoint has no training config (only checkpoints from the Train page can be continued)"
    missing = [n for n in ("discriminator.safetensors", *STATE_FILES) if not (folder / n).is_file()]
    if missing:
        return f"the checkpoint has no {missing[0]}, so training cannot continue from it"
    return None


def saved_step(folder: str | Path) -> int:
    """The training step a checkpoint was saved at (0 when it does not say)."""
    try:
        info = json.loads((Path(folder) / "config.json").read_text()).get("gan_studio", {})
        return int(info.get("step", 0))
    except (OSError, ValueError, TypeError, AttributeError):
        return 0


__all__ = ["CheckpointError", "store_checkpoint", "owns", "mine", "resume_problem", "saved_step"]
