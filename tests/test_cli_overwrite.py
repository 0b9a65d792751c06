"""Adversarial output targets of `python -m dashboard deck --out` and `charts --out` (issue 13,
item 5): an existing path is refused unless --force; a folder, FIFO, device, socket or symbolic
link is never written, even with --force; a replaced file keeps its mode. Each case checks the
three things a user and an administrator need: one clear line, no traceback, the target as it
was (bytes, kind and mode)."""

from __future__ import annotations

import os
import socket
import stat
import threading
from pathlib import Path

import pytest

from dashboard import __main__ as cli
from dashboard.app.page_charts import default_charts
from dashboard.exports.page_files import chart_stem

DECK = ["deck", "--slides", "title,questions", "--allow-missing-charts"]


def state(path: Path) -> tuple:
    """What must not change: the kind, mode and (for a file) the bytes of a path."""
    info = os.lstat(path)
    kind = stat.S_IFMT(info.st_mode)
    data = path.read_bytes() if stat.S_ISREG(info.st_mode) else None
    target = os.readlink(path) if stat.S_ISLNK(info.st_mode) else None
    return kind, stat.S_IMODE(info.st_mode), data, target


def run(args: list[str], capsys) -> tuple[int, str]:
    """Run the command in this process with a watchdog: a write to a FIFO must never block."""
    result: dict[str, int] = {}
    worker = threading.Thread(target=lambda: result.setdefault("code", cli.main(args)), daemon=True)
    worker.start()
    worker.join(120)
    assert not worker.is_alive(), f"{args} blocked"
    return result["code"], capsys.readouterr().err


def refused(code: int, err: str, message: str) -> None:
    lines = [line for line in err.replace("\r", "\n").split("\n") if line.strip()]
    assert code == 2 and "Traceback" not in err, err
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], err


# --- deck --out --------------------------------------------------------------------------------


def make_fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def make_socket(path: Path) -> Path:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(str(path))
    sock.close()
    return path


def make_link(path: Path) -> Path:
    real = path.with_name("real.pptx")
    real.write_bytes(b"the linked file")
    path.symlink_to(real)
    return path


def make_folder(path: Path) -> Path:
    path.mkdir()
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (make_fifo, "named pipe (FIFO)"),
        (make_socket, "a socket"),
        (make_link, "a symbolic link"),
        (make_folder, "a folder"),
    ],
    ids=["fifo", "socket", "symlink", "folder"],
)
@pytest.mark.parametrize("force", [False, True], ids=["plain", "force"])
def test_deck_never_writes_to_what_is_not_a_regular_file(tmp_path, capsys, make, message, force):
    target = make(tmp_path / "deck.pptx")
    before = state(target)
    others = {p.name: state(p) for p in tmp_path.iterdir()}
    code, err = run([*DECK, "--out", str(target), *(["--force"] if force else [])], capsys)
    refused(code, err, message)
    assert state(target) == before
    assert {p.name: state(p) for p in tmp_path.iterdir()} == others  # no temporary left behind


def test_deck_never_writes_to_a_device(capsys):
    before = state(Path("/dev/null"))
    code, err = run([*DECK, "--format", "pptx", "--out", "/dev/null", "--force"], capsys)
    refused(code, err, "a device")
    assert state(Path("/dev/null")) == before


def test_deck_refuses_an_existing_file_without_force(tmp_path, capsys):
    target = tmp_path / "deck.pptx"
    target.write_bytes(b"yesterday's deck")
    before = state(target)
    code, err = run([*DECK, "--out", str(target)], capsys)
    refused(code, err, "already exists; add --force")
    assert state(target) == before


@pytest.mark.parametrize("mode", [0o444, 0o600, 0o640])
def test_deck_with_force_replaces_a_file_and_keeps_its_mode(tmp_path, capsys, mode):
    target = tmp_path / "deck.pptx"
    target.write_bytes(b"yesterday's deck")
    target.chmod(mode)
    code, err = run([*DECK, "--out", str(target), "--force"], capsys)
    assert code == 0 and "Traceback" not in err, err
    assert stat.S_IMODE(os.stat(target).st_mode) == mode
    assert target.read_bytes().startswith(b"PK")  # a PowerPoint (zip) file now
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deck.pptx"]


# --- charts --out --------------------------------------------------------------------------------

CHARTS = ["charts", "--format", "csv", "--page", "overview"]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: (p.write_bytes(b"a file"), p)[1], "not a folder"),
        (make_fifo, "not a folder"),
        (lambda p: (p.mkdir(), p)[1], "already exists; add --force"),
    ],
    ids=["file", "fifo", "folder"],
)
def test_charts_out_must_be_a_new_folder_unless_forced(tmp_path, capsys, make, message):
    target = make(tmp_path / "charts")
    before = state(target)
    code, err = run([*CHARTS, "--out", str(target)], capsys)
    refused(code, err, message)
    assert state(target) == before


def test_charts_with_force_skip_a_fifo_and_keep_a_files_mode(tmp_path, capsys, bundled_snapshot,
                                                              catalogue):  # fmt: skip
    folder = tmp_path / "charts"
    folder.mkdir()
    calls = default_charts("overview", bundled_snapshot, catalogue)
    stems = [chart_stem("overview", i + 1, call.build(bundled_snapshot, catalogue))
             for i, call in enumerate(calls)]  # fmt: skip
    fifo = make_fifo(folder / f"{stems[0]}.csv")
    kept = folder / f"{stems[1]}.csv"
    kept.write_bytes(b"old")
    kept.chmod(0o444)
    fifo_before = state(fifo)
    code, err = run([*CHARTS, "--out", str(folder), "--force"], capsys)
    assert code == 1 and "Traceback" not in err, err
    assert "named pipe (FIFO)" in err and stems[0] in err
    assert state(fifo) == fifo_before
    assert stat.S_IMODE(os.stat(kept).st_mode) == 0o444 and kept.read_bytes().startswith(b"year,")
