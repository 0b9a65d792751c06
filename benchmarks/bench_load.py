"""Load test on localhost: N concurrent sessions against one `streamlit run` server.

    python -m benchmarks.bench_load [--levels 1,5,10,20] [--clients browser,websocket]
                                    [--single 3] [--timeout 90]

Each kind of client gets its own fresh server (bundled snapshot, refresh off, a free 127.0.0.1
port) and runs every level N: N sessions at once (asyncio), each its own Streamlit session.

- browser: Debian chromium driven by Playwright, one browser context per session. A session
  opens the overview and waits for the first chart drawn ("first chart"), clicks Explorer, waits
  for its chart, adds an economy (a different one per session) and waits until the legend shows
  it ("interaction", timed from the click). This is what a person sees, but chromium runs on the
  same 2 cores as the server: from a few sessions on, the renderers' CPU dominates the times.
- websocket: the same journey spoken directly in Streamlit's protocol (BackMsg/ForwardMsg over
  /_stcore/stream), no browser: "first chart" is the time until the overview run has sent its
  first plotly chart; "interaction" asks for the explorer with the added economy in the link and
  times until that run has sent its chart and finished. This measures the server alone.

A session errs when an exception element or the page guard's "Something went wrong" message
appears, or a step times out. The server's memory is the peak resident set size (RSS) of its
process tree, sampled every 0.2 s from /proc during each level; CPU seconds of the server and of
the clients (this process and its children) are read from /proc before and after each level.

Before the levels a warm-up visit fills the server's data cache (the cold first visit is
reported on its own); N = 1 runs `--single` times in a row and its median is the single-session
time that the goal (10 sessions: 95th percentile under twice that; server under 1 GB) uses.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import contextlib
import math
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.common import print_rows, row
from benchmarks.harness import CHROMIUM, CHROMIUM_ARGS, start_app, stop_app
from dashboard.app.state import DEFAULT_ECONOMIES

ROOT = Path(__file__).resolve().parents[1]
VIEWPORT = {"width": 1280, "height": 900}
LEVELS = (1, 5, 10, 20)
GOAL_LEVEL, GOAL_RATIO, GOAL_RSS_MB = 10, 2.0, 1024.0
# Economies added by the sessions, one each in turn (names are read from the snapshot).
ECONOMIES = ("KEN", "BRA", "IND", "NGA", "IDN", "BGD", "PAK", "ETH", "EGY", "VNM")
ECONOMIES += ("MEX", "PHL", "TUR", "ZAF", "COL", "ARG", "PER", "UGA", "GHA", "NPL")
CLIENTS = ("browser", "websocket")
BENCH_TIMEOUT = 1500  # seconds, for benchmarks.run
BENCH_ORDER = 100  # run last: its 20 browsers would disturb the timings of the others
GUARD_MESSAGE = "Something went wrong"
CHART = ".js-plotly-plot .main-svg"
SETTLED = """() => {
  const app = document.querySelector('[data-testid=stApp]');
  return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
    && !document.querySelector('[data-stale=true]');
}"""
LEGEND_HAS = """(name) => Array.from(
  document.querySelectorAll('.js-plotly-plot .legend .traces')).some(
  e => e.textContent.includes(name))"""


@dataclass(frozen=True)
class SessionResult:
    """One session: seconds to the overview's first chart and for the interaction, or the error."""

    first_chart: float | None
    interaction: float | None
    error: str = ""


@dataclass
class Level:
    """All sessions of one concurrency level and the server's peak memory during it."""

    sessions: int
    results: list[SessionResult] = field(default_factory=list)
    peak_rss_mb: float = 0.0
    seconds: float = 0.0
    server_cpu: float = 0.0  # CPU seconds used by the server's process tree during the level
    client_cpu: float = 0.0  # CPU seconds used by chromium and the Playwright driver

    @property
    def errors(self) -> list[str]:
        return [r.error for r in self.results if r.error]

    def times(self, what: str) -> list[float]:
        return [getattr(r, what) for r in self.results if getattr(r, what) is not None]


# --- memory -----------------------------------------------------------------------------------
def process_tree(pid: int) -> list[int]:
    """The pid and all its descendants (from /proc/<pid>/task/*/children)."""
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                todo += [int(c) for c in task.read_text().split()]
            except OSError:
                continue
    return out


def rss_mb(pid: int) -> float:
    """Resident memory of a process tree in MB (VmRSS from /proc; 0 for processes gone)."""
    total_kb = 0
    for p in process_tree(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
        except (OSError, ValueError, IndexError):
            continue
    return total_kb / 1024


def cpu_seconds(pids: Sequence[int]) -> float:
    """User + system CPU seconds of the processes and of their children already reaped (from
    /proc/<pid>/stat), so the total of a process tree only grows while renderers come and go."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += sum(int(x) for x in fields[11:15])  # utime stime cutime cstime (14-17)
        except (OSError, ValueError, IndexError):
            continue
    return total / tick


def client_pids(server: int) -> list[int]:
    """The client side: this process (websocket clients run in it) and its descendants other
    than the server (Playwright's driver and chromium)."""
    skip = set(process_tree(server))
    return [p for p in process_tree(os.getpid()) if p not in skip]


async def sample_peak(pid: int, stop: asyncio.Event, *, every: float = 0.2) -> float:
    """The highest RSS seen until `stop` is set."""
    peak = rss_mb(pid)
    while not stop.is_set():
        peak = max(peak, rss_mb(pid))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=every)
    return max(peak, rss_mb(pid))


# --- one session ------------------------------------------------------------------------------
async def page_problem(page: Any) -> str:
    """'' or what went wrong on the page (an exception element or the guard's message)."""
    exceptions = page.locator("[data-testid=stException]")
    if await exceptions.count():
        text = " ".join((await exceptions.first.inner_text()).split())
        return f"exception element: {text[:160]}"
    if await page.get_by_text(GUARD_MESSAGE).count():
        return "page guard message"
    return ""


async def run_session(browser: Any, url: str, *, economy: str, timeout: float) -> SessionResult:
    """Open the overview, then switch to the explorer and add `economy` (a display name)."""
    context = await browser.new_context(viewport=VIEWPORT)
    page = await context.new_page()
    page.set_default_timeout(timeout * 1000)
    first = interaction = None
    try:
        start = time.perf_counter()
        await page.goto(url, wait_until="commit")
        await page.wait_for_selector(CHART)
        first = time.perf_counter() - start
        await page.wait_for_function(SETTLED)
        clicked = time.perf_counter()
        await page.get_by_role("link", name="Explorer").first.click()
        await page.wait_for_url("**/explorer**")
        await page.wait_for_function(LEGEND_HAS, arg="Low income")
        await page.wait_for_function(SETTLED)
        box = page.get_by_test_id("stMultiSelect").locator("input")
        await box.click()
        await box.fill(economy)
        await page.keyboard.press("Enter")
        await page.keyboard.press("Escape")
        await page.wait_for_function(LEGEND_HAS, arg=economy)
        interaction = time.perf_counter() - clicked
        return SessionResult(first, interaction, await page_problem(page))
    except Exception as exc:  # a timeout or a closed page: the session erred, the run goes on
        problem = await page_problem(page) if not page.is_closed() else ""
        text = f"{type(exc).__name__}: {str(exc).splitlines()[0][:120]}"
        return SessionResult(first, interaction, problem or text)
    finally:
        await context.close()


# --- one session as a websocket client (no browser) ----------------------------------------
async def ws_run(ws: Any, *, page: str, query: str, timeout: float) -> tuple[float | None, str]:
    """Ask for one script run (as a browser does on loading `page?query`) and read the server's
    messages until the run finishes: (seconds to the first plotly chart or None, problem)."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    msg = BackMsg()
    msg.rerun_script.query_string = query
    msg.rerun_script.page_name = page
    start = time.perf_counter()
    await ws.send(msg.SerializeToString())
    chart, problem = None, ""
    while True:
        remaining = timeout - (time.perf_counter() - start)
        raw = await asyncio.wait_for(ws.recv(), timeout=max(remaining, 0.01))
        fwd = ForwardMsg()
        fwd.ParseFromString(raw)
        kind = fwd.WhichOneof("type")
        if kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
            element = fwd.delta.new_element
            name = element.WhichOneof("type")
            if name == "plotly_chart" and chart is None:
                chart = time.perf_counter() - start
            elif name == "exception":
                problem = problem or f"exception element: {element.exception.message[:120]}"
            elif name == "alert" and GUARD_MESSAGE in element.alert.body:
                problem = problem or "page guard message"
        elif kind == "script_finished":
            if fwd.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
                return chart, problem
            if fwd.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                return chart, "script compile error"


async def run_ws_session(url: str, *, economy: str, timeout: float) -> SessionResult:
    """The browser session's journey over Streamlit's websocket, without a browser: load the
    overview (time to its first chart message), then load the explorer with `economy` (a code)
    added to the default economies (time until that run has sent its chart and finished)."""
    import websockets

    first = interaction = None
    try:
        async with websockets.connect(
            url.replace("http://", "ws://") + "/_stcore/stream",
            subprotocols=["streamlit"],
            max_size=None,
            open_timeout=timeout,
        ) as ws:
            chart, problem = await ws_run(ws, page="", query="", timeout=timeout)
            first = chart  # seconds from asking for the page
            if problem or chart is None:
                return SessionResult(first, None, problem or "overview sent no chart")
            clicked = time.perf_counter()
            query = "economies=" + ",".join((*DEFAULT_ECONOMIES, economy))
            chart, problem = await ws_run(ws, page="explorer", query=query, timeout=timeout)
            interaction = time.perf_counter() - clicked
            if chart is None and not problem:
                problem = "explorer sent no chart"
            return SessionResult(first, interaction, problem)
    except Exception as exc:  # a timeout or a refused connection: the session erred
        text = f"{type(exc).__name__}: {str(exc).splitlines()[0][:120] if str(exc) else ''}"
        return SessionResult(first, interaction, text)


Session = Callable[[int], Awaitable[SessionResult]]  # session number -> its result


async def run_level(session: Session, pid: int, *, sessions: int, offset: int = 0) -> Level:
    """`sessions` sessions at once; the server's peak RSS and CPU measured meanwhile."""
    stop = asyncio.Event()
    sampler = asyncio.create_task(sample_peak(pid, stop))
    server_before, client_before = cpu_seconds(process_tree(pid)), cpu_seconds(client_pids(pid))
    start = time.perf_counter()
    results = await asyncio.gather(*(session(offset + i) for i in range(sessions)))
    seconds = time.perf_counter() - start
    stop.set()
    level = Level(sessions, list(results), await sampler, seconds)
    level.server_cpu = cpu_seconds(process_tree(pid)) - server_before
    level.client_cpu = cpu_seconds(client_pids(pid)) - client_before
    return level


async def run_levels(
    session: Session, pid: int, levels: Sequence[int], *, single: int, label: str
) -> list[Level]:
    """Every level in turn; N = 1 runs `single` times in a row, merged into one Level."""
    out = []
    for n in levels:
        if n == 1:
            runs = [await run_level(session, pid, sessions=1, offset=i) for i in range(single)]
            level = Level(1, [r for lv in runs for r in lv.results])
            level.peak_rss_mb = max(lv.peak_rss_mb for lv in runs)
            level.seconds = sum(lv.seconds for lv in runs)
            level.server_cpu = sum(lv.server_cpu for lv in runs)
            level.client_cpu = sum(lv.client_cpu for lv in runs)
        else:
            level = await run_level(session, pid, sessions=n)
        out.append(level)
        print(f"{label} {summary_line(level)}", file=sys.stderr, flush=True)
    return out


# --- the whole test ---------------------------------------------------------------------------
def economy_names() -> list[str]:
    """Display names of ECONOMIES as the explorer lists them (from the bundled snapshot)."""
    from dashboard.formatting import entity_labels
    from indicators.store.snapshot import load_snapshot

    labels = entity_labels(load_snapshot())
    return [labels[c] for c in ECONOMIES if c in labels]


async def load_test(
    levels: Sequence[int] = LEVELS,
    *,
    single: int = 3,
    timeout: float = 90.0,
    clients: str = "browser",
) -> tuple[SessionResult, list[Level], float]:
    """(cold first visit, one Level per concurrency level, server RSS when idle after warm-up)
    for a fresh server and `clients` 'browser' (chromium pages) or 'websocket' (no browser)."""
    with tempfile.TemporaryDirectory() as tmp:
        proc, url = start_app(log_path=Path(tmp) / "server.log")
        try:
            if clients == "websocket":

                async def ws_session(i: int) -> SessionResult:
                    code = ECONOMIES[i % len(ECONOMIES)]
                    return await run_ws_session(url, economy=code, timeout=timeout)

                cold = await ws_session(0)
                idle = rss_mb(proc.pid)
                out = await run_levels(ws_session, proc.pid, levels, single=single,
                                       label="websocket")  # fmt: skip
                return cold, out, idle
            from playwright.async_api import async_playwright

            names = economy_names()
            async with async_playwright() as pw:
                browser = await pw.chromium.launch(
                    executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
                )
                try:

                    async def page_session(i: int) -> SessionResult:
                        name = names[i % len(names)]
                        return await run_session(browser, url, economy=name, timeout=timeout)

                    cold = await page_session(0)
                    idle = rss_mb(proc.pid)
                    out = await run_levels(page_session, proc.pid, levels, single=single,
                                           label="browser")  # fmt: skip
                    return cold, out, idle
                finally:
                    await browser.close()
        finally:
            stop_app(proc)


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def summary_line(level: Level) -> str:
    first, inter = level.times("first_chart"), level.times("interaction")
    n = len(level.results)
    return (
        f"N={level.sessions:>2}: first chart median {statistics.median(first or [math.nan]):.2f}"
        f" s p95 {percentile(first, 95):.2f} s; interaction median "
        f"{statistics.median(inter or [math.nan]):.2f} s p95 {percentile(inter, 95):.2f} s; "
        f"peak RSS {level.peak_rss_mb:.0f} MB; CPU per session: server "
        f"{level.server_cpu / n:.2f} s, clients {level.client_cpu / n:.2f} s; "
        f"wall {level.seconds:.1f} s; errors {len(level.errors)}"
        + (f" ({'; '.join(sorted(set(level.errors)))[:200]})" if level.errors else "")
    )


def rows_of(
    cold: SessionResult, levels: Sequence[Level], idle_mb: float, *, clients: str = "browser"
) -> list[dict[str, Any]]:
    """Rows in the benchmarks.common format; goals on the GOAL_LEVEL rows only."""
    single = next((lv for lv in levels if lv.sessions == 1), None)
    base = {
        what: statistics.median(single.times(what)) if single and single.times(what) else None
        for what in ("first_chart", "interaction")
    }
    prefix = f"load ({clients})"
    client_cpu = "chromium and Playwright" if clients == "browser" else "websocket clients"
    out = []
    if cold.first_chart is not None:
        out.append(row(f"{prefix}: cold first visit, overview first chart", cold.first_chart,
                       note="the first visitor fills the data cache"))  # fmt: skip
    out.append(row(f"{prefix}: server RSS idle after warm-up", idle_mb, unit="MB"))
    for lv in levels:
        label = f"{prefix} N={lv.sessions}"
        runs = f"{len(lv.results)} sessions" + (" in a row" if lv.sessions == 1 else " at once")
        for what, title in (("first_chart", "first chart"), ("interaction", "interaction")):
            times = lv.times(what)
            goal = None
            if lv.sessions == GOAL_LEVEL and base[what] is not None:
                goal = GOAL_RATIO * base[what]
            if times:
                out.append(row(f"{label}: {title}, median", statistics.median(times), note=runs))
                out.append(row(f"{label}: {title}, p95", percentile(times, 95), goal=goal,
                               note=f"goal: {GOAL_RATIO:g}x single session" if goal else ""))  # fmt: skip
        n = len(lv.results)
        out.append(row(f"{label}: server CPU per session", lv.server_cpu / n, unit="s",
                       note=f"{client_cpu}: {lv.client_cpu / n:.2f} s per session"))  # fmt: skip
        goal_mb = GOAL_RSS_MB if lv.sessions == GOAL_LEVEL else None
        out.append(row(f"{label}: server peak RSS", lv.peak_rss_mb, goal=goal_mb, unit="MB"))
        errors = "; ".join(sorted(set(lv.errors)))[:200]
        out.append(row(f"{label}: sessions with an error", len(lv.errors), goal=1,
                       unit="sessions", note=errors or "none"))  # fmt: skip
    return out


def run(
    levels: Sequence[int] = LEVELS,
    *,
    clients: Sequence[str] = CLIENTS,
    single: int = 3,
    timeout: float = 90.0,
) -> list[dict]:
    """The benchmarks.run protocol: rows of the load test with each kind of client (browser
    levels are skipped, with a row saying so, where chromium is missing)."""
    out: list[dict] = []
    for kind in clients:
        if kind == "browser" and not CHROMIUM.exists():
            out.append(row("load (browser): skipped", 0.0, unit="s", note=f"{CHROMIUM} missing"))
            continue
        result = run_async(load_test(levels, single=single, timeout=timeout, clients=kind))
        out += rows_of(*result, clients=kind)
    return out


def run_async(coroutine: Any) -> Any:
    """Run a coroutine on a fresh event loop in its own thread (the caller's thread may already
    run one, e.g. under Playwright's sync API in the same test process)."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", default=",".join(map(str, LEVELS)))
    parser.add_argument("--clients", default=",".join(CLIENTS), help="browser,websocket")
    parser.add_argument("--single", type=int, default=3, help="sequential runs at N=1")
    parser.add_argument("--timeout", type=float, default=90.0, help="seconds per session step")
    args = parser.parse_args()
    levels = [int(x) for x in args.levels.split(",") if x.strip()]
    clients = [c.strip() for c in args.clients.split(",") if c.strip()]
    unknown = set(clients) - set(CLIENTS)
    if unknown:
        parser.error(f"unknown clients {sorted(unknown)}; use {', '.join(CLIENTS)}")
    print_rows(run(levels, clients=clients, single=args.single, timeout=args.timeout))


if __name__ == "__main__":
    main()
