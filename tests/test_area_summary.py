"""Challenge-area summaries (dashboard.area_summary): world series, coverage and the summaries
of every area, on the fixture and the bundled_snapshot snapshot."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from fixtures import ECONOMIES, fixture_with, rows

from dashboard.theme import STATUS_COLOURS
from dashboard.views.area_summary import (
    MEDIAN_MIN_SHARE,
    area_summaries,
    coverage_text,
    world_series,
)
from indicators.analytics.aggregates import aggregate_groups
from indicators.analytics.groups import resolve_group
from indicators.catalogue import load_catalogue
from indicators.store.snapshot import Snapshot

CAT = load_catalogue()
USE, HOMES, PRICE = "IT.NET.USER.ZS", "xHH6_IDI", "i154_FBB5_GNI"


def homes(code: str, year: int) -> float:
    """Households with Internet: every economy from 2010, only E01 and E02 before."""
    if year < 2010 and code not in ("E01", "E02"):
        return float("nan")
    return 10.0 * ECONOMIES.index(code) + (year - 2000)


def fixture_area_snapshot() -> Snapshot:
    """The fixture snapshot with households with Internet (`homes`), thin before 2010."""
    return fixture_with(rows(HOMES, homes))


@pytest.fixture(scope="module")
def snap():
    return fixture_area_snapshot()


@pytest.fixture(scope="module")
def summaries(bundled_snapshot):
    return area_summaries(bundled_snapshot, CAT)


def test_world_series_prefers_published_then_computed_and_a_median_only_for_prices(snap) -> None:
    wb = world_series(snap, CAT, indicator=USE)
    assert wb.basis == "world" and wb.entity == "WLD"
    pd.testing.assert_series_equal(wb.values, snap.wide(USE).loc["WLD"].dropna(), check_names=False)
    itu = world_series(snap, CAT, indicator="i99H.URB")
    assert itu.basis == "world (ITU estimate)" and itu.entity == "ITU_WLD"
    computed = world_series(snap, CAT, indicator=HOMES)  # a rate: the World Bank rule
    assert computed.basis == "world (computed)" and computed.entity == "WLD"
    agg = aggregate_groups(snap, CAT, indicator=HOMES, groups=[resolve_group(snap, "WLD")])
    ok = agg[agg["status"] == "ok"]
    np.testing.assert_allclose(computed.values.to_numpy(), ok["value"].to_numpy())
    assert int(computed.values.index.min()) == 2010  # thin before: no world value, no median
    prices = fixture_with(rows(PRICE, homes), drop=(PRICE,))  # a price: the median economy
    med = world_series(prices, CAT, indicator=PRICE)
    assert med.basis == "median of economies" and med.entity is None
    wide = prices.wide(PRICE).loc[list(ECONOMIES)]
    counts = wide.notna().sum()
    years = counts.index[counts >= MEDIAN_MIN_SHARE * counts.max()]
    np.testing.assert_allclose(med.values.to_numpy(), wide[years].median().to_numpy())
    assert list(med.counts) == list(counts[years])
    assert world_series(snap, CAT, indicator="IT.NET.BBND.P2").basis == "no data"


def test_coverage_counts_economies_and_their_population(snap) -> None:
    text = coverage_text(snap, indicator=HOMES)
    last = int(snap.wide(HOMES).columns.max())
    assert text.startswith(f"{last}: {len(ECONOMIES)} economies (100% of world population)")
    pop = snap.wide("SP.POP.TOTL")
    early = snap.wide(HOMES)[2005].dropna().index
    share = pop.loc[early, 2005].sum() / pop.loc[list(ECONOMIES), 2005].sum()
    assert share < 2 / 3  # the fixture's early years are thin
    assert coverage_text(snap, indicator="i99H.URB").startswith("no economy values")


# --- bundled_snapshot snapshot ---------------------------------------------------------------------------
def test_summaries_follow_the_briefing_note_order_and_state_the_gaps(summaries) -> None:
    assert [s.area.number for s in summaries] == sorted(a.number for a in CAT.areas)
    for s in summaries:
        assert [i.code for i in s.indicators] == [i.code for i in CAT.measures(s.area.id)]
        if s.area.status == "gap":
            assert not s.indicators and s.area.gap_statement and s.area.gap_source
        for b in s.targets:
            assert b.status in STATUS_COLOURS and b.colour == STATUS_COLOURS[b.status]
        names = dict(CAT.action_lines)
        assert all(names[c] == n for c, n in s.action_lines)


def test_indicator_summaries_equal_the_snapshot(bundled_snapshot, summaries) -> None:
    access = next(s for s in summaries if s.area.id == "access")
    use = next(i for i in access.indicators if i.code == USE)
    world = bundled_snapshot.wide(USE).loc["WLD"].dropna()
    assert (use.latest_year, use.latest_value) == (int(world.index.max()), float(world.iloc[-1]))
    assert use.change == pytest.approx(world.iloc[-1] - world[2005]) and use.baseline_year == 2005
    assert use.basis == "world" and use.arrow in ("↑", "↓", "→")
    ids = {b.target_id for b in use.targets}
    assert ids == {t.id for t in CAT.indicator(USE).targets if t.metric == "value"}
    assert str(int(bundled_snapshot.wide(USE).columns.max())) in use.coverage_text


def test_a_baseline_after_a_series_ends_says_so_instead_of_failing(bundled_snapshot) -> None:
    """Series end in different years; a baseline after one's last year leaves the others
    intact and tells the reader, for that one, why there is no change."""
    ends = {
        i.code: int(
            world_series(bundled_snapshot, CAT, indicator=i.code).values.dropna().index.max()
        )
        for i in CAT.measures("access")
    }
    baseline = max(ends.values())
    early = [code for code, end in ends.items() if end < baseline]
    assert early, "the access area needs a series ending before the others for this test"
    (access,) = [
        s for s in area_summaries(bundled_snapshot, CAT, baseline=baseline) if s.area.id == "access"
    ]
    for ind in access.indicators:
        if ind.code in early:
            assert ind.change_text == (
                f"no change since {baseline}: the latest value is from {ends[ind.code]}"
            )
            assert ind.latest_year == ends[ind.code] and ind.baseline_year is None
