"""Tests of indicators.groups: group codes, fiscal-year income groups, custom groups, bad input.

Unit tests use `fixture_snapshot()`, whose expected members are derived from the fixture's
ECONOMIES, INCOME_TODAY, INCOME_FY2005 and REGION; integration tests check the bundled snapshot
against its own membership and income-history tables (no typed-in figures).
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from fixtures import (
    ECONOMIES,
    INCOME_FY2005,
    INCOME_TODAY,
    REGION,
    fixture_income_history,
    fixture_memberships,
    fixture_snapshot,
)

from indicators.analytics.groups import (
    Group,
    economies,
    fiscal_years,
    group_codes,
    income_history_of,
    resolve_group,
)
from indicators.errors import AnalysisError, UnknownCodeError
from indicators.store.snapshot import Snapshot

SNAP = fixture_snapshot()
SHORT = {"H": "HIC", "UM": "UMC", "LM": "LMC", "L": "LIC"}  # fixture history code -> group
COMPOSITES = {"LMY": ("LIC", "LMC", "UMC"), "MIC": ("LMC", "UMC")}


def fixture_members(code: str, fiscal_year: int | None = None) -> tuple[str, ...]:
    """Members of a fixture group, derived from the fixture's own definitions."""
    if code == "WLD":
        return ECONOMIES
    if code in REGION.values():
        return tuple(c for c in ECONOMIES if REGION[c] == code)
    then = fiscal_year is not None and fiscal_year <= 2005
    income = {c: SHORT[g] for c, g in INCOME_FY2005.items()} if then else INCOME_TODAY
    parts = COMPOSITES.get(code, (code,))
    return tuple(c for c in ECONOMIES if income[c] in parts)


def test_economies_and_group_codes() -> None:
    """Economies are the economy entities only; group codes are the membership groups, sorted."""
    assert tuple(economies(SNAP)["code"]) == ECONOMIES
    assert set(economies(SNAP)["kind"]) == {"economy"}
    assert group_codes(SNAP) == sorted(set(fixture_memberships()["group"]))


def test_fiscal_years_are_the_history_years() -> None:
    assert fiscal_years(SNAP) == sorted(set(fixture_income_history()["fiscal_year"].astype(int)))
    assert all(isinstance(y, int) for y in fiscal_years(SNAP))


@pytest.mark.parametrize("code", ["WLD", "HIC", "UMC", "LMC", "LIC", "LMY", "R1", "R2"])
def test_group_members_today(code: str) -> None:
    """Today's members are the fixture's membership rows; the label is the entity name."""
    group = resolve_group(SNAP, code)
    assert group.code == code and group.members == fixture_members(code)
    assert group.size == len(fixture_members(code)) and group.basis == "fixture"
    names = dict(zip(SNAP.entities["code"], SNAP.entities["name"], strict=True))
    assert group.label == names.get(code, code)


@pytest.mark.parametrize("code", ["LIC", "LMC", "UMC", "HIC", "LMY", "MIC"])
@pytest.mark.parametrize("fiscal_year", [1989, 2005, 2006, 2026])
def test_income_groups_as_classified_in_a_fiscal_year(code: str, fiscal_year: int) -> None:
    group = resolve_group(SNAP, code, fiscal_year=fiscal_year)
    assert group.members == fixture_members(code, fiscal_year)
    assert group.basis == f"income classification of FY{fiscal_year % 100:02d}"
    assert group.label.endswith(f"(as classified in FY{fiscal_year % 100:02d})")


def test_fiscal_year_label_keeps_a_given_label() -> None:
    group = resolve_group(SNAP, "LIC", fiscal_year=2005, label="Poorest")
    assert group.label == "Poorest (as classified in FY05)"
    assert resolve_group(SNAP, "LIC", label="Poorest").label == "Poorest"


def test_custom_group_is_sorted_and_deduplicated() -> None:
    group = resolve_group(SNAP, ["E04", "E01", "E04"])
    assert group == Group(
        code="CUSTOM",
        label="Custom group of 2",
        members=("E01", "E04"),
        basis="chosen by the user",
    )
    assert resolve_group(SNAP, ("E02",), label="Mine").label == "Mine"


@pytest.mark.parametrize("code", ["XXX", "E01", "ITU_WLD"])
def test_unknown_group_code_is_named(code: str) -> None:
    with pytest.raises(UnknownCodeError, match=f"unknown group code '{code}'"):
        resolve_group(SNAP, code)


@pytest.mark.parametrize("codes", [["E01", "NOPE"], ["WLD"], ["E01", "ITU_LIC", "E99"]])
def test_custom_group_with_a_non_economy_names_the_first(codes: list[str]) -> None:
    culprit = next(c for c in codes if c not in ECONOMIES)
    with pytest.raises(UnknownCodeError, match=f"unknown economy code '{culprit}'"):
        resolve_group(SNAP, codes)


def test_empty_custom_group_is_an_analysis_error() -> None:
    with pytest.raises(AnalysisError, match="custom group is empty"):
        resolve_group(SNAP, [])


@pytest.mark.parametrize("code", ["WLD", "R1", "HIC_X"])
def test_fiscal_year_for_a_non_income_group_is_refused(code: str) -> None:
    with pytest.raises(AnalysisError, match=f"income groups only .*not to {code}"):
        resolve_group(SNAP, code, fiscal_year=2005)


@pytest.mark.parametrize("fiscal_year", [1988, 2027, 1950])
def test_fiscal_year_out_of_range_names_year_and_range(fiscal_year: int) -> None:
    years = fiscal_years(SNAP)
    span = f"FY{years[0] % 100:02d}-FY{years[-1] % 100:02d}"
    with pytest.raises(AnalysisError, match=f"fiscal year {fiscal_year} .*{span}"):
        resolve_group(SNAP, "LIC", fiscal_year=fiscal_year)


def test_income_group_empty_in_a_fiscal_year_is_an_analysis_error() -> None:
    """With every FY05 lower-middle economy reclassified, LMC of FY05 has no members."""
    hist = fixture_income_history()
    hist.loc[(hist["fiscal_year"] == 2005) & (hist["income_group"] == "LM"), "income_group"] = "L"
    snap = dataclasses.replace(SNAP, income_history=hist)
    with pytest.raises(AnalysisError, match="group LMC has no members in FY05"):
        resolve_group(snap, "LMC", fiscal_year=2005)
    moved = sum(g in ("L", "LM") for g in INCOME_FY2005.values())
    assert resolve_group(snap, "LIC", fiscal_year=2005).size == moved


def group_in(snap: Snapshot, *, economy: str, fiscal_year: int) -> str | None:
    """An economy's income group in one fiscal year, read from its history (None: none)."""
    hist = income_history_of(snap, economy=economy).set_index("fiscal_year")["income_group"]
    value = hist.get(fiscal_year)
    return None if value is None or pd.isna(value) else str(value)


@pytest.mark.parametrize("economy", ECONOMIES)
@pytest.mark.parametrize("fiscal_year", [1989, 2005, 2006, 2026])
def test_income_history_gives_each_fiscal_years_group(economy: str, fiscal_year: int) -> None:
    expected = INCOME_TODAY[economy] if fiscal_year > 2005 else SHORT[INCOME_FY2005[economy]]
    assert group_in(SNAP, economy=economy, fiscal_year=fiscal_year) == expected


def test_unclassified_or_outside_the_history_is_no_group() -> None:
    hist = fixture_income_history()
    hist["income_group"] = hist["income_group"].astype(object)
    hist.loc[(hist["economy"] == "E03") & (hist["fiscal_year"] == 2010), "income_group"] = None
    snap = dataclasses.replace(SNAP, income_history=hist)
    assert group_in(snap, economy="E03", fiscal_year=2010) is None
    assert group_in(snap, economy="E03", fiscal_year=2011) == INCOME_TODAY["E03"]
    assert group_in(SNAP, economy="E03", fiscal_year=min(fiscal_years(SNAP)) - 1) is None


@pytest.mark.parametrize("economy", ECONOMIES)
def test_income_history_of_lists_every_fiscal_year(economy: str) -> None:
    out = income_history_of(SNAP, economy=economy)
    assert list(out.columns) == ["fiscal_year", "income_group"]
    assert list(out["fiscal_year"]) == fiscal_years(SNAP)


def test_income_history_of_unknown_economy_is_named() -> None:
    with pytest.raises(UnknownCodeError, match=r"unknown economy code 'E99'.*E01"):
        income_history_of(SNAP, economy="E99")


def test_real_groups_are_their_membership_rows(bundled_snapshot: Snapshot) -> None:
    """Every group of the bundled snapshot resolves to exactly its rows in the membership table."""
    mem = bundled_snapshot.memberships.astype({"group": str, "economy": str})
    assert group_codes(bundled_snapshot) == sorted(mem["group"].unique())
    for code in group_codes(bundled_snapshot):
        expected = tuple(sorted(mem.loc[mem["group"] == code, "economy"]))
        assert resolve_group(bundled_snapshot, code).members == expected, code


@pytest.mark.parametrize("pick", ["first", "middle", "last"])
def test_real_fiscal_year_groups_agree_with_the_history(
    bundled_snapshot: Snapshot, pick: str
) -> None:
    """Single income groups hold exactly the economies the history puts in them; the
    composites are the unions of their parts."""
    years = fiscal_years(bundled_snapshot)
    fy = {"first": years[0], "middle": years[len(years) // 2], "last": years[-1]}[pick]
    hist = bundled_snapshot.income_history[bundled_snapshot.income_history["fiscal_year"] == fy]
    singles = {}
    for code in ("LIC", "LMC", "UMC", "HIC"):
        members = resolve_group(bundled_snapshot, code, fiscal_year=fy).members
        assert all(group_in(bundled_snapshot, economy=e, fiscal_year=fy) == code for e in members)
        singles[code] = set(members)
    classified = set(hist.loc[hist["income_group"].notna(), "economy"].astype(str))
    assert set().union(*singles.values()) == classified
    for code, parts in COMPOSITES.items():
        union = set().union(*(singles[p] for p in parts))
        assert set(resolve_group(bundled_snapshot, code, fiscal_year=fy).members) == union


def test_real_income_history_of_is_the_history_rows(bundled_snapshot: Snapshot) -> None:
    economy = str(bundled_snapshot.income_history["economy"].iloc[0])
    out = income_history_of(bundled_snapshot, economy=economy)
    rows = bundled_snapshot.income_history[bundled_snapshot.income_history["economy"] == economy]
    assert len(out) == len(rows) and list(out["fiscal_year"]) == list(rows["fiscal_year"])
    for fy, group in zip(out["fiscal_year"], out["income_group"], strict=True):
        got = group_in(bundled_snapshot, economy=economy, fiscal_year=int(fy))
        assert got == (None if pd.isna(group) else group)
