"""Gaps and parity (indicators.gaps): unit tests on tiny snapshots built by formulas, property
tests with hypothesis, and integration tests on the bundled_snapshot snapshot."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from fixtures import (
    ECONOMIES,
    FIXTURE_SOURCE,
    FIXTURE_VINTAGE,
    economy_index,
    fixture_internet,
    fixture_observations,
    fixture_population,
    fixture_snapshot,
    fixture_with,
    rows,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators.analytics.gaps import (
    PARITY_BAND,
    breakdown_gap,
    gender_parity,
    group_parity,
    latest_gender_summary,
)
from indicators.catalogue import load_catalogue
from indicators.errors import AnalysisError, UnknownCodeError

CAT = load_catalogue()
FE, MA, USE = "IT.NET.USER.FE.ZS", "IT.NET.USER.MA.ZS", "IT.NET.USER.ZS"
SEX_YEARS = range(2015, 2024)
PROPERTY = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def fixture_sexes(female, male, *, years=SEX_YEARS):
    """A snapshot whose female and male Internet use follow the given formulas."""
    return fixture_with(rows(FE, female, years=years), rows(MA, male, years=years), drop=(FE, MA))


def fixture_female(c: str, y: int) -> float:
    """Women's use: a share of men's that rises with the economy index (E06: equal)."""
    return fixture_internet(c, y) * (0.7 + 0.05 * economy_index(c))


def half_population(c: str, y: int) -> float:
    return fixture_population(c, y) * 0.5


# --- gender_parity ------------------------------------------------------------------------------
def test_gender_parity_follows_the_formulas() -> None:
    snap = fixture_sexes(fixture_female, fixture_internet)
    out = gender_parity(snap, CAT)
    assert len(out) == len(ECONOMIES) * len(SEX_YEARS)
    for rec in out.itertuples():
        f, m = fixture_female(rec.economy, rec.year), fixture_internet(rec.economy, rec.year)
        assert rec.female == pytest.approx(f)
        assert rec.parity == pytest.approx(f / m)
        assert rec.gap_points == pytest.approx(m - f)
        pop = half_population(rec.economy, rec.year)
        assert rec.women_offline == pytest.approx((100 - f) / 100 * pop)
        assert rec.men_offline == pytest.approx((100 - m) / 100 * pop)
    assert set(out["source"]) == {FIXTURE_SOURCE}
    assert set(out["vintage"]) == {FIXTURE_VINTAGE}
    assert set(out["population_source"]) == {"derived"}


def test_parity_band_edges_and_directions() -> None:
    delta = {"E01": -1.0, "E02": 1.0, "E03": -1.1, "E04": 1.1, "E05": 0.0, "E06": -5.0}
    snap = fixture_sexes(lambda c, y: 50.0 + delta[c], lambda c, y: 50.0)
    out = gender_parity(snap, CAT, years=[2020]).set_index("economy")
    assert out.at["E01", "parity"] == PARITY_BAND[0] and out.at["E01", "at_parity"]
    assert out.at["E02", "parity"] == PARITY_BAND[1] and out.at["E02", "at_parity"]
    expected = {"E01": "parity", "E02": "parity", "E03": "men ahead", "E04": "women ahead"}
    expected |= {"E05": "parity", "E06": "men ahead"}
    assert out["status"].to_dict() == expected
    assert (np.sign(out["gap_points"]) == -np.sign(pd.Series(delta))).all()


@PROPERTY
@given(st.lists(st.floats(0, 100, allow_nan=False), min_size=6, max_size=6))
def test_equal_rates_give_parity_exactly_one(rates: list[float]) -> None:
    rate = dict(zip(ECONOMIES, rates, strict=True))
    snap = fixture_sexes(lambda c, y: rate[c], lambda c, y: rate[c])
    eco = gender_parity(snap, CAT)
    positive = eco[eco["male"] > 0]
    assert (positive["parity"] == 1.0).all() and positive["at_parity"].all()
    assert (positive["gap_points"] == 0.0).all()
    assert eco.loc[eco["male"] == 0, "parity"].isna().all()
    grp = group_parity(snap, CAT, groups=["WLD", "HIC", "LIC", "R2"])
    scored = grp[(grp["status"] == "ok") & (grp["male"] > 0)]
    assert (scored["parity"] == 1.0).all()
    assert (grp.loc[(grp["status"] == "ok") & (grp["male"] == 0), "parity"].isna()).all()


def test_missing_population_gives_no_offline_count() -> None:
    base = fixture_observations()
    keep = ~((base["indicator"] == "SP.POP.TOTL.FE.IN") & (base["year"] == 2020))
    out = gender_parity(fixture_snapshot(base[keep]), CAT)
    y2020 = out[out["year"] == 2020]
    assert y2020["women_offline"].isna().all() and y2020["men_offline"].notna().all()
    assert out.loc[out["year"] != 2020, "women_offline"].notna().all()


def test_gender_parity_selection_and_errors() -> None:
    snap = fixture_snapshot()
    out = gender_parity(snap, CAT, economies=["E02"], years=[2016, 2018])
    assert out[["economy", "year"]].values.tolist() == [["E02", 2016], ["E02", 2018]]
    with pytest.raises(UnknownCodeError):
        gender_parity(snap, CAT, economies=["XXX"])
    with pytest.raises(UnknownCodeError):
        gender_parity(snap, CAT, indicator="NO.SUCH.CODE")
    with pytest.raises(AnalysisError, match="female/male breakdown"):
        gender_parity(snap, CAT, indicator="IT.NET.BBND.P2")


# --- group_parity ------------------------------------------------------------------------------
def test_group_parity_is_ratio_of_aggregates_not_mean_of_ratios() -> None:
    # Women lag far behind in the three small economies and not at all in the three large ones.
    def female(c: str, y: int) -> float:
        return 20.0 if economy_index(c) <= 3 else 80.0

    snap = fixture_sexes(female, lambda c, y: 80.0)
    out = group_parity(snap, CAT, groups=["WLD"], years=[2020]).iloc[0]
    w = np.array([half_population(c, 2020) for c in ECONOMIES])
    f = np.array([female(c, 2020) for c in ECONOMIES])
    expected = (w * f).sum() / w.sum() / 80.0
    mean_of_ratios = float(np.mean(f / 80.0))
    assert out["status"] == "ok"
    assert out["parity"] == pytest.approx(expected)
    assert abs(out["parity"] - mean_of_ratios) > 0.1


def test_group_parity_needs_coverage_on_both_sides() -> None:
    snap = fixture_sexes(lambda c, y: 40.0 if economy_index(c) <= 4 else np.nan, lambda c, y: 50.0)
    out = group_parity(snap, CAT, groups=["WLD"], years=[2020]).iloc[0]
    share = sum(fixture_population(c, 2020) for c in ECONOMIES[:4]) / sum(
        fixture_population(c, 2020) for c in ECONOMIES
    )
    assert share < 2 / 3
    assert out["female_coverage"] == pytest.approx(share)
    assert out["female_status"] == "below coverage threshold" and out["male_status"] == "ok"
    assert out["status"] == "below coverage threshold" and np.isnan(out["parity"])


def test_group_parity_adds_published_itu_parity() -> None:
    snap = fixture_snapshot()
    out = group_parity(snap, CAT, groups=["WLD", "LIC"])
    wld = out[out["group"] == "WLD"].set_index("year")
    itu_f, itu_m = snap.wide("i99H.F").loc["ITU_WLD"], snap.wide("i99H.M").loc["ITU_WLD"]
    for year in itu_f.dropna().index:
        assert wld.at[year, "itu_parity"] == pytest.approx(itu_f[year] / itu_m[year])
        assert wld.at[year, "parity_diff"] == pytest.approx(
            wld.at[year, "parity"] - itu_f[year] / itu_m[year]
        )
    assert set(wld["itu_entity"]) == {"ITU_WLD"} and set(wld["itu_vintage"]) == {FIXTURE_VINTAGE}
    lic = out[out["group"] == "LIC"]
    assert lic["itu_entity"].isna().all() and lic["itu_parity"].isna().all()


def test_group_parity_fiscal_year_applies_to_income_groups() -> None:
    snap = fixture_sexes(fixture_female, fixture_internet)
    out = group_parity(snap, CAT, groups=["WLD", "HIC"], fiscal_year=2005, years=[2020])
    hic = out[out["group"] == "HIC"].iloc[0]
    # In FY2005 the only high-income fixture economy is E01.
    assert hic["members"] == 1
    assert hic["parity"] == pytest.approx(
        fixture_female("E01", 2020) / fixture_internet("E01", 2020)
    )
    assert out[out["group"] == "WLD"].iloc[0]["members"] == len(ECONOMIES)
    with pytest.raises(UnknownCodeError):
        group_parity(snap, CAT, groups=["NOPE"])


# --- latest_gender_summary -------------------------------------------------------------------
def test_latest_gender_summary_counts_latest_years() -> None:
    snap = fixture_sexes(fixture_female, fixture_internet)
    summary = latest_gender_summary(snap, CAT, window_years=None)
    itu_f, itu_m = snap.wide("i99H.F").loc["ITU_WLD"], snap.wide("i99H.M").loc["ITU_WLD"]
    year = int(itu_f.dropna().index.max())
    assert summary.world_year == year
    assert summary.world_parity == pytest.approx(itu_f[year] / itu_m[year])
    assert summary.n_economies == len(ECONOMIES)
    assert summary.reference_years == ((max(SEX_YEARS), len(ECONOMIES)),)
    ratios = [0.7 + 0.05 * economy_index(c) for c in ECONOMIES]
    assert summary.at_parity == sum(PARITY_BAND[0] <= r <= PARITY_BAND[1] for r in ratios)
    assert summary.men_ahead == sum(r < PARITY_BAND[0] for r in ratios)
    assert summary.women_ahead == 0


def test_latest_gender_summary_leaves_out_stale_values() -> None:
    # E01 stops reporting in 2016; the others report to 2023.
    def male(c: str, y: int) -> float:
        return np.nan if c == "E01" and y > 2016 else 50.0

    snap = fixture_sexes(lambda c, y: male(c, y) - 2.0, male)
    summary = latest_gender_summary(snap, CAT, window_years=5)
    assert summary.excluded_stale == 1 and summary.n_economies == len(ECONOMIES) - 1
    assert summary.window_start == max(SEX_YEARS) - 4
    assert "E01" not in set(summary.latest["economy"])


# --- breakdown_gap ----------------------------------------------------------------------------
def test_breakdown_gap_urban_rural() -> None:
    out = breakdown_gap(fixture_snapshot(), CAT)
    assert set(out["entity"]) == {"ITU_WLD", "ITU_LIC"}
    assert set(out["first_code"]) == {"i99H.URB"} and set(out["second_code"]) == {"i99H.RUR"}
    for rec in out.itertuples():
        urban, rural = 60.0 + (rec.year - 2021), 30.0 + 2 * (rec.year - 2021)
        assert rec.gap_points == pytest.approx(urban - rural)
        assert rec.ratio == pytest.approx(rural / urban)
    assert out["estimate"].all()
    assert (out.loc[out["entity"] == "ITU_LIC", "total"].isna()).all()


def test_breakdown_gap_other_pairs_and_errors() -> None:
    youth = rows("i99H.Y15_24", lambda c, y: 70.0, economies=["ITU_WLD"], years=[2022])
    rest = rows("i99H.REST", lambda c, y: 55.0, economies=["ITU_WLD"], years=[2022])
    snap = fixture_with(youth, rest)
    out = breakdown_gap(snap, CAT, pair=("youth", "rest"))
    assert out[["entity", "year", "gap_points"]].values.tolist() == [["ITU_WLD", 2022, 15.0]]
    one = breakdown_gap(snap, CAT, entities=["ITU_LIC"])
    assert set(one["entity"]) == {"ITU_LIC"}
    with pytest.raises(AnalysisError, match="no 'female' breakdown"):
        breakdown_gap(snap, CAT, total="i271G", pair=("female", "male"))
    with pytest.raises(UnknownCodeError):
        breakdown_gap(snap, CAT, entities=["ITU_NOPE"])


# --- the bundled_snapshot snapshot ---------------------------------------------------------------------


def test_world_parity_score_is_itu_female_over_male(bundled_snapshot) -> None:
    summary = latest_gender_summary(bundled_snapshot, CAT)
    r_f, r_m = bundled_snapshot.rows("i99H.F"), bundled_snapshot.rows("i99H.M")
    f = r_f[(r_f["economy"] == "ITU_WLD") & (r_f["year"] == summary.world_year)]["value"]
    m = r_m[(r_m["economy"] == "ITU_WLD") & (r_m["year"] == summary.world_year)]["value"]
    assert summary.world_year == int(r_f.loc[r_f["economy"] == "ITU_WLD", "year"].max())
    assert summary.world_parity == float(f.iloc[0]) / float(m.iloc[0])
    assert summary.world_vintage == "2024-11" and not summary.world_at_parity
    assert summary.at_parity + summary.women_ahead + summary.men_ahead == summary.n_economies


@pytest.mark.shared
def test_world_parity_matches_documented_itu_facts(bundled_snapshot, raw_dir) -> None:
    text = (raw_dir.parent / "SOURCES.md").read_text(encoding="utf-8")
    found = re.search(
        r"By\s+sex\s+in\s+(\d{4}):\s+female\s+([\d.]+)\s*%,\s+male\s+([\d.]+)\s*%", text
    )
    assert found, "SOURCES.md no longer states the ITU world figures by sex"
    summary = latest_gender_summary(bundled_snapshot, CAT)
    assert summary.world_year == int(found.group(1))
    assert summary.world_female == float(found.group(2))
    assert summary.world_male == float(found.group(3))
    assert summary.world_parity == pytest.approx(float(found.group(2)) / float(found.group(3)))


def test_group_parity_on_bundled_snapshot(bundled_snapshot) -> None:
    out = group_parity(bundled_snapshot, CAT, groups=["WLD", "LIC", "LMC", "UMC", "HIC"])
    assert set(out["itu_entity"].dropna()) == {
        "ITU_WLD",
        "ITU_LIC",
        "ITU_LMC",
        "ITU_UMC",
        "ITU_HIC",
    }
    ok = out[out["status"] == "ok"]
    assert ok["parity"].notna().all()
    assert (ok[["female_coverage", "male_coverage"]] >= 2 / 3).all().all()
    assert out.loc[out["status"] != "ok", "parity"].isna().all()
