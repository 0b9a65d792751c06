"""Since Tunis: the headline figures, Internet use since 2005, the income gap, the briefing
note's claims checked against the data, and talking points.

Inputs: the link's baseline. Compute (through the cache seam): cards, figures, claim checks,
talking points, each just before it is drawn: a new visitor's first screen needs only the first
chart and the cards (dashboard/app/first_chart.py). Render.
"""

from __future__ import annotations

import streamlit as st

from dashboard.app.cache import compute, get_data
from dashboard.app.page_text import claim_lines, talking_point_block
from dashboard.app.ui import (
    current_view,
    first_screen_then_rest,
    page_guard,
    rest_of_page_now,
    show_cards,
    show_chart,
)
from dashboard.exports.csv_text import csv_bytes
from dashboard.figures.overview import (
    claims_table,
    income_gap_chart,
    internet_use_since_tunis,
)
from dashboard.views.cards import headline_cards
from indicators.narrative.claims import check_claims
from indicators.narrative.talking_points import talking_points


def page() -> None:
    with page_guard():
        data = get_data()
        view = current_view(data)

        # the first chart's result first; the rest's where they are drawn (not on a first
        # screen, which draws the first chart alone)
        use_chart = compute(internet_use_since_tunis, start=view.baseline)

        st.title("Digital progress since Tunis")
        st.caption(
            f"World figures since {view.baseline} (the World Summit on the Information Society "
            "met in Tunis in November 2005). Every figure names its year, source and release "
            "(vintage); the ? next to a card says how it was computed."
        )
        above = st.container()  # the cards, drawn after the first chart (sent to it sooner)

        def from_first_chart() -> None:
            st.subheader("Internet use since Tunis, world and income groups", anchor="internet-use")
            show_chart(use_chart, key="overview-use")
            if not rest_of_page_now():  # drawn once the chart above is on screen
                return
            gap_chart = compute(income_gap_chart, baseline=view.baseline)
            checks = compute(check_claims)
            points = compute(talking_points, baseline=view.baseline)
            area_names = {a.id: f"{a.number}. {a.name}" for a in data.catalogue.areas}
            st.subheader("The income divide", anchor="income-gap")
            show_chart(gap_chart, key="overview-gap")
            st.subheader("Checking the briefing note's claims", anchor="claims")
            for check in checks:
                headline, summary, caption = claim_lines(check)
                st.markdown(f"{headline}\n\n{summary}")
                st.caption(caption)
            st.download_button(
                "Claim checks (CSV)",
                data=lambda: csv_bytes(claims_table(checks)),  # made when clicked, not every run
                on_click="ignore",
                file_name="claim-checks.csv",
                mime="text/csv",
                icon=":material/download:",
            )
            st.subheader("Talking points", anchor="talking-points")
            areas = list(dict.fromkeys(p.area for p in points))
            half = (len(areas) + 1) // 2
            for col, chunk in zip(st.columns(2), (areas[:half], areas[half:]), strict=True):
                with col:
                    for area_id in chunk:
                        mine = [p for p in points if p.area == area_id]
                        st.markdown(talking_point_block(area_names.get(area_id, area_id), mine))

        first_screen_then_rest(from_first_chart)
        with above:
            show_cards(compute(headline_cards, baseline=view.baseline))
