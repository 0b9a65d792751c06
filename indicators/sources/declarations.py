"""The raw-file declarations (`sources.yaml`) as frozen dataclasses, checked when they are loaded.

Each source names the files it reads under the raw folder, the loader that reads them (a key of
`registry.LOADERS`), the series to keep (file code -> catalogue code), its vintage and where the
public copy came from. Facts about a source (its title, edition, publication date, a newer
edition we do not bundle) are declared here; its values come only from its files.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from indicators.declared import (
    DeclarationError,
    frozen,
    read_yaml,
    require,
    text,
    texts,
    thawed,
)
from indicators.errors import UnknownCodeError

SOURCES_PATH = Path(__file__).with_name("sources.yaml")


@dataclass(frozen=True)
class Origin:
    """Where a copy of a source came from: a public repository (or an API) and a note."""

    repository: str | None = None
    path: str | None = None
    commit: str | None = None
    url: str | None = None
    fetched_at: str | None = None
    databases: Mapping[str, str] | None = None
    note: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The JSON form (only the fields that are set, in a fixed order)."""
        out: dict[str, Any] = {}
        for key in ("repository", "path", "commit", "url", "fetched_at", "databases", "note"):
            value = getattr(self, key)
            if value is not None:
                out[key] = thawed(value)
        return out

    @classmethod
    def from_json(cls, entry: Mapping[str, Any] | None, where: str) -> Origin:
        entry = entry or {}
        if not isinstance(entry, Mapping):
            raise DeclarationError(f"{where}: origin must be a mapping")
        unknown = set(entry) - set(cls.__dataclass_fields__)
        if unknown:
            raise DeclarationError(f"{where}: origin has unknown fields {sorted(unknown)}")
        texts_ = {k: text(entry, k, where) for k in entry if k != "databases"}
        databases = entry.get("databases")
        return cls(
            **texts_,
            databases=None
            if databases is None
            else frozen({str(k): str(v) for k, v in databases.items()}),
        )


@dataclass(frozen=True)
class NewerEdition:
    """An edition of a source that exists but is not bundled (a fact about it, never a value)."""

    name: str
    published: str
    where: str
    note: str = ""


MONTH_NAMES: tuple[str, ...] = ("January", "February", "March", "April", "May", "June", "July")
MONTH_NAMES += ("August",)
MONTH_NAMES += ("September", "October", "November", "December")


@dataclass(frozen=True)
class SourceDeclaration:
    """A source of observations: the files one loader reads and the series kept from them."""

    id: str
    label: str
    title: str
    dataset: str
    loader: str
    vintage: str
    files: tuple[str, ...]
    series: tuple[tuple[str, str], ...]  # (code in the file, catalogue code)
    origin: Origin
    folder: str | None = None
    newer_edition: NewerEdition | None = None
    pattern: str | None = None  # other editions of the file in the raw folder (a glob)

    @property
    def series_map(self) -> dict[str, str]:
        """File code -> catalogue code."""
        return dict(self.series)

    def named(self, text: str, *, vintage: str) -> str:
        """A label or title with `{edition}` ('November 2024') and `{year}` filled from a
        'YYYY-MM' vintage (text without placeholders is returned as it is).

        >>> SourceDeclaration("s", "x", "x", "d", "l", "2024-11", (), (), Origin()).named(
        ...     "Aggregates, {edition} (edition {year})", vintage="2025-11")
        'Aggregates, November 2025 (edition 2025)'
        """
        if "{" not in text:
            return text
        year, _, month = vintage.partition("-")
        words = f"{MONTH_NAMES[int(month) - 1]} {year}" if month.isdigit() else vintage
        return text.format(edition=words, year=year)


@dataclass(frozen=True)
class ReferenceDeclaration:
    """A reference file (economies, groups, classification history): no observations."""

    id: str
    title: str
    dataset: str
    loader: str
    vintage: str
    files: tuple[str, ...]
    origin: Origin


@dataclass(frozen=True)
class NotUsed:
    """A raw file, or part of one, deliberately left out, and why."""

    what: str
    why: str


@dataclass(frozen=True)
class SourceDeclarations:
    """Every declared source, reference file and deliberate omission, in file order."""

    sources: tuple[SourceDeclaration, ...]
    reference: tuple[ReferenceDeclaration, ...]
    not_used: tuple[NotUsed, ...]
    names_rule: str = ""

    def source(self, source_id: str) -> SourceDeclaration:
        for decl in self.sources:
            if decl.id == source_id:
                return decl
        raise UnknownCodeError("source", source_id, known=[d.id for d in self.sources])

    def reference_for(self, loader: str) -> ReferenceDeclaration:
        """The reference file read by `loader` (each reference loader is declared once)."""
        for decl in self.reference:
            if decl.loader == loader:
                return decl
        raise UnknownCodeError("reference loader", loader, known=[d.loader for d in self.reference])


def _newer(entry: Any, where: str) -> NewerEdition | None:
    if entry is None:
        return None
    where = f"{where} newer_edition"
    return NewerEdition(
        name=text(entry, "name", where),
        published=text(entry, "published", where),
        where=text(entry, "where", where),
        note=text(entry, "note", where, default=""),
    )


def _source(entry: Mapping[str, Any]) -> SourceDeclaration:
    where = f"source {require(entry, 'id', 'a source')}"
    series = entry.get("series") or {}
    if not isinstance(series, Mapping):
        raise DeclarationError(f"{where}: series must map file codes to catalogue codes")
    files = texts(entry.get("files"), f"{where} files")
    folder = entry.get("folder")
    if not files and folder is None:
        raise DeclarationError(f"{where} names neither files nor a folder")
    return SourceDeclaration(
        id=text(entry, "id", where),
        label=text(entry, "label", where),
        title=text(entry, "title", where),
        dataset=text(entry, "dataset", where),
        loader=text(entry, "loader", where),
        vintage=text(entry, "vintage", where),
        files=files,
        series=tuple((str(k), str(v)) for k, v in series.items()),
        origin=Origin.from_json(entry.get("origin"), where),
        folder=None if folder is None else str(folder),
        newer_edition=_newer(entry.get("newer_edition"), where),
        pattern=text(entry, "pattern", where, default="") or None,
    )


def _reference(entry: Mapping[str, Any]) -> ReferenceDeclaration:
    where = f"reference {require(entry, 'id', 'a reference file')}"
    files = texts(require(entry, "files", where), f"{where} files")
    if len(files) != 1:
        raise DeclarationError(f"{where} must name exactly one file")
    return ReferenceDeclaration(
        id=text(entry, "id", where),
        title=text(entry, "title", where),
        dataset=text(entry, "dataset", where),
        loader=text(entry, "loader", where),
        vintage=text(entry, "vintage", where),
        files=files,
        origin=Origin.from_json(entry.get("origin"), where),
    )


def parse_source_declarations(document: Mapping[str, Any]) -> SourceDeclarations:
    """Typed declarations from the parsed YAML document (fields and types checked)."""
    decls = SourceDeclarations(
        sources=tuple(_source(e) for e in require(document, "sources", "sources.yaml")),
        reference=tuple(_reference(e) for e in require(document, "reference", "sources.yaml")),
        not_used=tuple(
            NotUsed(
                what=text(e, "what", "a not_used entry"), why=text(e, "why", "a not_used entry")
            )
            for e in document.get("not_used") or ()
        ),
        names_rule=text(require(document, "names", "sources.yaml"), "rule", "sources.yaml names"),
    )
    ids = [d.id for d in decls.sources] + [d.id for d in decls.reference]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise DeclarationError(f"sources.yaml declares the ids {dupes} more than once")
    loaders = [d.loader for d in decls.reference]
    if len(set(loaders)) != len(loaders):
        raise DeclarationError("sources.yaml declares a reference loader more than once")
    return decls


@cache
def load_source_declarations(path: Path = SOURCES_PATH) -> SourceDeclarations:
    """The project's `sources.yaml`, typed (parsed once per process; the result is immutable)."""
    return parse_source_declarations(read_yaml(path, what="source declarations"))
