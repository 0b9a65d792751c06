"""Build the snapshot from the raw source files declared in `sources.yaml`.

Deterministic: the same raw files give byte-identical tables (rows sorted by key, no timestamps
inside the tables). The descriptor's build time comes from SOURCE_DATE_EPOCH when it is set, so a
reproducible build can pin it too.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from indicators.catalogue import Catalogue, load_catalogue
from indicators.errors import SourceFormatError, WsisDataError
from indicators.schema import concat_observations, normalise_observations
from indicators.sources import ddf, itu_datahub, itu_keyict, wb_classification, wb_csv, wb_long
from indicators.store.snapshot import sha256_file, write_snapshot

SOURCES_PATH = Path(__file__).resolve().parents[1] / "sources" / "sources.yaml"

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


@cache
def load_source_declarations(path: Path = SOURCES_PATH) -> dict[str, Any]:
    """The parsed `sources.yaml`."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class BuiltTables:
    """Everything a snapshot holds, before it is written."""

    observations: pd.DataFrame
    entities: pd.DataFrame
    memberships: pd.DataFrame
    income_history: pd.DataFrame
    descriptor: dict[str, Any]


Progress = Callable[[str], None]


def _file_entries(raw: Path, relpaths: list[str]) -> list[dict[str, Any]]:
    entries = []
    for rel in relpaths:
        path = raw / rel
        if not path.is_file():
            raise SourceFormatError(path, "file not found in the raw folder")
        entries.append({"path": rel, "bytes": path.stat().st_size, "sha256": sha256_file(path)})
    return entries


def _select(frame: pd.DataFrame, series: dict[str, str]) -> pd.DataFrame:
    """Keep the declared series and rename them to catalogue codes."""
    kept = frame[frame["indicator"].isin(list(series))].copy()
    kept["indicator"] = kept["indicator"].map(series)
    return kept


def _load_observation_source(
    raw: Path, decl: dict[str, Any]
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Run the declared loader of one source; return its observations and descriptor entry."""
    sid, vintage, loader = decl["id"], str(decl["vintage"]), decl["loader"]
    series: dict[str, str] = decl.get("series") or {}
    parts: list[pd.DataFrame] = []
    dropped: list[dict[str, Any]] = []
    extra: dict[str, Any] = {}
    entities: pd.DataFrame | None = None
    extra_names: dict[str, str] = {}
    files = list(decl.get("files") or [])
    if loader == "wb_indicator_csv":
        for rel in files:
            result = wb_csv.read_indicator_csv(raw / rel, source=sid, vintage=vintage)
            parts.append(_select(result.observations, series))
            extra["last_updated"] = result.last_updated
            extra["file_variant"] = result.variant
            for row in result.dropped.to_dict("records"):
                dropped.append({"indicator": result.indicator_code, **row})
    elif loader == "wb_long_csv":
        folder = raw / decl["folder"]
        for code in series:
            sub = folder / code.lower()
            files += [
                f"{decl['folder']}/{code.lower()}/data.csv",
                f"{decl['folder']}/{code.lower()}/datapackage.json",
            ]
            result = wb_long.read_long_series(sub, source=sid, vintage=vintage)
            if result.indicator_code != code:
                raise SourceFormatError(
                    sub / "datapackage.json", f"holds {result.indicator_code}, expected {code}"
                )
            parts.append(_select(result.observations, series))
    elif loader == "ddf_datapoints":
        for rel in files:
            parts.append(
                _select(ddf.read_ddf_datapoints(raw / rel, source=sid, vintage=vintage), series)
            )
    elif loader == "itu_datahub_csv":
        names = []
        for rel in files:
            result = itu_datahub.read_datahub_csv(raw / rel, source=sid, vintage=vintage)
            parts.append(_select(result.observations, series))
            names.append(result.entities)
        extra_names = pd.concat(names).drop_duplicates("code").set_index("code")["name"].to_dict()
    elif loader == "itu_key_ict_workbook":
        for rel in files:
            result = itu_keyict.read_key_ict_workbook(raw / rel, source=sid, vintage=vintage)
            parts.append(result.observations)
            extra["skipped_blocks"] = list(result.skipped)
            extra["conflicts"] = len(result.conflicts)
            entities = result.entities
    else:
        raise WsisDataError(f"sources.yaml: source {sid} names unknown loader {loader!r}")
    observations = concat_observations(parts)
    entry = {
        "id": sid,
        "title": decl["title"],
        "label": decl.get("label", decl["title"]),
        "dataset": decl["dataset"],
        "vintage": vintage,
        "loader": loader,
        "origin": decl.get("origin", {}),
        "files": _file_entries(raw, files),
        "series": sorted(observations["indicator"].unique().tolist()),
        "rows": len(observations),
        **extra,
    }
    info = {
        "entry": entry,
        "dropped": [{"source": sid, **d} for d in dropped],
        "entities": entities,
        "names": extra_names,
    }
    return observations, info


PLACEHOLDER_REASON = (
    "a price of 0 or less is a placeholder, not a free service (e.g. Burundi 2022: 0% of GNI p.c. "
    "while its US$ price is positive): treated as missing"
)


def drop_price_placeholders(
    observations: pd.DataFrame, catalogue: Catalogue
) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """Drop non-positive values of price series (ITU DataHub writes 0 where it has no price)."""
    prices = [i.code for i in catalogue.indicators if i.kind == "price"]
    bad = observations["indicator"].isin(prices) & (observations["value"] <= 0)
    records = [
        {
            "source": str(r.source),
            "indicator": str(r.indicator),
            "economy": str(r.economy),
            "year": int(r.year),
            "value": float(r.value),
            "reason": PLACEHOLDER_REASON,
        }
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


def _reference_entry(raw: Path, decl: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": decl["id"],
        "title": decl["title"],
        "dataset": decl["dataset"],
        "vintage": str(decl["vintage"]),
        "loader": decl["loader"],
        "origin": decl.get("origin", {}),
        "files": _file_entries(raw, decl["files"]),
    }


def build_tables(
    raw: Path, *, catalogue: Catalogue | None = None, progress: Progress | None = None
) -> BuiltTables:
    """Read every declared raw file and assemble the snapshot tables and descriptor."""
    catalogue = catalogue or load_catalogue()
    decls = load_source_declarations()
    say = progress or (lambda _msg: None)
    raw = Path(raw)
    if not raw.is_dir():
        raise WsisDataError(f"raw folder {raw} does not exist")
    parts, entries, dropped = [], [], []
    other_names: dict[str, str] = {}
    itu_entities = pd.DataFrame(columns=["code", "name", "kind", "description"])
    for decl in decls["sources"]:
        say(f"reading {decl['id']}")
        obs, info = _load_observation_source(raw, decl)
        parts.append(obs)
        entries.append(info["entry"])
        dropped += info["dropped"]
        other_names |= info["names"]
        if info["entities"] is not None:
            itu_entities = info["entities"]
    observations = concat_observations(parts)
    say("deriving female and male population")
    observations = concat_observations([observations, derive_sex_population(observations)])
    observations = observations[observations["indicator"].isin(catalogue.codes)]
    observations, placeholders = drop_price_placeholders(observations, catalogue)
    dropped += placeholders
    observations = normalise_observations(observations.reset_index(drop=True))

    refs = {d["loader"]: d for d in decls["reference"]}
    say("reading classifications")
    metadata = wb_csv.read_country_metadata(raw / refs["wb_country_metadata"]["files"][0])
    klass = wb_classification.read_class_workbook(raw / refs["wb_class_workbook"]["files"][0])
    history = wb_classification.read_income_history(raw / refs["wb_income_history"]["files"][0])
    entities = build_entities(
        metadata,
        klass.economies,
        itu_entities,
        set(observations["economy"].unique()),
        other_names,
    )
    memberships = build_memberships(entities, klass.groups)
    history = history[["economy", "fiscal_year", "income_group"]].sort_values(
        ["economy", "fiscal_year"], ignore_index=True
    )
    history = history.astype({"fiscal_year": "int16"})

    entries.append(
        {
            "id": "derived",
            "title": "Computed by the build from World Bank population series",
            "label": "computed from WDI population",
            "dataset": "derived",
            "vintage": "as its inputs (SP.POP.TOTL, SP.POP.TOTL.FE.ZS)",
            "loader": "derive_sex_population",
            "origin": {"note": "female = total x female share / 100; male = total - female"},
            "files": [],
            "series": sorted(i.code for i in catalogue.indicators if i.derived),
            "rows": int(observations["source"].eq("derived").sum()),
        }
    )
    datasets = {d.id: d for d in catalogue.datasets}
    for entry in entries:
        ds = datasets[entry["dataset"]]
        entry.update(
            {"producer": ds.producer, "licence": ds.licence, "attribution": ds.attribution}
        )
    descriptor = {
        "title": "WSIS+20 dashboard snapshot: digital progress since the 2005 Tunis summit",
        "built_at": _build_time(),
        "built_from": "raw files",
        "catalogue_version": catalogue.version,
        "sources": entries,
        "reference": [_reference_entry(raw, d) for d in decls["reference"]],
        "derived": [
            {"indicator": i.code, "formula": i.derived} for i in catalogue.indicators if i.derived
        ],
        "dropped": sorted(
            dropped, key=lambda d: (d["source"], d.get("indicator", ""), d["economy"], d["year"])
        ),
        "not_used": decls.get("not_used", []),
        "licences": sorted({(e["producer"], e["licence"], e["attribution"]) for e in entries}),
    }
    descriptor["licences"] = [
        {"producer": p, "licence": lic, "attribution": a} for p, lic, a in descriptor["licences"]
    ]
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
