"""Adversarial family: content damage.

Tables whose bytes match their descriptor (checksum and row count updated with the damage) but
whose content the app cannot use: values of the wrong type, missing or NaN keys, duplicate
rows and entity codes, nameless entities, economies the snapshot does not describe, years
outside the known range, empty tables, missing or extra columns. `verify`, `info` and the app
must refuse each with a message naming the table and the first bad row, no traceback, and the
store unchanged; the writer refuses the same content before writing anything.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from adversarial import (
    assert_clear_app,
    assert_clear_cli,
    fixture_store,
    run_app,
    run_cli,
    unchanged,
)
from test_snapshot import fixture_tables

from indicators.errors import SnapshotError, SourceFormatError
from indicators.store.snapshot import DESCRIPTOR, load_snapshot, write_snapshot

Change = Callable[[pd.DataFrame], pd.DataFrame]


def _at(frame: pd.DataFrame, row: int, column: str, value: object) -> pd.DataFrame:
    out = frame.astype({column: object}) if not isinstance(value, float) else frame.copy()
    out.loc[row, column] = value
    return out


def _duplicate(row: int) -> Change:
    return lambda f: pd.concat([f, f.iloc[[row]]], ignore_index=True)


def _as_text(column: str) -> Change:
    return lambda f: f.assign(**{column: f[column].astype(str)})


def _nan_year(row: int) -> Change:
    def change(f: pd.DataFrame) -> pd.DataFrame:
        years = f["year"].astype("float64")
        years.iloc[row] = np.nan
        return f.assign(year=years)

    return change


# case -> (table, change, words the message must hold)
CONTENT: dict[str, tuple[str, Change, tuple[str, ...]]] = {
    "year stored as text": ("observations", _as_text("year"), ("column year", "row: 1")),
    "value stored as text": ("observations", _as_text("value"), ("column value", "row: 1")),
    "estimate stored as text": ("observations", _as_text("estimate"), ("column estimate",)),
    "NaN year": ("observations", _nan_year(4), ("column year", "row: 5", "missing")),
    "NaN value": (
        "observations",
        lambda f: _at(f, 6, "value", float("nan")),
        ("row 7", "value is missing"),
    ),
    "infinite value": (
        "observations",
        lambda f: _at(f, 8, "value", float("inf")),
        ("row 9", "not a finite number"),
    ),
    "duplicate observation": ("observations", _duplicate(2), ("row 971", "earlier row")),
    "missing economy code": (
        "observations",
        lambda f: _at(f, 3, "economy", None),
        ("row 4", "economy is missing"),
    ),
    "missing indicator": (
        "observations",
        lambda f: _at(f, 10, "indicator", None),
        ("row 11", "indicator is missing"),
    ),
    "economy the snapshot does not describe": (
        "observations",
        lambda f: _at(f, 0, "economy", "ZZZ"),
        ("row 1", "not an entity"),
    ),
    "year 1850": ("observations", lambda f: _at(f, 12, "year", 1850), ("row 13", "year outside")),
    "year 2999": ("observations", lambda f: _at(f, 13, "year", 2999), ("row 14", "year outside")),
    "observations empty": ("observations", lambda f: f.iloc[0:0], ("observations is empty",)),
    "observations without the note column": (
        "observations",
        lambda f: f.drop(columns=["note"]),
        ("observations has columns",),
    ),
    "observations with an extra column": (
        "observations",
        lambda f: f.assign(extra=1),
        ("observations has columns",),
    ),
    "observations columns reordered": (
        "observations",
        lambda f: f[list(reversed(f.columns))],
        ("observations has columns",),
    ),
    "duplicate entity code": ("entities", _duplicate(1), ("entities", "row 13", "earlier row")),
    "entity without a name": (
        "entities",
        lambda f: _at(f, 2, "name", None),
        ("entities", "row 3", "name is missing"),
    ),
    "entity without a code": (
        "entities",
        lambda f: _at(f, 5, "code", None),
        ("entities", "row 6", "code is missing"),
    ),
    "entity of an unknown kind": (
        "entities",
        lambda f: _at(f, 0, "kind", "planet"),
        ("entities", "row 1", "kind"),
    ),
    "entity codes stored as numbers": (
        "entities",
        lambda f: f.assign(code=range(len(f))),
        ("entities", "column code"),
    ),
    "entities empty": ("entities", lambda f: f.iloc[0:0], ("entities is empty",)),
    "duplicate membership": ("memberships", _duplicate(0), ("memberships", "earlier row")),
    "membership of an unknown economy": (
        "memberships",
        lambda f: _at(f, 1, "economy", "QQQ"),
        ("memberships", "row 2", "not an entity"),
    ),
    "memberships empty": ("memberships", lambda f: f.iloc[0:0], ("memberships is empty",)),
    "fiscal year stored as text": (
        "income_history",
        _as_text("fiscal_year"),
        ("income_history", "column fiscal_year"),
    ),
    "duplicate fiscal year": (
        "income_history",
        _duplicate(5),
        ("income_history", "earlier row"),
    ),
    "income history without an economy": (
        "income_history",
        lambda f: _at(f, 0, "economy", None),
        ("income_history", "row 1", "economy is missing"),
    ),
    "income history empty": (
        "income_history",
        lambda f: f.iloc[0:0],
        ("income_history is empty",),
    ),
}


def _rewrite(snap: Path, table: str, frame: pd.DataFrame) -> None:
    """Write the damaged table and update its checksum and row count in the descriptor, as a
    careless tool would: only reading the content can find the damage."""
    path = snap / f"{table}.parquet"
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path, compression="zstd")
    doc = json.loads((snap / DESCRIPTOR).read_text(encoding="utf-8"))
    doc["tables"][table].update(
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(), rows=len(frame)
    )
    (snap / DESCRIPTOR).write_text(json.dumps(doc), encoding="utf-8")


@pytest.fixture
def store(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "store"
    (snap_id,) = fixture_store(root)
    return root, root / "snapshots" / snap_id


@pytest.mark.parametrize("case", list(CONTENT))
def test_content_damage_is_refused_naming_table_and_row(
    case: str,
    store: tuple[Path, Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root, snap = store
    table, change, words = CONTENT[case]
    sound = load_snapshot(store=root)
    frame = getattr(sound, table).astype(object).where(getattr(sound, table).notna(), None)
    if table == "observations":
        frame = sound.observations.astype(
            {c: object for c in ("economy", "indicator", "source", "vintage", "note")}
        )
    _rewrite(snap, table, change(frame.reset_index(drop=True)))
    with unchanged(root):
        for command in ("verify", "info"):
            assert_clear_cli(run_cli([command, "--store", str(root)], capsys), table, *words)
        assert_clear_app(run_app(root, monkeypatch), table, *words)


WRITE_REFUSED = [
    "duplicate entity code",
    "entity without a name",
    "economy the snapshot does not describe",
    "membership of an unknown economy",
    "income history empty",
    "NaN value",
]


@pytest.mark.parametrize("case", WRITE_REFUSED)
def test_the_writer_refuses_what_the_reader_refuses(case: str, tmp_path: Path) -> None:
    """The same checks run before a snapshot is written: nothing appears in the store."""
    table, change, _ = CONTENT[case]
    tables = fixture_tables()
    frame = tables[table].astype(object).where(tables[table].notna(), None)
    if table == "observations":
        frame = tables[table]
    tables[table] = change(frame.reset_index(drop=True))
    with pytest.raises((SnapshotError, SourceFormatError)) as caught:
        write_snapshot(store=tmp_path / "store", **tables)
    assert table in str(caught.value) or "observations" in str(caught.value)
    assert not (tmp_path / "store").exists()
