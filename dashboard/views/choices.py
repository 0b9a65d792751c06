"""What a page's pickers offer, computed once per snapshot: indicators, economies, map years.

Each function takes (snapshot, catalogue, **options) like every other view, so pages get them
through the cache seam.
"""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.views.explorer_series import (
    default_map_year,
    entity_choices,
    indicator_choices,
    map_years,
)
from indicators.catalogue import Catalogue
from indicators.sources.names import matches
from indicators.store.snapshot import Snapshot


@dataclass(frozen=True)
class ExplorerChoices:
    """The explorer's pickers: indicator code -> label, entity code -> label (in menu order)."""

    indicators: dict[str, str]
    entities: dict[str, str]


def explorer_choices(snapshot: Snapshot, catalogue: Catalogue) -> ExplorerChoices:
    """Every indicator (by challenge area) and every entity (groups first) the explorer offers."""
    return ExplorerChoices(indicator_choices(catalogue), entity_choices(snapshot))


@dataclass(frozen=True)
class MapYears:
    """The years a map of an indicator can show, and the one it shows by default."""

    years: list[int]
    usual: int | None


def map_year_choices(snapshot: Snapshot, catalogue: Catalogue, *, indicator: str) -> MapYears:
    """Years with economy values of `indicator`, and the default map year."""
    catalogue.indicator(indicator)
    return MapYears(map_years(snapshot, indicator), default_map_year(snapshot, indicator))


@dataclass(frozen=True)
class ProfileChoices:
    """The profile's picker: (code, label) in menu order, and each code's kind."""

    options: list[tuple[str, str]]
    kinds: dict[str, str]


def profile_options(snapshot: Snapshot) -> list[tuple[str, str]]:
    """(code, label) of the entities a profile can show: economies A-Z, then World Bank groups
    (labelled 'group'), each with at least one observation."""
    have = set(snapshot.observations["economy"].astype(str).unique())
    ent = snapshot.entities[snapshot.entities["code"].astype(str).isin(have)]
    eco = ent[ent["kind"] == "economy"].sort_values("name")
    grp = ent[ent["kind"] == "wb_aggregate"].sort_values("name")
    out = [(str(c), f"{n} ({c})") for c, n in zip(eco["code"], eco["name"], strict=True)]
    out += [(str(c), f"{n} (group, {c})") for c, n in zip(grp["code"], grp["name"], strict=True)]
    return out


def profile_choices(snapshot: Snapshot, catalogue: Catalogue) -> ProfileChoices:
    """The profile picker's options and the kind of each entity (economy or group)."""
    options = profile_options(snapshot)
    kinds = snapshot.entity_index["kind"].astype(str)
    return ProfileChoices(options, {code: str(kinds[code]) for code, _ in options})


def find_entities(snapshot: Snapshot, catalogue: Catalogue, *, query: str) -> list[str]:
    """Codes of the entities a search finds: its code, every word in the UN name or an alias
    (the World Bank's name among them), or the economy's name pattern ("Turkey", "Ivory Coast",
    "Palestin"); economies first, then groups, each in name order."""
    ent = snapshot.entities
    text = query.strip()
    found = []
    for row in ent.sort_values(["kind", "name"], key=lambda s: s.astype(str)).itertuples():
        code = str(row.code)
        aliases = row.aliases if isinstance(row.aliases, str) else None
        pattern = row.pattern if isinstance(row.pattern, str) else None
        if text.upper() == code or matches(
            text, name=str(row.name), aliases=aliases, pattern=pattern
        ):
            found.append(code)
    rank = {"economy": 0, "wb_aggregate": 1, "itu_aggregate": 2}
    kinds = dict(zip(ent["code"].astype(str), ent["kind"].astype(str), strict=True))
    return sorted(found, key=lambda c: rank.get(kinds[c], 3))
