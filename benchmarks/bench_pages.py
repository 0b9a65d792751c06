"""Page benchmarks: warm rerun time of every page (AppTest) and time to the first chart in a browser.

python -m benchmarks.bench_pages [--reruns 7] [--loads 5] [--no-browser | --browser-only]
    [--pages overview,explorer] [--trace]

1. AppTest: each page runs once (cold: data loading and imports), then `--reruns` more times;
   the median rerun is what a visitor waits after each click (goal: under 300 ms).
2. Browser (Debian chromium through Playwright, fresh context per load): from navigation to the
   frame that shows the first plotly chart (timed in the page, not by polling), for each page of `streamlit run streamlit_app.py`, and for a bare
   Streamlit page with one plotly chart served in the same run; the ratio page / bare shows
   the cost of the dashboard itself (goal: under 4 s; issue 12: within 1.3x). The bare page and
   each page are loaded in turn (bare, page, bare, page, ..., `--loads` pairs), and a page's
   ratio is the median of its per-pair ratios, so a busy moment of a shared machine weighs on
   both; /proc/loadavg is recorded. Pages that draw no chart by default are timed to their
   first table or heading instead, and say so. No assertions: it prints a table.

`--trace` prints each page's browser timeline instead (first websocket message, first
element, chart mounted and drawn, what else was on the page then, CSS and plotly files).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from benchmarks.common import print_rows, row
from benchmarks.harness import CHROMIUM, CHROMIUM_ARGS, SERVER_FLAGS, start_app, stop_app
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


TIMELINE_SCRIPT = """
(() => {
  const t = {};
  const seen = (name, ok) => { if (!(name in t) && ok()) t[name] = performance.now(); };
  const watch = () => {
    seen('first element', () => document.querySelector('[data-testid=stElementContainer]'));
    seen('title', () => document.querySelector('h1'));
    seen('chart mounted', () => document.querySelector('.js-plotly-plot'));
    seen('chart drawn', () => document.querySelector('.js-plotly-plot .main-svg'));
    if ('chart drawn' in t && !('elements at first chart' in t)) {
      t['elements at first chart'] = document.querySelectorAll(
        '[data-testid=stElementContainer]').length;
      t['charts mounted at first chart'] = document.querySelectorAll('.js-plotly-plot').length;
      t['sidebar elements at first chart'] = document.querySelectorAll(
        '[data-testid=stSidebar] [data-testid=stElementContainer]').length;
    }
  };
  new MutationObserver(watch).observe(document, {subtree: true, childList: true});
  window.__wsisTimeline = t;
})();
"""


@contextlib.contextmanager
def bare_and_app() -> Iterator[tuple[Any, str, str]]:
    """(a chromium browser, the bare page's URL, the dashboard's URL): both apps served by
    `streamlit run` for the duration, stopped afterwards."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        bare = Path(tmp) / "bare_app.py"
        bare.write_text(BARE_APP, encoding="utf-8")
        servers = [start_app(bare, cwd=Path(tmp), extra=SERVER_FLAGS), start_app()]
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                try:
                    yield browser, servers[0][1], servers[1][1]
                finally:
                    browser.close()
        finally:
            for proc, _ in servers:
                stop_app(proc)


def page_targets(app: str, pages: list[str] | None) -> list[tuple[str, str]]:
    """(name, URL) of every page and explorer variant timed, or only those in `pages`."""
    targets = [(name, f"{app}/{'' if name == DEFAULT_PAGE else name}") for name in PAGES]
    targets += [(name, f"{app}/explorer?{q}") for name, q in VARIANTS.items()]
    return [t for t in targets if not pages or t[0] in pages]


PAINT_SCRIPT = """
(() => {
  // When the first plotly chart is drawn (its SVG in the page, and for a map its shapes),
  // record the next animation frame: the frame that shows it. Recorded inside the page, so
  // the figure does not depend on how often Playwright polls (its waits back off to 0.5 s).
  let done = false;
  const drawn = () => [...document.querySelectorAll('.js-plotly-plot')].some(
    gd => gd.querySelector('.main-svg') && (!gd.querySelector('.geo') || gd.querySelector('.geo path')));
  const content = () => document.querySelector('[data-testid=stDataFrame], h1, h2');
  const watch = () => {
    if (!('content' in window.__wsisPaint) && content()) {
      window.__wsisPaint.content = performance.now();
    }
    if (done || !drawn()) return;
    done = true;
    requestAnimationFrame(() => { window.__wsisPaint.chart = performance.now(); });
  };
  window.__wsisPaint = {};
  new MutationObserver(watch).observe(document, {subtree: true, childList: true});
})();
"""


def first_draw(browser, url: str, *, trace: bool = False) -> tuple[float, str, dict[str, float]]:
    """Seconds from navigation to the frame that shows the first plotly chart (else to the first
    table or heading), what was timed, and (with `trace`) the page's timeline in ms from
    navigation: first websocket message, first element, chart mounted and drawn, and what was
    on the page then.

    Times are taken in the page (`performance.now()`, from the navigation's start): the first
    frame after the chart's SVG (and a map's shapes) is in the page (PAINT_SCRIPT)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.add_init_script(PAINT_SCRIPT)
    timeline: dict[str, float] = {}
    if trace:
        page.add_init_script(TIMELINE_SCRIPT)
        frames: list[float] = []
        page.on(
            "websocket",
            lambda ws: ws.on("framereceived", lambda _: frames.append(time.perf_counter())),
        )
    start = time.perf_counter()
    try:
        page.goto(url, wait_until="commit")
        page.wait_for_function(
            "window.__wsisPaint && 'content' in window.__wsisPaint", timeout=60_000
        )
        try:  # a chart may follow the first content
            page.wait_for_function("'chart' in window.__wsisPaint", timeout=10_000)
            what = "chart"
        except Exception:
            what = "no chart by default: time to first table or heading"
        paint = page.evaluate("window.__wsisPaint")
        took = float(paint["chart" if what == "chart" else "content"]) / 1000
        if trace:
            timeline = dict(page.evaluate("window.__wsisTimeline || {}"))
            nav = page.evaluate("performance.timing.navigationStart")
            origin = page.evaluate("performance.timeOrigin")
            timeline["(origin offset)"] = origin - nav
            timeline["chart painted"] = took * 1000
            if frames:
                timeline["first websocket message (wall)"] = (frames[0] - start) * 1000
                timeline["websocket messages before chart (wall)"] = sum(
                    1 for f in frames if f - start <= took
                )
            for entry in page.evaluate(
                "performance.getEntriesByType('resource').map(e => [e.name, e.responseEnd])"
            ):
                if entry[0].endswith(".css") or "plotly" in entry[0].lower():
                    key = "resource " + entry[0].rsplit("/", 1)[-1][:40]
                    timeline[key] = entry[1]
        return took, what, timeline
    except Exception:
        return float("nan"), "nothing drawn within 60 s", timeline
    finally:
        context.close()


def load_average() -> str:
    """The machine's load average (1, 5, 15 min) as /proc/loadavg gives it."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def browser_rows(loads: int, pages: list[str] | None = None) -> list[tuple[str, float, float, str]]:
    """(page, median seconds, median of per-pair ratios to the bare page, what was timed).

    The bare page and each dashboard page are loaded in turn, load by load (bare, page, bare,
    page, ...), so that both see the same moment of a shared, noisy machine; a page's ratio is
    the median over its `loads` pairs of page / bare. The bare row is the median of every bare
    load (its ratio 1.0).
    """
    rows = []
    with bare_and_app() as (browser, bare_url, app):
        targets = page_targets(app, pages)
        first_draw(browser, app)  # warm the app's data cache once (first visitor)
        first_draw(browser, bare_url)
        bare_times: list[float] = []
        for name, url in targets:
            print(f"  timing {name} ...", file=sys.stderr, flush=True)
            first_draw(browser, url)  # warm this page's own cached results
            pairs = []
            what = ""
            for _ in range(loads):
                base = first_draw(browser, bare_url)[0]
                took, what, _ = first_draw(browser, url)
                bare_times.append(base)
                pairs.append((took, took / base))
            rows.append(
                (
                    name,
                    statistics.median(t for t, _ in pairs),
                    statistics.median(r for _, r in pairs),
                    what,
                )
            )
    bare_row = (
        "bare Streamlit page, one plotly chart",
        statistics.median(bare_times),
        1.0,
        "chart",
    )
    return [bare_row, *rows]


def timelines(loads: int, pages: list[str] | None = None) -> None:
    """Print each page's browser timeline (median ms over `loads`), the bare page's first."""
    with bare_and_app() as (browser, bare_url, app):
        targets = [("bare", bare_url), *page_targets(app, pages)]
        first_draw(browser, app)
        print(f"load average {load_average()}")
        for name, url in targets:
            first_draw(browser, url)
            got = [first_draw(browser, url, trace=True) for _ in range(loads)]
            keys = dict.fromkeys(k for _, _, tl in got for k in tl)
            print(f"\n{name}: first chart {statistics.median(t for t, _, _ in got):.2f} s")
            for key in keys:
                values = [tl[key] for _, _, tl in got if key in tl]
                print(f"  {key:<50} {statistics.median(values):>9.0f}")


def run(
    reruns: int = 7, loads: int = 5, browser: bool = True, pages: list[str] | None = None
) -> list[dict]:
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
    for name, page, query, state in targets if reruns > 0 else []:
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
    before = load_average()
    timed = browser_rows(loads, pages)
    after = load_average()
    rows.append(
        row(
            "browser timings: load average (1 min) when they began",
            float(before.split()[0]) if before != "unknown" else float("nan"),
            unit="load",
            note=f"/proc/loadavg {before} at the start, {after} at the end",
        )
    )
    for name, seconds, ratio, what in timed:
        note = f"{ratio:.2f}x the bare page (median of {loads} interleaved pairs)"
        note += "" if what == "chart" else f"; {what}"
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
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--browser-only", action="store_true", help="skip the AppTest reruns")
    parser.add_argument("--pages", default="", help="comma-separated page names (browser part)")
    parser.add_argument("--trace", action="store_true", help="print each page's timeline")
    args = parser.parse_args()
    pages = [p.strip() for p in args.pages.split(",") if p.strip()] or None
    if args.trace:
        timelines(args.loads, pages)
        return
    reruns = 0 if args.browser_only else args.reruns
    print_rows(run(reruns, args.loads, browser=not args.no_browser, pages=pages))


if __name__ == "__main__":
    main()
