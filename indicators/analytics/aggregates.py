"""Group aggregates computed from economy values, with the coverage behind each one.

World Bank rule for ratios: weight each economy by the indicator's population base (total,
female or male population), impute missing members by the group mean (which leaves the weighted
mean of the reporting members unchanged) and publish no aggregate when the reporting members hold
less than two-thirds of the group's weight. Counts (population) are summed. Prices relative to
income are summarised, as ITU does, by the median economy (aggregation "median"; the population
base then only measures coverage). Indicators without a population base cannot be aggregated
and say so.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from indicators.analytics.groups import Group, resolve_group
from indicators.catalogue import Catalogue, Indicator
from indicators.errors import AnalysisError
from indicators.store.snapshot import Snapshot

WB_MIN_COVERAGE = 2 / 3
COLUMNS = (
    "group",
    "label",
    "indicator",
    "year",
    "value",
    "coverage",
    "members",
    "reporting",
    "members_without_weight",
    "status",
    "basis",
)


def aggregable(ind: Indicator) -> None:
    """Raise AnalysisError when an indicator has no aggregation rule (no population base)."""
    if ind.aggregation == "none":
        raise AnalysisError(
            f"{ind.code} ({ind.short_name}) has no population base, so no group aggregate can be "
            "computed; compare economies instead"
        )


def _years(frames: Iterable[pd.DataFrame], years: Sequence[int] | None) -> list[int]:
    if years is not None:
        return sorted({int(y) for y in years})
    found: set[int] = set()
    for frame in frames:
        found |= {int(c) for c in frame.columns[frame.notna().any(axis=0)]}
    return sorted(found)


def aggregate_groups(
    snapshot: Snapshot,
    catalogue: Catalogue,
    *,
    indicator: str,
    groups: Sequence[Group],
    years: Sequence[int] | None = None,
    min_coverage: float = WB_MIN_COVERAGE,
    median: bool = False,
) -> pd.DataFrame:
    """Aggregate one indicator for several resolved groups and every year at once.

    One row per (group, year): the aggregate value (NaN when coverage is below `min_coverage`
    or nobody reported), the share of the group's weight that reported (`coverage`), member
    counts and a status: "ok", "below coverage threshold" or "no data". With `median=True` a
    column `median` holds the unweighted median of the reporting members.
    """
    ind = catalogue.indicator(indicator)
    aggregable(ind)
    if not groups:
        raise AnalysisError("no group to aggregate")
    universe = sorted({m for g in groups for m in g.members})
    values = snapshot.wide(indicator).reindex(universe)
    weighted = ind.aggregation in ("weighted_mean", "median")
    weights = snapshot.wide(ind.weight).reindex(universe) if weighted and ind.weight else None
    cols = _years([values], years)
    values = values.reindex(columns=cols)
    x = values.to_numpy(dtype="float64")
    membership = np.zeros((len(groups), len(universe)))
    pos = {code: i for i, code in enumerate(universe)}
    for gi, grp in enumerate(groups):
        membership[gi, [pos[m] for m in grp.members]] = 1.0
    has = ~np.isnan(x)
    if weights is not None:
        w = weights.reindex(columns=cols).to_numpy(dtype="float64")
        w_known = ~np.isnan(w)
        has &= w_known
        w0 = np.where(w_known, w, 0.0)
        total_w = membership @ w0
        rep_w = membership @ np.where(has, w0, 0.0)
        num = membership @ np.where(has, x * w0, 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            value = num / rep_w
            coverage = rep_w / total_w
        if ind.aggregation == "median":
            value = _group_medians(x, has, membership)
        no_weight = membership @ (~w_known).astype(float)
    else:  # sum of counts
        n_members = membership.sum(axis=1, keepdims=True)
        value = membership @ np.where(has, x, 0.0)
        coverage = (membership @ has.astype(float)) / n_members
        no_weight = np.zeros_like(value)
    reporting = membership @ has.astype(float)
    status = np.where(
        reporting == 0,
        "no data",
        np.where(coverage + 1e-12 < min_coverage, "below coverage threshold", "ok"),
    )
    value = np.where(status == "ok", value, np.nan)
    n_groups, n_years = value.shape
    out = pd.DataFrame(
        {
            "group": np.repeat([g.code for g in groups], n_years),
            "label": np.repeat([g.label for g in groups], n_years),
            "indicator": indicator,
            "year": np.tile(np.asarray(cols, dtype=int), n_groups),
            "value": value.ravel(),
            "coverage": np.where(np.isfinite(coverage), coverage, 0.0).ravel(),
            "members": np.repeat([g.size for g in groups], n_years),
            "reporting": reporting.ravel().astype(int),
            "members_without_weight": no_weight.ravel().astype(int),
            "status": status.ravel(),
            "basis": np.repeat([g.basis for g in groups], n_years),
        }
    )
    if median:
        meds = []
        for grp in groups:
            sub = values.loc[list(grp.members)]
            meds.append(sub.median(axis=0, skipna=True).reindex(cols).to_numpy())
        out["median"] = np.concatenate(meds) if meds else []
    return out


def _group_medians(x: np.ndarray, has: np.ndarray, membership: np.ndarray) -> np.ndarray:
    """Unweighted median of the reporting members, per group (rows) and year (columns)."""
    out = np.full((membership.shape[0], x.shape[1]), np.nan)
    for gi in range(membership.shape[0]):
        rows = membership[gi] > 0
        sub = np.where(has[rows], x[rows], np.nan)
        with np.errstate(all="ignore"):
            reported = has[rows].any(axis=0)
            out[gi, reported] = np.nanmedian(sub[:, reported], axis=0)
    return out


def aggregate(
    snapshot: Snapshot,
    catalogue: Catalogue,
    *,
    indicator: str,
    group: str | Sequence[str],
    fiscal_year: int | None = None,
    years: Sequence[int] | None = None,
    min_coverage: float = WB_MIN_COVERAGE,
    median: bool = False,
) -> pd.DataFrame:
    """Aggregate one indicator over one group (a code, or a list of economy codes), per year."""
    grp = resolve_group(snapshot, group, fiscal_year=fiscal_year)
    return aggregate_groups(
        snapshot,
        catalogue,
        indicator=indicator,
        groups=[grp],
        years=years,
        min_coverage=min_coverage,
        median=median,
    )


def itu_counterpart(
    catalogue: Catalogue, snapshot: Snapshot, *, indicator: str, group: str
) -> tuple[str, str] | None:
    """The ITU aggregate (entity, indicator) publishing the same concept for a World Bank group."""
    entity = snapshot.itu_equivalents.get(group)
    if entity is None:
        return None
    ind = catalogue.indicator(indicator)
    candidates = [indicator] + [
        i.code for i in catalogue.indicators if i.same_concept_as == indicator
    ]
    if ind.same_concept_as:
        candidates.append(ind.same_concept_as)
    for code in candidates:
        if entity in snapshot.wide(code).index:
            return entity, code
    return None


def compare_with_published(
    snapshot: Snapshot,
    catalogue: Catalogue,
    *,
    indicator: str,
    groups: Sequence[str],
    years: Sequence[int] | None = None,
    min_coverage: float = WB_MIN_COVERAGE,
) -> pd.DataFrame:
    """Computed aggregates next to the published World Bank and ITU ones, with differences.

    Columns: group, year, computed, coverage, status, published_wb, diff_wb, published_itu,
    diff_itu, itu_indicator, itu_vintage. Differences are computed minus published (points).
    The ITU figures may be another vintage: `itu_vintage` says which.
    """
    resolved = [resolve_group(snapshot, g) for g in groups]
    comp = aggregate_groups(
        snapshot,
        catalogue,
        indicator=indicator,
        groups=resolved,
        years=years,
        min_coverage=min_coverage,
    )
    published = snapshot.wide(indicator)
    parts = []
    for grp in resolved:
        sub = comp[comp["group"] == grp.code][
            ["group", "year", "value", "coverage", "status"]
        ].rename(columns={"value": "computed"})
        wb = published.loc[grp.code] if grp.code in published.index else pd.Series(dtype=float)
        sub["published_wb"] = sub["year"].map(wb)
        itu = itu_counterpart(catalogue, snapshot, indicator=indicator, group=grp.code)
        if itu is not None:
            series = snapshot.wide(itu[1]).loc[itu[0]]
            sub["published_itu"] = sub["year"].map(series)
            rows = snapshot.rows(itu[1])
            vint = rows.loc[rows["economy"] == itu[0], "vintage"]
            sub["itu_indicator"] = itu[1]
            sub["itu_vintage"] = str(vint.iloc[0]) if len(vint) else None
        else:
            sub["published_itu"] = np.nan
            sub["itu_indicator"] = None
            sub["itu_vintage"] = None
        parts.append(sub)
    out = pd.concat(parts, ignore_index=True)
    out["diff_wb"] = out["computed"] - out["published_wb"]
    out["diff_itu"] = out["computed"] - out["published_itu"]
    order = ["group", "year", "computed", "coverage", "status", "published_wb", "diff_wb"]
    order += ["published_itu", "diff_itu", "itu_indicator", "itu_vintage"]
    return out[order]
