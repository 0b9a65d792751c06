"""The benchmark runner (benchmarks/run.py): scripts run in their declared order, and one
failing, hanging or malformed script does not stop the others; the report says what happened
to each."""

from __future__ import annotations

import time
from pathlib import Path

BENCH_SCRIPTS = {
    "bench_fine.py": (
        "from benchmarks.common import row\n"
        "def run():\n"
        "    n = len('fixture')\n"
        "    return [row('fast', n / 1000, goal=2 * n / 1000), row('slow', n / 100, goal=n / 1000)]\n"
    ),
    "bench_crash.py": "def run():\n    raise RuntimeError('injected benchmark failure')\n",
    "bench_hang.py": "import time\ndef run():\n    time.sleep(600)\n",
    "bench_shape.py": "def run():\n    return {'benchmark': 'not a list'}\n",
    "bench_plain.py": "print('a script without run()')\n",
}


def test_benchmark_scripts_run_in_their_declared_order(tmp_path: Path) -> None:
    from benchmarks import run as runner

    for name, order in (("bench_a", "5"), ("bench_b", None), ("bench_c", "'late'")):
        lines = ["def run():\n    return []\n"] + ([f"BENCH_ORDER = {order}\n"] if order else [])
        (tmp_path / f"{name}.py").write_text("".join(lines), encoding="utf-8")
    scripts = runner.discover(tmp_path)
    assert [s.name for s in scripts] == ["bench_b", "bench_c", "bench_a"]  # no number: 0
    assert [s.order for s in runner.discover()][-1] > 0  # the project's load test runs last
    assert runner.discover()[-1].name == "bench_load"


def test_benchmark_runner_survives_failing_scripts(tmp_path: Path) -> None:
    from benchmarks import run as runner

    for name, code in BENCH_SCRIPTS.items():
        (tmp_path / name).write_text(code, encoding="utf-8")
    output = tmp_path / "RESULTS.md"
    start = time.monotonic()
    code = runner.main(["--dir", str(tmp_path), "--output", str(output), "--timeout", "3"])
    assert time.monotonic() - start < 60
    assert code == 1  # failures make the command fail, after every script ran
    report = output.read_text(encoding="utf-8")
    assert "| bench_fine | ok | 2 | 1 |" in report
    assert "| fast | 7.0 | ms | < 14.0 | OK |" in report
    assert "| slow | 70.0 | ms | < 7.0 | OVER |" in report
    assert "**failed**: exit 1: RuntimeError: injected benchmark failure" in report
    assert "**timed out**: timed out after 3 s" in report
    assert "bad result: run() returned dict, not a list of rows" in report
    assert "| bench_plain | skipped |" in report
    for heading in ("| CPU |", "| RAM |", "| Python |", "| chromium |"):
        assert heading in report
