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
                "wb_name",
                "name_source",
                "aliases",
                "pattern",
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


def _first(mask: pa.ChunkedArray | pa.Array) -> int | None:
    """The 0-based position of the first true value of a boolean column, or None."""
    position = pc.index(mask, True).as_py()
    return None if position is None or position < 0 else int(position)


def _row(table: pa.Table, name: str, position: int) -> str:
    """'row N (key values)': which row, with its key as far as it can be read, bounded."""
    values = table.slice(position, 1).select(list(KEYS[name])).to_pylist()[0]
    parts = [
        f"{col} {bounded(value, 24) if value is not None else 'missing'}"
        for col, value in values.items()
    ]
    return f"row {position + 1:,} ({', '.join(parts)})"


def _fail(where: str, table: pa.Table, name: str, position: int, problem: str) -> SnapshotError:
    return SnapshotError(f"{where}: table {name}, {_row(table, name, position)}: {problem}")


def _codes(column: pa.ChunkedArray) -> pa.Array:
    """The distinct values a text column can hold (a dictionary column's dictionary)."""
    if pa.types.is_dictionary(column.type):
        return (
            pa.concat_arrays([c.dictionary for c in column.chunks])
            if column.chunks
            else pa.array([], pa.string())
        )
    return column.combine_chunks()


def _has_repeats(frame: pd.DataFrame) -> bool:
    """Whether two rows of `frame` are equal.

    The observations are written sorted by their key, so when every key column is categorical
    or whole numbers, each row is packed into one integer that follows the key's order
    (category ranks, years); strictly increasing integers prove the key unique in one pass,
    several times faster than hashing 100,000 rows. Anything else is compared by pandas.
    """
    combined = np.zeros(len(frame), dtype=np.int64)
    span = 1
    for _, col in frame.items():
        if isinstance(col.dtype, pd.CategoricalDtype) and col.cat.categories.is_unique:
            order = np.argsort(col.cat.categories.to_numpy(dtype=str), kind="stable")
            rank = np.empty(len(order), dtype=np.int64)
            rank[order] = np.arange(len(order))
            codes = col.cat.codes.to_numpy()
            if (codes < 0).any():
                return bool(frame.duplicated().any())
            values, size = rank[codes], len(order)
        elif pd.api.types.is_integer_dtype(col.dtype) and len(col):
            raw = col.to_numpy().astype(np.int64)
            values, size = raw - raw.min(), int(raw.max() - raw.min()) + 1
        else:
            return bool(frame.duplicated().any())
        span *= max(size, 1)
        if span >= 2**62:
            return bool(frame.duplicated().any())
        combined = combined * size + values
    if len(combined) < 2 or bool((np.diff(combined) > 0).all()):
        return False
    return bool(frame.duplicated().any())


def check_rows(
    tables: Mapping[str, pa.Table],
    *,
    where: str,
    frames: Mapping[str, pd.DataFrame] | None = None,
) -> None:
    """Refuse tables that are empty, miss a required value, repeat a key, hold a year outside
    the known range or a value that is not finite, or name an entity the snapshot lacks.

    The checks run on the arrow tables (a load adds a few milliseconds); repeated keys are found
    with pandas, on `frames` when the caller has converted the tables already. The row named is
    the first that breaks the rule.
    """
    for name, columns in TABLES.items():
        table = tables[name]
        if table.num_rows == 0:
            raise SnapshotError(f"{where}: table {name} is empty; rebuild the snapshot")
        for col in columns:
            values = table.column(col.name)
            if not col.required:
                continue
            floating = pa.types.is_floating(values.type)
            if values.null_count or (floating and pc.any(pc.is_nan(values)).as_py()):
                bad = _first(pc.is_null(values, nan_is_null=True))
                if bad is not None:
                    raise _fail(where, table, name, bad, f"{col.name} is missing")
        keys = list(KEYS[name])
        frame = frames[name][keys] if frames is not None else table.select(keys).to_pandas()
        if _has_repeats(frame):
            first = int(np.flatnonzero(frame.duplicated().to_numpy())[0])
            raise _fail(
                where, table, name, first, f"the same {'/'.join(KEYS[name])} as an earlier row"
            )
    obs = tables["observations"]
    finite = pc.is_finite(obs.column("value"))
    if not pc.all(finite).as_py():
        raise _fail(
            where,
            obs,
            "observations",
            _first(pc.invert(finite)) or 0,
            "value is not a finite number",
        )
    years = obs.column("year")
    span = pc.min_max(years).as_py()
    if span["min"] < FIRST_YEAR or span["max"] > LAST_YEAR:
        outside = pc.or_(pc.less(years, FIRST_YEAR), pc.greater(years, LAST_YEAR))
        raise _fail(
            where,
            obs,
            "observations",
            _first(outside) or 0,
            f"year outside {FIRST_YEAR}-{LAST_YEAR}",
        )
    entities = tables["entities"]
    kinds = pc.is_in(entities.column("kind"), value_set=pa.array(ENTITY_KINDS))
    if not pc.all(kinds).as_py():
        raise _fail(
            where,
            entities,
            "entities",
            _first(pc.invert(kinds)) or 0,
            f"kind is not one of {', '.join(ENTITY_KINDS)}",
        )
    codes = pc.cast(entities.column("code").combine_chunks(), pa.string())
    for name, column in KNOWN_ENTITIES:
        table = tables[name]
        values = table.column(column)
        if pc.all(pc.is_in(pc.cast(_codes(values), pa.string()), value_set=codes)).as_py():
            continue  # every code the column can hold is known: no row to look at
        known = pc.is_in(pc.cast(values, pa.string()), value_set=codes)
        raise _fail(
            where,
            table,
            name,
            _first(pc.invert(known)) or 0,
            f"{column} is not an entity of the snapshot (no row in table entities)",
        )
