"""Command line of the dashboard package: build the presentation deck without the app.

    python -m dashboard deck --out wsis20.pptx [--slides a,b,c] [--baseline 2005]
        [--title ...] [--subtitle ...] [--date YYYY-MM-DD] [--format pptx|pdf|zip]
    python -m dashboard deck --list

A progress bar goes to stderr. Any error prints one message and exits with code 2 (no
traceback; set WSIS_DEBUG=1 to see one).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Sequence
from pathlib import Path

FORMATS = ("pptx", "pdf", "zip")


def build_parser() -> argparse.ArgumentParser:
    """The command line's parser (also read by the README test)."""
    parser = argparse.ArgumentParser(prog="python -m dashboard", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    deck = sub.add_parser("deck", help="build the presentation deck (PowerPoint, PDF or zip pack)")
    deck.add_argument("--out", type=Path, help="output file, e.g. wsis20.pptx")
    deck.add_argument("--slides", help="comma-separated slide ids, in order (default: all)")
    deck.add_argument("--baseline", type=int, default=2005, help="baseline year (default 2005)")
    deck.add_argument("--title", help="title of the title slide")
    deck.add_argument("--subtitle", help="subtitle of the title slide")
    deck.add_argument("--date", help="date on the title slide, YYYY-MM-DD (default: snapshot's)")
    deck.add_argument("--format", choices=FORMATS, help="default: from the --out suffix, else pptx")
    deck.add_argument("--list", action="store_true", help="list the slide ids and exit")
    return parser


class CliError(Exception):
    """A problem with the command line's input, reported as one message."""


def _format(args: argparse.Namespace) -> str:
    if args.format:
        return args.format
    suffix = args.out.suffix.lower().lstrip(".")
    return suffix if suffix in FORMATS else "pptx"


def _date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CliError(f"--date {text!r} is not a date of the form YYYY-MM-DD") from exc


def _check_out(out: Path | None) -> Path:
    if out is None:
        raise CliError("--out is required, e.g. --out wsis20.pptx")
    out = out.expanduser()  # checked as written (e.g. `--out ~` is a folder), before any work
    folder = out.parent
    if not folder.is_dir():
        raise CliError(f"cannot write {out}: the folder {folder} does not exist")
    if out.is_dir():
        raise CliError(f"cannot write {out}: it is a folder; give a file name")
    if not os.access(folder, os.W_OK):
        raise CliError(f"cannot write {out}: no permission to write in {folder}")
    return out


def _options(args: argparse.Namespace):
    from dashboard.deck.story import StoryOptions

    slides = None if args.slides is None else tuple(args.slides.split(","))
    kwargs = {k: getattr(args, k) for k in ("title", "subtitle") if getattr(args, k) is not None}
    return StoryOptions(baseline=args.baseline, slides=slides, date=_date(args.date), **kwargs)


def run_deck(args: argparse.Namespace) -> int:
    """Build and write the deck; return the exit code."""
    from tqdm import tqdm

    from dashboard.deck.pack import build_pack
    from dashboard.deck.pdf import pdf_bytes
    from dashboard.deck.powerpoint import pptx_bytes
    from dashboard.deck.prepare import prepare_deck, write_output
    from dashboard.deck.story import DEFAULT_DECK, select_specs
    from dashboard.exports import renderer
    from indicators.catalogue import load_catalogue
    from indicators.store.snapshot import load_snapshot

    if args.list:
        for spec in DEFAULT_DECK:
            print(f"{spec.id:<14} {spec.label}")
        return 0
    out = _check_out(args.out)
    fmt = _format(args)
    options = _options(args)
    n = len(select_specs(DEFAULT_DECK, options.slides))  # fails early on unknown/empty slides
    images = renderer.image_export_available()
    total = n + (n if images else 0) + (n if fmt == "zip" else 0) + 1
    with tqdm(total=total, desc="deck", unit="step", file=sys.stderr, leave=False) as bar:

        def step(label: str) -> None:
            bar.set_postfix_str(label, refresh=False)
            bar.update(1)

        snapshot, catalogue = load_snapshot(), load_catalogue()
        deck = prepare_deck(snapshot, catalogue, options=options, progress=step)
        method = ""
        if fmt == "pptx":
            data = pptx_bytes(deck)
        elif fmt == "pdf":
            pdf = pdf_bytes(deck)
            data, method = pdf.data, pdf.method
        else:
            data = build_pack(deck, progress=step)
        written = write_output(out, data)
        step("written")
    print(f"Wrote {written} ({fmt}, {len(deck.slides)} story slides, {len(data) / 1e6:.1f} MB).",
          file=sys.stderr)  # fmt: skip
    if method:
        print(f"PDF {method}.", file=sys.stderr)
    if deck.image_problem:
        print(f"Note: {deck.image_problem}", file=sys.stderr)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return run_deck(args)
    except KeyboardInterrupt:
        print("interrupted; no file was written.", file=sys.stderr)
        return 2
    except Exception as exc:  # every error becomes one message (WSIS_DEBUG=1 for a traceback)
        if os.environ.get("WSIS_DEBUG") == "1":
            raise
        from indicators.errors import WsisDataError

        kind = "error" if isinstance(exc, WsisDataError | CliError) else "unexpected error"
        print(f"{kind}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
