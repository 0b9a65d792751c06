"""The loader registry: one table, one result type, unknown loaders refused with the choices."""

from __future__ import annotations

import dataclasses

import pytest

from indicators.errors import WsisDataError
from indicators.schema import OBSERVATION_COLUMNS
from indicators.sources.declarations import load_source_declarations
from indicators.sources.registry import LOADERS, LoadedSource, run_loader

DECLS = load_source_declarations()


def test_every_declared_loader_is_registered_once() -> None:
    used = {d.loader for d in (*DECLS.sources, *DECLS.reference)}
    assert used == set(LOADERS)


def test_an_unknown_loader_is_refused_with_the_choices(tmp_path) -> None:
    decl = dataclasses.replace(DECLS.sources[0], loader="csv_from_mars")
    with pytest.raises(WsisDataError, match=r"unknown loader 'csv_from_mars'.*wb_indicator_csv"):
        run_loader(tmp_path, decl)


@pytest.mark.shared
@pytest.mark.parametrize("decl", [*DECLS.sources, *DECLS.reference], ids=lambda d: d.id)
def test_every_loader_returns_a_loaded_source(decl, raw_dir) -> None:
    loaded = run_loader(raw_dir, decl)
    assert isinstance(loaded, LoadedSource)
    assert tuple(loaded.observations.columns) == OBSERVATION_COLUMNS
    assert loaded.files and all((raw_dir / f).is_file() for f in loaded.files)
    if decl in DECLS.sources:
        assert len(loaded.observations) > 0
        assert set(loaded.observations["source"]) == {decl.id}
        if decl.series:  # the Key ICT workbook keeps every rate it recognises
            assert set(loaded.observations["indicator"]) <= set(decl.series_map.values())
    else:
        assert loaded.observations.empty and loaded.tables
