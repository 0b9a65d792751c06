"""Helpers of the page tests: run a page with Streamlit's AppTest and read its charts.

Pages are run one at a time (their `page()` function, as st.navigation would run it) on the
bundled snapshot; the registry gives the script.
"""

from __future__ import annotations

import base64
import json

import numpy as np
from streamlit.testing.v1 import AppTest

from dashboard.app.registry import page_spec


def page_test(name: str, *, timeout: float = 90) -> AppTest:
    """An AppTest of one registered page (not run yet)."""
    return AppTest.from_string(page_spec(name).script(), default_timeout=timeout)


def run_page(
    name: str,
    params: dict[str, str] | None = None,
    *,
    timeout: float = 90,
    allow_errors: bool = False,
) -> AppTest:
    """Run a page with URL query parameters; it must raise nothing (nor show an error, unless
    `allow_errors`)."""
    at = page_test(name, timeout=timeout)
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
