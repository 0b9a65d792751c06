"""Presentation builder: choose and order the default deck's slides, set title, subtitle, date
and baseline, see thumbnails, and download the PowerPoint, the PDF and the zip pack.

Inputs (a form, so nothing is rebuilt while typing), compute (the deck is prepared once per set
of choices and kept in the session; thumbnails are drawn from it), render. Downloads are built
only when their button is clicked.
"""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import streamlit as st
from PIL import Image

from dashboard.app.cache import get_data
from dashboard.app.safe_text import md_escape as esc
from dashboard.app.ui import current_view, page_guard, sync_view, with_changes
from dashboard.deck.pack import build_pack
from dashboard.deck.pdf import compose_page, pdf_bytes
from dashboard.deck.powerpoint import pptx_bytes
from dashboard.deck.prepare import Deck, pages_of, prepare_deck
from dashboard.deck.story import (
    DEFAULT_DECK,
    DEFAULT_SUBTITLE,
    DEFAULT_TITLE,
    StoryOptions,
    ordered_selection,
)
from dashboard.exports import renderer

STATE_KEY = "presentation_deck"
THUMB_WIDTH = 480
COLUMNS = 3


def slide_table() -> pd.DataFrame:
    """The default deck as an editable table: include, order, slide."""
    return pd.DataFrame(
        {
            "include": [True] * len(DEFAULT_DECK),
            "order": list(range(1, len(DEFAULT_DECK) + 1)),
            "slide": [s.label for s in DEFAULT_DECK],
            "id": [s.id for s in DEFAULT_DECK],
        }
    )


def thumbnails(deck: Deck) -> list[tuple[str, bytes]]:
    """Small PNGs of every page of the deck (drawn once per deck), with their titles."""
    out = []
    for number, page in enumerate(pages_of(deck), start=1):
        img = compose_page(page, number)
        img.thumbnail((THUMB_WIDTH, THUMB_WIDTH), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        img.save(buffer, format="PNG", optimize=True)
        out.append((f"{number}. {esc(page.title)}", buffer.getvalue()))  # title: typed
    return out


def file_stem(options: StoryOptions) -> str:
    return f"wsis20-deck-{options.date.isoformat()}" if options.date else "wsis20-deck"


with page_guard():
    data = get_data()
    view = current_view(data)
    st.title("Presentation builder")
    st.caption(
        "The opening presentation's story as a deck: pick and order the slides, set the title "
        "page, then download the PowerPoint (with speaker notes and citations), a PDF of it and "
        "a zip of every chart as PNG, SVG and CSV."
    )
    problem = renderer.image_problem()
    if problem:
        st.warning(problem, icon=":material/image_not_supported:")

    with st.form("deck_options"):
        left, right = st.columns([3, 2])
        with left:
            edited = st.data_editor(
                slide_table(),
                column_config={
                    "include": st.column_config.CheckboxColumn("Show"),
                    "order": st.column_config.NumberColumn("Order", min_value=1, step=1),
                    "slide": st.column_config.TextColumn("Slide", disabled=True),
                    "id": None,
                },
                hide_index=True,
                key="deck_slides",
                width="stretch",
            )
        with right:
            title = st.text_input("Title", value=DEFAULT_TITLE, key="deck_title")
            subtitle = st.text_input("Subtitle", value=DEFAULT_SUBTITLE, key="deck_subtitle")
            date = st.date_input(
                "Date (empty: dated by the data snapshot)", value=None, key="deck_date",
                min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31),
            )  # fmt: skip
            baseline = st.number_input(
                "Baseline year", min_value=data.vocabulary.first_year,
                max_value=data.vocabulary.last_year - 1, value=view.baseline, step=1,
                key="deck_baseline",
            )  # fmt: skip
        st.form_submit_button("Build the deck", icon=":material/slideshow:", type="primary")

    options = StoryOptions(
        baseline=int(baseline),
        slides=ordered_selection(edited["id"], edited["include"], edited["order"]),
        title=title.strip() or DEFAULT_TITLE,
        subtitle=subtitle.strip(),
        date=date,
    )
    if not options.slides:
        st.warning("Choose at least one slide (tick 'Show').", icon=":material/warning:")
        st.stop()
    key = (data.snapshot.id, options)
    held = st.session_state.get(STATE_KEY)
    if held is None or held[0] != key:
        with st.spinner("Building the deck: charts, pictures and claim checks..."):
            deck = prepare_deck(data.snapshot, data.catalogue, options=options)
            held = (key, deck, thumbnails(deck))
        st.session_state[STATE_KEY] = held
    _, deck, thumbs = held

    st.subheader(f"{len(thumbs)} slides")
    stem = file_stem(options)
    with st.container(horizontal=True, gap="small"):
        st.download_button(
            "PowerPoint (.pptx)", data=lambda: pptx_bytes(deck), file_name=f"{stem}.pptx",
            mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
            key="deck_pptx", icon=":material/download:", on_click="ignore", type="primary",
        )  # fmt: skip
        st.download_button(
            "PDF", data=lambda: pdf_bytes(deck).data, file_name=f"{stem}.pdf",
            mime="application/pdf", key="deck_pdf", icon=":material/download:",
            on_click="ignore",
        )  # fmt: skip
        st.download_button(
            "Charts and data (.zip)", data=lambda: build_pack(deck), file_name=f"{stem}.zip",
            mime="application/zip", key="deck_zip", icon=":material/download:",
            on_click="ignore",
        )  # fmt: skip
    st.caption(
        "The PDF is LibreOffice's rendering of the PowerPoint where LibreOffice is installed, "
        "otherwise the slides drawn as images. Files are built when you click."
    )
    for start in range(0, len(thumbs), COLUMNS):
        for col, (caption, png) in zip(st.columns(COLUMNS), thumbs[start : start + COLUMNS],
                                       strict=False):  # fmt: skip
            col.image(png, caption=caption, width="stretch")
    sync_view(with_changes(view, baseline=int(baseline)), keys=["baseline"])
