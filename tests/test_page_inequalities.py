"""AppTest of the inequalities page with the bundled snapshot: sections, the income-group
classification toggle and its `fy` URL parameter."""

from __future__ import annotations

from apptest import chart_spec, chart_titles, charts, run_page
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
    assert len(chart_titles(at)) == 8
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
    before = charts(at)[0]
    rows_before = len(chart_spec(at, 0)["data"][1]["y"])
    at.toggle(key="gender-all").set_value(True).run()
    after = charts(at)[0]
    assert after["title"] == before["title"]  # the counts in the title do not depend on it
    assert "widest gaps" in before["subtitle"] and "all economies" in after["subtitle"]
    rows_after = len(chart_spec(at, 0)["data"][1]["y"])
    assert rows_after > rows_before
