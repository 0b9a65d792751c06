"""Shared helpers of the gap analytics: observation rows with their provenance, entity checks.

Every figure the gap and divide functions return carries the source ids and vintages of the
rows it was computed from; these helpers read rows that way and join provenance labels.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from indicators.analytics.groups import HISTORY_CODES, Group, resolve_group
from indicators.errors import UnknownCodeError
from indicators.store.snapshot import Snapshot

KEY = ["economy", "year"]


def join_labels(values: Iterable[object]) -> str:
    """Distinct non-empty labels, sorted and joined with '; ' (one provenance string)."""
    seen = {str(v) for v in values if v is not None and not pd.isna(v) and str(v)}
    return "; ".join(sorted(seen))


def row_labels(*columns: Sequence[object]) -> np.ndarray:
    """Row-wise provenance of several inputs: their distinct labels joined with '; '.

    Rows repeat the same few (source, vintage) combinations, so each distinct combination is
    joined once and looked up for the others.
    """
    arrays = [np.asarray(c, dtype=object) for c in columns]
    out = np.empty(len(arrays[0]) if arrays else 0, dtype=object)
    # Keyed by value and type: 1, 1.0 and True are equal keys but print differently.
    joined: dict[tuple[object, ...], str] = {}
    for i, values in enumerate(zip(*arrays, strict=True)):
        key = (*values, *map(type, values))
        text = joined.get(key)
        if text is None:
            text = joined[key] = join_labels(values)
        out[i] = text
    return out


def long_rows(snapshot: Snapshot, code: str, name: str) -> pd.DataFrame:
    """One indicator as economy, year, <name>, <name>_source, <name>_vintage, <name>_estimate."""
    r = snapshot.rows(code)
    return pd.DataFrame(
        {
            "economy": r["economy"].astype(str).to_numpy(dtype=object),
            "year": r["year"].to_numpy(dtype=int),
            name: r["value"].to_numpy(dtype=float),
            f"{name}_source": r["source"].astype(str).to_numpy(dtype=object),
            f"{name}_vintage": r["vintage"].astype(str).to_numpy(dtype=object),
            f"{name}_estimate": r["estimate"].to_numpy(dtype=bool),
        }
    )


def check_entities(snapshot: Snapshot, codes: Sequence[str], kind: str = "economy") -> None:
    known = snapshot.entity_index.index
    for code in codes:
        if code not in known:
            raise UnknownCodeError(kind, code, known=[str(c) for c in known])


def entity_name(snapshot: Snapshot, code: str) -> str:
    idx = snapshot.entity_index
    return str(idx.at[code, "name"]) if code in idx.index else code


def safe_ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den, NaN where den is 0 or missing (a ratio to nothing is undefined)."""
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = num / den
    return np.where(den == 0, np.nan, out)


def resolve_for_year(snapshot: Snapshot, code: str, fiscal_year: int | None) -> Group:
    """A group; `fiscal_year` applies to income groups only (others are taken as they are)."""
    fy = fiscal_year if code in HISTORY_CODES else None
    return resolve_group(snapshot, code, fiscal_year=fy)


def provenance(
    snapshot: Snapshot,
    codes: str | Sequence[str],
    members: Iterable[str],
    *,
    year: int | None = None,
) -> tuple[str, str]:
    """Source ids and vintages of the rows of one or more indicators for the given economies
    (in one year, if given)."""
    members = list(members)
    parts = [snapshot.rows(c) for c in ([codes] if isinstance(codes, str) else codes)]
    keep = [
        p["economy"].isin(members) & ((p["year"] == year) if year is not None else True)
        for p in parts
    ]
    picked = [p.loc[k, ["source", "vintage"]] for p, k in zip(parts, keep, strict=True)]
    return (
        join_labels(v for p in picked for v in p["source"].unique()),
        join_labels(v for p in picked for v in p["vintage"].unique()),
    )


def classification_reference(snapshot: Snapshot, fiscal_year: int | None) -> str:
    """The id of the reference file that says which economies an income group holds: the income
    history for a past fiscal year, today's country metadata otherwise ('' if not held)."""
    loader = "wb_income_history" if fiscal_year is not None else "wb_country_metadata"
    ref = snapshot.descriptor.reference_for(loader)
    return ref.id if ref is not None else ""


def computed_provenance(
    snapshot: Snapshot,
    *,
    indicator: str,
    weight: str | None,
    groups: Sequence[Group],
    fiscal_year: int | None,
) -> tuple[str, str]:
    """Source ids and vintages behind groups computed here from economy values: the indicator's
    rows, the weights' rows and, for income groups, the classification that chose the members.

    A computed aggregate uses all three, so every one of them is cited.
    """
    members = [m for g in groups for m in g.members]
    codes = [indicator, *([weight] if weight else [])]
    src, vin = provenance(snapshot, codes, members)
    if any(g.code in HISTORY_CODES for g in groups):
        src = join_labels([*src.split("; "), classification_reference(snapshot, fiscal_year)])
    return src, vin
