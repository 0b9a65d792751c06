"""Builders of the Data and sources page (dashboard.figures_sources): tables mirror the catalogue
and the snapshot descriptor, figures plot counts and differences recomputed here."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from fixtures import fixture_observations, fixture_snapshot

from dashboard.figures import sources as fs
from indicators.catalogue import load_catalogue

CAT = load_catalogue()
USE = "IT.NET.USER.ZS"


@pytest.fixture(scope="module", params=["fixture", "bundled"])
def snap(request):
    return request.getfixturevalue(
        "tiny_snapshot" if request.param == "fixture" else "bundled_snapshot"
    )


@pytest.fixture(scope="module")
def catalogue_rows():
    return fs.catalogue_table(CAT).set_index("code")


@pytest.mark.parametrize("ind", CAT.indicators, ids=lambda i: i.code)
def test_catalogue_table_row_describes_the_indicator(catalogue_rows, ind) -> None:
    assert catalogue_rows.index.is_unique and len(catalogue_rows) == len(CAT.indicators)
    row = catalogue_rows.loc[ind.code]
    assert (row["name"], row["full name"], row["unit"]) == (ind.short_name, ind.name, ind.unit)
    assert row["source"] == CAT.dataset(ind.dataset).attribution
    assert row["areas"] == ", ".join(CAT.area(a).name for a in ind.areas)
    assert row["action lines"] == ", ".join(ind.action_lines)
    assert all(t.label in row["targets"] for t in ind.targets)


def test_sources_and_files_tables_list_every_descriptor_entry(snap) -> None:
    desc = snap.descriptor
    entries = [("data", s) for s in desc.sources]
    entries += [("reference", s) for s in desc.reference]
    table = fs.sources_table(desc)
    assert list(zip(table["role"], table["id"], strict=True)) == [(r, s.id) for r, s in entries]
    assert list(table["vintage"]) == [s.vintage for _, s in entries]
    assert list(table["files"]) == [len(s.files) for _, s in entries]
    credit = {s.dataset: s.licence for s in desc.sources}
    assert list(table["licence"]) == [credit[s.dataset] for _, s in entries]
    files = fs.files_table(desc)
    want = [(s.id, f.path, f.sha256) for _, s in entries for f in s.files]
    assert list(zip(files["source"], files["path"], files["sha256"], strict=True)) == want


def test_summary_table_reflects_the_descriptor(snap) -> None:
    desc = snap.descriptor
    table = fs.summary_table(desc).set_index("field")["value"]
    assert table["snapshot id"] == snap.id
    assert table["built at (UTC)"] == desc.built_at
    assert table["observations"] == f"{desc.row_count:,}"
    for name, entry in desc.tables.items():
        assert entry.sha256 in table[f"{name} table"]
        assert f"{entry.rows:,} rows" in table[f"{name} table"]
    for derived in desc.derived:
        assert table[f"derived {derived.indicator}"] == derived.formula
    assert len(table) == 8 + len(desc.tables) + len(desc.derived)


def test_dropped_and_not_used_tables_keep_every_entry(snap) -> None:
    desc = snap.descriptor
    dropped, unused = fs.dropped_table(desc), fs.not_used_table(desc)
    assert len(dropped) == len(desc.dropped)
    assert len(unused) == len(desc.not_used)
    assert list(dropped.columns) == ["source", "indicator", "economy", "year", "value", "reason"]
    assert list(unused.columns) == ["what", "why"]
    assert list(dropped["reason"]) == [d.reason for d in desc.dropped]
    assert list(unused["what"]) == [n.what for n in desc.not_used]


def test_coverage_heatmap_counts_economies_from_the_observations(snap) -> None:
    chart = fs.coverage_heatmap(snap, CAT)
    obs = snap.observations.astype({"economy": str, "indicator": str})
    ent = snap.entities
    economies = set(ent.loc[ent["kind"] == "economy", "code"])
    counts = obs[obs["economy"].isin(economies)].groupby(["indicator", "year"])["economy"].nunique()
    present = set(obs["indicator"].unique())
    codes = [c for c in CAT.codes if c in present]
    years = list(range(int(obs["year"].min()), int(obs["year"].max()) + 1))
    want = counts.unstack("year").reindex(index=codes, columns=years).to_numpy(dtype=float)
    heat = chart.figure.data[0]
    np.testing.assert_array_equal(np.asarray(heat.z, dtype=float), want)
    assert list(heat.x) == years
    assert list(heat.y) == [f"{CAT.indicator(c).short_name} · {c}" for c in codes]
    data = chart.data.set_index(["indicator", "year"])["economies"]
    assert list(data.index) == [(c, y) for c in codes for y in years]
    np.testing.assert_array_equal(data.to_numpy(), np.nan_to_num(want).ravel())
    wide = (want >= len(economies) / 2).sum(axis=0)
    year = max(y for y, n in zip(years, wide, strict=True) if n)
    assert f"{wide[years.index(year)]} of {len(codes)} series" in chart.title
    assert f"{len(economies)} economies in {year}" in chart.title


def test_aggregate_comparison_reads_the_published_rows(snap) -> None:
    comp = fs.aggregate_comparison(snap, CAT)
    wide = snap.wide(USE)
    names = dict(zip(snap.entities["code"], snap.entities["name"], strict=True))
    assert set(comp["group"]) <= set(fs.COMPARISON_GROUPS)
    assert comp[["computed", "published_wb", "published_itu"]].notna().any(axis=1).all()
    for _, row in comp.iterrows():
        if row["group"] in names:  # the fixture has member lists but no entity for UMC, LMC
            assert row["group_name"].startswith(names[row["group"]])
        if row["group"] in wide.index and row["year"] in wide.columns:
            assert row["published_wb"] == pytest.approx(
                wide.at[row["group"], row["year"]], nan_ok=True
            )
    np.testing.assert_allclose(comp["diff_wb"], comp["computed"] - comp["published_wb"])


def test_comparison_figure_draws_its_data(snap) -> None:
    comp = fs.aggregate_comparison(snap, CAT)
    chart = fs.comparison_figure(snap, CAT, comp, indicator=USE)
    data = chart.data
    for trace in chart.figure.data:
        who = "World Bank" if trace.xaxis == "x" else "ITU"
        sub = data[(data["group"] == trace.legendgroup) & (data["published_by"] == who)]
        assert list(trace.x) == list(sub["year"])
        np.testing.assert_allclose(np.asarray(trace.y, dtype=float), sub["difference"])
    assert len(data) == sum(len(t.x) for t in chart.figure.data)
    np.testing.assert_allclose(data["difference"], data["computed"] - data["published"])
    gap = data.groupby("published_by")["difference"].apply(lambda d: d.abs().max())
    assert f"within {gap['World Bank']:.1f} points of the World Bank" in chart.title
    assert f"up to {gap['ITU']:.1f} of ITU" in chart.title
    assert chart.title and chart.subtitle and chart.source.startswith("Source:")


def test_vintage_caveat_compares_the_latest_common_year(snap) -> None:
    caveat = fs.vintage_caveat(snap)
    ent = snap.entities
    itu = ent.loc[(ent["kind"] == "itu_aggregate") & (ent["wb_equivalent"] == "WLD"), "code"].iloc[
        0
    ]
    a, b = snap.wide("i99H").loc[itu].dropna(), snap.wide(USE).loc["WLD"].dropna()
    year = max(set(a.index) & set(b.index))
    assert (caveat.year, caveat.itu_value, caveat.wb_value) == (year, a[year], b[year])
    for code, entity, release in (
        (USE, "WLD", caveat.wb_release),
        ("i99H", itu, caveat.itu_release),
    ):
        rows = snap.rows(code)
        sid = rows.loc[(rows["economy"] == entity) & (rows["year"] == year), "source"].iloc[0]
        assert f"(vintage {snap.source(str(sid)).vintage})" in release
    assert f"{caveat.itu_value:.1f}% in {caveat.itu_release}" in caveat.sentence()


def test_vintage_caveat_is_none_without_an_itu_world_series() -> None:
    obs = fixture_observations()
    assert fs.vintage_caveat(fixture_snapshot(obs[obs["economy"] != "ITU_WLD"])) is None


def test_filter_rows_is_case_insensitive_and_needs_every_word(catalogue_rows) -> None:
    table = catalogue_rows.reset_index()
    text = table.astype(str).agg(" ".join, axis=1).str.lower()

    def matching(words: list[str]) -> list[int]:
        keep = np.logical_and.reduce([text.str.contains(w, regex=False) for w in words])
        return list(text.index[keep])

    assert fs.filter_rows(table, "") is table and fs.filter_rows(table, "   ") is table
    name = str(table["name"].iloc[0])
    for query in (name.upper(), name.lower(), f"  {name.swapcase()} "):
        assert list(fs.filter_rows(table, query).index) == matching(name.lower().split())
    words = str(table["full name"].iloc[-1]).lower().split()[:2]
    got = fs.filter_rows(table, " ".join(words))
    assert list(got.index) == matching(words) and len(got) < len(table)
    pd.testing.assert_frame_equal(got, table.loc[matching(words)])


@pytest.mark.parametrize("query", [".", "a.c", "(", "[x]", "*", "a|b", "^a"])
def test_filter_rows_treats_regex_characters_literally(query) -> None:
    cells = ["a.c", "abc", "(x", "[x]", "a|b", "b", "^a", "a*"]
    table = pd.DataFrame({"text": cells})
    got = fs.filter_rows(table, query.upper())
    assert list(got["text"]) == [c for c in cells if query in c]
