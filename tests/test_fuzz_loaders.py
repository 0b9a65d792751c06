"""Property tests over every CSV and datapackage source loader with mutated files in the real
layouts (the xlsx workbooks are in test_fuzz_workbooks.py).

Each test starts from a small valid file written by the fixture builders of the loader's own
tests, mutates it (cells, columns, rows, header; encodings, BOMs, line ends, truncation, flipped,
inserted or random bytes, empty files) and checks one property:

    the loader returns a correct table, or raises SourceFormatError naming the file;
    never any other exception.

"Correct" is decided by an independent reference reader of the final bytes (fuzz_reference.py:
Python's csv module plus the layout rules each loader documents): a returned table must be
schema-valid (indicators.schema.check_observations) and hold exactly the values the file holds.
The strategies, mutations and comparisons are in fuzz_support.py.

The bugs this module found (non-UTF-8 and oversized CSV fields, deeply nested or duplicated
datapackage fields, years after 2035) are fixed; each keeps a regression test at the end of this
module (damaged xlsx worksheets: at the end of test_fuzz_workbooks.py).

Runs in the default suite with few deterministic examples. `make fuzz` sets
WSIS_FUZZ_EXAMPLES (random, many examples) and WSIS_FUZZ_REPORT (a JSON-lines log of every
example: loader, mutations, outcome); `python tests/test_fuzz_loaders.py LOG` summarises it.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from fuzz_reference import (
    records_of,
    ref_country_metadata,
    ref_datahub,
    ref_ddf,
    ref_indicator_csv,
    ref_long,
)
from fuzz_support import (
    BYTES,
    EDITS,
    FUZZ,
    PACKAGE_EDIT,
    SOURCE,
    VINTAGE,
    Invalid,
    apply_edits,
    assert_clear_error,
    assert_observations,
    compare_coded,
    edited_package,
    finish,
    labels,
    obs_values,
    same_values,
    timed_load,
    write_bytes,
)
from hypothesis import given
from hypothesis import strategies as st
from test_ddf import FIXTURE_CONCEPT, fixture_ddf
from test_ddf import fixture_rows as ddf_rows
from test_itu_datahub import HEADER as DATAHUB_HEADER
from test_itu_datahub import fixture_rows as datahub_rows
from test_itu_datahub import write_datahub
from test_itu_keyict import build_workbook
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

from indicators.errors import SourceFormatError
from indicators.schema import check_observations
from indicators.sources import ddf, itu_datahub, itu_keyict, wb_csv, wb_long

# --- CSV loaders --------------------------------------------------------------------------------


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


# --- huge files: one example each, values checked, time reported ------------------------------

HUGE_ROWS = 200_000


def huge_value(i: int, year: int) -> float:
    return round(0.25 * (i % 997) + 0.5 * (year - 2000), 2)


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


# --- regression tests of the bugs this module found (all fixed) ---------------------------


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
