"""The app's one stylesheet: `static/app.css`, shipped in the repository, read once at import
and injected unchanged (focus outline, small screens, print).

This is the only module of the app allowed to call `st.html`; nothing from the data, a link or
a visitor ever reaches it (tests/test_security.py checks both).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

STYLESHEET = Path(__file__).resolve().parents[2] / "static" / "app.css"
CSS = STYLESHEET.read_text(encoding="utf-8")


DARK_MARKER = "wsis-theme-dark"  # key of an empty container present in the dark theme only


def apply_stylesheet(*, mode: str = "light") -> None:
    """Inject the constant stylesheet (style only: it takes no room on the page), and in the
    dark theme an empty sidebar container the stylesheet recognises (`.st-key-...`)."""
    st.html(f"<style>{CSS}</style>")
    if mode == "dark":  # an empty container is not drawn at all: it holds a word, hidden
        st.sidebar.container(key=DARK_MARKER).caption("Dark theme")
