"""Target status of the world, economies and groups for every catalogue target.

For each UMC 2030 and Broadband Commission 2025 target of the catalogue and each entity in its
scope, the latest value is assessed by `indicators.pace` (distance, required and observed pace,
projected year, status). Group values are published ones when the snapshot has them (a World
Bank aggregate row, else the ITU aggregate for the same concept, e.g. ITU_WLD for the world by
sex, vintage 2024-11); other groups (e.g. LMY) are computed with `indicators.aggregates` and show
their coverage. For a gender-parity target the value is the parity score female rate / male rate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from indicators.analytics.aggregates import WB_MIN_COVERAGE, aggregate_groups, itu_counterpart
from indicators.analytics.groups import economies, resolve_group
from indicators.analytics.pace import (
    ASSESS_COLUMNS,
    DEFAULT_WINDOW,
    MOVING_AWAY,
    NO_DATA,
    OFF_TRACK,
    ON_TRACK,
    PACE_TOLERANCE,
    STAGNATING,
    assess_arrays,
)
from indicators.analytics.progress import (
    ObservationLookup,
    entity_codes,
    join_notes,
    stack_wide,
)
from indicators.analytics.reporting import reporting
from indicators.catalogue import Catalogue, Target
from indicators.errors import AnalysisError, UnknownCodeError
from indicators.store.snapshot import Snapshot

STATUS_COLUMNS = (
    "target_id",
    "indicator",
    "metric",
    "entity",
    "entity_name",
    "entity_kind",
    *ASSESS_COLUMNS[:-1],
    "value_source",
    "coverage",
    "source",
    "vintage",
    "note",
)


# --- value series of economies and groups ---------------------------------------------------------


@dataclass(frozen=True)
class _Series:
    """One entity's yearly values for a target, with where they come from."""

    values: pd.Series  # indexed by year
    kind: str  # "published", "computed" or "none"
    pairs: tuple[tuple[str, str], ...] = ()  # (entity, indicator) rows behind a published value
    members: tuple[str, ...] = ()  # members behind a computed value
    codes: tuple[str, ...] = ()
    coverage: pd.Series | None = None  # share of the weight reporting, per year (computed)
    reporting: pd.Series | None = None  # members reporting, per year (computed)
    note: str = ""


def _metric_codes(catalogue: Catalogue, target: Target) -> tuple[str, ...]:
    if target.metric == "value":
        return (target.indicator,)
    ind = catalogue.indicator(target.indicator)
    female, male = ind.breakdown("female"), ind.breakdown("male")
    if female is None or male is None:
        raise AnalysisError(f"{target.id}: {ind.code} declares no female/male breakdowns")
    return (female, male)


def _combine(parts: list[pd.Series]) -> pd.Series:
    """The value itself, or female / male for a parity target (NaN where either is missing)."""
    if len(parts) == 1:
        return parts[0]
    female, male = parts
    return (female / male.where(male != 0)).dropna()


def _published(
    snapshot: Snapshot, catalogue: Catalogue, entity: str, code: str
) -> tuple[str, str] | None:
    """(entity, code) of a published aggregate of `code`'s concept for `entity`, or None."""
    if entity in snapshot.wide(code).index:
        return entity, code
    same = [i.code for i in catalogue.indicators if i.same_concept_as == code]
    for other in same:
        if entity in snapshot.wide(other).index:
            return entity, other
    if snapshot.entity_index["kind"].get(entity) == "wb_aggregate":
        return itu_counterpart(catalogue, snapshot, indicator=code, group=entity)
    return None


def _group_series(
    snapshot: Snapshot, catalogue: Catalogue, entity: str, codes: tuple[str, ...]
) -> _Series:
    """A group's values: published (World Bank row, else ITU aggregate), else computed."""
    found = [_published(snapshot, catalogue, entity, code) for code in codes]
    if all(f is not None for f in found):
        pairs = tuple(f for f in found if f is not None)
        parts = [snapshot.wide(c).loc[e].dropna() for e, c in pairs]
        note = ""
        if any(pair != (entity, code) for pair, code in zip(pairs, codes, strict=True)):
            note = (
                f"published aggregate {pairs[0][0]} ({' / '.join(c for _, c in pairs)}, vintage "
                f"{{vintage}}) used for {entity}: the snapshot has no {entity} value of "
                f"{' / '.join(codes)}"
            )
        return _Series(values=_combine(parts), kind="published", pairs=pairs, note=note)
    try:
        group = resolve_group(snapshot, entity)
    except (UnknownCodeError, AnalysisError):
        empty = pd.Series(dtype="float64")
        return _Series(empty, "none", note=f"no published value and no members known for {entity}")
    parts, covers, reporting, weights = [], [], [], []
    for code in codes:
        try:
            agg = aggregate_groups(snapshot, catalogue, indicator=code, groups=[group])
        except AnalysisError as exc:
            return _Series(pd.Series(dtype="float64"), "none", note=str(exc))
        agg = agg.set_index("year")
        parts.append(agg["value"].dropna())
        covers.append(agg["coverage"].where(agg["status"] == "ok"))
        reporting.append(agg["reporting"])
        ind = catalogue.indicator(code)
        if ind.aggregation == "median":
            weights.append(f"the median economy (coverage measured by {ind.weight})")
        else:
            weights.append(f"weighted by {ind.weight}" if ind.weight else "a simple sum")
    note = (
        f"computed for {group.label} from its {group.size} members, {' / '.join(weights)} "
        f"(World Bank rule: no value in years where reporting members hold less than "
        f"{WB_MIN_COVERAGE:.0%} of the weight)"
    )
    return _Series(
        values=_combine(parts),
        kind="computed",
        members=group.members,
        codes=tuple(codes),
        coverage=pd.concat(covers, axis=1).min(axis=1, skipna=False),
        reporting=pd.concat(reporting, axis=1).min(axis=1),
        note=note,
    )


def _economy_matrix(
    snapshot: Snapshot, econ: list[str], codes: tuple[str, ...]
) -> list[pd.DataFrame]:
    """Economy x year values of the metric (the indicator, or female / male rates)."""
    frames = [snapshot.wide(code).reindex(econ) for code in codes]
    if len(frames) == 1:
        return frames
    female, male = frames
    male = male.reindex(columns=female.columns)
    return [female / male.where(male != 0)]


# --- target_status ------------------------------------------------------------------------------


def _scope_entities(snapshot: Snapshot, target: Target, wanted: list[str] | None) -> list[str]:
    """Whom a target is assessed for: its scope group (and, with `members`, each member), or
    for scope 'each' the world and every economy; limited to `wanted` when given."""
    if target.scope != "each":
        scope = [target.scope]
        if target.members:
            scope += sorted(resolve_group(snapshot, target.scope).members)
        return scope if wanted is None else [e for e in wanted if e in set(scope)]
    if wanted is not None:
        return wanted
    world = ["WLD"] if "WLD" in snapshot.entity_index.index else []
    return world + sorted(economies(snapshot)["code"].astype(str))


def _provenance(
    lookup: ObservationLookup, pairs_by_row: list[tuple[tuple[str, str], ...]], years: np.ndarray
) -> tuple[list[str | None], list[str | None]]:
    """Source and vintage of the observation rows behind each value (joined when they differ)."""
    ents, inds, yrs, owner = [], [], [], []
    for row, (pairs, year) in enumerate(zip(pairs_by_row, years, strict=True)):
        for ent, code in pairs:
            ents.append(ent)
            inds.append(code)
            yrs.append(year)
            owner.append(row)
    pos = lookup.positions(np.asarray(ents, dtype=object), np.asarray(inds, dtype=object), yrs)
    src, vin = lookup.take("source", pos), lookup.take("vintage", pos)
    sources: list[set[str]] = [set() for _ in pairs_by_row]
    vintages: list[set[str]] = [set() for _ in pairs_by_row]
    for row, s, v in zip(owner, src, vin, strict=True):
        if s is not None:
            sources[row].add(str(s))
            vintages[row].add(str(v))
    return (
        [", ".join(sorted(s)) or None for s in sources],
        [", ".join(sorted(v)) or None for v in vintages],
    )


def _evaluate(
    snapshot: Snapshot,
    catalogue: Catalogue,
    lookup: ObservationLookup,
    target: Target,
    entities: list[str],
    window: int,
) -> pd.DataFrame:
    """Assess one target for the given entities, with value source, coverage and provenance."""
    codes = _metric_codes(catalogue, target)
    kinds = snapshot.entity_index["kind"].reindex(entities).astype(str).to_numpy(dtype=object)
    econ = [e for e, k in zip(entities, kinds, strict=True) if k == "economy"]
    groups = [e for e, k in zip(entities, kinds, strict=True) if k != "economy"]
    series = {g: _group_series(snapshot, catalogue, g, codes) for g in groups}
    blocks = _economy_matrix(snapshot, econ, codes)
    blocks += [s.values.to_frame(g).T for g, s in series.items()]
    years, values = stack_wide(blocks)
    order = econ + groups
    cols = assess_arrays(
        values,
        years,
        target,
        window=window,
        tolerance=PACE_TOLERANCE,
        due=target.year <= catalogue.review_year,
        newest_year=int(snapshot.observations["year"].max()),
    )
    found = ~cols["latest_year"].isna()
    ly = np.where(found, cols["latest_year"].to_numpy(dtype=np.int64, na_value=0), 0)
    pairs = [tuple((e, c) for c in codes) for e in econ]
    for s in series.values():
        pairs.append(s.pairs or tuple((m, c) for m in s.members for c in s.codes))
    source, vintage = _provenance(lookup, pairs, ly)
    value_source = ["published" if f else "no value" for f in found[: len(econ)]]
    coverage = [np.nan] * len(econ)
    extra = [""] * len(econ)
    for i, s in enumerate(series.values(), start=len(econ)):
        cov = np.nan
        if s.coverage is not None and found[i]:
            cov = float(s.coverage.get(ly[i], np.nan))
        coverage.append(cov)
        kind = {"computed": f"computed (coverage {cov:.0%})", "published": "published"}
        value_source.append(kind[s.kind] if found[i] and s.kind in kind else "no value")
        note = _series_note(s, found[i], int(ly[i]), vintage[i])
        if s.kind == "published" and found[i] and s.pairs:
            entity, code = s.pairs[0]
            behind = reporting(snapshot, indicator=code, entity=entity, year=int(ly[i]))
            if behind is not None and behind.thin:
                note = "; ".join(
                    x for x in (note, f"the {int(ly[i])} value is an estimate: {behind.text}") if x
                )
        shifted = _shifting_members(s, cols["pace_from_year"][i], cols["latest_year"][i])
        if shifted and cols["status"][i] in TREND_STATUSES:
            cols["status"][i] = NO_DATA
            note = "; ".join(x for x in (note, shifted) if x)
        extra.append(note)
    info = snapshot.entity_index.reindex(order)
    notes = np.asarray(extra, dtype=object)
    if target.proxy:
        notes = join_notes(notes, np.full(len(notes), target.proxy, dtype=object))
    cols["note"] = join_notes(cols["note"], notes)
    cols |= {
        "target_id": target.id,
        "indicator": target.indicator,
        "metric": target.metric,
        "entity": np.asarray(order, dtype=object),
        "entity_name": info["name"].to_numpy(dtype=object),
        "entity_kind": info["kind"].to_numpy(dtype=object),
        "value_source": value_source,
        "coverage": np.asarray(coverage, dtype="float64"),
        "source": source,
        "vintage": vintage,
    }
    frame = pd.DataFrame({name: cols[name] for name in STATUS_COLUMNS})
    where = {code: i for i, code in enumerate(order)}
    return frame.iloc[[where[e] for e in entities]].reset_index(drop=True)  # requested order


TREND_STATUSES = (ON_TRACK, OFF_TRACK, STAGNATING, MOVING_AWAY)  # statuses read from a pace
COVERAGE_SHIFT = 0.10  # coverage moving more than this within a pace window: members changed


def _shifting_members(series: _Series, start: Any, end: Any) -> str:
    """Why no trend is read from a computed group series whose reporting members change within
    the pace window (coverage moving by more than COVERAGE_SHIFT): members missing in some
    years are counted at the group's average, so the series jumps when a large one drops out
    or comes back; '' when the members are steady or the series is published."""
    if series.kind != "computed" or series.coverage is None or pd.isna(start) or pd.isna(end):
        return ""
    window = series.coverage.loc[int(start) : int(end)].dropna()
    if window.empty or window.max() - window.min() <= COVERAGE_SHIFT:
        return ""
    return (
        f"no trend read: the economies reporting changed between {int(start)} and {int(end)} "
        f"(coverage {window.min():.0%} to {window.max():.0%}), so the computed series moves with "
        "them"
    )


def _series_note(series: _Series, found: bool, year: int, vintage: str | None) -> str:
    """Where a group's value comes from, with the vintage or the members reporting."""
    if not found or series.kind == "none":
        return series.note
    if series.kind == "published":
        return series.note.format(vintage=vintage)
    assert series.reporting is not None
    return f"{series.note}; {int(series.reporting.get(year, 0))} members reporting in {year}"


def target_status(
    snapshot: Snapshot,
    catalogue: Catalogue,
    *,
    target_ids: Sequence[str] | None = None,
    entities: Sequence[str] | None = None,
    window: int = DEFAULT_WINDOW,
) -> pd.DataFrame:
    """Status of targets x entities: distance, paces, projected year, status and provenance.

    Defaults: every catalogue target; for scope 'each' the world (WLD) and every economy, for a
    group scope (WLD, LMY, LDC) that group. Given `entities`, scope-'each' targets are assessed
    for each of them (groups included) and a group-scope target only for its own group (an
    AnalysisError when targets were named explicitly and none of them applies). Columns:
    STATUS_COLUMNS. value_source is "published" (an economy's value or a World Bank / ITU
    aggregate row; for parity the female and male rates are published and their ratio is taken
    here), "computed (coverage x%)" (a group aggregate computed from its members, coverage of the
    latest year) or "no value". Raises UnknownCodeError for an unknown target or entity code.
    """
    if isinstance(target_ids, str):
        target_ids = [target_ids]
    targets = (
        list(catalogue.targets())
        if target_ids is None
        else [catalogue.target(t) for t in dict.fromkeys(target_ids)]
    )
    wanted = entity_codes(snapshot, entities)
    lookup = ObservationLookup(snapshot.observations)
    frames = []
    for target in targets:
        scope = _scope_entities(snapshot, target, wanted)
        if not scope:
            if target_ids is not None:
                raise AnalysisError(
                    f"target {target.id} applies to {target.scope} only, which is not among "
                    f"the entities requested ({', '.join(wanted or [])})"
                )
            continue
        frames.append(_evaluate(snapshot, catalogue, lookup, target, scope, window))
    if not frames:
        return pd.DataFrame(columns=list(STATUS_COLUMNS))
    return pd.concat(frames, ignore_index=True)


# --- economies meeting a target, and a summary for charts ----------------------------------------
