"""Shared helpers of the benchmark scripts: timing and a uniform row format."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any


def timed(func: Callable[[], Any], *, repeat: int = 5, warmup: int = 1) -> dict[str, float]:
    """Run `func` `warmup` times untimed, then `repeat` times; seconds: best, median, first."""
    for _ in range(warmup):
        func()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return {"best": min(times), "median": statistics.median(times), "runs": float(repeat)}


def row(
    benchmark: str, seconds: float, *, goal: float | None = None, note: str = "", unit: str = "ms"
) -> dict[str, Any]:
    """One result: value in milliseconds (or the given unit) with its goal."""
    scale = 1000.0 if unit == "ms" else 1.0
    return {
        "benchmark": benchmark,
        "value": round(seconds * scale, 1),
        "unit": unit,
        "goal": None if goal is None else round(goal * scale, 1),
        "note": note,
    }


def print_rows(rows: list[dict[str, Any]]) -> None:
    for r in rows:
        higher = r.get("better") == "higher"  # the goal is a floor (throughput, speed-up)
        sign = ">=" if higher else "<"
        goal = "" if r["goal"] is None else f"  (goal {sign} {r['goal']:g} {r['unit']})"
        status = ""
        if r["goal"] is not None and higher:
            status = "  OK" if r["value"] >= r["goal"] else "  UNDER GOAL"
        elif r["goal"] is not None:
            status = "  OK" if r["value"] < r["goal"] else "  OVER GOAL"
        note = f"  [{r['note']}]" if r["note"] else ""
        print(f"{r['benchmark']:<60} {r['value']:>10.1f} {r['unit']}{goal}{status}{note}")
