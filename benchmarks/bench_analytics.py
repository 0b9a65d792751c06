"""Analytics benchmarks: progress, parity and target status over the whole snapshot, and parts.

    python -m benchmarks.bench_analytics

The headline figure is the total time to compute progress for every indicator and entity,
gender parity for every economy and every group, and the status of every target (goal: under
200 ms, warm: after the snapshot's pivots exist, as in the app).
"""

from __future__ import annotations

import time

from benchmarks.common import print_rows, row, timed
from indicators.analytics.affordability import affordability_by_group, median_cost_over_time
from indicators.analytics.divides import income_gap, online_offline
from indicators.analytics.gaps import gender_parity, group_parity
from indicators.analytics.groups import group_codes
from indicators.analytics.progress import progress
from indicators.analytics.targets import target_status
from indicators.catalogue import load_catalogue
from indicators.narrative.claims import check_claims
from indicators.narrative.talking_points import talking_points
from indicators.store.snapshot import load_snapshot


def run() -> list[dict]:
    snap = load_snapshot()
    cat = load_catalogue()
    groups = group_codes(snap)

    def everything() -> None:
        progress(snap, cat)
        gender_parity(snap, cat)
        group_parity(snap, cat, groups=groups)
        target_status(snap, cat)

    start = time.perf_counter()
    everything()
    cold = time.perf_counter() - start
    rows = [
        row(
            "progress + parity + targets, all entities/indicators (warm)",
            timed(everything, repeat=7)["median"],
            goal=0.200,
            note=f"{len(groups)} groups",
        ),
        row("progress + parity + targets, first call on a fresh snapshot", cold),
    ]
    parts = {
        "progress(), all indicators x entities": lambda: progress(snap, cat),
        "gender_parity(), all economies x years": lambda: gender_parity(snap, cat),
        "group_parity(), all groups": lambda: group_parity(snap, cat, groups=groups),
        "target_status(), all targets": lambda: target_status(snap, cat),
        "income_gap(), published": lambda: income_gap(snap, cat),
        "online_offline(), WLD + income groups": lambda: online_offline(
            snap, cat, groups=("WLD", "LIC", "LMC", "UMC", "HIC")
        ),
        "affordability_by_group(), fixed basket": lambda: affordability_by_group(snap, cat),
        "median_cost_over_time(), fixed basket": lambda: median_cost_over_time(
            snap, cat, indicator="i154_FBB5_GNI"
        ),
        "check_claims(), all claims": lambda: check_claims(snap, cat),
        "talking_points(), all areas": lambda: talking_points(snap, cat),
    }
    for name, func in parts.items():
        rows.append(row(name, timed(func, repeat=5)["median"]))
    return rows


def main() -> None:
    print_rows(run())


if __name__ == "__main__":
    main()
