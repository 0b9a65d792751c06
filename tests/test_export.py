"""Chart exports: PNG sizes and content, SVG, PDF, CSV, HTML, layout fitting, no-chromium errors."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest
from fixtures import fixture_snapshot
from PIL import Image

from dashboard.exports import chart_files, renderer, text_metrics
from dashboard.figures.chart import FOOTER_SIZE, Chart, line_chart, source_line
from dashboard.formatting import entity_labels
from indicators.catalogue import load_catalogue

chromium = pytest.mark.xdist_group("chromium")
needs_chromium = pytest.mark.skipif(
    not renderer.image_export_available(), reason="chromium is not installed (make setup)"
)


def fixture_chart(
    *, name: str = "fixture-internet", title: str | None = None, long_footer: bool = False
) -> Chart:
    """A line chart of the fixture economies' Internet use (values are the fixture's formulas)."""
    snap = fixture_snapshot()
    rows = snap.rows("IT.NET.USER.ZS")
    data = pd.DataFrame(
        {
            "entity": rows["economy"].astype(str).to_numpy(dtype=object),
            "year": rows["year"].to_numpy(dtype=int),
            "value": rows["value"].to_numpy(dtype=float),
            "estimate": rows["estimate"].to_numpy(dtype=bool),
            "source": rows["source"].astype(str).to_numpy(dtype=object),
            "vintage": rows["vintage"].astype(str).to_numpy(dtype=object),
        }
    )
    source = source_line(snap, load_catalogue(), data["source"].unique())
    notes = ["A note that explains the marks of this fixture chart in a full sentence."]
    if long_footer:
        notes += [
            f"Further explanation number {i} of how the fixture values were made." for i in range(4)
        ]
    return line_chart(
        data,
        name=name,
        title=title or "Internet use rose in every fixture economy between 2000 and 2024",
        subtitle="Individuals using the Internet, % of population (fixture data)",
        source=source,
        labels=entity_labels(snap),
        notes=notes,
    )


def png_array(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGBA"))


# --- pure parts (no browser) -------------------------------------------------------------------


def test_csv_is_the_plotted_data_with_a_credit_column():
    chart = fixture_chart()
    back = pd.read_csv(io.BytesIO(chart_files.to_csv(chart)))
    assert list(back.columns) == [*chart.data.columns, "credit"]
    pd.testing.assert_frame_equal(
        back.drop(columns="credit"),
        chart.data.astype({"entity": str, "source": str, "vintage": str}),
        check_dtype=False,
    )
    assert back["credit"].str.startswith("Credit: ").all()


def test_csv_names_releases_vintages_and_credit_with_the_snapshot():
    snap = fixture_snapshot()
    chart = fixture_chart()
    back = pd.read_csv(io.BytesIO(chart_files.to_csv(chart, snapshot=snap)))
    ids = set(chart.data["source"])
    labels = {snap.source(i).label for i in ids}
    assert set(back["source"]) == labels and not ids & set(back["source"])
    credit = back["credit"].iloc[0]
    for sid in ids:
        assert snap.source(sid).attribution in credit and snap.source(sid).licence in credit


def test_csv_rounds_away_float_noise_and_writes_head_counts_whole():
    chart = fixture_chart()
    noisy = chart.data.assign(
        value=chart.data["value"] + 0.1 + 0.2 - 0.3,  # binary noise, as arithmetic leaves it
        people=chart.data["value"] * 1e7 / 3,
    )
    noisy_chart = Chart(chart.name, chart.figure, noisy, chart.title, chart.subtitle, chart.source)
    text = chart_files.to_csv(noisy_chart).decode()
    assert not re.search(r"\.\d{7,}", text)  # no 54.400000000000006
    back = pd.read_csv(io.StringIO(text))
    assert back["value"].round(6).tolist() == noisy["value"].round(6).tolist()
    assert back["people"].tolist() == noisy["people"].round(0).astype(int).tolist()
    assert "e+" not in text


def test_html_is_standalone_with_title_and_no_cdn():
    chart = fixture_chart()
    html = chart_files.to_html(chart).decode("utf-8")
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert "<title>Internet use rose in every fixture economy" in html
    assert "<script src=" not in html  # no CDN: plotly.js is in the page
    assert "Plotly.newPlot" in html and len(html) > 1_000_000  # plotly.js is inline
    assert "Internet use rose in every fixture economy" in html
    assert chart_files.to_html(chart) == chart_files.to_html(chart)  # stable div id and trace ids


def test_wrap_px_keeps_words_and_width():
    text = "Women trail men in Internet use in most economies of the fixture world " * 3
    lines = text_metrics.wrap_px(text, width=300, size=20, bold=True)
    assert len(lines) > 2
    assert " ".join(lines) == " ".join(text.split())
    assert all(text_metrics.text_width(line, size=20, bold=True) <= 300 for line in lines)


def test_export_figure_is_light_opaque_and_sized():
    chart = fixture_chart()
    for variant, (width, height, _) in chart_files.VARIANTS.items():
        fig = chart_files.export_figure(chart, variant=variant)
        # 'full' keeps the figure's own height (plotly's default 450 when it sets none)
        expected = height or int(chart.figure.layout.height or 450)
        assert (fig.layout.width, fig.layout.height) == (width, expected)
        assert fig.layout.paper_bgcolor == "#FFFFFF"
        assert fig.layout.template.layout.paper_bgcolor == "#FFFFFF"


def test_square_export_wraps_title_and_footer_and_grows_margins():
    chart = fixture_chart(long_footer=True)
    slide = chart_files.export_figure(chart, variant="slide")
    square = chart_files.export_figure(chart, variant="square")
    assert square.layout.title.text.count("<br>") > slide.layout.title.text.count("<br>")
    assert square.layout.margin.t > slide.layout.margin.t
    footer = next(a for a in square.layout.annotations if a.name == "footer")
    lines = footer.text.split("<br>")
    room = 540 - square.layout.margin.l - 16
    assert all(text_metrics.text_width(x, size=FOOTER_SIZE) <= room for x in lines)
    assert square.layout.margin.b >= 56 + chart_files.FOOTER_LINE * len(lines)
    assert "".join(lines).replace(" ", "") == (
        (chart.source + "".join(chart.notes)).replace(" ", "")
    )


def test_unknown_variant_and_format_are_clear_errors():
    chart = fixture_chart()
    with pytest.raises(renderer.ExportError, match="variant"):
        chart_files.export_figure(chart, variant="poster")
    with pytest.raises(renderer.ExportError, match="format"):
        chart_files.export_bytes(chart, "gif")


def test_no_chromium_gives_install_hint_while_csv_and_html_work(monkeypatch):
    monkeypatch.setenv(renderer.CHROMIUM_ENV, "/nonexistent/chromium")
    chart = fixture_chart()
    assert not renderer.image_export_available()
    assert "sudo apt-get install chromium" in renderer.image_problem()
    for make in (chart_files.to_png, chart_files.to_svg, chart_files.to_pdf):
        with pytest.raises(renderer.ExportUnavailable, match="apt-get install chromium"):
            make(chart)
    assert chart_files.to_csv(chart).startswith(b"entity,")
    assert b"<html" in chart_files.to_html(chart)[:300].lower()


# --- rendered by chromium ------------------------------------------------------------------------


@chromium
@needs_chromium
@pytest.mark.parametrize(("variant", "size"), [("slide", (1920, 1080)), ("square", (1080, 1080))])
def test_png_size_opaque_and_not_blank(variant, size):
    img = png_array(chart_files.to_png(fixture_chart(), variant=variant))
    assert (img.shape[1], img.shape[0]) == size
    assert (img[..., 3] == 255).all()  # opaque background
    grey = img[..., :3].mean(axis=2)
    assert grey.std() > 10
    assert 0.02 < (grey < 200).mean() < 0.6


@chromium
@needs_chromium
def test_png_keeps_title_and_footer_inside_the_image():
    img = png_array(chart_files.to_png(fixture_chart(long_footer=True), variant="square"))
    ink = np.where((img[..., :3].mean(axis=2) < 160).any(axis=1))[0]
    assert ink[0] >= 12  # the title does not touch the top edge
    assert ink[-1] <= img.shape[0] - 12  # the footer is not cut at the bottom
    columns = np.where((img[..., :3].mean(axis=2) < 160).any(axis=0))[0]
    assert columns[-1] <= img.shape[1] - 4  # nothing runs off the right edge


@chromium
@needs_chromium
def test_svg_is_valid_xml_with_title_source_and_stable_bytes():
    chart = fixture_chart()
    svg = chart_files.to_svg(chart)
    root = ET.fromstring(svg)
    text = " ".join(t for t in root.itertext())
    assert "Internet use rose in every fixture economy" in text
    assert "Source:" in text and chart.subtitle in text
    assert "Liberation Sans" in svg.decode("utf-8")
    assert chart_files.to_svg(chart) == svg


@chromium
@needs_chromium
def test_pdf_is_a_pdf():
    assert chart_files.to_pdf(fixture_chart()).startswith(b"%PDF")


def test_csv_names_a_newer_edition_beside_each_figure_of_the_older_one(bundled_snapshot, catalogue):
    from dashboard.figures.inequality import breakdown_levels
    from dashboard.figures.overview import internet_use_since_tunis

    older = breakdown_levels(bundled_snapshot, catalogue)  # ITU Key ICT aggregates only
    back = pd.read_csv(io.BytesIO(chart_files.to_csv(older, snapshot=bundled_snapshot)))
    editions = {bundled_snapshot.source(s).newer_edition for s in set(older.data["source"])}
    named = [e for e in editions if e is not None]
    assert named  # the bundled Key ICT edition has a newer one we do not bundle
    for edition in named:
        assert back["newer_edition"].str.contains(edition.name, regex=False).all()
        assert back["newer_edition"].str.contains("not in this snapshot").all()
    newest = internet_use_since_tunis(bundled_snapshot, catalogue)  # WDI: the newest known
    plain = pd.read_csv(
        io.BytesIO(chart_files.to_csv(newest, snapshot=bundled_snapshot)), keep_default_na=False
    )
    assert (plain["newer_edition"] == "").all()
