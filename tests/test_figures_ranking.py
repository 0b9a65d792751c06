"""The explorer's ranking (dashboard.figures_ranking): bars of a chosen set and every economy
as a skyline, on the fixture snapshot."""

from __future__ import annotations

import numpy as np
from fixtures import ECONOMIES, fixture_internet
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
