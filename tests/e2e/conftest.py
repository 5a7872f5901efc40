"""Fixtures for the real-browser tests: a `streamlit run app.py` server on a free loopback port, and
Debian's Chromium driven by Playwright (never a downloaded browser).

Without /usr/bin/chromium (or Playwright) the tests skip on a laptop and fail with a clear message
under CI (``CI=true``), so a CI image that lost its browser cannot pass silently.
"""
from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync"]
START_TIMEOUT_S = 90.0
EXCEPTION = '[data-testid="stException"]'
PLAIN_ERROR = "Something went wrong on our side"  # ui.errors.guard's message for an unexpected exception


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require_browser() -> None:
    """Skip (or fail under CI) when the browser tests cannot run here."""
    problem = None
    if not os.path.exists(CHROMIUM):
        problem = (f"Debian's Chromium is not at {CHROMIUM}; install it with `apt-get install -y chromium` "
                   "(.ci/run does this). The tests never download a browser.")
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "Playwright for Python is not installed (pip install -r requirements-dev.txt)"
    if problem:
        if in_ci():
            pytest.fail(problem, pytrace=False)
        pytest.skip(problem)


def first_free_port(candidates) -> int | None:
    """The first of ``candidates`` free on loopback (0 stands for any free port), or None."""
    for port in candidates:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]
    return None


def free_port() -> int:
    """A free loopback port: the first free one of GAN_E2E_PORTS ("8641-8649") when set, else any."""
    lo, _, hi = os.environ.get("GAN_E2E_PORTS", "").partition("-")
    candidates = range(int(lo), int(hi or lo) + 1) if lo.strip().isdigit() else [0]
    port = first_free_port(candidates)
    if port is None:
        raise RuntimeError(f"no free port in GAN_E2E_PORTS={os.environ['GAN_E2E_PORTS']}")
    return port


@dataclass
class Server:
    url: str
    proc: subprocess.Popen
    log: Path

    @property
    def pid(self) -> int:
        return self.proc.pid

    def log_tail(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""

    def peak_rss_mb(self) -> float:
        """VmHWM (peak resident set) of the server process, in MiB."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")


def server_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("GAN_DATA_DIR", str(ROOT.parent / "shared" / "data"))
    env.update(HF_HUB_OFFLINE="1", GAN_OFFLINE="1", HF_HUB_DISABLE_TELEMETRY="1", PYTHONUNBUFFERED="1",
               STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    env.update(extra)
    return env


@contextlib.contextmanager
def streamlit_server(name: str = "server", timeout: float = START_TIMEOUT_S, **env: str):
    """Start `streamlit run app.py` on a free port of 127.0.0.1; yield a :class:`Server` once
    /_stcore/health answers; always terminate it (and its process group) afterwards."""
    port = free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    log = ARTIFACTS / f"{name}.log"
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true"]
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=server_env(**env), stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    server = Server(url=f"http://127.0.0.1:{port}", proc=proc, log=log)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with code {proc.returncode}:\n{server.log_tail()}")
            try:
                with urllib.request.urlopen(server.url + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not answer /_stcore/health within {timeout:.0f} s:\n"
                                   f"{server.log_tail()}")
            time.sleep(0.2)
        yield server
    finally:
        stop_process(proc)


def stop_process(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)


@pytest.fixture(scope="session")
def browser():
    require_browser()
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="session")
def server(browser):
    """One app server shared by the browser tests (default limits)."""
    with streamlit_server("server-e2e") as s:
        yield s


@pytest.fixture
def page(browser, server):
    """A fresh visitor (its own browser context, so its own Streamlit session)."""
    with visitor(browser) as pg:
        yield pg


@contextlib.contextmanager
def visitor(browser):
    """A page in a new browser context (a visitor of its own), closed afterwards."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True, locale="en-US")
    ctx.set_default_timeout(60_000)
    try:
        yield ctx.new_page()
    finally:
        ctx.close()


def shot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def assert_no_exception(page) -> None:
    n = page.locator(EXCEPTION).count()
    assert n == 0, f"{n} Streamlit exception box(es): " + " | ".join(page.locator(EXCEPTION).all_inner_texts())[:2000]
    assert page.get_by_text(PLAIN_ERROR).count() == 0, "the page showed the unexpected-error message"
    assert page.get_by_text("Page not found").count() == 0, "Streamlit said the requested page does not exist"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On a failure, keep a screenshot of the visitor's page next to the others."""
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        pg = item.funcargs.get("page")
        if pg is not None:
            with contextlib.suppress(Exception):
                shot(pg, f"FAILED-{item.name}")
