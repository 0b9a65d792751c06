"""Figures of the overview (dashboard.figures_overview): the plotted data equal the snapshot,
titles carry the computed figures, source lines name the right releases."""

from __future__ import annotations

import numpy as np
import pytest
from fixtures import FIXTURE_SOURCE, fixture_internet, fixture_with, rows

from dashboard.figures.chart import Chart
from dashboard.figures.overview import (
    claims_table,
    gap_phrase,
    income_gap_chart,
    income_levels_chart,
    internet_use_since_tunis,
)
from dashboard.theme import VERDICT_COLOURS
from indicators.analytics.divides import income_gap, income_gap_at_the_time
from indicators.catalogue import load_catalogue
from indicators.narrative.claims import VERDICTS, check_claims

CAT = load_catalogue()
USE = "IT.NET.USER.ZS"


def high_income(code: str, year: int) -> float:
    return fixture_internet("E01", year) + 2.0


def low_income(code: str, year: int) -> float:
    return fixture_internet("E06", year) * 0.5


@pytest.fixture(scope="module")
def snap():
    """The fixture snapshot with published HIC and LIC rows of Internet use."""
    extra = [
        rows(USE, high_income, economies=["HIC"]),
        rows(USE, low_income, economies=["LIC"]),
    ]
    return fixture_with(*extra)


def test_internet_use_chart_plots_the_published_rows(snap) -> None:
    chart = internet_use_since_tunis(snap, CAT, groups=("WLD", "HIC", "LIC"), start=2005)
    assert isinstance(chart, Chart)
    for code in ("WLD", "HIC", "LIC"):
        got = chart.data[chart.data["entity"] == code].set_index("year")["value"]
        want = snap.wide(USE).loc[code].dropna()
        want = want[want.index >= 2005]
        np.testing.assert_allclose(got.to_numpy(), want.to_numpy())
        assert list(got.index) == list(want.index)
    w = snap.wide(USE).loc["WLD"].dropna()
    w = w[w.index >= 2005]
    assert f"{w.iloc[0]:.1f}% in {w.index[0]}" in chart.title
    assert f"{w.iloc[-1]:.1f}% in {w.index[-1]}" in chart.title
    assert set(chart.data["source"]) == {FIXTURE_SOURCE}
    assert chart.source.startswith("Source:") and "fixture" in chart.source
    target = CAT.target("umc_internet_use_2030")
    assert any(s.y0 == target.value for s in chart.figure.layout.shapes)
    assert target.label in chart.subtitle


def test_internet_use_chart_start_option(snap) -> None:
    chart = internet_use_since_tunis(snap, CAT, groups=("WLD",), start=2012)
    assert chart.data["year"].min() == 2012
    assert f"in {2012}" in chart.title


def test_income_gap_published_gap_and_ratio_follow_the_rows(snap) -> None:
    chart = income_gap_chart(snap, CAT, baseline=2005)
    wide = snap.wide(USE)
    table = chart.data.set_index("year")
    for year, row in table.iterrows():
        assert row["gap"] == pytest.approx(wide.at["HIC", year] - wide.at["LIC", year])
        assert row["ratio"] == pytest.approx(wide.at["HIC", year] / wide.at["LIC", year])
    assert table.index.min() == 2005
    gap = income_gap(snap, CAT, basis="published")
    last = table.index.max()
    assert f"{table.at[last, 'gap']:.1f} points in {last}" in chart.title
    assert gap_phrase(gap.pace_recent) in chart.title
    assert f"{gap.pace_recent:+.1f}/yr" in chart.subtitle
    assert set(chart.data["basis"]) == {"published"}


def test_the_income_gap_headline_is_given_both_ways(bundled_snapshot) -> None:
    """Today's groups (published) and the groups as classified at the time (computed), in the
    title, as a dashed line on each panel, in the data and in the notes, citing every source."""
    chart = income_gap_chart(bundled_snapshot, CAT)
    at_time = income_gap_at_the_time(
        bundled_snapshot, CAT, years=[int(y) for y in chart.data["year"]]
    )
    first, last = at_time[0], at_time[-1]
    assert "today's groups" in chart.title
    assert f"groups of the time: {last.gap:.1f} in {last.year} ({first.gap:.1f} in " in (
        chart.title
    )
    dashed = [t for t in chart.figure.data if t.line.dash == "dash"]
    assert len(dashed) == 2 and list(dashed[0].y) == pytest.approx([g.gap for g in at_time])
    rows = chart.data.set_index("year")
    assert rows.at[last.year, "gap_groups_at_the_time"] == pytest.approx(last.gap)
    assert rows.at[last.year, "classification_at_the_time"] == last.classification
    assert any(f"{first.classification} for {first.year}" in n for n in chart.notes)
    for cited in ("classification history", "WDI release", "World Bank API"):
        assert cited in chart.source  # the indicator, the population weights, the groups


def test_a_computed_gap_says_why_it_differs_from_the_published_one(bundled_snapshot) -> None:
    computed = income_gap_chart(bundled_snapshot, CAT, basis="computed")
    published = income_gap(bundled_snapshot, CAT, basis="published")
    latest = published.table.set_index("year")["gap"].iloc[-1]
    (note,) = [n for n in computed.notes if n.startswith("The overview shows")]
    assert f"{latest:.1f} points in {published.latest_year}" in note
    assert "estimates for members that did not report" in note
    assert "today's groups and reported values only" in note


def test_income_gap_classification_changes_the_data(snap) -> None:
    today = income_gap_chart(snap, CAT, basis="computed")
    tunis = income_gap_chart(snap, CAT, basis="computed", fiscal_year=2005)
    assert "today's groups" in today.title and "groups of FY05" in tunis.title
    joined = today.data.merge(tunis.data, on="year", suffixes=("_now", "_then"))
    assert not np.allclose(joined["gap_now"], joined["gap_then"])
    levels = income_levels_chart(snap, CAT, fiscal_year=2005)
    high = levels.data[levels.data["entity"] == "HIC"].set_index("year")["value"]
    np.testing.assert_allclose(
        high.to_numpy(), tunis.data.set_index("year").loc[high.index, "high"]
    )


@pytest.mark.parametrize(
    ("pace", "word"), [(1.0, "widening"), (-1.0, "narrowing"), (0.0, "unchanged")]
)
def test_gap_phrase(pace: float, word: str) -> None:
    assert gap_phrase(pace) == word


def test_bundled_internet_use_chart_and_income_gap(bundled_snapshot) -> None:
    chart = internet_use_since_tunis(bundled_snapshot, CAT)
    world = chart.data[chart.data["entity"] == "WLD"].set_index("year")["value"]
    np.testing.assert_allclose(world.to_numpy(), bundled_snapshot.wide(USE).loc["WLD", world.index])
    label = bundled_snapshot.source(str(bundled_snapshot.rows(USE)["source"].iloc[0])).label
    assert label in chart.source
    assert f"{world.iloc[-1]:.1f}%" in chart.title and f"{world.iloc[0]:.1f}%" in chart.title
    assert set(chart.data["vintage"]) == set(bundled_snapshot.rows(USE)["vintage"].astype(str))
    gap = income_gap_chart(bundled_snapshot, CAT)
    last = gap.data.iloc[-1]
    wide = bundled_snapshot.wide(USE)
    assert last["gap"] == pytest.approx(wide.at["HIC", last["year"]] - wide.at["LIC", last["year"]])
    assert f"{last['gap']:.1f} points in {int(last['year'])}" in gap.title


def test_claims_table_has_a_row_and_a_coloured_verdict_per_claim(bundled_snapshot) -> None:
    checks = check_claims(bundled_snapshot, CAT)
    table = claims_table(checks)
    assert list(table["claim"]) == [c.id for c in checks]
    assert set(table["verdict"]) <= set(VERDICTS) and set(VERDICTS) <= set(VERDICT_COLOURS)
    for check, figures in zip(checks, table["figures"], strict=True):
        for e in check.evidence:
            assert e.labelled() in figures
