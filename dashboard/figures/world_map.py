"""The explorer's world map: a choropleth of the economies' level in a year or change since a
baseline (diverging colours centred on no change).

A pure builder (snapshot, catalogue, options) -> `Chart`; `data` is exactly what is mapped,
including economies too small for the map or without a shape (named in the footer).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.chart import Chart, frame_figure, slug
from dashboard.figures.explorer_common import (
    TITLE_LIMIT,
    fit_title,
    ranked_measure,
    require_values,
    series_source,
    substitution_notes,
    vintage_notes,
)
from dashboard.figures.plotly_text import escape_all
from dashboard.formatting import change_unit
from dashboard.theme import DIVERGING_SCALE, SEQUENTIAL_SCALE
from dashboard.views.explorer_series import (
    WINDOW,
    default_map_year,
    fmt_relative,
    fmt_value,
    map_codes,
    map_points,
    names_of,
    series,
)
from indicators.catalogue import Catalogue, Indicator
from indicators.errors import AnalysisError
from indicators.store.snapshot import Snapshot

# The United Nations' standard disclaimer, carried by every map the dashboard draws.
UN_MAP_DISCLAIMER = (
    "The boundaries and names shown and the designations used on this map do not imply "
    "official endorsement or acceptance by the United Nations."
)


def tied_names(names: pd.Series, *, limit: int = 3) -> str:
    """Names sharing an end of a map's range, in name order: 'Bahrain, Saudi Arabia and United
    Arab Emirates', or the first `limit` and how many more."""
    ordered = sorted(dict.fromkeys(names.astype(str)))
    if len(ordered) > limit:
        return f"{', '.join(ordered[:limit])} and {len(ordered) - limit} more"
    return ordered[0] if len(ordered) == 1 else f"{', '.join(ordered[:-1])} and {ordered[-1]}"


def map_figure(
    snapshot: Snapshot,
    catalogue: Catalogue,
    *,
    indicator: str,
    mode: str = "level",
    year: int | None = None,
    baseline: int = 2005,
    change: str = "absolute",
    end: int | None = None,
) -> Chart:
    """Choropleth of the economies: level in `year`, or change since the baseline (diverging)."""
    ind = catalogue.indicator(indicator)
    if mode == "level":
        year = year if year is not None else default_map_year(snapshot, indicator)
        got = series(snapshot, catalogue, indicator=indicator, entities=None, start=year, end=year)
        require_values(got.data, ind, f"any economy in {year}")
        shown = got.data.assign(measure="value")
    else:
        got = series(snapshot, catalogue, indicator=indicator, entities=None, end=end)
        require_values(got.data, ind, "any economy")
        shown = ranked_measure(got, measure="change", change=change, baseline=baseline, end=end)
        if shown.empty:
            raise AnalysisError(
                f"no economy has a baseline value within {WINDOW} years of {baseline}"
            )
    codes, points = map_codes(), map_points()
    shown = shown.assign(
        on_map=shown["entity"].isin(codes),
        as_point=~shown["entity"].isin(codes) & shown["entity"].isin(points),
    ).reset_index(drop=True)
    rel = mode == "change" and change == "relative"
    fig = go.Figure(_choropleth(shown[shown["on_map"]], ind, mode=mode, rel=rel))
    small = shown[shown["as_point"]]
    if len(small):
        fig.add_trace(_points(small, points, mode=mode))
    fig.update_layout(coloraxis=_colour_axis(shown, ind, mode=mode, rel=rel))
    fig.update_geos(
        projection_type="natural earth",
        showframe=False,
        showcoastlines=False,
        showcountries=True,
        countrycolor="#FFFFFF",
        landcolor="#E9E9E9",
        showland=True,
        bgcolor="rgba(0,0,0,0)",
        lataxis_range=[-58, 85],
    )
    fig.update_layout(height=680, margin={"l": 8, "r": 8})
    fmt = (
        (lambda v: fmt_relative(v / 100))
        if rel
        else (lambda v: fmt_value(v, ind, signed=mode == "change"))
    )
    # the ends as written: economies tied at the written value are all named (up to three)
    written = shown["value"].map(fmt)
    hi_text, lo_text = fmt(shown["value"].max()), fmt(shown["value"].min())
    hi_names = tied_names(shown.loc[written == hi_text, "entity_name"])
    lo_names = tied_names(shown.loc[written == lo_text, "entity_name"])
    what = (
        f"{ind.short_name} in {year}" if mode == "level" else f"{ind.short_name} since {baseline}"
    )
    hi_count, lo_count = int((written == hi_text).sum()), int((written == lo_text).sum())
    hi_few = hi_names if hi_count == 1 else f"{hi_count} economies"
    lo_few = lo_names if lo_count == 1 else f"{lo_count} economies"
    full = f"{what}: from {lo_text} in {lo_names} to {hi_text} in {hi_names}"
    title = fit_title(
        full
        if len(full) <= TITLE_LIMIT
        else f"{what}: from {lo_text} in {lo_few} to {hi_text} in {hi_few}",
        fallback=f"{what}: highest in {hi_few} ({hi_text})",
    )
    off = shown.loc[~shown["on_map"] & ~shown["as_point"], "entity_name"].tolist()
    notes = vintage_notes(shown)
    if mode == "change":
        notes += substitution_notes(
            shown.rename(columns={"substituted": "baseline_substituted"}), baseline, diamonds=False
        )
        notes.append("Colours are centred on no change; each economy's years are in the data.")
    if len(small):
        notes.append(
            f"Circles: {len(small)} small states and territories, too small to see as shapes."
        )
    if off:
        notes.append(f"Without a shape or a point: {names_of(off, {}, limit=6)} (in the data).")
    notes.append("Grey: no value. Economies only; group values are not mapped.")
    notes.append(UN_MAP_DISCLAIMER)
    subtitle = f"{ind.name}; {ind.unit}; {len(shown)} economies with a value"
    source = series_source(snapshot, catalogue, shown)
    frame_figure(fig, title=title, subtitle=subtitle, source=source, notes=notes)
    return Chart(
        name=slug(f"{what} map"),
        figure=fig,
        data=shown,
        title=title,
        subtitle=subtitle,
        source=source,
        notes=tuple(notes),
    )


def _bar_unit(ind: Indicator, *, mode: str, rel: bool) -> str:
    if rel:
        return "%"
    return change_unit(ind) if mode == "change" else ind.short_unit


def _colour_axis(shown: pd.DataFrame, ind: Indicator, *, mode: str, rel: bool) -> dict:
    """One colour scale for shapes and points: sequential for levels, diverging at no change."""
    axis: dict = {
        "colorbar": {"title": {"text": _bar_unit(ind, mode=mode, rel=rel)}, "thickness": 14},
        "colorscale": SEQUENTIAL_SCALE,
    }
    if mode == "change":
        bound = float(np.nanmax(np.abs(shown["value"]))) or 1.0
        axis.update(colorscale=DIVERGING_SCALE, cmid=0, cmin=-bound, cmax=bound)
    return axis


def _years(shown: pd.DataFrame, *, mode: str) -> list[str]:
    if mode == "change":
        return [
            f"{b}-{y}" for b, y in zip(shown["baseline_year"], shown["latest_year"], strict=True)
        ]
    return [str(y) for y in shown["year"]]


def _hover(mode: str, value: str) -> str:
    sign = "+" if mode == "change" else ""
    return f"%{{text}} (%{{customdata[0]}}): %{{{value}:{sign},.2f}}<extra></extra>"


def _choropleth(shown: pd.DataFrame, ind: Indicator, *, mode: str, rel: bool) -> go.Choropleth:
    """The economies with a shape on the map, coloured on the shared colour axis."""
    return go.Choropleth(
        locations=shown["entity"],
        z=shown["value"],
        locationmode="ISO-3",
        text=escape_all(shown["entity_name"]),
        marker={"line": {"color": "#FFFFFF", "width": 0.4}},
        coloraxis="coloraxis",
        customdata=np.stack([_years(shown, mode=mode)], axis=1),
        hovertemplate=_hover(mode, "z"),
        showlegend=False,
    )


def _points(
    small: pd.DataFrame, points: dict[str, tuple[float, float]], *, mode: str
) -> go.Scattergeo:
    """Small states as circles at their centres, coloured on the same axis as the shapes."""
    where = [points[e] for e in small["entity"]]
    return go.Scattergeo(
        lon=[p[0] for p in where],
        lat=[p[1] for p in where],
        text=escape_all(small["entity_name"]),
        mode="markers",
        marker={
            "size": 9,
            "color": small["value"],
            "coloraxis": "coloraxis",
            "line": {"color": "#333333", "width": 0.8},
        },
        customdata=np.stack([_years(small, mode=mode)], axis=1),
        hovertemplate=_hover(mode, "marker.color"),
        name="small states",
        showlegend=False,
    )
