"""Groups of economies: World Bank aggregates, income groups of any fiscal year, custom sets.

A group is named by a World Bank aggregate code (WLD, LIC, SSF, LDC, ...). Income groups (LIC,
LMC, UMC, HIC and the composites LMY, MIC) can be taken as classified today (FY26) or as
classified in any fiscal year since FY89, so that "the low-income group of 2005" can be compared
with today's. A custom group is any list of economy codes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from indicators.errors import AnalysisError, UnknownCodeError
from indicators.store.snapshot import Snapshot

HISTORY_CODES: dict[str, tuple[str, ...]] = {"LIC": ("L",), "LMC": ("LM",), "UMC": ("UM",)}
HISTORY_CODES |= {"HIC": ("H",)}
HISTORY_CODES |= {"LMY": ("L", "LM", "UM"), "MIC": ("LM", "UM")}
INCOME_GROUPS = ("LIC", "LMC", "UMC", "HIC")
INCOME_LABEL = {"L": "LIC", "LM": "LMC", "UM": "UMC", "H": "HIC"}


@dataclass(frozen=True)
class Group:
    """A resolved group: its code, a label, the member economy codes and how they were chosen."""

    code: str
    label: str
    members: tuple[str, ...]
    basis: str

    @property
    def size(self) -> int:
        return len(self.members)


def economies(snapshot: Snapshot) -> pd.DataFrame:
    """The economies (not aggregates) of the snapshot."""
    ent = snapshot.entities
    return ent[ent["kind"] == "economy"]


def group_codes(snapshot: Snapshot) -> list[str]:
    """Codes that name a World Bank group with known members."""
    return sorted(snapshot.group_index)


def fiscal_years(snapshot: Snapshot) -> list[int]:
    """Fiscal years with an income classification in the snapshot (FY89 -> 1989, ...)."""
    return sorted(int(y) for y in snapshot.income_history["fiscal_year"].unique())


def resolve_group(
    snapshot: Snapshot,
    group: str | Sequence[str],
    *,
    fiscal_year: int | None = None,
    label: str | None = None,
) -> Group:
    """Resolve a group code (or a list of economy codes) to its member economies.

    `fiscal_year` applies to income groups only: members are the economies classified in that
    group in that World Bank fiscal year. Raises UnknownCodeError for an unknown code and
    AnalysisError for an empty group.
    """
    if not isinstance(group, str):
        return _custom_group(snapshot, list(group), label=label)
    code = group
    if fiscal_year is not None:
        if code not in HISTORY_CODES:
            raise AnalysisError(
                f"a fiscal-year classification applies to income groups only "
                f"({', '.join(HISTORY_CODES)}), not to {code}"
            )
        hist = snapshot.income_history
        if fiscal_year not in set(hist["fiscal_year"].astype(int)):
            years = fiscal_years(snapshot)
            raise AnalysisError(
                f"no income classification for fiscal year {fiscal_year} "
                f"(available: FY{years[0] % 100:02d}-FY{years[-1] % 100:02d})"
            )
        sel = hist[
            (hist["fiscal_year"] == fiscal_year) & hist["income_group"].isin(HISTORY_CODES[code])
        ]
        members = tuple(sorted(sel["economy"].astype(str)))
        basis = f"income classification of FY{fiscal_year % 100:02d}"
    else:
        if code not in snapshot.group_index:
            raise UnknownCodeError("group", code, known=group_codes(snapshot))
        members, basis = snapshot.group_index[code]
    if not members:
        raise AnalysisError(f"group {code} has no members{_fy(fiscal_year)}")
    name = label or _entity_name(snapshot, code)
    if fiscal_year is not None:
        name = f"{name} (as classified in FY{fiscal_year % 100:02d})"
    return Group(code=code, label=name, members=members, basis=basis)


def _fy(fiscal_year: int | None) -> str:
    return "" if fiscal_year is None else f" in FY{fiscal_year % 100:02d}"


def _entity_name(snapshot: Snapshot, code: str) -> str:
    idx = snapshot.entity_index
    return str(idx.at[code, "name"]) if code in idx.index else code


def _custom_group(snapshot: Snapshot, codes: list[str], *, label: str | None) -> Group:
    if not codes:
        raise AnalysisError("the custom group is empty: choose at least one economy")
    known = set(economies(snapshot)["code"].astype(str))
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise UnknownCodeError("economy", unknown[0], known=sorted(known))
    members = tuple(sorted(set(codes)))
    return Group(
        code="CUSTOM",
        label=label or f"Custom group of {len(members)}",
        members=members,
        basis="chosen by the user",
    )


def income_history_of(snapshot: Snapshot, *, economy: str) -> pd.DataFrame:
    """An economy's income group for every fiscal year (fiscal_year, income_group code)."""
    if economy not in set(snapshot.income_history["economy"].astype(str)):
        raise UnknownCodeError(
            "economy",
            economy,
            known=sorted(snapshot.income_history["economy"].astype(str).unique()),
        )
    hist = snapshot.income_history
    out = hist[hist["economy"] == economy][["fiscal_year", "income_group"]].copy()
    out["income_group"] = out["income_group"].map(INCOME_LABEL)
    return out.reset_index(drop=True)
