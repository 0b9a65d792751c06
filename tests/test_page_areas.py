"""AppTest of the challenge areas page with the bundled snapshot: sections, the area filter and
its URL parameter."""

from __future__ import annotations

from apptest import chart_titles, run_page
from streamlit.testing.v1 import AppTest

from indicators.catalogue import load_catalogue

CAT = load_catalogue()
AREAS = sorted(CAT.areas, key=lambda a: a.number)


def run(params: dict[str, str] | None = None) -> AppTest:
    return run_page("areas", params, timeout=120)


def test_every_area_has_a_section_in_the_briefing_note_order() -> None:
    at = run()
    assert [s.value for s in at.subheader] == [f"{a.number}. {a.name}" for a in AREAS]
    measured = [a for a in AREAS if CAT.measures(a.id)]
    assert len(chart_titles(at)) == 1 + len(measured)  # the grid and one chart per area
    infos = " ".join(i.value for i in at.info)
    for area in AREAS:
        if area.status == "gap":
            assert area.gap_statement.split(".")[0] in infos
    assert "challenge areas measured" in chart_titles(at)[0]


def test_area_parameter_filters_and_the_filter_writes_the_link() -> None:
    gender = CAT.area("gender")
    at = run({"area": "gender"})
    assert [s.value for s in at.subheader] == [f"{gender.number}. {gender.name}"]
    assert at.selectbox[0].value == "gender"
    assert any(gender.name in t for t in chart_titles(at)[1:])
    at.selectbox[0].set_value("affordability").run()
    assert at.query_params["area"] == "affordability"
    afford = CAT.area("affordability")
    assert [s.value for s in at.subheader] == [f"{afford.number}. {afford.name}"]
    assert any(afford.name in t for t in chart_titles(at)[1:])
    at.selectbox[0].set_value("all").run()
    assert "area" not in at.query_params and len(at.subheader) == len(AREAS)


def test_unknown_area_is_ignored_with_a_notice() -> None:
    at = run({"area": "nonsense"})
    assert any("area" in i.value for i in at.info)
    assert len(at.subheader) == len(AREAS)


def test_a_later_baseline_names_itself_in_the_table_head_and_shows_no_error() -> None:
    tunis = run()
    assert any("Change since Tunis (2005)" in m.value for m in tunis.markdown)
    later = run({"baseline": "2024"})  # after some series' last year
    heads = " ".join(m.value for m in later.markdown)
    assert "Change since 2024" in heads and "Change since Tunis" not in heads
    assert "no change since 2024: the latest value is from" in heads
