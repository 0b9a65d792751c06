"""Load test behind the proxy: 1 and 2 Streamlit replicas behind nginx (`make serve`'s code),
N = 1, 10 and 50 websocket sessions each (the server-only client of bench_load).

    python -m benchmarks.bench_proxy [--levels 1,10,50] [--replicas 1,2] [--single 5]

For each replica count: the cold first visit, p95 of the first chart and of the interaction,
errors, the summed RSS and CPU of all replicas (nginx's CPU noted), and sessions per second;
then the sessions per second of 2 replicas over 1. Goals (issue 12): at 10 sessions p95 within
3x a single session, no error at 50 sessions, 2 replicas at least 1.7x the sessions per second
of one at 50 sessions.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from benchmarks import bench_load
from benchmarks.common import print_rows

LEVELS = (1, 10, 50)
REPLICAS = (1, 2)
SINGLE = 5
BENCH_TIMEOUT = 1800  # seconds, for benchmarks.run
BENCH_ORDER = 99  # after the quick benchmarks, before the browser load test (which runs last)


def run(
    levels: Sequence[int] = LEVELS,
    *,
    replicas: Sequence[int] = REPLICAS,
    single: int = SINGLE,
    timeout: float = 120.0,
) -> list[dict]:
    """The benchmarks.run protocol: bench_load's rows for each replica count behind nginx."""
    return bench_load.run(
        levels, clients=("websocket",), single=single, timeout=timeout, replicas=replicas
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", default=",".join(map(str, LEVELS)))
    parser.add_argument("--replicas", default=",".join(map(str, REPLICAS)))
    parser.add_argument("--single", type=int, default=SINGLE, help="sequential runs at N=1")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per session step")
    args = parser.parse_args()
    levels = [int(x) for x in args.levels.split(",") if x.strip()]
    counts = [int(x) for x in args.replicas.split(",") if x.strip()]
    print_rows(run(levels, replicas=counts, single=args.single, timeout=args.timeout))


if __name__ == "__main__":
    main()
