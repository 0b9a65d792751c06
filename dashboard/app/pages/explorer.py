"""Explorer: any indicator for any set of economies and groups, as lines, slopes, bars or a map.

Thin page: widgets start from the view in the URL, figures come from the pure builders in
dashboard.figures_explorer, figures_ranking and figures_map, and every change is written back to
the URL (a copied link reopens the same view).
"""

from dataclasses import replace

import streamlit as st

from dashboard.app.cache import get_data
from dashboard.app.safe_text import md_escape as esc
from dashboard.app.state import CHANGES, CHARTS, MAP_MODES, MAX_ECONOMIES, RANKINGS, SCALES
from dashboard.app.ui import current_view, page_guard, show_chart, sync_view
from dashboard.figures import explorer as fx
from dashboard.figures import ranking as fr
from dashboard.figures import world_map as fm
from dashboard.figures.chart import slug
from dashboard.views.explorer_series import (
    default_map_year,
    entity_choices,
    indicator_choices,
    map_years,
    series,
)

KEYS = (
    "indicator",
    "economies",
    "start",
    "end",
    "baseline",
    "chart",
    "scale",
    "change",
    "map_mode",
    "map_year",
    "ranking",
)
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


def choose(where, label: str, options, labels: dict[str, str], *, default: str, key: str) -> str:
    """One of a few options as a segmented control (always one chosen) in `where`."""
    return where.segmented_control(
        label, options, default=default, format_func=labels.get, required=True, key=key
    )


with page_guard():
    data = get_data()
    snap, cat, vocab = data.snapshot, data.catalogue, data.vocabulary
    view = current_view(data)
    st.title("Explorer")
    st.caption(
        "Any indicator for any economies and groups. The address bar always holds a link to "
        "exactly this view."
    )
    indicators = indicator_choices(cat)
    entities = entity_choices(snap)
    top = st.columns([2, 3])
    indicator = top[0].selectbox(
        "Indicator (grouped by challenge area)",
        options=list(indicators),
        index=list(indicators).index(view.indicator),
        format_func=indicators.get,
        key="indicator",
    )
    economies = top[1].multiselect(
        "Economies and groups",
        options=list(entities),
        default=list(view.economies),
        format_func=entities.get,
        max_selections=MAX_ECONOMIES,
        key="economies",
        wrap=True,
        placeholder="Type a name: Kenya, World, Low income...",
    )
    row = st.columns([3, 1, 1])
    last = vocab.last_year
    start, end = row[0].slider(
        "Years",
        min_value=vocab.first_year,
        max_value=last,
        value=(view.start, view.end if view.end is not None else last),
        key="years",
    )
    years = list(range(vocab.first_year, last + 1))
    baseline = row[1].selectbox(
        "Baseline year", options=years, index=years.index(view.baseline), key="baseline"
    )
    scale = choose(row[2], "Scale", SCALES, SCALE_LABELS, default=view.scale, key="scale")
    controls = st.container(horizontal=True, gap="medium")
    chart = choose(controls, "Chart", CHARTS, CHART_LABELS, default=view.chart, key="chart")
    new = replace(
        view,
        indicator=indicator,
        economies=tuple(economies),
        start=start,
        end=None if end == last else end,
        baseline=baseline,
        chart=chart,
        scale=scale,
    )
    if chart in ("bar", "map"):
        mode = choose(
            controls, "Show", MAP_MODES, MEASURE_LABELS, default=view.map_mode, key="map_mode"
        )
        new = replace(new, map_mode=mode)
        if mode == "change":
            change = choose(
                controls, "Change", CHANGES, CHANGE_LABELS, default=view.change, key="change"
            )
            new = replace(new, change=change)
    if chart == "bar":
        ranking = choose(
            controls, "Rank", RANKINGS, RANKING_LABELS, default=view.ranking, key="ranking"
        )
        new = replace(new, ranking=ranking)
    if chart == "map" and new.map_mode == "level":
        available = map_years(snap, indicator)
        if available:
            usual = default_map_year(snap, indicator)
            map_year = st.select_slider(
                "Map year",
                options=available,
                value=view.map_year if view.map_year in available else usual,
                key="map_year",
            )
            new = replace(new, map_year=None if map_year == usual else map_year)
    log = new.scale == "log"
    needs_set = chart in ("line", "slope", "table") or (chart == "bar" and new.ranking == "chosen")
    with page_guard():
        if needs_set and not new.economies:
            st.info("Choose at least one economy or group above.", icon=":material/touch_app:")
        else:
            if needs_set:
                got = series(
                    snap, cat, indicator=indicator, entities=new.economies, start=start, end=end
                )
                for note in got.notes:
                    st.warning(esc(note), icon=":material/info:")
            if log and (chart == "map" or (new.map_mode == "change" and chart == "bar")):
                st.caption("The log scale applies to levels on the line, slope and ranking charts.")
            if chart == "line":
                fig = fx.line_figure(
                    snap,
                    cat,
                    indicator=indicator,
                    entities=new.economies,
                    start=start,
                    end=end,
                    log_y=log,
                )
                show_chart(fig, key="explorer-line")
            elif chart == "slope":
                fig = fx.slope_figure(
                    snap,
                    cat,
                    indicator=indicator,
                    entities=new.economies,
                    baseline=baseline,
                    end=end,
                    log_y=log,
                )
                show_chart(fig, key="explorer-slope")
                st.dataframe(fig.data, hide_index=True, key="slope-table")
            elif chart == "bar":
                fig = fr.ranking_figure(
                    snap,
                    cat,
                    indicator=indicator,
                    entities=None if new.ranking == "economies" else new.economies,
                    measure=new.map_mode,
                    change=new.change,
                    baseline=baseline,
                    start=start,
                    end=end,
                    log_x=log,
                    highlight=new.economies,
                )
                show_chart(fig, key="explorer-bar")
            elif chart == "map":
                fig = fm.map_figure(
                    snap,
                    cat,
                    indicator=indicator,
                    mode=new.map_mode,
                    year=new.map_year,
                    baseline=baseline,
                    change=new.change,
                    end=end,
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
                    data=table.to_csv(index=False).encode("utf-8"),
                    file_name=f"explorer-{slug(indicator)}.csv",
                    mime="text/csv",
                    key="explorer-table-csv",
                    icon=":material/download:",
                )
    sync_view(new, keys=KEYS)
