"""Browser test harness: a real `streamlit run` of the app and Debian's chromium via Playwright.

The server (session scope) serves the bundled snapshot on a free local port with the live
refresh disabled; it is killed at the end of the session. Tests skip with a clear reason where
chromium or Playwright is missing. Mark browser tests `@pytest.mark.browser` and put them in
the xdist group "browser" (the suite runs with `-n 2 --dist loadgroup`).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
SCREENSHOTS = ROOT / "screenshots"
VIEWPORT = {"width": 1400, "height": 1000}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(port: int, log_path: Path, *extra: str) -> subprocess.Popen:
    """`streamlit run streamlit_app.py` on 127.0.0.1:port, bundled snapshot, refresh off."""
    env = {k: v for k, v in os.environ.items() if k not in ("WSIS_STORE", "WSIS_ALLOW_REFRESH")}
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "streamlit_app.py",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        *extra,
    ]
    with log_path.open("wb") as log:
        return subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )


def wait_healthy(url: str, proc: subprocess.Popen, log_path: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{log_path.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"streamlit not healthy after {timeout}s:\n{log_path.read_text()[-3000:]}")


def stop_server(proc: subprocess.Popen) -> None:
    """Stop the server's own process group (the server and anything it started)."""
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


@pytest.fixture(scope="session")
def app_url(tmp_path_factory) -> Iterator[str]:
    """URL of a running app (session scope); the server is killed afterwards."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium to run browser tests")
    port = free_port()
    log_path = tmp_path_factory.mktemp("streamlit") / "server.log"
    proc = start_server(port, log_path)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc, log_path)
        yield url
    finally:
        stop_server(proc)


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright (never `playwright install`)."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium to run browser tests")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh light-mode page that accepts downloads."""
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True, color_scheme="light")
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    yield tab
    context.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS
