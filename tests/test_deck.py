"""The PowerPoint and PDF deck: slides, titles, pictures, source lines, speaker notes,
reproducible bytes, the no-chromium fallback, bad input and safe writing."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from fixtures import fixture_snapshot
from pptx import Presentation
from pptx.util import Emu
from test_export import chromium, fixture_chart, needs_chromium

from dashboard import deck as D
from dashboard import export
from dashboard.charts import Chart
from dashboard.story import Slide, SlideSpec, StoryOptions, TalkingPoint
from indicators.catalogue import load_catalogue
from indicators.errors import AnalysisError, UnknownCodeError

CITATION = "fixture source, vintage fixture-vintage"


def fixture_headline(chart: Chart, *_: object) -> str:
    """The takeaway of a fixture chart, computed from its data: first and last mean values."""
    by_year = chart.data.groupby("year")["value"].mean()
    return (
        f"Mean value rose from {by_year.iloc[0]:.1f} in {by_year.index[0]} "
        f"to {by_year.iloc[-1]:.1f} in {by_year.index[-1]}"
    )


def fixture_points(chart: Chart, *_: object) -> list[TalkingPoint]:
    return [TalkingPoint(fixture_headline(chart), CITATION)]


def fixture_specs() -> list[SlideSpec]:
    """Three slides over the fixture snapshot: two charts and one table."""

    def build(name: str, start: int):
        def builder(snapshot, catalogue, baseline):
            chart = fixture_chart(name=name)
            data = chart.data[chart.data["year"] >= max(start, baseline)].reset_index(drop=True)
            return Chart(chart.name, chart.figure, data, chart.title, chart.subtitle,
                         chart.source, chart.notes)  # fmt: skip

        return builder

    return [
        SlideSpec("first", "First", build("first", 2000), fixture_headline, fixture_points),
        SlideSpec("second", "Second", build("second", 2010), fixture_headline, fixture_points),
        SlideSpec(
            "table", "Table", build("table", 2018), fixture_headline, fixture_points, layout="table"
        ),
    ]


def fixture_deck(*, slides: tuple[str, ...] | None = None, **options) -> D.Deck:
    return D.prepare_deck(
        fixture_snapshot(),
        load_catalogue(),
        options=StoryOptions(slides=slides, **options),
        specs=fixture_specs(),
    )


def shapes(slide) -> dict[str, object]:
    return {shape.name: shape for shape in slide.shapes}


def expected_titles(deck: D.Deck) -> list[str]:
    return [deck.options.title] + [s.headline for s in deck.slides]


# --- with pictures ---------------------------------------------------------------------------


@chromium
@needs_chromium
def test_pptx_slides_titles_pictures_sources_and_notes():
    deck = fixture_deck()
    prs = Presentation(io.BytesIO(D.pptx_bytes(deck)))
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
    prs = Presentation(io.BytesIO(D.pptx_bytes(deck)))
    grid = shapes(prs.slides[1])["Data table"].table
    table = deck.slides[0].table
    assert [c.text for c in grid.rows[0].cells] == list(table.columns)
    assert len(grid.rows) - 1 == min(len(table), len(grid.rows) - 1) > 0
    first = [c.text for c in grid.rows[1].cells]
    assert first == D.as_text(table).iloc[0].tolist()


@chromium
@needs_chromium
def test_pptx_is_reproducible_and_dated_by_the_snapshot():
    one, two = D.pptx_bytes(fixture_deck()), D.pptx_bytes(fixture_deck())
    assert one == two
    props = Presentation(io.BytesIO(one)).core_properties
    built = fixture_snapshot().descriptor["built_at"]
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
    prs = Presentation(io.BytesIO(D.pptx_bytes(deck)))
    first = shapes(prs.slides[0])
    assert first["Title"].text_frame.text == "T custom"
    assert first["Subtitle"].text_frame.text == "S custom"
    assert first["Date"].text_frame.text == "16 December 2025"
    assert [s.id for s in deck.slides] == ["second", "first"]
    assert prs.core_properties.created == dt.datetime(2025, 12, 16)


@chromium
@needs_chromium
def test_composed_pdf_without_libreoffice(monkeypatch):
    monkeypatch.setenv(D.SOFFICE_ENV, "")
    deck = fixture_deck()
    out = D.pdf_bytes(deck)
    assert out.data.startswith(b"%PDF") and "composed" in out.method
    pages = re.findall(rb"/Type\s*/Page\b(?!s)", out.data)
    assert len(pages) == len(D.pages_of(deck))


# --- without chromium -------------------------------------------------------------------------


def test_without_chromium_chart_slides_become_native_tables(monkeypatch):
    monkeypatch.setenv(export.CHROMIUM_ENV, "/nonexistent/chromium")
    deck = fixture_deck()
    assert not deck.images and "apt-get install chromium" in deck.image_problem
    prs = Presentation(io.BytesIO(D.pptx_bytes(deck)))
    for slide in list(prs.slides)[1:4]:
        found = shapes(slide)
        assert "Chart" not in found and "Data table" in found and "Source line" in found
    note = shapes(prs.slides[1])["Table note"].text_frame.text
    assert "could not be drawn" in note
    grid = shapes(prs.slides[1])["Data table"].table
    header = [c.text for c in grid.rows[0].cells]
    years = sorted(deck.slides[0].chart.data["year"].unique())
    assert header[1] == str(years[0]) and header[-1] == str(years[-1])


def test_plotted_table_values_come_from_the_chart_data():
    chart = fixture_chart()
    table = D.plotted_table(Slide("x", "X", "headline", chart))
    last = int(chart.data["year"].max())
    assert list(table.columns)[-1] == str(last) and len(table.columns) == 1 + 6
    assert sorted(table[""]) == sorted(chart.data["entity"].unique())  # no name column: codes
    for _, row in table.iterrows():
        entity = row[""]
        expected = chart.data[(chart.data["entity"] == entity) & (chart.data["year"] == last)]
        assert row[str(last)] == expected["value"].iloc[0]


# --- bad input and writing ---------------------------------------------------------------------


def test_unknown_and_empty_slide_selections_are_clear_errors():
    with pytest.raises(UnknownCodeError, match="unknown slide code 'nope'"):
        fixture_deck(slides=("first", "nope"))
    with pytest.raises(AnalysisError, match="no slides selected"):
        fixture_deck(slides=())


def test_write_output_is_atomic_and_reports_bad_paths(tmp_path):
    target = tmp_path / "deck.pptx"
    D.write_output(target, b"first")
    assert target.read_bytes() == b"first" and oct(target.stat().st_mode)[-3:] == "644"
    with pytest.raises(D.DeckError, match="does not exist"):
        D.write_output(tmp_path / "missing" / "deck.pptx", b"x")
    with pytest.raises(D.DeckError, match="is a folder"):
        D.write_output(tmp_path, b"x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deck.pptx"]


def test_failed_write_leaves_no_partial_file(tmp_path, monkeypatch):
    target = tmp_path / "deck.pptx"

    def fail(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(D.DeckError, match="No space left"):
        D.write_output(target, b"data")
    assert list(tmp_path.iterdir()) == []


def test_fit_table_shrinks_font_and_drops_rows_that_cannot_fit():
    text = pd.DataFrame({"a": [f"row {i} " * 12 for i in range(40)], "b": list(range(40))})
    small = D.fit_table(D.as_text(text.head(3)), width_in=12, height_in=5)
    big = D.fit_table(D.as_text(text), width_in=12, height_in=5)
    assert small.size == D.TABLE_SIZES[0] and small.rows == 3
    assert big.size == D.TABLE_SIZES[-1] and 0 < big.rows < 40
    assert sum(big.heights) <= 5


def test_column_widths_never_break_a_word():
    table = pd.DataFrame({"Claim": ["a long sentence " * 8], "Year": ["2025"]})
    widths = D.column_widths(table, 12, pt=14)
    need = export.text_width("2025", size=round(14 * 96 / 72), bold=True) / 96
    assert widths[1] >= need and abs(sum(widths) - 12) < 1e-6


# --- rendered by LibreOffice (looked at by a person: screenshots/deck/) -------------------------


@pytest.mark.libreoffice
@chromium
@needs_chromium
def test_default_deck_renders_with_libreoffice_to_pdf_and_png_pages():
    import shutil
    import subprocess

    from indicators.snapshot import load_snapshot

    if D.libreoffice_path() is None or shutil.which("pdftoppm") is None:
        pytest.skip("LibreOffice or pdftoppm not installed (make setup-test)")
    deck = D.prepare_deck(load_snapshot(), load_catalogue())
    pptx = D.pptx_bytes(deck)
    pdf = D.pdf_bytes(deck, pptx=pptx)
    assert pdf.data.startswith(b"%PDF") and "LibreOffice" in pdf.method
    out = Path(__file__).resolve().parents[1] / "screenshots" / "deck"
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("page-*.png"):
        old.unlink()
    (out / "wsis20-deck.pdf").write_bytes(pdf.data)
    subprocess.run(["pdftoppm", "-r", "96", "-png", str(out / "wsis20-deck.pdf"), str(out / "page")],
                   check=True, timeout=120)  # fmt: skip
    pages = sorted(out.glob("page-*.png"))
    assert len(pages) == len(D.pages_of(deck)) == len(Presentation(io.BytesIO(pptx)).slides)
