"""The catalogue of challenge areas, indicators and targets, loaded from `catalogue.yaml`.

Everything the dashboard knows about an indicator (name, unit, source, areas, targets, how to
aggregate it) is declared once in the YAML file and read here into frozen dataclasses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from indicators.declared import DeclarationError
from indicators.errors import UnknownCodeError

CATALOGUE_PATH = Path(__file__).with_name("catalogue.yaml")

KINDS = frozenset({"rate", "price", "count", "level"})
AGGREGATIONS = frozenset({"weighted_mean", "median", "sum", "none"})
WEIGHTED = frozenset({"weighted_mean", "median"})  # need a population base (median: for coverage)
COMPARATORS = frozenset({">=", "<=", ">", "<", "between"})
METRICS = frozenset({"value", "gender_parity"})
AREA_STATUSES = frozenset({"measured", "partial", "gap"})
BREAKDOWN_ROLES = frozenset({"total", "female", "male", "urban", "rural", "youth", "rest"})
BREAKDOWN_PAIRS = {"female": "male", "male": "female", "urban": "rural", "rural": "urban"}
BREAKDOWN_PAIRS |= {"youth": "rest", "rest": "youth"}


class CatalogueError(DeclarationError):
    """The catalogue file is malformed (a missing field, an unknown reference, ...)."""


@dataclass(frozen=True)
class Dataset:
    """A producer's dataset: whom to credit and under which licence."""

    id: str
    producer: str
    dataset: str
    licence: str
    attribution: str
    url: str


@dataclass(frozen=True)
class Target:
    """A quantified target (UMC 2030, Broadband Commission 2025) attached to an indicator."""

    id: str
    indicator: str
    label: str
    comparator: str
    value: float
    year: int
    scope: str  # "each" (world and every economy) or an entity code such as WLD, LMY, LDC
    source: str  # key of Catalogue.target_sources
    source_text: str
    confirmed: bool
    upper: float | None = None
    metric: str = "value"  # "value" or "gender_parity" (female rate / male rate)
    note: str = ""
    members: bool = False  # also each member economy of the scope group (and no other)
    proxy: str = ""  # how the indicator differs from the one the target is tracked with

    def is_met(self, value: float) -> bool:
        """Whether `value` satisfies the target (NaN never does)."""
        if value != value:  # NaN
            return False
        if self.comparator == ">=":
            return value >= self.value
        if self.comparator == "<=":
            return value <= self.value
        if self.comparator == ">":
            return value > self.value
        if self.comparator == "<":
            return value < self.value
        assert self.upper is not None
        return self.value <= value <= self.upper

    @property
    def display(self) -> str:
        """The target as a short phrase, e.g. '>= 100 by 2030'."""
        if self.comparator == "between":
            return f"{self.value:g}-{self.upper:g} by {self.year}"
        return f"{self.comparator} {self.value:g} by {self.year}"


@dataclass(frozen=True)
class UnmeasuredTarget:
    """A target of the same sources that no indicator of the snapshot measures."""

    id: str
    area: str
    label: str
    source: str
    source_text: str
    reason: str
    usual_source: str


@dataclass(frozen=True)
class Indicator:
    """One series, declared once in the catalogue."""

    code: str
    name: str
    short_name: str
    description: str
    unit: str
    short_unit: str
    dataset: str
    kind: str
    weight: str | None
    aggregation: str
    areas: tuple[str, ...]
    context_for: tuple[str, ...]
    action_lines: tuple[str, ...]
    sdg: str | None
    higher_is_better: bool | None
    primary: bool
    decimals: int
    api_db: int | None = None
    same_concept_as: str | None = None
    derived: str | None = None
    breakdowns: tuple[tuple[str, str], ...] = ()
    targets: tuple[Target, ...] = field(default_factory=tuple)

    def breakdown(self, role: str) -> str | None:
        """The code of this indicator's `role` breakdown (female, rural, ...), if declared."""
        return dict(self.breakdowns).get(role)

    @property
    def is_world_bank(self) -> bool:
        """True for series the live World Bank API can refresh."""
        return self.api_db is not None and self.derived is None


@dataclass(frozen=True)
class Area:
    """A challenge area of the briefing note, with its status of measurement in this snapshot."""

    id: str
    number: int
    name: str
    description: str
    action_lines: tuple[str, ...]
    sdg: tuple[str, ...]
    umc: tuple[str, ...]
    status: str
    gap_statement: str = ""
    gap_source: str = ""


@dataclass(frozen=True)
class Catalogue:
    """All areas, indicators, targets and datasets, with lookups that fail loudly."""

    version: int
    datasets: tuple[Dataset, ...]
    areas: tuple[Area, ...]
    indicators: tuple[Indicator, ...]
    action_lines: tuple[tuple[str, str], ...]
    target_sources: tuple[tuple[str, str], ...]
    umc_dimensions: tuple[str, ...]
    review_year: int = 2025
    unmeasured: tuple[UnmeasuredTarget, ...] = ()

    def indicator(self, code: str) -> Indicator:
        for ind in self.indicators:
            if ind.code == code:
                return ind
        raise UnknownCodeError("indicator", code, known=list(self.codes))

    def area(self, area_id: str) -> Area:
        for area in self.areas:
            if area.id == area_id:
                return area
        raise UnknownCodeError("challenge area", area_id, known=[a.id for a in self.areas])

    def dataset(self, dataset_id: str) -> Dataset:
        for ds in self.datasets:
            if ds.id == dataset_id:
                return ds
        raise UnknownCodeError("dataset", dataset_id, known=[d.id for d in self.datasets])

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(ind.code for ind in self.indicators)

    def measures(self, area_id: str) -> tuple[Indicator, ...]:
        """Indicators that measure an area, in catalogue order."""
        self.area(area_id)
        return tuple(i for i in self.indicators if area_id in i.areas)

    def context(self, area_id: str) -> tuple[Indicator, ...]:
        """Indicators shown only as context for an area."""
        self.area(area_id)
        return tuple(i for i in self.indicators if area_id in i.context_for)

    def targets(self) -> tuple[Target, ...]:
        return tuple(t for ind in self.indicators for t in ind.targets)

    def target(self, target_id: str) -> Target:
        for tgt in self.targets():
            if tgt.id == target_id:
                return tgt
        raise UnknownCodeError("target", target_id, known=[t.id for t in self.targets()])

    def action_line(self, code: str) -> str:
        return dict(self.action_lines)[code]


def _req(entry: dict[str, Any], key: str, where: str) -> Any:
    if key not in entry:
        raise CatalogueError(f"catalogue: {where} lacks the field {key!r}")
    return entry[key]


def _tuple(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in (value or ()))


def _target(raw: dict[str, Any], code: str, sources: dict[str, str]) -> Target:
    where = f"target {raw.get('id', '?')} of {code}"
    source = str(_req(raw, "source", where))
    if source not in sources:
        raise CatalogueError(f"catalogue: {where} names unknown target source {source!r}")
    upper = raw.get("upper")
    return Target(
        id=str(_req(raw, "id", where)),
        indicator=code,
        label=str(_req(raw, "label", where)),
        comparator=str(_req(raw, "comparator", where)),
        value=float(_req(raw, "value", where)),
        upper=None if upper is None else float(upper),
        year=int(_req(raw, "year", where)),
        scope=str(_req(raw, "scope", where)),
        metric=str(raw.get("metric", "value")),
        source=source,
        source_text=sources[source],
        confirmed=bool(_req(raw, "confirmed", where)),
        note=" ".join(str(raw.get("note", "")).split()),
        members=bool(raw.get("members", False)),
        proxy=" ".join(str(raw.get("proxy", "")).split()),
    )


def _indicator(raw: dict[str, Any], sources: dict[str, str]) -> Indicator:
    code = str(_req(raw, "code", "an indicator"))
    where = f"indicator {code}"
    hib = _req(raw, "higher_is_better", where)
    return Indicator(
        code=code,
        name=str(_req(raw, "name", where)),
        short_name=str(_req(raw, "short_name", where)),
        description=" ".join(str(_req(raw, "description", where)).split()),
        unit=str(_req(raw, "unit", where)),
        short_unit=str(_req(raw, "short_unit", where)),
        dataset=str(_req(raw, "dataset", where)),
        api_db=raw.get("api_db"),
        kind=str(_req(raw, "kind", where)),
        weight=raw.get("weight"),
        aggregation=str(_req(raw, "aggregation", where)),
        areas=_tuple(_req(raw, "areas", where)),
        context_for=_tuple(raw.get("context_for")),
        action_lines=_tuple(_req(raw, "action_lines", where)),
        sdg=None if raw.get("sdg") is None else str(raw["sdg"]),
        higher_is_better=None if hib is None else bool(hib),
        primary=bool(_req(raw, "primary", where)),
        same_concept_as=raw.get("same_concept_as"),
        derived=raw.get("derived"),
        decimals=int(_req(raw, "decimals", where)),
        breakdowns=tuple((str(k), str(v)) for k, v in (raw.get("breakdowns") or {}).items()),
        targets=tuple(_target(t, code, sources) for t in raw.get("targets") or ()),
    )


def _area(raw: dict[str, Any], number: int) -> Area:
    area_id = str(_req(raw, "id", "an area"))
    where = f"area {area_id}"
    gap = raw.get("gap") or {}
    return Area(
        id=area_id,
        number=number,
        name=str(_req(raw, "name", where)),
        description=" ".join(str(_req(raw, "description", where)).split()),
        action_lines=_tuple(_req(raw, "action_lines", where)),
        sdg=_tuple(raw.get("sdg")),
        umc=_tuple(raw.get("umc")),
        status=str(_req(raw, "status", where)),
        gap_statement=" ".join(str(gap.get("statement", "")).split()),
        gap_source=" ".join(str(gap.get("usual_source", "")).split()),
    )


def parse_catalogue(document: dict[str, Any]) -> Catalogue:
    """Build a Catalogue from the parsed YAML document (structure checks only)."""
    if not isinstance(document, dict):
        raise CatalogueError("catalogue: the document is not a mapping")
    sources = {
        str(k): " ".join(str(v).split())
        for k, v in _req(document, "target_sources", "catalogue").items()
    }
    datasets = tuple(
        Dataset(
            id=str(k),
            producer=str(_req(v, "producer", f"dataset {k}")),
            dataset=str(_req(v, "dataset", f"dataset {k}")),
            licence=str(_req(v, "licence", f"dataset {k}")),
            attribution=str(_req(v, "attribution", f"dataset {k}")),
            url=str(v.get("url", "")),
        )
        for k, v in _req(document, "datasets", "catalogue").items()
    )
    return Catalogue(
        version=int(_req(document, "version", "catalogue")),
        datasets=datasets,
        areas=tuple(_area(a, n) for n, a in enumerate(_req(document, "areas", "catalogue"), 1)),
        indicators=tuple(_indicator(i, sources) for i in _req(document, "indicators", "catalogue")),
        action_lines=tuple(
            (str(k), str(v)) for k, v in _req(document, "action_lines", "catalogue").items()
        ),
        target_sources=tuple(sources.items()),
        umc_dimensions=_tuple(_req(document, "umc_dimensions", "catalogue")),
        review_year=int(_req(document, "review_year", "catalogue")),
        unmeasured=tuple(_unmeasured(u, sources) for u in document.get("unmeasured_targets") or ()),
    )


def _unmeasured(raw: dict[str, Any], sources: dict[str, str]) -> UnmeasuredTarget:
    where = f"unmeasured target {raw.get('id', '?')}"
    source = str(_req(raw, "source", where))
    if source not in sources:
        raise CatalogueError(f"catalogue: {where} names unknown target source {source!r}")
    return UnmeasuredTarget(
        id=str(_req(raw, "id", where)),
        area=str(_req(raw, "area", where)),
        label=str(_req(raw, "label", where)),
        source=source,
        source_text=sources[source],
        reason=" ".join(str(_req(raw, "reason", where)).split()),
        usual_source=" ".join(str(_req(raw, "usual_source", where)).split()),
    )


def validate(catalogue: Catalogue) -> list[str]:
    """Every inconsistency in the catalogue, as readable sentences (empty when it is sound)."""
    problems: list[str] = []
    codes = [i.code for i in catalogue.indicators]
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            problems.append(f"indicator code {code} is declared twice")
        seen.add(code)
    area_ids = [a.id for a in catalogue.areas]
    if len(set(area_ids)) != len(area_ids):
        problems.append("an area id is declared twice")
    dataset_ids = {d.id for d in catalogue.datasets}
    lines = dict(catalogue.action_lines)
    for area in catalogue.areas:
        if area.status not in AREA_STATUSES:
            problems.append(f"area {area.id} has unknown status {area.status!r}")
        has_measures = any(area.id in i.areas for i in catalogue.indicators)
        if not has_measures and not area.gap_statement:
            problems.append(f"area {area.id} has no indicator and no stated gap")
        if area.status == "gap" and has_measures:
            problems.append(f"area {area.id} is marked gap but has measuring indicators")
        if area.status != "measured" and not (area.gap_statement and area.gap_source):
            problems.append(
                f"area {area.id} is {area.status} but does not state the gap and its usual source"
            )
        problems += [
            f"area {area.id} names unknown action line {al}"
            for al in area.action_lines
            if al not in lines
        ]
        problems += [
            f"area {area.id} names unknown UMC dimension {u}"
            for u in area.umc
            if u not in catalogue.umc_dimensions
        ]
    for ind in catalogue.indicators:
        where = f"indicator {ind.code}"
        if ind.dataset not in dataset_ids:
            problems.append(f"{where} names unknown dataset {ind.dataset}")
        if ind.kind not in KINDS:
            problems.append(f"{where} has unknown kind {ind.kind}")
        if ind.aggregation not in AGGREGATIONS:
            problems.append(f"{where} has unknown aggregation {ind.aggregation}")
        if ind.aggregation in WEIGHTED and ind.weight not in seen:
            problems.append(f"{where} is a weighted mean without a known weight ({ind.weight})")
        if ind.aggregation not in WEIGHTED and ind.weight is not None:
            problems.append(f"{where} has a weight but aggregation {ind.aggregation}")
        for area_id in ind.areas + ind.context_for:
            if area_id not in area_ids:
                problems.append(f"{where} names unknown area {area_id}")
        if set(ind.areas) & set(ind.context_for):
            problems.append(f"{where} both measures and is context for the same area")
        problems += [
            f"{where} names unknown action line {al}" for al in ind.action_lines if al not in lines
        ]
        if ind.same_concept_as is not None:
            if ind.same_concept_as not in seen:
                problems.append(f"{where} is the same concept as unknown {ind.same_concept_as}")
            elif ind.primary:
                problems.append(f"{where} is primary yet names another series of its concept")
        if ind.api_db is not None and ind.dataset not in {"wdi", "wdi_gender"}:
            problems.append(f"{where} has api_db but is not a World Bank series")
        problems += _breakdown_problems(catalogue, ind)
        for tgt in ind.targets:
            problems += _target_problems(tgt)
    problems += [
        f"unmeasured target {u.id} names unknown area {u.area}"
        for u in catalogue.unmeasured
        if u.area not in area_ids
    ]
    target_ids = [t.id for t in catalogue.targets()]
    if len(set(target_ids)) != len(target_ids):
        problems.append("a target id is declared twice")
    return problems


def _breakdown_problems(catalogue: Catalogue, ind: Indicator) -> list[str]:
    """Links must be reciprocal: a total lists its parts, each part names its total and sibling."""
    problems: list[str] = []
    codes = set(catalogue.codes)
    own_role = _role_of(ind)
    for role, code in ind.breakdowns:
        where = f"indicator {ind.code} breakdown {role}"
        if role not in BREAKDOWN_ROLES:
            problems.append(f"{where}: unknown role")
            continue
        if code not in codes:
            problems.append(f"{where}: unknown code {code}")
            continue
        other = catalogue.indicator(code)
        if role == "total" or ind.breakdown("total") is not None:
            # ind is a part: its total and its sibling must list ind under ind's own role
            if other.breakdown(own_role) != ind.code:
                problems.append(f"{where}: {code} does not list {ind.code} as its {own_role} part")
        else:
            # ind is a total: each part names it as total, and comes with its partner
            if other.breakdown("total") != ind.code:
                problems.append(f"{where}: {code} does not name {ind.code} as its total")
            if ind.breakdown(BREAKDOWN_PAIRS[role]) is None:
                problems.append(f"{where}: {role} without its {BREAKDOWN_PAIRS[role]} partner")
    return problems


def _role_of(ind: Indicator) -> str:
    """The role an indicator plays for its total (female, rural, ...), from its partner links."""
    partners = {role for role, _ in ind.breakdowns if role != "total"}
    for role, partner in BREAKDOWN_PAIRS.items():
        if partner in partners and role not in partners:
            return role
    return "?"


def _target_problems(tgt: Target) -> list[str]:
    where = f"target {tgt.id}"
    problems: list[str] = []
    if tgt.comparator not in COMPARATORS:
        problems.append(f"{where}: unknown comparator {tgt.comparator}")
    if (tgt.comparator == "between") != (tgt.upper is not None):
        problems.append(f"{where}: 'between' needs an upper bound, and only it")
    if tgt.upper is not None and tgt.upper < tgt.value:
        problems.append(f"{where}: upper bound below lower bound")
    if tgt.metric not in METRICS:
        problems.append(f"{where}: unknown metric {tgt.metric}")
    if not 2000 <= tgt.year <= 2100:
        problems.append(f"{where}: implausible year {tgt.year}")
    if tgt.members and tgt.scope == "each":
        problems.append(f"{where}: members applies to a group scope only")
    return problems


def read_catalogue(path: Path) -> Catalogue:
    """Read and check a catalogue file; raise CatalogueError listing every problem."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogueError(f"catalogue {path}: cannot read ({exc})") from exc
    catalogue = parse_catalogue(document)
    problems = validate(catalogue)
    if problems:
        raise CatalogueError(f"catalogue {path}: " + "; ".join(problems))
    return catalogue


@cache
def load_catalogue(path: Path = CATALOGUE_PATH) -> Catalogue:
    """The project's catalogue (parsed once per process; the dataclasses are immutable)."""
    return read_catalogue(path)
