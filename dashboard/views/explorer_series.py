"""The data behind the explorer's figures: widget choices, value formatting and series tables.

`series` returns the tidy values of one indicator for chosen entities: published values and, for
World Bank groups that publish no value of the indicator, aggregates computed here with the World
Bank rule (marked `value_source="computed"`, with their coverage in `note`). `progress_rows`
turns such a table into progress since a baseline with `indicators.progress.progress_table`, so
that substituted baselines are chosen the same way everywhere in the dashboard. Pure functions;
an indicator's published values, the same for every choice of entities, are memoised on the
snapshot (`published_values`), with where each entity's rows are (`published_index`), so that a
new view takes its rows in one step.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pandas as pd

from dashboard.formatting import entity_labels
from dashboard.theme import ENTITY_COLOURS, SERIES_COLOURS
from indicators.analytics.aggregates import aggregate_groups
from indicators.analytics.groups import resolve_group
from indicators.analytics.progress import progress_table
from indicators.analytics.reporting import mark_estimates
from indicators.catalogue import Catalogue, Indicator
from indicators.rules import BASELINE_WINDOW
from indicators.store.snapshot import PROJECT_ROOT, Snapshot

WINDOW = BASELINE_WINDOW  # years searched on each side of a missing baseline (one rule)
TOPOJSON = PROJECT_ROOT / "static" / "topojson" / "world_110m.json"
# The finer shapes of the same package: their centres place the small states as points.
TOPOJSON_FINE = PROJECT_ROOT / "static" / "topojson" / "world_50m.json"
KIND_LABEL = {"wb_aggregate": "WB aggregate", "itu_aggregate": "ITU aggregate"}
SERIES_COLUMNS = (
    "entity",
    "entity_name",
    "indicator",
    "year",
    "value",
    "estimate",
    "value_source",
    "source",
    "vintage",
    "note",
)


# --- choices for the widgets ---------------------------------------------------------------------


def indicator_choices(catalogue: Catalogue) -> dict[str, str]:
    """Indicator code -> 'Area > short name', ordered by challenge area (each indicator once)."""
    out: dict[str, str] = {}
    for area in catalogue.areas:
        for ind in (*catalogue.measures(area.id), *catalogue.context(area.id)):
            out.setdefault(ind.code, f"{area.name} › {ind.short_name}")
    for ind in catalogue.indicators:  # indicators attached to no area come last
        out.setdefault(ind.code, f"Other › {ind.short_name}")
    return out


def entity_choices(snapshot: Snapshot) -> dict[str, str]:
    """Entity code -> label; groups first (World Bank groups, then ITU aggregates), then economies.

    Groups are labelled as such so that 'World (World Bank group)' and 'World (ITU aggregate)'
    are never confused.
    """
    ent = snapshot.entities
    first = {"WLD": 0, "HIC": 1, "UMC": 2, "LMC": 3, "LIC": 4, "LMY": 5, "LDC": 6}
    rank = {"wb_aggregate": 0, "itu_aggregate": 1, "economy": 2}
    frame = pd.DataFrame(
        {
            "code": ent["code"].astype(str),
            "name": ent["name"].astype(str),
            "kind": ent["kind"].astype(str),
        }
    )
    frame["k"] = frame["kind"].map(rank)
    frame["f"] = frame["code"].str.removeprefix("ITU_").map(first).fillna(99)
    frame = frame.sort_values(["k", "f", "name"])
    return {
        code: f"{name} ({KIND_LABEL[kind]})" if kind in KIND_LABEL else name
        for code, name, kind in zip(frame["code"], frame["name"], frame["kind"], strict=True)
    }


def entity_colours(codes: Sequence[str]) -> dict[str, str]:
    """A colour per entity: the fixed colour of well-known groups, then unused series colours.

    Unlike picking the i-th series colour, no two entities of one chart share a colour (up to
    the size of the palette).
    """
    fixed = {c: ENTITY_COLOURS[c] for c in codes if c in ENTITY_COLOURS}
    free = [c for c in SERIES_COLOURS if c not in set(fixed.values())] or list(SERIES_COLOURS)
    out: dict[str, str] = {}
    for code in codes:
        out[code] = fixed.get(code) or free[sum(c not in fixed for c in out) % len(free)]
    return out


# --- formatting ----------------------------------------------------------------------------------


def fmt_value(value: float, ind: Indicator, *, signed: bool = False) -> str:
    """A value with its unit, e.g. '73.6%', '20.1 per 100', 'US$12.40', '+58.0 points'."""
    if value is None or pd.isna(value):
        return "no value"
    sign = "+" if signed and value > 0 else ""
    number = f"{sign}{value:,.{ind.decimals}f}"
    unit = ind.short_unit
    if signed and unit in ("%", "% GNI p.c."):
        return f"{number} points"
    if unit == "%":
        return f"{number}%"
    if unit in ("US$", "PPP$"):
        return f"{sign}{unit}{abs(value):,.{ind.decimals}f}" if signed else f"{unit}{number}"
    return f"{number} {unit}"


def fmt_relative(value: float) -> str:
    return "no value" if pd.isna(value) else f"{value:+,.0%}"


# --- the shared series table ---------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    """The tidy values of one indicator for chosen entities, with what could not be shown."""

    indicator: Indicator
    data: pd.DataFrame  # SERIES_COLUMNS
    missing: tuple[str, ...]  # chosen entities without any value in the years asked
    notes: tuple[str, ...]  # plain sentences for the page (why something is missing, ...)


def _published(
    snapshot: Snapshot,
    code: str,
    entities: Sequence[str],
    start: int | None = None,
    end: int | None = None,
) -> pd.DataFrame:
    """The published values of `code` for `entities` within [start, end], taken from
    `published_values` in one step: each entity's rows in the order of `entities`, by year."""
    index = published_index(snapshot, code)
    rows = index.rows_of(entities)
    if not rows.size:  # none: the empty table as it was always made, with its own types
        return published_table(snapshot, code, snapshot.rows(code).iloc[0:0])
    return index.table.take(index.within(rows, start, end))


def _published_series(
    snapshot: Snapshot,
    code: str,
    entities: Sequence[str],
    names: dict[str, str],
    start: int | None,
    end: int | None,
) -> pd.DataFrame:
    """A series table (SERIES_COLUMNS, entity by entity in the order of `entities`, by year)
    of published values alone: taken from the memoised named table when there is one."""
    index = published_index(snapshot, code)
    rows = index.rows_of(entities)
    if rows.size and index.named is not None:
        return index.named.take(index.within(rows, start, end))
    data = _published(snapshot, code, entities, start, end)
    return data.assign(entity_name=data["entity"].map(names))[list(SERIES_COLUMNS)]


def within_years(years: np.ndarray, start: int | None, end: int | None) -> np.ndarray:
    """Which of `years` lie within [start, end] (None: no bound), as a boolean mask."""
    keep = np.ones(len(years), dtype=bool)
    if start is not None:
        keep &= years >= start
    if end is not None:
        keep &= years <= end
    return keep


@dataclass(frozen=True)
class PublishedIndex:
    """An indicator's published values (`published_values`) with where each entity's rows are,
    so that a view takes its rows in one step instead of searching and sorting the table."""

    table: pd.DataFrame  # published_values (never changed)
    # the same rows in the series' columns, named (`entity_labels`); None when an entity has
    # no name (its rows then get their names, or lack of one, as they are taken)
    named: pd.DataFrame | None
    years: np.ndarray  # the table's years, read-only
    positions: Mapping[str, np.ndarray]  # entity -> positions of its rows by year, read-only

    def rows_of(self, entities: Sequence[str]) -> np.ndarray:
        """Positions of the rows of `entities` (each once), entity by entity, each by year."""
        parts = [self.positions[e] for e in dict.fromkeys(entities) if e in self.positions]
        return np.concatenate(parts) if parts else np.empty(0, dtype=np.intp)

    def within(self, rows: np.ndarray, start: int | None, end: int | None) -> np.ndarray:
        """Those of `rows` whose year lies within [start, end] (None: no bound)."""
        return rows[within_years(self.years[rows], start, end)]


def published_index(snapshot: Snapshot, indicator: str) -> PublishedIndex:
    """`published_values` of one indicator with each entity's row positions, memoised per
    snapshot: one stable sort of the table by entity and year, then a slice per entity."""

    def build() -> PublishedIndex:
        table = published_values(snapshot, indicator)
        names = table["entity"].map(entity_labels(snapshot))
        named = table.assign(entity_name=names)[list(SERIES_COLUMNS)]
        years = table["year"].to_numpy(dtype="int64", copy=True)
        codes, entities = pd.factorize(table["entity"])
        order = np.lexsort((years, codes))
        bounds = np.searchsorted(codes[order], np.arange(len(entities) + 1))
        positions = {
            str(entity): _read_only(order[bounds[i] : bounds[i + 1]])
            for i, entity in enumerate(entities)
        }
        return PublishedIndex(
            table=table,
            named=None if names.isna().any() else named,
            years=_read_only(years),
            positions=MappingProxyType(positions),
        )

    return snapshot.memo(("explorer_published_index", indicator), build)


def _read_only(values: np.ndarray) -> np.ndarray:
    """`values` made read-only (memoised arrays are shared by every visitor)."""
    values.flags.writeable = False
    return values


def published_values(snapshot: Snapshot, indicator: str) -> pd.DataFrame:
    """Every published value of one indicator (`published_table`), memoised per snapshot:
    they are the same whichever entities a view shows, so a new choice of entities selects
    from them instead of computing them again (the whole catalogue's take 3 MB). The memoised
    table is never changed: `series` builds new tables from it."""
    return snapshot.memo(
        ("explorer_published", indicator),
        lambda: published_table(snapshot, indicator, snapshot.rows(indicator)),
    )


def published_table(snapshot: Snapshot, code: str, rows: pd.DataFrame) -> pd.DataFrame:
    """Observation rows of indicator `code` in the series' columns (no entity_name), thinly
    reported group values marked (`with_reporting`), row by row: the rows of some entities
    built alone are those rows of the whole table."""
    out = pd.DataFrame(
        {
            "entity": rows["economy"].astype(str).to_numpy(),
            "indicator": code,
            "year": rows["year"].astype(int).to_numpy(),
            "value": rows["value"].to_numpy(dtype="float64"),
            "estimate": rows["estimate"].astype(bool).to_numpy(),
            "value_source": "published",
            "source": rows["source"].astype(str).to_numpy(),
            "vintage": rows["vintage"].astype(str).to_numpy(),
            "note": rows["note"].astype(str).fillna("").to_numpy(),
        }
    )
    out["note"] = out["note"].replace({"nan": "", "None": ""})
    return with_reporting(snapshot, out, indicator=code)


def with_reporting(snapshot: Snapshot, frame: pd.DataFrame, *, indicator: str) -> pd.DataFrame:
    """Group values that most members did not report marked as estimates, the number of
    reporting members added to their note (the project's one estimate rule)."""
    marked = mark_estimates(snapshot, frame, indicator=indicator)
    thin = marked["estimate"] & ~frame["estimate"].astype(bool) & (marked["reported"] != "")
    marked["note"] = [
        "; ".join(x for x in (n, f"estimate: {r}") if x) if t else n
        for n, r, t in zip(marked["note"], marked["reported"], thin, strict=True)
    ]
    return marked.drop(columns="reported")


def _computed(
    snapshot: Snapshot, catalogue: Catalogue, ind: Indicator, groups: Sequence[str]
) -> pd.DataFrame:
    """World Bank-rule aggregates of groups that publish no value of the indicator."""
    resolved = [resolve_group(snapshot, g) for g in groups]
    agg = aggregate_groups(snapshot, catalogue, indicator=ind.code, groups=resolved)
    agg = agg[agg["status"] == "ok"]
    members = snapshot.rows(ind.code)
    src = members["source"].astype(str).mode()
    vin = members["vintage"].astype(str).mode()
    return pd.DataFrame(
        {
            "entity": agg["group"].astype(str).to_numpy(),
            "indicator": ind.code,
            "year": agg["year"].astype(int).to_numpy(),
            "value": agg["value"].to_numpy(dtype="float64"),
            "estimate": False,
            "value_source": "computed",
            "source": src.iloc[0] if len(src) else "derived",
            "vintage": vin.iloc[0] if len(vin) else "",
            "note": [
                f"computed here from {r} of {m} economies ({c:.0%} of the population base)"
                for r, m, c in zip(agg["reporting"], agg["members"], agg["coverage"], strict=True)
            ],
        }
    )


def series(
    snapshot: Snapshot,
    catalogue: Catalogue,
    *,
    indicator: str,
    entities: Sequence[str] | None,
    start: int | None = None,
    end: int | None = None,
) -> Series:
    """Values of `indicator` for `entities` (None: every economy) within [start, end].

    World Bank groups without a published value get a computed aggregate where the indicator
    has a population base; entities still without a value are listed in `missing` and
    explained in `notes`.
    """
    ind = catalogue.indicator(indicator)
    names = entity_labels(snapshot)
    if entities is None:
        econ = snapshot.entities.loc[snapshot.entities["kind"] == "economy", "code"]
        chosen = econ.astype(str).tolist()
    else:
        chosen = list(dict.fromkeys(entities))
    notes: list[str] = []
    kinds = snapshot.entity_index["kind"].astype(str)
    unpublished = [e for e in chosen if kinds.get(e) == "wb_aggregate"]
    present = set(published_index(snapshot, ind.code).positions)
    unpublished = [g for g in unpublished if g not in present]
    groups = group_set(snapshot)
    computable = [g for g in unpublished if g in groups] if ind.aggregation != "none" else []
    if unpublished and ind.aggregation == "none":
        notes.append(
            f"{ind.short_name} has no population base, so no aggregate can be computed for "
            f"{names_of(unpublished, names)}; only published values are shown."
        )
    if computable:  # computed rows join the published ones: select the years, then order
        computed = _computed(snapshot, catalogue, ind, computable)
        data = pd.concat([_published(snapshot, ind.code, chosen), computed])
        data = data[within_years(data["year"].to_numpy(), start, end)]
        order = {e: i for i, e in enumerate(chosen)}
        data = data.assign(entity_name=data["entity"].map(names), _o=data["entity"].map(order))
        data = data.sort_values(["_o", "year"]).drop(columns="_o")
        data = data[list(SERIES_COLUMNS)]
    else:  # the published rows alone, taken in order for the years asked
        data = _published_series(snapshot, ind.code, chosen, names, start, end)
    data = data.reset_index(drop=True)
    present = set(data["entity"].unique())
    missing = tuple(e for e in chosen if e not in present)
    if missing and entities is not None:
        notes.append(_missing_note(snapshot, ind, missing, names, start, end))
    return Series(indicator=ind, data=data, missing=missing, notes=tuple(notes))


def group_set(snapshot: Snapshot) -> frozenset[str]:
    """Codes of the groups whose members the snapshot lists (memoised per snapshot)."""
    return snapshot.memo(
        ("explorer_groups",), lambda: frozenset(snapshot.memberships["group"].astype(str))
    )


def names_of(codes: Sequence[str], names: dict[str, str], limit: int = 8) -> str:
    """Display names of codes, at most `limit` of them and a count of the rest."""
    shown = [names.get(c, c) for c in codes[:limit]]
    more = f" and {len(codes) - limit} more" if len(codes) > limit else ""
    return ", ".join(shown) + more


def _missing_note(
    snapshot: Snapshot,
    ind: Indicator,
    missing: Sequence[str],
    names: dict[str, str],
    start: int | None,
    end: int | None,
) -> str:
    """Say which entities have no value and where this indicator does have values."""
    span = f" in {start}-{end}" if start is not None and end is not None else ""
    text = f"No values of {ind.short_name}{span} for {names_of(missing, names)}."
    has = snapshot.rows(ind.code)["economy"].astype(str).unique()
    kinds = snapshot.entity_index["kind"].astype(str).reindex(has).value_counts()
    if len(has) == 0:
        return text + " This indicator has no values in this snapshot."
    if kinds.get("economy", 0) == 0:
        text += f" This series is published for aggregates only: {names_of(sorted(has), names)}."
    elif any(snapshot.entity_index["kind"].get(m) == "itu_aggregate" for m in missing):
        text += " ITU aggregates publish ITU series (those marked 'ITU' in the indicator list)."
    return text


# --- progress (slope, ranking, map) ----------------------------------------------------------


def progress_rows(data: pd.DataFrame, *, baseline: int, latest: int | None) -> pd.DataFrame:
    """Progress since `baseline` per entity of a series table, with the provenance of both ends.

    The columns of `progress_table` plus entity_name, value_source and source, vintage and
    estimate of the baseline (`baseline_*`) and latest values.
    """
    if data.empty:
        return pd.DataFrame()
    wide = data.pivot(index="entity", columns="year", values="value")
    entities = list(dict.fromkeys(data["entity"]))
    out = progress_table(wide.reindex(entities), baseline=baseline, window=WINDOW, latest=latest)
    keyed = data.set_index(["entity", "year"])
    for end, year_col in (("baseline", "baseline_year"), ("latest", "latest_year")):
        key = pd.MultiIndex.from_arrays([out["entity"], out[year_col].fillna(-1).astype(int)])
        found = keyed.reindex(key)
        prefix = "" if end == "latest" else "baseline_"
        out[f"{prefix}source"] = found["source"].to_numpy()
        out[f"{prefix}vintage"] = found["vintage"].to_numpy()
        out[f"{prefix}estimate"] = found["estimate"].fillna(False).astype(bool).to_numpy()
    names = data.drop_duplicates("entity").set_index("entity")
    out.insert(1, "entity_name", out["entity"].map(names["entity_name"]))
    out["value_source"] = out["entity"].map(names["value_source"])
    return out


# --- map -----------------------------------------------------------------------------------------


@cache
def map_codes(path: Path = TOPOJSON) -> frozenset[str]:
    """ISO-3 codes that have a shape in the bundled world map (read once)."""
    try:
        topo = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return frozenset()
    geoms = topo.get("objects", {}).get("countries", {}).get("geometries", [])
    return frozenset(str(g["id"]) for g in geoms if g.get("id"))


@cache
def map_points(path: Path = TOPOJSON_FINE) -> dict[str, tuple[float, float]]:
    """(longitude, latitude) of each economy's centre, as the bundled finer shapes give it ("ct").

    The coarse map drops small states; their centres from the finer file let the map draw them
    as points. Read once; an unreadable file gives no points (the map names what it leaves out).
    """
    try:
        topo = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    geoms = topo.get("objects", {}).get("countries", {}).get("geometries", [])
    return {
        str(g["id"]): (float(g["properties"]["ct"][0]), float(g["properties"]["ct"][1]))
        for g in geoms
        if g.get("id") and len(g.get("properties", {}).get("ct", ())) == 2
    }


def map_years(snapshot: Snapshot, indicator: str) -> list[int]:
    """Years in which at least one economy has a value of the indicator."""
    rows = snapshot.rows(indicator)
    econ = snapshot.entity_index["kind"].astype(str)
    is_econ = rows["economy"].astype(str).map(econ).eq("economy").to_numpy()
    return sorted(int(y) for y in rows.loc[is_econ, "year"].unique())


def default_map_year(snapshot: Snapshot, indicator: str) -> int | None:
    """The latest year in which at least half as many economies report as in the best year."""
    rows = snapshot.rows(indicator)
    econ = snapshot.entity_index["kind"].astype(str)
    years = rows.loc[rows["economy"].astype(str).map(econ).eq("economy").to_numpy(), "year"]
    counts = years.value_counts()
    if counts.empty:
        return None
    return int(counts[counts >= counts.max() / 2].index.max())
