"""Figures of the economy profile: every indicator against the income group and region, the
distance to each target, and the income-group history (OGHIST, FY89-FY26).

Builders are pure functions (snapshot, catalogue, options) -> Chart with computed titles; also
`profile_options` (the choices of the economy picker) and `target_table` (distance to targets).
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from functools import partial

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
from dashboard.theme import ENTITY_COLOURS, NEUTRAL_INK, OKABE_ITO, STATUS_COLOURS, TARGET_COLOUR
from dashboard.views.cards import INTERNET
from dashboard.views.published import published_series
from indicators.analytics.groups import income_history_of
from indicators.analytics.targets import target_status
from indicators.catalogue import Catalogue, Indicator
from indicators.errors import AnalysisError, UnknownCodeError
from indicators.store.descriptor import ReferenceEntry
from indicators.store.snapshot import Snapshot

ECONOMY_COLOUR = OKABE_ITO["blue"]
REGION_COLOUR = OKABE_ITO["reddish_purple"]
CONTEXT_CODES = ("NY.GNP.PCAP.CD", "EG.ELC.ACCS.ZS", "SE.ADT.LITR.ZS")
GROUP_NAMES = {"LIC": "Low income", "LMC": "Lower middle income"}
GROUP_NAMES |= {"UMC": "Upper middle income", "HIC": "High income"}
HISTORY_COLOURS = {k: ENTITY_COLOURS[k] for k in ("LIC", "LMC", "UMC", "HIC")}


def comparators(snapshot: Snapshot, entity: str) -> list[tuple[str, str]]:
    """(code, role) of the lines drawn with an entity: itself, then its income group and region
    (economies) or the world (groups)."""
    idx = snapshot.entity_index
    if entity not in idx.index:
        raise UnknownCodeError("economy or group", entity, known=list(idx.index))
    row = idx.loc[entity]
    out = [(entity, "selected")]
    if row["kind"] == "economy":
        for code, role in ((row["income_group"], "income group"), (row["region"], "region")):
            if isinstance(code, str) and code:
                out.append((code, role))
    elif entity != "WLD":
        out.append(("WLD", "world"))
    return out


def profile_indicators(
    snapshot: Snapshot, catalogue: Catalogue, *, entity: str, start: int = 2005
) -> list[Indicator]:
    """Indicators with a value for the entity since `start`: the measures of any area (primary
    series; an ITU duplicate only where the primary has no value) and a few context series."""

    def has(code: str) -> bool:
        wide = snapshot.wide(code)
        if entity in wide.index:
            row = wide.loc[entity]
            return bool(row[row.index >= start].notna().any())
        pub = published_series(snapshot, catalogue, indicator=code, group=entity)
        return pub is not None and bool((pub.values.index >= start).any())

    wanted = [i for i in catalogue.indicators if i.areas or i.code in CONTEXT_CODES]
    out = [i for i in wanted if i.primary and has(i.code)]
    shown = {i.code for i in out}
    out += [
        i for i in wanted
        if not i.primary and i.same_concept_as not in shown and has(i.code)
    ]  # fmt: skip
    return out


# Sections of the profile: challenge areas grouped so that each chart stays readable and few
# charts are drawn (each plotly chart has a fixed cost in the browser).
PROFILE_SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Access, connectivity quality and devices", ("access", "quality", "devices")),
    ("Affordability", ("affordability",)),
    ("Inequalities", ("gender", "age", "geography", "income")),
    ("Security and trust", ("trust", "ai", "environment", "governance", "skills")),
)


def profile_sections(
    snapshot: Snapshot, catalogue: Catalogue, *, entity: str, start: int = 2005
) -> list[tuple[str, tuple[str, ...]]]:
    """The profile's indicators in reading order, grouped by the first challenge area each
    measures (PROFILE_SECTIONS; context series last): (section label, indicator codes), empty
    sections left out."""
    inds = profile_indicators(snapshot, catalogue, entity=entity, start=start)
    sections: list[tuple[str, tuple[str, ...]]] = []
    for label, area_ids in PROFILE_SECTIONS:
        codes = tuple(i.code for i in inds if i.areas and i.areas[0] in area_ids)
        if codes:
            sections.append((label, codes))
    context = tuple(i.code for i in inds if not i.areas)
    if context:
        sections.append(("Context", context))
    return sections


def _series(snapshot: Snapshot, catalogue: Catalogue, code: str, entity: str):
    """(values, estimate, source ids, entity used) of an entity's published series, or None."""
    pub = published_series(snapshot, catalogue, indicator=code, group=entity)
    if pub is None:
        return None
    rows = snapshot.rows(code)
    ids = sorted(set(rows.loc[rows["economy"] == pub.entity, "source"].astype(str)))
    return pub.values, pub.estimate, ids, pub.entity


def profile_small_multiples(
    snapshot: Snapshot,
    catalogue: Catalogue,
    *,
    entity: str,
    start: int = 2005,
    columns: int = 3,
    codes: Sequence[str] | None = None,
) -> Chart:
    """One panel per indicator with data since `start` (only `codes`, if given): the entity's line
    and, as published, its income group and region (for a group: the world). Title: its Internet
    use since start (or the first indicator's change)."""
    inds = profile_indicators(snapshot, catalogue, entity=entity, start=start)
    if codes is not None:
        inds = [i for i in inds if i.code in set(codes)]
    if not inds:
        raise AnalysisError(f"{entity} has no indicator value since {start}")
    names = entity_labels(snapshot)
    lines = comparators(snapshot, entity)
    colours = {"selected": ECONOMY_COLOUR, "region": REGION_COLOUR, "world": NEUTRAL_INK}
    ncols = min(columns, len(inds))
    nrows = math.ceil(len(inds) / ncols)
    titles = [f"{i.short_name} ({i.short_unit})" for i in inds]
    fig = make_subplots(
        rows=nrows, cols=ncols, subplot_titles=titles, horizontal_spacing=0.07,
        vertical_spacing=min(0.1, 0.6 / nrows),
    )  # fmt: skip
    records, shown, any_est = [], set(), False
    for k, ind in enumerate(inds):
        r, c = k // ncols + 1, k % ncols + 1
        for code, role in lines:
            got = _series(snapshot, catalogue, ind.code, code)
            if got is None:
                continue
            values, est, ids, used = got
            keep = values.index >= start
            values, est = values[keep], est[keep]
            if values.empty:
                continue
            colour = colours.get(role) or ENTITY_COLOURS.get(code, NEUTRAL_INK)
            label = names.get(code, code) + ("" if used == code else " (ITU)")
            any_est |= bool(est.any())
            fig.add_trace(
                go.Scatter(
                    x=values.index, y=values.values, mode="lines+markers", name=escape(label),
                    legendgroup=label, showlegend=label not in shown,
                    line={"color": colour, "width": 3 if role == "selected" else 1.8,
                          "dash": "solid" if role == "selected" else "dot"},
                    marker={"size": 5 if role == "selected" else 3,
                            "color": ["rgba(0,0,0,0)" if e else colour for e in est],
                            "line": {"color": colour, "width": 1.2}},
                    hovertemplate=f"{escape_template(label)}<br>%{{x}}: %{{y:,.{ind.decimals}f}}<extra></extra>",
                ),
                row=r, col=c,
            )  # fmt: skip
            shown.add(label)
            records.append(
                pd.DataFrame(
                    {
                        "indicator": ind.code,
                        "entity": used,
                        "role": role,
                        "year": values.index.astype(int),
                        "value": values.to_numpy(float),
                        "estimate": est.to_numpy(bool),
                        "source": "; ".join(ids),
                    }
                )
            )
    data = pd.concat(records, ignore_index=True)
    data["vintage"] = data["source"].map(lambda s: _vintage(snapshot, s))
    height = 230 * nrows + 260
    fig.update_xaxes(range=[start - 0.5, int(data["year"].max()) + 0.5], dtick=5)
    fig.update_yaxes(rangemode="tozero")
    fig.for_each_annotation(lambda a: a.update(font_size=12) if a.text in titles else None)
    title = _profile_title(catalogue, data, entity, names)
    others = ", ".join(f"{names.get(c, c)} ({role})" for c, role in lines[1:])
    subtitle = f"{names.get(entity, entity)} since {start}" + (
        f", against {others}" if others else ""
    )
    notes = ["Thick line: the selected economy or group; dotted: its groups as published."]
    notes += classification_notes(snapshot, data["entity"])
    if any_est:
        notes.append(ESTIMATE_NOTE)
    ids = sorted({i for s in data["source"] for i in s.split("; ") if i})
    source = source_line(snapshot, catalogue, ids)
    frame_figure(fig, title=title, subtitle=subtitle, source=source, notes=notes)
    pin_header(fig, height=height)
    name = slug(f"profile-{entity}" + (f"-{inds[0].code}" if codes is not None else ""))
    return Chart(name, fig, data, title, subtitle, source, tuple(notes))


def _vintage(snapshot: Snapshot, ids: str) -> str:
    out = []
    for sid in ids.split("; "):
        try:
            out.append(snapshot.source(sid).vintage)
        except Exception:
            continue
    return "; ".join(v for v in out if v)


def _profile_title(catalogue: Catalogue, data: pd.DataFrame, entity: str, names) -> str:
    own = data[data["role"] == "selected"]
    code = INTERNET if (own["indicator"] == INTERNET).any() else str(own["indicator"].iloc[0])
    ind = catalogue.indicator(code)
    s = own[own["indicator"] == code].sort_values("year")
    v0, v1 = s.iloc[0], s.iloc[-1]
    verb = "rose" if v1["value"] > v0["value"] else "fell" if v1["value"] < v0["value"] else "held"
    title = (
        f"{names.get(entity, entity)}: {ind.short_name} {verb} from "
        f"{format_value(v0['value'], ind)} in {int(v0['year'])} to "
        f"{format_value(v1['value'], ind)} in {int(v1['year'])}"
    )
    grp = data[(data["indicator"] == code) & (data["role"] == "income group")]
    grp = grp[grp["year"] == int(v1["year"])]
    if len(grp):
        g = grp.iloc[0]
        title += f" ({names.get(g['entity'], g['entity'])}: {format_value(g['value'], ind)})"
    return title


# --- targets ---------------------------------------------------------------------------------
TARGET_COLUMNS: tuple[str, ...] = ("target", "goal", "status", "latest", "year", "distance")
TARGET_COLUMNS += ("required_pace",)
TARGET_COLUMNS += ("observed_pace", "projected_year", "value_source", "source", "vintage", "note")


def _parity_text(value: float) -> str:
    return f"{value:.2f}"


def target_table(snapshot: Snapshot, catalogue: Catalogue, *, entity: str) -> pd.DataFrame:
    """The entity's distance to each applicable target, ready to show: target label, goal,
    status, latest value and year, distance, required and observed pace (per year), projected
    year, where the value comes from, source, vintage and note."""
    st = target_status(snapshot, catalogue, entities=[entity])
    if st.empty:
        return pd.DataFrame(columns=[*list(TARGET_COLUMNS), "target_id", "colour"])
    targets = {t.id: t for t in catalogue.targets()}
    rows = []
    for _, r in st.iterrows():
        t = targets[r["target_id"]]
        ind = catalogue.indicator(t.indicator)
        fmt = _parity_text if t.metric == "gender_parity" else partial(format_value, ind=ind)
        rows.append(
            {
                "target_id": t.id,
                "target": t.label,
                "goal": t.display + ("" if t.confirmed else " (value not confirmed)"),
                "status": r["status"],
                "colour": STATUS_COLOURS.get(r["status"], TARGET_COLOUR),
                "latest": fmt(r["latest_value"]) if pd.notna(r["latest_value"]) else "no data",
                "latest_value": r["latest_value"],
                "year": r["latest_year"],
                "distance": r["distance"],
                "required_pace": r["required_pace"],
                "observed_pace": r["observed_pace"],
                "projected_year": r["projected_year"],
                "value_source": r["value_source"],
                "source": r["source"],
                "vintage": r["vintage"],
                "note": r["note"],
                "comparator": t.comparator,
                "target_value": t.value,
                "target_upper": t.upper,
            }
        )
    return pd.DataFrame.from_records(rows)


def share_of_target(latest: float, *, comparator: str, value: float, upper: float | None) -> float:
    """How close a value is to its target as a share (1 = met): value / target for 'at least'
    targets, target / value for 'at most' targets, and for a band the nearer edge's ratio."""
    if not np.isfinite(latest) or latest <= 0:
        return float("nan")
    if comparator in (">=", ">"):
        share = latest / value
    elif comparator in ("<=", "<"):
        share = value / latest
    else:
        hi = upper if upper is not None else value
        share = latest / value if latest < value else hi / latest if latest > hi else 1.0
    return float(min(share, 1.0))


def target_chart(snapshot: Snapshot, catalogue: Catalogue, *, entity: str) -> Chart:
    """One bar per applicable target: how close the entity's latest value is to it (share of the
    target level, 100% = met), coloured by status, labelled with the value and year."""
    table = target_table(snapshot, catalogue, entity=entity)
    if table.empty:
        raise AnalysisError(f"no target applies to {entity}")
    table = table.assign(
        share=[
            share_of_target(v, comparator=c, value=t, upper=u)
            for v, c, t, u in zip(
                table["latest_value"], table["comparator"], table["target_value"],
                table["target_upper"], strict=True,
            )
        ]
    )  # fmt: skip
    names = entity_labels(snapshot)
    fig = go.Figure()
    labels = [
        "<br>".join(escape(x) for x in textwrap.wrap(t, 34))
        + f"<br><span style='font-size:11px'>{escape(g)}</span>"
        for t, g in zip(table["target"], table["goal"], strict=True)
    ]
    texts = [
        f"{lat} ({int(y)}): {s}" if pd.notna(y) else "no data"
        for lat, y, s in zip(table["latest"], table["year"], table["status"], strict=True)
    ]
    fig.add_trace(
        go.Bar(
            x=table["share"].fillna(0) * 100, y=labels, orientation="h",
            marker={"color": table["colour"].tolist()}, text=texts, textposition="auto",
            hovertemplate="%{y}<br>%{x:.0f}% of the target level<extra></extra>",
        )
    )  # fmt: skip
    fig.add_vline(x=100, line={"dash": "dash", "color": TARGET_COLOUR})
    fig.update_xaxes(range=[0, 105], title_text="% of the target level reached")
    fig.update_yaxes(autorange="reversed", automargin=True)
    height = max(380, 72 * len(table) + 260)
    fig.update_layout(showlegend=False)
    met = int((table["status"] == "achieved").sum())
    title = f"{names.get(entity, entity)} meets {met} of {len(table)} targets"
    rest = table.loc[table["status"] != "achieved", "status"].value_counts()
    if len(rest):
        title += ": " + ", ".join(f"{n} {status}" for status, n in rest.items())
    subtitle = "Latest value as a share of the target level (100% = met); colour: status"
    notes = [
        "Share: value ÷ target for 'at least' targets, target ÷ value for 'at most' targets "
        "(prices), nearer edge of the band for gender parity. Status: SDG-dashboard style, from "
        "the pace of the last five years against the pace needed."
    ]
    ids = sorted({i for s in table["source"].dropna() for i in str(s).split(", ")})
    source = source_line(snapshot, catalogue, ids)
    frame_figure(fig, title=title, subtitle=subtitle, source=source, notes=notes)
    pin_header(fig, height=height, top=110)
    keep = ["target_id", "target", "goal", "status", "latest_value", "year", "share", "distance"]
    keep += ["required_pace", "observed_pace", "projected_year", "value_source", "source"]
    keep += ["vintage"]
    data = table[keep].assign(entity=entity)
    return Chart(slug(f"targets-{entity}"), fig, data, title, subtitle, source, tuple(notes))


# --- income-group history --------------------------------------------------------------------
def income_runs(history: pd.DataFrame) -> list[tuple[str | None, int, int]]:
    """Consecutive runs (group, first fiscal year, last fiscal year) of an income history."""
    runs: list[tuple[str | None, int, int]] = []
    for fy, grp in zip(history["fiscal_year"].astype(int), history["income_group"], strict=True):
        g = None if pd.isna(grp) else str(grp)
        if runs and runs[-1][0] == g and runs[-1][2] == fy - 1:
            runs[-1] = (g, runs[-1][1], fy)
        else:
            runs.append((g, fy, fy))
    return runs


def _fy(year: int) -> str:
    return f"FY{year % 100:02d}"


def income_history_chart(snapshot: Snapshot, catalogue: Catalogue, *, economy: str) -> Chart:
    """An economy's World Bank income group in every fiscal year (OGHIST) as a coloured strip.
    Title: its first and current group and the years it changed."""
    hist = income_history_of(snapshot, economy=economy).sort_values("fiscal_year")
    if hist["income_group"].isna().all():
        raise AnalysisError(f"{economy} has no income classification in any fiscal year")
    runs = income_runs(hist)
    name = entity_labels(snapshot).get(economy, economy)
    fig = go.Figure()
    for g in (*HISTORY_COLOURS, None):
        sub = hist[hist["income_group"].isna()] if g is None else hist[hist["income_group"] == g]
        if sub.empty:
            continue
        fig.add_trace(
            go.Bar(
                x=[_fy(int(y)) for y in sub["fiscal_year"]], y=[1] * len(sub),
                name=GROUP_NAMES.get(g, "Not classified") if g else "Not classified",
                marker={"color": HISTORY_COLOURS.get(g, "#DDDDDD") if g else "#DDDDDD"},
                hovertemplate="%{x}: %{fullData.name}<extra></extra>",
            )
        )  # fmt: skip
    fig.update_layout(barmode="overlay", bargap=0.08)
    fig.update_xaxes(
        categoryorder="array",
        categoryarray=[_fy(int(y)) for y in hist["fiscal_year"]],
        tickangle=-90,
        tickfont={"size": 10},
    )
    fig.update_yaxes(visible=False, range=[0, 1])
    classified = [(str(g), a, b) for g, a, b in runs if g is not None]
    first, last = classified[0], classified[-1]
    changes = len(classified) - 1
    if changes == 0:
        title = f"{name}: {GROUP_NAMES[first[0]].lower()} in every fiscal year {_fy(first[1])}-{_fy(first[2])}"
    elif first[0] == last[0]:
        title = (
            f"{name}: {GROUP_NAMES[last[0]].lower()} since {_fy(last[1])}, as in {_fy(first[1])}, "
            f"after {changes} changes of group"
        )
    else:
        title = (
            f"{name}: {GROUP_NAMES[first[0]].lower()} in {_fy(first[1])}, "
            f"{GROUP_NAMES[last[0]].lower()} since {_fy(last[1])} ({changes} "
            f"change{'s' if changes > 1 else ''} of group)"
        )
    span = f"{_fy(int(hist['fiscal_year'].min()))}-{_fy(int(hist['fiscal_year'].max()))}"
    subtitle = (
        f"World Bank income group by fiscal year, {span} (FY06 = classification of July 2005)"
    )
    ref = history_reference(snapshot)
    source = f"Source: The World Bank, {ref.title if ref else 'income classification history'}."
    notes = ["Each fiscal year's group is set on the previous calendar year's GNI per capita."]
    notes += today_mismatch(snapshot, economy=economy, hist=hist)
    frame_figure(fig, title=title, subtitle=subtitle, source=source, notes=notes)
    pin_header(fig, height=320, top=110)
    data = hist.assign(economy=economy, group_name=hist["income_group"].map(GROUP_NAMES))
    data = data.assign(source=ref.id if ref else "", vintage=ref.vintage if ref else "")
    return Chart(slug(f"income-history-{economy}"), fig, data, title, subtitle, source,
                 tuple(notes))  # fmt: skip


def today_mismatch(snapshot: Snapshot, *, economy: str, hist: pd.DataFrame) -> list[str]:
    """A note when the history's latest year disagrees with today's classification (the country
    list that today's groups are built from), e.g. an economy the list leaves unclassified."""
    latest = hist.iloc[-1]
    was = latest["income_group"]
    today = snapshot.entity_index.at[economy, "income_group"]
    if (pd.isna(was) and pd.isna(today)) or (not pd.isna(was) and was == today):
        return []
    fy = _fy(int(latest["fiscal_year"]))
    said = "no group" if pd.isna(was) else GROUP_NAMES.get(str(was), str(was)).lower()
    now = "no income group" if pd.isna(today) else GROUP_NAMES.get(str(today), str(today)).lower()
    return [
        f"This history gives {said} for {fy}; today's country list, which the dashboard's "
        f"groups follow, gives {now}."
    ]


def history_reference(snapshot: Snapshot) -> ReferenceEntry | None:
    """The descriptor's reference entry of the income classification history (OGHIST)."""
    return snapshot.descriptor.reference_for("wb_income_history")


__all__: Sequence[str] = (
    "comparators",
    "income_history_chart",
    "income_runs",
    "profile_indicators",
    "profile_sections",
    "profile_small_multiples",
    "share_of_target",
    "target_chart",
    "target_table",
)
