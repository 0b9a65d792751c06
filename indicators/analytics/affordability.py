"""Affordability of broadband: ITU price baskets against the Broadband Commission's 2% target.

The baskets are priced as a share of monthly gross national income per person (i154_FBB5_GNI:
fixed broadband 5 GB; i271mb_5GB_GNI: data-only mobile broadband 5 GB). A basket is affordable
in the Commission's sense when it costs less than 2% (strictly below the threshold, as the
target reads "less than 2%"). Group figures count economies (how many are under the threshold)
and people (the population of those economies), and take the median cost, which a few extreme
prices do not move. Every table names its reference year, source and vintage.

A price of 0 (or less) is treated as missing: the ITU DataHub export of December 2025 holds
such zeros as placeholders (e.g. i154_FBB5_GNI in 2022) where no basket was priced.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from indicators.analytics.groups import HISTORY_CODES, Group, resolve_group
from indicators.catalogue import Catalogue, Indicator
from indicators.errors import AnalysisError
from indicators.store.snapshot import Snapshot

BROADBAND_COMMISSION_THRESHOLD = 2.0  # % of monthly GNI per capita (Broadband Commission 2025)
PRICE_UNIT = "percent of monthly GNI per capita"
DEFAULT_GROUPS = ("WLD", "LIC", "LMC", "UMC", "HIC")
BROAD_COVERAGE = 2 / 3  # default year: latest with data for >= 2/3 of economies that ever report
POPULATION = "SP.POP.TOTL"


def price_basket(catalogue: Catalogue, indicator: str) -> Indicator:
    """The catalogue entry of a price basket in % of GNI per capita, or AnalysisError."""
    ind = catalogue.indicator(indicator)
    if ind.kind != "price" or ind.unit != PRICE_UNIT:
        raise AnalysisError(
            f"{indicator} ({ind.short_name}, {ind.unit}) is not a price basket in {PRICE_UNIT}; "
            "the 2% affordability threshold applies only to such baskets"
        )
    return ind


def _check_threshold(threshold: float) -> float:
    if not np.isfinite(threshold) or threshold <= 0:
        raise ValueError(f"threshold must be a positive share of income, not {threshold!r}")
    return float(threshold)


def _join(values: Iterable[object]) -> str:
    seen = {str(v) for v in values if v is not None and not pd.isna(v) and str(v)}
    return "; ".join(sorted(seen))


def _provenance(snapshot: Snapshot, code: str, economies: Iterable[str], year: int | None):
    """Source ids and vintages of an indicator's rows for some economies (and one year)."""
    r = snapshot.rows(code)
    keep = r["economy"].isin(list(economies))
    if year is not None:
        keep &= r["year"] == year
    return _join(r.loc[keep, "source"].unique()), _join(r.loc[keep, "vintage"].unique())


def valid_prices(snapshot: Snapshot, indicator: str) -> pd.DataFrame:
    """The economy x year table of a basket with prices of 0 or less set to NaN (placeholders)."""
    wide = snapshot.wide(indicator)
    return wide.where(wide > 0)


def _groups(snapshot: Snapshot, groups: Sequence[str], fiscal_year: int | None) -> list[Group]:
    """Resolve groups; `fiscal_year` applies to income groups only."""
    if not groups:
        raise AnalysisError("no group given")
    return [
        resolve_group(snapshot, g, fiscal_year=fiscal_year if g in HISTORY_CODES else None)
        for g in dict.fromkeys(groups)
    ]


def default_year(snapshot: Snapshot, *, indicator: str, economies: Sequence[str]) -> int:
    """The latest year in which at least two-thirds of the economies that ever report a value
    (among `economies`) report one: recent, yet broad enough to compare groups."""
    wide = valid_prices(snapshot, indicator).reindex(list(economies)).dropna(how="all")
    if wide.empty:
        raise AnalysisError(f"no economy of the group has a value of {indicator}")
    counts = wide.notna().sum(axis=0)
    broad = counts[counts >= BROAD_COVERAGE * len(wide)]
    if broad.empty:  # no year is broad: take the (latest) year with the most values
        broad = counts[counts == counts.max()]
    return int(broad.index.max())


def affordability_by_group(
    snapshot: Snapshot,
    catalogue: Catalogue,
    *,
    indicator: str = "i154_FBB5_GNI",
    threshold: float = BROADBAND_COMMISSION_THRESHOLD,
    year: int | None = None,
    fiscal_year: int | None = None,
    groups: Sequence[str] = DEFAULT_GROUPS,
) -> pd.DataFrame:
    """Economies and people with a basket under the threshold, per group, in one year.

    Columns: group, label, year, members, economies (with data), under (economies below the
    threshold), share_economies, population_with_data, population_under, share_people
    (population of economies under / population of economies with data, same year; economies
    without a population that year are left out of both and counted in `without_population`),
    population_coverage (population of economies with data / population of all members: the
    share of the group's people the figures speak for),
    median_cost (unweighted median over economies with data), threshold, basis, source,
    vintage, population_source, population_vintage, placeholders_ignored (members whose price
    that year is 0, treated as missing). Default year: see `default_year` (one year
    for all groups, so they compare); income groups as classified today (FY26) unless
    `fiscal_year` is given.
    """
    price_basket(catalogue, indicator)
    threshold = _check_threshold(threshold)
    resolved = _groups(snapshot, groups, fiscal_year)
    universe = sorted({m for g in resolved for m in g.members})
    if year is None:
        year = default_year(snapshot, indicator=indicator, economies=universe)
    raw = snapshot.wide(indicator)
    raw = raw[year] if year in raw.columns else pd.Series(dtype=float)
    cost = raw.where(raw > 0)
    if cost.reindex(universe).isna().all():
        have = [int(y) for y in valid_prices(snapshot, indicator).columns]
        raise AnalysisError(
            f"no {indicator} price for any economy of the groups in {year} "
            f"(years with prices: {have[0]}-{have[-1]})"
        )
    pop_wide = snapshot.wide(POPULATION)
    pop = pop_wide[year] if year in pop_wide.columns else pd.Series(dtype=float)
    recs = []
    for grp in resolved:
        c = cost.reindex(list(grp.members)).dropna()
        p = pop.reindex(c.index)
        has_pop = p.notna()
        under = c < threshold
        pop_all = float(p[has_pop].sum())
        pop_group = float(pop.reindex(list(grp.members)).sum())
        pop_under = float(p[has_pop & under].sum())
        src, vin = _provenance(snapshot, indicator, c.index, year)
        psrc, pvin = _provenance(snapshot, POPULATION, c.index[has_pop], year)
        recs.append(
            {
                "group": grp.code,
                "label": grp.label,
                "year": int(year),
                "members": grp.size,
                "economies": len(c),
                "under": int(under.sum()),
                "share_economies": under.mean() if len(c) else np.nan,
                "population_with_data": pop_all,
                "population_under": pop_under,
                "share_people": pop_under / pop_all if pop_all > 0 else np.nan,
                "population_coverage": pop_all / pop_group if pop_group > 0 else np.nan,
                "without_population": int((~has_pop).sum()),
                "placeholders_ignored": int((raw.reindex(list(grp.members)) <= 0).sum()),
                "median_cost": float(c.median()) if len(c) else np.nan,
                "threshold": threshold,
                "indicator": indicator,
                "basis": grp.basis,
                "source": src,
                "vintage": vin,
                "population_source": psrc,
                "population_vintage": pvin,
            }
        )
    return pd.DataFrame.from_records(recs)


def median_cost_over_time(
    snapshot: Snapshot,
    catalogue: Catalogue,
    *,
    indicator: str = "i154_FBB5_GNI",
    groups: Sequence[str] = DEFAULT_GROUPS,
    fiscal_year: int | None = None,
) -> pd.DataFrame:
    """The median basket cost per group and year (group, label, year, median, n_economies,
    members, indicator, source, vintage). Medians of different years cover different sets of
    economies: `n_economies` says how many."""
    price_basket(catalogue, indicator)
    resolved = _groups(snapshot, groups, fiscal_year)
    wide = valid_prices(snapshot, indicator)
    rows = snapshot.rows(indicator)
    rows = rows[rows["value"] > 0].assign(economy=lambda r: r["economy"].astype(str))
    parts = []
    for grp in resolved:
        sub = wide.reindex(list(grp.members))
        n = sub.notna().sum(axis=0)
        years = [int(y) for y in n.index[n > 0]]
        by_year = rows[rows["economy"].isin(set(grp.members))].groupby("year")
        src = [
            (_join(r["source"].astype(str)), _join(r["vintage"].astype(str))) for _, r in by_year
        ]
        parts.append(
            pd.DataFrame(
                {
                    "group": grp.code,
                    "label": grp.label,
                    "year": years,
                    "median": sub[years].median(axis=0).to_numpy(dtype=float),
                    "n_economies": n[years].to_numpy(dtype=int),
                    "members": grp.size,
                    "indicator": indicator,
                    "source": [s for s, _ in src],
                    "vintage": [v for _, v in src],
                }
            )
        )
    return pd.concat(parts, ignore_index=True)
