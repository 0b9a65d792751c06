"""The explorer's ranking: horizontal bars of the chosen set, or every economy as a skyline.

A pure builder (snapshot, catalogue, options) -> `Chart` ranking the latest level or the change
since a baseline; `data` is exactly what is drawn. `ranked_measure` (the ranked value of each entity)
also gives the map its change values.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.chart import Chart, classification_notes, frame_figure, slug
from dashboard.figures.explorer_common import (
    fit_title,
    most_words,
    ranked_measure,
    require_values,
    series_source,
    spread,
    substitution_notes,
    vintage_notes,
)
from dashboard.figures.plotly_text import escape, escape_all
from dashboard.formatting import change_unit
from dashboard.theme import NEUTRAL_INK, OKABE_ITO
from dashboard.views.explorer_series import (
    WINDOW,
    entity_colours,
    fmt_relative,
    fmt_value,
    names_of,
    series,
)
from indicators.catalogue import Catalogue
from indicators.errors import AnalysisError
from indicators.store.snapshot import Snapshot

HATCH_NOTE = (
    "Hatched bars: estimates (the producer's, or group values that most members did not report)."
)
OTHER_BAR = "#BBBBBB"


def ranking_figure(
    snapshot: Snapshot,
    catalogue: Catalogue,
    *,
    indicator: str,
    entities: Sequence[str] | None,
    measure: str = "level",
    change: str = "absolute",
    baseline: int = 2005,
    start: int | None = None,
    end: int | None = None,
    log_x: bool = False,
    highlight: Sequence[str] = (),
) -> Chart:
    """Horizontal bars sorted from the highest value: latest level or change since the baseline.

    `entities=None` ranks every economy (groups excluded) and highlights `highlight`.
    """
    got = series(snapshot, catalogue, indicator=indicator, entities=entities, start=start, end=end)
    ind = got.indicator
    require_values(got.data, ind, "the chosen economies" if entities is None else "the chosen set")
    ranked = ranked_measure(got, measure=measure, change=change, baseline=baseline, end=end)
    if ranked.empty:
        raise AnalysisError(
            f"no value of {ind.short_name} within {WINDOW} years of {baseline} and a later one; "
            "choose another baseline"
        )
    ranked = ranked.sort_values("value", ascending=False, kind="stable").reset_index(drop=True)
    rel = measure == "change" and change == "relative"
    label = {
        "level": ind.short_unit,
        "change": f"change since {baseline} ({'%' if rel else change_unit(ind)})",
    }
    fmt = (
        (lambda v: fmt_relative(v / 100))
        if rel
        else (lambda v: fmt_value(v, ind, signed=measure == "change"))
    )
    log = log_x and measure == "level"
    if entities is None:
        fig = _skyline(ranked, fmt, set(highlight), axis_title=label[measure], log=log)
    else:
        fig = go.Figure(_bar_trace(ranked, fmt, rel=rel))
        fig.update_yaxes(autorange="reversed", title_text="", automargin=True)
        fig.update_xaxes(
            title_text=label[measure],
            type="log" if log else "linear",
            zeroline=not log,
            range=None if log else label_room(ranked["value"], longest=_longest(fig)),
        )
        fig.update_layout(bargap=0.25)
    hi, lo = ranked.iloc[0], ranked.iloc[-1]
    what = ind.short_name if measure == "level" else f"{ind.short_name} since {baseline}"
    best = "highest" if measure == "level" else most_words(hi["value"])
    title = fit_title(
        f"{what}: {best} in {hi['entity_name']} ({fmt(hi['value'])})",
        f", lowest in {lo['entity_name']} ({fmt(lo['value'])})" if len(ranked) > 1 else "",
        fallback=f"{best.capitalize()}: {hi['entity_name']} ({fmt(hi['value'])})",
    )
    notes = vintage_notes(ranked)
    notes += [HATCH_NOTE] if ranked["estimate"].any() else []
    if measure == "change":
        notes += substitution_notes(
            ranked.rename(columns={"substituted": "baseline_substituted"}), baseline, diamonds=False
        )
    dropped = got.data.drop_duplicates("entity").query("entity not in @ranked.entity")
    if measure == "change" and entities is not None and len(dropped):
        notes.append(
            f"Not shown (no value within {WINDOW} years of {baseline} and a later one): "
            f"{names_of(list(dropped['entity_name']), {})}."
        )
    if ranked["value_source"].eq("computed").any():
        notes.append("Computed aggregates: see the table for their coverage.")
    notes += year_notes(ranked, measure=measure)
    if entities is not None:
        notes += classification_notes(snapshot, ranked["entity"])
    scope = "all economies" if entities is None else "chosen economies and groups"
    subtitle = f"{ind.name}; {ind.unit}; {scope}, {len(ranked)} with a value"
    source = series_source(snapshot, catalogue, ranked)
    frame_figure(fig, title=title, subtitle=subtitle, source=source, notes=notes)
    if entities is not None:
        fig.update_layout(height=max(420, 24 * len(ranked) + 200 + 16 * len(notes)))
    return Chart(
        name=slug(f"{what} ranking"),
        figure=fig,
        data=ranked,
        title=title,
        subtitle=subtitle,
        source=source,
        notes=tuple(notes),
    )


def _bar_trace(ranked: pd.DataFrame, fmt: Callable[[float], str], *, rel: bool) -> go.Bar:
    """Horizontal bars, one colour per entity, labelled with their values."""
    colours = entity_colours(list(ranked["entity"]))
    return go.Bar(
        x=ranked["value"],
        y=escape_all(ranked["entity_name"]),
        orientation="h",
        marker={
            "color": [colours[e] for e in ranked["entity"]],
            "pattern": {"shape": ["/" if e else "" for e in ranked["estimate"]]},
            "line": {"width": 0},
        },
        text=[f"{fmt(v)} ({y})" for v, y in zip(ranked["value"], _years(ranked), strict=True)],
        textposition="outside",
        cliponaxis=False,
        customdata=np.stack([_years(ranked)], axis=1),
        hovertemplate="%{y} (%{customdata[0]}): %{x:,.2f}"
        + ("%" if rel else "")
        + "<extra></extra>",
        showlegend=False,
    )


def label_room(values: pd.Series, *, longest: int) -> list[float]:
    """An axis range with room beyond the bars for labels of up to `longest` characters.

    About 1.6% of the span per character keeps a label inside a chart of phone width or more.

    >>> label_room(pd.Series([10.0, 50.0]), longest=10)
    [0.0, 58.0]
    """
    lo, hi = min(0.0, float(values.min())), max(0.0, float(values.max()))
    pad = (hi - lo) * 0.016 * longest
    return [lo - pad if lo < 0 else lo, hi + pad if hi > 0 else hi]


def _longest(fig: go.Figure) -> int:
    return max((len(str(t)) for t in fig.data[0].text or ()), default=0)


def _years(ranked: pd.DataFrame) -> list[str]:
    """Each bar's year, or its baseline and latest years for a change ("2005–2024")."""
    return [
        f"{int(b)}–{int(y)}" if pd.notna(b) else str(int(y))
        for b, y in zip(ranked["baseline_year"], ranked["latest_year"], strict=True)
    ]


def year_notes(ranked: pd.DataFrame, *, measure: str) -> list[str]:
    """Say which year the bars are, and name the bars from another year when years differ.

    A ranking that compares one economy's 2019 with the others' 2024 must say so.
    """
    years = ranked["latest_year"].astype(int)
    usual = int(years.mode().max())
    what = "Each bar is its latest year with a value up to the end year"
    if measure == "change":
        what = "Each bar runs from its baseline year to its latest year"
    odd = ranked[years != usual]
    if odd.empty:
        return [f"{what}: {usual} for all."]
    pairs = [f"{n} {y}" for n, y in zip(odd["entity_name"], odd["latest_year"], strict=True)]
    return [
        f"{what}; years differ: {usual} for {len(ranked) - len(odd)}, "
        f"other years for {names_of(pairs, {}, limit=6)}."
    ]


def _skyline(
    ranked: pd.DataFrame,
    fmt: Callable[[float], str],
    highlight: set[str],
    *,
    axis_title: str,
    log: bool,
) -> go.Figure:
    """Every economy as a thin column, highest first; the chosen ones (and both ends) named."""
    chosen = ranked["entity"].isin(highlight).to_numpy()
    fig = go.Figure(
        go.Bar(
            x=escape_all(ranked["entity_name"]),
            y=ranked["value"],
            marker={
                "color": np.where(chosen, OKABE_ITO["blue"], OTHER_BAR).tolist(),
                "pattern": {"shape": ["/" if e else "" for e in ranked["estimate"]]},
                "line": {"width": 0},
            },
            customdata=np.stack([_years(ranked)], axis=1),
            hovertemplate="%{x} (%{customdata[0]}): %{y:,.2f}<extra></extra>",
            showlegend=False,
        )
    )
    named = sorted({0, len(ranked) - 1, *np.flatnonzero(chosen).tolist()})
    tops = ranked["value"].to_numpy(dtype=float)[named]
    if log:
        tops = np.log10(np.clip(tops, 1e-9, None))
    span = max(float(np.nanmax(tops) - min(0.0, float(np.nanmin(tops)))), 1e-9)
    heights = spread(list(tops + span * 0.08), span * 0.09)
    years = _years(ranked)
    for i, top, label_y in zip(named, tops, heights, strict=True):
        row = ranked.iloc[i]
        fig.add_annotation(
            x=escape(row["entity_name"]),
            y=top,
            ax=escape(row["entity_name"]),
            ay=label_y,
            axref="x",
            ayref="y",
            text=escape(f"{row['entity_name']} {fmt(row['value'])} ({years[i]})"),
            showarrow=True,
            arrowhead=0,
            yanchor="bottom",
            font={"size": 12, "color": OKABE_ITO["blue"] if chosen[i] else NEUTRAL_INK},
            arrowcolor=NEUTRAL_INK,
        )
    fig.update_xaxes(
        showticklabels=False, ticks="", title_text=f"{len(ranked)} economies, highest first"
    )
    fig.update_yaxes(title_text=axis_title, type="log" if log else "linear")
    fig.update_layout(bargap=0.15, height=560)
    return fig
