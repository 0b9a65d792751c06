"""The page-facing data seam: the one place the app caches (the snapshot once per process,
computed results per call with st.cache_data).

Pages get a `DashboardData` (snapshot + catalogue + the URL vocabulary) from `get_data()`, and
call pure analytics and figure functions through `compute(func, **options)`, which memoises each
result per snapshot id and options so that reruns (a click, a widget change) stay fast. Nothing
else in the app is cached, and a refresh (new snapshot id) invalidates everything.
"""

from __future__ import annotations

import functools
import gc
import importlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import streamlit as st

from dashboard.app.state import Vocabulary
from indicators.analytics.groups import fiscal_years
from indicators.catalogue import Catalogue, load_catalogue
from indicators.errors import SnapshotError, WsisDataError
from indicators.store.snapshot import CURRENT, Snapshot, current_id, load_snapshot, store_path

REFRESH_ENV = "WSIS_ALLOW_REFRESH"
YOUNG_COLLECTION_EVERY = 20_000  # allocations between collections of new objects (Python: 700)
T = TypeVar("T")


@dataclass(frozen=True)
class DashboardData:
    snapshot: Snapshot
    catalogue: Catalogue
    vocabulary: Vocabulary


@st.cache_resource(show_spinner="Loading the data snapshot...", max_entries=4)
def _load(store: str, snapshot_id: str) -> DashboardData:
    """Load and prepare one snapshot (keyed by its id, so a refresh invalidates the cache).

    One object serves every session: a snapshot is read-only (nothing in the project writes
    into its tables; tests/test_cache.py checks that every page leaves it unchanged), and its
    memoised derived tables (`Snapshot.memo`) then serve every session too. Computed results
    stay in st.cache_data, which hands each caller its own copy.
    """
    snapshot = load_snapshot(store=store, snapshot_id=snapshot_id)
    catalogue = load_catalogue()
    obs_years = snapshot.observations["year"]
    vocabulary = Vocabulary(
        indicators=frozenset(catalogue.codes),
        entities=frozenset(snapshot.entities["code"].astype(str)),
        areas=frozenset(a.id for a in catalogue.areas),
        first_year=int(obs_years.min()),
        last_year=int(obs_years.max()),
        fiscal_years=frozenset(fiscal_years(snapshot)),
    )
    settle_collector()
    return DashboardData(snapshot=snapshot, catalogue=catalogue, vocabulary=vocabulary)


def settle_collector() -> None:
    """Once per process, when the first snapshot is loaded: let Python's cyclic garbage
    collector leave alone what lives as long as the process (the modules, the snapshot and
    the catalogue; `gc.freeze`), and collect new objects less often.

    Its full collections walked all of them, about 0.1 s each, and with its frequent young
    collections it cost a visit about 8 ms of server CPU (benchmarks/RESULTS.md, server CPU
    per visit). Objects still free memory as soon as nothing refers to them; only cycles among
    the frozen ones would never be collected, and these live as long as the process anyway.
    """
    if gc.get_freeze_count():
        return
    gc.freeze()
    young, *older = gc.get_threshold()
    gc.set_threshold(max(young, YOUNG_COLLECTION_EVERY), *older)


def get_data() -> DashboardData:
    """The current snapshot of the configured store (WSIS_STORE or the bundled data/).

    Any failure to open it is a SnapshotError naming the snapshot (the store already turns its
    own failures into one; this also covers preparing the data for the pages), so the page
    guard and the sidebar always have a short message to show.
    """
    store = str(store_path())
    snapshot_id = current_snapshot_id(store)
    try:
        return _load(store, snapshot_id)
    except WsisDataError:
        raise
    except Exception as exc:
        raise SnapshotError(
            f"snapshot {snapshot_id} could not be prepared for the pages ({type(exc).__name__})"
        ) from exc


@st.cache_data(show_spinner=False, max_entries=1024)
def _computed(store: str, snapshot_id: str, module: str, name: str, options: tuple) -> Any:
    data = _load(store, snapshot_id)
    func = getattr(importlib.import_module(module), name)
    return func(data.snapshot, data.catalogue, **dict(options))


def compute(func: Callable[..., T], /, **options: Any) -> T:
    """`func(snapshot, catalogue, **options)` for the current snapshot, memoised.

    `func` must be a pure module-level function of the snapshot and catalogue (the analytics
    and figure builders are); options must be hashable by Streamlit (numbers, strings, tuples,
    lists). Errors are not cached: they propagate to the page guard each time.
    """
    store = str(store_path())
    key = tuple(sorted(options.items()))
    return _computed(store, current_snapshot_id(store), func.__module__, func.__qualname__, key)


def current_snapshot_id(store: str) -> str:
    """`current_id` of the store, read again only when its CURRENT file changes: a page asks
    for it in every computation, and one look at the file (`lstat`) costs a fraction of
    reading it safely. A refresh or a rollback replaces the file (a new file, new times), so it
    is read again; only two switches within one tick of the file system's clock (a few ms)
    could go unseen, and a switch takes longer than that."""
    try:
        info = os.lstat(os.path.join(store, CURRENT))
    except OSError:
        return current_id(store)  # says what is wrong, as a SnapshotError
    return _id_of_current(store, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


@functools.lru_cache(maxsize=8)
def _id_of_current(store: str, inode: int, size: int, mtime_ns: int, ctime_ns: int) -> str:
    """The id CURRENT names, memoised per version of the file (see `current_snapshot_id`)."""
    return current_id(store)


def refresh_allowed() -> bool:
    """Live refresh is off unless the deployment sets WSIS_ALLOW_REFRESH=1."""
    return os.environ.get(REFRESH_ENV, "") == "1"


def unusable_snapshot() -> str:
    """Which snapshot cannot be used, in a few words, for the sidebar of a broken store."""
    try:
        return f"snapshot {current_id(str(store_path()))} cannot be used"
    except Exception:
        return "the store names no usable snapshot"
