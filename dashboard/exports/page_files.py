"""Every chart of the dashboard's pages as files: the work of `python -m dashboard charts`.

`chart_stem` names a chart's files after its page and its title (`overview-01-world-internet-
use-rose-from-15-6-in-2005-to-73-6-in-2025`), `export_chart_files` writes the requested formats
of one chart and reports a failure as one plain message instead of stopping the others.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from dashboard.exports import chart_files
from dashboard.exports.files import write_file
from dashboard.exports.renderer import ExportError
from dashboard.figures.chart import Chart, slug
from indicators.errors import WsisDataError
from indicators.store.snapshot import Snapshot

CHART_FORMATS = ("png", "svg", "pdf", "csv")
DEFAULT_FORMATS = ("png", "svg", "csv")
STEM_TITLE = 60  # characters of the title's slug kept in a file name


def parse_formats(text: str) -> tuple[str, ...]:
    """'png, svg' -> ('png', 'svg'); an unknown or empty format is an error naming the valid ones."""
    wanted = [f.strip().lower().lstrip(".") for f in text.split(",") if f.strip()]
    bad = [f for f in wanted if f not in CHART_FORMATS]
    if bad or not wanted:
        shown = ", ".join(repr(b) for b in bad) or "none given"
        raise ExportError(f"--format: {shown} is not a chart format; use a comma-separated list "
                          f"of {', '.join(CHART_FORMATS)}")  # fmt: skip
    return tuple(dict.fromkeys(wanted))


def chart_stem(page: str, number: int, chart: Chart) -> str:
    """A readable, safe file stem: page, number on the page, slug of the chart's title."""
    title = slug(chart.title)[:STEM_TITLE].rstrip("-") or slug(chart.name)
    return f"{slug(page)}-{number:02d}-{title}"


@dataclass(frozen=True)
class Written:
    """What one chart's export produced: files written, or the problem that stopped it."""

    stem: str
    files: tuple[Path, ...]
    problem: str = ""


def export_chart_files(
    chart: Chart,
    *,
    folder: Path,
    stem: str,
    formats: Sequence[str],
    snapshot: Snapshot | None = None,
    force: bool = False,
) -> Written:
    """Write one chart in each format to `folder` (`stem.png`, ...). A failure of one format is
    reported (the formats already written are kept) and the rest are skipped."""
    written: list[Path] = []
    for fmt in formats:
        try:
            if fmt == "csv":
                data = chart_files.to_csv(chart, snapshot=snapshot)
            else:
                data = chart_files.export_bytes(chart, fmt)
            written.append(write_file(folder / f"{stem}.{fmt}", data, force=force))
        except WsisDataError as exc:
            return Written(stem, tuple(written), f"{stem}.{fmt}: {exc}")
    return Written(stem, tuple(written))


__all__ = [
    "CHART_FORMATS",
    "DEFAULT_FORMATS",
    "ExportError",
    "Written",
    "chart_stem",
    "export_chart_files",
    "parse_formats",
]
