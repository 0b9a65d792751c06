"""The challenge areas as data: per-indicator summaries of the world's progress, area by area.

`area_summaries` gathers, for each catalogue area in the briefing note's order, its indicators'
latest world value (the World Bank world row, else ITU's world estimate, else the median of
economies, and says which), change since the baseline, trend, target status and coverage.
The areas page shows them as text; figures_areas.py draws them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.formatting import format_change, format_value, source_names
from dashboard.theme import STATUS_COLOURS, TARGET_COLOUR
from dashboard.views.published import published_series
from indicators.analytics.aggregates import aggregate_groups
from indicators.analytics.groups import resolve_group
from indicators.analytics.progress import STATUS_OK, progress_table
from indicators.analytics.targets import target_status
from indicators.catalogue import Area, Catalogue, Indicator, Target, UnmeasuredTarget
from indicators.store.snapshot import Snapshot

MEDIAN_MIN_SHARE = 0.5  # a median is shown for years with >= half the best year's reporters
TREND_YEARS = 5
ARROWS = {"up": "↑", "down": "↓", "flat": "→"}
MEASUREMENT = {"measured": "Measured", "partial": "Partly measured", "gap": "No indicator"}


@dataclass(frozen=True)
class WorldSeries:
    """The series standing for the world: basis 'world' (World Bank row), 'world (ITU
    estimate)', 'world (computed)' (the World Bank rule over economies, where they cover two
    thirds of the population), 'median of economies' (prices, or where no world value can be
    computed: never presented as a world value) or 'no data'."""

    indicator: str
    basis: str
    entity: str | None
    values: pd.Series  # by year
    estimate: pd.Series  # bool by year
    counts: pd.Series | None  # economies behind each median
    source_ids: tuple[str, ...]
    vintage: str


@dataclass(frozen=True)
class TargetBadge:
    target_id: str
    label: str
    display: str  # '>= 100 by 2030'
    status: str
    colour: str
    entity: str
    entity_name: str
    value_text: str
    year: int | None
    value_source: str
    confirmed: bool
    source_text: str
    note: str


@dataclass(frozen=True)
class IndicatorSummary:
    code: str
    name: str
    short_name: str
    basis: str
    latest_year: int | None
    latest_value: float
    latest_text: str
    baseline_year: int | None
    change: float
    change_text: str
    baseline_substituted: bool
    trend: str | None  # 'up' | 'down' | 'flat'
    arrow: str
    trend_text: str  # 'improving' | 'worsening' | 'no change' | 'rising' | ...
    targets: tuple[TargetBadge, ...]
    coverage_text: str
    source: str
    vintage: str
    estimate: bool
    sdg: str | None


@dataclass(frozen=True)
class AreaSummary:
    area: Area
    action_lines: tuple[tuple[str, str], ...]  # (code, name)
    indicators: tuple[IndicatorSummary, ...]
    context: tuple[str, ...]  # short names of context indicators
    targets: tuple[TargetBadge, ...]
    unmeasured: tuple[UnmeasuredTarget, ...] = ()  # targets of the area no indicator measures


# --- series and coverage ---------------------------------------------------------------------
def _economy_codes(snapshot: Snapshot) -> list[str]:
    ent = snapshot.entities
    return ent.loc[ent["kind"] == "economy", "code"].astype(str).tolist()


def world_series(snapshot: Snapshot, catalogue: Catalogue, *, indicator: str) -> WorldSeries:
    """The world's published series of `indicator` (World Bank, else ITU's estimate of the same
    code), else the median of economies in years where at least MEDIAN_MIN_SHARE of the best
    year's number of economies report."""
    pub = published_series(snapshot, catalogue, indicator=indicator, group="WLD")
    rows = snapshot.rows(indicator)
    if pub is not None:
        sel = rows[rows["economy"] == pub.entity]
        basis = "world" if pub.entity == "WLD" else "world (ITU estimate)"
        return WorldSeries(
            indicator, basis, pub.entity, pub.values, pub.estimate, None,
            tuple(sorted(set(sel["source"].astype(str)))),
            ", ".join(sorted(set(sel["vintage"].astype(str)))),
        )  # fmt: skip
    ind = catalogue.indicator(indicator)
    if ind.aggregation == "weighted_mean" and "WLD" in snapshot.group_index:
        agg = aggregate_groups(
            snapshot, catalogue, indicator=indicator, groups=[resolve_group(snapshot, "WLD")]
        )
        ok = agg[agg["status"] == "ok"].set_index("year")
        if len(ok):
            members = rows[rows["economy"].astype(str).isin(set(_economy_codes(snapshot)))]
            return WorldSeries(
                indicator, "world (computed)", "WLD", ok["value"].astype(float),
                pd.Series(False, index=ok.index), ok["reporting"].astype(int),
                tuple(sorted(set(members["source"].astype(str)))),
                ", ".join(sorted(set(members["vintage"].astype(str)))),
            )  # fmt: skip
    wide = snapshot.wide(indicator).reindex(_economy_codes(snapshot)).dropna(how="all")
    if wide.empty or ind.aggregation != "median":  # a median stands for the world only for
        empty = pd.Series(dtype=float)  # prices, which producers summarise by their median
        basis = "no data" if wide.empty else "no world value"
        return WorldSeries(indicator, basis, None, empty, empty.astype(bool), None, (), "")
    counts = wide.notna().sum(axis=0)
    years = counts.index[counts >= MEDIAN_MIN_SHARE * counts.max()]
    sel = rows[rows["economy"].astype(str).isin(set(wide.index)) & rows["year"].isin(years)]
    return WorldSeries(
        indicator,
        "median of economies",
        None,
        wide[years].median(axis=0).astype(float),
        pd.Series(False, index=years),
        counts[years].astype(int),
        tuple(sorted(set(sel["source"].astype(str)))),
        ", ".join(sorted(set(sel["vintage"].astype(str)))),
    )


def coverage_text(snapshot: Snapshot, *, indicator: str) -> str:
    """How many economies report in the latest year with economy data and what share of the
    world's population they hold; when that is under two-thirds, also the latest year in which
    they hold two-thirds (or, failing that, the best-covered year)."""
    wide = snapshot.wide(indicator).reindex(_economy_codes(snapshot))
    counts = wide.notna().sum(axis=0)
    counts = counts[counts > 0]
    if counts.empty:
        return "no economy values (published as ITU aggregates only)"
    pop = snapshot.wide("SP.POP.TOTL").reindex(index=wide.index, columns=counts.index)
    has = wide[counts.index].notna().to_numpy()
    people = np.nan_to_num(pop.to_numpy(dtype=float))
    with np.errstate(invalid="ignore", divide="ignore"):
        share = pd.Series((has * people).sum(axis=0) / people.sum(axis=0), index=counts.index)
    last = int(counts.index.max())

    def text(y: int) -> str:
        n = int(counts[y])
        return (
            f"{y}: {n} {'economy' if n == 1 else 'economies'} ({share[y]:.0%} of world population)"
        )

    if not share[last] < 2 / 3:
        return text(last)
    broad = share[share >= 2 / 3]
    most = counts[counts == counts.max()]
    other = int(broad.index.max()) if len(broad) else int(most.index.max())
    return text(last) if other == last else f"{text(last)}; {text(other)}"


# --- summaries -------------------------------------------------------------------------------
def _trend(ws: WorldSeries, ind: Indicator) -> tuple[str | None, str]:
    if len(ws.values) < 2:
        return None, "no trend"
    last = int(ws.values.index.max())
    wide = ws.values.to_frame().T
    row = progress_table(wide, baseline=last - TREND_YEARS, window=TREND_YEARS - 1).iloc[0]
    if row["status"] != STATUS_OK:
        return None, "no trend"
    if round(float(row["change"]), ind.decimals) == 0:
        return "flat", "no change"
    up = float(row["change"]) > 0
    if ind.higher_is_better is None:
        return ("up" if up else "down"), ("rising" if up else "falling")
    good = up == ind.higher_is_better
    return ("up" if up else "down"), ("improving" if good else "worsening")


def _badge(row: pd.Series, target: Target, ind: Indicator) -> TargetBadge:
    value = row["latest_value"]
    text = f"{value:.2f}" if target.metric == "gender_parity" else format_value(value, ind)
    year = None if pd.isna(row["latest_year"]) else int(row["latest_year"])
    return TargetBadge(
        target_id=target.id,
        label=target.label,
        display=target.display,
        status=str(row["status"]),
        colour=STATUS_COLOURS.get(str(row["status"]), TARGET_COLOUR),
        entity=str(row["entity"]),
        entity_name=str(row["entity_name"]),
        value_text=text,
        year=year,
        value_source=str(row["value_source"]),
        confirmed=target.confirmed,
        source_text=target.source_text,
        note=str(row["note"] or ""),
    )


def world_target_status(snapshot: Snapshot, catalogue: Catalogue) -> pd.DataFrame:
    """Every catalogue target assessed for the world (scope 'each') or its own group."""
    frame = target_status(snapshot, catalogue, entities=["WLD", "LMY", "LDC"])
    scope = frame["target_id"].map({t.id: t.scope for t in catalogue.targets()})
    keep = np.where(scope == "each", frame["entity"] == "WLD", frame["entity"] == scope)
    return frame[keep].reset_index(drop=True)


def _targets_of(catalogue: Catalogue, area_id: str) -> list[Target]:
    """Value targets of the area's indicators, and parity targets of indicators whose female
    breakdown the area measures."""
    measured = {i.code for i in catalogue.measures(area_id)}
    out = []
    for t in catalogue.targets():
        ind = catalogue.indicator(t.indicator)
        if (t.metric == "value" and t.indicator in measured) or (
            t.metric == "gender_parity" and ind.breakdown("female") in measured
        ):
            out.append(t)
    return out


def indicator_summary(
    snapshot: Snapshot,
    catalogue: Catalogue,
    *,
    indicator: str,
    status: pd.DataFrame,
    baseline: int = 2005,
) -> IndicatorSummary:
    """One indicator's world value, change since `baseline`, trend, value targets, coverage."""
    ind = catalogue.indicator(indicator)
    ws = world_series(snapshot, catalogue, indicator=indicator)
    latest_year, latest, by, change, subst = None, float("nan"), None, float("nan"), False
    change_text = "no change available"
    known = ws.values.dropna()
    last_year = int(known.index.max()) if len(known) else None
    if last_year is not None and baseline > last_year:  # a later baseline than the series
        latest_year, latest = last_year, float(known.loc[last_year])
        change_text = f"no change since {baseline}: the latest value is from {last_year}"
    elif len(ws.values):
        row = progress_table(ws.values.to_frame().T, baseline=baseline).iloc[0]
        latest_year, latest = int(row["latest_year"]), float(row["latest_value"])
        if row["status"] == STATUS_OK:
            by, change, subst = (
                int(row["baseline_year"]),
                float(row["change"]),
                bool(row["baseline_substituted"]),
            )
            change_text = f"{format_change(change, ind)} since {by}"
        else:  # the progress note says why: no value near the baseline, or none after it
            change_text = str(row["note"] or f"no value near {baseline}")
    trend, trend_text = _trend(ws, ind)
    badges = []
    for t in ind.targets:
        sel = status[status["target_id"] == t.id]
        if t.metric == "value" and len(sel):
            badges.append(_badge(sel.iloc[0], t, ind))
    basis = ws.basis
    if ws.counts is not None and latest_year is not None:
        basis += f" ({int(ws.counts[latest_year])} in {latest_year})"
    estimate = bool(ws.estimate.get(latest_year, False)) if latest_year else False
    return IndicatorSummary(
        code=indicator,
        name=ind.name,
        short_name=ind.short_name,
        basis=basis,
        latest_year=latest_year,
        latest_value=latest,
        latest_text=format_value(latest, ind),
        baseline_year=by,
        change=change,
        change_text=change_text,
        baseline_substituted=subst,
        trend=trend,
        arrow=ARROWS.get(trend or "", ""),
        trend_text=trend_text,
        targets=tuple(badges),
        coverage_text=coverage_text(snapshot, indicator=indicator),
        source=source_names(snapshot, ws.source_ids),
        vintage=ws.vintage,
        estimate=estimate,
        sdg=ind.sdg,
    )


def area_summaries(
    snapshot: Snapshot, catalogue: Catalogue, *, baseline: int = 2005
) -> list[AreaSummary]:
    """A summary of every challenge area, in the briefing note's order."""
    status = world_target_status(snapshot, catalogue)
    cache: dict[str, IndicatorSummary] = {}
    out = []
    for area in sorted(catalogue.areas, key=lambda a: a.number):
        inds = []
        for ind in catalogue.measures(area.id):
            if ind.code not in cache:
                cache[ind.code] = indicator_summary(
                    snapshot, catalogue, indicator=ind.code, status=status, baseline=baseline
                )
            inds.append(cache[ind.code])
        badges = []
        for t in _targets_of(catalogue, area.id):
            sel = status[status["target_id"] == t.id]
            if len(sel):
                badges.append(_badge(sel.iloc[0], t, catalogue.indicator(t.indicator)))
        out.append(
            AreaSummary(
                area=area,
                action_lines=tuple((c, catalogue.action_line(c)) for c in area.action_lines),
                indicators=tuple(inds),
                context=tuple(i.short_name for i in catalogue.context(area.id)),
                targets=tuple(badges),
                unmeasured=tuple(u for u in catalogue.unmeasured if u.area == area.id),
            )
        )
    return out
