"""The deck's content, computed once: every slide of the story with its words, figures and notes.

`prepare_deck` follows `story.yaml`: the title slide and agenda; the note's achievements and
priority actions, each with its evidence from the snapshot or a plain "no indicator in this
snapshot" and the usual source; the chart slides (a native chart described by
`native.NativeChart`, and the dashboard chart it comes from for the zip pack); the world map
(a picture, the only slide that needs the browser; it is started in the background at once);
the note's claims as checked; the 13 challenge areas; the guiding questions; key messages; and
the appendices (sources with citations and links, data notes in plain words, how to read the
figures, the areas in figures). Every slide has a title, a source line and speaker notes with
the talking points and their citations. Pages are laid out by pages.py.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from dashboard.deck.native import NativeChart
from dashboard.deck.story import (
    CHART_SLIDES,
    EvidenceSpec,
    NoteItem,
    Progress,
    Section,
    SlideDecl,
    Story,
    StoryOptions,
    check_baseline,
    load_story,
    reporting_note,
    select_slides,
)
from dashboard.exports import chart_files, renderer
from dashboard.figures.chart import Chart, source_line
from dashboard.figures.world_map import map_figure
from dashboard.formatting import format_value, source_names
from dashboard.theme import VERDICT_COLOURS, verdict_colour
from dashboard.views.area_summary import MEASUREMENT, AreaSummary, area_summaries
from dashboard.views.published import published_series
from indicators.catalogue import Catalogue
from indicators.errors import AnalysisError, WsisDataError
from indicators.narrative.claims import ClaimCheck, check_claims
from indicators.narrative.reading import reading_notes
from indicators.narrative.talking_points import TalkingPoint, talking_points
from indicators.rules import BASELINE_WINDOW, baseline_search_order
from indicators.store.snapshot import Snapshot

DATA_CREDIT = (
    "World Bank, World Development Indicators (CC BY 4.0); ITU World Telecommunication/ICT "
    "Indicators Database"
)
NO_INDICATOR = "No indicator in this snapshot"
CATALOGUE_VINTAGE = "no data values: the dashboard's indicator catalogue"
# Status words of the challenge areas, in the dark inks of the verdict palette (4.5:1 on white).
MEASUREMENT_COLOURS = {
    "measured": VERDICT_COLOURS["supported"],
    "partial": VERDICT_COLOURS["partly supported"],
    "gap": VERDICT_COLOURS["cannot be checked"],
}
# Chart notes that explain marks of the dashboard's plotly chart (the native chart has none).
MARK_NOTES = ("Hollow markers", "Dashed", "Dotted", "Large dots", "Shaded band", "Diamonds",
              "Each tile", "Thick line", "Solid lines")  # fmt: skip
MAP_INDICATOR = "IT.NET.USER.ZS"
PICTURE_BOX = (12.3, 4.6)  # inches the map picture is laid out for (it is scaled to fit)


class DeckError(WsisDataError):
    """The deck cannot be produced or written (the message says why and what to do)."""


@dataclass(frozen=True)
class Cell:
    """One table cell: its text, an ink colour (a verdict) and whether it is bold."""

    text: str
    colour: str = ""
    bold: bool = False


@dataclass(frozen=True)
class Table:
    """A slide table: header, rows of cells, relative column widths."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    weights: tuple[float, ...]

    def frame(self) -> pd.DataFrame:
        """The table's text as a DataFrame (for the zip pack's CSV)."""
        return pd.DataFrame(
            [[c.text for c in row] for row in self.rows], columns=list(self.columns)
        )


@dataclass(frozen=True)
class Tile:
    """A tile of the challenge-area grid: heading, status in words and its colour."""

    heading: str
    status: str
    colour: str


@dataclass(frozen=True)
class Bullet:
    """A paragraph of a text slide; `lead` is set in bold before the text."""

    text: str
    lead: str = ""

    @property
    def full(self) -> str:
        return f"{self.lead} {self.text}".strip()


@dataclass(frozen=True)
class SlideContent:
    """A slide of the story with everything it shows (one kind of body), before layout."""

    id: str
    kind: str
    label: str
    section: str
    title: str
    native: NativeChart | None = None
    picture: bytes | None = None
    alt: str = ""  # the chart's or picture's text alternative
    table: Table | None = None
    bullets: tuple[Bullet, ...] = ()
    numbered: bool = False
    tiles: tuple[Tile, ...] = ()
    lines: tuple[str, ...] = ()  # the title slide's lines under the title
    source: str = ""
    footnotes: tuple[str, ...] = ()
    notes: str = ""
    chart: Chart | None = None  # the dashboard chart behind a chart or map slide (zip pack)
    data: pd.DataFrame | None = None  # the data behind a table slide (zip pack)
    vintage: str = ""  # the releases' vintages behind a table slide's figures (zip pack)
    problem: str = ""  # why the slide's picture could not be drawn


@dataclass(frozen=True)
class Deck:
    """Everything the deck shows, computed once, in the order of the slides."""

    options: StoryOptions  # resolved: the title slide's words are filled in
    slides: tuple[SlideContent, ...]
    sections: tuple[Section, ...]
    snapshot_id: str
    built: dt.datetime  # the snapshot's build time (document properties, reproducible)
    problems: tuple[str, ...] = field(default_factory=tuple)

    @property
    def missing_pictures(self) -> bool:
        """True when a slide could not draw its picture (the map without chromium)."""
        return any(s.problem for s in self.slides)


# ---------------------------------------------------------------------------------------------
# Small helpers


def snapshot_time(snapshot: Snapshot) -> dt.datetime:
    text = snapshot.descriptor.built_at
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=None)
    except ValueError:
        return dt.datetime(2000, 1, 1)


def _names(snapshot: Snapshot) -> Mapping[str, str]:
    return snapshot.entity_index["name"].astype(str).to_dict()


def source_text(snapshot: Snapshot, ids: Iterable[object]) -> str:
    """'Source: <release>; <release>.' for source ids (never an empty 'Source:')."""
    names = source_names(snapshot, [i for i in ids if i is not None and str(i) not in ("", "nan")])
    return f"Source: {names}." if names and names != "not stated" else ""


def _sources_of(chart: Chart) -> list[str]:
    ids: list[str] = []
    for column in [c for c in chart.data.columns if c == "source" or str(c).endswith("_source")]:
        for value in chart.data[column].dropna().astype(str):
            ids += [p.strip() for p in value.split(";") if p.strip()]
    return list(dict.fromkeys(ids))


_CODE = re.compile(r"\b[A-Z]{3}\b")


def plain_codes(snapshot: Snapshot, text: str) -> str:
    """Group codes a footnote borrowed from the analytics ('5/86 HIC') written as names
    ('5/86 High income'): a slide speaks in words."""
    index = snapshot.entity_index
    groups = index.index[index["kind"].astype(str) != "economy"]
    names = {str(c): str(n) for c, n in zip(groups, index.loc[groups, "name"], strict=True)}
    return _CODE.sub(lambda m: names.get(m.group(0), m.group(0)), text)


def vintages(snapshot: Snapshot, ids: Iterable[str]) -> str:
    """The vintages of some source ids, '; '-joined in order ('' for unknown ids)."""
    out = []
    for sid in dict.fromkeys(ids):
        try:
            out.append(snapshot.source(sid).vintage)
        except WsisDataError:
            continue
    return "; ".join(dict.fromkeys(out))


def _value_near(values: pd.Series, year: int) -> tuple[int, float] | None:
    """The value in `year`, else the nearest year within the baseline window (rules.py)."""
    for offset in baseline_search_order(BASELINE_WINDOW):
        if year + offset in values.index and pd.notna(values[year + offset]):
            return year + offset, float(values[year + offset])
    return None


@dataclass(frozen=True)
class EvidenceText:
    """A labelled figure: who, what, the value and year, a change, qualifiers, sources."""

    who: str
    name: str
    value: str
    year: int
    change: str
    qualifier: str
    sources: tuple[str, ...]

    @property
    def text(self) -> str:
        qual = f" ({self.qualifier})" if self.qualifier else ""
        return f"{self.name}, {self.who}: {self.value} in {self.year}{self.change}{qual}"


def evidence_text(
    snapshot: Snapshot, catalogue: Catalogue, spec: EvidenceSpec, *, baseline: int
) -> EvidenceText | None:
    """A labelled figure for an item: '4G/LTE coverage, rural areas, World: 84.6% in 2024, up
    from 70.1% in 2019 (ITU estimate)'; None when the snapshot has no value."""
    ind = catalogue.indicator(spec.indicator)
    pub = published_series(snapshot, catalogue, indicator=spec.indicator, group=spec.entity)
    if pub is None:
        return None
    values = pub.values.dropna()
    if values.empty:
        return None
    year = int(values.index.max())
    value = float(values[year])
    who = _names(snapshot).get(spec.entity, spec.entity).split(":")[0]
    change = ""
    if spec.since is not None:
        start = baseline if spec.since == "baseline" else year - int(spec.since)
        earlier = _value_near(values, start)
        if earlier is not None and earlier[0] < year:
            y0, v0 = earlier
            word = "up" if value > v0 else "down" if value < v0 else "unchanged"
            change = f", {word} from {format_value(v0, ind)} in {y0}"
    qualifiers = []
    if pub.producer == "ITU":
        qualifiers.append("ITU estimate")
    else:
        note = reporting_note(snapshot, catalogue, indicator=spec.indicator, group=pub.entity,
                              year=year)  # fmt: skip
        if note:
            qualifiers.append(note)
        elif bool(pub.estimate.get(year, False)):
            qualifiers.append("estimate")
    rows = snapshot.rows(spec.indicator)
    ids = tuple(sorted(set(rows.loc[rows["economy"] == pub.entity, "source"].astype(str))))
    name = ind.short_name.replace(" (ITU)", "")
    return EvidenceText(
        who, name, format_value(value, ind), year, change, "; ".join(qualifiers), ids
    )


def evidence_sentences(found: Sequence[EvidenceText]) -> list[str]:
    """Figures as sentences; figures of the same place, year and kind without a change are
    said together: 'World, 2024 (ITU estimates): Internet use: women 65.3%, men 69.5%.'"""
    out: list[str] = []
    groups: dict[tuple[str, int, str], list[EvidenceText]] = {}
    order: list[EvidenceText | tuple[str, int, str]] = []
    for e in found:
        if e.change:
            order.append(e)
            continue
        key = (e.who, e.year, e.qualifier)
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(e)
    for item in order:
        if isinstance(item, EvidenceText):
            out.append(item.text + ".")
            continue
        members = groups[item]
        if len(members) == 1:
            out.append(members[0].text + ".")
            continue
        who, year, qualifier = item
        heads = [m.name.split(", ", 1) for m in members]
        common = heads[0][0] if all(len(h) == 2 and h[0] == heads[0][0] for h in heads) else ""
        parts = [
            f"{h[1] if common else m.name} {m.value}" for h, m in zip(heads, members, strict=True)
        ]
        qual = (
            f" ({qualifier}s)"
            if qualifier.endswith("estimate")
            else (f" ({qualifier})" if qualifier else "")
        )
        lead = f"{common}, {who}, {year}{qual}: " if common else f"{who}, {year}{qual}: "
        out.append(lead + ", ".join(parts) + ".")
    return out


def gap_text(catalogue: Catalogue, item: NoteItem) -> str:
    """What the snapshot cannot show of an item and where such data usually come from."""
    if item.area:
        area = catalogue.area(item.area)
        statement = (area.gap_statement or NO_INDICATOR).split(". ")[0].rstrip(".")
        return f"{statement}. Usual source: {item.usual_source or area.gap_source}."
    missing = item.missing or NO_INDICATOR
    return f"{missing}; the usual source is {item.usual_source}."


# ---------------------------------------------------------------------------------------------
# The builder


class _Builder:
    """Computes the slides of one deck (shared results are computed once)."""

    def __init__(
        self, snapshot: Snapshot, catalogue: Catalogue, story: Story, options: StoryOptions,
        *, pictures: bool, kinds: Iterable[str] = (),
    ) -> None:  # fmt: skip
        self.snapshot, self.catalogue, self.story, self.options = (
            snapshot,
            catalogue,
            story,
            options,
        )
        self.pictures = pictures
        self.kinds = frozenset(kinds)
        self.baseline = options.baseline
        self._charts: dict[str, tuple[Chart, str]] = {}
        self._points: list[TalkingPoint] | None = None
        self._summaries: list[AreaSummary] | None = None
        self._claims: list[ClaimCheck] | None = None

    # --- shared computations -------------------------------------------------------------------
    def chart(self, slide_id: str) -> tuple[Chart, str]:
        """(dashboard chart, headline) of a chart slide; a failure names the slide."""
        if slide_id not in self._charts:
            spec = CHART_SLIDES[slide_id]
            try:
                chart = spec.build(self.snapshot, self.catalogue, self.baseline)
                headline = spec.headline(chart, self.snapshot, self.catalogue, self.baseline)
            except WsisDataError as exc:
                raise AnalysisError(f"slide {slide_id!r} cannot be built: {exc}") from exc
            self._charts[slide_id] = (chart, headline)
        return self._charts[slide_id]

    def points(self, areas: Sequence[str]) -> list[TalkingPoint]:
        if self._points is None:
            self._points = talking_points(self.snapshot, self.catalogue, baseline=self.baseline)
        return [p for p in self._points if p.area in areas]

    def summaries(self) -> list[AreaSummary]:
        if self._summaries is None:
            self._summaries = area_summaries(self.snapshot, self.catalogue, baseline=self.baseline)
        return self._summaries

    def claims(self) -> list[ClaimCheck]:
        if self._claims is None:
            self._claims = check_claims(self.snapshot, self.catalogue)
        return self._claims

    def measures(self) -> dict[str, str]:
        """What each indicator measures, by code (leads figures whose label does not say)."""
        return {i.code: measure_name(i.short_name) for i in self.catalogue.indicators}

    def notes(self, headline: str, areas: Sequence[str], extra: Sequence[str] = ()) -> str:
        lines = [f"Takeaway: {headline}"]
        for p in self.points(areas):
            lines.append(f"- {p.text}" + (f" [{p.citation}]" if p.citation else ""))
        lines += [x for x in extra if x]
        return "\n".join(lines)

    def base(self, decl: SlideDecl, title: str, **kwargs: Any) -> SlideContent:
        return SlideContent(id=decl.id, kind=decl.kind, label=decl.label, section=decl.section,
                            title=title, **kwargs)  # fmt: skip

    # --- one slide of each kind ------------------------------------------------------------------
    def build(self, decl: SlideDecl) -> SlideContent:
        maker = getattr(self, f"slide_{decl.kind}")
        return maker(decl)

    def slide_title(self, decl: SlideDecl) -> SlideContent:
        o = self.options
        date = f"{o.date.day} {o.date:%B %Y}" if o.date else ""
        lines = tuple(x for x in (o.meeting, date, o.venue, o.presenter) if x)
        source = f"Figures: {DATA_CREDIT}. {self.story.title.note}."
        notes = (f"{o.title}. {o.meeting}. Every figure in this deck is computed from one data "
                 "snapshot; each slide's notes give the source and release of its figures.")  # fmt: skip
        return self.base(decl, o.title, lines=lines, source=source, notes=notes)

    def slide_agenda(self, decl: SlideDecl) -> SlideContent:
        # the sections and their slide numbers are filled in when pages are numbered
        return self.base(decl, "Agenda", source=f"Source: {self.story.title.note}.",
                         notes="The presentation follows the briefing note's structure.")  # fmt: skip

    def slide_items(self, decl: SlideDecl) -> SlideContent:
        items = [self.story.item(i) for i in decl.items]
        focus = decl.section == "focus"
        rows, ids, with_data = [], [], 0
        notes = []
        for item in items:
            found = [evidence_text(self.snapshot, self.catalogue, e, baseline=self.baseline)
                     for e in item.evidence]  # fmt: skip
            found_ok = [f for f in found if f is not None]
            parts = evidence_sentences(found_ok)
            ids += [i for f in found_ok for i in f.sources]
            if found_ok:
                with_data += 1
            if item.area or item.usual_source or not found_ok:
                parts.append(gap_text(self.catalogue, item))
            data_text = " ".join(parts)
            rows.append((Cell(item.what, bold=True), Cell(data_text)))
            notes.append(f"- {item.what}: \u201c{item.quote}\u201d {data_text}")
        title = (
            f"Priority actions of the note: data on {with_data} of {len(items)}; "
            f"{len(items) - with_data} have no indicator in this snapshot"
            if focus
            else f"Progress the note names: {with_data} of {len(items)} achievements have an "
            f"indicator in this snapshot"
        )
        source = source_text(self.snapshot, ids)
        source = (f"{source} " if source else "") + (
            f"Quotes: {self.story.title.note}. Usual sources as named in the dashboard's catalogue."
        )
        head = "Priority action" if focus else "The note names"
        table = Table((head, "What the data show"), tuple(rows), (3.0, 7.0))
        return self.base(decl, title, table=table, source=source, notes="\n".join([title, *notes]),
                         data=table.frame(), vintage=vintages(self.snapshot, ids))  # fmt: skip

    def slide_chart(self, decl: SlideDecl) -> SlideContent:
        spec = CHART_SLIDES[decl.id]
        chart, headline = self.chart(decl.id)
        native = spec.native(chart, self.catalogue)
        kept = [n for n in chart.notes if not n.startswith(spec.skip_notes or ("\0",))]
        footnotes = tuple(
            plain_codes(self.snapshot, n) for n in kept if not n.startswith(MARK_NOTES)
        )
        notes = self.notes(headline, spec.areas, [chart.source, *kept])
        source = chart.source
        if spec.drawn or spec.kinds:  # the native chart draws some of the chart's rows: cite those
            rows = chart.data
            if spec.drawn:
                rows = rows[rows["indicator"].astype(str).isin(spec.drawn)]
            if spec.kinds:
                rows = rows[rows["kind"].astype(str).str.startswith(spec.kinds)]
            ids = [i for v in rows["source"].dropna().astype(str) for i in v.split("; ")]
            source = source_line(self.snapshot, self.catalogue, sorted(set(ids)))
        return self.base(decl, headline, native=native, alt=native.alt_text, source=source,
                         footnotes=footnotes, notes=notes, chart=chart)  # fmt: skip

    def slide_map(self, decl: SlideDecl) -> SlideContent:
        try:
            chart = map_figure(self.snapshot, self.catalogue, indicator=MAP_INDICATOR)
        except WsisDataError as exc:
            raise AnalysisError(f"slide {decl.id!r} cannot be built: {exc}") from exc
        notes = list(chart.notes)
        if not any("endorsement" in n for n in notes):  # the UN boundary disclaimer, always
            names = next((n for n in reading_notes(self.snapshot) if n.id == "names"), None)
            if names is not None:
                notes.append(names.text.split(". ", 1)[-1])
        picture, problem = None, ""
        if not self.pictures:
            problem = "Pictures were not requested."
        else:
            try:
                picture = chart_files.picture_png(chart, width_in=PICTURE_BOX[0],
                                                  height_in=PICTURE_BOX[1])  # fmt: skip
            except renderer.ExportError as exc:
                problem = str(exc)
        data = chart.data
        top = data.sort_values("value", ascending=False)
        alt = (
            f"World map of {chart.title[0].lower()}{chart.title[1:]}. "
            f"{len(data)} economies have a value. Highest: "
            + ", ".join(f"{r.entity_name} {r.value:.1f}%" for r in top.head(3).itertuples())
            + ". Lowest: "
            + ", ".join(f"{r.entity_name} {r.value:.1f}%" for r in top.tail(3).itertuples())
            + ". Darker colours: higher Internet use; grey: no value."
        )
        title = chart.title
        return self.base(decl, title, picture=picture, alt=alt, source=chart.source,
                         footnotes=tuple(notes), chart=chart, problem=problem,
                         notes=self.notes(title, ("access",), [chart.source, *notes]))  # fmt: skip

    def _claims_slide(self, decl: SlideDecl, title: str, checks: Sequence[ClaimCheck],
                      footnotes: tuple[str, ...] = ()) -> SlideContent:  # fmt: skip
        """A table of the note's claims: the quote, the verdict in words and colour, and the
        figures (each labelled) or what the check says."""
        rows, ids, notes = [], [], []
        measures = self.measures()
        for c in checks:
            rows.append((Cell(quote_text(c.quote)),
                         Cell(c.verdict[:1].upper() + c.verdict[1:], verdict_colour(c.verdict), True),
                         Cell(figures_text(c, measures))))  # fmt: skip
            ids += [e.source for e in c.evidence]
            notes.append(
                f"- \u201c{c.quote}\u201d {c.verdict.upper()}: {c.summary} {c.note}".strip()
            )
        sources = "; ".join(dict.fromkeys(i for i in ids if i))
        source = (f"Sources: {sources}. " if sources else "") + f"Quotes: {self.story.title.note}."
        table = Table(
            ("The note says", "Verdict", "What the data show"), tuple(rows), (3.6, 1.7, 5.2)
        )
        vintage = "; ".join(dict.fromkeys(e.vintage for c in checks for e in c.evidence))
        return self.base(decl, title, table=table, source=source, footnotes=footnotes,
                         notes="\n".join([title, *notes]), data=table.frame(),
                         vintage=vintage)  # fmt: skip

    def slide_claims(self, decl: SlideDecl) -> SlideContent:
        """The claims the data can check; all of them when no slide lists the others."""
        checks = self.claims()
        if "unchecked" not in self.kinds:
            summary = _verdict_counts(checks) or "no claim declared"
            title = f"The note's claims, checked against the data: {summary}"
            return self._claims_slide(decl, title, checks)
        checked = [c for c in checks if c.verdict != UNCHECKED]
        left = len(checks) - len(checked)
        title = (f"{len(checked)} of the note's {len(checks)} claims can be checked against "
                 f"the data: {_verdict_counts(checked) or 'none'}")  # fmt: skip
        more = (f"The other {left} claims cannot be checked with this snapshot: they are listed "
                "in the appendix, with the usual source of such data.")  # fmt: skip
        return self._claims_slide(decl, title, checked, (more,) if left else ())

    def slide_unchecked(self, decl: SlideDecl) -> SlideContent:
        """The claims the data cannot check, with where such data usually come from."""
        checks = self.claims()
        unchecked = [c for c in checks if c.verdict == UNCHECKED]
        title = (f"{len(unchecked)} of the note's {len(checks)} claims cannot be checked with "
                 "this snapshot")  # fmt: skip
        return self._claims_slide(decl, title, unchecked)

    def slide_challenges(self, decl: SlideDecl) -> SlideContent:
        areas = sorted(self.catalogue.areas, key=lambda a: a.number)
        tiles = tuple(
            Tile(f"{a.number}. {a.name}", MEASUREMENT[a.status], MEASUREMENT_COLOURS[a.status])
            for a in areas
        )
        counts = pd.Series([a.status for a in areas]).value_counts()
        title = (
            f"The note's {len(areas)} challenge areas: {counts.get('measured', 0)} measured, "
            f"{counts.get('partial', 0)} partly, {counts.get('gap', 0)} without an indicator in "
            "this snapshot"
        )
        source = (f"Source: {self.story.title.note}; what the snapshot measures: the dashboard's "
                  "indicator catalogue.")  # fmt: skip
        table = Table(("Area", "Measured"), tuple(
            (Cell(t.heading, bold=True), Cell(t.status, t.colour, True)) for t in tiles), (4.0, 2.0))  # fmt: skip
        return self.base(decl, title, tiles=tiles, table=table, source=source, data=table.frame(),
                         vintage=CATALOGUE_VINTAGE,
                         notes=self.notes(title, [a.id for a in areas if a.status != "measured"]))  # fmt: skip

    def gaps_title(self) -> str:
        areas = self.catalogue.areas
        gaps = sum(a.status == "gap" for a in areas)
        partial = sum(a.status == "partial" for a in areas)
        return (f"{gaps} of {len(areas)} challenge areas have no indicator in this snapshot and "
                f"{partial} are only partly measured")  # fmt: skip

    def slide_gaps(self, decl: SlideDecl) -> SlideContent:
        ordered = sorted(self.catalogue.areas, key=lambda a: a.number)
        areas = [a for a in ordered if a.status == "gap"]
        rows = tuple(
            (Cell(f"{a.number}. {a.name}", bold=True),
             Cell(f"{a.gap_statement} Usual source: {a.gap_source}."))
            for a in areas
        )  # fmt: skip
        table = Table(("Area", "What is missing, and where such data usually come from"), rows,
                      (2.6, 9.0))  # fmt: skip
        partial = [a for a in ordered if a.status == "partial"]
        title = self.gaps_title()
        numbers = [str(a.number) for a in partial]
        footnotes = (
            (f"Partly measured: areas {', '.join(numbers[:-1])} and {numbers[-1]}; what each "
             "lacks is in the speaker notes."),
        ) if len(partial) > 1 else ()  # fmt: skip
        return self.base(decl, title, table=table, data=table.frame(), footnotes=footnotes,
                         vintage=CATALOGUE_VINTAGE,
                         source="Source: the dashboard's indicator catalogue; usual sources as named by each area.",
                         notes=self.notes(title, [a.id for a in (*areas, *partial)]))  # fmt: skip

    def slide_questions(self, decl: SlideDecl) -> SlideContent:
        bullets = tuple(Bullet(q) for q in self.story.questions)
        return self.base(decl, "Guiding questions", bullets=bullets, numbered=True,
                         source=f"Source: {self.story.title.note}, guiding questions (verbatim).",
                         notes="The note's three guiding questions, verbatim.")  # fmt: skip

    def slide_messages(self, decl: SlideDecl) -> SlideContent:
        bullets, ids = [], []
        for sid in self.story.messages:
            if sid == "gaps":
                bullets.append(Bullet(self.gaps_title() + "."))
                continue
            chart, headline = self.chart(sid)
            bullets.append(Bullet(headline + "."))
            ids += _sources_of(chart)
        source = source_text(self.snapshot, ids) or "Source: the slides of this deck."
        return self.base(decl, "Key messages", bullets=tuple(bullets), source=source,
                         notes="\n".join(f"- {b.text}" for b in bullets))  # fmt: skip

    def slide_sources(self, decl: SlideDecl) -> SlideContent:
        rows: list[tuple[str, str, str]] = []
        desc = self.snapshot.descriptor
        for src in desc.sources:
            try:
                ds = self.catalogue.dataset(src.dataset)
                url, title = ds.url, f"{ds.producer}, {ds.dataset}"
            except WsisDataError:
                url, title = "", src.producer
            rows.append((src.label, f"{title}: {src.title}. Licence: {src.licence}.", url))
        for ref in desc.reference:
            try:
                url = self.catalogue.dataset(ref.dataset).url
            except WsisDataError:
                url = ""
            rows.append((f"Classification, {ref.vintage}", f"The World Bank: {ref.title}.", url))
        for _, text in self.catalogue.target_sources:
            rows.append(("Targets", f"{text}.", ""))
        rows.append(("Briefing note", f"United Nations, {self.story.title.meeting}: "
                     f"{self.story.title.note}.", ""))  # fmt: skip
        bullets = tuple(Bullet(f"{text} {url}".strip(), f"{lead[:1].upper()}{lead[1:]}.")
                        for lead, text, url in rows)  # fmt: skip
        data = pd.DataFrame(rows, columns=["source", "citation", "link"])
        return self.base(decl, "Sources: every release and reference behind the figures",
                         bullets=bullets, data=data,
                         source="Source: the data snapshot's description of its sources and the dashboard's catalogue.",
                         notes="Full citations of every data release, classification and target source used.")  # fmt: skip

    def slide_data_notes(self, decl: SlideDecl) -> SlideContent:
        bullets = tuple(Bullet(t, lead) for lead, t in data_notes(self.snapshot, self.catalogue,
                                                                  self.baseline))  # fmt: skip
        return self.base(decl, "Data notes, in plain words", bullets=bullets,
                         source="Source: the data snapshot's description of its sources; the dashboard's rules.",
                         notes="\n".join(b.full for b in bullets))  # fmt: skip

    def slide_reading(self, decl: SlideDecl) -> SlideContent:
        bullets = tuple(Bullet(n.text, n.heading + ".") for n in reading_notes(self.snapshot))
        return self.base(decl, "How to read these figures", bullets=bullets,
                         source="Source: the dashboard's reading guide, filled in from this data snapshot.",
                         notes="\n".join(b.full for b in bullets))  # fmt: skip

    def slide_areas(self, decl: SlideDecl) -> SlideContent:
        rows, ids, heads = [], [], []
        for s in self.summaries():
            head = _headline(s)
            heads.append(head.vintage if head is not None else "")
            figure = "No indicator in this snapshot"
            if head is not None:
                figure = f"{head.short_name}: {head.latest_text} ({head.latest_year}; {head.basis})"
                if head.trend_text:
                    figure += f"; five-year trend: {head.trend_text}"
                ids.append(head.source)
            targets = _target_counts([b.status for b in s.targets])
            rows.append((Cell(f"{s.area.number}. {s.area.name}", bold=True),
                         Cell(MEASUREMENT[s.area.status], MEASUREMENT_COLOURS[s.area.status], True),
                         Cell(figure), Cell(targets)))  # fmt: skip
        table = Table(("Area", "Measured", "Headline figure (world)", "Targets"),
                      tuple(rows), (2.8, 1.5, 4.6, 2.0))  # fmt: skip
        source = "Sources: " + "; ".join(dict.fromkeys(i for i in ids if i)) + "." if ids else ""
        return self.base(decl, "The challenge areas in figures: headline indicator, trend, targets",
                         table=table, data=table.frame(), source=source or "Source: the data snapshot.",
                         vintage="; ".join(dict.fromkeys(h for h in heads if h)),
                         notes="Each area's first indicator with a world value, its five-year trend and its targets' status.")  # fmt: skip


def _headline(summary: AreaSummary):
    found = [i for i in summary.indicators if i.latest_year is not None]
    return next((i for i in found if not i.basis.startswith("median")), found[0] if found else None)


def _target_counts(statuses: Sequence[str]) -> str:
    counts = pd.Series(list(statuses), dtype=object).value_counts()
    return ", ".join(f"{n} {status}" for status, n in counts.items()) or "no target"


QUOTE_LIMIT = 240  # characters of a claim's quote shown on a slide (the rest marked with "…")


UNCHECKED = "cannot be checked"


def _verdict_counts(checks: Sequence[ClaimCheck]) -> str:
    """'7 supported, 1 partly supported': the verdicts, most frequent first."""
    counts = pd.Series([c.verdict for c in checks], dtype=object).value_counts()
    return ", ".join(f"{n} {v}" for v, n in counts.items())


def quote_text(quote: str) -> str:
    """The note's words as quoted on a slide, in quotation marks; a quote too long for its cell
    is cut at a word and the cut marked with an ellipsis."""
    text = " ".join(quote.split())
    if len(text) > QUOTE_LIMIT:
        text = text[:QUOTE_LIMIT].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return f"\u201c{text}\u201d"


def _number(value: float, unit: str) -> str:
    decimals = 2 if "GNI" in unit or abs(value) < 1.5 else 1
    text = f"{value:,.{decimals}f}"
    if unit == "%":
        return f"{text}%"
    if unit.startswith("% "):
        return f"{text}% {unit[2:]}"
    return f"{text} {unit}".strip()


DISAGGREGATION = re.compile(
    r"(, (men|women|rural|urban|youth 15-24|rest of population))?( \(ITU\))?$"
)


def measure_name(short_name: str) -> str:
    """What an indicator measures, without the group it is broken down by or its producer:
    'Internet use, women (ITU)' -> 'Internet use'.

    >>> measure_name("Internet use, women (ITU)"), measure_name("5G coverage")
    ('Internet use', '5G coverage')
    """
    return DISAGGREGATION.sub("", short_name).strip()


def says_measure(label: str, measure: str) -> bool:
    """True when a figure's label already says what it measures (every word of it).

    >>> says_measure("mobile-cellular subscriptions", "Mobile subscriptions")
    True
    >>> says_measure("the world", "5G coverage")
    False
    """
    words = set(re.findall(r"\w+", label.lower()))
    return set(re.findall(r"\w+", measure.lower())) <= words


def figures_text(check: ClaimCheck, measures: Mapping[str, str] | None = None) -> str:
    """A claim's figures, each labelled: 'women 65.3%, men 69.5% (2024)'; figures of the same
    year are grouped; a figure whose label does not say what it measures is led by the
    measure ('5G coverage: the world 51.2%, ...'), `measures` mapping indicator codes to it;
    without figures, what the check says."""
    measures = measures or {}
    groups: list[tuple[str, int, bool, list[str]]] = []
    last = ""
    for e in check.evidence:
        measure = measures.get(e.indicator, "")
        lead = "" if says_measure(e.label, measure) else measure
        new_lead = lead if lead != last else ""
        last = lead
        part = f"{e.label} {_number(e.value, e.unit)}"
        g = groups[-1] if groups else None
        if g is not None and not new_lead and g[1] == e.year and g[2] == e.estimate:
            g[3].append(part)
        else:
            groups.append((new_lead, e.year, e.estimate, [part]))
    if not groups:
        return check.summary
    return "; ".join(
        f"{lead + ': ' if lead else ''}{', '.join(parts)} ({year}{', estimate' if est else ''})"
        for lead, year, est, parts in groups
    )


def data_notes(snapshot: Snapshot, catalogue: Catalogue, baseline: int) -> list[tuple[str, str]]:
    """The data notes as (lead, text), in plain words: no codes, no snapshot ids."""
    out: list[tuple[str, str]] = []
    obs = snapshot.observations
    # 1. releases and what each gives
    for src in snapshot.descriptor.sources:
        if src.id == "derived":
            continue
        codes = set(obs.loc[obs["source"].astype(str) == src.id, "indicator"].astype(str).unique())
        names: list[str] = []
        for ind in catalogue.indicators:  # in the catalogue's order
            name = ind.short_name.replace(" (ITU)", "")
            if ind.code in codes and name not in names:
                names.append(name)
        what = "; ".join(names[:6]) + ("; and more" if len(names) > 6 else "")
        out.append((f"{src.label}.", f"{src.producer}: {what}." if what else f"{src.producer}."))
    # 2. estimates behind the latest world value
    rows = snapshot.rows("IT.NET.USER.ZS")
    world = rows[rows["economy"] == "WLD"].dropna(subset=["value"])
    if len(world):
        year = int(world["year"].max())
        note = reporting_note(
            snapshot, catalogue, indicator="IT.NET.USER.ZS", group="WLD", year=year
        )
        if note:
            out.append(("Estimates.", f"World and group figures for {year} are {note}; the World "
                        "Bank fills in the others from earlier years and models."))  # fmt: skip
    # 3. editions that differ
    itu = snapshot.rows("i99H")
    itu_world = itu[itu["economy"] == "ITU_WLD"]
    if len(world) and len(itu_world):
        common = sorted(set(world["year"].astype(int)) & set(itu_world["year"].astype(int)))
        if common:
            y = common[-1]
            wb = float(world.loc[world["year"] == y, "value"].iloc[0])
            it = float(itu_world.loc[itu_world["year"] == y, "value"].iloc[0])
            wb_src = snapshot.source(str(world.loc[world["year"] == y, "source"].iloc[0])).label
            it_src = snapshot.source(
                str(itu_world.loc[itu_world["year"] == y, "source"].iloc[0])
            ).label
            if abs(wb - it) >= 0.05:
                out.append(("Editions differ.", f"World Internet use in {y} is {wb:.1f}% in the "
                            f"{wb_src} and {it:.1f}% in the {it_src}: ITU revises its whole series "
                            "in each edition. Figures by sex, area and age come from the ITU "
                            "edition and are compared only with each other."))  # fmt: skip
    # 4. newer editions known but not bundled
    for src in snapshot.descriptor.sources:
        newer = getattr(src, "newer_edition", None)
        if newer is not None:
            out.append(("Newer edition.", f"{newer.name} ({newer.published}) is newer than the "
                        f"{src.label} used here; get it from {newer.where}."))  # fmt: skip
    # 5. baseline and classification
    out.append(("Since Tunis.", f"Changes are measured from {baseline}; where a series has no "
                f"value for {baseline}, the nearest year within {BASELINE_WINDOW} years is used "
                "and named, and series that start later are shown from their first year."))  # fmt: skip
    today = next((r.vintage for r in snapshot.descriptor.reference
                  if r.loader == "wb_country_metadata"), "today's")  # fmt: skip
    out.append(("Income groups and regions.", f"The World Bank's classification of {today} is "
                "used for every year unless a slide names another."))  # fmt: skip
    licences = sorted({(x.producer, x.licence) for x in snapshot.descriptor.licences
                       if x.producer != "This dashboard"})  # fmt: skip
    out.append(("Licences.", "; ".join(f"{p}: {lic}" for p, lic in licences) + ". Credit the "
                "World Bank and ITU wherever these figures are shown; check ITU's terms of use "
                "before redistributing ITU figures."))  # fmt: skip
    return out


def prepare_deck(
    snapshot: Snapshot,
    catalogue: Catalogue,
    *,
    options: StoryOptions | None = None,
    story: Story | None = None,
    pictures: bool = True,
    progress: Progress | None = None,
) -> Deck:
    """Compute every selected slide of the story (see the module); the map's picture is drawn
    by the browser, started in the background at once so that it is ready when needed."""
    story = story or load_story()
    options = (options or StoryOptions()).resolved(story)
    check_baseline(snapshot, catalogue, options.baseline)
    decls = select_slides(story, options.slides)
    if pictures and any(d.kind == "map" for d in decls) and renderer.image_export_available():
        renderer.renderer().warm_up()
    builder = _Builder(snapshot, catalogue, story, options, pictures=pictures,
                       kinds=[d.kind for d in decls])  # fmt: skip
    built: dict[str, SlideContent] = {}
    # pictures last: the browser starts meanwhile in the background
    for decl in sorted(decls, key=lambda d: d.kind == "map"):
        built[decl.id] = builder.build(decl)
        if progress is not None:
            progress(f"built {decl.id}")
    slides = [built[d.id] for d in decls]
    return Deck(
        options=options,
        slides=tuple(slides),
        sections=story.sections,
        snapshot_id=snapshot.id,
        built=snapshot_time(snapshot),
        problems=tuple(f"{s.label}: {s.problem}" for s in slides if s.problem),
    )
