"""Page benchmarks: warm rerun time of every page (AppTest) and time to the first chart in a browser.

python -m benchmarks.bench_pages [--reruns 7] [--loads 3] [--no-browser]

1. AppTest: each page runs once (cold: data loading and imports), then `--reruns` more times;
   the median rerun is what a visitor waits after each click (goal: under 300 ms).
2. Browser (Debian chromium through Playwright, fresh context per load): from navigation to the
   first plotly chart drawn, for each page of `streamlit run streamlit_app.py`, and for a bare
   Streamlit page with one plotly chart served in the same run; the ratio page / bare shows
   the cost of the dashboard itself (goal: under 4 s). Pages that draw no chart by default are
   timed to their first table or heading instead, and say so. No assertions: it prints a table.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import print_rows, row
from benchmarks.harness import CHROMIUM, CHROMIUM_ARGS, start_app, stop_app
from dashboard.app.registry import DEFAULT_PAGE, PAGE_NAMES, page_spec
from indicators.store.snapshot import PROJECT_ROOT

PAGES = PAGE_NAMES
VARIANTS = {  # more explorer views worth timing (query strings)
    "explorer (slope)": "chart=slope&economies=WLD,HIC,LIC,KEN,BRA,IND",
    "explorer (ranking, all economies)": "chart=bar&ranking=economies",
    "explorer (map)": "chart=map",
}
BARE_APP = """
import plotly.graph_objects as go
import streamlit as st

st.title("Bare page")
fig = go.Figure(go.Scatter(x=list(range(2005, 2026)), y=[i * i for i in range(21)]))
st.plotly_chart(fig)
"""
REST_GOAL, BROWSER_GOAL = 0.300, 4.0


def apptest_times(
    page: str, query: str = "", reruns: int = 7, state: dict[str, str] | None = None
) -> tuple[float, float]:
    """(first run, median warm rerun) of one registered page, in seconds (after `state` is set)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_string(page_spec(page).script(), default_timeout=120)
    for pair in filter(None, query.split("&")):
        key, value = pair.split("=", 1)
        at.query_params[key] = value
    start = time.perf_counter()
    at.run()
    first = time.perf_counter() - start
    for key, value in (state or {}).items():  # e.g. open a tab, then time its reruns
        at.session_state[key] = value
        at.run()
    times = []
    for _ in range(reruns):
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
    if at.exception:
        raise RuntimeError(f"{page} raised: {at.exception}")
    return first, statistics.median(times)


def first_draw(browser, url: str) -> tuple[float, str]:
    """Seconds from navigation to the first plotly chart (else to the first table or heading)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    start = time.perf_counter()
    try:
        page.goto(url, wait_until="commit")
        page.wait_for_selector("[data-testid=stDataFrame], h1, h2, .js-plotly-plot", timeout=60_000)
        content = time.perf_counter() - start
        try:  # a chart may follow the first content
            page.wait_for_selector(".js-plotly-plot .main-svg", timeout=10_000)
            return time.perf_counter() - start, "chart"
        except Exception:
            return content, "no chart by default: time to first table or heading"
    except Exception:
        return float("nan"), "nothing drawn within 60 s"
    finally:
        context.close()


def browser_rows(loads: int) -> list[tuple[str, float, str]]:
    """(page, median seconds, what was timed) for the bare page and every dashboard page."""
    from playwright.sync_api import sync_playwright

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        bare = Path(tmp) / "bare_app.py"
        bare.write_text(BARE_APP, encoding="utf-8")
        servers = [start_app(bare, cwd=Path(tmp)), start_app()]
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                targets = [("bare Streamlit page, one plotly chart", servers[0][1])]
                app = servers[1][1]
                targets += [
                    (name, f"{app}/{'' if name == DEFAULT_PAGE else name}") for name in PAGES
                ]
                targets += [(name, f"{app}/explorer?{q}") for name, q in VARIANTS.items()]
                first_draw(browser, app)  # warm the app's data cache once (first visitor)
                for name, url in targets:
                    print(f"  timing {name} ...", file=sys.stderr, flush=True)
                    got = [first_draw(browser, url) for _ in range(loads)]
                    rows.append((name, statistics.median(t for t, _ in got), got[-1][1]))
                browser.close()
        finally:
            for proc, _ in servers:
                stop_app(proc)
    return rows


def run(reruns: int = 7, loads: int = 3, browser: bool = True) -> list[dict]:
    """Rows (benchmarks.common protocol): warm rerun per page, and browser time to first chart."""
    logging.getLogger("streamlit").setLevel(logging.ERROR)  # AppTest outside `streamlit run`
    os.chdir(PROJECT_ROOT)
    rows = []
    targets = [(p, p, "", None) for p in PAGES]
    targets += [(n, "explorer", q, None) for n, q in VARIANTS.items()]
    targets += [
        (f"sources ({tab} tab)", "sources", "", {"sources-tab": tab})
        for tab in ("Coverage", "Aggregates")
    ]
    for name, page, query, state in targets:
        first, warm = apptest_times(page, query, reruns, state)
        rows.append(
            row(
                f"warm rerun: {name}", warm, goal=REST_GOAL, note=f"first run {first * 1000:.0f} ms"
            )
        )
    if not browser:
        return rows
    if not CHROMIUM.exists():
        rows.append(
            {
                "benchmark": "browser timings",
                "value": float("nan"),
                "unit": "s",
                "goal": BROWSER_GOAL,
                "note": f"skipped: {CHROMIUM} missing",
            }
        )
        return rows
    timed = browser_rows(loads)
    bare = timed[0][1]
    for name, seconds, what in timed:
        note = f"{seconds / bare:.2f}x the bare page" + ("" if what == "chart" else f"; {what}")
        rows.append(
            row(
                f"browser, navigation to first chart: {name}",
                seconds,
                goal=BROWSER_GOAL,
                unit="s",
                note=note,
            )
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reruns", type=int, default=7)
    parser.add_argument("--loads", type=int, default=3)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    print_rows(run(args.reruns, args.loads, browser=not args.no_browser))


if __name__ == "__main__":
    main()
