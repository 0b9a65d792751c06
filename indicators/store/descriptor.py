"""A snapshot's descriptor (`descriptor.json`) as frozen dataclasses, validated when it is read.

The descriptor says what a snapshot holds and where it came from: every source with its
vintage, licence, files and checksums; the reference files; the values the build dropped and
the files it did not use; the tables with their row counts and sha256. `Descriptor.from_json`
checks every field's type and turns damage into a `SnapshotError` naming the field, so that a
damaged descriptor is refused with a short message instead of failing later in a page.
`to_json` writes the fields back in a fixed order (the same build gives the same file).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from indicators.declared import FrozenMap, frozen, thawed
from indicators.errors import SnapshotError, bounded
from indicators.schema import DroppedValue
from indicators.sources.declarations import NewerEdition, NotUsed, Origin

SCHEMA_VERSION = 2  # 2: entities carry UN names, World Bank names, aliases and search patterns
TEXT_LIMIT = 2_000  # longest text field a descriptor may hold (longer is damage, not data)
LIST_LIMIT = 100_000  # most entries a descriptor list may hold


@dataclass(frozen=True)
class FileEntry:
    """A raw file the build read: its path under the raw folder, size and sha256."""

    path: str
    bytes: int
    sha256: str


@dataclass(frozen=True)
class TableEntry:
    """A table of the snapshot: its file name inside the snapshot folder, rows and sha256."""

    file: str
    rows: int
    sha256: str


@dataclass(frozen=True)
class SourceEntry:
    """A source of observations as recorded in a snapshot."""

    id: str
    title: str
    label: str
    dataset: str
    vintage: str
    loader: str
    origin: Origin
    files: tuple[FileEntry, ...]
    series: tuple[str, ...]
    rows: int
    producer: str
    licence: str
    attribution: str
    details: Mapping[str, Any] = field(default_factory=lambda: FrozenMap({}))
    newer_edition: NewerEdition | None = None

    @property
    def release(self) -> str:
        """How a figure cites this source: its label and vintage (one rule for every citation)."""
        return f"{self.label} (vintage {self.vintage})"

    @property
    def edition_note(self) -> str:
        """A sentence naming a newer edition that exists but is not in the snapshot ('' if none)."""
        if self.newer_edition is None:
            return ""
        return (
            f"A newer edition, {self.newer_edition.name}, is not in this snapshot "
            f"({self.label} is used)."
        )


@dataclass(frozen=True)
class ReferenceEntry:
    """A reference file (economies, groups, classification history) as recorded in a snapshot."""

    id: str
    title: str
    dataset: str
    vintage: str
    loader: str
    origin: Origin
    files: tuple[FileEntry, ...]


@dataclass(frozen=True)
class DerivedEntry:
    """A series the build computes from others, with its formula."""

    indicator: str
    formula: str


@dataclass(frozen=True)
class LicenceEntry:
    """Whom to credit, and under which licence, for figures of one producer's dataset."""

    producer: str
    licence: str
    attribution: str


@dataclass(frozen=True)
class Descriptor:
    """Everything a snapshot says about itself. Fields set by `write_snapshot` (id, schema,
    builder, row count, tables) are empty in the draft a build or refresh hands it."""

    title: str
    built_at: str
    built_from: str
    catalogue_version: int
    sources: tuple[SourceEntry, ...]
    reference: tuple[ReferenceEntry, ...] = ()
    derived: tuple[DerivedEntry, ...] = ()
    dropped: tuple[DroppedValue, ...] = ()
    not_used: tuple[NotUsed, ...] = ()
    licences: tuple[LicenceEntry, ...] = ()
    snapshot_id: str = ""
    schema_version: int = SCHEMA_VERSION
    builder: str = ""
    row_count: int = 0
    tables: Mapping[str, TableEntry] = field(default_factory=lambda: FrozenMap({}))
    previous_snapshot: str | None = None
    refresh_changes: tuple[Mapping[str, Any], ...] = ()
    names: Mapping[str, Any] | None = None  # how economies are named: rule, libraries, counts

    def source(self, source_id: str) -> SourceEntry:
        """The entry of a source id; a SnapshotError when the snapshot has none."""
        for src in self.sources:
            if src.id == source_id:
                return src
        raise SnapshotError(f"snapshot {self.snapshot_id} has no source {source_id!r}")

    def with_sources(self, sources: Sequence[SourceEntry]) -> Descriptor:
        """The same descriptor listing other sources (a copy; this one is unchanged)."""
        return replace(self, sources=tuple(sources))

    def reference_for(self, loader: str) -> ReferenceEntry | None:
        """The reference file read by `loader` (e.g. 'wb_income_history'), if the snapshot has it."""
        return next((r for r in self.reference if r.loader == loader), None)

    def to_json(self) -> dict[str, Any]:
        """The JSON document, fields in a fixed order (the same descriptor, the same bytes)."""
        out: dict[str, Any] = {}
        if self.snapshot_id:
            out |= {
                "snapshot_id": self.snapshot_id,
                "schema_version": self.schema_version,
                "builder": self.builder,
            }
        out |= {
            "title": self.title,
            "built_at": self.built_at,
            "built_from": self.built_from,
            "catalogue_version": self.catalogue_version,
            "sources": [_source_json(s) for s in self.sources],
            "reference": [_reference_json(r) for r in self.reference],
            **({"names": thawed(self.names)} if self.names is not None else {}),
            "derived": [{"indicator": d.indicator, "formula": d.formula} for d in self.derived],
            "dropped": [d.to_json() for d in self.dropped],
            "not_used": [{"what": n.what, "why": n.why} for n in self.not_used],
            "licences": [
                {"producer": x.producer, "licence": x.licence, "attribution": x.attribution}
                for x in self.licences
            ],
        }
        if self.previous_snapshot is not None:
            out["previous_snapshot"] = self.previous_snapshot
            out["refresh_changes"] = [thawed(c) for c in self.refresh_changes]
        if self.snapshot_id:
            out["row_count"] = self.row_count
            out["tables"] = {
                name: {"file": t.file, "rows": t.rows, "sha256": t.sha256}
                for name, t in self.tables.items()
            }
        return out

    @classmethod
    def from_json(cls, document: Any, *, where: str = "descriptor") -> Descriptor:
        """A checked Descriptor from parsed JSON; damage is a SnapshotError naming the field."""
        doc = _mapping(document, where)
        return cls(
            snapshot_id=_text(doc, "snapshot_id", where),
            schema_version=_int(doc, "schema_version", where),
            builder=_text(doc, "builder", where),
            title=_text(doc, "title", where),
            built_at=_text(doc, "built_at", where),
            built_from=_text(doc, "built_from", where),
            catalogue_version=_int(doc, "catalogue_version", where),
            sources=tuple(
                _source_from(e, f"{where} sources[{i}]")
                for i, e in enumerate(_list(doc, "sources", where))
            ),
            reference=tuple(
                _reference_from(e, f"{where} reference[{i}]")
                for i, e in enumerate(_list(doc, "reference", where, required=False))
            ),
            derived=tuple(
                DerivedEntry(
                    indicator=_text(e, "indicator", f"{where} derived"),
                    formula=_text(e, "formula", f"{where} derived"),
                )
                for e in (
                    _mapping(x, f"{where} derived")
                    for x in _list(doc, "derived", where, required=False)
                )
            ),
            dropped=tuple(
                _dropped_from(e, f"{where} dropped[{i}]")
                for i, e in enumerate(_list(doc, "dropped", where, required=False))
            ),
            not_used=tuple(
                NotUsed(
                    what=_text(e, "what", f"{where} not_used"),
                    why=_text(e, "why", f"{where} not_used"),
                )
                for e in (
                    _mapping(x, f"{where} not_used")
                    for x in _list(doc, "not_used", where, required=False)
                )
            ),
            licences=tuple(
                LicenceEntry(
                    producer=_text(e, "producer", f"{where} licences"),
                    licence=_text(e, "licence", f"{where} licences"),
                    attribution=_text(e, "attribution", f"{where} licences"),
                )
                for e in (
                    _mapping(x, f"{where} licences")
                    for x in _list(doc, "licences", where, required=False)
                )
            ),
            row_count=_int(doc, "row_count", where),
            tables=FrozenMap(_tables_from(doc, where)),
            previous_snapshot=_text(doc, "previous_snapshot", where, required=False),
            refresh_changes=tuple(
                frozen(_mapping(c, f"{where} refresh_changes"))
                for c in _list(doc, "refresh_changes", where, required=False)
            ),
            names=None if doc.get("names") is None else frozen(_names_from(doc["names"], where)),
        )


def _source_json(src: SourceEntry) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": src.id,
        "title": src.title,
        "label": src.label,
        "dataset": src.dataset,
        "vintage": src.vintage,
        "loader": src.loader,
        "origin": src.origin.to_json(),
        "files": [{"path": f.path, "bytes": f.bytes, "sha256": f.sha256} for f in src.files],
        "series": list(src.series),
        "rows": src.rows,
        **thawed(src.details),
        "producer": src.producer,
        "licence": src.licence,
        "attribution": src.attribution,
    }
    if src.newer_edition is not None:
        edition = src.newer_edition
        out["newer_edition"] = {
            "name": edition.name,
            "published": edition.published,
            "where": edition.where,
            "note": edition.note,
        }
    return out


def _reference_json(ref: ReferenceEntry) -> dict[str, Any]:
    return {
        "id": ref.id,
        "title": ref.title,
        "dataset": ref.dataset,
        "vintage": ref.vintage,
        "loader": ref.loader,
        "origin": ref.origin.to_json(),
        "files": [{"path": f.path, "bytes": f.bytes, "sha256": f.sha256} for f in ref.files],
    }


SOURCE_FIELDS = frozenset(
    {"id", "title", "label", "dataset", "vintage", "loader", "origin", "files", "series", "rows"}
    | {"producer", "licence", "attribution", "newer_edition"}
)


def _source_from(entry: Any, where: str) -> SourceEntry:
    doc = _mapping(entry, where)
    details = {k: v for k, v in doc.items() if k not in SOURCE_FIELDS}
    edition = doc.get("newer_edition")
    if edition is not None:
        e = _mapping(edition, f"{where} newer_edition")
        edition = NewerEdition(
            name=_text(e, "name", where),
            published=_text(e, "published", where),
            where=_text(e, "where", where),
            note=_text(e, "note", where, required=False) or "",
        )
    return SourceEntry(
        id=_text(doc, "id", where),
        title=_text(doc, "title", where),
        label=_text(doc, "label", where, required=False) or _text(doc, "title", where),
        dataset=_text(doc, "dataset", where),
        vintage=_text(doc, "vintage", where),
        loader=_text(doc, "loader", where),
        origin=_origin_from(doc.get("origin"), where),
        files=tuple(_file_from(f, f"{where} files") for f in _list(doc, "files", where)),
        series=tuple(_text_value(s, f"{where} series") for s in _list(doc, "series", where)),
        rows=_int(doc, "rows", where),
        producer=_text(doc, "producer", where),
        licence=_text(doc, "licence", where),
        attribution=_text(doc, "attribution", where),
        details=frozen(details),
        newer_edition=edition,
    )


def _reference_from(entry: Any, where: str) -> ReferenceEntry:
    doc = _mapping(entry, where)
    return ReferenceEntry(
        id=_text(doc, "id", where),
        title=_text(doc, "title", where),
        dataset=_text(doc, "dataset", where),
        vintage=_text(doc, "vintage", where),
        loader=_text(doc, "loader", where),
        origin=_origin_from(doc.get("origin"), where),
        files=tuple(_file_from(f, f"{where} files") for f in _list(doc, "files", where)),
    )


def _origin_from(entry: Any, where: str) -> Origin:
    if entry is None:
        return Origin()
    doc = _mapping(entry, f"{where} origin")
    databases = doc.get("databases")
    return Origin(
        **{
            k: _text(doc, k, f"{where} origin", required=False)
            for k in ("repository", "path", "commit", "url", "fetched_at", "note")
        },
        databases=None
        if databases is None
        else frozen(
            {
                _text_value(str(k), f"{where} origin"): _text_value(str(v), f"{where} origin")
                for k, v in _mapping(databases, f"{where} origin").items()
            }
        ),
    )


def _names_from(entry: Any, where: str) -> Mapping[str, Any]:
    doc = _mapping(entry, f"{where} names")
    counts = _mapping(doc.get("by_source"), f"{where} names by_source")
    return {
        "rule": _text(doc, "rule", f"{where} names"),
        "libraries": _text(doc, "libraries", f"{where} names"),
        "by_source": {str(k): _int(counts, k, f"{where} names by_source") for k in counts},
    }


def _file_from(entry: Any, where: str) -> FileEntry:
    doc = _mapping(entry, where)
    return FileEntry(
        path=_text(doc, "path", where),
        bytes=_int(doc, "bytes", where),
        sha256=_text(doc, "sha256", where),
    )


def _dropped_from(entry: Any, where: str) -> DroppedValue:
    doc = _mapping(entry, where)
    for key in ("source", "indicator", "economy", "reason"):
        if isinstance(doc.get(key), str):
            _text_value(doc[key], f"{where} {key}")  # bounded like every text field
    try:
        return DroppedValue.from_json(doc)
    except (KeyError, TypeError, ValueError) as exc:
        raise SnapshotError(f"{where} is not a dropped value ({type(exc).__name__})") from exc


def _tables_from(doc: Mapping[str, Any], where: str) -> dict[str, TableEntry]:
    tables = _mapping(doc.get("tables"), f"{where} tables")
    out = {}
    for name, entry in tables.items():
        here = f"{where} tables.{bounded(name, 40)}"
        t = _mapping(entry, here)
        out[str(name)] = TableEntry(
            file=_text(t, "file", here),
            rows=_int(t, "rows", here),
            sha256=_text(t, "sha256", here),
        )
    return out


# --- checked access to parsed JSON ------------------------------------------------------------


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise SnapshotError(f"{where} is not an object ({_kind(value)})")
    return value


def _list(doc: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> list[Any]:
    if key not in doc and not required:
        return []
    value = doc.get(key)
    if not isinstance(value, list):
        raise SnapshotError(f"{where}: {key} is not a list ({_kind(value)})")
    if len(value) > LIST_LIMIT:
        raise SnapshotError(f"{where}: {key} has {len(value):,} entries (at most {LIST_LIMIT:,})")
    return value


def _text(doc: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> Any:
    if key not in doc or doc[key] is None:
        if required:
            raise SnapshotError(f"{where} lacks {key}")
        return None
    return _text_value(doc[key], f"{where} {key}")


def _text_value(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise SnapshotError(f"{where} is not text ({_kind(value)})")
    if len(value) > TEXT_LIMIT:
        raise SnapshotError(f"{where} is {len(value):,} characters long (at most {TEXT_LIMIT:,})")
    return value


def _int(doc: Mapping[str, Any], key: str, where: str) -> int:
    value = doc.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise SnapshotError(f"{where}: {key} is not a whole number ({_kind(value)})")
    return value


def _kind(value: Any) -> str:
    return "missing" if value is None else type(value).__name__
