"""Screen copies of chart figures (dashboard/app/screen_figures.py): no title or footer inside
the plot, the legend under it, one figure per panel of a grid, and the chart itself unchanged."""

from __future__ import annotations

import base64
import json

import numpy as np
import plotly.io as pio
import pytest

from dashboard.app.screen_figures import (
    LEGEND_GAP,
    MIN_HEIGHT,
    TOP,
    panel_domains,
    screen_figure,
)
from dashboard.figures.chart import PlotlyJson, trusted_figure
from dashboard.figures.overview import income_gap_chart, internet_use_since_tunis
from dashboard.figures.profile import profile_sections, profile_small_multiples, target_chart


@pytest.fixture(scope="module")
def line(bundled_snapshot, catalogue):
    return internet_use_since_tunis(bundled_snapshot, catalogue)


@pytest.fixture(scope="module")
def grid(bundled_snapshot, catalogue):
    sections = profile_sections(bundled_snapshot, catalogue, entity="KEN", start=2005)
    _label, codes = max(sections, key=lambda s: len(s[1]))
    return profile_small_multiples(
        bundled_snapshot, catalogue, entity="KEN", start=2005, codes=codes
    )


def assert_legend_below(spec: dict) -> None:
    legend = spec["layout"]["legend"]
    assert legend["orientation"] == "h" and legend["yanchor"] == "top" and legend["y"] < 0
    assert legend.get("yref", "paper") == "paper"


def test_a_single_figure_loses_its_frame_and_keeps_its_data(line) -> None:
    before = line.figure.to_json()
    screen = screen_figure(line)
    assert len(screen.figures) == 1 and screen.columns == 1
    spec = screen.figures[0]
    assert "title" not in spec["layout"]
    assert not [a for a in spec["layout"]["annotations"] if a.get("name") == "footer"]
    assert spec["layout"]["margin"]["t"] == TOP
    assert_legend_below(spec)
    assert len(spec["data"]) == len(line.figure.data)
    assert spec["layout"]["meta"] == {
        "chart": line.name,
        "title": line.title,
        "subtitle": line.subtitle,
        "panel": 1,
    }
    assert line.figure.to_json() == before  # the cached, exported figure is untouched


def test_a_fixed_height_shrinks_by_the_header_and_footer_it_lost(bundled_snapshot, catalogue):
    chart = target_chart(bundled_snapshot, catalogue, entity="KEN")
    spec = screen_figure(chart).figures[0]
    assert MIN_HEIGHT <= spec["layout"]["height"] < chart.figure.layout.height
    assert (
        spec["layout"]["height"]
        >= chart.figure.layout.height
        - (chart.figure.layout.margin.t + chart.figure.layout.margin.b)
        + TOP
        + LEGEND_GAP
    )


def test_a_grid_becomes_one_figure_per_panel_with_its_own_title(grid) -> None:
    before = grid.figure.to_json()
    layout = grid.figure.to_plotly_json()["layout"]
    panels = panel_domains(layout, grid.figure.to_plotly_json()["data"])
    screen = screen_figure(grid)
    assert len(screen.figures) == len(panels) > 1
    assert 1 < screen.columns <= 3
    titles = [
        a["text"]
        for a in layout["annotations"]
        if a.get("xref") == "paper" and a.get("name") != "footer"
    ]
    traces = 0
    for number, spec in enumerate(screen.figures, start=1):
        assert {t.get("xaxis") for t in spec["data"]} == {"x"}
        assert {t.get("yaxis") for t in spec["data"]} == {"y"}
        assert not any(k.startswith(("xaxis", "yaxis")) and k[5:] for k in spec["layout"])
        panel_titles = [a["text"] for a in spec["layout"]["annotations"] if a["text"] in titles]
        assert len(panel_titles) == 1  # the panel's own title, and no other's
        assert_legend_below(spec)
        names = [t["name"] for t in spec["data"] if t.get("showlegend")]
        assert len(names) == len(set(names)) == len({t["name"] for t in spec["data"]})
        assert spec["layout"]["meta"]["panel"] == number
        traces += len(spec["data"])
    assert traces == len(grid.figure.data)
    assert [a for s in screen.figures for a in s["layout"]["annotations"] if a["text"] in titles]
    assert grid.figure.to_json() == before


def test_two_panels_side_by_side_become_two_figures(bundled_snapshot, catalogue) -> None:
    chart = income_gap_chart(bundled_snapshot, catalogue)
    screen = screen_figure(chart, mode="dark")
    assert len(screen.figures) == 2 and screen.columns == 2
    right = screen.figures[1]["layout"]["yaxis"]
    assert right.get("type") == "log"  # each panel keeps its own axes
    assert screen.figures[0]["layout"]["paper_bgcolor"] != chart.figure.layout.paper_bgcolor


def test_a_numeric_x_axis_gets_few_ticks_and_categories_keep_theirs() -> None:
    """A phone's narrow plot must not turn year labels on their side into the legend (#14)."""
    from dashboard.app.screen_figures import X_TICKS, few_ticks

    years = list(range(2008, 2025))
    packed = {"dtype": "i2", "bdata": base64.b64encode(np.arange(2008, 2025, dtype="<i2")).decode()}
    spec = {
        "data": [
            {"type": "scatter", "x": years, "y": years},
            {"type": "bar", "x": [f"FY{y}" for y in years], "y": years, "xaxis": "x2"},
            {"type": "scatter", "x": np.arange(2008, 2025), "y": years, "xaxis": "x6"},
            {"type": "scatter", "x": packed, "y": years, "xaxis": "x7"},
        ],
        "layout": {
            "xaxis": {},
            "xaxis2": {},
            "xaxis3": {"dtick": 5, "range": [2004.5, 2025.5]},  # 5 labels: kept
            "xaxis4": {"dtick": 2, "range": [2008, 2024]},  # 9 labels: too many on a phone
            "xaxis5": {"tickvals": [2008, 2024]},
            "xaxis6": {"dtick": 2},  # numpy years, no range: read from the data
            "xaxis7": {"dtick": 2},  # ... or plotly's packed numbers
        },
    }
    few_ticks(spec)
    layout = spec["layout"]
    assert layout["xaxis"]["nticks"] == X_TICKS
    assert "nticks" not in layout["xaxis2"]  # categories: every label is wanted
    assert layout["xaxis3"] == {"dtick": 5, "range": [2004.5, 2025.5]}
    assert layout["xaxis4"] == {"range": [2008, 2024], "nticks": X_TICKS}
    assert layout["xaxis5"] == {"tickvals": [2008, 2024]}  # the chart named its ticks
    assert layout["xaxis6"] == layout["xaxis7"] == {"nticks": X_TICKS}


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_screen_json_reaches_streamlit_as_the_figure_route_wrote_it(line, grid, mode) -> None:
    """The screen figures are handed to Streamlit as plotly JSON (`PlotlyJson`), without plotly
    building a Figure: what Streamlit writes (plotly.io.to_json, as its plotly_chart does) is
    the same figure the Figure route (`trusted_figure`) wrote, and the JSON is left as it was
    (#12)."""
    for chart in (line, grid):
        for spec in screen_figure(chart, mode=mode).figures:
            before = json.dumps(spec, sort_keys=True, default=repr)
            written = pio.to_json(PlotlyJson(spec), validate=False)
            assert json.loads(written) == json.loads(
                pio.to_json(trusted_figure(spec), validate=False)
            )
            assert json.dumps(spec, sort_keys=True, default=repr) == before
