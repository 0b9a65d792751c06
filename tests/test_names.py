"""Economies are named as the UN names them (ITU's names, abbreviations written out, else ISO
3166 via pycountry), keep their World Bank codes and names, and are found by common aliases."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.views.choices import find_entities
from indicators.sources.names import ISO_SOURCE, ITU_SOURCE, WB_SOURCE, un_names, written_out


def test_the_rule_prefers_itu_then_iso_then_the_world_bank() -> None:
    names = un_names(
        ["XAA", "NOR", "XZZ"],
        itu_names={"XAA": "Dem. Rep. of Fixture"},
        wb_names={"XAA": "Fixture, Dem. Rep.", "NOR": "Norway (WB)", "XZZ": "Fixture land"},
    ).set_index("code")
    assert names.loc["XAA", "name"] == "Democratic Republic of Fixture"
    assert names.loc["XAA", "name_source"] == ITU_SOURCE
    assert (
        names.loc["NOR", "name_source"] == ISO_SOURCE
        and "Norway (WB)" in names.loc["NOR", "aliases"]
    )
    assert (
        names.loc["XZZ", "name"] == "Fixture land" and names.loc["XZZ", "name_source"] == WB_SOURCE
    )
    assert names.loc["XAA", "wb_name"] == "Fixture, Dem. Rep."


def test_abbreviations_are_written_out_and_nothing_else_changes() -> None:
    assert written_out("Central African Rep.") == "Central African Republic"
    assert written_out("St. Pierre & Miquelon") == "Saint Pierre and Miquelon"
    assert written_out("Bolivia (Plurinational State of)") == "Bolivia (Plurinational State of)"


@pytest.mark.parametrize(
    ("code", "world_bank_name"),
    [("EGY", "Egypt, Arab Rep."), ("PSE", "West Bank and Gaza"), ("TWN", "Taiwan, China")],
)
def test_the_bundled_snapshot_shows_un_names_and_keeps_the_world_banks(
    bundled_snapshot, code: str, world_bank_name: str
) -> None:
    row = bundled_snapshot.entity_index.loc[code]
    assert row["wb_name"] == world_bank_name and row["name"] != world_bank_name
    assert world_bank_name in row["aliases"].split("; ")


def test_every_economy_has_a_name_and_its_source(bundled_snapshot) -> None:
    eco = bundled_snapshot.entities[bundled_snapshot.entities["kind"] == "economy"]
    assert eco["name"].notna().all() and set(eco["name_source"]) <= {
        ITU_SOURCE,
        ISO_SOURCE,
        WB_SOURCE,
    }
    counts = eco["name_source"].value_counts().to_dict()
    assert dict(bundled_snapshot.descriptor.names["by_source"]) == counts
    assert not eco["name"].str.contains(r"\b(?:Rep|Dem|Is)\.", regex=True).any()


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("Palestin", "PSE"),
        ("Turkey", "TUR"),
        ("Ivory Coast", "CIV"),
        ("Egypt, Arab Rep.", "EGY"),
        ("south korea", "KOR"),
        ("KEN", "KEN"),
    ],
)
def test_search_finds_common_aliases(bundled_snapshot, catalogue, query: str, code: str) -> None:
    found = find_entities(bundled_snapshot, catalogue, query=query)
    assert found and found[0] == code


def test_search_for_nothing_finds_nothing(bundled_snapshot, catalogue) -> None:
    assert find_entities(bundled_snapshot, catalogue, query="  ") == []
    assert find_entities(bundled_snapshot, catalogue, query="Atlantis") == []


def test_names_table_has_its_columns() -> None:
    frame = un_names([], itu_names={}, wb_names={})
    assert isinstance(frame, pd.DataFrame) and list(frame.columns)[:2] == ["code", "name"]
