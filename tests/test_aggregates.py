"""Groups and aggregates: the World Bank rule, coverage, fiscal-year groups and bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from fixtures import ECONOMIES, fixture_internet, fixture_population, fixture_snapshot, rows
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators.analytics.aggregates import aggregate, aggregate_groups, compare_with_published
from indicators.analytics.groups import Group, income_history_of, resolve_group
from indicators.catalogue import load_catalogue
from indicators.errors import AnalysisError, UnknownCodeError
from indicators.schema import concat_observations
from indicators.store.snapshot import load_snapshot

CAT = load_catalogue()
SNAP = fixture_snapshot()


def snapshot_with(values: dict[str, float | None], pops: dict[str, float], year: int = 2010):
    """A fixture snapshot with chosen Internet-use values and populations for one year."""
    parts = [
        rows(
            "IT.NET.USER.ZS",
            lambda c, y: values.get(c) if values.get(c) is not None else np.nan,
            years=[year],
        ),
        rows("SP.POP.TOTL", lambda c, y: pops[c], years=[year]),
    ]
    return fixture_snapshot(concat_observations(parts))


def test_world_aggregate_is_the_population_weighted_mean() -> None:
    out = aggregate(SNAP, CAT, indicator="IT.NET.USER.ZS", group="WLD", years=[2010])
    w = np.array([fixture_population(c, 2010) for c in ECONOMIES])
    v = np.array([fixture_internet(c, 2010) for c in ECONOMIES])
    assert out["value"].iloc[0] == pytest.approx((w * v).sum() / w.sum())
    assert out["coverage"].iloc[0] == 1.0 and out["status"].iloc[0] == "ok"
    assert out["reporting"].iloc[0] == out["members"].iloc[0] == len(ECONOMIES)


def test_below_two_thirds_coverage_gives_no_value() -> None:
    pops = dict.fromkeys(ECONOMIES, 1.0)
    snap = snapshot_with({"E01": 50.0, "E02": 60.0, "E03": 70.0}, pops)  # 3 of 6 report
    out = aggregate(snap, CAT, indicator="IT.NET.USER.ZS", group="WLD", years=[2010])
    assert np.isnan(out["value"].iloc[0])
    assert out["status"].iloc[0] == "below coverage threshold"
    assert out["coverage"].iloc[0] == pytest.approx(0.5)
    lower = aggregate(
        snap, CAT, indicator="IT.NET.USER.ZS", group="WLD", years=[2010], min_coverage=0.5
    )
    assert lower["value"].iloc[0] == pytest.approx(60.0)


def test_no_data_year_is_no_data_not_zero() -> None:
    out = aggregate(SNAP, CAT, indicator="IT.NET.USER.ZS", group="WLD", years=[1990])
    assert out["status"].iloc[0] == "no data" and np.isnan(out["value"].iloc[0])


def test_median_option() -> None:
    out = aggregate(SNAP, CAT, indicator="IT.NET.USER.ZS", group="LMY", years=[2010], median=True)
    members = resolve_group(SNAP, "LMY").members
    assert out["median"].iloc[0] == pytest.approx(
        np.median([fixture_internet(c, 2010) for c in members])
    )


def test_counts_are_summed() -> None:
    out = aggregate(SNAP, CAT, indicator="SP.POP.TOTL", group="HIC", years=[2010])
    assert out["value"].iloc[0] == pytest.approx(
        sum(fixture_population(c, 2010) for c in ("E01", "E02"))
    )


def test_groups_as_classified_in_a_fiscal_year() -> None:
    today = resolve_group(SNAP, "LIC")
    then = resolve_group(SNAP, "LIC", fiscal_year=2005)
    assert today.members == ("E05", "E06") and then.members == ("E04", "E05", "E06")
    assert "FY05" in then.label and "FY05" in then.basis
    history = income_history_of(SNAP, economy="E04").set_index("fiscal_year")["income_group"]
    assert (history[2005], history[2026]) == ("LIC", "LMC")
    assert len(income_history_of(SNAP, economy="E02")) == 2026 - 1989 + 1


def test_custom_group() -> None:
    grp = resolve_group(SNAP, ["E02", "E01", "E01"])
    assert grp.members == ("E01", "E02") and grp.code == "CUSTOM"


def test_bad_input_names_the_culprit() -> None:
    with pytest.raises(UnknownCodeError, match="XYZ"):
        resolve_group(SNAP, "XYZ")
    with pytest.raises(UnknownCodeError, match="E99"):
        resolve_group(SNAP, ["E01", "E99"])
    with pytest.raises(AnalysisError, match="empty"):
        resolve_group(SNAP, [])
    with pytest.raises(AnalysisError, match="income groups only"):
        resolve_group(SNAP, "R1", fiscal_year=2005)
    with pytest.raises(AnalysisError, match="fiscal year 1950"):
        resolve_group(SNAP, "LIC", fiscal_year=1950)
    with pytest.raises(UnknownCodeError, match=r"NOT\.AN\.INDICATOR"):
        aggregate(SNAP, CAT, indicator="NOT.AN.INDICATOR", group="WLD")
    with pytest.raises(AnalysisError, match="no population base"):
        aggregate(SNAP, CAT, indicator="i99H.URB", group="WLD")
    with pytest.raises(AnalysisError, match="no group"):
        aggregate_groups(SNAP, CAT, indicator="IT.NET.USER.ZS", groups=[])


def test_compare_with_published_reports_differences() -> None:
    out = compare_with_published(
        SNAP, CAT, indicator="IT.NET.USER.ZS", groups=["WLD"], years=[2010]
    )
    row = out.iloc[0]
    assert row["diff_wb"] == pytest.approx(row["computed"] - row["published_wb"])
    assert row["diff_itu"] == pytest.approx(row["computed"] - row["published_itu"])
    assert row["itu_indicator"] == "i99H" and row["itu_vintage"]


rates = st.floats(min_value=0.0, max_value=100.0, allow_nan=False)
weights = st.floats(min_value=1.0, max_value=1e9, allow_nan=False)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(st.tuples(rates, weights), min_size=len(ECONOMIES), max_size=len(ECONOMIES)))
def test_aggregate_lies_within_members_range(data) -> None:
    values = {c: v for c, (v, _) in zip(ECONOMIES, data, strict=True)}
    pops = {c: w for c, (_, w) in zip(ECONOMIES, data, strict=True)}
    out = aggregate(
        snapshot_with(values, pops), CAT, indicator="IT.NET.USER.ZS", group="WLD", years=[2010]
    )
    value = out["value"].iloc[0]
    assert min(values.values()) - 1e-9 <= value <= max(values.values()) + 1e-9


@settings(max_examples=60, deadline=None)
@given(st.lists(rates, min_size=5, max_size=5), st.lists(weights, min_size=6, max_size=6))
def test_a_member_without_data_changes_coverage_not_value(vals, pops) -> None:
    pop = dict(zip(ECONOMIES, pops, strict=True))
    with_five = dict(zip(ECONOMIES[:5], vals, strict=True))
    snap = snapshot_with(with_five, pop)
    five = Group(code="G5", label="five", members=ECONOMIES[:5], basis="test")
    six = Group(code="G6", label="six", members=ECONOMIES, basis="test")
    out = aggregate_groups(
        snap, CAT, indicator="IT.NET.USER.ZS", groups=[five, six], years=[2010], min_coverage=0.0
    )
    a, b = out.iloc[0], out.iloc[1]
    assert b["value"] == pytest.approx(a["value"])
    assert b["coverage"] < a["coverage"] == pytest.approx(1.0)
    assert b["coverage"] == pytest.approx(sum(pops[:5]) / sum(pops))


@pytest.mark.parametrize("group", ["WLD", "LIC", "LMC", "UMC", "HIC"])
def test_real_computed_aggregates_sit_next_to_published(group: str) -> None:
    """On the bundled snapshot: computed Internet use vs the World Bank's published values."""
    snap = load_snapshot()
    out = compare_with_published(
        snap, CAT, indicator="IT.NET.USER.ZS", groups=[group], years=[2005, 2015]
    )
    assert (out["status"] == "ok").all()
    assert out["published_wb"].notna().all()
    # before the ITU revisions of recent years, computed and published agree to within a point
    assert (out["diff_wb"].abs() < 1.0).all(), out.to_string()
    assert (out["coverage"] >= 2 / 3).all()


def test_real_fiscal_year_group_differs_from_today() -> None:
    snap = load_snapshot()
    then = resolve_group(snap, "LIC", fiscal_year=2006)
    today = resolve_group(snap, "LIC")
    assert then.size > today.size  # many economies have left the low-income group since 2005
    assert isinstance(pd.Index(then.members), pd.Index)
