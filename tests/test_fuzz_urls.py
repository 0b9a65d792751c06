"""Fuzzed link parameters: `parse_view` over arbitrary queries, then every page run on a few
generated hostile or malformed queries (AppTest; bounded so the file stays under a minute).

What a query may hold: any key (known, near-known, arbitrary unicode), values that are valid
vocabulary, near-valid (a year out of range, a code in lower case, a range backwards), or
hostile (markup, paths, control characters, very long text, huge digit runs), as one string
or as a repeated parameter (a list). `parse_view` must return a valid View and one bounded,
one-line notice per ignored parameter, never raise; a page must draw without an exception and
without the generic "Something went wrong" guard message (which means an unexpected error).
"""

from __future__ import annotations

import string
import unicodedata
from dataclasses import fields
from pathlib import Path

import pytest
from apptest import page_test
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs
from streamlit.testing.v1 import AppTest

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
)
from dashboard.exports import renderer
from indicators.analytics.groups import fiscal_years
from indicators.catalogue import load_catalogue
from indicators.store.snapshot import load_snapshot

ROOT = Path(__file__).resolve().parents[1]
KNOWN = [f.name for f in fields(View)] + ["years", "page"]
NOTICE_MAX = 200  # characters: every echoed value is clipped, so a notice stays short
GUARD_MESSAGE = "Something went wrong"
# AppTest runs per page (each a fresh session); the presentation page builds a deck per run.
PAGE_EXAMPLES = {page: 5 for page in PAGE_NAMES} | {"presentation": 2}


def real_vocabulary() -> Vocabulary:
    """The vocabulary of the bundled snapshot and catalogue (as dashboard.data builds it)."""
    snap, cat = load_snapshot(), load_catalogue()
    years = snap.observations["year"]
    return Vocabulary(
        indicators=frozenset(cat.codes),
        entities=frozenset(snap.entities["code"].astype(str)),
        areas=frozenset(a.id for a in cat.areas),
        first_year=int(years.min()),
        last_year=int(years.max()),
        fiscal_years=frozenset(fiscal_years(snap)),
    )


VOCAB = real_vocabulary()
SOME_ENTITIES = sorted(VOCAB.entities)[:: max(1, len(VOCAB.entities) // 12)]
SOME_INDICATORS = sorted(VOCAB.indicators)[:: max(1, len(VOCAB.indicators) // 8)]


def hostile_text() -> hs.SearchStrategy[str]:
    return hs.sampled_from(
        [
            "<script>alert(1)</script>",
            "../../etc/passwd",
            "/dev/zero",
            "[x](https://evil.example)",
            "$x$ :red[a] :smile:",
            "a\x00b",
            "\u202eevil",
            "9" * 5000,
            "x" * 3000,
            "%{y}",
            "FY" + "0" * 30,
            "2005-2010-2015",
            "",
            " ",
        ]
    )


def near_valid() -> hs.SearchStrategy[str]:
    """Values close to valid ones: neighbouring years, lower-case codes, backwards ranges."""
    year = hs.integers(min_value=VOCAB.first_year - 3, max_value=VOCAB.last_year + 3).map(str)
    code = hs.sampled_from(SOME_ENTITIES + SOME_INDICATORS)
    return hs.one_of(
        year,
        hs.tuples(year, year).map("-".join),
        code,
        code.map(str.lower),
        hs.lists(code, max_size=MAX_ECONOMIES + 3).map(",".join),
        hs.sampled_from(CHARTS + SCALES + CHANGES + MAP_MODES + RANKINGS + PAGE_NAMES),
        hs.integers(min_value=0, max_value=120).map(lambda y: f"FY{y:02d}"),
        hs.sampled_from(sorted(VOCAB.areas)),
    )


def any_value() -> hs.SearchStrategy[str]:
    return hs.one_of(near_valid(), hostile_text(), hs.text(max_size=60))


def any_key() -> hs.SearchStrategy[str]:
    return hs.one_of(
        hs.sampled_from(KNOWN),
        hs.sampled_from(KNOWN).map(str.upper),
        hostile_text(),
        hs.text(max_size=30),
    )


def queries(max_size: int = 8) -> hs.SearchStrategy[dict[str, str | list[str]]]:
    value = hs.one_of(any_value(), hs.lists(any_value(), max_size=3))
    return hs.dictionaries(any_key(), value, max_size=max_size)


# --- parse_view ---------------------------------------------------------------------------------
def assert_valid(view: View) -> None:
    """Every field of the view is one the app can draw."""
    assert view.indicator in VOCAB.indicators
    assert set(view.economies) <= VOCAB.entities and len(view.economies) <= MAX_ECONOMIES
    assert len(set(view.economies)) == len(view.economies)
    assert view.economy in VOCAB.entities
    for year in (view.start, view.baseline, view.end, view.map_year):
        assert year is None or VOCAB.first_year <= year <= VOCAB.last_year
    assert view.end is None or view.start <= view.end
    assert view.fy is None or view.fy in VOCAB.fiscal_years
    assert view.area is None or view.area in VOCAB.areas
    assert view.chart in CHARTS and view.scale in SCALES and view.change in CHANGES
    assert view.map_mode in MAP_MODES and view.ranking in RANKINGS


def assert_notices(notices: list[str], params: dict) -> None:
    assert len(notices) <= len(params) + 1  # one per ignored parameter, plus start > end
    for notice in notices:
        assert isinstance(notice, str) and 0 < len(notice) <= NOTICE_MAX, notice
        assert not any(unicodedata.category(c) == "Cc" for c in notice), notice


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(queries())
def test_any_query_gives_a_valid_view_and_bounded_notices(params) -> None:
    view, notices = parse_view(params, VOCAB)
    assert_valid(view)
    assert_notices(notices, params)


@settings(max_examples=200, deadline=None)
@given(hs.dictionaries(hs.sampled_from(KNOWN), near_valid(), max_size=6))
def test_near_valid_values_are_used_or_reported(params) -> None:
    """Each known parameter either changes the view as asked or is named in a notice."""
    view, notices = parse_view(params, VOCAB)
    assert_valid(view)
    assert_notices(notices, params)
    for key, value in params.items():
        named = any(key in n or value[:10] in n for n in notices)
        if key in ("indicator", "economy", "area", "chart", "scale", "change", "ranking"):
            assert getattr(view, key) == value or named or (key == "area" and not value)
        if key == "map_mode":
            assert view.map_mode == value or named


@pytest.mark.parametrize(
    "value",
    ["9" * 5000, "١٢٣٤", "²⁰⁰⁵", "0x7d5", "2005.0", "+2005", "2005 ", "\t2005\n", "-2005"],
)
def test_years_that_are_not_plain_digits_never_raise(value: str) -> None:
    for key in ("start", "end", "baseline", "map_year", "fy", "years"):
        view, notices = parse_view({key: value}, VOCAB)
        assert_valid(view)
        assert_notices(notices, {key: value})
    assert parse_view({"fy": "9" * 5000}, VOCAB)[1], "a huge fiscal year must be reported"


def test_notices_clip_long_keys_and_values() -> None:
    long_key, long_value = "k" * 5000, "v" * 5000
    _, notices = parse_view({long_key: "1", "indicator": long_value, "page": long_value}, VOCAB)
    assert len(notices) == 3 and all(len(n) <= NOTICE_MAX for n in notices)
    assert all("k" * 41 not in n and "v" * 41 not in n for n in notices)


def test_control_characters_never_reach_a_notice() -> None:
    params = {"a\x00b": "1", "economies": "WLD,\x1b[31m", "indicator": "x\ny\u202e"}
    _, notices = parse_view(params, VOCAB)
    assert len(notices) == 3
    assert_notices(notices, params)
    assert not any("\u202e" in n for n in notices)


# --- every page on generated queries (AppTest) --------------------------------------------------
def run_page(page: str, params: dict[str, str | list[str]]) -> AppTest:
    at = page_test(page, timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def page_texts(at: AppTest) -> list[str]:
    kinds = ("markdown", "caption", "info", "warning", "error", "title", "subheader")
    return [str(e.value) for kind in kinds for e in getattr(at, kind)]


def valid_for(key: str) -> hs.SearchStrategy[str]:
    """A value the page will use for a known key (so generated views really differ)."""
    year = hs.integers(min_value=VOCAB.first_year, max_value=VOCAB.last_year).map(str)
    choices = {
        "indicator": hs.sampled_from(sorted(VOCAB.indicators)),
        "economies": hs.lists(hs.sampled_from(SOME_ENTITIES), max_size=6).map(",".join),
        "economy": hs.sampled_from(SOME_ENTITIES),
        "area": hs.sampled_from(sorted(VOCAB.areas)),
        "chart": hs.sampled_from(CHARTS),
        "scale": hs.sampled_from(SCALES),
        "change": hs.sampled_from(CHANGES),
        "map_mode": hs.sampled_from(MAP_MODES),
        "ranking": hs.sampled_from(RANKINGS),
        "page": hs.sampled_from(PAGE_NAMES),
        "fy": hs.sampled_from(sorted(VOCAB.fiscal_years)).map(lambda y: f"FY{y % 100:02d}"),
        "years": hs.tuples(year, year).map(lambda ab: "-".join(sorted(ab))),
    }
    return choices.get(key, year)


def page_queries() -> hs.SearchStrategy[dict[str, str | list[str]]]:
    """Queries for page runs: known keys with valid, near-valid or hostile values (valid ones
    twice as likely, so the views really change), and a hostile or arbitrary extra."""
    pair = hs.sampled_from(KNOWN).flatmap(
        lambda k: hs.tuples(
            hs.just(k), hs.one_of(valid_for(k), valid_for(k), near_valid(), hostile_text())
        )
    )
    known = hs.lists(pair, min_size=2, max_size=6).map(dict)
    return hs.tuples(known, queries(max_size=2)).map(lambda kq: {**kq[1], **kq[0]})


@pytest.mark.parametrize("page", PAGE_NAMES)
def test_pages_draw_any_generated_query(page: str, monkeypatch) -> None:
    monkeypatch.setenv(renderer.CHROMIUM_ENV, "/nonexistent/chromium")  # no deck pictures

    @settings(
        max_examples=PAGE_EXAMPLES[page],
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(page_queries())
    def check(params) -> None:
        at = run_page(page, params)
        assert not at.exception, (params, at.exception)
        texts = page_texts(at)
        assert not [t for t in texts if GUARD_MESSAGE in t], (params, texts)
        for text in texts:
            assert "<script" not in text.replace(r"\<script", ""), (params, text)
            assert "\x00" not in text and "9" * 41 not in text, (params, text)

    check()


def test_printable_ascii_keys_are_all_reported() -> None:
    """Every printable ASCII character as a key: the unknown ones are named, none raises."""
    params = {c: "1" for c in string.printable if c.strip()}
    view, notices = parse_view(params, VOCAB)
    assert view == View() and len(notices) == len(params)
