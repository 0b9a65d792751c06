"""The sidebar: the snapshot in use, the release (vintage) of each source, and the live refresh.

The refresh appears only where the deployment sets WSIS_ALLOW_REFRESH=1 (off by default, so a
shared deployment never calls the World Bank API on a visitor's click). It stops after the
deployment's deadline (WSIS_REFRESH_DEADLINE, default 60 s), which the sidebar states; a second
click while a refresh runs (in any session) is told so at once. A failed refresh leaves the
snapshot unchanged and says why; a successful one clears the data cache and reruns.
"""

from __future__ import annotations

import logging
from typing import Any

import streamlit as st

from dashboard.app.cache import get_data, refresh_allowed, unusable_snapshot
from dashboard.app.safe_text import md_code
from dashboard.app.safe_text import md_escape as esc
from dashboard.app.ui import sentence
from indicators.errors import MESSAGE_LIMIT, RefreshBusy, RefreshError, WsisDataError
from indicators.store.descriptor import Descriptor

log = logging.getLogger("wsis20")
REFRESH_DONE = "_wsis_refresh_summary"  # session key: the last refresh's report, shown once
FIELD_LIMIT = 120  # characters of a descriptor field shown in the sidebar
MAX_SOURCES = 12  # source lines listed; the rest are counted


def source_lines(descriptor: Descriptor) -> list[str]:
    """'Label: vintage V' for every data source of a snapshot descriptor (computed ones
    skipped), naming a newer edition the snapshot does not hold."""
    return [
        f"{src.label}: vintage {src.vintage}"
        + (
            f" (a newer edition, {src.newer_edition.published}, is not in this snapshot)"
            if src.newer_edition is not None
            else ""
        )
        for src in descriptor.sources
        if src.id != "derived"
    ]


def render_sidebar(*, data_page: Any = None, where: Any = None) -> None:
    """Draw the sidebar (or into `where`, a container in it reserved earlier); `data_page` is
    the st.Page of the Data and sources page (for a link).

    A snapshot that cannot be opened, for whatever reason, is named in one line (the page says
    why and what to do); any other failure of the sidebar is shown in it, never as a traceback.
    """
    with where if where is not None else st.sidebar:
        st.markdown("### WSIS+20 dashboard")
        st.caption("Digital progress since the 2005 Tunis summit, from World Bank and ITU data.")
        try:
            data = get_data()
        except Exception:
            st.caption(
                f"No data snapshot loaded: {esc(unusable_snapshot(), limit=FIELD_LIMIT)}. "
                "The page says why and how to fix it."
            )
            return
        try:
            _snapshot_lines(data.snapshot.id, data.snapshot.descriptor, data_page)
            if refresh_allowed():
                _refresh_controls()
        except WsisDataError as exc:
            st.error(sentence(exc), icon=":material/error:")
        except Exception:
            log.exception("sidebar failed")
            st.error("The sidebar could not be drawn; reload the page.", icon=":material/error:")


def _snapshot_lines(snapshot_id: str, desc: Descriptor, data_page: Any) -> None:
    """The snapshot and its sources, each descriptor field shown as bounded text (never as
    markdown), at most MAX_SOURCES source lines."""
    st.markdown(f"**Snapshot** {md_code(snapshot_id)}")
    st.caption(
        f"Built {esc(desc.built_at, limit=40)} from {esc(desc.built_from, limit=FIELD_LIMIT)}."
    )
    st.markdown("**Sources and releases**")
    lines = [f"- {esc(line, limit=FIELD_LIMIT)}" for line in source_lines(desc)]
    if len(lines) > MAX_SOURCES:
        lines = [*lines[:MAX_SOURCES], f"- and {len(lines) - MAX_SOURCES} more"]
    st.markdown("\n".join(lines))
    if data_page is not None:
        st.page_link(data_page, label="Licences, files and checksums", icon=":material/database:")


def _refresh_controls() -> None:
    from indicators.store import (
        refresh,  # looked up at call time, so tests can stub refresh_snapshot
    )

    st.divider()
    done = st.session_state.pop(REFRESH_DONE, None)
    if done:
        lines = (esc(line, limit=FIELD_LIMIT) for line in str(done).splitlines()[:40])
        st.success("  \n".join(lines), icon=":material/check_circle:")
    try:
        deadline = refresh.deadline_setting()
    except RefreshError as exc:
        st.warning(
            f"The live refresh is off: {esc(exc, limit=MESSAGE_LIMIT)}", icon=":material/warning:"
        )
        return
    st.caption(
        "Fetch the World Bank series again from the live API (a new snapshot is kept). "
        f"It stops after {deadline:g} s if the API is slow; the current snapshot stays in use."
    )
    if not st.button("Refresh from the World Bank API", icon=":material/sync:", key="refresh"):
        return
    bar = st.progress(0.0, text=f"Contacting the World Bank API (stops after {deadline:g} s)...")

    def progress(done: int, total: int, code: str) -> None:
        bar.progress(min(1.0, done / max(total, 1)), text=f"{code} ({done}/{total})")

    try:
        result = refresh.refresh_snapshot(progress=progress, deadline=deadline)
    except RefreshBusy:
        bar.empty()
        st.warning(
            "A refresh is already running (from another session or the command line), so this "
            "one was not started. Its snapshot is used as soon as it finishes: reload then.",
            icon=":material/hourglass_top:",
        )
        return
    except WsisDataError as exc:
        bar.empty()
        said = "unchanged" in str(exc)
        st.error(
            ("Refresh failed. " if said else "Refresh failed; the current snapshot is unchanged. ")
            + sentence(exc)
        )
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
