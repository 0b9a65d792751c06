"""How much reported data stands behind a group's value: one rule for "estimate" everywhere.

A published group value (a World Bank aggregate, or ITU's estimate for the same group) fills in
the members that reported nothing for the year. We count, for a group, an indicator and a year,
the member economies with their own value and the share of the group's population they hold.
A group value is an estimate when the producer says so, or when the members that reported hold
less than two-thirds of the group's population (the World Bank's own threshold for publishing
an aggregate). Every card, sentence, table, CSV and slide that shows a group value uses this
rule, and says how many economies reported.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from indicators.analytics.aggregates import WB_MIN_COVERAGE
from indicators.analytics.groups import group_codes, resolve_group
from indicators.store.snapshot import Snapshot

POPULATION = "SP.POP.TOTL"
REPORTING_COLUMNS = ("entity", "year", "members", "reporting", "population_share")


@dataclass(frozen=True)
class Reporting:
    """Members of a group with their own value of an indicator in one year."""

    entity: str
    indicator: str
    year: int
    members: int
    reporting: int
    population_share: float  # share of the members' population that reported (NaN: unknown)

    @property
    def thin(self) -> bool:
        """Fewer reporting members than the World Bank's two-thirds rule (by population)."""
        share = self.population_share
        if share == share:  # not NaN
            return share < WB_MIN_COVERAGE
        return self.reporting < WB_MIN_COVERAGE * self.members

    @property
    def text(self) -> str:
        """'10 of 217 economies (4% of the population) reported their own 2025 value'."""
        share = self.population_share
        held = f" ({share:.0%} of the population)" if share == share else ""
        noun = "economy" if self.members == 1 else "economies"
        return (
            f"{self.reporting} of {self.members} {noun}{held} reported their own {self.year} value"
        )


def _members_of(snapshot: Snapshot, entity: str) -> tuple[str, ...] | None:
    """The member economies of a group, or of the World Bank group an ITU aggregate stands
    for; None for an economy or a group whose members the snapshot does not know."""
    code = entity
    if code not in set(group_codes(snapshot)):
        idx = snapshot.entity_index
        equivalent = idx.at[code, "wb_equivalent"] if code in idx.index else None
        if not isinstance(equivalent, str) or equivalent not in set(group_codes(snapshot)):
            return None
        code = equivalent
    return resolve_group(snapshot, code).members


def reporting_table(snapshot: Snapshot, *, indicator: str) -> pd.DataFrame:
    """For every group with known members and every year of the indicator: members, members
    with their own value, and the population share they hold (memoised per snapshot)."""

    def build() -> pd.DataFrame:
        wide = snapshot.wide(indicator)
        kinds = snapshot.entity_index["kind"].reindex(wide.index)
        if not (kinds == "economy").any():  # a series of groups only: nothing to count
            return pd.DataFrame(columns=list(REPORTING_COLUMNS))
        years = [int(y) for y in wide.columns]
        groups, economies, member = _membership(snapshot)
        # members' values and population as economy x year arrays (0 where unknown), summed
        # over each group's members by one matrix product per quantity
        has = wide.reindex(index=economies, columns=wide.columns).notna().to_numpy(dtype=float)
        pop = snapshot.wide(POPULATION).reindex(index=economies, columns=years)
        weights = np.nan_to_num(pop.to_numpy(dtype=float))
        total = member @ weights
        held = member @ (has * weights)
        reported = member @ has
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(total > 0, held / total, np.nan)
        counts = member.sum(axis=1).astype(int)
        rows = [
            (group, year, int(counts[g]), int(reported[g, y]), float(share[g, y]))
            for g, group in enumerate(groups)
            for y, year in enumerate(years)
        ]
        return pd.DataFrame(rows, columns=list(REPORTING_COLUMNS))

    return snapshot.memo(("reporting", indicator), build)


def _membership(snapshot: Snapshot) -> tuple[list[str], list[str], np.ndarray]:
    """(groups with known members, their member economies, a group x economy 0/1 matrix),
    memoised per snapshot: every indicator's reporting counts are sums over it."""

    def build() -> tuple[list[str], list[str], np.ndarray]:
        found = {}
        for entity in sorted(set(group_codes(snapshot)) | set(snapshot.itu_equivalents.values())):
            members = _members_of(snapshot, entity)
            if members:
                found[entity] = members
        economies = sorted({e for members in found.values() for e in members})
        column = {e: i for i, e in enumerate(economies)}
        matrix = np.zeros((len(found), len(economies)))
        for row, members in enumerate(found.values()):
            matrix[row, [column[e] for e in set(members)]] = 1.0
        return list(found), economies, matrix

    return snapshot.memo(("reporting_members",), build)


def reporting_index(snapshot: Snapshot, *, indicator: str) -> dict[tuple[str, int], Reporting]:
    """`reporting_table` as a lookup by (group, year) (memoised per snapshot): values are
    marked one row at a time, and a dictionary answers each row at once."""

    def build() -> dict[tuple[str, int], Reporting]:
        table = reporting_table(snapshot, indicator=indicator)
        return {
            (str(e), int(y)): Reporting(str(e), indicator, int(y), int(m), int(r), float(p))
            for e, y, m, r, p in zip(
                table["entity"], table["year"], table["members"], table["reporting"],
                table["population_share"], strict=True,
            )
        }  # fmt: skip

    return snapshot.memo(("reporting_index", indicator), build)


def reporting(snapshot: Snapshot, *, indicator: str, entity: str, year: int) -> Reporting | None:
    """How many members of `entity` reported `indicator` in `year` (None for an economy, or
    for a series that exists for groups only)."""
    known = reporting_index(snapshot, indicator=indicator)
    if not known:
        return None
    found = known.get((entity, int(year)))
    if found is not None:
        return found
    members = _members_of(snapshot, entity)
    if not members:
        return None
    return Reporting(entity, indicator, year, len(members), 0, 0.0)


def mark_estimates(
    snapshot: Snapshot,
    frame: pd.DataFrame,
    *,
    indicator: str,
    entity: str = "entity",
    year: str = "year",
    estimate: str = "estimate",
) -> pd.DataFrame:
    """A copy of a table of values with `estimate` also True for thinly reported group values
    and a `reported` column saying how many members reported ('' for economies)."""
    known = reporting_index(snapshot, indicator=indicator)
    out = frame.copy()
    texts, thin = [], []
    for code, when, flag in zip(out[entity], out[year], out[estimate], strict=True):
        rep = known.get((str(code), int(when))) if pd.notna(when) else None
        texts.append(rep.text if rep is not None else "")
        thin.append(bool(flag) or (rep is not None and rep.thin))
    out[estimate] = thin
    out["reported"] = texts
    return out
