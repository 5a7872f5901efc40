"""The Train page through AppTest: a short real run in a worker process, stop and resume, caps, ownership,
replays."""
from __future__ import annotations

import base64
import json
import re
import time
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from gan import replay
from gan.hub import load_folder
from gan.jobs import REGISTRY, JobSpec

ROOT = Path(__file__).resolve().parent.parent
PAGE = str(ROOT / "app_pages" / "3_train.py")


def page() -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def tiny_settings(at: AppTest, steps: int, sample_every: int = 2) -> None:
    at.selectbox(key="train_model").set_value("cgan")
    at.selectbox(key="train_budget").set_value(0).run()  # a number of steps, not a time budget
    at.number_input(key="train_steps").set_value(steps)
    at.selectbox(key="train_batch").set_value(16)
    at.number_input(key="train_width").set_value(8)
    at.number_input(key="train_sample_every").set_value(sample_every)


def record(at: AppTest):
    """The visitor's newest training job, as the server's registry holds it."""
    return REGISTRY.latest(at.session_state["jobs_owner"], where=lambda j: j.spec.tag == "train")


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


def test_the_default_run_is_the_fast_recipe_for_one_minute():
    at = page()
    assert at.selectbox(key="train_budget").value == 60 and at.number_input(key="train_steps").disabled
    assert at.selectbox(key="train_loss").value == "hinge"
    assert at.selectbox(key="train_budget").options[:3] == ["1 minute", "2 minutes", "5 minutes"]
    at.button(key="train_start").click().run()
    job = record(at)
    cfg = job.spec.config
    assert cfg["seconds"] == 60 and cfg["loss"] == "hinge" and cfg["ema"] > 0 and cfg["width"] == 32
    assert cfg["lr_d"] > cfg["lr_g"]  # TTUR
    wait(at, lambda a: record(a).step > 0 or not record(a).running)
    assert any("/ 1:00" in p.proto.text for p in at.get("progress"))  # progress against the clock
    if job.running:  # (on a loaded machine the minute may be over already)
        at.button(key="train_stop").click().run()
    assert job.join(30) and job.status in ("stopped", "done")


def test_short_real_run_updates_curves_grid_and_checkpoint():
    at = page()
    tiny_settings(at, steps=8)
    at.button(key="train_start").click().run()
    assert not at.exception, [e.value for e in at.exception]
    job = record(at)
    assert job is not None and job.backend == "process" and job.spec.config["width"] == 8
    wait(at, lambda a: not record(a).running)
    job = record(at)
    assert job.step == 8 and job.status == "done" and job.checkpoint[1] == 8
    assert curve_points(at) == len([r for r in job.history if r["loss_d"] == r["loss_d"]]) >= 4
    first_grid, last_grid = job.grids[0][1], job.grids[-1][1]
    assert len(job.grids) >= 3 and (first_grid != last_grid).any()  # the sample grid changed
    assert at.image, "the sample grid is drawn"
    assert any("Finished" in str(p.proto.text) for p in at.get("progress"))
    folder = Path(job.checkpoint[0])
    assert (folder / "config.json").is_file() and (folder / "model.safetensors").is_file()
    assert {b.proto.label for b in at.get("download_button")} >= {"Download the checkpoint (zip)",
                                                                    "Download the time-lapse (GIF)"}
    # mode-collapse check: a histogram of the bundled classifier's verdicts on fresh samples
    bars = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    bar = next(f for f in bars if f["data"][0]["type"] == "bar")
    y = bar["data"][0]["y"]
    if isinstance(y, dict):
        y = np.frombuffer(base64.b64decode(y["bdata"]), dtype=y["dtype"])
    # shares of the samples the classifier is sure of; an 8-step run draws blobs, so none are, and no verdict
    assert sum(y) == pytest.approx(1.0) or (sum(y) == 0 and any("no verdict on mode collapse" in c.value
                                                                  for c in at.caption))
    # the time-lapse slider moves over the saved grids
    lapse = at.select_slider(key="train_lapse_pos")
    assert lapse.value == job.grids[-1][0]
    lapse.set_value(job.grids[0][0]).run()
    assert not at.exception


def test_stop_and_resume_continue_the_same_run():
    at = page()
    tiny_settings(at, steps=4000, sample_every=5)
    at.button(key="train_start").click().run()
    wait(at, lambda a: record(a).step >= 2)
    at.button(key="train_stop").click().run()
    wait(at, lambda a: not record(a).running)
    job = record(at)
    assert job.status == "stopped"
    stopped_at = job.checkpoint[1]
    assert 2 <= stopped_at < 4000
    assert not at.button(key="train_resume").disabled
    n_rows = len(job.history)
    at.button(key="train_resume").click().run()
    assert not at.exception, [e.value for e in at.exception]
    job2 = record(at)
    assert job2 is not job and job2.spec.resume_from == job.checkpoint[0]
    wait(at, lambda a: record(a).step >= stopped_at + 3)
    at.button(key="train_stop").click().run()
    wait(at, lambda a: not record(a).running)
    job2 = record(at)
    assert job2.step > stopped_at and len(job2.history) > n_rows
    steps = [r["step"] for r in job2.history]
    assert steps == sorted(steps)  # the history carried over and continues


def test_caps_from_environment(monkeypatch):
    monkeypatch.setenv("GAN_MAX_STEPS", "5")
    monkeypatch.setenv("GAN_MAX_JOBS", "1")
    # another visitor's run occupies the only slot
    other = REGISTRY.start(JobSpec("train", dict(model="toy", dataset="ring", steps=10, width=4), paused=True),
                           "another-visitor")
    try:
        at = page()
        assert any("5 steps per run, 1 runs at once" in c.value for c in at.caption)
        tiny_settings(at, steps=50)
        at.button(key="train_start").click().run()
        assert any("at most 5 steps" in i.value for i in at.info)
        assert any("already running" in w.value for w in at.warning)
        assert record(at) is None
    finally:
        other.control("another-visitor", "stop")
        other.join(5)
    at.button(key="train_start").click().run()
    assert record(at).total_steps == 5
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


def test_a_reload_finds_the_run_again_and_others_may_only_watch():
    at = page()
    tiny_settings(at, steps=4000, sample_every=5)
    at.button(key="train_start").click().run()
    job = record(at)
    fresh = AppTest.from_file(PAGE, default_timeout=60)  # a new session of the same browser, as after a reload
    fresh.session_state["jobs_owner"] = at.session_state["jobs_owner"]  # (the cookie brings the token back)
    fresh.run()
    assert not fresh.exception, [e.value for e in fresh.exception]
    assert not fresh.button(key="train_stop").disabled  # the running job is back under control
    # someone else with the link watches, but cannot stop it
    other = AppTest.from_file(PAGE, default_timeout=60)
    other.query_params["run"] = job.id
    other.run()
    assert any("watching a run someone else started" in c.value for c in other.caption)
    other.button(key="train_stop").click().run()
    assert any("belongs to another visitor" in e.value for e in other.error)
    time.sleep(1.0)
    assert job.running
    fresh.button(key="train_stop").click().run()
    assert job.join(30) and job.status == "stopped"


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
    cfg = record(at).spec.config
    assert cfg["model"] == "dcgan" and cfg["info_codes"] == 4 and cfg["augment"] == "translation,cutout"
    assert cfg["info_code_dim"] == 32
    wait(at, lambda a: not record(a).running)
    assert record(at).status == "done"
    g = load_folder(record(at).checkpoint[0]).model
    assert g.code_embed is not None  # the InfoGAN generator was trained and saved


def test_a_killed_worker_is_reported_within_5_s_and_its_checkpoint_loads_on_generate(monkeypatch):
    import os
    import signal
    monkeypatch.setenv("GAN_CHECKPOINT_EVERY_S", "0.5")
    at = page()
    tiny_settings(at, steps=100_000, sample_every=5)
    at.button(key="train_start").click().run()
    job = record(at)
    end = time.time() + 90
    while job.checkpoint is None and time.time() < end:
        time.sleep(0.1)
    assert job.checkpoint is not None, "no periodic checkpoint"
    at.run()  # while it trains, the page says how many threads the worker uses now (its tuner's choice)
    assert any(re.fullmatch(r"Training with [12] CPU threads? now\.", c.value) for c in at.caption), \
        [c.value for c in at.caption]
    os.kill(job.pid, signal.SIGKILL)
    t0 = time.time()
    while job.error is None and time.time() - t0 < 5:  # the server notices (the browser test times the page)
        time.sleep(0.05)
    assert time.time() - t0 < 5, "the lost worker was not noticed within 5 s"
    at.run()
    assert any("stopped unexpectedly" in e.value and "checkpoint from step" in e.value for e in at.error), \
        [e.value for e in at.error]
    assert not at.exception
    gen = AppTest.from_file(str(ROOT / "app_pages" / "4_generate.py"), default_timeout=60)
    gen.session_state["jobs_owner"] = at.session_state["jobs_owner"]
    gen.session_state["gen_source_kind"] = "session"
    gen.run()
    assert not gen.exception and not gen.error, [e.value for e in gen.error]
    assert any("your run" in c.value for c in gen.caption)
    assert gen.image, "the killed run's last checkpoint generates digits"


def test_a_run_ended_by_an_error_says_so_in_the_progress_bar(monkeypatch):
    import streamlit as st

    from ui.train_view import status_text
    err = "the worker process stopped unexpectedly (exit code -9); the checkpoint from step 150 was kept"
    monkeypatch.setattr(st, "session_state", {"app_lang": "zh"})
    assert status_text("failed", err) == "已停止：服务器上出错" and status_text("failed") == "已停止：数值异常"
    monkeypatch.setattr(st, "session_state", {"app_lang": "en"})
    assert status_text("failed", err) == "Stopped: an error on the server"
    assert status_text("failed") == "Stopped: numbers went bad"


def test_an_engine_error_on_a_chinese_page_is_introduced_as_the_servers_own_words(monkeypatch):
    import streamlit as st

    from gan.jobs import Job, JobSpec
    from ui.jobs import error_text
    job = Job(JobSpec("train", {}), owner="me", backend="thread")
    job.error = "RuntimeError: out of memory"
    monkeypatch.setattr(st, "session_state", {"app_lang": "zh"})
    assert error_text(job, "Training failed on the server: ", "训练在服务器上出错：") == \
        "训练在服务器上出错：（服务器的原始英文信息）RuntimeError: out of memory"
    monkeypatch.setattr(st, "session_state", {"app_lang": "en"})
    assert error_text(job, "Training failed on the server: ", "训练在服务器上出错：") == \
        "Training failed on the server: RuntimeError: out of memory"
