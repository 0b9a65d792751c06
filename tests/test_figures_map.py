"""The explorer's map (dashboard.figures.world_map): levels in a year and change since a
baseline, on the fixture snapshot; small states as points and the UN disclaimer on the bundled
one."""

from __future__ import annotations

import numpy as np
import pytest
from fixtures import fixture_internet
from test_figures_explorer import WWW

from dashboard.figures.world_map import UN_MAP_DISCLAIMER, map_figure
from dashboard.views.explorer_series import default_map_year, map_codes, map_points, map_years


def test_map_levels_and_change(tiny_snapshot, catalogue):
    level = map_figure(tiny_snapshot, catalogue, indicator=WWW, mode="level")
    assert default_map_year(tiny_snapshot, WWW) == max(map_years(tiny_snapshot, WWW))
    assert level.figure.data[0].locationmode == "ISO-3"
    assert set(level.data["year"]) == {default_map_year(tiny_snapshot, WWW)}
    assert level.figure.layout.coloraxis.cmid is None
    change = map_figure(tiny_snapshot, catalogue, indicator=WWW, mode="change", baseline=2005)
    axis = change.figure.layout.coloraxis
    assert axis.cmid == 0 and axis.cmin == -axis.cmax
    assert np.allclose(
        change.data["value"],
        [fixture_internet(e, 2024) - fixture_internet(e, 2005) for e in change.data["entity"]],
    )
    assert any("Without a shape or a point" in n for n in change.notes)  # E01.. have neither


@pytest.mark.parametrize("mode", ["level", "change"])
def test_every_map_carries_the_un_disclaimer(mode, tiny_snapshot, catalogue):
    chart = map_figure(tiny_snapshot, catalogue, indicator=WWW, mode=mode)
    assert chart.notes[-1] == UN_MAP_DISCLAIMER
    footer = [a.text for a in chart.figure.layout.annotations if a.name == "footer"]
    assert any("do not imply official endorsement" in t for t in footer)


def test_small_states_are_points_on_the_same_colour_scale(bundled_snapshot, catalogue):
    """Economies too small for the coarse shapes are circles at their centres, coloured by the
    same axis as the shapes, so no small island state with a value is invisible."""
    chart = map_figure(bundled_snapshot, catalogue, indicator=WWW, mode="level")
    shapes, points = chart.figure.data
    small = chart.data[chart.data["as_point"]]
    assert len(small) >= 26
    assert not set(small["entity"]) & map_codes()
    assert list(points.text) == list(small["entity_name"])
    assert np.allclose(list(points.marker.color), small["value"])
    assert points.marker.coloraxis == shapes.coloraxis == "coloraxis"
    centre = map_points()
    assert [(x, y) for x, y in zip(points.lon, points.lat, strict=True)] == [
        centre[e] for e in small["entity"]
    ]
    assert f"Circles: {len(small)} small states" in " ".join(chart.notes)
    unseen = chart.data[~chart.data["on_map"] & ~chart.data["as_point"]]
    for name in unseen["entity_name"].head(6):
        assert name in " ".join(chart.notes)


def test_tied_ends_are_all_named_or_counted():
    import pandas as pd

    from dashboard.figures.world_map import tied_names

    assert tied_names(pd.Series(["B", "A"])) == "A and B"
    assert tied_names(pd.Series(["C", "A", "B"])) == "A, B and C"
    assert tied_names(pd.Series(["D", "C", "A", "B"])) == "A, B, C and 1 more"
    assert tied_names(pd.Series(["A", "A"])) == "A"


def test_the_title_does_not_name_one_economy_where_several_share_the_top(
    bundled_snapshot, catalogue
):
    from dashboard.figures.world_map import map_figure

    chart = map_figure(bundled_snapshot, catalogue, indicator="IT.NET.USER.ZS")
    data = chart.data.dropna(subset=["value"])
    top = data["value"].round(1) == data["value"].max().round(1)
    if top.sum() > 1:
        assert f"{int(top.sum())} economies" in chart.title or all(
            n in chart.title for n in data.loc[top, "entity_name"]
        )
    else:
        assert data.loc[top, "entity_name"].iloc[0] in chart.title
