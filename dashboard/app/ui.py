"""Streamlit glue shared by the pages: error guard, URL view sync, chart rendering, notices.

Pages follow one pattern: read the view (`current_view`), compute with pure functions, render
with `show_chart` and friends, and write widget changes back with `sync_view`.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import fields, replace
from typing import Any

import streamlit as st

from dashboard.app import first_chart
from dashboard.app.cache import DashboardData, compute, get_data
from dashboard.app.page_text import chart_footer, chart_heading, chart_words, figure_alts
from dashboard.app.safe_text import md_escape
from dashboard.app.screen_figures import PRINT_WIDTH, ScreenFigure, screen_figure
from dashboard.app.state import PRINT, View, parse_view, view_to_params
from dashboard.figures.chart import Chart, PlotlyJson
from dashboard.views.cards import Card
from dashboard.views.choices import find_entities
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
URL_SEEN = "_wsis_url_seen"  # session key: the query as the page last left it
MAX_NOTICES = 8  # notices listed one by one; the rest are counted
MAX_FOUND = 6  # matches of a search by another name offered as buttons
SEARCH_CLIP = 60  # characters of a search by another name that are used


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


def follow_url(values: Mapping[str, Any]) -> None:
    """Before drawing a page's widgets: give each widget (by key) the value the URL view says,
    when the widget has no value yet or when the URL changed since the page last wrote it
    (Back and Forward, an edited or pasted link). Otherwise the widget keeps what the person
    just chose, and `sync_view` writes it to the URL.

    Widgets bound this way take no `index`, `default` or `value` argument: their session state
    is their value (Streamlit warns when both are given).
    """
    moved = st.session_state.get(URL_SEEN) != _query_key()
    for key, value in values.items():
        if moved or key not in st.session_state:
            st.session_state[key] = value


def sync_view(view: View, *, keys: Iterable[str]) -> None:
    """Write the view's page-relevant keys to the URL (only when they changed).

    Keys of this page that are back at their defaults are removed (short links); parameters no
    page understands are dropped at the same time (their notice was shown already).
    """
    keys = set(keys)
    managed = keys | ({"years", "start", "end"} if keys & {"start", "end"} else set())
    wanted = view_to_params(view, keys=keys)
    current = st.query_params.to_dict()
    if {k: v for k, v in current.items() if k in managed} != wanted:
        known = {f.name for f in fields(View)} | {"years", PRINT}
        for key in list(current):
            if (key in managed and key not in wanted) or key not in known:
                del st.query_params[key]
        st.query_params.update(wanted)
    st.session_state[URL_SEEN] = _query_key()


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


def print_view() -> bool:
    """Whether the link asks for the page's print view (`print=1`)."""
    return st.query_params.get(PRINT) == "1"


def first_screen_only() -> bool:
    """Whether this run draws only what is in view first (dashboard/app/first_chart.py)."""
    return first_chart.first_screen_only(printing=print_view())


def first_screen_then_rest(draw: Callable[[], None]) -> None:
    """`draw` (the page from its first chart on), as a fragment on a first-screen run
    (dashboard/app/first_chart.py)."""

    def guarded() -> None:  # a rerun of the fragment alone runs outside the page's guard
        with page_guard():
            draw()

    first_chart.first_screen_then_rest(guarded, printing=print_view())


def rest_of_page_now() -> bool:
    """Called by a page right after its first chart: whether to draw the rest of the page now
    (see dashboard/app/first_chart.py); if not, a note stands in its place."""
    return first_chart.rest_of_page_now(printing=print_view())


def show_chart(chart: Chart, *, key: str, narrow: Chart | None = None) -> None:
    """Draw a chart for this viewer: its title and subtitle as text, the plot (a copy of the
    figure for the display mode, each panel of a grid on its own so that grids become one
    column on a phone), the source line as a caption that wraps, then the chart in words, its
    downloads and its data as a table on request.

    `narrow` is another layout of the same chart for phones and narrow windows (e.g. a grid of
    tiles in fewer columns): both are drawn and the stylesheet shows the one that fits.

    In the print view the figures are drawn light, one under the other, at a fixed width that
    fits a printed page, without the controls."""
    printing = print_view()
    with st.container(key=f"chart-{key}"):
        st.markdown(chart_heading(chart))
        if chart.subtitle:
            st.caption(md_escape(chart.subtitle))
        screen = screen_figure(chart, mode="light" if printing else display_mode())
        alts = figure_alts(chart, len(screen.figures))
        # a new visitor's first screen: a grid's first row (each panel is a chart the browser
        # draws before it shows any); the other rows and the extras come with the rest
        first_screen = first_chart.first_screen_only(printing=printing)
        first_rows = 1 if first_screen else None
        if printing:
            for number, (figure, alt) in enumerate(zip(screen.figures, alts, strict=True), 1):
                figure["layout"]["width"] = PRINT_WIDTH
                st.plotly_chart(
                    PlotlyJson(figure),
                    key=f"{key}-print-{number}",
                    theme=None,
                    config={**PLOTLY_CONFIG, "responsive": False, "staticPlot": True},
                    width="content",
                    alt=alt,
                )
        elif narrow is None:
            _plot_screen(screen, alts, key=key, rows=first_rows)
        else:
            with st.container(key=f"wide-only-{key}"):
                _plot_screen(screen, alts, key=key, rows=first_rows)
            with st.container(key=f"narrow-only-{key}"):
                other = screen_figure(narrow, mode=display_mode())
                alts_narrow = figure_alts(narrow, len(other.figures))
                _plot_screen(other, alts_narrow, key=f"{key}-narrow", rows=first_rows)
        footer = chart_footer(chart)
        if footer:
            st.caption(footer)
        if printing:
            st.caption(chart_words(chart))  # the chart in words, for the printed page too
        elif not first_screen:  # else a frame after the first chart
            chart_extras(chart, key=key)


def _plot_screen(
    screen: ScreenFigure, alts: Sequence[str], *, key: str, rows: int | None = None
) -> None:
    """One figure, or the panels of a grid in rows (Streamlit stacks columns on a phone); only
    its first `rows` rows when given."""
    if len(screen.figures) == 1:
        _plot(st, screen.figures[0], alt=alts[0], key=key)
        return
    shown = len(screen.figures) if rows is None else rows * screen.columns
    for start in range(0, min(shown, len(screen.figures)), screen.columns):
        row = list(zip(screen.figures, alts, strict=True))[start : start + screen.columns]
        for i, (col, (figure, alt)) in enumerate(
            zip(st.columns(screen.columns), row, strict=False)
        ):
            _plot(col, figure, alt=alt, key=f"{key}-{start + i + 1}")


def _plot(where: Any, figure: dict[str, Any], *, alt: str, key: str) -> None:
    """Draw plotly JSON with its accessible name. It is passed as a figure plotly does not
    build (`PlotlyJson`): Streamlit would validate a dictionary on every run."""
    where.plotly_chart(
        PlotlyJson(figure), key=key, theme=None, config=PLOTLY_CONFIG, width="stretch", alt=alt
    )


def chart_extras(chart: Chart, *, key: str) -> None:
    """Under a chart: its text alternative (folded), the downloads, and a switch that shows
    the plotted data as a table (drawn only when asked: a data grid costs the browser time)."""
    with st.expander("The chart in words", icon=":material/description:"):
        st.markdown(chart_words(chart))
    with st.container(horizontal=True, gap="small", vertical_alignment="center"):
        chart_downloads(chart, key=key)
        table = st.toggle("Show the data as a table", key=f"{key}-table")
    if table:
        st.dataframe(chart.data, hide_index=True, width="stretch", key=f"{key}-data")


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

    snapshot = get_data().snapshot  # names releases, vintages, newer editions and credits
    st.download_button(
        "Data (CSV)",
        data=lambda: chart_files.to_csv(chart, snapshot=snapshot),
        file_name=chart_files.file_name(chart, "csv"),
        mime="text/csv",
        key=f"{key}-csv",
        icon=":material/table:",
        on_click="ignore",
        width="stretch",
    )


def find_by_other_name(
    *, key: str, labels: Mapping[str, str], verb: str, on_pick: Callable[[str], None]
) -> None:
    """A folded search that finds economies and groups by any of their names: the UN name, the
    World Bank's, official long names and common ones ("Turkey", "Ivory Coast", "Palestine";
    `views.choices.find_entities`). Each match among `labels` is a button ("Add Türkiye")
    that calls `on_pick` with its code; the pickers above search only the names they show."""
    with st.expander("Search by another name", icon=":material/search:"):
        query = st.text_input(
            "Any name of an economy or group",
            key=key,
            placeholder="e.g. Turkey, Ivory Coast, Palestine, Burma",
            max_chars=SEARCH_CLIP,
        )
        if not query.strip():
            return
        found = [c for c in compute(find_entities, query=query.strip()) if c in labels]
        if not found:
            st.caption(f"No economy or group goes by “{md_escape(query, limit=40)}”.")
            return
        with st.container(horizontal=True, gap="small"):
            for code in found[:MAX_FOUND]:
                st.button(
                    f"{verb} {md_escape(labels[code])}",
                    key=f"{key}-{code}",
                    on_click=on_pick,
                    args=(code,),
                )
        if len(found) > MAX_FOUND:
            st.caption(f"The first {MAX_FOUND} of {len(found)} matches; type more of the name.")
