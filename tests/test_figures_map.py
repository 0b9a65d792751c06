"""The explorer's map (dashboard.figures_map): levels in a year and change since a baseline, on
the fixture snapshot."""

from __future__ import annotations

import numpy as np
import pytest
from fixtures import ECONOMIES, fixture_internet, fixture_snapshot
from test_figures_explorer import WWW

from dashboard.figures.world_map import map_figure
from dashboard.views.explorer_series import default_map_year, map_years
from indicators.catalogue import load_catalogue


@pytest.fixture(scope="module")
def cat():
    return load_catalogue()


@pytest.fixture(scope="module")
def snap():
    return fixture_snapshot()


def test_map_levels_and_change(snap, cat):
    level = map_figure(snap, cat, indicator=WWW, mode="level")
    assert default_map_year(snap, WWW) == max(map_years(snap, WWW))
    trace = level.figure.data[0]
    assert set(trace.locations) == set(ECONOMIES) and trace.locationmode == "ISO-3"
    assert set(level.data["year"]) == {default_map_year(snap, WWW)}
    change = map_figure(snap, cat, indicator=WWW, mode="change", baseline=2005)
    ctrace = change.figure.data[0]
    assert ctrace.zmid == 0 and ctrace.zmin == -ctrace.zmax
    assert np.allclose(
        change.data["value"],
        [fixture_internet(e, 2024) - fixture_internet(e, 2005) for e in change.data["entity"]],
    )
    assert any("Too small for this map" in n for n in change.notes)  # E01.. have no shape
