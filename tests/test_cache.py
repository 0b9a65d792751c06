"""The cache seam: one snapshot object serves every session, and no page changes it."""

from __future__ import annotations

import pandas as pd
from apptest import run_page

from dashboard.app.cache import get_data
from dashboard.app.registry import PAGE_NAMES


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
