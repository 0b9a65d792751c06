"""Economy profile figures (dashboard.figures_profile) on the fixture and bundled_snapshot snapshots."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from fixtures import ECONOMIES, INCOME_TODAY, REGION

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

CAT = load_catalogue()
USE = "IT.NET.USER.ZS"


def test_options_list_economies_then_groups(tiny_snapshot) -> None:
    options = profile_options(tiny_snapshot)
    codes = [c for c, _ in options]
    assert codes[: len(ECONOMIES)] == sorted(ECONOMIES, key=lambda c: f"Economy {c}")
    assert "WLD" in codes and "(group, WLD)" in dict(options)["WLD"]


def test_comparators_are_the_income_group_and_region(tiny_snapshot) -> None:
    assert comparators(tiny_snapshot, "E03") == [
        ("E03", "selected"), (INCOME_TODAY["E03"], "income group"), (REGION["E03"], "region"),
    ]  # fmt: skip
    assert comparators(tiny_snapshot, "HIC") == [("HIC", "selected"), ("WLD", "world")]
    assert comparators(tiny_snapshot, "WLD") == [("WLD", "selected")]


def test_small_multiples_show_the_economy_values(tiny_snapshot) -> None:
    chart = profile_small_multiples(tiny_snapshot, CAT, entity="E02", start=2005)
    own = chart.data[(chart.data["role"] == "selected") & (chart.data["indicator"] == USE)]
    want = tiny_snapshot.wide(USE).loc["E02"].dropna()
    want = want[want.index >= 2005]
    np.testing.assert_allclose(own["value"].to_numpy(), want.to_numpy())
    assert list(own["year"]) == list(want.index)
    assert f"{want.iloc[0]:.1f}% in {want.index[0]}" in chart.title
    assert f"{want.iloc[-1]:.1f}% in {want.index[-1]}" in chart.title
    codes = {i.code for i in profile_indicators(tiny_snapshot, CAT, entity="E02", start=2005)}
    assert set(chart.data["indicator"]) == codes and "i99H" not in codes


def test_share_of_target() -> None:
    assert share_of_target(50.0, comparator=">=", value=100.0, upper=None) == pytest.approx(0.5)
    assert share_of_target(4.0, comparator="<", value=2.0, upper=None) == pytest.approx(0.5)
    assert share_of_target(0.49, comparator="between", value=0.98, upper=1.02) == pytest.approx(0.5)
    assert share_of_target(1.0, comparator="between", value=0.98, upper=1.02) == 1.0
    assert share_of_target(120.0, comparator=">=", value=100.0, upper=None) == 1.0
    assert np.isnan(share_of_target(float("nan"), comparator=">=", value=100.0, upper=None))


def test_income_runs_and_history_chart(tiny_snapshot) -> None:
    hist = income_history_of(tiny_snapshot, economy="E02")
    runs = income_runs(hist)
    assert [r[0] for r in runs] == list(dict.fromkeys(hist["income_group"]))
    assert runs[0][1] == int(hist["fiscal_year"].min()) and runs[-1][2] == int(
        hist["fiscal_year"].max()
    )
    chart = income_history_chart(tiny_snapshot, CAT, economy="E02")
    pd.testing.assert_series_equal(
        chart.data["income_group"].reset_index(drop=True),
        hist["income_group"].reset_index(drop=True),
    )
    change = runs[-1][1]
    assert f"since FY{change % 100:02d}" in chart.title


def test_history_chart_notes_a_disagreement_with_today(tiny_snapshot) -> None:
    """When today's country list leaves an economy unclassified (as the FY26 list does for a few)
    while the history gives it a group, the chart says so; otherwise it adds no such note."""
    agreeing = income_history_chart(tiny_snapshot, CAT, economy="E03")
    assert not any("today's country list" in n for n in agreeing.notes)
    entities = tiny_snapshot.entities.copy()
    entities["income_group"] = entities["income_group"].astype(object)
    entities.loc[entities["code"] == "E03", "income_group"] = None
    unlisted = dataclasses.replace(tiny_snapshot, entities=entities)
    chart = income_history_chart(unlisted, CAT, economy="E03")
    (note,) = [n for n in chart.notes if "today's country list" in n]
    assert GROUP_NAMES[INCOME_TODAY["E03"]].lower() in note and "no income group" in note


# --- bundled_snapshot snapshot ---------------------------------------------------------------------------
def test_target_table_matches_target_status(bundled_snapshot) -> None:
    table = target_table(bundled_snapshot, CAT, entity="KEN")
    status = target_status(bundled_snapshot, CAT, entities=["KEN"])
    assert list(table["target_id"]) == list(status["target_id"])
    assert list(table["status"]) == list(status["status"])
    assert all(table["colour"] == table["status"].map(STATUS_COLOURS))
    chart = target_chart(bundled_snapshot, CAT, entity="KEN")
    met = int((status["status"] == "achieved").sum())
    assert f"meets {met} of {len(status)} targets" in chart.title
    assert chart.data["share"].dropna().between(0, 1).all()


def test_bundled_profile_against_published_groups(bundled_snapshot) -> None:
    chart = profile_small_multiples(bundled_snapshot, CAT, entity="KEN")
    ent = bundled_snapshot.entity_index.loc["KEN"]
    roles = chart.data.groupby("role")["entity"].unique()
    assert ent["income_group"] in roles["income group"] and ent["region"] in roles["region"]
    grp = chart.data[(chart.data["role"] == "income group") & (chart.data["indicator"] == USE)]
    wide = bundled_snapshot.wide(USE)
    np.testing.assert_allclose(
        grp["value"].to_numpy(), wide.loc[ent["income_group"], grp["year"]].to_numpy()
    )
    history = income_history_chart(bundled_snapshot, CAT, economy="KEN")
    ref = history_reference(bundled_snapshot)
    assert ref is not None
    assert ref.title in history.source and history.data["vintage"].iloc[0] == ref.vintage
