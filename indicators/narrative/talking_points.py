"""Talking points: short sentences per challenge area, each with its figures and every source.

Every number in a sentence comes from a computation over the snapshot (progress, gaps,
affordability, the claims' `observation`), with its year, release and vintage; nothing is typed.
A sentence says when a figure is an estimate and how many economies reported, names the income
classification it uses (the income divide both ways: today's groups and the groups as
classified at the time) and cites every source behind it, any newer edition included. Areas the
snapshot cannot measure get a sentence saying so and naming the usual source. Used on screen
(overview), as speaker notes in the deck and in the brief (`python -m indicators brief`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from indicators.analytics.affordability import affordability_by_group
from indicators.analytics.divides import income_gap, income_gap_at_the_time, online_offline
from indicators.analytics.gaps import (
    PARITY_BAND,
    latest_gender_summary,
    parity_status,
    sex_codes,
)
from indicators.analytics.reporting import reporting
from indicators.catalogue import Catalogue
from indicators.errors import AnalysisError
from indicators.narrative.claims import (
    Evidence,
    classification_of,
    computed_evidence,
    observation,
)
from indicators.rules import baseline_search_order, head_count
from indicators.store.snapshot import Snapshot

INTERNET = "IT.NET.USER.ZS"


@dataclass(frozen=True)
class TalkingPoint:
    """One sentence for a challenge area, with the figures behind it and their citations."""

    area: str
    text: str
    evidence: tuple[Evidence, ...] = field(default_factory=tuple)
    citations: tuple[str, ...] = ()

    @property
    def citation(self) -> str:
        """Every release cited, '; '-joined (with any newer edition we do not bundle)."""
        return "; ".join(self.citations)

    def to_json(self) -> dict[str, object]:
        """The point as the brief's JSON gives it."""
        return {
            "area": self.area,
            "text": self.text,
            "figures": [e.to_json() for e in self.evidence],
            "sources": list(self.citations),
        }


def cite(evidence: Sequence[Evidence], *extra: str) -> tuple[str, ...]:
    """The citations of some figures: each release with its vintage, then any newer edition."""
    found = [c for e in evidence for c in e.citations] + list(extra)
    found += [e.edition_note for e in evidence if e.edition_note]
    return tuple(dict.fromkeys(found))


def _point(area: str, text: str, evidence: Sequence[Evidence], *extra: str) -> TalkingPoint:
    return TalkingPoint(
        area=area, text=text, evidence=tuple(evidence), citations=cite(evidence, *extra)
    )


def _obs(
    snapshot: Snapshot,
    catalogue: Catalogue,
    indicator: str,
    entity: str,
    year: int | None = None,
    label: str | None = None,
) -> Evidence:
    return observation(
        snapshot, catalogue, indicator=indicator, entity=entity, year=year, label=label
    )


def _near(
    snapshot: Snapshot, catalogue: Catalogue, indicator: str, entity: str, year: int
) -> Evidence:
    """The value in `year`, else in the nearest year with a value (rules.baseline_search_order)."""
    for offset in baseline_search_order():
        try:
            return _obs(snapshot, catalogue, indicator, entity, year + offset)
        except AnalysisError:
            continue
    raise AnalysisError(f"no value of {indicator} for {entity} near {year}")


def _estimate(e: Evidence) -> str:
    """' (an estimate: 10 of 217 economies ... reported ...)' for a thin group figure, else ''."""
    if e.estimate and e.reported:
        return f" (an estimate: {e.reported})"
    return " (an estimate)" if e.estimate else ""


def access(snapshot: Snapshot, catalogue: Catalogue, *, baseline: int = 2005) -> list[TalkingPoint]:
    now = _obs(snapshot, catalogue, INTERNET, "WLD")
    then = _near(snapshot, catalogue, INTERNET, "WLD", baseline)
    off = online_offline(snapshot, catalogue, groups=("WLD",), year=now.year).iloc[0]
    population = [
        snapshot.source(s.strip()).release
        for s in str(off["population_source"]).split(";")
        if s.strip()
    ]
    since = f"{then.year}" + (f", the nearest year to {baseline}," if then.year != baseline else "")
    points = [
        _point(
            "access",
            f"Internet use rose from {then.value:.1f}% of the world's population in {since} to "
            f"{now.value:.1f}% in {now.year}{_estimate(now)}; about "
            f"{head_count(off['offline'])} people ({off['share_offline']:.0%}) were still "
            f"offline in {now.year} (Internet use times the World Bank's population).",
            [then, now],
            *population,
        )
    ]
    try:  # coverage has its own source: its absence must not silence the use figures
        lte = _obs(snapshot, catalogue, "i271GA", "ITU_WLD")
    except AnalysisError:
        return points
    points.append(
        _point(
            "access",
            f"Networks reach further than use: {lte.value:.1f}% of the world's population lived "
            f"within reach of a 4G/LTE network in {lte.year} (ITU estimate).",
            [lte],
        )
    )
    return points


def affordability(snapshot: Snapshot, catalogue: Catalogue, **_: object) -> list[TalkingPoint]:
    points = []
    scope, low = "LMY", "LIC"
    for code in ("i154_FBB5_GNI", "i271mb_5GB_GNI"):
        table = affordability_by_group(
            snapshot, catalogue, indicator=code, groups=(scope, low)
        ).set_index("group")
        inside, poor = table.loc[scope], table.loc[low]
        ind = catalogue.indicator(code)
        src = snapshot.source(str(inside["source"]).split(";")[0].strip())
        ev = Evidence(
            label=f"median {ind.short_name.lower()} in low-income economies",
            entity=low,
            indicator=code,
            value=float(poor["median_cost"]),
            year=int(poor["year"]),
            unit=ind.short_unit,
            source=src.label,
            vintage=str(inside["vintage"]),
            estimate=False,
            source_id=src.id,
            classification=classification_of(snapshot, low),
            edition_note=src.edition_note,
        )
        over = int(inside["economies"] - inside["under"])
        points.append(
            _point(
                "affordability",
                f"{ind.short_name.split(',')[0]} (5 GB basket): in {int(inside['year'])}, {over} "
                f"of {int(inside['economies'])} low- and middle-income economies with a price "
                "missed the Broadband Commission's target of entry-level broadband under 2% of "
                "monthly income, set for developing countries; in low-income economies the "
                f"median basket cost {poor['median_cost']:.1f}% of monthly income (World Bank "
                "groups as classified today). ITU tracks the target with a 2 GB mobile basket.",
                [ev],
            )
        )
    return points


def quality(snapshot: Snapshot, catalogue: Catalogue, **_: object) -> list[TalkingPoint]:
    world = _obs(snapshot, catalogue, "i271G5_pop", "ITU_WLD")
    ldc = _obs(snapshot, catalogue, "i271G5_pop", "ITU_LDC", world.year)
    fixed = _obs(snapshot, catalogue, "IT.NET.BBND.P2", "WLD")
    return [
        _point(
            "quality",
            f"5G covered {world.value:.1f}% of the world's population in {world.year} but only "
            f"{ldc.value:.1f}% in the least developed countries (ITU estimates); fixed broadband "
            f"stood at {fixed.value:.1f} subscriptions per 100 people in {fixed.year}"
            f"{_estimate(fixed)}. Speeds are not measured here.",
            [world, ldc, fixed],
        )
    ]


def devices(snapshot: Snapshot, catalogue: Catalogue, **_: object) -> list[TalkingPoint]:
    own = _obs(snapshot, catalogue, "xHH18_IDI", "ITU_WLD")
    women = _obs(snapshot, catalogue, "xHH18_IDI.F", "ITU_WLD", own.year, label="women")
    men = _obs(snapshot, catalogue, "xHH18_IDI.M", "ITU_WLD", own.year, label="men")
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
    women = _obs(snapshot, catalogue, summary.world_codes[0], summary.world_entity,
                 summary.world_year, label="women")  # fmt: skip
    men = _obs(snapshot, catalogue, summary.world_codes[1], summary.world_entity,
               summary.world_year, label="men")  # fmt: skip
    years = (
        f"{summary.reference_years[0][0]}-{summary.reference_years[-1][0]}"
        if summary.reference_years
        else ""
    )
    counted = [
        f"{snapshot.source(s.strip()).release}" for s in summary.source.split(";") if s.strip()
    ]
    return [
        _point(
            "gender",
            f"{women.value:.1f}% of women used the Internet in {women.year}, against "
            f"{men.value:.1f}% of men (ITU estimates): a parity score of "
            f"{summary.world_parity:.2f}, {_band_words(summary.world_parity)}. Of the "
            f"{summary.n_economies} economies with their own data for both sexes ({years}), "
            f"{summary.at_parity} were at parity (World Bank's Internet use by sex).",
            [women, men],
            *counted,
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
    first = _obs(snapshot, catalogue, codes[0], "ITU_WLD", label=words[0])
    second = _obs(snapshot, catalogue, codes[1], "ITU_WLD", first.year, label=words[1])
    return _point(
        area,
        f"In {first.year}, {first.value:.1f}% of {words[0]} used the Internet against "
        f"{second.value:.1f}% of {words[1]}, a gap of {first.value - second.value:.1f} points "
        "(ITU estimates).",
        [first, second],
    )


def age(snapshot: Snapshot, catalogue: Catalogue, **_: object) -> list[TalkingPoint]:
    return [
        _pair_point(
            snapshot,
            catalogue,
            "age",
            ("i99H.Y15_24", "i99H.REST"),
            ("people aged 15–24", "the rest of the population"),
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
    """The income divide both ways: the published groups (today's classification applied to
    every year) and the groups as classified at the time (computed from economy values)."""
    gap = income_gap(snapshot, catalogue, baseline=baseline)
    table = gap.table.set_index("year")
    last = table.loc[gap.latest_year]
    high = _obs(snapshot, catalogue, gap.indicator, gap.high, gap.latest_year,
                label="high-income economies")  # fmt: skip
    low = _obs(snapshot, catalogue, gap.indicator, gap.low, gap.latest_year,
               label="low-income economies")  # fmt: skip
    today = high.classification.split(" (")[0].replace(
        "World Bank income groups", "World Bank groups"
    )
    behind = [
        reporting(snapshot, indicator=gap.indicator, entity=code, year=gap.latest_year)
        for code in (gap.high, gap.low)
    ]
    thin = [r for r in behind if r is not None and r.thin]
    estimates = ""
    if thin:
        counts = " and ".join(
            f"{r.reporting} of {r.members} {'high' if r.entity == gap.high else 'low'}-income"
            for r in thin
        )
        estimates = (
            f" Both {gap.latest_year} values are estimates: {counts} economies reported their "
            f"own {gap.latest_year} value."
            if len(thin) == 2
            else f" The {gap.latest_year} value is an estimate: {counts} economies reported."
        )
    now = (
        f"In {gap.latest_year}, {last['high']:.1f}% of people in high-income economies used the "
        f"Internet against {last['low']:.1f}% in low-income economies, with the {today}."
    )
    if gap.baseline_year is None or gap.baseline_year not in table.index:
        text = (
            f"{now} The gap is {last['gap']:.1f} points.{estimates} Neither group has a value "
            f"near {baseline} to measure the change from."
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
    then_high = _obs(snapshot, catalogue, gap.indicator, gap.high, gap.baseline_year,
                     label="high-income economies")  # fmt: skip
    then_low = _obs(snapshot, catalogue, gap.indicator, gap.low, gap.baseline_year,
                    label="low-income economies")  # fmt: skip
    text = (
        f"{now}{estimates} With today's groups the gap {trend} from {first['gap']:.1f} points "
        f"in {gap.baseline_year} ({then_high.value:.1f}% against {then_low.value:.1f}%) to "
        f"{last['gap']:.1f} {ratio}."
    )
    at_time = income_gap_at_the_time(
        snapshot, catalogue, years=sorted({gap.baseline_year, *table.index})
    )
    usable = [g for g in at_time if g.year == gap.baseline_year]
    later = [g for g in at_time if g.year > gap.baseline_year]
    at_time_figures: list[Evidence] = []
    if usable and later:
        a, b = usable[0], later[-1]
        moved = "widened" if b.gap > a.gap else "narrowed"
        at_time_figures = [
            computed_evidence(
                snapshot, catalogue, indicator=gap.indicator, entity=code, value=value,
                year=g.year, source_ids=g.source, coverage=coverage,
                classification=f"World Bank income groups as classified in {g.classification}",
                label=f"{word}-income economies, groups of {g.classification}",
            )
            for g in (a, b)
            for code, word, value, coverage in (
                (gap.high, "high", g.high, g.high_coverage),
                (gap.low, "low", g.low, g.low_coverage),
            )
        ]  # fmt: skip
        text += (
            f" With the groups as classified at the time ({a.classification} for {a.year}, "
            f"{b.classification} for {b.year}; computed from economy values), it {moved} from "
            f"{a.gap:.1f} points ({a.high:.1f}% against {a.low:.1f}%) to {b.gap:.1f} "
            f"({b.high:.1f}% against {b.low:.1f}%)."
        )
    return [_point("income", text, [then_high, then_low, high, low, *at_time_figures])]


def trust(snapshot: Snapshot, catalogue: Catalogue, **_: object) -> list[TalkingPoint]:
    now = _obs(snapshot, catalogue, "IT.NET.SECR.P6", "WLD")
    return [
        _point(
            "trust",
            f"The world had {now.value:,.0f} secure Internet servers per million people in "
            f"{now.year}, an indirect signal only: the snapshot holds no measure of cyber "
            "incidents or disinformation.",
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


def economy_points(
    snapshot: Snapshot, catalogue: Catalogue, *, economy: str, baseline: int = 2005
) -> list[TalkingPoint]:
    """One sentence per measured challenge area for one economy: the area's first indicator with
    a value, its latest value and the value nearest the baseline (rules.baseline_search_order).

    The first sentence names the economy's income group and the classification it comes from.
    """
    names = snapshot.entity_index["name"]
    name = str(names.get(economy, economy))
    out: list[TalkingPoint] = []
    used: set[str] = set()
    for area in catalogue.areas:
        if area.id == "gender":
            out += _economy_sexes(snapshot, catalogue, economy=economy, name=name)
            continue
        for ind in catalogue.measures(area.id):
            if ind.code in used:
                break
            try:
                now = _obs(snapshot, catalogue, ind.code, economy, label=name)
            except AnalysisError:
                continue
            figures = [now]
            text = f"{ind.short_name} in {name}: {_value(now, ind.decimals)} in {now.year}"
            try:
                then = _near(snapshot, catalogue, ind.code, economy, baseline)
            except AnalysisError:
                then = None
            if then is not None and then.year < now.year:
                figures.insert(0, then)
                text += f", from {_value(then, ind.decimals)} in {then.year}"
            out.append(_point(area.id, text + _estimate(now) + ".", figures))
            used.add(ind.code)
            break
    group = snapshot.entity_index["income_group"].get(economy)
    ref = snapshot.descriptor.reference_for("wb_country_metadata")
    if out and isinstance(group, str) and group and ref is not None:
        first = out[0]
        group_name = str(names.get(group, group)).lower()
        text = f"{first.text} {name} is in the {group_name} group ({ref.title})."
        out[0] = _point(first.area, text, first.evidence, f"{ref.title} (vintage {ref.vintage})")
    return out


def _economy_sexes(
    snapshot: Snapshot, catalogue: Catalogue, *, economy: str, name: str
) -> list[TalkingPoint]:
    """Women's and men's Internet use in one economy, in the latest year with both."""
    try:
        female, male = sex_codes(catalogue, INTERNET)
        women = _obs(snapshot, catalogue, female, economy, label="women")
        men = _obs(snapshot, catalogue, male, economy, year=women.year, label="men")
    except AnalysisError:
        return []
    decimals = catalogue.indicator(female).decimals
    text = (
        f"Internet use in {name} in {women.year}: women {_value(women, decimals)}, men "
        f"{_value(men, decimals)}{_estimate(women)}."
    )
    return [_point("gender", text, [women, men])]


def _value(figure: Evidence, decimals: int) -> str:
    """'35.0%' or '1,234.5 per 100' (the figure's value and unit, no year)."""
    return figure.text(decimals).rsplit(" (", 1)[0]


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
