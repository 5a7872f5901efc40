"""Your own points on the playground (:func:`gan.plots.toy.canvas_figure`): the grid of candidate
positions, a plotly selection, an edited table or a CSV file turned into the new point set."""
from __future__ import annotations

import numpy as np

from ..data import normalise_points, parse_points_csv, validate_points

MAX_UPLOADED = 5000  # an uploaded file keeps at most this many points


def candidate_grid(extent: float = 2.5, step: float = 0.125) -> np.ndarray:
    """A dense square grid of candidate positions (N, 2) to click or lasso on."""
    n = int(round(2 * extent / step)) + 1
    xs = np.linspace(-extent, extent, n, dtype=np.float32)
    gx, gy = np.meshgrid(xs, xs, indexing="xy")
    return np.stack([gx.ravel(), gy.ravel()], 1)


def apply_selection(points: np.ndarray, selected: list[dict], mode: str = "add", limit: int = 2000) -> np.ndarray:
    """New point set after a selection on :func:`gan.plots.toy.canvas_figure`.

    ``selected`` is the list of selected points (dicts with curve_number, point_index, x, y) as a
    plotly selection event reports them. "add" appends the selected candidates (trace 0) that are not
    already there; "remove" drops the selected current points (trace 1). At most ``limit`` points.
    """
    pts = np.asarray(points, dtype=np.float32).reshape(-1, 2)
    if mode == "add":
        new = [(float(p["x"]), float(p["y"])) for p in selected if p.get("curve_number", 0) == 0
               and p.get("x") is not None and p.get("y") is not None]
        if not new:
            return pts
        have = {(round(float(x), 4), round(float(y), 4)) for x, y in pts}
        fresh = []
        for x, y in new:
            k = (round(x, 4), round(y, 4))
            if k not in have:
                have.add(k)
                fresh.append((x, y))
        out = np.concatenate([pts, np.asarray(fresh, dtype=np.float32).reshape(-1, 2)])
        return out[:limit]
    if mode == "remove":
        drop = {int(p["point_index"]) for p in selected if p.get("curve_number") == 1 and "point_index" in p}
        keep = [i for i in range(len(pts)) if i not in drop]
        return pts[keep]
    raise ValueError("mode must be 'add' or 'remove'")


def table_points(frame) -> np.ndarray:
    """The (N, 2) float32 points of an edited table (a DataFrame with columns x, y): cells that are not
    numbers are dropped with their row."""
    import pandas as pd

    return frame[["x", "y"]].apply(pd.to_numeric, errors="coerce").dropna().to_numpy(np.float32)


def checked_points(points) -> np.ndarray:
    """The point set as (N, 2) float32 if it can be trained on; ValueError (a message for people) if not."""
    return validate_points(points).numpy()


def fit_points(points) -> np.ndarray:
    """The points centred and scaled into the square [-2, 2]; ValueError if they are not a valid set."""
    return normalise_points(validate_points(points)).numpy()


def points_from_csv(data: bytes, fit: bool = True, limit: int = MAX_UPLOADED) -> np.ndarray:
    """Points from CSV bytes (two columns x, y), scaled to fit if ``fit``, at most ``limit``; ValueError if unusable."""
    loaded = parse_points_csv(data)
    if fit:
        loaded = normalise_points(loaded)
    return loaded[:limit].numpy()


def any_outside(points: np.ndarray, extent: float) -> bool:
    """Whether some point lies outside the square [-extent, extent]^2."""
    return bool(np.abs(points).max() > extent)
