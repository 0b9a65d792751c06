"""Command line: build, refresh, inspect and verify snapshots.

python -m indicators build --raw ../shared/data/raw     # raw files -> new current snapshot
python -m indicators refresh                            # live World Bank API -> new snapshot
python -m indicators info | verify | list | use <id>
python -m indicators brief [--baseline YEAR] [--format md|json] [--economy CODE]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from indicators.errors import WsisDataError


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

    result = refresh_snapshot(
        store=args.store,
        progress=default_progress_bar(),
        timeout=args.timeout,
        retries=args.retries,
    )
    print(result.summary())
    return 0


def _cmd_info(args: argparse.Namespace) -> int:
    from indicators.store.snapshot import load_snapshot

    snap = load_snapshot(store=args.store)
    obs = snap.observations
    d = snap.descriptor
    print(f"snapshot {snap.id} (built {d.built_at} from {d.built_from})")
    print(
        f"  {len(obs):,} observations, {obs['indicator'].nunique()} indicators, {obs['economy'].nunique()} entities, years {obs['year'].min()}-{obs['year'].max()}"
    )
    for src in d.sources:
        print(f"  source {src.id}: vintage {src.vintage}, {src.rows:,} rows, {src.licence}")
    return 0


def _cmd_verify(args: argparse.Namespace) -> int:
    from indicators.store.snapshot import load_snapshot

    snap = load_snapshot(store=args.store, snapshot_id=args.id)
    print(f"snapshot {snap.id}: checksums and row counts match its descriptor")
    return 0


def _cmd_list(args: argparse.Namespace) -> int:
    from indicators.store.snapshot import current_id, list_snapshots

    cur = current_id(args.store)
    for snap_id in list_snapshots(args.store):
        print(("* " if snap_id == cur else "  ") + snap_id)
    return 0


def _cmd_use(args: argparse.Namespace) -> int:
    from indicators.store.snapshot import set_current

    set_current(args.store, args.id)
    print(f"current snapshot is now {args.id}")
    return 0


def _cmd_brief(args: argparse.Namespace) -> int:
    from indicators.catalogue import load_catalogue
    from indicators.narrative.brief import make_brief
    from indicators.store.snapshot import load_snapshot

    snap = load_snapshot(store=args.store)
    brief = make_brief(snap, load_catalogue(), baseline=args.baseline, economy=args.economy)
    sys.stdout.write(brief.to_text(args.format))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The command line's parser (also read by the README test)."""
    parser = argparse.ArgumentParser(
        prog="python -m indicators", description=__doc__.splitlines()[0]
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("build", help="build a snapshot from the raw source files")
    p.add_argument(
        "--raw", type=Path, required=True, help="folder of raw files (e.g. ../shared/data/raw)"
    )
    _store_arg(p)
    p.set_defaults(func=_cmd_build)
    p = sub.add_parser("refresh", help="refresh the World Bank series from the live API")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds per HTTP request")
    p.add_argument("--retries", type=int, default=3)
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
    p.add_argument("--id", default=None)
    _store_arg(p)
    p.set_defaults(func=_cmd_verify)
    p = sub.add_parser("use", help="make another kept snapshot current (roll back)")
    p.add_argument("id")
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
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except WsisDataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: the current snapshot was left as it was", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
