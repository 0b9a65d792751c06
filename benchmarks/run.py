"""Run every benchmark script and write benchmarks/RESULTS.md (`make bench`).

    python -m benchmarks.run [--only NAME ...] [--timeout S] [--timeout-for NAME=S ...]
                             [--dir benchmarks] [--output benchmarks/RESULTS.md] [--list]

A benchmark script is a module ``benchmarks/bench_<name>.py`` with a top-level function
``run() -> list[dict]`` returning rows made by ``benchmarks.common.row()``: keys ``benchmark``,
``value``, ``unit``, ``goal`` (None when there is none) and ``note``; an optional key ``better``
set to ``"higher"`` marks a figure whose goal is a floor (throughput) instead of a ceiling.
Each script runs in its own subprocess (its own process group), so one that fails, hangs or
leaks a server does not stop or disturb the others: it is reported as failed with its error.

To add a benchmark: write ``benchmarks/bench_<name>.py`` with ``run()`` (and a ``main()`` that
prints the rows, for running it alone); give it ``BENCH_TIMEOUT = <seconds>`` at module level if
it needs more than the default timeout. The runner finds it by name; nothing else to register.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import json
import math
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = ROOT / "benchmarks"
DEFAULT_TIMEOUT = 900.0
ROW_KEYS = ("benchmark", "value", "unit", "goal", "note")
CHROMIUM = "/usr/bin/chromium"

# Runs inside the child: import the script by path, call run(), write the rows as JSON.
CHILD = """
import importlib.util, json, sys
path, out = sys.argv[1], sys.argv[2]
spec = importlib.util.spec_from_file_location(sys.argv[3], path)
module = importlib.util.module_from_spec(spec)
sys.modules[sys.argv[3]] = module
spec.loader.exec_module(module)
rows = module.run()
with open(out, "w", encoding="utf-8") as handle:
    json.dump(rows, handle, default=str, allow_nan=True)
"""


@dataclass(frozen=True)
class Script:
    """A discovered benchmark script: its name, file, and whether it follows the protocol."""

    name: str
    path: Path
    has_run: bool
    timeout: float | None  # BENCH_TIMEOUT declared in the script, if any
    order: float = 0.0  # BENCH_ORDER declared in the script: higher runs later (then by name)


@dataclass
class Outcome:
    """What running one script gave: its rows, or why it failed."""

    script: Script
    status: str  # "ok" | "failed" | "timed out" | "skipped"
    seconds: float = 0.0
    rows: list[dict[str, Any]] = field(default_factory=list)
    error: str = ""


def discover(folder: Path = BENCH_DIR) -> list[Script]:
    """Every bench_*.py in `folder` with its run(), BENCH_TIMEOUT and BENCH_ORDER found by
    parsing (not importing) the file, so a broken script cannot break discovery; in
    BENCH_ORDER, then name order (the load test runs last so that its browsers cannot disturb
    the other timings)."""
    scripts = []
    for path in sorted(folder.glob("bench_*.py")):
        has_run, found = False, {"BENCH_TIMEOUT": None, "BENCH_ORDER": None}
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        except (SyntaxError, UnicodeDecodeError, ValueError):
            tree = None
        for node in tree.body if tree is not None else []:
            if isinstance(node, ast.FunctionDef) and node.name == "run":
                has_run = True
            for name in found:
                if isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == name for t in node.targets
                ):
                    found[name] = _literal_number(node.value)
        # a file that does not parse is still run, so that its error is reported
        scripts.append(
            Script(path.stem, path, has_run or tree is None, found["BENCH_TIMEOUT"],
                   found["BENCH_ORDER"] or 0.0)
        )  # fmt: skip
    return sorted(scripts, key=lambda s: (s.order, s.name))


def _literal_number(node: ast.expr) -> float | None:
    """The value of a literal number in a script's source, else None."""
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError):
        return None
    return float(value) if isinstance(value, int | float) else None


def check_rows(rows: object) -> list[dict[str, Any]]:
    """The rows if they follow the protocol; ValueError saying what is wrong otherwise."""
    if not isinstance(rows, list):
        raise ValueError(f"run() returned {type(rows).__name__}, not a list of rows")
    for i, item in enumerate(rows):
        if not isinstance(item, dict):
            raise ValueError(f"row {i + 1} is {type(item).__name__}, not a dict")
        missing = [k for k in ROW_KEYS if k not in item]
        if missing:
            raise ValueError(f"row {i + 1} ({item.get('benchmark', '?')}) lacks {missing}")
        for key in ("value", "goal"):
            if item[key] is not None and not isinstance(item[key], int | float):
                raise ValueError(f"row {i + 1}: {key} {item[key]!r} is not a number")
    return rows


def _last_error_line(stderr: str) -> str:
    lines = [ln.strip() for ln in stderr.strip().splitlines() if ln.strip()]
    return lines[-1][:500] if lines else "no error output"


def run_script(script: Script, *, timeout: float, python: str = sys.executable) -> Outcome:
    """Run one script in a fresh process group; kill the whole group if it overruns."""
    if not script.has_run:
        return Outcome(script, "skipped", error="no run() function: not a run() benchmark")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "rows.json"
        command = [python, "-c", CHILD, str(script.path), str(out), f"benchmarks.{script.name}"]
        start = time.perf_counter()
        with (
            tempfile.TemporaryFile(mode="w+") as stdout,
            tempfile.TemporaryFile(mode="w+") as stderr,
        ):
            proc = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=stdout, stderr=stderr, start_new_session=True
            )
            try:
                code = proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                _kill_group(proc)
                return Outcome(
                    script, "timed out", time.perf_counter() - start,
                    error=f"timed out after {timeout:g} s (raise it with --timeout-for "
                    f"{script.name}=SECONDS or BENCH_TIMEOUT in the script)",
                )  # fmt: skip
            finally:
                _kill_group(proc)  # servers or browsers the script left behind
            seconds = time.perf_counter() - start
            stderr.seek(0)
            errors = stderr.read()
        if code != 0:
            return Outcome(
                script, "failed", seconds, error=f"exit {code}: {_last_error_line(errors)}"
            )
        try:
            rows = check_rows(json.loads(out.read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            return Outcome(script, "failed", seconds, error=f"bad result: {exc}")
    return Outcome(script, "ok", seconds, rows=rows)


def _kill_group(proc: subprocess.Popen[Any]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def status_of(row: dict[str, Any]) -> str:
    """OK / OVER against the goal; '' without a goal; 'n/a' for a missing value."""
    value, goal = row.get("value"), row.get("goal")
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if goal is None:
        return ""
    if row.get("better") == "higher":
        return "OK" if value >= goal else "UNDER"
    return "OK" if value < goal else "OVER"


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ").strip()


def _number(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return "n/a"
    return f"{value:,.1f}" if isinstance(value, float) else f"{value:,}"


def machine() -> dict[str, str]:
    """CPU model, cores, RAM, OS, Python and chromium version of this machine."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.lower().startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "?"
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                ram = f"{int(line.split()[1]) / 1024**2:.1f} GiB"
                break
    except (OSError, ValueError):
        pass
    system = platform.platform()
    try:
        for line in Path("/etc/os-release").read_text(encoding="utf-8").splitlines():
            if line.startswith("PRETTY_NAME="):
                system = f"{line.split('=', 1)[1].strip(chr(34))} ({platform.platform()})"
    except OSError:
        pass
    return {
        "CPU": cpu,
        "cores": f"{os.cpu_count()} logical (usable by this process: {len(os.sched_getaffinity(0))})",
        "RAM": ram,
        "OS": system,
        "load average": "{:.2f} / {:.2f} / {:.2f} (1 / 5 / 15 min, when the run began)".format(
            *os.getloadavg()
        ),
        "Python": f"{platform.python_implementation()} {platform.python_version()}",
        "chromium": _command_output([CHROMIUM, "--version"]) or "not found",
        "commit": _command_output(["git", "-C", str(ROOT), "describe", "--always", "--dirty"])
        or "?",
    }


def _command_output(command: Sequence[str]) -> str:
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return out.stdout.strip() if out.returncode == 0 else ""


def render(outcomes: list[Outcome], *, host: dict[str, str], when: datetime) -> str:
    """The markdown report: machine, one summary line per script, one table per script."""
    lines = [
        "# Benchmark results",
        "",
        f"Run {when.strftime('%Y-%m-%d %H:%M UTC')} with `make bench` (`python -m benchmarks.run`). "
        "Times are wall-clock medians unless a row says otherwise; OK/OVER compares with the "
        "goal (a ceiling, or a floor where marked UNDER).",
        "",
        "| machine | |",
        "|---|---|",
        *(f"| {k} | {_cell(v)} |" for k, v in host.items()),
        "",
        "| script | status | rows | over goal | run time (s) |",
        "|---|---|---:|---:|---:|",
    ]
    for o in outcomes:
        over = sum(status_of(r) in {"OVER", "UNDER"} for r in o.rows)
        lines.append(f"| {o.script.name} | {o.status} | {len(o.rows)} | {over} | {o.seconds:.1f} |")
    for o in outcomes:
        lines += ["", f"## {o.script.name}", ""]
        if o.status != "ok":
            lines.append(f"**{o.status}**: {_cell(o.error)}")
            continue
        lines += [
            "| benchmark | value | unit | goal | status | note |",
            "|---|---:|---|---:|---|---|",
        ]
        for r in o.rows:
            goal = "" if r.get("goal") is None else f"< {_number(r['goal'])}"
            if r.get("better") == "higher" and r.get("goal") is not None:
                goal = f">= {_number(r['goal'])}"
            lines.append(
                f"| {_cell(r['benchmark'])} | {_number(r['value'])} | {_cell(r['unit'])} | "
                f"{goal} | {status_of(r)} | {_cell(r.get('note') or '')} |"
            )
    return "\n".join(lines) + "\n"


def _timeouts(pairs: list[str]) -> dict[str, float]:
    out = {}
    for pair in pairs:
        name, _, seconds = pair.partition("=")
        try:
            out[name.strip().removesuffix(".py")] = float(seconds)
        except ValueError:
            raise SystemExit(f"--timeout-for expects NAME=SECONDS, got {pair!r}") from None
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=BENCH_DIR, help="folder of bench_*.py")
    parser.add_argument("--output", type=Path, default=None, help="default: <dir>/RESULTS.md")
    parser.add_argument("--only", action="append", default=[], help="script name (repeatable)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds/script")
    parser.add_argument("--timeout-for", action="append", default=[], metavar="NAME=SECONDS")
    parser.add_argument("--list", action="store_true", help="list the scripts and exit")
    args = parser.parse_args(argv)
    scripts = discover(args.dir)
    wanted = {n.removesuffix(".py") for n in args.only}
    unknown = wanted - {s.name for s in scripts}
    if unknown:
        print(f"no such benchmark script: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    scripts = [s for s in scripts if not wanted or s.name in wanted]
    overrides = _timeouts(args.timeout_for)
    if args.list:
        for s in scripts:
            print(f"{s.name}{'' if s.has_run else '  (no run(): skipped)'}")
        return 0
    host = machine()  # before the benchmarks, so the load average is the machine's own
    outcomes = []
    for script in scripts:
        timeout = overrides.get(script.name, script.timeout or args.timeout)
        print(f"[bench] {script.name} (timeout {timeout:g} s) ...", flush=True)
        outcome = run_script(script, timeout=timeout)
        outcomes.append(outcome)
        print(f"[bench] {script.name}: {outcome.status} in {outcome.seconds:.1f} s"
              + (f": {outcome.error}" if outcome.error else ""), flush=True)  # fmt: skip
        for r in outcome.rows:
            print(
                f"    {r['benchmark']:<62} {_number(r['value']):>10} {r['unit']:<4} {status_of(r)}"
            )
    output = args.output or args.dir / "RESULTS.md"
    output.write_text(render(outcomes, host=host, when=datetime.now(UTC)), encoding="utf-8")
    print(f"[bench] wrote {output}")
    failed = [o.script.name for o in outcomes if o.status in {"failed", "timed out"}]
    if failed:
        print(f"[bench] FAILED: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
