"""The presentation builder page (AppTest): thumbnails, title options, downloads, no chromium."""

from __future__ import annotations

import pytest
import streamlit as st
from apptest import page_test
from streamlit.testing.v1 import AppTest
from test_export import chromium, needs_chromium

from dashboard.deck.story import DEFAULT_DECK, DEFAULT_TITLE
from dashboard.exports import renderer

DOWNLOADS = ["PowerPoint (.pptx)", "PDF", "Charts and data (.zip)"]
EXTRA_PAGES = 1 + 1 + 1  # title, claims check, data notes


def captions(at: AppTest) -> list[str]:
    return [img.proto.imgs[0].caption for img in at.get("image")]


def downloads(at: AppTest) -> list[str]:
    return [b.proto.label for b in at.get("download_button")]


@pytest.fixture
def no_chromium(monkeypatch):
    monkeypatch.setenv(renderer.CHROMIUM_ENV, "/nonexistent/chromium")


def test_page_builds_the_deck_without_chromium_and_says_how_to_install(no_chromium):
    at = page_test("presentation", timeout=120).run()
    assert not at.exception and not at.error
    assert any("apt-get install chromium" in w.value for w in at.warning)
    shown = captions(at)
    assert len(shown) == len(DEFAULT_DECK) + EXTRA_PAGES
    assert shown[0] == f"1. {DEFAULT_TITLE}"
    assert downloads(at) == DOWNLOADS


def test_title_and_baseline_options_reach_the_deck(no_chromium):
    at = page_test("presentation", timeout=120).run()
    at.text_input(key="deck_title").input("Opening presentation, WSIS+20")
    at.number_input(key="deck_baseline").set_value(2010)
    at.button[0].click().run()
    assert not at.exception and not at.error
    shown = captions(at)
    assert shown[0] == "1. Opening presentation, WSIS+20"
    assert any("Since 2010" in c for c in shown)
    assert at.query_params.get("baseline") in ("2010", ["2010"])


@chromium
@needs_chromium
def test_page_with_pictures_renders_thumbnails_once_per_selection(monkeypatch):
    from dashboard.deck import preview

    decks = []
    real = preview.thumbnails

    def counted(deck, **kwargs):
        decks.append(deck)
        return real(deck, **kwargs)

    monkeypatch.setattr(preview, "thumbnails", counted)
    st.cache_data.clear()  # the deck is built in this test, not taken from another's
    at = page_test("presentation", timeout=180).run()
    assert not at.exception and not at.error and not at.warning
    assert len(captions(at)) == len(DEFAULT_DECK) + EXTRA_PAGES
    assert len(decks) == 1 and decks[0].images  # the deck has chart pictures
    at.run()  # a rerun with the same choices reuses the deck and its thumbnails
    assert len(decks) == 1
