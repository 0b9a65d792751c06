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
        pop = snapshot.wide(POPULATION).reindex(columns=years)
        rows = []
        for entity in sorted(set(group_codes(snapshot)) | set(snapshot.itu_equivalents.values())):
            members = _members_of(snapshot, entity)
            if not members:
                continue
            has = wide.reindex(index=list(members), columns=years).notna().to_numpy()
            weights = pop.reindex(index=list(members)).to_numpy(dtype=float)
            total = np.nansum(weights, axis=0)
            held = np.nansum(np.where(has, weights, 0.0), axis=0)
            with np.errstate(invalid="ignore", divide="ignore"):
                share = np.where(total > 0, held / total, np.nan)
            rows += [
                (entity, year, len(members), int(n), float(s))
                for year, n, s in zip(years, has.sum(axis=0), share, strict=True)
            ]
        return pd.DataFrame(rows, columns=list(REPORTING_COLUMNS))

    return snapshot.memo(("reporting", indicator), build)


def reporting(snapshot: Snapshot, *, indicator: str, entity: str, year: int) -> Reporting | None:
    """How many members of `entity` reported `indicator` in `year` (None for an economy, or
    for a series that exists for groups only)."""
    table = reporting_table(snapshot, indicator=indicator)
    if table.empty:
        return None
    row = table[(table["entity"] == entity) & (table["year"] == year)]
    if row.empty:
        members = _members_of(snapshot, entity)
        if not members:
            return None
        return Reporting(entity, indicator, year, len(members), 0, 0.0)
    r = row.iloc[0]
    return Reporting(
        entity=entity,
        indicator=indicator,
        year=year,
        members=int(r["members"]),
        reporting=int(r["reporting"]),
        population_share=float(r["population_share"]),
    )


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
    table = reporting_table(snapshot, indicator=indicator).set_index(["entity", "year"])
    out = frame.copy()
    texts, thin = [], []
    for code, when, flag in zip(out[entity], out[year], out[estimate], strict=True):
        key = (str(code), int(when)) if pd.notna(when) else None
        if key is not None and key in table.index:
            r = table.loc[key]
            rep = Reporting(key[0], indicator, key[1], int(r["members"]), int(r["reporting"]),
                            float(r["population_share"]))  # fmt: skip
            texts.append(rep.text)
            thin.append(bool(flag) or rep.thin)
        else:
            texts.append("")
            thin.append(bool(flag))
    out[estimate] = thin
    out["reported"] = texts
    return out
