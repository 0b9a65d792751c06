"""Builders of the Data and sources page: catalogue and provenance tables, coverage, aggregates.

Pure functions of the snapshot (its descriptor) and the catalogue. Nothing here types a figure:
the vintage caveat, for example, reads both world values and their releases from the snapshot.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.figures.chart import Chart, frame_figure, legend_on_top, slug, source_line
from dashboard.figures.explorer_common import fit_title
from dashboard.figures.plotly_text import escape
from dashboard.formatting import entity_labels
from dashboard.theme import SEQUENTIAL_SCALE, colour_for
from indicators.analytics.aggregates import compare_with_published
from indicators.catalogue import Catalogue
from indicators.store.descriptor import Descriptor, ReferenceEntry, SourceEntry
from indicators.store.snapshot import Snapshot

COMPARISON_GROUPS = ("WLD", "HIC", "UMC", "LMC", "LIC")


def catalogue_table(catalogue: Catalogue) -> pd.DataFrame:
    """One row per indicator: code, names, unit, source, areas, action lines, SDG, targets."""
    areas = {a.id: a.name for a in catalogue.areas}
    rows = []
    for ind in catalogue.indicators:
        dataset = catalogue.dataset(ind.dataset)
        rows.append(
            {
                "code": ind.code,
                "name": ind.short_name,
                "full name": ind.name,
                "unit": ind.unit,
                "source": dataset.attribution,
                "licence": dataset.licence,
                "areas": ", ".join(areas[a] for a in ind.areas),
                "context for": ", ".join(areas[a] for a in ind.context_for),
                "action lines": ", ".join(ind.action_lines),
                "SDG": ind.sdg or "",
                "higher is better": {True: "yes", False: "no", None: "n/a"}[ind.higher_is_better],
                "aggregation": ind.aggregation,
                "targets": "; ".join(f"{t.label} ({t.display})" for t in ind.targets),
            }
        )
    return pd.DataFrame(rows)


def _origin(entry: SourceEntry | ReferenceEntry) -> dict[str, str]:
    origin = entry.origin
    return {
        "repository": origin.repository or "",
        "path": origin.path or "",
        "commit": origin.commit or "",
    }


def sources_table(descriptor: Descriptor) -> pd.DataFrame:
    """Every source and reference table of a snapshot with licence, attribution and origin."""
    rows = [
        {
            "id": src.id,
            "role": "data",
            "title": src.label,
            "vintage": src.vintage,
            "producer": src.producer,
            "licence": src.licence,
            "attribution": src.attribution,
            **_origin(src),
            "files": len(src.files),
            "rows": src.rows,
        }
        for src in descriptor.sources
    ]
    datasets = {s.dataset: s for s in descriptor.sources}
    for ref in descriptor.reference:
        credit = datasets.get(ref.dataset)
        rows.append(
            {
                "id": ref.id,
                "role": "reference",
                "title": ref.title,
                "vintage": ref.vintage,
                "producer": credit.producer if credit else "",
                "licence": credit.licence if credit else "",
                "attribution": credit.attribution if credit else "",
                **_origin(ref),
                "files": len(ref.files),
                "rows": None,
            }
        )
    return pd.DataFrame(rows)


def files_table(descriptor: Descriptor) -> pd.DataFrame:
    """Every raw file read by the build: source id, path, size and sha256."""
    entries = [(s.id, s.files) for s in descriptor.sources]
    entries += [(r.id, r.files) for r in descriptor.reference]
    rows = [
        {"source": sid, "path": f.path, "bytes": f.bytes, "sha256": f.sha256}
        for sid, files in entries
        for f in files
    ]
    return pd.DataFrame(rows, columns=["source", "path", "bytes", "sha256"])


def summary_table(descriptor: Descriptor) -> pd.DataFrame:
    """The descriptor's identity: id, title, build time, builder, row count, table checksums."""
    rows: list[tuple[str, object]] = [
        ("snapshot id", descriptor.snapshot_id),
        ("title", descriptor.title),
        ("built at (UTC)", descriptor.built_at),
        ("built from", descriptor.built_from),
        ("builder", descriptor.builder),
        ("schema version", descriptor.schema_version),
        ("catalogue version", descriptor.catalogue_version),
        ("observations", f"{descriptor.row_count:,}"),
    ]
    for name, table in descriptor.tables.items():
        rows.append((f"{name} table", f"{table.rows:,} rows, sha256 {table.sha256}"))
    for derived in descriptor.derived:
        rows.append((f"derived {derived.indicator}", derived.formula))
    return pd.DataFrame(rows, columns=["field", "value"]).astype({"value": str})


def dropped_table(descriptor: Descriptor) -> pd.DataFrame:
    """Values the build dropped, with the reason."""
    cols = ["source", "indicator", "economy", "year", "value", "reason"]
    return pd.DataFrame([d.to_json() for d in descriptor.dropped], columns=cols)


def not_used_table(descriptor: Descriptor) -> pd.DataFrame:
    """Raw files or parts the build did not use, with why."""
    return pd.DataFrame([(n.what, n.why) for n in descriptor.not_used], columns=["what", "why"])


def coverage_heatmap(snapshot: Snapshot, catalogue: Catalogue) -> Chart:
    """Indicator x year: how many economies have a value (blank where none does)."""
    obs = snapshot.observations
    kinds = snapshot.entity_index["kind"].astype(str)
    is_econ = obs["economy"].astype(str).map(kinds).eq("economy").to_numpy()
    counts = (
        obs.loc[is_econ, ["indicator", "year"]]
        .astype({"indicator": str})
        .value_counts()
        .rename("economies")
    )
    codes = [c for c in catalogue.codes if len(snapshot.rows(c))]
    years = list(range(int(obs["year"].min()), int(obs["year"].max()) + 1))
    grid = counts.unstack("year").reindex(index=codes, columns=years)
    data = grid.stack(future_stack=True).rename("economies").reset_index()
    data["economies"] = data["economies"].fillna(0).astype(int)
    short = {c: catalogue.indicator(c).short_name for c in codes}
    prov = _provenance(snapshot, codes)
    data = data.assign(name=data["indicator"].map(short)).merge(prov, on="indicator")
    z = grid.to_numpy(dtype="float64")
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=years,
            y=[f"{short[c]} · {c}" for c in codes],
            colorscale=SEQUENTIAL_SCALE,
            colorbar={"title": {"text": "economies"}, "thickness": 14},
            hovertemplate="%{y}<br>%{x}: %{z} economies<extra></extra>",
            xgap=1,
            ygap=1,
        )
    )
    fig.update_yaxes(autorange="reversed", automargin=True, tickfont={"size": 11})
    fig.update_xaxes(dtick=5)
    fig.update_layout(height=max(480, 17 * len(codes) + 260))
    title = _coverage_title(grid, n_economies=int((kinds == "economy").sum()))
    subtitle = f"Number of economies with a value, {years[0]}-{years[-1]}; {len(codes)} indicators"
    notes = ["Blank: no economy has a value (some series exist for aggregates only)."]
    source = source_line(snapshot, catalogue, prov["source"].str.split(", ").explode().unique())
    frame_figure(fig, title=title, subtitle=subtitle, source=source, notes=notes)
    return Chart(
        name=slug("coverage by indicator and year"),
        figure=fig,
        data=data[["indicator", "name", "year", "economies", "source", "vintage"]],
        title=title,
        subtitle=subtitle,
        source=source,
        notes=tuple(notes),
    )


def _coverage_title(grid: pd.DataFrame, *, n_economies: int) -> str:
    """How many series cover at least half of the economies in the latest year any does."""
    half = n_economies / 2
    wide = (grid >= half).sum(axis=0)
    years = wide[wide > 0].index
    if not len(years):
        return f"Coverage: no series reaches half of the {n_economies} economies in any year"
    year = int(years.max())
    return fit_title(
        f"Coverage: {int(wide[year])} of {len(grid)} series reach half of the {n_economies} "
        f"economies in {year}",
        fallback=f"Coverage by indicator and year, {year}",
    )


def _provenance(snapshot: Snapshot, codes: Sequence[str]) -> pd.DataFrame:
    """Per indicator: the sources and vintages of its rows, joined with ', '."""
    rows = []
    for code in codes:
        obs = snapshot.rows(code)
        rows.append(
            {
                "indicator": code,
                "source": ", ".join(sorted(obs["source"].astype(str).unique())),
                "vintage": ", ".join(sorted(obs["vintage"].astype(str).unique())),
            }
        )
    return pd.DataFrame(rows)


def aggregate_comparison(
    snapshot: Snapshot,
    catalogue: Catalogue,
    *,
    indicator: str = "IT.NET.USER.ZS",
    groups: Sequence[str] = COMPARISON_GROUPS,
) -> pd.DataFrame:
    """Computed vs published aggregates (World Bank and ITU) with group names, years with a value."""
    comp = compare_with_published(snapshot, catalogue, indicator=indicator, groups=list(groups))
    has = comp[["computed", "published_wb", "published_itu"]].notna().any(axis=1)
    comp = comp[has].reset_index(drop=True)
    comp.insert(1, "group_name", comp["group"].map(entity_labels(snapshot)))
    return comp


def comparison_figure(
    snapshot: Snapshot, catalogue: Catalogue, comparison: pd.DataFrame, *, indicator: str
) -> Chart:
    """Computed minus published per group and year: against the World Bank (left), ITU (right)."""
    ind = catalogue.indicator(indicator)
    itu_vintage = ", ".join(sorted(comparison["itu_vintage"].dropna().astype(str).unique()))
    fig = make_subplots(
        rows=1,
        cols=2,
        shared_yaxes=True,
        horizontal_spacing=0.04,
    )
    parts = []
    for i, (group, grp) in enumerate(comparison.groupby("group", sort=False)):
        colour = colour_for(str(group), i)
        for col, (col_col, who) in enumerate((("diff_wb", "World Bank"), ("diff_itu", "ITU")), 1):
            sub = grp.dropna(subset=[col_col])
            if sub.empty:
                continue
            fig.add_trace(
                go.Scatter(
                    x=sub["year"],
                    y=sub[col_col],
                    name=escape(str(sub["group_name"].iloc[0])),
                    legendgroup=str(group),
                    showlegend=col == 1,
                    mode="lines+markers",
                    line={"color": colour, "width": 2},
                    marker={"size": 5},
                    hovertemplate=f"%{{fullData.name}} vs {who}<br>%{{x}}: %{{y:+.2f}} points"
                    "<extra></extra>",
                ),
                row=1,
                col=col,
            )
            parts.append(_diff_rows(sub, col_col, who, snapshot, indicator))
    for col in (1, 2):
        fig.add_hline(y=0, line={"color": "#7F7F7F", "width": 1}, row=1, col=col)
    fig.update_yaxes(title_text="computed - published (points)", row=1, col=1)
    fig.update_xaxes(title_text="against the World Bank's published figure", row=1, col=1)
    fig.update_xaxes(title_text=f"against ITU's estimate (release {itu_vintage})", row=1, col=2)
    legend_on_top(fig)
    fig.update_layout(height=520)
    data = pd.concat(parts, ignore_index=True)
    gap = data.groupby("published_by")["difference"].apply(lambda d: float(d.abs().max()))
    title = fit_title(
        f"Computed {ind.short_name}: within {gap.get('World Bank', float('nan')):.1f} points of "
        f"the World Bank, up to {gap.get('ITU', float('nan')):.1f} of ITU",
        fallback=f"Computed vs published {ind.short_name}: largest gap "
        f"{float(data['difference'].abs().max()):.1f} points",
    )
    subtitle = f"{ind.name}: computed here minus published, percentage points, by group"
    notes = [
        "ITU's estimates are another release than the World Bank's series (vintage in the "
        "table), so part of the right-hand gap is revision, not method."
    ]
    source = source_line(snapshot, catalogue, data["source"].unique())
    frame_figure(fig, title=title, subtitle=subtitle, source=source, notes=notes)
    return Chart(
        name=slug(f"computed vs published {ind.short_name}"),
        figure=fig,
        data=data,
        title=title,
        subtitle=subtitle,
        source=source,
        notes=tuple(notes),
    )


def _diff_rows(
    sub: pd.DataFrame, col: str, who: str, snapshot: Snapshot, indicator: str
) -> pd.DataFrame:
    wb_rows = snapshot.rows(indicator)
    src_wb = str(wb_rows["source"].astype(str).mode().iloc[0]) if len(wb_rows) else ""
    vin_wb = str(wb_rows["vintage"].astype(str).mode().iloc[0]) if len(wb_rows) else ""
    itu = who == "ITU"
    if itu:  # the ITU aggregates' own release, not the country rows of the same code
        itu_rows = snapshot.rows(str(sub["itu_indicator"].iloc[0]))
        kinds = itu_rows["economy"].astype(str).map(snapshot.entity_index["kind"])
        src = str(
            itu_rows.loc[kinds.eq("itu_aggregate").to_numpy(), "source"].astype(str).mode().iloc[0]
        )
    published = sub["published_itu" if itu else "published_wb"]
    return pd.DataFrame(
        {
            "group": sub["group"],
            "group_name": sub["group_name"],
            "year": sub["year"],
            "computed": sub["computed"],
            "coverage": sub["coverage"],
            "published_by": who,
            "published": published,
            "difference": sub[col],
            "source": src if itu else src_wb,
            "vintage": sub["itu_vintage"] if itu else vin_wb,
        }
    )


@dataclass(frozen=True)
class VintageCaveat:
    """The same world figure in two releases, read from the snapshot."""

    year: int
    itu_value: float
    itu_release: str
    wb_value: float
    wb_release: str

    def sentence(self) -> str:
        return (
            f"ITU revises its whole back series in every edition. World Internet use in "
            f"{self.year} is {self.itu_value:.1f}% in {self.itu_release} but "
            f"{self.wb_value:.1f}% in {self.wb_release}. Compare figures from one release, and "
            "read the vintage printed under every chart."
        )


def vintage_caveat(
    snapshot: Snapshot, *, wb: tuple[str, str] = ("WLD", "IT.NET.USER.ZS")
) -> VintageCaveat | None:
    """World Internet use in the latest year both ITU's aggregate and the WDI publish."""
    ent = snapshot.entities
    itu = ent.loc[(ent["kind"] == "itu_aggregate") & (ent["wb_equivalent"] == wb[0]), "code"]
    if itu.empty:
        return None
    itu_code = str(itu.iloc[0])
    candidates = [c for c in ("i99H", wb[1]) if itu_code in snapshot.wide(c).index]
    if not candidates or wb[0] not in snapshot.wide(wb[1]).index:
        return None
    a = snapshot.wide(candidates[0]).loc[itu_code].dropna()
    b = snapshot.wide(wb[1]).loc[wb[0]].dropna()
    common = sorted(set(a.index) & set(b.index))
    if not common:
        return None
    year = int(common[-1])
    return VintageCaveat(
        year=year,
        itu_value=float(a[year]),
        itu_release=_release(snapshot, candidates[0], itu_code, year),
        wb_value=float(b[year]),
        wb_release=_release(snapshot, wb[1], wb[0], year),
    )


def _release(snapshot: Snapshot, code: str, entity: str, year: int) -> str:
    rows = snapshot.rows(code)
    row = rows[(rows["economy"] == entity) & (rows["year"] == year)]
    sid = str(row["source"].iloc[0])
    try:
        src = snapshot.source(sid)
    except Exception:
        return f"source {sid}"
    return f"{src.label} (vintage {src.vintage})"


def filter_rows(table: pd.DataFrame, query: str) -> pd.DataFrame:
    """Rows of a table in which any text cell contains every word of `query` (case-insensitive)."""
    words = query.lower().split()
    if not words:
        return table
    text = table.astype(str).agg(" ".join, axis=1).str.lower()
    keep = pd.Series(True, index=table.index)
    for word in words:
        keep &= text.str.contains(word, regex=False)
    return table[keep]


@dataclass(frozen=True)
class SourcesTables:
    """The tables of the Data and sources page, computed once per snapshot."""

    caveat: VintageCaveat | None
    sources: pd.DataFrame
    files: pd.DataFrame
    summary: pd.DataFrame
    dropped: pd.DataFrame
    not_used: pd.DataFrame


def sources_tables(snapshot: Snapshot, catalogue: Catalogue) -> SourcesTables:
    """Every provenance table of the snapshot and the releases caveat, for the sources page."""
    desc = snapshot.descriptor
    return SourcesTables(
        caveat=vintage_caveat(snapshot),
        sources=sources_table(desc),
        files=files_table(desc),
        summary=summary_table(desc),
        dropped=dropped_table(desc),
        not_used=not_used_table(desc),
    )


def catalogue_rows(snapshot: Snapshot, catalogue: Catalogue, *, query: str = "") -> pd.DataFrame:
    """The catalogue table filtered by a search (every word must match a text cell)."""
    return filter_rows(catalogue_table(catalogue), query)


@dataclass(frozen=True)
class AggregateCheck:
    """Computed against published aggregates of one indicator: the table and its chart."""

    table: pd.DataFrame
    chart: Chart


def aggregate_check(snapshot: Snapshot, catalogue: Catalogue, *, indicator: str) -> AggregateCheck:
    """`aggregate_comparison` and its `comparison_figure`, computed together."""
    table = aggregate_comparison(snapshot, catalogue, indicator=indicator)
    return AggregateCheck(table, comparison_figure(snapshot, catalogue, table, indicator=indicator))
