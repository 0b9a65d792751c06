"""Snapshot benchmarks: load time of the bundled snapshot, build time from the raw files.

python -m benchmarks.bench_snapshot [--raw ../shared/data/raw]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import print_rows, row, timed
from indicators.store.snapshot import PROJECT_ROOT, load_snapshot

DEFAULT_RAW = PROJECT_ROOT.parent / "shared" / "data" / "raw"


def cold_load_seconds(*, processes: int = 5) -> list[float]:
    """Load times in `processes` fresh interpreters (imports excluded): what the app pays once
    per process. Several processes, because one sample swings with whatever else the machine
    is doing."""
    code = (
        "import time; from indicators.store.snapshot import load_snapshot; "
        "t=time.perf_counter(); load_snapshot(); print(time.perf_counter()-t)"
    )
    times = []
    for _ in range(processes):
        out = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            cwd=PROJECT_ROOT,
        )
        times.append(float(out.stdout.strip()))
    return times


def run(raw: Path = DEFAULT_RAW) -> list[dict]:
    rows = []
    warm = timed(load_snapshot, repeat=20)
    rows.append(
        row("snapshot load, warm (median of 20, checksums verified)", warm["median"], goal=0.050)
    )
    cold = sorted(cold_load_seconds())
    rows.append(
        row(
            f"snapshot load, cold process (median of {len(cold)} fresh processes)",
            statistics.median(cold),
            goal=0.050,
            note=f"range {cold[0] * 1000:.0f}-{cold[-1] * 1000:.0f} ms",
        )
    )
    unverified = timed(lambda: load_snapshot(verify=False), repeat=20)
    rows.append(row("snapshot load, warm, without checksum verification", unverified["median"]))
    if raw.is_dir():
        from indicators.store.build import build_snapshot

        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            build_snapshot(raw, store=Path(tmp))
            rows.append(
                row(
                    "snapshot build from raw files",
                    time.perf_counter() - start,
                    goal=30.0,
                    unit="s",
                )
            )
    else:
        rows.append(
            {
                "benchmark": "snapshot build from raw files",
                "value": float("nan"),
                "unit": "s",
                "goal": 30.0,
                "note": f"skipped: {raw} absent",
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw", type=Path, default=DEFAULT_RAW)
    print_rows(run(parser.parse_args().raw))


if __name__ == "__main__":
    main()
