"""Tests of the open-numbers DDF datapoints loader.

Fixture files are written by code (values are a formula of geo and year); tests marked `shared`
read the real files under raw/wdi_open_numbers and check facts stated in SOURCES.md.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from indicators.errors import SourceFormatError
from indicators.schema import OBSERVATION_COLUMNS
from indicators.sources.ddf import GEO_ALIASES, concept_to_indicator, read_ddf_datapoints

FIXTURE_CONCEPT = "xx_test_fe_zs"
FIXTURE_GEOS = ("aaa", "bbb", *sorted(GEO_ALIASES))
FIXTURE_YEARS = tuple(range(1998, 2005))

Rows = list[list[str]]


def fixture_value(row: int, year: int) -> float:
    return round(3.0 * (row + 1) + 1.75 * (year - 1995), 4)


def fixture_rows() -> Rows:
    """Rows sorted as open-numbers sorts them (geo, then time)."""
    return [
        [geo, str(year), repr(fixture_value(i, year))]
        for i, geo in enumerate(FIXTURE_GEOS)
        for year in FIXTURE_YEARS
    ]


def fixture_ddf(
    folder: Path,
    *,
    rows: Rows | None = None,
    header: str = f"geo,time,{FIXTURE_CONCEPT}",
    name: str = f"ddf--datapoints--{FIXTURE_CONCEPT}--by--geo--time.csv",
) -> Path:
    """Write a datapoints file (ASCII, LF, trailing newline) as open-numbers publishes them."""
    path = folder / name
    body = fixture_rows() if rows is None else rows
    path.write_text("\n".join([header, *(",".join(r) for r in body)]) + "\n", encoding="ascii")
    return path


def test_concept_to_indicator() -> None:
    assert concept_to_indicator(FIXTURE_CONCEPT) == FIXTURE_CONCEPT.upper().replace("_", ".")


@pytest.mark.parametrize("first_year", [2000, FIXTURE_YEARS[-2]])
def test_reads_fixture_datapoints(tmp_path: Path, first_year: int) -> None:
    obs = read_ddf_datapoints(
        fixture_ddf(tmp_path), source="open-numbers", vintage="v", first_year=first_year
    )
    assert list(obs.columns) == list(OBSERVATION_COLUMNS)
    assert set(obs["indicator"]) == {"XX.TEST.FE.ZS"}
    codes = {geo: GEO_ALIASES.get(geo, geo.upper()) for geo in FIXTURE_GEOS}
    expected = pd.DataFrame(
        [
            (codes[geo], year, fixture_value(i, year))
            for i, geo in enumerate(FIXTURE_GEOS)
            for year in FIXTURE_YEARS
            if year >= first_year
        ],
        columns=["economy", "year", "value"],
    ).sort_values(["economy", "year"], ignore_index=True)
    assert obs["economy"].tolist() == expected["economy"].tolist()
    assert obs["year"].tolist() == expected["year"].tolist()
    np.testing.assert_allclose(obs["value"], expected["value"], rtol=1e-12)
    assert {"CUW", "XKX"} <= set(obs["economy"])
    assert not {"KOS", "NLD_CURACAO"} & set(obs["economy"])
    assert (set(obs["source"]), set(obs["vintage"])) == ({"open-numbers"}, {"v"})


def _with_cell(index: int, column: int, text: str) -> Rows:
    rows = fixture_rows()
    rows[index][column] = text
    return rows


def _alias_clash() -> Rows:
    """Append a row for the ISO3 code that the alias "kos" already stands for (same year)."""
    rows = fixture_rows()
    kos = next(r for r in rows if r[0] == "kos")
    return [*rows, [GEO_ALIASES["kos"].lower(), *kos[1:]]]


# Each case: keyword arguments of fixture_ddf, then the row and column the error must name.
MALFORMED: dict[str, tuple[dict[str, object], int | None, str | None]] = {
    "wrong header": ({"header": f"country,time,{FIXTURE_CONCEPT}"}, 1, None),
    "two value columns": ({"header": f"geo,time,{FIXTURE_CONCEPT},other"}, 1, None),
    "concept differs from file name": (
        {"header": "geo,time,xx_other_zs"},
        1,
        "xx_other_zs",
    ),
    "unknown geo with underscore": ({"rows": _with_cell(3, 0, "aaa_bbb")}, 5, "geo"),
    "geo of four letters": ({"rows": _with_cell(5, 0, "abcd")}, 7, "geo"),
    "upper-case geo": ({"rows": _with_cell(2, 0, "AAA")}, 4, "geo"),
    "non-numeric value": ({"rows": _with_cell(6, 2, "n/a")}, 8, FIXTURE_CONCEPT),
    "empty value": ({"rows": _with_cell(1, 2, "")}, 3, FIXTURE_CONCEPT),
    "bad year": ({"rows": _with_cell(4, 1, "20o1")}, 6, "time"),
    "duplicate geo and time": ({"rows": [*fixture_rows(), fixture_rows()[0]]}, None, None),
    "alias collides with its ISO3 code": (
        {"rows": _alias_clash()},
        None,
        None,
    ),
    "truncated row": ({"rows": [*fixture_rows()[:2], fixture_rows()[2][:2]]}, 4, None),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_datapoints_name_file_and_place(tmp_path: Path, case: str) -> None:
    options, row, column = MALFORMED[case]
    path = fixture_ddf(tmp_path, **options)  # type: ignore[arg-type]
    if row is None:  # appended rows: the last line of the file
        row = len(path.read_text(encoding="ascii").splitlines())
    with pytest.raises(SourceFormatError) as caught:
        read_ddf_datapoints(path, source="s", vintage="v")
    error = caught.value
    assert str(path) in str(error)
    assert error.row == row
    if column is not None:
        assert error.column == column


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / f"ddf--datapoints--{FIXTURE_CONCEPT}--by--geo--time.csv"
    path.write_text("", encoding="ascii")
    with pytest.raises(SourceFormatError, match="empty") as caught:
        read_ddf_datapoints(path, source="s", vintage="v")
    assert str(path) in str(caught.value)


# --- the real files (facts from SOURCES.md, section 7) ----------------------------------------

FEMALE = "wdi_open_numbers/ddf--datapoints--it_net_user_fe_zs--by--geo--time.csv"
MALE = "wdi_open_numbers/ddf--datapoints--it_net_user_ma_zs--by--geo--time.csv"


@pytest.fixture(scope="module")
def by_sex(raw_dir: Path) -> dict[str, pd.DataFrame]:
    return {
        "female": read_ddf_datapoints(raw_dir / FEMALE, source="open-numbers", vintage="v"),
        "male": read_ddf_datapoints(raw_dir / MALE, source="open-numbers", vintage="v"),
    }


@pytest.mark.shared
def test_real_files_shape(by_sex: dict[str, pd.DataFrame]) -> None:
    female, male = by_sex["female"], by_sex["male"]
    assert (len(female), len(male)) == (1280, 1281)
    assert set(female["indicator"]) == {"IT.NET.USER.FE.ZS"}
    assert set(male["indicator"]) == {"IT.NET.USER.MA.ZS"}
    assert female["economy"].nunique() == male["economy"].nunique() == 136
    assert set(female["economy"]) == set(male["economy"])
    assert {"CUW", "XKX"} <= set(female["economy"])
    assert (female["year"].min(), female["year"].max()) == (2000, 2023)
    assert female["economy"].str.fullmatch(r"[A-Z]{3}").all()


@pytest.mark.shared
def test_real_pairs_and_coverage(by_sex: dict[str, pd.DataFrame]) -> None:
    keys = {sex: set(zip(f["economy"], f["year"], strict=True)) for sex, f in by_sex.items()}
    assert keys["male"] - keys["female"] == {("BHR", 2013)}
    assert keys["female"] <= keys["male"]
    both = pd.DataFrame(sorted(keys["female"] & keys["male"]), columns=["economy", "year"])
    counts = both.groupby("year").size()
    assert [int(counts[y]) for y in range(2019, 2024)] == [92, 74, 77, 70, 57]
