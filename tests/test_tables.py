"""The snapshot's tables declared once (indicators/store/tables.py): the declaration matches the
observation schema, real and fixture snapshots pass the checks, and each check names the table
and the first bad row."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pytest

from indicators.errors import SnapshotError
from indicators.schema import KEY, OBSERVATION_COLUMNS
from indicators.store.tables import KEYS, TABLE_COLUMNS, TABLES, check_rows, check_schema


def frames(snapshot) -> dict[str, pd.DataFrame]:
    return {name: getattr(snapshot, name) for name in TABLES}


def arrow(tables: dict[str, pd.DataFrame]) -> dict[str, pa.Table]:
    return {n: pa.Table.from_pandas(f, preserve_index=False) for n, f in tables.items()}


def test_the_observation_table_is_the_tidy_schema() -> None:
    assert TABLE_COLUMNS["observations"] == OBSERVATION_COLUMNS
    assert KEYS["observations"] == KEY
    assert all(set(KEYS[name]) <= set(TABLE_COLUMNS[name]) for name in TABLES)


@pytest.mark.parametrize("name", ["tiny_snapshot", "bundled_snapshot"])
def test_sound_snapshots_pass(name: str, request) -> None:
    snapshot = request.getfixturevalue(name)
    check_rows(arrow(frames(snapshot)), where="x")
    for table, frame in frames(snapshot).items():
        check_schema(table, pa.Table.from_pandas(frame, preserve_index=False), where="x")


def test_an_optional_column_may_hold_no_value_at_all(tiny_snapshot) -> None:
    entities = tiny_snapshot.entities.assign(lending_category=None)
    check_schema("entities", pa.Table.from_pandas(entities, preserve_index=False), where="x")
    names = tiny_snapshot.entities.assign(name=None)
    with pytest.raises(SnapshotError, match="column name holds no values, not text"):
        check_schema("entities", pa.Table.from_pandas(names, preserve_index=False), where="x")


def test_the_first_bad_row_is_named(tiny_snapshot) -> None:
    tables = frames(tiny_snapshot)
    obs = tables["observations"].astype({"economy": object}).reset_index(drop=True)
    obs.loc[[3, 7], "economy"] = "ZZZ"
    with pytest.raises(SnapshotError, match=r"snap: table observations, row 4 \(economy ZZZ"):
        check_rows(arrow({**tables, "observations": obs}), where="snap")
