"""The versioned snapshot store: parquet tables beside a JSON descriptor, switched atomically.

A store is a folder holding ``CURRENT`` (the id of the snapshot in use) and ``snapshots/<id>/``
folders. Each snapshot folder has the tidy observation table, the reference tables (entities,
group memberships, income-group history) and ``descriptor.json`` (sources, vintages, licences,
build time, builder version, row counts and the sha256 of every table). Writing a snapshot goes
to a temporary folder first and is renamed into place; ``CURRENT`` is replaced atomically, so a
reader never sees half a snapshot and an interrupted write leaves the previous one in use; the
next writer removes what an interrupted one left behind.

Reading defends itself: every path opened (CURRENT, the snapshot folder, the descriptor, each
table file) must resolve inside the store, only regular files are read (a FIFO or a device is
refused without being opened for reading, so nothing blocks), sizes are bounded, the tables'
contents are checked (`tables.py`), and any failure is a SnapshotError with a short message
that names the snapshot, says what is wrong and what to do, and never quotes a file's content.
Snapshot ids are content addresses; one typed by a person is normalised or refused
(`parse_snapshot_id`).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import re
import shutil
import stat
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
from indicators.errors import (
    SnapshotError,
    SnapshotIdError,
    StoreBusyError,
    WsisDataError,
    bounded,
)
from indicators.schema import CATEGORY_COLUMNS, check_observations
from indicators.store.descriptor import (
    SCHEMA_VERSION,
    Descriptor,
    ReferenceEntry,
    SourceEntry,
    TableEntry,
)
from indicators.store.tables import TABLE_COLUMNS, check_rows, check_schema

T = TypeVar("T")
PROJECT_ROOT = Path(__file__).resolve().parents[2]
BUNDLED_STORE = PROJECT_ROOT / "data"
STORE_ENV = "WSIS_STORE"
DESCRIPTOR = "descriptor.json"
CURRENT = "CURRENT"
LOCK = ".lock"
# Snapshot ids are content addresses (`snapshot_id_for`): nothing else names a snapshot.
SNAPSHOT_ID = re.compile(r"wsis20-[0-9a-f]{12}")
ID_EXAMPLE = "wsis20-0123456789ab"
_CURRENT_TMP = re.compile(r"\.CURRENT\.[0-9]+\.tmp")
# Size limits of what the store reads: far above real files, low enough that a hostile or
# damaged file cannot exhaust memory (the bundled descriptor is 60 kB, the largest table 1 MB).
CURRENT_LIMIT = 256
DESCRIPTOR_LIMIT = 16 * 2**20
TABLE_LIMIT = 1 * 2**30
PATH_LIMIT = 160
ROLL_BACK = "roll back with `python -m indicators list` then `python -m indicators use <id>`"
RESTORE = (
    "rebuild or restore the snapshot, or roll back to a kept one with "
    "`python -m indicators use <id>`"
)


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


def shown(path: object) -> str:
    """A path as messages show it: one line, at most PATH_LIMIT characters (start and end)."""
    return bounded(path, PATH_LIMIT)


def parse_snapshot_id(text: object) -> str:
    """The snapshot id a person typed, normalised, or a SnapshotIdError saying why it is none.

    A trailing slash (added by shell completion) and a leading ``./`` are dropped; anything
    else must be an id exactly as `list` shows it, never a path.

    >>> parse_snapshot_id("./wsis20-cd0db492b51a/")
    'wsis20-cd0db492b51a'
    """
    raw = str(text)
    candidate = raw.strip()
    while candidate.startswith("./"):
        candidate = candidate[2:]
    candidate = candidate.rstrip("/")
    if SNAPSHOT_ID.fullmatch(candidate):
        return candidate
    if not candidate:
        problem = "an empty snapshot id"
    elif "/" in candidate:
        problem = f"{bounded(raw, 40)!r} is a path, not a snapshot id"
    else:
        problem = f"{bounded(raw, 40)!r} is not a snapshot id"
    raise SnapshotIdError(
        f"{problem}: give the id alone, as `python -m indicators list` shows it (like {ID_EXAMPLE})"
    )


def _reason(exc: OSError) -> str:
    """What an OS error means for the person reading the message, in a few words."""
    if isinstance(exc, IsADirectoryError):
        return "it is a folder"
    if isinstance(exc, NotADirectoryError):
        return "a folder on its path is a file"
    if isinstance(exc, PermissionError):
        return "permission denied (the program's user may not read it; fix its permissions)"
    if exc.errno == errno.ENAMETOOLONG:
        return "the path is too long"
    if exc.errno == errno.ELOOP:
        return "it is a link that loops or is not allowed here"
    return bounded(exc.strerror or type(exc).__name__, 80).lower()


def _kind(mode: int) -> str | None:
    """The kind of a non-regular file ('a folder', 'a FIFO (named pipe)', ...), or None."""
    for test, name in (
        (stat.S_ISREG, None),
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISLNK, "a symbolic link"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def _real(path: Path) -> Path:
    return Path(os.path.realpath(path))


def _inside(path: Path, boundary: Path, *, what: str) -> Path:
    """`path` with every link resolved, refused unless it stays inside `boundary` (resolved)."""
    real = _real(path)
    if not real.is_relative_to(_real(boundary)):
        raise SnapshotError(
            f"{what} leads outside the store (a link or path to elsewhere); refused"
        )
    return real


def read_regular(path: Path, *, boundary: Path, what: str, limit: int) -> bytes:
    """The bytes of a regular file that resolves inside `boundary`, at most `limit` of them.

    Links out of the boundary, folders, FIFOs, devices and sockets are refused without being
    opened for reading (so nothing blocks), and the file is opened without following a link
    that appeared meanwhile. Every failure is a SnapshotError naming `what`, never the content.
    """
    try:
        real = _inside(path, boundary, what=what)
        kind = _kind(os.lstat(real).st_mode)
        if kind is not None:
            raise SnapshotError(f"{what} is {kind}, not a regular file; refused")
        fd = os.open(real, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        try:
            info = os.fstat(fd)
            kind = _kind(info.st_mode)
            if kind is not None:
                raise SnapshotError(f"{what} is {kind}, not a regular file; refused")
            if info.st_size > limit:
                raise SnapshotError(
                    f"{what} is {info.st_size:,} bytes long (at most {limit:,}); refused"
                )
            with os.fdopen(fd, "rb", closefd=False) as handle:
                data = handle.read(limit + 1)
        finally:
            os.close(fd)
    except FileNotFoundError as exc:
        raise SnapshotError(f"{what} is missing") from exc
    except OSError as exc:
        raise SnapshotError(f"cannot read {what}: {_reason(exc)}") from exc
    if len(data) > limit:
        raise SnapshotError(f"{what} is more than {limit:,} bytes long; refused")
    return data


def _store_root(store: str | Path | None) -> Path:
    """The store folder, checked to be a folder (a SnapshotError saying what it is otherwise)."""
    root = store_path(store)
    try:
        info = os.stat(root)
    except FileNotFoundError as exc:
        raise SnapshotError(
            f"no snapshot store at {shown(root)}; build one with "
            "`python -m indicators build --raw <raw folder>` or point WSIS_STORE at a store"
        ) from exc
    except OSError as exc:
        raise SnapshotError(f"cannot open the store {shown(root)}: {_reason(exc)}") from exc
    if not stat.S_ISDIR(info.st_mode):
        raise SnapshotError(
            f"the store {shown(root)} is {_kind(info.st_mode) or 'a file'}, not a folder; "
            "point WSIS_STORE (or --store) at a snapshot store folder"
        )
    return root


def current_id(store: str | Path | None = None) -> str:
    """The id named by the store's CURRENT file (a SnapshotError if it names none)."""
    root = _store_root(store)
    pointer = root / CURRENT
    what = f"the CURRENT file of the store {shown(root)}"
    try:
        os.lstat(pointer)
    except FileNotFoundError as exc:
        raise SnapshotError(
            f"no snapshot store at {shown(root)} (missing {CURRENT}); build one with "
            "`python -m indicators build --raw <raw folder>` or point WSIS_STORE at a store"
        ) from exc
    except OSError as exc:
        raise SnapshotError(f"cannot read {what}: {_reason(exc)}") from exc
    data = read_regular(pointer, boundary=root, what=what, limit=CURRENT_LIMIT)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SnapshotError(f"{what} is not UTF-8 text; {ROLL_BACK}") from exc
    snap_id = text.strip()
    if not SNAPSHOT_ID.fullmatch(snap_id):
        raise SnapshotError(
            f"{what} does not name a snapshot ({len(data)} bytes that are not an id like "
            f"{ID_EXAMPLE}); {ROLL_BACK}"
        )
    return snap_id


def _is_regular(path: Path) -> bool:
    """Whether `path` is a regular file (not a link, FIFO, device...); False if unreadable."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def snapshot_dir(store: str | Path | None = None, snapshot_id: str | None = None) -> Path:
    """The folder of a snapshot of the store (the current one by default)."""
    root = store_path(store)
    snap_id = current_id(root) if snapshot_id is None else parse_snapshot_id(snapshot_id)
    return root / "snapshots" / snap_id


def list_snapshots(store: str | Path | None = None) -> list[str]:
    """Ids of the complete snapshots kept in a store (those with a descriptor), sorted.

    Only folders named like an id are listed, never a link, a temporary folder or a file.
    """
    root = _store_root(store)
    folder = root / "snapshots"
    try:
        if not stat.S_ISDIR(os.lstat(folder).st_mode):
            return []
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda e: e.name)
        return [
            e.name
            for e in entries
            if SNAPSHOT_ID.fullmatch(e.name)
            and e.is_dir(follow_symlinks=False)
            and _is_regular(Path(e.path) / DESCRIPTOR)
        ]
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise SnapshotError(
            f"cannot list the snapshots of the store {shown(root)}: {_reason(exc)}"
        ) from exc


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
    frames = {
        "observations": observations,
        "entities": entities,
        "memberships": memberships,
        "income_history": income_history,
    }
    arrow = {name: _to_arrow(name, frame) for name, frame in frames.items()}
    for name, table in arrow.items():
        check_schema(name, table, where="new snapshot")
    check_rows(arrow, where="new snapshot", frames=frames)
    root = store_path(store)
    (root / "snapshots").mkdir(parents=True, exist_ok=True)
    with contextlib.nullcontext() if locked else store_lock(root):
        _remove_stale_temporaries(root)
        tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=root / "snapshots"))
        try:
            tables = {name: write_table(name, frame, tmp) for name, frame in frames.items()}
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
    """Delete what a killed writer left: `.tmp-*` folders under snapshots/ and
    `.CURRENT.<pid>.tmp` files. Called with the lock held, so no live writer owns them; a
    link is removed itself, never followed."""
    leftovers = [p for p in (root / "snapshots").glob(".tmp-*")]
    leftovers += [p for p in root.glob(".CURRENT.*.tmp") if _CURRENT_TMP.fullmatch(p.name)]
    for leftover in leftovers:
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                leftover.unlink()


VOLATILE_KEYS = frozenset({"built_at", "built_from", "previous_snapshot", "refresh_changes"})


def _stable(descriptor: Descriptor) -> dict[str, Any]:
    """The descriptor without the keys that change on every build or refresh."""
    return {k: v for k, v in descriptor.to_json().items() if k not in VOLATILE_KEYS}


def set_current(store: str | Path | None, snapshot_id: str) -> str:
    """Point the store's CURRENT at a complete, verified snapshot of the store (e.g. to roll
    back); return its id, normalised (see `parse_snapshot_id`).

    Anything else is refused with a SnapshotError before CURRENT is touched. This works on a
    store whose CURRENT is damaged: it is how an operator repairs it.
    """
    root = _store_root(store)
    snap_id = parse_snapshot_id(snapshot_id)
    load_snapshot(store=root, snapshot_id=snap_id)
    with store_lock(root, create=False):
        _remove_stale_temporaries(root)
        try:
            _replace_text(root / CURRENT, snap_id + "\n")
        except OSError as exc:
            raise SnapshotError(
                f"cannot replace the CURRENT file of the store {shown(root)}: {_reason(exc)}"
                + ("; remove that folder first" if isinstance(exc, IsADirectoryError) else "")
            ) from exc
    return snap_id


def _write_json(path: Path, payload: dict[str, Any]) -> None:
    text = json.dumps(payload, indent=2, sort_keys=False, ensure_ascii=False) + "\n"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def _replace_text(path: Path, text: str) -> None:
    """Replace `path` atomically by a file holding `text` (written beside it, then renamed).

    The temporary file is created new (never through a link left there) and removed if the
    rename fails.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def store_lock(root: Path, *, blocking: bool = True, create: bool = True) -> Iterator[None]:
    """An exclusive advisory lock on the store, so two writers never interleave.

    `blocking=False` refuses at once when another process (or thread) holds it; `create=False`
    refuses a store folder that does not exist instead of creating it.
    """
    root = Path(root)
    try:
        if create:
            root.mkdir(parents=True, exist_ok=True)
        else:
            root = _store_root(root)
        fd = os.open(
            root / LOCK,
            os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC,
            0o644,
        )
    except OSError as exc:
        raise SnapshotError(f"cannot lock the store {shown(root)}: {_reason(exc)}") from exc
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise SnapshotError(f"the lock file of the store {shown(root)} is not a regular file")
        flags = fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB)
        try:
            fcntl.flock(fd, flags)
        except BlockingIOError as exc:
            raise StoreBusyError(f"another process is writing the store {shown(root)}") from exc
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def read_descriptor(folder: Path) -> Descriptor:
    """The checked descriptor of a snapshot folder (SnapshotError naming what is wrong); it
    must be a regular file inside the folder."""
    what = f"snapshot {bounded(folder.name, 40)}: {DESCRIPTOR}"
    data = read_regular(folder / DESCRIPTOR, boundary=folder, what=what, limit=DESCRIPTOR_LIMIT)
    try:
        document = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise SnapshotError(f"{what} is not UTF-8 text; {RESTORE}") from exc
    except (json.JSONDecodeError, RecursionError) as exc:
        raise SnapshotError(f"{what} is not valid JSON; {RESTORE}") from exc
    if not isinstance(document, dict) or "tables" not in document:
        raise SnapshotError(f"{what} lacks the tables section; {RESTORE}")
    version = document.get("schema_version")
    if version != SCHEMA_VERSION:
        raise SnapshotError(
            f"{what} has schema version {bounded(repr(version), 20)}; this program reads "
            f"version {SCHEMA_VERSION}"
        )
    return Descriptor.from_json(document, where=what)


def _read_table(folder: Path, name: str, entry: TableEntry | None, *, verify: bool) -> pa.Table:
    """One table of a snapshot folder, read from a regular file inside the folder, its bytes
    checked against the descriptor's sha256 (when `verify`) and its schema checked."""
    where = f"snapshot {bounded(folder.name, 40)}"
    if entry is None:
        raise SnapshotError(f"{where}: its descriptor lists no {name} table; {RESTORE}")
    expected = f"{name}.parquet"
    if entry.file != expected:
        raise SnapshotError(
            f"{where}: its descriptor puts the {name} table in another file than {expected} "
            "(a path, or another name); refused"
        )
    what = f"{where}: the {name} table ({expected})"
    if not os.path.lexists(folder / expected):
        raise SnapshotError(f"{where} is missing its {name} table ({expected}); {RESTORE}")
    data = read_regular(folder / expected, boundary=folder, what=what, limit=TABLE_LIMIT)
    if verify and hashlib.sha256(data).hexdigest() != entry.sha256:
        raise SnapshotError(
            f"{where}: {expected} does not match the checksum in its descriptor "
            f"(the file was changed or truncated); {RESTORE}"
        )
    try:
        # ParquetFile avoids importing pyarrow.dataset, which read_table pulls in on first use
        parquet = pq.ParquetFile(pa.BufferReader(data))
        names = parquet.schema_arrow.names
        dictionary = [c for c in CATEGORY_COLUMNS if name == "observations" and c in names]
        if dictionary:  # the text columns of observations as categories (read again: cheap)
            parquet = pq.ParquetFile(pa.BufferReader(data), read_dictionary=dictionary)
        table = parquet.read()
    except (pa.ArrowException, OSError, ValueError, KeyError) as exc:
        raise SnapshotError(
            f"{where}: cannot read {expected} ({bounded(exc, 120)}); {RESTORE}"
        ) from exc
    check_schema(name, table, where=where)
    if table.num_rows != entry.rows:
        raise SnapshotError(f"{where}: {expected} row count differs from its descriptor")
    return table


def load_snapshot(
    *,
    store: str | Path | None = None,
    snapshot_id: str | None = None,
    folder: str | Path | None = None,
    verify: bool = True,
) -> Snapshot:
    """Load a snapshot (the store's current one by default), verifying checksums and content.

    Every path opened resolves inside the store (or inside `folder`); only regular files are
    read. Any failure is a SnapshotError with a short message saying which snapshot, what is
    wrong and what to do; nothing else escapes.
    """
    try:
        if folder is not None:
            path = _real(Path(folder))
        else:
            root = _store_root(store)
            snap_id = current_id(root) if snapshot_id is None else parse_snapshot_id(snapshot_id)
            _snapshots_folder(root, snap_id)
            path = _inside(root / "snapshots" / snap_id, root, what=f"snapshot {snap_id}")
        return _load_folder(path, verify=verify)
    except WsisDataError:
        raise
    except OSError as exc:
        raise SnapshotError(f"cannot read the snapshot: {_reason(exc)}") from exc
    except Exception as exc:  # any other failure to open the store is the same kind of error
        raise SnapshotError(
            f"the snapshot could not be read ({type(exc).__name__}); {RESTORE}"
        ) from exc


def _snapshots_folder(root: Path, snap_id: str) -> None:
    """Refuse a store whose snapshots/ folder is missing or not a folder, saying so."""
    folder = root / "snapshots"
    try:
        info = os.lstat(folder)
    except FileNotFoundError as exc:
        raise SnapshotError(
            f"snapshot {snap_id} does not exist: the store {shown(root)} has no snapshots "
            f"folder; {RESTORE}"
        ) from exc
    except OSError as exc:
        raise SnapshotError(
            f"cannot open the snapshots folder of the store {shown(root)}: {_reason(exc)}"
        ) from exc
    if stat.S_ISLNK(info.st_mode):
        return  # a link is resolved and confined by the caller
    if not stat.S_ISDIR(info.st_mode):
        raise SnapshotError(
            f"the snapshots folder of the store {shown(root)} is {_kind(info.st_mode) or 'a file'}, "
            f"not a folder, so snapshot {snap_id} cannot be read; {RESTORE}"
        )


def _load_folder(path: Path, *, verify: bool) -> Snapshot:
    """Load the snapshot in `path` (resolved): every file it reads must resolve inside it."""
    name = bounded(path.name, 40)
    try:
        info = os.stat(path)
    except FileNotFoundError as exc:
        raise SnapshotError(
            f"snapshot {name} does not exist in the store (no folder {shown(path)}); {ROLL_BACK}"
        ) from exc
    except OSError as exc:
        raise SnapshotError(f"cannot open snapshot {name}: {_reason(exc)}") from exc
    if not stat.S_ISDIR(info.st_mode):
        raise SnapshotError(
            f"snapshot {name} is {_kind(info.st_mode) or 'a file'}, not a folder; {RESTORE}"
        )
    descriptor = read_descriptor(path)
    if descriptor.snapshot_id != path.name:
        raise SnapshotError(
            f"snapshot {name}: its descriptor names another snapshot "
            f"({bounded(descriptor.snapshot_id, 40)}); {RESTORE}"
        )
    names = set(descriptor.tables)
    if names != set(TABLE_COLUMNS):
        odd = sorted(names ^ set(TABLE_COLUMNS))
        raise SnapshotError(
            f"snapshot {name}: its descriptor lists tables {bounded(', '.join(odd), 80)} "
            f"where it should list exactly {', '.join(TABLE_COLUMNS)}; {RESTORE}"
        )
    arrow = {
        table: _read_table(path, table, descriptor.tables.get(table), verify=verify)
        for table in TABLE_COLUMNS
    }
    frames = {table: data.to_pandas() for table, data in arrow.items()}
    check_rows(arrow, where=f"snapshot {name}", frames=frames)
    return Snapshot(descriptor=descriptor, path=path, **frames)
