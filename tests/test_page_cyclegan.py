"""The CycleGAN page through AppTest: the recorded runs at once (both pairs, both directions, any step), a short
live run of the 2D pair with its curves, pause and stop, the bundled networks on new samples, and Chinese."""
from __future__ import annotations

import base64
import json
import re
import time
from pathlib import Path

import numpy as np
import pytest

from gan import hub
from gan.cycle import bundled
from gan.jobs import REGISTRY
from tests.pagetest import run_page
from tests.test_zh_ui import ALLOWED, english_words

ROOT = Path(__file__).resolve().parent.parent
PAGE = str(ROOT / "app_pages" / "8a_cyclegan.py")


def specs(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def names(spec: dict) -> set[str]:
    return {t.get("name") for t in spec["data"]}


def count(arr) -> int:
    """Length of a plotly data array, plain or base64-packed."""
    if isinstance(arr, dict):
        return len(base64.b64decode(arr["bdata"])) // np.dtype(arr["dtype"]).itemsize
    return len(arr)


def image_captions(at) -> list[str]:
    return [img.caption for el in at.get("image") for img in el.proto.imgs]


def texts(at) -> str:
    return " ".join([c.value for c in at.caption] + [i.value for i in at.info] + [m.value for m in at.markdown])


def test_the_recorded_runs_show_at_once_with_the_claim():
    at = run_page(PAGE, timeout=120)
    assert at.title[0].value == "CycleGAN: translation without pairs" and not at.error and not at.warning
    on, off = bundled.replay("ring2grid", True), bundled.replay("ring2grid", False)
    metrics = [m.value for m in at.metric]
    assert metrics[0] == f"{on.last['recon']:.3f}" and metrics[2] == f"{off.last['recon']:.3f}"
    ratio = float(re.search(r"is ([\d.]+)× the error", texts(at)).group(1))
    assert ratio >= 3 and ratio == pytest.approx(off.last["recon"] / on.last["recon"], abs=0.06)
    charts = specs(at)
    assert {"G: x → G(x)", "F: G(x) → F(G(x))", "real y"} <= names(charts[0])
    curves = next(s for s in charts if "cycle consistency (with the cycle loss)" in names(s))
    assert {"adversarial (G and F) (cycle weight 0)", "identity (with the cycle loss)",
            "reconstruction error (cycle weight 0)"} <= names(curves)
    assert "G sends the ring's 8 modes to the grid's 8" in texts(at)
    assert "The way back leads 8 of the 8 modes home." in texts(at)  # with the cycle
    assert "No run yet" in texts(at)
    assert "Why the cycle makes unpaired training possible" in [e.label for e in at.expander]


def test_step_direction_and_the_digits():
    at = run_page(PAGE, timeout=120)
    at.select_slider(key="cyc_rec_step_ring2grid").set_value(0).run()
    assert "At step 0 the reconstruction error" in texts(at)
    at.radio(key="cyc_side").set_value("y").run()
    assert not at.exception
    assert "F sends the grid's 8 modes" in texts(at) and {"F: y → F(y)"} <= names(specs(at)[0])
    assert "F(y) on a ring mode" in [m.label for m in at.metric]
    at.radio(key="cyc_pair").set_value("mnist-thin2thick").run()
    assert not at.exception and not at.warning
    assert len(at.get("image")) >= 3  # with, without, new digits
    assert "Rows, top to bottom: y, F(y), G(F(y))" in image_captions(at)
    assert "ink of F(y)" in [m.label for m in at.metric]  # the direction chosen: Y → X → Y
    caption = next(c.value for c in at.caption if "true thick version" in c.value)
    err, ident = map(float, re.findall(r"(\d\.\d{3})", caption)[:2])
    assert err < ident  # the page's numbers: G(x) is closer to the true thick digit than the thin digit is
    on = bundled.replay("mnist-thin2thick", True)
    assert f"{on.last['recon']:.3f}" in [m.value for m in at.metric]


def _job(at, pair="ring2grid"):
    return REGISTRY.latest(at.session_state["jobs_owner"], where=lambda j: j.spec.tag == f"cyclegan:{pair}")


def _wait(cond, timeout=90.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.1)
    return False


def test_a_short_live_run_pauses_stops_and_draws_its_curves():
    at = run_page(PAGE, timeout=120)
    at.slider(key="cyc_steps_ring2grid").set_value(3000)
    at.button(key="cyc_start").click().run()
    assert not at.exception
    job = _job(at)
    assert job is not None and job.backend == "thread" and job.spec.config["steps"] == 3000
    assert _wait(lambda: job.step >= 100 and job.toy is not None and job.toy["step"] > 0)
    at.button(key="cyc_pause").click().run()
    assert job.paused and at.button(key="cyc_pause").label == "Resume"
    step = job.step
    time.sleep(0.5)
    assert job.step <= step + 10  # (a step that was under way finishes)
    at.button(key="cyc_pause").click().run()
    assert not job.paused
    at.button(key="cyc_stop").click().run()
    assert job.join(30) and job.status == "stopped"
    at.run()
    assert not at.exception
    curves = next(s for s in specs(at) if "cycle consistency" in names(s) and "reconstruction error" in names(s))
    cyc = next(t for t in curves["data"] if t["name"] == "cycle consistency")
    assert count(cyc["x"]) >= 5
    assert any("stopped" in p.proto.text for p in at.get("progress"))
    assert any("This run: cycle weight 5" in c.value for c in at.caption)


def test_cycle_weight_zero_run_is_what_the_slider_says():
    at = run_page(PAGE, timeout=120)
    at.slider(key="cyc_cycle_ring2grid").set_value(0.0)
    at.slider(key="cyc_steps_ring2grid").set_value(100)
    at.button(key="cyc_start").click().run()
    job = _job(at)
    assert job.spec.config["cycle_weight"] == 0.0
    assert job.join(90) and job.status == "done"
    at.run()
    assert any("cycle weight 0," in c.value for c in at.caption)


def test_chinese_page_has_no_english_words():
    at = run_page(PAGE, timeout=120, app_lang="zh")
    assert at.title[0].value == "CycleGAN：不成对的转换" and at.subheader[0].value == "录制的训练"
    stray = english_words(at) - ALLOWED - {"Zhu"}
    assert not stray, sorted(stray)
    at = run_page(PAGE, timeout=120, app_lang="zh", cyc_pair="mnist-thin2thick")
    assert any("从上到下各行" in c for c in image_captions(at))
    stray = english_words(at) - ALLOWED - {"Zhu"}
    assert not stray, sorted(stray)
    assert any("真正的粗笔画版本" in c.value for c in at.caption)


def test_a_finished_run_downloads_as_a_zip_that_loads(tmp_path):
    import io
    import zipfile

    from gan.cycle.train import load_model
    at = run_page(PAGE, timeout=120)
    at.slider(key="cyc_steps_ring2grid").set_value(100)
    assert not at.get("download_button")  # nothing to download before a run
    at.button(key="cyc_start").click().run()
    job = _job(at)
    assert job.join(90) and job.status == "done"
    at.run()
    assert not at.exception
    buttons = at.get("download_button")
    assert len(buttons) == 1 and "step 100" in buttons[0].proto.label
    folder, step = job.checkpoint
    assert step == 100
    with zipfile.ZipFile(io.BytesIO(hub.zip_checkpoint(folder))) as zf:
        assert sorted(zf.namelist()) == ["README.md", "config.json", "model.safetensors"]
        zf.extractall(tmp_path)
    model, config = load_model(tmp_path)
    assert config["gan_studio"]["step"] == 100 and config["kind"] == "points"
    assert any("load_model(FOLDER)" in c.value for c in at.caption)
