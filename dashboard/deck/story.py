"""The default presentation deck as data: an ordered list of slide specifications.

Each `SlideSpec` names a figure builder (a pure function of snapshot, catalogue and baseline year
returning a `Chart`), a function computing the slide's headline takeaway from the data, and the
talking points (sentences with their citations) that become the speaker notes. `build_slides`
turns a selection of specs into finished `Slide`s; deck.py prepares them, deck_pptx.py,
deck_pdf.py and pack.py render them. Figures only the deck shows are in figures_story.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pandas as pd

from dashboard.figures.areas import area_grid, area_small_multiples
from dashboard.figures.chart import Chart
from dashboard.figures.deck_figures import data_gaps, people_offline, sources_frame, sources_used
from dashboard.figures.inequality import breakdown_levels, parity_over_time
from dashboard.figures.overview import income_gap_chart, internet_use_since_tunis
from dashboard.formatting import format_value
from dashboard.views.area_summary import MEASUREMENT
from indicators.catalogue import Catalogue
from indicators.errors import AnalysisError, UnknownCodeError, WsisDataError
from indicators.narrative.talking_points import talking_points
from indicators.store.snapshot import Snapshot

DEFAULT_TITLE = "Progress in the implementation of WSIS outcomes"
DEFAULT_SUBTITLE = "Twenty years since Tunis: what the data show, challenges and areas for focus"
Progress = Callable[[str], None]


@dataclass(frozen=True)
class StoryOptions:
    """What the user chooses: baseline year, slides (ids, in order), title, subtitle and date."""

    baseline: int = 2005
    slides: tuple[str, ...] | None = None  # None: every slide of the deck in its default order
    title: str = DEFAULT_TITLE
    subtitle: str = DEFAULT_SUBTITLE
    date: dt.date | None = None  # None: the deck is dated by the data snapshot (reproducible)


@dataclass(frozen=True)
class TalkingPoint:
    """A sentence for the speaker with the citation of the figure it states."""

    text: str
    citation: str = ""

    def line(self) -> str:
        return f"{self.text} [{self.citation}]" if self.citation else self.text


Builder = Callable[[Snapshot, Catalogue, int], Chart]
Headline = Callable[[Chart, Snapshot, Catalogue, int], str]
Points = Callable[[Chart, Snapshot, Catalogue, int], list[TalkingPoint]]


@dataclass(frozen=True)
class SlideSpec:
    """One slide of a deck: how to build its chart, headline and speaker notes.

    layout 'chart' shows the chart as a picture; 'table' shows `table(chart, catalogue)`
    (default: the chart's data without provenance columns) as a native PowerPoint table.
    """

    id: str
    label: str  # short name in menus
    build: Builder
    headline: Headline
    points: Points
    layout: str = "chart"
    table: Callable[[Chart, Catalogue], pd.DataFrame] | None = None


@dataclass(frozen=True)
class Slide:
    """A built slide: its chart with the headline and the speaker's talking points."""

    id: str
    label: str
    headline: str
    chart: Chart
    notes: tuple[TalkingPoint, ...] = field(default_factory=tuple)
    layout: str = "chart"
    table: pd.DataFrame | None = None


def select_specs(specs: Sequence[SlideSpec], selection: Sequence[str] | None) -> list[SlideSpec]:
    """The specs named by `selection`, in its order (None: all). Unknown or no slides: an error."""
    by_id = {s.id: s for s in specs}
    if selection is None:
        return list(specs)
    wanted = [str(s).strip() for s in selection if str(s).strip()]
    if not wanted:
        raise AnalysisError("no slides selected: choose at least one of " + ", ".join(by_id) + ".")
    for sid in wanted:
        if sid not in by_id:
            raise UnknownCodeError("slide", sid, known=list(by_id))
    return [by_id[sid] for sid in dict.fromkeys(wanted)]  # a repeated slide is shown once


def ordered_selection(
    ids: Sequence[object], include: Sequence[object], order: Sequence[object]
) -> tuple[str, ...]:
    """Slide ids that are included, sorted by their order number (ties and blanks keep the
    listed order; blanks go last), e.g. from an editable table of the deck."""
    rows = []
    for position, (sid, keep, rank) in enumerate(zip(ids, include, order, strict=True)):
        if keep is True or (keep is not None and not pd.isna(keep) and bool(keep)):
            number = pd.to_numeric(pd.Series([rank]), errors="coerce").iloc[0]
            rows.append((float("inf") if pd.isna(number) else float(number), position, str(sid)))
    return tuple(sid for _, _, sid in sorted(rows))


def display_table(chart: Chart, catalogue: Catalogue | None = None) -> pd.DataFrame:
    """The chart's data without provenance columns (source and vintage go in the source line)."""
    drop = [c for c in ("source", "vintage") if c in chart.data.columns]
    return chart.data.drop(columns=drop)


def build_slide(
    spec: SlideSpec, snapshot: Snapshot, catalogue: Catalogue, *, baseline: int
) -> Slide:
    """Build one slide; a failure names the slide (the deck never shows a half-built slide)."""
    try:
        chart = spec.build(snapshot, catalogue, baseline)
        headline = spec.headline(chart, snapshot, catalogue, baseline)
        points = spec.points(chart, snapshot, catalogue, baseline)
    except WsisDataError as exc:
        raise AnalysisError(f"slide {spec.id!r} ({spec.label}) cannot be built: {exc}") from exc
    table = None
    if spec.layout == "table":
        table = (spec.table or display_table)(chart, catalogue)
    return Slide(
        id=spec.id,
        label=spec.label,
        headline=headline,
        chart=chart,
        notes=tuple(points),
        layout=spec.layout,
        table=table,
    )


def build_slides(
    snapshot: Snapshot,
    catalogue: Catalogue,
    *,
    options: StoryOptions,
    specs: Sequence[SlideSpec] | None = None,
    progress: Progress | None = None,
) -> list[Slide]:
    """Build the selected slides in order (specs default to the default deck)."""
    chosen = select_specs(DEFAULT_DECK if specs is None else specs, options.slides)
    slides = []
    for spec in chosen:
        slides.append(build_slide(spec, snapshot, catalogue, baseline=options.baseline))
        if progress is not None:
            progress(f"built {spec.id}")
    return slides


# ---------------------------------------------------------------------------------------------
# Headlines (computed from each chart's data) and speaker notes


def _first_last(frame: pd.DataFrame, value: str = "value") -> tuple[pd.Series, pd.Series]:
    ordered = frame.dropna(subset=[value]).sort_values("year")
    return ordered.iloc[0], ordered.iloc[-1]


def _pct(value: float) -> str:
    return f"{value:.1f}%"


def headline_progress(chart: Chart, *_: object) -> str:
    first, last = _first_last(chart.data[chart.data["entity"] == "WLD"])
    times = last["value"] / first["value"]
    return (
        f"Since {first['year']}, the share of people online has grown {times:.1f}-fold, "
        f"to {_pct(last['value'])} of the world's population in {last['year']}"
    )


def headline_offline(chart: Chart, *_: object) -> str:
    d = chart.data[chart.data["year"] == chart.data["year"].max()]
    world = float(d.loc[d["group"] == "WLD", "offline"].iloc[0])
    poorer = float(d.loc[d["group"].isin(["LIC", "LMC"]), "offline"].sum())
    return (
        f"{world / 1e9:.1f} billion people remain offline ({int(d['year'].iloc[0])}); "
        f"{poorer / world:.0%} of them live in low and lower-middle income economies"
    )


def headline_income(chart: Chart, *_: object) -> str:
    first, last = _first_last(chart.data, "gap")
    verb = "widened" if last["gap"] > first["gap"] else "narrowed"
    return (
        f"Income divide: {_pct(last['high'])} online in high-income vs {_pct(last['low'])} in "
        f"low-income economies ({last['year']}); the gap {verb} from {first['gap']:.0f} to "
        f"{last['gap']:.0f} points since {first['year']}"
    )


def headline_gender(chart: Chart, *_: object) -> str:
    d = chart.data[chart.data["kind"].astype(str).str.startswith("published")]
    world = _first_last(d[d["group"] == "WLD"], "parity")[1]
    low = _first_last(d[d["group"] == "LIC"], "parity")[1]
    return (
        f"Women are less often online than men: a parity score of {world['parity']:.2f} "
        f"worldwide and {low['parity']:.2f} in low-income economies ({world['year']})"
    )


def _pair_headline(chart: Chart, words: tuple[str, str], lead: str) -> str:
    row = chart.data[chart.data["entity"] == "ITU_WLD"].iloc[0]
    low = chart.data[chart.data["entity"] == "ITU_LIC"].iloc[0]
    return (
        f"{lead}: {_pct(row['first'])} of {words[0]} used the Internet in {row['year']} against "
        f"{_pct(row['second'])} of {words[1]} ({_pct(low['first'])} vs {_pct(low['second'])} "
        "in low-income economies)"
    )


def headline_geography(chart: Chart, *_: object) -> str:
    return _pair_headline(chart, ("urban dwellers", "rural dwellers"), "Rural areas lag")


def headline_youth(chart: Chart, *_: object) -> str:
    return _pair_headline(chart, ("young people", "everyone else"), "Young people lead")


def _panel_text(chart: Chart, catalogue: Catalogue, panel: int, *, change: bool) -> str:
    """A panel's world (or median) series: '<name> <latest> (<year>, from <first> in <year>)';
    for a breakdown pair: '<name>: women <a>, men <b> (<year>)'."""
    d = chart.data[chart.data["panel"] == panel]
    ind = catalogue.indicator(str(d["indicator"].iloc[0]).split("/")[0])
    name = ind.short_name.split(",")[0]
    single = d[d["series"].astype(str).isin(["World", "Median of economies"])]
    if single.empty:
        latest = d[d["year"] == d["year"].max()]
        pair = ", ".join(
            f"{str(r.series).lower()} {format_value(r.value, ind)}" for r in latest.itertuples()
        )
        return f"{name}: {pair} ({int(latest['year'].iloc[0])})"
    first, last = _first_last(single)
    since = f", from {format_value(first['value'], ind)} in {first['year']}" if change else ""
    return f"{name} {format_value(last['value'], ind)} ({last['year']}{since})"


def headline_panels(lead: str) -> Headline:
    """A headline with the latest world value of an area's first two panels (the first with
    its change since the start of its series)."""

    def headline(chart: Chart, snapshot: Snapshot, catalogue: Catalogue, baseline: int) -> str:
        panels = sorted(int(p) for p in chart.data["panel"].unique())[:2]
        texts = [_panel_text(chart, catalogue, p, change=i == 0) for i, p in enumerate(panels)]
        name = texts[0].split(" ")[0:2]
        if len(texts) > 1 and texts[1].split(" ")[0:2] == name:  # same indicator, by sex
            texts[1] = texts[1].split(": ", 1)[-1]
        return f"{lead}: " + "; ".join(texts)

    return headline


def headline_affordability(
    chart: Chart, snapshot: Snapshot, catalogue: Catalogue, baseline: int
) -> str:
    """The median fixed-broadband basket against the Broadband Commission's target."""
    d = chart.data[chart.data["indicator"].astype(str) == "i154_FBB5_GNI"]
    first, last = _first_last(d)
    ind = catalogue.indicator("i154_FBB5_GNI")
    target = next(t for t in ind.targets if t.metric == "value")
    met = target.is_met(float(last["value"]))
    verb = "cheaper" if last["value"] < first["value"] else "dearer"
    return (
        f"Broadband is getting {verb}, but the median fixed basket costs "
        f"{format_value(last['value'], ind)} ({last['year']}, {format_value(first['value'], ind)} "
        f"in {first['year']}), {'within' if met else 'above'} the {target.value:g}% target"
    )


def headline_title(chart: Chart, *_: object) -> str:
    """Charts whose title is already the takeaway computed from the data (tables)."""
    return chart.title


def area_points(*areas: str, every: bool = False) -> Points:
    """Speaker notes: the chart's takeaway and the lead's talking points of some challenge areas
    (`every`: all areas), each with its citation."""

    def points(chart: Chart, snapshot: Snapshot, catalogue: Catalogue, baseline: int):
        wanted = None if every else list(areas)
        found = (
            talking_points(snapshot, catalogue, baseline=baseline, areas=wanted)
            if (every or areas)
            else []
        )
        out = [TalkingPoint(chart.title, chart.source.removeprefix("Source: ").rstrip("."))]
        return out + [TalkingPoint(p.text, p.citation) for p in found]

    return points


def areas_table(chart: Chart, catalogue: Catalogue) -> pd.DataFrame:
    """The challenge-area grid as a slide table: status, headline figure, trend and targets."""
    d = chart.data
    figures = []
    for code, value, year in zip(d["headline_indicator"], d["headline_value"],
                                 d["headline_year"], strict=True):  # fmt: skip
        if code is None or pd.isna(code) or pd.isna(value):
            figures.append("-")
            continue
        ind = catalogue.indicator(str(code))
        figures.append(f"{ind.short_name}: {format_value(value, ind)} ({int(year)})")
    return pd.DataFrame(
        {
            "Area": [f"{n}. {name}" for n, name in zip(d["number"], d["name"], strict=True)],
            "Measured": [MEASUREMENT[m] for m in d["measurement"]],
            "Headline figure (world)": figures,
            "Trend": d["trend"].fillna("-").astype(str),
            "Targets": [_target_counts(str(x)) for x in d["targets"]],
        }
    )


def _target_counts(targets: str) -> str:
    """'target_a: achieved; target_b: on track' -> '1 achieved, 1 on track'."""
    statuses = [t.split(": ", 1)[1] for t in targets.split("; ") if ": " in t]
    counts = pd.Series(statuses, dtype=object).value_counts()
    return ", ".join(f"{n} {status}" for status, n in counts.items()) or "-"


def sources_slide_table(chart: Chart, catalogue: Catalogue) -> pd.DataFrame:
    return sources_frame(chart.data)


def _areas(snapshot: Snapshot, catalogue: Catalogue, baseline: int) -> Chart:
    return area_grid(snapshot, catalogue, baseline=baseline)


def _small(area: str) -> Builder:
    def build(snapshot: Snapshot, catalogue: Catalogue, baseline: int) -> Chart:
        chart = area_small_multiples(snapshot, catalogue, area_id=area, start=baseline)
        if chart is None:
            raise AnalysisError(f"the area {area!r} has no indicator with data")
        return chart

    return build


DEFAULT_DECK: tuple[SlideSpec, ...] = (
    SlideSpec("progress", "Progress since 2005",
              lambda s, c, b: internet_use_since_tunis(s, c, start=b), headline_progress,
              area_points("access")),
    SlideSpec("offline", "People still offline", people_offline, headline_offline,
              area_points("access")),
    SlideSpec("income", "The income divide",
              lambda s, c, b: income_gap_chart(s, c, baseline=b, start=b), headline_income,
              area_points("income")),
    SlideSpec("gender", "The gender gap", lambda s, c, b: parity_over_time(s, c, start=b),
              headline_gender, area_points("gender")),
    SlideSpec("urban_rural", "Urban and rural",
              lambda s, c, b: breakdown_levels(s, c, pair=("urban", "rural")),
              headline_geography, area_points("geography")),
    SlideSpec("youth", "Youth and the rest",
              lambda s, c, b: breakdown_levels(s, c, pair=("youth", "rest")), headline_youth,
              area_points("age")),
    SlideSpec("affordability", "Affordability", _small("affordability"), headline_affordability,
              area_points("affordability")),
    SlideSpec("quality", "Connectivity quality", _small("quality"),
              headline_panels("Connectivity quality"), area_points("quality")),
    SlideSpec("devices", "Devices", _small("devices"), headline_panels("Devices, world"),
              area_points("devices")),
    SlideSpec("areas", "Challenge areas and their status", _areas, headline_title,
              area_points(every=True), layout="table", table=areas_table),
    SlideSpec("gaps", "What the data cannot show yet", data_gaps, headline_title,
              area_points("skills", "ai", "environment", "governance"), layout="table"),
    SlideSpec("sources", "Sources, vintages and licences", sources_used, headline_title,
              area_points(), layout="table", table=sources_slide_table),
)  # fmt: skip
