"""Affordability of broadband baskets (indicators.affordability): unit tests on snapshots built
by formulas, property tests with hypothesis, and integration tests on the bundled_snapshot snapshot."""

from __future__ import annotations

import numpy as np
import pytest
from fixtures import (
    ECONOMIES,
    FIXTURE_SOURCE,
    FIXTURE_VINTAGE,
    INCOME_FY2005,
    economy_index,
    fixture_observations,
    fixture_population,
    fixture_snapshot,
    rows,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators.analytics.affordability import (
    BROADBAND_COMMISSION_THRESHOLD,
    affordability_by_group,
    default_year,
    median_cost_over_time,
)
from indicators.catalogue import load_catalogue
from indicators.errors import AnalysisError, UnknownCodeError
from indicators.schema import concat_observations

CAT = load_catalogue()
FIXED, MOBILE = "i154_FBB5_GNI", "i271mb_5GB_GNI"
PRICE_YEARS = range(2018, 2025)
PROPERTY = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def fixture_price(c: str, y: int) -> float:
    """Fixed broadband costs more in poorer fixture economies and falls over time."""
    return 0.5 * economy_index(c) + 0.1 * (2024 - y)


def fixture_prices(func, *, indicator: str = FIXED, years=PRICE_YEARS):
    """The fixture snapshot with the basket priced by `func(economy, year)` (NaN: no price)."""
    base = fixture_observations()
    base = base[base["indicator"] != indicator]
    return fixture_snapshot(concat_observations([base, rows(indicator, func, years=years)]))


def members_of(snap, group: str) -> list[str]:
    mem = snap.memberships
    return sorted(mem.loc[mem["group"] == group, "economy"].astype(str))


def test_shares_and_median_follow_the_formula() -> None:
    snap = fixture_prices(fixture_price)
    out = affordability_by_group(snap, CAT, year=2024).set_index("group")
    price = {c: fixture_price(c, 2024) for c in ECONOMIES}
    pop = {c: fixture_population(c, 2024) for c in ECONOMIES}
    under = [c for c in ECONOMIES if price[c] < BROADBAND_COMMISSION_THRESHOLD]
    wld = out.loc["WLD"]
    assert wld["economies"] == len(ECONOMIES) and wld["under"] == len(under)
    assert wld["share_economies"] == pytest.approx(len(under) / len(ECONOMIES))
    assert wld["share_people"] == pytest.approx(sum(pop[c] for c in under) / sum(pop.values()))
    assert wld["median_cost"] == pytest.approx(float(np.median(list(price.values()))))
    assert wld["population_coverage"] == 1.0
    assert list(out.index) == ["WLD", "LIC", "LMC", "UMC", "HIC"]
    assert out.loc["HIC", "share_economies"] == 1.0 and out.loc["LIC", "under"] == 0
    assert (out["source"] == FIXTURE_SOURCE).all() and (out["vintage"] == FIXTURE_VINTAGE).all()
    assert (out["year"] == 2024).all()


def test_threshold_is_strict() -> None:
    # E04 costs exactly the threshold in 2024: "less than 2%" does not include it.
    snap = fixture_prices(fixture_price)
    assert fixture_price("E04", 2024) == BROADBAND_COMMISSION_THRESHOLD
    wld = affordability_by_group(snap, CAT, year=2024).set_index("group").loc["WLD"]
    below = [c for c in ECONOMIES if fixture_price(c, 2024) < BROADBAND_COMMISSION_THRESHOLD]
    assert "E04" not in below and "E03" in below and wld["under"] == len(below)


@PROPERTY
@given(
    st.lists(
        st.one_of(st.none(), st.floats(0.01, 60, allow_nan=False)), min_size=6, max_size=6
    ).filter(lambda v: any(x is not None for x in v)),
    st.floats(0.1, 20, allow_nan=False),
)
def test_shares_lie_in_unit_interval_and_weigh_people(prices, threshold) -> None:
    price = dict(zip(ECONOMIES, prices, strict=True))
    snap = fixture_prices(lambda c, y: np.nan if price[c] is None else price[c], years=[2020])
    out = affordability_by_group(snap, CAT, threshold=threshold, year=2020)
    for rec in out.itertuples():
        members = members_of(snap, rec.group)
        priced = [c for c in members if price[c] is not None]
        under = [c for c in priced if price[c] < threshold]
        assert rec.economies == len(priced) and rec.under == len(under)
        if not priced:
            assert np.isnan(rec.share_economies) and np.isnan(rec.share_people)
            continue
        assert 0.0 <= rec.share_economies <= 1.0 and 0.0 <= rec.share_people <= 1.0
        pop = {c: fixture_population(c, 2020) for c in priced}
        assert rec.share_people == pytest.approx(sum(pop[c] for c in under) / sum(pop.values()))
        everyone = sum(fixture_population(c, 2020) for c in members)
        assert rec.population_coverage == pytest.approx(sum(pop.values()) / everyone)


def test_placeholder_zero_prices_are_missing() -> None:
    snap = fixture_prices(lambda c, y: 0.0 if c == "E01" else fixture_price(c, y))
    wld = affordability_by_group(snap, CAT, year=2024).set_index("group").loc["WLD"]
    assert wld["economies"] == len(ECONOMIES) - 1 and wld["placeholders_ignored"] == 1
    medians = median_cost_over_time(snap, CAT, groups=["WLD"])
    assert (medians["n_economies"] == len(ECONOMIES) - 1).all()


def test_default_year_needs_broad_coverage() -> None:
    # In 2024 only E01 and E02 report (2 of 6 < two-thirds): the default is 2023.
    def price(c: str, y: int) -> float:
        return np.nan if y == 2024 and economy_index(c) > 2 else fixture_price(c, y)

    snap = fixture_prices(price)
    assert default_year(snap, indicator=FIXED, economies=ECONOMIES) == 2023
    assert set(affordability_by_group(snap, CAT)["year"]) == {2023}
    assert set(affordability_by_group(snap, CAT, year=2024)["year"]) == {2024}


def test_fiscal_year_takes_groups_as_classified_then() -> None:
    snap = fixture_prices(fixture_price)
    out = affordability_by_group(snap, CAT, year=2024, fiscal_year=2005).set_index("group")
    lic_2005 = [c for c, g in INCOME_FY2005.items() if g == "L"]
    assert out.at["LIC", "members"] == len(lic_2005)
    assert out.at["LIC", "median_cost"] == pytest.approx(
        float(np.median([fixture_price(c, 2024) for c in lic_2005]))
    )
    assert out.at["WLD", "members"] == len(ECONOMIES)


def test_median_cost_over_time() -> None:
    snap = fixture_prices(fixture_price)
    out = median_cost_over_time(snap, CAT, groups=["WLD", "R2"])
    assert set(out["year"]) == set(PRICE_YEARS)
    for rec in out.itertuples():
        members = ECONOMIES if rec.group == "WLD" else ("E04", "E05", "E06")
        assert rec.median == pytest.approx(
            float(np.median([fixture_price(c, rec.year) for c in members]))
        )
        assert rec.n_economies == len(members)


def test_bad_input() -> None:
    snap = fixture_prices(fixture_price)
    with pytest.raises(UnknownCodeError):
        affordability_by_group(snap, CAT, indicator="NO.SUCH")
    with pytest.raises(UnknownCodeError):
        affordability_by_group(snap, CAT, groups=["WLD", "NOPE"])
    for bad in (0.0, -1.0, float("nan")):
        with pytest.raises(ValueError, match="threshold"):
            affordability_by_group(snap, CAT, threshold=bad)
    for not_basket in ("IT.NET.USER.ZS", "i154_FBB5$"):
        with pytest.raises(AnalysisError, match="not a price basket"):
            affordability_by_group(snap, CAT, indicator=not_basket)
        with pytest.raises(AnalysisError, match="not a price basket"):
            median_cost_over_time(snap, CAT, indicator=not_basket)
    with pytest.raises(AnalysisError, match="no i154_FBB5_GNI price"):
        affordability_by_group(snap, CAT, year=2010)


# --- the bundled_snapshot snapshot ---------------------------------------------------------------------


@pytest.mark.parametrize("basket", [FIXED, MOBILE])
def test_affordability_on_bundled_snapshot(bundled_snapshot, basket) -> None:
    out = affordability_by_group(bundled_snapshot, CAT, indicator=basket)
    assert list(out["group"]) == ["WLD", "LIC", "LMC", "UMC", "HIC"]
    assert out["share_economies"].between(0, 1).all() and out["share_people"].between(0, 1).all()
    assert (out["economies"] <= out["members"]).all() and (out["under"] <= out["economies"]).all()
    wld = out.iloc[0]
    income = out.iloc[1:]
    assert income["economies"].sum() <= wld["economies"]
    year = int(wld["year"])
    prices = bundled_snapshot.wide(basket)[year]
    assert (prices.reindex(members_of(bundled_snapshot, "WLD")) > 0).sum() == wld["economies"]
    assert out["vintage"].str.len().gt(0).all() and out["population_vintage"].str.len().gt(0).all()
    over_time = median_cost_over_time(bundled_snapshot, CAT, indicator=basket)
    assert (over_time["median"] > 0).all()
