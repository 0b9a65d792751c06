"""AppTest of the economy profile page with the bundled snapshot: the picker, the `economy` URL
parameter and the figures' data."""

from __future__ import annotations

from apptest import chart_titles, run_page
from streamlit.testing.v1 import AppTest

from dashboard.figures.profile import profile_sections, target_table
from dashboard.views.cards import profile_cards
from indicators.catalogue import load_catalogue

CAT = load_catalogue()


def run(params: dict[str, str] | None = None) -> AppTest:
    return run_page("profile", params, timeout=90)


def test_default_profile_is_the_world(bundled_snapshot) -> None:
    at = run()
    assert at.selectbox[0].value == "WLD"
    assert [m.value for m in at.metric] == [
        c.value_text for c in profile_cards(bundled_snapshot, CAT, entity="WLD")
    ]
    assert chart_titles(at)[0].startswith("World:")
    assert any("no income classification" in i.value for i in at.info)  # groups have no history


def test_economy_parameter_and_picker_round_trip(bundled_snapshot) -> None:
    at = run({"economy": "KEN"})
    name = bundled_snapshot.entity_index.at["KEN", "name"]
    assert at.selectbox[0].value == "KEN"
    assert [m.value for m in at.metric] == [
        c.value_text for c in profile_cards(bundled_snapshot, CAT, entity="KEN")
    ]
    sections = profile_sections(bundled_snapshot, CAT, entity="KEN")
    # one small-multiples chart per section, then the target chart and the income history
    assert len(chart_titles(at)) == len(sections) + 2
    assert all(name in t for t in chart_titles(at))
    at.selectbox[0].set_value("IND").run()
    assert at.query_params["economy"] == "IND"
    india = bundled_snapshot.entity_index.at["IND", "name"]
    assert all(india in t for t in chart_titles(at)) and not any(
        name in t for t in chart_titles(at)
    )
    assert [m.value for m in at.metric] == [
        c.value_text for c in profile_cards(bundled_snapshot, CAT, entity="IND")
    ]


def test_unknown_economy_falls_back_with_a_notice() -> None:
    at = run({"economy": "XXX"})
    assert any("economy" in i.value for i in at.info)
    assert at.selectbox[0].value == "WLD"


def test_target_table_is_drawn_on_request(bundled_snapshot) -> None:
    at = run({"economy": "KEN"})
    assert len(at.dataframe) == 0  # folded away until asked for: it slows the first draw
    at.toggle(key="profile-target-table").set_value(True).run()
    shown = at.dataframe[0].value
    expected = target_table(bundled_snapshot, CAT, entity="KEN")
    assert len(shown) == len(expected) > 0
    assert list(shown["target"]) == list(expected["target"])
    assert list(shown["status"]) == list(expected["status"])


def test_search_by_another_name_shows_that_economy(bundled_snapshot, catalogue) -> None:
    from dashboard.views.choices import find_entities

    code = find_entities(bundled_snapshot, catalogue, query="Turkey")[0]
    name = str(bundled_snapshot.entity_index.at[code, "name"])
    assert "turkey" not in name.lower()  # the UN name: only the search finds it by "Turkey"
    at = run()
    at.text_input(key="profile-search").input("Turkey").run()
    at.button(key=f"profile-search-{code}").click().run()
    assert not at.exception
    assert at.selectbox[0].value == code
    assert at.query_params["economy"] == code
    assert all(name in t for t in chart_titles(at))
