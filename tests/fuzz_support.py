"""Shared parts of the loader property tests (test_fuzz_loaders.py, test_fuzz_workbooks.py).

Hypothesis settings, the outcome every example is held to (a correct table, or a
SourceFormatError naming the file), the strategies that mutate files (cells, columns, rows,
header; encodings, BOMs, line ends, truncation, flipped, inserted or random bytes, empty files;
datapackage edits) and the comparisons of a returned table with the reference reader's values
(fuzz_reference.py). `make fuzz` sets WSIS_FUZZ_EXAMPLES (random, many examples) and
WSIS_FUZZ_REPORT (a JSON-lines log of every example: loader, mutations, outcome).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from test_itu_datahub import HEADER as DATAHUB_HEADER
from test_wb_csv import COUNTRY_HEADER
from test_wb_long import FIELDS as LONG_FIELDS
from test_wb_long import fixture_package

from indicators.errors import SourceFormatError
from indicators.schema import FIRST_YEAR, LAST_YEAR, OBSERVATION_COLUMNS, check_observations
from indicators.sources import wb_csv

EXAMPLES = int(os.environ.get("WSIS_FUZZ_EXAMPLES", "12"))
RANDOM = "WSIS_FUZZ_EXAMPLES" in os.environ
REPORT = os.environ.get("WSIS_FUZZ_REPORT")
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not RANDOM,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SOURCE, VINTAGE = "fuzz-source", "fuzz-vintage"


# --- outcomes ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Invalid:
    """The reference reader's verdict that a file is malformed: the loader must raise."""

    reason: str


def record(loader: str, case: list[str], outcome: str) -> None:
    if REPORT:
        with open(REPORT, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"loader": loader, "case": case, "outcome": outcome}) + "\n")


def outcome_of(named: Path, call: Callable[[], Any]) -> tuple[str, Any]:
    """('error', None) for a SourceFormatError naming `named`, or ('table', result). Any other
    exception propagates (the property fails)."""
    try:
        return "table", call()
    except SourceFormatError as exc:
        assert str(named) in str(exc), f"the error does not name {named}: {exc}"
        return "error", None


def years_outside_schema(obs: pd.DataFrame) -> bool:
    years = obs["year"].astype(int)
    return bool(len(obs)) and (years.min() < FIRST_YEAR or years.max() > LAST_YEAR)


def assert_observations(obs: pd.DataFrame, origin: Path, *, vintage: str = VINTAGE) -> None:
    """Canonical columns and dtypes, and every invariant of the observation table."""
    assert list(obs.columns) == list(OBSERVATION_COLUMNS)
    assert str(obs["year"].dtype) == "int16" and str(obs["value"].dtype) == "float64"
    assert str(obs["estimate"].dtype) == "bool"
    assert set(obs["source"]) <= {SOURCE} and set(obs["vintage"]) <= {vintage}
    check_observations(obs, origin=origin)


def finish(loader: str, case: list[str], named: Path, call, expected, compare) -> None:
    """Run the loader, hold it to the reference verdict `expected`, record the outcome."""
    kind, result = outcome_of(named, call)
    if kind == "error":
        record(loader, case, "SourceFormatError")
        return
    assert not isinstance(expected, Invalid), f"returned a table for a bad file: {expected.reason}"
    obs = result if isinstance(result, pd.DataFrame) else getattr(result, "observations", None)
    is_observations = obs is not None and list(obs.columns) == list(OBSERVATION_COLUMNS)
    assert not (is_observations and years_outside_schema(obs)), "years outside the schema"
    compare(result, expected)
    record(loader, case, "table")


# --- strategies --------------------------------------------------------------------------------

ODD_TEXT = (
    "", " ", "  12.5  ", "n/a", "..", "NaN", "nan", "inf", "-inf", "1e400", "-0", "0", "1,5",
    "12%", "+3", ".5", "1e-320", "0x1A", "1_000", "\u0661\u0662", "\uff12\uff10\uff10\uff11",
    "\u00a0", "\ufeff", "\u200b", '"', '""', "a,b", "line\nbreak", "tab\tx", "\x00", "null",
    "TRUE", "\u00e9", "=1+1", "-", "\r", "x" * 140_000,
)  # fmt: skip
YEAR_TEXT = (
    "1899", "1999", "2000", "2004", "2035", "2036", "2099", "9999", "0000", "20O1", "2001.0",
    " 2001 ", "01", "12345", "\uff12\uff10\uff10\uff11",
)  # fmt: skip
COLUMN_NAMES = sorted(
    {*LONG_FIELDS, *DATAHUB_HEADER, *COUNTRY_HEADER, *wb_csv.ID_COLUMNS, "geo", "time", ""}
)
INDEX = st.integers(0, 10_000)
CELL = st.one_of(
    st.sampled_from(ODD_TEXT),
    st.sampled_from(YEAR_TEXT),
    st.text(max_size=8),
    st.floats().map(repr),
    st.integers(-(10**6), 10**6).map(str),
)
EDIT = st.one_of(
    st.tuples(st.just("cell"), INDEX, INDEX, CELL),
    st.tuples(st.just("header"), INDEX, st.one_of(st.sampled_from(YEAR_TEXT), CELL)),
    st.tuples(st.just("drop column"), INDEX),
    st.tuples(
        st.just("extra column"),
        INDEX,
        st.one_of(st.sampled_from(COLUMN_NAMES), st.sampled_from(YEAR_TEXT), CELL),
        CELL,
    ),
    st.tuples(st.just("duplicate row"), INDEX),
    st.tuples(st.just("drop row"), INDEX),
    st.tuples(st.just("cut row"), INDEX, INDEX),
    st.tuples(st.just("no rows")),
)
BYTES = st.one_of(
    st.just(("as written",)),
    st.tuples(st.just("bom"), st.sampled_from(["add", "remove", "double"])),
    st.tuples(
        st.just("encoding"), st.sampled_from(["latin-1", "cp1252", "utf-16", "utf-16-le"]), st.booleans()
    ),
    st.tuples(st.just("line ends"), st.sampled_from(["\n", "\r\n", "\r"])),
    st.tuples(st.just("truncated"), st.floats(0, 1)),
    st.tuples(st.just("flipped bytes"), st.lists(st.tuples(INDEX, st.integers(0, 7)), min_size=1, max_size=4)),
    st.tuples(st.just("inserted bytes"), INDEX, st.binary(min_size=1, max_size=8)),
    st.tuples(st.just("random bytes"), st.binary(max_size=600)),
    st.tuples(st.just("empty file")),
)  # fmt: skip
EDITS = st.lists(EDIT, max_size=3)

Table = list[list[str]]


def apply_edits(header: list[str], rows: Table, edits: list[tuple]) -> tuple[list[str], Table]:
    """Apply logical edits to a header and rows (indices wrap around the current shape)."""
    header, rows = list(header), [list(r) for r in rows]
    for edit in edits:
        kind, width = edit[0], max(len(header), 1)
        if kind == "cell" and rows:
            row = rows[edit[1] % len(rows)]
            if row:
                row[edit[2] % len(row)] = edit[3]
        elif kind == "header" and header:
            header[edit[1] % len(header)] = edit[2]
        elif kind == "drop column" and header:
            at = edit[1] % width
            header, rows = header[:at] + header[at + 1 :], [r[:at] + r[at + 1 :] for r in rows]
        elif kind == "extra column":
            at = edit[1] % (width + 1)
            header = [*header[:at], edit[2], *header[at:]]
            rows = [[*r[:at], edit[3], *r[at:]] for r in rows]
        elif kind == "duplicate row" and rows:
            rows.append(list(rows[edit[1] % len(rows)]))
        elif kind == "drop row" and rows:
            del rows[edit[1] % len(rows)]
        elif kind == "cut row" and rows:
            at = edit[1] % len(rows)
            rows[at] = rows[at][: edit[2] % (len(rows[at]) + 1)]
        elif kind == "no rows":
            rows = []
    return header, rows


def apply_bytes(data: bytes, edit: tuple) -> bytes:
    kind = edit[0]
    bom = b"\xef\xbb\xbf"
    if kind == "bom":
        plain = data.removeprefix(bom)
        return {"add": bom + plain, "remove": plain, "double": bom + bom + plain}[edit[1]]
    if kind == "encoding":
        text = data.decode("utf-8-sig", errors="replace")
        if edit[2]:  # an accented letter, so that the encoding matters
            text = text.replace("e", "\u00e9", 1)
        return text.encode(edit[1], errors="replace")
    if kind == "line ends":
        text = data.decode("utf-8", errors="surrogateescape")
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", edit[1])
        return text.encode("utf-8", errors="surrogateescape")
    if kind == "truncated":
        return data[: int(len(data) * edit[1])]
    if kind == "flipped bytes" and data:
        out = bytearray(data)
        for at, bit in edit[1]:
            out[at % len(out)] ^= 1 << bit
        return bytes(out)
    if kind == "inserted bytes":
        at = edit[1] % (len(data) + 1)
        return data[:at] + edit[2] + data[at:]
    if kind == "random bytes":
        return edit[1]
    if kind == "empty file":
        return b""
    return data


def labels(edits: list[tuple], byte_edit: tuple) -> list[str]:
    return [e[0] for e in edits] + ([byte_edit[0]] if byte_edit[0] != "as written" else [])


# --- comparisons --------------------------------------------------------------------------------


def same_values(got: dict, want: dict) -> None:
    assert got.keys() == want.keys(), (sorted(set(got) ^ set(want))[:5], len(got), len(want))
    for key, value in want.items():
        assert got[key] == pytest.approx(value, rel=1e-12, abs=0.0), key


def obs_values(obs: pd.DataFrame, *, indicator: bool = False) -> dict:
    cols = ["economy", "indicator", "year"] if indicator else ["economy", "year"]
    return {
        tuple(int(x) if c == "year" else str(x) for c, x in zip(cols, key, strict=True)): v
        for *key, v in obs[[*cols, "value"]].itertuples(index=False, name=None)
    }


def compare_coded(path: Path) -> Callable[[Any, Any], None]:
    def compare(result: Any, expected: tuple[str, dict]) -> None:
        obs = result if isinstance(result, pd.DataFrame) else result.observations
        assert_observations(obs, path)
        code, values = expected
        assert set(obs["indicator"]) <= {code}
        same_values(obs_values(obs), values)

    return compare


# --- mutated files on disk ------------------------------------------------------------------------


def write_bytes(path: Path, byte_edit: tuple) -> None:
    path.write_bytes(apply_bytes(path.read_bytes(), byte_edit))


JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=6,
)  # fmt: skip
PACKAGE_EDIT = st.one_of(
    st.just(("as written",)),
    st.tuples(st.just("drop key"), st.sampled_from(["name", "resources", "title", "licenses"])),
    st.tuples(st.just("set key"), st.sampled_from(["name", "resources", "title", "licenses"]), JSON_VALUE),
    st.tuples(st.just("resource path"), st.sampled_from(["/etc/passwd.csv", "../data.csv", "DATA.CSV", "data.json", "sub/data.csv", "data.csv", "missing.csv"])),
    st.tuples(st.just("schema fields"), st.lists(st.sampled_from([*LONG_FIELDS, "Extra"]), max_size=6)),
    st.tuples(st.just("second resource"), st.booleans()),
    st.tuples(st.just("package bytes"), BYTES),
    st.tuples(st.just("deeply nested"), st.integers(10, 100_000)),
)  # fmt: skip


def edited_package(fields: list[str], edit: tuple) -> tuple[dict | None, bytes | None]:
    """The datapackage after one edit: a dict to dump, or raw bytes to write as they are."""
    package = fixture_package(fields=fields)
    kind = edit[0]
    if kind == "drop key":
        package.pop(edit[1], None)
    elif kind == "set key":
        package[edit[1]] = edit[2]
    elif kind == "resource path":
        package["resources"][0]["path"] = edit[1]
    elif kind == "schema fields":
        package["resources"][0]["schema"]["fields"] = [{"name": f} for f in edit[1]]
    elif kind == "second resource":
        package["resources"].append({**package["resources"][0], "path": "data.csv" if edit[1] else "x.txt"})  # fmt: skip
    elif kind == "package bytes":
        return None, apply_bytes(json.dumps(package).encode(), edit[1])
    elif kind == "deeply nested":
        return None, b"[" * edit[1] + b"]" * edit[1]
    return package, None


# --- huge files and regression tests -------------------------------------------------------------


def timed_load(call: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    result = call()
    return result, time.perf_counter() - start


def assert_clear_error(path: Path, call: Callable[[], Any]) -> None:
    with pytest.raises(SourceFormatError) as caught:
        call()
    assert str(path) in str(caught.value)
