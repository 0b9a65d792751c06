"""Loaders for the World Bank per-indicator CSV download and its two metadata companions.

The World Bank "CSV" download of one indicator (``API_<code>_DS2_en_csv_v2_<n>.csv``) is a wide
table: four id columns, then one column per year; each row is an economy or an aggregate. Copies
in circulation come in three variants, all read here:

- ``original``: as the World Bank serves it. Every field quoted, a preamble
  (``"Data Source",...`` / empty line / ``"Last Updated Date","yyyy-mm-dd",`` / empty line) and a
  trailing comma closing every line (an empty last column).
- ``spreadsheet``: the same file re-saved by Excel. Quotes only where needed, preamble lines padded
  with commas, the date written m/d/yyyy (US order), numbers cut to about 10 significant digits
  and no trailing empty column.
- ``stripped``: the preamble removed, leaving an empty line before the quoted header.

Every malformed input raises `SourceFormatError` naming the file and the row (the line an editor
shows) or column at fault.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from indicators.errors import SourceFormatError
from indicators.schema import KEY, normalise_observations, refuse_future_years

ID_COLUMNS: tuple[str, ...] = ("Country Name", "Country Code", "Indicator Name", "Indicator Code")
COUNTRY_COLUMNS: dict[str, str] = {
    "Country Code": "code",
    "TableName": "name",
    "Region": "region",
    "IncomeGroup": "income_group",
    "SpecialNotes": "special_notes",
}
INDICATOR_COLUMNS: dict[str, str] = {
    "INDICATOR_CODE": "code",
    "INDICATOR_NAME": "name",
    "SOURCE_NOTE": "source_note",
    "SOURCE_ORGANIZATION": "source_organization",
}
BOGUS_ZERO_REASON = (
    "exactly 0 in the file's last year while the previous year is above 1: "
    "treated as missing (see SOURCES.md, bogus zeros)"
)
_PREAMBLE_KEYS = ("Data Source", "Last Updated Date")
_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y")
_YEAR = re.compile(r"\d{4}")
_DROPPED_COLUMNS = ("economy", "year", "value", "reason")


@dataclass(frozen=True)
class WbIndicatorFile:
    """One per-indicator download: its identity, vintage, layout variant and tidy values."""

    indicator_code: str
    indicator_name: str
    last_updated: str | None
    variant: str
    observations: pd.DataFrame
    dropped: pd.DataFrame


def read_csv_records(path: str | Path) -> tuple[list[list[str]], list[int]]:
    """Parse a UTF-8 CSV (BOM tolerated) into records and the 1-based line each record starts on.

    Blank lines stay as empty records so that line numbers match an editor. Quoted fields may
    span lines; only then are start lines tracked record by record.
    """
    path = Path(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            lines = handle.readlines()
    except UnicodeDecodeError as exc:
        raise SourceFormatError(path, f"is not UTF-8 text ({exc.reason})") from exc
    reader = csv.reader(lines)
    try:
        records = list(reader)
    except csv.Error as exc:
        raise SourceFormatError(path, f"unreadable CSV ({exc})", row=reader.line_num) from exc
    if len(records) == len(lines):
        return records, list(range(1, len(records) + 1))
    starts: list[int] = []
    reader, previous = csv.reader(lines), 0
    for _ in reader:
        starts.append(previous + 1)
        previous = reader.line_num
    return records, starts


def read_indicator_csv(
    path: str | Path, *, source: str, vintage: str | None = None, first_year: int = 2000
) -> WbIndicatorFile:
    """Read a per-indicator download (any variant) into observations for years >= `first_year`.

    All rows are kept, economies and aggregates alike; empty cells are skipped. `vintage` defaults
    to the file's "Last Updated Date"; a file without one (the stripped variant) needs it passed.
    """
    path = Path(path)
    records, lines = read_csv_records(path)
    content = [i for i, fields in enumerate(records) if not _is_blank(fields)]
    if not content:
        raise SourceFormatError(path, "the file is empty")
    preamble, header_at = _read_preamble(path, records, lines, content)
    years, width = _parse_header(path, lines[header_at], records[header_at])
    body = [i for i in content if i > header_at]
    if not body:
        raise SourceFormatError(path, "no data rows after the header", row=lines[header_at])
    table = _body_table(path, [records[i] for i in body], [lines[i] for i in body], width)
    row_lines = np.array([lines[i] for i in body])
    codes = _country_codes(path, table[:, 1], row_lines)
    code, name = _single_indicator(path, table[:, 3], table[:, 2], row_lines)
    values = _numeric_cells(path, table[:, 4:], row_lines, years)
    values, dropped = _drop_bogus_zeros(values, codes, years)

    last_updated = preamble.get("Last Updated Date")
    if vintage is None and last_updated is None:
        raise SourceFormatError(
            path, "no 'Last Updated Date' in the file: pass an explicit vintage=..."
        )
    observations = refuse_future_years(
        _melt(
            values,
            codes,
            years,
            indicator=code,
            first_year=first_year,
            source=source,
            vintage=vintage if vintage is not None else str(last_updated),
        ),
        origin=path,
    )
    quoted = _raw_line(path, lines[header_at]).startswith('"')
    variant = "stripped" if not preamble else ("original" if quoted else "spreadsheet")
    dropped = dropped.loc[dropped["year"] >= first_year].reset_index(drop=True)
    return WbIndicatorFile(code, name, last_updated, variant, observations, dropped)


def read_country_metadata(path: str | Path) -> pd.DataFrame:
    """Read a ``Metadata_Country_...csv``: one row per code, sorted by code.

    Columns code, name, region, income_group, special_notes, is_aggregate (True where Region is
    empty: the World Bank leaves it empty for aggregates such as WLD or HIC).
    """
    path = Path(path)
    lines, columns = _named_table(path, tuple(COUNTRY_COLUMNS))
    frame = pd.DataFrame({new: columns[old] for old, new in COUNTRY_COLUMNS.items()})
    _check_unique(path, frame["code"], np.asarray(lines), column="Country Code")
    frame["is_aggregate"] = frame["region"].str.strip().eq("")
    return frame.sort_values("code", kind="mergesort", ignore_index=True)


def _is_blank(fields: list[str]) -> bool:
    return not any(field.strip() for field in fields)


def _raw_line(path: Path, line: int) -> str:
    """The text of physical line `line` (1-based), BOM removed; used to tell quoted variants."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for number, text in enumerate(handle, start=1):
            if number == line:
                return text
    return ""


def _read_preamble(
    path: Path, records: list[list[str]], lines: list[int], content: list[int]
) -> tuple[dict[str, str | None], int]:
    """Collect the "Data Source" / "Last Updated Date" lines; return them and the header index."""
    preamble: dict[str, str | None] = {}
    for index in content:
        fields = records[index]
        key = fields[0].strip()
        if key not in _PREAMBLE_KEYS:
            return preamble, index
        if _is_blank(fields[1:2]) or not _is_blank(fields[2:]):
            raise SourceFormatError(
                path, f"preamble line {key!r} must hold exactly one value", row=lines[index]
            )
        text = fields[1].strip()
        preamble[key] = _iso_date(path, lines[index], text) if key == _PREAMBLE_KEYS[1] else text
    raise SourceFormatError(path, "no header row after the preamble", row=lines[content[-1]])


def _iso_date(path: Path, line: int, text: str) -> str:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    raise SourceFormatError(
        path, f"'Last Updated Date' {text!r} is neither yyyy-mm-dd nor m/d/yyyy", row=line
    )


def _parse_header(path: Path, line: int, fields: list[str]) -> tuple[list[int], int]:
    """Check the header; return its years and its width without a trailing empty column."""
    names = [field.strip() for field in fields]
    for position, expected in enumerate(ID_COLUMNS):
        found = names[position] if position < len(names) else None
        if found != expected:
            raise SourceFormatError(
                path,
                f"expected id column {expected!r} at position {position + 1}, found {found!r}: "
                f"not the World Bank per-indicator layout ({', '.join(ID_COLUMNS)}, then years)",
                row=line,
                column=expected,
            )
    width = len(names) - 1 if names[-1] == "" and len(names) > len(ID_COLUMNS) else len(names)
    if width == len(ID_COLUMNS):
        raise SourceFormatError(path, "the header has no year columns", row=line)
    years: list[int] = []
    for position, name in enumerate(names[len(ID_COLUMNS) : width], start=len(ID_COLUMNS) + 1):
        if not _YEAR.fullmatch(name):
            label = name or f"(unnamed, position {position})"
            raise SourceFormatError(path, "column name is not a year", row=line, column=label)
        if int(name) in years:
            raise SourceFormatError(path, "year column appears twice", row=line, column=name)
        years.append(int(name))
    return years, width


def _body_table(path: Path, rows: list[list[str]], lines: list[int], width: int) -> np.ndarray:
    """Check field counts; return the data rows as a 2-D array of stripped strings."""
    counts = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
    short = np.flatnonzero(counts < width)
    if short.size:
        at = short[0]
        raise SourceFormatError(
            path, f"truncated row: {counts[at]} fields where the header has {width}", row=lines[at]
        )
    for at in np.flatnonzero(counts > width):  # extra fields are only the trailing empty column
        if not _is_blank(rows[at][width:]):
            raise SourceFormatError(
                path, f"row has {counts[at]} fields, more than the header's {width}", row=lines[at]
            )
    table = np.array([row[:width] for row in rows], dtype=object)
    return np.char.strip(table.astype(str)).astype(object)


def _country_codes(path: Path, codes: np.ndarray, lines: np.ndarray) -> np.ndarray:
    empty = np.flatnonzero(codes == "")
    if empty.size:
        raise SourceFormatError(path, "empty Country Code", row=int(lines[empty[0]]))
    _check_unique(path, pd.Series(codes), lines, column="Country Code")
    return codes


def _check_unique(path: Path, codes: pd.Series, lines: np.ndarray, *, column: str) -> None:
    repeated = np.flatnonzero(codes.duplicated().to_numpy())
    if repeated.size:
        second = repeated[0]
        first = np.flatnonzero((codes == codes.iloc[second]).to_numpy())[0]
        raise SourceFormatError(
            path,
            f"duplicate code {codes.iloc[second]!r} (also on row {lines[first]})",
            row=int(lines[second]),
            column=column,
        )


def _single_indicator(
    path: Path, codes: np.ndarray, names: np.ndarray, lines: np.ndarray
) -> tuple[str, str]:
    """The file must hold one indicator: return its code and name (from the first row)."""
    odd = np.flatnonzero(codes != codes[0])
    if odd.size:
        raise SourceFormatError(
            path,
            f"more than one Indicator Code ({codes[0]!r} and {codes[odd[0]]!r})",
            row=int(lines[odd[0]]),
            column="Indicator Code",
        )
    if codes[0] == "":
        raise SourceFormatError(path, "empty Indicator Code", row=int(lines[0]))
    return str(codes[0]), str(names[0])


def _numeric_cells(
    path: Path, cells: np.ndarray, lines: np.ndarray, years: list[int]
) -> np.ndarray:
    """Convert the year cells to floats (empty -> NaN); reject text and non-finite numbers."""
    flat = pd.Series(cells.ravel(), dtype=str)
    numbers = pd.to_numeric(flat, errors="coerce").to_numpy(dtype="float64")
    bad = np.flatnonzero(flat.ne("").to_numpy() & ~np.isfinite(numbers))
    if bad.size:
        row, col = divmod(int(bad[0]), cells.shape[1])
        raise SourceFormatError(
            path,
            f"non-numeric value {flat.iloc[bad[0]]!r}",
            row=int(lines[row]),
            column=str(years[col]),
        )
    return numbers.reshape(cells.shape)


def _drop_bogus_zeros(
    values: np.ndarray, codes: np.ndarray, years: list[int]
) -> tuple[np.ndarray, pd.DataFrame]:
    """Blank a 0 in the last year column whose previous-year value exceeds 1; list it as dropped."""
    last = max(years)
    hits = np.zeros(len(codes), dtype=bool)
    if last - 1 in years:
        now, before = values[:, years.index(last)], values[:, years.index(last - 1)]
        hits = (now == 0) & (before > 1)
    dropped = pd.DataFrame(
        {
            "economy": pd.Series(codes[hits], dtype=object),
            "year": np.full(int(hits.sum()), last, dtype="int64"),
            "value": values[hits, years.index(last)],
            "reason": pd.Series([BOGUS_ZERO_REASON] * int(hits.sum()), dtype=object),
        },
        columns=list(_DROPPED_COLUMNS),
    )
    values = values.copy()
    values[hits, years.index(last)] = np.nan
    return values, dropped


def _melt(
    values: np.ndarray,
    codes: np.ndarray,
    years: list[int],
    *,
    indicator: str,
    first_year: int,
    source: str,
    vintage: str,
) -> pd.DataFrame:
    """Turn the wide value matrix into sorted observations (non-empty cells, years kept)."""
    year_array = np.asarray(years)
    keep = year_array >= first_year
    rows, cols = np.nonzero(~np.isnan(values[:, keep]))
    frame = pd.DataFrame(
        {
            "economy": codes[rows],
            "indicator": indicator,
            "year": year_array[keep][cols],
            "value": values[:, keep][rows, cols],
            "source": source,
            "vintage": vintage,
            "estimate": False,
            "note": "",
        }
    )
    out = normalise_observations(frame)
    return out.sort_values(list(KEY), kind="mergesort", ignore_index=True)


def _named_table(path: Path, required: tuple[str, ...]) -> tuple[list[int], dict[str, list[str]]]:
    """Read a plain header + rows CSV (metadata files); return row lines and required columns."""
    records, lines = read_csv_records(path)
    content = [i for i, fields in enumerate(records) if not _is_blank(fields)]
    if not content:
        raise SourceFormatError(path, "the file is empty")
    head_line = lines[content[0]]
    names = [name.strip() for name in records[content[0]]]
    width = len(names) - 1 if names and names[-1] == "" else len(names)
    for name in required:
        if name not in names[:width]:
            raise SourceFormatError(path, "required column is missing", row=head_line, column=name)
    body = content[1:]
    if not body:
        raise SourceFormatError(path, "no data rows after the header", row=head_line)
    rows = [records[i] for i in body]
    row_lines = [lines[i] for i in body]
    table = _body_table(path, rows, row_lines, width)
    columns = {name: [str(v) for v in table[:, names.index(name)]] for name in required}
    return row_lines, columns
