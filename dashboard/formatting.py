"""How figures are written in titles, cards and notes: values with their units, signed changes,
head counts in words, and readable names of the sources behind a figure.

Shared by the cards and every figure module, so that a value reads the same everywhere.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from types import MappingProxyType

from indicators.catalogue import Indicator
from indicators.errors import WsisDataError
from indicators.rules import head_count
from indicators.store.snapshot import Snapshot


def is_number(value: object) -> bool:
    try:
        return value is not None and math.isfinite(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def format_people(count: float) -> str:
    """A head count in words ('6.05 billion', '588.3 million', '12,345'): the project's one
    head-count rule (`indicators.rules.head_count`), with 'no data' for a missing count."""
    if not is_number(count):
        return "no data"
    return head_count(float(count))


def format_value(value: float, ind: Indicator, *, decimals: int | None = None) -> str:
    """A value with its short unit: '73.6%', '20.1 per 100', '2.53% GNI p.c.', 'US$14,244'."""
    if not is_number(value):
        return "no data"
    if ind.kind == "count" and ind.short_unit == "people":
        return format_people(value)
    digits = ind.decimals if decimals is None else decimals
    text = f"{value:,.{digits}f}"
    unit = ind.short_unit
    if unit == "%":
        return f"{text}%"
    if unit.startswith("% "):
        return f"{text}% {unit[2:]}"
    if unit.endswith("$"):
        return f"{unit}{text}"
    return f"{text} {unit}"


def change_unit(ind: Indicator) -> str:
    """The unit of a difference of two values ('points' for shares)."""
    return "points" if ind.short_unit.startswith("%") else ind.short_unit


def format_change(change: float, ind: Indicator, *, decimals: int | None = None) -> str:
    """A signed change with its unit: '+58.0 points', '-0.68 points', '+16.7 per 100'."""
    if not is_number(change):
        return "no change available"
    digits = ind.decimals if decimals is None else decimals
    if ind.kind == "count" and ind.short_unit == "people":
        return f"{'+' if change >= 0 else '-'}{format_people(abs(change))}"
    if ind.short_unit.endswith("$"):
        return f"{change:+,.{digits}f} {ind.short_unit}"
    return f"{change:+,.{digits}f} {change_unit(ind)}"


def source_names(snapshot: Snapshot, source_ids: Iterable[object]) -> str:
    """Readable names of source ids ('WDI release of 13 July 2026; ...'), '; '-joined."""
    names = []
    notes = []
    for sid in sorted({str(s) for s in source_ids if s is not None and str(s) not in ("", "nan")}):
        for part in sid.split("; "):
            try:
                src = snapshot.source(part)
                name = src.label
                if src.newer_edition is not None:
                    notes.append(f"newer edition not in this snapshot: {src.newer_edition.name}")
            except WsisDataError:  # a reference file (classification) or an unknown id
                ref = snapshot.reference(part)
                name = ref.title if ref is not None else part
            if name not in names:
                names.append(name)
    text = "; ".join(names) or "not stated"
    return text + "".join(f" ({n})" for n in dict.fromkeys(notes))


def join_texts(values: Iterable[object]) -> str:
    """Distinct non-empty texts, in order of first appearance, '; '-joined."""
    out: list[str] = []
    for v in values:
        text = "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)
        for part in text.split("; "):
            if part and part != "nan" and part not in out:
                out.append(part)
    return "; ".join(out)


def entity_labels(snapshot: Snapshot) -> dict[str, str]:
    """Display names of all entities; ITU aggregates are marked '(ITU)' to tell them apart.

    A new dictionary each time (callers may change theirs), copied from one built once per
    snapshot: every figure asks for it, often several times.
    """

    def build() -> MappingProxyType[str, str]:
        ent = snapshot.entities
        names = dict(zip(ent["code"].astype(str), ent["name"].astype(str), strict=True))
        for code in ent.loc[ent["kind"] == "itu_aggregate", "code"].astype(str):
            names[code] = f"{names[code]} (ITU)"
        return MappingProxyType(names)

    return dict(snapshot.memo(("entity_labels",), build))
