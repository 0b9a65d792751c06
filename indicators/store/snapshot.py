"""The versioned snapshot store: parquet tables beside a JSON descriptor, switched atomically.

A store is a folder holding ``CURRENT`` (the id of the snapshot in use) and ``snapshots/<id>/``
folders. Each snapshot folder has the tidy observation table, the reference tables (entities,
group memberships, income-group history) and ``descriptor.json`` (sources, vintages, licences,
build time, builder version, row counts and the sha256 of every table). Writing a snapshot goes
to a temporary folder first and is renamed into place; ``CURRENT`` is replaced atomically, so a
reader never sees half a snapshot and an interrupted write leaves the previous one in use.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from indicators import __version__
from indicators.declared import FrozenMap
from indicators.errors import SnapshotError
from indicators.schema import CATEGORY_COLUMNS, OBSERVATION_COLUMNS, check_observations
from indicators.store.descriptor import (
    SCHEMA_VERSION,
    Descriptor,
    ReferenceEntry,
    SourceEntry,
    TableEntry,
)

T = TypeVar("T")
PROJECT_ROOT = Path(__file__).resolve().parents[2]
BUNDLED_STORE = PROJECT_ROOT / "data"
STORE_ENV = "WSIS_STORE"
DESCRIPTOR = "descriptor.json"

TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "observations": OBSERVATION_COLUMNS,
    "entities": (
        "code",
        "name",
        "kind",
        "region",
        "income_group",
        "lending_category",
        "wb_equivalent",
        "description",
        "wb_name",
        "name_source",
        "aliases",
        "pattern",
    ),
    "memberships": ("group", "economy", "basis"),
    "income_history": ("economy", "fiscal_year", "income_group"),
}
ENTITY_KINDS = ("economy", "wb_aggregate", "itu_aggregate")


@dataclass(frozen=True)
class Snapshot:
    """A loaded snapshot: the observation table, the reference tables and the descriptor."""

    observations: pd.DataFrame
    entities: pd.DataFrame
    memberships: pd.DataFrame
    income_history: pd.DataFrame
    descriptor: Descriptor
    path: Path | None = None

    @property
    def id(self) -> str:
        return self.descriptor.snapshot_id

    @cached_property
    def _by_indicator(self) -> dict[str, pd.DataFrame]:
        obs = self.observations
        codes = obs["indicator"].astype(str).to_numpy()
        return {
            code: obs.iloc[idx]
            for code, idx in pd.Series(range(len(obs))).groupby(codes).groups.items()
        }

    def rows(self, indicator: str) -> pd.DataFrame:
        """The observation rows of one indicator (empty frame when it has none)."""
        return self._by_indicator.get(indicator, self.observations.iloc[0:0])

    @cached_property
    def _wide(self) -> dict[str, pd.DataFrame]:
        return {}

    def wide(self, indicator: str) -> pd.DataFrame:
        """Values of one indicator as an economy x year table (NaN where missing); memoised.

        The snapshot is immutable, so the table is computed once per snapshot object.
        """
        cached = self._wide.get(indicator)
        if cached is None:
            rows = self.rows(indicator)
            cached = rows.pivot(index="economy", columns="year", values="value")
            cached.index = cached.index.astype(str)
            cached.columns = cached.columns.astype(int)
            cached.index.name, cached.columns.name = "economy", "year"
            self._wide[indicator] = cached
        return cached

    @cached_property
    def _memos(self) -> dict[tuple[str, ...], Any]:
        return {}

    def memo(self, key: tuple[str, ...], build: Callable[[], T]) -> T:
        """A derived table computed once per snapshot object (`build` must return a value that
        callers never mutate: the snapshot is immutable, so is what is derived from it)."""
        if key not in self._memos:
            self._memos[key] = build()
        value: T = self._memos[key]
        return value

    @cached_property
    def group_index(self) -> dict[str, tuple[tuple[str, ...], str]]:
        """Group code -> (sorted member codes, basis of the membership); memoised."""
        mem = self.memberships
        out: dict[str, tuple[tuple[str, ...], str]] = {}
        for code, grp in mem.groupby(mem["group"].astype(str), sort=True):
            out[code] = (tuple(sorted(grp["economy"].astype(str))), str(grp["basis"].iloc[0]))
        return out

    @cached_property
    def itu_equivalents(self) -> dict[str, str]:
        """World Bank group code -> the ITU aggregate publishing the same group (WLD -> ITU_WLD)."""
        ent = self.entities[
            (self.entities["kind"] == "itu_aggregate") & self.entities["wb_equivalent"].notna()
        ]
        return dict(zip(ent["wb_equivalent"].astype(str), ent["code"].astype(str), strict=True))

    @cached_property
    def entity_index(self) -> pd.DataFrame:
        """The entities table indexed by code."""
        return self.entities.set_index("code", drop=False)

    def source(self, source_id: str) -> SourceEntry:
        """The descriptor entry of a source id (vintage, licence, origin)."""
        return self.descriptor.source(source_id)

    def reference(self, reference_id: str) -> ReferenceEntry | None:
        """The descriptor entry of a reference file (classification, metadata), if held."""
        return next((r for r in self.descriptor.reference if r.id == reference_id), None)


def store_path(store: str | Path | None = None) -> Path:
    """The store folder: the argument, else $WSIS_STORE, else the bundled ``data/``."""
    if store is not None:
        return Path(store)
    env = os.environ.get(STORE_ENV)
    return Path(env) if env else BUNDLED_STORE


def current_id(store: str | Path | None = None) -> str:
    """The id named by the store's CURRENT file."""
    root = store_path(store)
    pointer = root / "CURRENT"
    try:
        snap_id = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError as exc:
        raise SnapshotError(
            f"no snapshot store at {root} (missing {pointer.name}); build one with "
            "`python -m indicators build --raw <raw folder>` or point WSIS_STORE at a store"
        ) from exc
    if not snap_id or "/" in snap_id or snap_id.startswith("."):
        raise SnapshotError(f"{pointer} does not name a snapshot (content {snap_id!r})")
    return snap_id


def snapshot_dir(store: str | Path | None = None, snapshot_id: str | None = None) -> Path:
    root = store_path(store)
    return root / "snapshots" / (snapshot_id or current_id(root))


def list_snapshots(store: str | Path | None = None) -> list[str]:
    """Ids of the complete snapshots kept in a store (those with a descriptor), sorted."""
    folder = store_path(store) / "snapshots"
    if not folder.is_dir():
        return []
    return sorted(
        p.name
        for p in folder.iterdir()
        if (p / DESCRIPTOR).is_file() and not p.name.startswith(".")
    )


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _to_arrow(name: str, frame: pd.DataFrame) -> pa.Table:
    cols = TABLE_COLUMNS[name]
    if tuple(frame.columns) != cols:
        raise SnapshotError(
            f"table {name} has columns {list(frame.columns)}, expected {list(cols)}"
        )
    table = pa.Table.from_pandas(frame.reset_index(drop=True), preserve_index=False)
    if name == "observations":
        fields = []
        arrays = []
        for field_ in table.schema:
            col = table.column(field_.name)
            if field_.name in CATEGORY_COLUMNS:
                col = col.cast(pa.string()).dictionary_encode()
            arrays.append(col)
            fields.append(pa.field(field_.name, col.type))
        table = pa.Table.from_arrays(arrays, schema=pa.schema(fields))
    return table.replace_schema_metadata(None)


def write_table(name: str, frame: pd.DataFrame, folder: Path) -> TableEntry:
    """Write one table as zstd parquet into `folder`; return its descriptor entry (rows, sha256)."""
    path = folder / f"{name}.parquet"
    pq.write_table(
        _to_arrow(name, frame),
        path,
        compression="zstd",
        use_dictionary=True,
        write_statistics=False,
        store_schema=False,
    )
    return TableEntry(file=path.name, rows=len(frame), sha256=sha256_file(path))


def snapshot_id_for(table_shas: list[str]) -> str:
    """Content-addressed id: the same tables always give the same id."""
    return f"wsis20-{hashlib.sha256(''.join(table_shas).encode()).hexdigest()[:12]}"


def write_snapshot(
    *,
    store: str | Path | None,
    observations: pd.DataFrame,
    entities: pd.DataFrame,
    memberships: pd.DataFrame,
    income_history: pd.DataFrame,
    descriptor: Descriptor,
    make_current: bool = True,
    locked: bool = False,
) -> Path:
    """Write a new snapshot into the store atomically and (by default) make it current.

    `descriptor` carries the sources and notes; this function adds the tables' row counts and
    checksums, the schema and builder versions and the content-addressed id. `locked`: the
    caller already holds the store lock (a refresh holds it from reading to writing).
    """
    check_observations(observations)
    root = store_path(store)
    (root / "snapshots").mkdir(parents=True, exist_ok=True)
    with contextlib.nullcontext() if locked else store_lock(root):
        _remove_stale_temporaries(root)
        tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=root / "snapshots"))
        try:
            tables = {
                "observations": write_table("observations", observations, tmp),
                "entities": write_table("entities", entities, tmp),
                "memberships": write_table("memberships", memberships, tmp),
                "income_history": write_table("income_history", income_history, tmp),
            }
            snap_id = snapshot_id_for([entry.sha256 for entry in tables.values()])
            full = replace(
                descriptor,
                snapshot_id=snap_id,
                schema_version=SCHEMA_VERSION,
                builder=f"indicators {__version__}",
                row_count=tables["observations"].rows,
                tables=FrozenMap(tables),
            )
            _write_json(tmp / DESCRIPTOR, full.to_json())
            tmp.chmod(0o755)
            _fsync_dir(tmp)
            final = root / "snapshots" / snap_id
            if final.exists():
                # identical tables: keep the folder, but let newer provenance metadata win
                if _stable(read_descriptor(final)) != _stable(full):
                    os.replace(tmp / DESCRIPTOR, final / DESCRIPTOR)
                shutil.rmtree(tmp)
            else:
                os.replace(tmp, final)
            if make_current:
                _replace_text(root / "CURRENT", snap_id + "\n")
            return final
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise


def _remove_stale_temporaries(root: Path) -> None:
    """Delete `.tmp-*` folders left by a writer that was killed (called with the lock held, so
    no live writer owns them)."""
    for leftover in (root / "snapshots").glob(".tmp-*"):
        shutil.rmtree(leftover, ignore_errors=True)


VOLATILE_KEYS = frozenset({"built_at", "built_from", "previous_snapshot", "refresh_changes"})


def _stable(descriptor: Descriptor) -> dict[str, Any]:
    """The descriptor without the keys that change on every build or refresh."""
    return {k: v for k, v in descriptor.to_json().items() if k not in VOLATILE_KEYS}


def set_current(store: str | Path | None, snapshot_id: str) -> None:
    """Point the store's CURRENT at an existing, verified snapshot (e.g. to roll back)."""
    root = store_path(store)
    load_snapshot(store=root, snapshot_id=snapshot_id)
    with store_lock(root):
        _replace_text(root / "CURRENT", snapshot_id + "\n")


def _write_json(path: Path, payload: dict[str, Any]) -> None:
    text = json.dumps(payload, indent=2, sort_keys=False, ensure_ascii=False) + "\n"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def _replace_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def store_lock(root: Path, *, blocking: bool = True) -> Iterator[None]:
    """An exclusive advisory lock on the store, so two writers never interleave."""
    root.mkdir(parents=True, exist_ok=True)
    with (root / ".lock").open("a+") as handle:
        flags = fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB)
        try:
            fcntl.flock(handle.fileno(), flags)
        except BlockingIOError as exc:
            raise SnapshotError(f"another process is writing the store {root}") from exc
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def read_descriptor(folder: Path) -> Descriptor:
    """The checked descriptor of a snapshot folder (SnapshotError naming what is wrong)."""
    path = folder / DESCRIPTOR
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise SnapshotError(f"snapshot {folder} has no {DESCRIPTOR}") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SnapshotError(f"{path} is not valid JSON ({exc})") from exc
    if not isinstance(document, dict) or "tables" not in document:
        raise SnapshotError(f"{path} lacks the tables section")
    if document.get("schema_version") != SCHEMA_VERSION:
        raise SnapshotError(
            f"{path} has schema version {document.get('schema_version')!r}; this program reads "
            f"version {SCHEMA_VERSION}"
        )
    return Descriptor.from_json(document, where=str(path))


def _read_table(folder: Path, name: str, entry: TableEntry | None, *, verify: bool) -> pd.DataFrame:
    if entry is None:
        raise SnapshotError(f"snapshot {folder.name}: its descriptor lists no {name} table")
    path = folder / entry.file
    if not path.is_file():
        raise SnapshotError(f"snapshot {folder.name} is missing its {name} table ({path.name})")
    if verify and sha256_file(path) != entry.sha256:
        raise SnapshotError(
            f"snapshot {folder.name}: {path.name} does not match the checksum in its descriptor "
            "(the file was changed or truncated); rebuild or restore it"
        )
    try:
        dictionary = [c for c in CATEGORY_COLUMNS if name == "observations"]
        # ParquetFile avoids importing pyarrow.dataset, which read_table pulls in on first use
        parquet = pq.ParquetFile(path, read_dictionary=dictionary or None)
        frame = parquet.read().to_pandas()
    except (pa.ArrowException, OSError) as exc:
        raise SnapshotError(f"snapshot {folder.name}: cannot read {path.name} ({exc})") from exc
    if tuple(frame.columns) != TABLE_COLUMNS[name]:
        raise SnapshotError(f"snapshot {folder.name}: {path.name} has unexpected columns")
    if len(frame) != entry.rows:
        raise SnapshotError(
            f"snapshot {folder.name}: {path.name} row count differs from its descriptor"
        )
    return frame


def load_snapshot(
    *,
    store: str | Path | None = None,
    snapshot_id: str | None = None,
    folder: str | Path | None = None,
    verify: bool = True,
) -> Snapshot:
    """Load a snapshot (the store's current one by default), verifying checksums.

    Raises SnapshotError with a message saying what is wrong and what to do.
    """
    path = Path(folder) if folder is not None else snapshot_dir(store, snapshot_id)
    if not path.is_dir():
        raise SnapshotError(f"snapshot folder {path} does not exist")
    descriptor = read_descriptor(path)
    tables = {
        name: _read_table(path, name, descriptor.tables.get(name), verify=verify)
        for name in TABLE_COLUMNS
    }
    return Snapshot(descriptor=descriptor, path=path, **tables)
