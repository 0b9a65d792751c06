"""AppTest of the inequalities page with the bundled snapshot: sections, the income-group
classification toggle and its `fy` URL parameter."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.figures_overview import income_gap_chart
from indicators.catalogue import load_catalogue
from indicators.groups import fiscal_years
from indicators.snapshot import load_snapshot

PAGE = str(Path(__file__).resolve().parents[1] / "dashboard" / "pages" / "inequalities.py")
CAT = load_catalogue()
TUNIS = 2006


@pytest.fixture(scope="module")
def snap():
    return load_snapshot()


def run(params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=90)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


def titles(at: AppTest) -> list[str]:
    return [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]


def gap_title(at: AppTest) -> str:
    return next(t for t in titles(at) if "income gap" in t)


def test_sections_render_with_todays_classification(snap) -> None:
    at = run()
    assert [h.value for h in at.header] == [
        "Gender", "Urban and rural areas", "Young people and the rest", "Income groups",
    ]  # fmt: skip
    assert len(at.get("plotly_chart")) == 8
    assert at.radio[0].value == max(fiscal_years(snap))
    expected = income_gap_chart(snap, CAT, basis="computed", fiscal_year=None)
    assert expected.title in gap_title(at)
    assert [m.label.split(" (")[0] for m in at.metric] == ["At parity", "Women ahead", "Men ahead"]


def test_fy_parameter_takes_the_groups_of_the_tunis_year(snap) -> None:
    at = run({"fy": "FY06"})
    assert at.radio[0].value == TUNIS
    expected = income_gap_chart(snap, CAT, basis="computed", fiscal_year=TUNIS)
    assert expected.title in gap_title(at) and "FY06" in gap_title(at)
    at.radio[0].set_value(max(fiscal_years(snap))).run()
    assert "fy" not in at.query_params  # today's classification is the default view
    assert "today's groups" in gap_title(at)
    at.radio[0].set_value(TUNIS).run()
    assert at.query_params["fy"] == "FY06"


def test_gender_toggle_shows_every_economy(snap) -> None:
    at = run()
    before = titles(at)[0].split("</b>")
    rows_before = len(json.loads(at.get("plotly_chart")[0].proto.spec)["data"][1]["y"])
    at.toggle[0].set_value(True).run()
    after = titles(at)[0].split("</b>")
    assert after[0] == before[0]  # the counts in the title do not depend on the toggle
    assert "widest gaps" in before[1] and "all economies" in after[1]
    rows_after = len(json.loads(at.get("plotly_chart")[0].proto.spec)["data"][1]["y"])
    assert rows_after > rows_before
