"""The explorer's map (dashboard.figures_map): levels in a year and change since a baseline, on
the fixture snapshot."""

from __future__ import annotations

import numpy as np
from fixtures import ECONOMIES, fixture_internet
from test_figures_explorer import WWW

from dashboard.figures.world_map import map_figure
from dashboard.views.explorer_series import default_map_year, map_years


def test_map_levels_and_change(tiny_snapshot, catalogue):
    level = map_figure(tiny_snapshot, catalogue, indicator=WWW, mode="level")
    assert default_map_year(tiny_snapshot, WWW) == max(map_years(tiny_snapshot, WWW))
    trace = level.figure.data[0]
    assert set(trace.locations) == set(ECONOMIES) and trace.locationmode == "ISO-3"
    assert set(level.data["year"]) == {default_map_year(tiny_snapshot, WWW)}
    change = map_figure(tiny_snapshot, catalogue, indicator=WWW, mode="change", baseline=2005)
    ctrace = change.figure.data[0]
    assert ctrace.zmid == 0 and ctrace.zmin == -ctrace.zmax
    assert np.allclose(
        change.data["value"],
        [fixture_internet(e, 2024) - fixture_internet(e, 2005) for e in change.data["entity"]],
    )
    assert any("Too small for this map" in n for n in change.notes)  # E01.. have no shape
