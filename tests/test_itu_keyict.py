"""Tests of the ITU Key ICT aggregates loader: a fixture workbook in the real layout, and the real one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from indicators.errors import SourceFormatError
from indicators.sources.itu_keyict import EXPECTED_SHEETS, KeyIctWorkbook, read_key_ict_workbook

MAIN, BDT, URBAN, GENDER, AGE = EXPECTED_SHEETS
# Row labels of the fixture and the codes the brief assigns to them.
CODES = {
    "World": "ITU_WLD",
    "Low-income": "ITU_LIC",
    "Least Developed Countries (LDCs)": "ITU_LDC",
    "Africa": "ITU_AFR",
    "Europe": "ITU_EUR",
}
SPECIAL = ("World", "Low-income", "Least Developed Countries (LDCs)")
REGIONS = ("Africa", "Europe")
MAIN_YEARS = tuple(range(2020, 2024))
BREAK_YEARS = tuple(range(2021, 2024))
INDICATOR_INDEX = {"i992b": 0, "i271pop": 1, "i99H": 2, "i271G": 3, "xHH18_IDI": 4, "other": 5}
GROUP_INDEX = {"": 0, ".URB": 1, ".RUR": 2, ".F": 3, ".M": 4, ".Y15_24": 5, ".REST": 6}
VERSION_NOTE = "Version November 2024, for Facts and Figures 2024"


def fixture_rate(label: str, indicator: str, year: int, suffix: str = "") -> float:
    """Rate written for one cell (a formula of its coordinates)."""
    labels = [*CODES, "Oceania"]  # 'Oceania' is a row label the reader must skip
    e = labels.index(label)
    i = INDICATOR_INDEX[indicator]
    return round(1.0 + 7 * e + 3 * i + 1.1 * (year - 2020) + 0.4 * GROUP_INDEX[suffix], 1)


def fixture_count(label: str, indicator: str, year: int) -> float:
    """'Millions' written for one cell: far from every rate, so a mix-up shows."""
    return 1000.0 + 10 * fixture_rate(label, indicator, year)


@dataclass
class SheetWriter:
    """Writes blocks into a worksheet and records the rates a correct reader must return."""

    ws: Worksheet
    expected: dict[tuple[str, str, int], float] = field(default_factory=dict)
    row: int = 1

    def put(self, cells: dict[int, object]) -> int:
        for col, value in cells.items():
            self.ws.cell(row=self.row, column=col, value=value)
        self.row += 1
        return self.row - 1

    def years(self, starts: tuple[int, ...], years: tuple[int, ...], title: str = "") -> int:
        cells: dict[int, object] = {1: title} if title else {}
        for start in starts:
            cells.update({start + k: y for k, y in enumerate(years)})
        return self.put(cells)

    def data(
        self,
        labels: tuple[str, ...],
        indicator: str,
        groups: list[tuple[int, Callable[[str, int], float], str | None]],
        years: tuple[int, ...],
    ) -> None:
        """One row per label; each group is (start column, value formula, kept suffix or None)."""
        for label in labels:
            cells: dict[int, object] = {1: label}
            for start, formula, suffix in groups:
                for k, year in enumerate(years):
                    cells[start + k] = formula(label, year)
                    if suffix is not None and label in CODES:
                        self.expected[(CODES[label], indicator + suffix, year)] = formula(
                            label, year
                        )
            self.put(cells)

    def notes(self) -> None:
        self.row += 1
        for text in ("Notes:", "All data are ITU estimates", "N/A: Not available", "Source:"):
            self.put({1: text})
        self.put({1: VERSION_NOTE})


def rate_of(indicator: str, suffix: str = "") -> Callable[[str, int], float]:
    return lambda label, year: fixture_rate(label, indicator, year, suffix)


def count_of(indicator: str) -> Callable[[str, int], float]:
    return lambda label, year: fixture_count(label, indicator, year)


def write_main(w: SheetWriter) -> None:
    """'By dvpmnt status and spec. reg.': Millions in B-E, rates in G-J."""
    w.put(
        {1: "Key ICT indicators for the world and special regions (totals and penetration rates)"}
    )
    w.row += 1
    w.put({2: "Millions", 7: "Per 100 inhabitants "})
    w.years((2, 7), MAIN_YEARS)  # the first header comes before its title, as in the real file
    w.put({1: "Fixed-broadband subscriptions"})
    w.data(SPECIAL, "i992b", [(2, count_of("i992b"), None), (7, rate_of("i992b"), "")], MAIN_YEARS)
    w.row += 1
    w.put({1: "Population covered by a mobile-cellular network", 7: "Percentage"})
    w.years((2, 7), MAIN_YEARS)
    w.data(SPECIAL, "i271pop", [(2, count_of("i271pop"), None), (7, rate_of("i271pop"), "")], MAIN_YEARS)  # fmt: skip
    w.row += 1
    w.put({1: "Fixed broadband traffic", 2: "Exabytes*", 7: "Per subscription (GB)"})
    w.years((2, 7), MAIN_YEARS)
    w.data(
        SPECIAL, "other", [(2, count_of("other"), None), (7, rate_of("other"), None)], MAIN_YEARS
    )
    w.row += 1
    w.put({1: "Individuals using the Internet", 2: "Millions", 7: "Percentage"})
    w.years((2, 7), MAIN_YEARS)
    w.data(SPECIAL, "i99H", [(2, count_of("i99H"), None), (7, rate_of("i99H"), "")], MAIN_YEARS)
    w.row += 1
    w.put({1: "Individuals owning a mobile phone***"})
    w.years((2, 7), MAIN_YEARS)
    w.data(SPECIAL, "xHH18_IDI", [(2, count_of("xHH18_IDI"), None), (7, rate_of("xHH18_IDI"), "")], MAIN_YEARS)  # fmt: skip
    w.row += 1
    w.put({1: "Share of households with a pet robot"})
    w.years((2, 7), MAIN_YEARS)
    w.data(
        SPECIAL, "other", [(2, count_of("other"), None), (7, rate_of("other"), None)], MAIN_YEARS
    )
    w.notes()


def write_bdt(w: SheetWriter) -> None:
    """'By BDT region': block titles in column A of the year header row."""
    w.put({1: "Key ICT indicators for the ITU/BDT regions (totals and penetration rates)"})
    w.row += 1
    w.put({2: "Millions", 7: "Per 100 inhabitants "})
    w.years((2, 7), MAIN_YEARS, title="Fixed-broadband subscriptions/Millions")
    w.data((*REGIONS, "Oceania"), "i992b", [(2, count_of("i992b"), None), (7, rate_of("i992b"), "")], MAIN_YEARS)  # fmt: skip
    w.row += 1
    w.put({2: "Millions", 7: "Percentage"})
    w.years((2, 7), MAIN_YEARS, title="Individuals using the Internet(Millions)")
    w.data(REGIONS, "i99H", [(2, count_of("i99H"), None), (7, rate_of("i99H"), "")], MAIN_YEARS)
    w.notes()


def breakdown(indicator: str, suffixes: tuple[str, str, str]) -> list:
    return [(2 + 4 * k, rate_of(indicator, s), s) for k, s in enumerate(suffixes)]


def write_urban(w: SheetWriter) -> None:
    """'By urban-rural area': Total / Urban / Rural groups of three years."""
    w.put({1: "Key ICT indicators by urban/rural area (penetration rates)"})
    w.row += 2
    w.put({2: "Total", 6: "Urban", 10: "Rural"})
    w.years((2, 6, 10), BREAK_YEARS)
    w.put({1: "Population covered by at least a 3G mobile network (%)"})
    w.data(SPECIAL, "i271G", breakdown("i271G", ("", ".URB", ".RUR")), BREAK_YEARS)
    w.row += 1
    w.years((2, 6, 10), BREAK_YEARS)  # second sub-block (regions) without its own title
    w.data(REGIONS, "i271G", breakdown("i271G", ("", ".URB", ".RUR")), BREAK_YEARS)
    w.row += 1
    w.put({1: "Percentage of individuals using the Internet, by urban/rural area"})
    w.put({2: "Total", 6: "Urban", 10: "Rural"})
    w.years((2, 6, 10), BREAK_YEARS)
    w.data(SPECIAL, "i99H", breakdown("i99H", ("", ".URB", ".RUR")), BREAK_YEARS)
    w.notes()


def write_gender(w: SheetWriter) -> None:
    w.put({1: "Key ICT indicators by gender (penetration rates)"})
    w.row += 3
    w.put({2: "Total", 6: "Female", 10: "Male"})
    w.years((2, 6, 10), BREAK_YEARS)
    w.put({1: "Percentage of individuals using the Internet, by gender"})
    w.data(SPECIAL, "i99H", breakdown("i99H", ("", ".F", ".M")), BREAK_YEARS)
    w.row += 1
    w.put({1: "Percentage of individuals owning a mobile phone*, by gender"})
    w.put({2: "Total", 6: "Female", 10: "Male"})
    w.years((2, 6, 10), BREAK_YEARS)
    w.data(REGIONS, "xHH18_IDI", breakdown("xHH18_IDI", ("", ".F", ".M")), BREAK_YEARS)
    w.notes()


def write_age(w: SheetWriter) -> None:
    w.put({1: "Internet use by age"})
    w.row += 1
    w.put({1: "Percentage of individuals using the Internet, by age"})
    w.put({2: "Total", 6: "Youth \n(15-24)", 10: "Rest of the population"})
    w.years((2, 6, 10), BREAK_YEARS)
    w.data(SPECIAL + REGIONS, "i99H", breakdown("i99H", ("", ".Y15_24", ".REST")), BREAK_YEARS)
    w.notes()


def build_workbook(path: Path) -> dict[tuple[str, str, int], float]:
    """Write the fixture workbook; return the rates a reader must find, by key."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    expected: dict[tuple[str, str, int], float] = {}
    for name, writer in zip(
        EXPECTED_SHEETS, (write_main, write_bdt, write_urban, write_gender, write_age), strict=True
    ):
        w = SheetWriter(book.create_sheet(name))
        writer(w)
        for key, value in w.expected.items():
            expected.setdefault(key, value)  # the breakdown Totals repeat the main values
    book.save(path)
    return expected


@pytest.fixture
def fixture_keyict(tmp_path: Path) -> tuple[Path, dict[tuple[str, str, int], float]]:
    path = tmp_path / "fixture_key_ict.xlsx"
    return path, build_workbook(path)


def find_row(ws: Worksheet, text: str, *, after: int = 0) -> int:
    for row in range(after + 1, ws.max_row + 1):
        if ws.cell(row=row, column=1).value == text:
            return row
    raise AssertionError(f"{text!r} not in sheet {ws.title}")


def edit(path: Path, change: Callable[[openpyxl.Workbook], None]) -> Path:
    book = openpyxl.load_workbook(path)
    change(book)
    book.save(path)
    return path


def as_dict(obs: pd.DataFrame) -> dict[tuple[str, str, int], float]:
    return {(r.economy, r.indicator, int(r.year)): r.value for r in obs.itertuples()}


def test_reads_every_rate_and_nothing_else(fixture_keyict) -> None:
    path, expected = fixture_keyict
    out = read_key_ict_workbook(path, source="itu_keyict")
    assert isinstance(out, KeyIctWorkbook)
    assert as_dict(out.observations) == pytest.approx(expected)
    assert out.conflicts.empty
    assert set(out.observations["source"]) == {"itu_keyict"}


def test_codes_breakdowns_and_notes(fixture_keyict) -> None:
    path, _ = fixture_keyict
    obs = read_key_ict_workbook(path, source="s").observations
    assert set(obs["indicator"]) == {
        "i992b", "i271pop", "i99H", "xHH18_IDI", "i271G", "i271G.URB", "i271G.RUR",
        "i99H.URB", "i99H.RUR", "i99H.F", "i99H.M", "i99H.Y15_24", "i99H.REST",
        "xHH18_IDI.F", "xHH18_IDI.M",
    }  # fmt: skip
    assert set(obs["economy"]) == set(CODES.values())
    assert obs["estimate"].all()
    notes = obs.set_index(["indicator"])["note"]
    assert set(notes["i99H.F"]) == {GENDER} and set(notes["i99H.REST"]) == {AGE}
    assert set(notes["i992b"]) == {MAIN, BDT}  # the Totals of breakdown sheets were duplicates


def test_vintage_and_entities(fixture_keyict) -> None:
    path, _ = fixture_keyict
    out = read_key_ict_workbook(path, source="s")
    assert out.vintage == "2024-11" and set(out.observations["vintage"]) == {"2024-11"}
    assert sorted(out.entities["code"]) == sorted(CODES.values())
    assert set(out.entities["kind"]) == {"itu_aggregate"}
    assert list(out.entities.columns) == ["code", "name", "kind", "description"]
    assert read_key_ict_workbook(path, source="s", vintage="2024-11").vintage == "2024-11"
    with pytest.raises(SourceFormatError, match="2024-11"):
        read_key_ict_workbook(path, source="s", vintage="2025-11")


def test_skipped_lists_counts_unknown_blocks_and_rows(fixture_keyict) -> None:
    path, _ = fixture_keyict
    skipped = read_key_ict_workbook(path, source="s").skipped
    text = "\n".join(skipped)
    assert "'Fixed broadband traffic': not a rate indicator" in text
    assert "'Share of households with a pet robot': unknown block title" in text
    assert "'Oceania'" in text and "unknown aggregate" in text
    assert "'Millions' is not a rate" in text
    assert all(entry.startswith("sheet '") for entry in skipped)


def test_missing_cells_and_na(fixture_keyict) -> None:
    path, expected = fixture_keyict

    def blank(book: openpyxl.Workbook) -> None:
        ws = book[MAIN]
        row = find_row(ws, "Low-income", after=find_row(ws, "Fixed-broadband subscriptions"))
        ws.cell(row=row, column=7, value="N/A")
        ws.cell(row=row, column=8).value = None  # cell(value=None) would not clear it

    edit(path, blank)
    got = as_dict(read_key_ict_workbook(path, source="s").observations)
    gone = {("ITU_LIC", "i992b", MAIN_YEARS[0]), ("ITU_LIC", "i992b", MAIN_YEARS[1])}
    assert gone.isdisjoint(got)
    assert got == pytest.approx({k: v for k, v in expected.items() if k not in gone})


def test_conflicting_total_keeps_main_sheet(fixture_keyict) -> None:
    path, expected = fixture_keyict
    year = BREAK_YEARS[0]

    def change(book: openpyxl.Workbook) -> None:
        ws = book[GENDER]
        row = find_row(ws, "World")
        ws.cell(row=row, column=2, value=fixture_rate("World", "i99H", year) + 0.1)

    edit(path, change)
    out = read_key_ict_workbook(path, source="s")
    assert as_dict(out.observations) == pytest.approx(expected)
    assert len(out.conflicts) == 1
    c = out.conflicts.iloc[0]
    assert (c["economy"], c["indicator"], int(c["year"])) == ("ITU_WLD", "i99H", year)
    assert c["kept_sheet"] == MAIN and c["dropped_sheet"] == GENDER
    assert c["kept_value"] == pytest.approx(expected[("ITU_WLD", "i99H", year)])
    assert c["dropped_value"] == pytest.approx(c["kept_value"] + 0.1)


def test_missing_sheet(fixture_keyict) -> None:
    path, _ = fixture_keyict
    edit(path, lambda book: book.remove(book[GENDER]))
    with pytest.raises(SourceFormatError) as err:
        read_key_ict_workbook(path, source="s")
    assert path.name in str(err.value) and GENDER in str(err.value)


def test_non_numeric_cell_names_sheet_row_column(fixture_keyict) -> None:
    path, _ = fixture_keyict
    target: dict[str, int] = {}

    def change(book: openpyxl.Workbook) -> None:
        ws = book[URBAN]
        target["row"] = find_row(ws, "Europe")
        ws.cell(row=target["row"], column=7, value="about 40")

    edit(path, change)
    with pytest.raises(SourceFormatError) as err:
        read_key_ict_workbook(path, source="s")
    message = str(err.value)
    assert f"[sheet {URBAN}]" in message and path.name in message
    assert f"row {target['row']}" in message and f"column '{get_column_letter(7)}'" in message


def test_block_without_year_header(fixture_keyict) -> None:
    path, _ = fixture_keyict
    target: dict[str, int] = {}

    def change(book: openpyxl.Workbook) -> None:
        ws = book[MAIN]
        title = find_row(ws, "Population covered by a mobile-cellular network")
        ws.delete_rows(title + 1)  # the year header under the title
        target["row"] = title + 1

    edit(path, change)
    with pytest.raises(SourceFormatError) as err:
        read_key_ict_workbook(path, source="s")
    message = str(err.value)
    assert "no year header" in message and f"[sheet {MAIN}]" in message
    assert f"row {target['row']}" in message


def test_no_version_line(fixture_keyict) -> None:
    path, _ = fixture_keyict

    def drop_versions(book: openpyxl.Workbook) -> None:
        for ws in book.worksheets:
            ws.cell(row=find_row(ws, VERSION_NOTE), column=1).value = None

    edit(path, drop_versions)
    with pytest.raises(SourceFormatError, match="Version"):
        read_key_ict_workbook(path, source="s")
    assert read_key_ict_workbook(path, source="s", vintage="2024-11").vintage == "2024-11"


def test_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_text("not a zip file", encoding="utf-8")
    with pytest.raises(SourceFormatError, match=r"broken\.xlsx"):
        read_key_ict_workbook(path, source="s")


# --- the real workbook (facts from shared/data/SOURCES.md, section 5) ------------------------

REAL = "itu_key_ict_aggregates/ITU_regional_global_Key_ICT_indicator_aggregates_Nov_2024.xlsx"


@pytest.fixture(scope="module")
def real_workbook(raw_dir: Path) -> KeyIctWorkbook:
    return read_key_ict_workbook(raw_dir / REAL, source="itu_keyict")


@pytest.mark.shared
@pytest.mark.parametrize(
    ("indicator", "year", "value"),
    [
        ("i99H", 2005, 15.6),
        ("i99H", 2024, 67.6),
        ("i99H.F", 2024, 65.3),
        ("i99H.M", 2024, 69.5),
        ("i99H.F", 2019, 50.4),
        ("i99H.M", 2019, 55.5),
        ("i99H.URB", 2024, 82.9),
        ("i99H.RUR", 2024, 47.5),
        ("i99H.Y15_24", 2024, 78.5),
        ("i992b", 2005, 3.4),
        ("i992b", 2024, 19.6),
    ],
)
def test_real_world_values(
    real_workbook: KeyIctWorkbook, indicator: str, year: int, value: float
) -> None:
    obs = real_workbook.observations.set_index(["economy", "indicator", "year"])["value"]
    assert obs[("ITU_WLD", indicator, year)] == pytest.approx(value)


@pytest.mark.shared
def test_real_workbook_shape(real_workbook: KeyIctWorkbook) -> None:
    assert real_workbook.vintage == "2024-11"
    obs = real_workbook.observations
    assert len(real_workbook.entities) == 14 and set(obs["economy"]) == set(
        real_workbook.entities["code"]
    )
    assert obs["estimate"].all()
    assert not obs.duplicated(["economy", "indicator", "year"]).any()
    assert obs["value"].max() <= 200  # rates only: no 'Millions' (World mobile ~9,000 million)
    text = "\n".join(real_workbook.skipped)
    assert "International bandwidth usage" in text and "Mobile broadband traffic" in text
    i99h = obs[(obs["indicator"] == "i99H") & (obs["economy"] == "ITU_WLD")]
    assert (i99h["year"].min(), i99h["year"].max()) == (2005, 2024)
