"""Runs belong to the visitor, in a real browser: reloads on every page find the run again, a run that ends
while its owner is on Generate shows up there by itself, someone else with the link can watch but not stop
it, and a style transfer keeps going through a widget change."""
from __future__ import annotations

import os
import re
import signal
import time
from pathlib import Path

import pytest

from .conftest import assert_no_exception, shot, streamlit_server, visitor
from .test_browser import MENU, choose, nav, open_page, radio, wait_idle

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(420)]

STOP_ENABLED = 'button:has-text("Stop"):enabled'


def start_small_run(page, server, steps: int) -> None:
    """On /train: a narrow cGAN for ``steps`` steps, started; returns once the run is training."""
    open_page(page, server, "train", "Train an image GAN")
    page.wait_for_function("document.cookie.includes('gan_owner=')")  # the owner token is in the browser
    page.get_by_text("More settings", exact=True).click()
    width = page.get_by_role("spinbutton", name="Network width")
    width.fill("8")
    width.press("Enter")
    wait_idle(page)
    choose(page, "Train for", "a number of steps")  # a number of steps, not a time
    box = page.get_by_role("spinbutton", name="Steps", exact=True)
    box.fill(str(steps))
    box.press("Enter")
    wait_idle(page)
    page.get_by_role("button", name="Start").click()
    page.locator(STOP_ENABLED).first.wait_for()


def generate_from_your_run(page, name: str, timeout_ms: int) -> None:
    """Generate → "Your run": wait until the visitor's own run's generator draws, then a screenshot ``name``."""
    assert nav(page, "Generate") == "Generate"
    radio(page, "Generator", "Your run")
    page.get_by_text(re.compile(r"your run · cgan")).first.wait_for(timeout=timeout_ms)
    wait_idle(page)
    page.get_by_test_id("stImage").first.wait_for()
    shot(page, name)
    assert_no_exception(page)


def stop_run(page, server) -> None:
    open_page(page, server, "train", "Train an image GAN")
    if page.locator(STOP_ENABLED).count():
        page.locator(STOP_ENABLED).first.click()
        page.get_by_test_id("stProgress").filter(has_text="Stopped").first.wait_for(timeout=60_000)


def test_a_reload_on_every_page_finds_the_run_on_train_and_generate(page, server):
    start_small_run(page, server, 100_000)
    try:
        for path, _, _ in MENU:
            open_page(page, server, path)  # a reload there: a new Streamlit session, the same browser
            assert_no_exception(page)
            open_page(page, server, "train", "Train an image GAN")
            page.locator(STOP_ENABLED).first.wait_for()  # the run is back, and under this visitor's control
            page.get_by_test_id("stProgress").filter(has_text=re.compile(r"Training… · step [1-9]")).first.wait_for()
        open_page(page, server, "generate", "Generate")
        radio(page, "Generator", "Your run")
        page.get_by_text(re.compile(r"Your run is training \(step \d+ of 100000\)")).first.wait_for()
        shot(page, "lifecycle-generate-while-training")
        assert_no_exception(page)
    finally:
        stop_run(page, server)


def test_a_run_that_ends_while_on_generate_shows_there_without_visiting_train(page, server):
    start_small_run(page, server, 300)
    # no click after choosing "Your run": the page notices the end of the run and loads its generator
    generate_from_your_run(page, "lifecycle-generate-after-run", timeout_ms=180_000)


def test_someone_else_with_the_link_can_watch_but_not_stop(browser, page, server):
    start_small_run(page, server, 100_000)
    try:
        link = page.get_by_text(re.compile(r"\?run=[A-Za-z0-9_-]+")).first.inner_text()
        run_id = re.search(r"\?run=([A-Za-z0-9_-]+)", link).group(1)
        with visitor(browser) as pg:
            pg.goto(f"{server.url}/train?run={run_id}")
            pg.get_by_text("You are watching a run someone else started").first.wait_for()
            progress = pg.get_by_test_id("stProgress").filter(has_text=re.compile(r"step [1-9]")).first
            progress.wait_for()
            pg.locator(STOP_ENABLED).first.click()
            pg.get_by_text("This run belongs to another visitor").first.wait_for()
            shot(pg, "lifecycle-watcher-refused")
            time.sleep(2)
            # still training, for its owner and for the watcher
            pg.get_by_test_id("stProgress").filter(has_text="Training…").first.wait_for()
            page.reload()
            page.locator(STOP_ENABLED).first.wait_for()
            page.get_by_test_id("stProgress").filter(has_text="Training…").first.wait_for()
    finally:
        stop_run(page, server)


def test_a_style_transfer_survives_a_widget_change(page, server):
    open_page(page, server, "style", "Style transfer")
    radio(page, "Method", "Adversarial, trained now (offline)")  # the slow method: time to change a setting
    wait_idle(page)
    steps = page.get_by_test_id("stSlider").filter(has_text="Steps").get_by_role("slider")
    steps.focus()
    for _ in range(10):
        steps.press("ArrowRight")  # 150 -> 250 steps
    size = page.get_by_test_id("stSlider").filter(has_text="Size (longest side, px)").get_by_role("slider")
    size.focus()
    size.press("Home")  # 128 px
    wait_idle(page)
    page.get_by_role("button", name="Stylize").click()
    progress = page.get_by_test_id("stProgress").filter(has_text=re.compile(r"Step \d+/250"))
    progress.first.wait_for(timeout=120_000)
    seed = page.get_by_role("spinbutton", name="Seed")
    seed.fill("7")  # a widget change while the job runs
    seed.press("Enter")
    wait_idle(page)
    progress.first.wait_for()  # still running after the rerun
    page.get_by_test_id("stDownloadButton").filter(has_text="Download PNG").wait_for(timeout=240_000)
    page.get_by_text(re.compile(r"Adversarial transfer, 250 steps")).first.wait_for()
    shot(page, "lifecycle-style-after-widget-change")
    assert_no_exception(page)


def _worker_pids(server_pid: int) -> list[int]:
    """The server's spawned training workers (multiprocessing's spawn_main), from /proc."""
    pids = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            cmd = (d / "cmdline").read_bytes().replace(b"\0", b" ")
        except (OSError, ValueError, IndexError):
            continue
        if ppid == server_pid and b"spawn_main" in cmd:
            pids.append(int(d.name))
    return pids


def test_a_killed_worker_is_reported_in_the_browser_within_5_s_and_its_checkpoint_generates(browser):
    with streamlit_server("server-sigkill", GAN_CHECKPOINT_EVERY_S="1") as srv, visitor(browser) as pg:
        start_small_run(pg, srv, 100_000)
        pg.get_by_test_id("stProgress").filter(has_text=re.compile(r"step [1-9]\d\d")).first.wait_for(timeout=120_000)
        time.sleep(1.5)  # at least one periodic checkpoint written after step 100
        pids = _worker_pids(srv.pid)
        assert len(pids) == 1, pids
        os.kill(pids[0], signal.SIGKILL)
        t0 = time.monotonic()
        # no reload, no click: the live view notices the dead worker
        pg.get_by_text(re.compile(r"stopped unexpectedly.*checkpoint from step \d+")).first.wait_for(timeout=5_000)
        assert time.monotonic() - t0 < 5
        pg.get_by_test_id("stProgress").filter(has_text="Stopped: an error on the server").first.wait_for()
        shot(pg, "lifecycle-worker-killed")
        assert_no_exception(pg)
        generate_from_your_run(pg, "lifecycle-generate-after-kill", timeout_ms=60_000)
