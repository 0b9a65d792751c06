"""Headline cards (dashboard.cards): values, years, sources and changes equal what the snapshot
says, on the fixture snapshot (values built by formulas) and on the bundled_snapshot snapshot."""

from __future__ import annotations

import pytest
from fixtures import FIXTURE_VINTAGE, fixture_with, rows

from dashboard.formatting import format_change, format_people, format_value, source_names
from dashboard.views.cards import (
    Card,
    affordability_card,
    gender_parity_card,
    headline_cards,
    indicator_card,
    internet_use_cards,
    people_cards,
    profile_cards,
)
from indicators.catalogue import load_catalogue
from indicators.store.snapshot import Snapshot

CAT = load_catalogue()
USE, BBND, CEL, PRICE = "IT.NET.USER.ZS", "IT.NET.BBND.P2", "IT.CEL.SETS.P2", "i154_FBB5_GNI"


def fixture_broadband(code: str, year: int) -> float:
    return 0.5 * (year - 1999)


def fixture_mobile(code: str, year: int) -> float:
    return 10.0 + 3.0 * (year - 2000)


def fixture_card_snapshot() -> Snapshot:
    """The fixture snapshot with world rows of fixed broadband and mobile subscriptions."""
    extra = [
        rows(BBND, fixture_broadband, economies=["WLD"]),
        rows(CEL, fixture_mobile, economies=["WLD"], years=range(2003, 2025)),
    ]
    return fixture_with(*extra)


@pytest.fixture(scope="module")
def snap():
    return fixture_card_snapshot()


def latest(snapshot, code: str, entity: str) -> tuple[int, float]:
    row = snapshot.wide(code).loc[entity].dropna()
    return int(row.index.max()), float(row.iloc[-1])


def test_indicator_card_is_the_latest_value_and_change_since_baseline(snap) -> None:
    card = indicator_card(snap, CAT, indicator=BBND, entity="WLD", baseline=2005)
    year, value = latest(snap, BBND, "WLD")
    base = float(snap.wide(BBND).at["WLD", 2005])
    assert (card.year, card.value) == (year, value)
    assert card.delta == pytest.approx(value - base)
    assert card.baseline_year == 2005 and card.baseline_value == pytest.approx(base)
    assert card.value_text == format_value(value, CAT.indicator(BBND))
    assert format_change(value - base, CAT.indicator(BBND)) in card.delta_text
    assert card.vintage == FIXTURE_VINTAGE and FIXTURE_VINTAGE in card.caption
    assert str(year) in card.caption and card.delta_color == "normal"


def test_substituted_baseline_is_named_in_the_delta(snap) -> None:
    card = indicator_card(snap, CAT, indicator=CEL, entity="WLD", baseline=2001)
    first = int(snap.wide(CEL).loc["WLD"].dropna().index.min())
    assert card.baseline_year == first != 2001
    assert f"since {first}" in card.delta_text and "2001 not available" in card.delta_text


def test_internet_use_then_and_now(snap) -> None:
    then, now = internet_use_cards(snap, CAT, baseline=2005)
    year, value = latest(snap, USE, "WLD")
    assert then.year == 2005 and then.value == pytest.approx(snap.wide(USE).at["WLD", 2005])
    assert (now.year, now.value) == (year, value)
    assert str(year) in now.label and "2005" in then.label
    assert now.delta == pytest.approx(value - then.value)


def test_baseline_without_a_value_gives_a_card_that_says_so(snap) -> None:
    first = int(snap.observations["year"].min())
    early = first - 10  # beyond the ±3-year search window
    then, now = internet_use_cards(snap, CAT, baseline=early)
    assert then.value_text == "no value" and then.year is None and str(early) in then.label
    assert str(early) in then.flag and then.flag == now.note  # the years searched, on the card
    assert now.delta is None and now.value == latest(snap, USE, "WLD")[1]


def test_people_online_and_offline_add_up_to_the_population(snap) -> None:
    online, offline = people_cards(snap, CAT)
    year, rate = latest(snap, USE, "WLD")
    members = [c for c in snap.entities.loc[snap.entities["kind"] == "economy", "code"]]
    population = float(snap.wide("SP.POP.TOTL").loc[members, year].sum())
    assert online.year == offline.year == year
    assert online.value == pytest.approx(rate / 100 * population)
    assert online.value + offline.value == pytest.approx(population)
    assert f"{rate / 100:.1%}" in online.delta_text and not online.delta_is_change
    assert online.value_text == format_people(online.value)


def test_gender_parity_card_is_itu_female_over_male_with_its_vintage(snap) -> None:
    card = gender_parity_card(snap, CAT)
    fem, mal = snap.wide("i99H.F").loc["ITU_WLD"], snap.wide("i99H.M").loc["ITU_WLD"]
    year = int(fem.dropna().index.max())
    first = int(fem.dropna().index.min())
    assert card.year == year and card.value == pytest.approx(fem[year] / mal[year])
    assert card.delta == pytest.approx(card.value - fem[first] / mal[first])
    assert card.value_text == f"{fem[year] / mal[year]:.2f}" and card.estimate
    assert "older" in card.flag and card.vintage in card.caption


def test_affordability_card_is_the_median_price_of_economies(snap) -> None:
    card = affordability_card(snap, CAT)
    prices = snap.wide(PRICE)
    year = card.year
    col = prices[year].dropna()
    assert card.value == pytest.approx(float(col.median()))
    under = int((col < 2).sum())
    assert f"{under} of them" in card.note and card.delta_color == "inverse"
    first = int(prices.dropna(how="all", axis=1).columns.min())
    assert card.delta == pytest.approx(card.value - float(prices[first].dropna().median()))


def test_profile_cards_of_an_economy_skip_missing_indicators(snap) -> None:
    cards = profile_cards(snap, CAT, entity="E03")
    keys = {c.key for c in cards}
    assert f"{USE}:E03" in keys and f"{BBND}:E03" not in keys  # no E03 broadband in the fixture
    use = next(c for c in cards if c.key == f"{USE}:E03")
    assert (use.year, use.value) == latest(snap, USE, "E03")
    parity = next(c for c in cards if c.key == "parity:E03")
    fe = snap.wide("IT.NET.USER.FE.ZS").loc["E03"].dropna()
    ma = snap.wide("IT.NET.USER.MA.ZS").loc["E03"]
    y = int(fe.index.max())
    assert parity.value == pytest.approx(fe[y] / ma[y]) and parity.year == y


# --- bundled_snapshot snapshot ---------------------------------------------------------------------------
def test_headline_cards_on_the_bundled_snapshot(bundled_snapshot) -> None:
    cards = headline_cards(bundled_snapshot, CAT)
    assert all(isinstance(c, Card) for c in cards) and len(cards) == 8
    then, now = cards[0], cards[1]
    year, value = latest(bundled_snapshot, USE, "WLD")
    assert (now.year, now.value) == (year, value) and then.year == 2005
    assert then.value == pytest.approx(bundled_snapshot.wide(USE).at["WLD", 2005])
    for card in cards:
        assert card.year is not None and str(card.year) in card.label + card.caption
        assert card.vintage and card.vintage in card.caption and card.source != "not stated"
    for code, card in zip((BBND, CEL), cards[4:6], strict=True):
        assert (card.year, card.value) == latest(bundled_snapshot, code, "WLD")
    parity = cards[6]
    itu_vintage = str(bundled_snapshot.rows("i99H.F")["vintage"].iloc[0])
    wdi_vintage = str(bundled_snapshot.rows(USE).query("economy == 'WLD'")["vintage"].iloc[0])
    assert parity.vintage == itu_vintage and wdi_vintage in parity.flag
    assert (
        source_names(bundled_snapshot, bundled_snapshot.rows(USE)["source"].unique()) in now.caption
    )
