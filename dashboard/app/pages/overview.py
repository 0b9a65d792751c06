"""Since Tunis: the headline figures, Internet use since 2005, the income gap, the briefing
note's claims checked against the data, and talking points.

Inputs (the link's baseline), compute (cards, figure builders, claim checks, talking points),
render.
"""

from __future__ import annotations

import streamlit as st

from dashboard.app.cache import compute, get_data
from dashboard.app.safe_text import md_badge
from dashboard.app.safe_text import md_escape as esc
from dashboard.app.ui import current_view, page_guard, show_cards, show_chart
from dashboard.figures.overview import (
    VERDICT_COLOURS,
    claims_table,
    income_gap_chart,
    internet_use_since_tunis,
)
from dashboard.theme import TARGET_COLOUR, streamlit_colour
from dashboard.views.cards import headline_cards
from indicators.narrative.claims import ClaimCheck, check_claims
from indicators.narrative.talking_points import TalkingPoint, talking_points


def render_claims(checks: list[ClaimCheck]) -> None:
    """Each claim with its verdict (coloured pill and words), the figures and their sources."""
    for check in checks:
        colour = streamlit_colour(VERDICT_COLOURS.get(check.verdict, TARGET_COLOUR))
        st.markdown(f"{md_badge(check.verdict, colour)} **{esc(check.paraphrase)}**")
        st.markdown(esc(check.summary))
        cite = "; ".join(dict.fromkeys(f"{e.source} (vintage {e.vintage})" for e in check.evidence))
        quote = check.quote.strip().rstrip(".")
        parts = [f'Briefing note: "{quote}"', cite, check.note.strip().rstrip(".")]
        st.caption(esc(". ".join(p for p in parts if p) + "."))


def render_talking_points(points: list[TalkingPoint], names: dict[str, str]) -> None:
    """Talking points grouped by challenge area (two columns), each with its citation."""
    areas = list(dict.fromkeys(p.area for p in points))
    half = (len(areas) + 1) // 2
    for col, chunk in zip(st.columns(2), (areas[:half], areas[half:]), strict=True):
        with col:
            for area_id in chunk:
                lines = [
                    f"- {esc(p.text)}" + (f" *({esc(p.citation)})*" if p.citation else "")
                    for p in points
                    if p.area == area_id
                ]
                st.markdown(f"**{esc(names.get(area_id, area_id))}**\n\n" + "\n".join(lines))


with page_guard():
    data = get_data()
    view = current_view(data)
    snap, cat = data.snapshot, data.catalogue

    cards = compute(headline_cards, baseline=view.baseline)
    use_chart = compute(internet_use_since_tunis, start=view.baseline)
    gap_chart = compute(income_gap_chart, baseline=view.baseline)
    checks = compute(check_claims)
    points = compute(talking_points, baseline=view.baseline)
    area_names = {a.id: f"{a.number}. {a.name}" for a in cat.areas}

    st.title("Digital progress since Tunis")
    st.caption(
        f"World figures since {view.baseline} (the World Summit on the Information Society met "
        "in Tunis in November 2005). Every figure names its year, source and release (vintage); "
        "the ? next to a card says how it was computed."
    )
    show_cards(cards)
    st.subheader("Internet use since Tunis, world and income groups", anchor="internet-use")
    show_chart(use_chart, key="overview-use")
    st.subheader("The income divide", anchor="income-gap")
    show_chart(gap_chart, key="overview-gap")
    st.subheader("Checking the briefing note's claims", anchor="claims")
    render_claims(checks)
    st.download_button(
        "Claim checks (CSV)",
        data=claims_table(checks).to_csv(index=False).encode("utf-8"),
        file_name="claim-checks.csv",
        mime="text/csv",
        icon=":material/download:",
    )
    st.subheader("Talking points", anchor="talking-points")
    render_talking_points(points, area_names)
