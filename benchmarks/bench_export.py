"""Export benchmarks: the default deck cold (a fresh process; native charts need no browser,
the map's browser starts in the background), the `charts` command for every chart of the pages
in PNG and SVG (a fresh process), one PNG export with the browser warm, the zip pack and the PDF.

python -m benchmarks.bench_export
"""

from __future__ import annotations

import subprocess
import sys
import time

from benchmarks.common import print_rows, row, timed
from indicators.store.snapshot import PROJECT_ROOT

BENCH_TIMEOUT = 900  # seconds, for benchmarks.run (the charts command renders every chart)

COLD_DECK = """
import time
start, cpu = time.perf_counter(), time.process_time()
from dashboard.deck.powerpoint import pptx_bytes
from dashboard.deck.prepare import prepare_deck
from indicators.catalogue import load_catalogue
from indicators.store.snapshot import load_snapshot
data = pptx_bytes(prepare_deck(load_snapshot(), load_catalogue()))
print(time.perf_counter() - start, time.process_time() - cpu, len(data))
"""


def cold_deck_seconds() -> tuple[float, float, float, int]:
    """(seconds inside the process, its CPU seconds, wall seconds of the process, bytes) for the
    default deck; the CPU time shows what the deck costs when other work shares the machine."""
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", COLD_DECK],
        capture_output=True,
        text=True,
        check=True,
        cwd=PROJECT_ROOT,
        timeout=300,
    )
    wall = time.perf_counter() - start
    inside, cpu, size = out.stdout.split()
    return float(inside), float(cpu), wall, int(size)


def charts_command_seconds() -> tuple[float, float, int]:
    """(wall seconds, CPU seconds of the process and the browser it started, files written) of
    `python -m dashboard charts --format png,svg`."""
    import resource
    import tempfile
    from pathlib import Path

    def children_cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    with tempfile.TemporaryDirectory(prefix="wsis-bench-charts-") as tmp:
        out = Path(tmp) / "charts"
        start, cpu = time.perf_counter(), children_cpu()
        subprocess.run(
            [sys.executable, "-m", "dashboard", "charts", "--out", str(out), "--format", "png,svg"],
            capture_output=True,
            text=True,
            check=True,
            cwd=PROJECT_ROOT,
            timeout=900,
        )
        wall = time.perf_counter() - start
        return wall, children_cpu() - cpu, len(list(out.iterdir()))


def run() -> list[dict]:
    from dashboard.deck.pack import build_pack
    from dashboard.deck.pdf import pdf_bytes
    from dashboard.deck.powerpoint import pptx_bytes
    from dashboard.deck.prepare import prepare_deck
    from dashboard.exports import chart_files
    from dashboard.figures.overview import internet_use_since_tunis
    from indicators.catalogue import load_catalogue
    from indicators.store.snapshot import load_snapshot

    rows = []
    inside, cpu, wall, size = cold_deck_seconds()
    rows.append(
        row(
            "default deck (PPTX, native charts, map picture), cold process",
            inside,
            goal=6.0,
            unit="s",
            note=f"{cpu:.1f} s of CPU in the process; wall {wall:.1f} s with interpreter start; "
            f"{size / 1e6:.1f} MB",
        )
    )
    seconds, charts_cpu, files = charts_command_seconds()
    rows.append(
        row(
            "`charts` command: every page chart as PNG and SVG, one process",
            seconds,
            unit="s",
            note=f"{files} files, {files // 2} charts, browser start included; {charts_cpu:.1f} s "
            "of CPU (the process and its browser)",
        )
    )
    snapshot, catalogue = load_snapshot(), load_catalogue()
    chart = internet_use_since_tunis(snapshot, catalogue)
    start = time.perf_counter()
    chart_files.to_png(chart)
    rows.append(row("first PNG export in a process (browser start)", time.perf_counter() - start))
    warm = timed(lambda: chart_files.to_png(chart), repeat=10)
    rows.append(row("PNG export 1920x1080, browser warm (median of 10)", warm["median"], goal=0.5))
    svg = timed(lambda: chart_files.to_svg(chart), repeat=5)
    rows.append(row("SVG export, browser warm (median of 5)", svg["median"]))
    start = time.perf_counter()
    deck = prepare_deck(snapshot, catalogue)
    rows.append(row("default deck prepared, browser warm", time.perf_counter() - start, unit="s"))
    start = time.perf_counter()
    pptx = pptx_bytes(deck)
    rows.append(row("PPTX written from the prepared deck", time.perf_counter() - start))
    start = time.perf_counter()
    pack = build_pack(deck, snapshot=snapshot)
    rows.append(
        row(
            "zip pack (chart PNG and SVG rendered, map reused, CSV, README)",
            time.perf_counter() - start,
            unit="s",
            note=f"{len(pack) / 1e6:.1f} MB",
        )
    )
    start = time.perf_counter()
    pdf = pdf_bytes(deck, pptx=pptx)
    rows.append(row("PDF of the deck", time.perf_counter() - start, unit="s", note=pdf.method))
    return rows


if __name__ == "__main__":
    print_rows(run())
