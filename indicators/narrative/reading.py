"""'How to read these figures': plain-language notes for the app and the deck's appendix.

The words are declared in `reading.yaml`; the few facts they quote (the baseline window, the
recency rule, the editions in the snapshot and any newer edition we do not bundle, today's
income classification) are filled in from the rules and the snapshot's descriptor.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from indicators.declared import DeclarationError, read_yaml, text
from indicators.rules import BASELINE_WINDOW, RECENCY_YEARS
from indicators.store.snapshot import Snapshot

READING_PATH = Path(__file__).with_name("reading.yaml")


@dataclass(frozen=True)
class ReadingNote:
    """One note of the reading guide: a short heading and a paragraph."""

    id: str
    heading: str
    text: str


@cache
def declared_notes(path: Path = READING_PATH) -> tuple[ReadingNote, ...]:
    """The notes as declared (placeholders not yet filled)."""
    document = read_yaml(path, what="reading guide")
    entries = document.get("notes")
    if not isinstance(entries, list) or not entries:
        raise DeclarationError(f"reading guide {path}: 'notes' must be a non-empty list")
    return tuple(
        ReadingNote(
            id=text(e, "id", "a reading note"),
            heading=text(e, "heading", f"reading note {e.get('id', '?')}"),
            text=text(e, "text", f"reading note {e.get('id', '?')}"),
        )
        for e in entries
    )


def reading_notes(snapshot: Snapshot) -> tuple[ReadingNote, ...]:
    """The reading guide for a snapshot, its placeholders filled from the rules and descriptor."""
    desc = snapshot.descriptor
    latest = int(snapshot.observations["year"].max())
    editions = "; ".join(s.label for s in desc.sources if s.id != "derived")
    newer = [
        f" {s.newer_edition.name} ({s.newer_edition.published}) is newer than the "
        f"{s.label} used here and is not in this snapshot; get it from {s.newer_edition.where}."
        for s in desc.sources
        if s.newer_edition is not None
    ]
    today = next(
        (r.vintage for r in desc.reference if r.loader == "wb_country_metadata"), "today's"
    )
    values = {
        "window": f"±{BASELINE_WINDOW}",
        "recent_from": str(latest - RECENCY_YEARS),
        "editions": editions,
        "newer": "".join(newer),
        "today": today,
    }
    return tuple(ReadingNote(n.id, n.heading, n.text.format(**values)) for n in declared_notes())
