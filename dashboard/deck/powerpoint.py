"""The deck as a 16:9 PowerPoint (python-pptx), with speaker notes on every slide.

`pptx_bytes` writes the pages of a prepared deck (deck.pages_of): title slide, chart pictures or
native tables, source lines, slide numbers; the speaker notes hold the talking points and their
citations. The file is reproducible for a snapshot: fixed document dates and zip timestamps.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.util import Emu, Inches, Pt

from dashboard.deck.layout import (
    BODY_TOP,
    INK,
    MARGIN,
    MUTED,
    SLIDE_H,
    SLIDE_W,
    bullet_size,
    fit_size,
    fit_table,
    source_top,
    text_columns,
)
from dashboard.deck.pack import stable_zip
from dashboard.deck.prepare import Deck, Page, pages_of
from dashboard.theme import UN_BLUE

FONT = "Arial"  # metric-compatible with Liberation Sans, present wherever PowerPoint runs


def _rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#").upper())


def _text_box(slide, name: str, box: tuple[float, float, float, float], lines: Sequence[str],
              *, size: float, bold: bool = False, colour: str = INK):  # fmt: skip
    left, top, width, height = box
    shape = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    shape.name = name
    frame = shape.text_frame
    frame.word_wrap = True
    for i, line in enumerate(lines):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        _run(para, line, size=size, bold=bold, colour=colour)
    return shape


def _run(para, text: str, *, size: float, bold: bool = False, colour: str = INK) -> None:
    run = para.add_run()
    run.text = text
    run.font.size, run.font.bold, run.font.name = Pt(size), bold, FONT
    run.font.color.rgb = _rgb(colour)


def _table(slide, page: Page, bottom: float) -> None:
    table = page.table
    assert table is not None
    width, top = SLIDE_W - 2 * MARGIN, BODY_TOP + 0.05
    room = bottom - top - (0.45 if page.table_note else 0.1)
    fit = fit_table(table, width_in=width, height_in=room)
    shape = slide.shapes.add_table(fit.rows + 1, len(table.columns), Inches(MARGIN), Inches(top),
                                   Inches(width), Inches(sum(fit.heights)))  # fmt: skip
    shape.name = "Data table"
    grid = shape.table
    for j, w in enumerate(fit.widths):
        grid.columns[j].width = Emu(int(Inches(w)))
    for i, h in enumerate(fit.heights):
        grid.rows[i].height = Emu(int(Inches(h)))
    cells = [list(table.columns), *table.values.tolist()[: fit.rows]]
    for i, row in enumerate(cells):
        for j, value in enumerate(row):
            colour = page.colours.get((i - 1, j))
            cell = grid.cell(i, j)
            cell.text = ""
            cell.margin_top = cell.margin_bottom = Inches(0.03)
            _run(cell.text_frame.paragraphs[0], str(value), size=fit.size,
                 bold=i == 0 or colour is not None, colour=colour or INK)  # fmt: skip
    note = page.table_note
    if fit.rows < len(table):
        note = f"{note} {len(table) - fit.rows} more rows in the chart's CSV (zip pack).".strip()
    if note:
        _text_box(slide, "Table note", (MARGIN, top + sum(fit.heights) + 0.05, width, 0.4),
                  [note], size=11, colour=MUTED)  # fmt: skip


def _title_page(slide, page: Page) -> None:
    bar = slide.shapes.add_shape(1, Inches(0), Inches(0), Inches(0.35), Inches(SLIDE_H))
    bar.name = "Accent"
    bar.fill.solid()
    bar.fill.fore_color.rgb = _rgb(UN_BLUE)
    bar.line.fill.background()
    left, width = MARGIN + 0.5, SLIDE_W - 2 * MARGIN - 0.5
    size = fit_size(page.title, width_in=width, max_lines=3, sizes=(40, 36, 32, 28))
    _text_box(slide, "Title", (left, 1.5, width, 2.3), [page.title], size=size, bold=True)
    subtitle, date, credit = [*page.lines, "", "", ""][:3]
    _text_box(slide, "Subtitle", (left, 3.9, width, 1.1), [subtitle], size=24, colour=MUTED)
    _text_box(slide, "Date", (left, 5.2, width, 0.5), [date], size=18)
    _text_box(slide, "Credit", (left, 6.6, width, 0.4), [credit], size=14, colour=MUTED)


def _picture(slide, png: bytes, bottom: float) -> None:
    height = min(5.45, bottom - BODY_TOP - 0.05)
    width = height * 16 / 9
    pic = slide.shapes.add_picture(io.BytesIO(png), Inches((SLIDE_W - width) / 2),
                                   Inches(BODY_TOP), Inches(width), Inches(height))  # fmt: skip
    pic.name = "Chart"


def _columns(slide, page: Page, bottom: float) -> None:
    """A text page in two columns, each at the largest size that fits."""
    for name, (left, width), lines in zip(("Notes", "Notes 2"), text_columns(),
                                          (page.lines, page.lines_right), strict=True):  # fmt: skip
        bullets = [f"• {line}" for line in lines]
        size = bullet_size(bullets, width_in=width, height_in=bottom - BODY_TOP)
        _text_box(slide, name, (left, BODY_TOP, width, bottom - BODY_TOP), bullets, size=size)


def _content(slide, page: Page, number: int) -> None:
    width = SLIDE_W - 2 * MARGIN
    size = fit_size(page.title, width_in=width, max_lines=2, sizes=(28, 26, 24, 22, 20))
    _text_box(slide, "Headline", (MARGIN, 0.3, width, 1.05), [page.title], size=size, bold=True)
    top = source_top(page.source)
    if page.kind == "chart" and page.picture is not None:
        _picture(slide, page.picture, top)
    elif page.kind == "table":
        _table(slide, page, top)
    else:
        _columns(slide, page, top)
    if page.source:
        _text_box(slide, "Source line", (MARGIN, top, width - 0.6, SLIDE_H - top), [page.source],
                  size=10, colour=MUTED)  # fmt: skip
    _text_box(slide, "Slide number", (SLIDE_W - MARGIN - 0.5, SLIDE_H - 0.45, 0.5, 0.35),
              [str(number)], size=10, colour=MUTED)  # fmt: skip


def _document_time(deck: Deck) -> dt.datetime:
    if deck.options.date is not None:
        return dt.datetime.combine(deck.options.date, dt.time(0, 0))
    return deck.built


def pptx_bytes(deck: Deck) -> bytes:
    """The deck as a 16:9 PowerPoint file (the same bytes for the same deck)."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(SLIDE_W), Inches(SLIDE_H)
    for number, page in enumerate(pages_of(deck), start=1):
        slide = prs.slides.add_slide(prs.slide_layouts[6])  # blank
        if page.kind == "title":
            _title_page(slide, page)
        else:
            _content(slide, page, number)
        slide.notes_slide.notes_text_frame.text = page.notes
    props = prs.core_properties
    props.title, props.subject = deck.options.title, deck.options.subtitle
    props.author = props.last_modified_by = "WSIS+20 dashboard"
    props.created = props.modified = props.last_printed = _document_time(deck)
    props.revision = 1
    props.keywords = f"WSIS+20; snapshot {deck.snapshot_id}"
    buffer = io.BytesIO()
    prs.save(buffer)
    return stable_zip(buffer.getvalue())
