"""The deck as PowerPoint (dashboard.deck_pptx): slides, titles, pictures, source lines,
speaker notes, reproducible bytes and native tables without chromium."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from fixtures import fixture_snapshot
from pptx import Presentation
from pptx.util import Emu
from test_deck import CITATION, fixture_deck
from test_export import chromium, needs_chromium

from dashboard.deck import powerpoint
from dashboard.deck.prepare import as_text
from dashboard.exports import renderer


def shapes(slide) -> dict[str, object]:
    return {shape.name: shape for shape in slide.shapes}


# --- with pictures ---------------------------------------------------------------------------


@chromium
@needs_chromium
def test_pptx_slides_titles_pictures_sources_and_notes():
    deck = fixture_deck()
    prs = Presentation(io.BytesIO(powerpoint.pptx_bytes(deck)))
    slides = list(prs.slides)
    assert len(slides) == 1 + len(deck.slides) + 1 + 1  # title, slides, claims, data notes
    assert (prs.slide_width, prs.slide_height) == (Emu(12191695), Emu(6858000))  # 16:9
    assert shapes(slides[0])["Title"].text_frame.text == deck.options.title
    assert "Data: World Bank WDI, ITU" in shapes(slides[0])["Credit"].text_frame.text
    titles = [shapes(s)["Headline"].text_frame.text for s in slides[1:4]]
    assert titles == [s.headline for s in deck.slides]
    for slide, built in zip(slides[1:4], deck.slides, strict=True):
        found = shapes(slide)
        assert ("Chart" in found) == (built.layout == "chart")
        assert ("Data table" in found) == (built.layout == "table")
        assert found["Source line"].text_frame.text == built.chart.source
        notes = slide.notes_slide.notes_text_frame.text
        assert built.headline in notes and CITATION in notes and built.chart.source in notes
    picture = shapes(slides[1])["Chart"]
    assert picture.image.size == (1920, 1080)
    claims = shapes(slides[4])["Data table"].table
    assert [c.text for c in claims.rows[0].cells] == [
        "Claim",
        "Verdict",
        "Figure",
        "Year",
        "Source",
    ]
    assert len(claims.rows) == 1 + len(deck.claims)
    notes_text = shapes(slides[5])["Notes"].text_frame.text
    assert "fixture-vintage" in notes_text and "CC BY 4.0" in notes_text


@chromium
@needs_chromium
def test_table_slide_shows_the_table_rows():
    deck = fixture_deck(slides=("table",))
    prs = Presentation(io.BytesIO(powerpoint.pptx_bytes(deck)))
    grid = shapes(prs.slides[1])["Data table"].table
    table = deck.slides[0].table
    assert [c.text for c in grid.rows[0].cells] == list(table.columns)
    assert len(grid.rows) - 1 == min(len(table), len(grid.rows) - 1) > 0
    first = [c.text for c in grid.rows[1].cells]
    assert first == as_text(table).iloc[0].tolist()


@chromium
@needs_chromium
def test_pptx_is_reproducible_and_dated_by_the_snapshot():
    one, two = powerpoint.pptx_bytes(fixture_deck()), powerpoint.pptx_bytes(fixture_deck())
    assert one == two
    props = Presentation(io.BytesIO(one)).core_properties
    built = fixture_snapshot().descriptor.built_at
    assert props.created.date().isoformat() == built[:10]
    with zipfile.ZipFile(io.BytesIO(one)) as zf:
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}


@chromium
@needs_chromium
def test_user_options_reach_the_title_slide_and_document_date():
    when = dt.date(2025, 12, 16)
    deck = fixture_deck(
        slides=("second", "first"), title="T custom", subtitle="S custom", date=when
    )
    prs = Presentation(io.BytesIO(powerpoint.pptx_bytes(deck)))
    first = shapes(prs.slides[0])
    assert first["Title"].text_frame.text == "T custom"
    assert first["Subtitle"].text_frame.text == "S custom"
    assert first["Date"].text_frame.text == "16 December 2025"
    assert [s.id for s in deck.slides] == ["second", "first"]
    assert prs.core_properties.created == dt.datetime(2025, 12, 16)


# --- without chromium -------------------------------------------------------------------------


def test_without_chromium_chart_slides_become_native_tables(monkeypatch):
    monkeypatch.setenv(renderer.CHROMIUM_ENV, "/nonexistent/chromium")
    deck = fixture_deck()
    assert not deck.images and "apt-get install chromium" in deck.image_problem
    prs = Presentation(io.BytesIO(powerpoint.pptx_bytes(deck)))
    for slide in list(prs.slides)[1:4]:
        found = shapes(slide)
        assert "Chart" not in found and "Data table" in found and "Source line" in found
    note = shapes(prs.slides[1])["Table note"].text_frame.text
    assert "could not be drawn" in note
    grid = shapes(prs.slides[1])["Data table"].table
    header = [c.text for c in grid.rows[0].cells]
    years = sorted(deck.slides[0].chart.data["year"].unique())
    assert header[1] == str(years[0]) and header[-1] == str(years[-1])
