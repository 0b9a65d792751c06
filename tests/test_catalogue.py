"""The catalogue itself: unique codes, known references, every area measured or its gap stated."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from indicators.catalogue import (
    CATALOGUE_PATH,
    CatalogueError,
    load_catalogue,
    parse_catalogue,
    read_catalogue,
    validate,
)
from indicators.errors import UnknownCodeError
from indicators.store.snapshot import load_snapshot

CATALOGUE = load_catalogue()
DOCUMENT = yaml.safe_load(CATALOGUE_PATH.read_text(encoding="utf-8"))


def test_catalogue_is_sound() -> None:
    assert validate(CATALOGUE) == []


def test_thirteen_areas_in_briefing_order() -> None:
    assert [a.number for a in CATALOGUE.areas] == list(range(1, 14))
    assert CATALOGUE.areas[0].id == "access"
    assert CATALOGUE.areas[-1].id == "governance"


def test_codes_are_unique() -> None:
    assert len(set(CATALOGUE.codes)) == len(CATALOGUE.codes)


@pytest.mark.parametrize("area", CATALOGUE.areas, ids=lambda a: a.id)
def test_every_area_has_status_and_measures_or_gap(area) -> None:
    assert area.status in {"measured", "partial", "gap"}
    if CATALOGUE.measures(area.id):
        assert area.status in {"measured", "partial"}
    else:
        assert area.status == "gap"
        assert "snapshot" in area.gap_statement
        assert area.gap_source


@pytest.mark.parametrize("ind", CATALOGUE.indicators, ids=lambda i: i.code)
def test_every_indicator_is_in_the_bundled_snapshot(ind) -> None:
    snap = load_snapshot()
    assert len(snap.rows(ind.code)) > 0, f"{ind.code} has no rows in the bundled snapshot"


@pytest.mark.parametrize("ind", CATALOGUE.indicators, ids=lambda i: i.code)
def test_every_indicator_credits_a_known_dataset(ind) -> None:
    dataset = CATALOGUE.dataset(ind.dataset)
    assert dataset.licence and dataset.attribution


def test_pairs_are_reciprocal() -> None:
    total = CATALOGUE.indicator("IT.NET.USER.ZS")
    female = CATALOGUE.indicator(total.breakdown("female"))
    male = CATALOGUE.indicator(total.breakdown("male"))
    assert female.breakdown("total") == male.breakdown("total") == total.code
    assert female.breakdown("male") == male.code and male.breakdown("female") == female.code


def test_sex_series_are_weighted_by_sex_population() -> None:
    assert CATALOGUE.indicator("IT.NET.USER.FE.ZS").weight == "SP.POP.TOTL.FE.IN"
    assert CATALOGUE.indicator("IT.NET.USER.MA.ZS").weight == "SP.POP.TOTL.MA.IN"


def test_targets_have_sources_and_confirmation() -> None:
    targets = CATALOGUE.targets()
    assert {t.source for t in targets} == {"umc2030", "bbc2025"}
    for tgt in targets:
        assert tgt.source_text and isinstance(tgt.confirmed, bool)


def test_target_comparators() -> None:
    tgt = CATALOGUE.target("bbc_affordability_fixed_2025")
    assert tgt.is_met(tgt.value - 0.01) and not tgt.is_met(tgt.value)
    band = CATALOGUE.target("umc_gender_parity_2030")
    assert band.is_met(1.0) and not band.is_met(band.upper + 0.01)
    assert not band.is_met(float("nan"))


def test_primary_series_per_concept() -> None:
    for ind in CATALOGUE.indicators:
        if ind.same_concept_as:
            assert CATALOGUE.indicator(ind.same_concept_as).primary


def test_unknown_lookups_name_the_code() -> None:
    with pytest.raises(UnknownCodeError, match="NOPE"):
        CATALOGUE.indicator("NOPE")
    with pytest.raises(UnknownCodeError, match="nowhere"):
        CATALOGUE.area("nowhere")


def _broken(mutate) -> list[str]:
    doc = copy.deepcopy(DOCUMENT)
    mutate(doc)
    return validate(parse_catalogue(doc))


def test_validation_catches_a_duplicate_code() -> None:
    problems = _broken(lambda d: d["indicators"].append(copy.deepcopy(d["indicators"][0])))
    assert any("declared twice" in p for p in problems)


def test_validation_catches_an_unknown_area() -> None:
    problems = _broken(lambda d: d["indicators"][0]["areas"].append("moon"))
    assert any("unknown area moon" in p for p in problems)


def test_validation_catches_an_area_without_measure_or_gap() -> None:
    def mutate(doc):
        area = next(a for a in doc["areas"] if a["id"] == "ai")
        area.pop("gap")

    assert any("area ai" in p for p in _broken(mutate))


def test_validation_catches_a_one_sided_pair() -> None:
    def mutate(doc):
        ind = next(i for i in doc["indicators"] if i["code"] == "IT.NET.USER.MA.ZS")
        ind["breakdowns"] = {"total": "IT.NET.USER.ZS"}

    assert any("IT.NET.USER.MA.ZS" in p or "IT.NET.USER.FE.ZS" in p for p in _broken(mutate))


def test_validation_catches_a_weightless_mean() -> None:
    def mutate(doc):
        doc["indicators"][0]["weight"] = "NOT.A.CODE"

    assert any("without a known weight" in p for p in _broken(mutate))


def test_missing_field_names_the_indicator(tmp_path: Path) -> None:
    doc = copy.deepcopy(DOCUMENT)
    del doc["indicators"][0]["unit"]
    path = tmp_path / "catalogue.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"IT.NET.USER.ZS lacks the field 'unit'"):
        read_catalogue(path)


def test_unreadable_catalogue(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.yaml"
    path.write_text("areas: [unclosed", encoding="utf-8")
    with pytest.raises(CatalogueError, match="cannot read"):
        read_catalogue(path)
