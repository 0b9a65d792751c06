"""AppTest of the overview page ("Since Tunis") with the bundled snapshot."""

from __future__ import annotations

import base64

import numpy as np
from apptest import chart_spec, chart_titles, run_page
from streamlit.testing.v1 import AppTest

from dashboard.views.cards import headline_cards
from indicators.catalogue import load_catalogue
from indicators.narrative.claims import check_claims

CAT = load_catalogue()


def run(params: dict[str, str] | None = None) -> AppTest:
    return run_page("overview", params, timeout=90)


def values(value) -> list:
    """A plotly JSON array: a list or a typed array {'dtype', 'bdata'}."""
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).tolist()
    return list(value)


def test_overview_renders_cards_charts_claims_and_points(bundled_snapshot) -> None:
    at = run()
    cards = headline_cards(bundled_snapshot, CAT)
    assert [m.label for m in at.metric] == [c.label for c in cards]
    assert [m.value for m in at.metric] == [c.value_text for c in cards]
    captions = " ".join(c.value for c in at.caption)
    assert all(c.caption in captions for c in cards)
    titles = chart_titles(at)
    assert len(titles) == 2
    assert "World Internet use" in titles[0] and "income gap" in titles[1]
    markdown = " ".join(m.value for m in at.markdown)
    for check in check_claims(bundled_snapshot, CAT):
        assert check.verdict in markdown
    subheaders = [s.value for s in at.subheader]
    assert "Talking points" in subheaders and any("claims" in s for s in subheaders)


def test_baseline_parameter_moves_the_cards_and_chart(bundled_snapshot) -> None:
    at = run({"baseline": "2010"})
    assert at.metric[0].label.endswith("2010")
    lines = [t for t in chart_spec(at, 0)["data"] if t.get("mode") == "lines+markers"]
    assert lines and all(min(values(t["x"])) == 2010 for t in lines)
    assert at.query_params["baseline"] == "2010"  # the link keeps its view


def test_malformed_parameter_gives_a_notice_not_an_error() -> None:
    at = run({"baseline": "tunis"})
    assert any("baseline" in i.value for i in at.info)
    assert at.metric[0].label.endswith("2005")
