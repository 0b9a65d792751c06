"""AppTest of the explorer page with the bundled snapshot: widgets, figures' data and the URL."""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest
from apptest import page_test
from streamlit.testing.v1 import AppTest

from dashboard.formatting import entity_labels

WWW = "IT.NET.USER.ZS"
BROADBAND = "IT.NET.BBND.P2"


@pytest.fixture(scope="module")
def names(bundled_snapshot):
    return entity_labels(bundled_snapshot)


def run(params: dict[str, str] | None = None) -> AppTest:
    at = page_test("explorer", timeout=60)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def _array(value):
    """A plotly JSON array: a list, or a typed array {'dtype', 'bdata'[, 'shape']}."""
    if isinstance(value, dict) and "bdata" in value:
        arr = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        if "shape" in value:
            shape = [int(n) for n in str(value["shape"]).split(",")]
            arr = arr.reshape(shape)
        return arr
    return np.asarray(value, dtype=object)


def traces(at: AppTest, index: int = 0) -> list[dict]:
    """The plotted traces of the index-th plotly chart, with x/y/z decoded."""
    spec = json.loads(at.get("plotly_chart")[index].proto.spec)
    out = []
    for trace in spec["data"]:
        t = dict(trace)
        for key in ("x", "y", "z", "locations", "customdata"):
            if key in t:
                t[key] = _array(t[key])
        out.append(t)
    return out


def assert_matches_snapshot(trace: dict, bundled_snapshot, code: str, entity: str) -> None:
    series = bundled_snapshot.wide(code).loc[entity].dropna()
    years = [int(y) for y in trace["x"]]
    assert np.allclose(np.asarray(trace["y"], dtype=float), series.loc[years].to_numpy())


def test_default_view_draws_the_default_groups(bundled_snapshot, names):
    at = run()
    assert at.title[0].value == "Explorer"
    drawn = traces(at)
    wanted = ["WLD", "HIC", "UMC", "LMC", "LIC"]
    assert [t["name"] for t in drawn] == [names[c] for c in wanted]
    for code, trace in zip(wanted, drawn, strict=True):
        assert_matches_snapshot(trace, bundled_snapshot, WWW, code)
        assert min(int(y) for y in trace["x"]) == 2005
    assert dict(at.query_params) == {}
    assert not at.warning


def test_adding_an_economy_adds_its_line_and_updates_the_url(bundled_snapshot, names):
    at = run()
    at.multiselect(key="economies").select("KEN").run()
    assert not at.exception
    drawn = {t["name"]: t for t in traces(at)}
    assert names["KEN"] in drawn
    assert_matches_snapshot(drawn[names["KEN"]], bundled_snapshot, WWW, "KEN")
    assert at.query_params["economies"] == "WLD,HIC,UMC,LMC,LIC,KEN"


def test_changing_the_indicator_changes_the_plotted_series(bundled_snapshot):
    at = run({"economies": "KEN,NGA"})
    at.selectbox(key="indicator").set_value(BROADBAND).run()
    assert not at.exception
    for trace, code in zip(traces(at), ["KEN", "NGA"], strict=True):
        assert_matches_snapshot(trace, bundled_snapshot, BROADBAND, code)
    assert at.query_params["indicator"] == BROADBAND
    assert at.query_params["economies"] == "KEN,NGA"


def test_changing_the_years_limits_the_x_range():
    at = run({"economies": "WLD"})
    at.slider(key="years").set_value((2010, 2015)).run()
    assert not at.exception
    years = [int(y) for y in traces(at)[0]["x"]]
    assert (min(years), max(years)) == (2010, 2015)
    assert at.query_params["years"] == "2010-2015"


def test_slope_uses_the_chosen_baseline(bundled_snapshot):
    at = run({"economies": "WLD,KEN", "chart": "slope"})
    at.selectbox(key="baseline").set_value(2010).run()
    assert not at.exception
    wide = bundled_snapshot.wide(WWW)
    for trace in traces(at):
        code = "WLD" if trace["name"] == "World" else "KEN"
        years = [int(y) for y in trace["customdata"][:, 0]]
        assert years[0] == 2010
        assert np.isclose(float(trace["y"][0]), wide.at[code, 2010])
        assert np.isclose(float(trace["y"][1]), wide.loc[code].dropna().iloc[-1])
    assert at.query_params["baseline"] == "2010"
    assert at.query_params["chart"] == "slope"
    table = at.dataframe[0].value
    assert set(table["point"]) == {"baseline", "latest"}


def test_ranking_of_all_economies_and_map(bundled_snapshot):
    at = run({"chart": "bar", "ranking": "economies", "indicator": BROADBAND})
    bars = traces(at)[0]
    values = np.asarray(bars["y"], dtype=float)
    assert list(values) == sorted(values, reverse=True)
    kinds = bundled_snapshot.entity_index["kind"]
    wide = bundled_snapshot.wide(BROADBAND)
    economies = [c for c in wide.index if kinds.get(c) == "economy" and wide.loc[c].notna().any()]
    assert len(values) == len(economies)
    at.segmented_control(key="chart").set_value("map").run()
    assert not at.exception
    choropleth = traces(at)[0]
    assert choropleth["type"] == "choropleth"
    assert set(choropleth["locations"]) <= set(economies)
    at.segmented_control(key="map_mode").set_value("change").run()
    assert not at.exception
    layout = json.loads(at.get("plotly_chart")[0].proto.spec)["layout"]
    assert layout["coloraxis"]["cmid"] == 0  # shapes and small-state points share the scale
    assert at.query_params["map_mode"] == "change"


def test_table_tab_shows_the_snapshot_rows(bundled_snapshot):
    at = run({"economies": "KEN", "chart": "table", "years": "2010-2020"})
    table = at.dataframe[0].value
    assert set(table["entity"]) == {"KEN"}
    expected = bundled_snapshot.wide(WWW).loc["KEN", 2010:2020].dropna()
    assert list(table["year"]) == [int(y) for y in expected.index]
    assert np.allclose(table["value"], expected.to_numpy())
    assert {"source", "vintage", "estimate"} <= set(table.columns)
    assert any(b.label == "Table (CSV)" for b in at.get("download_button"))


def test_url_parameters_round_trip():
    params = {
        "indicator": BROADBAND,
        "economies": "KEN,NGA,WLD",
        "years": "2008-2020",
        "baseline": "2010",
        "chart": "slope",
        "scale": "log",
    }
    at = run(params)
    assert at.selectbox(key="indicator").value == BROADBAND
    assert at.multiselect(key="economies").value == ["KEN", "NGA", "WLD"]
    assert at.slider(key="years").value == (2008, 2020)
    assert at.selectbox(key="baseline").value == 2010
    assert at.segmented_control(key="chart").value == "slope"
    assert at.segmented_control(key="scale").value == "log"
    assert dict(at.query_params) == params
    at.segmented_control(key="scale").set_value("linear").run()
    assert "scale" not in at.query_params
    assert at.query_params["baseline"] == "2010" and at.query_params["chart"] == "slope"


def test_bad_parameters_give_a_notice_and_the_rest_applies():
    at = run({"indicator": "NOPE", "economies": "KEN", "colour": "red"})
    notice = " ".join(i.value for i in at.info)
    assert "NOPE" in notice and "colour" in notice
    assert at.multiselect(key="economies").value == ["KEN"]
    assert at.get("plotly_chart")


def test_entities_without_values_are_named_not_fatal(names):
    at = run({"economies": "KEN,ITU_WLD"})
    assert any(names["ITU_WLD"] in w.value for w in at.warning)
    assert [t["name"] for t in traces(at)] == [names["KEN"]]


def test_indicator_without_aggregation_and_only_aggregates():
    at = run({"indicator": "i99H.URB", "economies": "WLD,ITU_WLD"})
    assert any("no population base" in w.value for w in at.warning)
    assert len(traces(at)) == 1


def test_empty_selection_asks_for_a_choice():
    at = run({"economies": ""})
    assert any("Choose at least one" in i.value for i in at.info)
    assert not at.get("plotly_chart")


def test_single_economy_slope_and_bar():
    at = run({"economies": "KEN", "chart": "slope"})
    assert len(traces(at)) == 1
    at.segmented_control(key="chart").set_value("bar").run()
    assert not at.exception and len(traces(at)[0]["y"]) == 1
