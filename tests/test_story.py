"""The deck's story (dashboard.deck.story and story.yaml): the declaration loads into frozen
dataclasses and is checked; quotes are the note's words; chart slides' takeaways and native
charts agree with their data; selections, moves and the supported baselines."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from dashboard.deck import story as S
from dashboard.deck.native import NativeChart
from indicators.declared import DeclarationError, read_yaml
from indicators.errors import AnalysisError, UnknownCodeError

NOTE = Path(__file__).resolve().parents[2] / "shared" / "seed" / "briefing-note.txt"


@pytest.fixture(scope="module")
def document() -> dict:
    return read_yaml(S.STORY_PATH, what="story")


@pytest.fixture(scope="module")
def story() -> S.Story:
    return S.load_story()


@pytest.fixture(scope="module")
def built(bundled_snapshot, catalogue):
    """Every chart slide's dashboard chart and takeaway, for the bundled snapshot."""
    out = {}
    for sid, spec in S.CHART_SLIDES.items():
        chart = spec.build(bundled_snapshot, catalogue, 2005)
        out[sid] = (chart, spec.headline(chart, bundled_snapshot, catalogue, 2005),
                    spec.native(chart, catalogue))  # fmt: skip
    return out


# --- the declaration ----------------------------------------------------------------------------


def test_story_loads_into_frozen_dataclasses(story):
    assert isinstance(story, S.Story) and dataclasses.is_dataclass(story)
    with pytest.raises(dataclasses.FrozenInstanceError):
        story.title.title = "changed"  # type: ignore[misc]
    assert story.title.title == (
        "Progress in the Implementation of WSIS outcomes, Challenges and Areas for Continued Focus"
    )
    assert story.title.date == dt.date(2025, 5, 30)
    assert "Conference Room 1" in story.title.venue and "Secretariat" in story.title.presenter
    kinds = [s.kind for s in story.slides]
    assert kinds[:2] == ["title", "agenda"] and {"map", "claims", "questions", "messages"} <= set(
        kinds
    )
    assert [s.id for s in story.sections][:3] == ["progress", "challenges", "focus"]
    assert len(story.questions) == 3 and len(story.focus) == 4


def test_every_item_has_evidence_or_a_named_gap(story, catalogue):
    for item in (*story.progress, *story.focus):
        assert item.evidence or item.area or item.usual_source, item.id
        for spec in item.evidence:
            catalogue.indicator(spec.indicator)  # an unknown code fails
        if item.area:
            assert catalogue.area(item.area).gap_source


def test_every_chart_slide_and_message_is_known(story):
    charts = {s.id for s in story.slides if s.kind == "chart"}
    assert charts == set(S.CHART_SLIDES)
    assert set(story.messages) <= charts | {"gaps"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["slides"].append({"id": "title", "kind": "title", "label": "again"}), "more than once"),
        (lambda d: d["slides"].append({"id": "x", "kind": "poster", "label": "X"}), "unknown kind"),
        (lambda d: d["slides"].append({"id": "x", "kind": "chart", "label": "X"}), "CHART_SLIDES"),
        (lambda d: d["slides"].append({"id": "x", "kind": "items", "label": "X", "items": ["nope"]}),
         "unknown story item code 'nope'"),
        (lambda d: d["slides"][3].update(section="elsewhere"), "unknown section"),
        (lambda d: d["progress"][0].pop("quote"), "lacks the field 'quote'"),
        (lambda d: d["progress"][0].update(evidence=[], area="", usual_source=""), "give evidence"),
        (lambda d: d["progress"][0]["evidence"][0].update(since="ever"), "'since'"),
        (lambda d: d["title"].update(date="30 May"), "YYYY-MM-DD"),
        (lambda d: d.update(messages=["nope"]), "message 'nope'"),
    ],
)  # fmt: skip
def test_a_broken_declaration_is_refused_with_a_clear_message(document, change, message):
    doc = copy.deepcopy(document)
    change(doc)
    with pytest.raises((DeclarationError, UnknownCodeError), match=message):
        S.parse_story(doc)


@pytest.mark.shared
def test_quotes_and_questions_are_the_notes_own_words(story):
    if not NOTE.is_file():
        pytest.skip(f"briefing note not present at {NOTE}")
    note = " ".join(NOTE.read_text(encoding="utf-8").replace("*", "").split())
    for item in (*story.progress, *story.focus):
        words = item.quote.strip("…").strip()
        assert words in note, item.id
        if not item.quote.startswith("…"):
            assert words[0].isupper()
    for question in story.questions:
        assert question in note
    assert story.title.title in note and story.title.venue in note


# --- options, selections, moves ------------------------------------------------------------------


def test_empty_title_fields_take_the_story_defaults(story):
    resolved = S.StoryOptions(title=" ", venue="Geneva").resolved(story)
    assert resolved.title == story.title.title and resolved.venue == "Geneva"
    assert resolved.date == story.title.date and resolved.presenter == story.title.presenter


def test_selection_order_duplicates_unknown_and_empty(story):
    assert [s.id for s in S.select_slides(story, None)] == [s.id for s in story.default_slides]
    assert [s.id for s in story.slides if s.optional] == ["areas"]  # offered, not by default
    assert [s.id for s in S.select_slides(story, ["areas"])] == ["areas"]
    picked = S.select_slides(story, ["map", " title", "map", ""])
    assert [s.id for s in picked] == ["map", "title"]
    with pytest.raises(UnknownCodeError, match="'nope'"):
        S.select_slides(story, ["title", "nope"])
    with pytest.raises(AnalysisError, match="no slides selected"):
        S.select_slides(story, [" ", ""])


def test_moving_a_slide_up_and_down_stays_within_the_ends():
    order = ("a", "b", "c")
    assert S.moved(order, "b", -1) == ("b", "a", "c")
    assert S.moved(order, "b", 1) == ("a", "c", "b")
    assert S.moved(order, "a", -1) == order and S.moved(order, "c", 1) == order
    assert S.moved(order, "zz", 1) == order


def test_baseline_range_and_one_line_errors(bundled_snapshot, catalogue):
    first, last = S.baseline_range(bundled_snapshot, catalogue)
    world = bundled_snapshot.rows("IT.NET.USER.ZS")
    assert last == int(world.loc[world["economy"] == "WLD", "year"].max()) - 1
    assert first <= 2005 < last
    S.check_baseline(bundled_snapshot, catalogue, first)
    for bad in (first - 1, last + 1, 1990, 2025):
        if first <= bad <= last:
            continue
        with pytest.raises(AnalysisError, match=f"choose a year from {first} to {last}"):
            S.check_baseline(bundled_snapshot, catalogue, bad)


# --- chart slides ---------------------------------------------------------------------------------


def test_native_charts_draw_the_chart_data(built):
    for sid, (_, headline, native) in built.items():
        assert isinstance(native, NativeChart) and native.series, sid
        assert "nan" not in headline.lower() and "nan" not in native.alt_text.lower(), sid
        table = native.table()
        assert len(table) and table["value"].notna().all(), sid
        if native.kind == "line":  # the time axis starts where the data start
            first_values = [s.values[0] for s in native.series if not s.dashed]
            assert any(v is not None for v in first_values), sid


def test_internet_use_takeaway_and_native_chart_state_the_world_values(built):
    chart, headline, native = built["internet_use"]
    world = chart.data[chart.data["entity"] == "WLD"].sort_values("year")
    first, last = world.iloc[0], world.iloc[-1]
    assert f"{last['value']:.1f}%" in headline and str(last["year"]) in headline
    assert f"{first['value']:.1f}% in {first['year']}" in headline
    line = next(s for s in native.series if s.name == "World")
    assert line.values[0] == first["value"] and line.values[-1] == last["value"]
    assert native.categories[0] == str(first["year"])


def test_pair_and_region_takeaways_match_their_data(built):
    for sid in ("urban_rural", "youth"):
        chart, headline, native = built[sid]
        row = chart.data.set_index("entity").loc["ITU_WLD"]
        assert f"{row['first']:.1f}%" in headline and f"{row['second']:.1f}%" in headline
        assert native.kind == "clustered_bar" and native.series[0].values[0] == row["first"]
    chart, headline, native = built["regions"]
    assert native.kind == "bar" and len(native.categories) == len(chart.data)
    assert all("reported" in c for c in native.categories)
    assert (chart.data["coverage"] >= 2 / 3).all()
    assert f"{chart.data['value'].max():.1f}%" in headline


def test_offline_and_income_takeaways_match_their_data(built):
    chart, headline, native = built["offline"]
    latest = chart.data[chart.data["year"] == chart.data["year"].max()]
    world = latest.loc[latest["group"] == "WLD", "offline"].iloc[0]
    assert f"{world / 1e9:.1f} billion" in headline and native.kind == "stacked_column"
    chart, headline, native = built["income"]
    last = chart.data.sort_values("year").iloc[-1]
    assert f"{last['high']:.1f}%" in headline and f"{last['low']:.1f}%" in headline
