"""The previous routes of the figures made faster for issue 12, kept to prove the faster ones
give the same results: line charts built through plotly's validated API (`line_chart`,
`frame_figure`, `add_target_line`, and the explorer's recolouring of its lines) and the
chart description that read the data one series at a time (`describe`).

The code is as it was before the change (git history: dashboard/figures/chart.py and
dashboard/figures/explorer.py); only names differ. Tests compare the new routes' JSON, text
and data with these (tests/test_charts.py, tests/test_figures_explorer.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.chart import (
    ALT_SERIES,
    ESTIMATE_NOTE,
    FOOTER_SIZE,
    HEADER_HEIGHT,
    HEADER_PAD,
    TITLE_SIZE,
    Chart,
    footer_lines,
    header_text,
)
from dashboard.figures.plotly_text import escape
from dashboard.theme import LIGHT, TARGET_COLOUR, Mode, colour_for
from indicators.catalogue import Target


def validated_frame_figure(
    fig: go.Figure,
    *,
    title: str,
    subtitle: str,
    source: str,
    notes: Sequence[str] = (),
    m: Mode = LIGHT,
) -> go.Figure:
    lines = footer_lines(source, notes)
    text, extra = header_text(title, subtitle)
    fig.update_layout(
        template=f"wsis_{m.name}",
        title={
            "text": text,
            "x": 0.0,
            "xanchor": "left",
            "xref": "container",
            "y": 1.0,
            "yanchor": "top",
            "yref": "container",
            "pad": {"t": HEADER_PAD, "l": HEADER_PAD},
            "font": {"size": TITLE_SIZE},
        },
        margin={"t": HEADER_HEIGHT + extra, "b": 70 + 16 * len(lines), "l": 64, "r": 24},
        meta={"anatomy": True, "header": HEADER_HEIGHT - 30 + extra},
    )
    fig.add_annotation(
        text="<br>".join(escape(line) for line in lines),
        xref="paper",
        yref="paper",
        x=0.0,
        y=0.0,
        xanchor="left",
        yanchor="top",
        yshift=-56,
        align="left",
        showarrow=False,
        font={"size": FOOTER_SIZE, "color": m.muted},
        name="footer",
    )
    return fig


def validated_target_line(fig: go.Figure, target: Target, *, label: str | None = None) -> None:
    text = label or f"Target: {target.label}"
    values = [target.value] if target.upper is None else [target.value, target.upper]
    for value in values:
        fig.add_hline(
            y=value,
            line={"dash": "dash", "color": TARGET_COLOUR, "width": 1.5},
            annotation={"text": escape(text), "font": {"size": 12, "color": TARGET_COLOUR}},
            annotation_position="top left",
        )


def validated_line_chart(
    data: pd.DataFrame,
    *,
    name: str,
    title: str,
    subtitle: str,
    source: str,
    labels: dict[str, str] | None = None,
    y_title: str = "",
    target: Target | None = None,
    log_y: bool = False,
    notes: Sequence[str] = (),
    colours: Mapping[str, str] | None = None,
    dashes: Mapping[str, str] | None = None,
) -> Chart:
    """`line_chart` as it was; `colours` and `dashes` applied afterwards, trace by trace, as
    the explorer's `line_figure` did."""
    labels = labels or {}
    fig = go.Figure()
    any_estimate = False
    for i, (entity, grp) in enumerate(data.groupby("entity", sort=False)):
        grp = grp.sort_values("year")
        colour = colour_for(str(entity), i)
        est = grp["estimate"].astype(bool).to_numpy() if "estimate" in grp else [False] * len(grp)
        any_estimate |= bool(pd.Series(est).any())
        fig.add_trace(
            go.Scatter(
                x=grp["year"],
                y=grp["value"],
                name=escape(labels.get(str(entity), str(entity))),
                mode="lines+markers",
                line={"color": colour, "width": 2.5},
                marker={
                    "size": 6,
                    "color": ["rgba(0,0,0,0)" if e else colour for e in est],
                    "line": {"color": colour, "width": 1.5},
                    "symbol": "circle",
                },
                hovertemplate="%{fullData.name}<br>%{x}: %{y:,.1f}<extra></extra>",
            )
        )
    if target is not None:
        validated_target_line(fig, target)
    fig.update_xaxes(title_text="", dtick=5 if data["year"].nunique() > 12 else 1)
    fig.update_yaxes(
        title_text=y_title,
        type="log" if log_y else "linear",
        rangemode="tozero" if not log_y else None,
    )
    fig.update_layout(hovermode="x unified")
    fig.update_layout(
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 1.0, "yanchor": "bottom"}
    )
    all_notes = [*notes, *([ESTIMATE_NOTE] if any_estimate else [])]
    validated_frame_figure(fig, title=title, subtitle=subtitle, source=source, notes=all_notes)
    if colours:
        by_name = {escape(labels.get(code, code)): code for code in colours}
        for trace in fig.data:
            code = by_name.get(trace.name)
            if code is not None:
                colour = colours[code]
                trace.line.color = colour
                trace.marker.line.color = colour
                trace.marker.color = [
                    c if c == "rgba(0,0,0,0)" else colour for c in trace.marker.color
                ]
                trace.line.dash = (dashes or {})[code]
    return Chart(
        name=name,
        figure=fig,
        data=data.reset_index(drop=True),
        title=title,
        subtitle=subtitle,
        source=source,
        notes=tuple(all_notes),
    )


def _number(value: object) -> str:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)
    if number != number:
        return "no value"
    return f"{number:,.1f}" if abs(number) < 1e6 else f"{number:,.0f}"


def previous_describe(chart: Chart) -> str:
    """`describe` as it was: each series selected from the data in turn."""
    parts = [
        chart.title.rstrip(".") + ".",
        chart.subtitle.rstrip(".") + "." if chart.subtitle else "",
    ]
    data = chart.data
    name = next((c for c in ("entity_name", "name", "series", "entity") if c in data.columns), None)
    if name is not None and {"year", "value"} <= set(data.columns) and len(data):
        rows = data.dropna(subset=["value"]).sort_values([name, "year"], kind="stable")
        series = list(dict.fromkeys(rows[name].astype(str)))
        lines = []
        for label in series[:ALT_SERIES]:
            own = rows[rows[name].astype(str) == label]
            first, last = own.iloc[0], own.iloc[-1]
            if len(own) == 1 or first["year"] == last["year"]:
                lines.append(f"{label} {_number(last['value'])} in {int(last['year'])}")
            else:
                lines.append(
                    f"{label} {_number(first['value'])} in {int(first['year'])} to "
                    f"{_number(last['value'])} in {int(last['year'])}"
                )
        if len(series) > ALT_SERIES:
            lines.append(f"and {len(series) - ALT_SERIES} more series in the data table")
        parts.append("Values: " + "; ".join(lines) + ".")
    return " ".join(p for p in parts if p)
