"""Figures of the overview ("Since Tunis"): Internet use since 2005 and the income gap.

Each builder is a pure function (snapshot, catalogue, options) -> Chart whose title states the
takeaway in words computed from the data. Used by the overview page and the presentation deck.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.figures.chart import (
    Chart,
    classification_notes,
    frame_figure,
    line_chart,
    slug,
    source_line,
)
from dashboard.figures.plotly_text import escape
from dashboard.formatting import entity_labels, format_value, join_texts
from dashboard.theme import NEUTRAL_INK, OKABE_ITO, TARGET_COLOUR
from dashboard.views.cards import INTERNET
from indicators.analytics.aggregates import aggregate
from indicators.analytics.divides import (
    ClassifiedGap,
    IncomeGap,
    income_gap,
    income_gap_at_the_time,
)
from indicators.analytics.reporting import mark_estimates
from indicators.catalogue import Catalogue, Target
from indicators.errors import AnalysisError
from indicators.narrative.claims import ClaimCheck
from indicators.store.snapshot import Snapshot

INCOME_GROUPS = ("WLD", "HIC", "UMC", "LMC", "LIC")
LOG_TICKS = (1, 1.5, 2, 3, 5, 10, 20, 50, 100, 200, 500)
UNCHANGED = 0.05  # a pace that rounds to 0.0 points a year is described as unchanged


def _verb(change: float, *, up: str = "rose", down: str = "fell", same: str = "held") -> str:
    return up if change > UNCHANGED else down if change < -UNCHANGED else same


def published_rows(
    snapshot: Snapshot, *, indicator: str, entities: Sequence[str], start: int, end: int | None
) -> pd.DataFrame:
    """The published rows of some entities as a tidy table (entity, name, year, value, estimate,
    indicator, source, vintage), in the order of `entities`."""
    r = snapshot.rows(indicator)
    r = r[r["economy"].isin(list(entities)) & (r["year"] >= start)]
    if end is not None:
        r = r[r["year"] <= end]
    labels = entity_labels(snapshot)
    out = pd.DataFrame(
        {
            "entity": r["economy"].astype(str).to_numpy(dtype=object),
            "year": r["year"].to_numpy(dtype=int),
            "value": r["value"].to_numpy(dtype=float),
            "estimate": r["estimate"].to_numpy(dtype=bool),
            "indicator": indicator,
            "source": r["source"].astype(str).to_numpy(dtype=object),
            "vintage": r["vintage"].astype(str).to_numpy(dtype=object),
        }
    )
    out.insert(1, "name", out["entity"].map(labels))
    out = mark_estimates(snapshot, out, indicator=indicator)  # thinly reported group values
    order = {e: i for i, e in enumerate(entities)}
    out["_o"] = out["entity"].map(order)
    return out.sort_values(["_o", "year"]).drop(columns="_o").reset_index(drop=True)


def _reporting_note(snapshot: Snapshot, catalogue: Catalogue, indicator: str, year: int) -> str:
    """Say how thin the economy data behind the latest world value are (World Bank nowcasts)."""
    try:
        agg = aggregate(snapshot, catalogue, indicator=indicator, group="WLD", years=[year])
    except AnalysisError:
        return ""
    row = agg.iloc[0]
    if row["status"] == "ok":
        return ""
    return (
        f"{year} aggregates are World Bank estimates: only {int(row['reporting'])} of "
        f"{int(row['members'])} economies report a {year} value ({row['coverage']:.0%} of the "
        "world's people)."
    )


def internet_use_since_tunis(
    snapshot: Snapshot,
    catalogue: Catalogue,
    *,
    groups: Sequence[str] = INCOME_GROUPS,
    start: int = 2005,
    end: int | None = None,
    indicator: str = INTERNET,
    target_id: str | None = "umc_internet_use_2030",
) -> Chart:
    """Internet use of the world and the income groups (published World Bank aggregates) since
    `start`, with a target drawn. Title: how the world (and low-income) share moved."""
    ind = catalogue.indicator(indicator)
    data = published_rows(snapshot, indicator=indicator, entities=groups, start=start, end=end)
    if data.empty:
        raise AnalysisError(f"no published {indicator} values for {', '.join(groups)}")
    lead = groups[0]
    first = data[data["entity"] == lead].iloc[[0, -1]]
    (y0, v0), (y1, v1) = first[["year", "value"]].itertuples(index=False)
    labels = entity_labels(snapshot)
    title = (
        f"{labels[lead]} {ind.short_name} {_verb(v1 - v0)} from {format_value(v0, ind)} in {y0} "
        f"to {format_value(v1, ind)} in {y1}"
    )
    low = data[data["entity"] == "LIC"]
    if len(low) >= 2 and lead != "LIC":
        l0, l1 = low.iloc[0], low.iloc[-1]
        title += (
            f"; low income: {format_value(l0['value'], ind)} to {format_value(l1['value'], ind)}"
        )
    target = catalogue.target(target_id) if target_id else None
    subtitle = f"{ind.name}, {y0}-{y1}; World Bank income groups"
    if target is not None:
        subtitle += f". Dashed line: target '{target.label}'"
    notes = classification_notes(snapshot, groups)
    thin = _reporting_note(snapshot, catalogue, indicator, int(y1))
    if thin:
        notes.append(thin)
    chart = line_chart(
        data,
        name=slug(f"{indicator}-since-{start}"),
        title=title,
        subtitle=subtitle,
        source=source_line(snapshot, catalogue, data["source"].unique()),
        labels=labels,
        y_title=ind.short_unit,
        target=target,
        notes=notes,
    )
    if ind.short_unit == "%":
        chart.figure.update_yaxes(range=[0, 105])
    if target is not None and target.year > y1:
        _mark_target_year(chart.figure, target=target, start=int(y0))
    return chart


def _mark_target_year(fig: go.Figure, *, target: Target, start: int) -> None:
    """Extend the time axis to the target year and put a marker where the target lies."""
    fig.update_xaxes(range=[start - 0.5, target.year + 0.5])
    fig.add_trace(
        go.Scatter(
            x=[target.year],
            y=[target.value],
            mode="markers+text",
            marker={"symbol": "x-thin", "size": 14, "line": {"width": 2, "color": TARGET_COLOUR}},
            text=[f"{target.year} target"],
            textposition="bottom left",
            textfont={"color": TARGET_COLOUR, "size": 12},
            name=escape(f"Target {target.display}"),
            showlegend=False,
            hoverinfo="skip",
        )
    )


# --- the income gap ---------------------------------------------------------------------------
def gap_phrase(pace: float) -> str:
    """'narrowing' / 'widening' / 'unchanged' for a pace of the gap in points per year."""
    return "widening" if pace > UNCHANGED else "narrowing" if pace < -UNCHANGED else "unchanged"


def income_gap_title(gap: IncomeGap, *, table: pd.DataFrame) -> str:
    """The takeaway of an income gap in words: latest gap, recent direction, baseline gap."""
    by_year = table.set_index("year")["gap"]
    groups = ""
    if gap.basis == "computed":
        groups = (
            f" (groups of FY{gap.fiscal_year % 100:02d})"
            if gap.fiscal_year
            else " (today's groups)"
        )
    title = (
        f"High-low income gap{groups}: {by_year[gap.latest_year]:.1f} points in "
        f"{gap.latest_year}, {gap_phrase(gap.pace_recent)} since {gap.recent_start_year}"
    )
    if gap.baseline_year is not None and gap.baseline_year in by_year.index:
        title += f"; {by_year[gap.baseline_year]:.1f} in {gap.baseline_year}"
    return title


def income_gap_subtitle(
    gap: IncomeGap, *, table: pd.DataFrame, names: dict[str, str], indicator_name: str
) -> str:
    """Indicator, unit, the two groups, both paces and how the ratio moved."""
    r0, r1 = table.iloc[0], table.iloc[-1]
    text = (
        f"{indicator_name}: {names.get(gap.high, gap.high)} minus "
        f"{names.get(gap.low, gap.low)}, points (left); "
        f"ratio high ÷ low (right), {r0['ratio']:.1f} in {int(r0['year'])}, "
        f"{r1['ratio']:.1f} in {int(r1['year'])}. Pace {gap.pace_recent:+.1f}/yr since "
        f"{gap.recent_start_year}"
    )
    if gap.baseline_year is not None:
        text += f", {gap.pace_since_baseline:+.1f}/yr since {gap.baseline_year}"
    return text


def income_gap_chart(
    snapshot: Snapshot,
    catalogue: Catalogue,
    *,
    indicator: str = INTERNET,
    high: str = "HIC",
    low: str = "LIC",
    basis: str = "published",
    fiscal_year: int | None = None,
    baseline: int = 2005,
    recent_years: int = 5,
    start: int | None = 2005,
) -> Chart:
    """The gap (points) and ratio (high / low) between two groups over time, side by side.

    basis 'published' uses the World Bank aggregate rows; 'computed' aggregates economy values
    with income groups as classified in `fiscal_year` (None: today). The title states the gap,
    whether it is closing and how fast recently and since the baseline.
    """
    gap = income_gap(
        snapshot,
        catalogue,
        indicator=indicator,
        high=high,
        low=low,
        basis=basis,
        fiscal_year=fiscal_year,
        baseline=baseline,
        recent_years=recent_years,
    )
    names = entity_labels(snapshot)
    table = gap.table if start is None else gap.table[gap.table["year"] >= start]
    table = table.reset_index(drop=True)
    fig = make_subplots(
        rows=1,
        cols=2,
        horizontal_spacing=0.1,
        subplot_titles=("Gap, percentage points (high − low)", "Ratio (high ÷ low)"),
    )
    for col, column, colour in ((1, "gap", OKABE_ITO["vermillion"]), (2, "ratio", NEUTRAL_INK)):
        fig.add_trace(
            go.Scatter(
                x=table["year"],
                y=table[column],
                mode="lines+markers",
                name="Gap (points)" if column == "gap" else "Ratio",
                line={"color": colour, "width": 2.5},
                marker={"size": 5, "color": colour},
                hovertemplate="%{x}: %{y:,.1f}<extra></extra>",
                showlegend=False,
            ),
            row=1,
            col=col,
        )
    marks = [y for y in (gap.baseline_year, gap.recent_start_year, gap.latest_year) if y]
    marked = table[table["year"].isin(marks)]
    fig.add_trace(
        go.Scatter(
            x=marked["year"],
            y=marked["gap"],
            mode="markers+text",
            text=[f"{v:.1f}" for v in marked["gap"]],
            textposition="top center",
            marker={"size": 10, "color": OKABE_ITO["vermillion"], "symbol": "circle"},
            showlegend=False,
            hoverinfo="skip",
        ),
        row=1,
        col=1,
    )
    fig.update_yaxes(range=[0, float(table["gap"].max()) * 1.3], row=1, col=1)
    fig.update_layout(height=540)
    ticks = [t for t in LOG_TICKS if table["ratio"].min() / 2 <= t <= table["ratio"].max() * 2]
    fig.update_yaxes(
        type="log",
        row=1,
        col=2,
        tickvals=ticks,
        ticktext=[f"{t:g}×" for t in ticks],
        title_text="log scale",
    )
    fig.update_xaxes(dtick=5)
    title = income_gap_title(gap, table=table)
    subtitle = income_gap_subtitle(
        gap, table=table, names=names, indicator_name=catalogue.indicator(indicator).short_name
    )
    notes = [
        "Large dots: the baseline, the start of the recent period and the latest year.",
        gap.note,
    ]
    at_time: list[ClassifiedGap] = []
    if basis == "published":
        at_time = income_gap_at_the_time(
            snapshot, catalogue, indicator=indicator, high=high, low=low,
            years=[int(y) for y in table["year"]],
        )  # fmt: skip
    if at_time:
        _add_at_the_time(fig, at_time)
        top = max(float(table["gap"].max()), *(g.gap for g in at_time))
        fig.update_yaxes(range=[0, top * 1.3], row=1, col=1)
        title = both_ways_title(gap, table=table, at_time=at_time)
        notes.append(at_the_time_note(at_time))
    elif basis == "computed":
        notes += published_difference_notes(snapshot, catalogue, gap)
    source_ids = [gap.source, *(g.source for g in at_time)]
    source = source_line(snapshot, catalogue, source_ids)
    frame_figure(fig, title=title, subtitle=subtitle, source=source, notes=notes)
    data = table.merge(_at_the_time_table(at_time), on="year", how="left") if at_time else table
    data = data.assign(
        indicator=indicator,
        high_group=high,
        low_group=low,
        basis=basis,
        fiscal_year=fiscal_year,
        source=join_texts(source_ids),
        vintage=gap.vintage,
    )
    return Chart(
        name=slug(f"income-gap-{high}-{low}-{basis}-{fiscal_year or 'today'}"),
        figure=fig,
        data=data,
        title=title,
        subtitle=subtitle,
        source=source,
        notes=tuple(notes),
    )


def _at_the_time_table(at_time: Sequence[ClassifiedGap]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": [g.year for g in at_time],
            "gap_groups_at_the_time": [g.gap for g in at_time],
            "ratio_groups_at_the_time": [g.ratio for g in at_time],
            "classification_at_the_time": [g.classification for g in at_time],
        }
    )


def _add_at_the_time(fig: go.Figure, at_time: Sequence[ClassifiedGap]) -> None:
    """The gap and ratio with the groups of each year, dashed beside today's groups (solid)."""
    years = [g.year for g in at_time]
    for col, values in ((1, [g.gap for g in at_time]), (2, [g.ratio for g in at_time])):
        colour = OKABE_ITO["vermillion"] if col == 1 else NEUTRAL_INK
        fig.add_trace(
            go.Scatter(
                x=years,
                y=values,
                mode="lines",
                name="Groups as classified at the time (computed)",
                line={"color": colour, "width": 2, "dash": "dash"},
                hovertemplate="%{x}, groups of the time: %{y:,.1f}<extra></extra>",
                showlegend=False,
            ),
            row=1,
            col=col,
        )


def both_ways_title(
    gap: IncomeGap, *, table: pd.DataFrame, at_time: Sequence[ClassifiedGap]
) -> str:
    """The income gap as a headline both ways: today's groups and the groups of the time.

    The published aggregates apply today's classification to every year; with the groups as
    classified at the time, the story since the baseline can differ, so a headline gives both.
    """
    by_year = table.set_index("year")["gap"]
    first = next((g for g in at_time if g.year == gap.baseline_year), at_time[0])
    last = at_time[-1]
    title = (
        f"High-low income gap, today's groups: {by_year[gap.latest_year]:.1f} points in "
        f"{gap.latest_year}, {gap_phrase(gap.pace_recent)} since {gap.recent_start_year}"
    )
    if gap.baseline_year is not None and gap.baseline_year in by_year.index:
        title += f" ({by_year[gap.baseline_year]:.1f} in {gap.baseline_year})"
    title += f"; groups of the time: {last.gap:.1f} in {last.year}"
    if first.year != last.year:
        title += f" ({first.gap:.1f} in {first.year})"
    return title


def at_the_time_note(at_time: Sequence[ClassifiedGap]) -> str:
    """What the dashed lines are: which classifications, computed how."""
    first, last = at_time[0], at_time[-1]
    return (
        f"Dashed: groups as classified at the time ({first.classification} for {first.year} to "
        f"{last.classification} for {last.year}), computed here from reported economy values; "
        "solid: published, today's groups for every year."
    )


def published_difference_notes(
    snapshot: Snapshot, catalogue: Catalogue, gap: IncomeGap
) -> list[str]:
    """Why a computed gap differs from the published one the overview shows, with both figures.

    The World Bank's published aggregates also count estimates for members that did not report
    and may reach a later year; a gap computed from reported values differs from them.
    """
    try:
        pub = income_gap(
            snapshot, catalogue, indicator=gap.indicator, high=gap.high, low=gap.low,
            basis="published", baseline=gap.baseline,
        )  # fmt: skip
    except AnalysisError:
        return []
    groups = f"the groups of FY{gap.fiscal_year % 100:02d}" if gap.fiscal_year else "today's groups"
    by_year = pub.table.set_index("year")["gap"]
    mine = gap.table.set_index("year")["gap"]
    same = (
        f" ({by_year[gap.latest_year]:.1f} in {gap.latest_year}, against "
        f"{mine[gap.latest_year]:.1f} here)"
        if gap.latest_year in by_year.index and pub.latest_year != gap.latest_year
        else ""
    )
    return [
        f"The overview shows the World Bank's published gap: {by_year[pub.latest_year]:.1f} "
        f"points in {pub.latest_year}{same}. It differs because the published aggregates "
        "include estimates for members that did not report and use today's groups for every "
        f"year; this chart uses {groups} and reported values only."
    ]


def income_levels_chart(
    snapshot: Snapshot,
    catalogue: Catalogue,
    *,
    indicator: str = INTERNET,
    high: str = "HIC",
    low: str = "LIC",
    fiscal_year: int | None = None,
    start: int = 2005,
) -> Chart:
    """The two groups' computed levels behind a computed income gap (groups as classified in
    `fiscal_year`), so the gap can be read against the levels. Title: both latest levels."""
    gap = income_gap(
        snapshot, catalogue, indicator=indicator, high=high, low=low, basis="computed",
        fiscal_year=fiscal_year,
    )  # fmt: skip
    names = entity_labels(snapshot)
    fy = f"FY{fiscal_year % 100:02d}" if fiscal_year else "today's classification"
    groups = f"groups of FY{fiscal_year % 100:02d}" if fiscal_year else "today's groups"
    table = gap.table[gap.table["year"] >= start]
    parts = []
    for code, column in ((high, "high"), (low, "low")):
        parts.append(
            pd.DataFrame(
                {
                    "entity": code,
                    "name": f"{names.get(code, code)} ({fy})",
                    "year": table["year"].to_numpy(int),
                    "value": table[column].to_numpy(float),
                    "coverage": table[f"{column}_coverage"].to_numpy(float),
                    "estimate": False,
                    "classification": fy,
                    "source": gap.source,
                    "vintage": gap.vintage,
                }
            )
        )
    data = pd.concat(parts, ignore_index=True)
    h1, l1 = (data[data["entity"] == c].dropna(subset=["value"]).iloc[-1] for c in (high, low))
    ind = catalogue.indicator(indicator)
    title = (
        f"{ind.short_name}, {groups}: {names.get(high, high)} {format_value(h1['value'], ind)}, "
        f"{names.get(low, low)} {format_value(l1['value'], ind)} in {int(l1['year'])}"
    )
    chart = line_chart(
        data,
        name=slug(f"income-levels-{high}-{low}-{fiscal_year or 'today'}"),
        title=title,
        subtitle=f"{ind.name}; population-weighted, no value below two-thirds coverage",
        source=source_line(snapshot, catalogue, gap.source.split("; ")),
        labels=dict(zip(data["entity"], data["name"], strict=False)),
        y_title=ind.short_unit,
        notes=[f"Groups as classified in {fy}."],
    )
    return chart


__all__ = [
    "INCOME_GROUPS",
    "gap_phrase",
    "income_gap_chart",
    "income_gap_title",
    "income_levels_chart",
    "internet_use_since_tunis",
    "published_rows",
]


def claims_table(checks: Sequence[ClaimCheck]) -> pd.DataFrame:
    """The claim checks as a table (one row per claim, its evidence joined): for the page's
    download and the deck's notes."""
    return pd.DataFrame(
        {
            "claim": [c.id for c in checks],
            "part": [c.part for c in checks],
            "area": [c.area for c in checks],
            "topic": [c.topic for c in checks],
            "briefing_note": [c.quote for c in checks],
            "verdict": [c.verdict for c in checks],
            "summary": [c.summary for c in checks],
            "figures": [c.figures for c in checks],
            "sources": ["; ".join(c.citations) for c in checks],
            "note": [c.note for c in checks],
        }
    )
