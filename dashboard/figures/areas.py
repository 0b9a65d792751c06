"""The challenge areas drawn: the 13-area overview grid and each area's small multiples.

`area_grid` and `area_small_multiples` are figure builders (snapshot, catalogue, options) -> Chart
whose titles state the takeaway computed from the data; the grid draws the summaries of
area_summary.py, the small multiples its world series.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.figures.chart import (
    ESTIMATE_NOTE,
    Chart,
    classification_notes,
    frame_figure,
    pin_header,
    slug,
    source_line,
)
from dashboard.figures.plotly_text import escape, escape_template
from dashboard.formatting import entity_labels, format_value
from dashboard.theme import NEUTRAL_INK, ROLE_COLOURS, STATUS_COLOURS, TARGET_COLOUR, colour_for
from dashboard.views.area_summary import (
    MEASUREMENT,
    AreaSummary,
    IndicatorSummary,
    area_summaries,
    world_series,
)
from dashboard.views.published import published_series
from indicators.catalogue import Area, Catalogue
from indicators.store.snapshot import Snapshot

AREA_GROUPS = {"income": ("WLD", "HIC", "UMC", "LMC", "LIC")}


# --- the overview grid -----------------------------------------------------------------------
def _headline(summary: AreaSummary) -> IndicatorSummary | None:
    """The area's first indicator with a published world value, else its first with data."""
    found = [i for i in summary.indicators if i.latest_year is not None]
    return next((i for i in found if not i.basis.startswith("median")), found[0] if found else None)


def _tile_text(s: AreaSummary) -> str:
    """The lines of one grid tile (escaped; only our own markup)."""
    full = textwrap.shorten(f"{s.area.number}. {s.area.name}", 44, placeholder="…")
    name = "<br>".join(escape(x) for x in textwrap.wrap(full, 22))
    lines = [f"<b>{name}</b>", f"<i>{MEASUREMENT[s.area.status]}</i>"]
    head = _headline(s)
    if head is None:
        lines += ["no indicator in this", "snapshot"]
    else:
        lines.append(escape(textwrap.shorten(head.short_name, 24, placeholder="…")))
        value = escape(head.latest_text.replace(" GNI p.c.", ""))
        median = "median " if head.basis.startswith("median") else ""  # never read as the world
        lines.append(f"{median}<b>{value}</b> ({head.latest_year}) {head.arrow}")
    if s.targets:
        lines.append(
            " ".join(f"<span style='color:{b.colour};font-size:18px'>●</span>" for b in s.targets)
        )
    else:
        lines.append("<span style='font-size:12px'>no target</span>")
    return "<br>".join(lines)


def area_grid(
    snapshot: Snapshot,
    catalogue: Catalogue,
    *,
    baseline: int = 2005,
    summaries: Sequence[AreaSummary] | None = None,
    columns: int = 5,
) -> Chart:
    """All 13 challenge areas as tiles: how well the snapshot measures each, its headline
    indicator (world value, year, trend arrow) and the status of its targets (coloured dots)."""
    sums = list(summaries or area_summaries(snapshot, catalogue, baseline=baseline))
    fig = go.Figure()
    nrows = math.ceil(len(sums) / columns)
    pad = 0.008
    w, h = 1 / columns, 1 / nrows
    for k, s in enumerate(sums):
        col, row = k % columns, k // columns
        x0, y1 = col * w + pad, 1 - row * h - pad * 2
        x1, y0 = (col + 1) * w - pad, 1 - (row + 1) * h + pad * 2
        is_gap = s.area.status == "gap"
        fig.add_shape(
            type="rect", xref="paper", yref="paper", x0=x0, x1=x1, y0=y0, y1=y1,
            line={"color": "#BBBBBB" if is_gap else NEUTRAL_INK, "width": 1.2,
                  "dash": "dot" if s.area.status == "partial" else "solid"},
            fillcolor="rgba(127,127,127,0.12)" if is_gap else "rgba(0,0,0,0)",
        )  # fmt: skip
        fig.add_annotation(
            xref="paper", yref="paper", x=x0 + 0.006, y=y1 - 0.015, xanchor="left",
            yanchor="top", align="left", showarrow=False, text=_tile_text(s),
            font={"size": 12},
        )  # fmt: skip
    data = _grid_data(sums)
    counts = data["measurement"].value_counts()
    unique = {b.target_id: b.status for s in sums for b in s.targets}
    met = sum(1 for v in unique.values() if v in ("achieved", "met"))
    title = (
        f"{counts.get('measured', 0)} of {len(sums)} challenge areas measured, "
        f"{counts.get('partial', 0)} partly, {counts.get('gap', 0)} without an indicator; "
        f"{met} of {len(unique)} targets met"
    )
    legend = "   ".join(
        f"<span style='color:{c};font-size:16px'>●</span> {escape(k)}"
        for k, c in STATUS_COLOURS.items()
    )
    fig.add_annotation(
        xref="paper", yref="paper", x=0, y=1.0, xanchor="left", yanchor="bottom",
        showarrow=False, text="Target status: " + legend, font={"size": 13},
    )  # fmt: skip
    fig.update_xaxes(visible=False, range=[0, 1])
    fig.update_yaxes(visible=False, range=[0, 1])
    fig.update_layout(height=150 * nrows + 280, showlegend=False)
    ids = sorted({sid for s in sums for sid in _ids(snapshot, s)})
    source = source_line(snapshot, catalogue, ids)
    subtitle = "The briefing note's challenge areas; world values, World Bank or ITU"
    notes = [
        "Each tile: how well this snapshot measures the area (dotted frame: partly; grey: no "
        "indicator), its first indicator's world value (or, marked 'median', the median "
        "economy where no world value exists), the five-year "
        "trend arrow, and one dot per target, coloured by its status for the world or the "
        "target's group."
    ]
    frame_figure(fig, title=title, subtitle=subtitle, source=source, notes=notes)
    pin_header(fig, height=150 * nrows + 280, top=124)
    fig.update_layout(margin={"l": 16, "r": 16})
    return Chart("challenge-areas-grid", fig, data, title, subtitle, source, tuple(notes))


def _grid_data(sums: Sequence[AreaSummary]) -> pd.DataFrame:
    records = []
    for s in sums:
        head = _headline(s)
        records.append(
            {
                "area": s.area.id,
                "number": s.area.number,
                "name": s.area.name,
                "measurement": s.area.status,
                "headline_indicator": head.code if head else None,
                "headline_value": head.latest_value if head else np.nan,
                "headline_year": head.latest_year if head else None,
                "headline_basis": head.basis if head else None,
                "trend": head.trend_text if head else None,
                "targets": "; ".join(f"{b.target_id}: {b.status}" for b in s.targets),
                "source": head.source if head else "",
                "vintage": head.vintage if head else "",
            }
        )
    return pd.DataFrame.from_records(records)


def _ids(snapshot: Snapshot, s: AreaSummary) -> set[str]:
    head = _headline(s)
    return set() if head is None else set(snapshot.rows(head.code)["source"].astype(str))


# --- small multiples ---------------------------------------------------------------------------
def panels_of(catalogue: Catalogue, area_id: str) -> list[tuple[str, ...]]:
    """The area's indicators grouped into panels: a breakdown pair (female/male, urban/rural,
    youth/rest) measured in the same area shares a panel."""
    codes = [i.code for i in catalogue.measures(area_id)]
    panels: list[tuple[str, ...]] = []
    used: set[str] = set()
    for code in codes:
        if code in used:
            continue
        ind = catalogue.indicator(code)
        partner = next(
            (
                ind.breakdown(p)
                for r, p in (("female", "male"), ("urban", "rural"), ("youth", "rest"))
                if _role(catalogue, code) == r and ind.breakdown(p) in codes
            ),
            None,
        )
        panel: tuple[str, ...] = (code, partner) if partner else (code,)
        used.update(panel)
        panels.append(panel)
    return panels


def _role(catalogue: Catalogue, code: str) -> str | None:
    """The breakdown role of a code (its total's breakdown that names it)."""
    ind = catalogue.indicator(code)
    total = ind.breakdown("total")
    if total is None:
        return None
    return next((r for r, c in catalogue.indicator(total).breakdowns if c == code), None)


ROLE_LABELS = {"female": "Women", "male": "Men", "urban": "Urban areas", "rural": "Rural areas"}
ROLE_LABELS |= {"youth": "Aged 15-24", "rest": "Rest of the population"}
PAIR_WORDS = {"female": "by sex", "urban": "by area", "youth": "by age"}


def _panel_title(catalogue: Catalogue, panel: tuple[str, ...]) -> str:
    ind = catalogue.indicator(panel[0])
    if len(panel) == 2:
        total = catalogue.indicator(ind.breakdown("total") or panel[0])
        name = f"{total.short_name} {PAIR_WORDS.get(_role(catalogue, panel[0]) or '', '')}"
    else:
        name = ind.short_name
    return f"{name.strip()} ({ind.short_unit})"


def _panel_series(snapshot, catalogue, panel, groups, labels):
    """(label, colour, values, estimate, basis, counts, source_ids) of each line of a panel."""
    out = []
    if groups and len(panel) == 1:
        for i, g in enumerate(groups):
            pub = published_series(snapshot, catalogue, indicator=panel[0], group=g)
            if pub is not None:
                ids = set(snapshot.rows(panel[0]).query("economy == @pub.entity")["source"])
                basis = "published" if pub.producer != "ITU" else "ITU estimate"
                out.append((labels.get(g, g), colour_for(g, i), pub.values, pub.estimate,
                            basis, None, ids))  # fmt: skip
        return out
    for code in panel:
        ws = world_series(snapshot, catalogue, indicator=code)
        if ws.basis in ("no data", "no world value"):
            continue
        role = _role(catalogue, code) if len(panel) == 2 else None
        label = ROLE_LABELS.get(role or "", "World")
        if ws.basis == "median of economies":
            label = f"{label} (median of economies)" if role else "Median of economies"
        elif ws.basis == "world (computed)":
            label = f"{label} (computed)"
        colour = ROLE_COLOURS.get(role or "", NEUTRAL_INK)
        out.append((label, colour, ws.values, ws.estimate, ws.basis, ws.counts,
                    set(ws.source_ids)))  # fmt: skip
    return out


def area_small_multiples(
    snapshot: Snapshot,
    catalogue: Catalogue,
    *,
    area_id: str,
    groups: Sequence[str] | None = None,
    start: int = 2005,
    columns: int = 3,
) -> Chart | None:
    """Small multiples of an area's indicators since `start`: the world series (World Bank row,
    ITU estimate or median of economies), breakdown pairs in one panel, value targets dashed.
    With `groups` (default for the income area: world and income groups) single-series panels
    show each group's published series. None for an area without indicators."""
    panels = panels_of(catalogue, area_id)
    if not panels:
        return None
    groups = groups if groups is not None else AREA_GROUPS.get(area_id)
    labels = entity_labels(snapshot)
    ncols = min(columns, len(panels))
    nrows = math.ceil(len(panels) / ncols)
    titles = [_panel_title(catalogue, p) for p in panels]
    fig = make_subplots(
        rows=nrows,
        cols=ncols,
        subplot_titles=titles,
        horizontal_spacing=0.07,
        vertical_spacing=min(0.12, 0.5 / nrows),
    )
    records, shown, notes_needed = [], set(), set()
    for k, panel in enumerate(panels):
        r, c = k // ncols + 1, k % ncols + 1
        for label, colour, values, estimate, basis, counts, ids in _panel_series(
            snapshot, catalogue, panel, groups, labels
        ):
            keep = values.index >= start
            v, e = values[keep], estimate.reindex(values.index[keep]).fillna(False).astype(bool)
            if v.empty:
                continue
            dash = "dot" if basis in ("median of economies", "world (computed)") else "solid"
            fig.add_trace(
                go.Scatter(
                    x=v.index, y=v.values, mode="lines+markers", name=escape(label), legendgroup=label,
                    showlegend=label not in shown,
                    line={"color": colour, "width": 2, "dash": dash},
                    marker={"size": 5, "color": ["rgba(0,0,0,0)" if x else colour for x in e],
                            "line": {"color": colour, "width": 1.5}},
                    hovertemplate=f"{escape_template(label)}<br>%{{x}}: %{{y:,.1f}}<extra></extra>",
                ),
                row=r, col=c,
            )  # fmt: skip
            shown.add(label)
            notes_needed |= {basis} | ({"estimate"} if e.any() else set())
            records.append(
                pd.DataFrame(
                    {
                        "panel": k + 1,
                        "indicator": panel[0] if len(panel) == 1 else None,
                        "series": label,
                        "basis": basis,
                        "year": v.index.astype(int),
                        "value": v.to_numpy(float),
                        "estimate": e.to_numpy(bool),
                        "n_economies": counts.reindex(v.index).to_numpy()
                        if counts is not None
                        else np.nan,
                        "source": "; ".join(sorted(ids)),
                    }
                )
            )
        for t in catalogue.indicator(panel[0]).targets:
            if t.metric == "value" and t.scope in ("each", "WLD"):
                fig.add_hline(
                    y=t.value, line={"dash": "dash", "color": TARGET_COLOUR, "width": 1.2},
                    annotation_text=f"{t.year} target", annotation_position="top left",
                    annotation_font={"size": 10, "color": TARGET_COLOUR}, row=r, col=c,
                )  # fmt: skip
                notes_needed.add("target")
    if not records:
        return None
    data = pd.concat(records, ignore_index=True)
    data["indicator"] = data["indicator"].fillna(
        data["panel"].map(lambda k: "/".join(panels[k - 1]))
    )
    data["vintage"] = data["source"].map(lambda ids: _vintages(snapshot, ids))
    height = 250 * nrows + 260
    fig.update_yaxes(rangemode="tozero")
    fig.update_xaxes(dtick=5, range=[start - 0.5, int(data["year"].max()) + 0.5])
    fig.for_each_annotation(lambda a: a.update(font_size=13) if a.text in titles else None)
    area = catalogue.area(area_id)
    title = _multiples_title(catalogue, area, data)
    subtitle = f"{area.number}. {area.name}: indicators since {start}"
    notes = []
    if "median of economies" in notes_needed:
        notes.append(
            "Dotted lines marked 'median': the median economy (prices are summarised by their "
            "median; no world value is published), in years where at least half as many "
            "economies report as in the best-covered year."
        )
    if "world (computed)" in notes_needed:
        notes.append(
            "Dotted lines marked 'computed': world values computed here from economy values by "
            "the World Bank rule (population-weighted; only in years where the reporting "
            "economies hold two-thirds of the population)."
        )
    if "target" in notes_needed:
        notes.append("Dashed grey lines: targets for the world.")
    if "estimate" in notes_needed:
        notes.append(ESTIMATE_NOTE)
    notes += classification_notes(snapshot, groups or ())
    source = source_line(
        snapshot, catalogue, sorted({i for x in data["source"] for i in x.split("; ")})
    )
    frame_figure(fig, title=title, subtitle=subtitle, source=source, notes=notes)
    pin_header(fig, height=height)
    return Chart(slug(f"area-{area_id}"), fig, data, title, subtitle, source, tuple(notes))


def _vintages(snapshot: Snapshot, ids: str) -> str:
    out = []
    for sid in ids.split("; "):
        try:
            out.append(snapshot.source(sid).vintage)
        except Exception:
            out.append("")
    return "; ".join(v for v in out if v)


def _multiples_title(catalogue: Catalogue, area: Area, data: pd.DataFrame) -> str:
    """The takeaway of the first panel drawn from a published series (else the first panel):
    a pair's two latest values, or a single series' move since its first year."""
    pub = data[data["basis"] != "median of economies"]
    panel = int((pub if len(pub) else data)["panel"].iloc[0])
    sub = data[data["panel"] == panel].sort_values("year")
    code = sub["indicator"].iloc[0].split("/")[0]
    ind = catalogue.indicator(code)
    lines = list(dict.fromkeys(sub["series"]))
    if "/" in sub["indicator"].iloc[0] and len(lines) == 2:
        a, b = (sub[sub["series"] == x].iloc[-1] for x in lines)
        total = catalogue.indicator(ind.breakdown("total") or code).short_name
        return (
            f"{area.name}: {total.replace(' (ITU)', '')}, {lines[0].lower()} "
            f"{format_value(a['value'], ind)} vs {lines[1].lower()} "
            f"{format_value(b['value'], ind)} in {int(a['year'])}"
        )
    first = sub[sub["series"] == lines[0]]
    v0, v1 = first.iloc[0], first.iloc[-1]
    verb = "rose" if v1["value"] > v0["value"] else "fell" if v1["value"] < v0["value"] else "held"
    who = (
        f"world {ind.short_name}"
        if lines[0] == "World"
        else f"{ind.short_name} ({lines[0].lower()})"
    )
    return (
        f"{area.name}: {who} {verb} from "
        f"{format_value(v0['value'], ind)} in {int(v0['year'])} to "
        f"{format_value(v1['value'], ind)} in {int(v1['year'])}"
    )
