"""Refresh the World Bank series of the current snapshot from the live API.

This is the only code path that calls the API. It fetches every World Bank series of the
catalogue (economies and aggregates), replaces those series in a copy of the current snapshot,
recomputes the derived series and writes a new snapshot atomically; the previous one is kept and
stays loadable. Any failure (network down, timeout, HTTP error, malformed page) raises
RefreshError before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from indicators.catalogue import Catalogue, load_catalogue
from indicators.declared import FrozenMap, frozen
from indicators.errors import RefreshError
from indicators.schema import concat_observations
from indicators.sources.declarations import Origin
from indicators.sources.wb_api import ApiFetch, ApiSeriesRequest, fetch_series
from indicators.store.build import derive_sex_population
from indicators.store.descriptor import Descriptor, SourceEntry
from indicators.store.snapshot import load_snapshot, store_lock, store_path, write_snapshot

Fetcher = Callable[..., ApiFetch]
Progress = Callable[[int, int, str], None]
DERIVED_CODES = ("SP.POP.TOTL.FE.IN", "SP.POP.TOTL.MA.IN")


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
    timeout: float = 30.0,
    retries: int = 3,
) -> RefreshResult:
    """Fetch the World Bank series, write a new current snapshot, keep the previous one.

    `requests_` defaults to every World Bank series of the catalogue; `fetch` is the API client
    (injectable so that tests stub it or the HTTP layer below it).
    """
    catalogue = catalogue or load_catalogue()
    root = store_path(store)
    # One refresh at a time: the lock is held from reading the current snapshot to switching to
    # the new one, so a second refresh waits and then builds on the first one's result.
    with store_lock(root):
        current = load_snapshot(store=root)
        requests_ = list(requests_) if requests_ is not None else api_requests(catalogue)
        codes = [r.code for r in requests_]
        source_id = "wb_api_live"
        fetched = fetch(
            requests_,
            source=source_id,
            first_year=first_year,
            timeout=timeout,
            retries=retries,
            progress=progress,
        )
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
            entities=current.entities,
            memberships=current.memberships,
            income_history=current.income_history,
            descriptor=descriptor,
            locked=True,
        )
    return RefreshResult(snapshot_id=path.name, previous_id=current.id, path=path, changes=changes)
