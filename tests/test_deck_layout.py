"""Slide geometry of the deck (dashboard.deck_layout): tables and columns fit the slide."""

from __future__ import annotations

import pandas as pd

from dashboard.deck import layout
from dashboard.deck.prepare import as_text
from dashboard.exports import text_metrics


def test_fit_table_shrinks_font_and_drops_rows_that_cannot_fit():
    text = pd.DataFrame({"a": [f"row {i} " * 12 for i in range(40)], "b": list(range(40))})
    small = layout.fit_table(as_text(text.head(3)), width_in=12, height_in=5)
    big = layout.fit_table(as_text(text), width_in=12, height_in=5)
    assert small.size == layout.TABLE_SIZES[0] and small.rows == 3
    assert big.size == layout.TABLE_SIZES[-1] and 0 < big.rows < 40
    assert sum(big.heights) <= 5


def test_column_widths_never_break_a_word():
    table = pd.DataFrame({"Claim": ["a long sentence " * 8], "Year": ["2025"]})
    widths = layout.column_widths(table, 12, pt=14)
    need = text_metrics.text_width("2025", size=round(14 * 96 / 72), bold=True) / 96
    assert widths[1] >= need and abs(sum(widths) - 12) < 1e-6
