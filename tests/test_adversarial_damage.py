"""Adversarial family: damaged stores.

A store damaged the ways disks, copies and hurried people damage it: the store, CURRENT, the
snapshot folder, the descriptor or a table missing, empty, truncated, of the wrong kind or
wrongly typed, and (as another user) unreadable. For each one, every reader is run: the
commands `verify`, `info`, `list`, `use` and `refresh` and the app (shell, sidebar, page); each
case asserts a clear message, no traceback and a byte-identical store (tests/adversarial.py).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import wbgapi
from adversarial import (
    ADVICE,
    app_as_other_user,
    assert_clear_app,
    assert_clear_cli,
    can_drop_privileges,
    cli_as_other_user,
    emulate_denied,
    fixture_store,
    no_hang,
    run_app,
    run_cli,
    shared_tmp,
    unchanged,
)

from dashboard.app.registry import PAGE_NAMES, page_spec
from indicators.store.snapshot import DESCRIPTOR

Damage = Callable[[Path, Path], None]  # (store root, current snapshot folder)


def _desc(snap: Path) -> dict:
    return json.loads((snap / DESCRIPTOR).read_text(encoding="utf-8"))


def _set_desc(snap: Path, change: Callable[[dict], object]) -> None:
    doc = _desc(snap)
    change(doc)
    (snap / DESCRIPTOR).write_text(json.dumps(doc), encoding="utf-8")


def _replace_dir(path: Path) -> None:
    path.unlink()
    path.mkdir()


def _folder_to_file(path: Path) -> None:
    shutil.rmtree(path)
    path.write_text("not a folder", encoding="utf-8")


def _truncate(path: Path, size: int) -> None:
    path.write_bytes(path.read_bytes()[:size])


def _flip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def _with_checksum(snap: Path, table: str, content: bytes) -> None:
    """Replace a table and update its checksum, so only reading the file finds the damage."""
    import hashlib

    (snap / f"{table}.parquet").write_bytes(content)
    _set_desc(snap, lambda d: d["tables"][table].update(sha256=hashlib.sha256(content).hexdigest()))


def _temporary_copy(root: Path, snap: Path) -> None:
    shutil.copytree(snap, root / "snapshots" / ".tmp-leftover")
    (root / "CURRENT").write_text(".tmp-leftover\n", encoding="utf-8")


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


# case -> (damage, words the message must hold)
DAMAGE: dict[str, tuple[Damage, tuple[str, ...]]] = {
    # the store itself
    "store folder missing": (lambda r, s: shutil.rmtree(r), ("no snapshot store",)),
    "store is a file": (
        lambda r, s: (shutil.rmtree(r), r.write_text("x", encoding="utf-8")),
        ("not a folder",),
    ),
    "store folder empty": (
        lambda r, s: [shutil.rmtree(p) if p.is_dir() else p.unlink() for p in r.iterdir()],
        ("no snapshot store",),
    ),
    "snapshots folder missing": (
        lambda r, s: shutil.rmtree(r / "snapshots"),
        ("does not exist",),
    ),
    "snapshots folder is a file": (
        lambda r, s: _folder_to_file(r / "snapshots"),
        ("snapshots folder", "not a folder"),
    ),
    # CURRENT
    "CURRENT missing": (lambda r, s: (r / "CURRENT").unlink(), ("missing CURRENT",)),
    "CURRENT empty": (lambda r, s: (r / "CURRENT").write_bytes(b""), ("does not name",)),
    "CURRENT only whitespace": (
        lambda r, s: (r / "CURRENT").write_bytes(b" \n\t\n"),
        ("does not name",),
    ),
    "CURRENT is a folder": (lambda r, s: _replace_dir(r / "CURRENT"), ("is a folder",)),
    "CURRENT not UTF-8": (
        lambda r, s: (r / "CURRENT").write_bytes(b"\xff\xfe\x00wsis"),
        ("not UTF-8",),
    ),
    "CURRENT very long": (
        lambda r, s: (r / "CURRENT").write_bytes(b"wsis20-" + b"a" * 1_000_000),
        ("bytes long",),
    ),
    "CURRENT names a missing snapshot": (
        lambda r, s: (r / "CURRENT").write_text("wsis20-000000000000\n", encoding="utf-8"),
        ("wsis20-000000000000", "does not exist"),
    ),
    "CURRENT with a trailing slash": (
        lambda r, s: (r / "CURRENT").write_text(f"{s.name}/\n", encoding="utf-8"),
        ("does not name",),
    ),
    "CURRENT holds two ids": (
        lambda r, s: (r / "CURRENT").write_text(f"{s.name}\n{s.name}\n", encoding="utf-8"),
        ("does not name",),
    ),
    "CURRENT holds a NUL byte": (
        lambda r, s: (r / "CURRENT").write_bytes(s.name.encode() + b"\x00\n"),
        ("does not name",),
    ),
    "CURRENT names a temporary folder": (_temporary_copy, ("does not name",)),
    # the snapshot folder
    "snapshot folder missing": (lambda r, s: shutil.rmtree(s), ("does not exist",)),
    "snapshot folder is a file": (lambda r, s: _folder_to_file(s), ("not a folder",)),
    "snapshot folder empty": (
        lambda r, s: [p.unlink() for p in s.iterdir()],
        ("descriptor.json", "missing"),
    ),
    # the descriptor
    "descriptor missing": (lambda r, s: (s / DESCRIPTOR).unlink(), ("descriptor.json",)),
    "descriptor empty": (
        lambda r, s: (s / DESCRIPTOR).write_bytes(b""),
        ("descriptor.json", "not valid JSON"),
    ),
    "descriptor not JSON": (
        lambda r, s: (s / DESCRIPTOR).write_text('{"tables": ', encoding="utf-8"),
        ("not valid JSON",),
    ),
    "descriptor not UTF-8": (
        lambda r, s: (s / DESCRIPTOR).write_bytes(b'{"title": "\xff"}'),
        ("not UTF-8",),
    ),
    "descriptor is a JSON list": (
        lambda r, s: (s / DESCRIPTOR).write_text("[1, 2]", encoding="utf-8"),
        ("tables section",),
    ),
    "descriptor is JSON null": (
        lambda r, s: (s / DESCRIPTOR).write_text("null", encoding="utf-8"),
        ("tables section",),
    ),
    "descriptor deeply nested": (
        lambda r, s: (s / DESCRIPTOR).write_text(_nested(200_000), encoding="utf-8"),
        ("not valid JSON",),
    ),
    "descriptor is a folder": (lambda r, s: _replace_dir(s / DESCRIPTOR), ("is a folder",)),
    "descriptor of a newer schema": (
        lambda r, s: _set_desc(s, lambda d: d.update(schema_version=99)),
        ("schema version 99",),
    ),
    "descriptor without snapshot_id": (
        lambda r, s: _set_desc(s, lambda d: d.pop("snapshot_id")),
        ("lacks snapshot_id",),
    ),
    "descriptor names another snapshot": (
        lambda r, s: _set_desc(s, lambda d: d.update(snapshot_id="wsis20-000000000000")),
        ("names another snapshot",),
    ),
    "descriptor tables is a list": (
        lambda r, s: _set_desc(s, lambda d: d.update(tables=[])),
        ("tables is not an object",),
    ),
    "descriptor tables section missing": (
        lambda r, s: _set_desc(s, lambda d: d.pop("tables")),
        ("tables section",),
    ),
    "descriptor sources is an object": (
        lambda r, s: _set_desc(s, lambda d: d.update(sources={})),
        ("sources is not a list",),
    ),
    "descriptor source is a number": (
        lambda r, s: _set_desc(s, lambda d: d.update(sources=[7])),
        ("sources[0] is not an object",),
    ),
    "descriptor lists no memberships table": (
        lambda r, s: _set_desc(s, lambda d: d["tables"].pop("memberships")),
        ("memberships",),
    ),
    "descriptor lists an extra table": (
        lambda r, s: _set_desc(s, lambda d: d["tables"].update(extra=d["tables"]["entities"])),
        ("extra",),
    ),
    "descriptor row count is text": (
        lambda r, s: _set_desc(s, lambda d: d["tables"]["entities"].update(rows="12")),
        ("rows is not a whole number",),
    ),
    "descriptor row count differs": (
        lambda r, s: _set_desc(s, lambda d: d["tables"]["entities"].update(rows=1)),
        ("row count differs",),
    ),
    "descriptor checksum is a number": (
        lambda r, s: _set_desc(s, lambda d: d["tables"]["entities"].update(sha256=12)),
        ("sha256 is not text",),
    ),
    "descriptor title is a list": (
        lambda r, s: _set_desc(s, lambda d: d.update(title=["x"])),
        ("title is not text",),
    ),
    # the tables
    "table missing": (
        lambda r, s: (s / "memberships.parquet").unlink(),
        ("missing its memberships table",),
    ),
    "table empty file": (
        lambda r, s: (s / "entities.parquet").write_bytes(b""),
        ("entities.parquet", "checksum"),
    ),
    "table truncated": (
        lambda r, s: _truncate(s / "observations.parquet", 100),
        ("observations.parquet", "checksum"),
    ),
    "table with a flipped byte": (
        lambda r, s: _flip(s / "observations.parquet"),
        ("observations.parquet", "checksum"),
    ),
    "table replaced by another table": (
        lambda r, s: shutil.copyfile(s / "memberships.parquet", s / "entities.parquet"),
        ("entities.parquet", "checksum"),
    ),
    "table is a folder": (
        lambda r, s: ((s / "entities.parquet").unlink(), (s / "entities.parquet").mkdir()),
        ("is a folder",),
    ),
    "table not parquet, checksum updated": (
        lambda r, s: _with_checksum(s, "income_history", b"not parquet"),
        ("cannot read income_history.parquet",),
    ),
    "table truncated, checksum updated": (
        lambda r, s: _with_checksum(s, "entities", (s / "entities.parquet").read_bytes()[:-200]),
        ("cannot read entities.parquet",),
    ),
}


# Damage a person can repair with `use <a kept snapshot>`: CURRENT is a file, link or FIFO.
REPAIRABLE = [c for c in DAMAGE if c.startswith("CURRENT") and c != "CURRENT is a folder"]


@pytest.fixture
def store(tmp_path: Path) -> tuple[Path, Path, str]:
    """A store with two snapshots: (root, the current snapshot's folder, the previous id)."""
    root = tmp_path / "store"
    previous, current = fixture_store(root, snapshots=2)
    return root, root / "snapshots" / current, previous


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """A refresh that got past the store would meet a closed local port, not the internet."""
    monkeypatch.setattr(wbgapi, "endpoint", "http://127.0.0.1:9/v2")


@pytest.mark.parametrize("case", list(DAMAGE))
def test_a_damaged_store_is_explained_by_every_reader(
    case: str,
    store: tuple[Path, Path, str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    no_network: None,
) -> None:
    root, snap, _ = store
    damage, words = DAMAGE[case]
    damage(root, snap)
    args = ["--store", str(root)]
    with unchanged(root), no_hang(120):
        assert_clear_cli(run_cli(["verify", *args], capsys), *words)
        assert_clear_cli(run_cli(["info", *args], capsys), *words)
        listing = run_cli(["list", *args], capsys)
        if listing.code != 0:  # `list` reads only CURRENT and the folder names
            assert_clear_cli(listing)
        refresh = run_cli(["refresh", *args, "--deadline", "5", "--retries", "0"], capsys)
        assert_clear_cli(refresh, lines=3)  # the deadline line, the error, what to do
        assert "error: World Bank API" not in refresh.err  # refused before any request
        if case not in REPAIRABLE:  # else the snapshot is sound and `use` repairs CURRENT
            assert_clear_cli(run_cli(["use", snap.name, *args], capsys))
        assert_clear_app(run_app(root, monkeypatch), *words)


@pytest.mark.parametrize("case", REPAIRABLE)
def test_the_advice_repairs_a_damaged_current(
    case: str,
    store: tuple[Path, Path, str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`list` still lists the kept snapshots and `use <id>` (the advice) repairs the store."""
    root, snap, previous = store
    DAMAGE[case][0](root, snap)
    listing = run_cli(["list", "--store", str(root)], capsys)
    assert previous in listing.out and snap.name in listing.out
    assert listing.code == 2 and "error:" in listing.err
    assert run_cli(["use", previous, "--store", str(root)], capsys).code == 0
    assert (root / "CURRENT").read_text(encoding="utf-8") == previous + "\n"
    assert run_cli(["verify", "--store", str(root)], capsys).code == 0
    assert_app_uses(run_app(root, monkeypatch), previous)


def assert_app_uses(shown, snapshot_id: str) -> None:
    """The app runs on the snapshot (the fixture's pages may lack an indicator: that is said
    on the page, as for any snapshot without it, and is no store error)."""
    assert not shown.exception, shown.exception
    assert snapshot_id in shown.sidebar and "No data snapshot loaded" not in shown.sidebar
    assert not [e for e in shown.errors if "snapshot" in e and "has no observations" not in e]


def test_use_refuses_a_current_that_is_a_folder(
    store: tuple[Path, Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """The one damage `use` cannot replace: it says to remove the folder, and changes nothing."""
    root, _, previous = store
    _replace_dir(root / "CURRENT")
    with unchanged(root):
        run = run_cli(["use", previous, "--store", str(root)], capsys)
        assert_clear_cli(run, "is a folder", "remove that folder")


PAGE_DAMAGE = ("CURRENT is a folder", "descriptor without snapshot_id", "table truncated")


@pytest.mark.parametrize("page", PAGE_NAMES)
@pytest.mark.parametrize("case", PAGE_DAMAGE)
def test_every_page_explains_a_damaged_store(
    page: str,
    case: str,
    store: tuple[Path, Path, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Through the shell (`?page=`) and the page alone (its own guard, as st.navigation runs
    it): a clear error, no exception, the store unchanged."""
    from streamlit.testing.v1 import AppTest

    root, snap, _ = store
    damage, words = DAMAGE[case]
    damage(root, snap)
    with unchanged(root):
        assert_clear_app(run_app(root, monkeypatch, page=page), *words)
        alone = AppTest.from_string(page_spec(page).script(), default_timeout=60)
        with no_hang(90):
            alone.run()
        assert not alone.exception, alone.exception
        errors = [str(e.value) for e in alone.error]
        assert errors and all(len(e) < 600 for e in errors), errors
        assert any(w.split()[0].lower() in " ".join(errors).lower() for w in words), errors


# --- another user: permission problems (real, as uid 65534 when run as root) -----------------

READERS = ("verify", "info")
PERMISSIONS: dict[str, tuple[Callable[[Path, Path], Path], str, tuple[str, ...]]] = {
    # case -> (the path to lock, its mode, the commands that cannot work without it)
    "store folder unreadable": (lambda r, s: r, "000", (*READERS, "list")),
    "CURRENT unreadable": (lambda r, s: r / "CURRENT", "000", (*READERS, "list")),
    "snapshots folder unreadable": (lambda r, s: r / "snapshots", "000", (*READERS, "list")),
    "snapshots folder not listable": (lambda r, s: r / "snapshots", "311", ("list",)),
    "snapshot folder unreadable": (lambda r, s: s, "000", (*READERS, "list")),
    "descriptor unreadable": (lambda r, s: s / DESCRIPTOR, "000", READERS),
    "table unreadable": (lambda r, s: s / "observations.parquet", "000", READERS),
}


@pytest.fixture
def shared_store():
    """A store another user can reach (pytest's tmp_path is private to root)."""
    top = shared_tmp()
    root = top / "store"
    _, current = fixture_store(root, snapshots=2)
    home = top / "home"
    home.mkdir()
    home.chmod(0o777)
    yield root, root / "snapshots" / current, home
    for path in [top, *top.rglob("*")]:
        if not path.is_symlink():
            path.chmod(0o755 if path.is_dir() else 0o644)
    shutil.rmtree(top)


@pytest.mark.skipif(
    os.geteuid() == 0 and not can_drop_privileges(),
    reason="running as root without setpriv: cannot read the store as another user",
)
@pytest.mark.parametrize("case", list(PERMISSIONS))
def test_a_permission_problem_is_explained_to_another_user(case: str, shared_store) -> None:
    """Each command that needs what is locked says "permission denied" and what to do; the
    others work; the app explains it (or, if it needs nothing locked, works)."""
    root, snap, home = shared_store
    target_of, mode, failing = PERMISSIONS[case]
    target_of(root, snap).chmod(int(mode, 8))
    with unchanged(root):
        runs = cli_as_other_user(["verify", "info", "list"], home=home, store=root)
        for command, run in runs.items():
            if command not in failing:
                assert run.code == 0 and "Traceback" not in run.err, (command, run.err)
                continue
            assert_clear_cli(run, "permission denied")
        shown = app_as_other_user(home=home, store=root)
        assert not shown.exception, shown.exception
        if "verify" not in failing:
            assert_app_uses(shown, snap.name)
            return
        assert any("permission denied" in e for e in shown.errors), shown.errors
        assert any(w.lower() in shown.shown.lower() for w in ADVICE)
        assert "No data snapshot loaded" in shown.sidebar


@pytest.mark.parametrize("case", list(PERMISSIONS))
def test_a_permission_problem_is_explained_emulated(
    case: str,
    store: tuple[Path, Path, str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The same cases with the permission problem raised at the store's boundary (for machines
    where the tests cannot act as another user), run in this process: commands and app."""
    root, snap, _ = store
    target_of, mode, failing = PERMISSIONS[case]
    with unchanged(root):
        emulate_denied(monkeypatch, target_of(root, snap), mode)
        for command in ("verify", "info", "list"):
            run = run_cli([command, "--store", str(root)], capsys)
            if command not in failing:
                assert run.code == 0, (command, run.err)
                continue
            assert_clear_cli(run, "permission denied")
        shown = run_app(root, monkeypatch)
        if "verify" not in failing:
            assert_app_uses(shown, snap.name)
        else:
            assert_clear_app(shown, "permission denied")
