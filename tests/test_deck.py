"""The deck's content (dashboard.deck): the fixture deck shared by the writer tests, the
no-picture tables, bad slide selections and safe writing."""

from __future__ import annotations

import os

import pytest
from fixtures import fixture_snapshot
from test_export import fixture_chart

from dashboard.deck import prepare as D
from dashboard.deck.story import Slide, SlideSpec, StoryOptions, TalkingPoint
from dashboard.figures.chart import Chart
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


# --- without pictures ----------------------------------------------------------------------------


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
