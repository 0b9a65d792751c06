"""Adversarial family: hostile paths and messages.

A store crafted to make the product read, show or wait on something it should not: links out
of the store (to /etc/passwd, to a file holding a secret, to a complete valid snapshot kept
elsewhere), descriptor `file` fields with `../` or absolute paths, `--id` and WSIS_STORE given
as paths, FIFOs and devices where files are expected, and descriptor fields of megabytes. Each
case asserts: a clear, bounded message that quotes no file content (neither /etc/passwd nor
the planted secret), no traceback, nothing blocks, and the store and the outside folder are
byte-identical.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from adversarial import (
    SECRET,
    assert_clear_app,
    assert_clear_cli,
    fixture_store,
    no_hang,
    outside_dir,
    run_app,
    run_cli,
    unchanged,
)

from indicators.errors import MESSAGE_LIMIT
from indicators.store.snapshot import DESCRIPTOR, load_snapshot

PASSWD = Path("/etc/passwd")


def _passwd_lines() -> list[str]:
    """Lines of /etc/passwd long enough to recognise if a message quoted them."""
    if not PASSWD.is_file():
        return []
    return [line for line in PASSWD.read_text(errors="replace").splitlines() if len(line) > 12]


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[Path, Path, Path]]:
    """(store root, its current snapshot folder, an outside folder holding a secret and a
    complete copy of the current snapshot)."""
    root = tmp_path / "store"
    (snap_id,) = fixture_store(root)
    outside = outside_dir()
    shutil.copytree(root / "snapshots" / snap_id, outside / snap_id)
    yield root, root / "snapshots" / snap_id, outside
    shutil.rmtree(outside)


def _link(path: Path, target: Path | str) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif os.path.lexists(path):
        path.unlink()
    path.symlink_to(target)


def _fifo(path: Path) -> None:
    if os.path.lexists(path):
        path.unlink()
    os.mkfifo(path)


def _device(path: Path) -> None:
    """A character device node (/dev/zero's numbers) where a file is expected."""
    if os.path.lexists(path):
        path.unlink()
    os.mknod(path, 0o644 | stat.S_IFCHR, os.makedev(1, 5))


def _desc_change(snap: Path, change: Callable[[dict], object]) -> None:
    doc = json.loads((snap / DESCRIPTOR).read_text(encoding="utf-8"))
    change(doc)
    (snap / DESCRIPTOR).write_text(json.dumps(doc), encoding="utf-8")


def _table_file(snap: Path, table: str, file: str, *, content_of: Path | None = None) -> None:
    """Point a table's `file` field elsewhere; with `content_of`, give it that file's sha256 and
    row count, so only confinement can refuse it."""

    def change(doc: dict) -> None:
        entry = doc["tables"][table]
        entry["file"] = file
        if content_of is not None:
            entry["sha256"] = hashlib.sha256(content_of.read_bytes()).hexdigest()

    _desc_change(snap, change)


Craft = Callable[[Path, Path, Path], None]  # (store root, snapshot folder, outside folder)

HOSTILE: dict[str, tuple[Craft, tuple[str, ...]]] = {
    # CURRENT
    "CURRENT links to /etc/passwd": (
        lambda r, s, o: _link(r / "CURRENT", PASSWD),
        ("outside the store",),
    ),
    "CURRENT links to a secret outside": (
        lambda r, s, o: _link(r / "CURRENT", o / "secret.txt"),
        ("outside the store",),
    ),
    "CURRENT links to an outside file naming the snapshot": (
        lambda r, s, o: (
            (o / "pointer").write_text(s.name + "\n", encoding="utf-8"),
            _link(r / "CURRENT", o / "pointer"),
        ),
        ("outside the store",),
    ),
    "CURRENT links to itself": (lambda r, s, o: _link(r / "CURRENT", "CURRENT"), ("CURRENT",)),
    "CURRENT dangling link": (
        lambda r, s, o: _link(r / "CURRENT", r / "nowhere"),
        ("CURRENT", "missing"),
    ),
    "CURRENT is a FIFO": (lambda r, s, o: _fifo(r / "CURRENT"), ("FIFO", "refused")),
    "CURRENT links to a FIFO outside": (
        lambda r, s, o: (os.mkfifo(o / "pipe"), _link(r / "CURRENT", o / "pipe")),
        ("outside the store",),
    ),
    "CURRENT links to /dev/zero": (
        lambda r, s, o: _link(r / "CURRENT", "/dev/zero"),
        ("outside the store",),
    ),
    "CURRENT is a device node": (
        lambda r, s, o: _device(r / "CURRENT"),
        ("character device", "refused"),
    ),
    # the snapshot folder
    "snapshot folder links to a valid copy outside": (
        lambda r, s, o: _link(s, o / s.name),
        ("outside the store",),
    ),
    "snapshots folder links outside": (
        lambda r, s, o: _link(r / "snapshots", o),
        ("outside the store",),
    ),
    # the descriptor
    "descriptor links to a valid copy outside": (
        lambda r, s, o: _link(s / DESCRIPTOR, o / s.name / DESCRIPTOR),
        ("outside the store",),
    ),
    "descriptor links to /etc/passwd": (
        lambda r, s, o: _link(s / DESCRIPTOR, PASSWD),
        ("outside the store",),
    ),
    "descriptor is a FIFO": (lambda r, s, o: _fifo(s / DESCRIPTOR), ("FIFO", "refused")),
    "descriptor is a device node": (
        lambda r, s, o: _device(s / DESCRIPTOR),
        ("character device",),
    ),
    "descriptor of 20 MB": (
        lambda r, s, o: _desc_change(s, lambda d: d.update(padding="x" * 20_000_000)),
        ("bytes long", "refused"),
    ),
    "descriptor field of 5 MB": (
        lambda r, s, o: _desc_change(s, lambda d: d.update(title="x" * 5_000_000)),
        ("title", "characters long"),
    ),
    "source label of 1 MB": (
        lambda r, s, o: _desc_change(s, lambda d: d["sources"][0].update(label="y" * 1_000_000)),
        ("label", "characters long"),
    ),
    "table name of 100 kB": (
        lambda r, s, o: _desc_change(
            s, lambda d: d["tables"].update({"t" * 100_000: {"file": "x", "rows": 1}})
        ),
        ("tables",),
    ),
    # descriptor `file` fields
    "table file ../ to a valid copy outside": (
        lambda r, s, o: _table_file(
            s,
            "observations",
            os.path.relpath(o / s.name / "observations.parquet", s),
            content_of=o / s.name / "observations.parquet",
        ),
        ("observations", "refused"),
    ),
    "table file absolute to a valid copy outside": (
        lambda r, s, o: _table_file(
            s,
            "entities",
            str(o / s.name / "entities.parquet"),
            content_of=o / s.name / "entities.parquet",
        ),
        ("entities", "refused"),
    ),
    "table file is /etc/passwd": (
        lambda r, s, o: _table_file(s, "memberships", str(PASSWD), content_of=PASSWD),
        ("memberships", "refused"),
    ),
    "table file names another table": (
        lambda r, s, o: _table_file(
            s, "entities", "memberships.parquet", content_of=s / "memberships.parquet"
        ),
        ("entities", "refused"),
    ),
    "table file with a dot-dot inside": (
        lambda r, s, o: _table_file(s, "entities", "x/../entities.parquet"),
        ("entities", "refused"),
    ),
    # the tables
    "table links to a valid copy outside": (
        lambda r, s, o: _link(s / "observations.parquet", o / s.name / "observations.parquet"),
        ("outside the store",),
    ),
    "table links to /dev/zero": (
        lambda r, s, o: _link(s / "entities.parquet", "/dev/zero"),
        ("outside the store",),
    ),
    "table links to /etc/passwd": (
        lambda r, s, o: _link(s / "entities.parquet", PASSWD),
        ("outside the store",),
    ),
    "table is a FIFO": (lambda r, s, o: _fifo(s / "income_history.parquet"), ("FIFO",)),
    "table is a device node": (
        lambda r, s, o: _device(s / "income_history.parquet"),
        ("character device",),
    ),
    "table links to another table inside": (
        lambda r, s, o: _link(s / "entities.parquet", s / "memberships.parquet"),
        ("checksum",),
    ),
}


def _assert_nothing_quoted(text: str) -> None:
    assert SECRET not in text
    for line in _passwd_lines():
        assert line not in text, "a line of /etc/passwd was shown"


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_store_is_refused_without_reading_out(
    case: str,
    world: tuple[Path, Path, Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root, snap, outside = world
    craft, words = HOSTILE[case]
    craft(root, snap, outside)
    args = ["--store", str(root)]
    with unchanged(root, outside), no_hang(60):
        for command in ("verify", "info"):
            text = assert_clear_cli(run_cli([command, *args], capsys), *words)
            _assert_nothing_quoted(text)
        listing = run_cli(["list", *args], capsys)
        _assert_nothing_quoted(listing.out + listing.err)
        assert "Traceback" not in listing.err
        shown = run_app(root, monkeypatch)
        assert_clear_app(shown, *words)
        _assert_nothing_quoted(shown.shown)


ID_PATHS: dict[str, Callable[[Path, Path, Path], str]] = {
    "an absolute path to a valid snapshot outside": lambda r, s, o: str(o / s.name),
    "a relative path out of the store": lambda r, s, o: os.path.relpath(o / s.name),
    "the store's own snapshot by path": lambda r, s, o: str(s),
    "snapshots/<id>": lambda r, s, o: f"snapshots/{s.name}",
    "../<id>": lambda r, s, o: f"../{s.name}",
    "/etc/passwd": lambda r, s, o: str(PASSWD),
    "a NUL byte": lambda r, s, o: s.name + "\x00",
    "100,000 characters": lambda r, s, o: "w" * 100_000,
}


@pytest.mark.parametrize("case", list(ID_PATHS))
@pytest.mark.parametrize("command", ["verify", "use"])
def test_an_id_given_as_a_path_is_refused(
    case: str, command: str, world: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """`verify --id` and `use` take ids only: a path (even to a valid snapshot) is refused
    before anything is opened, in one line."""
    root, snap, outside = world
    given = ID_PATHS[case](root, snap, outside)
    argv = ["verify", "--id", given] if command == "verify" else ["use", given]
    with unchanged(root, outside):
        text = assert_clear_cli(run_cli([*argv, "--store", str(root)], capsys), lines=1)
    assert "snapshot id" in text and len(text) < 300
    _assert_nothing_quoted(text)


def test_a_snapshot_folder_linked_outside_is_refused_by_id(
    world: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """A well-formed id whose folder is a link to a valid snapshot elsewhere: refused."""
    root, snap, outside = world
    other = "wsis20-" + "e" * 12
    copy = outside / other
    shutil.copytree(outside / snap.name, copy)
    (root / "snapshots" / other).symlink_to(copy)
    with unchanged(root, outside):
        for argv in (["verify", "--id", other], ["use", other]):
            assert_clear_cli(run_cli([*argv, "--store", str(root)], capsys), "outside the store")
        listing = run_cli(["list", "--store", str(root)], capsys)
    assert other not in listing.out  # a link is never listed as a kept snapshot


def _store_at(kind: str, tmp_path: Path) -> str:
    if kind == "/etc/passwd":
        return str(PASSWD)
    if kind == "/dev/null":
        return "/dev/null"
    if kind == "a FIFO":
        os.mkfifo(tmp_path / "pipe")
        return str(tmp_path / "pipe")
    return str(tmp_path / ("s" * 5000))  # a path longer than the system allows


@pytest.mark.parametrize("kind", ["/etc/passwd", "/dev/null", "a FIFO", "a 5,000-character path"])
def test_wsis_store_that_is_no_folder_is_refused(
    kind: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    where = _store_at(kind, tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    with no_hang(60):
        for command in ("verify", "info", "list"):
            monkeypatch.setenv("WSIS_STORE", where)
            text = assert_clear_cli(run_cli([command], capsys))
            _assert_nothing_quoted(text)
            assert "not a folder" in text or "too long" in text, text
        shown = run_app(Path(where), monkeypatch)
    assert_clear_app(shown)
    _assert_nothing_quoted(shown.shown)
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_long_descriptor_fields_are_bounded_where_shown(
    world: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fields at the descriptor's limit (2,000 characters, markup included) load, and the
    sidebar shows each as escaped text of at most 120 characters (plus the ellipsis)."""
    from indicators.store.descriptor import TEXT_LIMIT

    root, snap, _ = world
    long = "[link](https://example.org) **bold** <b>" * (TEXT_LIMIT // 40)
    long = long[:TEXT_LIMIT]

    def change(doc: dict) -> None:
        doc["built_from"] = long
        for src in doc["sources"]:
            src["label"] = long

    _desc_change(snap, change)
    load_snapshot(store=root, verify=True)  # within the limits: a valid snapshot
    shown = run_app(root, monkeypatch)
    assert not shown.exception
    assert len(shown.sidebar) < 2_000, len(shown.sidebar)
    assert "example.org" not in shown.sidebar or "](https" in shown.sidebar  # never a link
    assert all(len(e) <= MESSAGE_LIMIT + 40 for e in shown.errors)


def test_a_store_reached_through_a_link_still_works(
    world: tuple[Path, Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Confinement is relative to the store as resolved: a deployment that links data/
    elsewhere keeps working (the control case of the family)."""
    root, snap, _ = world
    alias = tmp_path / "alias"
    alias.symlink_to(root)
    assert run_cli(["verify", "--store", str(alias)], capsys).code == 0
    assert load_snapshot(store=alias).id == snap.name
