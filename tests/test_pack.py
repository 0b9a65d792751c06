"""The presentation pack (zip): numbered as the deck's slides, every chart as PNG, SVG and a CSV
with rounded values and readable provenance, tables whole, a README, reproducible bytes."""

from __future__ import annotations

import io
import re
import zipfile

import pandas as pd
import pytest
from PIL import Image
from test_export import chromium, needs_chromium

from dashboard.deck.pack import build_pack, stable_zip, zip_entries
from dashboard.deck.pages import pages_of
from dashboard.deck.prepare import prepare_deck
from dashboard.deck.story import StoryOptions
from dashboard.exports import renderer


def entries(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {i.filename: zf.read(i.filename) for i in zf.infolist()}


@pytest.fixture(scope="module")
def small_deck(bundled_snapshot, catalogue):
    options = StoryOptions(slides=("title", "progress", "internet_use", "gaps", "claims", "map"))
    return prepare_deck(bundled_snapshot, catalogue, options=options)


@chromium
@needs_chromium
def test_the_numbering_follows_the_deck_and_every_chart_has_png_svg_csv(
    small_deck, bundled_snapshot
):
    files = entries(build_pack(small_deck, snapshot=bundled_snapshot))
    pages = pages_of(small_deck)
    for page in pages:
        if page.slide.chart is not None and page.part == 1:
            stem = page.stem
            assert f"{stem}.csv" in files and f"{stem}.png" in files, stem
            if page.kind == "chart":
                assert f"{stem}.svg" in files
                img = Image.open(io.BytesIO(files[f"{stem}.png"]))
                assert img.size[0] == 1920
        elif page.slide.table is not None:
            assert {f"{page.stem}.csv", f"{page.stem}.png"} <= set(files)
    numbers = {int(n.split("-")[0]) for n in files if n[:2].isdigit()}
    assert numbers <= {p.number for p in pages}
    chart_page = next(p for p in pages if p.slide.id == "internet_use")
    assert f"{chart_page.number:02d}-internet_use.png" in files


@chromium
@needs_chromium
def test_every_csv_is_rounded_with_source_vintage_and_credit(small_deck, bundled_snapshot):
    files = entries(build_pack(small_deck, snapshot=bundled_snapshot))
    for name, blob in files.items():
        if not name.endswith(".csv"):
            continue
        text = blob.decode("utf-8")
        assert not re.search(r"\.\d{7,}", text), name  # no float noise
        frame = pd.read_csv(io.StringIO(text))
        chart_csv = any(
            name.startswith(p.stem) and p.slide.chart is not None for p in pages_of(small_deck)
        )
        if chart_csv:
            assert {"source", "vintage", "credit"} <= set(frame.columns), name
            ids = {s.id for s in bundled_snapshot.descriptor.sources}
            assert not set(frame["source"].astype(str)) & ids, name  # readable release names
            assert frame["credit"].str.startswith("Credit: ").all()


@chromium
@needs_chromium
def test_table_pictures_show_whole_tables(small_deck, bundled_snapshot):
    files = entries(build_pack(small_deck, snapshot=bundled_snapshot))
    for page in pages_of(small_deck):
        if page.slide.table is None:
            continue
        start, end = page.rows
        frame = pd.read_csv(io.BytesIO(files[f"{page.stem}.csv"]))
        assert len(frame) == end - start
        img = Image.open(io.BytesIO(files[f"{page.stem}.png"]))
        assert img.size == (1920, 1080)


@chromium
@needs_chromium
def test_readme_lists_files_slides_and_licences(small_deck, bundled_snapshot):
    files = entries(build_pack(small_deck, snapshot=bundled_snapshot))
    readme = files["README.txt"].decode("utf-8")
    for name in files:
        if name != "README.txt":
            assert name in readme
    for page in pages_of(small_deck):
        assert page.title in readme
    assert "CC BY 4.0" in readme and "ITU" in readme and small_deck.options.title in readme


@chromium
@needs_chromium
def test_pack_is_reproducible(small_deck, bundled_snapshot):
    assert build_pack(small_deck, snapshot=bundled_snapshot) == build_pack(
        small_deck, snapshot=bundled_snapshot
    )


def test_pack_without_chromium_has_the_data_and_says_why(monkeypatch, bundled_snapshot, catalogue):
    monkeypatch.setenv(renderer.CHROMIUM_ENV, "/nonexistent/chromium")
    deck = prepare_deck(bundled_snapshot, catalogue, options=StoryOptions(slides=("internet_use",)))
    files = entries(build_pack(deck, snapshot=bundled_snapshot))
    assert not any(name.endswith((".png", ".svg")) for name in files)
    assert "01-internet_use.csv" in files
    assert "apt-get install chromium" in files["README.txt"].decode("utf-8")


def test_zip_helpers_sort_entries_and_fix_timestamps():
    data = zip_entries({"b.txt": b"2", "a.txt": b"1"})
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert [i.filename for i in zf.infolist()] == ["a.txt", "b.txt"]
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:  # entries stamped with the current time
        zf.writestr("z.xml", b"<z/>")
        zf.writestr("a.xml", b"<a/>")
    again = stable_zip(buffer.getvalue())
    with zipfile.ZipFile(io.BytesIO(again)) as zf:
        assert [i.filename for i in zf.infolist()] == ["z.xml", "a.xml"]  # order kept
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert stable_zip(again) == again
