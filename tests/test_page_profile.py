"""AppTest of the economy profile page with the bundled snapshot: the picker, the `economy` URL
parameter and the figures' data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.cards import profile_cards
from indicators.catalogue import load_catalogue
from indicators.snapshot import load_snapshot

PAGE = str(Path(__file__).resolve().parents[1] / "dashboard" / "pages" / "profile.py")
CAT = load_catalogue()


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


def test_default_profile_is_the_world(snap) -> None:
    at = run()
    assert at.selectbox[0].value == "WLD"
    assert [m.value for m in at.metric] == [
        c.value_text for c in profile_cards(snap, CAT, entity="WLD")
    ]
    assert titles(at)[0].startswith("<b>World:")
    assert any("no income classification" in i.value for i in at.info)  # groups have no history


def test_economy_parameter_and_picker_round_trip(snap) -> None:
    at = run({"economy": "KEN"})
    name = snap.entity_index.at["KEN", "name"]
    assert at.selectbox[0].value == "KEN"
    assert [m.value for m in at.metric] == [
        c.value_text for c in profile_cards(snap, CAT, entity="KEN")
    ]
    assert len(titles(at)) == 3 and all(name in t for t in titles(at))
    at.selectbox[0].set_value("IND").run()
    assert at.query_params["economy"] == "IND"
    india = snap.entity_index.at["IND", "name"]
    assert all(india in t for t in titles(at)) and not any(name in t for t in titles(at))
    assert [m.value for m in at.metric] == [
        c.value_text for c in profile_cards(snap, CAT, entity="IND")
    ]


def test_unknown_economy_falls_back_with_a_notice() -> None:
    at = run({"economy": "XXX"})
    assert any("economy" in i.value for i in at.info)
    assert at.selectbox[0].value == "WLD"
