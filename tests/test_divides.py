"""The income divide and people offline (indicators.divides): unit tests on tiny snapshots
built by formulas and integration tests on the bundled_snapshot snapshot."""

from __future__ import annotations

import numpy as np
import pytest
from fixtures import (
    ECONOMIES,
    FIXTURE_SOURCE,
    FIXTURE_VINTAGE,
    fixture_internet,
    fixture_population,
    fixture_snapshot,
    fixture_with,
    rows,
)

from indicators.analytics.divides import income_gap, online_offline
from indicators.catalogue import load_catalogue
from indicators.errors import AnalysisError, UnknownCodeError

CAT = load_catalogue()
FE, MA, USE = "IT.NET.USER.FE.ZS", "IT.NET.USER.MA.ZS", "IT.NET.USER.ZS"


# --- income_gap -------------------------------------------------------------------------------
def published_pair(high, low):
    return fixture_with(rows(USE, high, economies=["HIC"]), rows(USE, low, economies=["LIC"]))


def test_income_gap_closing_in_points() -> None:
    def high(c: str, y: int) -> float:
        return 50.0 + 2 * (y - 2000)

    def low(c: str, y: int) -> float:
        return 1.0 + 3 * (y - 2000)

    res = income_gap(published_pair(high, low), CAT)
    latest = max(res.table["year"])
    assert res.latest_year == latest and res.recent_start_year == latest - 5
    gap = {y: high("", y) - low("", y) for y in (2005, latest - 5, latest)}
    assert res.pace_recent == pytest.approx((gap[latest] - gap[latest - 5]) / 5)
    assert res.pace_since_baseline == pytest.approx((gap[latest] - gap[2005]) / (latest - 2005))
    assert res.closing and res.ratio_closing and res.pace_recent < 0
    assert res.baseline_year == 2005 and not res.baseline_substituted
    assert res.source == FIXTURE_SOURCE and res.vintage == FIXTURE_VINTAGE
    assert {2005, latest} <= set(res.table["year"])


def test_income_gap_widens_in_points_while_ratio_falls() -> None:
    res = income_gap(
        published_pair(lambda c, y: 40.0 + 3 * (y - 2000), lambda c, y: 2.0 + (y - 2000)), CAT
    )
    assert not res.closing and res.ratio_closing and res.pace_recent > 0
    assert "widened while the ratio fell" in res.note
    t = res.table.set_index("year")
    assert (t["gap"] == t["high"] - t["low"]).all() and (t["ratio"] == t["high"] / t["low"]).all()


def test_income_gap_baseline_substitution() -> None:
    years = range(2007, 2025)
    snap = fixture_with(
        rows(USE, lambda c, y: 60.0 + y - 2000, economies=["HIC"], years=years),
        rows(USE, lambda c, y: 5.0 + y - 2000, economies=["LIC"], years=years),
    )
    res = income_gap(snap, CAT)
    assert res.baseline_year == 2007 and res.baseline_substituted
    assert "replaced by 2007" in res.note
    narrow = income_gap(snap, CAT, baseline_window=1)
    assert narrow.baseline_year is None and np.isnan(narrow.pace_since_baseline)


def test_income_gap_computed_today_and_in_fy2005() -> None:
    snap = fixture_snapshot()

    def weighted(codes: list[str], year: int) -> float:
        w = np.array([fixture_population(c, year) for c in codes])
        v = np.array([fixture_internet(c, year) for c in codes])
        return float((w * v).sum() / w.sum())

    today = income_gap(snap, CAT, basis="computed").table.set_index("year")
    then = income_gap(snap, CAT, basis="computed", fiscal_year=2005).table.set_index("year")
    for year in (2005, 2024):
        assert today.at[year, "high"] == pytest.approx(weighted(["E01", "E02"], year))
        assert today.at[year, "low"] == pytest.approx(weighted(["E05", "E06"], year))
        assert then.at[year, "high"] == pytest.approx(fixture_internet("E01", year))
        assert then.at[year, "low"] == pytest.approx(weighted(["E04", "E05", "E06"], year))
    assert (today["high_coverage"] == 1.0).all()


def test_income_gap_errors() -> None:
    snap = fixture_snapshot()
    with pytest.raises(ValueError, match="basis"):
        income_gap(snap, CAT, basis="guessed")
    with pytest.raises(AnalysisError, match="fiscal_year"):
        income_gap(snap, CAT, fiscal_year=2005)
    with pytest.raises(AnalysisError, match="no published"):
        income_gap(snap, CAT, high="WLD", low="LIC")
    with pytest.raises(UnknownCodeError):
        income_gap(snap, CAT, high="NOPE", basis="computed")


# --- online_offline ---------------------------------------------------------------------------
def test_online_offline_world_and_economy() -> None:
    snap = fixture_snapshot()
    out = online_offline(snap, CAT, groups=["WLD", "E03"]).set_index("group")
    wld = out.loc["WLD"]
    year = int(wld["year"])
    pop = sum(fixture_population(c, year) for c in ECONOMIES)
    rate = snap.wide(USE).at["WLD", year]
    assert wld["rate_basis"] == "published" and wld["population_basis"] == "sum of members"
    assert wld["offline"] == pytest.approx((100 - rate) / 100 * pop)
    assert wld["online"] + wld["offline"] == pytest.approx(pop)
    assert wld["share_offline"] == pytest.approx(1 - rate / 100)
    e03 = out.loc["E03"]
    assert e03["population"] == fixture_population("E03", int(e03["year"]))
    assert e03["offline"] == pytest.approx(
        (100 - fixture_internet("E03", int(e03["year"]))) / 100 * e03["population"]
    )


def test_online_offline_falls_back_to_a_computed_aggregate() -> None:
    snap = fixture_with(rows("SP.POP.TOTL", lambda c, y: 1e9, economies=["LMY"]))
    out = online_offline(snap, CAT, groups=["LMY"], year=2020).iloc[0]
    members = [c for c in ECONOMIES if c not in ("E01", "E02")]
    w = np.array([fixture_population(c, 2020) for c in members])
    v = np.array([fixture_internet(c, 2020) for c in members])
    assert out["rate_basis"] == "computed" and out["coverage"] == pytest.approx(1.0)
    assert out["rate"] == pytest.approx((w * v).sum() / w.sum())
    assert out["population_basis"] == "published" and out["population"] == 1e9
    assert "computed" in out["note"]


def test_online_offline_errors() -> None:
    snap = fixture_snapshot()
    with pytest.raises(AnalysisError, match="share of the population"):
        online_offline(snap, CAT, indicator="i154_FBB5_GNI")
    with pytest.raises(UnknownCodeError):
        online_offline(snap, CAT, groups=["NOPE"])


# --- the bundled_snapshot snapshot ---------------------------------------------------------------------


def test_income_gap_on_bundled_snapshot(bundled_snapshot) -> None:
    res = income_gap(bundled_snapshot, CAT)
    wide = bundled_snapshot.wide(USE)
    both = wide.loc[["HIC", "LIC"]].dropna(axis=1)
    assert {2005, int(both.columns.max())} <= set(res.table["year"])
    assert res.latest_year == int(both.columns.max())
    row = res.table.set_index("year").loc[2005]
    assert row["gap"] == wide.at["HIC", 2005] - wide.at["LIC", 2005]
    assert res.vintage and res.source


def test_people_offline_on_bundled_snapshot(bundled_snapshot) -> None:
    out = online_offline(bundled_snapshot, CAT).iloc[0]
    world_pop = bundled_snapshot.wide("SP.POP.TOTL").at["WLD", int(out["year"])]
    assert out["year"] == int(bundled_snapshot.wide(USE).loc["WLD"].dropna().index.max())
    assert 0 < out["offline"] < world_pop
    assert out["rate_basis"] == "published" and out["vintage"] and out["population_vintage"]
