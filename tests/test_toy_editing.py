"""Drawing your own points (gan.toy.editing): the candidate grid and selections added or removed."""
from __future__ import annotations

import numpy as np
import pytest

from gan.toy.editing import apply_selection, candidate_grid


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
