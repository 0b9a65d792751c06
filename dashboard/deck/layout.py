"""Slide geometry and type sizes shared by the PowerPoint writer, the composed PDF and previews.

Everything is readable from the back of a conference room: slide text at least 18 pt (titles
larger), source lines and footnotes at least 12 pt, chart axis labels and legends at least
16 pt, and at most `MAX_ROWS` table rows on a slide. Text is measured in the project font
(text_metrics), so that tables and lists are split over as many slides as they need before any
file is written: the PowerPoint file, the PDF and the zip of charts then number the same pages.

A `Frame` is the geometry of one slide size: the built-in 16:9 layout, or the size of a user's
template (whose own title placeholder then says where the title goes).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dashboard.exports import text_metrics

SLIDE_W, SLIDE_H, MARGIN = 13.333, 7.5, 0.5  # inches, 16:9
INK, MUTED, RULE, PANEL = "#1A1A1A", "#5F5F5F", "#D9D9D9", "#F2F2F2"
TITLE_SIZES = (28, 26, 24)  # pt: the largest at which a headline fits two lines
BODY_PT = 20  # pt: list and table text (never under MIN_TEXT_PT)
MIN_TEXT_PT = 18
SOURCE_PT = 12  # pt: source lines and footnotes
CHART_PT = 16  # pt: chart axis labels, legends and data labels
MAX_ROWS = 8  # table rows on one slide; longer tables continue on the next
LINE = 1.17  # line height, in font sizes (Arial and Liberation Sans set single-spaced)
PAD = 0.1  # inches of inner margin of a text box, each side


@dataclass(frozen=True)
class Frame:
    """The boxes of a content slide, in inches: title, body and footer (source lines)."""

    width: float = SLIDE_W
    height: float = SLIDE_H
    title_left: float = MARGIN
    title_top: float = 0.3
    title_width: float = SLIDE_W - 2 * MARGIN
    title_height: float = 1.05
    text_scale: float = 1.0  # how much wider than Liberation Sans the slides' font may run
    foot: float = 0.25  # inches kept clear below the source line (a template's footer zone)

    def measure(self, width_in: float) -> float:
        """The width to measure text in: narrower for a template whose font is not measured."""
        return width_in / self.text_scale

    def title_pt(self, title: str) -> int:
        """The headline's size: the largest that fits the title box (two lines at most)."""
        lines = int((self.title_height - 0.1) // (TITLE_SIZES[-1] * LINE / 72))
        return title_size(
            title, width_in=self.measure(self.title_width), max_lines=min(max(lines, 1), 2)
        )

    @property
    def left(self) -> float:
        return MARGIN * self.width / SLIDE_W

    @property
    def body_width(self) -> float:
        return self.width - 2 * self.left

    @property
    def body_top(self) -> float:
        return self.title_top + self.title_height + 0.1

    def body_bottom(self, footer: float) -> float:
        """Where the body ends above a footer `footer` inches tall."""
        return self.height - self.foot - 0.05 - footer - 0.1

    @property
    def number_box(self) -> tuple[float, float, float, float]:
        """(left, top, width, height) of the slide number, bottom right."""
        return (self.width - self.left - 0.8, self.height - self.foot - 0.25, 0.8, 0.4)

    @property
    def footer_width(self) -> float:
        return self.body_width - 1.0  # clear of the slide number

    @property
    def wide(self) -> bool:
        """True for a 16:9 slide (the challenge areas fit as tiles; on 4:3 they are a table)."""
        return self.width / self.height > 1.5


DEFAULT_FRAME = Frame()
TEMPLATE_TEXT_SCALE = 1.25  # a template's theme font may set wider than the measured one


def text_lines(text: str, *, width_in: float, pt: float, bold: bool = False) -> int:
    """Lines `text` (paragraphs split on newlines) takes at `pt` in a box `width_in` wide."""
    px = pt * 96 / 72
    width = max(width_in - 2 * PAD, 0.2) * 96
    return sum(
        len(text_metrics.wrap_px(p, width=width, size=round(px), bold=bold))
        for p in text.split("\n")
    )


def lines_height(lines: int, pt: float) -> float:
    """Inches taken by `lines` lines of `pt` text (box insets included)."""
    return lines * pt * LINE / 72 + 0.1


def text_height(text: str, *, width_in: float, pt: float, bold: bool = False) -> float:
    return lines_height(text_lines(text, width_in=width_in, pt=pt, bold=bold), pt)


def title_size(title: str, *, width_in: float, max_lines: int = 2) -> int:
    """The largest title size (pt) at which `title` wraps into at most `max_lines` lines."""
    for size in TITLE_SIZES:
        if text_lines(title, width_in=width_in, pt=size, bold=True) <= max_lines:
            return size
    return TITLE_SIZES[-1]


def footer_height(lines: Sequence[str], *, width_in: float) -> float:
    """Height of the footer (source line, then footnotes) at SOURCE_PT."""
    if not lines:
        return 0.0
    return text_height("\n".join(lines), width_in=width_in, pt=SOURCE_PT)


def column_widths(cells: Sequence[Sequence[str]], width_in: float, *, pt: float,
                  weights: Sequence[float] | None = None, scale: float = 1.0) -> list[float]:  # fmt: skip
    """Column widths: proportional to `weights` (else to the cells' lengths, long texts capped),
    each at least as wide as its longest word at `pt`, so that no word is broken."""
    ncols = len(cells[0]) if cells else 0
    if weights is None:
        weights = [max(6.0, *(min(len(str(row[j])), 60) for row in cells)) for j in range(ncols)]
    least = []
    for j in range(ncols):
        words = [w for row in cells for w in str(row[j]).split()] or [""]
        widest = max(text_metrics.text_width(w, size=round(pt * 96 / 72), bold=True) for w in words)
        least.append(widest * scale / 96 + 2 * PAD + 0.05)
    widths = [width_in * w / sum(weights) for w in weights]
    short = [j for j, w in enumerate(widths) if w < least[j]]
    if short and sum(least[j] for j in short) < width_in:
        spare = width_in - sum(least[j] for j in short)
        rest = sum(widths[j] for j in range(ncols) if j not in short)
        widths = [least[j] if j in short else widths[j] * spare / rest for j in range(ncols)]
    return widths


def row_height(
    row: Sequence[str], widths: Sequence[float], *, pt: float, bold: bool = False
) -> float:
    """Inches a table row needs: its tallest cell at `pt` (cell margins included)."""
    lines = max(
        text_lines(str(v), width_in=w, pt=pt, bold=bold) for v, w in zip(row, widths, strict=True)
    )
    return lines_height(lines, pt)


def _greedy(heights: Sequence[float], *, room: float, header: float,
            max_rows: int) -> list[tuple[int, int]]:  # fmt: skip
    pages, start = [], 0
    while start < len(heights):
        end, used = start, header
        while end < len(heights) and end - start < max_rows and used + heights[end] <= room:
            used += heights[end]
            end += 1
        end = max(end, start + 1)
        pages.append((start, end))
        start = end
    return pages


def split_rows(heights: Sequence[float], *, room: float, header: float,
               max_rows: int = MAX_ROWS) -> list[tuple[int, int]]:  # fmt: skip
    """Row ranges [start, end) of each slide: as few slides as the rows need (at most
    `max_rows` rows and `room` inches each, a taller row on a slide of its own), with the rows
    spread evenly over them rather than a full slide followed by a nearly empty one."""
    greedy = _greedy(heights, room=room, header=header, max_rows=max_rows)
    if len(greedy) <= 1:
        return greedy or [(0, 0)]
    n = len(greedy)
    for share in (i / 20 for i in range(20, 0, -1)):  # the least room that still needs n slides
        trial = _greedy(heights, room=header + (room - header) * share, header=header,
                        max_rows=min(max_rows, -(-len(heights) // n) + 1))  # fmt: skip
        if len(trial) > n:
            break
        greedy = trial
    return greedy


def split_paragraphs(paragraphs: Sequence[str], *, width_in: float, room: float, pt: float,
                     gap: float = 0.12) -> list[tuple[int, int]]:  # fmt: skip
    """Paragraph ranges [start, end) of each slide at `pt`, a `gap` inches between paragraphs."""
    heights = [text_height(p, width_in=width_in, pt=pt) + gap for p in paragraphs]
    return split_rows(heights, room=room, header=0.0, max_rows=10_000)


TILE_COLUMNS, TILE_GAP, TILE_PT = 5, 0.12, 18  # the challenge-area grid: columns, inches, pt


def tiles_fit(texts: Sequence[Sequence[str]], *, frame: Frame, room: float) -> bool:
    """True when every tile's lines (heading, status), set bold at TILE_PT, fit their tile in
    a grid `room` inches tall on `frame`'s body; else the areas are shown as a table."""
    rows = -(-len(texts) // TILE_COLUMNS)
    width = (frame.body_width - TILE_GAP * (TILE_COLUMNS - 1)) / TILE_COLUMNS
    height = (room - TILE_GAP * max(rows - 1, 0)) / max(rows, 1)
    need = max(
        (
            sum(
                text_lines(line, width_in=frame.measure(width), pt=TILE_PT, bold=True)
                for line in lines
            )
            for lines in texts
        ),
        default=0,
    )
    return lines_height(need, TILE_PT) <= height


def tile_grid(count: int, *, columns: int) -> list[tuple[int, int]]:
    """(row, column) of each of `count` tiles in a grid of `columns` columns."""
    return [(i // columns, i % columns) for i in range(count)]
