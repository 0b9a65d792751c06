"""The shareable view: everything a link must reopen, parsed from and written to the URL query.

Pure functions (no Streamlit): `parse_view` validates query parameters against the snapshot and
catalogue and returns the view plus a notice for every parameter it ignored; `view_to_params`
writes the non-default parts of a view back. The page itself is the URL path (st.navigation);
`page=` in the query is also understood by the app shell.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace

from dashboard.app.registry import PAGE_NAMES
from dashboard.app.safe_text import clip

CHARTS = ("line", "slope", "bar", "map", "table")
SCALES = ("linear", "log")
CHANGES = ("absolute", "relative")
MAP_MODES = ("level", "change")
RANKINGS = ("chosen", "economies")
DEFAULT_ECONOMIES = ("WLD", "HIC", "UMC", "LMC", "LIC")
MAX_ECONOMIES = 40
MAX_DIGITS = 6  # a longer run of digits is no year (and int() of a huge one is slow or fails)
PRINT = "print"  # `print=1`: the page's print view (charts at a width that fits the paper)


@dataclass(frozen=True)
class View:
    """A dashboard view. Defaults are the view of a bare link."""

    indicator: str = "IT.NET.USER.ZS"
    economies: tuple[str, ...] = DEFAULT_ECONOMIES
    economy: str = "WLD"  # the economy (or group) of the profile page
    start: int = 2005
    end: int | None = None  # None: the latest year with data
    baseline: int = 2005
    chart: str = "line"
    scale: str = "linear"
    change: str = "absolute"
    map_mode: str = "level"  # level or change since the baseline (map and bar ranking)
    map_year: int | None = None  # None: the latest year with data
    fy: int | None = None  # income groups as classified in this fiscal year; None: today (FY26)
    area: str | None = None
    ranking: str = "chosen"  # bar ranking of the chosen set, or of every economy


@dataclass(frozen=True)
class Vocabulary:
    """What a valid view may contain (taken from the snapshot and catalogue)."""

    indicators: Collection[str]
    entities: Collection[str]
    areas: Collection[str]
    first_year: int
    last_year: int
    fiscal_years: Collection[int]


def _first(value: str | Sequence[str]) -> str:
    if isinstance(value, str):
        return value
    return str(value[-1]) if value else ""


def _year(text: str, vocab: Vocabulary) -> int | None:
    text = text.strip()
    if not (text.isascii() and text.isdigit() and len(text) <= MAX_DIGITS):
        return None
    year = int(text)
    return year if vocab.first_year <= year <= vocab.last_year else None


def _choice(text: str, options: Sequence[str]) -> str | None:
    return text if text in options else None


def parse_view(
    params: Mapping[str, str | Sequence[str]], vocab: Vocabulary
) -> tuple[View, list[str]]:
    """A View from URL query parameters; every unknown or malformed parameter gives a notice.

    Malformed values are ignored one by one (the rest of the link still applies), so a link
    edited by hand or truncated by an e-mail client still opens something sensible.
    """
    view = View()
    notices: list[str] = []
    known = {f.name for f in fields(View)} | {"years", "page", PRINT}
    changes: dict[str, object] = {}
    for key in sorted(params):
        raw = _first(params[key])
        if key not in known:
            notices.append(f"Ignored the unknown link parameter '{_clip(key)}'.")
            continue
        if key == "page":
            if raw not in PAGE_NAMES:
                notices.append(f"Ignored page '{_clip(raw)}': not a page of this dashboard.")
            continue
        if key == PRINT:
            if raw != "1":
                notices.append(f"Ignored {PRINT}='{_clip(raw)}': expected {PRINT}=1.")
            continue
        value, problem = _parse_one(key, raw, vocab)
        if problem and value is not None:  # part of the value was used: the problem says which
            notices.append(problem)
        elif problem:
            notices.append(f"Ignored {key}='{_clip(raw)}': {problem}.")
        if value is not None:
            if key == "years":
                changes["start"], changes["end"] = value  # type: ignore[misc]
            else:
                changes[key] = value
    view = replace(view, **changes)  # type: ignore[arg-type]
    if view.end is not None and view.start > view.end:
        notices.append("Ignored years: the start year was after the end year.")
        view = replace(view, start=View.start, end=None)
    return view, notices


def _clip(text: str, limit: int = 40) -> str:
    """Link text echoed in a notice: one line, control characters removed, at most `limit`."""
    return clip(text, limit)


def _parse_one(key: str, raw: str, vocab: Vocabulary) -> tuple[object, str | None]:
    """(value, None) or (None, reason) for one parameter."""
    if key == "indicator":
        return (
            (raw, None) if raw in vocab.indicators else (None, "not an indicator of the catalogue")
        )
    if key == "economies":
        codes = list(dict.fromkeys(c.strip() for c in raw.split(",") if c.strip()))
        if not raw.strip():  # an emptied selection is a valid view
            return (), None
        bad = [c for c in codes if c not in vocab.entities]
        good = [c for c in codes if c in vocab.entities]
        shown = ", ".join(_clip(c, 12) for c in bad[:5]) + (
            f" and {len(bad) - 5} more" if len(bad) > 5 else ""
        )
        if not good:
            return None, f"unknown economy or group codes {shown or '(none given)'}"
        if len(good) > MAX_ECONOMIES:
            return None, f"more than {MAX_ECONOMIES} economies"
        if bad:
            plural = "codes" if len(bad) > 1 else "code"
            return tuple(good), (
                f"Dropped the unknown economy or group {plural} {shown} from economies; "
                "the other codes of the link are kept."
            )
        return tuple(good), None
    if key == "economy":
        return (raw, None) if raw in vocab.entities else (None, "not an economy or group code")
    if key in ("start", "end", "baseline", "map_year"):
        year = _year(raw, vocab)
        return (
            (year, None)
            if year is not None
            else (None, f"not a year from {vocab.first_year} to {vocab.last_year}")
        )
    if key == "years":
        parts = raw.split("-")
        years = [_year(p, vocab) for p in parts] if len(parts) == 2 else [None]
        if None in years:
            return None, f"not a range like {vocab.first_year}-{vocab.last_year}"
        return (years[0], years[1]), None
    if key == "fy":
        text = raw.strip().upper().removeprefix("FY")
        if not (text.isascii() and text.isdigit() and len(text) <= MAX_DIGITS):
            return None, "not a fiscal year such as FY06"
        year = int(text)
        year = year + (2000 if year < 89 else 1900) if year < 100 else year
        return (
            (year, None)
            if year in vocab.fiscal_years
            else (None, "no income classification for that fiscal year")
        )
    if key == "area":
        return (raw, None) if raw in vocab.areas else (None, "not a challenge area")
    options = {
        "chart": CHARTS,
        "scale": SCALES,
        "change": CHANGES,
        "map_mode": MAP_MODES,
        "ranking": RANKINGS,
    }[key]
    value = _choice(raw, options)
    return (value, None) if value is not None else (None, f"expected one of {', '.join(options)}")


def view_to_params(view: View, *, keys: Iterable[str] | None = None) -> dict[str, str]:
    """The query parameters of a view: only values that differ from the defaults (short links)."""
    default = View()
    wanted = set(keys) if keys is not None else {f.name for f in fields(View)}
    out: dict[str, str] = {}
    if ("start" in wanted or "end" in wanted) and (view.start, view.end) != (
        default.start,
        default.end,
    ):
        out["years"] = f"{view.start}-{view.end}" if view.end is not None else str(view.start)
        if view.end is None:
            out.pop("years")
            out["start"] = str(view.start)
    for f in fields(View):
        if f.name in ("start", "end") or f.name not in wanted:
            continue
        value = getattr(view, f.name)
        if value == getattr(default, f.name) or value is None:
            continue
        if f.name == "economies":
            out[f.name] = ",".join(value)
        elif f.name == "fy":
            out[f.name] = f"FY{value % 100:02d}"
        else:
            out[f.name] = str(value)
    return out
