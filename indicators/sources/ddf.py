"""Loader for WDI series republished by Gapminder's open-numbers project as DDF datapoints.

A datapoints file ``ddf--datapoints--<concept>--by--geo--time.csv`` has the header
``geo,time,<concept>``: ``geo`` is a lower-case ISO3 code (with a few project-specific aliases),
``time`` a year and the concept the WDI code in lower case with ``_`` for ``.``
(``it_net_user_fe_zs`` is IT.NET.USER.FE.ZS). The files carry economies only, no aggregates.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pandas as pd

from indicators.errors import SourceFormatError
from indicators.schema import loaded_observations
from indicators.sources.wb_csv import read_csv_records

#: open-numbers geo codes that are not lower-case ISO3, and the World Bank code they stand for.
GEO_ALIASES: MappingProxyType[str, str] = MappingProxyType({"nld_curacao": "CUW", "kos": "XKX"})
_GEO = re.compile(r"[a-z]{3}")
_CONCEPT = re.compile(r"[a-z][a-z0-9_]*")
_FILE_NAME = re.compile(r"ddf--datapoints--(?P<concept>[a-z0-9_]+)--by--geo--time\.csv")


def concept_to_indicator(concept: str) -> str:
    """The WDI code of a DDF concept: upper case, ``_`` -> ``.`` (it_net_user_zs -> IT.NET.USER.ZS)."""
    return concept.upper().replace("_", ".")


def read_ddf_datapoints(
    path: str | Path, *, source: str, vintage: str, first_year: int = 2000
) -> pd.DataFrame:
    """Read a ``geo,time,<concept>`` datapoints file into observations for years >= first_year.

    Geo codes become upper-case World Bank codes (aliases from `GEO_ALIASES`); any other code that
    is not three lower-case letters is rejected, as are a wrong header, a non-numeric or empty
    value, a bad year and a repeated (geo, time) pair.
    """
    path = Path(path)
    records, all_lines = read_csv_records(path)
    content = [i for i, rec in enumerate(records) if any(f.strip() for f in rec)]
    if not content:
        raise SourceFormatError(path, "the file is empty")
    concept = _check_header(path, records[content[0]], all_lines[content[0]])
    rows = [records[i] for i in content[1:]]
    lines = np.asarray([all_lines[i] for i in content[1:]], dtype=np.int64)
    counts = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
    wrong = np.flatnonzero(counts != 3)
    if wrong.size:
        at = wrong[0]
        raise SourceFormatError(
            path, f"{counts[at]} fields where 3 are expected", row=int(lines[at])
        )
    frame = pd.DataFrame(rows, columns=["geo", "time", "value"], dtype=str)
    economies = _economies(path, frame["geo"].str.strip(), lines)
    years = _years(path, frame["time"].str.strip(), lines)
    values = _values(path, frame["value"].str.strip(), lines, concept)
    _check_unique(path, economies, years, lines)
    keep = years >= first_year
    frame = pd.DataFrame(
        {
            "economy": economies[keep],
            "indicator": concept_to_indicator(concept),
            "year": years[keep],
            "value": values[keep],
            "source": source,
            "vintage": vintage,
            "estimate": False,
            "note": "",
        }
    )
    return loaded_observations(frame, origin=path)


def _check_header(path: Path, fields: list[str], line: int) -> str:
    """Check ``geo,time,<concept>`` (and the concept against the file name); return the concept."""
    names = [name.strip() for name in fields]
    expected = "geo,time,<concept>"
    if len(names) != 3 or names[:2] != ["geo", "time"]:
        raise SourceFormatError(path, f"header {names} is not {expected}", row=line)
    concept = names[2]
    if not _CONCEPT.fullmatch(concept):
        raise SourceFormatError(
            path, "the concept column is not a lower-case DDF concept", row=line, column=concept
        )
    named = _FILE_NAME.fullmatch(path.name)
    if named and named["concept"] != concept:
        raise SourceFormatError(
            path,
            f"the value column differs from the file name's concept {named['concept']!r}",
            row=line,
            column=concept,
        )
    return concept


def _economies(path: Path, geo: pd.Series, lines: np.ndarray) -> np.ndarray:
    aliased = geo.map(dict(GEO_ALIASES))
    plain = geo.str.fullmatch(_GEO.pattern).fillna(False).to_numpy(dtype=bool)
    bad = np.flatnonzero(~plain & aliased.isna().to_numpy())
    if bad.size:
        raise SourceFormatError(
            path,
            f"geo {geo.iloc[bad[0]]!r} is neither a lower-case ISO3 code nor one of "
            f"{sorted(GEO_ALIASES)}",
            row=int(lines[bad[0]]),
            column="geo",
        )
    return aliased.fillna(geo.str.upper()).to_numpy(dtype=object)


def _years(path: Path, time: pd.Series, lines: np.ndarray) -> np.ndarray:
    ok = time.str.fullmatch(r"\d{4}").fillna(False).to_numpy(dtype=bool)
    bad = np.flatnonzero(~ok)
    if bad.size:
        raise SourceFormatError(
            path, f"time {time.iloc[bad[0]]!r} is not a year", row=int(lines[bad[0]]), column="time"
        )
    return time.astype("int64").to_numpy()


def _values(path: Path, values: pd.Series, lines: np.ndarray, concept: str) -> np.ndarray:
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64")
    bad = np.flatnonzero(~np.isfinite(numbers))
    if bad.size:
        raise SourceFormatError(
            path,
            f"value {values.iloc[bad[0]]!r} is not a number",
            row=int(lines[bad[0]]),
            column=concept,
        )
    return numbers


def _check_unique(path: Path, economies: np.ndarray, years: np.ndarray, lines: np.ndarray) -> None:
    pairs = pd.DataFrame({"economy": economies, "year": years})
    repeated = np.flatnonzero(pairs.duplicated().to_numpy())
    if repeated.size:
        second = repeated[0]
        economy, year = pairs.iloc[second]
        same = (pairs["economy"] == economy) & (pairs["year"] == year)
        first = np.flatnonzero(same.to_numpy())[0]
        raise SourceFormatError(
            path,
            f"duplicate (geo, time) for economy {economy} in {year}, also on row {lines[first]}",
            row=int(lines[second]),
        )
