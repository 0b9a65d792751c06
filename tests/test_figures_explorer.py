"""Pure builders of the explorer (series, line, slope) and the data page, on the fixture snapshot
and the bundled one; the ranking and the map have test modules of their own."""

from __future__ import annotations

import json
from itertools import pairwise

import numpy as np
import pandas as pd
import pytest
from fixtures import (
    ECONOMIES,
    fixture_internet,
    fixture_observations,
    fixture_population,
    fixture_snapshot,
)

from dashboard.figures import sources as fs
from dashboard.figures.explorer import line_figure, slope_figure
from dashboard.figures.explorer_common import TITLE_LIMIT, fit_title, spread
from dashboard.formatting import entity_labels
from dashboard.theme import ENTITY_COLOURS
from dashboard.views.explorer_series import (
    SERIES_COLUMNS,
    entity_choices,
    entity_colours,
    fmt_value,
    indicator_choices,
    map_codes,
    progress_rows,
    published_index,
    published_table,
    published_values,
    series,
)
from indicators.errors import AnalysisError

WWW = "IT.NET.USER.ZS"


def fixture_gap_snapshot():
    """The fixture snapshot with E03's Internet values removed for 2005-2006 (nearest: 2004)."""
    obs = fixture_observations()
    drop = (obs["indicator"] == WWW) & (obs["economy"] == "E03") & obs["year"].isin([2005, 2006])
    return fixture_snapshot(obs[~drop].reset_index(drop=True))


def weighted(codes, year):
    w = np.array([fixture_population(c, year) for c in codes])
    v = np.array([fixture_internet(c, year) for c in codes])
    return float((w * v).sum() / w.sum())


# --- choices and formatting ----------------------------------------------------------------------


def test_indicator_choices_list_every_indicator_once_grouped_by_area(catalogue):
    choices = indicator_choices(catalogue)
    assert sorted(choices) == sorted(catalogue.codes)
    first_area = catalogue.areas[0].name
    assert choices[catalogue.measures(catalogue.areas[0].id)[0].code].startswith(first_area)
    assert all(catalogue.indicator(code).short_name in label for code, label in choices.items())


def test_entity_choices_put_labelled_groups_first(tiny_snapshot):
    choices = entity_choices(tiny_snapshot)
    codes = list(choices)
    assert codes[0] == "WLD"
    assert choices["WLD"].endswith("(WB aggregate)")
    assert choices["ITU_WLD"].endswith("(ITU aggregate)")
    kinds = tiny_snapshot.entity_index["kind"]
    first_economy = min(codes.index(c) for c in ECONOMIES)
    assert all(kinds[c] != "economy" for c in codes[:first_economy])
    assert choices["E01"] == tiny_snapshot.entity_index.at["E01", "name"]


def test_fmt_value_uses_the_unit_and_decimals(catalogue):
    ind = catalogue.indicator(WWW)
    value = fixture_internet("E01", 2010)
    assert fmt_value(value, ind) == f"{value:,.{ind.decimals}f}%"
    assert fmt_value(value, ind, signed=True).endswith(" points")
    assert fmt_value(value, ind, signed=True).startswith("+")
    assert fmt_value(float("nan"), ind) == "no value"
    per100 = catalogue.indicator("IT.NET.BBND.P2")
    assert fmt_value(value, per100).endswith(per100.short_unit)


def test_entity_colours_never_repeat_within_the_palette():
    codes = ["WLD", "LIC", "E01", "E02", "E03", "HIC"]
    colours = entity_colours(codes)
    assert len(set(colours.values())) == len(codes)
    assert colours["WLD"] == ENTITY_COLOURS["WLD"] and colours["LIC"] == ENTITY_COLOURS["LIC"]


def test_spread_keeps_labels_apart_and_in_place():
    values = [10.0, 10.5, 30.0, 10.2]
    got = spread(values, 2.0)
    ordered = sorted(got)
    assert all(b - a >= 2.0 - 1e-9 for a, b in pairwise(ordered))
    assert got[2] == 30.0 and got[0] == 10.0
    assert spread([5.0], 1.0) == [5.0]


def test_fit_title_keeps_one_line():
    long = "x" * (TITLE_LIMIT + 5)
    assert fit_title(long, fallback="short") == "short"
    assert len(fit_title(long)) == TITLE_LIMIT
    assert fit_title("a", ", b") == "a, b"
    assert fit_title("a" * (TITLE_LIMIT - 1), ", b") == "a" * (TITLE_LIMIT - 1)


# --- the series table ----------------------------------------------------------------------------


def test_series_holds_the_published_values(tiny_snapshot, catalogue):
    got = series(
        tiny_snapshot, catalogue, indicator=WWW, entities=["E02", "E05"], start=2005, end=2010
    )
    assert tuple(got.data.columns) == SERIES_COLUMNS
    assert set(got.data["entity"]) == {"E02", "E05"}
    assert got.data["year"].between(2005, 2010).all()
    expected = [
        fixture_internet(e, y) for e, y in zip(got.data["entity"], got.data["year"], strict=True)
    ]
    assert np.allclose(got.data["value"], expected)
    assert got.missing == () and got.notes == ()
    assert list(got.data["entity"].unique()) == ["E02", "E05"]  # the chosen order


def test_series_computes_groups_without_a_published_value(tiny_snapshot, catalogue):
    got = series(
        tiny_snapshot, catalogue, indicator=WWW, entities=["HIC", "WLD"], start=2010, end=2012
    )
    hic = got.data[got.data["entity"] == "HIC"]
    assert set(hic["value_source"]) == {"computed"}
    members = [c for c in ECONOMIES if c in ("E01", "E02")]
    assert np.allclose(hic["value"], [weighted(members, y) for y in hic["year"]])
    assert hic["note"].str.contains("computed here from 2 of 2 economies").all()
    wld = got.data[got.data["entity"] == "WLD"]
    assert set(wld["value_source"]) == {"published"}  # published values win


def test_series_explains_entities_without_values(tiny_snapshot, catalogue):
    got = series(
        tiny_snapshot, catalogue, indicator=WWW, entities=["E01", "ITU_LIC"], start=2005, end=2020
    )
    assert got.missing == ("ITU_LIC",)
    assert any("ITU aggregates publish ITU series" in n for n in got.notes)
    urban = series(tiny_snapshot, catalogue, indicator="i99H.URB", entities=["WLD", "E01"])
    assert set(urban.missing) == {"WLD", "E01"}
    assert any("no population base" in n for n in urban.notes)
    assert any("aggregates only" in n for n in urban.notes)


def test_series_of_every_economy_excludes_groups(tiny_snapshot, catalogue):
    got = series(tiny_snapshot, catalogue, indicator=WWW, entities=None)
    assert set(got.data["entity"]) == set(ECONOMIES)


def test_published_values_of_some_entities_are_those_rows_of_the_whole_table(
    bundled_snapshot, catalogue
):
    """The values memoised per indicator are, for any entities, the table the series built
    from those entities' rows alone (every indicator; groups, ITU aggregates, economies)."""
    chosen = ["WLD", "HIC", "LIC", "ITU_WLD", "ITU_LDC", "SSF", "KEN", "IND", "TUV", "NOWHERE"]
    for code in catalogue.codes:
        rows = bundled_snapshot.rows(code)
        alone = published_table(bundled_snapshot, code, rows[rows["economy"].isin(chosen)])
        whole = published_values(bundled_snapshot, code)
        selected = whole[whole["entity"].isin(chosen)]
        pd.testing.assert_frame_equal(
            selected.reset_index(drop=True), alone.reset_index(drop=True), obj=code
        )


def test_series_takes_the_rows_the_table_selection_gave(bundled_snapshot, catalogue):
    """A series of published values, taken by position from the memoised index (#12), is the
    table the previous route made: the chosen entities' rows selected from the whole table,
    named, then sorted by the order of the entities and by year (every indicator; an entity
    chosen twice counts once)."""
    names = entity_labels(bundled_snapshot)
    for code in catalogue.codes:
        whole = published_values(bundled_snapshot, code)
        groups = [g for g in ("WLD", "HIC") if g in set(whole["entity"])]  # none computed here
        chosen = ["KEN", "ITU_WLD", groups[0] if groups else "KEN", "IND", *groups, "TUV"]
        chosen += ["ITU_LDC", "NOWHERE"]
        for start, end in ((None, None), (2008, 2016)):
            options = {"indicator": code, "entities": chosen, "start": start, "end": end}
            got = series(bundled_snapshot, catalogue, **options)
            rows = whole[whole["entity"].isin(chosen)]
            rows = rows[rows["year"].between(start or 0, end or 9999)]
            order = {e: i for i, e in enumerate(dict.fromkeys(chosen))}
            rows = rows.assign(entity_name=rows["entity"].map(names), _o=rows["entity"].map(order))
            rows = rows.sort_values(["_o", "year"]).drop(columns="_o")[list(SERIES_COLUMNS)]
            if rows.empty:
                continue
            pd.testing.assert_frame_equal(got.data, rows.reset_index(drop=True), obj=code)


def test_series_never_changes_the_values_it_memoises(catalogue):
    """A series handed to a page (or an export) may be changed by it: the memoised values the
    next visitor's series is made from stay as they were, and so does that series."""
    snap = fixture_snapshot()  # its own memo
    chosen = [["E01"], ["E01", "E03", "WLD"], ["ITU_WLD", "E03"]]
    first = [series(snap, catalogue, indicator=WWW, entities=c).data.copy() for c in chosen]
    memo = published_values(snap, WWW).copy(deep=True)
    named = published_index(snap, WWW).named
    assert named is not None
    named = named.copy(deep=True)
    for entities in chosen:
        for start, end in ((None, None), (2005, 2010)):
            got = series(snap, catalogue, indicator=WWW, entities=entities, start=start, end=end)
            got.data.loc[:, "value"] = -1.0
            got.data["note"] = "changed by a page"
            del got.data["vintage"]
    pd.testing.assert_frame_equal(published_values(snap, WWW), memo)
    pd.testing.assert_frame_equal(published_index(snap, WWW).named, named)
    for entities, before in zip(chosen, first, strict=True):
        pd.testing.assert_frame_equal(
            series(snap, catalogue, indicator=WWW, entities=entities).data, before
        )


@pytest.mark.parametrize(
    ("fixture", "entities", "log_y"),
    [
        ("tiny", ("WLD", "E01", "HIC", "ITU_WLD"), False),
        ("tiny", ("E05", "E05", "LIC", "E02"), True),
        ("bundled", ("WLD", "HIC", "UMC", "LMC", "LIC", "KEN"), False),
        ("bundled", ("ITU_WLD", "WLD", "SSF", "EAR", "TUV", "ITU_LDC"), False),
        ("bundled", ("IND", "BRA"), True),
    ],
)
def test_line_figure_is_the_figure_of_the_validated_route(
    fixture, entities, log_y, bundled_snapshot, catalogue, monkeypatch
):
    """The explorer's line chart, written as plotly JSON with its colours and dashes, is the
    figure its previous route drew through plotly's validated API and then recoloured line by
    line (tests/validated_figures.py): same JSON, data, notes and text alternative."""
    from validated_figures import previous_describe, validated_line_chart

    from dashboard.figures import chart as chart_module
    from dashboard.figures import explorer

    snap = fixture_snapshot() if fixture == "tiny" else bundled_snapshot
    for code in (WWW, "IT.CEL.SETS.P2", "i99H"):
        options = {"indicator": code, "entities": entities, "start": 2000, "log_y": log_y}
        try:
            new = line_figure(snap, catalogue, **options)
        except AnalysisError:
            continue
        with monkeypatch.context() as patch:
            patch.setattr(explorer, "line_chart", validated_line_chart)
            old = line_figure(snap, catalogue, **options)
        assert json.loads(new.figure.to_json()) == json.loads(old.figure.to_json())
        assert new.figure.to_json() == chart_module.trusted_figure(old.figure.to_dict()).to_json()
        pd.testing.assert_frame_equal(new.data, old.data)
        assert (new.notes, new.title) == (old.notes, old.title)
        assert new.alt_text == previous_describe(old)


@pytest.mark.parametrize("log_y", [False, True])
def test_line_view_is_the_series_and_the_line_figure(log_y, bundled_snapshot, catalogue):
    """The explorer's line view (one cache entry) is the series and the line figure, each the
    same as computed alone (#12); no chart when the series has no value."""
    from dashboard.figures.explorer import line_view
    from dashboard.views.explorer_series import series

    options = {"indicator": WWW, "entities": ("WLD", "LIC", "KEN"), "start": 2005}
    got, chart = line_view(bundled_snapshot, catalogue, log_y=log_y, **options)
    alone = series(bundled_snapshot, catalogue, **options)
    pd.testing.assert_frame_equal(got.data, alone.data)
    assert (got.missing, got.notes) == (alone.missing, alone.notes)
    figure = line_figure(bundled_snapshot, catalogue, log_y=log_y, **options)
    assert chart is not None and chart.figure.to_json() == figure.figure.to_json()
    assert (chart.title, chart.notes, chart.alt_text) == (
        figure.title,
        figure.notes,
        figure.alt_text,
    )
    pd.testing.assert_frame_equal(chart.data, figure.data)
    empty = {**options, "entities": ("WLD",), "start": 2030}
    got, chart = line_view(bundled_snapshot, catalogue, **empty)
    assert got.data.empty and chart is None


# --- figures -------------------------------------------------------------------------------------


def test_line_figure_plots_exactly_its_data(tiny_snapshot, catalogue):
    chosen = ["WLD", "E01", "HIC", "ITU_WLD"]
    chart = line_figure(
        tiny_snapshot, catalogue, indicator=WWW, entities=chosen, start=2005, end=2015
    )
    assert [t.name for t in chart.figure.data] == ["World", "Economy E01", "High income"]
    for trace in chart.figure.data:
        rows = chart.data[chart.data["entity_name"] == trace.name]
        assert list(trace.x) == list(rows["year"]) and np.allclose(list(trace.y), rows["value"])
    assert chart.figure.data[2].line.dash == "dot"  # computed high-income aggregate
    assert any("Dotted lines" in n for n in chart.notes)
    world = chart.data[chart.data["entity"] == "WLD"]
    assert f"{world['value'].iloc[0]:.1f}" in chart.title and "World" in chart.title
    assert "ITU" not in set(chart.data["entity_name"])  # ITU_WLD has no value of this series


@pytest.mark.parametrize("figure", [line_figure, slope_figure])
def test_a_group_and_itus_figure_for_it_are_drawn_differently(figure, bundled_snapshot, catalogue):
    """High income computed here from ITU's economy values (dotted) and as ITU aggregates it
    (dashed): same colour, as the same group, never the same line."""
    chart = figure(bundled_snapshot, catalogue, indicator="i99H", entities=["HIC", "ITU_HIC"])
    lines = [t for t in chart.figure.data if t.mode == "lines+markers"]
    assert len(lines) == 2
    assert {t.line.dash for t in lines} == {"dot", "dash"}
    assert any(n.startswith("Dashed lines: ITU's own aggregates") for n in chart.notes)


def test_line_figure_log_scale_and_target(tiny_snapshot, catalogue):
    lin = line_figure(tiny_snapshot, catalogue, indicator=WWW, entities=["E01"], start=2005)
    log = line_figure(
        tiny_snapshot, catalogue, indicator=WWW, entities=["E01"], start=2005, log_y=True
    )
    assert lin.figure.layout.yaxis.type == "linear" and log.figure.layout.yaxis.type == "log"
    targets = [t.value for t in catalogue.indicator(WWW).targets if t.scope == "each"]
    assert [s.y0 for s in lin.figure.layout.shapes] == targets[:1]


def test_line_figure_marks_estimates(tiny_snapshot, catalogue):
    chart = line_figure(
        tiny_snapshot, catalogue, indicator="i99H", entities=["ITU_WLD"], start=2005
    )
    assert any("Hollow markers" in n for n in chart.notes)
    assert chart.data["estimate"].all()


def test_no_values_raise_a_clear_error(tiny_snapshot, catalogue):
    with pytest.raises(AnalysisError, match="no values"):
        line_figure(tiny_snapshot, catalogue, indicator=WWW, entities=["ITU_LIC"])


def test_slope_marks_substituted_baselines(catalogue):
    tiny_snapshot = fixture_gap_snapshot()
    chart = slope_figure(
        tiny_snapshot, catalogue, indicator=WWW, entities=["E01", "E03"], baseline=2005
    )
    base = chart.data[chart.data["point"] == "baseline"].set_index("entity")
    assert base.at["E03", "year"] == 2004 and bool(base.at["E03", "substituted"])
    assert base.at["E01", "year"] == 2005 and not bool(base.at["E01", "substituted"])
    assert np.isclose(base.at["E03", "value"], fixture_internet("E03", 2004))
    e03 = next(t for t in chart.figure.data if t.name == "Economy E03")
    assert list(e03.marker.symbol) == ["diamond", "circle"]
    assert [int(y) for y in e03.customdata[:, 0]] == [2004, 2024]  # actual years on hover
    assert any("Diamonds" in n and "E03 2004" in n for n in chart.notes)


def test_slope_with_one_entity_and_unknown_baseline(tiny_snapshot, catalogue):
    chart = slope_figure(tiny_snapshot, catalogue, indicator=WWW, entities=["E04"], baseline=2010)
    latest = chart.data[chart.data["point"] == "latest"]
    assert int(latest["year"].iloc[0]) == max(y for y in range(2000, 2025))
    assert "Economy E04" in chart.title
    with pytest.raises(AnalysisError):
        slope_figure(
            tiny_snapshot, catalogue, indicator="i154_FBB5_GNI", entities=["E01"], baseline=2005
        )


def test_bundled_world_map_has_iso3_shapes():
    codes = map_codes()
    assert len(codes) > 150 and all(len(c) == 3 and c.isupper() for c in codes)


def test_progress_rows_carry_provenance(tiny_snapshot, catalogue):
    got = series(tiny_snapshot, catalogue, indicator=WWW, entities=["E01", "HIC"])
    prog = progress_rows(got.data, baseline=2005, latest=None).set_index("entity")
    assert prog.at["HIC", "value_source"] == "computed"
    assert prog.at["E01", "source"] == got.data["source"].iloc[0]
    assert bool(prog["status"].eq("ok").all())


# --- data page -----------------------------------------------------------------------------------


def test_catalogue_table_has_one_row_per_indicator(catalogue):
    table = fs.catalogue_table(catalogue)
    assert list(table["code"]) == list(catalogue.codes)
    row = table.set_index("code").loc[WWW]
    assert all(t.label in row["targets"] for t in catalogue.indicator(WWW).targets)
    assert row["SDG"] == catalogue.indicator(WWW).sdg


def test_filter_rows_matches_every_word(catalogue):
    table = fs.catalogue_table(catalogue)
    got = fs.filter_rows(table, "internet WOMEN")
    assert len(got) >= 1
    assert got.astype(str).agg(" ".join, axis=1).str.lower().str.contains("women").all()
    assert len(fs.filter_rows(table, "")) == len(table)
    assert fs.filter_rows(table, "zzzz-no-such-thing").empty


def test_descriptor_tables_list_every_source_and_file(bundled_snapshot):
    desc = bundled_snapshot.descriptor
    sources = fs.sources_table(desc)
    assert len(sources) == len(desc.sources) + len(desc.reference)
    files = fs.files_table(desc)
    n_files = sum(len(s.files) for s in (*desc.sources, *desc.reference))
    assert len(files) == n_files and files["sha256"].str.fullmatch("[0-9a-f]{64}").all()
    summary = fs.summary_table(desc).set_index("field")["value"]
    assert summary["snapshot id"] == bundled_snapshot.id
    assert desc.tables["observations"].sha256 in summary["observations table"]
    assert len(fs.dropped_table(desc)) == len(desc.dropped)
    assert len(fs.not_used_table(desc)) == len(desc.not_used)


def test_coverage_heatmap_counts_economies(tiny_snapshot, catalogue):
    chart = fs.coverage_heatmap(tiny_snapshot, catalogue)
    obs = tiny_snapshot.observations.astype({"economy": str, "indicator": str})
    econ = obs[obs["economy"].isin(ECONOMIES)]
    expected = econ.groupby(["indicator", "year"]).size()
    got = chart.data.set_index(["indicator", "year"])["economies"]
    for key, count in expected.items():
        assert got[key] == count
    assert got.loc["i99H"].eq(0).all()  # an ITU aggregate-only series counts no economy
    assert len(chart.figure.data[0].y) == chart.data["indicator"].nunique()


def test_aggregate_comparison_differences(bundled_snapshot, catalogue):
    comp = fs.aggregate_comparison(bundled_snapshot, catalogue, indicator=WWW)
    assert set(comp["group"]) == set(fs.COMPARISON_GROUPS)
    wld = comp[comp["group"] == "WLD"].set_index("year")
    published = bundled_snapshot.wide(WWW).loc["WLD"].dropna()
    for year in published.index.intersection(wld.index):
        assert np.isclose(wld.at[year, "published_wb"], published[year])
        diff = wld.at[year, "computed"] - wld.at[year, "published_wb"]
        assert np.isclose(wld.at[year, "diff_wb"], diff, equal_nan=True)
    assert wld["diff_wb"].notna().sum() >= 10
    chart = fs.comparison_figure(bundled_snapshot, catalogue, comp, indicator=WWW)
    assert set(chart.data["published_by"]) == {"World Bank", "ITU"}
    itu = chart.data[chart.data["published_by"] == "ITU"]
    assert set(itu["vintage"]) == set(comp["itu_vintage"].dropna())
    vintage_of = {src.id: src.vintage for src in bundled_snapshot.descriptor.sources}
    assert {vintage_of[s] for s in itu["source"]} == set(itu["vintage"])


def test_vintage_caveat_reads_both_world_values_from_the_snapshot(bundled_snapshot):
    cav = fs.vintage_caveat(bundled_snapshot)
    assert cav is not None
    itu = bundled_snapshot.wide("i99H").loc["ITU_WLD"].dropna()
    wb = bundled_snapshot.wide(WWW).loc["WLD"].dropna()
    assert cav.year == max(set(itu.index) & set(wb.index))
    assert cav.itu_value == itu[cav.year] and cav.wb_value == wb[cav.year]
    vintages = {s.id: s.vintage for s in bundled_snapshot.descriptor.sources}
    rows = bundled_snapshot.rows("i99H")
    sid = str(rows[(rows["economy"] == "ITU_WLD") & (rows["year"] == cav.year)]["source"].iloc[0])
    assert vintages[sid] in cav.itu_release
    assert f"{cav.itu_value:.1f}%" in cav.sentence() and f"{cav.wb_value:.1f}%" in cav.sentence()


def test_vintage_caveat_on_the_fixture(tiny_snapshot):
    cav = fs.vintage_caveat(tiny_snapshot)
    assert cav is not None and cav.year == 2023  # the last year of the fixture's ITU world row


@pytest.mark.parametrize("figure", ["line", "slope", "ranking"])
def test_charts_of_income_groups_name_their_classification(figure, bundled_snapshot, catalogue):
    from dashboard.figures.ranking import ranking_figure

    build = {"line": line_figure, "slope": slope_figure, "ranking": ranking_figure}[figure]
    groups = build(bundled_snapshot, catalogue, indicator=WWW, entities=["WLD", "HIC", "LIC"])
    assert any(
        n.startswith("Income groups: World Bank income groups as classified in")
        for n in groups.notes
    )
    economies = build(bundled_snapshot, catalogue, indicator=WWW, entities=["KEN", "BRA"])
    assert not any(n.startswith("Income groups:") for n in economies.notes)
