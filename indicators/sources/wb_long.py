"""Loader for World Bank series republished in the long layout with a Frictionless datapackage.

Each series is a folder holding ``datapackage.json`` (name = the lower-case WDI code, title,
licences, one CSV resource with its schema) and the CSV it describes, with the columns
``Country Name, Country Code, Year, Value`` (one row per economy or aggregate and year). The
values come unchanged from the World Bank API, but the files carry no release date, so the caller
states the vintage.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np
import pandas as pd

from indicators.errors import SourceFormatError
from indicators.schema import loaded_observations
from indicators.sources.wb_csv import read_csv_records

DESCRIPTOR = "datapackage.json"
CODE_COLUMN, YEAR_COLUMN, VALUE_COLUMN = "Country Code", "Year", "Value"


@dataclass(frozen=True)
class WbLongSeries:
    """One long-layout series: its WDI code, title, licence and tidy values."""

    indicator_code: str
    title: str
    licence: str
    observations: pd.DataFrame


def read_long_series(
    folder: str | Path, *, source: str, vintage: str, first_year: int = 2000
) -> WbLongSeries:
    """Read the series in `folder` (datapackage + CSV) into observations for years >= first_year.

    Empty Value cells are skipped; the header must equal the schema's field names, Year must be an
    integer year, Value numeric and (Country Code, Year) unique.
    """
    folder = Path(folder)
    package = _read_package(folder / DESCRIPTOR)
    code = _package_name(folder / DESCRIPTOR, package).upper()
    csv_path, fields = _csv_resource(folder, package)
    frame, lines = _read_rows(csv_path, fields)
    codes = frame[CODE_COLUMN].str.strip()
    empty = np.flatnonzero(codes.eq("").to_numpy())
    if empty.size:
        raise SourceFormatError(
            csv_path, "empty Country Code", row=int(lines[empty[0]]), column=CODE_COLUMN
        )
    years = _years(csv_path, frame[YEAR_COLUMN].str.strip(), lines)
    values = _values(csv_path, frame[VALUE_COLUMN].str.strip(), lines)
    _check_unique_pairs(csv_path, codes, years, lines)
    keep = ~np.isnan(values) & (years >= first_year)
    frame = pd.DataFrame(
        {
            "economy": codes.to_numpy()[keep],
            "indicator": code,
            "year": years[keep],
            "value": values[keep],
            "source": source,
            "vintage": vintage,
            "estimate": False,
            "note": "",
        }
    )
    observations = loaded_observations(frame, origin=csv_path)
    return WbLongSeries(
        indicator_code=code,
        title=str(package.get("title") or ""),
        licence=_licence(package),
        observations=observations,
    )


def _read_package(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise SourceFormatError(path, f"missing: the folder has no {DESCRIPTOR}")
    try:
        package = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise SourceFormatError(path, f"not valid JSON ({exc.msg})", row=exc.lineno) from exc
    except UnicodeDecodeError as exc:
        raise SourceFormatError(path, f"is not UTF-8 text ({exc.reason})") from exc
    except RecursionError as exc:
        raise SourceFormatError(path, "JSON nested too deeply to be a datapackage") from exc
    if not isinstance(package, dict):
        raise SourceFormatError(path, "the descriptor is not a JSON object")
    return package


def _package_name(path: Path, package: dict[str, Any]) -> str:
    name = package.get("name")
    if not isinstance(name, str) or not name.strip():
        raise SourceFormatError(path, "no package name (the WDI indicator code)", column="name")
    return name.strip()


def _csv_resource(folder: Path, package: dict[str, Any]) -> tuple[Path, list[str]]:
    """Find the one CSV resource; return its file (inside `folder`) and its schema field names."""
    descriptor = folder / DESCRIPTOR
    resources = package.get("resources")
    if not isinstance(resources, list):
        raise SourceFormatError(descriptor, "no 'resources' list", column="resources")
    found = [
        r
        for r in resources
        if isinstance(r, dict)
        and isinstance(r.get("path"), str)
        and r["path"].lower().endswith(".csv")
    ]
    if len(found) != 1:
        raise SourceFormatError(
            descriptor, f"expected one resource whose path is a .csv file, found {len(found)}"
        )
    relative = PurePosixPath(found[0]["path"])
    if relative.is_absolute() or ".." in relative.parts:
        raise SourceFormatError(descriptor, f"resource path {str(relative)!r} leaves the folder")
    csv_path = folder / relative
    if not csv_path.is_file():
        raise SourceFormatError(descriptor, f"resource file {str(relative)!r} does not exist")
    schema = found[0].get("schema")
    fields = schema.get("fields") if isinstance(schema, dict) else None
    names = (
        [f.get("name") for f in fields if isinstance(f, dict)] if isinstance(fields, list) else []
    )
    twice = sorted({str(n) for n in names if names.count(n) > 1})
    if twice:
        raise SourceFormatError(
            descriptor, f"the resource schema names {twice} twice", column=twice[0]
        )
    for needed in (CODE_COLUMN, YEAR_COLUMN, VALUE_COLUMN):
        if needed not in names:
            raise SourceFormatError(
                descriptor, f"the resource schema has no field {needed!r}", column=needed
            )
    return csv_path, [str(n) for n in names]


def _read_rows(path: Path, fields: list[str]) -> tuple[pd.DataFrame, np.ndarray]:
    """Read the CSV as strings; the header must equal `fields` and every row match its width."""
    records, lines = read_csv_records(path)
    content = [i for i, rec in enumerate(records) if any(f.strip() for f in rec)]
    if not content:
        raise SourceFormatError(path, "the file is empty")
    header = [name.strip() for name in records[content[0]]]
    if header != fields:
        differs = next(
            (f for i, f in enumerate(fields) if i >= len(header) or header[i] != f),
            header[len(fields)] if len(header) > len(fields) else None,
        )
        raise SourceFormatError(
            path,
            f"header {header} differs from the datapackage schema fields {fields}",
            row=lines[content[0]],
            column=differs,
        )
    body = content[1:]
    rows = [records[i] for i in body]
    row_lines = np.asarray([lines[i] for i in body], dtype=np.int64)
    counts = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
    wrong = np.flatnonzero(counts != len(fields))
    if wrong.size:
        at = wrong[0]
        kind = "truncated row" if counts[at] < len(fields) else "row with extra fields"
        raise SourceFormatError(
            path,
            f"{kind}: {counts[at]} fields where the header has {len(fields)}",
            row=int(row_lines[at]),
        )
    frame = pd.DataFrame(rows, columns=fields, dtype=str)
    return frame, row_lines


def _years(path: Path, years: pd.Series, lines: np.ndarray) -> np.ndarray:
    ok = years.str.fullmatch(r"\d{4}").fillna(False).to_numpy(dtype=bool)
    bad = np.flatnonzero(~ok)
    if bad.size:
        raise SourceFormatError(
            path,
            f"Year {years.iloc[bad[0]]!r} is not an integer year",
            row=int(lines[bad[0]]),
            column=YEAR_COLUMN,
        )
    return years.astype("int64").to_numpy()


def _values(path: Path, values: pd.Series, lines: np.ndarray) -> np.ndarray:
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64")
    bad = np.flatnonzero(values.ne("").to_numpy() & ~np.isfinite(numbers))
    if bad.size:
        raise SourceFormatError(
            path,
            f"non-numeric Value {values.iloc[bad[0]]!r}",
            row=int(lines[bad[0]]),
            column=VALUE_COLUMN,
        )
    return numbers


def _check_unique_pairs(path: Path, codes: pd.Series, years: np.ndarray, lines: np.ndarray) -> None:
    pairs = pd.DataFrame({"code": codes.to_numpy(), "year": years})
    repeated = np.flatnonzero(pairs.duplicated().to_numpy())
    if repeated.size:
        second = repeated[0]
        code, year = pairs.iloc[second]
        first = np.flatnonzero(((pairs["code"] == code) & (pairs["year"] == year)).to_numpy())[0]
        raise SourceFormatError(
            path,
            f"duplicate (Country Code, Year) ({code}, {year}), also on row {lines[first]}",
            row=int(lines[second]),
        )


def _licence(package: dict[str, Any]) -> str:
    """The package licences' names (or titles), joined; "" when the package states none."""
    licences = package.get("licenses")
    if not isinstance(licences, list):
        return ""
    names = [str(x.get("name") or x.get("title") or "") for x in licences if isinstance(x, dict)]
    return ", ".join(n for n in names if n)
