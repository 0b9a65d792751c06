"""Server CPU per visit: what one visitor costs the server, against a bare Streamlit app.

    python -m benchmarks.bench_visit [--visits 12]

A visit is the load test's websocket journey (benchmarks/bench_load.py: the overview, then the
explorer with one economy added, each economy new to the server's cache until they repeat), made
`--visits` times in a row after a warm-up visit, one at a time. CPU seconds of the server's
process tree are read from /proc before and after (issue 12's goal: at most 0.1 s per visit).
The same journey against a bare one-chart Streamlit app (`bench_pages.BARE_APP`, run with the
dashboard's server settings, `harness.SERVER_FLAGS`) shows what Streamlit itself costs per visit on this machine: the
difference is the dashboard's own cost. The machine's load average is printed beside the
figures: on a shared machine CPU seconds grow with it.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from benchmarks.bench_load import ECONOMIES, cpu_seconds, process_tree, run_async, run_ws_session
from benchmarks.bench_pages import BARE_APP
from benchmarks.common import print_rows, row
from benchmarks.harness import SERVER_FLAGS, start_app, stop_app

BENCH_TIMEOUT = 600  # seconds, for benchmarks.run
GOAL = 0.1  # server CPU seconds per visit
VISITS = 12


def load_average() -> str:
    """The 1-minute load average of the machine."""
    return Path("/proc/loadavg").read_text(encoding="utf-8").split()[0]


def cpu_per_visit(url: str, pid: int, *, visits: int, new_views: bool = True) -> tuple[float, int]:
    """(server CPU seconds per visit, visits that erred) over `visits` visits after a warm-up;
    each adds an economy no visit added before (`new_views`), or the warm-up's economy again
    (a view the server has computed already)."""
    run_async(run_ws_session(url, economy=ECONOMIES[0], timeout=120))
    before = cpu_seconds(process_tree(pid))
    errors = 0
    for number in range(visits):
        economy = ECONOMIES[(number + 1) % len(ECONOMIES)] if new_views else ECONOMIES[0]
        result = run_async(run_ws_session(url, economy=economy, timeout=120))
        errors += bool(result.error)
    return (cpu_seconds(process_tree(pid)) - before) / visits, errors


def run(visits: int = VISITS) -> list[dict]:
    """Rows (benchmarks.common protocol): CPU per visit of the dashboard and of a bare app."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        bare = Path(tmp) / "bare_app.py"
        bare.write_text(BARE_APP, encoding="utf-8")
        for name, script, cwd, extra in (
            ("dashboard", None, None, ()),
            ("bare one-chart Streamlit app", bare, Path(tmp), SERVER_FLAGS),
        ):
            if script is None:
                proc, url = start_app()
            else:
                proc, url = start_app(script, cwd=cwd or Path(tmp), extra=extra)
            try:
                modes = ((True, "each adds a new economy"), (False, "views seen before"))
                for new_views, how in modes if script is None else modes[:1]:
                    before = load_average()
                    seconds, errors = cpu_per_visit(
                        url, proc.pid, visits=visits, new_views=new_views
                    )
                    note = (
                        f"{visits} visits, {how}; {errors} erred; load average {before} -> "
                        f"{load_average()}"
                    )
                    goal = GOAL if script is None else None
                    label = f"server CPU per visit: {name}" + (
                        f" ({how})" if script is None else ""
                    )
                    rows.append(row(label, seconds, goal=goal, note=note))
            finally:
                stop_app(proc)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=VISITS)
    print_rows(run(parser.parse_args().visits))


if __name__ == "__main__":
    main()
