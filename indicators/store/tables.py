"""The four tables of a snapshot, declared once, and the checks every written or loaded table
passes: column types, required values, unique keys, known entities, no empty table.

A snapshot whose checksums match can still hold content the app cannot use: a year stored as
text, a NaN year, two rows for one key, an entity code listed twice, a nameless entity, an
observation of an economy the snapshot does not describe, an empty table. `check_schema` (on
the parquet schema) and `check_rows` (on the loaded frames) refuse them with a SnapshotError
naming the snapshot, the table, the column and the first bad row (1-based, as a spreadsheet
counts data rows). The writer runs the same checks, so it never writes what the reader refuses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from indicators.errors import SnapshotError, bounded
from indicators.schema import FIRST_YEAR, LAST_YEAR

ENTITY_KINDS = ("economy", "wb_aggregate", "itu_aggregate")
KINDS = {
    "text": "text",
    "int": "whole numbers",
    "float": "numbers",
    "bool": "true/false values",
    "null": "no values",
}


@dataclass(frozen=True)
class Column:
    """A column of a snapshot table: its name, kind of value and whether a value is required."""

    name: str
    kind: str  # one of KINDS
    required: bool = True


def _text(name: str, *, required: bool = True) -> Column:
    return Column(name, "text", required)


TABLES: dict[str, tuple[Column, ...]] = {
    "observations": (
        _text("economy"),
        _text("indicator"),
        Column("year", "int"),
        Column("value", "float"),
        _text("source"),
        _text("vintage"),
        Column("estimate", "bool"),
        _text("note", required=False),
    ),
    "entities": (
        _text("code"),
        _text("name"),
        _text("kind"),
        *(
            _text(c, required=False)
            for c in (
                "region",
                "income_group",
                "lending_category",
                "wb_equivalent",
                "description",
            )
        ),
    ),
    "memberships": (_text("group"), _text("economy"), _text("basis")),
    "income_history": (
        _text("economy"),
        Column("fiscal_year", "int"),
        _text("income_group", required=False),
    ),
}
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    name: tuple(c.name for c in cols) for name, cols in TABLES.items()
}
KEYS: dict[str, tuple[str, ...]] = {
    "observations": ("economy", "indicator", "year"),
    "entities": ("code",),
    "memberships": ("group", "economy"),
    "income_history": ("economy", "fiscal_year"),
}
# (table, column) whose codes must be entities of the snapshot. The income history keeps
# economies that no longer exist (Czechoslovakia, Yugoslavia, USSR), and the group codes of a
# membership may be groups the snapshot holds no row for, so neither is checked.
KNOWN_ENTITIES = (("observations", "economy"), ("memberships", "economy"))


def _arrow_kind(kind: pa.DataType) -> str | None:
    if pa.types.is_dictionary(kind):
        return _arrow_kind(kind.value_type)
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return "text"
    if pa.types.is_boolean(kind):
        return "bool"
    if pa.types.is_integer(kind):
        return "int"
    if pa.types.is_floating(kind):
        return "float"
    if pa.types.is_null(kind):
        return "null"
    return None


def check_schema(name: str, table: pa.Table, *, where: str) -> None:
    """Refuse a table whose columns are not the declared ones or hold the wrong kind of value.

    An integer column is accepted where numbers are expected; a column with no value at all
    (arrow's null type) only where values are optional. The row named is the first missing
    value of the column (a NaN year makes pandas write the years as decimals), else row 1.
    """
    columns, schema = TABLES[name], table.schema
    if tuple(schema.names) != tuple(c.name for c in columns):
        raise SnapshotError(
            f"{where}: table {name} has columns {bounded(', '.join(schema.names), 160)}; "
            f"expected {', '.join(c.name for c in columns)}"
        )
    if table.num_rows == 0:
        raise SnapshotError(f"{where}: table {name} is empty; rebuild the snapshot")
    for col in columns:
        found = _arrow_kind(schema.field(col.name).type)
        fits = found == col.kind or (col.kind == "float" and found == "int")
        if not fits and not (found == "null" and not col.required):
            what = KINDS.get(found or "", bounded(schema.field(col.name).type, 40))
            missing = pc.is_null(table.column(col.name), nan_is_null=True)
            first = pc.index(missing, True).as_py() if found != "null" else 0
            raise SnapshotError(
                f"{where}: table {name}, column {col.name} holds {what}, not "
                f"{KINDS[col.kind]} (first bad row: {max(first, 0) + 1:,}"
                f"{', a missing value' if first >= 0 and found != 'null' else ''}); "
                "rebuild the snapshot"
            )


def _first(mask: pd.Series | np.ndarray) -> int | None:
    """The 0-based position of the first True, or None."""
    hits = np.flatnonzero(np.asarray(mask, dtype=bool))
    return int(hits[0]) if len(hits) else None


def _row(frame: pd.DataFrame, name: str, position: int) -> str:
    """'row N (key values)': which row, with its key as far as it can be read, bounded."""
    parts = []
    for col in KEYS[name]:
        value = frame[col].iloc[position]
        parts.append(f"{col} {bounded(value, 24) if pd.notna(value) else 'missing'}")
    return f"row {position + 1:,} ({', '.join(parts)})"


def check_rows(frames: Mapping[str, pd.DataFrame], *, where: str) -> None:
    """Refuse tables that are empty, miss a required value, repeat a key, hold a year outside
    the known range or a value that is not finite, or name an entity the snapshot lacks."""
    for name, columns in TABLES.items():
        frame = frames[name]
        if len(frame) == 0:
            raise SnapshotError(f"{where}: table {name} is empty; rebuild the snapshot")
        for col in columns:
            if col.required:
                bad = _first(frame[col.name].isna())
                if bad is not None:
                    raise SnapshotError(
                        f"{where}: table {name}, {_row(frame, name, bad)}: {col.name} is missing"
                    )
        dupes = _first(frame.duplicated(list(KEYS[name])))
        if dupes is not None:
            raise SnapshotError(
                f"{where}: table {name}, {_row(frame, name, dupes)}: the same "
                f"{'/'.join(KEYS[name])} as an earlier row"
            )
    obs = frames["observations"]
    bad = _first(~np.isfinite(obs["value"].to_numpy(dtype="float64")))
    if bad is not None:
        raise SnapshotError(
            f"{where}: table observations, {_row(obs, 'observations', bad)}: "
            "value is not a finite number"
        )
    years = obs["year"].to_numpy()
    bad = _first((years < FIRST_YEAR) | (years > LAST_YEAR))
    if bad is not None:
        raise SnapshotError(
            f"{where}: table observations, {_row(obs, 'observations', bad)}: "
            f"year outside {FIRST_YEAR}-{LAST_YEAR}"
        )
    entities = frames["entities"]
    bad = _first(~entities["kind"].isin(ENTITY_KINDS))
    if bad is not None:
        raise SnapshotError(
            f"{where}: table entities, {_row(entities, 'entities', bad)}: kind is not one of "
            f"{', '.join(ENTITY_KINDS)}"
        )
    codes = pd.Index(entities["code"].astype(str))
    for table, column in KNOWN_ENTITIES:
        frame = frames[table]
        values = frame[column]
        if isinstance(values.dtype, pd.CategoricalDtype):
            if values.cat.categories.astype(str).isin(codes).all():
                continue  # every code the column can hold is known: no row to look at
            values = values.astype(object)
        bad = _first(~values.astype(str).isin(codes))
        if bad is not None:
            raise SnapshotError(
                f"{where}: table {table}, {_row(frame, table, bad)}: {column} is not an entity "
                "of the snapshot (no row in table entities)"
            )
