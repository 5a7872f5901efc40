"""Hosted mode: what a public copy of the app allows, its limits, and the disk it may use.

Hosted mode is on by itself on a Hugging Face Space (which sets ``SPACE_ID``) or with ``GAN_HOSTED=1``,
and off for ``streamlit run app.py`` on a laptop (``GAN_HOSTED=0`` turns it off even on a Space). In
hosted mode visitors cannot name server paths: generators come from bundled names, Hub repo ids or
their own uploads and runs.

Every limit is read here, from the environment, each time it is asked for (see :data:`ENV`). Run
folders and unpacked uploads live under the system temp folder, one folder per run or upload, named
after the visitor's owner token; :func:`housekeeping` removes folders nobody has touched for
``GAN_RUN_IDLE_S`` seconds and then the oldest ones until the total fits ``GAN_RUNS_MAX_MB``, never a
folder a running job writes to. What was removed, and why, is remembered so its visitor can be told.

No Streamlit here.
"""
from __future__ import annotations

import os
import secrets
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

MB = 1024 * 1024

# name -> (default, what it does); the README's "Hosted use" section lists the same.
ENV: dict[str, tuple[str, str]] = {
    "GAN_HOSTED": ("unset (on when SPACE_ID is set)", "1 turns hosted mode on, 0 off"),
    "GAN_UPLOAD_MB": ("20", "largest image or checkpoint zip a visitor may upload, in MB"),
    "GAN_DATASET_UPLOAD_MB": ("100", "largest dataset zip a visitor may upload, in MB"),
    "GAN_RUNS_MAX_MB": ("2048", "total disk for run folders and unpacked uploads, in MB; oldest removed first"),
    "GAN_RUN_IDLE_S": ("3600", "a run folder or upload nobody touched for this long is removed, in seconds"),
    "GAN_HUB_MAX_MB": ("512", "largest single file downloaded from the Hub, in MB (checked before downloading)"),
}

UNPACK_FACTOR = 4  # an uploaded checkpoint zip may unpack to at most this many times the upload limit
MAX_ZIP_FILES = 16  # entries in an uploaded checkpoint zip
MAX_RATIO = 100  # unpacked / packed size of one entry above which it is treated as a zip bomb
SWEEP_EVERY_S = 30.0
RECENT_S = 300.0  # a folder written this recently may be a running job's of another server process: kept


def _env_truthy(name: str) -> bool | None:
    value = os.environ.get(name, "").strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    return None


def is_hosted() -> bool:
    """True on a Hugging Face Space (``SPACE_ID``) or with ``GAN_HOSTED=1``; ``GAN_HOSTED=0`` wins."""
    forced = _env_truthy("GAN_HOSTED")
    if forced is not None:
        return forced
    return bool(os.environ.get("SPACE_ID", "").strip())


def _env_number(name: str, cast=int):
    default = cast(ENV[name][0])
    try:
        value = cast(os.environ.get(name, default))
    except ValueError:
        return default
    return value if value > 0 else default


@dataclass(frozen=True)
class Limits:
    upload_bytes: int  # images and checkpoint zips
    dataset_upload_bytes: int  # dataset zips
    runs_max_bytes: int
    idle_s: float
    hub_max_bytes: int

    @property
    def unpacked_bytes(self) -> int:
        return self.upload_bytes * UNPACK_FACTOR


def limits() -> Limits:
    """The limits in force now (read from the environment, with the defaults in :data:`ENV`)."""
    return Limits(upload_bytes=int(_env_number("GAN_UPLOAD_MB", float) * MB),
                  dataset_upload_bytes=int(_env_number("GAN_DATASET_UPLOAD_MB", float) * MB),
                  runs_max_bytes=int(_env_number("GAN_RUNS_MAX_MB", float) * MB),
                  idle_s=_env_number("GAN_RUN_IDLE_S", float),
                  hub_max_bytes=_env_number("GAN_HUB_MAX_MB") * MB)


# ----------------------------------------------------------------------------- folders

def runs_root() -> Path:
    return Path(tempfile.gettempdir()) / "gan-studio-runs"


def uploads_root() -> Path:
    return Path(tempfile.gettempdir()) / "gan-studio-uploads"


def new_folder(root: Path, owner: str) -> Path:
    """A fresh folder name under ``root`` for one run or upload of the visitor ``owner`` (not created)."""
    safe = "".join(c for c in owner[:8] if c.isalnum() or c in "-_") or "anon"
    return root / f"{safe}-{secrets.token_hex(6)}"


def folder_bytes(folder: Path) -> int:
    total = 0
    for p in folder.rglob("*"):
        try:
            if p.is_file() and not p.is_symlink():
                total += p.stat().st_size
        except OSError:
            continue
    return total


def last_used(folder: Path) -> float:
    """The newest modification time of the folder or anything in it."""
    times = [folder.stat().st_mtime]
    for p in folder.rglob("*"):
        try:
            times.append(p.stat().st_mtime)
        except OSError:
            continue
    return max(times)


def touch(folder: str | Path) -> None:
    """Mark a folder as in use (an upload being looked at), so idle sweeps leave it alone."""
    try:
        os.utime(folder)
    except OSError:
        pass


_REMOVED: dict[str, str] = {}  # resolved folder path -> "idle" or "budget"
_LOCK = threading.Lock()
_LAST_SWEEP = [0.0]


def removed_reason(folder: str | Path | None) -> str | None:
    """"budget" or "idle" when housekeeping removed ``folder``; None otherwise."""
    if folder is None:
        return None
    return _REMOVED.get(str(Path(folder).resolve()))


def _remove(folder: Path, reason: str) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    _REMOVED[str(folder.resolve())] = reason
    if len(_REMOVED) > 10_000:  # forget the oldest records
        for key in list(_REMOVED)[:1000]:
            _REMOVED.pop(key, None)


def _folders(roots: list[Path]) -> list[Path]:
    found = []
    for root in roots:
        if root.is_dir():
            found += [p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")]
    return found


def sweep(roots: list[Path], *, max_bytes: int, idle_s: float, protect: set[str] = frozenset(),
          now: float | None = None) -> list[tuple[Path, str]]:
    """Remove idle folders, then the oldest until the total is at most ``max_bytes``.

    ``protect`` holds resolved paths of folders in use (running jobs): they are never removed, but
    count towards the total; nor are folders written in the last ``RECENT_S`` seconds (another server
    process on the same machine may be writing them). Returns (folder, reason) for each folder removed.
    """
    now = time.time() if now is None else now
    removed: list[tuple[Path, str]] = []
    with _LOCK:
        rows = []
        for folder in _folders(roots):
            try:
                rows.append((last_used(folder), folder_bytes(folder), folder))
            except OSError:
                continue
        rows.sort(key=lambda r: r[0])  # oldest first
        kept = []
        for used, size, folder in rows:
            if str(folder.resolve()) not in protect and now - used > idle_s:
                _remove(folder, "idle")
                removed.append((folder, "idle"))
            else:
                kept.append((used, size, folder))
        total = sum(size for _, size, _ in kept)
        for used, size, folder in kept:
            if total <= max_bytes:
                break
            if str(folder.resolve()) in protect or now - used < RECENT_S:
                continue
            _remove(folder, "budget")
            removed.append((folder, "budget"))
            total -= size
    return removed


def housekeeping(protect: set[str] = frozenset(), *, force: bool = False) -> list[tuple[Path, str]]:
    """:func:`sweep` the run and upload folders with the limits in force, at most every 30 s."""
    now = time.time()
    if not force and now - _LAST_SWEEP[0] < SWEEP_EVERY_S:
        return []
    _LAST_SWEEP[0] = now
    lim = limits()
    return sweep([runs_root(), uploads_root()], max_bytes=lim.runs_max_bytes, idle_s=lim.idle_s,
                 protect=protect, now=now)


# ----------------------------------------------------------------------------- uploads

class UploadTooLarge(ValueError):
    """An upload over its limit (``kind``: "file" for images and checkpoints, "dataset" for dataset zips)."""

    def __init__(self, size: int, limit: int, kind: str):
        super().__init__(f"the upload is {size / MB:.1f} MB, over the {limit / MB:.0f} MB limit")
        self.size, self.limit, self.kind = size, limit, kind


def upload_limit(kind: str = "file") -> int:
    """Bytes allowed for one upload: "file" (an image or a checkpoint zip) or "dataset" (a dataset zip)."""
    lim = limits()
    return lim.dataset_upload_bytes if kind == "dataset" else lim.upload_bytes


def check_upload(size: int, kind: str = "file") -> None:
    limit = upload_limit(kind)
    if size > limit:
        raise UploadTooLarge(size, limit, kind)


def streamlit_max_upload_mb() -> int:
    """What ``server.maxUploadSize`` must allow: the larger of the two limits, in whole MB."""
    return -(-max(upload_limit("file"), upload_limit("dataset")) // MB)


# ----------------------------------------------------------------------------- jobs' folders

def job_folders(jobs) -> tuple[set[str], dict[str, list]]:
    """(folders running jobs use, folder -> jobs that name it) for ``jobs`` (``gan.jobs.Job`` records)."""
    protect: set[str] = set()
    users: dict[str, list] = {}
    for job in jobs:
        folders = {job.spec.out_dir, job.spec.resume_from, job.checkpoint[0] if job.checkpoint else None}
        config = getattr(job.spec, "config", None)
        dataset = config.get("dataset") if isinstance(config, dict) else None
        if isinstance(dataset, str) and dataset.startswith("folder:"):  # an uploaded set: its upload's folder
            folders.add(str(Path(dataset[len("folder:"):]).parent))  # (gan.dataset_zip: <upload>/data)
        for folder in filter(None, folders):
            key = str(Path(folder).resolve())
            users.setdefault(key, []).append(job)
            if not job.ended:
                protect.add(key)
    return protect, users


def housekeep_jobs(jobs, *, force: bool = False) -> list[tuple[Path, str]]:
    """:func:`housekeeping` around ``jobs``: running jobs' folders are kept; a job whose checkpoint was
    removed forgets it (its page then offers no download of a folder that is gone)."""
    jobs = list(jobs)
    protect, users = job_folders(jobs)
    removed = housekeeping(protect, force=force)
    for folder, _ in removed:
        for job in users.get(str(folder.resolve()), []):
            with job.lock:
                if job.checkpoint and str(Path(job.checkpoint[0]).resolve()) == str(folder.resolve()):
                    job.checkpoint = None
    return removed
