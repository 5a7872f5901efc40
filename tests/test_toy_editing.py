"""Your own points (gan.toy.editing): the candidate grid, selections added or removed, tables and CSV files."""
from __future__ import annotations

import numpy as np
import pytest

from gan.toy.editing import (any_outside, apply_selection, candidate_grid, checked_points, fit_points,
                             points_from_csv, table_points)


def test_drawing_points_add_and_remove():
    grid = candidate_grid(extent=1.0, step=0.5)
    assert grid.shape == (25, 2)
    sel = [{"curve_number": 0, "point_index": 3, "x": 0.5, "y": -1.0},
           {"curve_number": 0, "point_index": 4, "x": 1.0, "y": -1.0}]
    pts = apply_selection(np.zeros((0, 2)), sel, "add")
    assert pts.tolist() == [[0.5, -1.0], [1.0, -1.0]]
    assert apply_selection(pts, sel, "add").shape == (2, 2)  # already there: not added twice
    removed = apply_selection(pts, [{"curve_number": 1, "point_index": 0, "x": 0.5, "y": -1.0}], "remove")
    assert removed.tolist() == [[1.0, -1.0]]
    assert apply_selection(pts, [{"curve_number": 1, "point_index": 0, "x": 0.5, "y": -1.0}], "add").shape == (2, 2)
    with pytest.raises(ValueError):
        apply_selection(pts, sel, "paint")


def test_tables_and_csv_files_become_checked_point_sets():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"x": [0.0, "1.5", None, "a"], "y": [1.0, 2.0, 3.0, 4.0]})
    pts = table_points(frame)
    assert pts.dtype == np.float32 and pts.tolist() == [[0.0, 1.0], [1.5, 2.0]]  # rows with a non-number go
    assert checked_points(pts).tolist() == pts.tolist()
    with pytest.raises(ValueError, match="at least 2"):
        checked_points(pts[:1])
    fitted = fit_points([[0.0, 0.0], [10.0, 4.0]])
    assert np.abs(fitted).max() == pytest.approx(2.0) and not any_outside(fitted, 2.5) and any_outside(fitted * 2, 2.5)
    csv = b"x,y\n0,0\n10,4\n5,2\n"
    assert points_from_csv(csv, fit=False).tolist() == [[0, 0], [10, 4], [5, 2]]
    assert points_from_csv(csv, fit=False, limit=2).shape == (2, 2)
    assert np.abs(points_from_csv(csv)).max() == pytest.approx(2.0)
    with pytest.raises(ValueError):
        points_from_csv(b"x,y\n1,oops\n")
