"""Data and sources: the catalogue, how to read the figures, every source with licence and vintage, the snapshot's
descriptor, coverage, computed vs published aggregates and the full snapshot download.

Inputs: the open tab and the catalogue search. Compute (through the cache seam): the tables and
figures of figures.sources. Render: each tab only while it is open.
"""

from __future__ import annotations

import json

import streamlit as st

from dashboard.app.cache import compute, get_data
from dashboard.app.page_text import AGGREGATION_RULE, credit_line, snapshot_caption
from dashboard.app.safe_text import md_escape as esc
from dashboard.app.ui import current_view, page_guard, show_chart
from dashboard.exports.csv_text import csv_bytes
from dashboard.figures.chart import slug
from dashboard.figures.sources import (
    aggregate_check,
    catalogue_rows,
    coverage_heatmap,
    sources_tables,
)
from dashboard.views.reading import reading_guide

TABS = ["Catalogue", "How to read", "Sources", "Snapshot", "Coverage", "Aggregates", "Download"]
CHECKED_INDICATOR = "IT.NET.USER.ZS"


def page() -> None:
    with page_guard():
        data = get_data()
        snap, cat = data.snapshot, data.catalogue
        desc = snap.descriptor
        current_view(data)
        tables = compute(sources_tables)
        st.title("Data and sources")
        st.caption(snapshot_caption(desc))
        st.markdown(AGGREGATION_RULE)
        if tables.caveat is not None:
            st.markdown(f"**Releases differ.** {esc(tables.caveat.sentence())}")
        tabs = dict(zip(TABS, st.tabs(TABS, key="sources-tab", on_change="rerun"), strict=True))

        with tabs["Catalogue"]:
            if tabs["Catalogue"].open:
                query = st.text_input("Search the catalogue", key="catalogue-search")
                table = compute(catalogue_rows, query=query)
                st.caption(f"{len(table)} of {len(cat.indicators)} indicators.")
                st.dataframe(table, hide_index=True, height=560, key="catalogue-table")

        with tabs["How to read"]:
            if tabs["How to read"].open:
                st.subheader("How to read these figures")
                for note in compute(reading_guide):
                    st.markdown(f"**{esc(note.heading)}.** {esc(note.text)}")

        with tabs["Sources"]:
            if tabs["Sources"].open:
                st.dataframe(tables.sources, hide_index=True, key="sources-table")
                st.subheader("Files read by the build")
                st.dataframe(tables.files, hide_index=True, key="files-table")
                st.caption(credit_line(desc))

        with tabs["Snapshot"]:
            if tabs["Snapshot"].open:
                st.dataframe(tables.summary, hide_index=True, key="summary-table")
                st.subheader("Values dropped by the build")
                st.dataframe(tables.dropped, hide_index=True, key="dropped-table")
                st.subheader("Files and series not used")
                st.dataframe(tables.not_used, hide_index=True, key="not-used-table")

        with tabs["Coverage"]:
            if tabs["Coverage"].open:
                show_chart(compute(coverage_heatmap), key="coverage")

        with tabs["Aggregates"]:
            if tabs["Aggregates"].open:
                check = compute(aggregate_check, indicator=CHECKED_INDICATOR)
                show_chart(check.chart, key="aggregates")
                st.caption(
                    "ITU figures are another release: the itu_vintage column says which. "
                    "Differences are computed minus published, in percentage points."
                )
                st.dataframe(check.table, hide_index=True, key="aggregates-table")

        with tabs["Download"]:
            if tabs["Download"].open:
                st.download_button(
                    f"All {desc.row_count:,} observations (CSV)",
                    data=lambda: csv_bytes(snap.observations),
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
