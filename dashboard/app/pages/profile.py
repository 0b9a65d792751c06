"""Economy profile: one economy (or group) against its income group and region, its distance to
each target and its income-group history.

Input: the economy picker (URL parameter `economy`). Compute (through the cache seam): profile
cards and figures. Render: cards, small multiples, the target chart (its table on request), the
history strip.
"""

from __future__ import annotations

import streamlit as st

from dashboard.app.cache import compute, get_data
from dashboard.app.safe_text import md_escape as esc
from dashboard.app.ui import (
    current_view,
    find_by_other_name,
    first_screen_only,
    follow_url,
    page_guard,
    rest_of_page_now,
    show_cards,
    show_chart,
    sync_view,
    with_changes,
)
from dashboard.figures.profile import (
    TARGET_COLUMNS,
    income_history_chart,
    profile_sections,
    profile_small_multiples,
    target_chart,
    target_table,
)
from dashboard.views.cards import profile_cards
from dashboard.views.choices import profile_choices

COLUMN_CONFIG = {
    "year": st.column_config.NumberColumn("latest year", format="%d"),
    "distance": st.column_config.NumberColumn(format="%.2f"),
    "required_pace": st.column_config.NumberColumn("needed per year", format="%.3f"),
    "observed_pace": st.column_config.NumberColumn("observed per year", format="%.3f"),
    "projected_year": st.column_config.NumberColumn("reached at this pace", format="%d"),
}


def show_economy(code: str) -> None:
    """Show an economy found by another name (a callback, before the picker is drawn again)."""
    st.session_state["profile-economy"] = code
    st.session_state["profile-search"] = ""


def page() -> None:
    with page_guard():
        data = get_data()
        view = current_view(data)

        choices = compute(profile_choices)
        labels = dict(choices.options)
        codes = list(labels)
        st.title("Economy profile")
        controls = st.container(key="profile-controls")
        linked = view.economy if view.economy in labels else "WLD"
        first = first_screen_only()
        if first:
            # A new visitor's first page: the link's economy, its first charts and cards first,
            # then (a frame after they are on screen) the picker and the rest (#12).
            economy = linked
            with controls:
                rest_of_page_now()
        else:
            with controls:
                follow_url({"profile-economy": linked})
                economy = st.selectbox(
                    "Economy or group",
                    codes,
                    format_func=lambda c: labels[c],
                    key="profile-economy",
                    help="Type to search by name or code.",
                )
                find_by_other_name(
                    key="profile-search", labels=labels, verb="Show", on_pick=show_economy
                )
            sync_view(with_changes(view, economy=economy), keys=["economy"])

        # Each section is guarded on its own: an entity without, say, any target still shows
        # the rest.
        st.subheader(f"{esc(labels[economy])}: headline facts", anchor="facts")
        facts = st.container()  # the cards, drawn after the first chart (sent to it sooner)
        st.subheader("Every indicator since Tunis", anchor="indicators")
        with page_guard():
            sections = compute(profile_sections, entity=economy, start=view.baseline)
            for number, (label, section) in enumerate(sections):
                st.markdown(f"**{esc(label)}**")
                chart = compute(
                    profile_small_multiples, entity=economy, start=view.baseline, codes=section
                )
                show_chart(chart, key=f"profile-multiples-{number}")
                if first:
                    break
        with facts, page_guard():
            show_cards(compute(profile_cards, entity=economy, baseline=view.baseline))
        if first:
            return
        st.subheader("Distance to the targets", anchor="targets")
        with page_guard():
            targets = compute(target_table, entity=economy)
            if len(targets):
                show_chart(compute(target_chart, entity=economy), key="profile-targets")
                # The table is drawn on request: a data grid, even folded away, costs the
                # browser about 0.4 s before the page's first chart appears.
                if st.toggle(
                    "Show each target in figures: distance, paces, source",
                    key="profile-target-table",
                ):
                    st.dataframe(
                        targets[list(TARGET_COLUMNS)],
                        hide_index=True,
                        width="stretch",
                        column_config=COLUMN_CONFIG,
                    )
            else:
                st.info("No target applies to this economy or group.")
        st.subheader("Income group since FY89", anchor="income-history")
        with page_guard():
            if choices.kinds.get(economy) == "economy":
                show_chart(compute(income_history_chart, economy=economy), key="profile-history")
            else:
                st.info(
                    "Groups have no income classification of their own; pick an economy to see "
                    "its history."
                )
