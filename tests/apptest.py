"""Helpers of the page tests: run a page with Streamlit's AppTest and read its charts.

Pages are run one at a time (their `page()` function, as st.navigation would run it) on the
bundled snapshot; the registry gives the script.
"""

from __future__ import annotations

import base64
import json

import numpy as np
from streamlit.testing.v1 import AppTest

from dashboard.app.first_chart import FIRST_CHART_DRAWN
from dashboard.app.registry import page_spec


def page_test(name: str, *, timeout: float = 90, first_chart_drawn: bool = True) -> AppTest:
    """An AppTest of one registered page (not run yet).

    AppTest runs no browser, so nothing tells the page that its first chart is on screen: by
    default the session says so already, as a browser would (`first_chart_drawn`), and every
    chart is drawn; with False the page draws its first chart and leaves the later ones."""
    at = AppTest.from_string(page_spec(name).script(), default_timeout=timeout)
    if first_chart_drawn:
        at.session_state[FIRST_CHART_DRAWN] = True
    return at


def run_page(
    name: str,
    params: dict[str, str] | None = None,
    *,
    timeout: float = 90,
    allow_errors: bool = False,
    first_chart_drawn: bool = True,
) -> AppTest:
    """Run a page with URL query parameters; it must raise nothing (nor show an error, unless
    `allow_errors`). See `page_test` for `first_chart_drawn`."""
    at = page_test(name, timeout=timeout, first_chart_drawn=first_chart_drawn)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    if not allow_errors:
        assert not at.error, [e.value for e in at.error]
    return at


def figure_specs(at: AppTest) -> list[dict]:
    """The plotly JSON of every figure drawn (a chart of several panels draws one per panel)."""
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def charts(at: AppTest) -> list[dict]:
    """The charts of the page in order: the screen figures' meta (chart name, title, subtitle)
    with the plotly JSON of each of its figures under 'figures'."""
    out: dict[str, dict] = {}
    for spec in figure_specs(at):
        meta = spec["layout"]["meta"]
        out.setdefault(meta["chart"], {**meta, "figures": []})["figures"].append(spec)
    return list(out.values())


def chart_spec(at: AppTest, index: int) -> dict:
    """The plotly JSON of the index-th chart of the page (its first panel)."""
    return charts(at)[index]["figures"][0]


def chart_titles(at: AppTest) -> list[str]:
    """The title (the takeaway sentence) of each chart of the page, in order."""
    return [c["title"] for c in charts(at)]


def plotly_array(value: object) -> np.ndarray:
    """A plotly JSON array: a list, or a typed array {'dtype', 'bdata'[, 'shape']}."""
    if isinstance(value, dict) and "bdata" in value:
        arr = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        if "shape" in value:
            arr = arr.reshape([int(n) for n in str(value["shape"]).split(",")])
        return arr
    return np.asarray(value, dtype=object)
