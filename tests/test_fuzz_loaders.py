"""Property tests over every source loader with mutated files in the real layouts.

Each test starts from a small valid file written by the fixture builders of the loader's own
tests, mutates it (cells, columns, rows, header; encodings, BOMs, line ends, truncation, flipped,
inserted or random bytes, empty files) and checks one property:

    the loader returns a correct table, or raises SourceFormatError naming the file;
    never any other exception.

"Correct" is decided by an independent reference reader of the final bytes (Python's csv module
plus the layout rules each loader documents): a returned table must be schema-valid
(indicators.schema.check_observations) and hold exactly the values the file holds. For the xlsx
workbooks the reference is weaker: a returned table must be schema-valid, and values not
touched by the mutation must be unchanged.

The bugs this module found (non-UTF-8 and oversized CSV fields, deeply nested or duplicated
datapackage fields, damaged xlsx worksheets, years after 2035) are fixed; each keeps a
regression test at the end of this module.

Runs in the default suite with few deterministic examples. `make fuzz` sets
WSIS_FUZZ_EXAMPLES (random, many examples) and WSIS_FUZZ_REPORT (a JSON-lines log of every
example: loader, mutations, outcome); `python tests/test_fuzz_loaders.py LOG` summarises it.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import math
import os
import re
import sys
import tempfile
import time
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from test_ddf import FIXTURE_CONCEPT, fixture_ddf
from test_ddf import fixture_rows as ddf_rows
from test_itu_datahub import HEADER as DATAHUB_HEADER
from test_itu_datahub import fixture_rows as datahub_rows
from test_itu_datahub import write_datahub
from test_itu_keyict import build_workbook
from test_wb_classification import build_class, build_history
from test_wb_csv import (
    COUNTRY_HEADER,
    fixture_api_csv,
    fixture_country_metadata,
    fixture_country_rows,
    fixture_table,
)
from test_wb_long import FIELDS as LONG_FIELDS
from test_wb_long import fixture_long_series, fixture_package
from test_wb_long import fixture_rows as long_rows

from indicators import ddf, itu_datahub, itu_keyict, wb_classification, wb_csv, wb_long
from indicators.errors import SourceFormatError
from indicators.schema import FIRST_YEAR, LAST_YEAR, OBSERVATION_COLUMNS, check_observations

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


# --- the reference reader -----------------------------------------------------------------------


def records_of(data: bytes) -> list[list[str]] | Invalid:
    """CSV records of the bytes as UTF-8 (one BOM allowed), blank lines kept as []."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return Invalid("not UTF-8")
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        return Invalid(f"csv: {exc}")


def number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def blank(fields: list[str]) -> bool:
    return not any(f.strip() for f in fields)


def body_cells(rows: Table, width: int) -> Table | Invalid:
    """Rows cut to `width` stripped cells; shorter rows and text beyond the width are errors."""
    out = []
    for row in rows:
        if len(row) < width or not blank(row[width:]):
            return Invalid("row width")
        out.append([_np_strip(cell) for cell in row[:width]])
    return out


def _np_strip(cell: str) -> str:
    """Strip as wb_csv does (np.char.strip on fixed-width strings, which drop trailing NULs)."""
    return cell.rstrip("\x00").strip().rstrip("\x00")


def ref_indicator_csv(records: list[list[str]]) -> tuple[str, dict] | Invalid:
    """World Bank per-indicator download: (indicator code, {(economy, year): value})."""
    content = [r for r in records if not blank(r)]
    at = 0
    while at < len(content) and content[at][0].strip() in ("Data Source", "Last Updated Date"):
        fields = content[at]
        if blank(fields[1:2]) or not blank(fields[2:]):
            return Invalid("preamble")
        if fields[0].strip() == "Last Updated Date" and not any(
            _parses(fields[1].strip(), fmt) for fmt in ("%Y-%m-%d", "%m/%d/%Y")
        ):
            return Invalid("date")
        at += 1
    if at >= len(content):
        return Invalid("no header")
    names = [n.strip() for n in content[at]]
    if names[:4] != list(wb_csv.ID_COLUMNS):
        return Invalid("id columns")
    width = len(names) - 1 if names[-1] == "" and len(names) > 4 else len(names)
    years = [int(n) if re.fullmatch(r"\d{4}", n) else None for n in names[4:width]]
    if not years or None in years or len(set(years)) != len(years):
        return Invalid("year columns")
    rows = body_cells(content[at + 1 :], width)
    if isinstance(rows, Invalid) or not rows:
        return rows if isinstance(rows, Invalid) else Invalid("no rows")
    codes = [r[1] for r in rows]
    if "" in codes or len(set(codes)) != len(codes) or {r[3] for r in rows} != {rows[0][3]}:
        return Invalid("codes")
    if rows[0][3] == "":
        return Invalid("indicator code")
    values: dict[tuple[str, int], float] = {}
    for r in rows:
        for year, text in zip(years, r[4:], strict=True):
            if text:
                value = number(text)
                if value is None:
                    return Invalid("value")
                values[(r[1], year)] = value
    last = max(years)
    if last - 1 in years:  # the documented 'bogus zero' rule
        for code in codes:
            if values.get((code, last)) == 0 and values.get((code, last - 1), 0) > 1:
                del values[(code, last)]
    return rows[0][3], {k: v for k, v in values.items() if k[1] >= FIRST_YEAR}


def _parses(text: str, fmt: str) -> bool:
    try:
        datetime.strptime(text, fmt)
    except ValueError:
        return False
    return True


def ref_country_metadata(records: list[list[str]]) -> list[tuple] | Invalid:
    content = [r for r in records if not blank(r)]
    if not content:
        return Invalid("empty")
    names = [n.strip() for n in content[0]]
    width = len(names) - 1 if names and names[-1] == "" else len(names)
    if any(c not in names[:width] for c in wb_csv.COUNTRY_COLUMNS):
        return Invalid("columns")
    rows = body_cells(content[1:], width)
    if isinstance(rows, Invalid) or not rows:
        return rows if isinstance(rows, Invalid) else Invalid("no rows")
    at = {c: names.index(c) for c in wb_csv.COUNTRY_COLUMNS}
    out = [tuple(r[at[c]] for c in wb_csv.COUNTRY_COLUMNS) for r in rows]
    if len({t[0] for t in out}) != len(out):
        return Invalid("duplicate code")
    # (code, name, region, income group, notes, is_aggregate), sorted by code
    return sorted(((t[0], t[1], t[2], t[3], t[4], t[2] == "") for t in out), key=lambda t: t[0])


def ref_long(folder: Path) -> tuple[str, dict] | Invalid:
    """wb_long: the datapackage, then its CSV; (indicator code, {(economy, year): value})."""
    try:
        package = json.loads((folder / "datapackage.json").read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return Invalid("package not JSON")
    if not isinstance(package, dict):
        return Invalid("package not an object")
    name = package.get("name")
    resources = package.get("resources")
    if not isinstance(name, str) or not name.strip() or not isinstance(resources, list):
        return Invalid("package name or resources")
    found = [
        r
        for r in resources
        if isinstance(r, dict) and isinstance(r.get("path"), str) and r["path"].lower().endswith(".csv")
    ]  # fmt: skip
    if len(found) != 1:
        return Invalid("csv resources")
    relative = PurePosixPath(found[0]["path"])
    if relative.is_absolute() or ".." in relative.parts or not (folder / relative).is_file():
        return Invalid("resource path")
    schema = found[0].get("schema")
    fields = schema.get("fields") if isinstance(schema, dict) else None
    names = [f.get("name") for f in fields if isinstance(f, dict)] if isinstance(fields, list) else []  # fmt: skip
    if any(n not in names for n in ("Country Code", "Year", "Value")):
        return Invalid("schema fields")
    fields_ = [str(n) for n in names]
    if any(fields_.count(n) > 1 for n in ("Country Code", "Year", "Value")):
        return Invalid("schema names a needed field twice")
    records = records_of((folder / relative).read_bytes())
    if isinstance(records, Invalid):
        return records
    content = [r for r in records if not blank(r)]
    if not content or [h.strip() for h in content[0]] != fields_:
        return Invalid("header")
    if any(len(r) != len(fields_) for r in content[1:]):
        return Invalid("row width")
    code_at, year_at, value_at = (fields_.index(c) for c in ("Country Code", "Year", "Value"))
    values: dict[tuple[str, int], float | None] = {}
    for r in content[1:]:
        code, year, text = r[code_at].strip(), r[year_at].strip(), r[value_at].strip()
        if not code or not re.fullmatch(r"\d{4}", year):
            return Invalid("code or year")
        value = number(text) if text else None
        if text and value is None:
            return Invalid("value")
        if (code, int(year)) in values:
            return Invalid("duplicate")
        values[(code, int(year))] = value
    kept = {k: v for k, v in values.items() if v is not None and k[1] >= FIRST_YEAR}
    return name.strip().upper(), kept


def ref_ddf(records: list[list[str]], path: Path) -> tuple[str, dict] | Invalid:
    content = [r for r in records if not blank(r)]
    if not content:
        return Invalid("empty")
    names = [n.strip() for n in content[0]]
    if len(names) != 3 or names[:2] != ["geo", "time"]:
        return Invalid("header")
    concept = names[2]
    named = re.fullmatch(r"ddf--datapoints--([a-z0-9_]+)--by--geo--time\.csv", path.name)
    if not re.fullmatch(r"[a-z][a-z0-9_]*", concept) or (named and named[1] != concept):
        return Invalid("concept")
    values: dict[tuple[str, int], float] = {}
    for r in content[1:]:
        if len(r) != 3:
            return Invalid("row width")
        geo, year, text = (c.strip() for c in r)
        economy = ddf.GEO_ALIASES.get(geo) or (
            geo.upper() if re.fullmatch("[a-z]{3}", geo) else None
        )
        value = number(text)
        if economy is None or not re.fullmatch(r"\d{4}", year) or value is None:
            return Invalid("cell")
        if (economy, int(year)) in values:
            return Invalid("duplicate")
        values[(economy, int(year))] = value
    return ddf.concept_to_indicator(concept), {
        k: v for k, v in values.items() if k[1] >= FIRST_YEAR
    }


def ref_datahub(records: list[list[str]]) -> dict | Invalid:
    """{(economy, indicator, year): (value, estimate)} of a DataHub export."""
    if not records or blank(records[0]):
        return Invalid("no header")
    header = [h.strip() for h in records[0]]
    if any(c not in header for c in itu_datahub.REQUIRED_COLUMNS):
        return Invalid("columns")
    values: dict[tuple[str, str, int], tuple[float, bool]] = {}
    for cells in records[1:]:
        if blank(cells):
            continue
        if len(cells) != len(header):
            return Invalid("row width")
        rec = dict(zip(header, cells, strict=True))
        code, iso = rec["seriesCode"].strip(), rec["entityIso"].strip().upper()
        value = number(rec["dataValue"].strip())
        if (
            not code
            or not iso
            or value is None
            or not re.match(r"^\d{4}$", rec["dataYear"].strip())
        ):
            return Invalid("cell")
        key = (itu_datahub.ITU_TO_WB_CODES.get(iso, iso), code, int(rec["dataYear"]))
        if key in values:
            return Invalid("duplicate")
        said = rec["dataSource"] + " " + rec["dataNote"]
        values[key] = (value, bool(re.search(r"itu\s+estimate", said, re.IGNORECASE)))
    if not values:
        return Invalid("no rows")
    return {k: v for k, v in values.items() if k[2] >= FIRST_YEAR}


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


# --- CSV loaders --------------------------------------------------------------------------------


def write_bytes(path: Path, byte_edit: tuple) -> None:
    path.write_bytes(apply_bytes(path.read_bytes(), byte_edit))


@FUZZ
@given(
    variant=st.sampled_from(["original", "spreadsheet", "stripped"]), edits=EDITS, byte_edit=BYTES
)
def test_wb_indicator_csv(variant: str, edits: list[tuple], byte_edit: tuple) -> None:
    header, rows = apply_edits(*fixture_table(variant), edits)
    with tempfile.TemporaryDirectory() as tmp:
        path = fixture_api_csv(Path(tmp), variant, header, rows).path
        write_bytes(path, byte_edit)
        records = records_of(path.read_bytes())
        expected = records if isinstance(records, Invalid) else ref_indicator_csv(records)
        finish(
            "wb_csv",
            [variant, *labels(edits, byte_edit)],
            path,
            lambda: wb_csv.read_indicator_csv(path, source=SOURCE, vintage=VINTAGE),
            expected,
            compare_coded(path),
        )


@FUZZ
@given(edits=EDITS, byte_edit=BYTES)
def test_wb_country_metadata(edits: list[tuple], byte_edit: tuple) -> None:
    header, rows = apply_edits(COUNTRY_HEADER, fixture_country_rows(), edits)

    def compare(result: pd.DataFrame, expected: list[tuple]) -> None:
        cols = ["code", "name", "region", "income_group", "special_notes", "is_aggregate"]
        assert list(result.columns) == cols
        assert list(result.itertuples(index=False, name=None)) == expected

    with tempfile.TemporaryDirectory() as tmp:
        path = fixture_country_metadata(Path(tmp), header, rows)
        write_bytes(path, byte_edit)
        records = records_of(path.read_bytes())
        expected = records if isinstance(records, Invalid) else ref_country_metadata(records)
        finish(
            "wb_csv metadata",
            labels(edits, byte_edit),
            path,
            lambda: wb_csv.read_country_metadata(path),
            expected,
            compare,
        )


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


@FUZZ
@given(edits=EDITS, byte_edit=BYTES, package_edit=PACKAGE_EDIT, sync=st.booleans())
def test_wb_long_series(
    edits: list[tuple], byte_edit: tuple, package_edit: tuple, sync: bool
) -> None:
    header, rows = apply_edits(LONG_FIELDS, long_rows(), edits)
    package, raw = edited_package(header if sync else LONG_FIELDS, package_edit)
    with tempfile.TemporaryDirectory() as tmp:
        folder = fixture_long_series(Path(tmp), rows=rows, header=header, package=package)
        if raw is not None:
            (folder / "datapackage.json").write_bytes(raw)
        write_bytes(folder / "data.csv", byte_edit)
        finish(
            "wb_long",
            [*labels(edits, byte_edit), package_edit[0]],
            folder,
            lambda: wb_long.read_long_series(folder, source=SOURCE, vintage=VINTAGE),
            ref_long(folder),
            compare_coded(folder),
        )


@FUZZ
@given(edits=EDITS, byte_edit=BYTES, renamed=st.booleans())
def test_ddf_datapoints(edits: list[tuple], byte_edit: tuple, renamed: bool) -> None:
    header, rows = apply_edits(["geo", "time", FIXTURE_CONCEPT], ddf_rows(), edits)
    name = "datapoints.csv" if renamed else f"ddf--datapoints--{FIXTURE_CONCEPT}--by--geo--time.csv"
    with tempfile.TemporaryDirectory() as tmp:
        try:
            path = fixture_ddf(Path(tmp), rows=rows, header=",".join(header), name=name)
        except UnicodeEncodeError:  # the builder writes ASCII; write other text as UTF-8
            path = Path(tmp) / name
            lines = [",".join(header), *(",".join(r) for r in rows)]
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        write_bytes(path, byte_edit)
        records = records_of(path.read_bytes())
        finish(
            "ddf",
            labels(edits, byte_edit),
            path,
            lambda: ddf.read_ddf_datapoints(path, source=SOURCE, vintage=VINTAGE),
            records if isinstance(records, Invalid) else ref_ddf(records, path),
            compare_coded(path),
        )


@FUZZ
@given(edits=EDITS, byte_edit=BYTES)
def test_itu_datahub(edits: list[tuple], byte_edit: tuple) -> None:
    header, rows = apply_edits(DATAHUB_HEADER, datahub_rows(), edits)

    def compare(result: itu_datahub.DataHubFile, expected: dict) -> None:
        obs = result.observations
        assert_observations(obs, path)
        same_values(obs_values(obs, indicator=True), {k: v for k, (v, _) in expected.items()})
        flags = {(r.economy, r.indicator, int(r.year)): bool(r.estimate) for r in obs.itertuples()}
        assert flags == {k: e for k, (_, e) in expected.items()}
        assert set(result.entities["code"]) == set(obs["economy"])

    with tempfile.TemporaryDirectory() as tmp:
        path = write_datahub(Path(tmp) / "datahub.csv", rows, header)
        write_bytes(path, byte_edit)
        records = records_of(path.read_bytes())
        finish(
            "itu_datahub",
            labels(edits, byte_edit),
            path,
            lambda: itu_datahub.read_datahub_csv(path, source=SOURCE, vintage=VINTAGE),
            records if isinstance(records, Invalid) else ref_datahub(records),
            compare,
        )


# --- xlsx workbooks -----------------------------------------------------------------------------

XLSX_TEXT = [t for t in ODD_TEXT if len(t) < 1000 and not ILLEGAL_CHARACTERS_RE.search(t)]
XLSX_VALUE = st.one_of(
    st.none(),
    st.sampled_from(XLSX_TEXT),
    st.text(max_size=8).filter(lambda t: not ILLEGAL_CHARACTERS_RE.search(t)),
    st.sampled_from([1899, 1989, 1995, 2004, 2023, 2036, 2100, 0, -1, 250]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2030, 1, 1)).map(
        lambda d: d.replace(microsecond=0)  # Excel keeps about a millisecond
    ),
)
XLSX_EDIT = st.one_of(
    st.tuples(st.just("cell"), INDEX, INDEX, INDEX, XLSX_VALUE),
    st.tuples(st.just("delete row"), INDEX, INDEX),
    st.tuples(st.just("insert row"), INDEX, INDEX),
    st.tuples(st.just("remove sheet"), INDEX),
    st.tuples(st.just("rename sheet"), INDEX, st.text(min_size=1, max_size=8).filter(str.isalnum)),
)
XLSX_BYTES = st.one_of(
    st.just(("as written",)),
    st.tuples(st.just("damaged member"), INDEX, st.floats(0, 0.99)),
    st.tuples(st.just("truncated"), st.floats(0, 1)),
    st.tuples(st.just("flipped bytes"), st.lists(st.tuples(INDEX, st.integers(0, 7)), min_size=1, max_size=3)),
    st.tuples(st.just("inserted bytes"), INDEX, st.binary(min_size=1, max_size=8)),
    st.tuples(st.just("random bytes"), st.binary(max_size=600)),
    st.tuples(st.just("csv text"),),
    st.tuples(st.just("empty file"),),
)  # fmt: skip
XLSX_LOADERS: dict[str, tuple[Callable[[Path], Any], Callable[[Path], Any]]] = {
    "itu_keyict": (build_workbook, lambda p: itu_keyict.read_key_ict_workbook(p, source=SOURCE)),
    "class": (build_class, wb_classification.read_class_workbook),
    "history": (build_history, wb_classification.read_income_history),
    "thresholds": (build_history, wb_classification.income_thresholds),
}
HISTORY_TOP = 11  # rows 1-11 of the history sheet: titles, fiscal-year header, thresholds


@functools.cache
def xlsx_base(loader: str) -> tuple[bytes, Any]:
    """The unmutated workbook of a loader and what the loader reads from it."""
    build, read = XLSX_LOADERS[loader]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "base.xlsx"
        build(path)
        path.write_bytes(deterministic(path.read_bytes()))
        return path.read_bytes(), read(path)


@functools.cache
def history_codes_by_row() -> dict[int, str]:
    """Economy code in column A of each row of the fixture's history sheet."""
    book = openpyxl.load_workbook(io.BytesIO(xlsx_base("history")[0]), read_only=True)
    sheet = book[wb_classification.HISTORY_SHEET]
    codes = {n: str(r[0]) for n, r in enumerate(sheet.iter_rows(values_only=True), 1) if r and r[0]}
    book.close()
    return codes


def deterministic(data: bytes) -> bytes:
    """The same workbook with fixed zip and document timestamps, so that byte offsets (and so
    byte-level mutations) do not depend on when the workbook was saved."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    stamp = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as sink:
        for item in source.infolist():
            content = stamp.sub(b"2000-01-01T00:00:00Z", source.read(item.filename))
            fixed = zipfile.ZipInfo(item.filename, date_time=(2000, 1, 1, 0, 0, 0))
            sink.writestr(fixed, content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def apply_xlsx_edits(data: bytes, edits: list[tuple]) -> tuple[bytes, set[int], set[str]]:
    """Edit the workbook; return its bytes, the rows edited in the 3rd sheet (the history
    sheet of the OGHIST fixture) and the texts written."""
    rows: set[int] = set()
    written: set[str] = set()
    if not edits:
        return data, rows, written
    book = openpyxl.load_workbook(io.BytesIO(data))
    for edit in edits:
        sheets = book.worksheets
        ws = sheets[edit[1] % len(sheets)] if len(edit) > 1 and sheets else None
        if ws is None:
            continue
        hit = (lambda r: rows.add(r)) if len(sheets) > 2 and ws is sheets[2] else (lambda r: None)
        if edit[0] == "cell":
            row, col = 1 + edit[2] % (ws.max_row + 2), 1 + edit[3] % (ws.max_column + 1)
            ws.cell(row=row, column=col).value = edit[4]
            hit(row)
            text = "" if edit[4] is None else str(edit[4]).strip()
            empty = text in ("", "..", "None") or text.startswith("=")  # a formula reads as empty
            written |= {text, "None"} if empty else {text}
            if isinstance(edit[4], float) and edit[4].is_integer():  # read back as an int
                written.add(str(int(edit[4])))
        elif edit[0] in ("delete row", "insert row"):
            row = 1 + edit[2] % (ws.max_row + 1)
            (ws.delete_rows if edit[0] == "delete row" else ws.insert_rows)(row)
            hit(0)  # every row below moved
        elif edit[0] == "remove sheet" and len(sheets) > 1:
            book.remove(ws)
            rows.add(0)
        elif edit[0] == "rename sheet":
            ws.title = edit[2]
            rows.add(0)
    out = io.BytesIO()
    book.save(out)
    return deterministic(out.getvalue()), rows, written


def apply_xlsx_bytes(data: bytes, edit: tuple) -> bytes:
    if edit[0] == "damaged member":
        source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
        members = source.infolist()
        target = members[edit[1] % len(members)].filename
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as sink:
            for item in members:
                content = source.read(item.filename)
                if item.filename == target:
                    content = content[: int(len(content) * edit[2])]
                sink.writestr(item, content)
        return out.getvalue()
    if edit[0] == "csv text":
        return b"Economy,Code\nEconomy 1,E01\n"
    return apply_bytes(data, edit)


def facts(loader: str, result: Any) -> set[tuple]:
    """What a loader read, as comparable tuples (missing values as None)."""

    def rows(frame: pd.DataFrame) -> set[tuple]:
        return {
            tuple(None if pd.isna(x) else x for x in r)
            for r in frame.itertuples(index=False, name=None)
        }

    if loader == "itu_keyict":
        return rows(result.observations[["economy", "indicator", "year", "value"]])
    if loader == "class":
        return {("economy", *r) for r in rows(result.economies)} | {
            ("group", *r) for r in rows(result.groups)
        }
    return rows(result)


def assert_xlsx_schema(loader: str, result: Any, path: Path) -> None:
    if loader == "itu_keyict":
        assert_observations(result.observations, path, vintage=result.vintage)
        assert set(result.entities["code"]) == set(result.observations["economy"])
    elif loader == "class":
        eco, groups = result.economies, result.groups
        assert list(eco.columns) == ["code", "name", "region", "income_group", "lending_category"]
        assert eco["code"].is_unique and (eco["code"].str.len() > 0).all()
        assert set(eco["income_group"].dropna()) <= set(wb_classification.INCOME_GROUPS)
        assert set(eco["lending_category"].dropna()) <= set(wb_classification.LENDING_CATEGORIES)
        assert list(groups.columns) == ["group_code", "group_name", "economy"]
        assert set(groups["economy"]) <= set(eco["code"])
        assert not groups.duplicated(["group_code", "economy"]).any()
    elif loader == "history":
        assert list(result.columns) == ["economy", "fiscal_year", "income_group"]
        assert result["fiscal_year"].dtype.kind == "i"
        assert set(result["income_group"].dropna()) <= set(wb_classification.HISTORY_CODES)
        assert not result.duplicated(["economy", "fiscal_year"]).any()
    else:
        assert list(result.columns) == ["fiscal_year", "gni_year", "group", "low", "high"]
        for _, part in result.groupby("fiscal_year"):
            assert list(part["group"]) == list(wb_classification.HISTORY_CODES)
            assert (part["high"].to_numpy()[:-1] == part["low"].to_numpy()[1:]).all()


def xlsx_compare(loader: str, path: Path, edits: list[tuple], rows: set[int], written: set[str]):
    base = facts(loader, xlsx_base(loader)[1])

    numbers = [n for w in written if (n := number(w)) is not None]

    def was_written(x: object) -> bool:  # numbers come back from Excel's 15-17 digits
        value = number(str(x).strip())
        near = value is not None and any(math.isclose(value, n, rel_tol=1e-9) for n in numbers)
        return str(x).strip() in written or near

    def compare(result: Any, _expected: object) -> None:
        assert_xlsx_schema(loader, result, path)
        got = facts(loader, result)
        if not edits:  # only the bytes changed: all or nothing
            assert got == base
        elif loader == "itu_keyict":  # a value is one the fixture wrote or the mutation wrote
            known = {f[3] for f in base}
            assert all(f[3] in known or was_written(f[3]) for f in got - base)
        elif loader == "class":
            assert all(any(was_written(x) for x in f) for f in got - base)
        elif loader == "history" and not (rows & set(range(HISTORY_TOP + 1))):
            codes = history_codes_by_row()
            touched = {codes.get(r) for r in rows} | written
            assert all(f[0] in touched or str(f[2]) in written for f in got - base)
        elif loader == "thresholds" and not (rows & set(range(HISTORY_TOP + 1))):
            assert got == base

    return compare


@FUZZ
@given(
    loader=st.sampled_from(sorted(XLSX_LOADERS)),
    edits=st.lists(XLSX_EDIT, max_size=3),
    byte_edit=XLSX_BYTES,
)
def test_xlsx_workbooks(loader: str, edits: list[tuple], byte_edit: tuple) -> None:
    data, rows, written = apply_xlsx_edits(xlsx_base(loader)[0], edits)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.xlsx"
        path.write_bytes(apply_xlsx_bytes(data, byte_edit))
        finish(
            loader,
            [e[0] for e in edits] + [byte_edit[0]],
            path,
            lambda: XLSX_LOADERS[loader][1](path),
            None,
            xlsx_compare(loader, path, edits, rows, written),
        )


# --- huge files: one example each, values checked, time reported ------------------------------

HUGE_ROWS = 200_000


def huge_value(i: int, year: int) -> float:
    return round(0.25 * (i % 997) + 0.5 * (year - 2000), 2)


def timed_load(call: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    result = call()
    return result, time.perf_counter() - start


def assert_huge(obs: pd.DataFrame, path: Path, keys: list[tuple[str, int]], seconds: float) -> None:
    assert_observations(obs, path)
    values = obs.set_index(["economy", "year"])["value"]
    for code, year in keys:
        assert values[(code, year)] == huge_value(int(code[1:]), year)
    print(f"{path.name}: {len(obs):,} rows read in {seconds:.1f} s")
    assert seconds < 180  # bounded: no quadratic behaviour on large files


def test_huge_wb_indicator_csv(tmp_path: Path) -> None:
    years = list(range(2000, 2006))
    header = [*wb_csv.ID_COLUMNS, *map(str, years)]
    rows = [
        [f"Economy {i}", f"C{i:06d}", "Huge", "XX.HUGE", *(repr(huge_value(i, y)) for y in years)]
        for i in range(HUGE_ROWS // len(years))
    ]
    path = fixture_api_csv(tmp_path, "original", header, rows).path
    result, seconds = timed_load(lambda: wb_csv.read_indicator_csv(path, source=SOURCE, vintage=VINTAGE))  # fmt: skip
    assert len(result.observations) == len(rows) * len(years)
    assert_huge(result.observations, path, [("C000000", 2000), (rows[-1][1], 2005)], seconds)


def test_huge_wb_long_series(tmp_path: Path) -> None:
    years = range(2000, 2010)
    rows = [
        [f"Economy {i}", f"C{i:06d}", str(y), repr(huge_value(i, y))]
        for i in range(HUGE_ROWS // len(years))
        for y in years
    ]
    folder = fixture_long_series(tmp_path, rows=rows)
    result, seconds = timed_load(
        lambda: wb_long.read_long_series(folder, source=SOURCE, vintage=VINTAGE)
    )
    assert len(result.observations) == len(rows)
    assert_huge(result.observations, folder / "data.csv", [("C000007", 2003)], seconds)


def test_huge_ddf_datapoints(tmp_path: Path) -> None:
    letters = "abcdefghijklmnopqrstuvwxyz"
    aliased = {code.lower() for code in ddf.GEO_ALIASES.values()}  # 'xkx' would clash with 'kos'
    geos = [g for a in letters for b in letters for c in letters if (g := a + b + c) not in aliased]
    years = range(2000, 2012)
    rows = [[geo, str(y), repr(huge_value(i, y))] for i, geo in enumerate(geos) for y in years]
    path = fixture_ddf(tmp_path, rows=rows)
    obs, seconds = timed_load(lambda: ddf.read_ddf_datapoints(path, source=SOURCE, vintage=VINTAGE))
    assert len(obs) == len(rows) >= HUGE_ROWS
    values = obs.set_index(["economy", "year"])["value"]
    assert values[("ZZZ", 2011)] == huge_value(len(geos) - 1, 2011)
    assert_observations(obs, path)
    print(f"{path.name}: {len(obs):,} rows read in {seconds:.1f} s")


def test_huge_itu_datahub(tmp_path: Path) -> None:
    template = datahub_rows()[0]
    years = range(2000, 2010)
    at = {name: DATAHUB_HEADER.index(name) for name in ("entityIso", "dataValue", "dataYear")}
    rows = []
    for i in range(HUGE_ROWS // len(years)):
        for y in years:
            row = list(template)
            row[at["entityIso"]], row[at["dataYear"]] = f"C{i:06d}", str(y)
            row[at["dataValue"]] = repr(huge_value(i, y))
            rows.append(row)
    path = write_datahub(tmp_path / "huge.csv", rows)
    result, seconds = timed_load(
        lambda: itu_datahub.read_datahub_csv(path, source=SOURCE, vintage=VINTAGE)
    )
    assert len(result.observations) == len(rows)
    assert_huge(result.observations, path, [("C019999", 2009)], seconds)


def test_huge_country_metadata(tmp_path: Path) -> None:
    rows = [[f"C{i:06d}", "Region", "", "", f"Economy {i}"] for i in range(HUGE_ROWS)]
    path = fixture_country_metadata(tmp_path, COUNTRY_HEADER, rows)
    meta, seconds = timed_load(lambda: wb_csv.read_country_metadata(path))
    assert len(meta) == HUGE_ROWS and meta["code"].is_monotonic_increasing
    assert meta.set_index("code").loc["C123456", "name"] == "Economy 123456"
    print(f"{path.name}: {len(meta):,} rows read in {seconds:.1f} s")


def test_huge_income_history(tmp_path: Path) -> None:
    """200,000 cells (5,000 economies x 40 fiscal years) in the OGHIST layout."""
    path = tmp_path / "OGHIST.xlsx"
    build_history(path)
    book = openpyxl.load_workbook(path)
    ws = book[wb_classification.HISTORY_SHEET]
    first_row, n_years = 12, ws.max_column - 2
    codes = wb_classification.HISTORY_CODES
    for i in range(5_000):
        cells = [codes[(i + k) % len(codes)] for k in range(n_years)]
        for col, value in enumerate([f"H{i:05d}", f"Economy {i}", *cells], start=1):
            ws.cell(row=first_row + i, column=col, value=value)
    book.save(path)
    table, seconds = timed_load(lambda: wb_classification.read_income_history(path))
    assert len(table) == 5_000 * n_years
    got = table.set_index(["economy", "fiscal_year"])["income_group"]
    assert got[("H04999", 2026)] == codes[(4_999 + n_years - 1) % len(codes)]
    print(f"{path.name}: {len(table):,} cells read in {seconds:.1f} s")
    assert seconds < 180


# --- regression tests of the bugs this module found (all fixed) ---------------------------


def assert_clear_error(path: Path, call: Callable[[], Any]) -> None:
    with pytest.raises(SourceFormatError) as caught:
        call()
    assert str(path) in str(caught.value)


@pytest.mark.parametrize("encoding", ["latin-1", "utf-16"])
def test_regression_datahub_not_utf8(tmp_path: Path, encoding: str) -> None:
    rows = datahub_rows()
    rows[0][DATAHUB_HEADER.index("entityName")] = "\u00c9conomie"
    path = write_datahub(tmp_path / "datahub.csv", rows)
    path.write_bytes(path.read_text(encoding="utf-8-sig").encode(encoding))
    assert_clear_error(path, lambda: itu_datahub.read_datahub_csv(path, source="s", vintage="v"))


def test_regression_datahub_field_too_large(tmp_path: Path) -> None:
    rows = datahub_rows()
    rows[0][DATAHUB_HEADER.index("dataNote")] = "x" * 140_000
    path = write_datahub(tmp_path / "datahub.csv", rows)
    assert_clear_error(path, lambda: itu_datahub.read_datahub_csv(path, source="s", vintage="v"))


def test_regression_wb_long_deep_json(tmp_path: Path) -> None:
    folder = fixture_long_series(tmp_path)
    (folder / "datapackage.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert_clear_error(
        folder / "datapackage.json",
        lambda: wb_long.read_long_series(folder, source="s", vintage="v"),
    )


def test_regression_wb_long_field_named_twice(tmp_path: Path) -> None:
    fields = [*LONG_FIELDS, "Value"]
    rows = [[*r, r[-1]] for r in long_rows()]
    folder = fixture_long_series(
        tmp_path, rows=rows, header=fields, package=fixture_package(fields)
    )
    assert_clear_error(folder, lambda: wb_long.read_long_series(folder, source="s", vintage="v"))


def _damage_sheets(data: bytes, damage: str) -> bytes:
    """Cut every worksheet's XML in half, or corrupt the CRC-32 of the largest worksheet
    (found only once its rows are read: openpyxl reads small sheets whole when it opens them)."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    sheets = [i for i in source.infolist() if i.filename.startswith("xl/worksheets/")]
    if damage == "invalid cell reference":  # the first cell of the largest sheet: column AEAD
        largest = max(sheets, key=lambda i: i.file_size).filename
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as sink:
            for item in source.infolist():
                content = source.read(item.filename)
                if item.filename == largest:
                    content = re.sub(rb'<c r="[A-Z]+', b'<c r="AEAD', content, count=1)
                sink.writestr(item, content)
        return out.getvalue()
    if damage == "wrong checksum":
        largest = max(sheets, key=lambda i: i.file_size).filename.encode()
        raw, at = bytearray(data), data.find(b"PK\x01\x02")
        while at >= 0:  # central directory entries: CRC at +16, name length at +28, name at +46
            size = int.from_bytes(raw[at + 28 : at + 30], "little")
            if raw[at + 46 : at + 46 + size] == largest:
                raw[at + 16] ^= 0xFF
            at = data.find(b"PK\x01\x02", at + 46)
        return bytes(raw)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as sink:
        for item in source.infolist():
            content = source.read(item.filename)
            sink.writestr(item, content[: len(content) // 2] if item in sheets else content)
    return out.getvalue()


@pytest.mark.parametrize(
    ("loader", "damage"),
    [
        (loader, damage)
        for loader in sorted(XLSX_LOADERS)
        for damage in ("truncated XML", "invalid cell reference")
    ]
    + [("history", "wrong checksum"), ("thresholds", "wrong checksum")],
)
def test_regression_xlsx_damaged_sheet(tmp_path: Path, loader: str, damage: str) -> None:
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(_damage_sheets(xlsx_base(loader)[0], damage))
    assert_clear_error(path, lambda: XLSX_LOADERS[loader][1](path))


def test_thresholds_superscript_year(tmp_path: Path) -> None:
    """'\u00b2' passes str.isdigit(); found by this module, fixed in wb_classification."""
    path = tmp_path / "OGHIST.xlsx"
    build_history(path)
    book = openpyxl.load_workbook(path)
    book[wb_classification.HISTORY_SHEET].cell(row=6, column=5, value="\u00b2\u00b2")
    book.save(path)
    assert_clear_error(path, lambda: wb_classification.income_thresholds(path))


def _year_2036_wb_csv(folder: Path) -> tuple[Path, Callable[[], Any]]:
    header, rows = fixture_table("original")
    rows = [[*r, repr(huge_value(i, 2036))] for i, r in enumerate(rows)]
    path = fixture_api_csv(folder, "original", [*header, "2036"], rows).path
    return path, lambda: wb_csv.read_indicator_csv(path, source="s", vintage="v").observations


def _year_2036_long(folder: Path) -> tuple[Path, Callable[[], Any]]:
    rows = long_rows()
    rows[0][2] = "2036"
    folder = fixture_long_series(folder, rows=rows)
    return folder, lambda: wb_long.read_long_series(folder, source="s", vintage="v").observations


def _year_2036_ddf(folder: Path) -> tuple[Path, Callable[[], Any]]:
    rows = ddf_rows()
    rows[0][1] = "2036"
    path = fixture_ddf(folder, rows=rows)
    return path, lambda: ddf.read_ddf_datapoints(path, source="s", vintage="v")


def _year_2036_datahub(folder: Path) -> tuple[Path, Callable[[], Any]]:
    rows = datahub_rows()
    rows[0][DATAHUB_HEADER.index("dataYear")] = "2036"
    path = write_datahub(folder / "datahub.csv", rows)
    return path, lambda: itu_datahub.read_datahub_csv(path, source="s", vintage="v").observations


def _year_1995_keyict(folder: Path) -> tuple[Path, Callable[[], Any]]:
    path = folder / "keyict.xlsx"
    build_workbook(path)
    book = openpyxl.load_workbook(path)
    ws = book[itu_keyict.MAIN_SHEETS[0]]
    header = next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=7).value == 2020)
    ws.cell(row=header, column=7, value=1995)
    book.save(path)
    return path, lambda: itu_keyict.read_key_ict_workbook(path, source="s").observations


@pytest.mark.parametrize(
    "build",
    [_year_2036_wb_csv, _year_2036_long, _year_2036_ddf, _year_2036_datahub, _year_1995_keyict],
    ids=["wb_csv", "wb_long", "ddf", "itu_datahub", "itu_keyict"],
)
def test_regression_years_outside_schema(tmp_path: Path, build) -> None:
    """A year beyond the schema's range must be refused (naming the file) or left out."""
    path, call = build(tmp_path)
    try:
        obs = call()
    except SourceFormatError as exc:
        assert str(path) in str(exc)
        return
    try:
        check_observations(obs, origin=path)
    except SourceFormatError as exc:
        pytest.fail(f"the loader returned a table the snapshot will refuse: {exc}")


def _summary(log: Path) -> str:
    """Counts of outcomes per loader and per mutation, from a WSIS_FUZZ_REPORT log."""
    by_loader: Counter[tuple[str, str]] = Counter()
    by_case: Counter[tuple[str, str, str]] = Counter()
    for line in log.read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        by_loader[(entry["loader"], entry["outcome"])] += 1
        for case in set(entry["case"]) or {"unmutated"}:
            by_case[(entry["loader"], case, entry["outcome"].split(":")[0])] += 1
    lines = ["examples by loader and outcome:"]
    lines += [
        f"  {loader:16} {outcome:60} {n:6}" for (loader, outcome), n in sorted(by_loader.items())
    ]
    lines.append("examples by loader, mutation and outcome:")
    lines += [f"  {a:16} {b:22} {c:18} {n:6}" for (a, b, c), n in sorted(by_case.items())]
    return "\n".join(lines)


if __name__ == "__main__":
    print(_summary(Path(sys.argv[1])))
