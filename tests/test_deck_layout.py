"""Slide geometry (dashboard.deck.layout and pages): tables and lists split over slides with at
most eight rows each and evenly, titles fitted, no word broken, time axes labelled to the end."""

from __future__ import annotations

import itertools

import pytest

from dashboard.deck import layout
from dashboard.deck.pages import pages_of
from dashboard.deck.powerpoint import year_step
from dashboard.exports import text_metrics


def test_rows_split_evenly_with_at_most_eight_a_slide():
    heights = [0.5] * 20
    ranges = layout.split_rows(heights, room=5.0, header=0.4)
    sizes = [b - a for a, b in ranges]
    assert sum(sizes) == 20 and max(sizes) <= layout.MAX_ROWS
    assert max(sizes) - min(sizes) <= 1  # no nearly empty last slide
    assert ranges[0][0] == 0 and all(a == b for (_, a), (b, _) in itertools.pairwise(ranges))


def test_a_row_taller_than_the_slide_gets_its_own():
    assert layout.split_rows([0.5, 9.0, 0.5], room=4.0, header=0.4) == [(0, 1), (1, 2), (2, 3)]
    assert layout.split_rows([], room=4.0, header=0.4) == [(0, 0)]


def test_column_widths_never_break_a_word():
    cells = [["Claim", "Year"], ["a long sentence " * 8, "2025"]]
    widths = layout.column_widths(cells, 12, pt=18)
    need = text_metrics.text_width("2025", size=round(18 * 96 / 72), bold=True) / 96
    assert widths[1] >= need and abs(sum(widths) - 12) < 1e-6


def test_titles_fit_two_lines_at_24_points_or_more(default_deck):
    for page in pages_of(default_deck):
        if page.kind == "title":
            continue
        size = layout.title_size(page.title, width_in=layout.DEFAULT_FRAME.title_width)
        lines = layout.text_lines(page.title, width_in=layout.DEFAULT_FRAME.title_width, pt=size,
                                  bold=True)  # fmt: skip
        assert size >= 24 and lines <= 2, page.title


def test_every_page_fits_above_its_footer(default_deck):
    frame = layout.DEFAULT_FRAME
    for page in pages_of(default_deck):
        if page.slide.table is not None and not page.tiles:
            start, end = page.rows
            assert 0 < end - start <= layout.MAX_ROWS
            header = layout.row_height(
                list(page.slide.table.columns), page.widths, pt=18, bold=True
            )
            rows = sum(layout.row_height([c.text for c in r], page.widths, pt=18)
                       for r in page.slide.table.rows[start:end])  # fmt: skip
            assert frame.body_top + header + rows <= page.footer_top or end - start == 1
        assert page.text_pt >= layout.MIN_TEXT_PT
        assert page.footer_top + 0.1 < frame.height


@pytest.mark.parametrize(("span", "step"), [(5, 1), (12, 1), (20, 5), (16, 4), (14, 2), (19, 5)])
def test_time_axes_are_labelled_to_their_last_year(span, step):
    assert year_step(span) == step


@pytest.mark.parametrize(
    "frame",
    [layout.DEFAULT_FRAME, layout.Frame(width=10, height=7.5, text_scale=1.25, foot=0.7)],
    ids=["built-in", "4:3 template"],
)
def test_the_agenda_with_its_page_spans_fits_its_slide(default_deck, frame):
    (agenda,) = [p for p in pages_of(default_deck, frame) if p.kind == "agenda"]
    texts = [f"1.  {b.full}" for b in agenda.bullets]
    room = agenda.footer_top - 0.15 - frame.body_top
    ranges = layout.split_paragraphs(
        texts, width_in=frame.measure(frame.body_width), room=room, pt=agenda.text_pt,
        gap=agenda.text_pt * 0.6 / 72,
    )  # fmt: skip
    assert len(ranges) == 1 and agenda.text_pt >= layout.MIN_TEXT_PT
    assert all("\u00a0" in b.full for b in agenda.bullets)  # "slides 3 to 7" never breaks
