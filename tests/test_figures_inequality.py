"""Figures of the inequalities page (dashboard.figures_inequality) on the fixture snapshot
(values built by formulas) and the bundled_snapshot snapshot."""

from __future__ import annotations

import numpy as np
import pytest
from fixtures import fixture_with, rows

from dashboard.figures.inequality import (
    breakdown_gap_over_time,
    breakdown_levels,
    gender_dumbbell,
    parity_groups,
    parity_over_time,
)
from indicators.analytics.gaps import latest_gender_summary
from indicators.catalogue import load_catalogue

CAT = load_catalogue()
FE, MA = "IT.NET.USER.FE.ZS", "IT.NET.USER.MA.ZS"


def itu_youth(code: str, year: int) -> float:
    return 70.0 + 0.5 * (year - 2021) if code == "ITU_WLD" else 40.0 + (year - 2021)


def itu_rest(code: str, year: int) -> float:
    return 55.0 + 1.5 * (year - 2021) if code == "ITU_WLD" else 20.0 + (year - 2021)


@pytest.fixture(scope="module")
def snap():
    extra = [
        rows(code, func, economies=["ITU_WLD", "ITU_LIC"], years=range(2021, 2025),
             source="fixture_itu", estimate=True)
        for code, func in (("i99H.Y15_24", itu_youth), ("i99H.REST", itu_rest))
    ]  # fmt: skip
    return fixture_with(*extra)


def test_dumbbell_shows_each_economy_latest_rates_sorted_by_gap(snap) -> None:
    chart = gender_dumbbell(snap, CAT, limit=None)
    data = chart.data
    fe, ma = snap.wide(FE), snap.wide(MA)
    for _, row in data.iterrows():
        year = int(fe.loc[row["economy"]].dropna().index.max())
        assert row["year"] == year
        assert row["female"] == pytest.approx(fe.at[row["economy"], year])
        assert row["male"] == pytest.approx(ma.at[row["economy"], year])
    assert list(data["gap_points"].abs()) == sorted(data["gap_points"].abs(), reverse=True)
    summary = latest_gender_summary(snap, CAT)
    assert f"in {summary.men_ahead} of {summary.n_economies} economies" in chart.title
    assert f"{summary.at_parity} are at parity" in chart.title
    labels = list(chart.figure.data[1].y)
    assert f"{data.iloc[0]['name']} ({data.iloc[0]['year']})" == labels[-1]  # widest on top


def test_dumbbell_limit_keeps_the_widest_gaps(snap) -> None:
    full = gender_dumbbell(snap, CAT, limit=None).data
    few = gender_dumbbell(snap, CAT, limit=2).data
    assert len(few) == 2
    assert set(few["economy"]) == set(
        full.loc[full["gap_points"].abs().nlargest(2).index, "economy"]
    )


def test_dumbbell_puts_the_widest_gaps_either_way_at_the_top(bundled_snapshot) -> None:
    """The widest gaps sit at the top when women lead too: a women-ahead economy with a wide gap sits
    above men-ahead economies with narrower ones."""
    chart = gender_dumbbell(bundled_snapshot, CAT, limit=None)
    sizes = chart.data["gap_points"].abs()
    assert list(sizes) == sorted(sizes, reverse=True)
    assert "widest at the top" in chart.subtitle
    women_ahead = chart.data.index[chart.data["gap_points"] < 0]
    men_ahead = chart.data.index[chart.data["gap_points"] > 0]
    assert len(women_ahead) and len(men_ahead)
    assert women_ahead.min() < men_ahead.max()  # not all pushed to the bottom


def test_parity_groups_partition_the_economies(snap) -> None:
    summary = latest_gender_summary(snap, CAT)
    groups = parity_groups(summary)
    assert sum(len(t) for t in groups.values()) == summary.n_economies
    assert len(groups["parity"]) == summary.at_parity
    assert len(groups["men ahead"]) == summary.men_ahead


def test_parity_over_time_uses_itu_published_female_over_male(snap) -> None:
    chart = parity_over_time(snap, CAT, groups=("WLD", "LIC"))
    pub = chart.data[chart.data["kind"].str.startswith("published")].set_index("year")
    fem, mal = snap.wide("i99H.F").loc["ITU_WLD"], snap.wide("i99H.M").loc["ITU_WLD"]
    world = pub[pub["group"] == "WLD"]["parity"]
    np.testing.assert_allclose(world.to_numpy(), (fem / mal)[world.index].to_numpy())
    assert f"{world.iloc[-1]:.2f} in {world.index.max()}" in chart.title
    assert any(s.type == "rect" for s in chart.figure.layout.shapes)  # the parity band


def test_breakdown_levels_and_gap_follow_the_itu_rows(snap) -> None:
    chart = breakdown_levels(snap, CAT, pair=("urban", "rural"), entities=("ITU_WLD", "ITU_LIC"))
    year = int(chart.data["year"].iloc[0])
    urb, rur = snap.wide("i99H.URB"), snap.wide("i99H.RUR")
    for _, row in chart.data.iterrows():
        assert row["first"] == pytest.approx(urb.at[row["entity"], year])
        assert row["second"] == pytest.approx(rur.at[row["entity"], year])
    assert year == int(urb.columns.max())
    assert f"{urb.at['ITU_WLD', year]:.1f}%" in chart.title
    gap = breakdown_gap_over_time(snap, CAT, totals=("i99H",), entity="ITU_WLD")
    series = (urb.loc["ITU_WLD"] - rur.loc["ITU_WLD"]).dropna()
    np.testing.assert_allclose(gap.data["gap_points"].to_numpy(), series.to_numpy())
    verb = "narrowed" if series.iloc[-1] < series.iloc[0] else "widened"
    assert f"{verb} from {series.iloc[0]:.1f} points in {series.index[0]}" in gap.title
    assert gap.data["estimate"].all() and "ITU estimates" in " ".join(gap.notes)


def test_youth_gap_on_the_fixture(snap) -> None:
    chart = breakdown_gap_over_time(snap, CAT, totals=("i99H",), pair=("youth", "rest"))
    years = chart.data["year"].to_numpy()
    expected = [itu_youth("ITU_WLD", y) - itu_rest("ITU_WLD", y) for y in years]
    np.testing.assert_allclose(chart.data["gap_points"].to_numpy(), expected)
    assert "youth-rest gap" in chart.title and "narrowed" in chart.title


def test_bundled_inequality_figures(bundled_snapshot) -> None:
    levels = breakdown_levels(bundled_snapshot, CAT, pair=("youth", "rest"))
    world = levels.data[levels.data["entity"] == "ITU_WLD"].iloc[0]
    year = int(world["year"])
    assert world["first"] == pytest.approx(bundled_snapshot.wide("i99H.Y15_24").at["ITU_WLD", year])
    itu_source = str(bundled_snapshot.rows("i99H.Y15_24")["source"].iloc[0])
    assert bundled_snapshot.source(itu_source).label in levels.source
    parity = parity_over_time(bundled_snapshot, CAT)
    vintages = set(parity.data.loc[parity.data["kind"].str.startswith("published"), "vintage"])
    assert vintages == set(bundled_snapshot.rows("i99H.F")["vintage"].astype(str))
    assert any("older than the World Bank totals" in n for n in parity.notes)
    summary = latest_gender_summary(bundled_snapshot, CAT)
    dumbbell = gender_dumbbell(bundled_snapshot, CAT, summary=summary)
    assert len(dumbbell.data) == min(30, summary.n_economies)
    assert dumbbell.data["year"].min() >= summary.window_start
