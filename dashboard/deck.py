"""The presentation deck: a 16:9 PowerPoint (python-pptx) and a PDF of the same deck.

`prepare_deck` builds the selected slides of a story (story.py), renders each chart once as a
16:9 PNG and checks the briefing-note claims. `pages_of` lays the deck out as pages: a title
slide; one page per slide (the headline takeaway as title, the chart picture or a table, a
source line); a claims check; data notes (vintages, substituted baselines, coverage, licences).
`pptx_bytes` writes them with speaker notes (talking points and citations) on every slide;
`pdf_bytes` renders that file with LibreOffice, or composes the pages as images without it.
Without chromium, chart slides show native tables of the plotted data instead of pictures.
The PPTX is reproducible for a snapshot: fixed document dates and zip timestamps.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from PIL import Image, ImageDraw, ImageFont
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.util import Emu, Inches, Pt

from dashboard import export
from dashboard.charts import ESTIMATE_NOTE
from dashboard.pack import stable_zip
from dashboard.story import Progress, Slide, SlideSpec, StoryOptions, build_slides
from dashboard.theme import OKABE_ITO, UN_BLUE
from indicators.catalogue import Catalogue
from indicators.claims import ClaimCheck, check_claims
from indicators.errors import WsisDataError
from indicators.snapshot import Snapshot

SLIDE_W, SLIDE_H, MARGIN = 13.333, 7.5, 0.5  # inches, 16:9
BODY_TOP = 1.4  # below a two-line headline
FONT = "Arial"  # metric-compatible with Liberation Sans, present wherever PowerPoint runs
INK, MUTED, RULE = "#1A1A1A", "#5F5F5F", "#E3E3E3"
DATA_CREDIT = "Data: World Bank WDI, ITU"
TABLE_SIZES = (14, 12, 11, 10, 9)  # pt, the largest that fits is used
VERDICT_COLOURS = {
    "supported": OKABE_ITO["bluish_green"],
    "partly supported": OKABE_ITO["orange"],
    "not supported": OKABE_ITO["vermillion"],
    "cannot be checked": "#7F7F7F",
}
SOFFICE_ENV = "WSIS_SOFFICE"
PX = 144  # pixels per inch of composed pages (1920x1080)


class DeckError(WsisDataError):
    """The deck cannot be produced or written (the message says why and what to do)."""


@dataclass(frozen=True)
class Deck:
    """Everything a deck shows, computed once: slides, chart pictures, claims, data notes."""

    options: StoryOptions
    slides: tuple[Slide, ...]
    images: Mapping[str, bytes]  # slide id -> 16:9 PNG; empty when images cannot be rendered
    image_problem: str  # why there are no pictures ('' when there are)
    claims: tuple[ClaimCheck, ...]
    releases: tuple[str, ...]  # data notes: releases with vintages, licences
    reading: tuple[str, ...]  # data notes: baselines, coverage, marks
    snapshot_id: str
    built: dt.datetime  # the snapshot's build time: the document date unless the user sets one

    @property
    def data_notes(self) -> tuple[str, ...]:
        return self.releases + self.reading


@dataclass(frozen=True)
class Page:
    """One slide as laid out, shared by the PowerPoint and the composed-PDF writers."""

    kind: str  # 'title' | 'chart' | 'table' | 'text'
    title: str
    lines: tuple[str, ...] = ()  # title-slide lines, or the left column of a text page
    lines_right: tuple[str, ...] = ()  # the right column of a text page
    picture: bytes | None = None
    table: pd.DataFrame | None = None  # cells already formatted as text
    table_note: str = ""
    colours: Mapping[tuple[int, int], str] = field(default_factory=dict)  # (row, col) -> hex
    source: str = ""
    notes: str = ""


# ---------------------------------------------------------------------------------------------
# Preparing the deck


def _snapshot_time(snapshot: Snapshot) -> dt.datetime:
    text = str(snapshot.descriptor.get("built_at", ""))
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=None)
    except ValueError:
        return dt.datetime(2000, 1, 1)


def _source_ids(slides: Sequence[Slide]) -> list[str]:
    ids: set[str] = set()
    for slide in slides:
        for column in ("source", "population_source"):
            if column in slide.chart.data.columns:
                for value in slide.chart.data[column].dropna().astype(str):
                    ids.update(s.strip() for s in value.split(";") if s.strip())
    return sorted(ids)


def release_notes(snapshot: Snapshot, slides: Sequence[Slide]) -> list[str]:
    """Data notes, first column: the snapshot, each release used with its vintage, licences.

    Chart data name their sources by id or by label; both are matched to the descriptor.
    """
    known: dict[str, dict] = {}
    for src in snapshot.descriptor.get("sources", []):
        known[str(src.get("id"))] = known[str(src.get("label", src.get("id")))] = src
    used = {id(known[s]): known[s] for s in _source_ids(slides) if s in known}
    lines = [f"Snapshot {snapshot.id}, built {_snapshot_time(snapshot):%d %B %Y}."]
    for src in sorted(used.values(), key=lambda x: (str(x.get("producer")), str(x.get("id")))):
        label = src.get("label", src.get("title", src.get("id")))
        lines.append(f"{src.get('producer', '')}: {label}, vintage {src.get('vintage', '?')}.")
    licences = {
        (str(x.get("producer", "")), str(x.get("licence", "")))
        for x in snapshot.descriptor.get("licences", [])
    }
    lines += [f"Licence, {producer}: {licence}." for producer, licence in sorted(licences)]
    lines.append(
        "Credit the World Bank (CC BY 4.0) and ITU wherever these figures are shown; check "
        "ITU's terms of use before redistributing ITU figures."
    )
    return lines


def reading_notes(slides: Sequence[Slide], baseline: int) -> list[str]:
    """Data notes, second column: series that start after the baseline, coverage and marks."""
    lines = []
    late = []
    for slide in slides:
        if "year" not in slide.chart.data.columns:
            continue
        years = pd.to_numeric(slide.chart.data["year"], errors="coerce").dropna()
        if years.nunique() > 1 and int(years.min()) > baseline:
            late.append(f"{slide.label.lower()} from {int(years.min())}")
    if late:
        lines.append(
            f"Baseline {baseline} substituted by the first year with data: " + "; ".join(late) + "."
        )
    labels: dict[str, list[str]] = {}
    for slide in slides:
        if slide.layout != "chart":  # notes on how a grid or table figure is drawn
            continue
        for note in slide.chart.notes:
            if note != ESTIMATE_NOTE:  # a mark explained on every chart that has it
                labels.setdefault(note, []).append(slide.label)
    lines += [f"{', '.join(names)}: {note}" for note, names in labels.items()]
    return lines


def prepare_deck(
    snapshot: Snapshot,
    catalogue: Catalogue,
    *,
    options: StoryOptions | None = None,
    specs: Sequence[SlideSpec] | None = None,
    images: bool = True,
    progress: Progress | None = None,
) -> Deck:
    """Build the slides, render their pictures (once) and check the claims."""
    options = options or StoryOptions()
    slides = build_slides(snapshot, catalogue, options=options, specs=specs, progress=progress)
    pictures: dict[str, bytes] = {}
    problem = "" if images else "Pictures were not requested; tables show the plotted data."
    if images:
        try:
            for slide in slides:
                if slide.layout == "chart":
                    pictures[slide.id] = export.to_png(slide.chart, variant="slide")
                if progress is not None:
                    progress(f"rendered {slide.id}")
        except export.ExportUnavailable as exc:
            pictures, problem = {}, str(exc)
    return Deck(
        options=options,
        slides=tuple(slides),
        images=pictures,
        image_problem=problem,
        claims=tuple(check_claims(snapshot, catalogue)),
        releases=tuple(release_notes(snapshot, slides)),
        reading=tuple(reading_notes(slides, options.baseline)),
        snapshot_id=snapshot.id,
        built=_snapshot_time(snapshot),
    )


# ---------------------------------------------------------------------------------------------
# Pages


def _cell(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.1f}"
    return str(value)


def as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Every cell as display text (numbers with one decimal, missing as a dash)."""
    return pd.DataFrame({str(c): [_cell(v) for v in frame[c].tolist()] for c in frame.columns})


def _evenly(years: list[int], k: int) -> list[int]:
    if len(years) <= k:
        return years
    step = (len(years) - 1) / (k - 1)
    return sorted({years[round(i * step)] for i in range(k)})


def plotted_table(slide: Slide, *, max_years: int = 6) -> pd.DataFrame:
    """The plotted data as a compact table (the no-picture fallback): for series, entities x a
    few evenly spread years; otherwise the label, year and numeric columns."""
    data = slide.chart.data
    label = next((c for c in ("name", "label", "series", "entity", "group") if c in data), None)
    years = sorted(int(y) for y in data["year"].dropna().unique()) if "year" in data else []
    if label is not None and years and "value" in data:
        keep = _evenly(years, max_years)
        wide = data[data["year"].isin(keep)].pivot_table(
            index=label, columns="year", values="value", aggfunc="first", sort=False
        )
        wide = wide.reindex(columns=keep)
        wide.columns = [str(c) for c in wide.columns]
        return wide.reset_index().rename(columns={label: ""})
    numeric = [c for c in data.columns if data[c].dtype.kind == "f"][:4]
    frame = data[[c for c in (label, "year") if c in data] + numeric]
    if years and len(frame) > 12:
        frame = frame[frame["year"].isin(_evenly(years, max_years))]
    names = {c: str(c).replace("_", " ") for c in frame.columns}
    for column in ("first", "second"):  # breakdown pairs name their roles (urban, rural ...)
        role = f"{column}_role"
        if column in frame and role in data and data[role].nunique() == 1:
            names[column] = str(data[role].iloc[0])
    return frame.rename(columns=names)


def _date_text(deck: Deck) -> str:
    if deck.options.date is not None:
        d = deck.options.date
        return f"{d.day} {d:%B %Y}"
    return f"Data snapshot of {deck.built.day} {deck.built:%B %Y}"


def _notes(slide: Slide) -> str:
    lines = [f"Takeaway: {slide.headline}"]
    lines += [f"- {p.line()}" for p in slide.notes]
    lines.append(slide.chart.source)
    lines += list(slide.chart.notes)
    return "\n".join(lines)


def _claims_page(deck: Deck) -> Page:
    rows = [(c.paraphrase, c.verdict, c.figure, str(c.year or "–"), c.sources) for c in deck.claims]
    table = pd.DataFrame(rows, columns=["Claim", "Verdict", "Figure", "Year", "Source"])
    colours = {(i, 1): VERDICT_COLOURS.get(c.verdict, "#7F7F7F") for i, c in enumerate(deck.claims)}
    counts = pd.Series([c.verdict for c in deck.claims], dtype=object).value_counts()
    summary = ", ".join(f"{n} {v}" for v, n in counts.items())
    return Page(
        "table",
        f"The briefing note's claims, checked against the data: {summary}",
        table=table,
        colours=colours,
        source="Checks computed from the data snapshot; each figure's source is in its row.",
        notes="\n".join(f"- {c.paraphrase} {c.verdict.upper()}: {c.summary}" for c in deck.claims),
    )


def _slide_page(deck: Deck, slide: Slide) -> Page:
    picture = deck.images.get(slide.id)
    if slide.layout == "chart" and picture is not None:
        return Page("chart", slide.headline, picture=picture, source=slide.chart.source,
                    notes=_notes(slide))  # fmt: skip
    frame = slide.table if slide.table is not None else plotted_table(slide)
    note = ""
    if slide.layout == "chart":
        why = deck.image_problem.split(". ")[0]
        note = f"The chart could not be drawn here ({why}); the table shows its data."
    return Page("table", slide.headline, table=as_text(frame), table_note=note,
                source=slide.chart.source, notes=_notes(slide))  # fmt: skip


def pages_of(deck: Deck) -> list[Page]:
    """The deck's pages in order: title, one per slide, claims check, data notes."""
    o = deck.options
    title_notes = (
        f"{o.title}. Every figure in this deck comes from the data snapshot {deck.snapshot_id}; "
        "each slide's notes give the source and vintage of its figures."
    )
    pages = [Page("title", o.title, lines=(o.subtitle, _date_text(deck), DATA_CREDIT),
                  notes=title_notes)]  # fmt: skip
    pages += [_slide_page(deck, slide) for slide in deck.slides]
    if deck.claims:
        pages.append(_claims_page(deck))
    pages.append(
        Page(
            "text",
            "Data notes: vintages, substituted baselines, coverage and licences",
            lines=deck.releases,
            lines_right=deck.reading,
            notes="ITU revises its whole series in each edition: every figure carries its vintage.",
        )
    )
    return pages


# ---------------------------------------------------------------------------------------------
# Geometry shared by both writers (inches; text measured in the project font)


def text_lines(text: str, *, width_in: float, pt: float, bold: bool = False) -> int:
    """Lines `text` (paragraphs split on newlines) takes at `pt` in a box `width_in` wide."""
    px = pt * 96 / 72
    width = (width_in - 0.2) * 96  # text box insets
    return sum(
        len(export.wrap_px(p, width=width, size=round(px), bold=bold)) for p in text.split("\n")
    )


def text_height(text: str, *, width_in: float, pt: float, bold: bool = False) -> float:
    return text_lines(text, width_in=width_in, pt=pt, bold=bold) * pt * 1.2 / 72 + 0.1


def fit_size(text: str, *, width_in: float, max_lines: int, sizes: Sequence[int]) -> int:
    """The largest font size (pt) at which `text` wraps into at most `max_lines` lines."""
    for size in sizes:
        if text_lines(text, width_in=width_in, pt=size, bold=True) <= max_lines:
            return size
    return sizes[-1]


def source_top(source: str) -> float:
    """Where the source line starts: its height is measured so it always fits the slide."""
    if not source:
        return SLIDE_H - 0.35
    return SLIDE_H - 0.2 - text_height(source, width_in=SLIDE_W - 2 * MARGIN - 0.6, pt=10)


def column_widths(table: pd.DataFrame, width_in: float, *, pt: float = 14) -> list[float]:
    """Column widths from the cells' lengths (long texts capped: they wrap), each at least as
    wide as its longest word at `pt`, so that no word is broken."""
    weights, least = [], []
    for c in table.columns:
        cells = [str(c), *table[c].tolist()]
        words = [w for v in cells for w in str(v).split()] or [""]
        weights.append(max(6, *(min(len(str(v)), 42) for v in cells)))
        widest = max(export.text_width(w, size=round(pt * 96 / 72), bold=True) for w in words)
        least.append(widest / 96 + 0.25)
    widths = [width_in * w / sum(weights) for w in weights]
    short = [j for j, w in enumerate(widths) if w < least[j]]
    if short and sum(least[j] for j in short) < width_in:
        spare = width_in - sum(least[j] for j in short)
        rest = sum(widths[j] for j in range(len(widths)) if j not in short)
        widths = [least[j] if j in short else widths[j] * spare / rest for j in range(len(widths))]
    return widths


@dataclass(frozen=True)
class TableFit:
    size: int
    widths: list[float]
    heights: list[float]  # header first
    rows: int  # data rows shown


def fit_table(table: pd.DataFrame, *, width_in: float, height_in: float) -> TableFit:
    """The largest font size at which the table fits the box; rows beyond that are dropped."""
    for size in TABLE_SIZES:
        widths = column_widths(table, width_in, pt=size)
        heights = [
            max(text_lines(str(v), width_in=w, pt=size, bold=i == 0) for v, w in zip(row, widths, strict=True))
            * size * 1.2 / 72 + 0.1
            for i, row in enumerate([list(table.columns), *table.values.tolist()])
        ]  # fmt: skip
        if sum(heights) <= height_in or size == TABLE_SIZES[-1]:
            rows = len(table)
            while rows > 1 and sum(heights[: rows + 1]) > height_in:
                rows -= 1
            return TableFit(size, widths, heights[: rows + 1], rows)
    raise AssertionError("unreachable")


# ---------------------------------------------------------------------------------------------
# PowerPoint


def _rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#").upper())


def _text_box(slide, name: str, box: tuple[float, float, float, float], lines: Sequence[str],
              *, size: float, bold: bool = False, colour: str = INK):  # fmt: skip
    left, top, width, height = box
    shape = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    shape.name = name
    frame = shape.text_frame
    frame.word_wrap = True
    for i, line in enumerate(lines):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        _run(para, line, size=size, bold=bold, colour=colour)
    return shape


def _run(para, text: str, *, size: float, bold: bool = False, colour: str = INK) -> None:
    run = para.add_run()
    run.text = text
    run.font.size, run.font.bold, run.font.name = Pt(size), bold, FONT
    run.font.color.rgb = _rgb(colour)


def _table(slide, page: Page, bottom: float) -> None:
    table = page.table
    assert table is not None
    width, top = SLIDE_W - 2 * MARGIN, BODY_TOP + 0.05
    room = bottom - top - (0.45 if page.table_note else 0.1)
    fit = fit_table(table, width_in=width, height_in=room)
    shape = slide.shapes.add_table(fit.rows + 1, len(table.columns), Inches(MARGIN), Inches(top),
                                   Inches(width), Inches(sum(fit.heights)))  # fmt: skip
    shape.name = "Data table"
    grid = shape.table
    for j, w in enumerate(fit.widths):
        grid.columns[j].width = Emu(int(Inches(w)))
    for i, h in enumerate(fit.heights):
        grid.rows[i].height = Emu(int(Inches(h)))
    cells = [list(table.columns), *table.values.tolist()[: fit.rows]]
    for i, row in enumerate(cells):
        for j, value in enumerate(row):
            colour = page.colours.get((i - 1, j))
            cell = grid.cell(i, j)
            cell.text = ""
            cell.margin_top = cell.margin_bottom = Inches(0.03)
            _run(cell.text_frame.paragraphs[0], str(value), size=fit.size,
                 bold=i == 0 or colour is not None, colour=colour or INK)  # fmt: skip
    note = page.table_note
    if fit.rows < len(table):
        note = f"{note} {len(table) - fit.rows} more rows in the chart's CSV (zip pack).".strip()
    if note:
        _text_box(slide, "Table note", (MARGIN, top + sum(fit.heights) + 0.05, width, 0.4),
                  [note], size=11, colour=MUTED)  # fmt: skip


def _title_page(slide, page: Page) -> None:
    bar = slide.shapes.add_shape(1, Inches(0), Inches(0), Inches(0.35), Inches(SLIDE_H))
    bar.name = "Accent"
    bar.fill.solid()
    bar.fill.fore_color.rgb = _rgb(UN_BLUE)
    bar.line.fill.background()
    left, width = MARGIN + 0.5, SLIDE_W - 2 * MARGIN - 0.5
    size = fit_size(page.title, width_in=width, max_lines=3, sizes=(40, 36, 32, 28))
    _text_box(slide, "Title", (left, 1.5, width, 2.3), [page.title], size=size, bold=True)
    subtitle, date, credit = [*page.lines, "", "", ""][:3]
    _text_box(slide, "Subtitle", (left, 3.9, width, 1.1), [subtitle], size=24, colour=MUTED)
    _text_box(slide, "Date", (left, 5.2, width, 0.5), [date], size=18)
    _text_box(slide, "Credit", (left, 6.6, width, 0.4), [credit], size=14, colour=MUTED)


def _picture(slide, png: bytes, bottom: float) -> None:
    height = min(5.45, bottom - BODY_TOP - 0.05)
    width = height * 16 / 9
    pic = slide.shapes.add_picture(io.BytesIO(png), Inches((SLIDE_W - width) / 2),
                                   Inches(BODY_TOP), Inches(width), Inches(height))  # fmt: skip
    pic.name = "Chart"


def _columns(slide, page: Page, bottom: float) -> None:
    """A text page in two columns, each at the largest size that fits."""
    for name, (left, width), lines in zip(("Notes", "Notes 2"), text_columns(),
                                          (page.lines, page.lines_right), strict=True):  # fmt: skip
        bullets = [f"• {line}" for line in lines]
        size = bullet_size(bullets, width_in=width, height_in=bottom - BODY_TOP)
        _text_box(slide, name, (left, BODY_TOP, width, bottom - BODY_TOP), bullets, size=size)


def text_columns() -> list[tuple[float, float]]:
    """(left, width) of a text page's two columns: releases (narrow) and notes (wide)."""
    usable = SLIDE_W - 2 * MARGIN - 0.3
    return [(MARGIN, usable * 0.38), (MARGIN + usable * 0.38 + 0.3, usable * 0.62)]


def bullet_size(bullets: Sequence[str], *, width_in: float, height_in: float) -> int:
    """The largest size (pt) at which the bullets fit the box (paragraph gaps included)."""
    for size in (14, 13, 12, 11, 10, 9):
        if text_height("\n".join(bullets), width_in=width_in, pt=size) <= height_in:
            return size
    return 9


def _content(slide, page: Page, number: int) -> None:
    width = SLIDE_W - 2 * MARGIN
    size = fit_size(page.title, width_in=width, max_lines=2, sizes=(28, 26, 24, 22, 20))
    _text_box(slide, "Headline", (MARGIN, 0.3, width, 1.05), [page.title], size=size, bold=True)
    top = source_top(page.source)
    if page.kind == "chart" and page.picture is not None:
        _picture(slide, page.picture, top)
    elif page.kind == "table":
        _table(slide, page, top)
    else:
        _columns(slide, page, top)
    if page.source:
        _text_box(slide, "Source line", (MARGIN, top, width - 0.6, SLIDE_H - top), [page.source],
                  size=10, colour=MUTED)  # fmt: skip
    _text_box(slide, "Slide number", (SLIDE_W - MARGIN - 0.5, SLIDE_H - 0.45, 0.5, 0.35),
              [str(number)], size=10, colour=MUTED)  # fmt: skip


def _document_time(deck: Deck) -> dt.datetime:
    if deck.options.date is not None:
        return dt.datetime.combine(deck.options.date, dt.time(0, 0))
    return deck.built


def pptx_bytes(deck: Deck) -> bytes:
    """The deck as a 16:9 PowerPoint file (the same bytes for the same deck)."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(SLIDE_W), Inches(SLIDE_H)
    for number, page in enumerate(pages_of(deck), start=1):
        slide = prs.slides.add_slide(prs.slide_layouts[6])  # blank
        if page.kind == "title":
            _title_page(slide, page)
        else:
            _content(slide, page, number)
        slide.notes_slide.notes_text_frame.text = page.notes
    props = prs.core_properties
    props.title, props.subject = deck.options.title, deck.options.subtitle
    props.author = props.last_modified_by = "WSIS+20 dashboard"
    props.created = props.modified = props.last_printed = _document_time(deck)
    props.revision = 1
    props.keywords = f"WSIS+20; snapshot {deck.snapshot_id}"
    buffer = io.BytesIO()
    prs.save(buffer)
    return stable_zip(buffer.getvalue())


# ---------------------------------------------------------------------------------------------
# PDF: LibreOffice renders the PowerPoint; without it the pages are composed as images

# Keep the chart pictures lossless and at full resolution in LibreOffice's PDF.
PDF_FILTER = (
    'pdf:impress_pdf_Export:{"UseLosslessCompression":{"type":"boolean","value":"true"},'
    '"ReduceImageResolution":{"type":"boolean","value":"false"}}'
)


def libreoffice_path() -> Path | None:
    """soffice from $WSIS_SOFFICE (empty: none) or the PATH; None when not installed."""
    configured = os.environ.get(SOFFICE_ENV)
    if configured is not None:
        path = Path(configured)
        return path if configured and path.is_file() and os.access(path, os.X_OK) else None
    found = shutil.which("soffice") or shutil.which("libreoffice")
    return Path(found) if found else None


def pptx_to_pdf(pptx: bytes, *, soffice: Path, timeout: float = 180) -> bytes:
    """Convert PowerPoint bytes to PDF with LibreOffice headless (a private profile per call)."""
    with tempfile.TemporaryDirectory(prefix="wsis-deck-") as tmp:
        src = Path(tmp) / "deck.pptx"
        src.write_bytes(pptx)
        profile = (Path(tmp) / "profile").as_uri()
        cmd = [str(soffice), f"-env:UserInstallation={profile}", "--headless", "--norestore",
               "--nolockcheck", "--convert-to", PDF_FILTER, "--outdir", tmp, str(src)]  # fmt: skip
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise DeckError(f"LibreOffice could not convert the deck to PDF: {exc}") from exc
        out = Path(tmp) / "deck.pdf"
        if not out.is_file():
            raise DeckError(
                f"LibreOffice did not produce a PDF (exit code {done.returncode}): "
                f"{(done.stderr or done.stdout).strip()[:300]}"
            )
        return out.read_bytes()


def _pil_font(pt: float, *, bold: bool = False) -> ImageFont.ImageFont:
    path = export._font_file(bold)
    size = round(pt * PX / 72)
    return ImageFont.truetype(path, size) if path else ImageFont.load_default(size)


def _draw(draw: ImageDraw.ImageDraw, xy: tuple[float, float], lines: Sequence[str], *, pt: float,
          width_in: float, bold: bool = False, fill: str = INK) -> float:  # fmt: skip
    """Draw wrapped paragraphs at (x, y) inches; return the y (inches) below them."""
    font, px = _pil_font(pt, bold=bold), pt * PX / 72
    x, y = xy[0] * PX, xy[1] * PX + 0.05 * PX
    for para in lines:
        for line in export.wrap_px(para, width=(width_in - 0.2) * PX, size=round(px), bold=bold):
            draw.text((x + 0.1 * PX, y), line, font=font, fill=fill)
            y += px * 1.2
    return y / PX


def _compose_table(draw: ImageDraw.ImageDraw, page: Page, bottom: float) -> None:
    table = page.table
    assert table is not None
    width, top = SLIDE_W - 2 * MARGIN, BODY_TOP + 0.05
    fit = fit_table(table, width_in=width, height_in=bottom - top - 0.45)
    y = top
    for i, row in enumerate([list(table.columns), *table.values.tolist()[: fit.rows]]):
        if i == 0:
            draw.rectangle([MARGIN * PX, y * PX, (MARGIN + width) * PX, (y + fit.heights[0]) * PX],
                           fill=RULE)  # fmt: skip
        x = MARGIN
        for j, (value, w) in enumerate(zip(row, fit.widths, strict=True)):
            colour = page.colours.get((i - 1, j))
            _draw(draw, (x, y), [str(value)], pt=fit.size, width_in=w,
                  bold=i == 0 or colour is not None, fill=colour or INK)  # fmt: skip
            x += w
        y += fit.heights[i]
        draw.line([(MARGIN * PX, y * PX), ((MARGIN + width) * PX, y * PX)], fill=RULE, width=2)
    note = page.table_note
    if fit.rows < len(table):
        note = f"{note} {len(table) - fit.rows} more rows in the chart's CSV (zip pack).".strip()
    if note:
        _draw(draw, (MARGIN, y + 0.05), [note], pt=11, width_in=width, fill=MUTED)


def compose_page(page: Page, number: int) -> Image.Image:
    """One page drawn as a 1920x1080 image in the project font (for the PDF without LibreOffice)."""
    img = Image.new("RGB", (round(SLIDE_W * PX), round(SLIDE_H * PX)), "white")
    draw = ImageDraw.Draw(img)
    width = SLIDE_W - 2 * MARGIN
    if page.kind == "title":
        draw.rectangle([0, 0, round(0.35 * PX), img.height], fill=UN_BLUE)
        left = MARGIN + 0.5
        size = fit_size(page.title, width_in=width - 0.5, max_lines=3, sizes=(40, 36, 32, 28))
        _draw(draw, (left, 1.5), [page.title], pt=size, bold=True, width_in=width - 0.5)
        for line, pt, y, ink in zip(page.lines, (24, 18, 14), (3.9, 5.2, 6.6), (MUTED, INK, MUTED),
                                    strict=False):  # fmt: skip
            _draw(draw, (left, y), [line], pt=pt, width_in=width - 0.5, fill=ink)
        return img
    size = fit_size(page.title, width_in=width, max_lines=2, sizes=(28, 26, 24, 22, 20))
    _draw(draw, (MARGIN, 0.3), [page.title], pt=size, bold=True, width_in=width)
    top = source_top(page.source)
    if page.kind == "chart" and page.picture is not None:
        height = min(5.45, top - BODY_TOP - 0.05)
        pic = Image.open(io.BytesIO(page.picture)).convert("RGB")
        pic = pic.resize(
            (round(height * 16 / 9 * PX), round(height * PX)), Image.Resampling.LANCZOS
        )
        img.paste(pic, ((img.width - pic.width) // 2, round(BODY_TOP * PX)))
    elif page.kind == "table":
        _compose_table(draw, page, top)
    else:
        for (left, col), lines in zip(text_columns(), (page.lines, page.lines_right), strict=True):
            bullets = [f"• {line}" for line in lines]
            pt = bullet_size(bullets, width_in=col, height_in=top - BODY_TOP)
            _draw(draw, (left, BODY_TOP), bullets, pt=pt, width_in=col)
    if page.source:
        _draw(draw, (MARGIN, top), [page.source], pt=10, width_in=width - 0.6, fill=MUTED)
    _draw(draw, (SLIDE_W - MARGIN - 0.5, SLIDE_H - 0.45), [str(number)], pt=10, width_in=0.5,
          fill=MUTED)  # fmt: skip
    return img


def composed_pdf(deck: Deck) -> bytes:
    """The deck's pages drawn as images and bound into a PDF (used without LibreOffice)."""
    images = [compose_page(page, n) for n, page in enumerate(pages_of(deck), start=1)]
    buffer = io.BytesIO()
    images[0].save(buffer, format="PDF", save_all=True, append_images=images[1:], resolution=PX)
    return buffer.getvalue()


@dataclass(frozen=True)
class PdfOutput:
    data: bytes
    method: str  # how it was made, to tell the user


def pdf_bytes(deck: Deck, *, pptx: bytes | None = None) -> PdfOutput:
    """The deck as PDF: LibreOffice's rendering of the PPTX, else pages composed as images."""
    soffice = libreoffice_path()
    if soffice is not None:
        data = pptx_to_pdf(pptx if pptx is not None else pptx_bytes(deck), soffice=soffice)
        return PdfOutput(data, f"rendered from the PowerPoint deck by LibreOffice ({soffice})")
    return PdfOutput(
        composed_pdf(deck),
        "composed from the slide images (LibreOffice is not installed: "
        "`sudo apt-get install libreoffice-impress-nogui` renders the PPTX itself)",
    )


# ---------------------------------------------------------------------------------------------
# One-call builders and safe writing


def build_pptx(snapshot: Snapshot, catalogue: Catalogue, *, options: StoryOptions | None = None,
               specs: Sequence[SlideSpec] | None = None, progress: Progress | None = None) -> bytes:  # fmt: skip
    """The default (or given) story as PowerPoint bytes."""
    deck = prepare_deck(snapshot, catalogue, options=options, specs=specs, progress=progress)
    return pptx_bytes(deck)


def build_pdf(snapshot: Snapshot, catalogue: Catalogue, *, options: StoryOptions | None = None,
              specs: Sequence[SlideSpec] | None = None, progress: Progress | None = None) -> bytes:  # fmt: skip
    """The default (or given) story as PDF bytes (see `pdf_bytes` for how it is made)."""
    deck = prepare_deck(snapshot, catalogue, options=options, specs=specs, progress=progress)
    return pdf_bytes(deck).data


def write_output(path: str | Path, data: bytes) -> Path:
    """Write bytes to `path` atomically (temp file + rename): never a partial file."""
    target = Path(path).expanduser()
    folder = target.parent
    if not folder.is_dir():
        raise DeckError(f"cannot write {target}: the folder {folder} does not exist.")
    if target.is_dir():
        raise DeckError(f"cannot write {target}: it is a folder; give a file name.")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise DeckError(
            f"cannot write {target}: {exc.strerror or exc} (check permissions)."
        ) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)  # mkstemp's 0600 would make the deck unreadable to others
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise DeckError(f"cannot write {target}: {exc.strerror or exc}.") from exc
    return target
