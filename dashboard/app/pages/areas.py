"""Challenge areas: the 13 areas of the briefing note, how well the data measure each, their
indicators' world values, change since Tunis, target status, coverage, and the gaps.

Input: the link's `area` (show one area) and `baseline`. Compute: the summaries of area_summary
and the figure builders of figures_areas. Render: the overview grid, then one section per area.
"""

from __future__ import annotations

import streamlit as st

from dashboard.app.cache import compute, get_data
from dashboard.app.safe_text import md_badge
from dashboard.app.safe_text import md_escape as esc
from dashboard.app.ui import current_view, page_guard, show_chart, sync_view, with_changes
from dashboard.figures.areas import area_grid, area_small_multiples
from dashboard.figures.chart import Chart
from dashboard.theme import STATUS_COLOURS, streamlit_colour
from dashboard.views.area_summary import (
    MEASUREMENT,
    AreaSummary,
    IndicatorSummary,
    TargetBadge,
    area_summaries,
)

MEASUREMENT_BADGES = {"measured": "green", "partial": "orange", "gap": "gray"}
TREND_COLOURS = {
    "improving": streamlit_colour(STATUS_COLOURS["achieved"]),
    "worsening": streamlit_colour(STATUS_COLOURS["moving away"]),
}
ALL = "all"  # the filter's "every area" choice (the link then has no `area`)
HEADS = ("Indicator", "Latest (world)", "Change since {baseline}", "Trend (5 years)", "Targets")
HEADS += ("Coverage", "Source")


def status_badge(badge: TargetBadge) -> str:
    """A target's status as a coloured badge (colour and words: colour is never the only cue)."""
    return md_badge(badge.status, streamlit_colour(badge.colour))


def _row(ind: IndicatorSummary) -> str:
    """One markdown table row; every text from the data or catalogue is escaped."""
    targets = " ".join(f"{status_badge(b)} {esc(b.label)}" for b in ind.targets) or ":gray[none]"
    colour = TREND_COLOURS.get(ind.trend_text, "gray")
    latest = f"**{esc(ind.latest_text)}** ({ind.latest_year})" if ind.latest_year else "no data"
    if ind.estimate:
        latest += " *estimate*"
    cells = [
        f"**{esc(ind.short_name)}** :gray[{esc(ind.code)}"
        + (f" · SDG {esc(ind.sdg)}" if ind.sdg else "")
        + "]",
        f"{latest} :gray[{esc(ind.basis)}]",
        esc(ind.change_text) + (" *(nearest year)*" if ind.baseline_substituted else ""),
        f":{colour}[**{ind.arrow}**] {esc(ind.trend_text)}",
        targets,
        esc(ind.coverage_text),
        f"{esc(ind.source)} :gray[vintage {esc(ind.vintage)}]",
    ]
    return "| " + " | ".join(f":small[{c}]" for c in cells) + " |"


def indicator_table(summary: AreaSummary, *, baseline: int) -> str:
    """The area's indicators as a markdown table in small type (native markdown, no HTML)."""
    since = "Tunis (2005)" if baseline == 2005 else str(baseline)
    heads = [h.format(baseline=since) for h in HEADS]
    head = "| " + " | ".join(f":small[{h}]" for h in heads) + " |\n|" + "---|" * len(heads)
    return "\n".join([head, *(_row(i) for i in summary.indicators)])


def target_lines(summary: AreaSummary) -> str:
    """The area's targets as a markdown list: status badge, label, goal, latest value, source."""
    lines = [
        f"- {status_badge(b)} **{esc(b.label)}** "
        f"({esc(b.display)}{'' if b.confirmed else ', value not confirmed'}): "
        f"{esc(b.entity_name)} {esc(b.value_text)}"
        f"{f' in {b.year}' if b.year else ''}, {esc(b.value_source)}. "
        f":gray[{esc(b.source_text)}]"
        for b in summary.targets
    ]
    return "**Targets**\n\n" + "\n".join(lines)


def render_area(summary: AreaSummary, chart: Chart | None, *, baseline: int) -> None:
    """One area: name, measurement, description, indicators, targets, chart, links, gaps."""
    area = summary.area
    st.subheader(f"{area.number}. {area.name}", anchor=area.id)
    badge = md_badge(MEASUREMENT[area.status], MEASUREMENT_BADGES[area.status])
    st.markdown(f"{badge} {esc(area.description)}")
    if summary.indicators:
        st.markdown(indicator_table(summary, baseline=baseline))
    if summary.targets:
        st.markdown(target_lines(summary))
    if chart is not None:
        show_chart(chart, key=f"area-{area.id}")
    if area.status in ("gap", "partial") and area.gap_statement:
        st.info(
            f"**What this snapshot cannot show.** {esc(area.gap_statement)}\n\n"
            f"**Usual source:** {esc(area.gap_source)}",
            icon=":material/help:",
        )
    links = "; ".join(f"{esc(code)} {esc(name)}" for code, name in summary.action_lines)
    sdg = ", ".join(esc(s) for s in area.sdg) or "none"
    context = ", ".join(esc(c) for c in summary.context)
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
        render_area(s, charts[s.area.id], baseline=view.baseline)
