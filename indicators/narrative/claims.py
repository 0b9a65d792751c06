"""Checks of the briefing note's statements against the snapshot.

The statements are declared in `claims.yaml` (quoted verbatim, a short topic, the check and its
parameters). Each check is a small function that reads the snapshot and returns a verdict with
the exact figures behind it: each figure labelled ("women 65.3% (2024)"), with its year,
release and vintage, whether it is an estimate and how many economies reported, the income
classification it uses and any newer edition we do not bundle. A statement the data cannot
check says so and names where such data usually come from. Verdicts: supported, partly
supported (some parts hold, others do not), not supported, cannot be checked.
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
from indicators.analytics.groups import HISTORY_CODES
from indicators.analytics.reporting import reporting
from indicators.catalogue import Catalogue
from indicators.declared import DeclarationError, FrozenMap, frozen, read_yaml, text, thawed
from indicators.errors import AnalysisError, UnknownCodeError, WsisDataError
from indicators.rules import baseline_search_order
from indicators.store.snapshot import Snapshot

CLAIMS_PATH = Path(__file__).with_name("claims.yaml")
SUPPORTED = "supported"
PARTLY = "partly supported"
NOT_SUPPORTED = "not supported"
CANNOT_CHECK = "cannot be checked"
VERDICTS = (SUPPORTED, PARTLY, NOT_SUPPORTED, CANNOT_CHECK)
PARTS = ("progress", "challenges")
FRACTION_WORDS = {(1, 2): "half", (2, 3): "two-thirds", (3, 4): "three-quarters", (1, 3): "a third"}
DEFAULT_BASELINE = 2005


@dataclass(frozen=True)
class Evidence:
    """One figure with its label and provenance: what it is, its year, release and vintage,
    whether it is an estimate (and how many economies reported), the income classification it
    uses and any newer edition of its release."""

    label: str  # how the figure is named in a sentence: "women", "World", "low-income economies"
    entity: str
    indicator: str
    value: float
    year: int
    unit: str
    source: str  # the release's label, e.g. "WDI release of 13 July 2026"
    vintage: str
    estimate: bool
    source_id: str = ""
    reported: str = (
        ""  # "10 of 217 economies (37% of the population) reported their own 2025 value"
    )
    classification: str = ""  # for income groups: which classification
    edition_note: str = ""  # a newer edition not in the snapshot
    inputs: tuple[tuple[str, str], ...] = ()  # (label, vintage) of each input of a computed figure

    def text(self, decimals: int = 1) -> str:
        """The value with its unit and year: '73.6% (2025)'."""
        unit = self.unit if self.unit.startswith("%") else f" {self.unit}"
        return f"{self.value:,.{decimals}f}{unit} ({self.year})"

    def labelled(self, decimals: int = 1) -> str:
        """The figure named: 'women 65.3% (2024)'; estimates say so."""
        mark = ", estimate" if self.estimate else ""
        return f"{self.label} {self.text(decimals)[:-1]}{mark})"

    @property
    def citation(self) -> str:
        """'WDI release of 13 July 2026 (vintage 2026-07-13)'."""
        return f"{self.source} (vintage {self.vintage})"

    @property
    def citations(self) -> tuple[str, ...]:
        """One citation per release or reference file behind the figure (several for a figure
        computed here from economy values, weights and a classification)."""
        if self.inputs:
            return tuple(f"{label} (vintage {vintage})" for label, vintage in self.inputs)
        return (self.citation,)

    def to_json(self) -> dict[str, Any]:
        """The figure as the brief's JSON gives it."""
        out: dict[str, Any] = {
            "label": self.label,
            "value": self.value,
            "unit": self.unit,
            "year": self.year,
            "entity": self.entity,
            "indicator": self.indicator,
            "source": self.source,
            "vintage": self.vintage,
            "estimate": self.estimate,
        }
        if self.reported:
            out["reported"] = self.reported
        if self.classification:
            out["classification"] = self.classification
        if self.edition_note:
            out["newer_edition"] = self.edition_note
        return out


@dataclass(frozen=True)
class Claim:
    """A statement of the briefing note, declared in `claims.yaml`, and how it is checked.

    `check` names a function of CHECKS; `params` are its keyword arguments (read-only).
    """

    id: str
    part: str
    area: str
    topic: str
    quote: str
    check: str
    params: Mapping[str, Any] = field(default_factory=FrozenMap)


@dataclass(frozen=True)
class ClaimCheck:
    """A statement of the briefing note and what the snapshot says about it."""

    id: str
    part: str
    area: str
    topic: str
    quote: str
    verdict: str
    summary: str
    evidence: tuple[Evidence, ...] = field(default_factory=tuple)
    note: str = ""

    @property
    def paraphrase(self) -> str:
        """The statement's short topic (kept for callers that name it so)."""
        return self.topic

    @property
    def figure(self) -> str:
        """The first figure, labelled ('World 73.6% (2025)'), or '-' without figures."""
        return self.evidence[0].labelled() if self.evidence else "-"

    @property
    def figures(self) -> str:
        """Every figure labelled, '; '-joined."""
        return "; ".join(e.labelled() for e in self.evidence) or "-"

    @property
    def year(self) -> int | None:
        return self.evidence[0].year if self.evidence else None

    @property
    def citations(self) -> tuple[str, ...]:
        """Every release behind the figures, with its vintage, and any newer edition."""
        found = [c for e in self.evidence for c in e.citations]
        found += [e.edition_note for e in self.evidence if e.edition_note]
        return tuple(dict.fromkeys(found))

    @property
    def sources(self) -> str:
        return "; ".join(dict.fromkeys(e.source for e in self.evidence)) or "-"


# --- figures ----------------------------------------------------------------------------------


def classification_of(snapshot: Snapshot, entity: str) -> str:
    """Which income classification a group's figure uses ('' for other entities)."""
    idx = snapshot.entity_index
    if entity in HISTORY_CODES:
        today = next(
            (r.vintage for r in snapshot.descriptor.reference if r.loader == "wb_country_metadata"),
            "today's",
        )
        return (
            f"World Bank income groups as classified in {today} (today's groups, applied to "
            "every year)"
        )
    if entity in idx.index and idx.at[entity, "wb_equivalent"] in HISTORY_CODES:
        return "the World Bank income groups ITU used for its edition"
    return ""


def observation(
    snapshot: Snapshot,
    catalogue: Catalogue,
    *,
    indicator: str,
    entity: str,
    year: int | None = None,
    label: str | None = None,
) -> Evidence:
    """The value of (entity, indicator) in `year` (default: its latest year), labelled, with
    its provenance, estimate flag (the producer's, or a thinly reported group value) and the
    number of economies behind a group value."""
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
    found_year = int(row["year"])
    behind = reporting(snapshot, indicator=indicator, entity=entity, year=found_year)
    return Evidence(
        label=label or f"{ind.short_name}, {name}",
        entity=entity,
        indicator=indicator,
        value=float(row["value"]),
        year=found_year,
        unit=ind.short_unit,
        source=src.label,
        vintage=str(row["vintage"]),
        estimate=bool(row["estimate"]) or bool(behind is not None and behind.thin),
        source_id=src.id,
        reported=behind.text if behind is not None else "",
        classification=classification_of(snapshot, entity),
        edition_note=src.edition_note,
    )


def computed_evidence(
    snapshot: Snapshot,
    catalogue: Catalogue,
    *,
    indicator: str,
    entity: str,
    value: float,
    year: int,
    source_ids: str,
    coverage: float,
    classification: str,
    label: str,
) -> Evidence:
    """A group figure computed here from economy values (not a published row), cited with every
    release and reference file behind it: the indicator's, the weights' and the classification's.
    """
    inputs: list[tuple[str, str]] = []
    for sid in (part for part in source_ids.split("; ") if part):
        try:
            src = snapshot.source(sid)
            inputs.append((src.label, src.vintage))
        except WsisDataError:
            ref = snapshot.reference(sid)
            inputs.append((ref.title, ref.vintage) if ref is not None else (sid, ""))
    labels = [label for label, _ in inputs]
    vintages = [vintage for _, vintage in inputs]
    return Evidence(
        label=label,
        entity=entity,
        indicator=indicator,
        value=float(value),
        year=int(year),
        unit=catalogue.indicator(indicator).short_unit,
        source="; ".join(dict.fromkeys(labels)),
        vintage="; ".join(dict.fromkeys(v for v in vintages if v)),
        estimate=False,
        source_id=source_ids,
        reported=(
            f"computed from reported economy values covering {coverage:.0%} of the group's "
            "population"
        ),
        classification=classification,
        inputs=tuple(inputs),
    )


def latest_well_reported(
    snapshot: Snapshot, catalogue: Catalogue, figure: Evidence
) -> Evidence | None:
    """For a thinly reported group value: the latest earlier year that enough members reported
    (None when the figure is not thin, or no such year exists)."""
    behind = reporting(snapshot, indicator=figure.indicator, entity=figure.entity, year=figure.year)
    if behind is None or not behind.thin:
        return None
    rows = snapshot.rows(figure.indicator)
    years = sorted(
        (int(y) for y in rows.loc[rows["economy"] == figure.entity, "year"] if y < figure.year),
        reverse=True,
    )
    for year in years:
        earlier = reporting(snapshot, indicator=figure.indicator, entity=figure.entity, year=year)
        if earlier is not None and not earlier.thin:
            return observation(
                snapshot,
                catalogue,
                indicator=figure.indicator,
                entity=figure.entity,
                year=year,
                label=figure.label,
            )
    return None


def estimate_notes(evidence: Sequence[Evidence]) -> list[str]:
    """A sentence per thinly reported group figure: it is an estimate, and how many reported."""
    return [
        f"The {e.year} value for {e.label} is an estimate: {e.reported}."
        for e in evidence
        if e.reported and e.estimate
    ]


def _words(fraction: Sequence[int]) -> str:
    num, den = int(fraction[0]), int(fraction[1])
    return FRACTION_WORDS.get((num, den), f"{num}/{den}")


def _sources_sentence(evidence: Sequence[Evidence]) -> str:
    cites = list(dict.fromkeys(c for e in evidence for c in e.citations))
    return f" Sources: {'; '.join(cites)}." if cites else ""


# --- checks -----------------------------------------------------------------------------------
Result = tuple[str, str, list[Evidence], str]


def check_share_above(
    snapshot: Snapshot,
    catalogue: Catalogue,
    *,
    indicator: str,
    entity: str,
    threshold_fraction: Sequence[int],
    also: Mapping[str, str] | None = None,
) -> Result:
    """Is the latest value above a share stated in words (e.g. 'over two-thirds')?"""
    threshold = 100.0 * threshold_fraction[0] / threshold_fraction[1]
    main = observation(snapshot, catalogue, indicator=indicator, entity=entity)
    main = Evidence(**{**main.__dict__, "label": str(snapshot.entity_index.at[entity, "name"])})
    evidence = [main]
    words = _words(threshold_fraction)
    above = main.value > threshold
    summary = (
        f"{main.value:.1f}% of the world's population used the Internet in {main.year} "
        f"({main.source}), {'above' if above else 'not above'} {words} ({threshold:.1f}%)."
    )
    notes = []
    earlier = latest_well_reported(snapshot, catalogue, main)
    if earlier is not None:
        evidence.append(earlier)
        summary += (
            f" The {main.year} value is an estimate: {main.reported}. In {earlier.year}, the "
            f"latest year most economies reported, it was {earlier.value:.1f}%, "
            f"{'also above' if earlier.value > threshold else 'not above'} {words}."
        )
        above = above and earlier.value > threshold
    verdict = SUPPORTED if above else NOT_SUPPORTED
    if also:
        other = observation(
            snapshot,
            catalogue,
            indicator=also["indicator"],
            entity=also["entity"],
            label="ITU's estimate",
        )
        evidence.append(other)
        summary += (
            f" ITU's estimate ({other.source}) is {other.value:.1f}% for {other.year}, "
            f"{'also above' if other.value > threshold else 'below'} {words}."
        )
        notes.append(
            "The two producers' figures come from different editions: ITU revises its whole "
            "series in each edition."
        )
        if (other.value > threshold) != (main.value > threshold):
            verdict = PARTLY
    return verdict, summary + _sources_sentence(evidence), evidence, " ".join(notes)


def _value_years_before(
    snapshot: Snapshot, catalogue: Catalogue, latest: Evidence, years: int
) -> Evidence | None:
    """The value `years` before the latest, or the nearest year within one (earlier first)."""
    for offset in (years, years + 1, years - 1):
        try:
            return observation(
                snapshot,
                catalogue,
                indicator=latest.indicator,
                entity=latest.entity,
                year=latest.year - offset,
                label=latest.label,
            )
        except AnalysisError:
            continue
    return None


def _series(
    snapshot: Snapshot, catalogue: Catalogue, spec: Mapping[str, str], year: int | None = None
) -> Evidence:
    return observation(
        snapshot,
        catalogue,
        indicator=spec["indicator"],
        entity=spec["entity"],
        year=year,
        label=spec.get("label"),
    )


def _rose(parts: list[str], latest: Evidence, earlier: Evidence) -> bool:
    up = latest.value > earlier.value
    verb = "rose" if up else "did not rise"
    parts.append(
        f"{latest.label} {verb} from {earlier.text()[:-1]}) to {latest.text()[:-1]})"
        + (" (estimate)" if latest.estimate else "")
    )
    return up


def _verdict(results: Sequence[bool]) -> str:
    if not results:
        return CANNOT_CHECK
    return SUPPORTED if all(results) else (PARTLY if any(results) else NOT_SUPPORTED)


def check_rising(
    snapshot: Snapshot, catalogue: Catalogue, *, series: Sequence[Mapping[str, str]], years: int
) -> Result:
    """Has each series risen over the last `years` years?"""
    evidence: list[Evidence] = []
    parts: list[str] = []
    rising: list[bool] = []
    for spec in series:
        latest = _series(snapshot, catalogue, spec)
        earlier = _value_years_before(snapshot, catalogue, latest, years)
        if earlier is None:
            parts.append(f"{latest.label}: no value about {years} years before {latest.year}")
            continue
        evidence += [earlier, latest]
        rising.append(_rose(parts, latest, earlier))
    note = "ITU estimates." if evidence and all(e.estimate for e in evidence) else ""
    return _verdict(rising), "; ".join(parts) + "." + _sources_sentence(evidence), evidence, note


def check_risen_since(
    snapshot: Snapshot,
    catalogue: Catalogue,
    *,
    series: Sequence[Mapping[str, str]],
    baseline: int = DEFAULT_BASELINE,
) -> Result:
    """Has each series risen since the baseline (Tunis, 2005)? A missing baseline year is
    replaced by the nearest year with a value (rules.baseline_search_order) and said so."""
    evidence: list[Evidence] = []
    parts: list[str] = []
    risen: list[bool] = []
    for spec in series:
        latest = _series(snapshot, catalogue, spec)
        earlier = None
        for offset in baseline_search_order():
            try:
                earlier = _series(snapshot, catalogue, spec, year=baseline + offset)
                break
            except AnalysisError:
                continue
        if earlier is None or earlier.year >= latest.year:
            parts.append(f"{latest.label}: no value near {baseline}")
            continue
        evidence += [earlier, latest]
        risen.append(_rose(parts, latest, earlier))
        if earlier.year != baseline:
            parts[-1] += f" ({earlier.year} stands in for {baseline}, the nearest year with data)"
    note = " ".join(estimate_notes(evidence))
    return _verdict(risen), "; ".join(parts) + "." + _sources_sentence(evidence), evidence, note


def check_gaps_persist(
    snapshot: Snapshot,
    catalogue: Catalogue,
    *,
    gaps: Sequence[Mapping[str, Any]],
    material_points: float,
) -> Result:
    """Is each named gap still material in its latest common year? (A gender gap also counts
    when the parity score lies outside ITU's band.)"""
    evidence: list[Evidence] = []
    parts: list[str] = []
    persists: list[bool] = []
    for gap in gaps:
        high_words, low_words = gap.get("words", ("higher", "lower"))
        low_entity = gap.get("lower_entity", gap["entity"])
        high = observation(snapshot, catalogue, indicator=gap["higher"], entity=gap["entity"])
        low = observation(snapshot, catalogue, indicator=gap["lower"], entity=low_entity)
        year = min(high.year, low.year)
        high = observation(snapshot, catalogue, indicator=gap["higher"], entity=gap["entity"],
                           year=year, label=str(high_words))  # fmt: skip
        low = observation(snapshot, catalogue, indicator=gap["lower"], entity=low_entity,
                          year=year, label=str(low_words))  # fmt: skip
        evidence += [high, low]
        points = high.value - low.value
        material = points >= material_points
        text_ = (
            f"{gap['label']}: {high.labelled()} against {low.labelled()}, "
            f"a gap of {points:.1f} {'points' if high.unit.startswith('%') else high.unit}"
        )
        if gap["label"] == "gender":
            parity = low.value / high.value
            material = material or not (PARITY_BAND[0] <= parity <= PARITY_BAND[1])
            text_ += f", parity score {parity:.2f}"
        parts.append(text_)
        persists.append(material)
    notes = []
    editions = {e.source for e in evidence}
    if len(editions) > 1:
        notes.append(
            "The gaps come from different releases (" + "; ".join(sorted(editions)) + "): "
            "compare each gap within its own release."
        )
    classes = dict.fromkeys(e.classification for e in evidence if e.classification)
    notes += [f"Income groups: {c}." for c in classes]
    notes += estimate_notes(evidence)
    verdict = _verdict(persists)
    return verdict, "; ".join(parts) + "." + _sources_sentence(evidence), evidence, " ".join(notes)


def check_unaffordable(
    snapshot: Snapshot,
    catalogue: Catalogue,
    *,
    indicators: Sequence[str],
    threshold: float,
    scope: str,
    group: str,
) -> Result:
    """Do many economies of the target's scope (the Broadband Commission's target is for
    developing countries: low- and middle-income economies), and most of `group`, pay
    `threshold`% of monthly income or more for an entry-level basket?"""
    parts: list[str] = []
    verdicts: list[bool] = []
    evidence: list[Evidence] = []
    for code in indicators:
        table = affordability_by_group(
            snapshot, catalogue, indicator=code, threshold=threshold, groups=(scope, group)
        ).set_index("group")
        inside, grp = table.loc[scope], table.loc[group]
        over_scope = int(inside["economies"] - inside["under"])
        over_group = int(grp["economies"] - grp["under"])
        ind = catalogue.indicator(code)
        parts.append(
            f"{ind.short_name}: {over_scope} of {int(inside['economies'])} "
            f"{str(inside['label']).lower()} economies paid {threshold:g}% of monthly income or "
            f"more in {int(inside['year'])}, including {over_group} of {int(grp['economies'])} "
            f"{str(grp['label']).lower()} economies (median there {grp['median_cost']:.1f}%)"
        )
        verdicts.append(over_scope > 0 and over_group > grp["economies"] / 2)
        src = snapshot.source(str(inside["source"]).split(";")[0].strip())
        evidence.append(
            Evidence(
                label=f"median {ind.short_name.lower()} in {str(grp['label']).lower()} economies",
                entity=group,
                indicator=code,
                value=float(grp["median_cost"]),
                year=int(grp["year"]),
                unit=ind.short_unit,
                source=src.label,
                vintage=str(inside["vintage"]),
                estimate=False,
                source_id=src.id,
                classification=classification_of(snapshot, group),
                edition_note=src.edition_note,
            )
        )
    note = (
        "The Broadband Commission's target (entry-level broadband under 2% of monthly GNI per "
        "capita) is for developing countries, taken as low- and middle-income economies. ITU "
        "tracks it with a 2 GB mobile data basket; this snapshot holds the 5 GB baskets, which "
        f"cost more. Income groups: {classification_of(snapshot, group)}."
    )
    return _verdict(verdicts), "; ".join(parts) + "." + _sources_sentence(evidence), evidence, note


def check_no_indicator(
    snapshot: Snapshot,
    catalogue: Catalogue,
    *,
    area: str,
    gap: str = "",
    usual_source: str = "",
    context: Sequence[Mapping[str, str]] = (),
) -> Result:
    """A statement the snapshot cannot check: say so and where such data usually come from
    (the area's own gap statement unless the claim gives one); context figures, if any, are
    shown for what they are."""
    a = catalogue.area(area)
    statement = gap or a.gap_statement
    source = usual_source or a.gap_source
    evidence: list[Evidence] = []
    summary = f"{statement} Usual source: {source}."
    for spec in context:
        latest = _series(snapshot, catalogue, spec)
        first = _series(snapshot, catalogue, spec, year=DEFAULT_BASELINE)
        evidence += [first, latest]
        summary += (
            f" For context: {latest.label} went from {first.text()[:-1]}) to {latest.text()[:-1]})."
        )
    return CANNOT_CHECK, summary + _sources_sentence(evidence), evidence, ""


CHECKS: dict[str, Callable[..., Result]] = {
    "share_above": check_share_above,
    "rising": check_rising,
    "risen_since": check_risen_since,
    "gaps_persist": check_gaps_persist,
    "unaffordable": check_unaffordable,
    "no_indicator": check_no_indicator,
}
FROM_CLAIM = {"no_indicator": ("area",), "risen_since": ("baseline",)}  # given by the caller


# --- declarations -----------------------------------------------------------------------------


def parse_claim(entry: Mapping[str, Any]) -> Claim:
    """A typed claim from its YAML entry: the check must exist and take exactly these params."""
    where = f"claim {entry.get('id', '?') if isinstance(entry, Mapping) else '?'}"
    claim = Claim(
        id=text(entry, "id", where),
        part=text(entry, "part", where),
        area=text(entry, "area", where),
        topic=text(entry, "topic", where),
        quote=text(entry, "quote", where),
        check=text(entry, "check", where),
        params=frozen(entry.get("params") or {}),
    )
    if claim.part not in PARTS:
        raise DeclarationError(f"{where}: part must be one of {list(PARTS)}")
    if claim.check not in CHECKS:
        raise UnknownCodeError("claim check", claim.check, known=list(CHECKS))
    signature = inspect.signature(CHECKS[claim.check])
    keyword = {
        n: p for n, p in signature.parameters.items() if p.kind is inspect.Parameter.KEYWORD_ONLY
    }
    given = set(claim.params) | set(FROM_CLAIM.get(claim.check, ()))
    required = {n for n, p in keyword.items() if p.default is inspect.Parameter.empty}
    if given - set(keyword) or required - given:
        raise DeclarationError(
            f"{where}: check {claim.check} takes {sorted(keyword)}, the claim gives {sorted(given)}"
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


def evaluate_claim(
    snapshot: Snapshot,
    catalogue: Catalogue,
    claim: Claim,
    *,
    baseline: int = DEFAULT_BASELINE,
) -> ClaimCheck:
    """Run one declared claim's check; a check that cannot run says why (never a silent verdict)."""
    name = claim.check
    if name not in CHECKS:
        raise UnknownCodeError("claim check", name, known=list(CHECKS))
    params = thawed(claim.params)
    if name == "no_indicator":
        params["area"] = claim.area
    if name == "risen_since":
        params["baseline"] = baseline
    try:
        verdict, summary, evidence, note = CHECKS[name](snapshot, catalogue, **params)
    except AnalysisError as exc:
        verdict, summary, evidence, note = (
            CANNOT_CHECK,
            f"The snapshot cannot check this statement: {exc}.",
            [],
            "",
        )
    return ClaimCheck(
        id=claim.id,
        part=claim.part,
        area=claim.area,
        topic=claim.topic,
        quote=claim.quote,
        verdict=verdict,
        summary=summary,
        evidence=tuple(evidence),
        note=note,
    )


def check_claims(
    snapshot: Snapshot,
    catalogue: Catalogue,
    *,
    claims: Sequence[Claim] | None = None,
    baseline: int = DEFAULT_BASELINE,
) -> list[ClaimCheck]:
    """Evaluate every declared claim (or the given ones), in the declared order."""
    return [
        evaluate_claim(snapshot, catalogue, c, baseline=baseline)
        for c in (claims if claims is not None else load_claims())
    ]
