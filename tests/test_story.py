"""The default deck's story: slide selection, headlines computed from the data, speaker notes."""

from __future__ import annotations

import pytest
from test_deck import fixture_specs

from dashboard.deck import story
from dashboard.deck.story import StoryOptions, build_slides, select_specs
from indicators.errors import AnalysisError, UnknownCodeError

STORY_IDS = [
    "progress",
    "offline",
    "income",
    "gender",
    "urban_rural",
    "youth",
    "affordability",
    "quality",
    "devices",
    "areas",
    "gaps",
    "sources",
]


@pytest.fixture(scope="module")
def bundled(bundled_snapshot, catalogue):
    return bundled_snapshot, catalogue


@pytest.fixture(scope="module")
def slides(default_deck):
    return {s.id: s for s in default_deck.slides}


def test_default_deck_tells_the_story_in_order():
    assert [s.id for s in story.DEFAULT_DECK] == STORY_IDS
    assert all(s.label for s in story.DEFAULT_DECK)


def test_selection_order_duplicates_unknown_and_empty():
    specs = fixture_specs()
    assert [s.id for s in select_specs(specs, None)] == ["first", "second", "table"]
    picked = select_specs(specs, ["table", " first", "table", ""])
    assert [s.id for s in picked] == ["table", "first"]
    with pytest.raises(UnknownCodeError) as err:
        select_specs(specs, ["first", "third"])
    assert "'third'" in str(err.value) and "first" in str(err.value)
    with pytest.raises(AnalysisError, match="no slides selected"):
        select_specs(specs, [" ", ""])


def test_a_failing_builder_names_its_slide(bundled):
    def broken(snapshot, catalogue, baseline):
        raise AnalysisError("no data for this fixture")

    spec = story.SlideSpec("broken", "Broken slide", broken, story.headline_title, lambda *a: [])
    with pytest.raises(AnalysisError, match=r"slide 'broken' .*no data for this fixture"):
        build_slides(*bundled, options=StoryOptions(), specs=[spec])


def test_every_slide_has_a_headline_a_source_and_cited_notes(slides):
    assert list(slides) == STORY_IDS
    for slide in slides.values():
        assert slide.headline and slide.chart.source.startswith("Source")
        assert slide.notes and slide.notes[0].citation
        assert not slide.chart.data.empty
        assert (slide.table is not None) == (slide.layout == "table")


def test_progress_headline_states_the_world_values(slides):
    slide = slides["progress"]
    world = slide.chart.data[slide.chart.data["entity"] == "WLD"].sort_values("year")
    first, last = world.iloc[0], world.iloc[-1]
    assert f"Since {first['year']}" in slide.headline
    assert f"{last['value']:.1f}%" in slide.headline and str(last["year"]) in slide.headline
    assert f"{last['value'] / first['value']:.1f}-fold" in slide.headline


def test_offline_and_income_headlines_match_their_data(slides):
    off = slides["offline"].chart.data
    latest = off[off["year"] == off["year"].max()]
    world = latest.loc[latest["group"] == "WLD", "offline"].iloc[0]
    assert f"{world / 1e9:.1f} billion" in slides["offline"].headline
    gap = slides["income"].chart.data.sort_values("year").iloc[-1]
    assert f"{gap['high']:.1f}%" in slides["income"].headline
    assert f"{gap['low']:.1f}%" in slides["income"].headline


def test_gender_and_breakdown_headlines_match_their_data(slides):
    d = slides["gender"].chart.data
    world = d[(d["group"] == "WLD") & d["kind"].astype(str).str.startswith("published")]
    assert f"{world.sort_values('year')['parity'].iloc[-1]:.2f}" in slides["gender"].headline
    for sid in ("urban_rural", "youth"):
        row = slides[sid].chart.data.set_index("entity").loc["ITU_WLD"]
        assert f"{row['first']:.1f}%" in slides[sid].headline
        assert f"{row['second']:.1f}%" in slides[sid].headline


def test_table_slides(slides, bundled):
    _, catalogue = bundled
    areas = slides["areas"].table
    assert len(areas) == len(catalogue.areas) and "Targets" in areas.columns
    gaps = slides["gaps"].table
    assert len(gaps) == sum(a.status != "measured" for a in catalogue.areas)
    sources = slides["sources"].table
    assert list(sources.columns) == ["Release", "Producer", "Vintage", "Licence"]
    assert set(sources["Vintage"]) <= set(slides["sources"].chart.data["vintage"])


def test_baseline_option_moves_the_start(bundled):
    options = StoryOptions(baseline=2010, slides=("progress", "income"))
    built = build_slides(*bundled, options=options)
    assert built[0].chart.data["year"].min() == 2010
    assert "Since 2010" in built[0].headline
    assert built[1].chart.data["year"].min() == 2010


def test_ordered_selection_sorts_by_order_number_and_drops_excluded():
    ids = ["a", "b", "c", "d"]
    assert story.ordered_selection(ids, [True, True, False, True], [3, 1, 2, 2]) == ("b", "d", "a")
    assert story.ordered_selection(ids, [True, True, True, None], [None, 1, 1, 1]) == (
        "b",
        "c",
        "a",
    )
    assert story.ordered_selection(ids, [False] * 4, [1, 2, 3, 4]) == ()
