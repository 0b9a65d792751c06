"""Native chart descriptions (dashboard.deck.native): validation, the data table, numbers as the
format shows them, and text alternatives with the key numbers."""

from __future__ import annotations

import pytest

from dashboard.deck.native import (
    NativeChart,
    NativeSeries,
    format_number,
    series_by_year,
    year_categories,
)
from dashboard.deck.story import CHART_SLIDES


@pytest.fixture(scope="module")
def natives(bundled_snapshot, catalogue) -> dict[str, NativeChart]:
    out = {}
    for sid, spec in CHART_SLIDES.items():
        out[sid] = spec.native(spec.build(bundled_snapshot, catalogue, 2005), catalogue)
    return out


def test_series_must_match_the_categories():
    with pytest.raises(ValueError, match="2 values for 3 categories"):
        NativeChart("line", ("a", "b", "c"), (NativeSeries("s", (1.0, 2.0), "#000000"),), "x")
    with pytest.raises(ValueError, match="unknown chart kind"):
        NativeChart("pie", (), (), "x")


def test_numbers_read_as_the_format_shows_them():
    assert format_number(73.6123, '0.0"%"') == "73.6%"
    assert format_number(0.9412, "0.00") == "0.94"
    assert format_number(2.2049, "0.0") == "2.2"
    assert format_number(float("nan"), "0.0") == "no value"


def test_years_from_the_first_to_the_last_with_gaps_kept(natives):
    chart = natives["internet_use"]
    years = [int(c) for c in chart.categories]
    assert years == list(range(years[0], years[-1] + 1))
    assert year_categories([2019, 2021]) == ("2019", "2020", "2021")


def test_table_holds_exactly_the_plotted_values(natives):
    for sid, chart in natives.items():
        table = chart.table()
        plotted = sum(v is not None for s in chart.series for v in s.values)
        assert len(table) == plotted, sid
        assert set(table["series"]) == {
            s.name for s in chart.series if any(v is not None for v in s.values)
        }


def test_alt_text_names_the_chart_and_its_key_numbers(natives):
    for sid, chart in natives.items():
        text = chart.alt_text
        assert text.split(" of ", 1)[0] in {"Line chart", "Bar chart", "Stacked column chart"}, sid
        for s in chart.series[:3]:
            points = s.points(chart.categories)
            if points and not s.dashed:
                assert chart.value_text(points[-1][1]) in text, (sid, s.name)


def test_series_by_year_lays_values_on_the_categories(natives, bundled_snapshot):
    rows = bundled_snapshot.rows("IT.NET.USER.ZS")
    world = rows[rows["economy"] == "WLD"][["year", "value"]]
    categories = year_categories(world["year"].tolist())
    values = series_by_year(world, categories)
    assert (
        len(values) == len(categories) and values[0] == world.sort_values("year")["value"].iloc[0]
    )
