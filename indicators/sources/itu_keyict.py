"""Loader for the ITU "Key ICT indicator aggregates" workbook (Facts and Figures edition).

Every sheet is a stack of blocks. A block has a title (a text row in column A, or column A of its
year header row), a year header row (years in runs of columns, one run per column group), and one
row per aggregate (World, income groups, LDCs/LLDCs/SIDS, ITU regions). Column groups are labelled
by a text row above the header: units ('Millions', 'Per 100 inhabitants', 'Percentage') or
breakdowns ('Total / Female / Male', 'Total / Urban / Rural', 'Total / Youth (15-24) / Rest of the
population'). A label stays in force at its column until another label replaces it. Notes at the
bottom say that all data are ITU estimates and give the edition ('Version November 2024, ...').

Only rates are kept (per 100 inhabitants, percentages); counts, traffic and bandwidth sections are
listed in `skipped`. Unknown block titles, row labels and column labels are skipped and listed too;
broken structure raises SourceFormatError naming the sheet, row and column.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

import openpyxl
import pandas as pd
from openpyxl.utils import get_column_letter

from indicators.errors import SourceFormatError
from indicators.schema import FIRST_YEAR, KEY, loaded_observations

MAIN_SHEETS: tuple[str, ...] = ("By dvpmnt status and spec. reg.", "By BDT region")
EXPECTED_SHEETS: tuple[str, ...] = (
    *MAIN_SHEETS,
    "By urban-rural area",
    "By gender",
    "Internet use by age",
)

# ITU aggregate codes: code -> (name, description). Descriptions restate the workbook's notes.
ENTITIES: dict[str, tuple[str, str]] = {
    "ITU_WLD": ("World", "ITU world aggregate"),
    "ITU_LIC": ("Low-income", "ITU aggregate of World Bank low-income economies"),
    "ITU_LMC": ("Lower-middle-income", "ITU aggregate of World Bank lower-middle-income economies"),
    "ITU_UMC": ("Upper-middle-income", "ITU aggregate of World Bank upper-middle-income economies"),
    "ITU_HIC": ("High-income", "ITU aggregate of World Bank high-income economies"),
    "ITU_LDC": ("Least Developed Countries (LDCs)", "ITU aggregate, UN-OHRLLS list of LDCs"),
    "ITU_LLDC": (
        "Land Locked Developing Countries (LLDCs)",
        "ITU aggregate, UN-OHRLLS list of LLDCs",
    ),
    "ITU_SIDS": (
        "Small Island Developing States (SIDS)",
        "ITU aggregate, UN-OHRLLS list of SIDS",
    ),
    "ITU_AFR": ("Africa", "ITU region (BDT) Africa"),
    "ITU_AMS": ("Americas", "ITU region (BDT) Americas"),
    "ITU_ARB": ("Arab States", "ITU region (BDT) Arab States"),
    "ITU_ASP": ("Asia-Pacific", "ITU region (BDT) Asia-Pacific"),
    "ITU_CIS": ("CIS", "ITU region (BDT) Commonwealth of Independent States"),
    "ITU_EUR": ("Europe", "ITU region (BDT) Europe"),
}
# Row label (normalised: lower case, single spaces, no footnote stars) -> aggregate code.
ENTITY_LABELS: dict[str, str] = {name.lower(): code for code, (name, _) in ENTITIES.items()}
# Block title (normalised by `_title_key`) -> ITU series code.
INDICATORS: dict[str, str] = {
    "fixed-telephone subscriptions": "i112",
    "fixed-broadband subscriptions": "i992b",
    "mobile-cellular telephone subscriptions": "i911",
    "active mobile-broadband subscriptions": "i911mw",
    "population covered by a mobile-cellular network": "i271pop",
    "population covered by at least a 3g mobile network": "i271G",
    "population covered by at least an lte/wimax mobile network": "i271GA",
    "population covered by at least a 5g mobile network": "i271G5_pop",
    "individuals using the internet": "i99H",
    "individuals owning a mobile phone": "xHH18_IDI",
}
NOT_RATE_BLOCKS: frozenset[str] = frozenset(
    {"fixed broadband traffic", "mobile broadband traffic", "international bandwidth usage"}
)
RATE_UNITS: frozenset[str] = frozenset({"per 100 inhabitants", "percentage"})
OTHER_UNITS: frozenset[str] = frozenset(
    {"millions", "exabytes", "tbit/s", "per subscription (gb)", "per internet user (kbit/s)"}
)
# Column-group label -> code suffix; 'Total' is the plain series code.
BREAKDOWNS: dict[str, str] = {
    "total": "",
    "female": ".F",
    "male": ".M",
    "urban": ".URB",
    "rural": ".RUR",
    "youth (15-24)": ".Y15_24",
    "rest of the population": ".REST",
}
MONTHS: tuple[str, ...] = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
CONFLICT_COLUMNS: tuple[str, ...] = (
    *KEY,
    "kept_value",
    "kept_sheet",
    "dropped_value",
    "dropped_sheet",
)

_VERSION = re.compile(r"^version\s+([a-z]+)\s+(\d{4})\b", re.IGNORECASE)
_UNIT_SUFFIX = re.compile(r"\s*(/\s*millions|\((millions|exabytes|tbits?/s)\W*\))\s*$", re.I)


@dataclass(frozen=True)
class KeyIctWorkbook:
    """The rates of the workbook as a schema observation table, plus what was left out.

    `entities`: code, name, kind ('itu_aggregate'), description. `conflicts`: one row per value
    dropped because another sheet gave a different value for the same key (see
    `read_key_ict_workbook`). `skipped`: human-readable reasons for blocks, column groups and
    rows not kept.
    """

    observations: pd.DataFrame
    entities: pd.DataFrame
    vintage: str
    conflicts: pd.DataFrame
    skipped: list[str] = field(default_factory=list)


def _norm(text: str) -> str:
    """Lower case, single spaces, footnote stars removed."""
    return " ".join(re.sub(r"\*+", "", text).split()).lower()


def _title_key(text: str) -> str:
    """Reduce a block title to its indicator name: no unit suffix, 'percentage of', 'by ...'."""
    s = _UNIT_SUFFIX.sub("", " ".join(text.split()))
    s = re.sub(r"\s*\(%\)\s*$", "", s)
    s = _norm(s)
    s = re.sub(r"^percentage of\s+", "", s)
    return re.sub(r"\s*,\s*by\s+[^,]+$", "", s)


def _declares_percentage(title: str) -> bool:
    return "(%)" in title or _norm(title).startswith("percentage of")


def _text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _year_runs(cells: dict[int, Any]) -> list[list[tuple[int, int]]] | None:
    """If every non-empty cell is a year, return runs of adjacent (column, year) pairs."""
    if len(cells) < 2 or not all(
        _is_number(v) and float(v).is_integer() and 1990 <= v <= 2100 for v in cells.values()
    ):
        return None
    runs: list[list[tuple[int, int]]] = []
    for col in sorted(cells):
        if runs and runs[-1][-1][0] == col - 1:
            runs[-1].append((col, int(cells[col])))
        else:
            runs.append([(col, int(cells[col]))])
    return runs


@dataclass
class _SheetState:
    """Parsing state of one sheet: current block, labels in force, current year header."""

    title: str | None = None
    title_row: int = 0
    indicator: str | None = None
    labels: dict[int, str] = field(default_factory=dict)
    runs: list[list[tuple[int, int]]] | None = None
    header_row: int = 0
    header_used: bool = False


class _SheetParser:
    """Turns one worksheet into candidate observations (one dict per kept cell)."""

    def __init__(self, origin: str, sheet: str, skipped: list[str]) -> None:
        self.origin = origin
        self.sheet = sheet
        self.skipped = skipped
        self.state = _SheetState()
        self.rows: list[dict[str, Any]] = []
        self.versions: list[tuple[int, str]] = []
        self.all_estimates = False
        self.notes = False
        self._group_cache: dict[tuple[int, int, int], str | None] = {}

    def _skip(self, message: str) -> None:
        entry = f"sheet {self.sheet!r} {message}"
        if entry not in self.skipped:
            self.skipped.append(entry)

    def _error(self, problem: str, row: int, col: int | None = None) -> SourceFormatError:
        column = get_column_letter(col) if col is not None else None
        return SourceFormatError(self.origin, problem, row=row, column=column)

    def _set_title(self, title: str, row: int) -> None:
        st = self.state
        if st.header_used:  # the previous block's header does not carry over to a new block
            st.runs = None
        st.title, st.title_row, st.header_used = title, row, False
        key = _title_key(title)
        st.indicator = INDICATORS.get(key)
        if st.indicator is None:
            why = "not a rate indicator" if key in NOT_RATE_BLOCKS else "unknown block title"
            self._skip(f"row {row} block {title!r}: {why}")

    def _group_suffix(self, run: list[tuple[int, int]]) -> str | None:
        """Code suffix of a column group, or None (and a `skipped` entry) if it is not kept."""
        st = self.state
        cache_key = (st.title_row, st.header_row, run[0][0])
        if cache_key in self._group_cache:
            return self._group_cache[cache_key]
        cols = f"{get_column_letter(run[0][0])}-{get_column_letter(run[-1][0])}"
        where = f"row {st.title_row} block {st.title!r} columns {cols}"
        raw = st.labels.get(run[0][0])
        label = _norm(raw) if raw else None
        suffix: str | None = None
        if label is None:
            self._skip(f"{where}: no column label")
        elif label in RATE_UNITS:
            suffix = ""
        elif label in BREAKDOWNS and _declares_percentage(st.title or ""):
            suffix = BREAKDOWNS[label]
        elif label in BREAKDOWNS:
            self._skip(f"{where}: group {raw!r} not stated as a percentage")
        elif label in OTHER_UNITS:
            self._skip(f"{where}: {raw!r} is not a rate")
        else:
            self._skip(f"{where}: unknown column label {raw!r}")
        self._group_cache[cache_key] = suffix
        return suffix

    def _data_row(self, label: str, cells: dict[int, Any], row: int) -> None:
        st = self.state
        if st.title is None:
            raise self._error(f"data row {label!r} before any block title", row, 1)
        st.header_used = True
        if st.indicator is None:
            return
        if st.runs is None:
            raise self._error(
                f"no year header for block {st.title!r} (title on row {st.title_row})", row, 1
            )
        economy = ENTITY_LABELS.get(_norm(label))
        if economy is None:
            self._skip(f"row {row} label {label!r} in block {st.title!r}: unknown aggregate")
            return
        for run in st.runs:
            suffix = self._group_suffix(run)
            if suffix is None:
                continue
            for col, year in run:
                value = cells.get(col)
                if value is None or (
                    isinstance(value, str) and value.strip().upper() in {"", "N/A"}
                ):
                    continue
                if not _is_number(value):
                    raise self._error(
                        f"cell value {value!r} is neither a number nor 'N/A'", row, col
                    )
                self.rows.append(
                    {
                        "economy": economy,
                        "indicator": st.indicator + suffix,
                        "year": year,
                        "value": float(value),
                        "sheet": self.sheet,
                        "row": row,
                    }
                )

    def _note_row(self, text: str, row: int) -> None:
        match = _VERSION.match(text)
        if match:
            self.versions.append((row, f"{match.group(1)} {match.group(2)}"))
        if _norm(text).startswith("all data are itu estimates"):
            self.all_estimates = True

    def feed(self, row: int, values: Iterable[Any]) -> None:
        """Read one worksheet row (1-based number, cell values from column A)."""
        cells = {i: v for i, v in enumerate(values, start=1) if v is not None and v != ""}
        label = _text(cells.get(1))
        rest = {c: v for c, v in cells.items() if c > 1}
        if label:
            self._note_row(label, row)
        if row == 1 or not cells or self.notes:
            return
        if label and not rest and _norm(label).startswith("notes"):
            self.notes = True
            return
        runs = _year_runs(rest)
        if runs is not None:
            self._check_header(runs, row)
            if label:
                self._set_title(label, row)
            self.state.runs, self.state.header_row = runs, row
            return
        if self._is_text_row(label, rest):
            for col, text in rest.items():
                self.state.labels[col] = text.strip()
            if label:
                self._set_title(label, row)
            return
        if label is None:
            raise self._error("data cells without a row label", row, 1)
        self._data_row(label, rest, row)

    @staticmethod
    def _is_text_row(label: str | None, rest: dict[int, Any]) -> bool:
        """A title and/or column labels: text only, no 'N/A', not an aggregate's row."""
        if not rest:
            return True
        texts = [_text(v) for v in rest.values()]
        if not all(texts) or any(t.upper() == "N/A" for t in texts if t):
            return False
        return not (label and _norm(label) in ENTITY_LABELS)

    def _check_header(self, runs: list[list[tuple[int, int]]], row: int) -> None:
        for run in runs:
            years = [y for _, y in run]
            if years != sorted(set(years)):
                raise self._error(f"years {years} are not increasing", row, run[0][0])


def _vintage(origin: Path, versions: list[tuple[str, int, str]], given: str | None) -> str:
    """'Version November 2024' -> '2024-11'; every sheet must agree, and with `given`."""
    found: set[str] = set()
    for sheet, row, text in versions:
        month, year = text.split()
        if month.lower() not in MONTHS:
            raise SourceFormatError(
                f"{origin} [sheet {sheet}]", f"unknown month in {text!r}", row=row, column="A"
            )
        found.add(f"{year}-{MONTHS.index(month.lower()) + 1:02d}")
    if len(found) > 1:
        raise SourceFormatError(origin, f"sheets give different versions {sorted(found)}")
    if not found:
        if given is None:
            raise SourceFormatError(origin, "no 'Version <Month> <Year>' line in any sheet")
        return given
    (vintage,) = found
    if given is not None and given != vintage:
        raise SourceFormatError(origin, f"workbook is version {vintage}, caller said {given}")
    return vintage


def _resolve(candidates: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Keep one value per key: main sheets first, then sheet order; record differing values."""
    rank = {name: i for i, name in enumerate(EXPECTED_SHEETS)}
    ordered = candidates.assign(rank=candidates["sheet"].map(rank)).sort_values(
        [*KEY, "rank", "row"], kind="mergesort"
    )
    first = ~ordered.duplicated(list(KEY), keep="first")
    kept = ordered[first]
    dropped = ordered[~first].merge(
        kept[[*KEY, "value", "sheet"]], on=list(KEY), suffixes=("", "_k")
    )
    differ = dropped[(dropped["value"] - dropped["value_k"]).abs() > 1e-9]
    conflicts = pd.DataFrame(
        {
            **{k: differ[k].to_numpy() for k in KEY},
            "kept_value": differ["value_k"].to_numpy(),
            "kept_sheet": differ["sheet_k"].to_numpy(),
            "dropped_value": differ["value"].to_numpy(),
            "dropped_sheet": differ["sheet"].to_numpy(),
        },
        columns=list(CONFLICT_COLUMNS),
    )
    return kept, conflicts.reset_index(drop=True)


def _sheet_rows(path: Path, book: Any, name: str) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(row number, values) of a sheet; a damaged sheet is a SourceFormatError naming it."""
    try:
        yield from enumerate(book[name].iter_rows(values_only=True), start=1)
    except (ParseError, zipfile.BadZipFile, ValueError, KeyError, OSError) as exc:
        raise SourceFormatError(
            path, f"sheet {name!r} is damaged and cannot be read ({exc})"
        ) from exc


def read_key_ict_workbook(
    path: str | Path, *, source: str, vintage: str | None = None
) -> KeyIctWorkbook:
    """Read the rates of the Key ICT aggregates workbook (all sheets in EXPECTED_SHEETS).

    The vintage comes from the 'Version <Month> <Year>' note ('2024-11'); a given `vintage`
    must match it. When several sheets hold the same (economy, indicator, year) one value is
    kept: the main sheets' (MAIN_SHEETS) first, then the earliest sheet; differing values are
    listed in `conflicts`. `note` is the sheet name; `estimate` is True on sheets whose notes
    say 'All data are ITU estimates'.
    """
    path = Path(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for unreadable files
        raise SourceFormatError(path, f"not a readable xlsx workbook ({exc})") from exc
    skipped: list[str] = []
    rows: list[dict[str, Any]] = []
    versions: list[tuple[str, int, str]] = []
    try:
        missing = [s for s in EXPECTED_SHEETS if s not in book.sheetnames]
        if missing:
            raise SourceFormatError(
                path, f"missing sheets {missing}; the workbook has {book.sheetnames}"
            )
        for name in EXPECTED_SHEETS:
            parser = _SheetParser(f"{path} [sheet {name}]", name, skipped)
            for number, values in _sheet_rows(path, book, name):
                parser.feed(number, values)
            versions += [(name, r, text) for r, text in parser.versions]
            rows += [{**r, "estimate": parser.all_estimates} for r in parser.rows]
    finally:
        book.close()
    found_vintage = _vintage(path, versions, vintage)
    if not rows:
        raise SourceFormatError(path, "no rate values found in any sheet")
    rows = [r for r in rows if r["year"] >= FIRST_YEAR]
    kept, conflicts = _resolve(pd.DataFrame(rows))
    observations = loaded_observations(
        kept.assign(source=source, vintage=found_vintage, note=kept["sheet"]), origin=path
    )
    codes = [c for c in ENTITIES if c in set(observations["economy"])]
    entities = pd.DataFrame(
        {
            "code": codes,
            "name": [ENTITIES[c][0] for c in codes],
            "kind": "itu_aggregate",
            "description": [ENTITIES[c][1] for c in codes],
        }
    )
    return KeyIctWorkbook(
        observations=observations,
        entities=entities,
        vintage=found_vintage,
        conflicts=conflicts,
        skipped=skipped,
    )
