"""The presentation deck's content: the slides, pictures, claims and data notes, laid out as pages.

`prepare_deck` builds the selected slides of a story (story.py), renders each chart once as a
16:9 PNG and checks the briefing-note claims. `pages_of` lays the deck out as pages: a title
slide; one page per slide (the headline takeaway as title, the chart picture or a table, a
source line); a claims check; data notes (vintages, substituted baselines, coverage, licences).
Without chromium, chart slides show native tables of the plotted data instead of pictures.
The writers are deck_pptx.py (PowerPoint with speaker notes) and deck_pdf.py (PDF); both share
the slide geometry of deck_layout.py. `write_output` saves either file without partial writes.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dashboard.deck.story import Progress, Slide, SlideSpec, StoryOptions, build_slides
from dashboard.exports import chart_files, renderer
from dashboard.figures.chart import ESTIMATE_NOTE
from dashboard.theme import verdict_colour
from indicators.catalogue import Catalogue
from indicators.errors import WsisDataError
from indicators.narrative.claims import ClaimCheck, check_claims
from indicators.store.descriptor import SourceEntry
from indicators.store.snapshot import Snapshot

DATA_CREDIT = "Data: World Bank WDI, ITU"


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
    text = snapshot.descriptor.built_at
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
    known: dict[str, SourceEntry] = {}
    for src in snapshot.descriptor.sources:
        known[src.id] = known[src.label] = src
    used = {known[s].id: known[s] for s in _source_ids(slides) if s in known}
    lines = [f"Snapshot {snapshot.id}, built {_snapshot_time(snapshot):%d %B %Y}."]
    for src in sorted(used.values(), key=lambda x: (x.producer, x.id)):
        lines.append(f"{src.producer}: {src.label}, vintage {src.vintage}.")
    licences = {(x.producer, x.licence) for x in snapshot.descriptor.licences}
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
                    pictures[slide.id] = chart_files.to_png(slide.chart, variant="slide")
                if progress is not None:
                    progress(f"rendered {slide.id}")
        except renderer.ExportUnavailable as exc:
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
    colours = {(i, 1): verdict_colour(c.verdict) for i, c in enumerate(deck.claims)}
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
# Safe writing


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
