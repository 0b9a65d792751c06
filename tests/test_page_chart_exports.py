"""Exports that never break, over every chart the pages show (dashboard.app.page_charts and
dashboard.exports): an export lays out a copy; a figure rebuilt from a dict or from the cache
exports like the original; long rankings and panel grids get the height they need; every chart
exported twice in one process, and again after the deck was built, gives the same bytes, with
every category labelled and enough ticks on every numeric axis."""

from __future__ import annotations

import io
import pickle
import re
from collections import Counter

import numpy as np
import plotly.graph_objects as go
import pytest
from PIL import Image
from test_export import chromium, needs_chromium

from dashboard.app.page_charts import page_charts
from dashboard.exports import chart_files
from dashboard.figures.chart import Chart

TICK = re.compile(r'<g class="(y\d*)tick"><text[^>]*>(.*?)</text>')


@pytest.fixture(scope="module")
def charts(bundled_snapshot, catalogue) -> list[tuple[str, Chart]]:
    return [(call.key, chart) for call, chart in page_charts(bundled_snapshot, catalogue)]


def test_every_page_has_its_charts(charts):
    keys = [k for k, _ in charts]
    assert {"overview-use", "ineq-gender", "ineq-parity", "areas-grid", "explorer-line"} <= set(
        keys
    )
    assert len(keys) == len(set(keys)) >= 25


def test_an_export_never_changes_the_chart_it_lays_out(charts):
    for key, chart in charts:
        before = chart.figure.to_json()
        for variant in chart_files.VARIANTS:
            chart_files.export_figure(chart, variant=variant)
        chart_files.picture_figure(chart, width_in=12, height_in=4.5)
        assert chart.figure.to_json() == before, key


def rebuilt(chart: Chart) -> Chart:
    """The chart as Streamlit's cache hands it back (pickled) with its figure rebuilt from a
    dict (numbers as typed arrays)."""
    again = pickle.loads(pickle.dumps(chart))
    fig = go.Figure(again.figure.to_dict())
    return Chart(
        again.name, fig, again.data, again.title, again.subtitle, again.source, again.notes
    )


def test_a_figure_from_the_cache_exports_like_the_original(charts):
    for key, chart in charts:
        for variant in ("slide", "square"):
            one = chart_files.export_figure(chart, variant=variant).layout
            two = chart_files.export_figure(rebuilt(chart), variant=variant).layout
            for name in [n for n in one if n.startswith(("xaxis", "yaxis"))]:
                assert one[name].tickmode == two[name].tickmode, (key, name)
                assert one[name].dtick == two[name].dtick, (key, name)
            assert (one.width, one.height) == (two.width, two.height), key


def test_numeric_axes_are_never_given_one_tick_per_unit(charts):
    for key, chart in charts:
        fig = chart_files.export_figure(rebuilt(chart), variant="slide")
        for trace in fig.data:
            if not chart_files.category_labels(trace):
                axis = fig.layout["yaxis" + str(getattr(trace, "yaxis", "y") or "y")[1:]]
                assert axis.tickmode != "linear" or axis.dtick != 1, key


def test_long_rankings_and_panel_grids_get_the_height_they_need(charts):
    by_key = dict(charts)
    dumbbell = chart_files.export_figure(by_key["ineq-gender"], variant="slide")
    rows = len(by_key["ineq-gender"].data)
    plot = dumbbell.layout.height - dumbbell.layout.margin.t - dumbbell.layout.margin.b
    assert plot >= rows * (11 + chart_files.ROW_PAD)  # every economy on its own labelled row
    assert dumbbell.layout.yaxis.tickmode == "linear" and dumbbell.layout.yaxis.dtick == 1
    for key, chart in charts:
        fig = chart_files.export_figure(chart, variant="square")
        plot = fig.layout.height - fig.layout.margin.t - fig.layout.margin.b
        domains = {tuple(fig.layout[n].domain) for n in fig.layout if n.startswith("yaxis")
                   and fig.layout[n].domain is not None}  # fmt: skip
        if len(domains) > 1:  # small multiples: no panel squeezed under MIN_PANEL
            smallest = min(b - a for a, b in domains)
            assert smallest * plot >= chart_files.MIN_PANEL - 1, key


@pytest.mark.parametrize("variant", ["slide", "square"])
def test_long_titles_and_notes_never_squeeze_the_plot(charts, variant):
    for key, chart in charts:
        fig = chart_files.export_figure(chart, variant=variant)
        plot = fig.layout.height - fig.layout.margin.t - fig.layout.margin.b
        assert plot >= chart_files.MIN_PLOT - 1, (key, plot)


@pytest.mark.parametrize("variant", ["slide", "square"])
def test_text_tiles_and_text_legends_fit_their_room(charts, variant):
    """A grid drawn as text tiles (the challenge areas) gets the height its lines need, no
    tile line runs into the next column, and a legend drawn as text fits the image."""
    from dashboard.exports.text_metrics import text_width

    tiled = [(key, chart) for key, chart in charts
             if len(chart_files.in_plot_blocks(chart.figure)) > 3]  # fmt: skip
    assert tiled, "the challenge-area grid is among the page charts"
    for key, chart in tiled:
        fig = chart_files.export_figure(chart, variant=variant)
        plot_h = fig.layout.height - fig.layout.margin.t - fig.layout.margin.b
        plot_w = fig.layout.width - fig.layout.margin.l - fig.layout.margin.r
        assert plot_h >= chart_files.text_blocks_height(fig) - 1, key
        blocks = chart_files.in_plot_blocks(fig)
        xs = sorted({x for x, _, _, _ in blocks})
        for a in fig.layout.annotations:
            if a.name == "footer" or a.xref != "paper" or not a.text:
                continue
            lines = [chart_files.plain_text(t) for t in str(a.text).split("<br>")]
            widest = max(text_width(t, size=round(a.font.size)) for t in lines)
            if (a.x, a.y, len(lines), a.font.size) in blocks:
                right = min((x for x in xs if x > a.x + 1e-6), default=1.0)
                assert widest <= (right - a.x) * plot_w, (key, lines)
            else:
                assert widest <= fig.layout.width * (1 - a.x), (key, lines)


def tick_counts(svg: bytes) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for axis, label in TICK.findall(svg.decode("utf-8")):
        out.setdefault(axis, []).append(label)
    return out


def numeric(label: str) -> bool:
    return bool(re.fullmatch(r"[−\-]?[\d,.]+[%×kMB]?", label.replace("\u2212", "-")))


@chromium
@needs_chromium
def test_every_chart_exports_the_same_bytes_twice_and_after_the_deck(charts, bundled_snapshot,
                                                                      catalogue):  # fmt: skip
    from dashboard.deck.powerpoint import pptx_bytes
    from dashboard.deck.prepare import prepare_deck

    first = {key: chart_files.to_svg(chart) for key, chart in charts}
    pptx_bytes(prepare_deck(bundled_snapshot, catalogue))  # the deck renders its map meanwhile
    after = {key: chart_files.to_svg(rebuilt(chart)) for key, chart in charts}
    for key, _ in charts:  # the second export (after the deck, from a cached copy) is the same
        assert first[key] == after[key], key
    for key, chart in charts:
        ticks = tick_counts(first[key])
        for axis, labels in ticks.items():
            if all(numeric(t) for t in labels):
                assert 3 <= len(labels) <= 12, (key, axis, labels)
        categories = [set(chart_files.category_labels(t)) for t in chart.figure.data]
        rows = max((len(c) for c in categories), default=0)
        if rows and key != "coverage":  # every economy of a dumbbell or ranking is named
            assert len(ticks.get("y", [])) == rows, key


@chromium
@needs_chromium
def test_png_twice_gives_the_same_bytes_for_the_charts_that_used_to_break(charts):
    by_key = dict(charts)
    for key in (
        "overview-use",
        "overview-gap",
        "ineq-gender",
        "ineq-parity",
        "profile-multiples-3",
    ):
        one = chart_files.to_png(by_key[key])
        two = chart_files.to_png(rebuilt(by_key[key]))
        assert one == two, key
        img = np.asarray(Image.open(io.BytesIO(one)).convert("L"))
        assert img.shape[1] == 1920 and img.shape[0] >= 1080


@chromium
@needs_chromium
def test_the_map_exports_from_the_bundled_shapes_within_seconds(bundled_snapshot, catalogue):
    import time

    from dashboard.figures.world_map import map_figure

    chart = map_figure(bundled_snapshot, catalogue, indicator="IT.NET.USER.ZS")
    start = time.perf_counter()
    png = chart_files.to_png(chart)
    assert time.perf_counter() - start < 30
    img = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    colours = Counter(map(tuple, img.reshape(-1, 3)[::97]))
    assert len(colours) > 50  # countries filled with the colour scale, not a blank frame
