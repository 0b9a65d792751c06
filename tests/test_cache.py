"""The cache seam: one snapshot object serves every session, and no page changes it; the
current snapshot id is read once per version of CURRENT; the collector is settled once."""

from __future__ import annotations

import gc
import os
import time

import pandas as pd
import pytest
from apptest import run_page

from dashboard.app import cache
from dashboard.app.cache import (
    YOUNG_COLLECTION_EVERY,
    current_snapshot_id,
    get_data,
    settle_collector,
)
from dashboard.app.registry import PAGE_NAMES
from indicators.errors import SnapshotError
from indicators.store.snapshot import CURRENT, current_id, store_path


def fingerprint(frame: pd.DataFrame) -> tuple[int, tuple[str, ...]]:
    """A hash of every cell and the column names of a table."""
    return int(pd.util.hash_pandas_object(frame, index=True).sum()), tuple(map(str, frame.columns))


def test_every_page_leaves_the_shared_snapshot_unchanged():
    data = get_data()
    snap = data.snapshot
    tables = {
        "observations": snap.observations,
        "entities": snap.entities,
        "memberships": snap.memberships,
    }
    before = {name: fingerprint(table) for name, table in tables.items()}
    for name in PAGE_NAMES:
        run_page(name, timeout=120)
    assert get_data().snapshot is snap  # the same object: shared, not copied per run
    after = {name: fingerprint(table) for name, table in tables.items()}
    assert after == before


def test_the_collector_leaves_what_is_loaded_alone_once_per_process():
    """After the first snapshot is loaded, what is alive then is frozen out of the cyclic
    collector and new objects are collected less often; a second load changes nothing (#12)."""
    young, *older = gc.get_threshold()
    gc.unfreeze()
    try:
        settle_collector()
        frozen = gc.get_freeze_count()
        assert frozen > 0
        assert gc.get_threshold() == (max(young, YOUNG_COLLECTION_EVERY), *older)
        kept = [[n] for n in range(1000)]  # objects made after the first load stay collectable
        settle_collector()
        assert gc.get_freeze_count() == frozen and kept
    finally:
        gc.unfreeze()
        gc.set_threshold(young, *older)


def test_the_snapshot_id_is_read_again_only_when_current_is_replaced(tmp_path, monkeypatch):
    """Pages ask for the current snapshot id in every computation: it is read once per version
    of the CURRENT file, and a replaced file (as a refresh or a rollback replaces it) is read
    again (#12)."""
    bundled = current_id(store_path())
    prefix, digits = bundled.rsplit("-", 1)
    others = [f"{prefix}-{digits[::-1]}", f"{prefix}-{digits[1:]}{digits[0]}"]  # same form
    reads: list[str] = []

    def counted(store):
        reads.append(str(store))
        return current_id(store)

    monkeypatch.setattr(cache, "current_id", counted)
    for number, snap_id in enumerate([bundled, *others]):
        time.sleep(0.02)  # switches are seconds apart (see current_snapshot_id)
        staged = tmp_path / f".CURRENT.{number}.tmp"
        staged.write_text(snap_id + "\n", encoding="utf-8")
        os.replace(staged, tmp_path / CURRENT)  # as the store switches it
        before = len(reads)
        assert [current_snapshot_id(str(tmp_path)) for _ in range(5)] == [snap_id] * 5
        assert len(reads) == before + 1
    missing = tmp_path / "nowhere"
    with pytest.raises(SnapshotError):
        current_snapshot_id(str(missing))
