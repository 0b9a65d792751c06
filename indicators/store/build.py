"""Build the snapshot from the raw source files declared in `sources.yaml`.

Deterministic: the same raw files give byte-identical tables (rows sorted by key, no timestamps
inside the tables). The descriptor's build time comes from SOURCE_DATE_EPOCH when it is set, so a
reproducible build can pin it too.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from indicators.catalogue import Catalogue, load_catalogue
from indicators.declared import frozen
from indicators.errors import SourceFormatError, WsisDataError
from indicators.schema import DroppedValue, concat_observations, normalise_observations
from indicators.sources.declarations import (
    Origin,
    ReferenceDeclaration,
    SourceDeclaration,
    SourceDeclarations,
    load_source_declarations,
)
from indicators.sources.names import ITU_SOURCE, WB_SOURCE, libraries, un_names
from indicators.sources.registry import LoadedSource, run_loader
from indicators.store.descriptor import (
    DerivedEntry,
    Descriptor,
    FileEntry,
    LicenceEntry,
    ReferenceEntry,
    SourceEntry,
)
from indicators.store.snapshot import sha256_file, write_snapshot

# World Bank region names of the FY26 metadata -> region aggregate codes.
REGION_CODES = {
    "East Asia & Pacific": "EAS",
    "Europe & Central Asia": "ECS",
    "Latin America & Caribbean": "LCN",
    "Middle East & North Africa": "MEA",
    "Middle East, North Africa, Afghanistan & Pakistan": "MEA",
    "North America": "NAC",
    "South Asia": "SAS",
    "Sub-Saharan Africa": "SSF",
}
INCOME_CODES = {
    "Low income": "LIC",
    "Lower middle income": "LMC",
    "Upper middle income": "UMC",
    "High income": "HIC",
}
# Groups whose composition follows from region and income group (FY26), not from CLASS (FY25).
COMPOSITE_INCOME = {"LMY": ("LIC", "LMC", "UMC"), "MIC": ("LMC", "UMC")}
ITU_WB_EQUIVALENT = {
    "ITU_WLD": "WLD",
    "ITU_LIC": "LIC",
    "ITU_LMC": "LMC",
    "ITU_UMC": "UMC",
    "ITU_HIC": "HIC",
    "ITU_LDC": "LDC",
}


@dataclass(frozen=True)
class BuiltTables:
    """Everything a snapshot holds, before it is written."""

    observations: pd.DataFrame
    entities: pd.DataFrame
    memberships: pd.DataFrame
    income_history: pd.DataFrame
    descriptor: Descriptor


Progress = Callable[[str], None]


def file_entries(raw: Path, relpaths: Sequence[str]) -> tuple[FileEntry, ...]:
    """Size and sha256 of each raw file read (a declared file that is missing is an error)."""
    entries = []
    for rel in relpaths:
        path = raw / rel
        if not path.is_file():
            raise SourceFormatError(path, "file not found in the raw folder")
        entries.append(FileEntry(path=rel, bytes=path.stat().st_size, sha256=sha256_file(path)))
    return tuple(entries)


def source_entry(
    raw: Path, decl: SourceDeclaration, loaded: LoadedSource, catalogue: Catalogue
) -> SourceEntry:
    """The descriptor entry of one source: its declaration, files, series and credit."""
    dataset = catalogue.dataset(decl.dataset)
    vintage = loaded.vintage or decl.vintage
    declared_copy = set(loaded.files) <= set(decl.files)
    origin = (
        decl.origin
        if declared_copy
        else Origin(
            note=f"Found in the raw folder by the pattern {decl.pattern}; not a declared copy."
        )
    )
    newer = decl.newer_edition
    return SourceEntry(
        id=decl.id,
        title=decl.named(decl.title, vintage=vintage),
        label=decl.named(decl.label, vintage=vintage),
        dataset=decl.dataset,
        vintage=vintage,
        loader=decl.loader,
        origin=origin,
        files=file_entries(raw, loaded.files),
        series=tuple(sorted(loaded.observations["indicator"].unique().tolist())),
        rows=len(loaded.observations),
        producer=dataset.producer,
        licence=dataset.licence,
        attribution=dataset.attribution,
        details=loaded.details,
        newer_edition=newer if newer is not None and newer.published > vintage else None,
    )


PLACEHOLDER_REASON = (
    "a price of 0 or less is a placeholder, not a free service (e.g. Burundi 2022: 0% of GNI p.c. "
    "while its US$ price is positive): treated as missing"
)


def drop_price_placeholders(
    observations: pd.DataFrame, catalogue: Catalogue
) -> tuple[pd.DataFrame, list[DroppedValue]]:
    """Drop non-positive values of price series (ITU DataHub writes 0 where it has no price)."""
    prices = [i.code for i in catalogue.indicators if i.kind == "price"]
    bad = observations["indicator"].isin(prices) & (observations["value"] <= 0)
    records = [
        DroppedValue(
            source=str(r.source),
            indicator=str(r.indicator),
            economy=str(r.economy),
            year=int(r.year),
            value=float(r.value),
            reason=PLACEHOLDER_REASON,
        )
        for r in observations[bad].itertuples(index=False)
    ]
    return observations[~bad], records


def derive_sex_population(observations: pd.DataFrame) -> pd.DataFrame:
    """Female and male population from total population and the female share (WB definitions)."""
    pop = observations[observations["indicator"] == "SP.POP.TOTL"].set_index(["economy", "year"])
    share = observations[observations["indicator"] == "SP.POP.TOTL.FE.ZS"].set_index(
        ["economy", "year"]
    )
    both = pop[["value", "vintage"]].join(
        share[["value"]].rename(columns={"value": "value_share"}), how="inner"
    )
    female = both["value"] * both["value_share"] / 100.0
    parts = []
    for code, values in (
        ("SP.POP.TOTL.FE.IN", female),
        ("SP.POP.TOTL.MA.IN", both["value"] - female),
    ):
        frame = values.rename("value").reset_index()
        frame["indicator"] = code
        frame["source"] = "derived"
        frame["vintage"] = both["vintage"].to_numpy()
        frame["estimate"] = False
        frame["note"] = (
            "SP.POP.TOTL x SP.POP.TOTL.FE.ZS / 100"
            if code.endswith("FE.IN")
            else "SP.POP.TOTL - female"
        )
        parts.append(frame)
    return concat_observations(parts)


def build_entities(
    metadata: pd.DataFrame,
    class_economies: pd.DataFrame,
    itu_entities: pd.DataFrame,
    observed: set[str],
    other_names: dict[str, str],
) -> pd.DataFrame:
    """One row per entity code: economies, World Bank aggregates and ITU aggregates."""
    lending = dict(zip(class_economies["code"], class_economies["lending_category"], strict=True))
    class_names = dict(zip(class_economies["code"], class_economies["name"], strict=True))
    rows = []
    for rec in metadata.to_dict("records"):
        is_agg = bool(rec["is_aggregate"])
        rows.append(
            {
                "code": rec["code"],
                "name": rec["name"],
                "kind": "wb_aggregate" if is_agg else "economy",
                "region": None if is_agg else REGION_CODES.get(rec["region"], rec["region"]),
                "income_group": None if is_agg else INCOME_CODES.get(rec["income_group"]),
                "lending_category": None if is_agg else lending.get(rec["code"]),
                "wb_equivalent": None,
                "description": _clean(rec.get("special_notes")),
            }
        )
    for rec in itu_entities.to_dict("records"):
        rows.append(
            {
                "code": rec["code"],
                "name": rec["name"],
                "kind": "itu_aggregate",
                "region": None,
                "income_group": None,
                "lending_category": None,
                "wb_equivalent": ITU_WB_EQUIVALENT.get(rec["code"]),
                "description": _clean(rec.get("description")),
            }
        )
    known = {r["code"] for r in rows}
    for code in sorted(observed - known):
        rows.append(
            {
                "code": code,
                "name": class_names.get(code) or other_names.get(code, code),
                "kind": "economy",
                "region": None,
                "income_group": None,
                "lending_category": None,
                "wb_equivalent": None,
                "description": "Reported by ITU; not in the World Bank's FY26 country list.",
            }
        )
    frame = pd.DataFrame(rows).sort_values("code", ignore_index=True)
    economy = frame["kind"] == "economy"
    wb_names = {
        **{c: n for c, n in class_names.items() if c in set(frame["code"])},
        **dict(zip(metadata["code"], metadata["name"], strict=True)),
    }
    names = un_names(
        frame.loc[economy, "code"], itu_names=other_names, wb_names=wb_names
    ).set_index("code")
    frame["wb_name"] = frame["name"]
    frame["name_source"] = frame["kind"].map(
        {"wb_aggregate": WB_SOURCE, "itu_aggregate": ITU_SOURCE}
    )
    frame["aliases"] = None
    frame["pattern"] = None
    for column in ("name", "name_source", "wb_name", "aliases", "pattern"):
        frame.loc[economy, column] = frame.loc[economy, "code"].map(names[column]).to_numpy()
    return frame.astype(object).where(frame.notna(), None)


def _clean(text: object) -> str | None:
    if text is None or (isinstance(text, float) and text != text):
        return None
    cleaned = " ".join(str(text).split())
    return cleaned or None


def build_memberships(entities: pd.DataFrame, class_groups: pd.DataFrame) -> pd.DataFrame:
    """Group -> economy links: regions and income groups from FY26, the rest from CLASS (FY25)."""
    econ = entities[(entities["kind"] == "economy") & entities["region"].notna()]
    rows = [{"group": "WLD", "economy": c, "basis": "FY26 country metadata"} for c in econ["code"]]
    for col in ("region", "income_group"):
        for code, grp in econ[["code", col]].dropna().itertuples(index=False):
            rows.append({"group": grp, "economy": code, "basis": "FY26 country metadata"})
    for group, parts in COMPOSITE_INCOME.items():
        for code in econ.loc[econ["income_group"].isin(parts), "code"]:
            rows.append({"group": group, "economy": code, "basis": "FY26 country metadata"})
    derived_groups = {"WLD", *REGION_CODES.values(), *INCOME_CODES.values(), *COMPOSITE_INCOME}
    other = class_groups[~class_groups["group_code"].isin(derived_groups)]
    for group, code in other[["group_code", "economy"]].itertuples(index=False):
        rows.append({"group": group, "economy": code, "basis": "CLASS.xlsx compositions (FY25)"})
    frame = pd.DataFrame(rows).drop_duplicates(["group", "economy"])
    return frame.sort_values(["group", "economy"], ignore_index=True)


def _build_time() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def reference_entry(raw: Path, decl: ReferenceDeclaration) -> ReferenceEntry:
    """The descriptor entry of a reference file."""
    return ReferenceEntry(
        id=decl.id,
        title=decl.title,
        dataset=decl.dataset,
        vintage=decl.vintage,
        loader=decl.loader,
        origin=decl.origin,
        files=file_entries(raw, decl.files),
    )


DERIVED_SOURCE = "derived"


def derived_entry(observations: pd.DataFrame, catalogue: Catalogue) -> SourceEntry:
    """The descriptor entry of the series the build computes (female and male population)."""
    dataset = catalogue.dataset(DERIVED_SOURCE)
    return SourceEntry(
        id=DERIVED_SOURCE,
        title="Computed by the build from World Bank population series",
        label="computed from WDI population",
        dataset=DERIVED_SOURCE,
        vintage="as its inputs (SP.POP.TOTL, SP.POP.TOTL.FE.ZS)",
        loader="derive_sex_population",
        origin=Origin(note="female = total x female share / 100; male = total - female"),
        files=(),
        series=tuple(sorted(i.code for i in catalogue.indicators if i.derived)),
        rows=int(observations["source"].eq(DERIVED_SOURCE).sum()),
        producer=dataset.producer,
        licence=dataset.licence,
        attribution=dataset.attribution,
    )


def build_tables(
    raw: Path,
    *,
    catalogue: Catalogue | None = None,
    declarations: SourceDeclarations | None = None,
    progress: Progress | None = None,
) -> BuiltTables:
    """Read every declared raw file and assemble the snapshot tables and descriptor."""
    catalogue = catalogue or load_catalogue()
    decls = declarations or load_source_declarations()
    say = progress or (lambda _msg: None)
    raw = Path(raw)
    if not raw.is_dir():
        raise WsisDataError(f"raw folder {raw} does not exist")
    parts: list[pd.DataFrame] = []
    entries: list[SourceEntry] = []
    dropped: list[DroppedValue] = []
    other_names: dict[str, str] = {}
    itu_entities = pd.DataFrame(columns=["code", "name", "kind", "description"])
    for decl in decls.sources:
        say(f"reading {decl.id}")
        loaded = run_loader(raw, decl)
        if len(loaded.details.get("editions_found", ())) > 1:
            say(f"  {decl.id}: using {loaded.details['edition_used']}, the newest of "
                + ", ".join(loaded.details["editions_found"]))  # fmt: skip
        parts.append(loaded.observations)
        entries.append(source_entry(raw, decl, loaded, catalogue))
        dropped += loaded.dropped
        other_names |= loaded.entity_names
        if "itu_entities" in loaded.tables:
            itu_entities = loaded.tables["itu_entities"]
    observations = concat_observations(parts)
    say("deriving female and male population")
    observations = concat_observations([observations, derive_sex_population(observations)])
    observations = observations[observations["indicator"].isin(catalogue.codes)]
    observations, placeholders = drop_price_placeholders(observations, catalogue)
    dropped += placeholders
    observations = normalise_observations(observations.reset_index(drop=True))

    say("reading classifications")
    reference = {
        loader: run_loader(raw, decls.reference_for(loader))
        for loader in ("wb_country_metadata", "wb_class_workbook", "wb_income_history")
    }
    klass = reference["wb_class_workbook"].tables
    entities = build_entities(
        reference["wb_country_metadata"].tables["metadata"],
        klass["economies"],
        itu_entities,
        set(observations["economy"].unique()),
        other_names,
    )
    memberships = build_memberships(entities, klass["groups"])
    history = reference["wb_income_history"].tables["income_history"]
    history = history[["economy", "fiscal_year", "income_group"]].sort_values(
        ["economy", "fiscal_year"], ignore_index=True
    )
    history = history.astype({"fiscal_year": "int16"})

    entries.append(derived_entry(observations, catalogue))
    economies = entities[entities["kind"] == "economy"]
    names = {
        "rule": decls.names_rule,
        "libraries": libraries(),
        "by_source": economies["name_source"].value_counts().sort_index().to_dict(),
    }
    licences = sorted({(e.producer, e.licence, e.attribution) for e in entries})
    descriptor = Descriptor(
        title="WSIS+20 dashboard snapshot: digital progress since the 2005 Tunis summit",
        built_at=_build_time(),
        built_from="raw files",
        catalogue_version=catalogue.version,
        sources=tuple(entries),
        reference=tuple(reference_entry(raw, d) for d in decls.reference),
        names=frozen(
            {**names, "by_source": {str(k): int(v) for k, v in names["by_source"].items()}}
        ),
        derived=tuple(
            DerivedEntry(indicator=i.code, formula=i.derived)
            for i in catalogue.indicators
            if i.derived
        ),
        dropped=tuple(sorted(dropped, key=lambda d: (d.source, d.indicator, d.economy, d.year))),
        not_used=decls.not_used,
        licences=tuple(
            LicenceEntry(producer=p, licence=lic, attribution=a) for p, lic, a in licences
        ),
    )
    return BuiltTables(observations, entities, memberships, history, descriptor)


def build_snapshot(
    raw: Path, *, store: Path | None = None, progress: Progress | None = None
) -> Path:
    """Build from raw files and write the snapshot into the store as its current one."""
    tables = build_tables(raw, progress=progress)
    return write_snapshot(
        store=store,
        observations=tables.observations,
        entities=tables.entities,
        memberships=tables.memberships,
        income_history=tables.income_history,
        descriptor=tables.descriptor,
    )
