"""gan.plots.cycle: the CycleGAN page's figures from plain snapshots and rows (plotly validation on)."""
from __future__ import annotations

import math

import numpy as np
import pytest

from gan.plots import cycle


def snap_points(n=30):
    rng = np.random.default_rng(0)
    return {k: rng.normal(size=(n, 2)).astype(np.float32) for k in ("x", "g_x", "f_g_x", "y", "f_y", "g_f_y")}


@pytest.mark.parametrize("side", ["x", "y"])
def test_cycle_figure_draws_points_arrows_out_and_back(side):
    s = snap_points()
    fig = cycle.cycle_figure(s, side, n_arrows=5, text={"to": "OUT", "back": "BACK", "to_y": "OUT-Y", "back_y": "BACK-Y"})
    names = [t.name for t in fig.data]
    start, moved, back = ("x", "G(x)", "F(G(x))") if side == "x" else ("y", "F(y)", "G(F(y))")
    assert names[:4] == ["real " + ("y" if side == "x" else "x"), start, moved, back]
    out, home = fig.data[4], fig.data[5]
    assert (out.name, home.name) == (("OUT", "BACK") if side == "x" else ("OUT-Y", "BACK-Y"))
    a, b = ("x", "g_x") if side == "x" else ("y", "f_y")
    assert np.allclose(out.x[:2], [s[a][0, 0], s[b][0, 0]]) and math.isnan(out.x[2])  # one segment per arrow
    assert len(out.x) == 5 * 3 and home.line.dash == "dot"
    assert fig.layout.yaxis.scaleanchor == "x"
    with pytest.raises(ValueError):
        cycle.cycle_figure(s, "z")


def test_losses_figure_has_every_loss_per_run_and_the_error_on_its_own_log_panel():
    rows = [{"step": k, "adv_g": 1.0, "adv_d": 0.5, "cycle": 2.0 / k, "identity": 0.3,
             "recon": 0.5 / k if k % 20 == 0 else math.nan} for k in range(10, 110, 10)]
    fig = cycle.losses_figure({"A": rows, "B": rows[:5]}, upto=80)
    names = [t.name for t in fig.data]
    assert names[:5] == ["adversarial (G and F) (A)", "adversarial (D_X and D_Y) (A)", "cycle consistency (A)",
                         "identity (A)", "reconstruction error (A)"] and len(names) == 10
    assert list(fig.data[2].x) == list(range(10, 90, 10))  # upto
    assert list(fig.data[4].x) == [20, 40, 60, 80] and fig.data[4].yaxis == "y2"  # only measured steps
    assert fig.layout.yaxis2.type == "log" and fig.layout.yaxis.type == "log"
    single = cycle.losses_figure({"run": rows})
    assert single.data[0].name == "adversarial (G and F)"


def test_digit_rows_stacks_three_rows_enlarged():
    s = {k: np.full((10, 28, 28), i * 20, dtype=np.uint8) for i, k in enumerate(("x", "g_x", "f_g_x", "y", "f_y", "g_f_y"))}
    img = cycle.digit_rows(s, "y", n=4, pad=2, scale=3)
    assert img.dtype == np.uint8 and img.shape == ((3 * 28 + 2 * 2) * 3, (4 * 28 + 3 * 2) * 3)
    assert img[0, 0] == 60 and img[-1, -1] == 100  # y on top, G(F(y)) at the bottom
