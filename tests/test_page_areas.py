"""AppTest of the challenge areas page with the bundled snapshot: sections, the area filter and
its URL parameter."""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

from indicators.catalogue import load_catalogue

PAGE = str(Path(__file__).resolve().parents[1] / "dashboard" / "pages" / "areas.py")
CAT = load_catalogue()
AREAS = sorted(CAT.areas, key=lambda a: a.number)


def run(params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=120)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


def titles(at: AppTest) -> list[str]:
    return [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]


def test_every_area_has_a_section_in_the_briefing_note_order() -> None:
    at = run()
    assert [s.value for s in at.subheader] == [f"{a.number}. {a.name}" for a in AREAS]
    measured = [a for a in AREAS if CAT.measures(a.id)]
    assert len(at.get("plotly_chart")) == 1 + len(measured)  # the grid and one chart per area
    infos = " ".join(i.value for i in at.info)
    for area in AREAS:
        if area.status == "gap":
            assert area.gap_statement.split(".")[0] in infos
    assert "challenge areas measured" in titles(at)[0]


def test_area_parameter_filters_and_the_filter_writes_the_link() -> None:
    gender = CAT.area("gender")
    at = run({"area": "gender"})
    assert [s.value for s in at.subheader] == [f"{gender.number}. {gender.name}"]
    assert at.selectbox[0].value == "gender"
    assert any(gender.name in t for t in titles(at)[1:])
    at.selectbox[0].set_value("affordability").run()
    assert at.query_params["area"] == "affordability"
    afford = CAT.area("affordability")
    assert [s.value for s in at.subheader] == [f"{afford.number}. {afford.name}"]
    assert any(afford.name in t for t in titles(at)[1:])
    at.selectbox[0].set_value("all").run()
    assert "area" not in at.query_params and len(at.subheader) == len(AREAS)


def test_unknown_area_is_ignored_with_a_notice() -> None:
    at = run({"area": "nonsense"})
    assert any("area" in i.value for i in at.info)
    assert len(at.subheader) == len(AREAS)
