"""Challenge areas: the 13 areas of the briefing note, how well the data measure each, their
indicators' world values, change since Tunis, target status, coverage, and the gaps.

Inputs: the link's `area` (show one area) and `baseline`. Compute (through the cache seam): the
summaries of views.area_summary and the figures of figures.areas. Render: the overview grid,
then one section per area.
"""

from __future__ import annotations

import streamlit as st

from dashboard.app.cache import compute, get_data
from dashboard.app.page_text import (
    area_gap,
    area_lead,
    area_links,
    indicator_table,
    target_lines,
)
from dashboard.app.ui import (
    current_view,
    first_screen_then_rest,
    follow_url,
    page_guard,
    rest_of_page_now,
    show_chart,
    sync_view,
    with_changes,
)
from dashboard.figures.areas import area_grid, area_small_multiples
from dashboard.figures.chart import Chart
from dashboard.views.area_summary import AreaSummary, area_summaries

ALL = "all"  # the filter's "every area" choice (the link then has no `area`)
NARROW_COLUMNS = 2  # tiles per row of the area grid on a phone


def render_area(summary: AreaSummary, chart: Chart | None, *, baseline: int) -> None:
    """One area: name, measurement, description, indicators, targets, chart, links, gaps."""
    area = summary.area
    st.subheader(f"{area.number}. {area.name}", anchor=area.id)
    st.markdown(area_lead(summary))
    if summary.indicators:
        st.markdown(indicator_table(summary, baseline=baseline))
    if summary.targets or summary.unmeasured:
        st.markdown(target_lines(summary))
    if chart is not None:
        show_chart(chart, key=f"area-{area.id}")
    gap = area_gap(summary)
    if gap:
        st.info(gap, icon=":material/help:")
    st.caption(area_links(summary))


def page() -> None:
    with page_guard():
        data = get_data()
        view = current_view(data)

        summaries = compute(area_summaries, baseline=view.baseline)
        grid = compute(area_grid, baseline=view.baseline)
        narrow_grid = compute(area_grid, baseline=view.baseline, columns=NARROW_COLUMNS)
        names = {s.area.id: f"{s.area.number}. {s.area.name}" for s in summaries}

        st.title("Challenge areas")
        st.caption(
            f"The {len(names)} areas of the briefing note, in its order: what the data say "
            "about each, how far the targets are, and where no indicator exists."
        )

        def from_first_chart() -> None:
            show_chart(grid, key="areas-grid", narrow=narrow_grid)
            if not rest_of_page_now():  # drawn once the grid is on screen
                return
            options = [ALL, *names]
            follow_url({"areas-filter": view.area or ALL})
            picked = st.selectbox(
                "Show",
                options,
                format_func=lambda a: f"All {len(names)} areas" if a == ALL else names[a],
                key="areas-filter",
            )
            choice = None if picked == ALL else picked
            sync_view(with_changes(view, area=choice), keys=["area"])
            shown = [s for s in summaries if choice is None or s.area.id == choice]
            charts = {
                s.area.id: compute(area_small_multiples, area_id=s.area.id, start=view.baseline)
                for s in shown
            }
            for s in shown:
                st.divider()
                render_area(s, charts[s.area.id], baseline=view.baseline)

        first_screen_then_rest(from_first_chart)
