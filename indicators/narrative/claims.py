"""Checks of the briefing note's quantitative claims against the snapshot.

The claims are declared in `claims.yaml` (quote, paraphrase, check, parameters). Each check is a
small function that reads the snapshot and returns a verdict with the exact figures, years,
sources and vintages behind it, so that a slide can say "supported: 73.6% in 2025 (WDI, July
2026)" and anyone can trace it.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from indicators.analytics.affordability import affordability_by_group
from indicators.analytics.gaps import PARITY_BAND
from indicators.catalogue import Catalogue
from indicators.declared import DeclarationError, FrozenMap, frozen, read_yaml, text, thawed
from indicators.errors import AnalysisError, UnknownCodeError
from indicators.store.snapshot import Snapshot

CLAIMS_PATH = Path(__file__).with_name("claims.yaml")
SUPPORTED = "supported"
PARTLY = "partly supported"
NOT_SUPPORTED = "not supported"
CANNOT_CHECK = "cannot be checked"
VERDICTS = (SUPPORTED, PARTLY, NOT_SUPPORTED, CANNOT_CHECK)
FRACTION_WORDS = {(1, 2): "half", (2, 3): "two-thirds", (3, 4): "three-quarters", (1, 3): "a third"}


@dataclass(frozen=True)
class Evidence:
    """One observed figure with its provenance."""

    label: str
    entity: str
    indicator: str
    value: float
    year: int
    unit: str
    source: str  # the source's short label, e.g. "WDI release of 13 July 2026"
    vintage: str
    estimate: bool

    def text(self, decimals: int = 1) -> str:
        unit = "%" if self.unit == "%" else f" {self.unit}"
        return f"{self.value:,.{decimals}f}{unit} ({self.year})"


@dataclass(frozen=True)
class ClaimCheck:
    """A claim of the briefing note and what the snapshot says about it."""

    id: str
    area: str
    quote: str
    paraphrase: str
    verdict: str
    summary: str
    evidence: tuple[Evidence, ...] = field(default_factory=tuple)
    note: str = ""

    @property
    def figure(self) -> str:
        return self.evidence[0].text() if self.evidence else "-"

    @property
    def year(self) -> int | None:
        return self.evidence[0].year if self.evidence else None

    @property
    def sources(self) -> str:
        return "; ".join(dict.fromkeys(f"{e.source}" for e in self.evidence)) or "-"


@dataclass(frozen=True)
class Claim:
    """A statement of the briefing note, declared in `claims.yaml`, and how it is checked.

    `check` names a function of CHECKS; `params` are its keyword arguments (read-only).
    """

    id: str
    area: str
    quote: str
    paraphrase: str
    check: str
    params: Mapping[str, Any] = field(default_factory=FrozenMap)


def observation(
    snapshot: Snapshot,
    catalogue: Catalogue,
    *,
    indicator: str,
    entity: str,
    year: int | None = None,
) -> Evidence:
    """The value of (entity, indicator) in `year` (default: its latest year) with provenance."""
    ind = catalogue.indicator(indicator)
    rows = snapshot.rows(indicator)
    rows = rows[rows["economy"] == entity]
    if year is not None:
        rows = rows[rows["year"] == year]
    if rows.empty:
        when = f" in {year}" if year is not None else ""
        raise AnalysisError(f"no value of {indicator} for {entity}{when} in the snapshot")
    row = rows.sort_values("year").iloc[-1]
    src = snapshot.source(str(row["source"]))
    names = snapshot.entity_index["name"]
    name = str(names.get(entity, entity))
    return Evidence(
        label=f"{ind.short_name}, {name}",
        entity=entity,
        indicator=indicator,
        value=float(row["value"]),
        year=int(row["year"]),
        unit=ind.short_unit,
        source=src.label,
        vintage=str(row["vintage"]),
        estimate=bool(row["estimate"]),
    )


def _words(fraction: Sequence[int]) -> str:
    num, den = int(fraction[0]), int(fraction[1])
    return FRACTION_WORDS.get((num, den), f"{num}/{den}")


def check_share_above(
    snapshot: Snapshot,
    catalogue: Catalogue,
    *,
    indicator: str,
    entity: str,
    threshold_fraction: Sequence[int],
    also: dict[str, str] | None = None,
) -> tuple[str, str, list[Evidence], str]:
    """Is the latest value above a share stated in words (e.g. 'over two-thirds')?"""
    threshold = 100.0 * threshold_fraction[0] / threshold_fraction[1]
    main = observation(snapshot, catalogue, indicator=indicator, entity=entity)
    evidence = [main]
    verdict = SUPPORTED if main.value > threshold else NOT_SUPPORTED
    words = _words(threshold_fraction)
    summary = (
        f"{main.value:.1f}% of the world's population used the Internet in {main.year} "
        f"({main.source}), {'above' if main.value > threshold else 'not above'} {words} ({threshold:.1f}%)."
    )
    note = ""
    if also:
        other = observation(snapshot, catalogue, indicator=also["indicator"], entity=also["entity"])
        evidence.append(other)
        summary += (
            f" ITU's estimate from {other.source} gives {other.value:.1f}% for {other.year}, "
            f"{'also above' if other.value > threshold else 'below'} {words}."
        )
        note = "The two figures come from different vintages: ITU revises its whole series in each edition."
        if (other.value > threshold) != (main.value > threshold):
            verdict = PARTLY
    return verdict, summary, evidence, note


def _value_years_before(
    snapshot: Snapshot, catalogue: Catalogue, latest: Evidence, years: int
) -> Evidence | None:
    """The value `years` before the latest, or the nearest earlier/later year within one."""
    for offset in (years, years + 1, years - 1):
        try:
            return observation(
                snapshot,
                catalogue,
                indicator=latest.indicator,
                entity=latest.entity,
                year=latest.year - offset,
            )
        except AnalysisError:
            continue
    return None


def check_rising(
    snapshot: Snapshot, catalogue: Catalogue, *, series: Sequence[dict[str, str]], years: int
) -> tuple[str, str, list[Evidence], str]:
    """Has each series risen over the last `years` years?"""
    evidence: list[Evidence] = []
    parts, rising = [], []
    for spec in series:
        latest = observation(
            snapshot, catalogue, indicator=spec["indicator"], entity=spec["entity"]
        )
        earlier = _value_years_before(snapshot, catalogue, latest, years)
        if earlier is None:
            parts.append(f"{latest.label}: no value about {years} years before {latest.year}")
            continue
        evidence.append(latest)
        up = latest.value > earlier.value
        rising.append(up)
        parts.append(
            f"{latest.label} {'rose' if up else 'did not rise'} from {earlier.value:.1f}% in {earlier.year} "
            f"to {latest.value:.1f}% in {latest.year}"
        )
    if not rising:
        return CANNOT_CHECK, "; ".join(parts) + ".", evidence, ""
    verdict = SUPPORTED if all(rising) else (PARTLY if any(rising) else NOT_SUPPORTED)
    sources = "; ".join(dict.fromkeys(e.source for e in evidence))
    note = "ITU estimates." if all(e.estimate for e in evidence) else ""
    return verdict, "; ".join(parts) + f" ({sources}).", evidence, note


def check_gaps_persist(
    snapshot: Snapshot,
    catalogue: Catalogue,
    *,
    gaps: Sequence[dict[str, Any]],
    material_points: float,
) -> tuple[str, str, list[Evidence], str]:
    """Is each named gap still material in its latest common year?"""
    evidence: list[Evidence] = []
    parts, persists = [], []
    for gap in gaps:
        high = observation(snapshot, catalogue, indicator=gap["higher"], entity=gap["entity"])
        low_entity = gap.get("lower_entity", gap["entity"])
        low = observation(snapshot, catalogue, indicator=gap["lower"], entity=low_entity)
        year = min(high.year, low.year)
        high = observation(
            snapshot, catalogue, indicator=gap["higher"], entity=gap["entity"], year=year
        )
        low = observation(snapshot, catalogue, indicator=gap["lower"], entity=low_entity, year=year)
        evidence += [high, low]
        points = high.value - low.value
        material = points >= material_points
        high_words, low_words = gap.get("words", (high.label, low.label))
        text = (
            f"{gap['label']}: {high_words} {high.value:.1f}% vs {low_words} {low.value:.1f}% "
            f"in {year} ({points:.1f} points"
        )
        if gap["label"] == "gender":
            parity = low.value / high.value
            material = material or not (PARITY_BAND[0] <= parity <= PARITY_BAND[1])
            text += f", parity score {parity:.2f}"
        parts.append(text + ")")
        persists.append(material)
    verdict = SUPPORTED if all(persists) else (PARTLY if any(persists) else NOT_SUPPORTED)
    sources = "; ".join(dict.fromkeys(e.source for e in evidence))
    note = "Gender, age and geography gaps are ITU estimates of an older vintage than the World Bank income-group figures."
    return verdict, "; ".join(parts) + f". Sources: {sources}.", evidence, note


def check_unaffordable(
    snapshot: Snapshot,
    catalogue: Catalogue,
    *,
    indicators: Sequence[str],
    threshold: float,
    group: str,
) -> tuple[str, str, list[Evidence], str]:
    """Do many economies, and most of `group`, pay `threshold`% of income or more for a basket?"""
    parts, verdicts = [], []
    evidence: list[Evidence] = []
    for code in indicators:
        table = affordability_by_group(
            snapshot, catalogue, indicator=code, threshold=threshold, groups=("WLD", group)
        ).set_index("group")
        world, grp = table.loc["WLD"], table.loc[group]
        over_world = int(world["economies"] - world["under"])
        over_group = int(grp["economies"] - grp["under"])
        ind = catalogue.indicator(code)
        parts.append(
            f"{ind.short_name}: {over_world} of {int(world['economies'])} economies pay {threshold:g}% or more of monthly income "
            f"in {int(world['year'])}, including {over_group} of {int(grp['economies'])} in {grp['label'].lower()} economies "
            f"(median there {grp['median_cost']:.1f}%)"
        )
        verdicts.append(over_world > 0 and over_group > grp["economies"] / 2)
        src = snapshot.source(str(world["source"]).split(";")[0].strip())
        evidence.append(
            Evidence(
                label=f"{ind.short_name}, median in {grp['label']}",
                entity=group,
                indicator=code,
                value=float(grp["median_cost"]),
                year=int(grp["year"]),
                unit=ind.short_unit,
                source=src.label,
                vintage=str(world["vintage"]),
                estimate=False,
            )
        )
    verdict = SUPPORTED if all(verdicts) else (PARTLY if any(verdicts) else NOT_SUPPORTED)
    return (
        verdict,
        "; ".join(parts) + ".",
        evidence,
        "ITU 5 GB baskets; the Broadband Commission's target is under 2% of monthly income.",
    )


def check_no_indicator(
    snapshot: Snapshot, catalogue: Catalogue, *, area: str
) -> tuple[str, str, list[Evidence], str]:
    """A claim about an area the snapshot cannot measure: say so and where data usually comes from."""
    a = catalogue.area(area)
    return CANNOT_CHECK, f"{a.gap_statement} Usual source: {a.gap_source}.", [], ""


CHECKS: dict[str, Callable[..., tuple[str, str, list[Evidence], str]]] = {
    "share_above": check_share_above,
    "rising": check_rising,
    "gaps_persist": check_gaps_persist,
    "unaffordable": check_unaffordable,
    "no_indicator": check_no_indicator,
}


def parse_claim(entry: Mapping[str, Any]) -> Claim:
    """A typed claim from its YAML entry: the check must exist and take exactly these params."""
    where = f"claim {entry.get('id', '?') if isinstance(entry, Mapping) else '?'}"
    claim = Claim(
        id=text(entry, "id", where),
        area=text(entry, "area", where),
        quote=text(entry, "quote", where),
        paraphrase=text(entry, "paraphrase", where),
        check=text(entry, "check", where),
        params=frozen(entry.get("params") or {}),
    )
    if claim.check not in CHECKS:
        raise UnknownCodeError("claim check", claim.check, known=list(CHECKS))
    signature = inspect.signature(CHECKS[claim.check])
    accepted = {
        n for n, p in signature.parameters.items() if p.kind is inspect.Parameter.KEYWORD_ONLY
    }
    given = set(claim.params) | ({"area"} if claim.check == "no_indicator" else set())
    required = {
        n
        for n, p in signature.parameters.items()
        if p.kind is inspect.Parameter.KEYWORD_ONLY and p.default is inspect.Parameter.empty
    }
    if given - accepted or required - given:
        raise DeclarationError(
            f"{where}: check {claim.check} takes {sorted(accepted)}, the claim gives {sorted(given)}"
        )
    return claim


def parse_claims(document: Mapping[str, Any]) -> tuple[Claim, ...]:
    """Every claim of a claims document, checked; ids must be unique."""
    entries = document.get("claims")
    if not isinstance(entries, list):
        raise DeclarationError("claims.yaml: 'claims' must be a list")
    claims = tuple(parse_claim(e) for e in entries)
    ids = [c.id for c in claims]
    if len(set(ids)) != len(ids):
        raise DeclarationError("claims.yaml declares a claim id more than once")
    return claims


@cache
def load_claims(path: Path = CLAIMS_PATH) -> tuple[Claim, ...]:
    """The declared claims (parsed once per process; claims are immutable)."""
    return parse_claims(read_yaml(path, what="claims"))


def evaluate_claim(snapshot: Snapshot, catalogue: Catalogue, claim: Claim) -> ClaimCheck:
    """Run one declared claim's check; a check that cannot run says why (never a silent verdict)."""
    name = claim.check
    if name not in CHECKS:
        raise UnknownCodeError("claim check", name, known=list(CHECKS))
    params = thawed(claim.params)
    if name == "no_indicator":
        params["area"] = claim.area
    try:
        verdict, summary, evidence, note = CHECKS[name](snapshot, catalogue, **params)
    except AnalysisError as exc:
        verdict, summary, evidence, note = (
            CANNOT_CHECK,
            f"The snapshot cannot check this claim: {exc}.",
            [],
            "",
        )
    return ClaimCheck(
        id=claim.id,
        area=claim.area,
        quote=claim.quote,
        paraphrase=claim.paraphrase,
        verdict=verdict,
        summary=summary,
        evidence=tuple(evidence),
        note=note,
    )


def check_claims(
    snapshot: Snapshot, catalogue: Catalogue, *, claims: Sequence[Claim] | None = None
) -> list[ClaimCheck]:
    """Evaluate every declared claim (or the given ones), in the declared order."""
    return [
        evaluate_claim(snapshot, catalogue, c)
        for c in (claims if claims is not None else load_claims())
    ]
