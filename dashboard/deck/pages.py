"""The deck laid out as numbered pages: long tables and lists continue over as many slides as
they need, so the PowerPoint file, the PDF and the zip pack number the same pages.

`pages_of(deck, frame)` measures each slide's body in the project font for the slide size of
`frame` (the built-in 16:9 layout or a user's template) and returns the pages in order; the
agenda lists the sections with the pages each covers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dashboard.deck.layout import (
    BODY_PT,
    DEFAULT_FRAME,
    MAX_ROWS,
    MIN_TEXT_PT,
    SOURCE_PT,
    Frame,
    column_widths,
    footer_height,
    row_height,
    split_paragraphs,
    split_rows,
    tiles_fit,
)
from dashboard.deck.prepare import Bullet, Deck, SlideContent

TABLE_PT = MIN_TEXT_PT  # table text: 18 pt, the smallest slide text


@dataclass(frozen=True)
class Page:
    """One slide as laid out: which part of its content it shows, at which sizes."""

    number: int
    slide: SlideContent
    title: str
    part: int = 1
    parts: int = 1
    rows: tuple[int, int] = (0, 0)  # table rows shown [start, end)
    bullets: tuple[Bullet, ...] = ()  # paragraphs shown (text slides, agenda)
    widths: tuple[float, ...] = ()  # table column widths, inches
    footer: tuple[str, ...] = ()  # the source line, then footnotes
    footer_top: float = 0.0
    text_pt: int = BODY_PT
    tiles: bool = False  # the challenge areas drawn as tiles (else as a table)

    @property
    def kind(self) -> str:
        return self.slide.kind

    @property
    def stem(self) -> str:
        """The file stem of this page in the zip pack: number, slide id, part."""
        suffix = f"-{self.part}" if self.parts > 1 else ""
        return f"{self.number:02d}-{self.slide.id}{suffix}"


def _footer(slide: SlideContent) -> tuple[str, ...]:
    return tuple(x for x in (slide.source, *slide.footnotes) if x)


def _titled(title: str, part: int, parts: int) -> str:
    return f"{title} ({part} of {parts})" if parts > 1 else title


def _table_pages(slide: SlideContent, frame: Frame, room: float) -> list[dict[str, object]]:
    table = slide.table
    assert table is not None
    cells = [list(table.columns), *[[c.text for c in row] for row in table.rows]]
    widths = column_widths(cells, frame.body_width, pt=TABLE_PT, weights=table.weights,
                           scale=frame.text_scale)  # fmt: skip
    measured = [frame.measure(w) for w in widths]
    header = row_height(list(table.columns), measured, pt=TABLE_PT, bold=True)
    heights = [row_height([c.text for c in row], measured, pt=TABLE_PT) for row in table.rows]
    ranges = split_rows(heights, room=room, header=header, max_rows=MAX_ROWS)
    return [{"rows": r, "widths": tuple(widths)} for r in ranges]


LARGE_TEXT = ("agenda", "questions", "messages")  # a few sentences, set as large as they fit


def _bullet_pages(slide: SlideContent, bullets: Sequence[Bullet], frame: Frame,
                  room: float) -> list[dict[str, object]]:  # fmt: skip
    texts = [f"1.  {b.full}" for b in bullets]
    sizes = (28, 24, BODY_PT, MIN_TEXT_PT) if slide.kind in LARGE_TEXT else (BODY_PT, MIN_TEXT_PT)
    for pt in sizes:  # the largest size at which everything fits on one slide, else the smallest
        ranges = split_paragraphs(
            texts, width_in=frame.measure(frame.body_width), room=room, pt=pt, gap=pt * 0.6 / 72
        )
        if len(ranges) == 1:
            break
    return [{"bullets": tuple(bullets[a:b]), "text_pt": pt} for a, b in ranges]


def _agenda_pt(texts: Sequence[str], frame: Frame, room: float) -> int:
    """The largest size at which the agenda's lines, page spans included, fit its slide."""
    for pt in (28, 24, BODY_PT):
        ranges = split_paragraphs(
            [f"1.  {t}" for t in texts], width_in=frame.measure(frame.body_width), room=room,
            pt=pt, gap=pt * 0.6 / 72,
        )  # fmt: skip
        if len(ranges) == 1:
            return pt
    return MIN_TEXT_PT


def pages_of(deck: Deck, frame: Frame = DEFAULT_FRAME) -> list[Page]:
    """The deck's pages in order, numbered from 1 (the title slide)."""
    drafts: list[tuple[SlideContent, list[dict[str, object]], tuple[str, ...], float]] = []
    for slide in deck.slides:
        footer = _footer(slide)
        height = footer_height(footer, width_in=frame.measure(frame.footer_width))
        top = frame.height - frame.foot - height
        room = frame.body_bottom(height) - frame.body_top
        parts: list[dict[str, object]]
        if (
            slide.tiles
            and frame.wide
            and tiles_fit([(t.heading, t.status) for t in slide.tiles], frame=frame, room=room)
        ):
            parts = [{"tiles": True}]
        elif slide.table is not None:
            parts = _table_pages(slide, frame, room)
        elif slide.bullets:
            parts = _bullet_pages(slide, slide.bullets, frame, room)
        else:
            parts = [{}]
        drafts.append((slide, parts, footer, top))
    pages: list[Page] = []
    number = 1
    for slide, parts, footer, top in drafts:
        for k, extra in enumerate(parts, start=1):
            pages.append(
                Page(
                    number=number,
                    slide=slide,
                    title=_titled(slide.title, k, len(parts)),
                    part=k,
                    parts=len(parts),
                    rows=extra.get("rows", (0, 0)),  # type: ignore[arg-type]
                    bullets=extra.get("bullets", ()),  # type: ignore[arg-type]
                    widths=extra.get("widths", ()),  # type: ignore[arg-type]
                    footer=footer,
                    footer_top=top,
                    text_pt=int(str(extra.get("text_pt", BODY_PT))),
                    tiles=bool(extra.get("tiles", False)),
                )
            )
            number += 1
    return [_with_agenda(p, pages, deck, frame) if p.kind == "agenda" else p for p in pages]


def _with_agenda(page: Page, pages: Sequence[Page], deck: Deck, frame: Frame) -> Page:
    """The agenda page: each section with a selected slide, and the pages it covers."""
    bullets = []
    for section in deck.sections:
        numbers = [p.number for p in pages if p.slide.section == section.id]
        if not numbers:
            continue
        nb = "\u00a0"  # a page span never breaks over two lines
        span = (
            f"slide{nb}{numbers[0]}"
            if len(numbers) == 1
            else f"slides{nb}{numbers[0]}{nb}to{nb}{numbers[-1]}"
        )
        bullets.append(Bullet(f"{section.title} ({span})"))
    room = page.footer_top - 0.15 - frame.body_top
    pt = _agenda_pt([b.full for b in bullets], frame, room)
    return Page(
        number=page.number, slide=page.slide, title=page.title, bullets=tuple(bullets),
        footer=page.footer, footer_top=page.footer_top, text_pt=pt,
    )  # fmt: skip


__all__ = ["SOURCE_PT", "TABLE_PT", "Page", "pages_of"]
