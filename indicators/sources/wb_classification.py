"""Loaders for the World Bank country classification workbooks.

* ``CLASS.xlsx``: sheet 'List of economies' (Economy, Code, Region, Income group, Lending category;
  economies first, then the aggregates without a region) and sheet 'compositions' (members of every
  aggregate).
* The OGHIST workbook: sheet 'Country Analytical History', one row per economy code and one column
  per fiscal year (FY89 ...), cells L / LM / UM / H, '..' when not classified; above the economies
  the GNI per capita thresholds of each fiscal year.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

import openpyxl
import pandas as pd
from openpyxl.utils import get_column_letter

from indicators.errors import SourceFormatError

ECONOMY_SHEET = "List of economies"
GROUP_SHEET = "compositions"
HISTORY_SHEET = "Country Analytical History"
ECONOMY_HEADER: tuple[str, ...] = ("Economy", "Code", "Region", "Income group", "Lending category")
GROUP_HEADER: tuple[str, ...] = (
    "WB_Group_Code",
    "WB_Group_Name",
    "WB_Country_Code",
    "WB_Country_Name",
)
INCOME_GROUPS: tuple[str, ...] = (
    "Low income",
    "Lower middle income",
    "Upper middle income",
    "High income",
)
LENDING_CATEGORIES: tuple[str, ...] = ("IDA", "IBRD", "Blend")
HISTORY_CODES: tuple[str, ...] = ("L", "LM", "UM", "H")
# Cells not in HISTORY_CODES that the history sheet uses on purpose. 'LM*' (Yemen FY89-FY90)
# carries the footnote "there were Yemen, PDR (L) and Yemen, Arab Rep. (LM); combined they would
# have been LM", so it reads as LM. '..' means not classified.
HISTORY_STARRED: dict[str, str] = {"LM*": "LM"}
HISTORY_MISSING: frozenset[str] = frozenset({"..", ""})
# (code, name) pairs in 'List of economies' that disagree with the workbook's own compositions
# sheet and with WDI: Serbia is listed under the former Serbia and Montenegro code SCG.
CODE_CORRECTIONS: dict[tuple[str, str], str] = {("SCG", "Serbia"): "SRB"}

_FY = re.compile(r"^FY(\d{2})$")


@dataclass(frozen=True)
class ClassWorkbook:
    """CLASS.xlsx: `economies` (code, name, region, income_group, lending_category; economies
    only, aggregates are in `groups`) and `groups` (group_code, group_name, economy)."""

    economies: pd.DataFrame
    groups: pd.DataFrame


def _sheet_rows(path: Path, sheet: str) -> list[tuple[Any, ...]]:
    """All rows of one sheet as value tuples; the sheet must exist."""
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for unreadable files
        raise SourceFormatError(path, f"not a readable xlsx workbook ({exc})") from exc
    try:
        if sheet not in book.sheetnames:
            raise SourceFormatError(path, f"no sheet {sheet!r}; the workbook has {book.sheetnames}")
        return list(book[sheet].iter_rows(values_only=True))
    except (ParseError, zipfile.BadZipFile, ValueError, KeyError, OSError) as exc:
        raise SourceFormatError(
            path, f"sheet {sheet!r} is damaged and cannot be read ({exc})"
        ) from exc
    finally:
        book.close()


def _cell(row: tuple[Any, ...], index: int) -> str:
    """Cell text, stripped; '' for empty or absent cells."""
    value = row[index] if index < len(row) else None
    return "" if value is None else str(value).strip()


def _table(path: Path, sheet: str, header: tuple[str, ...]) -> Iterator[tuple[int, list[str]]]:
    """Yield (row number, cells in `header` order) of a sheet whose row 1 holds `header`."""
    rows = _sheet_rows(path, sheet)
    origin = f"{path} [sheet {sheet}]"
    found = [_cell(rows[0], i) for i in range(len(rows[0]))] if rows else []
    missing = [h for h in header if h not in found]
    if missing:
        raise SourceFormatError(origin, f"header lacks {missing}; it is {found}", row=1)
    index = [found.index(h) for h in header]
    for number, row in enumerate(rows[1:], start=2):
        cells = [_cell(row, i) for i in index]
        if any(cells):
            yield number, cells


def _economies(path: Path) -> pd.DataFrame:
    origin = f"{path} [sheet {ECONOMY_SHEET}]"
    records: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for number, (name, code, region, income, lending) in _table(
        path, ECONOMY_SHEET, ECONOMY_HEADER
    ):
        if not code or not name:
            column = "Code" if not code else "Economy"
            raise SourceFormatError(
                origin, "economy without a code or name", row=number, column=column
            )
        if not region:  # aggregates (World, income groups ...) have no region
            continue
        if income and income not in INCOME_GROUPS:
            raise SourceFormatError(
                origin, f"unknown income group {income!r}", row=number, column="Income group"
            )
        if lending and lending not in LENDING_CATEGORIES:
            raise SourceFormatError(
                origin,
                f"unknown lending category {lending!r}",
                row=number,
                column="Lending category",
            )
        code = CODE_CORRECTIONS.get((code, name), code)
        if code in seen:
            raise SourceFormatError(
                origin,
                f"code {code} repeated (first on row {seen[code]})",
                row=number,
                column="Code",
            )
        seen[code] = number
        records.append(
            {
                "code": code,
                "name": name,
                "region": region,
                "income_group": income or None,
                "lending_category": lending or None,
            }
        )
    if not records:
        raise SourceFormatError(origin, "no economies (rows with a Region)")
    return pd.DataFrame(records)


def _groups(path: Path, economies: set[str]) -> pd.DataFrame:
    origin = f"{path} [sheet {GROUP_SHEET}]"
    records: list[dict[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for number, cells in _table(path, GROUP_SHEET, GROUP_HEADER):
        for value, column in zip(cells, GROUP_HEADER, strict=True):
            if not value:
                raise SourceFormatError(origin, "empty cell", row=number, column=column)
        group, group_name, economy, _ = cells
        if economy not in economies:
            raise SourceFormatError(
                origin,
                f"member {economy} is not in sheet {ECONOMY_SHEET!r}",
                row=number,
                column="WB_Country_Code",
            )
        if (group, economy) in seen:
            raise SourceFormatError(
                origin, f"{economy} listed twice in {group}", row=number, column="WB_Country_Code"
            )
        seen.add((group, economy))
        records.append({"group_code": group, "group_name": group_name, "economy": economy})
    return pd.DataFrame(records, columns=["group_code", "group_name", "economy"])


def read_class_workbook(path: str | Path) -> ClassWorkbook:
    """Read CLASS.xlsx: economies with region, income group and lending category; group members.

    Income groups and lending categories keep the workbook's words ('Low income', 'IDA', ...;
    missing when blank). Serbia's code is corrected per CODE_CORRECTIONS. Every member of a
    composition must be a listed economy.
    """
    path = Path(path)
    economies = _economies(path)
    groups = _groups(path, set(economies["code"]))
    return ClassWorkbook(economies=economies, groups=groups)


def _fiscal_year(label: str) -> int | None:
    """'FY89' -> 1989, 'FY05' -> 2005; None if the label is not a fiscal year."""
    match = _FY.match(label)
    if not match:
        return None
    yy = int(match.group(1))
    return 1900 + yy if yy >= 50 else 2000 + yy


def _history_layout(path: Path) -> tuple[list[tuple[Any, ...]], int, dict[int, int]]:
    """Rows of the history sheet, the header row index and {column index: fiscal year}."""
    rows = _sheet_rows(path, HISTORY_SHEET)
    origin = f"{path} [sheet {HISTORY_SHEET}]"
    for r, row in enumerate(rows[:30]):
        if _cell(row, 1).lower().startswith("bank's fiscal year"):
            found = {c: _fiscal_year(_cell(row, c)) for c in range(2, len(row)) if _cell(row, c)}
            bad = [c for c, y in found.items() if y is None]
            if bad:
                raise SourceFormatError(
                    origin,
                    f"header cell {_cell(row, bad[0])!r} is not a fiscal year (FYnn)",
                    row=r + 1,
                    column=get_column_letter(bad[0] + 1),
                )
            years = {c: y for c, y in found.items() if y is not None}
            ordered = [years[c] for c in sorted(years)]
            if len(ordered) < 2 or ordered != sorted(set(ordered)):
                raise SourceFormatError(
                    origin, f"fiscal years {ordered} are not increasing", row=r + 1
                )
            return rows, r, {c: y for c, y in years.items() if y is not None}
    raise SourceFormatError(origin, 'no "Bank\'s fiscal year:" header row in rows 1-30', column="B")


def read_income_history(path: str | Path) -> pd.DataFrame:
    """Income group of every economy in every fiscal year of the OGHIST workbook.

    Columns economy, fiscal_year (int, FY05 -> 2005), income_group ('L', 'LM', 'UM', 'H' or
    missing). The full grid is returned: '..' (not classified) and blank cells (economy not yet
    or no longer existing) are both missing. 'LM*' reads as 'LM' (see HISTORY_STARRED); any
    other value is an error naming the row and column.
    """
    path = Path(path)
    origin = f"{path} [sheet {HISTORY_SHEET}]"
    rows, header, years = _history_layout(path)
    records: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for r in range(header + 1, len(rows)):
        row, number = rows[r], r + 1
        code = _cell(row, 0)
        if not code:  # thresholds, footnotes and blank rows have no code
            continue
        if code in seen:
            raise SourceFormatError(
                origin, f"code {code} repeated (first on row {seen[code]})", row=number, column="A"
            )
        seen[code] = number
        for c, fiscal_year in sorted(years.items()):
            text = _cell(row, c)
            group: str | None = HISTORY_STARRED.get(text, text)
            if group in HISTORY_MISSING:
                group = None
            elif group not in HISTORY_CODES:
                raise SourceFormatError(
                    origin,
                    f"income group {text!r} for {code} is not one of {list(HISTORY_CODES)}",
                    row=number,
                    column=get_column_letter(c + 1),
                )
            records.append({"economy": code, "fiscal_year": fiscal_year, "income_group": group})
    if not records:
        raise SourceFormatError(origin, "no economy rows below the header", row=header + 2)
    out = pd.DataFrame(records)
    out["fiscal_year"] = out["fiscal_year"].astype("int64")
    return out.sort_values(["economy", "fiscal_year"], kind="mergesort", ignore_index=True)
