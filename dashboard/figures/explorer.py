"""Figure builders of the explorer page: any indicator for any set of economies and groups.

Every builder is a pure function (snapshot, catalogue, options) -> `Chart` whose `data` is
exactly what is drawn (it becomes the CSV download). Values come from
`dashboard.explorer_series.series`; progress since a baseline from `progress_rows`, which uses
`indicators.progress.progress_table` (substituted baselines drawn as diamonds and listed in the
footer, the actual years in the hover text and the data). This module holds the line and slope
charts and the title and note helpers they share with figures_ranking.py and figures_map.py.
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
    line_chart,
    slug,
)
from dashboard.figures.explorer_common import (
    fit_title,
    most_words,
    require_values,
    series_source,
    spread,
    substitution_notes,
    vintage_notes,
)
from dashboard.figures.plotly_text import escape
from dashboard.formatting import entity_labels
from dashboard.theme import LINE_DASHES, line_dash
from dashboard.views.explorer_series import (
    WINDOW,
    Series,
    entity_colours,
    fmt_value,
    names_of,
    progress_rows,
    series,
)
from indicators.catalogue import Catalogue, Indicator
from indicators.errors import AnalysisError
from indicators.store.snapshot import Snapshot

RULES = {
    "weighted_mean": "population-weighted mean",
    "median": "median economy",
    "sum": "sum over the members",
}


def computed_note(ind: Indicator) -> str:
    """Explains the dotted lines of aggregates computed here, with the indicator's rule."""
    rule = RULES.get(ind.aggregation, ind.aggregation)
    return (
        f"Dotted lines: group figures computed by this dashboard from economy values ({rule}, "
        "shown only where reporting economies hold at least two-thirds of the group's "
        "population)."
    )


def _span(data: pd.DataFrame) -> str:
    if data.empty:
        return "no years"
    lo, hi = int(data["year"].min()), int(data["year"].max())
    return str(lo) if lo == hi else f"{lo}-{hi}"


# --- line ----------------------------------------------------------------------------------------


def line_figure(
    snapshot: Snapshot,
    catalogue: Catalogue,
    *,
    indicator: str,
    entities: Sequence[str],
    start: int | None = None,
    end: int | None = None,
    log_y: bool = False,
) -> Chart:
    """Lines over time for the chosen entities (computed aggregates dotted, estimates hollow)."""
    got = series(snapshot, catalogue, indicator=indicator, entities=entities, start=start, end=end)
    return lines_of(snapshot, catalogue, got, log_y=log_y)


def line_view(
    snapshot: Snapshot,
    catalogue: Catalogue,
    *,
    indicator: str,
    entities: Sequence[str],
    start: int | None = None,
    end: int | None = None,
    log_y: bool = False,
) -> tuple[Series, Chart | None]:
    """The series of a line view and its chart (None when it has no value): what the explorer
    shows for a line chart, from one computation of the series (one cache entry a view)."""
    got = series(snapshot, catalogue, indicator=indicator, entities=entities, start=start, end=end)
    return got, (None if got.data.empty else lines_of(snapshot, catalogue, got, log_y=log_y))


def lines_of(snapshot: Snapshot, catalogue: Catalogue, got: Series, *, log_y: bool) -> Chart:
    """The line chart of a series (`line_figure`'s figure, from a series already computed)."""
    ind, data = got.indicator, got.data
    require_values(data, ind, "the chosen economies and groups")
    entity = data["entity"].to_numpy()
    first = np.flatnonzero(entity == entity[0])  # the first entity's rows, by year
    name, a, b = data["entity_name"].iloc[first[0]], first[0], first[-1]
    year, value = data["year"].to_numpy(), data["value"].to_numpy()
    if len(first) > 1:
        title = fit_title(
            f"{ind.short_name}: {name} went from {fmt_value(value[a], ind)} in "
            f"{year[a]} to {fmt_value(value[b], ind)} in {year[b]}",
            fallback=f"{name}: {fmt_value(value[b], ind)} in {year[b]}",
        )
    else:
        title = f"{ind.short_name}: {name} {fmt_value(value[a], ind)} in {year[a]}"
    dashes = line_dashes(snapshot, data)
    notes = [
        *vintage_notes(data),
        *dash_notes(dashes, ind),
        *classification_notes(snapshot, dashes),  # the drawn entities, each once
    ]
    targets = [t for t in ind.targets if t.metric == "value" and t.scope == "each"]
    return line_chart(
        data,
        name=slug(f"{ind.short_name} over time"),
        title=title,
        subtitle=f"{ind.name}; {ind.unit}, {_span(data)}",
        source=series_source(snapshot, catalogue, data),
        labels=entity_labels(snapshot),
        y_title=ind.short_unit,
        target=targets[0] if targets and not log_y else None,
        log_y=log_y,
        notes=notes,
        colours=entity_colours(list(dashes)),
        dashes=dashes,
    )


def line_dashes(snapshot: Snapshot, data: pd.DataFrame) -> dict[str, str]:
    """The dash of each entity's line (`theme.line_dash`): ITU's aggregates dashed, groups
    computed here dotted, published series solid, so a group and ITU's figure for it differ."""
    itu = itu_aggregates(snapshot)
    entity = data["entity"].to_numpy()
    computed = set(entity[data["value_source"].to_numpy() == "computed"])
    return {str(e): line_dash(itu=e in itu, computed=e in computed) for e in dict.fromkeys(entity)}


def itu_aggregates(snapshot: Snapshot) -> frozenset[str]:
    """Codes of ITU's aggregates, memoised per snapshot (every line chart asks)."""
    ent = snapshot.entities
    return snapshot.memo(
        ("explorer_itu_aggregates",),
        lambda: frozenset(ent.loc[ent["kind"] == "itu_aggregate", "code"]),
    )


def dash_notes(dashes: dict[str, str], ind: Indicator) -> list[str]:
    """Say what the dashed and dotted lines of a chart are, when it has any."""
    notes = []
    if LINE_DASHES["itu"] in dashes.values():
        notes.append("Dashed lines: ITU's own aggregates (its groupings and estimates).")
    if LINE_DASHES["computed"] in dashes.values():
        notes.append(computed_note(ind))
    return notes


# --- slope ---


def slope_figure(
    snapshot: Snapshot,
    catalogue: Catalogue,
    *,
    indicator: str,
    entities: Sequence[str],
    baseline: int = 2005,
    end: int | None = None,
    log_y: bool = False,
) -> Chart:
    """From the baseline year to the latest value per entity; substituted baselines as diamonds."""
    got = series(snapshot, catalogue, indicator=indicator, entities=entities, end=end)
    ind = got.indicator
    require_values(got.data, ind, "the chosen economies and groups")
    prog = progress_rows(got.data, baseline=baseline, latest=end)
    ok = prog[prog["status"] == "ok"]
    if ok.empty:
        raise AnalysisError(
            f"no chosen economy or group has a value of {ind.short_name} within {WINDOW} years "
            f"of {baseline} and a later one; choose another baseline"
        )
    data = _slope_data(ok, ind.code)
    ends = end_labels(ok)
    fig = go.Figure()
    colours = entity_colours(list(ok["entity"]))
    dashes = line_dashes(snapshot, ok)
    for row in ok.itertuples(index=False):
        colour = colours[row.entity]
        pts = data[data["entity"] == row.entity]
        symbols = ["diamond" if s else "circle" for s in pts["substituted"]]
        fills = ["rgba(0,0,0,0)" if e else colour for e in pts["estimate"]]
        fig.add_trace(
            go.Scatter(
                x=list(ends),
                y=pts["value"],
                name=escape(row.entity_name),
                mode="lines+markers",
                line={"color": colour, "width": 2.5, "dash": dashes[row.entity]},
                marker={
                    "size": 11,
                    "symbol": symbols,
                    "color": fills,
                    "line": {"color": colour, "width": 2},
                },
                customdata=np.stack([pts["year"], pts["point"]], axis=1),
                hovertemplate="%{fullData.name}<br>%{customdata[1]} (%{customdata[0]}): "
                "%{y:,.2f}<extra></extra>",
                showlegend=False,
            )
        )
    top = ok.loc[ok["change"].idxmax()]
    if len(ok) == 1:
        title = fit_title(
            f"{ind.short_name} in {top['entity_name']}: {fmt_value(top['baseline_value'], ind)} "
            f"in {top['baseline_year']}, {fmt_value(top['latest_value'], ind)} in "
            f"{top['latest_year']}",
            fallback=f"{top['entity_name']}: {fmt_value(top['change'], ind, signed=True)}",
        )
    else:
        title = fit_title(
            f"{ind.short_name} since {baseline}: {most_words(top['change'])} in {top['entity_name']} "
            f"({fmt_value(top['change'], ind, signed=True)})",
            fallback=f"{most_words(top['change']).capitalize()}: {top['entity_name']}",
        )
    fig.update_yaxes(
        title_text=ind.short_unit,
        type="log" if log_y else "linear",
        rangemode=None if log_y else "tozero",
    )
    fig.update_xaxes(type="category", range=[-0.3, 1.8])
    _label_ends(fig, ok, colours, log_y=log_y, years=ends_differ(ok))
    notes = substitution_notes(ok, baseline) + vintage_notes(data) + year_mismatch_notes(ok)
    notes += dash_notes(dashes, ind) + classification_notes(snapshot, ok["entity"])
    notes += [ESTIMATE_NOTE] if data["estimate"].any() else []
    skipped = prog[prog["status"] != "ok"]
    if len(skipped):
        notes.append(
            f"Not shown (no comparable values): {names_of(list(skipped['entity_name']), {})}."
        )
    subtitle = f"{ind.name}; {ind.unit}; baseline {baseline} to the latest year with data"
    source = series_source(snapshot, catalogue, data)
    frame_figure(fig, title=title, subtitle=subtitle, source=source, notes=notes)
    return Chart(
        name=slug(f"{ind.short_name} since {baseline}"),
        figure=fig,
        data=data,
        title=title,
        subtitle=subtitle,
        source=source,
        notes=tuple(notes),
    )


def end_labels(ok: pd.DataFrame) -> tuple[str, str]:
    """The two ends of a slope chart, each named by its year ('2005', '2025'), or by the range
    of years when the entities' ends differ ('2005 or nearest', '2023-2025').

    >>> end_labels(pd.DataFrame({"baseline_year": [2005, 2005], "latest_year": [2024, 2025]}))
    ('2005', 'Latest: 2024-2025')
    """
    out = []
    for column, word in (("baseline_year", "Baseline"), ("latest_year", "Latest")):
        years = sorted({int(y) for y in ok[column]})
        out.append(str(years[0]) if len(years) == 1 else f"{word}: {years[0]}-{years[-1]}")
    return out[0], out[1]


def ends_differ(ok: pd.DataFrame) -> bool:
    """True when the entities' baseline or latest years are not all the same."""
    return bool(ok["baseline_year"].nunique() > 1 or ok["latest_year"].nunique() > 1)


def year_mismatch_notes(ok: pd.DataFrame) -> list[str]:
    """A warning when the compared ends are different years (each end's year is labelled)."""
    if not ends_differ(ok):
        return []
    pairs = [
        f"{n} {int(b)}-{int(y)}"
        for n, b, y in zip(ok["entity_name"], ok["baseline_year"], ok["latest_year"], strict=True)
    ]
    return [
        "The ends are not the same years for every line (each label gives its own): "
        + names_of(pairs, {}, limit=6)
        + "."
    ]


def _label_ends(
    fig: go.Figure, ok: pd.DataFrame, colours: dict[str, str], *, log_y: bool, years: bool
) -> None:
    """Entity names at the right end of each slope, nudged apart so they never overlap; with
    their own years when the ends differ between entities."""
    values = ok[["baseline_value", "latest_value"]].to_numpy(dtype=float)
    if log_y:
        values = np.log10(np.clip(values, 1e-9, None))
    ends = values[:, 1]
    low = float(values.min()) if log_y else min(0.0, float(values.min()))
    span = max(float(values.max()) - low, 1e-9)
    for row, y in zip(ok.itertuples(index=False), spread(ends, span * 0.07), strict=True):
        fig.add_annotation(
            x=1,
            y=y,
            text=escape(
                f"{row.entity_name} ({row.baseline_year}-{row.latest_year})"
                if years
                else row.entity_name
            ),
            showarrow=False,
            xanchor="left",
            xshift=10,
            font={"color": colours[row.entity], "size": 13},
        )


def _slope_data(ok: pd.DataFrame, code: str) -> pd.DataFrame:
    """Two rows per entity (baseline, latest) with the actual years and provenance."""
    parts = []
    for point, prefix, year in (("baseline", "baseline_", "baseline_year"), ("latest", "", None)):
        parts.append(
            pd.DataFrame(
                {
                    "entity": ok["entity"],
                    "entity_name": ok["entity_name"],
                    "indicator": code,
                    "point": point,
                    "year": ok[year or "latest_year"].astype(int),
                    "value": ok[f"{point}_value"],
                    "baseline_requested": ok["baseline_requested"],
                    "substituted": ok["baseline_substituted"] & (point == "baseline"),
                    "estimate": ok[f"{prefix}estimate"],
                    "value_source": ok["value_source"],
                    "source": ok[f"{prefix}source"],
                    "vintage": ok[f"{prefix}vintage"],
                }
            )
        )
    data = pd.concat(parts, ignore_index=True)
    order = {e: i for i, e in enumerate(ok["entity"])}
    data["_o"] = data["entity"].map(order)
    return data.sort_values(["_o", "point"]).drop(columns="_o").reset_index(drop=True)
