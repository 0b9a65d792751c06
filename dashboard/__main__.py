"""Command line of the dashboard package: the presentation deck and every chart, without the app.

    python -m dashboard deck --out wsis20.pptx [--format pptx|pdf|zip] [--slides a,b,c]
        [--baseline 2005] [--title ...] [--meeting ...] [--date YYYY-MM-DD] [--venue ...]
        [--presenter ...] [--template FILE.pptx] [--force] [--allow-missing-charts]
    python -m dashboard deck --list
    python -m dashboard charts --out DIR [--format png,svg,pdf,csv] [--page PAGE ...] [--force]

A progress bar goes to stderr. An existing output is never replaced without --force, and never
when it is not a regular file (a folder, FIFO or device). Any error prints one line and exits
with code 2 (no traceback; set WSIS_DEBUG=1 to see one); a deck whose map could not be drawn,
or charts that could not be exported, exit with code 1 (the deck: unless
--allow-missing-charts).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

DECK_FORMATS = ("pptx", "pdf", "zip")
EXIT_ERROR, EXIT_MISSING = 2, 1


class CliError(Exception):
    """A problem with the command line's input, reported as one message."""


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (no usage dump)."""

    def error(self, message: str) -> NoReturn:
        print(f"error: {message} (see --help)", file=sys.stderr)
        raise SystemExit(EXIT_ERROR)


def build_parser() -> argparse.ArgumentParser:
    """The command line's parser (also read by the README test)."""
    doc = (__doc__ or "").split("\n")[0]
    parser = Parser(prog="python -m dashboard", description=doc)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    deck = sub.add_parser("deck", help="build the presentation deck (PowerPoint, PDF or zip pack)")
    deck.add_argument("--out", type=Path, help="output file, e.g. wsis20.pptx")
    deck.add_argument("--format", help="pptx, pdf or zip (default: from the --out suffix)")
    deck.add_argument("--slides", help="comma-separated slide ids, in order (default: all)")
    deck.add_argument("--baseline", type=int, default=2005, help="baseline year (default 2005)")
    deck.add_argument("--title", help="title of the title slide")
    deck.add_argument("--meeting", help="meeting named on the title slide")
    deck.add_argument("--date", help="date on the title slide, YYYY-MM-DD (default: the note's)")
    deck.add_argument("--venue", help="venue on the title slide")
    deck.add_argument("--presenter", help="presenter on the title slide")
    deck.add_argument("--template", type=Path, help="a PowerPoint file (.pptx) to build on")
    deck.add_argument("--force", action="store_true", help="replace an existing output file")
    deck.add_argument("--allow-missing-charts", action="store_true",
                      help="exit 0 even when the map or chart images cannot be drawn")  # fmt: skip
    deck.add_argument("--list", action="store_true", help="list the slide ids and exit")
    charts = sub.add_parser("charts", help="export every chart of the pages' default views")
    charts.add_argument("--out", type=Path, help="output folder (created; an existing one "
                        "only with --force)")  # fmt: skip
    charts.add_argument("--format", default="png,svg,csv",
                        help="comma-separated: png, svg, pdf, csv (default png,svg,csv)")  # fmt: skip
    charts.add_argument("--page", nargs="+", action="extend", metavar="PAGE",
                        help="only these pages (default: every page)")  # fmt: skip
    charts.add_argument("--force", action="store_true", help="write into an existing folder")
    return parser


# ---------------------------------------------------------------------------------------------
# deck


def deck_format(out: Path, fmt: str | None) -> str:
    """The format: --format if given (it must match the --out suffix), else the suffix."""
    suffix = out.suffix.lower().lstrip(".")
    if fmt is not None:
        fmt = fmt.strip().lower()
        if fmt not in DECK_FORMATS:
            raise CliError(f"--format {fmt!r} is not a deck format; use pptx, pdf or zip")
        if suffix != fmt:
            raise CliError(f"--out {out.name!r} does not end in .{fmt}; name the file "
                           f"{out.stem}.{fmt} or choose the format of its suffix")  # fmt: skip
        return fmt
    if suffix not in DECK_FORMATS:
        raise CliError(f"--out {out.name!r} must end in .pptx, .pdf or .zip (the deck's format)")
    return suffix


def _date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CliError(f"--date {text!r} is not a date of the form YYYY-MM-DD") from exc


def _options(args: argparse.Namespace):
    from dashboard.deck.story import StoryOptions

    slides = None if args.slides is None else tuple(args.slides.split(","))
    words = {k: getattr(args, k) or "" for k in ("title", "meeting", "venue", "presenter")}
    return StoryOptions(baseline=args.baseline, slides=slides, date=_date(args.date), **words)


def _template(path: Path | None) -> bytes | None:
    if path is None:
        return None
    path = path.expanduser()
    if path.suffix.lower() != ".pptx":
        raise CliError(f"--template {path.name!r} must be a PowerPoint file ending in .pptx")
    if not path.is_file():
        raise CliError(f"--template {path} is not a file")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CliError(f"--template {path}: {exc.strerror or exc}") from exc


def run_deck(args: argparse.Namespace) -> int:
    """Build and write the deck; return the exit code."""
    from tqdm import tqdm

    from dashboard.deck.story import load_story, select_slides

    story = load_story()
    if args.list:
        for slide in story.slides:
            extra = " (optional: not in the default deck)" if slide.optional else ""
            print(f"{slide.id:<14} {slide.label}{extra}")
        return 0
    if args.out is None:
        raise CliError("--out is required, e.g. --out wsis20.pptx")
    from dashboard.exports.files import check_target, write_file

    out = check_target(args.out, force=args.force)  # before any work
    fmt = deck_format(out, args.format)
    options = _options(args)
    template = _template(args.template)
    chosen = select_slides(story, options.slides)  # fails early on unknown or no slides

    from dashboard.deck.pack import build_pack
    from dashboard.deck.pdf import pdf_bytes
    from dashboard.deck.powerpoint import pptx_bytes
    from dashboard.deck.prepare import prepare_deck
    from dashboard.deck.story import check_baseline
    from indicators.catalogue import load_catalogue
    from indicators.store.snapshot import load_snapshot

    snapshot, catalogue = load_snapshot(), load_catalogue()
    check_baseline(snapshot, catalogue, options.baseline)
    total = len(chosen) + (len(chosen) * 2 if fmt == "zip" else 0) + 2
    with tqdm(total=total, desc="deck", unit="step", file=sys.stderr, leave=False) as bar:

        def step(label: str) -> None:
            bar.set_postfix_str(label, refresh=False)
            bar.update(1)

        deck = prepare_deck(snapshot, catalogue, options=options, progress=step)
        method = ""
        problems = list(deck.problems)
        if fmt == "pptx":
            data = pptx_bytes(deck, template=template)
        elif fmt == "pdf":
            pdf = pdf_bytes(deck, template=template)
            data, method = pdf.data, pdf.method
        else:
            data = build_pack(deck, snapshot=snapshot, template=template, progress=step)
            from dashboard.exports import renderer

            if not renderer.image_export_available():
                problems.append("chart images: " + renderer.image_problem())
        step("writing")
        written = write_file(out, data, force=args.force)
        step("written")
    print(f"Wrote {written} ({fmt}, {len(deck.slides)} slides of the story, "
          f"{len(data) / 1e6:.1f} MB).", file=sys.stderr)  # fmt: skip
    if method:
        print(f"PDF {method}.", file=sys.stderr)
    for problem in problems:
        print(f"Missing: {problem}", file=sys.stderr)
    if problems and not args.allow_missing_charts:
        print("error: some pictures could not be drawn (see above); install chromium "
              "(`make setup`) or pass --allow-missing-charts to accept the deck without them",
              file=sys.stderr)  # fmt: skip
        return EXIT_MISSING
    return 0


# ---------------------------------------------------------------------------------------------
# charts


def run_charts(args: argparse.Namespace) -> int:
    """Export every chart of the chosen pages' default views; return the exit code."""
    from tqdm import tqdm

    from dashboard.app.page_charts import default_charts
    from dashboard.app.registry import PAGE_NAMES, page_spec
    from dashboard.exports import renderer
    from dashboard.exports.files import check_folder, make_folder
    from dashboard.exports.page_files import chart_stem, export_chart_files, parse_formats

    if args.out is None:
        raise CliError("--out is required, e.g. --out charts/")
    formats = parse_formats(args.format)
    pages = list(dict.fromkeys(args.page or PAGE_NAMES))
    for page in pages:
        page_spec(page)  # an unknown page is one line naming the pages
    folder = check_folder(args.out, force=args.force)
    if any(f != "csv" for f in formats):
        problem = renderer.image_problem()
        if problem:
            raise CliError(f"{problem} Or ask for --format csv only.")

    from indicators.catalogue import load_catalogue
    from indicators.store.snapshot import load_snapshot

    snapshot, catalogue = load_snapshot(), load_catalogue()
    calls = [call for page in pages for call in default_charts(page, snapshot, catalogue)]
    if any(f != "csv" for f in formats):
        renderer.renderer().warm_up()
    make_folder(folder)
    failures, files, charts = [], 0, 0
    numbers: dict[str, int] = {}
    with tqdm(total=len(calls), desc="charts", unit="chart", file=sys.stderr, leave=False) as bar:
        for call in calls:
            bar.set_postfix_str(call.key, refresh=False)
            try:
                chart = call.build(snapshot, catalogue)
            except Exception as exc:  # one chart's failure is reported; the others go on
                failures.append(f"{call.page} {call.key}: {exc}")
                bar.update(1)
                continue
            if chart is not None:
                numbers[call.page] = numbers.get(call.page, 0) + 1
                stem = chart_stem(call.page, numbers[call.page], chart)
                done = export_chart_files(chart, folder=folder, stem=stem, formats=formats,
                                          snapshot=snapshot, force=args.force)  # fmt: skip
                files += len(done.files)
                charts += 1
                if done.problem:
                    failures.append(done.problem)
            bar.update(1)
    print(f"Wrote {files} files for {charts} charts of {len(pages)} pages to {folder}.",
          file=sys.stderr)  # fmt: skip
    for failure in failures:
        print(f"Not exported: {failure}", file=sys.stderr)
    return EXIT_MISSING if failures else 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return run_deck(args) if args.command == "deck" else run_charts(args)
    except KeyboardInterrupt:
        print("interrupted; no file was written.", file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:  # every error becomes one message (WSIS_DEBUG=1 for a traceback)
        if os.environ.get("WSIS_DEBUG") == "1":
            raise
        from indicators.errors import WsisDataError

        kind = "error" if isinstance(exc, WsisDataError | CliError) else "unexpected error"
        text = " ".join(str(exc).split())[:500] or type(exc).__name__
        print(f"{kind}: {text}", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
