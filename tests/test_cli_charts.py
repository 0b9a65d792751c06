"""`python -m dashboard charts`: every chart of the pages' default views in the chosen formats,
in one process, with a progress bar and readable file names; bad input is one line."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
from PIL import Image
from test_export import chromium, needs_chromium

from dashboard import __main__ as cli
from dashboard.app.page_charts import page_charts
from dashboard.app.registry import PAGE_NAMES
from dashboard.exports import renderer

ROOT = Path(__file__).resolve().parents[1]
NAME = re.compile(r"^(?P<page>[a-z]+)-(?P<n>\d\d)-[a-z0-9-]+\.(png|svg|pdf|csv)$")


def test_csv_of_every_chart_of_every_page(tmp_path, capsys, bundled_snapshot, catalogue):
    out = tmp_path / "charts"
    assert cli.main(["charts", "--out", str(out), "--format", "csv"]) == 0
    files = sorted(p.name for p in out.iterdir())
    built = list(page_charts(bundled_snapshot, catalogue))
    assert len(files) == len(built)
    for name in files:
        match = NAME.match(name)
        assert match and match["page"] in PAGE_NAMES, name
    assert {NAME.match(n)["page"] for n in files} == {c.page for c, _ in built}
    for call, _ in built[:3]:
        frame = pd.read_csv(out / next(n for n in files if n.startswith(call.page)))
        assert {"source", "vintage", "credit"} <= set(frame.columns)
    assert "Wrote" in capsys.readouterr().err


def test_bad_formats_and_pages_are_one_line(tmp_path, capsys):
    for args, message in (
        (["--format", "png,gif"], "'gif' is not a chart format"),
        (["--format", ","], "not a chart format"),
        (["--page", "overview", "nowhere"], "unknown page code 'nowhere'"),
        ([], None),
    ):
        out = [] if args == [] else ["--out", str(tmp_path / "o")]
        code = cli.main(["charts", *out, *args])
        err = capsys.readouterr().err
        assert code == 2 and "Traceback" not in err and len(err.strip().split("\n")) == 1
        assert message is None or message in err
    assert list(tmp_path.iterdir()) == []


def test_images_without_chromium_are_one_line_while_csv_works(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv(renderer.CHROMIUM_ENV, "/nonexistent/chromium")
    assert cli.main(["charts", "--out", str(tmp_path / "a"), "--page", "overview"]) == 2
    err = capsys.readouterr().err
    assert "apt-get install chromium" in err and "--format csv" in err
    assert not (tmp_path / "a").exists()
    assert (
        cli.main(["charts", "--out", str(tmp_path / "b"), "--page", "overview", "--format", "csv"])
        == 0
    )


@chromium
@needs_chromium
def test_the_command_writes_png_svg_and_pdf_with_a_progress_bar(tmp_path):
    out = tmp_path / "charts"
    done = subprocess.run(
        [sys.executable, "-m", "dashboard", "charts", "--out", str(out), "--page", "overview",
         "--format", "png,svg,pdf,csv"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "charts:" in done.stderr and "Traceback" not in done.stderr
    files = sorted(p.name for p in out.iterdir())
    assert len(files) == 2 * 4 and all(NAME.match(n) for n in files)
    pngs = [out / n for n in files if n.endswith(".png")]
    for png in pngs:
        assert Image.open(io.BytesIO(png.read_bytes())).size[0] == 1920
    assert files[0].startswith("overview-01-world-internet-use")
