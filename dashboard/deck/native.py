"""Charts as PowerPoint draws them: a plain description a slide can turn into a native chart.

A `NativeChart` holds what an editable PowerPoint chart needs (kind, categories, series with
their values and colours, axis title, number format, axis range) and nothing of plotly. The
deck's chart slides derive one from their dashboard chart's data (`story.CHART_SLIDES`);
`powerpoint.py` writes it with python-pptx's chart objects (the data travel inside the file, so
numbers and labels can be edited and translated), `pdf.py` draws the same description for the
preview. `alt_text` states what the chart shows with its key numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

KINDS = ("line", "column", "stacked_column", "bar", "clustered_bar")


@dataclass(frozen=True)
class NativeSeries:
    """One series: its name, one value per category (None: no value), colour, line style."""

    name: str
    values: tuple[float | None, ...]
    colour: str
    dashed: bool = False
    labels: bool = False  # show each value as a data label

    def points(self, categories: Sequence[str]) -> list[tuple[str, float]]:
        return [(c, v) for c, v in zip(categories, self.values, strict=True) if v is not None]


@dataclass(frozen=True)
class NativeChart:
    """An editable chart: categories along one axis, values of each series along the other.

    kind: 'line' (categories are years), 'column' / 'stacked_column' (vertical bars),
    'bar' / 'clustered_bar' (horizontal bars, categories listed top to bottom).
    """

    kind: str
    categories: tuple[str, ...]
    series: tuple[NativeSeries, ...]
    value_title: str  # the unit, e.g. '% of population'
    number_format: str = "0"  # Excel format of axis labels and data labels
    minimum: float | None = None
    maximum: float | None = None
    legend: bool = True
    what: str = ""  # what is plotted, for the text alternative
    note: str = ""  # one line the text alternative adds (e.g. the estimates behind it)
    axis_format: str = ""  # the value axis' format, when it differs from the data labels'

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown chart kind {self.kind!r}; use one of {KINDS}")
        for s in self.series:
            if len(s.values) != len(self.categories):
                raise ValueError(f"series {s.name!r} has {len(s.values)} values for "
                                 f"{len(self.categories)} categories")  # fmt: skip

    def table(self) -> pd.DataFrame:
        """The chart's data: one row per category and series with a value."""
        rows = [
            {"category": c, "series": s.name, "value": v}
            for s in self.series
            for c, v in s.points(self.categories)
        ]
        return pd.DataFrame(rows, columns=["category", "series", "value"])

    def value_text(self, value: float) -> str:
        return format_number(value, self.number_format)

    @property
    def alt_text(self) -> str:
        """What the chart shows and its key numbers: per series its first and last value (a
        time series) or every value (a few bars), in words a screen reader can say."""
        kind = {
            "line": "Line chart",
            "column": "Column chart",
            "stacked_column": "Stacked column chart",
            "bar": "Bar chart",
            "clustered_bar": "Bar chart",
        }[self.kind]
        head = f"{kind} of {self.what or self.value_title}"
        if self.categories:
            head += f", {self.categories[0]} to {self.categories[-1]}" if self.kind in (
                "line", "column", "stacked_column") else ""  # fmt: skip
        parts = []
        for s in self.series:
            points = s.points(self.categories)
            if not points:
                continue
            if self.kind == "line":
                (c0, v0), (c1, v1) = points[0], points[-1]
                parts.append(
                    f"{s.name}: {self.value_text(v1)} in {c1}"
                    if c0 == c1
                    else f"{s.name}: {self.value_text(v0)} in {c0} to {self.value_text(v1)} in {c1}"
                )
            else:
                parts.append(
                    f"{s.name}: " + ", ".join(f"{c} {self.value_text(v)}" for c, v in points)
                )
        text = head + ". " + "; ".join(parts) + "."
        return f"{text} {self.note}".strip() if self.note else text


def format_number(value: float, number_format: str) -> str:
    """A value written as the Excel format `number_format` shows it ('0.0"%"' -> '73.6%')."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "no value"
    core = number_format.split(";")[0]
    digits = len(core.split(".")[1].split('"')[0].rstrip("%")) if "." in core else 0
    text = f"{value:,.{digits}f}" if "," in core else f"{value:.{digits}f}"
    suffix = core.split('"')[1] if core.count('"') >= 2 else ""
    return text + suffix


def nice_floor(value: float, step: float) -> float:
    """`value` rounded down to a multiple of `step` (an axis minimum)."""
    return math.floor(value / step) * step


def year_categories(years: Sequence[int]) -> tuple[str, ...]:
    """Every year from the first to the last with data, as category labels (no gaps skipped,
    so that the spacing of a line chart stays true to time)."""
    if not len(years):
        return ()
    return tuple(str(y) for y in range(int(min(years)), int(max(years)) + 1))


def series_by_year(
    frame: pd.DataFrame, categories: Sequence[str], *, value: str = "value"
) -> tuple[float | None, ...]:
    """A frame's values (one row per year) laid on year categories; missing years are None."""
    by_year = {str(int(y)): float(v) for y, v in zip(frame["year"], frame[value], strict=True)
               if pd.notna(v)}  # fmt: skip
    return tuple(by_year.get(c) for c in categories)
