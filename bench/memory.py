"""Peak memory (VmHWM) of a `streamlit run app.py` server once every bundled model is loaded.

    GAN_DATA_DIR=../shared/data python bench/memory.py [--json]

Headless Chromium visits every page, then loads each bundled generator with the Model zoo's Load
button (which opens it on the Generate page, drawing its grid, digits and walk), so the process holds
all of them in its cache; the bundled classifier is loaded by the Train/Home pages' checks. The
server's /proc/<pid>/status VmHWM is read at the end (and VmRSS at idle, before any visit).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _status(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure() -> dict:
    from gan import zoo
    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, streamlit_server
    from ui.sidebar import page_menu
    bundled = [e.name for e in zoo.catalog() if e.origin == "bundled"]
    with streamlit_server("bench-memory") as server:
        idle = _status(server.pid, "VmRSS")
        from playwright.sync_api import sync_playwright
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(120_000)
            for _, entries in page_menu(ROOT, "en"):
                for e in entries:
                    page.goto(f"{server.url}/{e.url_path}")
                    page.locator("h1").first.wait_for()
                    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')
            for name in bundled:
                page.goto(f"{server.url}/zoo")
                page.locator(f".st-key-zoo_load_{name} button").click()
                page.get_by_test_id("stImage").first.wait_for()
                page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')
            browser.close()
        return {"bundled_generators": bundled, "idle_rss_mb": idle, "peak_rss_mb": _status(server.pid, "VmHWM"),
                "load": round(os.getloadavg()[0], 1)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    r = measure()
    print(json.dumps(r) if a.json else
          f"server peak RSS {r['peak_rss_mb']:.0f} MiB with {len(r['bundled_generators'])} bundled generators "
          f"loaded ({', '.join(r['bundled_generators']) or 'none'}); idle {r['idle_rss_mb']:.0f} MiB")


if __name__ == "__main__":
    main()
