"""`python -m dashboard deck`: outputs, progress bar, and one-line errors with exit code 2 for bad
input (baseline, format, suffix, slides, date, template), exit code 1 for a deck without its map
unless --allow-missing-charts."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

from pptx import Presentation
from test_export import chromium, needs_chromium

from dashboard import __main__ as cli
from dashboard.deck.story import baseline_range, load_story
from dashboard.exports import renderer

ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dashboard", "deck", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def one_line_error(err: str) -> str:
    lines = [line for line in err.replace("\r", "\n").split("\n") if line.strip()]
    assert len(lines) == 1 and "Traceback" not in err, err
    assert lines[0].startswith("error: ")
    return lines[0]


def bad_inputs(tmp_path: Path, bundled_snapshot, catalogue) -> list[tuple[list[str], str]]:
    first, last = baseline_range(bundled_snapshot, catalogue)
    template = tmp_path / "template.potx"
    template.write_bytes(b"x")
    return [
        (["--out", str(tmp_path / "d.pptx"), "--slides", "title,nope"], "unknown slide code 'nope'"),
        (["--out", str(tmp_path / "d.pptx"), "--slides", ","], "no slides selected"),
        (["--out", str(tmp_path / "d.pptx"), "--date", "16/12/2025"], "YYYY-MM-DD"),
        (["--out", str(tmp_path / "d.pptx"), "--baseline", "1990"], f"from {first} to {last}"),
        (["--out", str(tmp_path / "d.pptx"), "--baseline", str(last + 1)], f"from {first} to {last}"),
        (["--out", str(tmp_path / "x.docx")], "must end in .pptx, .pdf or .zip"),
        (["--out", str(tmp_path / "x.pptx"), "--format", "pdf"], "does not end in .pdf"),
        (["--out", str(tmp_path / "x.docx"), "--format", "docx"], "not a deck format"),
        (["--out", str(tmp_path / "d.pptx"), "--template", str(template)], "must be a PowerPoint"),
        (["--out", str(tmp_path / "d.pptx"), "--template", str(tmp_path / "no.pptx")], "is not a file"),
        (["--out", str(tmp_path / "missing" / "d.pptx")], "does not exist"),
        (["--frob"], "unrecognized arguments"),
        (["--baseline", "soon", "--out", str(tmp_path / "d.pptx")], "invalid int value"),
        ([], "--out is required"),
    ]  # fmt: skip


def test_bad_input_is_one_line_exit_2_and_writes_nothing(
    tmp_path, capsys, bundled_snapshot, catalogue
):
    for args, message in bad_inputs(tmp_path, bundled_snapshot, catalogue):
        try:
            code = cli.main(["deck", *args])
        except SystemExit as stop:  # argparse's own errors
            code = stop.code
        assert code == 2, args
        line = one_line_error(capsys.readouterr().err)
        assert message in line, (args, line)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["template.potx"], args


def test_unexpected_errors_have_no_traceback_either(tmp_path, capsys, monkeypatch):
    def boom(args):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(cli, "run_deck", boom)
    assert cli.main(["deck", "--out", str(tmp_path / "d.pptx")]) == 2
    assert capsys.readouterr().err.strip() == "unexpected error: disk on fire"


def test_list_names_every_slide(capsys):
    assert cli.main(["deck", "--list"]) == 0
    listed = capsys.readouterr().out.split("\n")
    assert [line.split()[0] for line in listed if line] == [s.id for s in load_story().slides]


def test_a_deck_without_its_map_exits_1_unless_allowed(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv(renderer.CHROMIUM_ENV, "/nonexistent/chromium")
    args = ["deck", "--slides", "title,map", "--out"]
    assert cli.main([*args, str(tmp_path / "a.pptx")]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "--allow-missing-charts" in err
    assert "apt-get install chromium" in err
    assert cli.main([*args, str(tmp_path / "b.pptx"), "--allow-missing-charts"]) == 0
    assert (tmp_path / "b.pptx").is_file()


@chromium
@needs_chromium
def test_cli_writes_the_pptx_with_the_title_options_and_a_progress_bar(tmp_path):
    out = tmp_path / "wsis20.pptx"
    done = run_cli("--out", str(out), "--slides", "title,internet_use,gaps", "--date", "2025-12-16",
                   "--title", "Custom title", "--venue", "Geneva", "--presenter", "P")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "Wrote" in done.stderr and "deck:" in done.stderr
    prs = Presentation(str(out))
    assert len(prs.slides) == 3
    texts = " ".join(s.text_frame.text for s in prs.slides[0].shapes if s.has_text_frame)
    assert "Custom title" in texts and "16 December 2025" in texts and "Geneva" in texts
    assert [p.name for p in tmp_path.iterdir()] == ["wsis20.pptx"]


@chromium
@needs_chromium
def test_cli_zip_is_reproducible_and_numbered_as_the_deck(tmp_path):
    first, second = tmp_path / "a.zip", tmp_path / "b.zip"
    for out in (first, second):
        assert cli.main(["deck", "--out", str(out), "--slides", "title,internet_use,sources"]) == 0
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(io.BytesIO(first.read_bytes())) as zf:
        names = zf.namelist()
    assert {
        "02-internet_use.png",
        "02-internet_use.svg",
        "02-internet_use.csv",
        "README.txt",
    } <= set(names)


@chromium
@needs_chromium
def test_cli_builds_on_a_template(tmp_path):
    from test_deck_pptx import make_template

    template = tmp_path / "ours.pptx"
    template.write_bytes(make_template())
    out = tmp_path / "deck.pptx"
    code = cli.main(["deck", "--out", str(out), "--slides", "title,questions", "--template",
                     str(template)])  # fmt: skip
    assert code == 0
    prs = Presentation(str(out))
    assert prs.slide_master.name == "Template master" and len(prs.slides) == 2
