"""The snapshot store: round trip, determinism, checksums, atomic writes and clear errors."""

from __future__ import annotations

import json
import os
import threading
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from fixtures import fixture_descriptor, fixture_snapshot

from indicators.errors import SnapshotError, SourceFormatError
from indicators.schema import normalise_observations
from indicators.store import snapshot as store
from indicators.store.snapshot import (
    current_id,
    list_snapshots,
    load_snapshot,
    set_current,
    store_lock,
    write_snapshot,
)


def fixture_tables(shift: float = 0.0) -> dict:
    snap = fixture_snapshot()
    obs = normalise_observations(snap.observations.astype(object))
    obs["value"] = obs["value"] + shift
    return {
        "observations": obs,
        "entities": snap.entities,
        "memberships": snap.memberships,
        "income_history": snap.income_history,
        "descriptor": replace(fixture_descriptor(), snapshot_id="", title="fixture"),
    }


def write(root: Path, shift: float = 0.0) -> Path:
    return write_snapshot(store=root, **fixture_tables(shift))


def test_round_trip(tmp_path: Path) -> None:
    path = write(tmp_path)
    snap = load_snapshot(store=tmp_path)
    assert snap.id == path.name == current_id(tmp_path)
    expected = fixture_tables()["observations"]
    got = normalise_observations(snap.observations.astype(object))
    pd.testing.assert_frame_equal(got, expected)
    assert snap.descriptor.row_count == len(expected)
    assert set(snap.descriptor.tables) == {
        "observations",
        "entities",
        "memberships",
        "income_history",
    }


def test_same_tables_give_identical_bytes(tmp_path: Path) -> None:
    first = write(tmp_path / "a")
    second = write(tmp_path / "b")
    for name in ("observations", "entities", "memberships", "income_history"):
        assert (first / f"{name}.parquet").read_bytes() == (second / f"{name}.parquet").read_bytes()
    assert first.name == second.name


def test_new_snapshot_keeps_previous(tmp_path: Path) -> None:
    old = write(tmp_path)
    new = write(tmp_path, shift=1.0)
    assert old.name != new.name
    assert current_id(tmp_path) == new.name
    assert list_snapshots(tmp_path) == sorted([old.name, new.name])
    set_current(tmp_path, old.name)
    assert load_snapshot(store=tmp_path).id == old.name


def test_checksum_mismatch_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path)
    table = path / "observations.parquet"
    data = bytearray(table.read_bytes())
    data[len(data) // 2] ^= 0xFF
    table.write_bytes(bytes(data))
    with pytest.raises(SnapshotError, match="does not match the checksum"):
        load_snapshot(store=tmp_path)


def test_truncated_table_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path)
    table = path / "entities.parquet"
    table.write_bytes(table.read_bytes()[:100])
    with pytest.raises(SnapshotError, match="entities"):
        load_snapshot(store=tmp_path)
    with pytest.raises(SnapshotError, match="cannot read"):
        load_snapshot(store=tmp_path, verify=False)


@pytest.mark.parametrize(
    "content", ["", "{not json", '{"schema_version": 1}', '{"tables": {}, "schema_version": 99}']
)
def test_bad_descriptor(tmp_path: Path, content: str) -> None:
    path = write(tmp_path)
    (path / "descriptor.json").write_text(content, encoding="utf-8")
    with pytest.raises(SnapshotError):
        load_snapshot(store=tmp_path)


def test_missing_pieces(tmp_path: Path) -> None:
    with pytest.raises(SnapshotError, match="no snapshot store"):
        load_snapshot(store=tmp_path)
    path = write(tmp_path)
    (path / "memberships.parquet").unlink()
    with pytest.raises(SnapshotError, match="missing its memberships table"):
        load_snapshot(store=tmp_path)
    (tmp_path / "CURRENT").write_text("../../etc\n", encoding="utf-8")
    with pytest.raises(SnapshotError, match="does not name a snapshot"):
        load_snapshot(store=tmp_path)


def test_failed_write_leaves_current_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = write(tmp_path)
    real = store.write_table

    def failing(name, frame, folder):
        if name == "memberships":
            raise OSError("disk full (simulated)")
        return real(name, frame, folder)

    monkeypatch.setattr(store, "write_table", failing)
    with pytest.raises(OSError, match="disk full"):
        write(tmp_path, shift=2.0)
    assert current_id(tmp_path) == old.name
    assert [p.name for p in (tmp_path / "snapshots").iterdir()] == [old.name]
    assert load_snapshot(store=tmp_path).id == old.name


def test_invalid_observations_are_refused(tmp_path: Path) -> None:
    tables = fixture_tables()
    tables["observations"] = pd.concat([tables["observations"]] * 2, ignore_index=True)
    with pytest.raises(SourceFormatError, match="duplicate"):
        write_snapshot(store=tmp_path, **tables)
    assert not (tmp_path / "CURRENT").exists()


def test_lock_excludes_a_second_writer(tmp_path: Path) -> None:
    entered = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with store_lock(tmp_path):
            entered.set()
            release.wait(5)

    thread = threading.Thread(target=hold)
    thread.start()
    entered.wait(5)
    try:
        with (
            pytest.raises(SnapshotError, match="another process"),
            store_lock(tmp_path, blocking=False),
        ):
            pass
    finally:
        release.set()
        thread.join()
    with store_lock(tmp_path, blocking=False):
        pass


def test_bundled_snapshot_loads_and_verifies() -> None:
    snap = load_snapshot()
    assert snap.descriptor.row_count == len(snap.observations)
    sources = {s.id for s in snap.descriptor.sources}
    assert set(snap.observations["source"].astype(str).unique()) <= sources
    for src in snap.descriptor.sources:
        assert src.licence and src.attribution and src.vintage


def test_env_var_points_at_another_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path)
    monkeypatch.setenv("WSIS_STORE", str(tmp_path))
    assert load_snapshot().id == path.name


def test_descriptor_is_valid_json_with_checksums(tmp_path: Path) -> None:
    path = write(tmp_path)
    desc = json.loads((path / "descriptor.json").read_text(encoding="utf-8"))
    for entry in desc["tables"].values():
        assert len(entry["sha256"]) == 64 and entry["rows"] >= 0


def test_a_killed_writers_leftovers_are_removed_by_the_next_write(tmp_path: Path) -> None:
    old = write(tmp_path)
    leftover = tmp_path / "snapshots" / ".tmp-killed"
    (leftover / "half").mkdir(parents=True)
    assert list_snapshots(tmp_path) == [old.name]  # never listed as a snapshot
    write(tmp_path, shift=1.0)
    assert not leftover.exists()


def test_a_killed_writers_current_temporaries_are_removed_by_the_next_writer(
    tmp_path: Path,
) -> None:
    """`.CURRENT.<pid>.tmp` files (and links) left by a writer killed before its rename are
    removed by the next write or `use`, never followed; other files are left alone."""
    outside = tmp_path / "outside.txt"
    outside.write_text("keep me", encoding="utf-8")
    root = tmp_path / "store"
    old = write(root)
    stale = [
        root / ".CURRENT.424242.tmp",
        root / ".CURRENT.7.tmp",
        root / f".CURRENT.{os.getpid()}.tmp",
    ]
    stale[0].write_text("half", encoding="utf-8")
    stale[1].symlink_to(outside)
    stale[2].symlink_to(outside)  # this process's own name: must not be written through
    kept = [root / ".CURRENT.notes", root / "CURRENT.bak"]
    for path in kept:
        path.write_text("operator's", encoding="utf-8")
    new = write(root, shift=1.0)
    assert not [p for p in stale if os.path.lexists(p)]
    assert all(p.read_text(encoding="utf-8") == "operator's" for p in kept)
    assert outside.read_text(encoding="utf-8") == "keep me"
    (root / ".CURRENT.99.tmp").write_text("half", encoding="utf-8")
    (root / "snapshots" / ".tmp-killed").mkdir()
    assert set_current(root, old.name) == old.name
    assert not (root / ".CURRENT.99.tmp").exists()
    assert not (root / "snapshots" / ".tmp-killed").exists()
    assert current_id(root) == old.name and new.name in list_snapshots(root)
