"""Presentation builder: choose and order the default deck's slides, set title, subtitle, date
and baseline, see thumbnails, and download the PowerPoint, the PDF and the zip pack.

Inputs (a form, so nothing is rebuilt while typing). Compute (through the cache seam): the deck
and its thumbnails, once per set of choices. Render: thumbnails and downloads, which are built
only when their button is clicked.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard.app.cache import compute, get_data
from dashboard.app.page_text import deck_file_stem, slide_alt, slide_table
from dashboard.app.safe_text import md_escape as esc
from dashboard.app.ui import current_view, follow_url, page_guard, sync_view, with_changes
from dashboard.deck.pack import build_pack
from dashboard.deck.pdf import pdf_bytes
from dashboard.deck.powerpoint import pptx_bytes
from dashboard.deck.preview import deck_preview
from dashboard.deck.story import DEFAULT_SUBTITLE, DEFAULT_TITLE, StoryOptions, ordered_selection
from dashboard.exports import renderer

COLUMNS = 3
PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def page() -> None:
    with page_guard():
        data = get_data()
        view = current_view(data)
        st.title("Presentation builder")
        st.caption(
            "The opening presentation's story as a deck: pick and order the slides, set the "
            "title page, then download the PowerPoint (with speaker notes and citations), a PDF "
            "of it and a zip of every chart as PNG, SVG and CSV."
        )
        problem = renderer.image_problem()
        if problem:
            st.warning(problem, icon=":material/image_not_supported:")

        follow_url({"deck_baseline": view.baseline})
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
                    max_value=data.vocabulary.last_year - 1, step=1,
                    key="deck_baseline",
                )  # fmt: skip
            st.form_submit_button("Build the deck", icon=":material/slideshow:", type="primary")

        options = StoryOptions(
            baseline=int(baseline),
            slides=ordered_selection(
                list(edited["id"]), list(edited["include"]), list(edited["order"])
            ),
            title=title.strip() or DEFAULT_TITLE,
            subtitle=subtitle.strip(),
            date=date,
        )
        if not options.slides:
            st.warning("Choose at least one slide (tick 'Show').", icon=":material/warning:")
            return
        with st.spinner("Building the deck: charts, pictures and claim checks..."):
            preview = compute(deck_preview, options=options)
        deck, thumbs = preview.deck, preview.thumbnails

        st.subheader(f"{len(thumbs)} slides")
        stem = deck_file_stem(options)
        with st.container(horizontal=True, gap="small"):
            st.download_button(
                "PowerPoint (.pptx)", data=lambda: pptx_bytes(deck), file_name=f"{stem}.pptx",
                mime=PPTX_MIME, key="deck_pptx", icon=":material/download:", on_click="ignore",
                type="primary",
            )  # fmt: skip
            st.download_button(
                "PDF", data=lambda: pdf_bytes(deck).data, file_name=f"{stem}.pdf",
                mime="application/pdf", key="deck_pdf", icon=":material/download:",
                on_click="ignore",
            )  # fmt: skip
            st.download_button(
                "Charts and data (.zip)", data=lambda: build_pack(deck),
                file_name=f"{stem}.zip", mime="application/zip", key="deck_zip",
                icon=":material/download:", on_click="ignore",
            )  # fmt: skip
        st.caption(
            "The PDF is LibreOffice's rendering of the PowerPoint where LibreOffice is "
            "installed, otherwise the slides drawn as images. Files are built when you click."
        )
        for start in range(0, len(thumbs), COLUMNS):
            row = zip(st.columns(COLUMNS), thumbs[start : start + COLUMNS], strict=False)
            for col, (number, title, png) in row:
                col.image(
                    png,
                    caption=f"{number}. {esc(title)}",
                    alt=slide_alt(number, title, deck.slides),
                    width="stretch",
                )
        sync_view(with_changes(view, baseline=int(baseline)), keys=["baseline"])
