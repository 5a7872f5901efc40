"""The Train page through AppTest: a short real run, stop and resume, caps, replays."""
from __future__ import annotations

import base64
import json
import time
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from gan import replay
from gan.train import TrainConfig, Trainer, TrainingJob

ROOT = Path(__file__).resolve().parent.parent
PAGE = str(ROOT / "app_pages" / "3_train.py")


def page() -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def tiny_settings(at: AppTest, steps: int, sample_every: int = 2) -> None:
    at.selectbox(key="train_model").set_value("cgan")
    at.number_input(key="train_steps").set_value(steps)
    at.selectbox(key="train_batch").set_value(16)
    at.number_input(key="train_width").set_value(8)
    at.number_input(key="train_sample_every").set_value(sample_every)


def record(at: AppTest):
    from ui import jobs
    return jobs._registry().get(at.session_state["train_run"])


def wait(at: AppTest, cond, limit: float = 90.0) -> AppTest:
    t0 = time.time()
    while time.time() - t0 < limit:
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        if cond(at):
            return at
        time.sleep(0.3)
    raise AssertionError("timed out waiting for the training run")


def curve_points(at: AppTest) -> int:
    """Points on the L_D curve of the page's training chart."""
    figs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    fig = next(f for f in figs if f["data"] and f["data"][0].get("name") == "L_D")
    x = fig["data"][0]["x"]
    if isinstance(x, dict):  # plotly's typed-array encoding
        x = np.frombuffer(base64.b64decode(x["bdata"]), dtype=x["dtype"])
    return len(x)


def test_controls_render_with_defaults():
    at = page()
    assert at.selectbox(key="train_model").value == "cgan"
    assert at.selectbox(key="train_dataset").value == "mnist"
    assert at.button(key="train_stop").disabled and at.button(key="train_resume").disabled
    assert any("No run yet" in i.value for i in at.info)
    assert any("Computing on" in c.value for c in at.caption)


def test_short_real_run_updates_curves_grid_and_checkpoint():
    at = page()
    tiny_settings(at, steps=8)
    at.button(key="train_start").click().run()
    assert not at.exception, [e.value for e in at.exception]
    rec = record(at)
    assert rec is not None and rec.trainer.cfg.width == 8 and rec.trainer.total_steps == 8
    wait(at, lambda a: not record(a).running and "train_last_checkpoint" in a.session_state)
    rec = record(at)
    assert rec.trainer.step == 8 and rec.last.status == "done"
    assert curve_points(at) == len([r for r in rec.history if r["loss_d"] == r["loss_d"]]) >= 4
    first_grid, last_grid = rec.grids[0][1], rec.grids[-1][1]
    assert len(rec.grids) >= 3 and (first_grid != last_grid).any()  # the sample grid changed
    assert at.image, "the sample grid is drawn"
    assert any("Finished" in str(p.proto.text) for p in at.get("progress"))
    folder = Path(at.session_state["train_last_checkpoint"])
    assert (folder / "config.json").is_file() and (folder / "model.safetensors").is_file()
    assert {b.proto.label for b in at.get("download_button")} >= {"Download the checkpoint (zip)",
                                                                    "Download the time-lapse (GIF)"}
    # mode-collapse check: a histogram of the bundled classifier's verdicts on fresh samples
    from gan.metrics import classifier_dir
    if classifier_dir().is_dir():
        counts = at.session_state["train_class_counts"][1]
        assert counts.sum() == pytest.approx(500)
        assert any(json.loads(c.proto.spec)["data"][0]["type"] == "bar" for c in at.get("plotly_chart"))
    # the time-lapse slider moves over the saved grids
    lapse = at.select_slider(key="train_lapse_pos")
    assert lapse.value == rec.grids[-1][0]
    lapse.set_value(rec.grids[0][0]).run()
    assert not at.exception


def test_stop_and_resume_continue_the_same_run():
    at = page()
    tiny_settings(at, steps=400, sample_every=5)
    at.button(key="train_start").click().run()
    wait(at, lambda a: record(a).trainer.step >= 2)
    at.button(key="train_stop").click().run()
    rec = record(at)
    assert not rec.running and rec.last.status == "stopped"
    stopped_at = rec.trainer.step
    assert 2 <= stopped_at < 400
    assert not at.button(key="train_resume").disabled
    n_rows = len(rec.history)
    at.button(key="train_resume").click().run()
    assert not at.exception, [e.value for e in at.exception]
    rec2 = record(at)
    assert rec2 is not rec and rec2.trainer is rec.trainer
    wait(at, lambda a: record(a).trainer.step >= stopped_at + 3)
    at.button(key="train_stop").click().run()
    rec2 = record(at)
    assert rec2.trainer.step > stopped_at and len(rec2.history) > n_rows
    steps = [r["step"] for r in rec2.history]
    assert steps == sorted(steps)  # the history carried over and continues


def test_caps_from_environment(monkeypatch):
    monkeypatch.setenv("GAN_MAX_STEPS", "5")
    monkeypatch.setenv("GAN_MAX_JOBS", "1")
    # another visitor's run occupies the only slot
    other = TrainingJob(Trainer(TrainConfig(model="toy", dataset="ring", steps=10, width=4)), paused=True).start()
    try:
        at = page()
        assert any("5 steps per run, 1 runs at once" in c.value for c in at.caption)
        tiny_settings(at, steps=50)
        at.button(key="train_start").click().run()
        assert any("at most 5 steps" in i.value for i in at.info)
        assert any("already going on" in w.value for w in at.warning)
        assert "train_run" not in at.session_state
    finally:
        other.stop()
        other.join(5)
    at.button(key="train_start").click().run()
    rec = record(at)
    assert rec.trainer.total_steps == 5
    wait(at, lambda a: not record(a).running)


def test_missing_dataset_gives_a_clear_message(monkeypatch, tmp_path):
    monkeypatch.setenv("GAN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("GAN_OFFLINE", "1")
    at = page()
    at.selectbox(key="train_dataset").set_value("fashion-mnist").run()
    assert any("not found offline" in o for o in at.selectbox(key="train_dataset").options)
    assert any("starting will try to download" in c.value for c in at.caption)
    at.button(key="train_start").click().run()
    assert not at.exception
    err = " ".join(e.value for e in at.error)
    assert "dataset is missing" in err and "FashionMNIST" in err and "GAN_DATA_DIR" in err


def test_replay_plays_a_bundled_recording():
    assert replay.bundled(), "no bundled recording under checkpoints/replays"
    at = page()
    at.radio(key="train_mode").set_value("replay").run()
    assert not at.exception, [e.value for e in at.exception]
    pos = at.select_slider(key="train_replay_pos")
    name = at.selectbox(key="train_replay_name").value
    rec = replay.load(replay.bundled()[name])
    assert pos.value == rec.grid_steps[-1]
    full = curve_points(at)
    pos.set_value(rec.grid_steps[1]).run()
    assert curve_points(at) < full  # the curves are cut at the replay position
    assert len(at.image) == 2 and at.download_button(key="train_replay_gif")


def test_a_reload_finds_the_run_again():
    at = page()
    tiny_settings(at, steps=400, sample_every=5)
    at.button(key="train_start").click().run()
    rid = at.session_state["train_run"]
    assert at.query_params["train_run"] == [rid] or at.query_params["train_run"] == rid
    fresh = AppTest.from_file(PAGE, default_timeout=60)  # a new session, as after a reload
    fresh.query_params["train_run"] = rid
    fresh.run()
    assert not fresh.exception, [e.value for e in fresh.exception]
    assert fresh.session_state["train_run"] == rid
    assert not fresh.button(key="train_stop").disabled  # the running job is back under control
    fresh.button(key="train_stop").click().run()
    assert not record(fresh).running and record(fresh).last.status == "stopped"


def test_infogan_and_augmentation_settings_reach_the_run():
    at = page()
    assert not any(n.key == "train_info_codes" for n in at.number_input)  # cgan: no InfoGAN codes
    tiny_settings(at, steps=3)
    at.selectbox(key="train_model").set_value("dcgan").run()
    at.number_input(key="train_info_codes").set_value(4)
    at.multiselect(key="train_augment").set_value(["translation", "cutout"])
    at.selectbox(key="train_loss").set_value("hinge")
    at.button(key="train_start").click().run()
    assert not at.exception, [e.value for e in at.exception]
    cfg = record(at).trainer.cfg
    assert cfg.model == "dcgan" and cfg.info_codes == 4 and cfg.augment == "translation,cutout"
    assert cfg.info_code_dim == 32 and record(at).trainer.G.code_embed is not None
    assert record(at).trainer.D.q is not None  # the InfoGAN head
    wait(at, lambda a: not record(a).running)
    assert record(at).last.status == "done"
