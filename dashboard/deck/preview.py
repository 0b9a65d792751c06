"""A deck prepared for the Presentation page: the deck itself and a small picture of each page.

`deck_preview(snapshot, catalogue, *, options)` follows the signature of every view, so the
page gets it through the cache seam (computed once per set of choices, for every visitor) and
only when the user asks for it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image

from dashboard.deck.pages import pages_of
from dashboard.deck.pdf import compose_page
from dashboard.deck.prepare import Deck, prepare_deck
from dashboard.deck.story import StoryOptions
from indicators.catalogue import Catalogue
from indicators.store.snapshot import Snapshot

THUMB_WIDTH = 480
THUMB_PX = 72  # pixels per inch the pages are drawn at before they are shrunk


@dataclass(frozen=True)
class Thumbnail:
    """A page's number, title, text alternative and small PNG."""

    number: int
    title: str
    alt: str
    png: bytes


@dataclass(frozen=True)
class DeckPreview:
    """A prepared deck and its page thumbnails, in page order."""

    deck: Deck
    thumbnails: tuple[Thumbnail, ...]


def thumbnails(deck: Deck, *, width: int = THUMB_WIDTH) -> tuple[Thumbnail, ...]:
    """Small PNGs of every page of the deck, with their numbers, titles and alt texts."""
    out = []
    for page in pages_of(deck):
        img = compose_page(page, px=THUMB_PX * 2)
        img.thumbnail((width, width), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        img.save(buffer, format="PNG", optimize=True)
        alt = f"Slide {page.number}: {page.title}." + (
            f" {page.slide.alt}" if page.slide.alt else ""
        )
        out.append(Thumbnail(page.number, page.title, alt, buffer.getvalue()))
    return tuple(out)


def deck_preview(snapshot: Snapshot, catalogue: Catalogue, *, options: StoryOptions) -> DeckPreview:
    """The deck for `options` and its thumbnails."""
    deck = prepare_deck(snapshot, catalogue, options=options)
    return DeckPreview(deck, thumbnails(deck))
