"""The sidebar: the snapshot in use, the release (vintage) of each source, and the live refresh.

The refresh appears only where the deployment sets WSIS_ALLOW_REFRESH=1 (off by default, so a
shared deployment never calls the World Bank API on a visitor's click). A failed refresh leaves
the snapshot unchanged and says why; a successful one clears the data cache and reruns.
"""

from __future__ import annotations

import logging
from typing import Any

import streamlit as st

from dashboard.app.cache import get_data, refresh_allowed
from dashboard.app.safe_text import md_code
from dashboard.app.safe_text import md_escape as esc
from indicators.errors import WsisDataError
from indicators.store.descriptor import Descriptor

log = logging.getLogger("wsis20")
REFRESH_DONE = "_wsis_refresh_summary"  # session key: the last refresh's report, shown once


def source_lines(descriptor: Descriptor) -> list[str]:
    """'Label: vintage V' for every data source of a snapshot descriptor (computed ones skipped)."""
    return [
        f"{src.label}: vintage {src.vintage}" for src in descriptor.sources if src.id != "derived"
    ]


def render_sidebar(*, data_page: Any = None) -> None:
    """Draw the sidebar; `data_page` is the st.Page of the Data and sources page (for a link)."""
    with st.sidebar:
        st.markdown("### WSIS+20 dashboard")
        st.caption("Digital progress since the 2005 Tunis summit, from World Bank and ITU data.")
        try:
            data = get_data()
        except WsisDataError:
            st.caption("No data snapshot loaded: the page says why and how to fix it.")
            return
        desc = data.snapshot.descriptor
        # descriptor fields come from the snapshot store: shown as text, never as markdown
        st.markdown(f"**Snapshot** {md_code(data.snapshot.id)}")
        st.caption(f"Built {esc(desc.built_at)} from {esc(desc.built_from)}.")
        st.markdown("**Sources and releases**")
        st.markdown("\n".join(f"- {esc(line)}" for line in source_lines(desc)))
        if data_page is not None:
            st.page_link(
                data_page, label="Licences, files and checksums", icon=":material/database:"
            )
        if refresh_allowed():
            _refresh_controls()


def _refresh_controls() -> None:
    from indicators.store import (
        refresh,  # looked up at call time, so tests can stub refresh_snapshot
    )

    st.divider()
    done = st.session_state.pop(REFRESH_DONE, None)
    if done:
        lines = (esc(line) for line in str(done).splitlines())
        st.success("  \n".join(lines), icon=":material/check_circle:")
    st.caption("Fetch the World Bank series again from the live API (a new snapshot is kept).")
    if not st.button("Refresh from the World Bank API", icon=":material/sync:", key="refresh"):
        return
    bar = st.progress(0.0, text="Contacting the World Bank API...")

    def progress(done: int, total: int, code: str) -> None:
        bar.progress(min(1.0, done / max(total, 1)), text=f"{code} ({done}/{total})")

    try:
        result = refresh.refresh_snapshot(progress=progress)
    except WsisDataError as exc:
        bar.empty()
        st.error(f"Refresh failed; the current snapshot is unchanged. {esc(exc)}")
        return
    except Exception:
        log.exception("refresh failed")
        bar.empty()
        st.error(
            "Refresh failed for an unexpected reason; the current snapshot is unchanged. "
            "Try again later or run `make refresh` on the server to see the details."
        )
        return
    bar.empty()
    st.cache_data.clear()
    st.session_state[REFRESH_DONE] = result.summary()
    st.rerun()
