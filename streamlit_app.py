"""WSIS+20 dashboard: the app shell (`streamlit run streamlit_app.py`).

Sets up the page, the navigation between the pages in dashboard/app/pages/, the sidebar (snapshot,
source releases, optional live refresh) and the link notices shared by every page. A link of the
form `?page=explorer&indicator=...` opens that page with the rest of its parameters. Pages do
their own work inside `page_guard`, so no visitor ever sees a traceback.
"""

from __future__ import annotations

import streamlit as st

from dashboard.app.cache import get_data
from dashboard.app.sidebar import render_sidebar
from dashboard.app.state import PAGES
from dashboard.app.ui import page_guard, shell_link_notices

st.set_page_config(
    page_title="WSIS+20: digital progress since Tunis",
    page_icon=":material/public:",
    layout="wide",
    initial_sidebar_state="expanded",
)

PAGE_FILES = {
    "overview": ("dashboard/app/pages/overview.py", "Since Tunis", ":material/insights:"),
    "areas": ("dashboard/app/pages/areas.py", "Challenge areas", ":material/checklist:"),
    "inequalities": (
        "dashboard/app/pages/inequalities.py",
        "Inequalities",
        ":material/diversity_3:",
    ),
    "profile": ("dashboard/app/pages/profile.py", "Economy profile", ":material/flag:"),
    "explorer": ("dashboard/app/pages/explorer.py", "Explorer", ":material/query_stats:"),
    "presentation": ("dashboard/app/pages/presentation.py", "Presentation", ":material/slideshow:"),
    "sources": ("dashboard/app/pages/sources.py", "Data and sources", ":material/database:"),
}
pages = {
    name: st.Page(path, title=title, icon=icon, url_path=name, default=(name == "overview"))
    for name, (path, title, icon) in PAGE_FILES.items()
}
if set(pages) != set(PAGES):  # a page added to one list and not the other
    raise RuntimeError("PAGE_FILES and dashboard.state.PAGES name different pages")
nav = st.navigation(list(pages.values()), position="top")

wanted = st.query_params.get("page")
if wanted in pages:
    rest = {k: v for k, v in st.query_params.to_dict().items() if k != "page"}
    if pages[wanted] is nav or pages[wanted].url_path == nav.url_path:
        del st.query_params["page"]
    else:
        st.switch_page(pages[wanted], query_params=rest)

render_sidebar(data_page=pages["sources"])
with page_guard():  # a broken snapshot is reported here once, and no page is drawn
    shell_link_notices(get_data())
    nav.run()
