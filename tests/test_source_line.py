"""The one rule for source lines (dashboard.figures.chart.source_line): every release and
reference file behind a figure is cited, each producer named once."""

from __future__ import annotations

from dashboard.figures.chart import cited_as, source_line


def test_a_source_line_names_each_producer_once_and_cites_reference_files(
    bundled_snapshot, catalogue
):
    history = bundled_snapshot.descriptor.reference_for("wb_income_history")
    ids = ["wdi_2026_07", "wb_api_2026_07_01", history.id]
    line = source_line(bundled_snapshot, catalogue, ids)
    producer, _, licence = cited_as(bundled_snapshot, catalogue, "wdi_2026_07")
    assert line.count(producer) == 1 and line.count(licence) == 1
    assert history.title in line
    for sid in ids[:2]:
        assert bundled_snapshot.source(sid).label in line


def test_an_unknown_id_is_cited_as_it_is(bundled_snapshot, catalogue):
    assert cited_as(bundled_snapshot, catalogue, "no-such-id") == ("", "no-such-id", "")
    assert "no-such-id" in source_line(bundled_snapshot, catalogue, ["no-such-id"])


def test_a_newer_edition_is_named_once(bundled_snapshot, catalogue):
    src = bundled_snapshot.source("itu_key_ict")
    line = source_line(bundled_snapshot, catalogue, ["itu_key_ict", "itu_key_ict; wdi_2026_07"])
    assert src.edition_note and line.count(src.edition_note) == 1
