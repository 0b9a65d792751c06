"""`python -m dashboard deck`: outputs, progress bar, and one-message errors with exit code 2."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from pptx import Presentation
from test_export import chromium, needs_chromium

from dashboard import __main__ as cli
from dashboard.deck.story import DEFAULT_DECK

ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dashboard", "deck", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--slides", "progress,nope"], "unknown slide code 'nope'"),
        (["--slides", ","], "no slides selected"),
        (["--date", "16/12/2025"], "YYYY-MM-DD"),
    ],
)
def test_bad_input_is_one_message_and_exit_2(tmp_path, capsys, args, message):
    out = tmp_path / "deck.pptx"
    assert cli.main(["deck", "--out", str(out), *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and err.startswith("error:")
    assert list(tmp_path.iterdir()) == []


def test_unwritable_output_is_reported_before_any_work(tmp_path, capsys):
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a folder")
    for target in (tmp_path / "missing" / "deck.pptx", blocker / "deck.pptx", tmp_path):
        assert cli.main(["deck", "--out", str(target)]) == 2
        err = capsys.readouterr().err
        assert str(target) in err and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt"]


def test_unexpected_errors_have_no_traceback_either(tmp_path, capsys, monkeypatch):
    def boom(args):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(cli, "run_deck", boom)
    assert cli.main(["deck", "--out", str(tmp_path / "d.pptx")]) == 2
    err = capsys.readouterr().err
    assert err.strip() == "unexpected error: disk on fire"


def test_list_and_usage_errors(capsys):
    assert cli.main(["deck", "--list"]) == 0
    listed = capsys.readouterr().out.split("\n")
    assert [line.split()[0] for line in listed if line] == [s.id for s in DEFAULT_DECK]
    with pytest.raises(SystemExit) as stop:
        cli.main(["deck", "--out", "x.pptx", "--format", "gif"])
    assert stop.value.code == 2


@chromium
@needs_chromium
def test_cli_writes_the_pptx_with_progress_bar(tmp_path):
    out = tmp_path / "wsis20.pptx"
    done = run_cli("--out", str(out), "--slides", "progress,gaps", "--date", "2025-12-16",
                   "--title", "Custom title")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "Wrote" in done.stderr
    assert "deck:" in done.stderr  # the tqdm bar
    prs = Presentation(str(out))
    assert len(prs.slides) == 1 + 2 + 2
    texts = [shape.text_frame.text for shape in prs.slides[0].shapes if shape.has_text_frame]
    assert "Custom title" in texts and "16 December 2025" in texts
    assert [p.name for p in tmp_path.iterdir()] == ["wsis20.pptx"]


@chromium
@needs_chromium
def test_cli_zip_is_reproducible(tmp_path):
    first, second = tmp_path / "a.zip", tmp_path / "b.zip"
    for out in (first, second):
        done = run_cli("--out", str(out), "--slides", "progress,sources")
        assert done.returncode == 0, done.stderr
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(io.BytesIO(first.read_bytes())) as zf:
        names = zf.namelist()
    assert {"01-progress.png", "01-progress.svg", "01-progress.csv", "README.txt"} <= set(names)
