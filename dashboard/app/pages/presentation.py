"""Presentation builder: choose and order the deck's slides, set the title slide, build the deck
when asked, see its pages and download the PowerPoint, the PDF and the zip of charts.

Inputs: the slide list (tick to include, move up or down), a form with the title slide's words,
the baseline and an optional PowerPoint template. Compute (through the cache seam, only after
"Build the deck"): the deck and its page thumbnails, once per set of choices. Render:
thumbnails and downloads, each file built when its button is clicked.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard.app.cache import compute, get_data
from dashboard.app.page_text import deck_file_stem, deck_summary, slide_alt, slide_line
from dashboard.app.safe_text import md_escape as esc
from dashboard.app.ui import current_view, page_guard, sync_view, with_changes
from dashboard.deck.pack import build_pack
from dashboard.deck.pdf import pdf_bytes
from dashboard.deck.powerpoint import pptx_bytes, template_problem
from dashboard.deck.preview import deck_preview
from dashboard.deck.story import StoryOptions, baseline_range, load_story, moved
from dashboard.exports import renderer

COLUMNS = 3
PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ORDER, LEFT_OUT, REQUEST = "deck_order", "deck_left_out", "deck_request"


def _move(slide_id: str, step: int) -> None:
    st.session_state[ORDER] = moved(st.session_state[ORDER], slide_id, step)


def _toggle(slide_id: str) -> None:
    left_out = set(st.session_state[LEFT_OUT])
    st.session_state[LEFT_OUT] = tuple(sorted(left_out ^ {slide_id}))


def slide_list() -> tuple[str, ...]:
    """The slide list with its controls; returns the included slides in their order."""
    story = load_story()
    labels = {s.id: s.label for s in story.slides}
    st.session_state.setdefault(ORDER, tuple(labels))
    st.session_state.setdefault(LEFT_OUT, tuple(s.id for s in story.slides if s.optional))
    order, left_out = st.session_state[ORDER], set(st.session_state[LEFT_OUT])
    for i, sid in enumerate(order):
        row = st.container(horizontal=True, gap="small", vertical_alignment="center")
        row.checkbox(
            f"Include {labels[sid]}", value=sid not in left_out, key=f"deck-inc-{sid}",
            on_change=_toggle, args=(sid,), label_visibility="collapsed",
        )  # fmt: skip
        row.markdown(slide_line(i + 1, labels[sid], included=sid not in left_out), width="stretch")
        row.button(
            "", icon=":material/arrow_upward:", key=f"deck-up-{sid}", on_click=_move,
            args=(sid, -1), disabled=i == 0, help=f"Move '{labels[sid]}' up",
        )  # fmt: skip
        row.button(
            "", icon=":material/arrow_downward:", key=f"deck-down-{sid}", on_click=_move,
            args=(sid, 1), disabled=i == len(order) - 1, help=f"Move '{labels[sid]}' down",
        )  # fmt: skip
    return tuple(sid for sid in order if sid not in left_out)


def page() -> None:
    with page_guard():
        data = get_data()
        view = current_view(data)
        defaults = load_story().title
        st.title("Presentation builder")
        st.caption(
            "The opening presentation as a deck that follows the briefing note: native, "
            "editable PowerPoint charts with their data, speaker notes with citations, a PDF "
            "and a zip of every chart. Choose and order the slides, set the title slide, then "
            "build the deck."
        )
        problem = renderer.image_problem()
        if problem:
            st.warning(
                f"The world map needs the browser: {problem}", icon=":material/image_not_supported:"
            )

        left, right = st.columns([3, 2])
        with left:
            st.subheader("Slides")
            slides = slide_list()
        with right, st.form("deck_options"):
            st.subheader("Title slide")
            title = st.text_input("Title", value=defaults.title, key="deck_title")
            meeting = st.text_input("Meeting", value=defaults.meeting, key="deck_meeting")
            date = st.date_input(
                "Date", value=defaults.date, key="deck_date", min_value=dt.date(2000, 1, 1),
                max_value=dt.date(2100, 12, 31),
            )  # fmt: skip
            venue = st.text_input("Venue", value=defaults.venue, key="deck_venue")
            presenter = st.text_input("Presenter", value=defaults.presenter, key="deck_presenter")
            first, last = compute(baseline_range)
            baseline = st.number_input(
                "Baseline year", min_value=first, max_value=last,
                value=min(max(view.baseline, first), last), step=1, key="deck_baseline",
                help=f"The data support a baseline from {first} to {last}.",
            )  # fmt: skip
            template = st.file_uploader(
                "Your PowerPoint template (optional)", type=["pptx"], key="deck_template",
                help="The deck is built on its masters, layouts and theme; without one, the "
                "built-in clean layout is used. The previews show the built-in layout.",
            )  # fmt: skip
            asked = st.form_submit_button("Build the deck", icon=":material/slideshow:",
                                          type="primary")  # fmt: skip

        options = StoryOptions(
            baseline=int(baseline), slides=slides, title=title, meeting=meeting,
            date=date, venue=venue, presenter=presenter,
        )  # fmt: skip
        sync_view(with_changes(view, baseline=int(baseline)), keys=["baseline"])
        if asked:
            if not slides:
                st.warning("Include at least one slide.", icon=":material/warning:")
                return
            st.session_state[REQUEST] = options
        request: StoryOptions | None = st.session_state.get(REQUEST)
        if request is None:
            st.info("Nothing is built yet: press **Build the deck** when the slides and the "
                    "title slide are as you want them.", icon=":material/slideshow:")  # fmt: skip
            return
        if request != options:
            st.info("You changed the slides or the title slide since the deck below was built; "
                    "press **Build the deck** again to include the changes.",
                    icon=":material/update:")  # fmt: skip
        with st.spinner("Building the deck: charts, map, claims and notes..."):
            preview = compute(deck_preview, options=request)
        deck, thumbs = preview.deck, preview.thumbnails
        template_bytes = template.getvalue() if template is not None else None
        if template_bytes is not None and (problem := template_problem(template_bytes)):
            st.error(f"Your template cannot be used: {esc(problem)}. The files below use the "
                     "built-in layout.", icon=":material/error:")  # fmt: skip
            template_bytes = None

        st.subheader("The deck")
        st.markdown(deck_summary(len(thumbs), slides=len(deck.slides), missing=deck.problems))
        stem = deck_file_stem(deck.options)
        with st.container(horizontal=True, gap="small"):
            st.download_button(
                "PowerPoint (.pptx)", data=lambda: pptx_bytes(deck, template=template_bytes),
                file_name=f"{stem}.pptx", mime=PPTX_MIME, key="deck_pptx",
                icon=":material/download:", on_click="ignore", type="primary",
            )  # fmt: skip
            st.download_button(
                "PDF", data=lambda: pdf_bytes(deck, template=template_bytes).data,
                file_name=f"{stem}.pdf", mime="application/pdf", key="deck_pdf",
                icon=":material/download:", on_click="ignore",
            )  # fmt: skip
            st.download_button(
                "Charts and data (.zip)",
                data=lambda: build_pack(deck, snapshot=data.snapshot, template=template_bytes),
                file_name=f"{stem}.zip", mime="application/zip", key="deck_zip",
                icon=":material/download:", on_click="ignore",
            )  # fmt: skip
        st.caption(
            "Files are built when you click. The PDF is LibreOffice's rendering of the "
            "PowerPoint where LibreOffice is installed, otherwise the pages drawn as images."
        )
        for start in range(0, len(thumbs), COLUMNS):
            row = zip(st.columns(COLUMNS), thumbs[start : start + COLUMNS], strict=False)
            for col, thumb in row:
                col.image(
                    thumb.png,
                    caption=f"{thumb.number}. {esc(thumb.title)}",
                    alt=slide_alt(thumb.number, thumb.title, deck.slides),
                    width="stretch",
                )
