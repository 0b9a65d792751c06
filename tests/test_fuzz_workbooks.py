"""Property tests of the xlsx workbook loaders (ITU Key ICT, World Bank CLASS and OGHIST) with
mutated workbooks: edited cells, deleted or inserted rows, removed or renamed sheets, damaged zip
members and bytes. The reference is weaker than for the CSV loaders (test_fuzz_loaders.py): a
returned table must be schema-valid, and values not touched by the mutation must be unchanged.
Also the huge income-history workbook and the regression tests of the damaged-sheet bugs.
"""

from __future__ import annotations

import functools
import io
import math
import re
import sys
import tempfile
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from fuzz_reference import number
from fuzz_support import (
    FUZZ,
    INDEX,
    ODD_TEXT,
    SOURCE,
    apply_bytes,
    assert_clear_error,
    assert_observations,
    finish,
    timed_load,
)
from hypothesis import example, given
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from test_itu_keyict import build_workbook
from test_wb_classification import build_class, build_history

from indicators.sources import itu_keyict, wb_classification

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
        return str(x).strip() in written or near or overflowed(str(x).strip())

    def overflowed(text: str) -> bool:
        """A number within rounding of the largest float is stored with 16 digits, which read
        back as infinity (found by `make fuzz`): that is what the file holds."""
        try:
            value = float(text)
        except ValueError:
            return False
        return math.isinf(value) and any(
            math.isclose(abs(n), sys.float_info.max, rel_tol=1e-12) and (n > 0) == (value > 0)
            for n in numbers
        )

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

    return compare


@FUZZ
@given(
    loader=st.sampled_from(sorted(XLSX_LOADERS)),
    edits=st.lists(XLSX_EDIT, max_size=3),
    byte_edit=XLSX_BYTES,
)
@example(  # found by `make fuzz`: a name cell near the largest float reads back as infinity
    loader="class", edits=[("cell", 0, 1, 0, 1.7976931348623155e308)], byte_edit=("as written",)
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


# --- a huge workbook: one example, values checked, time reported -----------------------------


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


# --- regression tests of the bugs the workbook fuzzing found (all fixed) ----------------------


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
    + [("history", "wrong checksum")],
)
def test_regression_xlsx_damaged_sheet(tmp_path: Path, loader: str, damage: str) -> None:
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(_damage_sheets(xlsx_base(loader)[0], damage))
    assert_clear_error(path, lambda: XLSX_LOADERS[loader][1](path))
