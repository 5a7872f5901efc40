"""A classroom on one server: 8 browser visitors on loopback, 2 of them training image GANs and 1 playing
the playground, everyone browsing the app with think time between visits.

    GAN_DATA_DIR=../shared/data python bench/load.py [--seconds 120] [--visitors 8] [--light 5] [--hosted]
        [--trainers 2] [--players 1] [--json out.json]

``--hosted`` runs the server in hosted mode (GAN_HOSTED=1, as on a Space; see gan/hosted.py).

A *visit* is a navigation to a page until the app has stopped running (heading drawn, script idle): by
default three in four visits click the sidebar menu (how people move around the app: the same browser
session, no new page load) and one in four is a fresh load of the page's URL (a new tab, a reload, a link);
both kinds are reported apart (``--menu-share``). ``--light N`` makes N of the browsing visitors speak
Streamlit's websocket protocol without a browser (a visit: the server runs the page and says it finished):
the server's part of a visit, as in a classroom where each browser draws on its own laptop; on one 2-core
machine 8 Chromiums alone (no training) keep it busy. ``--browser-nice N`` runs Chromium at OS priority N: on one
machine the 8 simulated browsers share the server's 2 cores, which a classroom's own laptops would not.
Printed: visits, their p50 / p95 seconds, the server's own script time per run (p50 / p95, logged by
app.py when GAN_SCRIPT_TIMES names a file), each training run's images/s under load against what the
first one got alone, and the peak memory (VmHWM) of the server and of the worker processes.
Debian's chromium and Playwright, as for the browser tests; everything stays on 127.0.0.1.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from e2e.conftest import CHROMIUM, CHROMIUM_ARGS, streamlit_server  # noqa: E402

from ui.sidebar import page_menu  # noqa: E402

MENU = [e.url_path for _, entries in page_menu(ROOT, "en") for e in entries]
TITLES = {e.url_path: e.en for _, entries in page_menu(ROOT, "en") for e in entries}
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * (len(xs) - 1) + 0.5))] if xs else float("nan")


def vm_hwm_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def children(pid: int) -> list[int]:
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.append(int(d.name))
    return out


async def visit(page, url: str, visits: list[float]) -> None:
    """A fresh load of ``url`` (a new Streamlit session)."""
    t0 = time.perf_counter()
    await page.goto(url)
    await page.locator("h1").first.wait_for()
    await page.wait_for_selector(IDLE)
    visits.append(time.perf_counter() - t0)


class LightVisitor:
    """A visitor without a browser: Streamlit's own websocket protocol, as the browser speaks it.

    A visit asks the server to run a page (the message a menu click or a page load sends) and lasts until
    the server says the run finished: the server's part of a visit, with the drawing left to the visitor's
    own machine (in a classroom each visitor's browser runs on their own laptop).
    """

    def __init__(self, url: str):
        self.url = url.replace("http://", "ws://") + "/_stcore/stream"
        self.ws = None

    async def visit(self, path: str, fresh: bool, visits: list[float]) -> None:
        import websockets
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
        t0 = time.perf_counter()
        if fresh or self.ws is None:  # a new tab or a reload: a new session
            if self.ws is not None:
                await self.ws.close()
            self.ws = await websockets.connect(self.url, subprotocols=["streamlit"], max_size=None)
        msg = BackMsg()
        msg.rerun_script.query_string = ""
        msg.rerun_script.page_name = "" if path == MENU[0] else path
        await self.ws.send(msg.SerializeToString())
        done = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR)
        while True:
            fwd = ForwardMsg()
            fwd.ParseFromString(await self.ws.recv())
            kind = fwd.WhichOneof("type")
            if kind == "page_not_found":
                raise RuntimeError(f"page not found: {path}")
            if kind == "script_finished" and fwd.script_finished in done:
                break
        visits.append(time.perf_counter() - t0)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()


async def menu_visit(page, path: str, visits: list[float]) -> None:
    """A click on the sidebar menu's link to ``path`` (the same session), until the new page is idle."""
    before = await page.locator("h1").first.inner_text()
    t0 = time.perf_counter()
    await page.get_by_test_id("stSidebarNav").get_by_role("link", name=TITLES[path], exact=True).click()
    await page.wait_for_function(
        "t => { const h = document.querySelector('h1'); return h && h.innerText !== t; }", arg=before)
    await page.wait_for_selector(IDLE)
    visits.append(time.perf_counter() - t0)


def browser_executable(nice: int) -> str:
    """Chromium itself, or a wrapper that starts it at OS priority ``nice``."""
    if not nice:
        return CHROMIUM
    wrapper = Path(tempfile.mkdtemp()) / "chromium-niced"
    wrapper.write_text(f'#!/bin/sh\nexec nice -n {int(nice)} {CHROMIUM} "$@"\n')
    wrapper.chmod(0o755)
    return str(wrapper)


async def images_per_s(page) -> float | None:
    m = page.get_by_test_id("stMetric").filter(has_text="images/s").get_by_test_id("stMetricValue")
    try:
        return float((await m.first.inner_text(timeout=2000)).replace(",", ""))
    except Exception:
        return None


async def start_training(page, url: str) -> None:
    await page.goto(f"{url}/train")
    await page.wait_for_selector(IDLE)
    await page.get_by_role("button", name="Start").click()
    await page.locator('button:has-text("Stop"):enabled').first.wait_for()


async def sample_rate(page, url: str, seconds: float) -> list[float]:
    """images/s read off the Train page every second for ``seconds`` (the run's own live metric)."""
    await page.goto(f"{url}/train")
    await page.wait_for_selector(IDLE)
    rates, end = [], time.monotonic() + seconds
    while time.monotonic() < end:
        r = await images_per_s(page)
        if r:
            rates.append(r)
        await asyncio.sleep(1.0)
    return rates


async def scenario(url: str, args, report: dict, server) -> None:
    from playwright.async_api import async_playwright
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=browser_executable(args.browser_nice), args=CHROMIUM_ARGS)
        pages = []
        for _ in range(args.visitors - args.light):
            ctx = await browser.new_context(viewport={"width": 1200, "height": 850})
            ctx.set_default_timeout(120_000)
            pages.append(await ctx.new_page())
        trainers, players = pages[:args.trainers], pages[args.trainers:args.trainers + args.players]
        others = pages[args.trainers + args.players:] + [LightVisitor(url) for _ in range(args.light)]
        names = [chr(ord("A") + i) for i in range(args.trainers)]
        # 1. one run alone: its images/s is the reference
        if trainers:
            await start_training(trainers[0], url)
            await asyncio.sleep(5)
            alone = await sample_rate(trainers[0], url, args.alone_seconds)
            report["alone_images_s"] = round(statistics.median(alone), 0) if alone else None
        # 2. the other runs and the playground start; everyone browses with think time
        for pg in trainers[1:]:
            await start_training(pg, url)
        for player in players:
            await player.goto(f"{url}/playground")
            await player.wait_for_selector(IDLE)
            await player.get_by_role("button", name="Play").click()
            await player.get_by_role("button", name="Pause").wait_for()
        visits: list[float] = []
        loads: list[float] = []  # the fresh loads among them
        clicks: list[float] = []  # the menu clicks among them
        rates: dict[str, list[float]] = {n: [] for n in names}
        by_page: dict[str, list[float]] = {}
        end = time.monotonic() + args.seconds
        rng = random.Random(0)

        light: list[float] = []  # the visits of visitors without a browser

        async def browser_visitor(pg, name: str | None) -> None:
            here = None
            while time.monotonic() < end:
                path = rng.choice([m for m in MENU + (["train"] if name else []) if m != here] or MENU)
                if isinstance(pg, LightVisitor):
                    await pg.visit(path, here is None or rng.random() >= args.menu_share, light)
                    visits.append(light[-1])
                elif here is not None and rng.random() < args.menu_share:
                    await menu_visit(pg, path, clicks)
                    visits.append(clicks[-1])
                else:
                    await visit(pg, f"{url}/{'' if path == MENU[0] else path}", loads)
                    visits.append(loads[-1])
                here = path
                by_page.setdefault(path, []).append(visits[-1])
                if name and path == "train":
                    r = await images_per_s(pg)
                    if r:
                        rates[name].append(r)
                await asyncio.sleep(rng.uniform(args.think_min, args.think_max))

        peak = {"workers_mb": 0.0}

        async def memory_watch() -> None:
            while time.monotonic() < end:
                for c in children(server.pid):
                    peak["workers_mb"] = max(peak["workers_mb"], vm_hwm_mb(c))
                await asyncio.sleep(2)

        t0 = time.perf_counter()
        await asyncio.gather(*(browser_visitor(pg, n) for pg, n in zip(trainers, names)),
                             *(browser_visitor(pg, None) for pg in others), memory_watch())
        report["seconds"] = round(time.perf_counter() - t0, 1)
        report["visits"] = len(visits)
        report["visit_p50_s"] = round(pct(visits, 0.5), 2)
        report["visit_p95_s"] = round(pct(visits, 0.95), 2)
        for o in others:
            if isinstance(o, LightVisitor):
                await o.close()
        for kind, xs in (("menu_click", clicks), ("fresh_load", loads), ("browser", clicks + loads),
                         ("no_browser", light)):
            report[f"{kind}_visits"] = len(xs)
            report[f"{kind}_p50_s"] = round(pct(xs, 0.5), 2)
            report[f"{kind}_p95_s"] = round(pct(xs, 0.95), 2)
        report["page_p50_s"] = {k: round(pct(v, 0.5), 2) for k, v in sorted(by_page.items())}
        for i, player in enumerate(players):
            status = await player.locator("p", has_text=re.compile(r"Run · step [\d,]+")).first.inner_text()
            report[f"playground_{i}_status"] = status
        for k, rs in rates.items():
            report[f"run_{k}_images_s_under_load"] = round(statistics.median(rs), 0) if rs else None
        if report.get("alone_images_s"):
            report["run_share_of_alone"] = {k: round(statistics.median(rs) / report["alone_images_s"], 2)
                                            for k, rs in rates.items() if rs}
        report["server_peak_mb"] = round(vm_hwm_mb(server.pid), 0)
        report["worker_peak_mb"] = round(peak["workers_mb"], 0)
        await browser.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=120.0)
    ap.add_argument("--alone-seconds", type=float, default=15.0)
    ap.add_argument("--visitors", type=int, default=8)
    ap.add_argument("--trainers", type=int, default=2, help="visitors who train an image GAN (and browse)")
    ap.add_argument("--players", type=int, default=1, help="visitors who keep the playground playing")
    ap.add_argument("--light", type=int, default=0,
                    help="browsing visitors without a browser (Streamlit's websocket protocol): the server's part "
                         "of a visit, as in a classroom where each browser runs on its own laptop")
    ap.add_argument("--think-min", type=float, default=1.0)
    ap.add_argument("--think-max", type=float, default=3.0)
    ap.add_argument("--menu-share", type=float, default=0.75,
                    help="share of visits made by clicking the sidebar menu (the rest load the page's URL)")
    ap.add_argument("--browser-nice", type=int, default=0, help="run the simulated browsers at this OS priority")
    ap.add_argument("--json", default=None)
    ap.add_argument("--hosted", action="store_true", help="run the server in hosted mode (GAN_HOSTED=1)")
    args = ap.parse_args()
    if args.visitors < args.trainers + args.players + max(1, args.light):
        ap.error("at least one visitor who only browses, beside the trainers and players")
    times = Path(tempfile.mkdtemp()) / "script_times.txt"
    report: dict = {"cores": os.cpu_count(), "load_before": round(os.getloadavg()[0], 1), "hosted": args.hosted,
                    "think_s": [args.think_min, args.think_max], "menu_share": args.menu_share,
                    "browser_nice": args.browser_nice, "trainers": args.trainers, "players": args.players,
                    "no_browser_visitors": args.light}
    with streamlit_server("bench-load", GAN_SCRIPT_TIMES=str(times), GAN_MAX_JOBS="8",
                          GAN_HOSTED="1" if args.hosted else "0") as server:
        asyncio.run(scenario(server.url, args, report, server))
    st = [float(x) for x in times.read_text().split()] if times.exists() else []
    report["script_runs"] = len(st)
    report["script_p50_s"] = round(pct(st, 0.5), 3)
    report["script_p95_s"] = round(pct(st, 0.95), 3)
    report["load_after"] = round(os.getloadavg()[0], 1)
    for k, v in report.items():
        print(f"{k}: {v}")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
