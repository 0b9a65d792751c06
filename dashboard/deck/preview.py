"""A deck prepared for the Presentation page: the deck itself and a small picture of each page.

`deck_preview(snapshot, catalogue, *, options)` follows the signature of every view, so the
page gets it through the cache seam (computed once per set of choices, for every visitor).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image

from dashboard.deck.pdf import compose_page
from dashboard.deck.prepare import Deck, pages_of, prepare_deck
from dashboard.deck.story import StoryOptions
from indicators.catalogue import Catalogue
from indicators.store.snapshot import Snapshot

THUMB_WIDTH = 480


@dataclass(frozen=True)
class DeckPreview:
    """A prepared deck and its page thumbnails: (page number, title, PNG bytes) in page order."""

    deck: Deck
    thumbnails: tuple[tuple[int, str, bytes], ...]


def thumbnails(deck: Deck, *, width: int = THUMB_WIDTH) -> tuple[tuple[int, str, bytes], ...]:
    """Small PNGs of every page of the deck, with their numbers and titles."""
    out = []
    for number, page in enumerate(pages_of(deck), start=1):
        img = compose_page(page, number)
        img.thumbnail((width, width), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        img.save(buffer, format="PNG", optimize=True)
        out.append((number, page.title, buffer.getvalue()))
    return tuple(out)


def deck_preview(snapshot: Snapshot, catalogue: Catalogue, *, options: StoryOptions) -> DeckPreview:
    """The deck for `options` and its thumbnails."""
    deck = prepare_deck(snapshot, catalogue, options=options)
    return DeckPreview(deck, thumbnails(deck))
