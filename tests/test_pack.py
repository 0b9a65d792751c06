"""The presentation pack (zip): entries, images, CSVs, README, reproducible bytes, no chromium."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile

import pandas as pd
from PIL import Image
from test_deck import fixture_deck
from test_export import chromium, needs_chromium

from dashboard.deck.pack import build_pack, stable_zip, zip_entries
from dashboard.exports import renderer


def entries(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {i.filename: zf.read(i.filename) for i in zf.infolist()}


@chromium
@needs_chromium
def test_pack_holds_png_svg_csv_per_slide_and_a_readme():
    deck = fixture_deck()
    files = entries(build_pack(deck))
    stems = [f"{i:02d}-{s.id}" for i, s in enumerate(deck.slides, start=1)]
    expected = {f"{stem}{ext}" for stem in stems for ext in (".png", ".svg", ".csv")}
    assert set(files) == expected | {"README.txt", "claims-check.csv"}
    for stem, slide in zip(stems, deck.slides, strict=True):
        back = pd.read_csv(io.BytesIO(files[f"{stem}.csv"]))
        assert back.shape == slide.chart.data.shape
        assert back["value"].tolist() == slide.chart.data["value"].tolist()
        img = Image.open(io.BytesIO(files[f"{stem}.png"]))
        assert img.size[0] == 1920
        assert slide.chart.title in " ".join(ET.fromstring(files[f"{stem}.svg"]).itertext())
    assert files["01-first.png"] == deck.images["first"]  # the deck's picture, not a re-render


@chromium
@needs_chromium
def test_readme_lists_files_sources_vintages_and_licences():
    deck = fixture_deck()
    readme = entries(build_pack(deck))["README.txt"].decode("utf-8")
    assert deck.options.title in readme and deck.snapshot_id in readme
    for name in ("01-first.png", "02-second.svg", "03-table.csv", "claims-check.csv"):
        assert name in readme
    for slide in deck.slides:
        assert slide.headline in readme
    assert "fixture-vintage" in readme
    assert "CC BY 4.0" in readme and "ITU" in readme and "before" in readme


@chromium
@needs_chromium
def test_pack_is_reproducible():
    assert build_pack(fixture_deck()) == build_pack(fixture_deck())


def test_pack_without_chromium_has_data_and_says_why(monkeypatch):
    monkeypatch.setenv(renderer.CHROMIUM_ENV, "/nonexistent/chromium")
    deck = fixture_deck()
    files = entries(build_pack(deck))
    assert not any(name.endswith((".png", ".svg")) for name in files)
    assert {"01-first.csv", "02-second.csv", "03-table.csv", "README.txt"} <= set(files)
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
