"""Figures of the story (dashboard.figures_story): people offline, the data gaps and the sources;
what each figure draws is its Chart's data, recomputed here from the snapshot and catalogue."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dashboard.figures.chart import Chart
from dashboard.figures.deck_figures import (
    INCOME,
    data_gaps,
    people_offline,
    sources_frame,
    sources_used,
    table_chart,
)
from dashboard.figures.plotly_text import escape
from dashboard.figures.sources import sources_table
from dashboard.views.area_summary import MEASUREMENT
from indicators.analytics.divides import online_offline
from indicators.catalogue import load_catalogue

CAT = load_catalogue()
USE = "IT.NET.USER.ZS"


@pytest.fixture(scope="module", params=["fixture", "bundled"])
def snap(request):
    return request.getfixturevalue(
        "tiny_snapshot" if request.param == "fixture" else "bundled_snapshot"
    )


def framed(chart: Chart) -> None:
    """Title, subtitle and source line are set and drawn."""
    assert chart.title and chart.subtitle and chart.source.startswith("Source:")
    assert chart.figure.layout.meta["anatomy"] is True
    footer = next(a for a in chart.figure.layout.annotations if a.name == "footer")
    assert escape(" ".join(chart.source.split())) in footer.text.replace("<br>", " ")


def test_people_offline_traces_are_the_income_rows_of_the_data(snap) -> None:
    chart = people_offline(snap, CAT, 2005)
    framed(chart)
    data = chart.data
    assert [t.name for t in chart.figure.data] == [
        escape(data.loc[data["group"] == c, "name"].iloc[0]) for c in INCOME
    ]
    for trace, code in zip(chart.figure.data, INCOME, strict=True):
        sub = data[data["group"] == code]
        assert list(trace.x) == list(sub["year"])
        np.testing.assert_allclose(np.asarray(trace.y, dtype=float), sub["offline"] / 1e9)
    assert set(data["group"]) == {"WLD", *INCOME}
    np.testing.assert_allclose(data["offline"], data["population"] * (100 - data["rate"]) / 100)


def test_people_offline_published_rates_are_the_snapshot_rows(snap) -> None:
    data = people_offline(snap, CAT, 2005).data
    wide = snap.wide(USE)
    pub = data[data["rate_basis"] == "published"]
    assert len(pub)
    want = [wide.at[g, y] for g, y in zip(pub["group"], pub["year"], strict=True)]
    np.testing.assert_allclose(pub["rate"], want)


@pytest.mark.parametrize("baseline", [2005, 2008, 2013])
def test_people_offline_years_start_at_the_baseline(snap, baseline) -> None:
    chart = people_offline(snap, CAT, baseline)
    latest = int(online_offline(snap, CAT, groups=["WLD"]).iloc[0]["year"])
    years = sorted({*range(baseline, latest, 5), latest})
    assert sorted(chart.data["year"].unique()) == years
    assert list(chart.figure.layout.xaxis.tickvals) == years
    world = chart.data[chart.data["group"] == "WLD"].set_index("year")["offline"]
    assert chart.title == (
        f"{world[latest] / 1e9:.1f} billion people were still offline in {latest}, "
        f"against {world[baseline] / 1e9:.1f} billion in {baseline}"
    )
    assert chart.subtitle.endswith(f"{baseline}-{latest}")


def test_people_offline_source_names_rate_and_population_releases(bundled_snapshot) -> None:
    chart = people_offline(bundled_snapshot, CAT, 2005)
    ids = {*chart.data["source"], *chart.data["population_source"]}
    for sid in ids:
        assert bundled_snapshot.source(str(sid)).label in chart.source


def test_table_chart_escapes_what_it_draws_and_keeps_raw_data() -> None:
    frame = pd.DataFrame({"a<b>": ["x & y", "<i>z</i>"], "n": [1, 22]})
    chart = table_chart(frame, name="t", title="T", subtitle="S", source="Source: s.")
    table = chart.figure.data[0]
    assert list(table.header.values) == [f"<b>{escape(c)}</b>" for c in frame.columns]
    assert [list(col) for col in table.cells.values] == [
        [escape(v) for v in frame[c].astype(str)] for c in frame.columns
    ]
    pd.testing.assert_frame_equal(chart.data, frame)
    assert (chart.name, chart.title, chart.subtitle, chart.source) == ("t", "T", "S", "Source: s.")
    other = frame.assign(extra=[True, False]).iloc[::-1]
    with_data = table_chart(frame, name="t", title="T", subtitle="S", source="s", data=other)
    pd.testing.assert_frame_equal(with_data.data, other.reset_index(drop=True))


def test_data_gaps_lists_exactly_the_areas_not_fully_measured(bundled_snapshot) -> None:
    chart = data_gaps(bundled_snapshot, CAT, 2005)
    framed(chart)
    listed = sorted((a for a in CAT.areas if a.status != "measured"), key=lambda a: a.number)
    assert list(chart.data["Area"]) == [f"{a.number}. {a.name}" for a in listed]
    no_indicator = chart.data.loc[chart.data["Status"] == MEASUREMENT["gap"], "Area"]
    assert list(no_indicator) == [f"{a.number}. {a.name}" for a in listed if a.status == "gap"]
    assert list(chart.data["What is missing"]) == [a.gap_statement for a in listed]
    assert list(chart.data["Usual source"]) == [a.gap_source or "-" for a in listed]
    gaps = sum(a.status == "gap" for a in CAT.areas)
    partial = sum(a.status == "partial" for a in CAT.areas)
    assert chart.title.startswith(f"{gaps} of {len(CAT.areas)} challenge areas")
    assert f"and {partial} are only partly measured" in chart.title
    drawn = chart.figure.data[0].cells.values
    assert [list(c) for c in drawn] == [[escape(v) for v in chart.data[c]] for c in chart.data]


@pytest.mark.parametrize("builder", [data_gaps, sources_used])
def test_tables_do_not_depend_on_the_baseline(bundled_snapshot, builder) -> None:
    a, b = builder(bundled_snapshot, CAT, 2005), builder(bundled_snapshot, CAT, 2015)
    pd.testing.assert_frame_equal(a.data, b.data)
    assert (a.title, a.subtitle, a.source) == (b.title, b.subtitle, b.source)


def test_sources_used_shows_every_data_release_of_the_descriptor(snap) -> None:
    chart = sources_used(snap, CAT, 2005)
    framed(chart)
    sources = snap.descriptor.sources
    assert list(chart.data["id"]) == [s.id for s in sources]
    assert set(chart.data["role"]) == {"data"}
    drawn = [list(c) for c in chart.figure.data[0].cells.values]
    assert drawn == [
        [escape(v) for v in col.astype(str)] for _, col in sources_frame(chart.data).items()
    ]
    releases = [s for s in sources if s.dataset != "derived"]
    producers = " and ".join(sorted({s.producer for s in releases}))
    assert chart.title.startswith(f"{len(releases)} data releases from {producers},")
    assert chart.subtitle == f"Data snapshot {snap.descriptor.snapshot_id}"
    for src in sources:
        assert src.label in chart.source


def test_sources_frame_renames_the_slide_columns(bundled_snapshot) -> None:
    table = sources_table(bundled_snapshot.descriptor)
    frame = sources_frame(table)
    assert list(frame.columns) == ["Release", "Producer", "Vintage", "Licence"]
    for new, old in zip(frame.columns, ["title", "producer", "vintage", "licence"], strict=True):
        assert list(frame[new]) == list(table[old])
