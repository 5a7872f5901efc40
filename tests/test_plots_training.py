"""The one loss-curve builder (gan.plots.training) of the Train page and the playground, without a browser."""
from __future__ import annotations

import json
import math
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from gan.plots import training
from gan.plots.training import COLORS

ROOT = Path(__file__).resolve().parent.parent
CURVES = ("loss_d", "loss_g", "d_real", "d_fake")  # each run's series, in trace order


def by_name(fig, name):
    return next(t for t in fig.data if t.name == name)


def rows(n: int = 50) -> list[dict]:
    return [{"step": i, "loss_d": 1.0 + i / 100, "loss_g": 0.5, "d_real": 0.6, "d_fake": 0.4} for i in range(1, n + 1)]


def test_equilibrium_values():
    assert training.equilibrium("ns") == pytest.approx({"loss_d": 2 * math.log(2), "loss_g": math.log(2), "d_out": 0.5})
    assert training.equilibrium("minimax")["loss_g"] == pytest.approx(-math.log(2))
    assert training.equilibrium("lsgan")["loss_d"] == 0.25
    assert training.equilibrium("hinge")["loss_g"] is None and training.equilibrium("wgan-gp")["d_out"] is None
    with pytest.raises(ValueError, match="unknown loss"):
        training.equilibrium("bogus")


def test_curves_show_the_history_and_the_equilibrium_lines():
    rows = [{"step": i, "loss_d": 1.0 + i / 100, "loss_g": 0.5, "d_real": 0.6, "d_fake": 0.4} for i in range(1, 51)]
    fig = training.curves_figure({"A": rows}, {"A": "ns"})
    ld = by_name(fig, "L_D")
    assert list(ld.x) == list(range(1, 51)) and ld.y[-1] == pytest.approx(1.5)
    eq_d = by_name(fig, "L_D at equilibrium = 1.39")
    assert list(eq_d.y) == pytest.approx([2 * math.log(2)] * 2) and list(eq_d.x) == [0, 50]
    assert by_name(fig, "L_G at equilibrium = 0.693").yaxis == "y"
    assert by_name(fig, "D at equilibrium = 0.5").yaxis == "y2"
    assert by_name(fig, "D(G(z))").yaxis == "y2"


def test_curves_for_two_runs_are_labelled_and_thinned():
    rows = [{"step": i, "loss_d": 1.0, "loss_g": 0.5, "d_real": 0.6, "d_fake": 0.4} for i in range(5000)]
    fig = training.curves_figure({"A": rows, "B": rows[:10]}, {"A": "ns", "B": "hinge"}, max_points=300)
    a, b = by_name(fig, "L_D (A)"), by_name(fig, "L_D (B)")
    assert len(a.x) == 300 and a.x[-1] == 4999 and len(b.x) == 10
    assert a.line.dash == "solid" and b.line.dash == "dash"
    names = [t.name for t in fig.data]
    assert "L_D at equilibrium = 2" in names  # hinge's L_D line; hinge has no L_G line
    assert sum(n.startswith("L_G at equilibrium") for n in names) == 1


def test_thin_keeps_first_and_last():
    rows = [{"step": i} for i in range(1001)]
    out = training.thin(rows, 100)
    assert len(out) <= 100 and out[0]["step"] == 0 and out[-1]["step"] == 1000
    assert training.thin(rows[:5], 100) == rows[:5]


def test_rows_without_numbers_are_left_out_and_replays_cut_at_a_step():
    done = {"step": 50, "loss_d": math.nan, "loss_g": math.nan, "d_real": math.nan, "d_fake": math.nan}
    fig = training.curves_figure({"run": rows() + [done, {"loss_d": 1.0}]}, {"run": "ns"})
    assert len(by_name(fig, "L_D").x) == 50  # the final done row and a row without a step carry no point
    cut = training.curves_figure({"run": rows()}, {"run": "ns"}, upto=20)
    assert list(by_name(cut, "L_D").x) == list(range(1, 21))
    assert list(by_name(cut, "L_D at equilibrium = 1.39").x) == [0, 20]
    empty = training.curves_figure({"run": []}, {"run": "lsgan"})
    assert [t.name for t in empty.data] == ["L_D at equilibrium = 0.25", "L_G at equilibrium = 0.125",
                                            "D at equilibrium = 0.622"]


def test_one_colour_per_curve_in_every_arrangement():
    """The Train page (side by side) and the playground (stacked, pictures while training) draw the same
    series in the same colours; only where the two panels sit differs."""
    stacked = training.curves_figure({"A": rows()}, {"A": "minimax"})
    side = training.curves_figure({"A": rows()}, {"A": "minimax"}, side_by_side=True)
    assert stacked.to_dict()["data"] == side.to_dict()["data"]
    assert [t.line.color for t in side.data[:4]] == [COLORS[k] for k in CURVES]
    assert [t.line.color for t in side.data[4:]] == [COLORS["loss_d"], COLORS["loss_g"], COLORS["eq"]]
    assert {t.line.dash for t in side.data[4:]} == {"dot"}
    assert side.layout.xaxis.domain[1] < side.layout.xaxis2.domain[0]  # left and right
    assert stacked.layout.yaxis2.domain[1] < stacked.layout.yaxis.domain[0]  # D outputs under the losses
    assert list(side.layout.yaxis2.range) == list(stacked.layout.yaxis2.range) == [0, 1]
    panels = training.curves_panels({"A": rows(), "B": rows(5)}, {"A": "ns", "B": "ns"})
    key = {"L_D": "loss_d", "L_G": "loss_g", "D(x)": "d_real", "D(G(z))": "d_fake"}
    series = [s for p in panels for s in p["series"] if not s["eq"]]
    assert len(series) == 8 and all(s["color"] == COLORS[key[s["name"].split(" (")[0]]] for s in series)
    assert {s["dash"] for s in series if s["group"] == "B"} == {"dash"}  # run B: dashed, as in the pictures


def test_class_histogram_shows_shares_and_the_even_line():
    fig = training.class_histogram_figure([1, 1, 2], ["a", "b", "c"], title="T")
    assert list(fig.data[0].y) == pytest.approx([0.25, 0.25, 0.5]) and list(fig.data[0].x) == ["a", "b", "c"]
    assert fig.data[0].marker.color == COLORS["d_fake"]  # generated samples, as D(G(z)) is drawn
    assert fig.layout.shapes[0].y0 == pytest.approx(1 / 3) and fig.layout.title.text == "T"
    assert list(training.class_histogram_figure([0, 0]).data[0].y) == [0, 0]


def _run_colours(spec: dict) -> list[str]:
    return [t["line"]["color"] for t in spec["data"][:4]]


def test_both_pages_draw_their_curves_with_the_one_builder(monkeypatch):
    """The Train page's replay and the playground after one step call the same curves_figure and get
    the same colours for L_D, L_G, D(x) and D(G(z)) and the same equilibrium lines."""
    from gan import replay
    from gan.jobs import REGISTRY
    if not replay.bundled():
        pytest.skip("no bundled recording")
    calls: list[bool] = []
    real = training.curves_figure

    def spy(*args, **kw):
        calls.append(kw.get("side_by_side", False))
        return real(*args, **kw)

    monkeypatch.setattr(training, "curves_figure", spy)
    train = AppTest.from_file(str(ROOT / "app_pages" / "3_train.py"), default_timeout=60).run()
    train.radio(key="train_mode").set_value("replay").run()
    assert not train.exception, [e.value for e in train.exception]
    assert calls and all(calls)  # side by side
    n_train = len(calls)
    specs = [json.loads(c.proto.spec) for c in train.get("plotly_chart")]
    train_curves = next(s for s in specs if s["data"] and s["data"][0].get("name") == "L_D")

    play = AppTest.from_file(str(ROOT / "app_pages" / "2_playground.py"), default_timeout=60)
    play.session_state["playground_width"] = 16
    play.run()
    try:
        play.button(key="playground_step_both").click().run()
        assert not play.exception, [e.value for e in play.exception]
        specs = [json.loads(c.proto.spec) for c in play.get("plotly_chart")]
        play_curves = next(s for s in specs if s["data"] and s["data"][0].get("name") == "L_D")
    finally:
        play.button(key="playground_reset").click().run()
        end = time.monotonic() + 10
        while REGISTRY.active() and time.monotonic() < end:
            time.sleep(0.05)
    assert len(calls) > n_train and not any(calls[n_train:])  # stacked on the playground
    assert _run_colours(train_curves) == _run_colours(play_curves) == [COLORS[k] for k in CURVES]
    eq = lambda spec: {t["name"]: t["line"]["color"] for t in spec["data"] if "equilibrium" in t["name"]}  # noqa: E731
    assert eq(play_curves) == {"L_D at equilibrium = 1.39": COLORS["loss_d"],
                               "L_G at equilibrium = 0.693": COLORS["loss_g"], "D at equilibrium = 0.5": COLORS["eq"]}
    # the bundled replay uses the default recipe's hinge loss: its own equilibrium line, in the same colour
    assert eq(train_curves) == {"L_D at equilibrium = 2": COLORS["loss_d"]}
