"""Browser test harness: a real `streamlit run` of the app and Debian's chromium via Playwright.

The server (session scope) serves the bundled snapshot on a free local port with the live
refresh disabled; it is killed at the end of the session. Tests skip with a clear reason where
chromium or Playwright is missing. Mark browser tests `@pytest.mark.browser` and put them in
the xdist group "browser" (the suite runs with `-n 2 --dist loadgroup`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.harness import CHROMIUM, CHROMIUM_ARGS, DESKTOP, start_app, stop_app

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "screenshots"


@pytest.fixture(scope="session")
def app_url(tmp_path_factory) -> Iterator[str]:
    """URL of a running app (session scope); the server is killed afterwards."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium to run browser tests")
    log_path = tmp_path_factory.mktemp("streamlit") / "server.log"
    proc, url = start_app(log_path=log_path)
    try:
        yield url
    finally:
        stop_app(proc)


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
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True, color_scheme="light")
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    yield tab
    context.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS
