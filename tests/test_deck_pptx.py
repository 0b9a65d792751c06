"""The deck as PowerPoint (dashboard.deck.powerpoint), read back with python-pptx: native charts
with their data, alt text on every chart and picture, a title placeholder on every slide, type
readable from the back of the room, one source line a slide, automatic slide numbers, British
English, at most eight table rows, reproducible bytes, and a user's template."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from lxml import etree
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE, PP_PLACEHOLDER
from pptx.util import Inches, Pt
from test_export import chromium, needs_chromium

from dashboard.deck import powerpoint
from dashboard.deck.layout import MAX_ROWS
from dashboard.deck.pages import pages_of
from dashboard.deck.prepare import prepare_deck
from dashboard.deck.story import StoryOptions

SMALL_SHAPES = ("Source line", "Slide number")  # 12 pt allowed; every other text >= 18 pt
NS = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main",
      "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
      "p": "http://schemas.openxmlformats.org/presentationml/2006/main"}  # fmt: skip


@pytest.fixture(scope="module")
def pptx(default_deck) -> bytes:
    return powerpoint.pptx_bytes(default_deck)


@pytest.fixture(scope="module")
def prs(pptx):
    return Presentation(io.BytesIO(pptx))


@pytest.fixture(scope="module")
def pages(default_deck):
    return pages_of(default_deck)


def runs(shape):
    if shape.has_text_frame:
        for para in shape.text_frame.paragraphs:
            yield from para.runs
    if shape.has_table:
        for row in shape.table.rows:
            for cell in row.cells:
                for para in cell.text_frame.paragraphs:
                    yield from para.runs


def all_text(slide) -> str:
    parts = []
    for shape in slide.shapes:
        parts += [r.text for r in runs(shape)]
        if shape.has_chart:
            parts.append(etree.tostring(shape.chart._chartSpace).decode())
    parts.append(slide.notes_slide.notes_text_frame.text)
    return " ".join(parts)


def test_one_slide_per_page_each_with_a_title_placeholder(prs, pages):
    assert len(prs.slides) == len(pages)
    for slide, page in zip(prs.slides, pages, strict=True):
        title = slide.shapes.title
        assert title is not None and title.is_placeholder
        assert title.placeholder_format.type in (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)
        assert title.text_frame.text == page.title


def test_charts_are_native_and_only_the_map_is_a_picture(prs, pages):
    for slide, page in zip(prs.slides, pages, strict=True):
        charts = [s for s in slide.shapes if s.has_chart]
        pictures = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert len(charts) == (1 if page.slide.native is not None else 0), page.title
        assert len(pictures) == (1 if page.kind == "map" else 0), page.title
        for frame in charts:  # the data travel inside the file: an embedded workbook
            assert frame.chart.part.chart_workbook.xlsx_part is not None
            plotted = [v for s in frame.chart.plots[0].series for v in s.values if v is not None]
            expected = [v for s in page.slide.native.series for v in s.values if v is not None]
            assert sorted(plotted) == pytest.approx(sorted(expected))


def test_every_chart_and_picture_has_alt_text_with_its_key_numbers(prs):
    found = 0
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_chart or shape.shape_type == MSO_SHAPE_TYPE.PICTURE:
                descr = shape._element.xpath("./*[1]/p:cNvPr")[0].get("descr", "")
                assert len(descr) > 60 and re.search(r"\d", descr), descr
                found += 1
    assert found >= 10


def test_type_is_readable_from_the_back_of_the_room(prs):
    for slide in prs.slides:
        for shape in slide.shapes:
            least = Pt(12) if shape.name in SMALL_SHAPES else Pt(18)
            for run in runs(shape):
                assert run.font.size is not None and run.font.size >= least, (shape.name, run.text)
            if shape.has_chart:
                sizes = [
                    int(x) for x in shape.chart._chartSpace.xpath(".//a:defRPr/@sz | .//a:rPr/@sz")
                ]
                assert sizes and min(sizes) >= 1600, shape.name


def test_one_source_line_on_every_slide_and_no_nan(prs):
    for slide in prs.slides:
        sources = [s for s in slide.shapes if s.name == "Source line"]
        assert len(sources) == 1
        text = sources[0].text_frame.text
        assert re.match(r"(Source|Sources|Figures): \S", text) and "Source: ;" not in text
        assert not re.search(r"\bnan\b", all_text(slide), re.I)


def test_slide_numbers_are_automatic_fields(prs):
    for i, slide in enumerate(prs.slides):
        fields = slide.shapes._spTree.xpath(".//a:fld[@type='slidenum']")
        assert len(fields) == (0 if i == 0 else 1)  # the title slide carries none


def test_the_presentation_is_in_british_english(pptx, prs):
    assert prs.core_properties.language == "en-GB"
    for slide in prs.slides:
        for shape in slide.shapes:
            for run in runs(shape):
                assert run._r.get_or_add_rPr().get("lang") == "en-GB"
    with zipfile.ZipFile(io.BytesIO(pptx)) as zf:
        presentation = zf.read("ppt/presentation.xml").decode()
    assert 'lang="en-GB"' in presentation


def test_tables_have_at_most_eight_rows_and_fit_the_slide(prs):
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_table:
                assert len(shape.table.rows) - 1 <= MAX_ROWS
                assert shape.left + shape.width <= prs.slide_width


def test_charts_fill_the_slide_body(prs):
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_chart:
                assert shape.width >= prs.slide_width * 0.9 and shape.height >= Inches(4.2)


def test_speaker_notes_hold_the_takeaway_and_citations(prs, default_deck):
    chart_slides = {s.title: s for s in default_deck.slides if s.kind == "chart"}
    for slide in prs.slides:
        title = slide.shapes.title.text_frame.text
        if title in chart_slides:
            notes = slide.notes_slide.notes_text_frame.text
            assert notes.startswith(f"Takeaway: {title}") and "[" in notes


def test_the_file_is_reproducible(default_deck, pptx):
    assert powerpoint.pptx_bytes(default_deck) == pptx
    with zipfile.ZipFile(io.BytesIO(pptx)) as zf:
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_user_options_reach_the_title_slide_and_the_document(bundled_snapshot, catalogue):
    import datetime as dt

    options = StoryOptions(slides=("title", "questions"), title="T custom", meeting="M custom",
                           venue="Geneva", presenter="P custom", date=dt.date(2025, 12, 16))  # fmt: skip
    deck = prepare_deck(bundled_snapshot, catalogue, options=options, pictures=False)
    prs = Presentation(io.BytesIO(powerpoint.pptx_bytes(deck)))
    first = prs.slides[0]
    text = " ".join(r.text for s in first.shapes for r in runs(s))
    assert first.shapes.title.text_frame.text == "T custom"
    for word in ("M custom", "16 December 2025", "Geneva", "P custom"):
        assert word in text
    assert prs.core_properties.created == dt.datetime(2025, 12, 16)
    assert prs.core_properties.title == "T custom"


# --- a user's template ---------------------------------------------------------------------------


def make_template() -> bytes:
    """A 4:3 template made by code: a marked master, renamed layouts and one sample slide."""
    prs = Presentation()
    prs.slide_master.element.cSld.set("name", "Template master")
    for layout in prs.slide_layouts:
        layout.name = f"Custom {layout.name}"
    sample = prs.slides.add_slide(prs.slide_layouts[1])
    sample.shapes.title.text_frame.text = "A sample slide of the template"
    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()


def test_a_template_gives_its_masters_layouts_and_size(bundled_snapshot, catalogue):
    options = StoryOptions(slides=("title", "internet_use", "claims", "questions"))
    deck = prepare_deck(bundled_snapshot, catalogue, options=options, pictures=False)
    template = make_template()
    prs = Presentation(io.BytesIO(powerpoint.pptx_bytes(deck, template=template)))
    assert (prs.slide_width, prs.slide_height) == (Inches(10), Inches(7.5))  # the template's
    assert prs.slide_master.name == "Template master"
    titles = [s.shapes.title.text_frame.text for s in prs.slides]
    assert "A sample slide of the template" not in titles
    assert len(prs.slides) == len(pages_of(deck, powerpoint.open_base(template).frame))
    for slide in prs.slides:
        assert slide.slide_layout.name.startswith("Custom ")
        assert slide.shapes.title is not None and slide.shapes.title.text_frame.text
        for shape in slide.shapes:
            assert shape.left + shape.width <= prs.slide_width + Inches(0.01), shape.name
            if shape.is_placeholder:  # no empty placeholder left showing a prompt
                assert shape.has_text_frame and shape.text_frame.text
    assert any(s.has_chart for s in prs.slides[1].shapes)
    footer_zone = min(  # the template's footer, slide-number and date placeholders
        p.top for p in prs.slide_master.placeholders
        if p.placeholder_format.type in (PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER,
                                         PP_PLACEHOLDER.DATE)
    )  # fmt: skip
    for slide in prs.slides:  # source lines and numbers stay above it
        for shape in slide.shapes:
            if shape.name in ("Source line", "Slide number"):
                assert shape.top + shape.height <= footer_zone + Inches(0.01), shape.name


def test_a_wide_template_gets_area_tiles_with_their_own_ink(bundled_snapshot, catalogue):
    prs = Presentation(io.BytesIO(make_template()))
    prs.slide_width, prs.slide_height = Inches(20), Inches(11.25)  # 16:9, room for the tiles
    buffer = io.BytesIO()
    prs.save(buffer)
    options = StoryOptions(slides=("challenges",))
    deck = prepare_deck(bundled_snapshot, catalogue, options=options, pictures=False)
    built = Presentation(io.BytesIO(powerpoint.pptx_bytes(deck, template=buffer.getvalue())))
    tiles = [s for slide in built.slides for s in slide.shapes if s.name.startswith("Area ")]
    tables = [s for slide in built.slides for s in slide.shapes if s.has_table]
    assert len(tiles) == len(catalogue.areas) and not tables
    for tile in tiles:  # white text of a template's shape style never lands on a white tile
        for run in runs(tile):
            assert run.font.color.rgb is not None, run.text


def test_a_file_that_is_no_powerpoint_is_refused(default_deck):
    from dashboard.deck.prepare import DeckError

    with pytest.raises(DeckError, match="PowerPoint"):
        powerpoint.pptx_bytes(default_deck, template=b"not a zip at all")
    assert "PowerPoint" in powerpoint.template_problem(b"not a zip at all")  # the page's check
    assert powerpoint.template_problem(make_template()) == ""


# --- without chromium -------------------------------------------------------------------------


@chromium
@needs_chromium
def test_the_map_is_a_picture_drawn_from_the_bundled_shapes(prs, pages):
    index = next(i for i, p in enumerate(pages) if p.kind == "map")
    picture = next(s for s in prs.slides[index].shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE)
    assert picture.image.size[0] >= 2000


def test_without_chromium_the_map_slide_says_why(monkeypatch, bundled_snapshot, catalogue):
    from dashboard.exports import renderer

    monkeypatch.setenv(renderer.CHROMIUM_ENV, "/nonexistent/chromium")
    deck = prepare_deck(bundled_snapshot, catalogue, options=StoryOptions(slides=("map",)))
    assert deck.missing_pictures and "apt-get install chromium" in deck.problems[0]
    prs = Presentation(io.BytesIO(powerpoint.pptx_bytes(deck)))
    shapes = {s.name: s for s in prs.slides[0].shapes}
    assert (
        "Picture missing" in shapes
        and "could not be drawn" in shapes["Picture missing"].text_frame.text
    )
