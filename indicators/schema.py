"""The tidy long observation table shared by every loader, the snapshot and the analytics.

One row per (economy, indicator, year): `economy` is a World Bank economy or aggregate code or an
ITU aggregate code (``ITU_WLD`` ...); `indicator` is a catalogue code; `source` is a source id of
the snapshot descriptor and `vintage` the release it comes from; `estimate` marks values the
producer labels as estimates; `note` keeps the producer's own note (ITU data notes, sources).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from indicators.errors import SourceFormatError

OBSERVATION_COLUMNS: tuple[str, ...] = (
    "economy",
    "indicator",
    "year",
    "value",
    "source",
    "vintage",
    "estimate",
    "note",
)
KEY: tuple[str, ...] = ("economy", "indicator", "year")
CATEGORY_COLUMNS: tuple[str, ...] = ("economy", "indicator", "source", "vintage", "note")
FIRST_YEAR = 2000
LAST_YEAR = 2035


def empty_observations() -> pd.DataFrame:
    """An observation table with no rows and the canonical dtypes."""
    return normalise_observations(pd.DataFrame({c: [] for c in OBSERVATION_COLUMNS}))


def normalise_observations(frame: pd.DataFrame) -> pd.DataFrame:
    """Return `frame` with exactly the canonical columns, order and dtypes.

    Strings become plain object columns here (categoricals are applied only when the snapshot is
    written and read), `year` int16, `value` float64, `estimate` bool, missing notes "".
    """
    missing = [c for c in OBSERVATION_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"observation table lacks columns {missing}")
    out = pd.DataFrame(
        {
            "economy": frame["economy"].astype(str).to_numpy(dtype=object),
            "indicator": frame["indicator"].astype(str).to_numpy(dtype=object),
            "year": pd.to_numeric(frame["year"]).astype("int16").to_numpy(),
            "value": pd.to_numeric(frame["value"]).astype("float64").to_numpy(),
            "source": frame["source"].astype(str).to_numpy(dtype=object),
            "vintage": frame["vintage"].astype(str).to_numpy(dtype=object),
            "estimate": frame["estimate"].fillna(False).astype(bool).to_numpy(),
            "note": frame["note"].fillna("").astype(str).to_numpy(dtype=object),
        }
    )
    return out


def check_observations(frame: pd.DataFrame, *, origin: str | Path = "observations") -> None:
    """Raise if the table breaks an invariant: unique key, finite values, years in range."""
    if list(frame.columns) != list(OBSERVATION_COLUMNS):
        raise SourceFormatError(origin, f"columns are {list(frame.columns)}")
    if not np.isfinite(frame["value"].to_numpy(dtype="float64")).all():
        raise SourceFormatError(origin, "non-finite value in observations", column="value")
    years = frame["year"].astype(int)
    if len(frame) and (years.min() < FIRST_YEAR or years.max() > LAST_YEAR):
        raise SourceFormatError(origin, f"year outside {FIRST_YEAR}-{LAST_YEAR}", column="year")
    dupes = frame.duplicated(list(KEY), keep=False)
    if dupes.any():
        first = frame.loc[dupes, list(KEY)].iloc[0].tolist()
        raise SourceFormatError(origin, f"duplicate (economy, indicator, year) {first}")


def refuse_future_years(frame: pd.DataFrame, *, origin: str | Path) -> pd.DataFrame:
    """Raise if a loaded table has a year after LAST_YEAR (a data year that cannot be real yet,
    or a shifted column); otherwise return the table unchanged."""
    if len(frame) and int(frame["year"].max()) > LAST_YEAR:
        year = int(frame["year"].max())
        raise SourceFormatError(
            origin, f"year {year} is after {LAST_YEAR}: not a data year", column="year"
        )
    return frame


def loaded_observations(frame: pd.DataFrame, *, origin: str | Path) -> pd.DataFrame:
    """A loader's observations as every loader returns them: future years refused, columns
    normalised, rows in key order (a stable sort, so the build is deterministic)."""
    checked = normalise_observations(refuse_future_years(frame, origin=origin))
    return checked.sort_values(list(KEY), kind="mergesort", ignore_index=True)


def concat_observations(parts: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate normalised parts, sorted by the key (a stable, deterministic order)."""
    frames = [normalise_observations(p) for p in parts]
    if not frames:
        return empty_observations()
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(list(KEY), kind="mergesort", ignore_index=True)


@dataclass(frozen=True)
class DroppedValue:
    """A value a loader or the build read but did not keep, and why (listed in the descriptor)."""

    source: str
    indicator: str
    economy: str
    year: int
    value: float
    reason: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, entry: Mapping[str, Any]) -> DroppedValue:
        return cls(
            source=str(entry["source"]),
            indicator=str(entry.get("indicator", "")),
            economy=str(entry["economy"]),
            year=int(entry["year"]),
            value=float(entry["value"]),
            reason=str(entry["reason"]),
        )
