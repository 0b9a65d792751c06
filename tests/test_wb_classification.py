"""Tests of the World Bank classification loaders: fixture workbooks in the real layouts and the
real CLASS.xlsx / OGHIST files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils import get_column_letter

from indicators.errors import SourceFormatError
from indicators.sources.wb_classification import (
    ECONOMY_HEADER,
    GROUP_HEADER,
    HISTORY_CODES,
    HISTORY_SHEET,
    INCOME_GROUPS,
    LENDING_CATEGORIES,
    ClassWorkbook,
    read_class_workbook,
    read_income_history,
)

N_ECONOMIES = 12
REGION_NAMES = ("Region A", "Region B", "Region C")
FISCAL_YEARS = tuple(range(1989, 2027))
HISTORY_CODES_FX = tuple(f"E{i:02d}" for i in range(N_ECONOMIES))


# --- CLASS.xlsx fixture -----------------------------------------------------------------------


def fixture_economy(i: int) -> dict[str, str | None]:
    """Economy i of the fixture list: every field a formula of i; i == 5 is unclassified."""
    return {
        "Economy": f"Economy {i}",
        "Code": f"E{i:02d}",
        "Region": REGION_NAMES[i % len(REGION_NAMES)],
        "Income group": None if i == 5 else INCOME_GROUPS[i % len(INCOME_GROUPS)],
        "Lending category": None if i % 4 == 3 else LENDING_CATEGORIES[i % 3],
    }


def fixture_members() -> list[tuple[str, str, str]]:
    """(group code, group name, member code): G01 even economies, G02 all plus Serbia."""
    even = [("G01", "Group one", f"E{i:02d}") for i in range(0, N_ECONOMIES, 2)]
    every = [("G02", "Group two", f"E{i:02d}") for i in range(N_ECONOMIES)]
    return [*even, *every, ("G02", "Group two", "SRB")]


def build_class(path: Path) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "List of economies"
    ws.append(list(ECONOMY_HEADER))
    for i in range(N_ECONOMIES):
        ws.append(list(fixture_economy(i).values()))
    # Serbia under its old code, as in the real FY25 file; the compositions sheet says SRB.
    ws.append(["Serbia", "SCG", REGION_NAMES[0], INCOME_GROUPS[2], LENDING_CATEGORIES[1]])
    ws.append([None] * 5)
    ws.append(["Group one", "G01", None, None, None])
    ws.append(["Group two", "G02", None, None, None])
    comp = book.create_sheet("compositions")
    comp.append(list(GROUP_HEADER))
    for group, name, member in fixture_members():
        comp.append([group, name, member, f"Name of {member}"])
    book.create_sheet("Notes").append(["Notes"])
    book.save(path)
    return path


@pytest.fixture
def fixture_class_xlsx(tmp_path: Path) -> Path:
    return build_class(tmp_path / "CLASS.xlsx")


def edit(path: Path, change: Callable[[openpyxl.Workbook], None]) -> Path:
    book = openpyxl.load_workbook(path)
    change(book)
    book.save(path)
    return path


def test_class_economies(fixture_class_xlsx: Path) -> None:
    out = read_class_workbook(fixture_class_xlsx)
    assert isinstance(out, ClassWorkbook)
    eco = out.economies
    assert list(eco.columns) == ["code", "name", "region", "income_group", "lending_category"]
    assert len(eco) == N_ECONOMIES + 1  # aggregates (no region) and the blank row are left out
    assert "G01" not in set(eco["code"])
    rows = eco.set_index("code")
    for i in range(N_ECONOMIES):
        want = fixture_economy(i)
        got = rows.loc[want["Code"]]
        assert (got["name"], got["region"]) == (want["Economy"], want["Region"])
        for column, key in (("income_group", "Income group"), ("lending_category", "Lending category")):  # fmt: skip
            if want[key] is None:
                assert pd.isna(got[column])
            else:
                assert got[column] == want[key]


def test_class_serbia_code_corrected(fixture_class_xlsx: Path) -> None:
    eco = read_class_workbook(fixture_class_xlsx).economies
    assert "SCG" not in set(eco["code"])
    assert eco.set_index("code").loc["SRB", "name"] == "Serbia"


def test_class_groups(fixture_class_xlsx: Path) -> None:
    groups = read_class_workbook(fixture_class_xlsx).groups
    assert list(groups.columns) == ["group_code", "group_name", "economy"]
    assert list(groups.itertuples(index=False, name=None)) == fixture_members()


def test_class_bad_header(fixture_class_xlsx: Path) -> None:
    edit(fixture_class_xlsx, lambda b: setattr(b["List of economies"]["D1"], "value", "Income"))
    with pytest.raises(SourceFormatError) as err:
        read_class_workbook(fixture_class_xlsx)
    message = str(err.value)
    assert "[sheet List of economies]" in message and "row 1" in message
    assert "Income group" in message and "CLASS.xlsx" in message


def test_class_unknown_income_group(fixture_class_xlsx: Path) -> None:
    edit(fixture_class_xlsx, lambda b: setattr(b["List of economies"]["D4"], "value", "Middle"))
    with pytest.raises(SourceFormatError) as err:
        read_class_workbook(fixture_class_xlsx)
    assert err.value.row == 4 and err.value.column == "Income group"
    assert "[sheet List of economies]" in str(err.value)


def test_class_member_not_listed(fixture_class_xlsx: Path) -> None:
    edit(fixture_class_xlsx, lambda b: setattr(b["compositions"]["C3"], "value", "ZZZ"))
    with pytest.raises(SourceFormatError) as err:
        read_class_workbook(fixture_class_xlsx)
    assert err.value.row == 3 and err.value.column == "WB_Country_Code"
    assert "[sheet compositions]" in str(err.value) and "ZZZ" in str(err.value)


def test_class_missing_sheet(fixture_class_xlsx: Path) -> None:
    edit(fixture_class_xlsx, lambda b: b.remove(b["compositions"]))
    with pytest.raises(SourceFormatError, match="compositions"):
        read_class_workbook(fixture_class_xlsx)


def test_class_duplicate_code(fixture_class_xlsx: Path) -> None:
    edit(fixture_class_xlsx, lambda b: setattr(b["List of economies"]["B3"], "value", "E00"))
    with pytest.raises(SourceFormatError) as err:
        read_class_workbook(fixture_class_xlsx)
    assert err.value.row == 3 and err.value.column == "Code"


# --- OGHIST fixture ---------------------------------------------------------------------------


def fy_label(year: int) -> str:
    return f"FY{year % 100:02d}"


def fixture_highs(k: int) -> tuple[int, int, int]:
    """Upper bounds of L, LM, UM in fiscal year number k (a formula)."""
    return 400 + 20 * k, 1500 + 75 * k, 5000 + 250 * k


def threshold_texts(k: int) -> list[str]:
    """The four cells of one fiscal year in the sheet's own notations."""
    low, lm, um = fixture_highs(k)
    dash = "-" if k < 20 else " - "  # older years print '481-1,940', newer '1,146 - 4,515'
    return [f"<= {low:,}", f"{low + 1:,}{dash}{lm:,}", f"{lm + 1:,}{dash}{um:,}", f"> {um:,}"]


def fixture_group(i: int, k: int) -> str | None:
    """Cell of economy i in fiscal year k: a code, '..' (not classified) or blank."""
    if i == 3 and k < 5:
        return ".."
    if i == 4 and k > 30:
        return None
    return HISTORY_CODES[(i + k) % len(HISTORY_CODES)]


def build_history(path: Path) -> Path:
    book = openpyxl.Workbook()
    book.active.title = "Parameters"
    book.create_sheet("Thresholds")
    ws = book.create_sheet(HISTORY_SHEET)
    ws["B1"] = "World Bank Analytical Classifications"
    ws["B3"] = "GNI per capita in US$ (Atlas methodology)"
    ws.append([])
    ws.append([None, "Bank's fiscal year:", *[fy_label(y) for y in FISCAL_YEARS]])
    ws.append([None, "Data for calendar year :", *[y - 2 for y in FISCAL_YEARS]])
    labels = ("Low income (L)", "Lower middle income (LM)", "Upper middle income (UM)")
    for g, label in enumerate((*labels, "High income (H)")):
        ws.append([None, label, *[threshold_texts(k)[g] for k in range(len(FISCAL_YEARS))]])
    ws.append([])
    for i, code in enumerate(HISTORY_CODES_FX):
        ws.append([code, f"Economy {i}", *[fixture_group(i, k) for k in range(len(FISCAL_YEARS))]])
    ws.append([None, "* A footnote explaining a starred cell."])
    book.create_sheet("Operational Category Change")
    book.save(path)
    return path


@pytest.fixture
def fixture_oghist(tmp_path: Path) -> Path:
    return build_history(tmp_path / "OGHIST.xlsx")


def history_cell(book: openpyxl.Workbook, economy: int, k: int) -> openpyxl.cell.Cell:
    """The cell of economy index `economy` in fiscal year number k (rows start at 12)."""
    return book[HISTORY_SHEET].cell(row=12 + economy, column=3 + k)


def test_history_grid(fixture_oghist: Path) -> None:
    out = read_income_history(fixture_oghist)
    assert list(out.columns) == ["economy", "fiscal_year", "income_group"]
    assert len(out) == N_ECONOMIES * len(FISCAL_YEARS)
    assert out["fiscal_year"].dtype.kind == "i"
    assert (out["fiscal_year"].min(), out["fiscal_year"].max()) == (1989, 2026)
    got = out.set_index(["economy", "fiscal_year"])["income_group"]
    for i, code in enumerate(HISTORY_CODES_FX):
        for k, year in enumerate(FISCAL_YEARS):
            want = fixture_group(i, k)
            if want in (None, ".."):
                assert pd.isna(got[(code, year)])
            else:
                assert got[(code, year)] == want


def test_history_fiscal_year_mapping(fixture_oghist: Path) -> None:
    years = set(read_income_history(fixture_oghist)["fiscal_year"])
    assert {fy_label(y) for y in years} == {fy_label(y) for y in FISCAL_YEARS}
    assert 2005 in years and 1999 in years and 2000 in years  # FY05, FY99, FY00


def test_history_starred_value(fixture_oghist: Path) -> None:
    edit(fixture_oghist, lambda b: setattr(history_cell(b, 2, 0), "value", "LM*"))
    out = read_income_history(fixture_oghist).set_index(["economy", "fiscal_year"])
    assert out.loc[(HISTORY_CODES_FX[2], FISCAL_YEARS[0]), "income_group"] == "LM"


def test_history_odd_value_names_row_and_column(fixture_oghist: Path) -> None:
    edit(fixture_oghist, lambda b: setattr(history_cell(b, 6, 10), "value", "UM*"))
    with pytest.raises(SourceFormatError) as err:
        read_income_history(fixture_oghist)
    assert err.value.row == 12 + 6 and err.value.column == get_column_letter(3 + 10)
    assert f"[sheet {HISTORY_SHEET}]" in str(err.value) and "UM*" in str(err.value)


def test_history_bad_header(fixture_oghist: Path) -> None:
    edit(fixture_oghist, lambda b: setattr(b[HISTORY_SHEET].cell(row=5, column=8), "value", "1994"))
    with pytest.raises(SourceFormatError) as err:
        read_income_history(fixture_oghist)
    assert err.value.row == 5 and err.value.column == get_column_letter(8)


def test_history_without_header_row(fixture_oghist: Path) -> None:
    edit(fixture_oghist, lambda b: setattr(b[HISTORY_SHEET]["B5"], "value", "Fiscal"))
    with pytest.raises(SourceFormatError, match="fiscal year"):
        read_income_history(fixture_oghist)


def test_history_missing_sheet(fixture_oghist: Path) -> None:
    edit(fixture_oghist, lambda b: b.remove(b[HISTORY_SHEET]))
    with pytest.raises(SourceFormatError, match=HISTORY_SHEET):
        read_income_history(fixture_oghist)


def test_history_duplicate_code(fixture_oghist: Path) -> None:
    edit(fixture_oghist, lambda b: setattr(b[HISTORY_SHEET]["A13"], "value", "E00"))
    with pytest.raises(SourceFormatError) as err:
        read_income_history(fixture_oghist)
    assert err.value.row == 13 and err.value.column == "A"


# --- the real files (facts from shared/data/SOURCES.md, section 4) ----------------------------

WORDS_TO_CODES = dict(zip(INCOME_GROUPS, HISTORY_CODES, strict=True))


@pytest.fixture(scope="module")
def real_class(raw_dir: Path) -> ClassWorkbook:
    return read_class_workbook(raw_dir / "wb_classification" / "CLASS.xlsx")


@pytest.fixture(scope="module")
def real_history(raw_dir: Path) -> pd.DataFrame:
    return read_income_history(raw_dir / "wb_classification" / "world_bank_income_classification.xlsx")  # fmt: skip


@pytest.mark.shared
def test_real_class(real_class: ClassWorkbook) -> None:
    eco = real_class.economies.set_index("code")
    assert len(eco) >= 217
    assert eco.loc["AFG", "region"] == "South Asia"  # FY25: before the July 2025 region change
    assert eco.loc["SRB", "name"] == "Serbia" and "SCG" not in eco.index
    assert pd.isna(eco.loc["VEN", "income_group"])
    groups = real_class.groups
    assert set(groups["economy"]) <= set(eco.index)
    assert {"WLD", "LIC", "LMC", "UMC", "HIC", "LDC", "SAS"} <= set(groups["group_code"])


@pytest.mark.shared
def test_real_history_years_and_starred_yemen(real_history: pd.DataFrame) -> None:
    years = real_history["fiscal_year"]
    assert (years.min(), years.max()) == (1989, 2026)  # FY89..FY26
    got = real_history.set_index(["economy", "fiscal_year"])["income_group"]
    assert got[("YEM", 1989)] == "LM"  # 'LM*' in the sheet
    assert pd.isna(got[("VEN", 2026)])
    assert set(real_history["income_group"].dropna()) == set(HISTORY_CODES)


@pytest.mark.shared
def test_real_class_is_fy25(real_class: ClassWorkbook, real_history: pd.DataFrame) -> None:
    """Every CLASS income group equals the OGHIST FY25 one (SOURCES.md: CLASS is FY25)."""
    fy25 = real_history[real_history["fiscal_year"] == 2025].set_index("economy")["income_group"]
    for row in real_class.economies.itertuples():
        want = WORDS_TO_CODES.get(row.income_group) if isinstance(row.income_group, str) else None
        have = fy25.get(row.code)
        assert (want, row.code) == (None if pd.isna(have) else have, row.code)


@pytest.mark.shared
def test_real_fy26_changes(real_history: pd.DataFrame) -> None:
    """FY26 groups stated in SOURCES.md for CRI, CPV, WSM and NAM."""
    got = real_history.set_index(["economy", "fiscal_year"])["income_group"]
    assert [got[(c, 2026)] for c in ("CRI", "CPV", "WSM", "NAM")] == ["H", "UM", "UM", "LM"]
