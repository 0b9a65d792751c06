"""Challenge-area figures (dashboard.figures_areas): the overview grid and the small multiples,
on the fixture and the bundled_snapshot snapshot."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from test_area_summary import CAT, HOMES, USE, fixture_area_snapshot

from dashboard.figures.areas import area_grid, area_small_multiples, panels_of
from dashboard.views.area_summary import area_summaries


@pytest.fixture(scope="module")
def snap():
    return fixture_area_snapshot()


@pytest.fixture(scope="module")
def summaries(bundled_snapshot):
    return area_summaries(bundled_snapshot, CAT)


def test_panels_pair_the_breakdowns_of_an_area() -> None:
    gender = panels_of(CAT, "gender")
    assert ("IT.NET.USER.FE.ZS", "IT.NET.USER.MA.ZS") in gender
    assert all(len(p) == 2 for p in gender)
    assert panels_of(CAT, "skills") == []
    access = panels_of(CAT, "access")
    assert [p[0] for p in access] == [i.code for i in CAT.measures("access")]


def test_small_multiples_plot_the_world_series(snap) -> None:
    chart = area_small_multiples(snap, CAT, area_id="access", start=2005)
    assert chart is not None
    use = chart.data[chart.data["indicator"] == USE].set_index("year")["value"]
    want = snap.wide(USE).loc["WLD"].dropna()
    np.testing.assert_allclose(use.to_numpy(), want[want.index >= 2005].to_numpy())
    homes_rows = chart.data[chart.data["indicator"] == HOMES]
    assert set(homes_rows["basis"]) == {"world (computed)"}
    assert any("'computed'" in n and "two-thirds" in n for n in chart.notes)
    assert f"{want.iloc[-1]:.1f}% in {want.index[-1]}" in chart.title
    assert area_small_multiples(snap, CAT, area_id="ai") is None


# --- bundled_snapshot snapshot ---------------------------------------------------------------------------


def test_grid_has_one_tile_per_area_and_counts_in_its_title(bundled_snapshot, summaries) -> None:
    chart = area_grid(bundled_snapshot, CAT, summaries=summaries)
    assert list(chart.data["area"]) == [s.area.id for s in summaries]
    statuses = pd.Series([a.status for a in CAT.areas]).value_counts()
    assert f"{statuses['measured']} of {len(CAT.areas)} challenge areas measured" in chart.title
    assert f"{statuses['gap']} without an indicator" in chart.title
    texts = " ".join(a.text for a in chart.figure.layout.annotations)
    for s in summaries:
        assert f"{s.area.number}." in texts


def test_bundled_small_multiples_of_every_measured_area(bundled_snapshot) -> None:
    for area in CAT.areas:
        chart = area_small_multiples(bundled_snapshot, CAT, area_id=area.id)
        if not CAT.measures(area.id):
            assert chart is None
            continue
        assert chart is not None and not chart.data.empty
        assert chart.data["vintage"].str.len().min() > 0
        assert area.name in chart.title
