"""Data and sources: the catalogue, every source with licence and vintage, the snapshot's
descriptor, coverage, computed vs published aggregates and the full snapshot download.

Thin page: tables and figures come from the pure builders in dashboard.figures_sources; each tab
is drawn only while it is open.
"""

import json

import streamlit as st

from dashboard.app.cache import get_data
from dashboard.app.safe_text import md_code
from dashboard.app.safe_text import md_escape as esc
from dashboard.app.ui import current_view, page_guard, show_chart
from dashboard.figures import sources as fs
from dashboard.figures.chart import slug

AGGREGATION_RULE = (
    "**How group figures are made.** For a rate such as Internet use, the World Bank's figure "
    "for a group (the world, an income group, a region) is the average of its economies' rates "
    "weighted by their population. An economy without a value for a year is taken to be at the "
    "group's average, so it does not move the result; and no figure is published when the "
    "economies that did report hold less than two-thirds of the group's population. Where this "
    "dashboard computes a group figure itself it follows the same rule and shows the share of "
    "the population that reported (the coverage)."
)
TABS = ["Catalogue", "Sources", "Snapshot", "Coverage", "Aggregates", "Download"]


with page_guard():
    data = get_data()
    snap, cat = data.snapshot, data.catalogue
    desc = snap.descriptor
    current_view(data)
    st.title("Data and sources")
    st.caption(
        f"Snapshot {md_code(snap.id)}, built {esc(desc.built_at)} with "
        f"{esc(desc.builder)}: {desc.row_count:,} observations."
    )
    st.markdown(AGGREGATION_RULE)
    caveat = fs.vintage_caveat(snap)
    if caveat is not None:
        st.markdown(f"**Releases differ.** {esc(caveat.sentence())}")
    tabs = dict(zip(TABS, st.tabs(TABS, key="sources-tab", on_change="rerun"), strict=True))

    with tabs["Catalogue"]:
        if tabs["Catalogue"].open:
            query = st.text_input("Search the catalogue", key="catalogue-search")
            table = fs.filter_rows(fs.catalogue_table(cat), query)
            st.caption(f"{len(table)} of {len(cat.indicators)} indicators.")
            st.dataframe(table, hide_index=True, height=560, key="catalogue-table")

    with tabs["Sources"]:
        if tabs["Sources"].open:
            st.dataframe(fs.sources_table(desc), hide_index=True, key="sources-table")
            st.subheader("Files read by the build")
            st.dataframe(fs.files_table(desc), hide_index=True, key="files-table")
            st.caption(
                "Credit: " + "; ".join(esc(f"{x.attribution} ({x.licence})") for x in desc.licences)
            )

    with tabs["Snapshot"]:
        if tabs["Snapshot"].open:
            st.dataframe(fs.summary_table(desc), hide_index=True, key="summary-table")
            st.subheader("Values dropped by the build")
            st.dataframe(fs.dropped_table(desc), hide_index=True, key="dropped-table")
            st.subheader("Files and series not used")
            st.dataframe(fs.not_used_table(desc), hide_index=True, key="not-used-table")

    with tabs["Coverage"]:
        if tabs["Coverage"].open:
            show_chart(fs.coverage_heatmap(snap, cat), key="coverage")

    with tabs["Aggregates"]:
        if tabs["Aggregates"].open:
            comparison = fs.aggregate_comparison(snap, cat, indicator="IT.NET.USER.ZS")
            show_chart(
                fs.comparison_figure(snap, cat, comparison, indicator="IT.NET.USER.ZS"),
                key="aggregates",
            )
            st.caption(
                "ITU figures are another release: the itu_vintage column says which. Differences "
                "are computed minus published, in percentage points."
            )
            st.dataframe(comparison, hide_index=True, key="aggregates-table")

    with tabs["Download"]:
        if tabs["Download"].open:
            st.download_button(
                f"All {desc.row_count:,} observations (CSV)",
                data=lambda: fs.observations_csv(snap),
                file_name=f"{slug(snap.id)}-observations.csv",
                mime="text/csv",
                key="download-observations",
                icon=":material/download:",
            )
            st.download_button(
                "Snapshot descriptor (JSON)",
                data=json.dumps(desc.to_json(), indent=2, ensure_ascii=False).encode("utf-8"),
                file_name=f"{slug(snap.id)}-descriptor.json",
                mime="application/json",
                key="download-descriptor",
                icon=":material/download:",
            )
            st.caption(
                "Columns: economy, indicator, year, value, source, vintage, estimate, note. "
                "Credit the producers named in the Sources tab when you reuse the figures."
            )
