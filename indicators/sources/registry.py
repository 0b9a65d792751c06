"""One table of loaders: the name `sources.yaml` gives a loader -> the function that runs it.

Every loader takes the raw folder and its declaration and returns a `LoadedSource`: the
observations it kept (tidy schema, catalogue codes), the raw files it read, the values it
dropped and why, and, for reference files, the reference tables it read. The build calls
``LOADERS[decl.loader](raw, decl)`` for every declaration, so adding a format means writing its
reader and registering it here, nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from indicators.declared import FrozenMap
from indicators.errors import SourceFormatError, WsisDataError
from indicators.schema import DroppedValue, concat_observations, empty_observations
from indicators.sources import (
    ddf,
    itu_datahub,
    itu_keyict,
    wb_classification,
    wb_csv,
    wb_long,
)
from indicators.sources.declarations import ReferenceDeclaration, SourceDeclaration

Declaration = SourceDeclaration | ReferenceDeclaration


@dataclass(frozen=True)
class LoadedSource:
    """What one loader read from its files.

    `observations` follows `indicators.schema` (empty for reference files); `files` are the
    paths read, relative to the raw folder; `tables` hold reference tables by name
    ("economies", "groups", "income_history", "itu_entities"); `entity_names` are the names a
    source gives its economies; `details` are facts about the files worth recording in the
    descriptor (a file's own release date, its layout variant, blocks skipped).
    """

    observations: pd.DataFrame
    files: tuple[str, ...]
    dropped: tuple[DroppedValue, ...] = ()
    tables: Mapping[str, pd.DataFrame] = field(default_factory=lambda: FrozenMap({}))
    entity_names: Mapping[str, str] = field(default_factory=lambda: FrozenMap({}))
    details: Mapping[str, Any] = field(default_factory=lambda: FrozenMap({}))
    vintage: str | None = None  # the edition found in the files, when they carry one


Loader = Callable[[Path, Any], LoadedSource]


def keep_series(frame: pd.DataFrame, series: Mapping[str, str]) -> pd.DataFrame:
    """Keep the declared series and rename them to catalogue codes."""
    kept = frame[frame["indicator"].isin(list(series))].copy()
    kept["indicator"] = kept["indicator"].map(series)
    return kept


def _source_decl(decl: Declaration) -> SourceDeclaration:
    if not isinstance(decl, SourceDeclaration):
        raise WsisDataError(f"sources.yaml: {decl.id} is declared as a reference file")
    return decl


def load_wb_indicator_csv(raw: Path, decl: Declaration) -> LoadedSource:
    """World Bank per-indicator downloads (any of their layouts)."""
    decl = _source_decl(decl)
    parts, dropped, details = [], [], {}
    for rel in decl.files:
        result = wb_csv.read_indicator_csv(raw / rel, source=decl.id, vintage=decl.vintage)
        parts.append(keep_series(result.observations, decl.series_map))
        details = {"last_updated": result.last_updated, "file_variant": result.variant}
        dropped += [
            DroppedValue.from_json({"source": decl.id, "indicator": result.indicator_code, **row})
            for row in result.dropped.to_dict("records")
        ]
    return LoadedSource(
        observations=concat_observations(parts),
        files=decl.files,
        dropped=tuple(dropped),
        details=FrozenMap(details),
    )


def load_wb_long_csv(raw: Path, decl: Declaration) -> LoadedSource:
    """World Bank API series republished as long CSVs with a datapackage, one folder each."""
    decl = _source_decl(decl)
    if decl.folder is None:
        raise WsisDataError(f"sources.yaml: source {decl.id} (wb_long_csv) names no folder")
    parts, files = [], list(decl.files)
    for code in decl.series_map:
        sub = raw / decl.folder / code.lower()
        files += [
            f"{decl.folder}/{code.lower()}/data.csv",
            f"{decl.folder}/{code.lower()}/datapackage.json",
        ]
        result = wb_long.read_long_series(sub, source=decl.id, vintage=decl.vintage)
        if result.indicator_code != code:
            raise SourceFormatError(
                sub / "datapackage.json", f"holds {result.indicator_code}, expected {code}"
            )
        parts.append(keep_series(result.observations, decl.series_map))
    return LoadedSource(observations=concat_observations(parts), files=tuple(files))


def load_ddf_datapoints(raw: Path, decl: Declaration) -> LoadedSource:
    """WDI series republished as DDF datapoints (open-numbers)."""
    decl = _source_decl(decl)
    parts = [
        keep_series(
            ddf.read_ddf_datapoints(raw / rel, source=decl.id, vintage=decl.vintage),
            decl.series_map,
        )
        for rel in decl.files
    ]
    return LoadedSource(observations=concat_observations(parts), files=decl.files)


def load_itu_datahub_csv(raw: Path, decl: Declaration) -> LoadedSource:
    """ITU DataHub country exports; ITU's names of the economies are kept for the entities."""
    decl = _source_decl(decl)
    parts, names = [], []
    for rel in decl.files:
        result = itu_datahub.read_datahub_csv(raw / rel, source=decl.id, vintage=decl.vintage)
        parts.append(keep_series(result.observations, decl.series_map))
        if result.entities is not None:
            names.append(result.entities)
    found = (
        pd.concat(names).drop_duplicates("code").set_index("code")["name"].to_dict()
        if names
        else {}
    )
    return LoadedSource(
        observations=concat_observations(parts),
        files=decl.files,
        entity_names=FrozenMap({str(k): str(v) for k, v in found.items()}),
    )


def editions_in(raw: Path, decl: SourceDeclaration) -> list[str]:
    """The declared files that exist and every other file the declaration's pattern finds,
    relative to the raw folder, declared files first."""
    found = [rel for rel in decl.files if (raw / rel).is_file()]
    if decl.pattern:
        found += sorted(
            p.relative_to(raw).as_posix() for p in raw.glob(decl.pattern) if p.is_file()
        )
    return list(dict.fromkeys(found))


def load_itu_key_ict_workbook(raw: Path, decl: Declaration) -> LoadedSource:
    """ITU's Key ICT indicator aggregates workbook (world, groups, breakdowns).

    Every edition present (the declared file and whatever the pattern finds) is read, and the
    newest edition is used (the declared file wins a tie); the details say which files and
    editions were found and which one was used.
    """
    decl = _source_decl(decl)
    candidates = editions_in(raw, decl)
    if not candidates:
        missing = decl.files[0] if decl.files else decl.pattern
        raise SourceFormatError(raw / str(missing), "file not found in the raw folder")
    read = [
        (rel, itu_keyict.read_key_ict_workbook(raw / rel, source=decl.id)) for rel in candidates
    ]
    rel, result = max(read, key=lambda pair: pair[1].vintage)  # max keeps the first of a tie
    details = {
        "editions_found": [f"{r} ({w.vintage})" for r, w in read],
        "edition_used": f"{rel} ({result.vintage})",
        "skipped_blocks": list(result.skipped),
        "conflicts": len(result.conflicts),
    }
    return LoadedSource(
        observations=concat_observations([result.observations]),
        files=(rel,),
        tables=FrozenMap({"itu_entities": result.entities}),
        details=FrozenMap(details),
        vintage=result.vintage,
    )


def load_wb_country_metadata(raw: Path, decl: Declaration) -> LoadedSource:
    """WDI country metadata: region and income group of every economy, and the aggregates."""
    (rel,) = decl.files
    metadata = wb_csv.read_country_metadata(raw / rel)
    return LoadedSource(
        observations=empty_observations(),
        files=decl.files,
        tables=FrozenMap({"metadata": metadata}),
    )


def load_wb_class_workbook(raw: Path, decl: Declaration) -> LoadedSource:
    """CLASS.xlsx: economies with lending category and the members of every group."""
    (rel,) = decl.files
    klass = wb_classification.read_class_workbook(raw / rel)
    return LoadedSource(
        observations=empty_observations(),
        files=decl.files,
        tables=FrozenMap({"economies": klass.economies, "groups": klass.groups}),
    )


def load_wb_income_history(raw: Path, decl: Declaration) -> LoadedSource:
    """OGHIST: the income group of every economy in every fiscal year since FY89."""
    (rel,) = decl.files
    history = wb_classification.read_income_history(raw / rel)
    return LoadedSource(
        observations=empty_observations(),
        files=decl.files,
        tables=FrozenMap({"income_history": history}),
    )


LOADERS: Mapping[str, Loader] = FrozenMap(
    {
        "wb_indicator_csv": load_wb_indicator_csv,
        "wb_long_csv": load_wb_long_csv,
        "ddf_datapoints": load_ddf_datapoints,
        "itu_datahub_csv": load_itu_datahub_csv,
        "itu_key_ict_workbook": load_itu_key_ict_workbook,
        "wb_country_metadata": load_wb_country_metadata,
        "wb_class_workbook": load_wb_class_workbook,
        "wb_income_history": load_wb_income_history,
    }
)


def run_loader(raw: Path, decl: Declaration) -> LoadedSource:
    """Run the loader a declaration names (an unknown name is an error naming the source)."""
    loader = LOADERS.get(decl.loader)
    if loader is None:
        raise WsisDataError(
            f"sources.yaml: {decl.id} names unknown loader {decl.loader!r} "
            f"(known: {', '.join(sorted(LOADERS))})"
        )
    return loader(raw, decl)
