"""Tests of indicators.progress: baseline substitution, change arithmetic, provenance, errors.

Unit tests use frames built by formulas here and `fixture_snapshot()`; integration tests read the
bundled snapshot (`load_snapshot()`), whose World Internet use is documented as 15.6 (2005) and
73.6 (2025) in shared/data/SOURCES.md.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from fixtures import (
    ECONOMIES,
    FIXTURE_SOURCE,
    FIXTURE_VINTAGE,
    fixture_internet,
    fixture_observations,
    fixture_snapshot,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.analytics.aggregates import aggregate_groups
from indicators.analytics.groups import resolve_group
from indicators.analytics.progress import (
    PROGRESS_COLUMNS,
    PROVENANCE_COLUMNS,
    STATUSES,
    progress,
    progress_of_aggregate,
    progress_table,
)
from indicators.errors import AnalysisError, UnknownCodeError
from indicators.rules import baseline_search_order

YEARS = list(range(2000, 2026))


def formula(entity: int, year: int) -> float:
    """A made-up smooth value for entity number `entity` in `year`."""
    return 1.0 + entity * 0.75 + (year - 2000) * (0.5 + 0.1 * entity)


def fixture_wide(missing: dict[int, set[int]] | None = None, n: int = 4) -> pd.DataFrame:
    """Entities X0..X{n-1} x 2000-2025 by `formula`, with the given years missing per entity."""
    missing = missing or {}
    data = {
        y: [np.nan if y in missing.get(e, set()) else formula(e, y) for e in range(n)]
        for y in YEARS
    }
    return pd.DataFrame(data, index=[f"X{e}" for e in range(n)])


# --- progress_table ------------------------------------------------------------------------------


def test_exact_baseline_is_not_flagged_and_changes_follow_the_formulas():
    out = progress_table(fixture_wide(), baseline=2005, window=3)
    assert tuple(out.columns) == PROGRESS_COLUMNS
    row = out.set_index("entity").loc["X2"]
    base, last = formula(2, 2005), formula(2, 2025)
    assert row["baseline_year"] == 2005 and not row["baseline_substituted"]
    assert row["latest_year"] == 2025 and row["years_apart"] == 20
    assert row["baseline_value"] == base and row["latest_value"] == last
    assert row["change"] == last - base
    assert row["relative_change"] == pytest.approx((last - base) / base)
    assert row["cagr"] == pytest.approx((last / base) ** (1 / 20) - 1)
    assert row["change_per_year"] == pytest.approx((last - base) / 20)
    assert row["status"] == "ok" and row["note"] == ""


def test_nearest_year_is_used_and_ties_go_to_the_earlier_year():
    wide = fixture_wide({0: {2005}, 1: {2005, 2004}, 2: {2005, 2004, 2006, 2003}})
    out = progress_table(wide, baseline=2005, window=3).set_index("entity")
    assert out.loc["X0", "baseline_year"] == 2004  # 2004 and 2006 both exist: earlier wins
    assert out.loc["X1", "baseline_year"] == 2006
    assert out.loc["X2", "baseline_year"] == 2007  # 2003 missing too; 2007 is next in order
    assert out.loc[["X0", "X1", "X2"], "baseline_substituted"].all()
    assert not out.loc["X3", "baseline_substituted"]
    assert out.loc["X0", "note"] == (
        "baseline 2005 not available; 2004 used (nearest within ±3 years)"
    )
    assert out.loc["X1", "change"] == formula(1, 2025) - formula(1, 2006)


def test_search_order_alternates_earlier_first():
    assert baseline_search_order(2) == [0, -1, 1, -2, 2]
    assert baseline_search_order(0) == [0]


def test_no_baseline_within_window_gives_nan_changes_and_says_why():
    wide = fixture_wide({1: set(range(2000, 2011))})
    out = progress_table(wide, baseline=2005, window=3).set_index("entity")
    row = out.loc["X1"]
    assert row["status"] == "no baseline within window"
    assert pd.isna(row["baseline_year"]) and np.isnan(row["baseline_value"])
    assert not row["baseline_substituted"]
    for col in ("change", "relative_change", "cagr", "change_per_year"):
        assert np.isnan(row[col])
    assert pd.isna(row["years_apart"])
    assert row["latest_year"] == 2025  # the latest value is still reported
    assert "2002-2008" in row["note"]


def test_window_zero_accepts_the_exact_year_only():
    out = progress_table(fixture_wide({0: {2005}}), baseline=2005, window=0).set_index("entity")
    assert out.loc["X0", "status"] == "no baseline within window"
    assert out.loc["X1", "status"] == "ok"


def test_empty_row_is_no_data_and_latest_equal_to_baseline_is_flagged():
    wide = fixture_wide({0: set(YEARS), 1: set(YEARS) - {2005}})
    out = progress_table(wide, baseline=2005).set_index("entity")
    assert out.loc["X0", "status"] == "no data" and out.loc["X0", "note"] == "no value"
    assert pd.isna(out.loc["X0", "latest_year"])
    late = fixture_wide({2: set(range(2000, 2016))})
    row = progress_table(late, baseline=2005, latest=2015).set_index("entity").loc["X2"]
    assert row["status"] == "no data" and row["note"] == "no value up to 2015"
    assert out.loc["X1", "status"] == "latest not after baseline"
    assert np.isnan(out.loc["X1", "change"])
    assert "not after the baseline year" in out.loc["X1", "note"]


def test_zero_and_negative_baselines_give_no_relative_change_or_growth_rate():
    wide = fixture_wide()
    wide.loc["X0", 2005] = 0.0
    wide.loc["X1", 2005] = -formula(1, 2005)
    out = progress_table(wide, baseline=2005).set_index("entity")
    assert np.isnan(out.loc["X0", "relative_change"]) and np.isnan(out.loc["X0", "cagr"])
    assert out.loc["X0", "change"] == formula(0, 2025)
    assert np.isnan(out.loc["X1", "cagr"])
    assert out.loc["X1", "relative_change"] == pytest.approx(
        (formula(1, 2025) + formula(1, 2005)) / -formula(1, 2005)
    )


def test_latest_option_ignores_later_years():
    out = progress_table(fixture_wide(), baseline=2005, latest=2015).set_index("entity")
    assert (out["latest_year"] == 2015).all()
    assert out.loc["X3", "change"] == formula(3, 2015) - formula(3, 2005)


def test_unsorted_year_columns_are_handled():
    wide = fixture_wide()
    shuffled = wide[list(reversed(wide.columns))]
    pd.testing.assert_frame_equal(progress_table(shuffled), progress_table(wide))


def test_bad_requests_raise():
    wide = fixture_wide()
    with pytest.raises(ValueError, match="window"):
        progress_table(wide, window=-1)
    with pytest.raises(AnalysisError, match=r"2030.*2025"):
        progress_table(wide, baseline=2030)
    with pytest.raises(AnalysisError, match=r"2012.*2010"):
        progress_table(wide, baseline=2012, latest=2010)
    with pytest.raises(ValueError, match="years"):
        progress_table(wide.rename(columns={2005: "base"}))


def test_an_all_missing_table_is_no_data_not_an_error():
    out = progress_table(fixture_wide({e: set(YEARS) for e in range(4)}))
    assert (out["status"] == "no data").all()


@st.composite
def availability(draw):
    """A random pattern of available years per entity, a baseline and a window."""
    n = draw(st.integers(1, 6))
    masks = draw(
        st.lists(
            st.lists(st.booleans(), min_size=len(YEARS), max_size=len(YEARS)),
            min_size=n,
            max_size=n,
        )
    )
    return np.array(masks, dtype=bool), draw(st.sampled_from(YEARS)), draw(st.integers(0, 6))


def expected_baseline(mask: np.ndarray, baseline: int, window: int) -> int | None:
    """Brute force: available years within the window, nearest first, earlier on ties."""
    found = [y for y, ok in zip(YEARS, mask, strict=True) if ok and abs(y - baseline) <= window]
    return min(found, key=lambda y: (abs(y - baseline), y)) if found else None


@settings(max_examples=150, deadline=None)
@given(availability())
def test_property_substitution_is_nearest_flagged_and_change_exact(case):
    mask, baseline, window = case
    values = np.array([[formula(e, y) for y in YEARS] for e in range(len(mask))])
    wide = pd.DataFrame(np.where(mask, values, np.nan), columns=YEARS)
    last_year = max((y for y, ok in zip(YEARS, mask.any(axis=0), strict=True) if ok), default=None)
    if last_year is not None and baseline > last_year:
        with pytest.raises(AnalysisError):
            progress_table(wide, baseline=baseline, window=window)
        return
    out = progress_table(wide, baseline=baseline, window=window)
    for e in range(len(mask)):
        row = out.iloc[e]
        want = expected_baseline(mask[e], baseline, window)
        if want is None:
            assert pd.isna(row["baseline_year"]) and not row["baseline_substituted"]
        else:
            assert row["baseline_year"] == want
            assert row["baseline_substituted"] == (want != baseline)
            assert ("not available" in row["note"]) == (want != baseline)
        if row["status"] == "ok":
            assert row["change"] == row["latest_value"] - row["baseline_value"]
            assert row["latest_year"] > row["baseline_year"]
        else:
            assert np.isnan(row["change"]) and np.isnan(row["change_per_year"])
        assert row["status"] in STATUSES


# --- progress on the fixture snapshot ------------------------------------------------------------


def test_progress_of_fixture_economies_matches_the_formula(tiny_snapshot, catalogue):
    out = progress(tiny_snapshot, catalogue, indicators=["IT.NET.USER.ZS"], entities=["E02", "E05"])
    assert list(out.columns[:4]) == ["indicator", "entity", "entity_name", "entity_kind"]
    assert set(PROVENANCE_COLUMNS) <= set(out.columns)
    for _, row in out.iterrows():
        first, last = fixture_internet(row["entity"], 2005), fixture_internet(row["entity"], 2024)
        assert row["change"] == last - first
        assert row["source"] == FIXTURE_SOURCE and row["vintage"] == FIXTURE_VINTAGE
        assert row["baseline_source"] == FIXTURE_SOURCE
        assert not row["latest_estimate"] and row["entity_kind"] == "economy"


def test_progress_reports_published_aggregates_with_their_estimate_flag(tiny_snapshot, catalogue):
    out = progress(tiny_snapshot, catalogue, indicators=["i99H"]).set_index("entity")
    wide = tiny_snapshot.wide("i99H")
    row = out.loc["ITU_WLD"]
    assert row["entity_kind"] == "itu_aggregate" and bool(row["latest_estimate"])
    assert row["change"] == wide.loc["ITU_WLD", 2023] - wide.loc["ITU_WLD", 2005]
    assert row["source"] == "fixture_itu"


def test_progress_defaults_cover_every_catalogue_indicator_present(tiny_snapshot, catalogue):
    out = progress(tiny_snapshot, catalogue)
    present = set(tiny_snapshot.observations["indicator"].astype(str))
    assert set(out["indicator"]) == present & set(catalogue.codes)
    assert len(out) == sum(len(tiny_snapshot.wide(c)) for c in set(out["indicator"]))


def test_requested_aggregate_without_a_published_value_says_so(tiny_snapshot, catalogue):
    out = progress(tiny_snapshot, catalogue, indicators=["IT.NET.USER.ZS"], entities=["LMY"])
    assert out["status"].tolist() == ["no data"]
    assert "progress_of_aggregate" in out["note"].iloc[0]
    assert pd.isna(out["latest_estimate"].iloc[0]) and pd.isna(out["source"].iloc[0])


def test_mixed_vintages_are_noted(catalogue):
    obs = fixture_observations()
    sel = (obs["indicator"] == "IT.NET.USER.ZS") & (obs["year"] == 2024)
    obs.loc[sel, "vintage"] = FIXTURE_VINTAGE + "-revised"
    out = progress(fixture_snapshot(obs), catalogue, indicators=["IT.NET.USER.ZS"])
    assert out["note"].str.contains("different vintages").all()
    assert (out["vintage"] != out["baseline_vintage"]).all()


def test_progress_bad_codes_raise(tiny_snapshot, catalogue):
    with pytest.raises(UnknownCodeError, match=r"NOT\.A\.CODE"):
        progress(tiny_snapshot, catalogue, indicators=["NOT.A.CODE"])
    with pytest.raises(UnknownCodeError, match="E99"):
        progress(tiny_snapshot, catalogue, indicators=["IT.NET.USER.ZS"], entities=["E01", "E99"])
    with pytest.raises(AnalysisError, match="xHH6_IDI"):
        progress(
            tiny_snapshot, catalogue, indicators=["xHH6_IDI"]
        )  # in the catalogue, not in the data
    with pytest.raises(AnalysisError, match=r"2027.*2024"):
        progress(tiny_snapshot, catalogue, indicators=["IT.NET.USER.ZS"], baseline=2027)
    with pytest.raises(ValueError):
        progress(tiny_snapshot, catalogue, window=-2)


# --- progress_of_aggregate -----------------------------------------------------------------------


def test_progress_of_computed_aggregates(tiny_snapshot, catalogue):
    groups = [
        resolve_group(tiny_snapshot, "LMY"),
        resolve_group(tiny_snapshot, "LIC", fiscal_year=2005),
    ]
    agg = aggregate_groups(tiny_snapshot, catalogue, indicator="IT.NET.USER.ZS", groups=groups)
    out = progress_of_aggregate(agg)
    assert len(out) == 2 and (out["value_source"] == "computed").all()
    for _, row in out.iterrows():
        sub = agg[(agg["group"] == row["entity"]) & (agg["label"] == row["label"])]
        sub = sub.set_index("year")
        assert row["change"] == sub.at[2024, "value"] - sub.at[2005, "value"]
        assert row["latest_coverage"] == sub.at[2024, "coverage"]
        assert row["baseline_coverage"] == sub.at[2005, "coverage"]


def test_progress_of_aggregate_skips_years_below_coverage():
    years = range(2000, 2025)
    agg = pd.DataFrame(
        {
            "group": "G1",
            "label": "Group one",
            "indicator": "IT.NET.USER.ZS",
            "year": list(years),
            "value": [formula(1, y) for y in years],
            "coverage": [0.5 if y in (2005, 2004) else 0.9 for y in years],
            "status": ["below coverage threshold" if y in (2005, 2004) else "ok" for y in years],
        }
    )
    agg.loc[agg["status"] != "ok", "value"] = np.nan
    row = progress_of_aggregate(agg).iloc[0]
    assert row["baseline_year"] == 2006 and row["baseline_substituted"]
    assert row["change"] == formula(1, 2024) - formula(1, 2006)
    with pytest.raises(ValueError, match="coverage"):
        progress_of_aggregate(agg.drop(columns="coverage"))


# --- integration on the bundled snapshot ---------------------------------------------------------


def test_world_internet_use_since_tunis_equals_the_published_values(bundled_snapshot, catalogue):
    out = progress(bundled_snapshot, catalogue, indicators=["IT.NET.USER.ZS"], entities=["WLD"])
    row = out.iloc[0]
    published = bundled_snapshot.wide("IT.NET.USER.ZS").loc["WLD"]
    assert row["baseline_year"] == 2005 and not row["baseline_substituted"]
    assert row["latest_year"] == published.dropna().index.max()
    assert row["baseline_value"] == published[2005]
    assert row["latest_value"] == published[row["latest_year"]]
    assert row["change"] == published[row["latest_year"]] - published[2005]
    assert round(row["baseline_value"], 1) == 15.6  # documented fact (SOURCES.md)
    assert row["latest_year"] == 2025 and round(row["latest_value"], 1) == 73.6  # documented
    rows = bundled_snapshot.rows("IT.NET.USER.ZS")
    wld = rows[(rows["economy"] == "WLD") & (rows["year"] == 2025)].iloc[0]
    assert row["source"] == wld["source"] and row["vintage"] == wld["vintage"]


def test_every_indicator_and_entity_of_the_snapshot(bundled_snapshot, catalogue):
    out = progress(bundled_snapshot, catalogue)
    assert set(out["status"]) <= set(STATUSES)
    ok = out["status"] == "ok"
    assert (
        out.loc[ok, "change"] == out.loc[ok, "latest_value"] - out.loc[ok, "baseline_value"]
    ).all()
    assert out.loc[~ok, "change"].isna().all()
    subst = out["baseline_substituted"]
    assert (out.loc[subst, "baseline_year"] != 2005).all()
    assert out.loc[subst, "note"].str.contains("baseline 2005 not available").all()
    assert ((out.loc[ok, "baseline_year"] - 2005).abs() <= 3).all()
    assert out.loc[ok, "source"].notna().all() and out.loc[ok, "vintage"].notna().all()


def test_provenance_matches_the_observation_rows(bundled_snapshot, catalogue):
    out = progress(bundled_snapshot, catalogue, indicators=["i99H", "IT.NET.BBND.P2"])
    out = out[out["status"] == "ok"]
    obs = bundled_snapshot.observations
    key = obs.set_index(["economy", "indicator", "year"])
    for _, row in out.sample(40, random_state=0).iterrows():
        hit = key.loc[(row["entity"], row["indicator"], row["latest_year"])]
        assert hit["source"] == row["source"] and hit["vintage"] == row["vintage"]
        assert bool(hit["estimate"]) == bool(row["latest_estimate"])
        base = key.loc[(row["entity"], row["indicator"], row["baseline_year"])]
        assert base["value"] == row["baseline_value"]


def test_fixture_economies_are_all_present(tiny_snapshot, catalogue):
    out = progress(tiny_snapshot, catalogue, indicators=["SP.POP.TOTL"])
    assert sorted(out["entity"]) == sorted(ECONOMIES)
