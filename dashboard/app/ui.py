"""Streamlit glue shared by the pages: error guard, URL view sync, chart rendering, notices.

Pages follow one pattern: read the view (`current_view`), compute with pure functions, render
with `show_chart` and friends, and write widget changes back with `sync_view`.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import fields, replace
from typing import Any

import plotly.graph_objects as go
import streamlit as st

from dashboard.app.cache import DashboardData
from dashboard.app.safe_text import md_escape
from dashboard.app.state import View, parse_view, view_to_params
from dashboard.figures.chart import Chart
from dashboard.views.cards import Card
from indicators.errors import MESSAGE_LIMIT, SnapshotError, WsisDataError

log = logging.getLogger("wsis20")
PLOTLY_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "toImageButtonOptions": {"format": "png", "scale": 2},
    # world map shapes served by the app itself (static/topojson), so maps draw offline too
    "topojsonURL": "app/static/topojson/",
}
SHELL_NOTICES = "_wsis_link_notices_shown_for"  # session key: query whose notices were shown
MAX_NOTICES = 8  # notices listed one by one; the rest are counted


SNAPSHOT_ADVICE = (
    "The data snapshot cannot be used. To fix it: rebuild the bundled snapshot with "
    "`make snapshot` (it needs the raw files), or roll back to a kept snapshot with "
    "`python -m indicators list` then `python -m indicators use <id>`, or point WSIS_STORE at a "
    "sound store. The app never changes the data files."
)


@contextlib.contextmanager
def page_guard() -> Iterator[None]:
    """Turn any error into a clear message; a user never sees a traceback.

    A snapshot that cannot be opened (SnapshotError, whatever the cause) is named with what is
    wrong and what to do; messages are escaped and bounded (MESSAGE_LIMIT characters).
    """
    try:
        yield
    except SnapshotError as exc:
        log.warning("snapshot unusable: %s", exc)
        st.error(sentence(exc), icon=":material/error:")
        st.info(SNAPSHOT_ADVICE, icon=":material/build:")
    except WsisDataError as exc:
        # may quote a link or a file: escaped and bounded
        st.error(sentence(exc), icon=":material/error:")
        st.caption("Check the link or choose other options; the data itself is unchanged.")
    except Exception:
        log.exception("page failed")
        st.error(
            "Something went wrong while drawing this page. Reload the page; if it happens again, "
            "open the Data and sources page to check the snapshot and report the link you used.",
            icon=":material/error:",
        )


def sentence(message: object) -> str:
    """An error's message as the app shows it: bounded (MESSAGE_LIMIT characters), escaped for
    markdown, starting with a capital letter."""
    text = md_escape(message, limit=MESSAGE_LIMIT)
    return text[:1].upper() + text[1:]


def display_mode() -> str:
    """'dark' when the viewer's Streamlit theme is dark, else 'light'."""
    try:
        return "dark" if st.context.theme.type == "dark" else "light"
    except Exception:
        return "light"


def _query_key() -> str:
    return "&".join(f"{k}={v}" for k, v in sorted(st.query_params.to_dict().items()))


def notice_text(notices: Sequence[str]) -> str:
    """The markdown of the link notice: each notice escaped (they quote the link, which anyone
    can write), at most MAX_NOTICES listed and the rest counted."""
    items = [md_escape(n) for n in notices[:MAX_NOTICES]]
    if len(notices) > MAX_NOTICES:
        items.append(f"and {len(notices) - MAX_NOTICES} more")
    return "This link had parameters that could not be used:\n\n- " + "\n- ".join(items)


def show_link_notices(notices: list[str]) -> None:
    """One visible notice listing the link parameters that were ignored."""
    if notices:
        st.info(notice_text(notices), icon=":material/link_off:")


def shell_link_notices(data: DashboardData) -> None:
    """Called by the app shell before any page: show the link's notices once, for every page.

    Pages call `current_view`, which then does not repeat them (a page run on its own, as in
    tests, shows them itself).
    """
    _, notices = parse_view(st.query_params.to_dict(), data.vocabulary)
    show_link_notices(notices)
    st.session_state[SHELL_NOTICES] = _query_key()


def current_view(data: DashboardData) -> View:
    """The view encoded in the URL; ignored parameters are listed in one visible notice."""
    view, notices = parse_view(st.query_params.to_dict(), data.vocabulary)
    if st.session_state.get(SHELL_NOTICES) != _query_key():
        show_link_notices(notices)
    return view


def sync_view(view: View, *, keys: Iterable[str]) -> None:
    """Write the view's page-relevant keys to the URL (only when they changed).

    Keys of this page that are back at their defaults are removed (short links); parameters no
    page understands are dropped at the same time (their notice was shown already).
    """
    keys = set(keys)
    managed = keys | ({"years", "start", "end"} if keys & {"start", "end"} else set())
    wanted = view_to_params(view, keys=keys)
    current = st.query_params.to_dict()
    if {k: v for k, v in current.items() if k in managed} == wanted:
        return
    known = {f.name for f in fields(View)} | {"years"}
    for key in list(current):
        if (key in managed and key not in wanted) or key not in known:
            del st.query_params[key]
    st.query_params.update(wanted)


def with_changes(view: View, **changes: Any) -> View:
    """A copy of the view with some fields changed (the view itself is immutable)."""
    return replace(view, **changes)


def show_cards(cards: Sequence[Card], *, per_row: int = 4) -> None:
    """Headline cards in rows, each with its year, source and vintage under it."""
    for start in range(0, len(cards), per_row):
        for col, card in zip(st.columns(per_row), cards[start : start + per_row], strict=False):
            with col:
                st.metric(  # labels, help and captions quote entity and source names
                    md_escape(card.label),
                    card.value_text,
                    delta=card.delta_text,
                    delta_color=card.delta_color,
                    delta_arrow="auto" if card.delta_is_change else "off",
                    help=md_escape(card.help),
                    border=True,
                )
                st.caption(md_escape(card.caption))


def screen_figure(chart: Chart) -> go.Figure:
    """The figure to draw for this viewer: the chart's own (light) figure, read only by the
    renderer, or a dark-mode copy. Copying a figure costs several ms, so light mode skips it."""
    mode = display_mode()
    return chart.figure if mode == "light" else chart.figure_for(mode)


def show_chart(chart: Chart, *, key: str) -> None:
    """Draw a chart in the viewer's display mode, with its downloads below it."""
    st.plotly_chart(
        screen_figure(chart), key=key, theme=None, config=PLOTLY_CONFIG, width="stretch"
    )
    chart_downloads(chart, key=key)


def chart_downloads(chart: Chart, *, key: str) -> None:
    """Download buttons of a chart: PNG (16:9 and square), SVG, PDF and the plotted data as CSV.

    Images are rendered only when their button is clicked (a page with six charts renders none
    on a rerun), from the same figure in light mode; without chromium they are disabled with a
    note saying how to install it.
    """
    from dashboard.exports import (
        chart_files,  # imported here: only pages that show charts need them
        renderer,
    )

    problem = renderer.image_problem()
    with st.popover("Download", icon=":material/download:"):
        st.caption("The chart as shown (light background), or exactly its data.")
        for fmt in ("png", "png-square", "svg", "pdf"):
            spec = chart_files.FORMATS[fmt]
            st.download_button(
                spec.label,
                data=chart_files.lazy_bytes(chart, fmt) if not problem else b"",
                file_name=chart_files.file_name(chart, fmt),
                mime=spec.mime,
                key=f"{key}-{fmt}",
                icon=":material/image:",
                on_click="ignore",
                disabled=bool(problem),
                help=problem or None,
                width="stretch",
            )
        _csv_button(chart, key=key)


def _csv_button(chart: Chart, *, key: str) -> None:
    from dashboard.exports import chart_files

    st.download_button(
        "Data (CSV)",
        data=lambda: chart_files.to_csv(chart),
        file_name=chart_files.file_name(chart, "csv"),
        mime="text/csv",
        key=f"{key}-csv",
        icon=":material/table:",
        on_click="ignore",
        width="stretch",
    )
