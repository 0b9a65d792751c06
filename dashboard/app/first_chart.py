"""The first chart first: what lets a page draw what is in view before the rest (issue 12).

A new visitor's browser has not loaded plotly yet, and everything a page sends competes with the
first chart for the browser's one main thread: every element and chart sent before the first
chart appears is drawn before it. So:

- until the first chart of the session is drawn, the app mounts `chart_helper`: a small script
  (a `st.components.v2` component, no data) that tells the server when a page's first chart
  (or a table) is on screen;
- until then (`first_screen_only()`), a page draws its first screen: its first chart without
  the chart's extras, and what must come with it; it calls `rest_of_page_now()` where the rest
  begins: the first time, it answers False and leaves a short note there.
- Pages whose rest follows their first chart (the overview, the challenge areas, the
  inequalities) draw from the first chart on through `first_screen_then_rest`: a fragment that
  holds the helper, so the browser's signal reruns that fragment alone and draws the rest
  there. The sidebar is drawn in the first run.
- Pages that put controls above their first chart (the explorer, the profile) draw them after
  it into a place kept above it; there the shell leaves the sidebar for later too
  (`rest_left_for_later()`, the helper is mounted after the page) and the signal reruns the
  page whole, from the cache.

From then on (this session) pages are drawn whole at once. The print view always is.

AppTest runs no browser: tests set FIRST_CHART_DRAWN in the session as the script would.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

FIRST_CHART_DRAWN = "_wsis_first_chart_drawn"  # session key: this browser drew a chart already
HELPER_KEY = "wsis-first-chart"  # key of the component (its container is hidden by app.css)
REST_LATER = "wsis-rest-later"  # key of the note that stands for the rest of the page
LATER_THIS_RUN = "_wsis_rest_later"  # session key: this run left the rest of its page for later
HELPER_THIS_RUN = "_wsis_helper_mounted"  # session key: this run mounted the helper already
IN_FRAGMENT = "_wsis_rest_fragment"  # session key: this page run put its rest in a fragment
REST_PENDING = "_wsis_rest_pending"  # session key: a fragment waits for the signal to draw it
WAIT_MS = 500  # the signal is sent this long after mounting when a page has no chart coming
GIVE_UP_MS = 30000  # ... and this long after mounting whatever happened

HELPER_JS = """
export default function(component) {
  const { setStateValue } = component;
  const start = performance.now();
  let stopped = false;
  const look = () => {
    if (stopped) return;
    const waited = performance.now() - start;
    const later = document.querySelector('.st-key-wsis-rest-later');
    // the first chart on screen (or a table: the explorer's table view has no chart)
    const drawn = document.querySelector(
      '.js-plotly-plot .main-svg, [data-testid=stDataFrame] canvas');
    const coming = document.querySelector('[data-testid=stPlotlyChart]');
    if (later && (drawn || (!coming && waited > WAIT) || waited > GIVE_UP)) {
      stopped = true;
      requestAnimationFrame(() => setTimeout(() => setStateValue('drawn', true), 0));
    } else {
      setTimeout(look, waited < GIVE_UP ? 40 : 500);
    }
  };
  look();
  return () => { stopped = true; };
}
""".replace("WAIT", str(WAIT_MS)).replace("GIVE_UP", str(GIVE_UP_MS))


@st.cache_resource(show_spinner=False)
def _helper() -> Any:
    """The component, registered once per process."""
    return st.components.v2.component("wsis_first_chart", js=HELPER_JS)


def _drawn() -> None:
    st.session_state[FIRST_CHART_DRAWN] = True


def chart_helper() -> None:
    """Mount the helper script until the session's first chart is drawn, once a run (the page's
    fragment mounts it, or else the app shell after the page); then nothing."""
    if st.session_state.get(FIRST_CHART_DRAWN) or st.session_state.get(HELPER_THIS_RUN):
        return
    st.session_state[HELPER_THIS_RUN] = True
    with st.container(key=HELPER_KEY):  # its callback sets FIRST_CHART_DRAWN before the rerun
        _helper()(key=f"{HELPER_KEY}-script", on_drawn_change=_drawn)


def first_screen_only(*, printing: bool = False) -> bool:
    """Whether this run draws only what is in view first: the session's first chart is not
    drawn yet (and this is not the print view, which is always drawn whole)."""
    return not printing and not st.session_state.get(FIRST_CHART_DRAWN)


def rest_of_page_now(*, printing: bool = False) -> bool:
    """Whether to draw the rest of the page now (see the module's docstring); if not, leave a
    note in its place."""
    if not first_screen_only(printing=printing):
        return True
    if not st.session_state.get(IN_FRAGMENT):  # else the browser's signal reruns the fragment
        st.session_state[LATER_THIS_RUN] = True
    with st.container(key=REST_LATER):  # browser tests wait until it is gone
        st.caption("Drawing the rest of the page…")
    return False


def start_run() -> None:
    """Called by the app shell before the page: nothing is left for later yet in this run."""
    st.session_state[LATER_THIS_RUN] = False
    st.session_state[HELPER_THIS_RUN] = False
    st.session_state[IN_FRAGMENT] = False


def first_screen_then_rest(draw: Callable[[], None], *, printing: bool = False) -> None:
    """Call `draw`, which draws a page from its first chart on and calls `rest_of_page_now()`
    where its rest begins.

    On a first-screen run, `draw` runs as a fragment with the helper inside it: the browser's
    signal then reruns `draw` alone, not the shell, the sidebar and the page above it again
    (which drawing the page whole would: about a third of the cost of a visit's second run).
    Any later rerun of that fragment (a widget drawn in it changed) reruns the whole page, so
    the page behaves as if it had been drawn whole from the start.
    """
    if not first_screen_only(printing=printing):
        draw()
        return
    st.session_state[IN_FRAGMENT] = True
    st.session_state[REST_PENDING] = True
    _rest_fragment(draw)


@st.fragment
def _rest_fragment(draw: Callable[[], None]) -> None:
    if not st.session_state.get(REST_PENDING):
        st.rerun()  # a widget of the drawn rest changed: the page reruns whole, as it would
    st.session_state[REST_PENDING] = first_screen_only()  # ... or the rest is drawn now
    chart_helper()
    draw()


def rest_left_for_later() -> bool:
    """Whether the page of this run left its rest for later (then so does the shell: the
    sidebar is drawn with the rest, a frame after the first chart)."""
    return bool(st.session_state.get(LATER_THIS_RUN))
