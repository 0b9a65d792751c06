"""What every chart on a page offers (AppTest): its title and source as page text, the chart in
words with its key numbers, its data as a table on request; and widgets that follow the URL
when it changes under them (Back, Forward, an edited link)."""

from __future__ import annotations

import pytest
from apptest import charts, run_page

from dashboard.app.first_chart import FIRST_CHART_DRAWN
from dashboard.app.page_text import chart_words
from dashboard.app.registry import PAGE_NAMES
from dashboard.app.screen_figures import screen_figure
from dashboard.figures.overview import income_gap_chart, internet_use_since_tunis
from dashboard.figures.profile import profile_sections, profile_small_multiples

WORDS = "The chart in words"
TABLE = "Show the data as a table"


def test_every_chart_has_its_words_its_source_and_its_data_on_request(bundled_snapshot, catalogue):
    at = run_page("overview")
    expected = [
        internet_use_since_tunis(bundled_snapshot, catalogue),
        income_gap_chart(bundled_snapshot, catalogue),
    ]
    assert [c["title"] for c in charts(at)] == [c.title for c in expected]
    words = [e for e in at.expander if e.label == WORDS]
    assert len(words) == len(expected)
    for expander, chart in zip(words, expected, strict=True):
        assert [m.value for m in expander.markdown] == [chart_words(chart)]
        assert any(ch.isdigit() for ch in chart.alt_text)
    markdown = [m.value for m in at.markdown]
    captions = " ".join(c.value for c in at.caption)
    for chart in expected:
        assert f"**{chart.title}**" in markdown  # the title is page text above the plot
        assert chart.source.split(",")[0].removeprefix("Source: ") in captions
    assert not at.dataframe  # no data grid until asked
    at.toggle(key="overview-gap-table").set_value(True).run()
    assert len(at.dataframe) == 1 and len(at.dataframe[0].value) == len(expected[1].data)
    at.toggle(key="overview-gap-table").set_value(False).run()
    assert not at.dataframe


def test_widgets_follow_the_url_when_it_changes_under_them():
    at = run_page("profile", {"economy": "ETH"})
    assert at.selectbox(key="profile-economy").value == "ETH"
    at.selectbox(key="profile-economy").set_value("NGA").run()
    assert at.query_params["economy"] == ["NGA"] or at.query_params["economy"] == "NGA"
    at.query_params["economy"] = "ETH"  # Back: the address changes, the widget still says NGA
    at.run()
    assert at.selectbox(key="profile-economy").value == "ETH"
    assert "Ethiopia" in at.subheader[0].value
    del at.query_params["economy"]  # Back again: the bare page, the world
    at.run()
    assert at.selectbox(key="profile-economy").value == "WLD"
    assert not at.warning  # no "default value and Session State" warning from Streamlit


def test_explorer_widgets_follow_an_edited_link():
    at = run_page("explorer", {"economies": "KEN,NGA", "chart": "slope"})
    assert at.multiselect(key="economies").value == ["KEN", "NGA"]
    at.query_params["economies"] = "ETH"
    at.query_params["chart"] = "bar"
    at.run()
    assert at.multiselect(key="economies").value == ["ETH"]
    assert at.button_group(key="chart").value == "bar"
    assert at.query_params["economies"] in ("ETH", ["ETH"])


# The presentation draws slides (their alt text is checked by axe); the sources page draws its
# charts in tabs drawn only when opened, which the browser tests open.
@pytest.mark.parametrize("name", [n for n in PAGE_NAMES if n not in ("presentation", "sources")])
def test_every_chart_of_every_page_has_words_a_name_and_a_table(name):
    """Each chart drawn on a page comes with
    "The chart in words" holding numbers, a switch that shows its data, and each of its
    figures an accessible name (#14)."""
    at = run_page(name)
    drawn = charts(at)
    assert drawn, name
    words = [e for e in at.expander if e.label == WORDS]
    assert len(words) == len(drawn)
    assert all(any(ch.isdigit() for ch in w.markdown[0].value) for w in words)
    assert sum(t.label == TABLE for t in at.toggle) == len(drawn)
    alts = [c.proto.alt for c in at.get("plotly_chart")]
    assert all(alt.strip() for alt in alts), name


@pytest.mark.parametrize("name", ["overview", "areas", "inequalities", "profile", "explorer"])
def test_a_page_draws_its_first_chart_then_the_rest_once_the_browser_says_so(name):
    """Before the browser has drawn a chart (a new session), a page draws what is in view,
    its first chart, and a note; the signal (set here as the browser's script would) brings
    the rest of the page on the next run, the same as a page drawn whole (#12)."""
    whole = run_page(name)
    at = run_page(name, first_chart_drawn=False)
    first = charts(at)
    assert len(first) == 1 and first[0]["title"] == charts(whole)[0]["title"]
    assert "Drawing the rest of the page…" in [c.value for c in at.caption]
    # something is left for later: more charts, or the controls (the explorer)
    assert len(charts(whole)) > 1 or len(whole.selectbox) > len(at.selectbox)
    at.session_state[FIRST_CHART_DRAWN] = True  # what the component's callback does
    at.run()
    assert not at.exception
    assert [c["title"] for c in charts(at)] == [c["title"] for c in charts(whole)]
    assert "Drawing the rest of the page…" not in [c.value for c in at.caption]
    assert [m.value for m in at.markdown] == [m.value for m in whole.markdown]
    assert [w.value for w in at.selectbox] == [w.value for w in whole.selectbox]


def test_a_grid_first_on_a_first_screen_draws_its_first_row(bundled_snapshot, catalogue):
    """The profile's first chart is a grid of panels, each a chart the browser draws before it
    shows any: a new visitor's first screen draws its first row, the rest comes with the rest
    of the page (#12)."""
    (_, codes), *_ = profile_sections(bundled_snapshot, catalogue, entity="WLD", start=2005)
    grid = profile_small_multiples(
        bundled_snapshot, catalogue, entity="WLD", start=2005, codes=codes
    )
    columns = screen_figure(grid).columns
    whole = charts(run_page("profile"))[0]["figures"]
    first = charts(run_page("profile", first_chart_drawn=False))[0]["figures"]
    assert len(whole) > columns > 1
    assert first == whole[:columns]


def test_the_print_view_is_drawn_whole_at_once():
    at = run_page("overview", {"print": "1"}, first_chart_drawn=False)
    assert len(charts(at)) == len(charts(run_page("overview")))
