"""The words the pages draw, built by pure functions (no Streamlit), so they can be unit-tested.

Every text that comes from the data, the catalogue or a link is escaped for Streamlit's
markdown here (`safe_text`); pages only place the results. Grouped by page, in the order of
the navigation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from dashboard.app.safe_text import md_badge, plain
from dashboard.app.safe_text import md_escape as esc
from dashboard.deck.prepare import SlideContent
from dashboard.deck.story import StoryOptions
from dashboard.figures.chart import Chart
from dashboard.theme import STATUS_COLOURS, streamlit_colour, verdict_colour
from dashboard.views.area_summary import MEASUREMENT, AreaSummary, IndicatorSummary, TargetBadge
from indicators.narrative.claims import ClaimCheck
from indicators.narrative.talking_points import TalkingPoint
from indicators.store.descriptor import Descriptor

# --- overview ---------------------------------------------------------------------------------


def claim_lines(check: ClaimCheck) -> tuple[str, str, str]:
    """A claim as (headline with its verdict badge, what the data say, quote and sources)."""
    colour = streamlit_colour(verdict_colour(check.verdict))
    headline = f"{md_badge(check.verdict, colour)} **{esc(check.topic)}**"
    parts = [f"Briefing note: “{check.quote}”", check.note.strip(), *check.citations]
    return headline, esc(check.summary), esc(" ".join(p for p in parts if p))


def talking_point_block(area_name: str, points: Sequence[TalkingPoint]) -> str:
    """One challenge area's talking points as markdown: its name, then a bullet per point."""
    lines = [f"- {esc(p.text)}" + (f" *({esc(p.citation)})*" if p.citation else "") for p in points]
    return f"**{esc(area_name)}**\n\n" + "\n".join(lines)


# --- challenge areas --------------------------------------------------------------------------

MEASUREMENT_BADGES = {"measured": "green", "partial": "orange", "gap": "gray"}
TREND_COLOURS = {
    "improving": streamlit_colour(STATUS_COLOURS["achieved"]),
    "worsening": streamlit_colour(STATUS_COLOURS["moving away"]),
}
AREA_HEADS: tuple[str, ...] = ("Indicator", "Latest (world)", "Change since {baseline}")
AREA_HEADS += ("Trend (5 years)",)
AREA_HEADS += ("Targets", "Coverage", "Source")


def status_badge(badge: TargetBadge) -> str:
    """A target's status as a coloured badge (colour and words: colour is never the only cue)."""
    return md_badge(badge.status, streamlit_colour(badge.colour))


def indicator_row(ind: IndicatorSummary) -> str:
    """One markdown table row; every text from the data or catalogue is escaped."""
    targets = " ".join(f"{status_badge(b)} {esc(b.label)}" for b in ind.targets) or ":gray[none]"
    colour = TREND_COLOURS.get(ind.trend_text, "gray")
    latest = f"**{esc(ind.latest_text)}** ({ind.latest_year})" if ind.latest_year else "no data"
    if ind.estimate:
        latest += " *estimate*"
    cells = [
        f"**{esc(ind.short_name)}** :gray[{esc(ind.code)}"
        + (f" · SDG {esc(ind.sdg)}" if ind.sdg else "")
        + "]",
        f"{latest} :gray[{esc(ind.basis)}]",
        esc(ind.change_text) + (" *(nearest year)*" if ind.baseline_substituted else ""),
        f":{colour}[**{ind.arrow}**] {esc(ind.trend_text)}",
        targets,
        esc(ind.coverage_text),
        f"{esc(ind.source)} :gray[vintage {esc(ind.vintage)}]",
    ]
    return "| " + " | ".join(f":small[{c}]" for c in cells) + " |"


def indicator_table(summary: AreaSummary, *, baseline: int) -> str:
    """The area's indicators as a markdown table in small type (native markdown, no HTML)."""
    since = "Tunis (2005)" if baseline == 2005 else str(baseline)
    heads = [h.format(baseline=since) for h in AREA_HEADS]
    head = "| " + " | ".join(f":small[{h}]" for h in heads) + " |\n|" + "---|" * len(heads)
    return "\n".join([head, *(indicator_row(i) for i in summary.indicators)])


def target_lines(summary: AreaSummary) -> str:
    """The area's targets as a markdown list: status badge, label, goal, latest value, source."""
    lines = [
        f"- {status_badge(b)} **{esc(b.label)}** "
        f"({esc(b.display)}{'' if b.confirmed else ', value not confirmed'}): "
        f"{esc(b.entity_name)} {esc(b.value_text)}"
        f"{f' in {b.year}' if b.year else ''}, {esc(b.value_source)}. "
        f":gray[{esc(b.source_text)}]"
        for b in summary.targets
    ]
    lines += [
        f"- {md_badge('not measured', 'gray')} **{esc(u.label)}**: {esc(u.reason)} "
        f"Usual source: {esc(u.usual_source)}. :gray[{esc(u.source_text)}]"
        for u in summary.unmeasured
    ]
    return "**Targets**\n\n" + "\n".join(lines)


def area_lead(summary: AreaSummary) -> str:
    """The area's measurement badge and description."""
    area = summary.area
    badge = md_badge(MEASUREMENT[area.status], MEASUREMENT_BADGES[area.status])
    return f"{badge} {esc(area.description)}"


def area_gap(summary: AreaSummary) -> str:
    """What the snapshot cannot show of an area and where such data usually come from ('' when
    the area is fully measured)."""
    area = summary.area
    if area.status not in ("gap", "partial") or not area.gap_statement:
        return ""
    return (
        f"**What this snapshot cannot show.** {esc(area.gap_statement)}\n\n"
        f"**Usual source:** {esc(area.gap_source)}"
    )


def area_links(summary: AreaSummary) -> str:
    """The area's WSIS action lines, SDG indicators and context series, in one caption."""
    links = "; ".join(f"{esc(code)} {esc(name)}" for code, name in summary.action_lines)
    sdg = ", ".join(esc(s) for s in summary.area.sdg) or "none"
    context = ", ".join(esc(c) for c in summary.context)
    return f"WSIS action lines: {links}. SDG indicators: {sdg}." + (
        f" Context series (not measures of this area): {context}." if context else ""
    )


# --- inequalities -----------------------------------------------------------------------------

TUNIS_FY = 2006  # the classification in force during the Tunis summit (July 2005 - June 2006)
STATUS_TITLES = {"parity": "At parity", "women ahead": "Women ahead", "men ahead": "Men ahead"}


def fy_label(fy: int | None, *, today: int) -> str:
    """How an income classification is named in the picker ('As classified in FY06 ...')."""
    if fy is None:
        return f"Today's classification (FY{today % 100:02d})"
    if fy == TUNIS_FY:
        return f"As classified in FY{fy % 100:02d} (the Tunis year)"
    return f"As classified in FY{fy % 100:02d}"


# --- presentation -----------------------------------------------------------------------------


def slide_line(position: int, label: str, *, included: bool) -> str:
    """One row of the slide list: its place in the deck and its name (struck out when left out)."""
    text = f"{position}. {esc(label)}"
    return text if included else f":gray[~~{text}~~ (left out)]"


def deck_summary(pages: int, *, slides: int, missing: Sequence[str]) -> str:
    """What was built: pages, the story's slides, and any picture that could not be drawn."""
    text = f"{pages} pages from {slides} slides of the story."
    if missing:
        text += " Not drawn: " + "; ".join(esc(m) for m in missing) + "."
    return text


def deck_file_stem(options: StoryOptions) -> str:
    """The deck's download name without suffix: dated by the deck's date."""
    return f"wsis20-deck-{options.date.isoformat()}" if options.date else "wsis20-deck"


# --- data and sources -------------------------------------------------------------------------

AGGREGATION_RULE = (
    "**How group figures are made.** For a rate such as Internet use, the World Bank's figure "
    "for a group (the world, an income group, a region) is the average of its economies' rates "
    "weighted by their population. An economy without a value for a year is taken to be at the "
    "group's average, so it does not move the result; and no figure is published when the "
    "economies that did report hold less than two-thirds of the group's population. Where this "
    "dashboard computes a group figure itself it follows the same rule and shows the share of "
    "the population that reported (the coverage)."
)


def snapshot_caption(descriptor: Descriptor) -> str:
    """The snapshot's identity in one line: id, build time, builder, size (a caption: the id is
    plain text, since code spans in faded captions fall under 4.5:1 contrast)."""
    return (
        f"Snapshot {esc(descriptor.snapshot_id)}, built {esc(descriptor.built_at)} with "
        f"{esc(descriptor.builder)}: {descriptor.row_count:,} observations."
    )


def credit_line(descriptor: Descriptor) -> str:
    """Whom to credit, and under which licence, for every producer of the snapshot."""
    return "Credit: " + "; ".join(
        esc(f"{x.attribution} ({x.licence})") for x in descriptor.licences
    )


# --- charts (every page) ----------------------------------------------------------------------


def chart_heading(chart: Chart) -> str:
    """The chart's title (its takeaway) in bold, as the page writes it above the plot."""
    return f"**{esc(chart.title)}**"


def chart_footer(chart: Chart) -> str:
    """The chart's source line and notes as one caption under the plot (it wraps on phones)."""
    return "  \n".join(esc(line) for line in (chart.source, *chart.notes) if line)


def chart_words(chart: Chart) -> str:
    """The chart's text alternative (`Chart.alt_text`: what it shows and its key numbers)."""
    return esc(chart.alt_text)


def slide_alt(number: int, title: str, slides: Sequence[SlideContent]) -> str:
    """Alternative text of a slide thumbnail: its number and title and, for a slide with a
    chart or picture, its text alternative with the key numbers."""
    words = f"Slide {number}: {plain(title)}"
    slide = next((s for s in slides if title in (s.title, s.label)), None)
    alt = "" if slide is None else slide.alt or (slide.chart.alt_text if slide.chart else "")
    if alt:
        words += f". {plain(alt)}"
    return words


# --- explorer ---------------------------------------------------------------------------------


def _names(codes: Sequence[str], names: Mapping[str, str], limit: int = 3) -> str:
    shown = ", ".join(esc(names.get(c, c)) for c in codes[:limit])
    return shown + (f" and {len(codes) - limit} more" if len(codes) > limit else "")


def group_only_line(
    short_name: str, groups: Sequence[str], *, missing: Sequence[str], names: Mapping[str, str]
) -> str:
    """One line for an indicator estimated for groups only: which groups have it, and which of
    the chosen economies and groups have no value of it."""
    verb = "has" if len(missing) == 1 else "have"
    return (
        f"{esc(short_name)} exists for groups only ({_names(groups, names)}): "
        f"{_names(missing, names)} {verb} no value of it."
    )


def figure_alts(chart: Chart, count: int) -> list[str]:
    """The accessible name of each figure a chart is drawn as: the chart's text alternative for
    the first, and for each further panel of a grid its place in the chart (plain text: it
    is an attribute, not markdown)."""
    words = plain(chart.alt_text)
    return [words] + [f"{plain(chart.title)}: panel {k} of {count}" for k in range(2, count + 1)]
