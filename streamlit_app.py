"""WSIS+20 dashboard: entry point for `streamlit run streamlit_app.py`."""

from __future__ import annotations

import streamlit as st

from indicators.errors import WsisDataError
from indicators.snapshot import load_snapshot

st.set_page_config(page_title="WSIS+20: digital progress since Tunis", layout="wide")
st.title("WSIS+20: digital progress since Tunis")
try:
    snap = load_snapshot()
except WsisDataError as exc:
    st.error(f"The data snapshot could not be loaded: {exc}")
    st.stop()
d = snap.descriptor
st.write(f"Snapshot **{snap.id}**, built {d.get('built_at')}: {d['row_count']:,} observations.")
for src in d.get("sources", []):
    st.write(f"- {src['title']}: vintage {src['vintage']} ({src.get('licence', '')})")
