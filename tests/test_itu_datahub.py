"""Tests of the ITU DataHub CSV loader: fixture exports written by code, and the real files."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from indicators.errors import SourceFormatError
from indicators.sources import itu_datahub
from indicators.sources.itu_datahub import REQUIRED_COLUMNS, DataHubFile, read_datahub_csv

HEADER = [*REQUIRED_COLUMNS, "seriesDescription"]
# Two series as in the price-basket export: the reported unit is wrong for the USD basket.
SERIES = (
    ("i154_FBB5$", "Fixed-broadband Internet 5GB", "% GNI per capita"),
    ("i154_FBB5_GNI", "Fixed-broadband Internet 5GB", "% GNI per capita"),
)
ECONOMIES = ("abw", "BRA", "CHE")
YEARS = range(1998, 2004)
DESCRIPTION = "Basket price,\nas a share of\nGNI per capita"  # spans three lines, like the export


def fixture_value(series_index: int, economy_index: int, year: int) -> float:
    """The value written for one cell: a formula, so tests can recompute it."""
    return round(10.0 * (series_index + 1) + 1.5 * economy_index + 0.25 * (year - 1998), 2)


def fixture_source(economy_index: int, year: int) -> tuple[str, str]:
    """(dataSource, dataNote) of one row; some say "ITU estimate" in either field."""
    if economy_index == 0:
        return "ITU estimate.", ""
    if economy_index == 1 and year % 2 == 0:
        return " Regulator survey ", "itu ESTIMATE based on survey"
    return "National statistical office", ""


def fixture_rows() -> list[list[str]]:
    rows = []
    for s, (code, name, units) in enumerate(SERIES):
        for e, iso in enumerate(ECONOMIES):
            for year in YEARS:
                src, note = fixture_source(e, year)
                value = str(fixture_value(s, e, year))
                rows.append(
                    [str(100 + s), code, name, "", units, str(e + 1), iso, f"Economy {e}",
                     value, str(year), note, src, DESCRIPTION]
                )  # fmt: skip
    return rows


def write_datahub(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    """Write rows in the export layout: UTF-8 with BOM, every field quoted."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def fixture_datahub_csv(tmp_path: Path) -> Path:
    return write_datahub(tmp_path / "fixture_datahub.csv", fixture_rows())


def line_of(path: Path, marker: str) -> int:
    """1-based line number of the first line of `path` containing `marker`."""
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if marker in line)


def test_reads_values_codes_and_years(fixture_datahub_csv: Path) -> None:
    out = read_datahub_csv(fixture_datahub_csv, source="itu_datahub", vintage="2025-12")
    assert isinstance(out, DataHubFile)
    obs = out.observations
    assert sorted(obs["economy"].unique()) == sorted(iso.upper() for iso in ECONOMIES)
    assert obs["year"].min() == 2000  # first_year drops 1998-1999
    assert len(obs) == len(SERIES) * len(ECONOMIES) * len([y for y in YEARS if y >= 2000])
    for s, (code, _, _) in enumerate(SERIES):
        for e, iso in enumerate(ECONOMIES):
            got = obs[(obs["indicator"] == code) & (obs["economy"] == iso.upper())]
            expected = [fixture_value(s, e, y) for y in YEARS if y >= 2000]
            assert got.sort_values("year")["value"].tolist() == expected
    assert set(obs["source"]) == {"itu_datahub"} and set(obs["vintage"]) == {"2025-12"}


def test_first_year_option_keeps_older_years(fixture_datahub_csv: Path) -> None:
    out = read_datahub_csv(fixture_datahub_csv, source="s", vintage="v", first_year=1998)
    assert out.observations["year"].min() == 1998


def test_estimate_flag_and_note(fixture_datahub_csv: Path) -> None:
    obs = read_datahub_csv(fixture_datahub_csv, source="s", vintage="v").observations
    for row in obs.itertuples():
        e = [iso.upper() for iso in ECONOMIES].index(row.economy)
        src, note = fixture_source(e, row.year)
        said = "itu estimate" in (src + note).lower()
        assert row.estimate == said
        assert row.note == "; ".join(p.strip() for p in (src, note) if p.strip())
    assert obs["estimate"].any() and not obs["estimate"].all()


def test_series_table_keeps_reported_units_but_code_decides(fixture_datahub_csv: Path) -> None:
    out = read_datahub_csv(fixture_datahub_csv, source="s", vintage="v")
    assert list(out.series.columns) == ["code", "name", "description", "reported_units"]
    assert out.series["code"].tolist() == [code for code, _, _ in SERIES]
    assert out.series["reported_units"].tolist() == [units for _, _, units in SERIES]
    assert out.series["description"].iloc[0] == DESCRIPTION
    assert set(out.observations["indicator"]) == {code for code, _, _ in SERIES}


def test_series_filter(fixture_datahub_csv: Path) -> None:
    code = SERIES[1][0]
    out = read_datahub_csv(fixture_datahub_csv, source="s", vintage="v", series=[code])
    assert set(out.observations["indicator"]) == {code}
    assert out.series["code"].tolist() == [code]


def test_unknown_series_lists_what_the_file_has(fixture_datahub_csv: Path) -> None:
    with pytest.raises(SourceFormatError) as err:
        read_datahub_csv(fixture_datahub_csv, source="s", vintage="v", series=["i99H"])
    message = str(err.value)
    assert fixture_datahub_csv.name in message and "i99H" in message
    assert all(code in message for code, _, _ in SERIES)


def test_file_without_description_column(tmp_path: Path) -> None:
    rows = [r[:-1] for r in fixture_rows()]
    path = write_datahub(tmp_path / "nodesc.csv", rows, header=list(REQUIRED_COLUMNS))
    out = read_datahub_csv(path, source="s", vintage="v")
    assert set(out.series["description"]) == {""}
    assert len(out.observations) > 0


@pytest.mark.parametrize("column", ["dataValue", "dataYear", "entityIso", "seriesCode"])
def test_missing_column(tmp_path: Path, column: str) -> None:
    i = HEADER.index(column)
    rows = [r[:i] + r[i + 1 :] for r in fixture_rows()]
    path = write_datahub(tmp_path / "missing.csv", rows, header=HEADER[:i] + HEADER[i + 1 :])
    with pytest.raises(SourceFormatError) as err:
        read_datahub_csv(path, source="s", vintage="v")
    assert path.name in str(err.value) and column in str(err.value)
    assert err.value.row == 1


@pytest.mark.parametrize(
    ("column", "bad"),
    [
        ("dataValue", "n.a. marker"),
        ("dataValue", "NaN"),
        ("dataValue", ""),
        ("dataYear", "2003.5"),
        ("dataYear", "FY03"),
        ("entityIso", "  "),
    ],
)
def test_bad_cell_names_file_line_and_column(tmp_path: Path, column: str, bad: str) -> None:
    rows = fixture_rows()
    target = len(rows) - 3  # after many multi-line descriptions: line != record number
    rows[target][HEADER.index(column)] = bad
    rows[target][HEADER.index("entityName")] = "MARKER ROW"
    path = write_datahub(tmp_path / "bad.csv", rows)
    with pytest.raises(SourceFormatError) as err:
        read_datahub_csv(path, source="s", vintage="v")
    expected_line = line_of(path, "MARKER ROW")
    assert err.value.row == expected_line
    assert err.value.row != target + 2  # the multi-line fields are counted
    message = str(err.value)
    assert path.name in message and f"row {expected_line}" in message and repr(column) in message


def test_duplicate_key(tmp_path: Path) -> None:
    rows = fixture_rows()
    copy = list(rows[5])
    copy[HEADER.index("dataValue")] = str(float(copy[HEADER.index("dataValue")]) + 1)
    copy[HEADER.index("entityName")] = "DUPLICATE ROW"
    path = write_datahub(tmp_path / "dup.csv", [*rows, copy])
    with pytest.raises(SourceFormatError) as err:
        read_datahub_csv(path, source="s", vintage="v")
    assert "duplicate" in str(err.value) and err.value.row == line_of(path, "DUPLICATE ROW")


def test_lower_case_iso_counts_for_duplicates(tmp_path: Path) -> None:
    rows = fixture_rows()
    first = rows[0]
    assert first[HEADER.index("entityIso")] == "abw"
    copy = list(first)
    copy[HEADER.index("entityIso")] = "ABW"
    path = write_datahub(tmp_path / "dup_case.csv", [*rows, copy])
    with pytest.raises(SourceFormatError, match="duplicate"):
        read_datahub_csv(path, source="s", vintage="v")


def test_empty_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(SourceFormatError) as err:
        read_datahub_csv(empty, source="s", vintage="v")
    assert "empty.csv" in str(err.value) and "row 1" in str(err.value)
    header_only = write_datahub(tmp_path / "header_only.csv", [])
    with pytest.raises(SourceFormatError) as err:
        read_datahub_csv(header_only, source="s", vintage="v")
    assert "header_only.csv" in str(err.value) and "no data rows" in str(err.value)


# --- the real exports (facts from shared/data/SOURCES.md, section 6) -------------------------


@pytest.mark.shared
def test_real_price_basket_units_caveat(raw_dir: Path) -> None:
    out = read_datahub_csv(
        raw_dir / "itu_datahub" / "fixed_broadband_price_5gb.csv", source="s", vintage="v"
    )
    obs = out.observations.set_index(["economy", "indicator", "year"])["value"]
    # SOURCES.md states both to two decimals.
    assert obs[("USA", "i154_FBB5$", 2022)] == pytest.approx(54.42, abs=0.005)
    assert obs[("USA", "i154_FBB5_GNI", 2022)] == pytest.approx(0.93, abs=0.005)
    units = out.series.set_index("code")["reported_units"]
    # The export labels the USD basket "% GNI per capita": kept only as reported_units.
    assert units["i154_FBB5$"] == units["i154_FBB5_GNI"] == "% GNI per capita"
    assert set(out.series["code"]) == {"i154_FBB5$", "i154_FBB5_GNI", "i154_FBB5_PPP"}


@pytest.mark.shared
def test_real_internet_use_coverage(raw_dir: Path) -> None:
    out = read_datahub_csv(
        raw_dir / "itu_datahub" / "individuals_using_internet.csv", source="s", vintage="v"
    )
    obs = out.observations
    assert set(obs["indicator"]) == {"i99H"}
    per_year = obs.groupby("year")["economy"].nunique()
    assert (per_year[2005], per_year[2024], per_year[2025]) == (213, 50, 1)
    assert obs["year"].min() == 2000 and obs["estimate"].any()


@pytest.mark.shared
@pytest.mark.parametrize(
    ("name", "codes"),
    [
        ("fixed_broadband_subscriptions.csv", {"i4213tfbb", "i992b"}),
        ("active_mobile_broadband_subscriptions.csv", {"i271mw", "i911mw"}),
        ("population_coverage_mobile_network.csv", {"i271pop", "i271G", "i271GA", "i271G5_pop"}),
        ("households_internet_access.csv", {"xHH6_IDI"}),
        ("mobile_phone_ownership.csv", {"xHH18_IDI"}),
        (
            "data_only_mobile_broadband_basket_5gb.csv",
            {"i271mb_5GB$", "i271mb_5GB_GNI", "i271mb_5GB_PPP"},
        ),
    ],
)
def test_real_files_load_with_their_series(raw_dir: Path, name: str, codes: set[str]) -> None:
    out = read_datahub_csv(raw_dir / "itu_datahub" / name, source="s", vintage="v")
    assert set(out.observations["indicator"]) == codes
    assert not out.observations.duplicated(["economy", "indicator", "year"]).any()


def test_itu_codes_are_mapped_to_world_bank_codes(tmp_path: Path) -> None:
    """ITU's KSO (Kosovo) joins the World Bank's XKX; entity names come with the codes."""
    rows = fixture_rows()
    itu_code = next(iter(itu_datahub.ITU_TO_WB_CODES))
    for row in rows:
        if row[6] == ECONOMIES[0]:
            row[6] = itu_code
    result = read_datahub_csv(write_datahub(tmp_path / "f.csv", rows), source="s", vintage="v")
    wb_code = itu_datahub.ITU_TO_WB_CODES[itu_code]
    assert wb_code in set(result.observations["economy"])
    assert itu_code not in set(result.observations["economy"])
    ent = result.entities.set_index("code")
    assert ent.at[wb_code, "itu_code"] == itu_code and ent.at[wb_code, "name"] == "Economy 0"
    assert set(ent.index) == set(result.observations["economy"])
