"""The app shell: page set-up, navigation between the registered pages, the sidebar and the link
notices every page shares. `streamlit_app.py` calls `main()`.

A link of the form `?page=explorer&indicator=...` opens that page with the rest of its
parameters. Pages do their own work inside `page_guard`, so no visitor ever sees a traceback.
"""

from __future__ import annotations

import streamlit as st

from dashboard.app.cache import get_data
from dashboard.app.registry import DEFAULT_PAGE, PAGES
from dashboard.app.sidebar import render_sidebar
from dashboard.app.ui import page_guard, shell_link_notices

APP_TITLE = "WSIS+20: digital progress since Tunis"


def main() -> None:
    """Draw the page the URL names, framed by the sidebar and the link notices."""
    st.set_page_config(
        page_title=APP_TITLE,
        page_icon=":material/public:",
        layout="wide",
        initial_sidebar_state="expanded",
    )
    pages = {
        spec.name: st.Page(
            spec.function(),
            title=spec.title,
            icon=spec.icon,
            url_path=spec.name,
            default=(spec.name == DEFAULT_PAGE),
        )
        for spec in PAGES
    }
    nav = st.navigation(list(pages.values()), position="top")

    wanted = st.query_params.get("page")
    if wanted in pages:
        rest = {k: v for k, v in st.query_params.to_dict().items() if k != "page"}
        if pages[wanted] is nav or pages[wanted].url_path == nav.url_path:
            del st.query_params["page"]
        else:
            st.switch_page(pages[wanted], query_params=rest)

    with page_guard():  # the sidebar guards itself; this is a last resort
        render_sidebar(data_page=pages["sources"])
    with page_guard():  # a broken snapshot is reported here once, and no page is drawn
        shell_link_notices(get_data())
        nav.run()
