"""How fast the 2D playground can train and redraw, without a browser.

    python bench/playground.py [--seconds 4] [--browser] [--port 8599]

1. Figure updates/s: building the plane, curve and coverage figures and serialising them as
   ``st.plotly_chart`` does (to_dict + to_json), for one run and for A/B, with 5,000-row histories
   (the paused, interactive view); and drawing the same views as pictures (the live view).
2. Training steps/s of a background job (the page's setup: log every step, a snapshot every 0.15 s),
   with PyTorch's default intra-op threads and with one thread as the page uses, alone and while the
   main thread redraws figures in a loop (the GIL is shared, as in the server process).
3. With ``--browser``: a real ``streamlit run`` server and headless Chromium; presses Play and counts
   how often the step counter on the page changes (the fragment's visible update rate) and how many
   distinct training snapshots the browser draws on the plane's canvas (its ``data-step`` changes).
4. The compact payload the canvas is fed (``gan.plots.compact``): packing rate and size, beside the
   JPEG picture it replaced.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import plotly.io as pio
import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dataclasses import asdict  # noqa: E402

from gan.jobs import JobSpec, Registry  # noqa: E402
from gan.plots import compact, raster, toy, training  # noqa: E402
from gan.toy.snapshots import snapshot_metrics  # noqa: E402
from gan.train import TrainConfig, Trainer  # noqa: E402


def config(**kw) -> TrainConfig:
    base = dict(model="toy", dataset="ring", steps=1_000_000, log_every=1, sample_every=1_000_000,
                snapshot_seconds=0.15, width=64, depth=2, batch_size=128, lr_d=1e-3, lr_g=1e-3, device="cpu")
    base.update(kw)
    return TrainConfig(**base)


class OneThreadTrainer(Trainer):
    """As the page's ToyTrainer: one intra-op thread in the worker thread."""

    def run(self):
        torch.set_num_threads(1)
        yield from super().run()


def render(snaps: dict, histories: dict, metrics: dict, validate: bool = False) -> int:
    """Everything the fragment draws for one update; returns the JSON size in bytes."""
    figs = [toy.plane_figure(s, show={"manifold": True}, validate=validate) for s in snaps.values()]
    figs.append(training.curves_figure(histories, {k: "ns" for k in histories}, validate=validate))
    figs.append(toy.coverage_figure(metrics, validate=validate))
    return sum(len(pio.to_json(f.to_dict(), validate=False)) for f in figs)


def render_pictures(snaps: dict, histories: dict, metrics: dict) -> int:
    """Everything the live view draws for one update (plane and the curve panels); returns the bytes."""
    size = sum(len(raster.plane_image(s, size=340 if len(snaps) > 1 else 560)) for s in snaps.values())
    panels = training.curves_panels(histories, {k: "ns" for k in histories})
    cov = toy.coverage_panels(metrics)
    size += sum(len(raster.panel_image(p, width=700, height=160)) for p in panels)
    return size + sum(len(raster.panel_image(p, width=700 // len(cov) - 16, height=150)) for p in cov)


def picture_rate(labels, seconds: float) -> tuple[float, float, int]:
    """(plane-only updates/s, plane + curve panels updates/s, bytes of one full update)."""
    t = Trainer(config())
    snap = t.toy_snapshot()
    rows = [{"step": i, "loss_d": 1.3, "loss_g": 0.7, "d_real": 0.5, "d_fake": 0.45} for i in range(5000)]
    m = [snapshot_metrics(snap, "ring")] * 500
    args = ({k: snap for k in labels}, {k: rows for k in labels}, {k: m for k in labels})
    size = render_pictures(*args)
    rates = []
    for full in (False, True):
        n, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < seconds:
            if full:
                render_pictures(*args)
            else:
                for s in args[0].values():
                    raster.plane_image(s, size=340 if len(labels) > 1 else 560)
            n += 1
        rates.append(n / (time.perf_counter() - t0))
    return rates[0], rates[1], size


def payload_rate(seconds: float) -> tuple[float, int]:
    """(payloads packed per second, bytes of one) for the live plane the browser draws."""
    snap = Trainer(config()).toy_snapshot()
    size = len(compact.plane_payload(snap, size=560))
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        compact.plane_payload(snap, size=560)
        n += 1
    return n / (time.perf_counter() - t0), size


def render_rate(labels, seconds: float, validate: bool = False) -> tuple[float, int]:
    t = Trainer(config())
    snap = t.toy_snapshot()
    rows = [{"step": i, "loss_d": 1.3, "loss_g": 0.7, "d_real": 0.5, "d_fake": 0.45} for i in range(5000)]
    m = [snapshot_metrics(snap, "ring")] * 500
    args = ({k: snap for k in labels}, {k: rows for k in labels}, {k: m for k in labels})
    size = render(*args, validate=validate)  # warm up (plotly imports its trace classes lazily)
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        render(*args, validate=validate)
        n += 1
    return n / (time.perf_counter() - t0), size


def train_rate(trainer_cls, seconds: float, draw: bool) -> tuple[float, float, float]:
    """(steps/s, snapshots/s, figure updates/s in the main thread or 0)."""
    trainer = trainer_cls(config())
    job = Registry().start(JobSpec("train", asdict(trainer.cfg), payload={"trainer": trainer}), "bench")
    snaps, updates = 0, 0
    rows: list[dict] = []
    metrics: list[dict] = []
    t0 = time.perf_counter()
    last = None
    while time.perf_counter() - t0 < seconds:
        rows = job.history
        if job.toy is not None and job.toy is not last:
            snaps += 1  # (counted when seen: what a page polling as often as this loop would get)
            last = job.toy
        if draw and last is not None:
            metrics.append(snapshot_metrics(last, "ring"))
            render_pictures({"A": last}, {"A": rows}, {"A": metrics})  # the live view draws pictures
            updates += 1
        else:
            time.sleep(0.2)
    elapsed = time.perf_counter() - t0
    steps = job.step
    job.control("bench", "stop")
    job.join(5)
    return steps / elapsed, snaps / elapsed, updates / elapsed


WATCH = """() => {
  const canvas = () => document.querySelector('canvas[data-testid=gan-plane]');
  window.__seen = {text: null, step: null, nText: 0, nStep: 0, draws0: Number(canvas()?.dataset.draws || 0)};
  const check = () => {
    const p = Array.from(document.querySelectorAll('p')).find(e => /Run · step \\d/.test(e.innerText));
    const cv = canvas();
    if (p && p.innerText !== window.__seen.text) { window.__seen.text = p.innerText; window.__seen.nText++; }
    if (cv && cv.dataset.step !== window.__seen.step) { window.__seen.step = cv.dataset.step; window.__seen.nStep++; }
  };
  new MutationObserver(check).observe(document.body, {subtree: true, childList: true, characterData: true,
                                                      attributes: true, attributeFilter: ['data-step']});
}"""


def browser_rate(seconds: float, port: int = 8599, shot: str | None = None) -> str:
    """Updates/s of the step counter in a real browser while the page trains."""
    from playwright.sync_api import sync_playwright
    env = dict(os.environ, GAN_DATA_DIR=os.environ.get("GAN_DATA_DIR", str(ROOT.parent / "shared" / "data")))
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless",
                               "true", "--server.port", str(port), "--server.address", "127.0.0.1",
                               "--browser.gatherUsageStats", "false"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                        args=["--headless", "--no-sandbox", "--disable-gpu",
                                              "--disable-background-networking"])
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            for _ in range(60):
                try:
                    page.goto(f"http://127.0.0.1:{port}/playground", timeout=5000)
                    break
                except Exception:
                    time.sleep(1)
            page.get_by_role("button", name="Play").wait_for(timeout=60_000)
            page.get_by_role("button", name="Play").click()
            page.get_by_role("button", name="Pause").wait_for(timeout=30_000)
            page.wait_for_selector("canvas[data-testid=gan-plane]", timeout=30_000)
            # count in the page itself (a MutationObserver): polling from Playwright every few ms kept the
            # browser's main thread busy and cost about one update a second of what it measured
            page.evaluate(WATCH)
            t0 = time.perf_counter()
            time.sleep(seconds)
            seen = page.evaluate("() => ({...window.__seen, draws1: Number(document.querySelector("
                                 "'canvas[data-testid=gan-plane]').dataset.draws)})")
            elapsed = time.perf_counter() - t0
            rate, snap_rate = seen["nText"] / elapsed, seen["nStep"] / elapsed
            draw_rate = (seen["draws1"] - seen["draws0"]) / elapsed
            steps = [seen["text"]] if seen["text"] else []
            if shot:
                page.screenshot(path=shot, full_page=True)
            page.get_by_role("button", name="Pause").click()
            page.get_by_role("button", name="Reset").click()
            time.sleep(1)
            browser.close()
        return (f"{snap_rate:.1f} distinct snapshots drawn/s ({draw_rate:.1f} canvas draws/s), status line "
                f"{rate:.1f} updates/s (last: {steps[-1] if steps else '-'})")
    finally:
        server.terminate()
        server.wait(10)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=4.0)
    ap.add_argument("--browser", action="store_true")
    ap.add_argument("--shot", help="with --browser: save a screenshot of the page while it trains here")
    ap.add_argument("--port", type=int, default=8599, help="with --browser: the server's port on 127.0.0.1")
    a = ap.parse_args()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} intra-op threads, {os.cpu_count()} CPUs, "
          f"load {os.getloadavg()[0]:.1f}")
    print("\n| what | rate |\n|---|---|")
    if a.browser:  # first, while the machine is quiet
        before = os.getloadavg()[0]
        result = browser_rate(max(a.seconds, 5), port=a.port, shot=a.shot)
        print(f"| real server + Chromium, one run, speed max (load average {before:.1f} before, "
              f"{os.getloadavg()[0]:.1f} after) | {result} |")
    plane, size = payload_rate(a.seconds)
    print(f"| pack the plane for the browser (gan.plots.compact, {size / 1024:.1f} KiB) | {plane:.0f} payloads/s |")
    for labels in (("A",), ("A", "B")):
        for validate in (True, False):
            rate, size = render_rate(labels, a.seconds, validate)
            print(f"| build + serialise figures, {'A/B' if len(labels) > 1 else 'one run'}, plotly validation "
                  f"{'on' if validate else 'off (page)'} ({size / 1024:.0f} KiB JSON) | {rate:.1f} updates/s |")
    for labels in (("A",), ("A", "B")):
        plane, full, size = picture_rate(labels, a.seconds)
        print(f"| draw the live pictures, {'A/B' if len(labels) > 1 else 'one run'} ({size / 1024:.0f} KiB) | "
              f"plane {plane:.1f} updates/s, plane + curve panels {full:.1f} updates/s |")
    for name, cls in (("default threads", Trainer), ("one thread (page)", OneThreadTrainer)):
        steps, snaps, _ = train_rate(cls, a.seconds, draw=False)
        print(f"| training job, {name} | {steps:.0f} steps/s, {snaps:.1f} snapshots/s |")
    steps, snaps, upd = train_rate(OneThreadTrainer, a.seconds, draw=True)
    print(f"| training job (one thread) while the main thread draws the live pictures | {steps:.0f} steps/s, "
          f"{snaps:.1f} snapshots/s, {upd:.1f} figure updates/s |")


if __name__ == "__main__":
    main()
