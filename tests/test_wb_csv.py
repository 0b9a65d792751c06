"""Tests of the World Bank per-indicator CSV loader and its metadata companions.

Fixture files are written by code (values are a formula of row and year) in each variant found
in the wild; tests marked `shared` read the real raw files and check facts stated in SOURCES.md.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from indicators.errors import SourceFormatError
from indicators.schema import OBSERVATION_COLUMNS
from indicators.sources.wb_csv import (
    ID_COLUMNS,
    read_country_metadata,
    read_csv_records,
    read_indicator_csv,
)

VARIANTS = ("original", "spreadsheet", "stripped")
FIXTURE_CODE = "XX.TEST.ZS"
FIXTURE_NAME = "Test share (% of fixture)"
FIXTURE_ECONOMIES = (("Alpha", "AAA"), ("Beta, Rep.", "BBB"), ("Gamma", "CCC"), ("World", "WLD"))
FIXTURE_YEARS = tuple(range(1996, 2006))
FIXTURE_DATE = date(2031, 4, 17)  # day > 12 so that the m/d/yyyy order matters
FIXTURE_FILE = "API_XX.TEST.ZS_DS2_en_csv_v2_1.csv"

Table = list[list[str]]


def fixture_value(row: int, year: int) -> float | None:
    """The fixture's value for economy `row` in `year`; None (an empty cell) on a diagonal."""
    if (row + year) % 4 == 0:
        return None
    return round(0.37 * (row + 1) * (year - 1990) + 1 / (row + 3), 9)


def _formatter(variant: str) -> Callable[[float], str]:
    """Excel keeps about 10 significant digits; the World Bank writes full precision."""
    return (lambda v: f"{v:.10g}") if variant == "spreadsheet" else repr


def fixture_table(variant: str) -> tuple[list[str], Table]:
    """Header and rows (strings) of the fixture indicator, numbers formatted as `variant` does."""
    fmt = _formatter(variant)
    header = [*ID_COLUMNS, *map(str, FIXTURE_YEARS)]
    rows = []
    for i, (name, code) in enumerate(FIXTURE_ECONOMIES):
        cells = [fixture_value(i, y) for y in FIXTURE_YEARS]
        rows.append(
            [name, code, FIXTURE_NAME, FIXTURE_CODE, *("" if v is None else fmt(v) for v in cells)]
        )
    return header, rows


def _quoted(fields: list[str]) -> str:
    """A World Bank line: every field quoted, closed by a trailing comma (empty last column)."""
    return ",".join('"' + f.replace('"', '""') + '"' for f in fields) + ","


def _excel_lines(preamble: Table, table: Table, width: int) -> str:
    """Excel's CSV: minimal quoting, CRLF, preamble lines padded with commas to the table width."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(fields + [""] * (width - len(fields)) for fields in preamble)
    writer.writerows(table)
    return buffer.getvalue()


@dataclass(frozen=True)
class FixtureCsv:
    """A fixture file and the line of its header row (data row i is on header_line + 1 + i)."""

    path: Path
    header_line: int

    def row_line(self, index: int) -> int:
        return self.header_line + 1 + index


def fixture_api_csv(
    folder: Path, variant: str, header: list[str], rows: Table, name: str = FIXTURE_FILE
) -> FixtureCsv:
    """Write `header` and `rows` in the layout of `variant` (see indicators.wb_csv)."""
    path = folder / name
    updated = FIXTURE_DATE
    if variant == "original":
        preamble = [
            '"Data Source","World Development Indicators",',
            "",
            f'"Last Updated Date","{updated.isoformat()}",',
            "",
        ]
        text = "\n".join([*preamble, *map(_quoted, [header, *rows])]) + "\n"
        header_line = 5
    elif variant == "spreadsheet":
        preamble = [
            ["Data Source", "World Development Indicators"],
            [],
            ["Last Updated Date", f"{updated.month}/{updated.day}/{updated.year}"],
            [],
        ]
        text = _excel_lines(preamble, [header, *rows], len(header))
        header_line = 5
    else:
        text = "\r\n" + "\r\n".join(map(_quoted, [header, *rows])) + "\r\n"
        header_line = 2
    path.write_text(text, encoding="utf-8-sig", newline="")
    return FixtureCsv(path, header_line)


def expected_observations(first_year: int = 2000) -> pd.DataFrame:
    """The observations the fixture should yield, computed from the formula."""
    rows = [
        (code, year, fixture_value(i, year))
        for i, (_, code) in enumerate(FIXTURE_ECONOMIES)
        for year in FIXTURE_YEARS
        if year >= first_year and fixture_value(i, year) is not None
    ]
    frame = pd.DataFrame(rows, columns=["economy", "year", "value"])
    return frame.sort_values(["economy", "year"], ignore_index=True)


def _assert_matches_formula(observations: pd.DataFrame, first_year: int = 2000) -> None:
    expected = expected_observations(first_year)
    assert observations["economy"].tolist() == expected["economy"].tolist()
    assert observations["year"].tolist() == expected["year"].tolist()
    np.testing.assert_allclose(observations["value"], expected["value"], rtol=1e-9)


@pytest.mark.parametrize("variant", VARIANTS)
def test_reads_each_variant(tmp_path: Path, variant: str) -> None:
    header, rows = fixture_table(variant)
    fixture = fixture_api_csv(tmp_path, variant, header, rows)
    vintage = "fixture-vintage" if variant == "stripped" else None
    result = read_indicator_csv(fixture.path, source="wdi-test", vintage=vintage)
    assert result.variant == variant
    assert (result.indicator_code, result.indicator_name) == (FIXTURE_CODE, FIXTURE_NAME)
    dated = variant != "stripped"
    assert result.last_updated == (FIXTURE_DATE.isoformat() if dated else None)
    obs = result.observations
    assert list(obs.columns) == list(OBSERVATION_COLUMNS)
    _assert_matches_formula(obs)
    assert set(obs["indicator"]) == {FIXTURE_CODE}
    assert set(obs["source"]) == {"wdi-test"}
    assert set(obs["vintage"]) == {FIXTURE_DATE.isoformat() if dated else "fixture-vintage"}
    assert not obs["estimate"].any()
    assert set(obs["note"]) == {""}
    assert result.dropped.empty
    assert list(result.dropped.columns) == ["economy", "year", "value", "reason"]


@pytest.mark.parametrize("variant", VARIANTS)
def test_first_year_option(tmp_path: Path, variant: str) -> None:
    fixture = fixture_api_csv(tmp_path, variant, *fixture_table(variant))
    first = FIXTURE_YEARS[-3]
    result = read_indicator_csv(fixture.path, source="s", vintage="v", first_year=first)
    _assert_matches_formula(result.observations, first_year=first)
    assert result.observations["year"].min() == first


def test_stripped_file_needs_explicit_vintage(tmp_path: Path) -> None:
    fixture = fixture_api_csv(tmp_path, "stripped", *fixture_table("stripped"))
    with pytest.raises(SourceFormatError, match="vintage") as caught:
        read_indicator_csv(fixture.path, source="s")
    assert str(fixture.path) in str(caught.value)


def test_explicit_vintage_overrides_file_date(tmp_path: Path) -> None:
    fixture = fixture_api_csv(tmp_path, "original", *fixture_table("original"))
    result = read_indicator_csv(fixture.path, source="s", vintage="explicit")
    assert set(result.observations["vintage"]) == {"explicit"}
    assert result.last_updated == FIXTURE_DATE.isoformat()


def test_row_missing_only_the_trailing_empty_column_is_accepted(tmp_path: Path) -> None:
    fixture = fixture_api_csv(tmp_path, "original", *fixture_table("original"))
    lines = fixture.path.read_text(encoding="utf-8-sig").split("\n")
    at = fixture.row_line(1) - 1
    assert lines[at].endswith(",")
    lines[at] = lines[at][:-1]
    fixture.path.write_text("\n".join(lines), encoding="utf-8-sig", newline="")
    _assert_matches_formula(read_indicator_csv(fixture.path, source="s").observations)


@pytest.mark.parametrize("variant", VARIANTS)
def test_bogus_zero_in_last_year_is_dropped(tmp_path: Path, variant: str) -> None:
    header, rows = fixture_table(variant)
    fmt = _formatter(variant)
    last, previous = len(header) - 1, len(header) - 2
    above_one, below_one = 1 + 1 / len(rows), 1 / len(rows)
    rows[0][previous], rows[0][last] = fmt(above_one), "0"  # previous > 1: dropped
    rows[1][previous], rows[1][last] = fmt(below_one), "0"  # previous <= 1: kept
    rows[2][previous] = "0"  # a zero before the last year is kept
    fixture = fixture_api_csv(tmp_path, variant, header, rows)
    result = read_indicator_csv(fixture.path, source="s", vintage="v")
    last_year = FIXTURE_YEARS[-1]
    dropped = result.dropped
    assert dropped[["economy", "year", "value"]].values.tolist() == [
        [FIXTURE_ECONOMIES[0][1], last_year, 0.0]
    ]
    assert "0" in dropped["reason"].iloc[0]
    obs = result.observations.set_index(["economy", "year"])["value"]
    assert (FIXTURE_ECONOMIES[0][1], last_year) not in obs.index
    assert obs[(FIXTURE_ECONOMIES[1][1], last_year)] == 0.0
    assert obs[(FIXTURE_ECONOMIES[2][1], last_year - 1)] == 0.0


def test_unreadable_date_names_the_row(tmp_path: Path) -> None:
    fixture = fixture_api_csv(tmp_path, "original", *fixture_table("original"))
    text = fixture.path.read_text(encoding="utf-8-sig").replace(FIXTURE_DATE.isoformat(), "soon")
    fixture.path.write_text(text, encoding="utf-8-sig")
    with pytest.raises(SourceFormatError) as caught:
        read_indicator_csv(fixture.path, source="s")
    assert caught.value.row == 3
    assert str(fixture.path) in str(caught.value)


def _drop_column(header: list[str], rows: Table, name: str) -> tuple[list[str], Table]:
    at = header.index(name)
    return header[:at] + header[at + 1 :], [r[:at] + r[at + 1 :] for r in rows]


Mutation = Callable[[list[str], Table], tuple[list[str], Table]]

# Each case mutates (header, rows) and says where the error must point: the row ("header" or the
# index of a data row) and, when stated, the column as a function of the original header.
MALFORMED: dict[str, tuple[Mutation, str | int, Callable[[list[str]], str] | None]] = {
    "missing id column": (
        lambda h, r: _drop_column(h, r, "Indicator Name"),
        "header",
        lambda h: "Indicator Name",
    ),
    "no year columns": (lambda h, r: (h[:4], [x[:4] for x in r]), "header", None),
    "non-year column": (
        lambda h, r: ([*h[:6], "YR" + h[6], *h[7:]], r),
        "header",
        lambda h: "YR" + h[6],
    ),
    "two indicator codes": (
        lambda h, r: (h, [*r[:2], [*r[2][:3], r[2][3] + ".X", *r[2][4:]], *r[3:]]),
        2,
        lambda h: "Indicator Code",
    ),
    "non-numeric cell": (
        lambda h, r: (h, [*r[:1], [*r[1][:7], "n/a", *r[1][8:]], *r[2:]]),
        1,
        lambda h: h[7],
    ),
    "duplicate country code": (
        lambda h, r: (h, [*r[:3], [r[3][0], r[0][1], *r[3][2:]]]),
        3,
        lambda h: "Country Code",
    ),
    "truncated row": (lambda h, r: (h, [*r[:2], r[2][:9], *r[3:]]), 2, None),
    "text beyond the header": (lambda h, r: (h, [[*r[0], "", "extra"], *r[1:]]), 0, None),
}


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_file_names_file_and_place(tmp_path: Path, variant: str, case: str) -> None:
    mutate, row, column = MALFORMED[case]
    header, rows = fixture_table(variant)
    new_header, new_rows = mutate(list(header), [list(r) for r in rows])
    fixture = fixture_api_csv(tmp_path, variant, new_header, new_rows)
    with pytest.raises(SourceFormatError) as caught:
        read_indicator_csv(fixture.path, source="s", vintage="v")
    error = caught.value
    assert str(fixture.path) in str(error)
    assert error.row == (fixture.header_line if row == "header" else fixture.row_line(int(row)))
    if column is not None:
        assert error.column == column(header)
        assert repr(column(header)) in str(error)


@pytest.mark.parametrize("content", ["", "\ufeff", "\r\n\r\n", ",,,\r\n"])
def test_empty_file_is_rejected(tmp_path: Path, content: str) -> None:
    path = tmp_path / FIXTURE_FILE
    path.write_text(content, encoding="utf-8", newline="")
    with pytest.raises(SourceFormatError, match="empty") as caught:
        read_indicator_csv(path, source="s", vintage="v")
    assert str(path) in str(caught.value)


def test_long_csv_is_not_this_layout(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    lines = ["Country Name,Country Code,Year,Value"] + [
        f"{name},{code},{year},{fixture_value(i, year) or ''}"
        for i, (name, code) in enumerate(FIXTURE_ECONOMIES[:1])
        for year in FIXTURE_YEARS
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(SourceFormatError, match="not the World Bank") as caught:
        read_indicator_csv(path, source="s", vintage="v")
    assert (caught.value.row, caught.value.column) == (1, "Indicator Name")
    assert str(path) in str(caught.value)


def test_random_text_is_not_this_layout(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("\nThese are meeting notes,\nnot a data file.\n", encoding="utf-8")
    with pytest.raises(SourceFormatError, match="not the World Bank") as caught:
        read_indicator_csv(path, source="s", vintage="v")
    assert (caught.value.row, caught.value.column) == (2, "Country Name")


# --- metadata companions ---------------------------------------------------------------------

COUNTRY_HEADER = ["Country Code", "Region", "IncomeGroup", "SpecialNotes", "TableName"]


def fixture_country_rows() -> Table:
    """Economies (with a region) and aggregates (without), deliberately unsorted; one note spans
    several lines as in the World Bank file."""
    return [
        ["CCC", "Region One", "Income Upper", "", "Gamma"],
        ["AAA", "Region Two", "Income Lower", "First paragraph.\r\n\r\nSecond paragraph.", "Alpha"],
        ["WLD", "", "", "World aggregate note", "World"],
        ["BBB", "Region One", "", "", "Beta, Rep."],
        ["GRP", "", "", "", "A group"],
    ]


def fixture_country_metadata(folder: Path, header: list[str], rows: Table) -> Path:
    """Write a Metadata_Country file in the World Bank layout (BOM, quoted, trailing comma, CRLF)."""
    path = folder / "Metadata_Country_API_XX.TEST.ZS_DS2_en_csv_v2_1.csv"
    text = "\r\n".join(map(_quoted, [header, *rows])) + "\r\n"
    path.write_text(text, encoding="utf-8-sig", newline="")
    return path


def test_country_metadata_reads_and_sorts(tmp_path: Path) -> None:
    rows = fixture_country_rows()
    meta = read_country_metadata(fixture_country_metadata(tmp_path, COUNTRY_HEADER, rows))
    assert list(meta.columns) == [
        "code",
        "name",
        "region",
        "income_group",
        "special_notes",
        "is_aggregate",
    ]
    assert meta["code"].tolist() == sorted(r[0] for r in rows)
    by_code = meta.set_index("code")
    for code, region, income, notes, name in rows:
        assert by_code.loc[code, "name"] == name
        assert by_code.loc[code, "region"] == region
        assert by_code.loc[code, "income_group"] == income
        assert by_code.loc[code, "special_notes"] == notes.strip()
        assert bool(by_code.loc[code, "is_aggregate"]) == (region == "")


def test_country_metadata_duplicate_code_row_counts_multiline_notes(tmp_path: Path) -> None:
    rows = fixture_country_rows()
    rows.append([rows[0][0], "Region Three", "", "", "Again"])
    path = fixture_country_metadata(tmp_path, COUNTRY_HEADER, rows)
    expected_line = 2 + sum(1 + r[3].count("\n") for r in rows[:-1])
    with pytest.raises(SourceFormatError, match="duplicate") as caught:
        read_country_metadata(path)
    assert (caught.value.row, caught.value.column) == (expected_line, "Country Code")
    assert str(path) in str(caught.value)


def test_country_metadata_missing_column(tmp_path: Path) -> None:
    at = COUNTRY_HEADER.index("IncomeGroup")
    rows = [r[:at] + r[at + 1 :] for r in fixture_country_rows()]
    path = fixture_country_metadata(tmp_path, COUNTRY_HEADER[:at] + COUNTRY_HEADER[at + 1 :], rows)
    with pytest.raises(SourceFormatError) as caught:
        read_country_metadata(path)
    assert (caught.value.row, caught.value.column) == (1, "IncomeGroup")
    assert str(path) in str(caught.value)


def test_country_metadata_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "Metadata_Country_empty.csv"
    path.write_text("\ufeff", encoding="utf-8")
    with pytest.raises(SourceFormatError, match="empty"):
        read_country_metadata(path)


INDICATOR_HEADER = ["INDICATOR_CODE", "INDICATOR_NAME", "SOURCE_NOTE", "SOURCE_ORGANIZATION"]


# --- the real files (facts from SOURCES.md) ---------------------------------------------------

FILE_2026 = "wdi_2026_07_sidsight/API_IT.NET.USER.ZS_DS2_en_csv_v2_33086.csv"
FILE_2025 = "wdi_2025_singapore/API_IT.NET.USER.ZS_DS2_en_csv_v2_1228.csv"
META_2025 = "wdi_2025_singapore/Metadata_Country_API_IT.NET.USER.ZS_DS2_en_csv_v2_1228.csv"
INDICATOR_2025 = "wdi_2025_singapore/Metadata_Indicator_API_IT.NET.USER.ZS_DS2_en_csv_v2_1228.csv"
AGGREGATES = frozenset(
    [
        "AFE",
        "AFW",
        "ARB",
        "CEB",
        "CSS",
        "EAP",
        "EAR",
        "EAS",
        "ECA",
        "ECS",
        "EMU",
        "EUU",
        "FCS",
        "HIC",
        "HPC",
        "IBD",
        "IBT",
        "IDA",
        "IDB",
        "IDX",
        "LAC",
        "LCN",
        "LDC",
        "LIC",
        "LMC",
        "LMY",
        "LTE",
        "MEA",
        "MIC",
        "MNA",
        "NAC",
        "OED",
        "OSS",
        "PRE",
        "PSS",
        "PST",
        "SAS",
        "SSA",
        "SSF",
        "SST",
        "TEA",
        "TEC",
        "TLA",
        "TMN",
        "TSA",
        "TSS",
        "UMC",
        "WLD",
    ]
)
NO_VALUES = frozenset(
    [
        "ARB",
        "CEB",
        "CSS",
        "EAR",
        "EMU",
        "EUU",
        "HPC",
        "LMY",
        "LTE",
        "MIC",
        "OED",
        "OSS",
        "PRE",
        "PSS",
        "PST",
    ]
)
AGGREGATES_2005_2025 = {
    "LIC": (1.0, 23.4),
    "LMC": (3.6, 62.9),
    "UMC": (10.2, 88.8),
    "HIC": (52.9, 94.2),
    "LDC": (0.7, 33.7),
    "SSF": (2.0, 35.7),
    "SAS": (2.1, 67.8),
    "MEA": (8.3, 63.7),
    "EAS": (14.7, 88.4),
    "ECS": (34.7, 92.4),
    "LCN": (16.6, 83.7),
    "NAC": (68.3, 95.6),
}


def _series(obs: pd.DataFrame, economy: str) -> pd.Series:
    return obs.loc[obs["economy"] == economy].set_index("year")["value"].round(1)


def _data_codes(path: Path) -> list[str]:
    """Country codes of the data rows, read independently of the loader."""
    records, _ = read_csv_records(path)
    header_at = next(i for i, r in enumerate(records) if r[:1] == ["Country Name"])
    return [r[1] for r in records[header_at + 1 :] if any(r)]


def _economies_with_value(obs: pd.DataFrame, economies: set[str], year: int) -> int:
    return obs.loc[(obs["year"] == year) & obs["economy"].isin(economies), "economy"].nunique()


@pytest.fixture(scope="module")
def metadata_2025(raw_dir: Path) -> pd.DataFrame:
    return read_country_metadata(raw_dir / META_2025)


@pytest.mark.shared
def test_real_2026_release(raw_dir: Path, metadata_2025: pd.DataFrame) -> None:
    result = read_indicator_csv(raw_dir / FILE_2026, source="wdi")
    assert (result.variant, result.last_updated) == ("spreadsheet", "2026-07-13")
    assert result.indicator_code == "IT.NET.USER.ZS"
    obs = result.observations
    assert set(obs["vintage"]) == {"2026-07-13"}
    world = _series(obs, "WLD")
    assert (world[2005], world[2024], world[2025]) == (15.6, 71.2, 73.6)
    for code, (v2005, v2025) in AGGREGATES_2005_2025.items():
        assert (_series(obs, code)[2005], _series(obs, code)[2025]) == (v2005, v2025), code
    economies = set(metadata_2025.loc[~metadata_2025["is_aggregate"], "code"])
    counts = [_economies_with_value(obs, economies, y) for y in (2005, 2024, 2025)]
    assert counts == [199, 182, 10]
    assert not NO_VALUES & set(obs["economy"])
    assert "FCS" not in set(obs["economy"])


@pytest.mark.shared
def test_real_2026_bogus_zeros_dropped(raw_dir: Path) -> None:
    result = read_indicator_csv(raw_dir / FILE_2026, source="wdi")
    assert sorted(result.dropped["economy"]) == ["MNA", "SST"]
    assert set(result.dropped["year"]) == {2025}
    assert set(result.dropped["value"]) == {0.0}
    obs = result.observations
    for code, v2024 in (("MNA", 58.0), ("SST", 72.5)):
        series = _series(obs, code)
        assert series[2024] == v2024
        assert 2025 not in series.index


@pytest.mark.shared
def test_real_row_counts(raw_dir: Path, metadata_2025: pd.DataFrame) -> None:
    codes_2026, codes_2025 = _data_codes(raw_dir / FILE_2026), _data_codes(raw_dir / FILE_2025)
    assert (len(codes_2026), len(codes_2025)) == (265, 266)
    assert set(codes_2025) - set(codes_2026) == {"FCS"}
    assert set(codes_2026) <= set(codes_2025)
    assert set(metadata_2025["code"]) <= set(codes_2025)
    loaded = read_indicator_csv(raw_dir / FILE_2026, source="wdi", first_year=1960)
    assert set(loaded.observations["economy"]) <= set(codes_2026)


@pytest.mark.shared
def test_real_2025_download(raw_dir: Path, metadata_2025: pd.DataFrame) -> None:
    with pytest.raises(SourceFormatError, match="vintage"):
        read_indicator_csv(raw_dir / FILE_2025, source="wdi")
    result = read_indicator_csv(raw_dir / FILE_2025, source="wdi", vintage="2025-h2")
    assert (result.variant, result.last_updated) == ("stripped", None)
    obs = result.observations
    world = _series(obs, "WLD")
    assert (world[2005], world[2024]) == (15.6, 71.2)
    assert obs["year"].max() == 2024
    assert _series(obs, "FCS")[2024] == 37.0
    economies = set(metadata_2025.loc[~metadata_2025["is_aggregate"], "code"])
    assert [_economies_with_value(obs, economies, y) for y in (2005, 2024)] == [200, 49]


@pytest.mark.shared
def test_real_country_metadata(metadata_2025: pd.DataFrame) -> None:
    meta = metadata_2025.set_index("code")
    assert len(meta) == 265
    assert int((~meta["is_aggregate"]).sum()) == 217
    assert set(meta.index[meta["is_aggregate"]]) == AGGREGATES
    assert meta.loc["CRI", "income_group"] == "High income"
    assert meta.loc[["CPV", "WSM"], "income_group"].tolist() == ["Upper middle income"] * 2
    assert meta.loc["NAM", "income_group"] == "Lower middle income"
    assert meta.loc[["ETH", "VEN"], "income_group"].tolist() == ["", ""]
    assert meta.loc[["AFG", "PAK"], "region"].tolist() == ["Middle East & North Africa"] * 2
    assert "\n" in meta.loc["AFG", "special_notes"]
