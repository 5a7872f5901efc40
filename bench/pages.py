"""Page rerun time (AppTest, per page) and cold start of `streamlit run app.py` to a rendered page.

    GAN_DATA_DIR=../shared/data python bench/pages.py [--reruns 5] [--no-cold] [--json]

Rerun: ``AppTest.from_file(page).run()`` once (imports, caches), then ``--reruns`` more runs of the
same session, timed; the median is what a visitor waits after touching a widget (minus the network
and the browser's drawing). Cold start: a new server process until headless Chromium shows the
home page's heading, and the same until /_stcore/health answers.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def rerun_times(reruns: int = 5) -> dict[str, float]:
    from streamlit.testing.v1 import AppTest

    from ui.sidebar import PAGES_DIR, page_menu
    out = {}
    for _, entries in page_menu(ROOT, "en"):
        for e in entries:
            at = AppTest.from_file(str(ROOT / PAGES_DIR / e.name), default_timeout=120)
            at.run()
            if at.exception:
                out[e.url_path] = float("nan")
                continue
            times = []
            for _ in range(reruns):
                t0 = time.perf_counter()
                at.run()
                times.append(time.perf_counter() - t0)
            out[e.url_path] = statistics.median(times) * 1000
    return out


def cold_start(timeout: float = 120.0) -> dict[str, float]:
    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, streamlit_server
    t0 = time.perf_counter()
    with streamlit_server("bench-cold-start", timeout=timeout) as server:
        health = time.perf_counter() - t0
        if not os.path.exists(CHROMIUM):
            return {"health_s": health, "rendered_s": float("nan")}
        from playwright.sync_api import sync_playwright
        with sync_playwright() as p:  # the browser starts while the server is already up: not counted
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            launch = time.perf_counter()
            page = browser.new_page()
            page.goto(server.url + "/")
            page.locator("h1").first.wait_for(timeout=timeout * 1000)
            rendered = time.perf_counter() - launch + health
            browser.close()
    return {"health_s": health, "rendered_s": rendered}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reruns", type=int, default=5)
    ap.add_argument("--no-cold", action="store_true")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    r = {"rerun_ms": rerun_times(a.reruns), "load": round(os.getloadavg()[0], 1)}
    if not a.no_cold:
        r["cold_start"] = cold_start()
    if a.json:
        print(json.dumps(r))
        return
    for page, ms in r["rerun_ms"].items():
        print(f"rerun {page}: {ms:.0f} ms")
    if "cold_start" in r:
        c = r["cold_start"]
        print(f"cold start: health {c['health_s']:.1f} s, rendered {c['rendered_s']:.1f} s")


if __name__ == "__main__":
    main()
