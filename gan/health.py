"""Plain-language health checks for a GAN training run, computed from its history.

Pure functions: a run's history (the rows ``ui.jobs.RunRecord.history`` holds: step, loss_d, loss_g,
d_real, d_fake, ...) and optionally a class histogram of generated samples go in; a list of
:class:`Finding`s comes out. A finding is a code plus the numbers behind it, with no prose, so each
page words it in the visitor's language.

Codes:
- ``nan``: a loss became NaN or infinite (the trainer stops and keeps the last good weights).
- ``d_collapse``: the discriminator wins outright; its loss sits near 0 and it separates real from
  fake almost perfectly, so the generator's gradient carries little information.
- ``g_explode``: the generator's loss has grown very large (D(G(z)) is practically 0).
- ``mode_collapse``: generated samples fall into few classes (needs a class histogram).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

# Losses whose values have the cross-entropy scale the thresholds below are tuned for.
BCE_LOSSES = ("ns", "minimax", "lsgan", "hinge")


@dataclass(frozen=True)
class Finding:
    code: str  # nan, d_collapse, g_explode, mode_collapse
    severity: str  # "error" (the run cannot go on) or "warning"
    step: int  # the step the finding refers to (the last step of the window)
    values: dict = field(default_factory=dict)  # the numbers behind it, for the page's message


def _finite(xs) -> np.ndarray:
    a = np.asarray(xs, dtype=np.float64)
    return a[np.isfinite(a)]


def check_history(history: list[dict], *, loss: str = "ns", window: int = 5, d_floor: float = 0.05,
                  d_sep: float = 0.97, g_ceiling: float = 8.0, g_growth: float = 4.0,
                  status: str | None = None) -> list[Finding]:
    """Findings for a run's history (oldest row first).

    ``window`` rows at the end are averaged so one noisy log line does not raise an alarm.
    ``d_collapse``: mean L_D below ``d_floor``, or mean D(x) above ``d_sep`` while mean D(G(z)) is
    below ``1 - d_sep``. ``g_explode``: mean L_G above ``g_ceiling`` and more than ``g_growth`` times
    its median over the first part of the run. ``status="failed"`` (the trainer's final status) counts
    as NaN even when the bad numbers never reached the history.
    """
    out: list[Finding] = []
    if not history and status != "failed":
        return out
    last_step = int(history[-1]["step"]) if history else 0
    bad = [r for r in history if any(k in r and not math.isfinite(float(r[k])) for k in ("loss_d", "loss_g"))
           and r.get("kind", "both") == "both" and not _is_summary(r)]
    if bad or status == "failed":
        step = int(bad[0]["step"]) if bad else last_step
        out.append(Finding("nan", "error", step, {"first_bad_step": step}))
    rows = [r for r in history if not _is_summary(r)]
    if len(rows) < window or loss not in BCE_LOSSES:
        return out
    tail = rows[-window:]
    ld = _finite([r.get("loss_d", math.nan) for r in tail])
    lg = _finite([r.get("loss_g", math.nan) for r in tail])
    dr = _finite([r.get("d_real", math.nan) for r in tail])
    df = _finite([r.get("d_fake", math.nan) for r in tail])
    if ld.size:
        mean_ld = float(ld.mean())
        separated = dr.size and df.size and float(dr.mean()) > d_sep and float(df.mean()) < 1 - d_sep
        if mean_ld < d_floor or separated:
            out.append(Finding("d_collapse", "warning", last_step,
                               {"loss_d": mean_ld, "d_real": float(dr.mean()) if dr.size else math.nan,
                                "d_fake": float(df.mean()) if df.size else math.nan}))
    if lg.size:
        mean_lg = float(lg.mean())
        early = _finite([r.get("loss_g", math.nan) for r in rows[: max(window, len(rows) // 4)]])
        base = float(np.median(early)) if early.size else mean_lg
        if mean_lg > g_ceiling and mean_lg > g_growth * max(base, 1e-6):
            out.append(Finding("g_explode", "warning", last_step, {"loss_g": mean_lg, "early_loss_g": base}))
    return out


def _is_summary(row: dict) -> bool:
    """Final rows (done/stopped) carry no new numbers; they are NaN by construction."""
    return all(math.isnan(float(row.get(k, math.nan))) for k in ("loss_d", "loss_g"))


def check_classes(counts, *, min_entropy: float = 0.6, max_share: float = 0.5,
                  missing_share: float = 0.01, step: int = 0, n_samples: int | None = None,
                  min_sure: float = 0.5) -> list[Finding]:
    """A ``mode_collapse`` finding when a class histogram of samples is too concentrated.

    ``counts`` has one entry per class. Collapse means: the normalised entropy (1 = uniform) is below
    ``min_entropy``, or one class holds more than ``max_share`` of the samples. The values name the
    dominant class, its share, the entropy and the classes that hold less than ``missing_share``.
    When ``counts`` hold only the samples the classifier was sure of (:func:`gan.metrics.core.confident_counts`)
    out of ``n_samples``, nothing is said unless at least ``min_sure`` of them were sure: early, blobby
    samples are no evidence of collapse.
    """
    c = np.asarray(counts, dtype=np.float64).ravel()
    if c.size < 2 or not np.isfinite(c).all() or (c < 0).any():
        raise ValueError("counts must be a non-negative histogram over at least 2 classes")
    total = c.sum()
    if total <= 0 or (n_samples is not None and total < min_sure * n_samples):
        return []
    p = c / total
    nz = p[p > 0]
    entropy = float(-(nz * np.log(nz)).sum() / math.log(c.size))
    top = int(p.argmax())
    share = float(p[top])
    missing = [int(i) for i in np.flatnonzero(p < missing_share)]
    if entropy < min_entropy or share > max_share:
        return [Finding("mode_collapse", "warning", step,
                        {"entropy": entropy, "top_class": top, "top_share": share, "missing": missing,
                         "n_samples": int(total), "n_asked": int(n_samples if n_samples is not None else total)})]
    return []


def check(history: list[dict], *, loss: str = "ns", status: str | None = None, class_counts=None,
          **kw) -> list[Finding]:
    """All findings: from the history, plus mode collapse when a class histogram is given."""
    out = check_history(history, loss=loss, status=status, **kw)
    if class_counts is not None:
        step = int(history[-1]["step"]) if history else 0
        out += check_classes(class_counts, step=step)
    return out
