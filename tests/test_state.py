"""The shareable view: URL query <-> View, every parameter, malformed values and round trips."""

from __future__ import annotations

from dataclasses import fields, replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.app.registry import PAGE_NAMES
from dashboard.app.state import (
    CHANGES,
    CHARTS,
    MAP_MODES,
    MAX_ECONOMIES,
    RANKINGS,
    SCALES,
    View,
    Vocabulary,
    parse_view,
    view_to_params,
)

ENTITIES = ("WLD", "HIC", "LIC", "E01", "E02", "E03", "ITU_WLD")
INDICATORS = ("IT.NET.USER.ZS", "i99H", "IT.NET.BBND.P2")
AREAS = ("access", "gender")


@pytest.fixture
def vocab() -> Vocabulary:
    return fixture_vocab()


def fixture_vocab() -> Vocabulary:
    """A small vocabulary made up for these tests (years 2000-2025, FY89-FY26)."""
    return Vocabulary(
        indicators=frozenset(INDICATORS),
        entities=frozenset(ENTITIES),
        areas=frozenset(AREAS),
        first_year=2000,
        last_year=2025,
        fiscal_years=frozenset(range(1989, 2027)),
    )


def test_empty_query_gives_the_default_view(vocab):
    view, notices = parse_view({}, vocab)
    assert view == View()
    assert notices == []
    assert view_to_params(View()) == {}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"indicator": "i99H"}, {"indicator": "i99H"}),
        ({"economies": "E01,WLD"}, {"economies": ("E01", "WLD")}),
        ({"economies": "E01,E01,WLD"}, {"economies": ("E01", "WLD")}),
        ({"economies": ""}, {"economies": ()}),
        ({"economy": "E02"}, {"economy": "E02"}),
        ({"start": "2010"}, {"start": 2010}),
        ({"end": "2020"}, {"end": 2020}),
        ({"years": "2008-2019"}, {"start": 2008, "end": 2019}),
        ({"baseline": "2007"}, {"baseline": 2007}),
        ({"chart": "map"}, {"chart": "map"}),
        ({"scale": "log"}, {"scale": "log"}),
        ({"change": "relative"}, {"change": "relative"}),
        ({"map_mode": "change"}, {"map_mode": "change"}),
        ({"map_year": "2015"}, {"map_year": 2015}),
        ({"fy": "FY05"}, {"fy": 2005}),
        ({"fy": "fy95"}, {"fy": 1995}),
        ({"fy": "2010"}, {"fy": 2010}),
        ({"area": "gender"}, {"area": "gender"}),
        ({"ranking": "economies"}, {"ranking": "economies"}),
        ({"page": "explorer"}, {}),
    ],
)
def test_every_parameter_parses(vocab, params, expected):
    view, notices = parse_view(params, vocab)
    assert notices == []
    assert view == replace(View(), **expected)


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"indicator": "NOPE"}, "not an indicator"),
        ({"economies": "XXX,YYY"}, "XXX, YYY"),
        ({"economy": "XXX"}, "not an economy"),
        ({"start": "1990"}, "not a year"),
        ({"end": "20x0"}, "not a year"),
        ({"baseline": "2099"}, "not a year"),
        ({"years": "2010"}, "not a range"),
        ({"years": "2010-20"}, "not a range"),
        ({"chart": "pie"}, "expected one of"),
        ({"scale": "sqrt"}, "expected one of"),
        ({"change": "both"}, "expected one of"),
        ({"map_mode": "3d"}, "expected one of"),
        ({"map_year": "x"}, "not a year"),
        ({"fy": "FYAB"}, "not a fiscal year"),
        ({"fy": "FY50"}, "no income classification"),
        ({"area": "space"}, "not a challenge area"),
        ({"ranking": "all"}, "expected one of"),
        ({"page": "nowhere"}, "not a page"),
        ({"colour": "red"}, "unknown link parameter 'colour'"),
    ],
)
def test_malformed_and_unknown_values_give_notices(vocab, params, fragment):
    view, notices = parse_view(params, vocab)
    assert len(notices) == 1
    assert fragment in notices[0]
    key = next(iter(params))
    assert key in notices[0] or "page" in notices[0]
    if key in {f.name for f in fields(View)}:  # the bad value was ignored, the default kept
        assert getattr(view, key) == getattr(View(), key)


def test_an_unknown_economy_code_is_dropped_alone_and_named(vocab):
    known = sorted(vocab.entities)[:2]
    view, notices = parse_view({"economies": f"FOO,{known[0]},BAR,{known[1]}"}, vocab)
    assert view.economies == tuple(known)
    assert len(notices) == 1 and "FOO, BAR" in notices[0] and known[0] not in notices[0]


def test_a_bad_parameter_does_not_spoil_the_others(vocab):
    view, notices = parse_view({"indicator": "i99H", "chart": "pie", "baseline": "2008"}, vocab)
    assert (view.indicator, view.chart, view.baseline) == ("i99H", View().chart, 2008)
    assert len(notices) == 1


def test_start_after_end_is_ignored(vocab):
    view, notices = parse_view({"start": "2020", "end": "2010"}, vocab)
    assert (view.start, view.end) == (View().start, None)
    assert any("start year was after the end year" in n for n in notices)


def test_too_many_economies(vocab):
    many = ",".join(["E01", "E02", "E03", "WLD", "HIC", "LIC", "ITU_WLD"] * 6)
    # duplicates collapse, so build a vocabulary with enough distinct codes
    codes = [f"X{i:02d}" for i in range(MAX_ECONOMIES + 1)]
    big = replace(fixture_vocab(), entities=frozenset(codes))
    view, notices = parse_view({"economies": ",".join(codes)}, big)
    assert view.economies == View().economies
    assert any(f"more than {MAX_ECONOMIES}" in n for n in notices)
    assert parse_view({"economies": many}, fixture_vocab())[1] == []


def test_repeated_parameters_take_the_last_value(vocab):
    view, _ = parse_view({"chart": ["line", "bar"]}, vocab)
    assert view.chart == "bar"


def test_params_only_hold_what_differs_and_respect_keys():
    view = replace(View(), indicator="i99H", chart="bar", economy="E01")
    assert view_to_params(view) == {"indicator": "i99H", "chart": "bar", "economy": "E01"}
    assert view_to_params(view, keys=["indicator"]) == {"indicator": "i99H"}
    assert view_to_params(replace(View(), start=2010, end=2020)) == {"years": "2010-2020"}
    assert view_to_params(replace(View(), start=2010)) == {"start": "2010"}
    assert view_to_params(replace(View(), fy=2005)) == {"fy": "FY05"}
    assert view_to_params(replace(View(), economies=())) == {"economies": ""}


def test_pages_are_the_navigation_pages():
    assert set(PAGE_NAMES) == {
        "overview",
        "areas",
        "inequalities",
        "profile",
        "explorer",
        "sources",
        "presentation",
    }


YEARS = st.integers(min_value=2000, max_value=2025)


@st.composite
def views(draw) -> View:
    """Any valid view over the fixture vocabulary."""
    start = draw(YEARS)
    end = draw(st.none() | st.integers(min_value=start, max_value=2025))
    economies = draw(
        st.lists(st.sampled_from(ENTITIES), unique=True, max_size=len(ENTITIES)).map(tuple)
    )
    return View(
        indicator=draw(st.sampled_from(INDICATORS)),
        economies=economies,
        economy=draw(st.sampled_from(ENTITIES)),
        start=start,
        end=end,
        baseline=draw(YEARS),
        chart=draw(st.sampled_from(CHARTS)),
        scale=draw(st.sampled_from(SCALES)),
        change=draw(st.sampled_from(CHANGES)),
        map_mode=draw(st.sampled_from(MAP_MODES)),
        map_year=draw(st.none() | YEARS),
        fy=draw(st.none() | st.integers(min_value=1989, max_value=2026)),
        area=draw(st.none() | st.sampled_from(AREAS)),
        ranking=draw(st.sampled_from(RANKINGS)),
    )


@settings(max_examples=300, deadline=None)
@given(views())
def test_round_trip_of_any_valid_view(view):
    params = view_to_params(view)
    assert all(isinstance(v, str) for v in params.values())
    back, notices = parse_view(params, fixture_vocab())
    assert notices == []
    assert back == view


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from([f.name for f in fields(View)] + ["years", "x"]), st.text()))
def test_any_query_parses_to_a_valid_view_without_raising(params):
    view, notices = parse_view(params, fixture_vocab())
    assert isinstance(view, View)
    assert view.chart in CHARTS and view.scale in SCALES
    assert view.economies == View().economies or set(view.economies) <= set(ENTITIES)
    assert view.end is None or view.start <= view.end
    assert all(isinstance(n, str) and n for n in notices)
