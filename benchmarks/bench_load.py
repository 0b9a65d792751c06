"""Load test on localhost: N concurrent sessions against one `streamlit run` server, or
against replicas behind nginx.

    python -m benchmarks.bench_load [--levels 1,5,10,20] [--clients browser,websocket]
                                    [--single 3] [--timeout 90] [--replicas 1,2 | --url URL]

Each kind of client gets its own fresh server (bundled snapshot, refresh off, a free 127.0.0.1
port) and runs every level N: N sessions at once (asyncio), each its own Streamlit session.
`--replicas N` (a list runs each in turn) starts N replicas behind nginx instead, through the
same code as `make serve` (deploy/serve.py): sessions then go through the proxy, take its
affinity cookie first as a browser does, and the memory and CPU are those of all replicas
(nginx's CPU is noted apart). Two or more replica counts also give the ratio of their sessions
per second. `--url` targets a server that is already running (a deployment): no memory or CPU.

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
reported on its own; behind the proxy every replica gets its warm-up visit directly); N = 1 runs
`--single` times in a row and its median is the single-session time that the goal (10 sessions:
95th percentile under twice that, three times behind the proxy; server under 1 GB) uses.
Sessions per second are the sessions of a level over its wall time.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import contextlib
import math
import os
import re
import statistics
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.common import print_rows, row
from benchmarks.harness import CHROMIUM, CHROMIUM_ARGS, free_port, start_app, stop_app
from dashboard.app.state import DEFAULT_ECONOMIES
from deploy.serve import AFFINITY_COOKIE, Cluster

ROOT = Path(__file__).resolve().parents[1]
VIEWPORT = {"width": 1280, "height": 900}
LEVELS = (1, 5, 10, 20)
GOAL_LEVEL, GOAL_RATIO, GOAL_RSS_MB = 10, 2.0, 1024.0
PROXY_GOAL_RATIO = 3.0  # behind the proxy (issue 12): p95 at GOAL_LEVEL within 3x one session
SCALE_LEVEL, SCALE_GOAL = 50, 1.7  # sessions/s of 2 replicas over 1, at 50 sessions
# Economies added by the sessions, one each in turn (names are read from the snapshot).
ECONOMIES = ("KEN", "BRA", "IND", "NGA", "IDN", "BGD", "PAK", "ETH", "EGY", "VNM")
ECONOMIES += ("MEX", "PHL", "TUR", "ZAF", "COL", "ARG", "PER", "UGA", "GHA", "NPL")
CLIENTS = ("browser", "websocket")
BENCH_TIMEOUT = 1500  # seconds, for benchmarks.run
BENCH_ORDER = 100  # run last: its 20 browsers would disturb the timings of the others
GUARD_MESSAGE = "Something went wrong"
# what the app's first-chart script sets once the first chart is drawn (setStateValue in
# dashboard/app/first_chart.py; tests/test_bench_load.py checks they agree)
DRAWN_STATE = '{"drawn": true}'
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
    proxy_cpu: float = 0.0  # CPU seconds used by nginx (behind the proxy only)
    split: tuple[int, ...] = ()  # sessions (websockets) per replica, from nginx's access log
    # the machine's 1-minute load average when the level began and ended (/proc/loadavg): other
    # work on the same cores inflates the times, and this says how much of it there was
    load: tuple[float, float] = (math.nan, math.nan)

    @property
    def errors(self) -> list[str]:
        return [r.error for r in self.results if r.error]

    def times(self, what: str) -> list[float]:
        return [getattr(r, what) for r in self.results if getattr(r, what) is not None]

    @property
    def sessions_per_second(self) -> float:
        """Sessions completed without an error over the level's wall time."""
        done = len(self.results) - len(self.errors)
        return done / self.seconds if self.seconds > 0 else 0.0


@dataclass(frozen=True)
class Target:
    """What the sessions load: its URL, the app's processes (one server, or every replica),
    nginx's, and each replica's own URL (for its warm-up visit)."""

    url: str
    app_pids: tuple[int, ...] = ()
    proxy_pids: tuple[int, ...] = ()
    replica_urls: tuple[str, ...] = ()
    replicas: int = 0  # 0: one server without the proxy
    label: str = ""
    access_log: Path | None = None  # nginx's, naming the replica of each request

    def websockets_per_replica(self) -> Counter[str]:
        """Websocket sessions each replica has had so far (nginx logs them when they close)."""
        if self.access_log is None or not self.access_log.exists():
            return Counter()
        text = self.access_log.read_text(encoding="utf-8", errors="replace")
        return Counter(re.findall(r'"GET /_stcore/stream [^"]*" 101 \d+ upstream=(\S+)', text))

    @property
    def sticky(self) -> bool:
        """Sessions take the proxy's affinity cookie first, as a browser's page load does."""
        return self.replicas > 0 or not self.app_pids


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


def trees(pids: Sequence[int]) -> list[int]:
    """The processes and all their descendants."""
    return [p for pid in pids for p in process_tree(pid)]


def rss_mb(pid: int | Sequence[int]) -> float:
    """Resident memory of a process tree (or of several) in MB (VmRSS from /proc; 0 for
    processes gone)."""
    total_kb = 0
    for p in process_tree(pid) if isinstance(pid, int) else trees(pid):
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


def load_average() -> float:
    """The machine's 1-minute load average (NaN where /proc/loadavg cannot be read)."""
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return math.nan


def client_pids(servers: Sequence[int]) -> list[int]:
    """The client side: this process (websocket clients run in it) and its descendants other
    than the servers (Playwright's driver and chromium)."""
    skip = set(trees(servers))
    return [p for p in process_tree(os.getpid()) if p not in skip]


async def sample_peak(pids: Sequence[int], stop: asyncio.Event, *, every: float = 0.2) -> float:
    """The highest summed RSS of the process trees seen until `stop` is set."""
    peak = rss_mb(pids)
    while not stop.is_set():
        peak = max(peak, rss_mb(pids))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=every)
    return max(peak, rss_mb(pids))


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
async def ws_run(
    ws: Any,
    *,
    page: str,
    query: str,
    timeout: float,
    states: dict[str, str] | None = None,
    components: list[tuple[str, str]] | None = None,
    fragment: str = "",
    elements: list[tuple[str, str, str]] | None = None,
    page_hash: list[str] | None = None,
) -> tuple[float | None, str]:
    """Ask for one script run (as a browser does on loading `page?query`, with the JSON
    `states` of widgets by id) and read the server's messages until the run finishes: (seconds
    to the first plotly chart or None, problem). The components the run drew are added to
    `components` as (id, id of the fragment they are in or ''). With `fragment`, the run is
    that fragment's alone, as a browser asks when a widget inside a fragment changes. Every
    element the run sends is added to `elements` as (type, fragment id or '', its heading's
    or text's body or ''). `page_hash`: the hash of the page the session is on, sent with the
    run and set from the server's answer, as a browser keeps it (a fragment's rerun needs it)."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    msg = BackMsg()
    msg.rerun_script.query_string = query
    msg.rerun_script.page_name = page
    msg.rerun_script.fragment_id = fragment
    if page_hash:
        msg.rerun_script.page_script_hash = page_hash[0]
    for widget_id, value in (states or {}).items():
        msg.rerun_script.widget_states.widgets.add(id=widget_id, json_value=value)
    start = time.perf_counter()
    await ws.send(msg.SerializeToString())
    chart, problem = None, ""
    async with asyncio.timeout(timeout):  # one deadline for the run (cheaper than one a message)
        while True:
            raw = await ws.recv()
            fwd = ForwardMsg()
            fwd.ParseFromString(raw)
            kind = fwd.WhichOneof("type")
            if kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                element = fwd.delta.new_element
                name = element.WhichOneof("type")
                if elements is not None:
                    body = getattr(getattr(element, name), "body", "") if name else ""
                    elements.append((name or "", fwd.delta.fragment_id, str(body)))
                if name == "plotly_chart" and chart is None:
                    chart = time.perf_counter() - start
                elif name == "bidi_component" and components is not None:
                    components.append((element.bidi_component.id, fwd.delta.fragment_id))
                elif name == "exception":
                    problem = problem or f"exception element: {element.exception.message[:120]}"
                elif name == "alert" and GUARD_MESSAGE in element.alert.body:
                    problem = problem or "page guard message"
            elif kind == "navigation" and page_hash is not None:  # the page the run drew
                page_hash[:] = [fwd.navigation.page_script_hash]
            elif kind == "script_finished":
                if fwd.script_finished in (
                    ForwardMsg.FINISHED_SUCCESSFULLY,
                    ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
                ):
                    return chart, problem
                if fwd.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    return chart, "script compile error"


def affinity_cookie(url: str, *, timeout: float) -> str:
    """The proxy's affinity cookie ("name=value") from loading the page, as a browser does;
    '' when the server sets none (no proxy)."""
    with urllib.request.urlopen(url + "/", timeout=timeout) as resp:
        for header in resp.headers.get_all("Set-Cookie") or []:
            if header.startswith(f"{AFFINITY_COOKIE}="):
                return header.split(";", 1)[0]
    return ""


async def run_ws_session(
    url: str, *, economy: str, timeout: float, sticky: bool = False, cookie: str = ""
) -> SessionResult:
    """The browser session's journey over Streamlit's websocket, without a browser: load the
    overview (time to its first chart message), then load the explorer with `economy` (a code)
    added to the default economies (time until that run has sent its chart and finished).
    When the app mounts its first-chart script, the session then says the chart is drawn, as
    the browser's script does (for the fragment it sits in, where it does), and waits for the
    rest of the overview (untimed, but its CPU counts). `sticky`: first load the page for the proxy's affinity cookie (untimed) and send
    it; `cookie` ("name=value"): send that one."""
    import websockets

    first = interaction = None
    try:
        if sticky and not cookie:
            cookie = await asyncio.to_thread(affinity_cookie, url, timeout=timeout)
        headers = {"Cookie": cookie} if cookie else {}
        async with websockets.connect(
            url.replace("http://", "ws://") + "/_stcore/stream",
            subprotocols=["streamlit"],
            max_size=None,
            open_timeout=timeout,
            additional_headers=headers,
        ) as ws:
            helper: list[tuple[str, str]] = []
            at: list[str] = []  # the page's hash, as the browser keeps it
            chart, problem = await ws_run(
                ws, page="", query="", timeout=timeout, components=helper, page_hash=at
            )
            first = chart  # seconds from asking for the page
            if problem or chart is None:
                return SessionResult(first, None, problem or "overview sent no chart")
            if helper:  # the app's first-chart script says the chart is drawn, as a browser's
                # does a frame after it (dashboard/app/first_chart.py): the rest of the page
                (helper_id, fragment), *_ = helper
                await ws_run(
                    ws,
                    page="",
                    query="",
                    timeout=timeout,
                    states={helper_id: DRAWN_STATE},
                    fragment=fragment,
                    page_hash=at,
                )
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


async def run_level(session: Session, target: Target, *, sessions: int, offset: int = 0) -> Level:
    """`sessions` sessions at once; the servers' peak RSS and CPU measured meanwhile."""
    app, proxy = target.app_pids, target.proxy_pids
    stop = asyncio.Event()
    sampler = asyncio.create_task(sample_peak(app, stop))
    server_before, proxy_before = cpu_seconds(trees(app)), cpu_seconds(trees(proxy))
    client_before = cpu_seconds(client_pids((*app, *proxy)))
    split_before = target.websockets_per_replica()
    load_before = load_average()
    start = time.perf_counter()
    results = await asyncio.gather(*(session(offset + i) for i in range(sessions)))
    seconds = time.perf_counter() - start
    stop.set()
    level = Level(sessions, list(results), await sampler, seconds)
    level.load = (load_before, load_average())
    if target.replicas:
        await asyncio.sleep(0.2)  # nginx writes a websocket's line when it has closed
        split = target.websockets_per_replica() - split_before
        level.split = tuple(sorted(split.values(), reverse=True))
    level.server_cpu = cpu_seconds(trees(app)) - server_before
    level.proxy_cpu = cpu_seconds(trees(proxy)) - proxy_before
    level.client_cpu = cpu_seconds(client_pids((*app, *proxy))) - client_before
    return level


async def run_levels(
    session: Session, target: Target, levels: Sequence[int], *, single: int, label: str
) -> list[Level]:
    """Every level in turn; N = 1 runs `single` times in a row, merged into one Level."""
    out = []
    for n in levels:
        if n == 1:
            runs = [await run_level(session, target, sessions=1, offset=i) for i in range(single)]
            level = Level(1, [r for lv in runs for r in lv.results])
            level.peak_rss_mb = max(lv.peak_rss_mb for lv in runs)
            level.seconds = sum(lv.seconds for lv in runs)
            level.server_cpu = sum(lv.server_cpu for lv in runs)
            level.client_cpu = sum(lv.client_cpu for lv in runs)
            level.proxy_cpu = sum(lv.proxy_cpu for lv in runs)
            level.load = (runs[0].load[0], runs[-1].load[1])
        else:
            level = await run_level(session, target, sessions=n)
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


@contextlib.asynccontextmanager
async def serve_target(replicas: int = 0, *, url: str = "") -> AsyncIterator[Target]:
    """The server the sessions load: `url` (already running), else a fresh `streamlit run`
    (replicas 0), else `replicas` replicas behind nginx started as `make serve` starts them;
    stopped afterwards. Bundled snapshot, refresh off."""
    if url:
        yield Target(url.rstrip("/"), replica_urls=(url.rstrip("/"),), label=url)
        return
    env = {k: v for k, v in os.environ.items() if k not in ("WSIS_STORE", "WSIS_ALLOW_REFRESH")}
    with tempfile.TemporaryDirectory() as tmp:
        if replicas == 0:
            proc, app_url = await asyncio.to_thread(start_app, log_path=Path(tmp) / "server.log")
            try:
                yield Target(app_url, (proc.pid,), replica_urls=(app_url,))
            finally:
                await asyncio.to_thread(stop_app, proc)
            return
        cluster = Cluster(replicas=replicas, port=free_port(), run_dir=Path(tmp) / "serve", env=env)
        await asyncio.to_thread(cluster.start)
        try:
            assert cluster.nginx is not None
            yield Target(
                cluster.url,
                tuple(cluster.replica_pids),
                (cluster.nginx.pid,),
                tuple(r.url for r in cluster.members),
                replicas,
                f"{replicas} replica{'s' if replicas > 1 else ''} behind nginx",
                cluster.access_log,
            )
        finally:
            await asyncio.to_thread(cluster.stop)


async def load_test(
    levels: Sequence[int] = LEVELS,
    *,
    single: int = 3,
    timeout: float = 90.0,
    clients: str = "browser",
    replicas: int = 0,
    url: str = "",
) -> tuple[SessionResult, list[Level], float]:
    """(cold first visit, one Level per concurrency level, server RSS when idle after warm-up)
    for a fresh server (or `replicas` behind nginx, or `url`) and `clients` 'browser'
    (chromium pages) or 'websocket' (no browser)."""
    async with serve_target(replicas, url=url) as target:
        return await load_target(target, levels, single=single, timeout=timeout, clients=clients)


async def load_target(
    target: Target, levels: Sequence[int], *, single: int, timeout: float, clients: str
) -> tuple[SessionResult, list[Level], float]:
    """The levels against one running target (see `load_test`)."""
    label = f"{clients}{', ' + target.label if target.label else ''}"
    if clients == "websocket":

        async def ws_session(i: int, at: str = target.url) -> SessionResult:
            code = ECONOMIES[i % len(ECONOMIES)]
            return await run_ws_session(at, economy=code, timeout=timeout, sticky=target.sticky)

        # every replica's first visit, straight to it: the cold one is reported
        warm = [await ws_session(0, at) for at in target.replica_urls]
        cold = warm[0]
        idle = rss_mb(target.app_pids)
        out = await run_levels(ws_session, target, levels, single=single, label=label)
        return cold, out, idle
    from playwright.async_api import async_playwright

    names = economy_names()
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:

            async def page_session(i: int, at: str = target.url) -> SessionResult:
                name = names[i % len(names)]
                return await run_session(browser, at, economy=name, timeout=timeout)

            warm = [await page_session(0, at) for at in target.replica_urls]
            cold = warm[0]
            idle = rss_mb(target.app_pids)
            out = await run_levels(page_session, target, levels, single=single, label=label)
            return cold, out, idle
        finally:
            await browser.close()


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
    proxy = f", nginx {level.proxy_cpu / n:.3f} s" if level.proxy_cpu else ""
    return (
        f"N={level.sessions:>2}: first chart median {statistics.median(first or [math.nan]):.2f}"
        f" s p95 {percentile(first, 95):.2f} s; interaction median "
        f"{statistics.median(inter or [math.nan]):.2f} s p95 {percentile(inter, 95):.2f} s; "
        f"peak RSS {level.peak_rss_mb:.0f} MB; CPU per session: server "
        f"{level.server_cpu / n:.2f} s, clients {level.client_cpu / n:.2f} s{proxy}; "
        f"wall {level.seconds:.1f} s ({level.sessions_per_second:.2f} sessions/s); "
        f"load average {level.load[0]:.2f} -> {level.load[1]:.2f}; errors {len(level.errors)}"
        + (f" ({'; '.join(sorted(set(level.errors)))[:200]})" if level.errors else "")
    )


def rows_of(
    cold: SessionResult,
    levels: Sequence[Level],
    idle_mb: float,
    *,
    clients: str = "browser",
    target: str = "",
    goal_ratio: float = GOAL_RATIO,
    measured: bool = True,
) -> list[dict[str, Any]]:
    """Rows in the benchmarks.common format; goals on the GOAL_LEVEL rows only. `target`
    names what was loaded (e.g. "2 replicas behind nginx"); `measured` False: its memory and
    CPU could not be read (a server given by URL)."""
    single = next((lv for lv in levels if lv.sessions == 1), None)
    base = {
        what: statistics.median(single.times(what)) if single and single.times(what) else None
        for what in ("first_chart", "interaction")
    }
    prefix = f"load ({clients}{', ' + target if target else ''})"
    server = "all replicas'" if "replica" in target else "server"
    client_cpu = "chromium and Playwright" if clients == "browser" else "websocket clients"
    out = []
    if cold.first_chart is not None:
        out.append(row(f"{prefix}: cold first visit, overview first chart", cold.first_chart,
                       note="the first visitor fills the data cache"))  # fmt: skip
    if measured:
        out.append(row(f"{prefix}: {server} RSS idle after warm-up", idle_mb, unit="MB"))
    for lv in levels:
        label = f"{prefix} N={lv.sessions}"
        runs = f"{len(lv.results)} sessions" + (" in a row" if lv.sessions == 1 else " at once")
        for what, title in (("first_chart", "first chart"), ("interaction", "interaction")):
            times = lv.times(what)
            goal = None
            if lv.sessions == GOAL_LEVEL and base[what] is not None:
                goal = goal_ratio * base[what]
            if times:
                out.append(row(f"{label}: {title}, median", statistics.median(times), note=runs))
                out.append(row(f"{label}: {title}, p95", percentile(times, 95), goal=goal,
                               note=f"goal: {goal_ratio:g}x single session" if goal else ""))  # fmt: skip
        n = len(lv.results)
        rate = round(lv.sessions_per_second, 2)  # two decimals: below 1 at N = 1
        busy = (
            f"; {server} CPU {lv.server_cpu / lv.seconds:.2f} cores"
            if measured and lv.seconds
            else ""
        )
        if len(lv.split) > 1:
            busy += f"; sessions per replica {'/'.join(map(str, lv.split))}"
        busy += f"; load average {lv.load[0]:.2f} -> {lv.load[1]:.2f}"
        out.append(row(f"{label}: sessions per second", rate, unit="sessions/s",
                       note=f"{lv.seconds:.1f} s wall{busy}") | {"value": rate, "better": "higher"})  # fmt: skip
        if measured:
            note = f"{client_cpu}: {lv.client_cpu / n:.2f} s per session"
            note += f"; nginx: {lv.proxy_cpu / n:.3f} s" if "nginx" in target else ""
            out.append(row(f"{label}: {server} CPU per session", lv.server_cpu / n, unit="s",
                           note=note))  # fmt: skip
            goal_mb = GOAL_RSS_MB if lv.sessions == GOAL_LEVEL and not target else None
            out.append(row(f"{label}: {server} peak RSS", lv.peak_rss_mb, goal=goal_mb, unit="MB"))
        errors = "; ".join(sorted(set(lv.errors)))[:200]
        out.append(row(f"{label}: sessions with an error", len(lv.errors), goal=1,
                       unit="sessions", note=errors or "none"))  # fmt: skip
    return out


def scaling_rows(by_replicas: dict[int, list[Level]], *, clients: str) -> list[dict[str, Any]]:
    """Sessions per second of each replica count over the smallest one, at every level of
    several sessions; the goal (SCALE_GOAL) on 2 replicas over 1 at SCALE_LEVEL sessions."""
    if len(by_replicas) < 2:
        return []
    least = min(by_replicas)
    out = []
    for count in sorted(by_replicas):
        if count == least:
            continue
        base = {lv.sessions: lv for lv in by_replicas[least]}
        for lv in by_replicas[count]:
            ref = base.get(lv.sessions)
            if lv.sessions == 1 or ref is None or ref.sessions_per_second <= 0:
                continue
            ratio = lv.sessions_per_second / ref.sessions_per_second
            goal = SCALE_GOAL if (least, count, lv.sessions) == (1, 2, SCALE_LEVEL) else None
            out.append(row(
                f"load ({clients}) N={lv.sessions}: sessions per second, {count} replicas "
                f"over {least}", ratio, unit="x", goal=goal,
                note=f"{ratio:.2f}x: {lv.sessions_per_second:.2f} vs "
                f"{ref.sessions_per_second:.2f} sessions/s"
                + (f"; goal: at least {SCALE_GOAL:g}x" if goal else ""),
            ) | {"value": round(ratio, 2), "better": "higher"})  # fmt: skip
    return out


def run(
    levels: Sequence[int] = LEVELS,
    *,
    clients: Sequence[str] = CLIENTS,
    single: int = 3,
    timeout: float = 90.0,
    replicas: Sequence[int] = (0,),
    url: str = "",
) -> list[dict]:
    """The benchmarks.run protocol: rows of the load test with each kind of client (browser
    levels are skipped, with a row saying so, where chromium is missing), against one server
    (replicas 0), each count of replicas behind nginx in turn, or `url`."""
    out: list[dict] = []
    for kind in clients:
        if kind == "browser" and not CHROMIUM.exists():
            out.append(row("load (browser): skipped", 0.0, unit="s", note=f"{CHROMIUM} missing"))
            continue
        by_replicas: dict[int, list[Level]] = {}
        for count in [0] if url else replicas:
            result = run_async(load_test(levels, single=single, timeout=timeout, clients=kind,
                                         replicas=count, url=url))  # fmt: skip
            target = url or (
                f"{count} replica{'s' if count > 1 else ''} behind nginx" if count else ""
            )
            ratio = PROXY_GOAL_RATIO if count or url else GOAL_RATIO
            out += rows_of(*result, clients=kind, target=target, goal_ratio=ratio,
                           measured=not url)  # fmt: skip
            if count:
                by_replicas[count] = result[1]
        out += scaling_rows(by_replicas, clients=kind)
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
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--replicas", default="0",
                        help="replicas behind nginx, e.g. 1,2 (each in turn); 0: no proxy")  # fmt: skip
    target.add_argument("--url", default="", help="load a running server (no memory, no CPU)")
    args = parser.parse_args()
    levels = [int(x) for x in args.levels.split(",") if x.strip()]
    try:
        replicas = [int(x) for x in args.replicas.split(",") if x.strip()]
    except ValueError:
        parser.error(f"--replicas takes numbers separated by commas, not {args.replicas!r}")
    if not replicas or min(replicas) < 0:
        parser.error("--replicas takes counts of 0 (no proxy) or more")
    clients = [c.strip() for c in args.clients.split(",") if c.strip()]
    unknown = set(clients) - set(CLIENTS)
    if unknown:
        parser.error(f"unknown clients {sorted(unknown)}; use {', '.join(CLIENTS)}")
    print_rows(run(levels, clients=clients, single=args.single, timeout=args.timeout,
                   replicas=replicas, url=args.url))  # fmt: skip


if __name__ == "__main__":
    main()
