"""The source declarations (`indicators/sources/sources.yaml`): typed, known loaders and datasets,
every declared file present in the raw folder, and mistakes refused with the entry named."""

from __future__ import annotations

import copy
import dataclasses

import pytest
import yaml

from indicators.catalogue import load_catalogue
from indicators.declared import DeclarationError
from indicators.errors import UnknownCodeError
from indicators.sources.declarations import (
    SOURCES_PATH,
    SourceDeclaration,
    load_source_declarations,
    parse_source_declarations,
)
from indicators.sources.registry import LOADERS

DECLS = load_source_declarations()
DOCUMENT = yaml.safe_load(SOURCES_PATH.read_text(encoding="utf-8"))
CAT = load_catalogue()


def test_the_file_declares_sources_reference_files_and_omissions() -> None:
    assert len(DECLS.sources) == len(DOCUMENT["sources"]) >= 5
    assert len(DECLS.reference) == len(DOCUMENT["reference"]) == 3
    assert all(n.what and n.why for n in DECLS.not_used)


@pytest.mark.parametrize("decl", [*DECLS.sources, *DECLS.reference], ids=lambda d: d.id)
def test_every_declaration_names_a_registered_loader_and_a_known_dataset(decl) -> None:
    assert decl.loader in LOADERS
    assert CAT.dataset(decl.dataset).attribution
    assert decl.vintage and decl.title
    assert decl.origin.repository and decl.origin.commit and decl.origin.note


@pytest.mark.parametrize("decl", DECLS.sources, ids=lambda d: d.id)
def test_every_kept_series_is_a_catalogue_indicator(decl: SourceDeclaration) -> None:
    assert set(decl.series_map.values()) <= set(CAT.codes)
    assert decl.label


def test_declarations_are_immutable() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        DECLS.sources[0].vintage = "other"  # type: ignore[misc]
    assert isinstance(DECLS.sources[0].files, tuple)


def test_lookups_name_the_unknown_id() -> None:
    assert DECLS.source(DECLS.sources[0].id) is DECLS.sources[0]
    with pytest.raises(UnknownCodeError, match="nope"):
        DECLS.source("nope")
    with pytest.raises(UnknownCodeError, match="nope"):
        DECLS.reference_for("nope")


@pytest.mark.shared
@pytest.mark.parametrize("decl", [*DECLS.sources, *DECLS.reference], ids=lambda d: d.id)
def test_every_declared_file_is_in_the_raw_folder(decl, raw_dir) -> None:
    for rel in decl.files:
        assert (raw_dir / rel).is_file(), rel
    if isinstance(decl, SourceDeclaration) and decl.folder:
        for code in decl.series_map:
            assert (raw_dir / decl.folder / code.lower() / "data.csv").is_file(), code


def broken(change) -> dict:
    document = copy.deepcopy(DOCUMENT)
    change(document)
    return document


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["sources"][0].pop("vintage"), "source wdi_2026_07 lacks the field 'vintage'"),
        (lambda d: d["sources"][0].update(series=["x"]), "series must map"),
        (lambda d: d["sources"][0].update(files="one.csv"), "files must be a list"),
        (lambda d: d["sources"][0].update(origin={"color": "red"}), "unknown fields"),
        (lambda d: d["reference"][0].update(files=["a", "b"]), "exactly one file"),
        (lambda d: d["sources"].append(d["sources"][0]), "more than once"),
        (lambda d: d.pop("reference"), "lacks the field 'reference'"),
    ],
)
def test_mistakes_are_refused_naming_the_entry(change, message) -> None:
    with pytest.raises(DeclarationError, match=message):
        parse_source_declarations(broken(change))
