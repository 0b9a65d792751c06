"""The load-test harness (benchmarks/bench_load.py) on a small scale: one, then two concurrent
sessions against a real server, as browser pages and as websocket clients, so CI exercises it
cheaply (`make load` runs N = 1, 5, 10, 20)."""

from __future__ import annotations

import math
import os

import pytest

from benchmarks import bench_load
from benchmarks.harness import CHROMIUM

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture(scope="module", params=bench_load.CLIENTS)
def two_sessions(request):
    if request.param == "browser":
        if not CHROMIUM.exists():
            pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium")
        pytest.importorskip("playwright.async_api", reason="playwright is not installed")
    result = bench_load.run_async(
        bench_load.load_test((1, 2), single=1, timeout=90.0, clients=request.param)
    )
    return request.param, result


def test_two_concurrent_sessions_complete_without_error(two_sessions) -> None:
    clients, (cold, levels, idle_mb) = two_sessions
    assert cold.error == "" and cold.first_chart is not None
    assert [lv.sessions for lv in levels] == [1, 2]
    for level in levels:
        assert level.errors == [], level.errors
        assert len(level.results) == level.sessions
        for result in level.results:
            assert 0 < result.first_chart < 90 and 0 < result.interaction < 90
        # The server was measured and is alive. Its RSS may fall below the idle figure when
        # the allocator returns memory between samples, so the two are checked separately.
        assert 0 < idle_mb < 4096 and 0 < level.peak_rss_mb < 4096
        assert level.server_cpu > 0
        assert all(x >= 0 for x in level.load)  # the machine's load average, read from /proc
        assert level.client_cpu > 0 or clients == "websocket"  # chromium's CPU is counted


def test_rows_follow_the_benchmark_protocol(two_sessions) -> None:
    clients, result = two_sessions
    rows = bench_load.rows_of(*result, clients=clients)
    names = [r["benchmark"] for r in rows]
    assert len(names) == len(set(names)) and all(n.startswith(f"load ({clients})") for n in names)
    for r in rows:
        assert set(r) >= {"benchmark", "value", "unit", "goal", "note"}
        assert isinstance(r["value"], float) and math.isfinite(r["value"])
    errors = [r for r in rows if r["benchmark"].endswith("sessions with an error")]
    assert [r["value"] for r in errors] == [0.0, 0.0]


def test_percentile_and_memory_helpers() -> None:
    assert bench_load.percentile([1.0, 2.0, 3.0, 4.0, 5.0], 95) == pytest.approx(4.8)
    assert bench_load.percentile([7.0], 95) == 7.0 and math.isnan(bench_load.percentile([], 50))
    assert bench_load.rss_mb(os.getpid()) > 0 and bench_load.cpu_seconds([os.getpid()]) > 0
    assert os.getpid() in bench_load.process_tree(os.getpid())
    assert bench_load.load_average() >= 0


def test_sessions_per_second_and_the_scaling_rows() -> None:
    ok, bad = bench_load.SessionResult(0.1, 0.2), bench_load.SessionResult(0.1, None, "timeout")
    one = bench_load.Level(50, [ok] * 50, seconds=25.0)
    two = bench_load.Level(50, [ok] * 49 + [bad], seconds=14.0)  # an error does not count
    assert one.sessions_per_second == 2.0 and two.sessions_per_second == 3.5
    single = bench_load.Level(1, [ok], seconds=0.5)
    rows = bench_load.scaling_rows({1: [single, one], 2: [single, two]}, clients="websocket")
    assert [r["benchmark"] for r in rows] == [
        "load (websocket) N=50: sessions per second, 2 replicas over 1"
    ]
    (ratio,) = rows
    assert ratio["value"] == 1.75 and ratio["goal"] == bench_load.SCALE_GOAL
    assert ratio["better"] == "higher"
    assert bench_load.scaling_rows({2: [two]}, clients="websocket") == []
