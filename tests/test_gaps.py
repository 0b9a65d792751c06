"""Gaps and parity (indicators.gaps): unit tests on tiny snapshots built by formulas, property
tests with hypothesis, and integration tests on the bundled snapshot."""

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
    rows,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators.catalogue import load_catalogue
from indicators.errors import AnalysisError, UnknownCodeError
from indicators.gaps import (
    PARITY_BAND,
    breakdown_gap,
    gender_parity,
    group_parity,
    income_gap,
    latest_gender_summary,
    online_offline,
)
from indicators.schema import concat_observations
from indicators.snapshot import load_snapshot

CAT = load_catalogue()
FE, MA, USE = "IT.NET.USER.FE.ZS", "IT.NET.USER.MA.ZS", "IT.NET.USER.ZS"
SEX_YEARS = range(2015, 2024)
PROPERTY = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def fixture_with(*extra: pd.DataFrame, drop: tuple[str, ...] = ()):
    """The fixture snapshot with some indicators replaced or added (rows built by formulas)."""
    base = fixture_observations()
    base = base[~base["indicator"].isin(list(drop))]
    return fixture_snapshot(concat_observations([base, *extra]))


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


# --- income_gap -------------------------------------------------------------------------------
def published_pair(high, low):
    return fixture_with(rows(USE, high, economies=["HIC"]), rows(USE, low, economies=["LIC"]))


def test_income_gap_closing_in_points() -> None:
    def high(c: str, y: int) -> float:
        return 50.0 + 2 * (y - 2000)

    def low(c: str, y: int) -> float:
        return 1.0 + 3 * (y - 2000)

    res = income_gap(published_pair(high, low), CAT)
    latest = max(res.table["year"])
    assert res.latest_year == latest and res.recent_start_year == latest - 5
    gap = {y: high("", y) - low("", y) for y in (2005, latest - 5, latest)}
    assert res.pace_recent == pytest.approx((gap[latest] - gap[latest - 5]) / 5)
    assert res.pace_since_baseline == pytest.approx((gap[latest] - gap[2005]) / (latest - 2005))
    assert res.closing and res.ratio_closing and res.pace_recent < 0
    assert res.baseline_year == 2005 and not res.baseline_substituted
    assert res.source == FIXTURE_SOURCE and res.vintage == FIXTURE_VINTAGE
    assert {2005, latest} <= set(res.table["year"])


def test_income_gap_widens_in_points_while_ratio_falls() -> None:
    res = income_gap(
        published_pair(lambda c, y: 40.0 + 3 * (y - 2000), lambda c, y: 2.0 + (y - 2000)), CAT
    )
    assert not res.closing and res.ratio_closing and res.pace_recent > 0
    assert "widened while the ratio fell" in res.note
    t = res.table.set_index("year")
    assert (t["gap"] == t["high"] - t["low"]).all() and (t["ratio"] == t["high"] / t["low"]).all()


def test_income_gap_baseline_substitution() -> None:
    years = range(2007, 2025)
    snap = fixture_with(
        rows(USE, lambda c, y: 60.0 + y - 2000, economies=["HIC"], years=years),
        rows(USE, lambda c, y: 5.0 + y - 2000, economies=["LIC"], years=years),
    )
    res = income_gap(snap, CAT)
    assert res.baseline_year == 2007 and res.baseline_substituted
    assert "replaced by 2007" in res.note
    narrow = income_gap(snap, CAT, baseline_window=1)
    assert narrow.baseline_year is None and np.isnan(narrow.pace_since_baseline)


def test_income_gap_computed_today_and_in_fy2005() -> None:
    snap = fixture_snapshot()

    def weighted(codes: list[str], year: int) -> float:
        w = np.array([fixture_population(c, year) for c in codes])
        v = np.array([fixture_internet(c, year) for c in codes])
        return float((w * v).sum() / w.sum())

    today = income_gap(snap, CAT, basis="computed").table.set_index("year")
    then = income_gap(snap, CAT, basis="computed", fiscal_year=2005).table.set_index("year")
    for year in (2005, 2024):
        assert today.at[year, "high"] == pytest.approx(weighted(["E01", "E02"], year))
        assert today.at[year, "low"] == pytest.approx(weighted(["E05", "E06"], year))
        assert then.at[year, "high"] == pytest.approx(fixture_internet("E01", year))
        assert then.at[year, "low"] == pytest.approx(weighted(["E04", "E05", "E06"], year))
    assert (today["high_coverage"] == 1.0).all()


def test_income_gap_errors() -> None:
    snap = fixture_snapshot()
    with pytest.raises(ValueError, match="basis"):
        income_gap(snap, CAT, basis="guessed")
    with pytest.raises(AnalysisError, match="fiscal_year"):
        income_gap(snap, CAT, fiscal_year=2005)
    with pytest.raises(AnalysisError, match="no published"):
        income_gap(snap, CAT, high="WLD", low="LIC")
    with pytest.raises(UnknownCodeError):
        income_gap(snap, CAT, high="NOPE", basis="computed")


# --- online_offline ---------------------------------------------------------------------------
def test_online_offline_world_and_economy() -> None:
    snap = fixture_snapshot()
    out = online_offline(snap, CAT, groups=["WLD", "E03"]).set_index("group")
    wld = out.loc["WLD"]
    year = int(wld["year"])
    pop = sum(fixture_population(c, year) for c in ECONOMIES)
    rate = snap.wide(USE).at["WLD", year]
    assert wld["rate_basis"] == "published" and wld["population_basis"] == "sum of members"
    assert wld["offline"] == pytest.approx((100 - rate) / 100 * pop)
    assert wld["online"] + wld["offline"] == pytest.approx(pop)
    assert wld["share_offline"] == pytest.approx(1 - rate / 100)
    e03 = out.loc["E03"]
    assert e03["population"] == fixture_population("E03", int(e03["year"]))
    assert e03["offline"] == pytest.approx(
        (100 - fixture_internet("E03", int(e03["year"]))) / 100 * e03["population"]
    )


def test_online_offline_falls_back_to_a_computed_aggregate() -> None:
    snap = fixture_with(rows("SP.POP.TOTL", lambda c, y: 1e9, economies=["LMY"]))
    out = online_offline(snap, CAT, groups=["LMY"], year=2020).iloc[0]
    members = [c for c in ECONOMIES if c not in ("E01", "E02")]
    w = np.array([fixture_population(c, 2020) for c in members])
    v = np.array([fixture_internet(c, 2020) for c in members])
    assert out["rate_basis"] == "computed" and out["coverage"] == pytest.approx(1.0)
    assert out["rate"] == pytest.approx((w * v).sum() / w.sum())
    assert out["population_basis"] == "published" and out["population"] == 1e9
    assert "computed" in out["note"]


def test_online_offline_errors() -> None:
    snap = fixture_snapshot()
    with pytest.raises(AnalysisError, match="share of the population"):
        online_offline(snap, CAT, indicator="i154_FBB5_GNI")
    with pytest.raises(UnknownCodeError):
        online_offline(snap, CAT, groups=["NOPE"])


# --- the bundled snapshot ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def bundled():
    return load_snapshot()


def test_world_parity_score_is_itu_female_over_male(bundled) -> None:
    summary = latest_gender_summary(bundled, CAT)
    r_f, r_m = bundled.rows("i99H.F"), bundled.rows("i99H.M")
    f = r_f[(r_f["economy"] == "ITU_WLD") & (r_f["year"] == summary.world_year)]["value"]
    m = r_m[(r_m["economy"] == "ITU_WLD") & (r_m["year"] == summary.world_year)]["value"]
    assert summary.world_year == int(r_f.loc[r_f["economy"] == "ITU_WLD", "year"].max())
    assert summary.world_parity == float(f.iloc[0]) / float(m.iloc[0])
    assert summary.world_vintage == "2024-11" and not summary.world_at_parity
    assert summary.at_parity + summary.women_ahead + summary.men_ahead == summary.n_economies


@pytest.mark.shared
def test_world_parity_matches_documented_itu_facts(bundled, raw_dir) -> None:
    text = (raw_dir.parent / "SOURCES.md").read_text(encoding="utf-8")
    found = re.search(
        r"By\s+sex\s+in\s+(\d{4}):\s+female\s+([\d.]+)\s*%,\s+male\s+([\d.]+)\s*%", text
    )
    assert found, "SOURCES.md no longer states the ITU world figures by sex"
    summary = latest_gender_summary(bundled, CAT)
    assert summary.world_year == int(found.group(1))
    assert summary.world_female == float(found.group(2))
    assert summary.world_male == float(found.group(3))
    assert summary.world_parity == pytest.approx(float(found.group(2)) / float(found.group(3)))


def test_income_gap_on_bundled_snapshot(bundled) -> None:
    res = income_gap(bundled, CAT)
    wide = bundled.wide(USE)
    both = wide.loc[["HIC", "LIC"]].dropna(axis=1)
    assert {2005, int(both.columns.max())} <= set(res.table["year"])
    assert res.latest_year == int(both.columns.max())
    row = res.table.set_index("year").loc[2005]
    assert row["gap"] == wide.at["HIC", 2005] - wide.at["LIC", 2005]
    assert res.vintage and res.source


def test_people_offline_on_bundled_snapshot(bundled) -> None:
    out = online_offline(bundled, CAT).iloc[0]
    world_pop = bundled.wide("SP.POP.TOTL").at["WLD", int(out["year"])]
    assert out["year"] == int(bundled.wide(USE).loc["WLD"].dropna().index.max())
    assert 0 < out["offline"] < world_pop
    assert out["rate_basis"] == "published" and out["vintage"] and out["population_vintage"]


def test_group_parity_on_bundled_snapshot(bundled) -> None:
    out = group_parity(bundled, CAT, groups=["WLD", "LIC", "LMC", "UMC", "HIC"])
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
