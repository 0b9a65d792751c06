"""Explorer: any indicator for any set of economies and groups, as lines, slopes, bars or a map.

Inputs: widgets that start from the view in the URL. Compute (through the cache seam): the
series and the figures of figures.explorer, figures.ranking and figures.world_map. Render, and
write every change back to the URL (a copied link reopens the same view).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, cast

import streamlit as st

from dashboard.app.cache import compute, get_data
from dashboard.app.page_text import group_only_line
from dashboard.app.registry import page_spec
from dashboard.app.safe_text import md_escape as esc
from dashboard.app.state import CHANGES, CHARTS, MAP_MODES, MAX_ECONOMIES, RANKINGS, SCALES, View
from dashboard.app.ui import (
    current_view,
    find_by_other_name,
    first_screen_only,
    follow_url,
    page_guard,
    rest_of_page_now,
    show_chart,
    sync_view,
)
from dashboard.exports.csv_text import csv_bytes
from dashboard.figures.chart import slug
from dashboard.figures.explorer import line_view, slope_figure
from dashboard.figures.ranking import ranking_figure
from dashboard.figures.world_map import map_figure
from dashboard.views.choices import explorer_choices, map_year_choices
from dashboard.views.explorer_series import series

CHART_LABELS = {
    "line": "Over time",
    "slope": "Since baseline",
    "bar": "Ranking",
    "map": "Map",
    "table": "Table",
}
MEASURE_LABELS = {"level": "Latest value", "change": "Change since baseline"}
CHANGE_LABELS = {"absolute": "Absolute", "relative": "Relative (%)"}
RANKING_LABELS = {"chosen": "Chosen set", "economies": "All economies"}
SCALE_LABELS = {"linear": "Linear", "log": "Log"}


def choose(where: Any, label: str, options: tuple[str, ...], labels: dict[str, str], *,
           key: str) -> str:  # fmt: skip
    """One of a few options as a segmented control (always one chosen) in `where`; its value
    comes from the URL view (`follow_url`)."""
    chosen: str = where.segmented_control(
        label, options, format_func=labels.get, required=True, key=key
    )
    return chosen


def add_economy(code: str) -> None:
    """Add an economy found by another name to the picker (a callback: it runs before the
    widgets are drawn again) and clear the search."""
    chosen = list(st.session_state.get("economies", []))
    if code not in chosen and len(chosen) < MAX_ECONOMIES:
        st.session_state["economies"] = [*chosen, code]
    st.session_state["economy-search"] = ""


def inputs(view: View, *, first_year: int, last_year: int) -> View:
    """The widgets, started from the link's view; returns the view they now describe."""
    choices = compute(explorer_choices)
    indicators, entities = choices.indicators, choices.entities
    follow_url(
        {
            "indicator": view.indicator,
            "economies": list(view.economies),
            "years": (view.start, view.end if view.end is not None else last_year),
            "baseline": view.baseline,
            "scale": view.scale,
            "chart": view.chart,
            "map_mode": view.map_mode,
            "change": view.change,
            "ranking": view.ranking,
        }
    )
    top = st.columns([2, 3])
    indicator = str(
        top[0].selectbox(
            "Indicator (grouped by challenge area)",
            options=list(indicators),
            format_func=lambda code: indicators[code],
            key="indicator",
        )
    )
    economies = top[1].multiselect(
        "Economies and groups",
        options=list(entities),
        format_func=lambda code: entities[code],
        max_selections=MAX_ECONOMIES,
        select_all=False,  # Enter adds the option chosen, never "Select N matches"
        key="economies",
        wrap=True,
        placeholder="Type a name: Kenya, World, Low income...",
    )
    with top[1]:
        find_by_other_name(key="economy-search", labels=entities, verb="Add", on_pick=add_economy)
    row = st.columns([3, 1, 1])
    # a range slider: its value is the (start, end) pair follow_url put in its state
    years_chosen = row[0].slider("Years", min_value=first_year, max_value=last_year, key="years")
    start, end = cast(tuple[int, int], years_chosen)
    years = list(range(first_year, last_year + 1))
    baseline = row[1].selectbox("Baseline year", options=years, key="baseline")
    scale = choose(row[2], "Scale", SCALES, SCALE_LABELS, key="scale")
    controls = st.container(horizontal=True, gap="medium")
    chart = choose(controls, "Chart", CHARTS, CHART_LABELS, key="chart")
    new = replace(
        view,
        indicator=indicator,
        economies=tuple(economies),
        start=start,
        end=None if end == last_year else end,
        baseline=baseline,
        chart=chart,
        scale=scale,
    )
    if chart in ("bar", "map"):
        mode = choose(controls, "Show", MAP_MODES, MEASURE_LABELS, key="map_mode")
        new = replace(new, map_mode=mode)
        if mode == "change":
            change = choose(controls, "Change", CHANGES, CHANGE_LABELS, key="change")
            new = replace(new, change=change)
    if chart == "bar":
        ranking = choose(controls, "Rank", RANKINGS, RANKING_LABELS, key="ranking")
        new = replace(new, ranking=ranking)
    if chart == "map" and new.map_mode == "level":
        available = compute(map_year_choices, indicator=indicator)
        if available.years:
            wanted = view.map_year if view.map_year in available.years else available.usual
            follow_url({"map_year": wanted})
            if st.session_state.get("map_year") not in available.years:
                st.session_state["map_year"] = wanted  # another indicator's year
            map_year = st.select_slider("Map year", options=available.years, key="map_year")
            new = replace(new, map_year=None if map_year == available.usual else map_year)
    return new


def render(view: View, *, last_year: int, table: bool = True) -> None:
    """The chosen chart (or table) of the view, with its notes and downloads (and the slope
    chart's table under it unless `table` is False)."""
    chart, log = view.chart, view.scale == "log"
    end = view.end if view.end is not None else last_year
    needs_set = chart in ("line", "slope", "table") or (chart == "bar" and view.ranking == "chosen")
    if needs_set and not view.economies:
        st.info("Choose at least one economy or group above.", icon=":material/touch_app:")
        return
    common = {"indicator": view.indicator, "end": end}
    lines = None
    if needs_set:
        if chart == "line":  # the series and its chart in one cache entry
            got, lines = compute(
                line_view, entities=view.economies, start=view.start, log_y=log, **common
            )
        else:
            got = compute(series, entities=view.economies, start=view.start, **common)
        choices = compute(explorer_choices)
        groups = choices.group_only.get(view.indicator)
        if groups is not None and got.missing:
            # a series estimated for groups only: one line, and the groups that have it
            line = group_only_line(
                got.indicator.short_name, groups, missing=got.missing, names=choices.entities
            )
            st.info(line, icon=":material/groups:")
        else:
            for note in got.notes:
                st.warning(esc(note), icon=":material/info:")
        if got.data.empty:
            return
    if log and (chart == "map" or (view.map_mode == "change" and chart == "bar")):
        st.caption("The log scale applies to levels on the line, slope and ranking charts.")
    if chart == "line":
        if lines is not None:  # (None only without values, which returned above)
            show_chart(lines, key="explorer-line")
    elif chart == "slope":
        fig = compute(
            slope_figure, entities=view.economies, baseline=view.baseline, log_y=log, **common
        )
        show_chart(fig, key="explorer-slope")
        if table:
            st.dataframe(fig.data, hide_index=True, key="slope-table")
    elif chart == "bar":
        fig = compute(
            ranking_figure,
            entities=None if view.ranking == "economies" else view.economies,
            measure=view.map_mode,
            change=view.change,
            baseline=view.baseline,
            start=view.start,
            log_x=log,
            highlight=view.economies,
            **common,
        )
        show_chart(fig, key="explorer-bar")
    elif chart == "map":
        fig = compute(
            map_figure,
            mode=view.map_mode,
            year=view.map_year,
            baseline=view.baseline,
            change=view.change,
            **common,
        )
        show_chart(fig, key="explorer-map")
    else:
        table = got.data
        st.dataframe(
            table,
            hide_index=True,
            key="explorer-table",
            column_config={"year": st.column_config.NumberColumn(format="%d")},
        )
        st.download_button(
            "Table (CSV)",
            data=csv_bytes(table),
            file_name=f"explorer-{slug(view.indicator)}.csv",
            mime="text/csv",
            key="explorer-table-csv",
            icon=":material/download:",
        )


def page() -> None:
    with page_guard():
        data = get_data()
        vocab = data.vocabulary
        view = current_view(data)
        st.title("Explorer")
        st.caption(
            "Any indicator for any economies and groups. The address bar always holds a link "
            "to exactly this view."
        )
        controls = st.container(key="explorer-controls")
        if first_screen_only():
            # A new visitor's first page: the chart of the link's view first, then (a frame
            # after it is on screen) the controls and the slope chart's table (#12).
            with controls:
                rest_of_page_now()
            with page_guard():
                render(view, last_year=vocab.last_year, table=False)
            return
        with controls:
            new = inputs(view, first_year=vocab.first_year, last_year=vocab.last_year)
        with page_guard():
            render(new, last_year=vocab.last_year)
        sync_view(new, keys=page_spec("explorer").keys)
