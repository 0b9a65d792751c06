"""Figures of the inequalities page: gender, urban/rural, youth/rest (the income gap is in
figures_overview).

Each builder is a pure function (snapshot, catalogue, options) -> Chart whose title states the
takeaway in words computed from the data; the presentation deck uses them too.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.chart import (
    ESTIMATE_NOTE,
    Chart,
    classification_notes,
    frame_figure,
    legend_on_top,
    slug,
    source_line,
)
from dashboard.figures.plotly_text import escape, escape_all
from dashboard.formatting import entity_labels, format_value
from dashboard.theme import ROLE_COLOURS, TARGET_COLOUR, colour_for
from dashboard.views.cards import INTERNET
from indicators.analytics.gaps import (
    PARITY_BAND,
    GenderSummary,
    breakdown_gap,
    group_parity,
    latest_gender_summary,
    sex_codes,
)
from indicators.catalogue import Catalogue
from indicators.errors import AnalysisError
from indicators.store.snapshot import Snapshot

WB_INCOME = ("WLD", "HIC", "UMC", "LMC", "LIC")
ITU_GROUPS = ("ITU_WLD", "ITU_HIC", "ITU_UMC", "ITU_LMC", "ITU_LIC", "ITU_LDC")
ROW_HEIGHT = 22  # pixels per economy in a dumbbell chart
ROLE_NAMES = {"female": "women", "male": "men", "youth": "young people (15-24)"}
ROLE_NAMES |= {"rest": "the rest of the population", "urban": "urban areas", "rural": "rural areas"}


def _sources(values: Sequence[object]) -> list[str]:
    return sorted({p for v in values for p in str(v).split("; ") if p and p != "nan"})


def _marker(colour: str, estimate: Sequence[bool], size: int = 9) -> dict:
    """Filled markers, hollow where the value is a producer's estimate."""
    return {
        "size": size,
        "color": ["rgba(0,0,0,0)" if e else colour for e in estimate],
        "line": {"color": colour, "width": 2},
    }


def _dumbbell(
    fig: go.Figure,
    rows: pd.DataFrame,
    *,
    labels: list[str],
    first: str,
    second: str,
    roles: tuple[str, str],
) -> None:
    """Connector lines and the two dots of each row (rows plotted bottom-up in the given order)."""
    labels = escape_all(labels)  # category values are drawn as pseudo-HTML tick labels
    xs, ys = [], []
    for label, a, b in zip(labels, rows[first], rows[second], strict=True):
        xs += [a, b, None]
        ys += [label, label, None]
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=ys,
            mode="lines",
            line={"color": "#9A9A9A", "width": 2},
            showlegend=False,
            hoverinfo="skip",
        )
    )
    est = rows["estimate"].astype(bool).tolist() if "estimate" in rows else [False] * len(rows)
    for column, role in zip((first, second), roles, strict=True):
        fig.add_trace(
            go.Scatter(
                x=rows[column],
                y=labels,
                mode="markers",
                name=ROLE_NAMES.get(role, role).capitalize(),
                marker=_marker(ROLE_COLOURS[role], est),
                hovertemplate="%{y}: %{x:.1f}<extra>%{fullData.name}</extra>",
            )
        )


# --- gender ----------------------------------------------------------------------------------
def gender_dumbbell(
    snapshot: Snapshot,
    catalogue: Catalogue,
    *,
    indicator: str = INTERNET,
    window_years: int = 5,
    limit: int | None = 30,
    summary: GenderSummary | None = None,
) -> Chart:
    """Women's vs men's Internet use per economy (latest year each, shown in the label), sorted
    by the size of the gap either way (widest at the top, as the subtitle says). `limit` keeps
    the economies with the widest gaps; the title counts all economies. Pass a precomputed
    `summary` to reuse it."""
    s = summary or latest_gender_summary(
        snapshot, catalogue, indicator=indicator, window_years=window_years
    )
    table = widest_first(s.latest)
    if limit is not None:
        table = table.head(limit)
    labels = [f"{n} ({y})" for n, y in zip(table["name"], table["year"], strict=True)]
    fig = go.Figure()
    _dumbbell(
        fig,
        table.iloc[::-1],
        labels=labels[::-1],
        first="female",
        second="male",
        roles=("female", "male"),
    )
    fig.add_vline(x=0, line={"width": 0})
    ind = catalogue.indicator(indicator)
    years = f"{table['year'].min()}-{table['year'].max()}" if len(table) else "none"
    title = (
        f"Women trail men in {ind.short_name} in {s.men_ahead} of {s.n_economies} economies; "
        f"{s.at_parity} are at parity"
    )
    shown = f"{len(table)} widest gaps" if len(table) < s.n_economies else "all economies"
    subtitle = (
        f"Women's and men's {ind.short_name} (% of each sex), latest year per economy ({years}); "
        f"{shown}, widest at the top"
    )
    notes = [
        f"Women ahead in {s.women_ahead}. Parity: score (women ÷ men) from {PARITY_BAND[0]} to "
        f"{PARITY_BAND[1]}. Values before {s.window_start} are left out "
        f"({s.excluded_stale} economies)."
    ]
    if table["estimate"].any():
        notes.append(ESTIMATE_NOTE)
    fig.update_xaxes(title_text="% of women / % of men", range=[0, 102])
    fig.update_yaxes(tickfont={"size": 11}, automargin=True)
    fig.update_layout(height=max(480, ROW_HEIGHT * len(table) + 260))
    legend_on_top(fig)
    source = source_line(snapshot, catalogue, _sources(table["source"]))
    frame_figure(fig, title=title, subtitle=subtitle, source=source, notes=notes)
    data = table[
        [
            "economy",
            "name",
            "year",
            "female",
            "male",
            "gap_points",
            "parity",
            "status",
            "estimate",
            "source",
            "vintage",
        ]
    ].assign(indicator=indicator)
    return Chart(slug(f"gender-gap-{indicator}"), fig, data, title, subtitle, source, tuple(notes))


def widest_first(latest: pd.DataFrame) -> pd.DataFrame:
    """Economies by the size of their gender gap, either way, widest first (ties by name)."""
    order = latest.assign(_size=latest["gap_points"].abs()).sort_values(
        ["_size", "name"], ascending=[False, True], kind="stable"
    )
    return order.drop(columns="_size").reset_index(drop=True)


def parity_groups(summary: GenderSummary) -> dict[str, pd.DataFrame]:
    """Economies of a gender summary split by status ('parity', 'women ahead', 'men ahead'),
    each sorted by name: name, year, female, male, parity (for lists on the page)."""
    cols = ["economy", "name", "year", "female", "male", "parity", "vintage"]
    return {
        status: summary.latest.loc[summary.latest["status"] == status, cols]
        .sort_values("name")
        .reset_index(drop=True)
        for status in ("parity", "women ahead", "men ahead")
    }


def parity_lists(snapshot: Snapshot, catalogue: Catalogue) -> dict[str, pd.DataFrame]:
    """`parity_groups` of the latest gender summary (the page's three lists of economies)."""
    return parity_groups(latest_gender_summary(snapshot, catalogue))


def parity_over_time(
    snapshot: Snapshot,
    catalogue: Catalogue,
    *,
    groups: Sequence[str] = WB_INCOME,
    indicator: str = INTERNET,
    fiscal_year: int | None = None,
    start: int = 2005,
) -> Chart:
    """The gender parity score of the world and groups over time: ITU's published estimates
    (solid) and, where members' data cover two-thirds of women and of men, the score computed
    from economies (dashed). The ITU parity band is shaded."""
    fe, _ = sex_codes(catalogue, indicator)
    itu_fe = next((i.code for i in catalogue.indicators if i.same_concept_as == fe), fe)
    last = max([int(snapshot.wide(c).columns.max()) for c in (fe, itu_fe)])
    gp = group_parity(
        snapshot,
        catalogue,
        groups=list(groups),
        indicator=indicator,
        fiscal_year=fiscal_year,
        years=range(start, last + 1),
    )
    labels = entity_labels(snapshot)
    published = gp.dropna(subset=["itu_parity"]).assign(
        parity=lambda d: d["itu_parity"],
        kind="published (ITU estimate)",
        coverage=np.nan,
        source=lambda d: d["itu_source"],
        vintage=lambda d: d["itu_vintage"],
    )
    computed = gp[gp["status"] == "ok"].assign(
        kind="computed from economies",
        coverage=lambda d: d[["female_coverage", "male_coverage"]].min(axis=1),
    )
    cols = ["group", "label", "year", "parity", "kind", "coverage", "source", "vintage"]
    data = pd.concat([published[cols], computed[cols]], ignore_index=True)
    if data.empty:
        raise AnalysisError(f"no parity score for {', '.join(groups)} in any year")
    fig = go.Figure()
    fig.add_hrect(
        y0=PARITY_BAND[0], y1=PARITY_BAND[1], fillcolor=TARGET_COLOUR, opacity=0.15, line_width=0
    )
    in_legend: set[str] = set()
    for i, code in enumerate(groups):
        colour = colour_for(code, i)
        for kind, dash, est in (("published (ITU estimate)", "solid", True),
                                ("computed from economies", "dash", False)):  # fmt: skip
            sub = data[(data["group"] == code) & (data["kind"] == kind)].sort_values("year")
            if sub.empty:
                continue
            fig.add_trace(
                go.Scatter(
                    x=sub["year"],
                    y=sub["parity"],
                    mode="lines+markers",
                    name=escape(labels.get(code, code)),
                    legendgroup=code,
                    showlegend=code not in in_legend,
                    line={"color": colour, "width": 2.5, "dash": dash},
                    marker=_marker(colour, [est] * len(sub), size=7),
                    hovertemplate=f"%{{fullData.name}} ({kind})<br>%{{x}}: %{{y:.3f}}<extra></extra>",
                )
            )
            in_legend.add(code)
    title = _parity_title(data, labels, groups)
    fy = f"; groups as classified in FY{fiscal_year % 100:02d}" if fiscal_year else ""
    subtitle = (
        f"Gender parity score (women's ÷ men's {catalogue.indicator(indicator).short_name}); "
        f"parity band {PARITY_BAND[0]}-{PARITY_BAND[1]} shaded{fy}"
    )
    notes = [
        f"Shaded band: parity ({PARITY_BAND[0]}-{PARITY_BAND[1]}). Solid lines, hollow markers: "
        "ITU estimates. Dashed lines: computed here from economies' rates, weighted by female and "
        "male population, only where reporting economies hold two-thirds of each.",
    ]
    vint = ", ".join(sorted(set(published["vintage"].dropna().astype(str))))
    if vint:
        notes.append(f"ITU estimates are of vintage {vint}, older than the World Bank totals.")
    if fiscal_year and not published.empty:
        notes.append(
            "ITU estimates use ITU's current grouping, not the fiscal-year classification."
        )
    itu_groups = [f"ITU_{g}" for g in groups] if not published.empty else []
    notes += classification_notes(snapshot, [*itu_groups, *([] if fiscal_year else groups)])
    fig.update_yaxes(title_text="women ÷ men")
    fig.update_xaxes(dtick=2)
    fig.update_layout(height=540)
    legend_on_top(fig)
    source = source_line(snapshot, catalogue, _sources(data["source"]))
    frame_figure(fig, title=title, subtitle=subtitle, source=source, notes=notes)
    return Chart(slug(f"parity-{indicator}"), fig, data, title, subtitle, source, tuple(notes))


def _parity_title(data: pd.DataFrame, labels: dict[str, str], groups: Sequence[str]) -> str:
    pub = data[data["kind"].str.startswith("published")].sort_values("year")
    lead = next((g for g in groups if (pub["group"] == g).any()), None)
    if lead is None:
        return "Gender parity scores computed from economies"
    w = pub[pub["group"] == lead]
    p0, p1 = w.iloc[0], w.iloc[-1]
    verb = (
        "rose" if p1["parity"] > p0["parity"] else "fell" if p1["parity"] < p0["parity"] else "held"
    )
    title = (
        f"{labels.get(lead, lead)} gender parity score {verb} from {p0['parity']:.2f} in "
        f"{int(p0['year'])} to {p1['parity']:.2f} in {int(p1['year'])}"
    )
    low = pub[pub["group"] == "LIC"]
    if len(low) and lead != "LIC":
        title += f"; low income {low.iloc[-1]['parity']:.2f}"
    return title


# --- urban/rural, youth/rest (ITU aggregates) ------------------------------------------------
def breakdown_levels(
    snapshot: Snapshot,
    catalogue: Catalogue,
    *,
    total: str = "i99H",
    pair: tuple[str, str] = ("urban", "rural"),
    entities: Sequence[str] = ITU_GROUPS,
    year: int | None = None,
) -> Chart:
    """Dumbbells of the two breakdowns (e.g. urban vs rural) for ITU's world and income groups
    in one year (default: the latest with values for all shown entities)."""
    gap = breakdown_gap(snapshot, catalogue, total=total, pair=pair, entities=list(entities))
    if gap.empty:
        raise AnalysisError(f"no {pair[0]}/{pair[1]} values of {total} for {', '.join(entities)}")
    if year is None:
        per_year = gap.groupby("year")["entity"].nunique()
        year = int(per_year[per_year == per_year.max()].index.max())
    rows = gap[gap["year"] == year].copy()
    order = {e: i for i, e in enumerate(entities)}
    rows = rows.sort_values("entity", key=lambda s: s.map(order)).reset_index(drop=True)
    names = {k: v.replace(" (ITU)", "") for k, v in entity_labels(snapshot).items()}
    labels = [names.get(e, e) for e in rows["entity"]]
    ind = catalogue.indicator(total)
    fig = go.Figure()
    _dumbbell(fig, rows.iloc[::-1], labels=labels[::-1], first="first", second="second", roles=pair)
    lead = rows.iloc[0]
    behind = rows.loc[rows["second"].idxmin()]
    short = {"youth": "youth", "rest": "others"}
    r0, r1 = (short.get(r, r) for r in pair)
    title = (
        f"{ind.short_name.replace(' (ITU)', '')} in {year}: {r0} {format_value(lead['first'], ind)} "
        f"vs {r1} {format_value(lead['second'], ind)} ({labels[0]})"
    )
    if behind["entity"] != lead["entity"]:
        title += (
            f"; {format_value(behind['first'], ind)} vs {format_value(behind['second'], ind)} "
            f"({names.get(behind['entity'], behind['entity'])})"
        )
    subtitle = f"{ind.name.split(' (')[0]}, % of each population group, {year}; ITU estimates"
    notes = [ESTIMATE_NOTE + " All values here are ITU estimates."]
    notes += classification_notes(snapshot, rows["entity"])
    fig.update_xaxes(title_text="%", range=[0, 102])
    fig.update_yaxes(automargin=True)
    fig.update_layout(height=max(420, 56 * len(rows) + 240))
    legend_on_top(fig)
    source = source_line(snapshot, catalogue, _sources(rows["source"]))
    frame_figure(fig, title=title, subtitle=subtitle, source=source, notes=notes)
    data = rows.assign(indicator=total)
    name = slug(f"{pair[0]}-{pair[1]}-{total}-{year}")
    return Chart(name, fig, data, title, subtitle, source, tuple(notes))


def breakdown_gap_over_time(
    snapshot: Snapshot,
    catalogue: Catalogue,
    *,
    totals: Sequence[str] = ("i99H", "i271G", "i271GA"),
    pair: tuple[str, str] = ("urban", "rural"),
    entity: str = "ITU_WLD",
) -> Chart:
    """The gap in points between two breakdowns over time for one ITU entity, one line per
    series (e.g. Internet use, 3G and LTE coverage). Title: how the first series' gap moved."""
    parts = []
    for code in totals:
        g = breakdown_gap(snapshot, catalogue, total=code, pair=pair, entities=[entity])
        parts.append(g.assign(indicator=code, series=catalogue.indicator(code).short_name))
    data = pd.concat(parts, ignore_index=True)
    if data.empty:
        raise AnalysisError(f"no {pair[0]}/{pair[1]} gap for {entity}")
    fig = go.Figure()
    for i, code in enumerate(totals):
        sub = data[data["indicator"] == code].sort_values("year")
        if sub.empty:
            continue
        colour = colour_for(code, i)
        fig.add_trace(
            go.Scatter(
                x=sub["year"],
                y=sub["gap_points"],
                mode="lines+markers",
                name=escape(sub["series"].iloc[0].replace(" (ITU)", "")),
                line={"color": colour, "width": 2.5},
                marker=_marker(colour, sub["estimate"].tolist(), size=7),
                hovertemplate="%{fullData.name}<br>%{x}: %{y:.1f} points<extra></extra>",
            )
        )
    first = data[data["indicator"] == totals[0]].sort_values("year")
    name = entity_labels(snapshot).get(entity, entity).replace(" (ITU)", "")
    if first.empty:
        title = f"{pair[0].capitalize()}-{pair[1]} gaps, {name}"
    else:
        g0, g1 = first.iloc[0], first.iloc[-1]
        verb = "narrowed" if g1["gap_points"] < g0["gap_points"] else "widened"
        if abs(g1["gap_points"] - g0["gap_points"]) < 0.05:
            verb = "held"
        title = (
            f"{name}: the {pair[0]}-{pair[1]} gap in {first['series'].iloc[0].replace(' (ITU)', '')}"
            f" {verb} from {g0['gap_points']:.1f} points in {int(g0['year'])} to "
            f"{g1['gap_points']:.1f} in {int(g1['year'])}"
        )
    subtitle = f"{ROLE_NAMES[pair[0]].capitalize()} minus {ROLE_NAMES[pair[1]]}, percentage points"
    for code in totals[1:]:
        other = data[data["indicator"] == code].sort_values("year")
        if len(other) >= 2:
            o0, o1 = other.iloc[0], other.iloc[-1]
            subtitle += (
                f"; {other['series'].iloc[0].replace(' (ITU)', '')}: {o0['gap_points']:.1f} "
                f"({int(o0['year'])}) to {o1['gap_points']:.1f} ({int(o1['year'])})"
            )
    notes = [ESTIMATE_NOTE + " All values here are ITU estimates."]
    fig.update_yaxes(title_text="points", rangemode="tozero")
    fig.update_xaxes(dtick=1 if data["year"].nunique() <= 8 else 2)
    legend_on_top(fig)
    source = source_line(snapshot, catalogue, _sources(data["source"]))
    frame_figure(fig, title=title, subtitle=subtitle, source=source, notes=notes)
    keep = ["entity", "name", "indicator", "series", "year", "first_role", "first", "second_role"]
    keep += ["second", "gap_points", "ratio", "estimate", "source", "vintage"]
    chart_name = slug(f"{pair[0]}-{pair[1]}-gap-{entity}")
    return Chart(chart_name, fig, data[keep], title, subtitle, source, tuple(notes))
