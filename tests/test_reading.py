"""The reading guide: declared once, filled from the rules and the snapshot, no placeholder left."""

from __future__ import annotations

import re

from indicators.narrative.reading import declared_notes, reading_notes
from indicators.rules import BASELINE_WINDOW, RECENCY_YEARS


def test_every_note_is_filled_and_names_the_rules(bundled_snapshot) -> None:
    notes = {n.id: n for n in reading_notes(bundled_snapshot)}
    assert list(notes) == [n.id for n in declared_notes()]
    assert all(not re.search(r"[{}]", n.text) for n in notes.values())
    assert f"±{BASELINE_WINDOW} years" in notes["baselines"].text
    latest = int(bundled_snapshot.observations["year"].max())
    assert f"from {latest - RECENCY_YEARS} or later" in notes["targets"].text
    for src in bundled_snapshot.descriptor.sources:
        if src.id != "derived":
            assert src.label in notes["editions"].text
    assert "FY26" in notes["classifications"].text
    assert "do not imply official endorsement" in notes["names"].text
