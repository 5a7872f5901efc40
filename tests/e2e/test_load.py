"""Many visitors at once: 8 browser contexts (8 Streamlit sessions) on one server, GAN_MAX_JOBS=2.

Bounded on purpose (the CPU is shared): short interactions, a hard timeout. Checks that every page
keeps answering while others train, that a third concurrent training start is refused with the cap
message (and works once a slot is free), that one visitor's upload and run never show up in another
visitor's session, and records the server's peak memory (VmHWM) in artifacts/load.json.
"""
from __future__ import annotations

import asyncio
import io
import json
import re
import threading
import time

import numpy as np
import pytest
from PIL import Image

from ui.sidebar import page_menu

from .conftest import (ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, EXCEPTION, PLAIN_ERROR, ROOT, SCREENSHOTS,
                       require_browser, streamlit_server)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(360)]

VISITORS = 8
MAX_JOBS = 2
STEP_TIMEOUT_MS = 90_000
MENU = [e.url_path for _, entries in page_menu(ROOT, "en") for e in entries]
BUSY = "The server is busy"


async def settled(page) -> None:
    await page.get_by_test_id("stSidebar").get_by_role("radiogroup").first.wait_for()
    await page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')


async def no_exception(page, who: str) -> None:
    n = await page.locator(EXCEPTION).count()
    assert n == 0, f"{who}: Streamlit exception box: {await page.locator(EXCEPTION).all_inner_texts()}"
    assert await page.get_by_text(PLAIN_ERROR).count() == 0, f"{who}: unexpected-error message"


async def visit(page, url: str, timings: list, who: str) -> None:
    t0 = time.perf_counter()
    await page.goto(url)
    await page.locator("h1").first.wait_for()
    await settled(page)
    timings.append((url.rsplit("/", 1)[-1], time.perf_counter() - t0))
    await no_exception(page, who)


async def run_status(page) -> str:
    return await page.locator("p", has_text=re.compile(r"Run · step [\d,]+")).first.inner_text()


async def play(page) -> None:
    await page.get_by_role("button", name="Play").click()


def photo(seed: int) -> bytes:
    rng = np.random.default_rng(seed)
    buf = io.BytesIO()
    Image.fromarray(rng.integers(0, 255, (64, 80, 3), dtype=np.uint8)).save(buf, "PNG")
    return buf.getvalue()


async def scenario(url: str, report: dict, tmp_path) -> None:
    from playwright.async_api import async_playwright
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        contexts, pages = [], []
        for _ in range(VISITORS):
            ctx = await browser.new_context(viewport={"width": 1200, "height": 850})
            ctx.set_default_timeout(STEP_TIMEOUT_MS)
            contexts.append(ctx)
            pages.append(await ctx.new_page())
        timings: list = []
        try:
            # 1. everyone at once: each visitor opens two pages, so every page is hit by several sessions
            async def browse(i: int) -> None:
                for k in (i, i + 3):
                    await visit(pages[i], f"{url}/{MENU[k % len(MENU)]}", timings, f"visitor {i}")
            await asyncio.gather(*(browse(i) for i in range(VISITORS)))
            report["page_loads"] = len(timings)
            report["page_load_s_max"] = round(max(t for _, t in timings), 2)
            report["page_load_s_median"] = round(sorted(t for _, t in timings)[len(timings) // 2], 2)
            assert {name for name, _ in timings} == set(MENU)

            # 2. visitors 0 and 1 train in the playground; visitor 2 is over the cap; 3-7 keep using the app
            a, b, c = pages[0], pages[1], pages[2]
            await asyncio.gather(*(visit(pg, f"{url}/playground", timings, f"visitor {i}")
                                   for i, pg in enumerate((a, b, c))))
            for pg in (a, b):
                await play(pg)
                await pg.get_by_role("button", name="Pause").wait_for()
            await play(c)
            await c.get_by_text(BUSY).first.wait_for()
            assert await c.get_by_role("button", name="Play").count() == 1  # not started
            report["cap_message"] = (await c.get_by_text(BUSY).first.inner_text())[:160]

            secret = tmp_path / "visitor3-secret.png"
            secret.write_bytes(photo(3))

            async def uploader(pg) -> None:  # visitor 3 uploads a photo on the style page
                await visit(pg, f"{url}/style", timings, "visitor 3")
                col = pg.get_by_test_id("stColumn").filter(has_text="Content photo").first
                await col.get_by_role("radiogroup", name="Content photo").get_by_text("Upload", exact=True).click()
                await col.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(secret))
                await pg.get_by_text("visitor3-secret.png").first.wait_for()
                await col.get_by_test_id("stImage").first.wait_for()

            async def onlooker(pg, i: int) -> None:  # others keep browsing while two runs train
                for name in ("playground", "style", "generate"):
                    await visit(pg, f"{url}/{name}", timings, f"visitor {i}")
                    if name == "playground":  # somebody else's run is not this visitor's run
                        assert re.search(r"step 0 · ready", await run_status(pg)), await run_status(pg)
                    if name == "style":
                        col = pg.get_by_test_id("stColumn").filter(has_text="Content photo").first
                        await col.get_by_role("radiogroup", name="Content photo").get_by_text(
                            "Upload", exact=True).click()
                        await col.get_by_text("Choose a photo to upload.").wait_for()
                        assert await pg.get_by_text("visitor3-secret.png").count() == 0
                    if name == "generate":
                        await pg.get_by_role("radiogroup", name="Generator").get_by_text(
                            "Your run", exact=True).click()
                        await pg.get_by_text("No run of yours yet").wait_for()

            t0 = time.perf_counter()
            await asyncio.gather(uploader(pages[3]), *(onlooker(pages[i], i) for i in range(4, VISITORS)))
            report["busy_phase_s"] = round(time.perf_counter() - t0, 1)
            for i in range(4, VISITORS):
                assert await pages[i].get_by_text("visitor3-secret.png").count() == 0
            # the two runs really were training meanwhile, each in its own session
            steps = [int(re.search(r"step ([\d,]+)", await run_status(pg)).group(1).replace(",", "")) for pg in (a, b)]
            assert all(s > 0 for s in steps), steps
            report["playground_steps"] = steps
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            await c.screenshot(path=str(SCREENSHOTS / "load-cap-message.png"), full_page=True)
            await pages[3].screenshot(path=str(SCREENSHOTS / "load-visitor3-upload.png"), full_page=True)

            # 3. a slot frees up: the refused visitor can start now
            await a.get_by_role("button", name="Reset").click()
            await a.locator("p", has_text=re.compile(r"Run · step 0 · ready")).first.wait_for()
            await play(c)
            await c.get_by_role("button", name="Pause").wait_for()
            for pg in (b, c):
                await pg.get_by_role("button", name="Pause").click()
                await pg.get_by_role("button", name="Play").wait_for()
                await pg.get_by_role("button", name="Reset").click()
            for i, pg in enumerate(pages):
                await no_exception(pg, f"visitor {i}")
        finally:
            report["page_loads_total"] = len(timings)
            for ctx in contexts:
                await ctx.close()
            await browser.close()


def run_in_own_thread(func) -> None:
    """Run ``func`` in a new thread (the sync Playwright of the other e2e tests may own this thread's
    event loop, and asyncio.run refuses to nest); re-raise what it raised."""
    failure: list[BaseException] = []

    def target() -> None:
        try:
            func()
        except BaseException as e:  # noqa: BLE001  (handed to the test thread)
            failure.append(e)

    t = threading.Thread(target=target, name="load-test")
    t.start()
    t.join(330)
    assert not t.is_alive(), "the load scenario did not finish in time"
    if failure:
        raise failure[0]


def test_eight_visitors_at_once(tmp_path):
    require_browser()
    report: dict = {"visitors": VISITORS, "max_jobs": MAX_JOBS}
    t0 = time.perf_counter()
    with streamlit_server("server-load", GAN_MAX_JOBS=str(MAX_JOBS)) as server:
        try:
            run_in_own_thread(lambda: asyncio.run(asyncio.wait_for(scenario(server.url, report, tmp_path), 300)))
        finally:
            report["server_peak_rss_mb"] = round(server.peak_rss_mb(), 1)
            report["wall_s"] = round(time.perf_counter() - t0, 1)
            ARTIFACTS.mkdir(exist_ok=True)
            (ARTIFACTS / "load.json").write_text(json.dumps(report, indent=2))
            print("\nload test:", json.dumps(report))
    assert server.proc.returncode is not None  # stopped
