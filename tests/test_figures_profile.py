"""Economy profile figures (dashboard.figures_profile) on the fixture and bundled snapshots."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from fixtures import ECONOMIES, INCOME_TODAY, REGION, fixture_snapshot

from dashboard.figures.profile import (
    GROUP_NAMES,
    comparators,
    history_reference,
    income_history_chart,
    income_runs,
    profile_indicators,
    profile_small_multiples,
    share_of_target,
    target_chart,
    target_table,
)
from dashboard.theme import STATUS_COLOURS
from dashboard.views.choices import profile_options
from indicators.analytics.groups import income_history_of
from indicators.analytics.targets import target_status
from indicators.catalogue import load_catalogue
from indicators.store.snapshot import load_snapshot

CAT = load_catalogue()
USE = "IT.NET.USER.ZS"


@pytest.fixture(scope="module")
def snap():
    return fixture_snapshot()


@pytest.fixture(scope="module")
def bundled():
    return load_snapshot()


def test_options_list_economies_then_groups(snap) -> None:
    options = profile_options(snap)
    codes = [c for c, _ in options]
    assert codes[: len(ECONOMIES)] == sorted(ECONOMIES, key=lambda c: f"Economy {c}")
    assert "WLD" in codes and "(group, WLD)" in dict(options)["WLD"]


def test_comparators_are_the_income_group_and_region(snap) -> None:
    assert comparators(snap, "E03") == [
        ("E03", "selected"), (INCOME_TODAY["E03"], "income group"), (REGION["E03"], "region"),
    ]  # fmt: skip
    assert comparators(snap, "HIC") == [("HIC", "selected"), ("WLD", "world")]
    assert comparators(snap, "WLD") == [("WLD", "selected")]


def test_small_multiples_show_the_economy_values(snap) -> None:
    chart = profile_small_multiples(snap, CAT, entity="E02", start=2005)
    own = chart.data[(chart.data["role"] == "selected") & (chart.data["indicator"] == USE)]
    want = snap.wide(USE).loc["E02"].dropna()
    want = want[want.index >= 2005]
    np.testing.assert_allclose(own["value"].to_numpy(), want.to_numpy())
    assert list(own["year"]) == list(want.index)
    assert f"{want.iloc[0]:.1f}% in {want.index[0]}" in chart.title
    assert f"{want.iloc[-1]:.1f}% in {want.index[-1]}" in chart.title
    codes = {i.code for i in profile_indicators(snap, CAT, entity="E02", start=2005)}
    assert set(chart.data["indicator"]) == codes and "i99H" not in codes


def test_share_of_target() -> None:
    assert share_of_target(50.0, comparator=">=", value=100.0, upper=None) == pytest.approx(0.5)
    assert share_of_target(4.0, comparator="<", value=2.0, upper=None) == pytest.approx(0.5)
    assert share_of_target(0.49, comparator="between", value=0.98, upper=1.02) == pytest.approx(0.5)
    assert share_of_target(1.0, comparator="between", value=0.98, upper=1.02) == 1.0
    assert share_of_target(120.0, comparator=">=", value=100.0, upper=None) == 1.0
    assert np.isnan(share_of_target(float("nan"), comparator=">=", value=100.0, upper=None))


def test_income_runs_and_history_chart(snap) -> None:
    hist = income_history_of(snap, economy="E02")
    runs = income_runs(hist)
    assert [r[0] for r in runs] == list(dict.fromkeys(hist["income_group"]))
    assert runs[0][1] == int(hist["fiscal_year"].min()) and runs[-1][2] == int(
        hist["fiscal_year"].max()
    )
    chart = income_history_chart(snap, CAT, economy="E02")
    pd.testing.assert_series_equal(
        chart.data["income_group"].reset_index(drop=True),
        hist["income_group"].reset_index(drop=True),
    )
    change = runs[-1][1]
    assert f"since FY{change % 100:02d}" in chart.title


def test_history_chart_notes_a_disagreement_with_today(snap) -> None:
    """When today's country list leaves an economy unclassified (as the FY26 list does for a few)
    while the history gives it a group, the chart says so; otherwise it adds no such note."""
    agreeing = income_history_chart(snap, CAT, economy="E03")
    assert not any("today's country list" in n for n in agreeing.notes)
    entities = snap.entities.copy()
    entities["income_group"] = entities["income_group"].astype(object)
    entities.loc[entities["code"] == "E03", "income_group"] = None
    unlisted = dataclasses.replace(snap, entities=entities)
    chart = income_history_chart(unlisted, CAT, economy="E03")
    (note,) = [n for n in chart.notes if "today's country list" in n]
    assert GROUP_NAMES[INCOME_TODAY["E03"]].lower() in note and "no income group" in note


# --- bundled snapshot ---------------------------------------------------------------------------
def test_target_table_matches_target_status(bundled) -> None:
    table = target_table(bundled, CAT, entity="KEN")
    status = target_status(bundled, CAT, entities=["KEN"])
    assert list(table["target_id"]) == list(status["target_id"])
    assert list(table["status"]) == list(status["status"])
    assert all(table["colour"] == table["status"].map(STATUS_COLOURS))
    chart = target_chart(bundled, CAT, entity="KEN")
    met = int((status["status"] == "achieved").sum())
    assert f"meets {met} of {len(status)} targets" in chart.title
    assert chart.data["share"].dropna().between(0, 1).all()


def test_bundled_profile_against_published_groups(bundled) -> None:
    chart = profile_small_multiples(bundled, CAT, entity="KEN")
    ent = bundled.entity_index.loc["KEN"]
    roles = chart.data.groupby("role")["entity"].unique()
    assert ent["income_group"] in roles["income group"] and ent["region"] in roles["region"]
    grp = chart.data[(chart.data["role"] == "income group") & (chart.data["indicator"] == USE)]
    wide = bundled.wide(USE)
    np.testing.assert_allclose(
        grp["value"].to_numpy(), wide.loc[ent["income_group"], grp["year"]].to_numpy()
    )
    history = income_history_chart(bundled, CAT, economy="KEN")
    ref = history_reference(bundled)
    assert ref is not None
    assert ref.title in history.source and history.data["vintage"].iloc[0] == ref.vintage
