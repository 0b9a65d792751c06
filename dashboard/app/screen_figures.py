"""Figures as a screen shows them: copies of a chart's figure laid out for any width.

Exports keep the chart's own figure (title, subtitle and source line drawn inside it). On
screen the page writes the title, subtitle and source line as text, which wraps on a phone, so
the copy drawn here has no title and no footer, its legend sits under the plot (clear of the
title and of the toolbar in the top corner), and a grid of panels (small multiples) becomes one
figure per panel, which the page lays out in columns that stack into one column on a phone.

Pure functions on plotly JSON (plain dicts, no Streamlit): the chart's figure is never changed,
and no figure is validated twice (Streamlit validates what it draws).
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from numbers import Real
from typing import Any

import numpy as np

from dashboard.figures.chart import Chart

TOP = 40  # pixels above the plot: room for the chart toolbar in the top corner
PANEL_TOP = 64  # ... and for a panel's title under it
BOTTOM = 48  # pixels under the plot for tick labels (the legend adds its own room)
LEGEND_GAP = 44  # pixels between the plot's bottom and the legend
LEGEND_ROW = 26  # pixels per row of legend entries (assumed for the figure's height)
ABOVE_LINE = 22  # pixels per line of a note written above the plot
MIN_HEIGHT = 260
PANEL_HEIGHT = 300  # plot and panel title of one panel of a grid
X_TICKS = 7  # labels on a numeric x axis at most (plotly rounds the step up: 2010, 2015, ...)
PRINT_WIDTH = 680  # pixels: the printable width of A4 and US Letter pages at 96 dpi, or less
AXIS = re.compile(r"^([xy])axis(\d*)$")


@dataclass(frozen=True)
class ScreenFigure:
    """What the page draws for a chart: one figure, or a grid of panel figures in rows."""

    figures: tuple[dict[str, Any], ...]
    columns: int  # panels per row on a wide screen (1 for a single figure)


def screen_figure(chart: Chart, *, mode: str = "light") -> ScreenFigure:
    """The chart's figure for a screen in display `mode`, as plotly JSON (a copy)."""
    fig = chart.figure if mode == "light" else chart.figure_for(mode)
    spec = _shallow(fig.to_plotly_json())
    layout = spec.setdefault("layout", {})
    panels = panel_domains(layout, spec.get("data", []))
    if len(panels) > 1:
        screen = split_panels(spec, panels)
    else:
        strip_frame(spec)
        screen = ScreenFigure(figures=(spec,), columns=1)
    for number, figure in enumerate(screen.figures, start=1):
        few_ticks(figure)
        # which chart a figure draws (read by tests and the browser journey, never shown)
        meta: dict[str, Any] = {"chart": chart.name, "title": chart.title}
        meta |= {"subtitle": chart.subtitle, "panel": number}
        figure["layout"]["meta"] = meta
    return screen


def _shallow(spec: dict[str, Any]) -> dict[str, Any]:
    """A copy of plotly JSON deep enough to change: new trace and layout dicts (what this module
    replaces), sharing the data arrays, which nothing here changes."""
    return {"data": [dict(t) for t in spec.get("data", [])], "layout": dict(spec.get("layout", {}))}


def strip_frame(spec: dict[str, Any], *, top: int = TOP) -> None:
    """Remove the title and footer (the page writes them as text), put the legend under the
    plot and shrink the height by the room they took."""
    layout = spec.setdefault("layout", {})
    margin = dict(layout.get("margin") or {})
    old_top, old_bottom = int(margin.get("t", 96)), int(margin.get("b", 96))
    layout.pop("title", None)
    layout["annotations"] = [
        a for a in layout.get("annotations", []) or [] if a.get("name") != "footer"
    ]
    above = [  # lines of text the figure writes just above its plot (e.g. a colour key)
        str(a.get("text", "")).count("<br>") + 1
        for a in layout["annotations"]
        if a.get("yref") == "paper" and float(a.get("y", 0)) >= 1 and a.get("yanchor") == "bottom"
    ]
    top += ABOVE_LINE * max(above, default=0)
    margin.update(t=top, b=BOTTOM)
    layout["margin"] = margin
    height = layout.get("height")
    if height:
        plot = int(height) - old_top - old_bottom
        rows = legend_rows(spec)
        layout["height"] = max(MIN_HEIGHT, plot + top + BOTTOM + rows * LEGEND_ROW + LEGEND_GAP)
    legend_below(spec)


def few_ticks(spec: dict[str, Any]) -> None:
    """At most X_TICKS labels on a numeric x axis, so that a phone's narrow plot does not turn
    them on their side into the legend under it (2010, 2015, 2020 rather than every other
    year). An axis that names its ticks (tickvals, a tick mode) or its categories keeps them;
    a fixed step (dtick) is kept when it gives X_TICKS labels or fewer."""
    layout = spec.setdefault("layout", {})
    for key in [k for k in layout if (m := AXIS.match(k)) and m.group(1) == "x"]:
        axis = dict(layout[key] or {})
        named = any(k in axis for k in ("tickvals", "nticks", "tickmode"))
        if named or axis.get("type") in ("category", "multicategory", "date", "log"):
            continue
        name = "x" + key.removeprefix("xaxis")
        xs = [t.get("x") for t in spec.get("data", []) if t.get("xaxis", "x") == name]
        if any(_has_text(x) for x in xs):
            continue  # categories (e.g. fiscal years by name): every label is wanted
        step = axis.get("dtick")
        if step is not None:
            span = _span(axis.get("range"), xs)
            if not isinstance(step, int | float) or span is None or span / step <= X_TICKS:
                continue
            axis.pop("dtick")
        layout[key] = axis | {"nticks": X_TICKS}


def _span(axis_range: Any, values: list[Any]) -> float | None:
    """The width of an axis: its range if set, else that of its numeric values (None if none)."""
    if isinstance(axis_range, list | tuple) and len(axis_range) == 2:
        try:
            return abs(float(axis_range[1]) - float(axis_range[0]))
        except (TypeError, ValueError):
            return None
    numbers: list[float] = []
    for x in values:
        if isinstance(x, dict) and "bdata" in x:  # plotly's packed numbers
            x = np.frombuffer(base64.b64decode(x["bdata"]), dtype=np.dtype(str(x["dtype"])))
        if x is None or isinstance(x, dict | str):
            continue
        numbers += [float(v) for v in list(x) if isinstance(v, Real | np.number) and v == v]
    return max(numbers) - min(numbers) if numbers else None


def _has_text(values: Any) -> bool:
    """Whether plotly values (a list, an array or plotly's packed numbers) hold text."""
    if values is None or isinstance(values, dict):  # packed numbers: {"dtype", "bdata"}
        return False
    try:
        return any(isinstance(v, str) for v in list(values)[:50])
    except TypeError:
        return isinstance(values, str)


def legend_rows(spec: dict[str, Any]) -> int:
    """Rows of legend entries a narrow screen may need (0 when the legend is hidden)."""
    layout = spec.get("layout", {})
    if layout.get("showlegend") is False:
        return 0
    shown = [t for t in spec.get("data", []) if t.get("showlegend", True) and t.get("name")]
    if not shown:
        return 0
    return min(4, 1 + len(shown) // 3)


def legend_below(spec: dict[str, Any]) -> None:
    """A horizontal legend under the plot, left-aligned (plotly wraps it and makes room)."""
    layout = spec.setdefault("layout", {})
    height = int(layout.get("height") or 450)
    margin = layout.get("margin") or {}
    plot = max(100, height - int(margin.get("t", TOP)) - int(margin.get("b", BOTTOM)))
    legend = dict(layout.get("legend") or {})
    legend.pop("yref", None)
    legend.update(
        orientation="h", x=0, xanchor="left", y=-LEGEND_GAP / plot, yanchor="top", yref="paper"
    )
    layout["legend"] = legend


def panel_domains(layout: dict[str, Any], data: list[dict[str, Any]]) -> list[str]:
    """Axis suffixes ('' for x/y, '2' for x2/y2 ...) of the panels that hold a trace, in the
    order of the grid (top row first, left to right); [] for a figure that is no grid."""
    suffixes = [m.group(2) for key in layout if (m := AXIS.match(key)) and m.group(1) == "x"]
    if len(suffixes) < 2:
        return []
    if any("geo" in t or t.get("type") in ("pie", "choropleth") for t in data):
        return []
    used = {str(t.get("xaxis", "x"))[1:] for t in data}

    def place(suffix: str) -> tuple[float, float]:
        x = (layout.get(f"xaxis{suffix}") or {}).get("domain", [0, 1])
        y = (layout.get(f"yaxis{suffix}") or {}).get("domain", [0, 1])
        return (-round(float(y[1]), 3), round(float(x[0]), 3))

    return sorted((s for s in suffixes if s in used), key=place)


def split_panels(spec: dict[str, Any], suffixes: list[str]) -> ScreenFigure:
    """One figure per panel of a grid: its traces, axes, title, target lines and legend."""
    layout = spec["layout"]
    columns = len({round(float(layout[f"xaxis{s}"].get("domain", [0, 1])[0]), 3) for s in suffixes})
    base = {
        k: v
        for k, v in layout.items()
        if not AXIS.match(k) and k not in ("annotations", "shapes", "title", "height", "grid")
    }
    annotations = [a for a in layout.get("annotations", []) or [] if a.get("name") != "footer"]
    shapes = layout.get("shapes", []) or []
    out = []
    for suffix in suffixes:
        x_key, y_key = f"x{suffix}", f"y{suffix}"
        x_axis, y_axis = dict(layout[f"xaxis{suffix}"]), dict(layout.get(f"yaxis{suffix}", {}))
        x_dom, y_dom = x_axis.get("domain", [0, 1]), y_axis.get("domain", [0, 1])
        for axis in (x_axis, y_axis):
            for key in ("domain", "anchor", "matches", "overlaying"):
                axis.pop(key, None)
        traces, seen = [], set()
        for trace in spec.get("data", []):
            if str(trace.get("xaxis", "x")) != x_key:
                continue
            trace = dict(trace, xaxis="x", yaxis="y")
            group = trace.get("legendgroup") or trace.get("name")
            trace["showlegend"] = bool(trace.get("name")) and group not in seen
            seen.add(group)
            traces.append(trace)
        panel_layout = dict(base) | {"xaxis": x_axis, "yaxis": y_axis}
        panel_layout["annotations"] = [
            _moved(a, x_key, y_key)
            for a in annotations
            if _belongs(a, x_key, y_key) or _is_title_of(a, x_dom, y_dom)
        ]
        panel_layout["shapes"] = [
            _moved(s, x_key, y_key) for s in shapes if _belongs(s, x_key, y_key)
        ]
        has_title = any(_is_title_of(a, x_dom, y_dom) for a in annotations)
        panel = {"data": traces, "layout": panel_layout}
        rows = legend_rows(panel)
        panel_layout["height"] = PANEL_HEIGHT + rows * LEGEND_ROW + LEGEND_GAP
        panel_layout["margin"] = dict(
            base.get("margin") or {}, t=PANEL_TOP if has_title else TOP, b=BOTTOM
        )
        legend_below(panel)
        out.append(panel)
    return ScreenFigure(figures=tuple(out), columns=max(1, min(columns, 3)))


def _belongs(item: dict[str, Any], x_key: str, y_key: str) -> bool:
    """A shape or annotation drawn on this panel's axes (e.g. a target line and its label)."""
    xref, yref = str(item.get("xref", "")), str(item.get("yref", ""))
    return xref.split(" ")[0] == x_key or yref.split(" ")[0] == y_key


def _is_title_of(item: dict[str, Any], x_dom: list[float], y_dom: list[float]) -> bool:
    """A subplot title: a paper annotation centred over the panel, just above its top."""
    if item.get("xref") != "paper" or item.get("yref") != "paper":
        return False
    x, y = float(item.get("x", -1)), float(item.get("y", -1))
    return x_dom[0] - 1e-6 <= x <= x_dom[1] + 1e-6 and abs(y - y_dom[1]) < 1e-3


def _moved(item: dict[str, Any], x_key: str, y_key: str) -> dict[str, Any]:
    """The item on the single panel's axes (subplot titles at the top of the plot)."""
    item = dict(item)
    if item.get("xref") == "paper" and item.get("yref") == "paper":
        return item | {"x": 0.0, "xanchor": "left", "y": 1.0, "yanchor": "bottom", "yshift": 8}
    for ref, key, new in (("xref", x_key, "x"), ("yref", y_key, "y")):
        value = str(item.get(ref, ""))
        head, _, tail = value.partition(" ")
        if head == key:
            item[ref] = new + (f" {tail}" if tail else "")
    return item
