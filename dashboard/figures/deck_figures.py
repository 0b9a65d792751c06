"""Figures the story needs that no page shows: people offline, regions, the data gaps, the sources.

Figure builders with the deck's signature (snapshot, catalogue, baseline) -> Chart, used by the
default deck of story.py; `table_chart` turns a table into a Chart (a plotly table for the
image files, the data for the CSV).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.chart import Chart, frame_figure, legend_on_top, source_line
from dashboard.figures.plotly_text import escape
from dashboard.figures.sources import sources_table
from dashboard.theme import colour_for
from dashboard.views.area_summary import MEASUREMENT
from indicators.analytics.aggregates import WB_MIN_COVERAGE, aggregate_groups
from indicators.analytics.divides import online_offline
from indicators.analytics.groups import resolve_group
from indicators.catalogue import Catalogue
from indicators.errors import AnalysisError
from indicators.store.snapshot import Snapshot

INCOME = ("HIC", "UMC", "LMC", "LIC")


def _years(baseline: int, latest: int, step: int = 5) -> list[int]:
    return sorted({*range(baseline, latest, step), latest})


def people_offline(snapshot: Snapshot, catalogue: Catalogue, baseline: int) -> Chart:
    """People offline (billions) by income group, every five years from the baseline."""
    latest = online_offline(snapshot, catalogue, groups=["WLD"]).iloc[0]
    years = _years(baseline, int(latest["year"]))
    frames = [online_offline(snapshot, catalogue, groups=["WLD", *INCOME], year=y) for y in years]
    data = pd.concat(frames, ignore_index=True)
    data = data[["group", "name", "year", "rate", "population", "offline", "rate_basis",
                 "note", "source", "vintage", "population_source", "population_vintage"]]  # fmt: skip
    world = data[data["group"] == "WLD"].set_index("year")["offline"]
    fig = go.Figure()
    groups = data[data["group"] != "WLD"]
    for i, code in enumerate(INCOME):
        sub = groups[groups["group"] == code]
        fig.add_trace(go.Bar(x=sub["year"], y=sub["offline"] / 1e9, name=escape(sub["name"].iloc[0]),
                             marker_color=colour_for(code, i),
                             hovertemplate="%{x}: %{y:.2f} billion<extra>%{fullData.name}</extra>"))  # fmt: skip
    fig.update_layout(barmode="stack")
    fig.update_xaxes(tickvals=years, title_text="")
    fig.update_yaxes(title_text="billion people")
    legend_on_top(fig)
    y0, y1 = years[0], years[-1]
    title = (
        f"{world[y1] / 1e9:.1f} billion people were still offline in {y1}, "
        f"against {world[y0] / 1e9:.1f} billion in {y0}"
    )
    subtitle = f"People not using the Internet, billions, by World Bank income group, {y0}-{y1}"
    notes = [
        "Offline = population x (100 - Internet use %) / 100, from the published World Bank "
        "rates and populations; income groups as classified today.",
        str(latest["note"]),
    ]
    in_groups = float(groups.loc[groups["year"] == y1, "offline"].sum())
    rest = float(world[y1]) - in_groups
    if rest > 0.005 * float(world[y1]):  # the bars fall short of the world total: say why
        notes.append(
            f"The income groups add up to {in_groups / 1e9:.2f} billion in {y1}; the other "
            f"{rest / 1e6:,.0f} million live in economies without an income group."
        )
    ids = {*data["source"].astype(str), *data["population_source"].astype(str)}
    source = source_line(snapshot, catalogue, ids)
    frame_figure(fig, title=title, subtitle=subtitle, source=source, notes=notes)
    return Chart("people-offline", fig, data.reset_index(drop=True), title, subtitle, source,
                 tuple(notes))  # fmt: skip


def table_chart(frame: pd.DataFrame, *, name: str, title: str, subtitle: str, source: str,
                data: pd.DataFrame | None = None) -> Chart:  # fmt: skip
    """A table as a Chart (a plotly table figure for the image files; `data` for the CSV)."""
    fig = go.Figure(
        go.Table(
            columnwidth=[max(6, min(60, int(frame[c].astype(str).str.len().max()))) for c in frame],
            header={
                "values": [f"<b>{escape(c)}</b>" for c in frame.columns],
                "align": "left",
                "fill_color": "#E3E3E3",
                "font": {"size": 13},
            },
            cells={
                "values": [[escape(v) for v in frame[c].astype(str)] for c in frame.columns],
                "align": "left",
                "font": {"size": 12},
                "height": 26,
            },
        )
    )
    fig.update_layout(height=140 + 34 * (len(frame) + 1) + 60)
    frame_figure(fig, title=title, subtitle=subtitle, source=source)
    return Chart(name, fig, (frame if data is None else data).reset_index(drop=True), title,
                 subtitle, source)  # fmt: skip


def data_gaps(snapshot: Snapshot, catalogue: Catalogue, baseline: int) -> Chart:
    """The challenge areas the snapshot cannot measure (or only partly), with the usual sources."""
    areas = [a for a in sorted(catalogue.areas, key=lambda a: a.number) if a.status != "measured"]
    frame = pd.DataFrame(
        {
            "Area": [f"{a.number}. {a.name}" for a in areas],
            "Status": [MEASUREMENT[a.status] for a in areas],
            "What is missing": [a.gap_statement for a in areas],
            "Usual source": [a.gap_source or "-" for a in areas],
        }
    )
    gaps = sum(a.status == "gap" for a in areas)
    title = (
        f"{gaps} of {len(catalogue.areas)} challenge areas have no indicator in this data and "
        f"{len(areas) - gaps} are only partly measured"
    )
    source = "Source: the dashboard's indicator catalogue; usual sources as named by each area."
    return table_chart(frame, name="data-gaps", title=title, subtitle="What the data cannot show yet",
                       source=source)  # fmt: skip


def sources_used(snapshot: Snapshot, catalogue: Catalogue, baseline: int) -> Chart:
    """The data releases of the snapshot with producer, vintage and licence."""
    table = sources_table(snapshot.descriptor)
    table = table[table["role"] == "data"]
    frame = sources_frame(table)
    datasets = [snapshot.source(str(i)).dataset for i in table["id"]]
    releases = table[[d != "derived" for d in datasets]]
    producers = " and ".join(sorted(set(releases["producer"].astype(str))))
    title = f"{len(releases)} data releases from {producers}, each with its vintage and licence"
    source = source_line(snapshot, catalogue, table["id"].astype(str))
    return table_chart(frame, name="sources", title=title, subtitle=f"Data snapshot {snapshot.id}",
                       source=source, data=table)  # fmt: skip


def sources_frame(table: pd.DataFrame) -> pd.DataFrame:
    """The columns of the sources table a slide shows: release, producer, vintage, licence."""
    frame = table[["title", "producer", "vintage", "licence"]]
    return frame.rename(columns={"title": "Release", "producer": "Producer", "vintage": "Vintage",
                                 "licence": "Licence"})  # fmt: skip


def world_regions(snapshot: Snapshot) -> list[str]:
    """The World Bank's regions (their aggregate codes), as the economies are classified today."""
    regions = snapshot.entity_index["region"].dropna().astype(str)
    return sorted({r for r in regions if r in snapshot.entity_index.index})


def regions_chart(
    snapshot: Snapshot, catalogue: Catalogue, baseline: int, *, indicator: str = "IT.NET.USER.ZS"
) -> Chart:
    """The World Bank regions' published values in the latest year the data support for every
    region: the reporting economies hold at least two-thirds of each region's people (the World
    Bank's own threshold). Each bar names the share of its region's people that reported."""
    ind = catalogue.indicator(indicator)
    regions = world_regions(snapshot)
    if not regions:
        raise AnalysisError("the snapshot classifies no economy into a World Bank region")
    groups = [resolve_group(snapshot, r) for r in regions]
    cover = aggregate_groups(snapshot, catalogue, indicator=indicator, groups=groups)
    rows = snapshot.rows(indicator)
    published = rows[rows["economy"].astype(str).isin(regions)]
    wide = published.pivot_table(index="economy", columns="year", values="value", aggfunc="first")
    wide = wide.reindex(regions)
    coverage = cover.pivot_table(index="group", columns="year", values="coverage").reindex(regions)
    supported = [
        int(y)
        for y in wide.columns
        if wide[y].notna().all() and y in coverage.columns
        and (coverage[y] + 1e-12 >= WB_MIN_COVERAGE).all()
    ]  # fmt: skip
    if not supported:
        raise AnalysisError(
            f"no year in which every region has a published {ind.short_name} value and "
            "reporting economies with two-thirds of its people"
        )
    year = max(supported)
    last = int(wide.columns.max())
    names = {g.code: g.label for g in groups}
    at = cover[cover["year"] == year].set_index("group")
    pub = published[published["year"] == year].set_index("economy")
    data = (
        pd.DataFrame(
            {
                "region": regions,
                "name": [names[r] for r in regions],
                "year": year,
                "value": [float(pub.at[r, "value"]) for r in regions],
                "coverage": [float(at.at[r, "coverage"]) for r in regions],
                "reporting": [int(at.at[r, "reporting"]) for r in regions],
                "members": [int(at.at[r, "members"]) for r in regions],
                "estimate": [bool(pub.at[r, "estimate"]) for r in regions],
                "source": [str(pub.at[r, "source"]) for r in regions],
                "vintage": [str(pub.at[r, "vintage"]) for r in regions],
            }
        )
        .sort_values("value", ascending=False, kind="stable")
        .reset_index(drop=True)
    )
    labels = [
        f"{n} ({c:.0%} reported)" for n, c in zip(data["name"], data["coverage"], strict=True)
    ]
    fig = go.Figure(
        go.Bar(
            x=data["value"], y=[escape(t) for t in labels], orientation="h",
            marker={"color": colour_for("WLD", 0)}, text=[f"{v:.1f}%" for v in data["value"]],
            textposition="outside", cliponaxis=False, showlegend=False,
            hovertemplate="%{y}: %{x:.1f}%<extra></extra>",
        )
    )  # fmt: skip
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(range=[0, 105], title_text=ind.short_unit)
    hi, lo = data.iloc[0], data.iloc[-1]
    title = (
        f"{ind.short_name} by World Bank region in {year}: from {lo['value']:.1f}% in "
        f"{lo['name']} to {hi['value']:.1f}% in {hi['name']}"
    )
    subtitle = f"{ind.name}, {year}, as published for each region; share of its people reported"
    notes = [
        f"{year} is the latest year in which the economies that reported their own value hold "
        "at least two-thirds of every region's people; the World Bank fills in the rest."
    ]
    if last > year:
        thin = cover[cover["year"] == last]
        notes.append(
            f"Regional values for {last} are published too, but rest on economies with "
            f"{thin['coverage'].min():.0%} to {thin['coverage'].max():.0%} of each region's "
            "people."
        )
    notes.append("Regions as the World Bank classifies economies today.")
    source = source_line(snapshot, catalogue, data["source"].unique())
    frame_figure(fig, title=title, subtitle=subtitle, source=source, notes=notes)
    fig.update_layout(height=max(420, 56 * len(data) + 240))
    return Chart(f"regions-{slug_part(indicator)}-{year}", fig, data, title, subtitle, source,
                 tuple(notes))  # fmt: skip


def slug_part(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text.lower()).strip("-")
