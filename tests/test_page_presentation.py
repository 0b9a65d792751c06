"""The presentation builder page (AppTest): nothing is built on the first visit; slides move up
and down and can be left out; the deck is built when asked, with the title slide's words and
the baseline chosen; thumbnails and downloads follow."""

from __future__ import annotations

import pytest
import streamlit as st
from apptest import page_test
from streamlit.testing.v1 import AppTest
from test_export import chromium, needs_chromium

from dashboard.deck.story import load_story
from dashboard.exports import renderer

DOWNLOADS = ["PowerPoint (.pptx)", "PDF", "Charts and data (.zip)"]


def captions(at: AppTest) -> list[str]:
    return [img.proto.imgs[0].caption for img in at.get("image")]


def downloads(at: AppTest) -> list[str]:
    return [b.proto.label for b in at.get("download_button")]


def listed(at: AppTest) -> list[str]:
    labels = {s.label for s in load_story().slides}
    out = []
    for m in at.markdown:
        text = m.value.replace("\\", "")
        head, _, rest = text.partition(". ")
        if head.isdigit() and rest in labels:
            out.append(rest)
    return out


def build(at: AppTest) -> AppTest:
    return next(b for b in at.button if b.label == "Build the deck").click().run()


@pytest.fixture
def no_chromium(monkeypatch):
    monkeypatch.setenv(renderer.CHROMIUM_ENV, "/nonexistent/chromium")


def test_nothing_is_built_on_the_first_visit(monkeypatch):
    from dashboard.deck import preview

    calls = []
    monkeypatch.setattr(preview, "prepare_deck", lambda *a, **k: calls.append(a))
    at = page_test("presentation", timeout=120).run()
    assert not at.exception and not at.error
    assert calls == [] and captions(at) == [] and downloads(at) == []
    assert any("Nothing is built yet" in i.value for i in at.info)
    assert listed(at) == [s.label for s in load_story().default_slides]
    assert any("The challenge areas in figures~~ (left out)" in m.value for m in at.markdown)


def test_slides_move_up_and_down_and_can_be_left_out():
    at = page_test("presentation", timeout=120).run()
    story = [s.label for s in load_story().slides]
    at.button(key="deck-down-title").click().run()
    assert listed(at)[:2] == [story[1], story[0]]
    at.button(key="deck-up-title").click().run()
    assert listed(at)[:2] == story[:2]
    at.checkbox(key="deck-inc-agenda").uncheck().run()
    assert any("left out" in m.value for m in at.markdown)
    assert at.button(key="deck-up-title").disabled


def test_the_deck_is_built_when_asked_with_the_chosen_words(no_chromium):
    at = page_test("presentation", timeout=240).run()
    for sid in [s.id for s in load_story().slides if s.id not in ("title", "internet_use", "map")]:
        at.checkbox(key=f"deck-inc-{sid}").uncheck()
    at.run()
    at.text_input(key="deck_title").input("Opening presentation, WSIS+20")
    at.text_input(key="deck_venue").input("Geneva")
    at.number_input(key="deck_baseline").set_value(2010)
    build(at)
    assert not at.exception and not at.error
    shown = captions(at)
    assert shown[0] == "1. Opening presentation, WSIS+20" and len(shown) == 3
    assert any("up from" in c and "in 2010" in c for c in shown)
    assert downloads(at) == DOWNLOADS
    assert any(
        "Not drawn" in m.value and "apt-get install chromium" in m.value for m in at.markdown
    )
    assert at.query_params.get("baseline") in ("2010", ["2010"])
    at.checkbox(key="deck-inc-map").uncheck().run()  # a change after the build is pointed out
    assert any("since the deck below was built" in i.value for i in at.info)
    assert captions(at)[0] == "1. Opening presentation, WSIS+20"  # the built deck stays


def test_leaving_every_slide_out_asks_for_one(no_chromium):
    at = page_test("presentation", timeout=120).run()
    for slide in load_story().slides:
        at.checkbox(key=f"deck-inc-{slide.id}").uncheck()
    at.run()
    build(at)
    assert any("Include at least one slide" in w.value for w in at.warning)
    assert captions(at) == []


@chromium
@needs_chromium
def test_with_pictures_the_deck_is_built_once_per_set_of_choices(monkeypatch):
    from dashboard.deck import preview

    decks = []
    real = preview.thumbnails

    def counted(deck, **kwargs):
        decks.append(deck)
        return real(deck, **kwargs)

    monkeypatch.setattr(preview, "thumbnails", counted)
    st.cache_data.clear()  # the deck is built in this test, not taken from another's
    at = page_test("presentation", timeout=300).run()
    build(at)
    assert not at.exception and not at.error and not at.warning
    assert len(decks) == 1 and not decks[0].problems  # the map was drawn
    assert len(captions(at)) >= len(load_story().slides)
    at.run()  # a rerun with the same choices reuses the deck and its thumbnails
    assert len(decks) == 1


def test_a_template_that_cannot_be_used_is_one_plain_error(no_chromium):
    from test_deck_pptx import make_template

    at = page_test("presentation", timeout=240).run()
    for sid in [s.id for s in load_story().slides if s.id not in ("title", "questions")]:
        at.checkbox(key=f"deck-inc-{sid}").uncheck()
    at.run()
    mime = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    at.get("file_uploader")[0].set_value(("ours.pptx", b"not a PowerPoint file", mime))
    build(at)
    assert not at.exception
    (error,) = [e.value for e in at.error]
    assert error.startswith("Your template cannot be used:") and "PowerPoint" in error
    assert downloads(at) == DOWNLOADS  # the built-in layout is still offered
    at.get("file_uploader")[0].set_value(("ours.pptx", make_template(), mime))
    build(at)
    assert not at.exception and not at.error and downloads(at) == DOWNLOADS
