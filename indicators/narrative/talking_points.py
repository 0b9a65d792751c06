"""Talking points: short sentences per challenge area, each with its figures and citation.

Every number in a sentence comes from a computation over the snapshot (progress, gaps,
affordability, the claims' `observation`), with its year, source and vintage; nothing is typed.
Areas the snapshot cannot measure get a sentence saying so and naming the usual source. Used on
screen (overview) and as speaker notes in the deck.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from indicators.analytics.affordability import affordability_by_group
from indicators.analytics.divides import income_gap, online_offline
from indicators.analytics.gaps import PARITY_BAND, latest_gender_summary, parity_status
from indicators.catalogue import Catalogue
from indicators.errors import AnalysisError
from indicators.narrative.claims import Evidence, observation
from indicators.rules import head_count
from indicators.store.snapshot import Snapshot


@dataclass(frozen=True)
class TalkingPoint:
    """One sentence for a challenge area, with the figures behind it and their citation."""

    area: str
    text: str
    evidence: tuple[Evidence, ...] = field(default_factory=tuple)
    citation: str = ""


def _cite(evidence: list[Evidence]) -> str:
    return "; ".join(dict.fromkeys(f"{e.source} (vintage {e.vintage})" for e in evidence))


def _point(area: str, text: str, evidence: list[Evidence]) -> TalkingPoint:
    return TalkingPoint(area=area, text=text, evidence=tuple(evidence), citation=_cite(evidence))


def _obs(
    snapshot: Snapshot, catalogue: Catalogue, indicator: str, entity: str, year: int | None = None
) -> Evidence:
    return observation(snapshot, catalogue, indicator=indicator, entity=entity, year=year)


def access(snapshot: Snapshot, catalogue: Catalogue, *, baseline: int = 2005) -> list[TalkingPoint]:
    now = _obs(snapshot, catalogue, "IT.NET.USER.ZS", "WLD")
    then = _obs(snapshot, catalogue, "IT.NET.USER.ZS", "WLD", baseline)
    off = online_offline(snapshot, catalogue, groups=("WLD",), year=now.year).iloc[0]
    points = [
        _point(
            "access",
            f"Internet use rose from {then.value:.1f}% of the world's population in {then.year} to "
            f"{now.value:.1f}% in {now.year}; about {head_count(off['offline'])} people "
            f"({off['share_offline']:.0%}) were still offline in {now.year}.",
            [then, now],
        )
    ]
    try:  # coverage has its own source: its absence must not silence the use figures
        lte = _obs(snapshot, catalogue, "i271GA", "ITU_WLD")
    except AnalysisError:
        return points
    points.append(
        _point(
            "access",
            f"Networks reach further than use: {lte.value:.1f}% of the world's population lived within "
            f"reach of a 4G/LTE network in {lte.year} (ITU estimate).",
            [lte],
        )
    )
    return points


def affordability(snapshot: Snapshot, catalogue: Catalogue, **_: object) -> list[TalkingPoint]:
    points = []
    for code in ("i154_FBB5_GNI", "i271mb_5GB_GNI"):
        table = affordability_by_group(
            snapshot, catalogue, indicator=code, groups=("WLD", "LIC")
        ).set_index("group")
        world, low = table.loc["WLD"], table.loc["LIC"]
        ind = catalogue.indicator(code)
        ev = _obs(
            snapshot,
            catalogue,
            code,
            str(_first_member(snapshot, code, int(world["year"]))),
            int(world["year"]),
        )
        ev = Evidence(
            label=f"{ind.short_name}, median of low-income economies",
            entity="LIC",
            indicator=code,
            value=float(low["median_cost"]),
            year=int(world["year"]),
            unit=ind.short_unit,
            source=ev.source,
            vintage=ev.vintage,
            estimate=False,
        )
        over = int(world["economies"] - world["under"])
        points.append(
            _point(
                "affordability",
                f"{ind.short_name.split(',')[0]}: in {int(world['year'])}, {over} of {int(world['economies'])} economies "
                f"missed the Broadband Commission's 2% affordability target; in low-income economies the "
                f"median basket cost {low['median_cost']:.1f}% of monthly income.",
                [ev],
            )
        )
    return points


def _first_member(snapshot: Snapshot, code: str, year: int) -> str:
    """Any economy with a value in `year` (to read the source and vintage of that year's rows)."""
    rows = snapshot.rows(code)
    return str(rows.loc[rows["year"] == year, "economy"].iloc[0])


def quality(snapshot: Snapshot, catalogue: Catalogue, **_: object) -> list[TalkingPoint]:
    world = _obs(snapshot, catalogue, "i271G5_pop", "ITU_WLD")
    ldc = _obs(snapshot, catalogue, "i271G5_pop", "ITU_LDC", world.year)
    fixed = _obs(snapshot, catalogue, "IT.NET.BBND.P2", "WLD")
    return [
        _point(
            "quality",
            f"5G covered {world.value:.1f}% of the world's population in {world.year} but only "
            f"{ldc.value:.1f}% in the least developed countries; fixed broadband stood at "
            f"{fixed.value:.1f} subscriptions per 100 people in {fixed.year}. Speeds are not measured here.",
            [world, ldc, fixed],
        )
    ]


def devices(snapshot: Snapshot, catalogue: Catalogue, **_: object) -> list[TalkingPoint]:
    own = _obs(snapshot, catalogue, "xHH18_IDI", "ITU_WLD")
    women = _obs(snapshot, catalogue, "xHH18_IDI.F", "ITU_WLD", own.year)
    men = _obs(snapshot, catalogue, "xHH18_IDI.M", "ITU_WLD", own.year)
    return [
        _point(
            "devices",
            f"{own.value:.1f}% of people aged 10 and over owned a mobile phone in {own.year} "
            f"({women.value:.1f}% of women, {men.value:.1f}% of men; ITU estimates).",
            [own, women, men],
        )
    ]


def gender(snapshot: Snapshot, catalogue: Catalogue, **_: object) -> list[TalkingPoint]:
    summary = latest_gender_summary(snapshot, catalogue)
    women = _obs(
        snapshot, catalogue, summary.world_codes[0], summary.world_entity, summary.world_year
    )
    men = _obs(
        snapshot, catalogue, summary.world_codes[1], summary.world_entity, summary.world_year
    )
    years = (
        f"{summary.reference_years[0][0]}-{summary.reference_years[-1][0]}"
        if summary.reference_years
        else ""
    )
    return [
        _point(
            "gender",
            f"{women.value:.1f}% of women used the Internet in {women.year}, against {men.value:.1f}% of men: "
            f"a parity score of {summary.world_parity:.2f}, {_band_words(summary.world_parity)}. "
            f"{summary.at_parity} of {summary.n_economies} economies with recent data ({years}) were at parity.",
            [women, men],
        )
    ]


def _band_words(parity: float) -> str:
    """Where a parity score lies against ITU's band, in words (gaps.parity_status decides)."""
    band = f"ITU's parity band of {PARITY_BAND[0]}-{PARITY_BAND[1]}"
    return {
        "parity": f"within {band}",
        "men ahead": f"below {band} (women behind)",
        "women ahead": f"above {band} (men behind)",
    }[str(parity_status([parity])[0])]


def _pair_point(
    snapshot: Snapshot,
    catalogue: Catalogue,
    area: str,
    codes: tuple[str, str],
    words: tuple[str, str],
) -> TalkingPoint:
    first = _obs(snapshot, catalogue, codes[0], "ITU_WLD")
    second = _obs(snapshot, catalogue, codes[1], "ITU_WLD", first.year)
    return _point(
        area,
        f"In {first.year}, {first.value:.1f}% of {words[0]} used the Internet against {second.value:.1f}% of "
        f"{words[1]}, a gap of {first.value - second.value:.1f} points (ITU estimates).",
        [first, second],
    )


def age(snapshot: Snapshot, catalogue: Catalogue, **_: object) -> list[TalkingPoint]:
    return [
        _pair_point(
            snapshot,
            catalogue,
            "age",
            ("i99H.Y15_24", "i99H.REST"),
            ("young people aged 15-24", "the rest of the population"),
        )
    ]


def geography(snapshot: Snapshot, catalogue: Catalogue, **_: object) -> list[TalkingPoint]:
    return [
        _pair_point(
            snapshot,
            catalogue,
            "geography",
            ("i99H.URB", "i99H.RUR"),
            ("people in urban areas", "people in rural areas"),
        )
    ]


def income(snapshot: Snapshot, catalogue: Catalogue, *, baseline: int = 2005) -> list[TalkingPoint]:
    gap = income_gap(snapshot, catalogue, baseline=baseline)
    table = gap.table.set_index("year")
    last = table.loc[gap.latest_year]
    high = _obs(snapshot, catalogue, gap.indicator, gap.high, gap.latest_year)
    low = _obs(snapshot, catalogue, gap.indicator, gap.low, gap.latest_year)
    now = (
        f"In {gap.latest_year}, {last['high']:.1f}% of people in high-income economies used the "
        f"Internet against {last['low']:.1f}% in low-income economies"
    )
    if gap.baseline_year is None or gap.baseline_year not in table.index:
        text = (
            f"{now}, a gap of {last['gap']:.1f} points. Neither group has a value near "
            f"{baseline} to measure the change from."
        )
        return [_point("income", text, [high, low])]
    first = table.loc[gap.baseline_year]
    trend = "narrowed" if last["gap"] < first["gap"] else "widened"
    if last["ratio"] == first["ratio"]:
        ratio = f"and the ratio stayed at {last['ratio']:.1f} times"
    else:
        moved = "fell" if last["ratio"] < first["ratio"] else "rose"
        # 'while' only when the two measures move in opposite directions
        joint = "while" if (moved == "fell") == (trend == "widened") else "and"
        ratio = f"{joint} the ratio {moved} from {first['ratio']:.0f} to {last['ratio']:.1f} times"
    return [
        _point(
            "income",
            f"{now}. Since {gap.baseline_year} the gap {trend} from {first['gap']:.1f} to "
            f"{last['gap']:.1f} points {ratio}.",
            [high, low],
        )
    ]


def trust(snapshot: Snapshot, catalogue: Catalogue, **_: object) -> list[TalkingPoint]:
    now = _obs(snapshot, catalogue, "IT.NET.SECR.P6", "WLD")
    return [
        _point(
            "trust",
            f"The world had {now.value:,.0f} secure Internet servers per million people in {now.year}, an "
            "indirect signal only: the snapshot holds no measure of cyber incidents or disinformation.",
            [now],
        )
    ]


def _gap_point(catalogue: Catalogue, area_id: str) -> list[TalkingPoint]:
    area = catalogue.area(area_id)
    return [
        TalkingPoint(
            area=area_id,
            text=f"{area.name}: {area.gap_statement} The usual source is {area.gap_source}.",
        )
    ]


AREA_POINTS: dict[str, Callable[..., list[TalkingPoint]]] = {
    "access": access,
    "affordability": affordability,
    "quality": quality,
    "devices": devices,
    "gender": gender,
    "age": age,
    "geography": geography,
    "income": income,
    "trust": trust,
}


def talking_points(
    snapshot: Snapshot,
    catalogue: Catalogue,
    *,
    baseline: int = 2005,
    areas: list[str] | None = None,
) -> list[TalkingPoint]:
    """Talking points for each challenge area (catalogue order), gaps stated plainly.

    A computation that cannot run on this snapshot yields a sentence saying what is missing
    rather than an error, so the speaker notes are always complete.
    """
    wanted = areas or [a.id for a in catalogue.areas]
    out: list[TalkingPoint] = []
    for area_id in wanted:
        area = catalogue.area(area_id)
        func = AREA_POINTS.get(area_id)
        if func is None:
            out += _gap_point(catalogue, area_id)
            continue
        try:
            kwargs = {"baseline": baseline} if area_id in ("access", "income") else {}
            out += func(snapshot, catalogue, **kwargs)
        except AnalysisError as exc:
            out.append(
                TalkingPoint(
                    area=area_id,
                    text=f"{area.name}: this snapshot cannot support a figure ({exc}).",
                )
            )
        if area.status == "partial" and area.gap_statement:
            out.append(TalkingPoint(area=area_id, text=f"What is missing: {area.gap_statement}"))
    return out
