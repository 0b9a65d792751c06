"""Loader for ITU DataHub CSV exports (one file per topic, economies only).

The export columns are ``seriesID, seriesCode, seriesName, seriesParent, seriesUnits, entityID,
entityIso, entityName, dataValue, dataYear, dataNote, dataSource[, seriesDescription]`` (UTF-8 with
a BOM, every text field quoted, some descriptions spanning several lines).

The ``seriesUnits`` column is wrong for several series (it says "% GNI per capita" for the USD and
PPP price baskets and "per 100 people" for subscription counts), so it is never used to interpret a
value: the series code decides. It is only passed through as ``reported_units`` in the series table
so that the discrepancy stays visible.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from indicators.errors import SourceFormatError
from indicators.schema import FIRST_YEAR, loaded_observations

REQUIRED_COLUMNS: tuple[str, ...] = (
    "seriesID",
    "seriesCode",
    "seriesName",
    "seriesParent",
    "seriesUnits",
    "entityID",
    "entityIso",
    "entityName",
    "dataValue",
    "dataYear",
    "dataNote",
    "dataSource",
)
OPTIONAL_COLUMNS: tuple[str, ...] = ("seriesDescription",)
SERIES_COLUMNS: tuple[str, ...] = ("code", "name", "description", "reported_units")
ENTITY_COLUMNS: tuple[str, ...] = ("code", "name", "itu_code")

# ITU entity codes that differ from the World Bank code of the same economy, so that the two
# sources join. ITU-only territories (AAA Guernsey, GBJ Jersey, ASC Ascension, ...) keep theirs.
ITU_TO_WB_CODES: dict[str, str] = {"KSO": "XKX"}

_ESTIMATE = re.compile(r"itu\s+estimate", re.IGNORECASE)
_YEAR = re.compile(r"^\d{4}$")


@dataclass(frozen=True)
class DataHubFile:
    """One DataHub export: its observations (schema table) and the series it holds.

    `series` has one row per kept series code: code, name, description and `reported_units`
    (the export's own, unreliable, unit label; see the module docstring). `entities` lists the
    economies (code as used in `observations`, ITU's name, ITU's own code).
    """

    observations: pd.DataFrame
    series: pd.DataFrame
    entities: pd.DataFrame | None = None


def _records(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number where the record starts, record); decoding and CSV errors become
    SourceFormatError naming the file."""
    try:
        yield from _checked_records(path)
    except UnicodeDecodeError as exc:
        raise SourceFormatError(
            path, f"is not UTF-8 text ({exc.reason}); re-save it as UTF-8"
        ) from exc
    except csv.Error as exc:
        raise SourceFormatError(path, f"is not a readable CSV file ({exc})") from exc


def _checked_records(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number where the record starts, record) after checking the header."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            raise SourceFormatError(path, "empty file: no header line", row=1)
        header = [cell.strip() for cell in header]
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            raise SourceFormatError(
                path, f"missing columns {missing}; the header has {header}", row=1
            )
        start = reader.line_num + 1
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                start = reader.line_num + 1
                continue
            if len(cells) != len(header):
                raise SourceFormatError(
                    path, f"{len(cells)} fields where the header has {len(header)}", row=start
                )
            yield start, dict(zip(header, cells, strict=True))
            start = reader.line_num + 1


def _value(path: Path, line: int, text: str) -> float:
    try:
        value = float(text.strip())
    except ValueError:
        raise SourceFormatError(
            path, f"dataValue {text!r} is not a number", row=line, column="dataValue"
        ) from None
    if not math.isfinite(value):
        raise SourceFormatError(
            path, f"dataValue {text!r} is not a finite number", row=line, column="dataValue"
        )
    return value


def _year(path: Path, line: int, text: str) -> int:
    if not _YEAR.match(text.strip()):
        raise SourceFormatError(
            path, f"dataYear {text!r} is not a four-digit year", row=line, column="dataYear"
        )
    return int(text)


def _note(source: str, note: str) -> str:
    """dataSource and dataNote joined with "; ", empty parts left out."""
    return "; ".join(part.strip() for part in (source, note) if part.strip())


def _parse_rows(
    path: Path,
) -> tuple[list[dict[str, object]], dict[str, dict[str, str]], dict[str, tuple[str, str]]]:
    """Validate every record; return parsed rows, series metadata and entity names by code."""
    rows: list[dict[str, object]] = []
    names: dict[str, tuple[str, str]] = {}
    series: dict[str, dict[str, str]] = {}
    seen: dict[tuple[str, str, int], int] = {}
    for line, rec in _records(path):
        code = rec["seriesCode"].strip()
        if not code:
            raise SourceFormatError(path, "empty seriesCode", row=line, column="seriesCode")
        itu_code = rec["entityIso"].strip().upper()
        if not itu_code:
            raise SourceFormatError(path, "empty entityIso", row=line, column="entityIso")
        economy = ITU_TO_WB_CODES.get(itu_code, itu_code)
        names.setdefault(economy, (rec["entityName"].strip(), itu_code))
        year = _year(path, line, rec["dataYear"])
        value = _value(path, line, rec["dataValue"])
        key = (code, economy, year)
        if key in seen:
            raise SourceFormatError(
                path,
                f"duplicate (seriesCode, entityIso, dataYear) {key}, first on line {seen[key]}",
                row=line,
            )
        seen[key] = line
        series.setdefault(
            code,
            {
                "code": code,
                "name": rec["seriesName"].strip(),
                "description": rec.get("seriesDescription", "").strip(),
                "reported_units": rec["seriesUnits"].strip(),
            },
        )
        source, note = rec["dataSource"], rec["dataNote"]
        rows.append(
            {
                "economy": economy,
                "indicator": code,
                "year": year,
                "value": value,
                "estimate": bool(_ESTIMATE.search(source) or _ESTIMATE.search(note)),
                "note": _note(source, note),
            }
        )
    if not rows:
        raise SourceFormatError(path, "empty file: a header but no data rows", row=2)
    return rows, series, names


def read_datahub_csv(
    path: str | Path,
    *,
    source: str,
    vintage: str,
    series: Collection[str] | None = None,
    first_year: int = FIRST_YEAR,
) -> DataHubFile:
    """Read one DataHub export into a schema observation table and its series list.

    The whole file is validated before filtering, so a broken row is reported even when it
    belongs to a series or year that is not kept. `series` keeps only the given codes (an
    unknown code is an error naming the codes the file has); years before `first_year` are
    dropped. `estimate` is set where dataSource or dataNote says "ITU estimate".
    """
    path = Path(path)
    rows, meta, names = _parse_rows(path)
    if isinstance(series, str):  # one code, not a collection of its characters
        series = [series]
    if series is not None:
        unknown = sorted(set(series) - set(meta))
        if unknown:
            raise SourceFormatError(
                path,
                f"requested series {unknown} not in the file; it has {sorted(meta)}",
                column="seriesCode",
            )
        keep = set(series)
    else:
        keep = set(meta)
    frame = pd.DataFrame(rows)
    frame = frame[frame["indicator"].isin(keep) & (frame["year"] >= first_year)]
    frame = frame.assign(source=source, vintage=vintage)
    observations = loaded_observations(frame, origin=path)
    table = pd.DataFrame(
        [meta[code] for code in meta if code in keep], columns=list(SERIES_COLUMNS)
    )
    kept = sorted(set(observations["economy"]))
    entities = pd.DataFrame([(code, *names[code]) for code in kept], columns=list(ENTITY_COLUMNS))
    return DataHubFile(
        observations=observations, series=table.reset_index(drop=True), entities=entities
    )
