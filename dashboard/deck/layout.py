"""Slide geometry shared by the PowerPoint and PDF writers of the deck (inches, 16:9).

Text is measured in the project font (text_metrics.text_width), so that titles, tables, bullets and
source lines are sized to fit the slide in both files.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from dashboard.exports import text_metrics

SLIDE_W, SLIDE_H, MARGIN = 13.333, 7.5, 0.5  # inches, 16:9
BODY_TOP = 1.4  # below a two-line headline
INK, MUTED, RULE = "#1A1A1A", "#5F5F5F", "#E3E3E3"
TABLE_SIZES = (14, 12, 11, 10, 9)  # pt, the largest that fits is used


def text_lines(text: str, *, width_in: float, pt: float, bold: bool = False) -> int:
    """Lines `text` (paragraphs split on newlines) takes at `pt` in a box `width_in` wide."""
    px = pt * 96 / 72
    width = (width_in - 0.2) * 96  # text box insets
    return sum(
        len(text_metrics.wrap_px(p, width=width, size=round(px), bold=bold))
        for p in text.split("\n")
    )


def text_height(text: str, *, width_in: float, pt: float, bold: bool = False) -> float:
    return text_lines(text, width_in=width_in, pt=pt, bold=bold) * pt * 1.2 / 72 + 0.1


def fit_size(text: str, *, width_in: float, max_lines: int, sizes: Sequence[int]) -> int:
    """The largest font size (pt) at which `text` wraps into at most `max_lines` lines."""
    for size in sizes:
        if text_lines(text, width_in=width_in, pt=size, bold=True) <= max_lines:
            return size
    return sizes[-1]


def source_top(source: str) -> float:
    """Where the source line starts: its height is measured so it always fits the slide."""
    if not source:
        return SLIDE_H - 0.35
    return SLIDE_H - 0.2 - text_height(source, width_in=SLIDE_W - 2 * MARGIN - 0.6, pt=10)


def column_widths(table: pd.DataFrame, width_in: float, *, pt: float = 14) -> list[float]:
    """Column widths from the cells' lengths (long texts capped: they wrap), each at least as
    wide as its longest word at `pt`, so that no word is broken."""
    weights, least = [], []
    for c in table.columns:
        cells = [str(c), *table[c].tolist()]
        words = [w for v in cells for w in str(v).split()] or [""]
        weights.append(max(6, *(min(len(str(v)), 42) for v in cells)))
        widest = max(text_metrics.text_width(w, size=round(pt * 96 / 72), bold=True) for w in words)
        least.append(widest / 96 + 0.25)
    widths = [width_in * w / sum(weights) for w in weights]
    short = [j for j, w in enumerate(widths) if w < least[j]]
    if short and sum(least[j] for j in short) < width_in:
        spare = width_in - sum(least[j] for j in short)
        rest = sum(widths[j] for j in range(len(widths)) if j not in short)
        widths = [least[j] if j in short else widths[j] * spare / rest for j in range(len(widths))]
    return widths


@dataclass(frozen=True)
class TableFit:
    size: int
    widths: list[float]
    heights: list[float]  # header first
    rows: int  # data rows shown


def fit_table(table: pd.DataFrame, *, width_in: float, height_in: float) -> TableFit:
    """The largest font size at which the table fits the box; rows beyond that are dropped."""
    for size in TABLE_SIZES:
        widths = column_widths(table, width_in, pt=size)
        heights = [
            max(text_lines(str(v), width_in=w, pt=size, bold=i == 0) for v, w in zip(row, widths, strict=True))
            * size * 1.2 / 72 + 0.1
            for i, row in enumerate([list(table.columns), *table.values.tolist()])
        ]  # fmt: skip
        if sum(heights) <= height_in or size == TABLE_SIZES[-1]:
            rows = len(table)
            while rows > 1 and sum(heights[: rows + 1]) > height_in:
                rows -= 1
            return TableFit(size, widths, heights[: rows + 1], rows)
    raise AssertionError("unreachable")


def text_columns() -> list[tuple[float, float]]:
    """(left, width) of a text page's two columns: releases (narrow) and notes (wide)."""
    usable = SLIDE_W - 2 * MARGIN - 0.3
    return [(MARGIN, usable * 0.38), (MARGIN + usable * 0.38 + 0.3, usable * 0.62)]


def bullet_size(bullets: Sequence[str], *, width_in: float, height_in: float) -> int:
    """The largest size (pt) at which the bullets fit the box (paragraph gaps included)."""
    for size in (14, 13, 12, 11, 10, 9):
        if text_height("\n".join(bullets), width_in=width_in, pt=size) <= height_in:
            return size
    return 9
