"""The explorer's ranking (dashboard.figures_ranking): bars of a chosen set and every economy
as a skyline, on the fixture snapshot."""

from __future__ import annotations

import numpy as np
from fixtures import ECONOMIES, fixture_internet, fixture_observations, fixture_snapshot
from test_figures_explorer import WWW

from dashboard.figures.ranking import ranking_figure


def test_ranking_of_levels_is_sorted_and_uses_the_latest_value(tiny_snapshot, catalogue):
    chart = ranking_figure(
        tiny_snapshot, catalogue, indicator=WWW, entities=["E05", "E01", "E03"], end=2012
    )
    assert list(chart.data["value"]) == sorted(chart.data["value"], reverse=True)
    assert set(chart.data["latest_year"]) == {2012}
    assert np.allclose(
        chart.data["value"], [fixture_internet(e, 2012) for e in chart.data["entity"]]
    )
    assert list(chart.figure.data[0].y) == list(chart.data["entity_name"])


def test_ranking_of_relative_change_over_all_economies(tiny_snapshot, catalogue):
    chart = ranking_figure(
        tiny_snapshot,
        catalogue,
        indicator=WWW,
        entities=None,
        measure="change",
        change="relative",
        baseline=2005,
        highlight=["E02"],
    )
    assert set(chart.data["entity"]) == set(ECONOMIES)
    first = chart.data.iloc[0]
    expected = fixture_internet(first["entity"], 2024) / fixture_internet(first["entity"], 2005) - 1
    assert np.isclose(first["value"], expected * 100)
    bars = chart.figure.data[0]
    assert list(bars.x) == list(chart.data["entity_name"])  # every economy, highest first
    colours = dict(zip(bars.x, bars.marker.color, strict=True))
    assert len({colours["Economy E02"], colours["Economy E01"]}) == 2  # highlighted
    named = [a.text for a in chart.figure.layout.annotations if a.name != "footer"]
    assert any(t.startswith("Economy E02") for t in named)


def test_each_bar_shows_its_year_and_a_note_names_bars_from_another_year(tiny_snapshot, catalogue):
    """A bar from an older year than the rest is named as such in its label and in a note."""
    data = fixture_observations()
    recent = data["indicator"].eq(WWW) & data["economy"].eq("E03") & data["year"].gt(2019)
    older = fixture_snapshot(data[~recent])
    chart = ranking_figure(older, catalogue, indicator=WWW, entities=["E05", "E01", "E03"])
    labels = dict(zip(chart.data["entity"], chart.figure.data[0].text, strict=True))
    years = dict(zip(chart.data["entity"], chart.data["latest_year"], strict=True))
    assert years["E03"] == 2019 and years["E01"] > 2019
    for entity, text in labels.items():
        assert text.endswith(f"({years[entity]})")
    (note,) = [n for n in chart.notes if "years differ" in n]
    assert "Economy E03 2019" in note and f"{years['E01']} for 2" in note


def test_a_ranking_from_one_year_says_so(tiny_snapshot, catalogue):
    chart = ranking_figure(
        tiny_snapshot, catalogue, indicator=WWW, entities=["E05", "E01", "E03"], end=2012
    )
    assert "Each bar is its latest year with a value up to the end year: 2012 for all." in (
        chart.notes
    )


def test_a_change_ranking_names_the_chosen_economies_it_cannot_show(catalogue):
    data = fixture_observations()
    early = data["indicator"].eq(WWW) & data["economy"].eq("E03") & data["year"].lt(2012)
    chart = ranking_figure(
        fixture_snapshot(data[~early]),
        catalogue,
        indicator=WWW,
        entities=["E01", "E03"],
        measure="change",
        baseline=2005,
    )
    assert list(chart.data["entity"]) == ["E01"]
    assert any(n.startswith("Not shown") and n.endswith("Economy E03.") for n in chart.notes)
