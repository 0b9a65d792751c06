"""Chart anatomy shared by every figure builder, on screen and in exports.

A `Chart` is a complete plotly figure (title, subtitle with the unit, the plot, a footer with the
source line and vintage and any marks explained) together with exactly the data it plots, so that
the CSV export and the picture always agree. Builders produce light-mode figures; the page
re-colours them for a dark screen with `Chart.figure_for(mode)`, exports always use light mode on
an opaque background.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from _plotly_utils.basevalidators import copy_to_readonly_numpy_array

from dashboard.figures.plotly_text import escape
from dashboard.theme import LIGHT, NEUTRAL_INK, TARGET_COLOUR, Mode, colour_for, mode
from indicators.catalogue import Catalogue, Target
from indicators.narrative.claims import classification_of
from indicators.store.snapshot import Snapshot

FOOTER_WRAP = 120  # characters per footer line (fits a 16:9 slide and a wide screen)
TITLE_SIZE = 20
SUBTITLE_SIZE = 14
FOOTER_SIZE = 11
TITLE_WRAP = 95  # characters per title line on screen (exports re-wrap to their width)
SUBTITLE_WRAP = 130
TITLE_LINE = 26  # pixels per extra title line
SUBTITLE_LINE = 19
HEADER_PAD = 14  # pixels between the figure's top-left corner and the title
HEADER_HEIGHT = 96  # top margin for a one-line title, a one-line subtitle and a top legend
LEGEND_BAND = 64  # legend row plus the room subplot titles need under it (pin_header)
ESTIMATE_NOTE = (
    "Hollow markers: estimates (the producer's, or group values that most members did not report)."
)
SUBSTITUTED_NOTE = "Diamonds: baseline taken from the nearest year with data (see table)."


@dataclass(frozen=True)
class Chart:
    """A finished figure with its title, subtitle, source line, notes and plotted data."""

    name: str  # slug used for file names
    figure: go.Figure
    data: pd.DataFrame  # exactly what is plotted, tidy, with source and vintage columns
    title: str
    subtitle: str
    source: str
    notes: tuple[str, ...] = field(default_factory=tuple)
    alt: str = ""  # the builder's own text alternative; `alt_text` describes the data otherwise
    # the data described (`describe`) once, when the chart is made, so that a page showing a
    # cached chart does not read its data again on every run
    described: str = field(init=False, default="", repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.alt:
            object.__setattr__(self, "described", describe(self))

    @property
    def alt_text(self) -> str:
        """A text alternative stating what the chart shows and its key numbers (for screen
        readers, slide alt text and the page's data description)."""
        return self.alt or self.described

    def figure_for(self, mode_name: str | None) -> go.Figure:
        """A copy of the figure coloured for a display mode ('light' or 'dark')."""
        fig = go.Figure(self.figure)
        return apply_mode(fig, mode(mode_name))

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle (as the app's cache keeps results) with the figure as its plain dictionary,
        rebuilt without plotly's validation: it was validated when first built, and validating
        again was most of the cost of handing a cached chart to a page (benchmarks/RESULTS.md,
        server CPU per visit)."""
        state = {f.name: getattr(self, f.name) for f in fields(self)}
        state["figure"] = self.figure.to_dict()
        return (rebuilt_chart, (state,))


def rebuilt_chart(state: dict[str, Any]) -> Chart:
    """A Chart from its pickled state (`Chart.__reduce__`); copies made from its figure
    (`figure_for`, exports) are validated as usual."""
    chart = object.__new__(Chart)  # the state is complete: nothing to describe again
    for name, value in {**state, "figure": trusted_figure(state["figure"])}.items():
        object.__setattr__(chart, name, value)
    return chart


def trusted_figure(spec: dict[str, Any]) -> go.Figure:
    """A Figure from plotly JSON that this project made from a validated figure (a cached chart,
    a screen copy), without plotly validating it again: validation costs about ten times the
    build (5-7 ms a chart) and would run on every page run."""
    return go.Figure(spec, _validate=False)


class PlotlyJson(go.Figure):
    """Plotly JSON this project made from a validated figure (a screen copy), handed to
    Streamlit as a figure without plotly building one.

    Streamlit asks a figure for its dictionary (`to_dict`) and writes that as JSON; for a
    dictionary itself it would validate it. Building a Figure (`trusted_figure`) and copying
    it back cost about 0.9 ms a chart on every run, writing this one 0.07 ms (benchmarks/
    RESULTS.md, server CPU per visit). For drawing only: it holds no plotly objects, so
    anything but `to_dict` (`.data`, `.layout`, `update_layout`, ...) is not for it.
    """

    def __init__(self, spec: dict[str, Any]) -> None:  # plotly's own __init__ is skipped
        self._spec = spec

    def to_dict(self) -> dict[str, Any]:
        """The plotly JSON itself (not a copy: Streamlit only writes it out)."""
        return self._spec


ALT_SERIES = 6  # series named one by one in a generic text alternative


def _number(value: object) -> str:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)
    if number != number:
        return "no value"
    return f"{number:,.1f}" if abs(number) < 1e6 else f"{number:,.0f}"


def describe(chart: Chart) -> str:
    """A generic text alternative built from the chart's own data: the title (which states the
    takeaway), the subtitle, then each series' first and last value with their years.

    Series are read from the data's name column (entity_name, name, series or entity), years
    from `year` and values from `value`; a chart without these is described by its title.
    """
    parts = [
        chart.title.rstrip(".") + ".",
        chart.subtitle.rstrip(".") + "." if chart.subtitle else "",
    ]
    data = chart.data
    name = next((c for c in ("entity_name", "name", "series", "entity") if c in data.columns), None)
    if name is not None and {"year", "value"} <= set(data.columns) and len(data):
        labels, years, values = series_points(data, name)
        ends: dict[str, list[int]] = {}  # series -> positions of its first and last rows
        for position, label in enumerate(labels):
            ends.setdefault(label, [position, position])[1] = position
        series = list(ends)
        lines = []
        for label in series[:ALT_SERIES]:
            first, last = ends[label]
            if first == last or years[first] == years[last]:
                lines.append(f"{label} {_number(values[last])} in {int(years[last])}")
            else:
                lines.append(
                    f"{label} {_number(values[first])} in {int(years[first])} to "
                    f"{_number(values[last])} in {int(years[last])}"
                )
        if len(series) > ALT_SERIES:
            lines.append(f"and {len(series) - ALT_SERIES} more series in the data table")
        parts.append("Values: " + "; ".join(lines) + ".")
    return " ".join(p for p in parts if p)


def series_points(data: pd.DataFrame, name: str) -> tuple[list[str], list[Any], list[Any]]:
    """The (series name, year, value) of every row with a value, by series name then year
    (stable): what `describe` reads the ends of each series from.

    A tidy table (names all text, whole-number years, float values) is sorted on its numpy
    arrays; any other table through pandas, as it always was (`describe` runs for every chart
    made, so the common case is kept cheap).
    """
    year, value = data["year"].to_numpy(), data["value"].to_numpy()
    names = data[name].to_numpy(dtype=object)
    if year.dtype.kind in "iu" and value.dtype.kind == "f" and all(type(n) is str for n in names):
        keep = ~np.isnan(value)
        names, year, value = names[keep], year[keep], value[keep]
        ranks = np.unique(names, return_inverse=True)[1]  # names' places in sorted order
        order = np.lexsort((year, ranks))  # stable, as pandas sorts by several columns
        return names[order].tolist(), year[order].tolist(), value[order].tolist()
    rows = data[[name, "year", "value"]].dropna(subset=["value"])
    rows = rows.sort_values([name, "year"], kind="stable")
    return rows[name].astype(str).tolist(), rows["year"].tolist(), rows["value"].tolist()


def slug(text: str) -> str:
    """A file-name-safe slug of a title."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80].strip("-") or "chart"


def wrap(text: str, width: int = FOOTER_WRAP) -> list[str]:
    """Wrap text into lines for a plotly annotation (plotly does not wrap by itself)."""
    return textwrap.wrap(" ".join(text.split()), width=width) or [""]


def footer_lines(source: str, notes: Sequence[str]) -> list[str]:
    lines = wrap(source)
    for note in notes:
        lines += wrap(note)
    return lines


def header_text(title: str, subtitle: str) -> tuple[str, int]:
    """Title and subtitle as plotly pseudo-HTML, wrapped; and how many lines they take."""
    title_lines = wrap(title, TITLE_WRAP)
    sub_lines = wrap(subtitle, SUBTITLE_WRAP) if subtitle else []
    parts = [f"<b>{escape(line)}</b>" for line in title_lines]
    parts += [
        f"<span style='font-size:{SUBTITLE_SIZE}px'>{escape(line)}</span>" for line in sub_lines
    ]
    extra = TITLE_LINE * (len(title_lines) - 1) + SUBTITLE_LINE * max(len(sub_lines) - 1, 0)
    return "<br>".join(parts), extra


def header_block(fig: go.Figure) -> int:
    """Pixels from the figure's top to the bottom of its framed title and subtitle."""
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    return int(meta.get("header", HEADER_HEIGHT - 30))


def frame_parts(
    *, title: str, subtitle: str, source: str, notes: Sequence[str] = (), m: Mode = LIGHT
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The common anatomy as plotly JSON: (the layout's template name, title, margin and meta;
    the footer annotation), for `frame_figure` and for figures built as JSON (`line_chart`).

    Keys are in the order plotly keeps them after validation, so a figure built from these
    parts writes the same JSON as one framed by `frame_figure`.
    """
    lines = footer_lines(source, notes)
    text, extra = header_text(title, subtitle)
    layout = {
        "template": f"wsis_{m.name}",
        "title": {
            "pad": {"t": HEADER_PAD, "l": HEADER_PAD},
            "font": {"size": TITLE_SIZE},
            "text": text,
            "x": 0.0,
            "xanchor": "left",
            "xref": "container",
            "y": 1.0,
            "yanchor": "top",
            "yref": "container",
        },
        "margin": {"t": HEADER_HEIGHT + extra, "b": 70 + 16 * len(lines), "l": 64, "r": 24},
        "meta": {"anatomy": True, "header": HEADER_HEIGHT - 30 + extra},
    }
    footer = {
        "align": "left",
        "font": {"color": m.muted, "size": FOOTER_SIZE},
        "name": "footer",
        "showarrow": False,
        "text": "<br>".join(escape(line) for line in lines),
        "x": 0.0,
        "xanchor": "left",
        "xref": "paper",
        "y": 0.0,
        "yanchor": "top",
        "yref": "paper",
        "yshift": -56,
    }
    return layout, footer


def frame_figure(
    fig: go.Figure,
    *,
    title: str,
    subtitle: str,
    source: str,
    notes: Sequence[str] = (),
    m: Mode = LIGHT,
) -> go.Figure:
    """Give a figure the common anatomy: title, subtitle, footer with source and notes.

    The header sits a fixed number of pixels from the top-left corner of the figure (not a share
    of its height, which would drift on tall figures), wrapped over as many lines as it needs;
    the top margin grows with it. `layout.meta["anatomy"]` marks the figure as framed.
    """
    layout, footer = frame_parts(title=title, subtitle=subtitle, source=source, notes=notes, m=m)
    fig.update_layout(layout)
    fig.add_annotation(footer)
    return fig


LEGEND_ON_TOP = {"orientation": "h", "x": 0, "xanchor": "left", "y": 1.0, "yanchor": "bottom"}


def legend_on_top(fig: go.Figure) -> None:
    """A horizontal legend just above the plot area, under the subtitle (clear of the footer)."""
    fig.update_layout(legend=dict(LEGEND_ON_TOP))


def pin_header(fig: go.Figure, *, height: int, top: int | None = None) -> None:
    """Lay out a tall figure or small multiples: fixed height, a horizontal legend in pixels just
    under the header (above any subplot titles), the plot area below both (at least `top` px)."""
    block = header_block(fig)
    fig.update_layout(
        height=height,
        legend={
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "yref": "container",
            "y": 1 - (block + 4) / height,
            "yanchor": "top",
        },
        margin={"t": max(block + LEGEND_BAND, top or 0)},
    )


def apply_mode(fig: go.Figure, m: Mode) -> go.Figure:
    """Re-colour a framed figure for another display mode (template, footer, neutral inks).

    The near-black ink of the world series and the grey of targets would vanish on a dark
    background, so they are swapped for the mode's text and muted colours.
    """
    fig.update_layout(
        template=f"wsis_{m.name}", paper_bgcolor=m.background, plot_bgcolor=m.background
    )
    fig.update_layout(font={"color": m.text})
    swap = {NEUTRAL_INK: m.text, TARGET_COLOUR: m.muted} if m.name == "dark" else {}
    for trace in fig.data:
        _swap_colours(trace, swap)
    for shape in fig.layout.shapes:
        if shape.line.color in swap:
            shape.line.color = swap[shape.line.color]
    for ann in fig.layout.annotations:
        if ann.name == "footer" or ann.font.color in swap:
            ann.font.color = m.muted
    return fig


def _swap_colours(trace: go.Scatter, swap: dict[str, str]) -> None:
    """Replace swapped colours in a trace's line and markers (lists of colours included)."""
    if not swap:
        return
    line = getattr(trace, "line", None)
    if line is not None and hasattr(line, "color"):
        line.color = _swapped(line.color, swap)
    marker = getattr(trace, "marker", None)
    if marker is None or not hasattr(marker, "color"):  # e.g. a choropleth's marker has no colour
        return
    marker.color = _swapped(marker.color, swap)
    if marker.line is not None:
        marker.line.color = _swapped(marker.line.color, swap)


def _swapped(colour: object, swap: dict[str, str]) -> object:
    """A colour, or a list or array of colours, with swapped colours replaced; numbers (a
    colour scale's values) and None are left as they are."""
    if colour is None:
        return None
    if isinstance(colour, str):
        return swap.get(colour, colour)
    if isinstance(colour, tuple | list | np.ndarray):
        return [swap.get(c, c) if isinstance(c, str) else c for c in colour]
    return colour


def source_line(snapshot: Snapshot, catalogue: Catalogue, source_ids: Iterable[str]) -> str:
    """'Source: ...' naming each producer once with the releases and reference files used from
    it and its licence, in a stable order, and any newer edition the snapshot does not hold."""
    by_producer: dict[str, list[str]] = {}
    licences: dict[str, set[str]] = {}
    newer: list[str] = []
    ids = {part.strip() for s in source_ids for part in str(s).split(";") if part.strip()}
    for sid in sorted(ids - {"nan", "None"}):
        producer, label, licence = cited_as(snapshot, catalogue, sid)
        edition = _edition_note(snapshot, sid)
        if edition and edition not in newer:
            newer.append(edition)
        if label not in by_producer.setdefault(producer, []):
            by_producer[producer].append(label)
        if licence.startswith("CC"):
            licences.setdefault(producer, set()).add(licence)
    if not by_producer:
        return "Source: not stated."
    parts = []
    for producer, labels in by_producer.items():
        text = f"{producer}, {'; '.join(labels)}" if producer else "; ".join(labels)
        parts.append(text + "".join(f" ({lic})" for lic in sorted(licences.get(producer, ()))))
    return " ".join(["Source: " + "; ".join(parts) + ".", *newer])


def _edition_note(snapshot: Snapshot, sid: str) -> str:
    try:
        return snapshot.source(sid).edition_note
    except Exception:
        return ""


def cited_as(snapshot: Snapshot, catalogue: Catalogue, sid: str) -> tuple[str, str, str]:
    """(producer, label, licence) of a source id or a reference file id; an id the snapshot
    does not hold is cited as it is, never dropped."""
    try:
        src = snapshot.source(sid)
    except Exception:
        ref = snapshot.reference(sid)
        if ref is None:
            return "", sid, ""
        try:
            dataset = catalogue.dataset(ref.dataset)
        except Exception:
            return "", ref.title, ""
        return dataset.attribution, ref.title, dataset.licence
    try:
        dataset = catalogue.dataset(src.dataset)
        return dataset.attribution, src.label, dataset.licence
    except Exception:
        return src.attribution, src.label, src.licence


def classification_notes(snapshot: Snapshot, codes: Iterable[object]) -> list[str]:
    """One note per income classification the drawn income groups use (none without groups).

    Every statement about income groups names its classification: today's groups applied to
    every year (World Bank aggregates) or the groups ITU used for its edition.
    """
    kinds = snapshot.entity_index["kind"].astype(str)
    found: dict[str, set[str]] = {}
    for code in dict.fromkeys(str(c) for c in codes):
        text = classification_of(snapshot, code)
        if text:
            found.setdefault(text, set()).add(kinds.get(code, ""))
    if len(found) < 2:
        return [f"Income groups: {text}." for text in found]
    # two classifications on one chart: say which lines use which
    whose = {"itu_aggregate": "ITU's estimates", "wb_aggregate": "World Bank and computed figures"}
    return [
        f"Income groups of {' and '.join(sorted(whose.get(k, 'the other lines') for k in ks))}: "
        f"{text}."
        for text, ks in found.items()
    ]


def target_parts(target: Target, *, label: str | None = None) -> list[tuple[dict, dict]]:
    """A target as plotly JSON: (dashed horizontal line, its label) for its value, and for its
    upper value if it is a range; keys in the order plotly keeps them (`add_hline`)."""
    text = escape(label or f"Target: {target.label}")
    values = [target.value] if target.upper is None else [target.value, target.upper]
    return [
        (
            {
                "line": {"color": TARGET_COLOUR, "dash": "dash", "width": 1.5},
                "type": "line",
                "x0": 0,
                "x1": 1,
                "xref": "x domain",
                "y0": value,
                "y1": value,
                "yref": "y",
            },
            {
                "font": {"color": TARGET_COLOUR, "size": 12},
                "showarrow": False,
                "text": text,
                "x": 0,
                "xanchor": "left",
                "xref": "x domain",
                "y": value,
                "yanchor": "bottom",
                "yref": "y",
            },
        )
        for value in values
    ]


def line_chart(
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
    """Lines over time, one per entity; producer estimates drawn with hollow markers.

    `data` columns: entity, year, value, estimate (bool), source, vintage (others kept for the
    CSV). `labels` maps entity codes to display names; `colours` and `dashes` give entities
    another colour than their own (`theme.colour_for`) and a dash.

    The figure is written as plotly JSON and wrapped without plotly's validation
    (`trusted_figure`): building it through plotly's validated API was most of the server's
    cost of a new explorer view (benchmarks/RESULTS.md, server CPU per visit). Its values are
    those plotly's validation makes (arrays as read-only numpy arrays, keys in plotly's order):
    tests/test_charts.py checks that the JSON is byte for byte what the validated API writes.
    """
    labels, colours, dashes = labels or {}, colours or {}, dashes or {}
    traces: list[dict[str, Any]] = []
    any_estimate = False
    years, values = column_values(data["year"]), column_values(data["value"])
    estimates = data["estimate"].astype(bool).to_numpy() if "estimate" in data else None
    for i, (entity, rows) in enumerate(lines_rows(data)):
        code = str(entity)
        colour = colours.get(code) or colour_for(code, i)
        est = estimates[rows] if estimates is not None else [False] * len(rows)
        any_estimate |= bool(np.any(est))
        line: dict[str, Any] = {"color": colour, "width": 2.5}
        if code in dashes:
            line["dash"] = dashes[code]
        traces.append(
            {
                "hovertemplate": "%{fullData.name}<br>%{x}: %{y:,.1f}<extra></extra>",
                "line": line,
                "marker": {
                    "color": ["rgba(0,0,0,0)" if e else colour for e in est],
                    "line": {"color": colour, "width": 1.5},
                    "size": 6,
                    "symbol": "circle",
                },
                "mode": "lines+markers",
                "name": escape(labels.get(code, code)),
                "x": plotly_array(taken(years, rows)),
                "y": plotly_array(taken(values, rows)),
                "type": "scatter",
            }
        )
    all_notes = [*notes, *([ESTIMATE_NOTE] if any_estimate else [])]
    frame, footer = frame_parts(title=title, subtitle=subtitle, source=source, notes=all_notes)
    layout: dict[str, Any] = {"template": template_json(frame.pop("template"))}
    if target is not None:
        parts = target_parts(target)
        layout["shapes"] = [shape for shape, _ in parts]
        layout["annotations"] = [annotation for _, annotation in parts]
    layout["xaxis"] = {"title": {"text": ""}, "dtick": 5 if data["year"].nunique() > 12 else 1}
    layout["yaxis"] = {"title": {"text": y_title}, "type": "log" if log_y else "linear"}
    if not log_y:
        layout["yaxis"]["rangemode"] = "tozero"
    layout |= {"hovermode": "x unified", "legend": dict(LEGEND_ON_TOP), **frame}
    layout["annotations"] = [*layout.get("annotations", []), footer]
    return Chart(
        name=name,
        figure=trusted_figure({"data": traces, "layout": layout}),
        data=data.reset_index(drop=True),
        title=title,
        subtitle=subtitle,
        source=source,
        notes=tuple(all_notes),
    )


def lines_rows(data: pd.DataFrame) -> list[tuple[Any, np.ndarray]]:
    """Each entity of a lines table with the positions of its rows by year, entities in the
    order they first appear: what grouping by entity (`groupby(sort=False)`, which leaves out
    rows without an entity) then sorting each group by year (`sort_values`) gives, from one
    factorisation of the whole column instead of a table per entity."""
    codes, entities = pd.factorize(data["entity"])
    order = np.argsort(codes, kind="stable")  # each entity's rows in the table's order
    bounds = np.searchsorted(codes[order], np.arange(len(entities) + 1))
    years = column_values(data["year"])
    out = []
    for i, entity in enumerate(entities):
        rows = order[bounds[i] : bounds[i + 1]]
        out.append((entity, rows[year_order(taken(years, rows))]))
    return out


def column_values(column: pd.Series) -> np.ndarray | pd.Series:
    """A column's numpy array when its type is a numpy one (reading positions from it is then
    cheap), else the column itself (an extension array keeps its own conversions)."""
    return column.to_numpy() if isinstance(column.dtype, np.dtype) else column


def taken(values: np.ndarray | pd.Series, rows: np.ndarray) -> np.ndarray | pd.Series:
    """The values at positions `rows`, of the same kind as `values` (`column_values`)."""
    return values[rows] if isinstance(values, np.ndarray) else values.iloc[rows]


def year_order(years: np.ndarray | pd.Series) -> np.ndarray:
    """Positions that sort `years` as pandas' `sort_values` does (its quicksort, missing years
    last), so that lines drawn from positions keep the order they always had."""
    if not isinstance(years, np.ndarray):
        return np.asarray(years.reset_index(drop=True).sort_values().index, dtype=np.intp)
    missing = np.asarray(pd.isna(years), dtype=bool)
    present = np.flatnonzero(~missing)
    return np.concatenate(
        [present[years[present].argsort(kind="quicksort")], np.flatnonzero(missing)]
    )


def plotly_array(values: pd.Series | Sequence[Any]) -> np.ndarray:
    """Values as plotly's validation stores a data array (a read-only numpy copy), for figures
    written as plotly JSON. A numeric numpy array is copied here as plotly copies it (a
    contiguous copy), without its search for a dataframe library (most of its cost)."""
    if type(values) is np.ndarray and values.dtype.kind in "uif":
        out = np.ascontiguousarray(values.copy())
        out.flags.writeable = False
        return out
    return copy_to_readonly_numpy_array(values)


def template_json(name: str) -> dict[str, Any]:
    """A registered plotly template (`theme`) as plotly JSON, as validation expands its name."""
    spec: dict[str, Any] = pio.templates[name].to_plotly_json()
    return spec
