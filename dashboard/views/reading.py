"""The reading guide ("How to read these figures") as the app shows it, through the cache seam."""

from __future__ import annotations

from indicators.catalogue import Catalogue
from indicators.narrative.reading import ReadingNote, reading_notes
from indicators.store.snapshot import Snapshot


def reading_guide(snapshot: Snapshot, catalogue: Catalogue) -> tuple[ReadingNote, ...]:
    """The plain-language notes for this snapshot (`indicators.narrative.reading`), in the
    `compute(func)` signature the pages use; the same notes as the brief and the deck."""
    del catalogue  # the guide depends on the rules and the snapshot only
    return reading_notes(snapshot)
