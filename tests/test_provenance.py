"""Tests of indicators.provenance: provenance labels, indicator rows, entity checks and ratios.

Expected values come from `fixture_snapshot()` definitions (FIXTURE_SOURCE, FIXTURE_VINTAGE, the
fixture formulas) or from an independent filter of the snapshot's observation table.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pytest
from fixtures import (
    ECONOMIES,
    FIXTURE_SOURCE,
    FIXTURE_VINTAGE,
    INCOME_FY2005,
    fixture_entities,
    fixture_internet,
    fixture_snapshot,
)

from indicators.analytics.groups import resolve_group
from indicators.analytics.provenance import (
    check_entities,
    entity_name,
    join_labels,
    long_rows,
    provenance,
    resolve_for_year,
    row_labels,
    safe_ratio,
)
from indicators.errors import UnknownCodeError
from indicators.store.snapshot import Snapshot, load_snapshot

SNAP = fixture_snapshot()
NAMES = dict(zip(fixture_entities()["code"], fixture_entities()["name"], strict=True))


def expected_provenance(
    snap: Snapshot, codes: Sequence[str], members: Sequence[str], year: int | None = None
) -> tuple[str, str]:
    """Sources and vintages by a plain filter of the observation table."""
    obs = snap.observations.astype({"indicator": str, "economy": str})
    sel = obs[obs["indicator"].isin(codes) & obs["economy"].isin(members)]
    if year is not None:
        sel = sel[sel["year"] == year]
    return tuple("; ".join(sorted(set(sel[c].astype(str)))) for c in ("source", "vintage"))


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["b", "a", "b"], "a; b"),
        (["x", None, np.nan, pd.NA, ""], "x"),
        ([None, ""], ""),
        ([], ""),
        ([2024, "2024", "v1"], "2024; v1"),
    ],
)
def test_join_labels(values: list[object], expected: str) -> None:
    assert join_labels(values) == expected
    assert join_labels(iter(values)) == expected


def test_row_labels_join_each_row() -> None:
    src = ["s1", "s1", "s2", None]
    other = ["s2", "s1", "s2", "s3"]
    out = row_labels(src, other)
    assert isinstance(out, np.ndarray) and out.dtype == object
    assert list(out) == ["s1; s2", "s1", "s2", "s3"]
    assert list(row_labels(pd.Series(src))) == ["s1", "s1", "s2", ""]
    assert len(row_labels()) == 0


def test_row_labels_refuse_columns_of_different_lengths() -> None:
    with pytest.raises(ValueError, match="zip"):
        row_labels(["a", "b"], ["c"])


def test_row_labels_equal_join_labels_of_each_row() -> None:
    """Equal labels that print differently (1, 1.0, True) keep their own text."""
    column = [1, 1.0, True, 1]
    assert list(row_labels(column)) == [join_labels([v]) for v in column]


@pytest.mark.parametrize("code", ["IT.NET.USER.ZS", "i99H", "SP.POP.TOTL.FE.IN"])
def test_long_rows_are_the_indicator_rows_renamed(code: str) -> None:
    out = long_rows(SNAP, code, "v")
    rows = SNAP.rows(code)
    assert list(out.columns) == ["economy", "year", "v", "v_source", "v_vintage", "v_estimate"]
    assert len(out) == len(rows) > 0
    assert list(out["economy"]) == list(rows["economy"].astype(str))
    assert out["year"].tolist() == rows["year"].astype(int).tolist()
    np.testing.assert_array_equal(out["v"].to_numpy(), rows["value"].to_numpy(dtype=float))
    assert list(out["v_source"]) == list(rows["source"].astype(str))
    assert set(out["v_vintage"]) == {FIXTURE_VINTAGE}
    assert out["v_estimate"].dtype == bool
    assert list(out["v_estimate"]) == list(rows["estimate"])


def test_long_rows_values_are_the_fixture_formula() -> None:
    out = long_rows(SNAP, "IT.NET.USER.ZS", "net")
    out = out[out["economy"].isin(ECONOMIES)]
    expected = [fixture_internet(e, y) for e, y in zip(out["economy"], out["year"], strict=True)]
    assert out["net"].tolist() == pytest.approx(expected)
    assert set(out["net_source"]) == {FIXTURE_SOURCE}


def test_long_rows_of_an_indicator_without_rows_is_empty() -> None:
    out = long_rows(SNAP, "NO.SUCH.CODE", "x")
    assert out.empty and list(out.columns)[2:] == ["x", "x_source", "x_vintage", "x_estimate"]


def test_check_entities_accepts_known_codes_of_any_kind() -> None:
    assert check_entities(SNAP, [*ECONOMIES, "WLD", "ITU_WLD"]) is None
    assert check_entities(SNAP, []) is None


@pytest.mark.parametrize(
    ("codes", "kind", "culprit"),
    [(["E01", "E99"], "economy", "E99"), (["XX", "YY"], "entity", "XX"), (["R1"], "group", "R1")],
)
def test_check_entities_names_the_first_unknown(codes: list[str], kind: str, culprit: str) -> None:
    with pytest.raises(UnknownCodeError, match=f"unknown {kind} code '{culprit}'") as err:
        check_entities(SNAP, codes, kind=kind)
    assert err.value.code == culprit and err.value.kind == kind


@pytest.mark.parametrize("code", [*ECONOMIES, "WLD", "ITU_LIC", "R1"])
def test_entity_name(code: str) -> None:
    """The entity's name, or the code itself where it is no entity (R1 is only a group)."""
    assert entity_name(SNAP, code) == NAMES.get(code, code)
    assert ("R1" in NAMES) is False


@pytest.mark.parametrize(
    ("num", "den", "expected"),
    [
        ([1.0, 3.0], [2.0, 4.0], [0.5, 0.75]),
        ([1.0, 0.0, -1.0], [0.0, 0.0, -0.0], [np.nan, np.nan, np.nan]),
        ([1.0, np.nan], [np.nan, 2.0], [np.nan, np.nan]),
        ([5, 6], [2, 3], [2.5, 2.0]),
    ],
)
def test_safe_ratio(num: list[float], den: list[float], expected: list[float]) -> None:
    for n, d in ((np.array(num), np.array(den)), (pd.Series(num), list(den))):
        out = safe_ratio(n, d)
        assert out.dtype == float
        np.testing.assert_allclose(out, np.array(expected), equal_nan=True)


@pytest.mark.parametrize("code", ["LIC", "LMC", "HIC", "LMY"])
def test_resolve_for_year_applies_the_fiscal_year_to_income_groups(code: str) -> None:
    assert resolve_for_year(SNAP, code, 2005) == resolve_group(SNAP, code, fiscal_year=2005)
    assert resolve_for_year(SNAP, code, None) == resolve_group(SNAP, code)


def test_resolve_for_year_differs_between_fiscal_years() -> None:
    then = resolve_for_year(SNAP, "LIC", 2005).members
    assert then == tuple(c for c in ECONOMIES if INCOME_FY2005[c] == "L")
    assert then != resolve_for_year(SNAP, "LIC", 2026).members


@pytest.mark.parametrize("code", ["WLD", "R1", "R2"])
def test_resolve_for_year_ignores_the_fiscal_year_elsewhere(code: str) -> None:
    assert resolve_for_year(SNAP, code, 2005) == resolve_group(SNAP, code)


@pytest.mark.parametrize(
    ("codes", "members", "year"),
    [
        ("IT.NET.USER.ZS", ECONOMIES, None),
        (["IT.NET.USER.ZS", "i99H"], ["E01", "ITU_WLD"], None),
        (["IT.NET.USER.ZS", "i99H"], ["E01", "ITU_WLD"], 2000),
        (["IT.NET.USER.ZS", "i99H"], ["E01", "ITU_WLD"], 2010),
        (["SP.POP.TOTL.FE.IN", "IT.NET.USER.ZS"], ["E02"], 2010),
        ("i99H", ["E01"], None),
        ("IT.NET.USER.ZS", [], None),
        ("NO.SUCH.CODE", ECONOMIES, None),
    ],
)
def test_provenance_is_the_filtered_rows(
    codes: str | list[str], members: Sequence[str], year: int | None
) -> None:
    wanted = [codes] if isinstance(codes, str) else codes
    expected = expected_provenance(SNAP, wanted, members, year)
    assert provenance(SNAP, codes, iter(members), year=year) == expected


def test_provenance_joins_several_sources() -> None:
    source, vintage = provenance(SNAP, ["IT.NET.USER.ZS", "i99H"], ["E01", "ITU_WLD"], year=2010)
    assert source == "; ".join(sorted({FIXTURE_SOURCE, "fixture_itu"}))
    assert vintage == FIXTURE_VINTAGE


def test_real_provenance_of_the_world_is_the_filtered_rows() -> None:
    real = load_snapshot()
    members = resolve_group(real, "WLD").members
    code = str(real.observations["indicator"].iloc[0])
    year = int(real.rows(code)["year"].max())
    for y in (None, year):
        assert provenance(real, code, members, year=y) == expected_provenance(
            real, [code], members, y
        )
    assert provenance(real, code, members, year=year)[0] != ""
