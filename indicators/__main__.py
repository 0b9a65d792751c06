"""Command line: build, refresh, inspect and verify snapshots.

python -m indicators build --raw ../shared/data/raw     # raw files -> new current snapshot
python -m indicators refresh                            # live World Bank API -> new snapshot
python -m indicators info | verify | list | use <id>
python -m indicators brief [--baseline YEAR] [--format md|json] [--economy CODE]
python -m indicators economies                          # the economy codes and their names

Every failure is one short message on stderr (what happened and what to do) and exit code 2;
no traceback is shown unless WSIS_DEBUG=1. A failed command leaves the store as it was.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from indicators.errors import (
    MESSAGE_LIMIT,
    RefreshError,
    SnapshotError,
    SnapshotIdError,
    WsisDataError,
    bounded,
)

DEBUG_ENV = "WSIS_DEBUG"
STORE_HELP = (
    "to fix: `python -m indicators list` shows the kept snapshots and `python -m indicators "
    "use <id>` makes one current; `python -m indicators build --raw <folder>` rebuilds"
)


class OneLineParser(argparse.ArgumentParser):
    """argparse with one-line errors: the problem and where to find help, no usage block."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {bounded(message, 200)} (see --help)\n")


def _setting(check: Callable[[object], float]) -> Callable[[str], float]:
    """An argparse type from a refresh setting's check (its one-line message on a bad value)."""

    def parse(text: str) -> float:
        try:
            return check(text)
        except RefreshError as exc:
            raise argparse.ArgumentTypeError(
                "must be " + str(exc).split(" must be ", 1)[-1]
            ) from exc

    return parse


def _store_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--store", type=Path, default=None, help="snapshot store (default: $WSIS_STORE or data/)"
    )


def _cmd_build(args: argparse.Namespace) -> int:
    from indicators.store.build import build_snapshot
    from indicators.store.snapshot import load_snapshot

    start = time.perf_counter()
    path = build_snapshot(
        args.raw, store=args.store, progress=lambda msg: print(f"  {msg}", file=sys.stderr)
    )
    snap = load_snapshot(folder=path)
    print(
        f"built snapshot {snap.id}: {snap.descriptor.row_count:,} observations in {time.perf_counter() - start:.1f} s"
    )
    print(f"  at {path}")
    return 0


def _cmd_refresh(args: argparse.Namespace) -> int:
    from indicators.sources.wb_api import default_progress_bar
    from indicators.store.refresh import refresh_snapshot

    print(
        f"Refreshing from the World Bank API: stops after {args.deadline:g} s "
        f"({args.timeout:g} s per request, {args.retries} retries).",
        file=sys.stderr,
    )
    result = refresh_snapshot(
        store=args.store,
        progress=default_progress_bar(),
        timeout=args.timeout,
        retries=args.retries,
        deadline=args.deadline,
    )
    print(result.summary())
    return 0


def _cmd_info(args: argparse.Namespace) -> int:
    from indicators.store.snapshot import load_snapshot

    snap = load_snapshot(store=args.store)
    obs = snap.observations
    d = snap.descriptor
    print(f"snapshot {snap.id} (built {bounded(d.built_at, 40)} from {bounded(d.built_from, 120)})")
    print(
        f"  {len(obs):,} observations, {obs['indicator'].nunique()} indicators, {obs['economy'].nunique()} entities, years {obs['year'].min()}-{obs['year'].max()}"
    )
    for src in d.sources:
        print(
            f"  source {bounded(src.id, 60)}: vintage {bounded(src.vintage, 60)}, "
            f"{src.rows:,} rows, {bounded(src.licence, 80)}"
        )
    return 0


def _cmd_verify(args: argparse.Namespace) -> int:
    from indicators.store.snapshot import load_snapshot

    snap = load_snapshot(store=args.store, snapshot_id=args.id)
    print(
        f"snapshot {snap.id}: checksums, row counts and table contents match its descriptor "
        f"({len(snap.observations):,} observations)"
    )
    return 0


def _cmd_list(args: argparse.Namespace) -> int:
    """The kept snapshots, the current one starred; a damaged CURRENT is reported after the
    list (exit 2), since the list is what the operator needs to repair it with `use`."""
    from indicators.store.snapshot import current_id, list_snapshots, load_snapshot

    kept = list_snapshots(args.store)
    cur: str | None = None
    problem: SnapshotError | None = None
    try:
        cur = current_id(args.store)
    except SnapshotError as exc:
        problem = exc
    if cur is not None and cur not in kept:  # say why: missing, unreadable, incomplete...
        try:
            load_snapshot(store=args.store, snapshot_id=cur, verify=False)
        except SnapshotError as exc:
            problem = exc
        else:
            problem = SnapshotError(f"CURRENT names snapshot {cur}, which is not listed")
    for snap_id in kept:
        print(("* " if snap_id == cur else "  ") + snap_id)
    if problem is not None:
        raise problem
    if not kept:
        print("(no complete snapshot in this store)", file=sys.stderr)
    return 0


def _cmd_use(args: argparse.Namespace) -> int:
    from indicators.store.snapshot import set_current

    snap_id = set_current(args.store, args.id)
    print(f"current snapshot is now {snap_id}")
    return 0


def _cmd_brief(args: argparse.Namespace) -> int:
    from indicators.catalogue import load_catalogue
    from indicators.narrative.brief import make_brief
    from indicators.store.snapshot import load_snapshot

    snap = load_snapshot(store=args.store)
    brief = make_brief(snap, load_catalogue(), baseline=args.baseline, economy=args.economy)
    sys.stdout.write(brief.to_text(args.format))
    return 0


def _cmd_economies(args: argparse.Namespace) -> int:
    from indicators.narrative.brief import economy_codes
    from indicators.store.snapshot import load_snapshot

    for code, name in economy_codes(load_snapshot(store=args.store)).items():
        print(f"{code}  {name}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The command line's parser (also read by the README test)."""
    from indicators.store.refresh import DEADLINE, RETRIES, TIMEOUT

    doc = (__doc__ or "").splitlines()[0]
    parser = OneLineParser(prog="python -m indicators", description=doc)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)
    p = sub.add_parser("build", help="build a snapshot from the raw source files")
    p.add_argument(
        "--raw", type=Path, required=True, help="folder of raw files (e.g. ../shared/data/raw)"
    )
    _store_arg(p)
    p.set_defaults(func=_cmd_build)
    p = sub.add_parser("refresh", help="refresh the World Bank series from the live API")
    p.add_argument(
        "--timeout",
        type=_setting(TIMEOUT.check),
        default=TIMEOUT.default,
        help=f"seconds per HTTP request (above 0, at most {TIMEOUT.high:g}; default "
        f"{TIMEOUT.default:g})",
    )
    p.add_argument(
        "--retries",
        type=_setting(RETRIES.check),
        default=int(RETRIES.default),
        help=f"retries of a failed request ({RETRIES.low:g}-{RETRIES.high:g}; default "
        f"{RETRIES.default:g})",
    )
    p.add_argument(
        "--deadline",
        type=_setting(DEADLINE.check),
        default=DEADLINE.default,
        help=f"seconds the whole refresh may take (above 0, at most {DEADLINE.high:g}; default "
        f"{DEADLINE.default:g})",
    )
    _store_arg(p)
    p.set_defaults(func=_cmd_refresh)
    for name, func, helptext in (
        ("info", _cmd_info, "describe the current snapshot"),
        ("list", _cmd_list, "list the snapshots of the store"),
    ):
        p = sub.add_parser(name, help=helptext)
        _store_arg(p)
        p.set_defaults(func=func)
    p = sub.add_parser("verify", help="check a snapshot against its descriptor")
    p.add_argument("--id", default=None, help="a kept snapshot's id (default: the current one)")
    _store_arg(p)
    p.set_defaults(func=_cmd_verify)
    p = sub.add_parser("use", help="make another kept snapshot current (roll back)")
    p.add_argument("id", help="the id of a kept snapshot, as `list` shows it")
    _store_arg(p)
    p.set_defaults(func=_cmd_use)
    p = sub.add_parser(
        "brief", help="print the claim checks and talking points (speaking notes, or JSON)"
    )
    p.add_argument(
        "--baseline", type=int, default=2005, help="year to measure change from (default 2005)"
    )
    p.add_argument("--format", choices=["md", "json"], default="md", help="md (default) or json")
    p.add_argument("--economy", default=None, help="add one economy's figures (e.g. KEN)")
    _store_arg(p)
    p.set_defaults(func=_cmd_brief)
    p = sub.add_parser("economies", help="list the economy codes and their names")
    _store_arg(p)
    p.set_defaults(func=_cmd_economies)
    return parser


def _fail(message: object, *, advice: str = "") -> int:
    text = f"error: {bounded(message, MESSAGE_LIMIT)}"
    print(text + (f"\n  {advice}" if advice else ""), file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        print("interrupted: the current snapshot was left as it was", file=sys.stderr)
        return 130
    except Exception as exc:
        if os.environ.get(DEBUG_ENV) == "1":
            raise
        if isinstance(exc, SnapshotIdError | RefreshError):
            return _fail(exc)
        if isinstance(exc, SnapshotError):  # what to do, unless the message says it already
            said = "python -m indicators" in str(exc)
            return _fail(exc, advice="" if said else STORE_HELP)
        if isinstance(exc, WsisDataError):
            return _fail(exc)
        if isinstance(exc, OSError):
            where = f" ({bounded(exc.filename, 120)})" if exc.filename else ""
            return _fail(
                f"{bounded(exc.strerror or type(exc).__name__, 80)}{where}; "
                "the current snapshot was left as it was"
            )
        return _fail(
            f"unexpected failure ({type(exc).__name__}); the current snapshot was left as it "
            f"was. Run again with {DEBUG_ENV}=1 to see the details"
        )


if __name__ == "__main__":
    sys.exit(main())
