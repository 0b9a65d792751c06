"""The app shell: page set-up, navigation between the registered pages, the sidebar and the link
notices every page shares. `streamlit_app.py` calls `main()`.

Every page answers at its own path (`/explorer`, `/overview`, ...); the first page also answers
at `/`. A link of the form `?page=explorer&indicator=...` opens that page with the rest of its
parameters. Pages do their own work inside `page_guard`, so no visitor ever sees a traceback.
The sidebar starts closed on phones and narrow windows ("auto") and open on wide screens.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from dashboard.app.cache import get_data
from dashboard.app.first_chart import chart_helper, rest_left_for_later, start_run
from dashboard.app.registry import DEFAULT_PAGE, PAGES
from dashboard.app.sidebar import render_sidebar
from dashboard.app.state import PRINT
from dashboard.app.style import apply_stylesheet
from dashboard.app.ui import display_mode, page_guard, print_view, shell_link_notices

APP_TITLE = "WSIS+20: digital progress since Tunis"
ROOT_PATH = "home"  # the first page's reserved name at `/` (Streamlit serves it at the root)


def navigation_pages() -> tuple[dict[str, Any], Any]:
    """The st.Page of every registered page (by name), and the hidden page that serves the
    first page at its own path too.

    Streamlit serves its default page at `/` only; the same page function is registered a
    second time, hidden from the menu, at `/<name>` so that the page's own link works.
    """
    pages = {
        spec.name: st.Page(
            spec.function(),
            title=spec.title,
            icon=spec.icon,
            url_path=ROOT_PATH if spec.name == DEFAULT_PAGE else spec.name,
            default=(spec.name == DEFAULT_PAGE),
        )
        for spec in PAGES
    }
    first = next(spec for spec in PAGES if spec.name == DEFAULT_PAGE)
    alias = st.Page(
        first.function(),
        title=first.title,
        icon=first.icon,
        url_path=first.name,
        visibility="hidden",
    )
    return pages, alias


def main() -> None:
    """Draw the page the URL names, framed by the sidebar and the link notices."""
    st.set_page_config(
        page_title=APP_TITLE,
        page_icon=":material/public:",
        layout="wide",
        initial_sidebar_state="auto",
    )
    apply_stylesheet(mode=display_mode())
    pages, alias = navigation_pages()
    nav = st.navigation([*pages.values(), alias], position="top")

    wanted = st.query_params.get("page")
    if wanted in pages:
        rest = {k: v for k, v in st.query_params.to_dict().items() if k != "page"}
        same = {pages[wanted].url_path} | ({alias.url_path} if wanted == DEFAULT_PAGE else set())
        if nav.url_path in same:
            del st.query_params["page"]
        else:
            st.switch_page(pages[wanted], query_params=rest)

    # The sidebar keeps its place at the top of the sidebar but is drawn after the page: the
    # browser then receives the page's first chart before the sidebar's text; and when the
    # page leaves its rest for a frame after its first chart, the sidebar comes with the rest
    # (issue 12).
    sidebar = st.sidebar.container()
    print_links(nav)
    start_run()
    with page_guard():  # a broken snapshot is reported here once, and no page is drawn
        shell_link_notices(get_data())
        nav.run()
    chart_helper()  # says when a new visitor's first chart is drawn (first_chart.py)
    if not rest_left_for_later():
        with page_guard():  # the sidebar guards itself; this is a last resort
            render_sidebar(data_page=pages["sources"], where=sidebar)


def print_links(nav: Any) -> None:
    """The way into the page's print view (sidebar) and, in it, a note and the way back; both
    are screen-only (the stylesheet leaves them out of the printed page)."""
    params = st.query_params.to_dict()
    if not print_view():
        st.sidebar.page_link(
            nav,
            label="Print view of this page",
            icon=":material/print:",
            query_params={**params, PRINT: "1"},
        )
        return
    with st.container(key="screen-only-print-note"):
        st.info(
            "Print view: charts fit the width of a printed page and the controls are left "
            "out. Press Ctrl+P (Cmd+P on a Mac) to print this page or save it as a PDF.",
            icon=":material/print:",
        )
        st.page_link(
            nav,
            label="Back to the normal view",
            icon=":material/arrow_back:",
            query_params={k: v for k, v in params.items() if k != PRINT},
        )
