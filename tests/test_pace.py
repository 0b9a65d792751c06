"""The pace and status scheme (indicators.pace): property tests with hypothesis and cases."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from indicators.analytics.pace import (
    ASSESS_COLUMNS,
    DEFAULT_WINDOW,
    ON_TRACK_RATIO,
    PACE_TOLERANCE,
    PROJECTION_LIMIT,
    STAGNATION_RATIO,
    STATUSES,
    assess_arrays,
)
from indicators.catalogue import Target

YEARS = list(range(2010, 2025))
LATEST = YEARS[-1]


def fixture_target(comparator: str, value: float, *, year: int = 2030, upper=None) -> Target:
    """A made-up target on a made-up scale (not a catalogue target)."""
    return Target(
        id="fixture_target",
        indicator="IT.NET.USER.ZS",
        label="fixture target",
        comparator=comparator,
        value=value,
        upper=upper,
        year=year,
        scope="each",
        source="umc2030",
        source_text="fixture",
        confirmed=True,
    )


def linear(latest: float, slope: float, years=YEARS) -> np.ndarray:
    """A series ending at `latest` in the last year and changing by `slope` a year."""
    return np.array([[latest - slope * (years[-1] - y) for y in years]])


def assess(values, years, target: Target, **kw) -> pd.DataFrame:
    """assess_arrays as a table (one row per input row), with the default window and tolerance."""
    return pd.DataFrame(
        assess_arrays(
            values,
            years,
            target,
            window=kw.get("window", DEFAULT_WINDOW),
            tolerance=kw.get("tolerance", PACE_TOLERANCE),
        )
    )


def one(values: np.ndarray, target: Target, years=YEARS, **kw) -> pd.Series:
    return assess(values, years, target, **kw).iloc[0]


# --- assess: the status scheme -------------------------------------------------------------------

finite = st.floats(min_value=-50, max_value=150, allow_nan=False)
scale = st.floats(min_value=0.5, max_value=40, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(
    comparator=st.sampled_from([">=", ">", "<=", "<", "between"]),
    latest=finite,
    slope=st.floats(min_value=-5, max_value=5, allow_nan=False),
    value=finite,
    width=st.floats(min_value=0, max_value=20, allow_nan=False),
    year=st.integers(2018, 2035),
)
def test_property_achieved_iff_target_is_met(comparator, latest, slope, value, width, year):
    upper = value + width if comparator == "between" else None
    target = fixture_target(comparator, value, year=year, upper=upper)
    row = one(linear(latest, slope), target)
    met = target.is_met(row["latest_value"])
    assert (row["status"] == "achieved") == met
    assert row["distance"] >= 0
    if met:
        assert row["distance"] == 0
    assert row["status"] in STATUSES


@settings(max_examples=150, deadline=None)
@given(
    higher=st.booleans(),
    strict=st.booleans(),
    gap=scale,
    faster=st.floats(min_value=1.0, max_value=20, allow_nan=False),
    year=st.integers(LATEST + 1, 2040),
)
def test_property_faster_than_required_is_on_track(higher, strict, gap, faster, year):
    comparator = (">" if strict else ">=") if higher else ("<" if strict else "<=")
    sign = 1 if higher else -1
    level = 50.0
    target = fixture_target(comparator, level, year=year)
    latest = level - sign * gap
    slope = sign * faster * gap / (year - LATEST)
    row = one(linear(latest, slope), target)
    assert row["status"] == "on track"
    assert np.sign(row["required_pace"]) == sign
    assert row["projected_year"] <= year


@settings(max_examples=150, deadline=None)
@given(
    higher=st.booleans(),
    gap=scale,
    away=st.floats(min_value=STAGNATION_RATIO * 1.5, max_value=10, allow_nan=False),
    year=st.integers(LATEST + 1, 2040),
)
def test_property_moving_away_is_moving_away(higher, gap, away, year):
    sign = 1 if higher else -1
    level = 50.0
    target = fixture_target(">=" if higher else "<=", level, year=year)
    slope = -sign * away * gap / (year - LATEST)  # wrong direction, beyond the stagnation band
    row = one(linear(level - sign * gap, slope), target)
    assert row["status"] == "moving away"
    assert pd.isna(row["projected_year"])
    assert row["pace_ratio"] <= -STAGNATION_RATIO


@settings(max_examples=100, deadline=None)
@given(
    higher=st.booleans(),
    gap=scale,
    share=st.floats(min_value=STAGNATION_RATIO * 1.2, max_value=ON_TRACK_RATIO * 0.95),
)
def test_property_slower_than_required_is_improving_but_off_track(higher, gap, share):
    sign = 1 if higher else -1
    target = fixture_target(">=" if higher else "<=", 50.0, year=2030)
    slope = sign * share * gap / (2030 - LATEST)
    row = one(linear(50.0 - sign * gap, slope), target)
    assert row["status"] == "improving but off track"
    assert row["pace_ratio"] == pytest.approx(share)


@settings(max_examples=100, deadline=None)
@given(higher=st.booleans(), gap=scale, tiny=st.floats(min_value=-0.09, max_value=0.09))
def test_property_near_zero_pace_is_stagnating(higher, gap, tiny):
    sign = 1 if higher else -1
    target = fixture_target(">=" if higher else "<=", 50.0, year=2030)
    slope = sign * tiny * STAGNATION_RATIO * 10 * gap / (2030 - LATEST)
    assume(abs(tiny) * 10 * STAGNATION_RATIO < STAGNATION_RATIO * 0.95)
    row = one(linear(50.0 - sign * gap, slope), target)
    assert row["status"] == "stagnating"


def test_columns_and_paces_of_a_simple_case():
    target = fixture_target(">=", 80.0, year=2030)
    row = one(linear(60.0, 2.0), target)
    assert tuple(assess(linear(60.0, 2.0), YEARS, target).columns) == ASSESS_COLUMNS
    assert row["latest_year"] == LATEST and row["latest_value"] == 60.0
    assert row["distance"] == 20.0
    assert row["required_pace"] == pytest.approx(20.0 / (2030 - LATEST))
    assert row["observed_pace"] == pytest.approx(2.0)
    assert row["pace_from_year"] == LATEST - 5 and not row["pace_from_substituted"]
    assert row["projected_year"] == math.ceil(LATEST + 20.0 / 2.0)
    ratio = 2.0 / (20.0 / (2030 - LATEST))
    assert row["pace_ratio"] == pytest.approx(ratio)


def test_target_year_reached_without_meeting_it():
    """A 2024 target with data to 2024: no required pace, never 'on track', pace vs start."""
    level = 75.0
    needed = (level - 60.0) / 5  # from 60 five years before to the target
    target = fixture_target(">=", level, year=LATEST)
    row = one(linear(60.0 + 5 * needed * 0.97, needed * 0.97), target)
    assert np.isnan(row["required_pace"])
    assert row["status"] == "improving but off track"
    assert row["reference_pace"] == pytest.approx(needed)
    assert "not after the latest year" in row["note"]


def test_target_met_after_its_year_is_achieved_with_a_note():
    target = fixture_target(">=", 50.0, year=LATEST - 2)
    row = one(linear(55.0, 1.0), target)
    assert row["status"] == "achieved" and "after the target year" in row["note"]


def test_pace_start_substitution_prefers_the_earlier_year():
    values = linear(60.0, 2.0)
    values[0, YEARS.index(LATEST - 5)] = np.nan
    row = one(values, fixture_target(">=", 80.0))
    assert row["pace_from_year"] == LATEST - 6 and row["pace_from_substituted"]
    assert row["observed_pace"] == pytest.approx(2.0)
    assert f"pace measured from {LATEST - 6}" in row["note"]
    values[0, YEARS.index(LATEST - 6)] = np.nan
    row = one(values, fixture_target(">=", 80.0))
    assert row["pace_from_year"] == LATEST - 4


def test_no_value_to_measure_the_pace_is_insufficient_unless_met():
    values = linear(60.0, 2.0)
    for y in (LATEST - 6, LATEST - 5, LATEST - 4):
        values[0, YEARS.index(y)] = np.nan
    row = one(values, fixture_target(">=", 80.0))
    assert row["status"] == "insufficient data" and np.isnan(row["observed_pace"])
    assert row["distance"] == 20.0  # the distance is still known
    assert one(values, fixture_target(">=", 50.0))["status"] == "achieved"


def test_no_value_at_all_is_insufficient_data():
    row = one(np.full((1, len(YEARS)), np.nan), fixture_target(">=", 80.0))
    assert row["status"] == "insufficient data" and row["note"] == "no value"
    assert pd.isna(row["latest_year"]) and np.isnan(row["distance"])


def test_between_band_distance_and_direction():
    target = fixture_target("between", 0.98, upper=1.02)
    below = one(linear(0.90, 0.02), target)
    assert below["distance"] == pytest.approx(0.08)
    assert below["required_pace"] > 0 and below["status"] == "on track"
    above = one(linear(1.10, 0.01), target)
    assert above["distance"] == pytest.approx(0.08)
    assert above["required_pace"] < 0 and above["status"] == "moving away"
    inside = one(linear(1.0, 0.01), target)
    assert inside["status"] == "achieved" and inside["distance"] == 0


def test_projection_beyond_the_limit_is_nan_with_a_note():
    target = fixture_target(">=", 100.0)
    row = one(linear(10.0, 0.001), target)
    assert pd.isna(row["projected_year"]) and str(PROJECTION_LIMIT) in row["note"]


def test_assess_rejects_bad_options():
    with pytest.raises(ValueError, match="window"):
        assess(linear(1.0, 1.0), YEARS, fixture_target(">=", 2.0), window=0)
    with pytest.raises(ValueError, match="match"):
        assess(linear(1.0, 1.0), YEARS[1:], fixture_target(">=", 2.0))


def test_a_pace_too_slow_to_project_is_not_projected_and_warns_of_nothing():
    """A pace so slow that the year it would reach the target overflows a float (hypothesis
    found one in CI) is not projected, and computing it raises no floating-point warning."""
    target = fixture_target(">=", 100.0, year=2030)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        row = one(linear(0.0, np.nextafter(0.0, 1.0) * 2**20), target)  # a subnormal pace
    assert row["observed_pace"] > 0
    assert pd.isna(row["projected_year"])
    assert "not reached before" in row["note"]
