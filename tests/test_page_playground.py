"""The 2D playground page on its own (AppTest; no app shell, so English unless the test switches).

Training runs in background jobs; the tests press the page's buttons, wait a moment, rerun so the
fragment drains the queue, and always reset at the end so no job keeps running.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from gan.jobs import REGISTRY


def active_jobs() -> int:
    return REGISTRY.active()

ROOT = Path(__file__).resolve().parent.parent
PAGE = str(ROOT / "app_pages" / "2_playground.py")
TIMEOUT = 60


def wait_idle(timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while active_jobs() and time.monotonic() < end:
        time.sleep(0.05)


@pytest.fixture
def at():
    wait_idle()
    app = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    app.session_state["playground_width"] = 16  # small and fast
    app.session_state["playground_width_d"] = 16
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    yield app
    if any(b.key == "playground_reset" for b in app.button):
        app.button(key="playground_reset").click().run()
    wait_idle()
    assert active_jobs() == 0


def metrics(app: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def status(app: AppTest) -> str:
    return next(m.value for m in app.markdown if m.value.startswith("**"))


def chart_specs(app: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in app.get("plotly_chart")]


def trace(spec: dict, name: str) -> dict:
    return next(t for t in spec["data"] if t.get("name") == name)


def test_page_renders_controls_and_views(at):
    for key in ("playground_play", "playground_step_d", "playground_step_g", "playground_step_both",
                "playground_reset"):
        assert at.button(key=key)
    assert at.button(key="playground_play").label == "Play"
    assert at.selectbox(key="playground_dataset").value == "ring"
    assert at.radio(key="playground_loss").value == "ns"
    assert at.select_slider(key="playground_speed").value == "max"
    for key in ("playground_lr_d", "playground_lr_g", "playground_n_critic"):
        assert at.select_slider(key=key)
    for key in ("playground_opt_d", "playground_opt_g", "playground_depth", "playground_width",
                "playground_latent_dim", "playground_noise", "playground_batch"):
        assert at.selectbox(key=key)
    assert at.number_input(key="playground_seed").value == 0
    assert at.toggle(key="playground_ab").value is False
    specs = chart_specs(at)
    assert len(specs) == 3  # plane, curves, coverage
    assert {t.get("type") for t in specs[0]["data"]} >= {"heatmap", "scatter"}
    m = metrics(at)
    assert m["L_D"] == "—" and m["Modes"] == "0/8"
    assert "step 0" in status(at) and "ready" in status(at)
    assert not at.error and not at.warning


def test_switching_language_changes_the_text(at):
    assert at.title[0].value == "2D playground"
    at.session_state["app_lang"] = "zh"
    at.run()
    assert not at.exception
    assert at.title[0].value == "二维游乐场"
    assert at.button(key="playground_play").label == "开始"
    assert at.button(key="playground_reset").label == "重置"
    assert "JS 散度" in metrics(at)
    assert any("图上画的是什么" in m.value for m in at.markdown)
    # back to English: AppTest formats select options with the page's format_func outside the script
    # run, where tr() reads no session and answers in English, so the teardown's click needs English
    at.session_state["app_lang"] = "en"
    at.run()


def test_steps_change_the_plots_and_metrics(at):
    before = chart_specs(at)[0]
    fake0 = trace(before, "generated G(z)")
    at.button(key="playground_step_d").click().run()
    assert not at.exception
    assert "step 1" in status(at) and "paused" in status(at)
    m1 = metrics(at)
    assert m1["L_D"] != "—"
    after_d = chart_specs(at)[0]
    assert trace(after_d, "D(x)")["z"] != trace(before, "D(x)")["z"]  # D moved
    assert trace(after_d, "generated G(z)") == fake0  # G did not
    at.button(key="playground_step_g").click().run()
    assert "step 2" in status(at)
    after_g = chart_specs(at)[0]
    assert trace(after_g, "generated G(z)") != fake0  # now G moved
    at.button(key="playground_step_both").click().run()
    assert "step 3" in status(at)
    assert trace(chart_specs(at)[1], "L_D")["x"]  # the loss curve has points
    # play: training continues in the background; the next rerun draws the new state
    at.button(key="playground_play").click().run()
    assert at.button(key="playground_play").label == "Pause"
    time.sleep(1.0)
    at.run()
    assert not at.exception
    text = status(at)
    step = int(text.split("step ")[1].split(" ")[0].replace(",", ""))
    assert step > 3 and "training" in text
    assert metrics(at)["L_D"] != m1["L_D"]
    at.button(key="playground_play").click().run()
    assert at.button(key="playground_play").label == "Play"
    assert "paused" in status(at)


def pictures(app: AppTest) -> list[str]:
    return [url for img in app.get("image") for url in img.value]


def canvas_planes(app: AppTest) -> list[dict]:
    """The planes the browser draws itself (ui.plane_canvas), read back from their payloads."""
    from gan.plots.compact import read_payload
    return [read_payload(e.proto.bytes) for e in app.get("bidi_component")]


def test_training_shows_pictures_and_pausing_brings_the_interactive_charts_back(at):
    import numpy as np
    assert len(chart_specs(at)) == 3 and not pictures(at) and not canvas_planes(at)  # ready: interactive charts
    at.button(key="playground_play").click().run()
    time.sleep(0.8)
    at.run()
    assert not at.exception
    first, plane = pictures(at), canvas_planes(at)
    # the plane drawn by the browser; the two curve panels and the four coverage panels (ring: modes, high
    # quality, JS, KL) as pictures
    assert len(plane) == 1 and len(first) == 6 and not chart_specs(at)
    assert plane[0]["step"] > 0 and plane[0]["show"]["arrows"] and not plane[0]["show"]["manifold"]
    assert at.get("download_button")[0].disabled  # saving waits for a pause
    legends = [m.value for m in at.markdown if m.allow_html]
    assert any("real data" in m and "generated G(z)" in m for m in legends)  # the plane's legend
    assert any("L_D at equilibrium = 1.39" in m for m in legends)  # the curves' legend
    time.sleep(0.8)
    at.run()
    later = canvas_planes(at)[0]
    assert later["step"] > plane[0]["step"] and not np.array_equal(later["fake"], plane[0]["fake"])  # G moved
    assert pictures(at)[0] != first[0]  # and the curves were redrawn
    at.session_state["app_lang"] = "zh"
    at.run()
    assert any("真实数据" in m.value for m in at.markdown if m.allow_html)  # the legend follows the language
    at.session_state["app_lang"] = "en"
    at.button(key="playground_play").click().run()
    assert "paused" in status(at)
    assert len(chart_specs(at)) == 3 and not pictures(at)  # paused: interactive again


def test_changing_a_setting_resets_and_reset_button_works(at):
    at.button(key="playground_step_both").click().run()
    assert "step 1" in status(at)
    at.selectbox(key="playground_depth").select(1).run()  # the networks' shape: the run starts over
    assert not at.exception
    assert "step 0" in status(at) and "ready" in status(at)
    wait_idle()
    assert active_jobs() == 0
    at.button(key="playground_step_both").click().run()
    assert "step 1" in status(at)
    at.button(key="playground_reset").click().run()
    assert "step 0" in status(at)


def test_ab_runs_side_by_side_with_one_setting_changed(at):
    at.toggle(key="playground_ab").set_value(True).run()
    assert at.selectbox(key="playground_ab_field").value == "loss"
    assert at.radio(key="playground_ab_loss").value == "minimax"  # the first value that differs from A's
    at.radio(key="playground_ab_loss").set_value("lsgan").run()
    assert len(chart_specs(at)) == 4  # two planes, curves, coverage
    at.button(key="playground_step_both").click().run()
    assert not at.exception
    m = metrics(at)
    assert m["L_D (A)"] != "—" and m["L_D (B)"] != "—"
    assert m["L_D (A)"] != m["L_D (B)"]  # different losses
    assert m["D(x) (A)"] == m["D(x) (B)"]  # same seed, same data, same first D step
    curves = chart_specs(at)[2]
    names = {t["name"] for t in curves["data"]}
    assert {"L_D (A)", "L_D (B)", "L_D at equilibrium = 1.39", "L_D at equilibrium = 0.25"} <= names
    assert any("B: loss = least squares" in md.value for md in at.markdown)


def test_custom_points_train_and_need_two_points(at):
    at.selectbox(key="playground_dataset").select("custom").run()
    assert not at.exception
    assert "24 points" in [c.value for c in at.caption]
    at.button(key="playground_step_both").click().run()
    assert "step 1" in status(at)
    assert "Modes" not in metrics(at) and "JS divergence" in metrics(at)
    at.button(key="playground_points_clear").click().run()
    assert not at.exception
    assert any("at least 2 points" in w.value for w in at.warning)
    assert all("playground_play" != b.key for b in at.button)  # nothing to train: no controls
    wait_idle()
    assert active_jobs() == 0  # the run on the old points was stopped


def test_job_limit_gives_a_plain_message(at, monkeypatch):
    monkeypatch.setenv("GAN_MAX_JOBS", "1")
    at.toggle(key="playground_ab").set_value(True).run()
    at.button(key="playground_play").click().run()
    assert not at.exception
    assert any("too many training runs" in w.value for w in at.warning)
    assert active_jobs() == 0


def test_idle_run_stops_itself_and_play_continues(at):
    from ui import jobs
    at.button(key="playground_step_both").click().run()
    rec = jobs.REGISTRY.latest(at.session_state["jobs_owner"], where=lambda j: j.spec.tag == "playground:A")
    rec.last_seen -= 3600  # nobody has polled for an hour
    rec.join(5)
    assert not rec.running
    at.run()
    assert "stopped" in status(at) and "step 1" in status(at)
    at.button(key="playground_step_both").click().run()  # continues the same run
    assert "step 2" in status(at) and "paused" in status(at)


def test_presentation_mode_hides_advanced_settings_but_keeps_them(at):
    at.selectbox(key="playground_depth").select(1).run()
    at.session_state["app_present"] = True
    at.run()
    assert not at.exception
    assert all(s.key != "playground_depth" for s in at.selectbox)  # advanced settings hidden
    assert at.radio(key="playground_loss")  # the main ones stay
    at.button(key="playground_step_both").click().run()
    from ui import jobs
    rec = jobs.REGISTRY.latest(at.session_state["jobs_owner"], where=lambda j: j.spec.tag == "playground:A")
    assert rec.spec.config["depth"] == 1  # value kept


def test_a_g_step_shows_l_g_and_d_g_z_and_counts_updates_apart(at):
    at.button(key="playground_step_d").click().run()
    assert "D updated 1×, G updated 0×" in status(at)
    at.button(key="playground_step_g").click().run()
    assert not at.exception
    m = metrics(at)
    assert m["L_G"] != "—" and m["D(G(z))"] != "—" and m["L_D"] != "—"  # L_D from the D step before
    assert "D updated 1×, G updated 1×" in status(at)


def _medians(app: AppTest) -> list[float]:
    import re
    out = []
    for c in app.caption:
        found = re.search(r"Median \|∇L_G\| per point: ([0-9.e+-]*[0-9])", c.value)
        if found:
            out.append(float(found.group(1)))
    return out


def test_saturation_preset_in_one_click_shows_a_tenfold_arrow_difference(at):
    at.selectbox(key="playground_preset").set_value("saturation").run()
    at.button(key="playground_apply_preset").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["playground_loss"] == "minimax" and at.session_state["playground_ab"]
    assert at.session_state["playground_ab_loss"] == "ns"
    end = time.monotonic() + 20
    while time.monotonic() < end and "D updated 100×" not in status(at):
        time.sleep(0.2)
        at.run()
    assert "D updated 100×, G updated 0×" in status(at)
    minimax, ns = _medians(at)
    assert ns >= 10 * minimax, (minimax, ns)


def diagram_html(app: AppTest) -> str:
    bodies = [m.value for m in app.markdown if "gan-diagram" in m.value]
    assert len(bodies) == 1, "one model diagram on the page"
    return bodies[0]


def lit(body: str) -> set[str]:
    import re
    return set(re.findall(r'data-node="([^"]+)" data-lit="true"', body))


def test_the_diagram_lights_the_part_each_step_worked_on(at):
    assert 'data-phase="initialise"' in diagram_html(at)
    at.button(key="playground_step_d").click().run()
    body = diagram_html(at)
    assert 'data-phase="update_d"' in body and lit(body) == {"D", "L_D"}
    at.button(key="playground_step_g").click().run()
    body = diagram_html(at)
    assert 'data-phase="update_g"' in body and lit(body) == {"G", "G(z)", "D", "L_G"}
    assert "|∇G|" in body and any("L_G = " in c.value and "D(G(z)) = " in c.value for c in at.caption)
    at.button(key="playground_step_both").click().run()
    assert 'data-phase="update_g"' in diagram_html(at)


def test_slow_motion_walks_through_the_phases_with_their_numbers(at):
    at.toggle(key="playground_slowmo").set_value(True).run()
    at.button(key="playground_step_both").click().run()
    seen = []
    end = time.monotonic() + 8
    while time.monotonic() < end:
        body = diagram_html(at)
        phase = body.split('data-phase="', 1)[1].split('"', 1)[0]
        if not seen or seen[-1][0] != phase:
            seen.append((phase, body))
        if phase == "repeat":
            break
        time.sleep(0.3)
        at.run()
    phases = [p for p, _ in seen]
    assert phases == ["generate", "classify", "update_d", "update_g", "repeat"], phases
    by = dict(seen)
    assert "D(x) = " not in by["generate"] and "D(x) = " in by["classify"] and "|∇D|" not in by["classify"]
    assert "|∇D|" in by["update_d"] and "|∇G|" in by["update_g"]


def test_a_learning_rate_or_loss_change_mid_run_keeps_the_run_and_marks_the_curves(at):
    from ui import jobs
    for _ in range(3):
        at.button(key="playground_step_both").click().run()
    rec = jobs.REGISTRY.latest(at.session_state["jobs_owner"], where=lambda j: j.spec.tag == "playground:A")
    assert rec.step == 3
    rows = len(rec.history)
    at.select_slider(key="playground_lr_d").set_value(5e-3).run()
    at.radio(key="playground_loss").set_value("hinge").run()
    assert not at.exception, [e.value for e in at.exception]
    same = jobs.REGISTRY.latest(at.session_state["jobs_owner"], where=lambda j: j.spec.tag == "playground:A")
    assert same is rec and rec.running  # not reset
    end = time.monotonic() + 10
    while len(rec.changes) < 2 and time.monotonic() < end:
        time.sleep(0.05)
    assert [c["changes"] for c in rec.changes] == [{"lr_d": 5e-3}, {"loss": "hinge"}]
    assert all(c["step"] == 3 for c in rec.changes)
    assert rec.engine.trainer.cfg.lr_d == 5e-3 and rec.engine.trainer.cfg.loss == "hinge"
    at.button(key="playground_step_both").click().run()
    assert rec.step == 4 and len(rec.history) == rows + 1 and "step 4" in status(at)  # history kept, going on
    curves = next(s for s in chart_specs(at) if any(t.get("name") == "L_D" for t in s["data"]))
    assert {sh["x0"] for sh in curves["layout"]["shapes"]} == {3}  # the change is marked on the curves
    at.selectbox(key="playground_width").set_value(32).run()  # not changeable mid-run: a fresh start
    assert "step 0" in status(at)


def run_a(app: AppTest):
    from ui import jobs
    return jobs.REGISTRY.latest(app.session_state["jobs_owner"], where=lambda j: j.spec.tag == "playground:A")


def test_d_has_its_own_size_and_k_g_updates_change_mid_run(at):
    at.selectbox(key="playground_depth_d").select(3).run()
    at.selectbox(key="playground_width_d").select(32).run()
    at.button(key="playground_step_both").click().run()
    assert not at.exception, [e.value for e in at.exception]
    rec = run_a(at)
    assert (rec.spec.config["width"], rec.spec.config["depth"]) == (16, 2)  # G as set
    assert (rec.spec.config["width_d"], rec.spec.config["depth_d"]) == (32, 3)  # D as set
    assert "D updated 1×, G updated 1×" in status(at)
    at.select_slider(key="playground_g_steps").set_value(3).run()  # k: changes while the run goes on
    assert run_a(at) is rec
    end = time.monotonic() + 10
    while not rec.changes and time.monotonic() < end:
        time.sleep(0.05)
    assert rec.changes == [{"step": 1, "changes": {"g_steps": 3}}]
    at.button(key="playground_step_both").click().run()
    assert "step 2" in status(at) and "D updated 2×, G updated 4×" in status(at)
    at.selectbox(key="playground_width_d").select(64).run()  # D's shape: a fresh start
    assert "step 0" in status(at)


def test_ab_on_d_width_changes_only_d(at):
    at.toggle(key="playground_ab").set_value(True).run()
    at.selectbox(key="playground_ab_field").select("width_d").run()
    at.selectbox(key="playground_ab_width_d").select(128).run()
    at.button(key="playground_step_both").click().run()
    assert not at.exception, [e.value for e in at.exception]
    from ui import jobs
    b = jobs.REGISTRY.latest(at.session_state["jobs_owner"], where=lambda j: j.spec.tag == "playground:B")
    assert (b.spec.config["width"], b.spec.config["width_d"]) == (16, 128)
    assert run_a(at).spec.config["width_d"] is None  # A: D as wide as G
    assert any("B: D's width = 128" in md.value for md in at.markdown)


def test_save_to_a_file_and_load_it_back_restores_the_run(at):
    import numpy as np

    from ui.playground_files import run_file
    assert at.get("download_button")[0].disabled  # nothing to save yet
    for _ in range(2):
        at.button(key="playground_step_both").click().run()
    at.select_slider(key="playground_lr_d").set_value(5e-3).run()  # a change mid-run, marked on the curves
    at.button(key="playground_step_both").click().run()
    rec = run_a(at)
    assert rec.step == 3 and not at.get("download_button")[0].disabled
    data = run_file({"A": rec}, None, {"ab": None})
    plane = {k: np.array(rec.toy[k]) for k in ("d_grid", "fake")}
    rows, changes = len(rec.history), list(rec.changes)
    metric_rows = list(rec.extra["playground"]["metrics"])
    at.button(key="playground_reset").click().run()
    at.radio(key="playground_loss").set_value("hinge").run()
    assert "step 0" in status(at)
    at.file_uploader(key="playground_upload").upload("run.zip", data, "application/zip").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Loaded (step: A 3)" in s.value for s in at.success)
    assert at.session_state["playground_loss"] == "ns" and at.session_state["playground_lr_d"] == 5e-3
    assert "step 3" in status(at) and "paused" in status(at)
    back = run_a(at)
    assert back is not rec and len(back.history) == rows and back.changes == changes
    assert back.extra["playground"]["metrics"] == metric_rows and len(metric_rows) >= 2  # the coverage curves
    for k, v in plane.items():  # the same D surface, the same generated points for the same z
        np.testing.assert_array_equal(np.array(back.toy[k]), v)
    curves = next(s for s in chart_specs(at) if any(t.get("name") == "L_D" for t in s["data"]))
    assert {sh["x0"] for sh in curves["layout"]["shapes"]} == {2}  # the change's mark came back
    at.button(key="playground_step_both").click().run()
    assert "step 4" in status(at) and len(back.history) == rows + 1  # goes on from there
    at.file_uploader(key="playground_upload").upload("bad.zip", b"not a zip", "application/zip").run()
    assert any("That file cannot be loaded: this is not a saved playground run (not a zip file)" in e.value
               for e in at.error)
    assert run_a(at) is back and "step 4" in status(at)  # a bad file changes nothing


def test_play_in_slow_motion_walks_each_step_then_takes_the_next(at):
    at.toggle(key="playground_slowmo").set_value(True).run()
    at.button(key="playground_play").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.button(key="playground_play").label == "Pause"
    seen = []  # (phase, step, diagram) each time the phase changes
    end = time.monotonic() + 20
    while time.monotonic() < end:
        body = diagram_html(at)
        phase = body.split('data-phase="', 1)[1].split('"', 1)[0]
        step = run_a(at).step
        if not seen or seen[-1][0] != phase:
            seen.append((phase, step, body))
        if len([p for p, _, _ in seen if p == "generate"]) == 2:
            break
        time.sleep(0.25)
        at.run()
    phases = [p for p, _, _ in seen]
    assert phases[:6] == ["generate", "classify", "update_d", "update_g", "repeat", "generate"], phases
    steps = [s for _, s, _ in seen]
    assert steps[1:5] == [1, 1, 1, 1] and steps[5] in (1, 2), steps  # one step per walk: no training in between
    by = {p: b for p, _, b in seen[:5]}
    assert "D(x) = " in by["classify"] and "|∇D|" not in by["classify"]
    assert "|∇D|" in by["update_d"] and "|∇G|" in by["update_g"]
    assert "slow motion" in status(at)
    at.button(key="playground_play").click().run()  # Pause
    assert at.button(key="playground_play").label == "Play" and "paused" in status(at)
    step = run_a(at).step
    time.sleep(5.5)
    at.run()
    assert run_a(at).step == step  # paused: no more steps


def test_slow_motion_switched_on_while_playing_slows_the_run_and_off_speeds_it_up(at):
    at.button(key="playground_play").click().run()
    time.sleep(0.5)
    at.run()
    assert "training ·" in status(at) or status(at).endswith("training")
    at.toggle(key="playground_slowmo").set_value(True).run()
    assert "training in slow motion" in status(at) and run_a(at).paused
    assert at.button(key="playground_play").label == "Pause"
    at.toggle(key="playground_slowmo").set_value(False).run()
    assert not run_a(at).paused and "slow motion" not in status(at)
    at.button(key="playground_play").click().run()
    assert "paused" in status(at)


def test_a_run_on_your_own_points_loads_back_with_its_points(at):
    import numpy as np

    from ui.playground_files import run_file
    at.selectbox(key="playground_dataset").select("custom").run()
    at.button(key="playground_step_both").click().run()
    rec = run_a(at)
    points = np.array(at.session_state["playground_points"])
    data = run_file({"A": rec}, points, {"ab": None})
    at.button(key="playground_reset").click().run()
    at.selectbox(key="playground_dataset").select("ring").run()
    at.file_uploader(key="playground_upload").upload("run.zip", data, "application/zip").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["playground_dataset"] == "custom"
    np.testing.assert_array_equal(np.array(at.session_state["playground_points"]), points)
    assert "step 1" in status(at) and run_a(at) is not rec
    np.testing.assert_array_equal(np.array(run_a(at).toy["d_grid"]), np.array(rec.toy["d_grid"]))


def test_an_ab_pair_loads_back_with_run_b_and_its_setting(at):
    from ui import jobs
    from ui.playground_files import run_file
    at.toggle(key="playground_ab").set_value(True).run()
    at.radio(key="playground_ab_loss").set_value("lsgan").run()
    at.button(key="playground_step_both").click().run()
    b = jobs.REGISTRY.latest(at.session_state["jobs_owner"], where=lambda j: j.spec.tag == "playground:B")
    data = run_file({"A": run_a(at), "B": b}, None, {"ab": ["loss", "lsgan"]})
    at.button(key="playground_reset").click().run()
    at.toggle(key="playground_ab").set_value(False).run()
    at.file_uploader(key="playground_upload").upload("run.zip", data, "application/zip").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["playground_ab"] and at.session_state["playground_ab_loss"] == "lsgan"
    b2 = jobs.REGISTRY.latest(at.session_state["jobs_owner"], where=lambda j: j.spec.tag == "playground:B")
    assert b2 is not b and b2.step == 1 and b2.spec.config["loss"] == "lsgan" and run_a(at).step == 1
    assert any("B: loss = least squares" in md.value for md in at.markdown)


def test_the_chosen_preset_is_named_in_full_under_the_box(at):
    """The sidebar is narrow: the box cuts a long preset name, the caption under it does not."""
    from gan.toy.presets import PRESETS
    at.selectbox(key="playground_preset").set_value("wgan_gp").run()
    assert not at.exception
    assert f"Chosen: {PRESETS['wgan_gp'].title[0]}" in [c.value for c in at.sidebar.caption]
    at.session_state["app_lang"] = "zh"
    at.run()
    assert f"已选：{PRESETS['wgan_gp'].title[1]}" in [c.value for c in at.sidebar.caption]
    at.session_state["app_lang"] = "en"
    at.run()


def test_while_other_visitors_are_here_the_run_shares_the_server_and_says_so(at, monkeypatch):
    """Another visitor ran a page a moment ago: the run computes a quarter of the time, and its status line
    says why it is slower (the text is true: the steps/s fall)."""
    from gan import jobs as J
    monkeypatch.setattr(J, "VISITOR_WINDOW_S", 3.0)
    at.button(key="playground_play").click().run()
    time.sleep(1.0)
    at.run()
    assert "other visitors are here" not in status(at)
    job = next(j for j in REGISTRY.all() if not j.ended)
    s0, t0 = job.step, time.monotonic()
    time.sleep(1.0)
    alone = (job.step - s0) / (time.monotonic() - t0)
    REGISTRY.visit("someone-else-entirely")
    time.sleep(0.5)
    s0, t0 = job.step, time.monotonic()
    time.sleep(1.0)
    shared = (job.step - s0) / (time.monotonic() - t0)
    at.run()
    assert "other visitors are here: training 25% of the time to keep the server quick" in status(at)
    assert shared < 0.5 * alone, (shared, alone)
    at.session_state["app_lang"] = "zh"
    at.run()
    assert "有其他访问者在线：只用 25% 的时间训练，让服务器保持流畅" in status(at)
    at.session_state["app_lang"] = "en"
    time.sleep(3.0)  # the other visitor has gone quiet
    at.run()
    assert "other visitors are here" not in status(at)
