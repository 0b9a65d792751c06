"""The income divide and people online and offline.

Pure functions over a Snapshot and the Catalogue; every table says which year, source id and
vintage each figure comes from. A gap in points (high - low) and a ratio (high / low) can move
in opposite directions: when both rates rise, the ratio can fall while the distance in points
grows, so both are reported.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from indicators.analytics.aggregates import aggregate_groups
from indicators.analytics.groups import Group, fiscal_years, group_codes, resolve_group
from indicators.analytics.provenance import (
    computed_provenance,
    entity_name,
    provenance,
    resolve_for_year,
    safe_ratio,
)
from indicators.catalogue import Catalogue
from indicators.errors import AnalysisError, UnknownCodeError
from indicators.rules import BASELINE_WINDOW, baseline_search_order
from indicators.store.snapshot import Snapshot

POPULATION = "SP.POP.TOTL"
TOLERANCE = 1e-9  # changes smaller than this are float noise, not a narrowing gap


# --- the income divide -------------------------------------------------------------------------
BASES = ("published", "computed")


@dataclass(frozen=True, eq=False)
class IncomeGap:
    """The divide between a high and a low group over time, and its pace.

    `table`: year, high, low, gap (high - low, points), ratio (high / low) [, high_coverage,
    low_coverage for computed aggregates]. The gap in points and the ratio answer different
    questions and can move in opposite directions: in a hypothetical case where use goes from
    1% to 20% in the low group and from 50% to 90% in the high one, the ratio falls from 50 to
    4.5 (the divide narrows in relative terms) while the gap widens from 49 to 70 points.
    `closing` refers to the gap in points, `ratio_closing` to the ratio, both over the recent
    period (`recent_start_year` -> `latest_year`). Paces are in points per year.
    """

    indicator: str
    high: str
    low: str
    basis: str
    fiscal_year: int | None
    table: pd.DataFrame
    latest_year: int
    recent_start_year: int
    baseline: int
    baseline_year: int | None
    baseline_substituted: bool
    pace_recent: float
    pace_since_baseline: float
    closing: bool
    ratio_closing: bool
    source: str
    vintage: str
    note: str


def _known_group(snapshot: Snapshot, code: str) -> None:
    if code not in snapshot.entity_index.index and code not in set(group_codes(snapshot)):
        raise UnknownCodeError("group", code, known=group_codes(snapshot))


def _income_table(
    snapshot: Snapshot,
    catalogue: Catalogue,
    *,
    indicator: str,
    high: str,
    low: str,
    basis: str,
    fiscal_year: int | None,
) -> tuple[pd.DataFrame, str, str, str]:
    """(table of high and low values by year, source, vintage, description of the basis)."""
    if basis == "published":
        if fiscal_year is not None:
            raise AnalysisError(
                "fiscal_year applies to basis='computed' only: a published aggregate uses the "
                "classification of its release for every year"
            )
        wide = snapshot.wide(indicator)
        for code in (high, low):
            if code not in wide.index:
                raise AnalysisError(
                    f"no published {indicator} aggregate for {code}; use basis='computed'"
                )
        table = pd.DataFrame({"high": wide.loc[high], "low": wide.loc[low]})
        src, vin = provenance(snapshot, indicator, [high, low])
        names = snapshot.entity_index["name"].astype(str)
        text = (
            f"the World Bank's published {names.get(high, high)} and {names.get(low, low)} "
            "aggregates (the release applies its current income classification to every past "
            "year)"
        )
        return table, src, vin, text
    gh, gl = (
        resolve_for_year(snapshot, high, fiscal_year),
        resolve_for_year(snapshot, low, fiscal_year),
    )
    agg = aggregate_groups(snapshot, catalogue, indicator=indicator, groups=[gh, gl])
    h = agg[agg["group"] == high].set_index("year")
    lo = agg[agg["group"] == low].set_index("year")
    table = pd.DataFrame(
        {
            "high": h["value"],
            "low": lo["value"],
            "high_coverage": h["coverage"],
            "low_coverage": lo["coverage"],
        }
    )
    src, vin = computed_provenance(
        snapshot,
        indicator=indicator,
        weight=catalogue.indicator(indicator).weight,
        groups=[gh, gl],
        fiscal_year=fiscal_year,
    )
    text = (
        f"aggregates computed from economy values by the World Bank rule (no value below "
        f"two-thirds coverage); {high}: {gh.basis}; {low}: {gl.basis}"
    )
    return table, src, vin, text


def _reporting_note(snapshot: Snapshot, indicator: str, codes: Sequence[str], year: int) -> str:
    """How many members of each group report a value in `year` (published aggregates impute
    the rest, which matters in the most recent year)."""
    parts = []
    wide = snapshot.wide(indicator)
    names = snapshot.entity_index["name"].astype(str)
    for code in codes:
        if code in set(group_codes(snapshot)):
            grp = resolve_group(snapshot, code)
            col = wide[year] if year in wide.columns else pd.Series(dtype=float)
            have = int(col.reindex(list(grp.members)).notna().sum())
            name = names.get(code, code)
            parts.append(f"{name} {have} of {grp.size}")
    if not parts:
        return ""
    return f"Economies that reported their own {year} value: {', '.join(parts)}."


def income_gap(
    snapshot: Snapshot,
    catalogue: Catalogue,
    *,
    indicator: str = "IT.NET.USER.ZS",
    high: str = "HIC",
    low: str = "LIC",
    basis: str = "published",
    fiscal_year: int | None = None,
    baseline: int = 2005,
    baseline_window: int = BASELINE_WINDOW,
    recent_years: int = 5,
) -> IncomeGap:
    """The gap between a high and a low group (points and ratio), with its pace and direction.

    basis 'published' uses the World Bank aggregate rows of the snapshot; 'computed' aggregates
    economy values (indicators.aggregates), with `fiscal_year` taking income groups as
    classified in that fiscal year (e.g. 2006 for the groups set on 2004 GNI, in force in 2005).
    `pace_recent` is the change of the gap per year from `latest_year - recent_years` (or the
    first year after it with data) to the latest year; `pace_since_baseline` the change per year
    since `baseline` (or the nearest year within `baseline_window`, earlier first: the project's
    one substitution rule, `indicators.rules.baseline_search_order`; flagged as substituted).
    See IncomeGap for why the gap in points can widen while the ratio falls.
    """
    if basis not in BASES:
        raise ValueError(f"basis must be one of {BASES}, not {basis!r}")
    if recent_years < 1:
        raise ValueError("recent_years must be at least 1")
    if high == low:
        raise ValueError("high and low must be different groups")
    catalogue.indicator(indicator)
    for code in (high, low):
        _known_group(snapshot, code)
    table, src, vin, text = _income_table(
        snapshot,
        catalogue,
        indicator=indicator,
        high=high,
        low=low,
        basis=basis,
        fiscal_year=fiscal_year,
    )
    table = table.dropna(subset=["high", "low"])
    if len(table) < 2:
        raise AnalysisError(f"fewer than two years with both {high} and {low} ({text})")
    table.index = table.index.astype(int)
    table.insert(2, "gap", table["high"] - table["low"])
    table.insert(3, "ratio", safe_ratio(table["high"], table["low"]))
    table = table.rename_axis("year").reset_index()
    years = table["year"].tolist()
    gap = dict(zip(years, table["gap"], strict=True))
    ratio = dict(zip(years, table["ratio"], strict=True))
    latest = max(years)
    earlier = [y for y in years if y < latest]
    in_window = [y for y in earlier if y >= latest - recent_years]
    start = min(in_window) if in_window else max(earlier)
    pace_recent = (gap[latest] - gap[start]) / (latest - start)
    base = next(
        (
            baseline + off
            for off in baseline_search_order(baseline_window)
            if baseline + off in gap and baseline + off < latest
        ),
        None,
    )
    pace_base = (gap[latest] - gap[base]) / (latest - base) if base is not None else np.nan
    notes = [f"Basis: {text}."]
    if start != latest - recent_years:
        notes.append(f"Recent period starts in {start} (no value for {latest - recent_years}).")
    if base is None:
        notes.append(f"No value within {baseline_window} years of {baseline}: no pace since then.")
    elif base != baseline:
        notes.append(f"Baseline {baseline} replaced by {base}, the nearest year with both values.")
    for y0 in dict.fromkeys(y for y in (base, start) if y is not None):
        notes.append(
            f"{y0} to {latest}: gap {gap[y0]:.1f} → {gap[latest]:.1f} points, ratio "
            f"{ratio[y0]:.2f} → {ratio[latest]:.2f}"
            + (
                " (the gap in points widened while the ratio fell: the low group grew faster "
                "in relative terms but by fewer points)."
                if gap[latest] > gap[y0] and ratio[latest] < ratio[y0]
                else "."
            )
        )
    if basis == "published":
        notes.append(_reporting_note(snapshot, indicator, (high, low), latest))
    return IncomeGap(
        indicator=indicator,
        high=high,
        low=low,
        basis=basis,
        fiscal_year=fiscal_year,
        table=table,
        latest_year=latest,
        recent_start_year=start,
        baseline=baseline,
        baseline_year=base,
        baseline_substituted=base is not None and base != baseline,
        pace_recent=float(pace_recent),
        pace_since_baseline=float(pace_base),
        closing=bool(gap[latest] < gap[start] - TOLERANCE),
        ratio_closing=bool(ratio[latest] < ratio[start] - TOLERANCE),
        source=src,
        vintage=vin,
        note=" ".join(notes),
    )


# --- people online and offline -----------------------------------------------------------------
def _series(snapshot: Snapshot, code: str, entity: str) -> pd.Series:
    wide = snapshot.wide(code)
    return wide.loc[entity].dropna() if entity in wide.index else pd.Series(dtype=float)


def _computed(
    snapshot: Snapshot, catalogue: Catalogue, *, indicator: str, pop_code: str, grp: Group
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """A group's computed rate (status ok only), its coverage, and its population summed over
    the members in the years when every member has one."""
    agg = aggregate_groups(snapshot, catalogue, indicator=indicator, groups=[grp])
    ok = agg[agg["status"] == "ok"].set_index("year")
    summed = aggregate_groups(snapshot, catalogue, indicator=pop_code, groups=[grp])
    full = summed[summed["coverage"] >= 1.0].set_index("year")["value"]
    return ok["value"], agg.set_index("year")["coverage"], full


def _people(
    snapshot: Snapshot, catalogue: Catalogue, *, indicator: str, code: str, year: int | None
) -> dict[str, object]:
    """One row of online_offline: published rate and population, else computed, and why."""
    pop_code = catalogue.indicator(indicator).weight or POPULATION
    is_group = code in set(group_codes(snapshot))
    if code not in snapshot.entity_index.index and not is_group:
        raise UnknownCodeError("group or economy", code, known=group_codes(snapshot))
    rate_pub, pop = _series(snapshot, indicator, code), _series(snapshot, pop_code, code)
    rate_comp, cover, summed = (pd.Series(dtype=float),) * 3
    grp = resolve_group(snapshot, code) if is_group else None
    if grp is not None:
        rate_comp, cover, summed = _computed(
            snapshot, catalogue, indicator=indicator, pop_code=pop_code, grp=grp
        )
    members = list(grp.members) if grp is not None else [code]
    pop_all = pop.combine_first(summed)
    if year is None:
        pub = sorted(set(rate_pub.index) & set(pop_all.index))
        comp = sorted(set(rate_comp.index) & set(pop_all.index))
        if not pub and not comp:
            raise AnalysisError(f"no year with both {indicator} and {pop_code} for {code}")
        year = pub[-1] if pub else comp[-1]
    notes, coverage, rate_basis, rate_from = [], np.nan, "none", [code]
    if year in rate_pub.index:
        rate, rate_basis = float(rate_pub[year]), "published"
        if grp is not None:
            notes.append(_reporting_note(snapshot, indicator, [code], year))
    elif year in rate_comp.index:
        rate, rate_basis, coverage = float(rate_comp[year]), "computed", float(cover[year])
        rate_from = members
        notes.append(
            f"No published {indicator} for {code} in {year}: aggregate computed from "
            f"economies holding {coverage:.0%} of the population."
        )
    else:
        rate = np.nan
        notes.append(f"No {indicator} value for {code} in {year}.")
    pop_basis = "published" if year in pop.index else "none"
    if pop_basis == "none" and year in summed.index:
        pop_basis = "sum of members"
        notes.append(f"Population summed over the {len(members)} members (no published row).")
    elif pop_basis == "none":
        notes.append(f"No {pop_code} value for {code} in {year}.")
    src, vin = provenance(snapshot, indicator, rate_from, year=year)
    pop_from = members if pop_basis == "sum of members" else [code]
    psrc, pvin = provenance(snapshot, pop_code, pop_from, year=year)
    population = float(pop_all[year]) if year in pop_all.index else np.nan
    share = rate / 100.0
    return {
        "group": code,
        "name": entity_name(snapshot, code),
        "year": int(year),
        "rate": rate,
        "population": population,
        "online": share * population,
        "offline": (1.0 - share) * population,
        "share_online": share,
        "share_offline": 1.0 - share,
        "rate_basis": rate_basis,
        "coverage": coverage,
        "population_basis": pop_basis,
        "source": src,
        "vintage": vin,
        "population_source": psrc,
        "population_vintage": pvin,
        "note": " ".join(n for n in notes if n),
    }


def online_offline(
    snapshot: Snapshot,
    catalogue: Catalogue,
    *,
    groups: Sequence[str] = ("WLD",),
    year: int | None = None,
    indicator: str = "IT.NET.USER.ZS",
) -> pd.DataFrame:
    """People online and offline (counts and shares) for groups or economies in one year.

    The rate is the published row of the group or economy (for WLD, the World Bank aggregate)
    and the population its published SP.POP.TOTL row of the same year. Without a published
    rate, the World Bank-rule aggregate of the members is used (rate_basis 'computed', with its
    coverage); without a published population, the members' sum when every member has one.
    Default year: per group, the latest year with a published rate and a population (else with
    a computed one). `note` says what was substituted. The indicator must be a share of the
    population (e.g. Internet use), so that rate x population counts people.
    """
    ind = catalogue.indicator(indicator)
    if ind.unit != "percent of population" or ind.aggregation != "weighted_mean":
        raise AnalysisError(
            f"{indicator} ({ind.unit}) is not a share of the population: people cannot be counted"
        )
    if not groups:
        raise AnalysisError("no group or economy given")
    recs = [
        _people(snapshot, catalogue, indicator=indicator, code=c, year=year)
        for c in dict.fromkeys(groups)
    ]
    return pd.DataFrame.from_records(recs)


# --- the income divide with the groups as classified at the time ------------------------------
@dataclass(frozen=True)
class ClassifiedGap:
    """The gap between two income groups in one year, each group as classified in `fiscal_year`
    (the World Bank classification in force in that year: FY06 for 2005)."""

    year: int
    fiscal_year: int
    high: float
    low: float
    high_coverage: float
    low_coverage: float
    source: str = ""  # the indicator's, the weights' and the classification's sources

    @property
    def gap(self) -> float:
        return self.high - self.low

    @property
    def ratio(self) -> float:
        return self.high / self.low if self.low else float("nan")

    @property
    def classification(self) -> str:
        return f"FY{self.fiscal_year % 100:02d}"


def classified_in(year: int) -> int:
    """The World Bank fiscal year whose classification was in force in a calendar year: FY06
    (July 2005 - June 2006, set on 2004 GNI) for 2005.

    >>> classified_in(2005)
    2006
    """
    return year + 1


def income_gap_at_the_time(
    snapshot: Snapshot,
    catalogue: Catalogue,
    *,
    indicator: str = "IT.NET.USER.ZS",
    high: str = "HIC",
    low: str = "LIC",
    years: Sequence[int],
) -> list[ClassifiedGap]:
    """The gap in each of `years` with both groups as classified at the time (aggregates
    computed by the World Bank rule from economy values; a year whose groups are not covered
    enough, or whose classification the history lacks, is left out)."""
    out = []
    known = set(fiscal_years(snapshot))
    for year in years:
        fy = classified_in(year)
        if fy not in known:
            fy = max(f for f in known if f <= fy) if any(f <= fy for f in known) else fy
        if fy not in known:
            continue
        groups = [resolve_for_year(snapshot, code, fy) for code in (high, low)]
        agg = aggregate_groups(
            snapshot, catalogue, indicator=indicator, groups=groups, years=[year]
        )
        ok = agg[(agg["status"] == "ok") & (agg["year"] == year)].set_index("group")
        if high in ok.index and low in ok.index:
            src, _ = computed_provenance(
                snapshot,
                indicator=indicator,
                weight=catalogue.indicator(indicator).weight,
                groups=groups,
                fiscal_year=fy,
            )
            out.append(
                ClassifiedGap(
                    year=year,
                    fiscal_year=fy,
                    high=float(ok.at[high, "value"]),
                    low=float(ok.at[low, "value"]),
                    high_coverage=float(ok.at[high, "coverage"]),
                    low_coverage=float(ok.at[low, "coverage"]),
                    source=src,
                )
            )
    return out
