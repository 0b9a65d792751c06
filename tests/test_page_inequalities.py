"""AppTest of the inequalities page with the bundled snapshot: sections, the income-group
classification toggle and its `fy` URL parameter."""

from __future__ import annotations

import json

from apptest import chart_titles, run_page
from streamlit.testing.v1 import AppTest

from dashboard.figures.overview import income_gap_chart
from indicators.analytics.groups import fiscal_years
from indicators.catalogue import load_catalogue

CAT = load_catalogue()
TUNIS = 2006


def run(params: dict[str, str] | None = None) -> AppTest:
    return run_page("inequalities", params, timeout=90)


def gap_title(at: AppTest) -> str:
    return next(t for t in chart_titles(at) if "income gap" in t)


def test_sections_render_with_todays_classification(bundled_snapshot) -> None:
    at = run()
    assert [h.value for h in at.header] == [
        "Gender", "Urban and rural areas", "Young people and the rest", "Income groups",
    ]  # fmt: skip
    assert len(at.get("plotly_chart")) == 8
    assert at.radio[0].value == max(fiscal_years(bundled_snapshot))
    expected = income_gap_chart(bundled_snapshot, CAT, basis="computed", fiscal_year=None)
    assert expected.title in gap_title(at)
    assert [m.label.split(" (")[0] for m in at.metric] == ["At parity", "Women ahead", "Men ahead"]


def test_fy_parameter_takes_the_groups_of_the_tunis_year(bundled_snapshot) -> None:
    at = run({"fy": "FY06"})
    assert at.radio[0].value == TUNIS
    expected = income_gap_chart(bundled_snapshot, CAT, basis="computed", fiscal_year=TUNIS)
    assert expected.title in gap_title(at) and "FY06" in gap_title(at)
    at.radio[0].set_value(max(fiscal_years(bundled_snapshot))).run()
    assert "fy" not in at.query_params  # today's classification is the default view
    assert "today's groups" in gap_title(at)
    at.radio[0].set_value(TUNIS).run()
    assert at.query_params["fy"] == "FY06"


def test_gender_toggle_shows_every_economy(bundled_snapshot) -> None:
    at = run()
    before = chart_titles(at)[0].split("</b>")
    rows_before = len(json.loads(at.get("plotly_chart")[0].proto.spec)["data"][1]["y"])
    at.toggle[0].set_value(True).run()
    after = chart_titles(at)[0].split("</b>")
    assert after[0] == before[0]  # the counts in the title do not depend on the toggle
    assert "widest gaps" in before[1] and "all economies" in after[1]
    rows_after = len(json.loads(at.get("plotly_chart")[0].proto.spec)["data"][1]["y"])
    assert rows_after > rows_before
