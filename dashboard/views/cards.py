"""Headline cards: one figure each, with its year, source, vintage and change.

Pure functions (no Streamlit) that turn the analytics of `indicators/` into small `Card`
dataclasses for the overview and profile pages, the presentation deck and speaker notes. Every
text on a card is computed from the snapshot; nothing is typed. Values are written by
formatting.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from dashboard.formatting import (
    format_change,
    format_people,
    format_value,
    is_number,
    join_texts,
    source_names,
)
from indicators.analytics.affordability import affordability_by_group, median_cost_over_time
from indicators.analytics.divides import online_offline
from indicators.analytics.gaps import gender_parity, latest_gender_summary
from indicators.analytics.groups import HISTORY_CODES
from indicators.analytics.progress import STATUS_OK, progress
from indicators.analytics.reporting import reporting
from indicators.catalogue import Catalogue
from indicators.errors import WsisDataError
from indicators.store.snapshot import Snapshot

INTERNET = "IT.NET.USER.ZS"
INCOME_GROUP_CODES = frozenset(HISTORY_CODES)
FIXED_BROADBAND = "IT.NET.BBND.P2"
MOBILE = "IT.CEL.SETS.P2"
FIXED_PRICE = "i154_FBB5_GNI"
PROFILE_CARD_CODES = (INTERNET, FIXED_BROADBAND, MOBILE, "xHH6_IDI", FIXED_PRICE, "NY.GNP.PCAP.CD")
CARD_LABELS = {FIXED_BROADBAND: "Fixed broadband", MOBILE: "Mobile subscriptions"}
CARD_LABELS |= {FIXED_PRICE: "Median broadband price, % income", "xHH6_IDI": "Homes with Internet"}
COMPACT_UNITS = {" per 100": " /100", " per million": " /mn"}  # card values must stay short


@dataclass(frozen=True)
class Card:
    """One headline figure. `caption` is the one-line provenance shown under the number."""

    key: str
    label: str
    value: float
    value_text: str
    year: int | None
    source: str  # readable source names (releases), e.g. "WDI release of 13 July 2026"
    vintage: str
    delta: float | None = None
    delta_text: str | None = None
    higher_is_better: bool | None = None
    note: str = ""
    estimate: bool = False
    baseline_value: float | None = None
    baseline_year: int | None = None
    delta_is_change: bool = True  # False: the delta line is context (a share), not a change
    flag: str = ""  # a short warning shown with the caption (e.g. an older vintage)

    @property
    def caption(self) -> str:
        year = f"{self.year} · " if self.year is not None else ""
        text = f"{year}{self.source} · vintage {self.vintage}"
        return f"{text} · {self.flag}" if self.flag else text

    @property
    def help(self) -> str:
        """Tooltip text: provenance and notes (shown by st.metric's help)."""
        parts = [f"Year: {self.year}." if self.year is not None else ""]
        parts += [f"Source: {self.source} (vintage {self.vintage}).", self.note]
        if self.estimate:
            parts.append(
                "This value is an estimate (the producer's, or a group value most members did "
                "not report)."
            )
        return " ".join(p for p in parts if p)

    @property
    def delta_color(self) -> Literal["normal", "inverse", "off"]:
        """st.metric delta colour: green for an improvement whichever way 'better' points."""
        if self.higher_is_better is None:
            return "off"
        return "normal" if self.higher_is_better else "inverse"


# --- generic indicator card ---------------------------------------------------------------------
def indicator_card(
    snapshot: Snapshot,
    catalogue: Catalogue,
    *,
    indicator: str,
    entity: str = "WLD",
    baseline: int = 2005,
    label: str | None = None,
) -> Card:
    """Latest value of an indicator for one entity and its change since `baseline`.

    A baseline taken from another year (nearest within 3 years) is named in the delta text.
    """
    ind = catalogue.indicator(indicator)
    row = progress(
        snapshot, catalogue, indicators=[indicator], entities=[entity], baseline=baseline
    ).iloc[0]
    name = str(row["entity_name"]) if pd.notna(row["entity_name"]) else entity
    found = pd.notna(row["latest_year"])
    year = int(row["latest_year"]) if found else None
    delta = float(row["change"]) if row["status"] == STATUS_OK else None
    delta_text = None
    if delta is not None:
        by = int(row["baseline_year"])
        delta_text = f"{format_change(delta, ind)} since {by}"
        if bool(row["baseline_substituted"]):
            delta_text += f" ({baseline} not available)"
    behind = reporting(snapshot, indicator=indicator, entity=entity, year=year) if year else None
    thin = behind is not None and behind.thin
    return Card(
        key=f"{indicator}:{entity}",
        label=label or f"{ind.short_name}, {name}" + (f", {year}" if year else ""),
        value=float(row["latest_value"]) if found else float("nan"),
        value_text=format_value(row["latest_value"], ind),
        year=year,
        source=source_names(snapshot, [row["source"]]) if found else "no data",
        vintage=str(row["vintage"]) if found else "none",
        delta=delta,
        delta_text=delta_text,
        higher_is_better=ind.higher_is_better,
        note=" ".join(x for x in (str(row["note"] or ""), _classification(entity)) if x),
        estimate=(bool(row["latest_estimate"]) if found else False) or thin,
        baseline_value=float(row["baseline_value"]) if is_number(row["baseline_value"]) else None,
        baseline_year=int(row["baseline_year"]) if pd.notna(row["baseline_year"]) else None,
        flag=f"estimate: {behind.text}" if thin and behind is not None else "",
    )


def _classification(entity: str) -> str:
    """Which income classification a published income-group value uses ('' otherwise)."""
    if entity not in INCOME_GROUP_CODES:
        return ""
    return (
        "World Bank income groups as classified today: the published aggregate applies today's "
        "groups to every year."
    )


def baseline_card(card: Card, catalogue: Catalogue, *, indicator: str, label: str) -> Card:
    """The baseline of an indicator card as a card of its own ('World Internet use, 2005').
    Without a baseline value the card says so and why (the progress note names the years
    searched), rather than hiding the other headline figures behind an error."""
    ind = catalogue.indicator(indicator)
    if card.baseline_value is None:
        return Card(
            key=f"{card.key}:baseline",
            label=label,
            value=float("nan"),
            value_text="no value",
            year=None,
            source=card.source,
            vintage=card.vintage,
            higher_is_better=ind.higher_is_better,
            note=card.note,
            flag=card.note,
        )
    return Card(
        key=f"{card.key}:baseline",
        label=label,
        value=card.baseline_value,
        value_text=format_value(card.baseline_value, ind),
        year=card.baseline_year,
        source=card.source,
        vintage=card.vintage,
        higher_is_better=ind.higher_is_better,
    )


# --- the overview's headline cards --------------------------------------------------------------
def internet_use_cards(
    snapshot: Snapshot, catalogue: Catalogue, *, entity: str = "WLD", baseline: int = 2005
) -> tuple[Card, Card]:
    """(then, now): Internet use in the baseline year and in the latest year, with the change."""
    now = indicator_card(snapshot, catalogue, indicator=INTERNET, entity=entity, baseline=baseline)
    name = snapshot.entity_index.at[entity, "name"]
    now = _relabel(now, f"Internet use, {name}, {now.year}")
    then = baseline_card(
        now,
        catalogue,
        indicator=INTERNET,
        label=f"Internet use, {name}, {now.baseline_year or baseline}",
    )
    return then, now


def _relabel(card: Card, label: str) -> Card:
    """The card with a new label and its value in the compact form a card has room for."""
    text = card.value_text
    for long, short in COMPACT_UNITS.items():
        text = text.replace(long, short)
    return Card(**{**card.__dict__, "label": label, "value_text": text})


def people_cards(
    snapshot: Snapshot, catalogue: Catalogue, *, group: str = "WLD", year: int | None = None
) -> tuple[Card, Card]:
    """(online, offline): people using and not using the Internet (counts and shares)."""
    row = online_offline(snapshot, catalogue, groups=[group], year=year).iloc[0]
    behind = reporting(snapshot, indicator=INTERNET, entity=group, year=int(row["year"]))
    thin = behind is not None and behind.thin
    source = (
        f"{source_names(snapshot, [row['source']])} (use) × "
        f"{source_names(snapshot, [row['population_source']])} (population)"
    )
    vintage = f"{row['vintage']} × {row['population_vintage']}"
    note = (
        f"{row['name']}: Internet use of {row['rate']:.1f}% ({row['rate_basis']}) times the population of "
        f"{format_people(row['population'])}. {row['note']}".strip()
    )
    common: dict[str, Any] = {
        "year": int(row["year"]),
        "source": source,
        "vintage": vintage,
        "note": note,
        "estimate": thin,
        "flag": f"estimate: {behind.text}" if thin and behind is not None else "",
    }
    online = Card(
        key=f"online:{group}",
        label=f"People online, {int(row['year'])}",
        value=float(row["online"]),
        value_text=format_people(row["online"]),
        delta_text=f"{row['share_online']:.1%} of the population",
        higher_is_better=True,
        delta_is_change=False,
        **common,
    )
    offline = Card(
        key=f"offline:{group}",
        label=f"People offline, {int(row['year'])}",
        value=float(row["offline"]),
        value_text=format_people(row["offline"]),
        delta_text=f"{row['share_offline']:.1%} of the population",
        higher_is_better=None,
        delta_is_change=False,
        **common,
    )
    return online, offline


def gender_parity_card(
    snapshot: Snapshot, catalogue: Catalogue, *, world: str = "WLD", indicator: str = INTERNET
) -> Card:
    """The world gender parity score (ITU estimate) and its change since ITU's first year.

    The note names ITU's vintage and the (newer) vintage of the World Bank totals, because ITU
    revises its whole series in each edition and the two should not be read as one series.
    """
    summary = latest_gender_summary(snapshot, catalogue, indicator=indicator, world=world)
    itu_total = catalogue.indicator(summary.world_codes[0]).breakdown("total") or "i99H"
    series = gender_parity(
        snapshot, catalogue, indicator=itu_total, economies=[summary.world_entity]
    )
    series = series.dropna(subset=["parity"]).sort_values("year")
    first = series.iloc[0]
    delta = summary.world_parity - float(first["parity"])
    name = (
        snapshot.entity_index.at[world, "name"] if world in snapshot.entity_index.index else world
    )
    totals = snapshot.rows(indicator)
    totals_vintage = join_texts(totals.loc[totals["economy"] == world, "vintage"].astype(str))
    note = (
        f"{name}: women's Internet use ÷ men's. "
        f"Women's Internet use {summary.world_female:.1f}% against men's "
        f"{summary.world_male:.1f}% ({summary.world_year}); 0.98-1.02 counts as parity. ITU "
        f"estimate of vintage {summary.world_vintage}: an older vintage than the World Bank "
        f"totals ({totals_vintage}) shown elsewhere; ITU revises its whole series in every "
        "edition, so the two are not one series."
    )
    name = (
        snapshot.entity_index.at[world, "name"] if world in snapshot.entity_index.index else world
    )
    return Card(
        key=f"parity:{world}",
        label=f"Gender parity score, {summary.world_year}",
        value=summary.world_parity,
        value_text=f"{summary.world_parity:.2f}",
        year=summary.world_year,
        source=source_names(snapshot, [summary.world_source]),
        vintage=summary.world_vintage,
        delta=delta,
        delta_text=f"{delta:+.2f} since {int(first['year'])}",
        higher_is_better=True,
        note=note,
        estimate=True,
        flag=f"ITU estimate, older than the World Bank totals ({totals_vintage})",
    )


def affordability_card(
    snapshot: Snapshot,
    catalogue: Catalogue,
    *,
    indicator: str = FIXED_PRICE,
    group: str = "WLD",
    year: int | None = None,
) -> Card:
    """The median cost of an entry-level basket (% of monthly GNI per capita) across the group's
    economies, its change since the first year priced and how many are under the 2% target."""
    ind = catalogue.indicator(indicator)
    row = affordability_by_group(
        snapshot, catalogue, indicator=indicator, groups=[group], year=year
    ).iloc[0]
    over = median_cost_over_time(snapshot, catalogue, indicator=indicator, groups=[group])
    first = over.sort_values("year").iloc[0]
    delta = float(row["median_cost"]) - float(first["median"])
    note = (
        f"Median cost of entry-level fixed broadband ({ind.name}, {ind.unit}) over the "
        f"{int(row['economies'])} economies with a price in {int(row['year'])}; "
        f"{int(row['under'])} of them ({row['share_economies']:.0%}, holding "
        f"{row['share_people']:.0%} of their people) are under the Broadband Commission's "
        f"{row['threshold']:g}% target. The {int(first['year'])} median covers "
        f"{int(first['n_economies'])} economies."
    )
    return Card(
        key=f"cost:{indicator}:{group}",
        label=CARD_LABELS[FIXED_PRICE],  # the year is in the caption: the label has no room
        value=float(row["median_cost"]),
        value_text=f"{row['median_cost']:.{ind.decimals}f}%",
        year=int(row["year"]),
        source=source_names(snapshot, [row["source"]]),
        vintage=str(row["vintage"]),
        delta=delta,
        delta_text=f"{format_change(delta, ind)} since {int(first['year'])}",
        higher_is_better=ind.higher_is_better,
        note=note,
    )


def headline_cards(snapshot: Snapshot, catalogue: Catalogue, *, baseline: int = 2005) -> list[Card]:
    """The overview's cards, in reading order: Internet use then and now, people online and
    offline, fixed broadband and mobile subscriptions, gender parity, broadband cost."""
    then, now = internet_use_cards(snapshot, catalogue, baseline=baseline)
    online, offline = people_cards(snapshot, catalogue)
    subs = [
        indicator_card(snapshot, catalogue, indicator=code, baseline=baseline)
        for code in (FIXED_BROADBAND, MOBILE)
    ]
    subs = [
        _relabel(c, f"{CARD_LABELS[code]}, {c.year}")
        for c, code in zip(subs, (FIXED_BROADBAND, MOBILE), strict=True)
    ]
    return [
        then,
        now,
        online,
        offline,
        *subs,
        gender_parity_card(snapshot, catalogue),
        affordability_card(snapshot, catalogue),
    ]


# --- the profile's facts --------------------------------------------------------------------------
def profile_cards(
    snapshot: Snapshot,
    catalogue: Catalogue,
    *,
    entity: str,
    baseline: int = 2005,
    codes: tuple[str, ...] = PROFILE_CARD_CODES,
) -> list[Card]:
    """Headline facts of an economy or group: the latest value and change of key indicators
    (those with no value for the entity are left out), its population and gender parity."""
    cards = []
    for code in codes:
        if not len(snapshot.rows(code)):  # not in this snapshot at all
            continue
        card = indicator_card(snapshot, catalogue, indicator=code, entity=entity, baseline=baseline)
        if card.year is None:
            continue
        label = CARD_LABELS.get(code, catalogue.indicator(code).short_name)
        card = _relabel(card, label if code == FIXED_PRICE else f"{label}, {card.year}")
        if code == FIXED_PRICE:
            card = Card(**{**card.__dict__, "value_text": f"{card.value:.2f}%"})
        cards.append(card)
    pop = indicator_card(
        snapshot, catalogue, indicator="SP.POP.TOTL", entity=entity, baseline=baseline
    )
    if pop.year is not None:
        cards.append(_relabel(pop, f"Population, {pop.year}"))
    parity = _parity_of(snapshot, catalogue, entity)
    if parity is not None:
        cards.append(parity)
    return cards


def _parity_of(snapshot: Snapshot, catalogue: Catalogue, entity: str) -> Card | None:
    """An economy's latest parity score, or a group's ITU-published one; None without data."""
    kind = snapshot.entity_index.at[entity, "kind"]
    if kind != "economy":
        try:
            return gender_parity_card(snapshot, catalogue, world=entity)
        except WsisDataError:
            return None
    table = gender_parity(snapshot, catalogue, economies=[entity]).dropna(subset=["parity"])
    if table.empty:
        return None
    row = table.sort_values("year").iloc[-1]
    return Card(
        key=f"parity:{entity}",
        label=f"Gender parity score, {int(row['year'])}",
        value=float(row["parity"]),
        value_text=f"{row['parity']:.2f}",
        year=int(row["year"]),
        source=source_names(snapshot, [row["source"]]),
        vintage=str(row["vintage"]),
        delta_text=f"women {row['female']:.1f}%, men {row['male']:.1f}%",
        higher_is_better=None,
        delta_is_change=False,
        note=f"Women's Internet use ÷ men's ({row['status']}); 0.98-1.02 counts as parity (ITU).",
        estimate=bool(row["estimate"]),
    )


__all__ = [
    "Card",
    "affordability_card",
    "baseline_card",
    "gender_parity_card",
    "headline_cards",
    "indicator_card",
    "internet_use_cards",
    "people_cards",
    "profile_cards",
]
