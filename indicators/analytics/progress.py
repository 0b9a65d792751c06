"""Progress since a baseline year ("since Tunis" = 2005), for economies and groups.

For each entity the baseline is the value of the requested year or, when that year is missing,
of the nearest year with a value within +/-`window` years, ties going to the EARLIER year (search
order b, b-1, b+1, b-2, b+2, ...). Every substituted baseline is flagged and explained in `note`;
no comparison silently uses other years. The latest value is the last year with a value (up to
`latest` when given). Changes are reported only when both exist and the latest year is after the
baseline year; otherwise the row says why (`status`) and every change column is NaN.

The core (`progress_table`) works on a wide entity x year table and is vectorised with numpy;
`progress` adds the indicator, the entity kind and the provenance (source, vintage, estimate flag)
of both values from the snapshot; `progress_of_aggregate` does the same for aggregates computed by
`indicators.aggregates.aggregate_groups`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from indicators.catalogue import Catalogue
from indicators.errors import AnalysisError, UnknownCodeError
from indicators.rules import BASELINE_WINDOW, baseline_search_order
from indicators.store.snapshot import Snapshot

STATUS_OK = "ok"
STATUS_NO_BASELINE = "no baseline within window"
STATUS_NO_DATA = "no data"
STATUS_NOT_AFTER = "latest not after baseline"
STATUSES = (STATUS_OK, STATUS_NO_BASELINE, STATUS_NO_DATA, STATUS_NOT_AFTER)

PROGRESS_COLUMNS = (
    "entity",
    "baseline_requested",
    "baseline_year",
    "baseline_value",
    "baseline_substituted",
    "latest_year",
    "latest_value",
    "years_apart",
    "change",
    "relative_change",
    "cagr",
    "change_per_year",
    "status",
    "note",
)
PROVENANCE_COLUMNS = (
    "source",
    "vintage",
    "latest_estimate",
    "baseline_source",
    "baseline_vintage",
    "baseline_estimate",
)


# --- vectorised building blocks (also used by indicators.targets) -----------------------------


def check_window(window: int) -> None:
    """A window is a whole, non-negative number of years."""
    if int(window) != window or window < 0:
        raise ValueError(f"window must be a whole number of years >= 0, not {window!r}")


def nearest_positions(
    has: np.ndarray,
    years: np.ndarray,
    wanted: np.ndarray | int,
    window: int,
    *,
    before: np.ndarray | None = None,
) -> np.ndarray:
    """Column of the year nearest to `wanted` (per row) that has a value, or -1.

    `has` is a rows x years boolean array, `years` strictly increasing integers. Only years
    within +/-`window` of the wanted year count; ties go to the earlier year. With `before`
    (per-row column positions) only columns strictly before it are eligible.
    """
    n_rows = has.shape[0]
    chosen = np.full(n_rows, -1, dtype=np.int64)
    if n_rows == 0 or len(years) == 0:
        return chosen
    first = int(years[0])
    col_of = np.full(int(years[-1]) - first + 1, -1, dtype=np.int64)
    col_of[np.asarray(years, dtype=np.int64) - first] = np.arange(len(years))
    want = np.broadcast_to(np.asarray(wanted, dtype=np.int64), (n_rows,))
    rows = np.arange(n_rows)
    for off in baseline_search_order(window):
        rel = want + off - first
        inside = (rel >= 0) & (rel < len(col_of))
        col = np.where(inside, col_of[np.clip(rel, 0, len(col_of) - 1)], -1)
        ok = (col >= 0) & (chosen < 0)
        ok &= has[rows, np.maximum(col, 0)]
        if before is not None:
            ok &= col < before
        chosen = np.where(ok, col, chosen)
    return chosen


def latest_positions(has: np.ndarray) -> np.ndarray:
    """Column of the last year with a value in each row, or -1 for an empty row."""
    if has.shape[1] == 0:
        return np.full(has.shape[0], -1, dtype=np.int64)
    last = has.shape[1] - 1 - np.argmax(has[:, ::-1], axis=1)
    return np.where(has.any(axis=1), last, -1).astype(np.int64)


def pick(matrix: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """matrix[i, cols[i]] per row, NaN where cols[i] is -1."""
    if matrix.shape[1] == 0:
        return np.full(matrix.shape[0], np.nan)
    got = matrix[np.arange(matrix.shape[0]), np.maximum(cols, 0)]
    return np.where(cols >= 0, got, np.nan)


def int_array(values: np.ndarray, valid: np.ndarray) -> pd.arrays.IntegerArray:
    """A nullable integer column (years shown as 2005, not 2005.0; missing as <NA>)."""
    data = np.where(valid, values, 0).astype(np.int64)
    return pd.arrays.IntegerArray(data, ~np.asarray(valid, dtype=bool))


def stack_wide(blocks: Sequence[pd.DataFrame]) -> tuple[np.ndarray, np.ndarray]:
    """Stack entity x year tables (int year columns) into one array over the union of years."""
    years = np.asarray(sorted({int(y) for b in blocks for y in b.columns}), dtype=np.int64)
    values = np.full((sum(len(b) for b in blocks), len(years)), np.nan)
    start = 0
    for block in blocks:
        cols = np.searchsorted(years, np.asarray(block.columns, dtype=np.int64))
        values[start : start + len(block), cols] = block.to_numpy(dtype="float64", na_value=np.nan)
        start += len(block)
    return years, values


def last_year_with_data(has: np.ndarray, years: np.ndarray) -> int | None:
    cols = np.flatnonzero(has.any(axis=0))
    return int(years[cols[-1]]) if len(cols) else None


# --- the progress core ---------------------------------------------------------------------------


def _check_request(has: np.ndarray, years: np.ndarray, baseline: int, latest: int | None) -> None:
    if latest is not None and baseline > latest:
        raise AnalysisError(f"baseline {baseline} is after the latest year requested ({latest})")
    last = last_year_with_data(has, years)
    if last is not None and baseline > last:
        raise AnalysisError(
            f"baseline {baseline} is after the latest year with data ({last}); choose a baseline "
            f"of {last} or earlier"
        )


def _core(
    values: np.ndarray, years: np.ndarray, *, baseline: int, window: int, latest: int | None
) -> dict[str, np.ndarray]:
    """Every progress column except entity and note, as arrays (rows = entities)."""
    check_window(window)
    if latest is not None:
        keep = years <= latest
        values, years = values[:, keep], years[keep]
    has = ~np.isnan(values)
    _check_request(has, years, baseline, latest)
    li = latest_positions(has)
    bi = nearest_positions(has, years, baseline, window)
    ly = np.where(li >= 0, years[np.maximum(li, 0)] if len(years) else 0, 0)
    by = np.where(bi >= 0, years[np.maximum(bi, 0)] if len(years) else 0, 0)
    lv, bv = pick(values, li), pick(values, bi)
    status = np.full(len(li), STATUS_OK, dtype=object)
    status[li >= 0] = np.where(by[li >= 0] >= ly[li >= 0], STATUS_NOT_AFTER, STATUS_OK)
    status[bi < 0] = STATUS_NO_BASELINE
    status[li < 0] = STATUS_NO_DATA
    ok = status == STATUS_OK
    apart = np.where(ok, ly - by, 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        change = np.where(ok, lv - bv, np.nan)
        relative = np.where(ok & (bv != 0), change / bv, np.nan)
        cagr = np.where(
            ok & (bv > 0) & (lv >= 0), (lv / bv) ** (1.0 / np.maximum(apart, 1)) - 1.0, np.nan
        )
        per_year = np.where(ok, change / np.maximum(apart, 1), np.nan)
    return {
        "baseline_year": by,
        "baseline_found": bi >= 0,
        "baseline_col": bi,
        "baseline_value": bv,
        "latest_year": ly,
        "latest_found": li >= 0,
        "latest_col": li,
        "latest_value": lv,
        "years_apart": apart,
        "change": change,
        "relative_change": relative,
        "cagr": cagr,
        "change_per_year": per_year,
        "status": status,
        "ok": ok,
        "limit": np.asarray(latest if latest is not None else -1),
    }


def _notes(core: dict[str, np.ndarray], baseline: int, window: int) -> np.ndarray:
    """A sentence per row saying what was substituted or why no change is given."""
    notes = np.full(len(core["status"]), "", dtype=object)
    subst = core["baseline_found"] & (core["baseline_year"] != baseline)
    for i in np.flatnonzero(subst):
        notes[i] = (
            f"baseline {baseline} not available; {core['baseline_year'][i]} used "
            f"(nearest within ±{window} years)"
        )
    status = core["status"]
    for i in np.flatnonzero(status == STATUS_NO_BASELINE):
        notes[i] = (
            f"no value within {baseline - window}-{baseline + window} "
            f"(baseline {baseline} ± {window} years)"
        )
    for i in np.flatnonzero(status == STATUS_NOT_AFTER):
        sep = "; " if notes[i] else ""
        notes[i] += (
            f"{sep}latest value ({core['latest_year'][i]}) is not after the baseline year "
            f"({core['baseline_year'][i]})"
        )
    limit = int(core["limit"])
    notes[status == STATUS_NO_DATA] = f"no value up to {limit}" if limit >= 0 else "no value"
    return notes


def _frame(
    core: dict[str, np.ndarray],
    entities: np.ndarray,
    baseline: int,
    window: int,
    *,
    extra_notes: Sequence[np.ndarray] = (),
) -> pd.DataFrame:
    ok = core["ok"]
    notes = _notes(core, baseline, window)
    for more in extra_notes:
        notes = join_notes(notes, more)
    found_b, found_l = core["baseline_found"], core["latest_found"]
    return pd.DataFrame(
        {
            "entity": entities,
            "baseline_requested": np.full(len(entities), baseline, dtype=np.int64),
            "baseline_year": int_array(core["baseline_year"], found_b),
            "baseline_value": core["baseline_value"],
            "baseline_substituted": found_b & (core["baseline_year"] != baseline),
            "latest_year": int_array(core["latest_year"], found_l),
            "latest_value": core["latest_value"],
            "years_apart": int_array(core["years_apart"], ok),
            "change": core["change"],
            "relative_change": core["relative_change"],
            "cagr": core["cagr"],
            "change_per_year": core["change_per_year"],
            "status": core["status"],
            "note": notes,
        }
    )


def _year_columns(wide: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    try:
        years = np.asarray([int(c) for c in wide.columns], dtype=np.int64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"the columns of a wide table must be years ({exc})") from exc
    if len(set(years.tolist())) != len(years):
        raise ValueError("the columns of a wide table name a year twice")
    order = np.argsort(years, kind="stable")
    return wide.iloc[:, order], years[order]


def progress_table(
    wide: pd.DataFrame,
    *,
    baseline: int = 2005,
    window: int = BASELINE_WINDOW,
    latest: int | None = None,
) -> pd.DataFrame:
    """Progress from `baseline` to the latest year for every row of an entity x year table.

    Columns: entity, baseline_requested, baseline_year, baseline_value, baseline_substituted,
    latest_year, latest_value, years_apart, change (points, latest - baseline), relative_change
    (change / baseline; NaN when the baseline is 0), cagr ((latest / baseline) ** (1 / years) - 1;
    NaN when the baseline is <= 0), change_per_year, status (ok | no baseline within window |
    no data | latest not after baseline) and note. Change columns are NaN unless status is ok.

    Raises ValueError for a negative window and AnalysisError when the baseline is after the
    latest year with data (or after `latest`).
    """
    check_window(window)
    wide, years = _year_columns(wide)
    values = wide.to_numpy(dtype="float64", na_value=np.nan)
    core = _core(values, years, baseline=baseline, window=window, latest=latest)
    return _frame(core, wide.index.to_numpy(dtype=object), baseline, window)


# --- snapshot lookups ----------------------------------------------------------------------------


class ObservationLookup:
    """Row positions of (entity, indicator, year) keys in an observation table, vectorised.

    Built once per call from the categorical codes of the table (a few milliseconds), so that the
    provenance of thousands of values is read without a Python loop.
    """

    YEAR0, SPAN = 1900, 256

    def __init__(self, observations: pd.DataFrame) -> None:
        self.obs = observations
        self._eco = pd.Categorical(observations["economy"])
        self._ind = pd.Categorical(observations["indicator"])
        eco = self._eco.codes.astype(np.int64)
        ind = self._ind.codes.astype(np.int64)
        year = observations["year"].to_numpy(dtype=np.int64)
        self._n_eco = len(self._eco.categories)
        keys = (ind * self._n_eco + eco) * self.SPAN + (year - self.YEAR0)
        self._index = pd.Index(keys)

    def positions(
        self, entities: np.ndarray, indicators: np.ndarray, years: np.ndarray | Sequence[int]
    ) -> np.ndarray:
        """Row positions (or -1) of each (entity, indicator, year); arrays of equal length."""
        eco = self._eco.categories.get_indexer(pd.Index(entities, dtype=object))
        ind = self._ind.categories.get_indexer(pd.Index(indicators, dtype=object))
        years = np.asarray(years, dtype=np.int64)
        valid = (eco >= 0) & (ind >= 0) & (years >= self.YEAR0) & (years < self.YEAR0 + self.SPAN)
        keys = (ind.astype(np.int64) * self._n_eco + eco) * self.SPAN + (years - self.YEAR0)
        pos = self._index.get_indexer(keys)
        return np.where(valid, pos, -1)

    def take(self, column: str, pos: np.ndarray) -> np.ndarray:
        """Values of `column` at row positions (None where the position is -1)."""
        col = self.obs[column]
        if isinstance(col.dtype, pd.CategoricalDtype):
            codes = col.cat.codes.to_numpy()[np.maximum(pos, 0)]
            cats = col.cat.categories.to_numpy(dtype=object)
            got = np.where(codes >= 0, cats[np.maximum(codes, 0)], None)
        else:
            if not len(col):
                return np.full(len(pos), None, dtype=object)
            got = col.to_numpy(dtype=object)[np.maximum(pos, 0)]
        out: np.ndarray = np.where(pos >= 0, got, np.array(None, dtype=object))
        return out

    def flag(self, column: str, pos: np.ndarray) -> pd.arrays.BooleanArray:
        """A nullable boolean column (estimate flags), <NA> where the position is -1."""
        if not len(self.obs):
            return pd.arrays.BooleanArray(np.zeros(len(pos), dtype=bool), np.ones(len(pos), bool))
        raw = self.obs[column].to_numpy(dtype=bool)[np.maximum(pos, 0)]
        return pd.arrays.BooleanArray(raw, pos < 0)


def entity_codes(snapshot: Snapshot, entities: Sequence[str] | None) -> list[str] | None:
    """Check requested entity codes against the snapshot's entities (UnknownCodeError)."""
    if entities is None:
        return None
    if isinstance(entities, str):
        entities = [entities]
    known = set(snapshot.entities["code"].astype(str))
    for code in entities:
        if code not in known:
            raise UnknownCodeError("entity", code, known=sorted(known))
    return list(dict.fromkeys(entities))


def _indicator_codes(
    snapshot: Snapshot, catalogue: Catalogue, indicators: Sequence[str] | None
) -> list[str]:
    if indicators is None:
        return [c for c in catalogue.codes if len(snapshot.rows(c))]
    if isinstance(indicators, str):
        indicators = [indicators]
    for code in indicators:
        catalogue.indicator(code)  # UnknownCodeError for a code not in the catalogue
        if not len(snapshot.rows(code)):
            raise AnalysisError(f"indicator {code} has no observations in snapshot {snapshot.id}")
    return list(dict.fromkeys(indicators))


def _no_published_note(kinds: np.ndarray, status: np.ndarray) -> np.ndarray:
    """Where an aggregate has no published value, point to the computed alternative."""
    agg = (kinds != "economy") & (status == STATUS_NO_DATA)
    return np.where(
        agg,
        "no published value for this aggregate; compute one with progress_of_aggregate",
        "",
    )


def progress(
    snapshot: Snapshot,
    catalogue: Catalogue,
    *,
    indicators: Sequence[str] | None = None,
    entities: Sequence[str] | None = None,
    baseline: int = 2005,
    window: int = BASELINE_WINDOW,
    latest: int | None = None,
) -> pd.DataFrame:
    """Progress since `baseline` for indicators x entities of a snapshot, with provenance.

    Defaults: every catalogue indicator present in the snapshot, every entity with a value
    (economies, World Bank aggregates, ITU aggregates: published values only). Requested entities
    without a value get a row with status "no data". Columns: indicator, entity, entity_name,
    entity_kind, the columns of `progress_table`, then source, vintage and latest_estimate of the
    latest value and baseline_source, baseline_vintage, baseline_estimate of the baseline value.
    When the two values come from different vintages the note says so.

    Raises UnknownCodeError for an unknown indicator or entity, AnalysisError for an indicator
    without observations or a baseline after the latest year with data, ValueError for window < 0.
    """
    check_window(window)
    codes = _indicator_codes(snapshot, catalogue, indicators)
    wanted = entity_codes(snapshot, entities)
    blocks = [snapshot.wide(code) for code in codes]
    if wanted is not None:
        blocks = [b.reindex(wanted) for b in blocks]
    years, values = stack_wide(blocks)
    ents = np.concatenate([b.index.to_numpy(dtype=object) for b in blocks] or [np.array([])])
    inds = np.repeat(np.asarray(codes, dtype=object), [len(b) for b in blocks])
    try:
        core = _core(values, years, baseline=baseline, window=window, latest=latest)
    except AnalysisError as exc:  # name the indicators the request was about
        named = ", ".join(codes[:3]) + (f" and {len(codes) - 3} more" if len(codes) > 3 else "")
        raise AnalysisError(f"{named}: {exc}") from exc
    info = snapshot.entity_index.reindex(pd.Index(ents, dtype=object))
    kinds = info["kind"].to_numpy(dtype=object)
    lookup = ObservationLookup(
        snapshot.rows(codes[0]) if len(codes) == 1 else snapshot.observations
    )
    lpos = np.where(core["latest_found"], lookup.positions(ents, inds, core["latest_year"]), -1)
    bpos = np.where(core["baseline_found"], lookup.positions(ents, inds, core["baseline_year"]), -1)
    prov = {
        "source": lookup.take("source", lpos),
        "vintage": lookup.take("vintage", lpos),
        "latest_estimate": lookup.flag("estimate", lpos),
        "baseline_source": lookup.take("source", bpos),
        "baseline_vintage": lookup.take("vintage", bpos),
        "baseline_estimate": lookup.flag("estimate", bpos),
    }
    extra = (
        _mixed_vintage_note(core["ok"], prov["baseline_vintage"], prov["vintage"]),
        _no_published_note(kinds, core["status"]),
    )
    out = _frame(core, ents, baseline, window, extra_notes=extra)
    out.insert(0, "indicator", inds)
    out.insert(2, "entity_name", info["name"].to_numpy(dtype=object))
    out.insert(3, "entity_kind", kinds)
    for name, column in prov.items():
        out[name] = column
    return out


def _mixed_vintage_note(ok: np.ndarray, base: np.ndarray, last: np.ndarray) -> np.ndarray:
    notes = np.full(len(ok), "", dtype=object)
    for i in np.flatnonzero(ok & (base != last)):
        notes[i] = f"baseline and latest values come from different vintages ({base[i]}; {last[i]})"
    return notes


def join_notes(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Join two arrays of sentences with '; ', skipping empty ones."""
    first = np.asarray(first, dtype=object)
    second = np.asarray(second, dtype=object)
    both = (first != "") & (second != "")
    return np.where(both, first + "; " + second, np.where(first != "", first, second))


def progress_of_aggregate(
    agg: pd.DataFrame,
    *,
    baseline: int = 2005,
    window: int = BASELINE_WINDOW,
    latest: int | None = None,
) -> pd.DataFrame:
    """Progress of computed group aggregates (the output of `aggregates.aggregate_groups`).

    Only years whose aggregate has status "ok" (coverage at or above the threshold) count. One
    row per (indicator, group): indicator, the `progress_table` columns (entity = group code),
    label, baseline_coverage, latest_coverage and value_source "computed".
    """
    check_window(window)
    needed = {"group", "label", "indicator", "year", "value", "coverage", "status"}
    missing = needed - set(agg.columns)
    if missing:
        raise ValueError(f"not an aggregate table: columns {sorted(missing)} are missing")
    key = ["indicator", "group", "label"]  # one code can name two groups (LIC today, LIC FY05)
    if agg.duplicated([*key, "year"]).any():
        raise ValueError("the aggregate table has two rows for one (indicator, group, year)")
    keys = agg[key].drop_duplicates().astype(str)
    index = pd.MultiIndex.from_frame(keys)
    years = sorted(int(y) for y in agg["year"].unique())
    frame = agg.astype({k: str for k in key})
    ok_values = frame["value"].where(frame["status"] == "ok")
    wide = (
        frame.assign(value=ok_values)
        .pivot(index=key, columns="year", values="value")
        .reindex(index=index, columns=years)
    )
    cover = frame.pivot(index=key, columns="year", values="coverage").reindex(
        index=index, columns=years
    )
    out = progress_table(wide, baseline=baseline, window=window, latest=latest)
    out.insert(0, "indicator", keys["indicator"].to_numpy(dtype=object))
    out["entity"] = keys["group"].to_numpy(dtype=object)
    out["label"] = keys["label"].to_numpy(dtype=object)
    out["baseline_coverage"] = _coverage_at(cover, out["baseline_year"])
    out["latest_coverage"] = _coverage_at(cover, out["latest_year"])
    out["value_source"] = "computed"
    return out


def _coverage_at(cover: pd.DataFrame, years: pd.Series) -> np.ndarray:
    cols = pd.Index(cover.columns.astype(int))
    pos = cols.get_indexer(years.fillna(-1).astype(int).to_numpy())
    return pick(cover.to_numpy(dtype="float64"), np.where(years.isna().to_numpy(), -1, pos))
