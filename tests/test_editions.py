"""Editions: the ITU Key ICT loader takes every edition of the workbook in the raw folder and
uses the newest, saying which; a newer edition we do not bundle is named beside the figures of
the older one (source lines, card captions, citations). Later editions here are fixture
workbooks written by code with a later edition stamp."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest
from test_itu_keyict import VERSION_NOTE, build_workbook, edit

from indicators.sources.declarations import load_source_declarations
from indicators.sources.registry import run_loader

DECL = load_source_declarations().source("itu_key_ict")
FOLDER = "itu_key_ict_aggregates"


def fixture_edition(folder: Path, name: str, stamp: str) -> Path:
    """A fixture workbook whose every sheet carries the version line `stamp`."""
    path = folder / name
    build_workbook(path)

    def restamp(book) -> None:
        for ws in book.worksheets:
            for row in range(1, ws.max_row + 1):
                if ws.cell(row=row, column=1).value == VERSION_NOTE:
                    ws.cell(row=row, column=1).value = stamp

    return edit(path, restamp)


@pytest.fixture
def two_editions(tmp_path: Path) -> Path:
    folder = tmp_path / FOLDER
    folder.mkdir()
    fixture_edition(folder, Path(DECL.files[0]).name, VERSION_NOTE)
    later = "Version November 2025, for Facts and Figures 2025"
    fixture_edition(folder, "ITU_regional_global_Key_ICT_indicator_aggregates_Nov_2025.xlsx", later)
    return tmp_path


def test_the_newest_edition_is_used_and_both_are_named(two_editions: Path) -> None:
    loaded = run_loader(two_editions, DECL)
    assert loaded.vintage == "2025-11"
    assert loaded.files == (
        f"{FOLDER}/ITU_regional_global_Key_ICT_indicator_aggregates_Nov_2025.xlsx",
    )
    assert set(loaded.observations["vintage"]) == {"2025-11"}
    assert len(loaded.details["editions_found"]) == 2
    assert loaded.details["edition_used"].endswith("(2025-11)")


def test_only_the_declared_edition_is_the_declared_one(tmp_path: Path) -> None:
    folder = tmp_path / FOLDER
    folder.mkdir()
    fixture_edition(folder, Path(DECL.files[0]).name, VERSION_NOTE)
    loaded = run_loader(tmp_path, DECL)
    assert loaded.vintage == "2024-11" and loaded.files == DECL.files


def test_an_edition_found_by_the_pattern_alone_is_used(tmp_path: Path) -> None:
    folder = tmp_path / FOLDER
    folder.mkdir()
    fixture_edition(folder, "ITU_regional_global_Key_ICT_indicator_aggregates_2026.xlsx",
                    "Version March 2026, for Facts and Figures 2026")  # fmt: skip
    loaded = run_loader(tmp_path, DECL)
    assert loaded.vintage == "2026-03"
    nothing = dataclasses.replace(DECL, pattern=None)
    with pytest.raises(Exception, match="file not found"):
        run_loader(tmp_path, nothing)


def test_labels_follow_the_edition_used() -> None:
    assert DECL.named(DECL.label, vintage="2025-11").endswith("November 2025")
    assert "Facts and Figures 2025" in DECL.named(DECL.title, vintage="2025-11")


@pytest.mark.shared
def test_a_newer_workbook_in_the_raw_folder_reaches_every_figure(
    raw_dir: Path, tmp_path: Path
) -> None:
    """The real raw files plus a later edition of the Key ICT workbook: the build uses it,
    says so, and no longer names a newer edition."""
    from indicators.store.build import build_tables

    raw = tmp_path / "raw"
    raw.mkdir()
    for entry in raw_dir.iterdir():
        if entry.name != FOLDER:
            os.symlink(entry, raw / entry.name)
    folder = raw / FOLDER
    folder.mkdir()
    os.symlink(raw_dir / DECL.files[0], raw / DECL.files[0])
    later = "ITU_regional_global_Key_ICT_indicator_aggregates_Nov_2025.xlsx"
    fixture_edition(folder, later, "Version November 2025, for Facts and Figures 2025")
    said: list[str] = []
    tables = build_tables(raw, progress=said.append)
    src = next(s for s in tables.descriptor.sources if s.id == DECL.id)
    assert src.vintage == "2025-11" and src.label.endswith("November 2025")
    assert src.newer_edition is None and src.edition_note == ""
    assert "not a declared copy" in (src.origin.note or "")
    assert any("using" in line and "Nov_2025" in line and "newest" in line for line in said)


def test_the_bundled_snapshot_names_the_newer_edition_beside_itu_figures(
    bundled_snapshot, catalogue
) -> None:
    from dashboard.figures.inequality import breakdown_levels
    from dashboard.views.cards import gender_parity_card

    src = bundled_snapshot.source(DECL.id)
    assert src.newer_edition is not None and src.newer_edition.published > src.vintage
    chart = breakdown_levels(bundled_snapshot, catalogue, pair=("urban", "rural"))
    assert src.newer_edition.name in chart.source
    card = gender_parity_card(bundled_snapshot, catalogue)
    assert src.newer_edition.name in card.caption
