"""Inequalities: gender, urban vs rural, youth vs the rest, and income groups.

Inputs: the link's `fy` (income groups as classified in a World Bank fiscal year; default today)
and a toggle for the full gender chart. Compute (through the cache seam): the figures of
figures.inequality and figures.overview. Render: charts with their downloads, the lists of
economies by parity status.
"""

from __future__ import annotations

import streamlit as st

from dashboard.app.cache import compute, get_data
from dashboard.app.page_text import STATUS_TITLES, TUNIS_FY, fy_label
from dashboard.app.safe_text import md_escape as esc
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
from dashboard.figures.inequality import (
    breakdown_gap_over_time,
    breakdown_levels,
    gender_dumbbell,
    parity_lists,
    parity_over_time,
)
from dashboard.figures.overview import income_gap_chart, income_levels_chart
from indicators.analytics.gaps import latest_gender_summary


def page() -> None:
    with page_guard():
        data = get_data()
        view = current_view(data)
        today = max(data.vocabulary.fiscal_years)

        st.title("Inequalities")
        st.caption(
            "Who is still left behind: women, rural dwellers, people outside the 15–24 age "
            "group (ITU's 'rest of the population', children included) and people in poorer "
            "economies. Breakdowns by area and age exist only as ITU world, income-group and "
            "regional estimates."
        )

        # --- gender -----------------------------------------------------------------------
        st.header("Gender", anchor="gender")
        show_all = st.toggle("Show every economy (not only the 30 widest gaps)", key="gender-all")
        dumbbell = compute(gender_dumbbell, limit=None if show_all else 30)

        def from_first_chart() -> None:
            show_chart(dumbbell, key="ineq-gender")
            if not rest_of_page_now():  # drawn once the chart above is on screen
                return
            summary = compute(latest_gender_summary)
            parity = compute(parity_over_time)
            lists = compute(parity_lists)
            show_chart(parity, key="ineq-parity")
            cols = st.columns(3)
            for col, (status, table) in zip(cols, lists.items(), strict=True):
                with col:
                    st.metric(
                        f"{STATUS_TITLES[status]} (of {summary.n_economies})",
                        len(table),
                        help="Latest year per economy with both rates, within the last five years "
                        "of data; parity is a score (women ÷ men) from 0.98 to 1.02.",
                        border=True,
                    )
                    with st.expander(f"List: {STATUS_TITLES[status].lower()}"):
                        st.dataframe(table, hide_index=True, width="stretch")
            st.caption(esc(summary.note))

            # --- urban / rural and youth / rest ---------------------------------------------
            st.header("Urban and rural areas", anchor="urban-rural")
            show_chart(compute(breakdown_levels, pair=("urban", "rural")), key="ineq-ur-levels")
            show_chart(
                compute(breakdown_gap_over_time, totals=("i99H", "i271G", "i271GA")),
                key="ineq-ur-gap",
            )
            st.header("Young people and the rest", anchor="youth")
            show_chart(compute(breakdown_levels, pair=("youth", "rest")), key="ineq-youth-levels")
            show_chart(
                compute(breakdown_gap_over_time, totals=("i99H",), pair=("youth", "rest")),
                key="ineq-youth-gap",
            )

            # --- income groups --------------------------------------------------------------
            st.header("Income groups", anchor="income")
            # Options are fiscal years; the latest (today's classification) is stored as fy=None.
            current = view.fy or today
            options = list(dict.fromkeys([today, TUNIS_FY, current]))
            follow_url({"ineq-fy": current})
            chosen = st.radio(
                "Income groups",
                options,
                format_func=lambda v: fy_label(None if v == today else v, today=today),
                horizontal=True,
                key="ineq-fy",
                help="Economies move between income groups over time. Taking the groups as they "
                "were classified in the Tunis year follows the same economies since 2005.",
            )
            fy = None if chosen == today else chosen
            gap = compute(income_gap_chart, basis="computed", fiscal_year=fy)
            levels = compute(income_levels_chart, fiscal_year=fy)
            st.caption(
                "Computed here from economy values (population-weighted, no value where reporting "
                "economies hold under two-thirds of the group's people); the overview shows the "
                "World Bank's published aggregates."
            )
            show_chart(gap, key="ineq-income-gap")
            show_chart(levels, key="ineq-income-levels")
            sync_view(with_changes(view, fy=fy), keys=["fy"])

        first_screen_then_rest(from_first_chart)
