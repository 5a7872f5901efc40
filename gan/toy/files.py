"""A playground run saved as one file, and loaded back: a zip of ``run.json`` and ``run.safetensors``.

``run.json`` holds, per run label (A, and B with A/B on): its TrainConfig, step, update counts, loss
history, changes made mid-run, metric rows and the optimisers' settings; plus the custom point set and
the page's own settings. ``run.safetensors`` holds the tensors: G's and D's weights, the optimisers'
moments and the random generator's state (so a loaded run draws the same batches as the one saved).
No pickle anywhere; a file is read from memory with every size counted, and anything unexpected in
it is refused with a :class:`RunFileError` whose message is for people. No Streamlit here.
"""
from __future__ import annotations

import io
import json
import math
import numbers
import zipfile
from dataclasses import asdict, dataclass, field

import numpy as np
import torch

from ..train import TrainConfig, Trainer, _flatten_optimizer, _unflatten_optimizer

FORMAT = "gan-studio-playground-run"
VERSION = 1
JSON_NAME, TENSORS_NAME = "run.json", "run.safetensors"
LABELS = ("A", "B")
MAX_ROWS = 20_000  # history rows per run (as a job keeps)
MAX_BYTES = 64 * 2**20  # unpacked size when the caller gives no limit


class RunFileError(ValueError):
    """A file that is not a playground run this app can load (the message says why)."""


@dataclass
class SavedRun:
    """What a run file gives back: per label a trainer ready to go on, and its records."""

    trainers: dict[str, Trainer]
    history: dict[str, list[dict]] = field(default_factory=dict)
    changes: dict[str, list[dict]] = field(default_factory=dict)
    metrics: dict[str, list[dict]] = field(default_factory=dict)
    points: np.ndarray | None = None
    settings: dict = field(default_factory=dict)


def save_runs(runs: dict[str, dict], points: np.ndarray | None = None, settings: dict | None = None) -> bytes:
    """The zip's bytes. ``runs``: label -> {"trainer": Trainer, "history": rows, "changes": [...],
    "metrics": rows}; ``settings``: JSON-able data of the page's own (A/B, for example)."""
    tensors: dict[str, torch.Tensor] = {}
    meta: dict = {"format": FORMAT, "version": VERSION, "runs": {},
                  "points": None if points is None else np.asarray(points, dtype=np.float32).tolist(),
                  "settings": settings or {}}
    for label, run in runs.items():
        t: Trainer = run["trainer"]
        for net, module in (("G", t.G), ("D", t.D)):
            tensors.update({f"{label}.{net}.{k}": v.detach() for k, v in module.state_dict().items()})
        tensors[f"{label}.rng"] = t.gen.get_state()
        meta["runs"][label] = {
            "config": asdict(t.cfg), "step": t.step, "d_updates": t.d_updates, "g_updates": t.g_updates,
            "opt_g": _flatten_optimizer(t.opt_g.state_dict(), f"{label}.opt_g", tensors),
            "opt_d": _flatten_optimizer(t.opt_d.state_dict(), f"{label}.opt_d", tensors),
            "history": _rows(run.get("history", []))[-MAX_ROWS:], "changes": _rows(run.get("changes", [])),
            "metrics": _rows(run.get("metrics", []))[-MAX_ROWS:]}
    from safetensors.torch import save
    blob = save({k: v.cpu().contiguous() for k, v in tensors.items()})
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(JSON_NAME, json.dumps(meta, separators=(",", ":"), allow_nan=True))
        zf.writestr(TENSORS_NAME, blob)
    return buf.getvalue()


def read_file(data: bytes, max_bytes: int = MAX_BYTES) -> tuple[dict, dict[str, torch.Tensor]]:
    """(run.json as data, the tensors) from a run file's bytes, after checking its layout and sizes."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise RunFileError("this is not a saved playground run (not a zip file)") from None
    names = sorted(i.filename for i in infos)
    if names != sorted((JSON_NAME, TENSORS_NAME)):
        raise RunFileError(f"this is not a saved playground run: it should hold {JSON_NAME} and {TENSORS_NAME} "
                           f"and nothing else, and holds {', '.join(n[:40] for n in names[:5]) or 'nothing'}")
    body, total = {}, 0
    with zf:
        for info in infos:
            if info.flag_bits & 0x1:
                raise RunFileError("refused: the file is encrypted")
            try:
                with zf.open(info) as f:
                    body[info.filename] = f.read(max_bytes - total + 1)
            except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError, ValueError) as e:
                raise RunFileError(f"the file is damaged ({str(e)[:80]})") from None
            total += len(body[info.filename])
            if total > max_bytes:
                raise RunFileError(f"the file unpacks to more than {max_bytes / 2**20:.0f} MB")
    try:
        meta = json.loads(body[JSON_NAME].decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise RunFileError(f"{JSON_NAME} in the file is not valid JSON") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise RunFileError("this is not a saved playground run (its run.json says it is something else)")
    if not isinstance(meta.get("version"), int) or meta["version"] > VERSION:
        raise RunFileError("this run was saved by a newer version of the app; it cannot be loaded here")
    from safetensors import SafetensorError
    from safetensors.torch import load
    try:
        tensors = load(body[TENSORS_NAME])
    except (SafetensorError, ValueError, RuntimeError, OSError) as e:
        raise RunFileError(f"{TENSORS_NAME} in the file is damaged ({str(e)[:80]})") from None
    return meta, tensors


def saved_configs(meta: dict) -> dict[str, TrainConfig]:
    """Each saved run's TrainConfig by label (A first), checked."""
    runs = meta.get("runs")
    if not isinstance(runs, dict) or "A" not in runs or not set(runs) <= set(LABELS):
        raise RunFileError("the file holds no run A")
    out = {}
    for label in LABELS:
        if label not in runs:
            continue
        raw = runs[label].get("config") if isinstance(runs[label], dict) else None
        try:
            cfg = TrainConfig.from_dict(raw if isinstance(raw, dict) else {})
            if cfg.model != "toy":
                raise ValueError(f"model {cfg.model!r} is not the playground's")
            out[label] = cfg.validate()
        except (TypeError, ValueError) as e:
            raise RunFileError(f"run {label}'s settings cannot be used: {str(e)[:120]}") from None
    return out


def saved_points(meta: dict) -> np.ndarray | None:
    """The custom point set saved with the run (None when the run trained on a built-in data set)."""
    if meta.get("points") is None:
        return None
    from .editing import checked_points
    try:
        return checked_points(meta["points"])
    except (TypeError, ValueError) as e:
        raise RunFileError(f"the file's point set cannot be used: {e}") from None


def restore(meta: dict, tensors: dict[str, torch.Tensor], configs: dict[str, TrainConfig],
            points: np.ndarray | None = None) -> SavedRun:
    """Trainers built from ``configs`` (the saved ones, or the same with this server's step cap and
    timing) with every saved state put back; raises :class:`RunFileError` when something does not fit."""
    from ..hub import CheckpointError, strict_load
    out = SavedRun(trainers={}, points=points, settings=meta.get("settings") if isinstance(meta.get("settings"), dict) else {})
    for label, cfg in configs.items():
        run = meta["runs"].get(label)
        if not isinstance(run, dict):
            raise RunFileError(f"the file holds no run {label}")
        t = Trainer(cfg, toy_points=points)
        try:
            for net, module in (("G", t.G), ("D", t.D)):
                prefix = f"{label}.{net}."
                strict_load(module, {k[len(prefix):]: v for k, v in tensors.items() if k.startswith(prefix)},
                            f"run {label}'s {net}")
            _load_optimizer(t.opt_g, _unflatten_optimizer(run["opt_g"], tensors, t.device))
            _load_optimizer(t.opt_d, _unflatten_optimizer(run["opt_d"], tensors, t.device))
            t.gen.set_state(tensors[f"{label}.rng"].to(torch.uint8))
            t.step, t.d_updates, t.g_updates = (_count(run, k) for k in ("step", "d_updates", "g_updates"))
        except CheckpointError as e:
            raise RunFileError(str(e)) from None
        except (KeyError, TypeError, ValueError, RuntimeError, IndexError, AttributeError) as e:
            raise RunFileError(f"run {label}'s training state does not fit its settings ({str(e)[:100]})") from None
        if t.step >= t.total_steps:
            raise RunFileError(f"run {label} is at step {t.step:,}, past the {t.total_steps:,} steps a run may take here")
        t._good, t._good_step = t._snapshot_weights(), t.step  # NaN later falls back to these weights
        out.trainers[label] = t
        out.history[label] = _rows(run.get("history"))[-MAX_ROWS:]
        out.changes[label] = _rows(run.get("changes"))
        out.metrics[label] = _rows(run.get("metrics"))[-MAX_ROWS:]
    return out


def load_runs(data: bytes, *, max_bytes: int = MAX_BYTES, **overrides) -> SavedRun:
    """Everything in a run file as saved (``overrides`` change config fields such as steps)."""
    meta, tensors = read_file(data, max_bytes)
    configs = {k: _with(c, overrides) for k, c in saved_configs(meta).items()}
    return restore(meta, tensors, configs, saved_points(meta))


def resume_event(trainer: Trainer, history: list[dict]):
    """The event a loaded run shows until its next step: its step and counts, and the numbers of the last
    row of its history (what the diagram and the headline numbers read)."""
    from ..train import TrainEvent
    row = history[-1] if history else {}

    def num(key: str) -> float:
        v = row.get(key)
        return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else float("nan")
    kind = row.get("kind") if row.get("kind") in ("both", "d", "g") else "both"
    return TrainEvent(step=trainer.step, total_steps=trainer.total_steps, loss_d=num("loss_d"), loss_g=num("loss_g"),
                      d_real=num("d_real"), d_fake=num("d_fake"), grad_norm_d=num("grad_norm_d"),
                      grad_norm_g=num("grad_norm_g"), images_per_sec=0.0, elapsed=0.0, message="loaded from a file",
                      kind=kind, d_updates=trainer.d_updates, g_updates=trainer.g_updates)


def _with(cfg: TrainConfig, overrides: dict) -> TrainConfig:
    from dataclasses import replace
    return replace(cfg, **overrides) if overrides else cfg


def _load_optimizer(opt: torch.optim.Optimizer, saved: dict) -> None:
    """The saved moments into ``opt``; its settings (learning rate, betas) stay the config's. Each moment
    must have its parameter's shape (or be a single number, like Adam's step count)."""
    params = [p for group in opt.param_groups for p in group["params"]]
    for pid, entry in saved["state"].items():
        if not 0 <= pid < len(params):
            raise ValueError(f"optimiser state for parameter {pid}, which does not exist")
        for name, v in entry.items():
            ok = (v.shape == params[pid].shape or v.numel() == 1) if isinstance(v, torch.Tensor) else \
                isinstance(v, (int, float)) and not isinstance(v, bool)
            if not ok:
                raise ValueError(f"optimiser state {name!r} does not fit its parameter")
    opt.load_state_dict({"state": saved["state"], "param_groups": opt.state_dict()["param_groups"]})


def _count(run: dict, key: str) -> int:
    v = run.get(key)
    if not isinstance(v, int) or isinstance(v, bool) or not 0 <= v <= 10**9:
        raise ValueError(f"{key} is not a count")
    return v


def _plain(v):
    """A JSON value kept if it is a number, text, bool or None (or a flat dict of them: a change)."""
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, numbers.Integral):
        return int(v)
    if isinstance(v, numbers.Real):
        return float(v) if math.isfinite(v) else float("nan")
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items() if not isinstance(x, (dict, list))}
    raise ValueError("not a plain value")


def _rows(rows) -> list[dict]:
    """A list of flat records (history rows, changes, metric rows) with plain values only; others dropped."""
    out = []
    for row in rows if isinstance(rows, list) else []:
        if isinstance(row, dict):
            try:
                out.append({str(k): _plain(v) for k, v in row.items()})
            except ValueError:
                continue
    return out
