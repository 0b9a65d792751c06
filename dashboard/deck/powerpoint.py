"""The deck as PowerPoint: native charts, real title placeholders, automatic slide numbers.

`pptx_bytes(deck, template=None)` writes the pages of `pages.pages_of`:

- every slide is made from a layout with a title placeholder, which holds the slide's headline
  (PowerPoint's outline, screen readers and translation tools see it as the title);
- charts are python-pptx chart objects with their data inside the file (line, column, stacked
  column, clustered bar), so every number and label can be edited or translated; the map is a
  picture; every chart and picture has alt text stating its key numbers;
- tables are native tables (at most eight rows a slide), lists are text, the 13 challenge areas
  are text tiles; one source line (and any footnotes) at the foot of each slide;
- slide numbers are automatic fields; every run, the document and its default text style are
  in British English (the United Nations' spelling);
- with `template` (the bytes of a user's .pptx) the slides are built on its masters, layouts and
  theme (its fonts and colours are kept; its own slides are dropped); without one, the built-in
  clean 16:9 layout is used.

The file is reproducible for a deck: fixed document dates and zip timestamps.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lxml import etree
from pptx import Presentation
from pptx.chart.data import CategoryChartData, XyChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import (
    XL_CHART_TYPE,
    XL_LABEL_POSITION,
    XL_LEGEND_POSITION,
    XL_MARKER_STYLE,
)
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.lang import MSO_LANGUAGE_ID
from pptx.enum.shapes import MSO_SHAPE, PP_PLACEHOLDER
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.exc import PackageNotFoundError
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from dashboard.deck.layout import (
    CHART_PT,
    DEFAULT_FRAME,
    INK,
    LINE,
    MARGIN,
    MUTED,
    PANEL,
    RULE,
    SLIDE_H,
    SLIDE_W,
    SOURCE_PT,
    TEMPLATE_TEXT_SCALE,
    TILE_COLUMNS,
    TILE_GAP,
    TILE_PT,
    Frame,
    text_height,
    tile_grid,
    title_size,
)
from dashboard.deck.native import NativeChart
from dashboard.deck.pack import stable_zip
from dashboard.deck.pages import TABLE_PT, Page, pages_of
from dashboard.deck.prepare import Deck, DeckError
from dashboard.theme import UN_BLUE

FONT = (
    "Arial"  # metric-compatible with Liberation Sans (the measured font), wherever PowerPoint runs
)
LANG = "en-GB"
CHART_TYPES = {
    "line": XL_CHART_TYPE.LINE_MARKERS,
    "column": XL_CHART_TYPE.COLUMN_CLUSTERED,
    "stacked_column": XL_CHART_TYPE.COLUMN_STACKED,
    "bar": XL_CHART_TYPE.BAR_CLUSTERED,
    "clustered_bar": XL_CHART_TYPE.BAR_CLUSTERED,
}


def _rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#").upper())


@dataclass
class Style:
    """What the writer sets itself: everything in the built-in layout; with a user's template
    only sizes and meaningful colours (verdicts, statuses), so its theme's fonts and colours
    stay."""

    builtin: bool

    def font(self, font, *, size: float, bold: bool = False, colour: str | None = None,
             muted: bool = False) -> None:  # fmt: skip
        font.size = Pt(size)
        font.bold = bold
        font.language_id = MSO_LANGUAGE_ID.ENGLISH_UK
        if self.builtin:
            font.name = FONT
        ink = colour or ((MUTED if muted else INK) if self.builtin else None)
        if ink:
            font.color.rgb = _rgb(ink)


# ---------------------------------------------------------------------------------------------
# Presentation, layouts and frame


@dataclass
class Base:
    prs: Any  # python-pptx objects (untyped)
    title_layout: Any
    content_layout: Any
    frame: Frame
    style: Style


def _drop_slides(prs) -> None:
    """Remove a template's own slides (their parts are dropped when the file is saved)."""
    ids = prs.slides._sldIdLst
    for sld in list(ids):
        prs.part.drop_rel(sld.rId)
        ids.remove(sld)


def _placeholder(layout, kinds: Sequence[int]):
    return next((p for p in layout.placeholders if p.placeholder_format.type in kinds), None)


def _pick_layouts(prs):
    """(title layout, content layout): a layout with a centre title (else the first with a
    title) and one with a title and as few other placeholders as possible ('Title Only')."""
    layouts = list(prs.slide_layouts)
    titled = [
        lay
        for lay in layouts
        if _placeholder(lay, (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE))
    ]
    if not titled:
        raise DeckError("the template has no slide layout with a title placeholder; add one "
                        "(e.g. 'Title Only') or build without --template")  # fmt: skip
    title = next(
        (lay for lay in titled if _placeholder(lay, (PP_PLACEHOLDER.CENTER_TITLE,))), titled[0]
    )
    body_kinds = (PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT, PP_PLACEHOLDER.PICTURE,
                  PP_PLACEHOLDER.CHART, PP_PLACEHOLDER.TABLE)  # fmt: skip
    plain = [lay for lay in titled if _placeholder(lay, (PP_PLACEHOLDER.TITLE,))]
    content = min(plain or titled, key=lambda lay: sum(
        p.placeholder_format.type in body_kinds for p in lay.placeholders))  # fmt: skip
    return title, content


FOOTER_ZONE = (PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER, PP_PLACEHOLDER.DATE)


def _foot(layout, height: float) -> float:
    """Inches to keep clear at the bottom of a template's slide: down to the top of its footer,
    slide-number or date placeholders (where its bands and logos usually are), at least the
    built-in 0.25 and never more than a quarter of the slide."""
    tops = [
        p.top / 914400
        for owner in (layout, layout.slide_master)
        for p in owner.placeholders
        if p.placeholder_format.type in FOOTER_ZONE and p.top is not None
    ]
    if not tops:
        return DEFAULT_FRAME.foot
    return min(max(height - min(tops) + 0.15, DEFAULT_FRAME.foot), height / 4)


def _scale_layouts(prs, factor: float) -> None:
    """Widen the built-in template's master and layout placeholders for a 16:9 slide."""
    for owner in (prs.slide_master, *prs.slide_layouts):
        for shape in owner.placeholders:
            if shape.left is not None and shape.width is not None:
                shape.left, shape.width = (
                    Emu(int(shape.left * factor)),
                    Emu(int(shape.width * factor)),
                )


def _set_language(prs) -> None:
    """British English as the default language of every text level of the presentation."""
    style = prs.part._element.find(qn("p:defaultTextStyle"))
    if style is None:
        return
    for level in style:
        rpr = level.find(qn("a:defRPr"))
        if rpr is not None:
            rpr.set("lang", LANG)


def template_problem(template: bytes) -> str:
    """Why a user's template cannot be built on, in one sentence; '' when it can.

    >>> "cannot be read as a PowerPoint file" in template_problem(b"not a PowerPoint file")
    True
    """
    try:
        open_base(template)
    except DeckError as exc:
        return str(exc)
    return ""


def open_base(template: bytes | None) -> Base:
    """The presentation to write into: the built-in layout, or a user's template."""
    if template is None:
        prs = Presentation()
        factor = SLIDE_W * 914400 / prs.slide_width
        prs.slide_width, prs.slide_height = Inches(SLIDE_W), Inches(SLIDE_H)
        _scale_layouts(prs, factor)
        _set_language(prs)
        layouts = list(prs.slide_layouts)
        return Base(prs, layouts[0], layouts[5], DEFAULT_FRAME, Style(builtin=True))
    try:
        prs = Presentation(io.BytesIO(template))
    except (PackageNotFoundError, KeyError, ValueError, etree.XMLSyntaxError) as exc:
        raise DeckError(
            f"the template is not a PowerPoint (.pptx) file that can be read: {exc}"
        ) from exc
    except Exception as exc:  # a damaged zip or part: one plain message
        raise DeckError(
            f"the template cannot be read as a PowerPoint file ({type(exc).__name__})"
        ) from exc
    _drop_slides(prs)
    _set_language(prs)
    title_layout, content_layout = _pick_layouts(prs)
    width, height = int(prs.slide_width or 0) / 914400, int(prs.slide_height or 0) / 914400
    ph = _placeholder(content_layout, (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE))
    left = MARGIN * width / SLIDE_W
    foot = _foot(content_layout, height)
    if ph is not None and None not in (ph.left, ph.top, ph.width, ph.height):
        frame = Frame(width=width, height=height, title_left=ph.left / 914400,
                      title_top=ph.top / 914400, title_width=ph.width / 914400,
                      title_height=min(ph.height / 914400, 1.6),
                      text_scale=TEMPLATE_TEXT_SCALE, foot=foot)  # fmt: skip
    else:
        frame = Frame(width=width, height=height, title_left=left, title_width=width - 2 * left,
                      text_scale=TEMPLATE_TEXT_SCALE, foot=foot)  # fmt: skip
    return Base(prs, title_layout, content_layout, frame, Style(builtin=False))


# ---------------------------------------------------------------------------------------------
# Text


def _box(slide, name: str, box: tuple[float, float, float, float]):
    left, top, width, height = box
    shape = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    shape.name = name
    frame = shape.text_frame
    frame.word_wrap = True
    frame.margin_left = frame.margin_right = Inches(0.1)
    frame.margin_top = frame.margin_bottom = Inches(0.05)
    return shape


def _paragraphs(shape, lines: Sequence[str], style: Style, *, size: float, bold: bool = False,
                muted: bool = False, colour: str | None = None, space: float = 0) -> None:  # fmt: skip
    frame = shape.text_frame
    for i, line in enumerate(lines):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        if space:
            para.space_after = Pt(space)
        run = para.add_run()
        run.text = line
        style.font(run.font, size=size, bold=bold, muted=muted, colour=colour)


def _title(slide, text: str, base: Base, *, size: int) -> None:
    """The slide's title placeholder holds its headline (placed by the frame, fitted in size)."""
    ph = slide.shapes.title
    f = base.frame
    ph.left, ph.top = Inches(f.title_left), Inches(f.title_top)
    ph.width, ph.height = Inches(f.title_width), Inches(f.title_height)
    frame = ph.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = MSO_ANCHOR.TOP
    frame.text = ""
    para = frame.paragraphs[0]
    para.alignment = PP_ALIGN.LEFT
    run = para.add_run()
    run.text = text
    base.style.font(run.font, size=size, bold=True)


def _slide_number(slide, page: Page, base: Base) -> None:
    """The slide number as PowerPoint's automatic field (it renumbers when slides move)."""
    shape = _box(slide, "Slide number", base.frame.number_box)
    para = shape.text_frame.paragraphs[0]
    para.alignment = PP_ALIGN.RIGHT
    fld = etree.SubElement(para._p, qn("a:fld"))
    fld.set("id", "{5C1F5B1D-8E7A-4C55-9B8B-2D2F3B2B9A01}")
    fld.set("type", "slidenum")
    rpr = etree.SubElement(fld, qn("a:rPr"))
    rpr.set("lang", LANG)
    rpr.set("sz", str(SOURCE_PT * 100))
    if base.style.builtin:
        fill = etree.SubElement(rpr, qn("a:solidFill"))
        etree.SubElement(fill, qn("a:srgbClr")).set("val", MUTED.lstrip("#"))
        etree.SubElement(rpr, qn("a:latin")).set("typeface", FONT)
    etree.SubElement(fld, qn("a:t")).text = str(page.number)
    end = para._p.find(qn("a:endParaRPr"))
    if end is not None:  # the field must come before the paragraph's end properties
        para._p.remove(end)
        para._p.append(end)


def _footer(slide, page: Page, base: Base) -> None:
    if not page.footer:
        return
    f = base.frame
    height = f.height - f.foot + 0.15 - page.footer_top
    shape = _box(slide, "Source line", (f.left, page.footer_top, f.footer_width, height))
    shape.text_frame.vertical_anchor = MSO_ANCHOR.BOTTOM
    _paragraphs(shape, page.footer, base.style, size=SOURCE_PT, muted=True)


def _alt(shape, text: str) -> None:
    """The shape's text alternative (PowerPoint's 'Alt Text')."""
    shape._element.xpath("./*[1]/p:cNvPr")[0].set("descr", text)


def _body_box(page: Page, base: Base) -> tuple[float, float, float, float]:
    f = base.frame
    bottom = page.footer_top - 0.1 if page.footer else f.height - f.foot - 0.35
    return (f.left, f.body_top, f.body_width, bottom - f.body_top)


# ---------------------------------------------------------------------------------------------
# Bodies


def _chart(slide, native: NativeChart, alt: str, box: tuple[float, float, float, float],
           base: Base) -> None:  # fmt: skip
    """A native chart with its data, styled for the back of the room."""
    line = native.kind == "line"
    horizontal = native.kind in ("bar", "clustered_bar")
    data: CategoryChartData | XyChartData
    if line:  # years on a numeric axis: labelled every few years, starting with the data
        data = XyChartData(number_format=native.number_format)
        for spec in native.series:
            series_data = data.add_series(spec.name)
            for year, value in zip(native.categories, spec.values, strict=True):
                series_data.add_data_point(int(year), value)
    elif horizontal:  # listed top to bottom: PowerPoint draws the first category at the bottom
        data = CategoryChartData(number_format=native.number_format)
        data.categories = list(reversed(native.categories))
        for spec in reversed(native.series):
            data.add_series(spec.name, list(reversed(spec.values)))
    else:
        data = CategoryChartData(number_format=native.number_format)
        data.categories = list(native.categories)
        for spec in native.series:
            data.add_series(spec.name, list(spec.values))
    left, top, width, height = box
    kind = XL_CHART_TYPE.XY_SCATTER_LINES if line else CHART_TYPES[native.kind]
    frame = slide.shapes.add_chart(kind, Inches(left), Inches(top), Inches(width),
                                   Inches(height), data)  # fmt: skip
    frame.name = "Chart"
    _alt(frame, alt)
    chart = frame.chart
    style = base.style
    style.font(chart.font, size=CHART_PT)
    chart.has_title = False
    chart.has_legend = native.legend and len(native.series) > 1
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.TOP
        chart.legend.include_in_layout = False
        style.font(chart.legend.font, size=CHART_PT)
    values, categories = chart.value_axis, chart.category_axis
    if native.minimum is not None:
        values.minimum_scale = native.minimum
    if native.maximum is not None:
        values.maximum_scale = native.maximum
        if native.maximum == 100 and (native.minimum or 0) == 0:
            values.major_unit = 20  # six labels, never crowded or turned on their side
    values.has_major_gridlines = True
    values.major_gridlines.format.line.color.rgb = _rgb(RULE)
    values.format.line.fill.background()
    values.tick_labels.number_format = native.axis_format or native.number_format
    values.tick_labels.number_format_is_linked = False
    style.font(values.tick_labels.font, size=CHART_PT)
    values.has_title = True
    values.axis_title.text_frame.text = native.value_title
    style.font(values.axis_title.text_frame.paragraphs[0].runs[0].font, size=CHART_PT)
    style.font(categories.tick_labels.font, size=CHART_PT)
    categories.format.line.color.rgb = _rgb(MUTED)
    if line:
        years = [int(c) for c in native.categories]
        categories.minimum_scale, categories.maximum_scale = years[0], years[-1]
        categories.major_unit = year_step(years[-1] - years[0])
        categories.has_major_gridlines = False
        categories.tick_labels.number_format = "0"
        categories.tick_labels.number_format_is_linked = False
    plot = chart.plots[0]
    if native.kind != "line":
        plot.gap_width = 60
        if native.kind == "stacked_column":
            plot.overlap = 100
        elif native.kind == "clustered_bar":
            plot.overlap = -10
    specs = list(reversed(native.series)) if horizontal else list(native.series)
    for series, spec in zip(plot.series, specs, strict=True):
        if line:
            series.smooth = False
            stroke = series.format.line
            stroke.color.rgb = _rgb(spec.colour)
            stroke.width = Pt(3.5)
            if spec.dashed:
                stroke.dash_style = MSO_LINE_DASH_STYLE.DASH
                series.marker.style = XL_MARKER_STYLE.NONE
            else:
                series.marker.style = XL_MARKER_STYLE.CIRCLE
                series.marker.size = 8
                series.marker.format.fill.solid()
                series.marker.format.fill.fore_color.rgb = _rgb(spec.colour)
                series.marker.format.line.color.rgb = _rgb(spec.colour)
        else:
            series.format.fill.solid()
            series.format.fill.fore_color.rgb = _rgb(spec.colour)
            series.invert_if_negative = False
        if spec.labels:
            labels = series.data_labels
            labels.show_value = True
            labels.number_format = native.number_format
            labels.number_format_is_linked = False
            labels.position = XL_LABEL_POSITION.OUTSIDE_END
            style.font(labels.font, size=CHART_PT)
    _blanks_as_gaps(chart)


def year_step(span: int) -> int:
    """Years between labels of a time axis of `span` years: every year up to twelve, else the
    largest of 5, 4, 3, 2 that divides the span (so the last year is labelled), else 5."""
    if span <= 12:
        return 1
    return next((step for step in (5, 4, 3, 2) if span % step == 0), 5)


def _blanks_as_gaps(chart) -> None:
    """Missing values are gaps in a line, never zeros."""
    space = chart._chartSpace.chart
    found = space.find(qn("c:dispBlanksAs"))
    if found is None:
        found = etree.SubElement(space, qn("c:dispBlanksAs"))
        after = space.find(qn("c:plotVisOnly"))
        if after is not None:
            space.remove(found)
            after.addnext(found)
    found.set("val", "gap")


def _cell_border(cell, colour: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    for side in ("a:lnL", "a:lnR", "a:lnT", "a:lnB"):
        line = etree.SubElement(tc_pr, qn(side), w="9525" if side == "a:lnB" else "0")
        if side == "a:lnB":
            fill = etree.SubElement(line, qn("a:solidFill"))
            etree.SubElement(fill, qn("a:srgbClr")).set("val", colour.lstrip("#"))
        else:
            etree.SubElement(line, qn("a:noFill"))
    # the schema wants the borders before the cell fill
    fills = [c for c in tc_pr if c.tag in (qn("a:solidFill"), qn("a:noFill"))]
    for fill in fills:
        tc_pr.remove(fill)
        tc_pr.append(fill)


def _table(slide, page: Page, box: tuple[float, float, float, float], base: Base) -> None:
    table = page.slide.table
    assert table is not None
    start, end = page.rows
    rows = table.rows[start:end]
    left, top, width, _ = box
    shape = slide.shapes.add_table(len(rows) + 1, len(table.columns), Inches(left), Inches(top),
                                   Inches(width), Inches(0.4 * (len(rows) + 1)))  # fmt: skip
    shape.name = "Table"
    grid = shape.table
    grid.first_row = True
    grid.horz_banding = False
    for j, w in enumerate(page.widths):
        grid.columns[j].width = Emu(int(Inches(w)))
    cells = [[(c, True, "") for c in table.columns]]
    cells += [[(c.text, c.bold, c.colour) for c in row] for row in rows]
    for i, row in enumerate(cells):
        for j, (text, bold, colour) in enumerate(row):
            cell = grid.cell(i, j)
            cell.text = ""
            cell.margin_top = cell.margin_bottom = Inches(0.04)
            cell.margin_left = cell.margin_right = Inches(0.08)
            cell.vertical_anchor = MSO_ANCHOR.TOP
            run = cell.text_frame.paragraphs[0].add_run()
            run.text = text
            base.style.font(run.font, size=TABLE_PT, bold=bold or i == 0, colour=colour or None)
            if base.style.builtin:
                cell.fill.solid()
                cell.fill.fore_color.rgb = _rgb(PANEL if i == 0 else "#FFFFFF")
                _cell_border(cell, RULE)


def _bullets(slide, page: Page, box: tuple[float, float, float, float], base: Base, *,
             numbered: bool) -> None:  # fmt: skip
    left, top, width, height = box
    shape = _box(slide, "Text", (left, top, width, height))
    frame = shape.text_frame
    for i, bullet in enumerate(page.bullets):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        para.space_after = Pt(page.text_pt * 0.6)
        marker = f"{i + 1}.  " if numbered else "•  "
        run = para.add_run()
        run.text = marker
        base.style.font(
            run.font, size=page.text_pt, bold=True, colour=UN_BLUE if base.style.builtin else None
        )
        if bullet.lead:
            run = para.add_run()
            run.text = bullet.lead + " "
            base.style.font(run.font, size=page.text_pt, bold=True)
        run = para.add_run()
        run.text = bullet.text
        base.style.font(run.font, size=page.text_pt)


def _tiles(slide, page: Page, box: tuple[float, float, float, float], base: Base) -> None:
    tiles = page.slide.tiles
    left, top, width, height = box
    rows = (len(tiles) + TILE_COLUMNS - 1) // TILE_COLUMNS
    gap = TILE_GAP
    w = (width - gap * (TILE_COLUMNS - 1)) / TILE_COLUMNS
    h = (height - gap * (rows - 1)) / rows
    for tile, (r, c) in zip(tiles, tile_grid(len(tiles), columns=TILE_COLUMNS), strict=True):
        shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Inches(left + c * (w + gap)),
                                       Inches(top + r * (h + gap)), Inches(w), Inches(h))  # fmt: skip
        shape.name = f"Area {tile.heading.split('.')[0]}"
        shape.shadow.inherit = False
        shape.fill.solid()
        shape.fill.fore_color.rgb = _rgb(PANEL if tile.status.startswith("no") else "#FFFFFF")
        shape.line.color.rgb = _rgb(tile.colour)
        shape.line.width = Pt(2.5)
        frame = shape.text_frame
        frame.word_wrap = True
        frame.vertical_anchor = MSO_ANCHOR.TOP
        frame.margin_left = frame.margin_right = Inches(0.1)
        for i, (text, bold, colour) in enumerate(((tile.heading, True, None),
                                                  (tile.status, True, tile.colour))):  # fmt: skip
            para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            para.alignment = PP_ALIGN.LEFT
            run = para.add_run()
            run.text = text
            # the tile's fill is ours, so is its ink (a template's shape style may set white)
            base.style.font(run.font, size=TILE_PT, bold=bold, colour=colour or INK)


def _picture(slide, page: Page, box: tuple[float, float, float, float], base: Base) -> None:
    content = page.slide
    left, top, width, height = box
    if content.picture is None:
        shape = _box(slide, "Picture missing", box)
        _paragraphs(shape, [f"The picture could not be drawn here: {content.problem}"],
                    base.style, size=18)  # fmt: skip
        return
    from PIL import Image

    with Image.open(io.BytesIO(content.picture)) as img:
        ratio = img.width / img.height
    w, h = (width, width / ratio) if width / height < ratio else (height * ratio, height)
    pic = slide.shapes.add_picture(io.BytesIO(content.picture), Inches(left + (width - w) / 2),
                                   Inches(top), Inches(w), Inches(h))  # fmt: skip
    pic.name = "Map"
    _alt(pic, content.alt)


def _title_page(slide, page: Page, base: Base) -> None:
    f = base.frame
    content = page.slide
    if base.style.builtin:
        bar = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, Inches(0.3), Inches(f.height))
        bar.name = "Accent"
        bar.fill.solid()
        bar.fill.fore_color.rgb = _rgb(UN_BLUE)
        bar.line.fill.background()
        bar.shadow.inherit = False
    left, width = f.left + 0.4, f.width - 2 * f.left - 0.4
    size = title_size(content.title, width_in=base.frame.measure(width), max_lines=3) + 6
    title = slide.shapes.title
    title.left, title.top, title.width = Inches(left), Inches(0.9), Inches(width)
    title.height = Inches(min(3 * size * LINE / 72 + 0.2, 2.9))
    title.text_frame.word_wrap = True
    title.text_frame.vertical_anchor = MSO_ANCHOR.BOTTOM
    title.text_frame.text = ""
    para = title.text_frame.paragraphs[0]
    para.alignment = PP_ALIGN.LEFT
    run = para.add_run()
    run.text = content.title
    base.style.font(run.font, size=size, bold=True)
    meeting, *rest = content.lines or ("",)
    subtitle = next((p for p in slide.placeholders
                     if p.placeholder_format.type == PP_PLACEHOLDER.SUBTITLE), None)  # fmt: skip
    top = 0.9 + title.height / 914400 + 0.2
    sub_h = text_height(meeting, width_in=width, pt=24) + 0.1
    if subtitle is not None:
        subtitle.left, subtitle.top = Inches(left), Inches(top)
        subtitle.width, subtitle.height = Inches(width), Inches(sub_h)
        subtitle.text_frame.text = ""
        subtitle.text_frame.word_wrap = True
        para = subtitle.text_frame.paragraphs[0]
        para.alignment = PP_ALIGN.LEFT
        run = para.add_run()
        run.text = meeting
        base.style.font(run.font, size=24)
    else:
        shape = _box(slide, "Meeting", (left, top, width, sub_h))
        _paragraphs(shape, [meeting], base.style, size=24)
    if rest:
        shape = _box(slide, "Date, venue and presenter", (left, top + sub_h + 0.2, width, 1.5))
        _paragraphs(shape, rest, base.style, size=20, space=4)
    for ph in list(slide.placeholders):  # leave no empty placeholder of the layout behind
        if ph.placeholder_format.type not in (PP_PLACEHOLDER.CENTER_TITLE, PP_PLACEHOLDER.TITLE,
                                              PP_PLACEHOLDER.SUBTITLE):  # fmt: skip
            ph._element.getparent().remove(ph._element)


def _content(slide, page: Page, base: Base) -> None:
    content = page.slide
    _title(slide, page.title, base, size=base.frame.title_pt(page.title))
    for ph in list(slide.placeholders):  # a template's other placeholders would show prompts
        if ph.placeholder_format.type not in (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE):
            ph._element.getparent().remove(ph._element)
    box = _body_box(page, base)
    if content.native is not None:
        _chart(slide, content.native, content.alt, box, base)
    elif content.kind == "map":
        _picture(slide, page, box, base)
    elif page.tiles:
        _tiles(slide, page, box, base)
    elif content.table is not None:
        _table(slide, page, box, base)
    elif page.bullets:
        _bullets(slide, page, box, base, numbered=content.numbered or content.kind == "agenda")


def _document_time(deck: Deck) -> dt.datetime:
    if deck.options.date is not None:
        return dt.datetime.combine(deck.options.date, dt.time(0, 0))
    return deck.built


def pptx_bytes(deck: Deck, *, template: bytes | None = None) -> bytes:
    """The deck as a PowerPoint file (the same bytes for the same deck and template)."""
    base = open_base(template)
    prs = base.prs
    for page in pages_of(deck, base.frame):
        layout = base.title_layout if page.kind == "title" else base.content_layout
        slide = prs.slides.add_slide(layout)
        if slide.shapes.title is None:  # a layout without a title: give the slide one
            raise DeckError("the template's layout has no title placeholder")
        if page.kind == "title":
            _title_page(slide, page, base)
        else:
            _content(slide, page, base)
        _footer(slide, page, base)
        if page.kind != "title":
            _slide_number(slide, page, base)
        notes = slide.notes_slide.notes_text_frame
        notes.text = page.slide.notes
        for para in notes.paragraphs:
            for run in para.runs:
                run.font.language_id = MSO_LANGUAGE_ID.ENGLISH_UK
    props = prs.core_properties
    props.title = deck.options.title
    props.subject = deck.options.meeting
    props.author = props.last_modified_by = deck.options.presenter or "WSIS+20 dashboard"
    props.language = LANG
    props.created = props.modified = props.last_printed = _document_time(deck)
    props.revision = 1
    props.keywords = "WSIS+20; digital development; Internet use"
    buffer = io.BytesIO()
    prs.save(buffer)
    return stable_zip(buffer.getvalue())
