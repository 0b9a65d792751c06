"""Tests of the long-layout (Frictionless datapackage) World Bank loader.

Fixture folders are written by code (values are a formula of economy and year); tests marked
`shared` read the real folders under raw/wdi_datasets_org and check facts from SOURCES.md.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from indicators.errors import SourceFormatError
from indicators.schema import OBSERVATION_COLUMNS
from indicators.sources.wb_csv import read_country_metadata
from indicators.sources.wb_long import read_long_series

FIXTURE_PACKAGE = "xx.test.p2"
FIXTURE_TITLE = "Test subscriptions (per 100 fixtures)"
FIXTURE_ECONOMIES = (("Alpha", "AAA"), ("Beta, Rep.", "BBB"), ("World", "WLD"))
FIXTURE_YEARS = tuple(range(1997, 2006))
FIELDS = ["Country Name", "Country Code", "Year", "Value"]

Rows = list[list[str]]


def fixture_value(row: int, year: int) -> float | None:
    """The fixture's value for economy `row` in `year`; None (an empty cell) on a diagonal."""
    if (row + year) % 3 == 0:
        return None
    return round(2.5 * (row + 1) + 0.125 * (year - 1990) ** 2, 6)


def fixture_rows() -> Rows:
    return [
        [name, code, str(year), "" if v is None else repr(v)]
        for i, (name, code) in enumerate(FIXTURE_ECONOMIES)
        for year in FIXTURE_YEARS
        for v in [fixture_value(i, year)]
    ]


def fixture_package(fields: list[str] = FIELDS, path: str = "data.csv") -> dict[str, Any]:
    """A descriptor shaped like the datasets/world-development-indicators ones."""
    return {
        "title": FIXTURE_TITLE,
        "name": FIXTURE_PACKAGE,
        "licenses": [{"name": "CC-BY-4.0"}],
        "resources": [
            {
                "name": "data",
                "path": path,
                "format": "csv",
                "schema": {"fields": [{"name": f, "type": "string"} for f in fields]},
            }
        ],
    }


def _csv_line(fields: list[str]) -> str:
    return ",".join(f'"{f}"' if "," in f else f for f in fields)


def fixture_long_series(
    folder: Path,
    *,
    rows: Rows | None = None,
    header: list[str] = FIELDS,
    package: dict[str, Any] | None = None,
) -> Path:
    """Write a series folder (datapackage.json + data.csv with CRLF) and return the folder."""
    target = folder / FIXTURE_PACKAGE
    target.mkdir()
    body = fixture_rows() if rows is None else rows
    text = "\r\n".join(_csv_line(r) for r in [header, *body]) + "\r\n"
    (target / "data.csv").write_text(text, encoding="utf-8", newline="")
    descriptor = fixture_package() if package is None else package
    (target / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    return target


def expected_frame(first_year: int) -> pd.DataFrame:
    rows = [
        (code, year, fixture_value(i, year))
        for i, (_, code) in enumerate(FIXTURE_ECONOMIES)
        for year in FIXTURE_YEARS
        if year >= first_year and fixture_value(i, year) is not None
    ]
    return pd.DataFrame(rows, columns=["economy", "year", "value"]).sort_values(
        ["economy", "year"], ignore_index=True
    )


@pytest.mark.parametrize("first_year", [2000, FIXTURE_YEARS[-2]])
def test_reads_fixture_series(tmp_path: Path, first_year: int) -> None:
    folder = fixture_long_series(tmp_path)
    series = read_long_series(folder, source="wb-api", vintage="v1", first_year=first_year)
    assert series.indicator_code == FIXTURE_PACKAGE.upper()
    assert (series.title, series.licence) == (FIXTURE_TITLE, "CC-BY-4.0")
    obs = series.observations
    assert list(obs.columns) == list(OBSERVATION_COLUMNS)
    expected = expected_frame(first_year)
    assert obs["economy"].tolist() == expected["economy"].tolist()
    assert obs["year"].tolist() == expected["year"].tolist()
    np.testing.assert_allclose(obs["value"], expected["value"], rtol=1e-12)
    assert set(obs["indicator"]) == {FIXTURE_PACKAGE.upper()}
    assert (set(obs["source"]), set(obs["vintage"])) == ({"wb-api"}, {"v1"})
    assert not obs["estimate"].any()


def _with_cell(rows: Rows, index: int, column: int, text: str) -> Rows:
    out = [list(r) for r in rows]
    out[index][column] = text
    return out


# Each case builds a broken folder and says which file and row/column the error must name.
Case = tuple[Callable[[Path], Path], str, int | None, str | None]
MALFORMED: dict[str, Case] = {
    "year not an integer": (
        lambda d: fixture_long_series(d, rows=_with_cell(fixture_rows(), 4, 2, "2001.5")),
        "data.csv",
        6,
        "Year",
    ),
    "value not numeric": (
        lambda d: fixture_long_series(d, rows=_with_cell(fixture_rows(), 7, 3, "..")),
        "data.csv",
        9,
        "Value",
    ),
    "duplicate code and year": (
        lambda d: fixture_long_series(d, rows=[*fixture_rows(), fixture_rows()[2]]),
        "data.csv",
        len(fixture_rows()) + 2,
        None,
    ),
    "truncated row": (
        lambda d: fixture_long_series(d, rows=[*fixture_rows()[:3], fixture_rows()[3][:3]]),
        "data.csv",
        5,
        None,
    ),
    "header differs from schema": (
        lambda d: fixture_long_series(d, header=[*FIELDS[:3], "Val"]),
        "data.csv",
        1,
        "Value",
    ),
    "empty csv": (lambda d: fixture_long_series(d, rows=[], header=[]), "data.csv", None, None),
    "schema lacks Year": (
        lambda d: fixture_long_series(d, package=fixture_package(fields=FIELDS[:2] + FIELDS[3:])),
        "datapackage.json",
        None,
        "Year",
    ),
    "no csv resource": (
        lambda d: fixture_long_series(d, package=fixture_package(path="data.json")),
        "datapackage.json",
        None,
        None,
    ),
    "resource file missing": (
        lambda d: fixture_long_series(d, package=fixture_package(path="other.csv")),
        "datapackage.json",
        None,
        None,
    ),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_series_names_file_and_place(tmp_path: Path, case: str) -> None:
    build, file_name, row, column = MALFORMED[case]
    folder = build(tmp_path)
    with pytest.raises(SourceFormatError) as caught:
        read_long_series(folder, source="s", vintage="v")
    error = caught.value
    assert error.path == str(folder / file_name)
    assert str(folder / file_name) in str(error)
    assert (error.row, error.column) == (row, column)


def test_missing_datapackage(tmp_path: Path) -> None:
    folder = fixture_long_series(tmp_path)
    (folder / "datapackage.json").unlink()
    with pytest.raises(SourceFormatError, match="missing") as caught:
        read_long_series(folder, source="s", vintage="v")
    assert str(folder / "datapackage.json") in str(caught.value)


def test_invalid_json_names_the_line(tmp_path: Path) -> None:
    folder = fixture_long_series(tmp_path)
    lines = ["{", f'  "name": "{FIXTURE_PACKAGE}",', '  "title": ,', "}"]
    (folder / "datapackage.json").write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(SourceFormatError, match="JSON") as caught:
        read_long_series(folder, source="s", vintage="v")
    assert caught.value.row == 3


# --- the real folders (facts from SOURCES.md) --------------------------------------------------

SERIES = "wdi_datasets_org/indicators"
META_2025 = "wdi_2025_singapore/Metadata_Country_API_IT.NET.USER.ZS_DS2_en_csv_v2_1228.csv"


def _world(obs: pd.DataFrame) -> pd.Series:
    return obs.loc[obs["economy"] == "WLD"].set_index("year")["value"]


@pytest.mark.shared
def test_real_folders_all_load(raw_dir: Path) -> None:
    folders = sorted(p for p in (raw_dir / SERIES).iterdir() if p.is_dir())
    assert len(folders) >= 19
    for folder in folders:
        series = read_long_series(folder, source="wb-api", vintage="2026-07-01")
        assert series.indicator_code == folder.name.upper()
        assert series.licence == "CC-BY-4.0"
        assert series.observations["year"].min() >= 2000


@pytest.mark.shared
def test_real_fixed_broadband(raw_dir: Path) -> None:
    series = read_long_series(
        raw_dir / SERIES / "it.net.bbnd.p2", source="wb-api", vintage="2026-07-01"
    )
    assert series.indicator_code == "IT.NET.BBND.P2"
    assert series.title == "Fixed broadband subscriptions (per 100 people)"
    obs = series.observations
    world = _world(obs)
    assert (round(world[2005], 1), round(world[2024], 2), round(world[2025], 2)) == (
        3.4,
        19.31,
        20.11,
    )
    meta = read_country_metadata(raw_dir / META_2025)
    economies = set(meta.loc[~meta["is_aggregate"], "code"])
    counts = [
        obs.loc[(obs["year"] == y) & obs["economy"].isin(economies), "economy"].nunique()
        for y in (2005, 2024, 2025)
    ]
    assert counts == [170, 151, 0]


@pytest.mark.shared
@pytest.mark.parametrize(
    ("folder", "year", "value", "digits"),
    [
        ("sp.pop.totl", 2005, 6_575_410_029, 0),
        ("sp.pop.totl", 2025, 8_215_424_893, 0),
        ("it.cel.sets.p2", 2025, 111.5, 1),
        ("it.mlt.main.p2", 2005, 19.1, 1),
        ("sp.urb.totl.in.zs", 2025, 57.83, 2),
        ("eg.elc.accs.zs", 2023, 91.60, 2),
        ("it.net.secr.p6", 2024, 16_381.47, 2),
    ],
)
def test_real_world_values(
    raw_dir: Path, folder: str, year: int, value: float, digits: int
) -> None:
    series = read_long_series(raw_dir / SERIES / folder, source="wb-api", vintage="2026-07-01")
    assert round(_world(series.observations)[year], digits) == value


@pytest.mark.shared
def test_real_series_quirks(raw_dir: Path) -> None:
    secure = read_long_series(raw_dir / SERIES / "it.net.secr.p6", source="s", vintage="v")
    assert secure.observations["year"].min() == 2010
    ppi = read_long_series(raw_dir / SERIES / "ie.ppn.icti.cd", source="s", vintage="v")
    assert "WLD" not in set(ppi.observations["economy"])
