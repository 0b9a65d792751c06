"""Pace towards a target: distance, required and observed pace, projected year and status.

For a target and an entity (the world, an economy or a group) the latest value is compared with
the target (`Target.is_met`); the pace needed from the latest year to the target year
(`required_pace`) is compared with the pace observed over the last `window` (5) years
(`observed_pace`, from the value `window` years before the latest, or the nearest year within
+/-`PACE_TOLERANCE` year, earlier first, flagged). Both paces are signed changes per year in the
indicator's units (negative when the value must fall, as for prices), so their ratio
``pace_ratio = observed_pace / reference_pace`` is positive when the entity moves the right way:

- met / missed: the target's year has passed (it is not after the catalogue's review year,
  2025): the latest value meets the target or not, whatever the pace;
- insufficient recent data: the latest value is older than `RECENCY_YEARS` before the newest
  year of the snapshot (indicators.rules), so no status is given on it;
- achieved: the latest value meets the target (``Target.is_met``), whatever the pace;
- on track: ``pace_ratio >= ON_TRACK_RATIO`` (0.95) or the projected year <= target year;
- improving but off track: ``STAGNATION_RATIO <= pace_ratio < ON_TRACK_RATIO`` (0.1 to 0.95);
- stagnating: ``-STAGNATION_RATIO < pace_ratio < STAGNATION_RATIO`` (the good-direction pace is
  within +/-10% of the required pace around zero);
- moving away: ``pace_ratio <= -STAGNATION_RATIO``;
- insufficient data: no value, or (target not met and) no value to measure the pace from.

The reference pace is the required pace; when the target year is not after the latest year
(e.g. a 2025 target with data to 2025) no pace can reach it any more: required_pace is NaN, the
status can no longer be "on track", and the pace is compared with the pace that was needed from
the start of the observation window (`pace_from_year`) to the target year; the note says so.
For a gender-parity target the value is the parity score female rate / male rate, and for a
'between' band the distance is how far the value lies outside the band.

Group values are published ones when the snapshot has them (a World Bank aggregate row, else the
ITU aggregate for the same concept, e.g. ITU_WLD for the world by sex, vintage 2024-11); other
groups (e.g. LMY) are computed with `indicators.aggregates` and show their coverage.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from indicators.analytics.progress import int_array, latest_positions, nearest_positions, pick
from indicators.catalogue import Target
from indicators.rules import RECENCY_YEARS

ON_TRACK_RATIO = 0.95  # observed pace at least 95% of the reference pace: on track
STAGNATION_RATIO = 0.10  # |observed / reference| below 10%: stagnating
PACE_TOLERANCE = 1  # the pace start may be 1 year off the wanted year (earlier first)
DEFAULT_WINDOW = 5  # years over which the observed pace is measured
PROJECTION_LIMIT = 2100  # projected years beyond this are reported as NaN ("not before 2100")
YEAR_EPSILON = 1e-9  # rounding tolerance when the projected year is rounded up

ACHIEVED, ON_TRACK, OFF_TRACK = "achieved", "on track", "improving but off track"
STAGNATING, MOVING_AWAY, NO_DATA = "stagnating", "moving away", "insufficient data"
MET, MISSED, STALE = "met", "missed", "insufficient recent data"
STATUSES = (MET, MISSED, ACHIEVED, ON_TRACK, OFF_TRACK, STAGNATING, MOVING_AWAY, STALE, NO_DATA)

ASSESS_COLUMNS = (
    "latest_year",
    "latest_value",
    "target_value",
    "target_upper",
    "target_year",
    "distance",
    "required_pace",
    "pace_from_year",
    "pace_from_value",
    "pace_from_substituted",
    "observed_pace",
    "reference_pace",
    "pace_ratio",
    "projected_year",
    "status",
    "note",
)
# --- the assessment of value series (pure, vectorised) -------------------------------------------


def _direction(target: Target, latest: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Good direction (+1 up, -1 down) and the bound to reach, per latest value."""
    if target.comparator in (">=", ">"):
        return np.ones_like(latest), np.full_like(latest, target.value)
    if target.comparator in ("<=", "<"):
        return -np.ones_like(latest), np.full_like(latest, target.value)
    upper = float(target.upper if target.upper is not None else target.value)
    below = latest < target.value
    return np.where(below, 1.0, -1.0), np.where(below, target.value, upper)


def _status(
    *,
    has_latest: np.ndarray,
    met: np.ndarray,
    has_start: np.ndarray,
    passed: np.ndarray,
    ratio: np.ndarray,
    usable: np.ndarray,
    good: np.ndarray,
    projected: np.ndarray,
    target_year: int,
    due: bool,
    stale: np.ndarray,
) -> np.ndarray:
    """The status of each row by the rules of the module docstring (`usable`: ratio defined)."""
    on_track = ~passed & (np.where(usable, ratio, -np.inf) >= ON_TRACK_RATIO)
    on_track |= ~passed & (np.nan_to_num(projected, nan=np.inf) <= target_year)
    by_ratio = np.select(
        [ratio >= STAGNATION_RATIO, ratio > -STAGNATION_RATIO], [OFF_TRACK, STAGNATING], MOVING_AWAY
    )
    by_sign = np.select([good > 0, good == 0], [OFF_TRACK, STAGNATING], MOVING_AWAY)
    moving = np.where(usable, by_ratio, by_sign)
    if due:  # the target's year has passed: judged on the latest (recent) value alone
        return np.select([~has_latest, stale, met], [NO_DATA, STALE, MET], MISSED).astype(object)
    return np.select(
        [~has_latest, stale, met, ~has_start, on_track],
        [NO_DATA, STALE, ACHIEVED, NO_DATA, ON_TRACK],
        moving,
    ).astype(object)


def assess_arrays(
    values: np.ndarray,
    years: Sequence[int] | np.ndarray,
    target: Target,
    *,
    window: int,
    tolerance: int,
    due: bool = False,
    newest_year: int | None = None,
) -> dict[str, Any]:
    """Assess rows of values (rows x `years`, NaN = missing) against one target.

    `due`: the target's year has passed (the catalogue's review year): the status is then met
    or missed on the latest value. `newest_year`: the latest year of data in the snapshot; a
    latest value before `newest_year - RECENCY_YEARS` gives "insufficient recent data", and
    any older-than-newest value is named in the note with its age.
    """
    if int(window) != window or window < 1:
        raise ValueError(f"the pace window must be a whole number of years >= 1, not {window!r}")
    if int(tolerance) != tolerance or tolerance < 0:
        raise ValueError(f"the pace tolerance must be a whole number >= 0, not {tolerance!r}")
    values = np.asarray(values, dtype="float64")
    values = values[None, :] if values.ndim == 1 else values
    if values.ndim != 2 or values.shape[1] != len(years):
        raise ValueError(f"values of shape {values.shape} do not match {len(years)} years")
    years_arr = np.asarray(years, dtype=np.int64)
    order = np.argsort(years_arr, kind="stable")
    values, years_arr = values[:, order], years_arr[order]
    has = ~np.isnan(values)
    li = latest_positions(has)
    has_latest = li >= 0
    ly = np.where(has_latest, years_arr[np.maximum(li, 0)] if len(years_arr) else 0, 0)
    lv = pick(values, li)
    si = nearest_positions(has, years_arr, ly - window, tolerance, before=li)
    has_start = si >= 0
    sy = np.where(has_start, years_arr[np.maximum(si, 0)] if len(years_arr) else 0, 0)
    sv = pick(values, si)
    met = np.fromiter((target.is_met(float(v)) for v in lv), dtype=bool, count=len(lv))
    g, bound = _direction(target, lv)
    year_t = int(target.year)
    horizon = year_t - ly
    passed = has_latest & (horizon <= 0)
    distance = np.where(met, 0.0, np.maximum(g * (bound - lv), 0.0))
    # a pace so slow that the year it reaches the target overflows is beyond PROJECTION_LIMIT
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        required = np.where(horizon > 0, np.where(met, 0.0, bound - lv) / horizon, np.nan)
        observed = np.where(has_start, (lv - sv) / (ly - sy), np.nan)
        from_start = np.where(year_t > sy, (bound - sv) / (year_t - sy), np.nan)
        reference = np.where(passed, from_start, required)
        usable = ~met & np.isfinite(reference) & (reference * g > 0) & has_start
        ratio = np.where(usable, observed / reference, np.nan)
        good = g * observed
        ahead = ~met & (good > 0)
        # the first whole year reached, ignoring floating-point noise below YEAR_EPSILON
        reach = ly + distance / np.where(ahead, good, 1.0)
        projected = np.where(ahead, np.ceil(reach - YEAR_EPSILON), np.nan)
    beyond = projected > PROJECTION_LIMIT
    projected = np.where(beyond, np.nan, projected)
    stale = has_latest & (
        ly < newest_year - RECENCY_YEARS if newest_year is not None else np.zeros_like(has_latest)
    )
    status = _status(
        has_latest=has_latest,
        met=met,
        has_start=has_start,
        passed=passed,
        ratio=ratio,
        usable=usable,
        good=good,
        projected=projected,
        target_year=year_t,
        due=due,
        stale=stale,
    )
    notes = _assess_notes(
        target,
        window,
        ly=ly,
        sy=sy,
        has_latest=has_latest,
        has_start=has_start,
        met=met,
        passed=passed,
        reference=reference,
        beyond=beyond,
        due=due,
        newest_year=newest_year,
    )
    n = len(lv)
    return {
        "latest_year": int_array(ly, has_latest),
        "latest_value": lv,
        "target_value": np.full(n, float(target.value)),
        "target_upper": np.full(n, np.nan if target.upper is None else float(target.upper)),
        "target_year": np.full(n, year_t, dtype=np.int64),
        "distance": np.where(has_latest, distance, np.nan),
        "required_pace": np.where(has_latest, required, np.nan),
        "pace_from_year": int_array(sy, has_start),
        "pace_from_value": sv,
        "pace_from_substituted": has_start & (sy != ly - window),
        "observed_pace": observed,
        "reference_pace": np.where(has_start & ~met, reference, np.nan),
        "pace_ratio": ratio,
        "projected_year": int_array(np.nan_to_num(projected), ~np.isnan(projected)),
        "status": status,
        "note": notes,
    }


def _assess_notes(
    target: Target,
    window: int,
    *,
    ly: np.ndarray,
    sy: np.ndarray,
    has_latest: np.ndarray,
    has_start: np.ndarray,
    met: np.ndarray,
    passed: np.ndarray,
    reference: np.ndarray,
    beyond: np.ndarray,
    due: bool = False,
    newest_year: int | None = None,
) -> np.ndarray:
    """A sentence per row on what the figures rest on (the age of the latest value, substituted
    years, a passed deadline)."""
    notes = np.full(len(ly), "", dtype=object)
    for i in range(len(ly)):
        parts: list[str] = []
        if not has_latest[i]:
            parts.append("no value")
        elif due:
            parts.append(
                f"the target year {target.year} has passed: judged on the latest value ({ly[i]})"
            )
            if newest_year is not None and ly[i] < newest_year:
                age = newest_year - ly[i]
                parts.append(
                    f"that value is {age} year{'s' if age > 1 else ''} older than {newest_year}"
                )
        else:
            if newest_year is not None and ly[i] < newest_year:
                parts.append(
                    f"latest value from {ly[i]}, {newest_year - ly[i]} "
                    f"year{'s' if newest_year - ly[i] > 1 else ''} before {newest_year}"
                )
            want = ly[i] - window
            if has_start[i] and sy[i] != want:
                parts.append(f"pace measured from {sy[i]} ({want} has no value)")
            if not has_start[i] and not met[i]:
                parts.append(f"no value in {want - 1}-{want + 1} to measure the pace from")
            if passed[i] and not met[i]:
                parts.append(
                    f"the target year {target.year} is not after the latest year {ly[i]}: no "
                    f"required pace; the pace is compared with the {reference[i]:.4g} per year "
                    f"that was needed from {sy[i]}"
                    if has_start[i] and np.isfinite(reference[i])
                    else f"the target year {target.year} is not after the latest year {ly[i]}"
                )
            if met[i] and ly[i] > target.year:
                parts.append(f"met on the latest value ({ly[i]}), after the target year")
            if beyond[i]:
                parts.append(f"at the observed pace not reached before {PROJECTION_LIMIT}")
        notes[i] = "; ".join(parts)
    return notes
