"""Refresh the World Bank series of the current snapshot from the live API.

This is the only code path that calls the API. It fetches every World Bank series of the
catalogue (economies and aggregates), replaces those series in a copy of the current snapshot,
recomputes the derived series and writes a new snapshot atomically; the previous one is kept and
stays loadable. Any failure (network down, timeout, HTTP error, malformed page) raises
RefreshError before anything is written.

A refresh has one overall deadline (default 60 s): the fetch runs in a worker thread that gives
each request at most the time left, and the caller stops waiting at the deadline whatever the
network does. Only one refresh (or write) holds a store at a time: a second one is refused at
once with RefreshBusy instead of queueing behind the first. Its settings (timeout, retries,
deadline) are checked with one-line messages.
"""

from __future__ import annotations

import math
import os
import queue
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd

from indicators.catalogue import Catalogue, load_catalogue
from indicators.declared import FrozenMap, frozen
from indicators.errors import RefreshBusy, RefreshError, StoreBusyError, bounded
from indicators.schema import concat_observations
from indicators.sources.declarations import Origin
from indicators.sources.wb_api import ApiFetch, ApiSeriesRequest, DeadlineReached, fetch_series
from indicators.store.build import derive_sex_population
from indicators.store.descriptor import Descriptor, SourceEntry
from indicators.store.snapshot import (
    current_id,
    load_snapshot,
    store_lock,
    store_path,
    write_snapshot,
)

Fetcher = Callable[..., ApiFetch]
Progress = Callable[[int, int, str], None]
T = TypeVar("T")
DERIVED_CODES = ("SP.POP.TOTL.FE.IN", "SP.POP.TOTL.MA.IN")
DEADLINE_ENV = "WSIS_REFRESH_DEADLINE"


@dataclass(frozen=True)
class Setting:
    """A refresh setting: its default and the range of values that make sense."""

    name: str
    default: float
    low: float  # exclusive for seconds, inclusive for counts
    high: float
    whole: bool = False

    def check(self, value: object) -> float:
        """The value as a number in range, or a one-line RefreshError saying what is allowed."""
        allowed = (
            f"a whole number from {self.low:g} to {self.high:g}"
            if self.whole
            else f"a number of seconds above {self.low:g} and at most {self.high:g}"
        )
        try:
            if isinstance(value, bool):
                raise ValueError
            number = int(str(value).strip()) if self.whole else float(str(value).strip())
        except (ValueError, OverflowError):
            number = None
        ok = number is not None and math.isfinite(number) and number <= self.high
        ok = ok and (number >= self.low if self.whole else number > self.low)  # type: ignore[operator]
        if not ok:
            raise RefreshError(f"{self.name} must be {allowed} (got {bounded(repr(value), 40)})")
        return number  # type: ignore[return-value]


TIMEOUT = Setting("timeout", 30.0, 0.0, 600.0)
RETRIES = Setting("retries", 3, 0, 10, whole=True)
DEADLINE = Setting("deadline", 60.0, 0.0, 3600.0)
GRACE = 1.0  # seconds the fetch may overrun its deadline to stop by itself before it is left


def deadline_setting(environ: Mapping[str, str] | None = None) -> float:
    """The refresh deadline of this deployment: $WSIS_REFRESH_DEADLINE seconds, default 60
    (an invalid value is a RefreshError saying what is allowed)."""
    value = (os.environ if environ is None else environ).get(DEADLINE_ENV, "").strip()
    if not value:
        return DEADLINE.default
    try:
        return DEADLINE.check(value)
    except RefreshError as exc:
        raise RefreshError(f"{DEADLINE_ENV}: {exc}") from exc


@dataclass(frozen=True)
class RefreshResult:
    """What a refresh did: the new and previous snapshot ids and, per series, what changed."""

    snapshot_id: str
    previous_id: str
    path: Path
    changes: (
        pd.DataFrame
    )  # indicator, rows_before, rows_after, revised, added, removed, latest_before, latest_after

    def summary(self) -> str:
        """A short human-readable report of the refresh."""
        if self.snapshot_id == self.previous_id:
            return f"No change: the API returned exactly the data of snapshot {self.previous_id}."
        lines = [f"New snapshot {self.snapshot_id} (previous {self.previous_id} kept)."]
        for row in self.changes.itertuples(index=False):
            bits = []
            if row.revised:
                bits.append(f"{row.revised} values revised")
            if row.added:
                bits.append(f"{row.added} values added")
            if row.removed:
                bits.append(f"{row.removed} values removed")
            if row.latest_after != row.latest_before:
                bits.append(f"latest year {row.latest_before} -> {row.latest_after}")
            lines.append(f"  {row.indicator}: {', '.join(bits) if bits else 'unchanged'}")
        return "\n".join(lines)


def api_requests(catalogue: Catalogue) -> list[ApiSeriesRequest]:
    """One request per World Bank series of the catalogue, in the database that holds it."""
    return [
        ApiSeriesRequest(code=i.code, db=i.api_db)
        for i in catalogue.indicators
        if i.is_world_bank and i.api_db is not None
    ]


def diff_series(before: pd.DataFrame, after: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """Per indicator: values revised, added and removed between two observation tables."""
    rows = []
    key = ["economy", "year"]
    for code in codes:
        old = before.loc[before["indicator"] == code, [*key, "value"]]
        new = after.loc[after["indicator"] == code, [*key, "value"]]
        merged = old.merge(new, on=key, how="outer", suffixes=("_old", "_new"), indicator=True)
        both = merged[merged["_merge"] == "both"]
        revised = ~np.isclose(both["value_old"], both["value_new"], rtol=1e-9, atol=0.0)
        rows.append(
            {
                "indicator": code,
                "rows_before": len(old),
                "rows_after": len(new),
                "revised": int(revised.sum()),
                "added": int((merged["_merge"] == "right_only").sum()),
                "removed": int((merged["_merge"] == "left_only").sum()),
                "latest_before": int(old["year"].max()) if len(old) else None,
                "latest_after": int(new["year"].max()) if len(new) else None,
            }
        )
    return pd.DataFrame(rows)


def refreshed_descriptor(
    previous: Descriptor,
    fetched: ApiFetch,
    source_id: str,
    codes: list[str],
    kept: set[str],
    changes: pd.DataFrame,
    catalogue: Catalogue,
) -> Descriptor:
    """The new descriptor: previous sources still in use (without the refreshed series) plus
    the API source. The previous descriptor is not changed (it may be cached elsewhere)."""
    sources = [
        replace(s, series=tuple(c for c in s.series if c not in codes))
        for s in previous.sources
        if s.id in kept
    ]
    vintages = sorted(set(fetched.last_updated.values()))
    dataset = catalogue.dataset("wdi")
    sources.append(
        SourceEntry(
            id=source_id,
            title="World Bank API (live refresh through wbgapi)",
            label=f"World Bank API, fetched {fetched.fetched_at[:10]}",
            dataset="wdi",
            vintage=", ".join(vintages),
            loader="wb_api",
            origin=Origin(
                url="https://api.worldbank.org/v2",
                fetched_at=fetched.fetched_at,
                databases=frozen(
                    {str(db): date for db, date in sorted(fetched.last_updated.items())}
                ),
            ),
            files=(),
            series=tuple(sorted(codes)),
            rows=int(sum(fetched.counts.values())),
            producer=dataset.producer,
            licence=dataset.licence,
            attribution=dataset.attribution,
        )
    )
    return replace(
        previous,
        snapshot_id="",
        built_at=fetched.fetched_at,
        built_from=f"live refresh of snapshot {previous.snapshot_id}",
        previous_snapshot=previous.snapshot_id,
        sources=tuple(sources),
        refresh_changes=tuple(frozen(c) for c in changes.to_dict("records")),
        dropped=tuple(d for d in previous.dropped if d.indicator not in codes),
        tables=FrozenMap({}),
    )


def refresh_snapshot(
    *,
    store: str | Path | None = None,
    catalogue: Catalogue | None = None,
    fetch: Fetcher = fetch_series,
    requests_: Sequence[ApiSeriesRequest] | None = None,
    progress: Progress | None = None,
    first_year: int = 2000,
    timeout: float = TIMEOUT.default,
    retries: int = int(RETRIES.default),
    deadline: float = DEADLINE.default,
) -> RefreshResult:
    """Fetch the World Bank series, write a new current snapshot, keep the previous one.

    `requests_` defaults to every World Bank series of the catalogue; `fetch` is the API client
    (injectable so that tests stub it or the HTTP layer below it). `timeout` bounds each
    request, `deadline` the whole fetch (seconds from the start of the refresh): past it the
    refresh stops with a RefreshError and nothing is written. A refresh asked for while another
    one (or any write) holds the store is refused at once with RefreshBusy, never queued.
    """
    timeout, deadline = TIMEOUT.check(timeout), DEADLINE.check(deadline)
    retries = int(RETRIES.check(retries))
    started = time.monotonic()
    catalogue = catalogue or load_catalogue()
    root = store_path(store)
    current_id(root)  # a store without a usable CURRENT is refused before anything is created
    # One refresh at a time: the lock is held from reading the current snapshot to switching to
    # the new one; a second refresh is told at once instead of waiting behind the first.
    try:
        lock = store_lock(root, blocking=False, create=False)
        lock.__enter__()
    except StoreBusyError as exc:
        raise RefreshBusy(
            "a refresh (or another write) of this snapshot store is already running; this one "
            "was not started. The new snapshot is used as soon as that one finishes."
        ) from exc
    try:
        current = load_snapshot(store=root)
        requests_ = list(requests_) if requests_ is not None else api_requests(catalogue)
        codes = [r.code for r in requests_]
        source_id = "wb_api_live"
        try:
            fetched = within_deadline(
                lambda report, seconds: fetch(
                    requests_,
                    source=source_id,
                    first_year=first_year,
                    timeout=timeout,
                    retries=retries,
                    progress=report,
                    deadline=seconds,
                ),
                seconds=deadline - (time.monotonic() - started),
                progress=progress,
            )
        except DeadlineReached as exc:
            raise out_of_time(deadline, exc) from exc
        empty = [c for c in codes if fetched.counts.get(c, 0) == 0]
        if empty:
            raise RefreshError(
                f"the API returned no values for {', '.join(empty)}; snapshot left unchanged"
            )
        date = fetched.fetched_at[:10]
        source_id = f"wb_api_{date.replace('-', '_')}"
        api_obs = fetched.observations.assign(source=source_id)
        old = current.observations.astype(
            {c: object for c in ("economy", "indicator", "source", "vintage", "note")}
        )
        keep = old[~old["indicator"].isin([*codes, *DERIVED_CODES])]
        merged = concat_observations([keep, api_obs])
        merged = concat_observations([merged, derive_sex_population(merged)])
        merged = merged[merged["indicator"].isin(catalogue.codes)].reset_index(drop=True)
        changes = diff_series(old, merged, [*codes, *DERIVED_CODES])
        kept_sources = set(merged["source"].unique()) - {source_id}
        descriptor = refreshed_descriptor(
            current.descriptor, fetched, source_id, codes, kept_sources, changes, catalogue
        )
        path = write_snapshot(
            store=root,
            observations=merged,
            entities=with_new_entities(current.entities, merged, fetched.names, date=date),
            memberships=current.memberships,
            income_history=current.income_history,
            descriptor=descriptor,
            locked=True,
        )
    finally:
        lock.__exit__(None, None, None)
    return RefreshResult(snapshot_id=path.name, previous_id=current.id, path=path, changes=changes)


def with_new_entities(
    entities: pd.DataFrame, observations: pd.DataFrame, names: Mapping[str, str], *, date: str
) -> pd.DataFrame:
    """The entities table plus a row for every economy code the API returned that the snapshot
    did not describe (named as the API names it), so every observation has its entity."""
    known = set(entities["code"].astype(str))
    new = sorted(set(observations["economy"].astype(str)) - known)
    if not new:
        return entities
    rows = pd.DataFrame(
        {
            "code": new,
            "name": [names.get(code) or code for code in new],
            "kind": "economy",
            "region": None,
            "income_group": None,
            "lending_category": None,
            "wb_equivalent": None,
            "description": f"Returned by the World Bank API on {date}; not in the snapshot's "
            "list of economies.",
        }
    )
    both = pd.concat([entities.astype(object), rows.astype(object)], ignore_index=True)
    return both.sort_values("code", ignore_index=True).where(both.notna(), None)


def out_of_time(deadline: float, cause: object = None) -> RefreshError:
    """The one message of a refresh stopped by its deadline (what happened, what to do)."""
    last = f" Last problem: {bounded(cause, 160)}." if cause else ""
    return RefreshError(
        f"the refresh did not finish within its deadline of {deadline:g} s; the current "
        f"snapshot is unchanged.{last} Try again later, or allow more time (--deadline, or "
        f"{DEADLINE_ENV} for the app)"
    )


def within_deadline(
    call: Callable[[Progress, float], T],
    *,
    seconds: float,
    progress: Progress | None = None,
) -> T:
    """`call(report, seconds)` in a worker thread, given at most `seconds` (plus GRACE to stop by
    itself); its progress reports are passed on from this thread (Streamlit draws only from the
    script's thread). Past that, DeadlineReached is raised and the worker is left to end on its
    own: it writes nothing and its result is dropped."""
    events: queue.Queue[tuple[str, object]] = queue.Queue()

    def report(done: int, total: int, code: str) -> None:
        events.put(("progress", (done, total, code)))

    def work() -> None:
        try:
            events.put(("done", call(report, max(seconds, 0.001))))
        except BaseException as exc:  # handed to the waiting thread, which raises it
            events.put(("error", exc))

    worker = threading.Thread(target=work, name="wsis20-refresh-fetch", daemon=True)
    worker.start()
    until = time.monotonic() + max(seconds, 0.0) + GRACE
    while True:
        left = until - time.monotonic()
        if left <= 0:
            raise DeadlineReached("the fetch was still waiting on the network")
        try:
            kind, payload = events.get(timeout=left)
        except queue.Empty:
            continue
        if kind == "progress":
            if progress is not None:
                progress(*payload)  # type: ignore[misc]
        elif kind == "error":
            raise payload  # type: ignore[misc]
        else:
            return payload  # type: ignore[return-value]
