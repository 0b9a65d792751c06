"""AppTest of the Data and sources page with the bundled snapshot."""

from __future__ import annotations

import base64
import json

import numpy as np
from apptest import page_test
from streamlit.testing.v1 import AppTest

from indicators.catalogue import load_catalogue


def run(tab: str | None = None) -> AppTest:
    at = page_test("sources", timeout=60)
    at.run()
    if tab is not None:
        at.session_state["sources-tab"] = tab
        at.run()
    assert not at.exception, at.exception
    return at


def heatmap_z(at: AppTest) -> np.ndarray:
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    z = spec["data"][0]["z"]
    if isinstance(z, dict):
        arr = np.frombuffer(base64.b64decode(z["bdata"]), dtype=np.dtype(z["dtype"]))
        return arr.reshape([int(n) for n in str(z["shape"]).split(",")])
    return np.asarray(z, dtype=float)


def test_renders_the_rule_the_caveat_and_the_catalogue(bundled_snapshot):
    at = run()
    assert at.title[0].value == "Data and sources"
    text = " ".join(m.value for m in at.markdown)
    assert "two-thirds" in text and "weighted by their population" in text
    itu = bundled_snapshot.wide("i99H").loc["ITU_WLD"].dropna()
    wb = bundled_snapshot.wide("IT.NET.USER.ZS").loc["WLD"].dropna()
    year = max(set(itu.index) & set(wb.index))
    assert f"{itu[year]:.1f}%" in text and f"{wb[year]:.1f}%" in text and str(year) in text
    table = at.dataframe[0].value
    assert list(table["code"]) == list(load_catalogue().codes)


def test_catalogue_search_filters_rows():
    at = run()
    at.text_input(key="catalogue-search").input("broadband").run()
    table = at.dataframe[0].value
    assert 0 < len(table) < len(load_catalogue().indicators)
    assert table.astype(str).agg(" ".join, axis=1).str.lower().str.contains("broadband").all()


def test_sources_tab_lists_every_source_and_file(bundled_snapshot):
    at = run("Sources")
    sources, files = at.dataframe[0].value, at.dataframe[1].value
    desc = bundled_snapshot.descriptor
    assert set(sources["id"]) == {s.id for s in (*desc.sources, *desc.reference)}
    assert set(files["sha256"]) == {
        f.sha256 for s in (*desc.sources, *desc.reference) for f in s.files
    }


def test_snapshot_tab_shows_the_descriptor(bundled_snapshot):
    at = run("Snapshot")
    summary = at.dataframe[0].value.set_index("field")["value"]
    assert summary["snapshot id"] == bundled_snapshot.id
    assert len(at.dataframe[1].value) == len(bundled_snapshot.descriptor.dropped)
    assert len(at.dataframe[2].value) == len(bundled_snapshot.descriptor.not_used)


def test_coverage_tab_counts_economies(bundled_snapshot):
    at = run("Coverage")
    z = heatmap_z(at)
    cat = load_catalogue()
    codes = [c for c in cat.codes if len(bundled_snapshot.rows(c))]
    kinds = bundled_snapshot.entity_index["kind"]
    rows = bundled_snapshot.rows("IT.NET.USER.ZS")
    econ = rows[rows["economy"].astype(str).map(kinds).eq("economy")]
    first_year = int(bundled_snapshot.observations["year"].min())
    counts = econ.groupby("year").size()
    row = z[codes.index("IT.NET.USER.ZS")]
    for year, n in counts.items():
        assert row[int(year) - first_year] == n


def test_aggregates_tab_compares_computed_and_published(bundled_snapshot):
    at = run("Aggregates")
    assert at.get("plotly_chart")
    comp = at.dataframe[0].value
    wld = comp[comp["group"] == "WLD"].set_index("year")
    published = bundled_snapshot.wide("IT.NET.USER.ZS").loc["WLD"].dropna()
    common = published.index.intersection(wld.index)
    assert len(common) > 10
    assert np.allclose(wld.loc[common, "published_wb"], published[common])
    rows = bundled_snapshot.rows("i99H")
    itu_rows = rows[
        rows["economy"].astype(str).map(bundled_snapshot.entity_index["kind"]) == "itu_aggregate"
    ]
    assert set(comp["itu_vintage"].dropna()) == set(itu_rows["vintage"].astype(str))


def test_download_tab_offers_the_snapshot(bundled_snapshot):
    at = run("Download")
    labels = [b.label for b in at.get("download_button")]
    assert any(f"{bundled_snapshot.descriptor.row_count:,}" in label for label in labels)
    assert any("descriptor" in label for label in labels)


def test_how_to_read_tab_gives_every_note_of_the_reading_guide(bundled_snapshot):
    from indicators.narrative.reading import reading_notes

    at = run("How to read")
    text = " ".join(m.value for m in at.markdown)
    notes = reading_notes(bundled_snapshot)
    assert notes
    for note in notes:
        assert note.heading in text
    newer = [s.newer_edition for s in bundled_snapshot.descriptor.sources if s.newer_edition]
    for edition in newer:
        assert edition.name in text
