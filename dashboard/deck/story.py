"""The opening presentation as declared in `story.yaml`, and the charts its slides draw.

`load_story` reads the YAML into frozen dataclasses: the title slide's defaults, the agenda's
sections, the note's achievements and priority actions with the evidence each needs, the guiding
questions, the key messages and the slides in order. `CHART_SLIDES` says, for each chart slide,
which figure builder makes its dashboard chart (a pure function of snapshot, catalogue and
baseline year), how its takeaway is computed from the chart's data, which challenge areas give
its speaker notes, and how the chart becomes a native, editable PowerPoint chart
(`native.NativeChart`). `StoryOptions` is what the user chooses; prepare.py builds the deck.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from dashboard.deck.native import (
    NativeChart,
    NativeSeries,
    nice_floor,
    series_by_year,
    year_categories,
)
from dashboard.figures.areas import area_small_multiples
from dashboard.figures.chart import Chart
from dashboard.figures.deck_figures import people_offline, regions_chart
from dashboard.figures.inequality import breakdown_levels, parity_over_time
from dashboard.figures.overview import income_gap_chart, internet_use_since_tunis
from dashboard.formatting import format_value
from dashboard.theme import NEUTRAL_INK, OKABE_ITO, ROLE_COLOURS, TARGET_COLOUR, colour_for
from indicators.analytics.aggregates import aggregate
from indicators.analytics.targets import target_status
from indicators.catalogue import Catalogue
from indicators.declared import DeclarationError, read_yaml, require, text, texts
from indicators.errors import AnalysisError, UnknownCodeError, WsisDataError
from indicators.store.snapshot import Snapshot

STORY_PATH = Path(__file__).with_name("story.yaml")
KINDS = frozenset({"title", "agenda", "items", "chart", "map", "claims", "unchecked",
                   "challenges", "gaps",
                   "questions", "messages", "sources", "data_notes", "reading", "areas"})  # fmt: skip
Progress = Callable[[str], None]


# ---------------------------------------------------------------------------------------------
# The declared story


@dataclass(frozen=True)
class TitleDefaults:
    """What the title slide says unless the user changes it."""

    title: str
    meeting: str
    date: dt.date | None
    venue: str
    presenter: str
    note: str  # how the briefing note is cited


@dataclass(frozen=True)
class Section:
    id: str
    title: str


@dataclass(frozen=True)
class EvidenceSpec:
    """A figure that speaks to an item: the latest value of `indicator` for `entity` (a World
    Bank group or economy; an ITU estimate stands in where the World Bank publishes none) and,
    with `since`, its change over that many years ('baseline': since the deck's baseline)."""

    indicator: str
    entity: str = "WLD"
    since: int | str | None = None


@dataclass(frozen=True)
class NoteItem:
    """An achievement or priority action of the note: its words and what the data can show."""

    id: str
    what: str  # a short name
    quote: str  # verbatim from the note; "…" marks a trimmed start or end
    evidence: tuple[EvidenceSpec, ...] = ()
    area: str = ""  # a challenge area whose gap statement and usual source apply
    usual_source: str = ""  # the usual source where no area covers the item
    missing: str = ""  # what is missing, when evidence covers only part of the item


@dataclass(frozen=True)
class SlideDecl:
    """One slide of the story (a long table or list may be laid out over several pages)."""

    id: str
    kind: str
    label: str
    section: str = ""
    items: tuple[str, ...] = ()
    optional: bool = False  # offered, but not in the default deck


@dataclass(frozen=True)
class Story:
    title: TitleDefaults
    sections: tuple[Section, ...]
    progress: tuple[NoteItem, ...]
    focus: tuple[NoteItem, ...]
    questions: tuple[str, ...]
    messages: tuple[str, ...]
    slides: tuple[SlideDecl, ...]

    @property
    def default_slides(self) -> tuple[SlideDecl, ...]:
        """The slides of the default deck (every slide not marked optional)."""
        return tuple(s for s in self.slides if not s.optional)

    def item(self, item_id: str) -> NoteItem:
        for item in (*self.progress, *self.focus):
            if item.id == item_id:
                return item
        raise UnknownCodeError(
            "story item", item_id, known=[i.id for i in (*self.progress, *self.focus)]
        )

    def slide(self, slide_id: str) -> SlideDecl:
        for slide in self.slides:
            if slide.id == slide_id:
                return slide
        raise UnknownCodeError("slide", slide_id, known=[s.id for s in self.slides])

    def section(self, section_id: str) -> Section:
        for section in self.sections:
            if section.id == section_id:
                return section
        raise UnknownCodeError("section", section_id, known=[s.id for s in self.sections])


def _evidence(entry: Any, where: str) -> EvidenceSpec:
    since = entry.get("since") if isinstance(entry, Mapping) else None
    if since is not None and since != "baseline" and not isinstance(since, int):
        raise DeclarationError(f"{where}: 'since' must be a number of years or 'baseline'")
    return EvidenceSpec(
        indicator=text(entry, "indicator", where),
        entity=text(entry, "entity", where, default="WLD"),
        since=since,
    )


def _item(entry: Any, where: str) -> NoteItem:
    item_id = text(entry, "id", where)
    here = f"{where} {item_id}"
    evidence = entry.get("evidence") or []
    if not isinstance(evidence, list):
        raise DeclarationError(f"{here}: 'evidence' must be a list")
    item = NoteItem(
        id=item_id,
        what=text(entry, "what", here),
        quote=text(entry, "quote", here),
        evidence=tuple(_evidence(e, f"{here} evidence") for e in evidence),
        area=text(entry, "area", here, default=""),
        usual_source=text(entry, "usual_source", here, default=""),
        missing=text(entry, "missing", here, default=""),
    )
    if not (item.evidence or item.area or item.usual_source):
        raise DeclarationError(f"{here}: give evidence, an area or a usual source")
    return item


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise DeclarationError(f"story title: date {value!r} is not YYYY-MM-DD") from exc


def parse_story(document: Mapping[str, Any]) -> Story:
    """A typed story from its YAML document; references between its parts are checked."""
    head = require(document, "title", "story")
    title = TitleDefaults(
        title=text(head, "title", "story title"),
        meeting=text(head, "meeting", "story title"),
        date=_date(head.get("date")),
        venue=text(head, "venue", "story title"),
        presenter=text(head, "presenter", "story title"),
        note=text(head, "note", "story title"),
    )
    sections = tuple(
        Section(text(s, "id", "a section"), text(s, "title", "a section"))
        for s in require(document, "sections", "story")
    )
    progress = tuple(_item(e, "progress item") for e in require(document, "progress", "story"))
    focus = tuple(_item(e, "focus item") for e in require(document, "focus", "story"))
    slides = []
    for entry in require(document, "slides", "story"):
        sid = text(entry, "id", "a slide")
        slide = SlideDecl(
            id=sid,
            kind=text(entry, "kind", f"slide {sid}"),
            label=text(entry, "label", f"slide {sid}"),
            section=text(entry, "section", f"slide {sid}", default=""),
            items=texts(entry.get("items"), f"slide {sid} items"),
            optional=bool(entry.get("optional", False)),
        )
        slides.append(slide)
    story = Story(
        title=title,
        sections=sections,
        progress=progress,
        focus=focus,
        questions=tuple(" ".join(q.split()) for q in texts(document.get("questions"), "questions")),
        messages=texts(document.get("messages"), "messages"),
        slides=tuple(slides),
    )
    _check(story)
    return story


def _check(story: Story) -> None:
    ids = [s.id for s in story.slides]
    if len(set(ids)) != len(ids):
        raise DeclarationError("story: a slide id is declared more than once")
    items = [i.id for i in (*story.progress, *story.focus)]
    if len(set(items)) != len(items):
        raise DeclarationError("story: an item id is declared more than once")
    sections = {s.id for s in story.sections}
    for slide in story.slides:
        if slide.kind not in KINDS:
            raise DeclarationError(f"slide {slide.id}: unknown kind {slide.kind!r}")
        if slide.section and slide.section not in sections:
            raise DeclarationError(f"slide {slide.id}: unknown section {slide.section!r}")
        if slide.kind == "chart" and slide.id not in CHART_SLIDES:
            raise DeclarationError(f"slide {slide.id}: no chart of that id in story.CHART_SLIDES")
        for item in slide.items:
            story.item(item)
    for message in story.messages:
        if message not in CHART_SLIDES and message != "gaps":
            raise DeclarationError(f"message {message!r}: not a chart slide or 'gaps'")


@cache
def load_story(path: Path = STORY_PATH) -> Story:
    """The declared story (read once per process; it is immutable)."""
    return parse_story(read_yaml(path, what="story"))


# ---------------------------------------------------------------------------------------------
# What the user chooses


@dataclass(frozen=True)
class StoryOptions:
    """Baseline year, the slides (ids, in order; None: all) and the title slide's words.

    Empty title-slide fields take the story's defaults (`resolved`)."""

    baseline: int = 2005
    slides: tuple[str, ...] | None = None
    title: str = ""
    meeting: str = ""
    date: dt.date | None = None
    venue: str = ""
    presenter: str = ""

    def resolved(self, story: Story | None = None) -> StoryOptions:
        """The options with the story's defaults filled in where the user gave nothing."""
        d = (story or load_story()).title
        return StoryOptions(
            baseline=self.baseline,
            slides=self.slides,
            title=self.title.strip() or d.title,
            meeting=self.meeting.strip() or d.meeting,
            date=self.date or d.date,
            venue=self.venue.strip() or d.venue,
            presenter=self.presenter.strip() or d.presenter,
        )


def select_slides(story: Story, selection: Sequence[str] | None) -> list[SlideDecl]:
    """The slides named by `selection`, in its order (None: the default deck); unknown ids or
    an empty selection are errors naming the slides."""
    if selection is None:
        return list(story.default_slides)
    wanted = [str(s).strip() for s in selection if str(s).strip()]
    if not wanted:
        raise AnalysisError(
            "no slides selected: choose at least one of " + ", ".join(s.id for s in story.slides)
        )
    for sid in wanted:
        story.slide(sid)
    return [story.slide(sid) for sid in dict.fromkeys(wanted)]  # a repeated slide is shown once


def moved(order: Sequence[str], slide_id: str, step: int) -> tuple[str, ...]:
    """The order with one slide moved `step` places (-1: up, +1: down), kept within the ends."""
    ids = list(order)
    if slide_id not in ids:
        return tuple(ids)
    i = ids.index(slide_id)
    j = min(max(i + step, 0), len(ids) - 1)
    ids.insert(j, ids.pop(i))
    return tuple(ids)


# ---------------------------------------------------------------------------------------------
# Chart slides: dashboard chart, takeaway, speaker notes' areas, native chart


def reporting_note(
    snapshot: Snapshot, catalogue: Catalogue, *, indicator: str, group: str, year: int
) -> str:
    """'a World Bank estimate: 10 of 217 economies had reported a 2025 value' when too few of a
    group's economies reported for the World Bank's rule ('' otherwise or for an economy)."""
    kind = str(snapshot.entity_index["kind"].get(group, ""))
    if kind in ("", "economy"):
        return ""
    try:
        row = aggregate(snapshot, catalogue, indicator=indicator, group=group, years=[year]).iloc[0]
    except WsisDataError:
        return ""
    if row["status"] == "ok":
        return ""
    return (
        f"a World Bank estimate: {int(row['reporting'])} of {int(row['members'])} economies had "
        f"reported a {year} value"
    )


def estimate_word(snapshot: Snapshot, catalogue: Catalogue, *, groups: Sequence[str], year: int,
                  indicator: str = "IT.NET.USER.ZS") -> str:  # fmt: skip
    """' (World Bank estimates)' when too few of the groups' economies reported for `year`."""
    thin = any(reporting_note(snapshot, catalogue, indicator=indicator, group=g, year=year)
               for g in groups)  # fmt: skip
    return " (World Bank estimates)" if thin else ""


Builder = Callable[[Snapshot, Catalogue, int], Chart]
Headline = Callable[[Chart, Snapshot, Catalogue, int], str]
Native = Callable[[Chart, Catalogue], NativeChart]
PERCENT = '0"%"'


@dataclass(frozen=True)
class ChartSlide:
    """How a chart slide is made: the builder, its takeaway, its notes' areas, its native chart."""

    build: Builder
    headline: Headline
    native: Native
    areas: tuple[str, ...] = field(default_factory=tuple)
    drawn: tuple[str, ...] = ()  # the indicators the native chart draws, when only some
    kinds: tuple[str, ...] = ()  # the data's `kind` prefixes the native chart draws, when only some
    skip_notes: tuple[str, ...] = ()  # starts of the chart's notes about what it does not draw


def _pct(value: float) -> str:
    return f"{value:.1f}%"


def _first_last(frame: pd.DataFrame, value: str = "value") -> tuple[pd.Series, pd.Series]:
    ordered = frame.dropna(subset=[value]).sort_values("year")
    if ordered.empty:
        raise AnalysisError("the chart has no values")
    return ordered.iloc[0], ordered.iloc[-1]


def _name(chart: Chart, entity: str, default: str) -> str:
    d = chart.data
    if "name" in d.columns and (d["entity"] == entity).any():
        return str(d.loc[d["entity"] == entity, "name"].iloc[0])
    return default


# --- Internet use since the baseline ---------------------------------------------------------


def headline_internet(chart: Chart, snapshot: Snapshot, catalogue: Catalogue, baseline: int) -> str:
    d = chart.data
    first, last = _first_last(d[d["entity"] == "WLD"])
    low = d[d["entity"] == "LIC"].dropna(subset=["value"]).sort_values("year")
    est = estimate_word(snapshot, catalogue, groups=("WLD",), year=int(last["year"]))
    text = (
        f"{_pct(last['value'])} of the world's population used the Internet in {last['year']}"
        f"{est.replace('estimates', 'estimate')}, up from {_pct(first['value'])} in {first['year']}"
    )
    if len(low):
        text += f"; in low-income economies {_pct(low.iloc[-1]['value'])}"
    return text


def native_lines(
    chart: Chart,
    *,
    series_col: str,
    value_col: str = "value",
    order: Sequence[str] | None = None,
    names: Mapping[str, str] | None = None,
    colours: Mapping[str, str] | None = None,
    value_title: str,
    number_format: str = PERCENT,
    what: str,
    minimum: float | None = 0,
    maximum: float | None = None,
    frame: pd.DataFrame | None = None,
    dashed: Sequence[str] = (),
) -> NativeChart:
    """A line chart of a tidy frame (one line per value of `series_col`), years from the first
    to the last with data (the axis starts where the data start)."""
    d = (chart.data if frame is None else frame).dropna(subset=[value_col])
    keys = list(order or dict.fromkeys(d[series_col].astype(str)))
    keys = [k for k in keys if (d[series_col].astype(str) == k).any()]
    categories = year_categories(d["year"].astype(int).tolist())
    series = []
    for i, key in enumerate(keys):
        sub = d[d[series_col].astype(str) == key]
        series.append(
            NativeSeries(
                name=(names or {}).get(key, key),
                values=series_by_year(sub, categories, value=value_col),
                colour=(colours or {}).get(key, colour_for(key, i)),
                dashed=key in dashed,
            )
        )
    return NativeChart(
        kind="line",
        categories=categories,
        series=tuple(series),
        value_title=value_title,
        number_format=number_format,
        minimum=minimum,
        maximum=maximum,
        what=what,
    )


def native_internet(chart: Chart, catalogue: Catalogue) -> NativeChart:
    d = chart.data
    names = dict(zip(d["entity"].astype(str), d["name"].astype(str), strict=False))
    native = native_lines(
        chart, series_col="entity", names=names, value_title="% of population",
        what="Internet use, % of population, world and World Bank income groups",
        minimum=0, maximum=100,
    )  # fmt: skip
    return native


# --- regions ------------------------------------------------------------------------------------


def headline_regions(chart: Chart, snapshot: Snapshot, catalogue: Catalogue, baseline: int) -> str:
    d = chart.data.sort_values("value")
    lo, hi = d.iloc[0], d.iloc[-1]
    return (
        f"Internet use by region in {int(lo['year'])}: {_pct(hi['value'])} in {hi['name']}, "
        f"{_pct(lo['value'])} in {lo['name']}"
    )


def native_regions(chart: Chart, catalogue: Catalogue) -> NativeChart:
    d = chart.data.sort_values("value", ascending=False)
    categories = tuple(
        f"{n} ({c:.0%} reported)" for n, c in zip(d["name"], d["coverage"], strict=True)
    )
    year = int(d["year"].iloc[0])
    return NativeChart(
        kind="bar",
        categories=categories,
        series=(
            NativeSeries(
                f"Internet use, {year}",
                tuple(float(v) for v in d["value"]),
                NEUTRAL_INK,
                labels=True,
            ),
        ),
        value_title="% of population",
        number_format='0.0"%"',
        axis_format=PERCENT,
        minimum=0,
        maximum=100,
        legend=False,
        what=f"Internet use by World Bank region in {year}, % of population, with the share of "
        "each region's people whose economies reported",
    )


# --- people offline --------------------------------------------------------------------------


def headline_offline(chart: Chart, snapshot: Snapshot, catalogue: Catalogue, baseline: int) -> str:
    d = chart.data[chart.data["year"] == chart.data["year"].max()]
    world = float(d.loc[d["group"] == "WLD", "offline"].iloc[0])
    poorer = float(d.loc[d["group"].isin(["LIC", "LMC"]), "offline"].sum())
    year = int(d["year"].iloc[0])
    est = estimate_word(snapshot, catalogue, groups=("WLD",), year=year)
    return (
        f"{world / 1e9:.1f} billion people were offline in {year}{est}; "
        f"{poorer / world:.0%} of them in low and lower-middle income economies (today's groups)"
    )


def native_offline(chart: Chart, catalogue: Catalogue) -> NativeChart:
    d = chart.data[chart.data["group"] != "WLD"].dropna(subset=["offline"])
    years = sorted(int(y) for y in d["year"].unique())
    categories = tuple(str(y) for y in years)
    series = []
    for i, code in enumerate(("HIC", "UMC", "LMC", "LIC")):
        sub = d[d["group"] == code].assign(billions=lambda x: x["offline"] / 1e9)
        if sub.empty:
            continue
        series.append(NativeSeries(str(sub["name"].iloc[0]),
                                   series_by_year(sub, categories, value="billions"),
                                   colour_for(code, i)))  # fmt: skip
    return NativeChart(
        kind="stacked_column",
        categories=categories,
        series=tuple(series),
        value_title="billion people",
        number_format="0.0",
        minimum=0,
        what="people not using the Internet, billions, by World Bank income group",
    )


# --- the income divide -------------------------------------------------------------------------


def headline_income(chart: Chart, snapshot: Snapshot, catalogue: Catalogue, baseline: int) -> str:
    first, last = _first_last(chart.data, "gap")
    year = int(last["year"])
    est = estimate_word(snapshot, catalogue, groups=("HIC", "LIC"), year=year)
    when = f"{year} estimates" if est else str(year)
    peak = chart.data.dropna(subset=["gap"]).sort_values("year").loc[lambda d: d["gap"].idxmax()]
    if int(peak["year"]) < year and round(peak["gap"]) > round(last["gap"]):
        # a gap that peaked and eased: "widened" would mislead as spoken in the room
        change = (
            f"gap {first['gap']:.0f} points in {int(first['year'])}, peak {peak['gap']:.0f} in "
            f"{int(peak['year'])}, {last['gap']:.0f} in {year}"
        )
    else:
        verb = "widened" if last["gap"] > first["gap"] else "narrowed"
        change = (
            f"gap {verb} from {first['gap']:.0f} to {last['gap']:.0f} points since "
            f"{int(first['year'])}"
        )
    return (
        f"Today's income groups: {_pct(last['high'])} online in high income, "
        f"{_pct(last['low'])} in low income ({when}); {change}"
    )


def native_income(chart: Chart, catalogue: Catalogue) -> NativeChart:
    d = chart.data
    tidy = pd.concat(
        [
            d[["year", "high"]].rename(columns={"high": "value"}).assign(group="High income"),
            d[["year", "low"]].rename(columns={"low": "value"}).assign(group="Low income"),
            d[["year", "gap"]].rename(columns={"gap": "value"}).assign(group="Gap (points)"),
        ]
    )
    colours = {"High income": colour_for("HIC", 0), "Low income": colour_for("LIC", 0),
               "Gap (points)": TARGET_COLOUR}  # fmt: skip
    return native_lines(
        chart, frame=tidy, series_col="group", colours=colours, dashed=("Gap (points)",),
        value_title="% of population; gap in points", minimum=0, maximum=100,
        what="Internet use of high- and low-income economies (today's World Bank groups) and "
        "the gap between them in percentage points",
    )  # fmt: skip


# --- gender parity -----------------------------------------------------------------------------


def headline_gender(chart: Chart, snapshot: Snapshot, catalogue: Catalogue, baseline: int) -> str:
    d = chart.data[chart.data["kind"].astype(str).str.startswith("published")]
    world = _first_last(d[d["group"] == "WLD"], "parity")[1]
    low = d[d["group"] == "LIC"].dropna(subset=["parity"]).sort_values("year")
    text = (
        f"Women are online less than men: parity score (women ÷ men) {world['parity']:.2f} "
        f"worldwide in {int(world['year'])}"
    )
    if len(low):
        text += f", {low.iloc[-1]['parity']:.2f} in low-income economies"
    return text + " (ITU estimates)"


def native_gender(chart: Chart, catalogue: Catalogue) -> NativeChart:
    d = chart.data[chart.data["kind"].astype(str).str.startswith("published")]
    names = dict(zip(d["group"].astype(str), d["label"].astype(str), strict=False))
    low = float(d["parity"].min())
    native = native_lines(
        chart, frame=d, series_col="group", value_col="parity", names=names,
        order=("WLD", "HIC", "UMC", "LMC", "LIC"), value_title="women ÷ men",
        number_format="0.00", minimum=min(nice_floor(low, 0.1), 0.9), maximum=1.05,
        what="the gender parity score of Internet use (women's rate ÷ men's rate; parity is "
        "0.98 to 1.02), world and income groups, ITU estimates",
    )  # fmt: skip
    parity = NativeSeries("Parity (women = men)", tuple(1.0 for _ in native.categories),
                          TARGET_COLOUR, dashed=True)  # fmt: skip
    return NativeChart(**{**native.__dict__, "series": (*native.series, parity)})


# --- urban / rural and youth / rest ---------------------------------------------------------------


def _pair_headline(chart: Chart, words: tuple[str, str]) -> str:
    row = chart.data[chart.data["entity"] == "ITU_WLD"].iloc[0]
    low = chart.data[chart.data["entity"] == "ITU_LIC"]
    text = (
        f"Internet use in {int(row['year'])}: {words[0]} {_pct(row['first'])}, {words[1]} "
        f"{_pct(row['second'])} worldwide"
    )
    if len(low):
        text += f"; {_pct(low.iloc[0]['first'])} and {_pct(low.iloc[0]['second'])} in low-income economies"
    return text + " (ITU estimates)"


def headline_geography(
    chart: Chart, snapshot: Snapshot, catalogue: Catalogue, baseline: int
) -> str:
    return _pair_headline(chart, ("urban areas", "rural areas"))


def headline_youth(chart: Chart, snapshot: Snapshot, catalogue: Catalogue, baseline: int) -> str:
    return _pair_headline(chart, ("young people (15–24)", "the rest"))


def native_pair(chart: Chart, catalogue: Catalogue) -> NativeChart:
    d = chart.data
    names = {"urban": "Urban areas", "rural": "Rural areas", "youth": "Aged 15–24",
             "rest": "Rest of the population", "female": "Women", "male": "Men"}  # fmt: skip
    first, second = str(d["first_role"].iloc[0]), str(d["second_role"].iloc[0])
    categories = tuple(str(n).replace(" (ITU)", "") for n in d["name"])
    return NativeChart(
        kind="clustered_bar",
        categories=categories,
        series=(
            NativeSeries(
                names.get(first, first),
                tuple(float(v) for v in d["first"]),
                ROLE_COLOURS[first],
                labels=True,
            ),
            NativeSeries(
                names.get(second, second),
                tuple(float(v) for v in d["second"]),
                ROLE_COLOURS[second],
                labels=True,
            ),
        ),
        value_title=f"% using the Internet, {int(d['year'].iloc[0])}",
        number_format='0.0"%"',
        axis_format=PERCENT,
        minimum=0,
        maximum=100,
        what=f"Internet use of {names.get(first, first).lower()} and "
        f"{names.get(second, second).lower()}, {int(d['year'].iloc[0])}, ITU's world and "
        "income-group estimates",
    )


# --- affordability, quality, devices (small multiples in the app) ----------------------------


def _small(area: str) -> Builder:
    def build(snapshot: Snapshot, catalogue: Catalogue, baseline: int) -> Chart:
        chart = area_small_multiples(snapshot, catalogue, area_id=area, start=baseline)
        if chart is None:
            raise AnalysisError(f"no indicator of area {area!r} has data")
        return chart

    return build


def _panels(chart: Chart, codes: Sequence[str]) -> pd.DataFrame:
    d = chart.data
    return d[d["indicator"].astype(str).isin(list(codes))]


def _latest(frame: pd.DataFrame, code: str, series: str | None = None) -> pd.Series:
    sub = frame[frame["indicator"].astype(str) == code]
    if series is not None:
        sub = sub[sub["series"].astype(str) == series]
    return _first_last(sub)[1]


AFFORDABLE = ("i154_FBB5_GNI", "i271mb_5GB_GNI")


def headline_affordability(
    chart: Chart, snapshot: Snapshot, catalogue: Catalogue, baseline: int
) -> str:
    d = _panels(chart, AFFORDABLE)
    fixed = d[d["indicator"] == AFFORDABLE[0]]
    first, last = _first_last(fixed)
    ind = catalogue.indicator(AFFORDABLE[0])
    target = next((t for t in ind.targets if t.metric == "value"), None)
    verdict = _affordability_verdict(snapshot, catalogue, target.id) if target else None
    if verdict is None:
        return (
            f"Fixed broadband costs the median economy {last['value']:.2f}% of monthly income "
            f"({int(last['year'])}), {first['value']:.2f}% in {int(first['year'])}"
        )
    return f"{verdict} (5 GB basket)"


def _affordability_verdict(snapshot: Snapshot, catalogue: Catalogue, target_id: str) -> str | None:
    """The 2% target judged for whom it is set, e.g. 'Fixed broadband under 2% of income: target
    missed in 2025, 95 of 120 low & middle income economies paid more'; None
    when the target's own group has no verdict."""
    target = catalogue.target(target_id)
    status = target_status(snapshot, catalogue, target_ids=[target_id])
    group = status[status["entity"] == target.scope]
    judged = status[(status["entity_kind"] == "economy") & status["status"].isin(["met", "missed"])]
    if group.empty or group["status"].iloc[0] not in ("met", "missed"):
        return None
    who = str(group["entity_name"].iloc[0]).lower()
    missed = int((judged["status"] == "missed").sum())
    return (
        f"Fixed broadband under {target.value:g}% of income: target {group['status'].iloc[0]} "
        f"in {target.year}, {missed} of {len(judged)} {who} economies paid more"
    )


def native_affordability(chart: Chart, catalogue: Catalogue) -> NativeChart:
    d = _panels(chart, AFFORDABLE)
    names = {c: catalogue.indicator(c).short_name.replace(", % of income", "") + " (5 GB), median economy"
             for c in AFFORDABLE}  # fmt: skip
    colours = {AFFORDABLE[0]: OKABE_ITO["blue"], AFFORDABLE[1]: OKABE_ITO["orange"]}
    native = native_lines(
        chart, frame=d, series_col="indicator", names=names, colours=colours,
        value_title="% of monthly GNI per capita", number_format='0.0"%"', minimum=0,
        what="the price of entry-level broadband as a share of monthly income in the median "
        "economy (ITU price baskets)",
    )  # fmt: skip
    target = next(
        (t for t in catalogue.indicator(AFFORDABLE[0]).targets if t.metric == "value"), None
    )
    if target is None:
        return native
    line = NativeSeries(f"Target: under {target.value:g}%", tuple(target.value for _ in native.categories),
                        TARGET_COLOUR, dashed=True)  # fmt: skip
    return NativeChart(**{**native.__dict__, "series": (*native.series, line)})


QUALITY = ("i271GA", "i271G5_pop")


def headline_quality(chart: Chart, snapshot: Snapshot, catalogue: Catalogue, baseline: int) -> str:
    d = _panels(chart, QUALITY)
    parts = []
    for code in QUALITY:
        sub = d[d["indicator"] == code]
        if sub.empty:
            continue
        ind = catalogue.indicator(code)
        last = _first_last(sub)[1]
        parts.append(
            f"{ind.short_name.replace(' coverage', '')} {format_value(last['value'], ind)}"
        )
        year = int(last["year"])
    return (f"Mobile broadband coverage in {year}: {', '.join(parts)} of the world's people "
            "(ITU estimates); no measure of speed in this snapshot")  # fmt: skip


def native_quality(chart: Chart, catalogue: Catalogue) -> NativeChart:
    d = _panels(chart, QUALITY)
    names = {c: catalogue.indicator(c).short_name for c in QUALITY}
    return native_lines(
        chart, frame=d, series_col="indicator", names=names,
        colours={QUALITY[0]: OKABE_ITO["blue"], QUALITY[1]: OKABE_ITO["bluish_green"]},
        value_title="% of population covered", minimum=0, maximum=100,
        what="the share of the world's people covered by a 4G/LTE and by a 5G mobile network, ITU estimates",
    )  # fmt: skip


DEVICES = ("xHH18_IDI", "xHH18_IDI.F/xHH18_IDI.M")


def headline_devices(chart: Chart, snapshot: Snapshot, catalogue: Catalogue, baseline: int) -> str:
    d = chart.data
    ind = catalogue.indicator("xHH18_IDI")
    world = _first_last(d[d["indicator"].astype(str) == DEVICES[0]])[1]
    text = (
        f"{format_value(world['value'], ind)} of the world's people aged 10 and over owned a "
        "mobile phone in "
        f"{int(world['year'])}"
    )
    pair = d[d["indicator"].astype(str) == DEVICES[1]]
    if len(pair):
        women, men = (_first_last(pair[pair["series"] == s])[1] for s in ("Women", "Men"))
        same = int(men["year"]) == int(world["year"])
        text += f": women {_pct(women['value'])}, men {_pct(men['value'])}" + (
            "" if same else f" ({int(men['year'])})"
        )
    return text + " (ITU estimates)"


def native_devices(chart: Chart, catalogue: Catalogue) -> NativeChart:
    d = chart.data[chart.data["indicator"].astype(str).isin(DEVICES)]
    d = d.assign(line=d["series"].astype(str).replace({"World": "Everyone"}))
    return native_lines(
        chart, frame=d, series_col="line", order=("Everyone", "Women", "Men"),
        colours={"Everyone": NEUTRAL_INK, "Women": ROLE_COLOURS["female"], "Men": ROLE_COLOURS["male"]},
        value_title="% owning a mobile phone", minimum=0, maximum=100,
        what="the share of the world's people who own a mobile phone, everyone, women and men, ITU estimates",
    )  # fmt: skip


CHART_SLIDES: dict[str, ChartSlide] = {
    "internet_use": ChartSlide(
        lambda s, c, b: internet_use_since_tunis(s, c, start=b), headline_internet,
        native_internet, ("access",),
    ),
    "regions": ChartSlide(regions_chart, headline_regions, native_regions, ("geography",)),
    "offline": ChartSlide(people_offline, headline_offline, native_offline, ("access", "income")),
    "income": ChartSlide(
        lambda s, c, b: income_gap_chart(s, c, baseline=b, start=b), headline_income,
        native_income, ("income",),
    ),
    "gender": ChartSlide(
        lambda s, c, b: parity_over_time(s, c, start=b), headline_gender, native_gender, ("gender",),
        kinds=("published",),  # ITU's groups only: not the groups computed here
        skip_notes=("Income groups of World Bank and computed figures",),
    ),
    "urban_rural": ChartSlide(
        lambda s, c, b: breakdown_levels(s, c, pair=("urban", "rural")), headline_geography,
        native_pair, ("geography",),
    ),
    "youth": ChartSlide(
        lambda s, c, b: breakdown_levels(s, c, pair=("youth", "rest")), headline_youth,
        native_pair, ("age",),
    ),
    "affordability": ChartSlide(
        _small("affordability"), headline_affordability, native_affordability, ("affordability",),
        AFFORDABLE,
    ),
    "quality": ChartSlide(_small("quality"), headline_quality, native_quality, ("quality",), QUALITY),
    "devices": ChartSlide(_small("devices"), headline_devices, native_devices, ("devices",), DEVICES),
}  # fmt: skip


def baseline_range(snapshot: Snapshot, catalogue: Catalogue) -> tuple[int, int]:
    """The baseline years the deck supports: from the first year in which the world and every
    income group have a published Internet use value and a population (people offline are
    counted from both) to the year before the latest world value."""
    need = ("WLD", "HIC", "UMC", "LMC", "LIC")
    years: set[int] | None = None
    for code in ("IT.NET.USER.ZS", "SP.POP.TOTL"):
        rows = snapshot.rows(code)
        for entity in need:
            have = set(
                rows.loc[(rows["economy"] == entity) & rows["value"].notna(), "year"].astype(int)
            )
            years = have if years is None else years & have
    if not years:
        raise AnalysisError("the snapshot has no world and income-group Internet use to start from")
    latest = max(years)
    return min(years), latest - 1


def check_baseline(snapshot: Snapshot, catalogue: Catalogue, baseline: int) -> None:
    """A baseline outside `baseline_range` is an error naming the valid range."""
    first, last = baseline_range(snapshot, catalogue)
    if not first <= baseline <= last:
        raise AnalysisError(
            f"baseline {baseline} is outside what the data support: choose a year from {first} "
            f"to {last}"
        )
