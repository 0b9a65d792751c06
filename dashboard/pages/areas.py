"""Challenge areas: the 13 areas of the briefing note, how well the data measure each, their
indicators' world values, change since Tunis, target status, coverage, and the gaps.

Input: the link's `area` (show one area) and `baseline`. Compute: area summaries and figure
builders of figures_areas. Render: the overview grid, then one section per area.
"""

from __future__ import annotations

import html

import streamlit as st

from dashboard.charts import Chart
from dashboard.data import compute, get_data
from dashboard.figures_areas import (
    MEASUREMENT,
    AreaSummary,
    IndicatorSummary,
    area_grid,
    area_small_multiples,
    area_summaries,
    badge_html,
)
from dashboard.theme import STATUS_COLOURS, TARGET_COLOUR
from dashboard.ui import current_view, page_guard, show_chart, sync_view, with_changes

MEASUREMENT_COLOURS = {"measured": STATUS_COLOURS["achieved"], "partial": "#E69F00"}
MEASUREMENT_COLOURS |= {"gap": STATUS_COLOURS["insufficient data"]}
TREND_COLOURS = {
    "improving": STATUS_COLOURS["achieved"],
    "worsening": STATUS_COLOURS["moving away"],
}
ALL = "all"  # the filter's "every area" choice (the link then has no `area`)
CELL = "padding:4px 8px;vertical-align:top;border-bottom:1px solid rgba(128,128,128,0.3)"


def _cell(text: str, *, header: bool = False) -> str:
    tag = "th" if header else "td"
    return f"<{tag} style='{CELL};text-align:left'>{text}</{tag}>"


def _row(ind: IndicatorSummary) -> str:
    esc = html.escape
    targets = (
        "<br>".join(f"{badge_html(b.status, b.colour)} {esc(b.label)}" for b in ind.targets)
        or "<span style='opacity:0.7'>none</span>"
    )
    trend_colour = TREND_COLOURS.get(ind.trend_text, TARGET_COLOUR)
    trend = (
        f"<span style='color:{trend_colour};font-size:1.3em'>{ind.arrow}</span> "
        f"{esc(ind.trend_text)}"
    )
    latest = f"<b>{esc(ind.latest_text)}</b> ({ind.latest_year})" if ind.latest_year else "no data"
    if ind.estimate:
        latest += " <i>estimate</i>"
    change = esc(ind.change_text) + (" <i>(nearest year)</i>" if ind.baseline_substituted else "")
    cells = [
        f"<b>{esc(ind.short_name)}</b><br><span style='opacity:0.75'>{esc(ind.code)}"
        + (f" · SDG {esc(ind.sdg)}" if ind.sdg else "")
        + "</span>",
        f"{latest}<br><span style='opacity:0.75'>{esc(ind.basis)}</span>",
        change,
        trend,
        targets,
        esc(ind.coverage_text),
        f"{esc(ind.source)}<br><span style='opacity:0.75'>vintage {esc(ind.vintage)}</span>",
    ]
    return "<tr>" + "".join(_cell(c) for c in cells) + "</tr>"


def indicator_table(summary: AreaSummary) -> str:
    heads = ["Indicator", "Latest (world)", "Change since Tunis", "Trend (5 years)", "Targets"]
    heads += ["Coverage", "Source"]
    head = "<tr>" + "".join(_cell(h, header=True) for h in heads) + "</tr>"
    body = "".join(_row(i) for i in summary.indicators)
    return (
        "<div style='overflow-x:auto'><table style='border-collapse:collapse;width:100%;"
        f"font-size:0.9em'>{head}{body}</table></div>"
    )


def render_area(summary: AreaSummary, chart: Chart | None) -> None:
    """One area: name, measurement, description, indicators, targets, chart, links, gaps."""
    area = summary.area
    st.subheader(f"{area.number}. {area.name}", anchor=area.id)
    st.markdown(
        badge_html(MEASUREMENT[area.status], MEASUREMENT_COLOURS[area.status])
        + f" &nbsp;{html.escape(area.description)}",
        unsafe_allow_html=True,
    )
    if summary.indicators:
        st.markdown(indicator_table(summary), unsafe_allow_html=True)
    if summary.targets:
        lines = [
            f"{badge_html(b.status, b.colour)} <b>{html.escape(b.label)}</b> "
            f"({html.escape(b.display)}{'' if b.confirmed else ', value not confirmed'}): "
            f"{html.escape(b.entity_name)} {html.escape(b.value_text)}"
            f"{f' in {b.year}' if b.year else ''}, {html.escape(b.value_source)}. "
            f"<span style='opacity:0.75'>{html.escape(b.source_text)}</span>"
            for b in summary.targets
        ]
        st.markdown("**Targets**<br>" + "<br>".join(lines), unsafe_allow_html=True)
    if chart is not None:
        show_chart(chart, key=f"area-{area.id}")
    if area.status in ("gap", "partial") and area.gap_statement:
        st.info(
            f"**What this snapshot cannot show.** {area.gap_statement}\n\n"
            f"**Usual source:** {area.gap_source}",
            icon=":material/help:",
        )
    links = "; ".join(f"{code} {name}" for code, name in summary.action_lines)
    sdg = ", ".join(area.sdg) or "none"
    context = ", ".join(summary.context)
    st.caption(
        f"WSIS action lines: {links}. SDG indicators: {sdg}."
        + (f" Context series (not measures of this area): {context}." if context else "")
    )


with page_guard():
    data = get_data()
    view = current_view(data)

    summaries = compute(area_summaries, baseline=view.baseline)
    grid = compute(area_grid, baseline=view.baseline)
    names = {s.area.id: f"{s.area.number}. {s.area.name}" for s in summaries}

    st.title("Challenge areas")
    st.caption(
        f"The {len(names)} areas of the briefing note, in its order: what the data say about "
        "each, how far the targets are, and where no indicator exists."
    )
    show_chart(grid, key="areas-grid")
    options = [ALL, *names]
    picked = st.selectbox(
        "Show",
        options,
        index=options.index(view.area or ALL),
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
        render_area(s, charts[s.area.id])
