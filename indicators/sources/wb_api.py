"""Live World Bank API loader: WDI (db 2) and Gender Statistics (db 14) series via wbgapi.

Why: the snapshot is built from downloaded files; `fetch_series` refreshes series straight from
api.worldbank.org/v2 when the machine can reach it. wbgapi builds the URLs, maps each database's
concept and time keys and walks the pages. This module adds what wbgapi lacks:

- a request timeout, passed through `wbgapi.get_options` only while a fetch runs;
- a check of every page before wbgapi reads it (a requests response hook passed through the same
  `get_options`): valid JSON, no API error message, a header with whole-number paging fields
  and, on data pages, exactly the number of rows that header promises;
- a check of every row: economy id, series id, year in the range asked for, numeric value;
- retries with exponential backoff on connection errors, timeouts, HTTP 429 and 5xx;
- all-or-nothing: any failure raises `RefreshError` and no partial result is returned.

A series is retried as a whole (wbgapi's pager cannot resume at a page). Every economy and
aggregate is kept (never `skipAggs`); null values are dropped. The vintage of every row is the
database's last-updated date as the API reports it, read before the series and checked again
after the last one, so a release published mid-refresh cannot mix two vintages silently.
"""

from __future__ import annotations

import functools
import math
import re
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import requests
import urllib3
import wbgapi
from tqdm import tqdm

from indicators.errors import RefreshBusy, RefreshError, SourceFormatError, bounded
from indicators.schema import (
    FIRST_YEAR,
    LAST_YEAR,
    check_observations,
    concat_observations,
)

ProgressCallback = Callable[[int, int, str], None]
T = TypeVar("T")

WDI_DB = 2
GENDER_DB = 14
API_ORIGIN = "World Bank API"
_ECONOMY_ID = re.compile(r"[A-Z0-9]{3}")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_YEAR = re.compile(r"[0-9]{4}")
NAME_LIMIT = 120  # longest economy name kept from the API
# wbgapi keeps its options in module globals; this lock keeps two fetches in one process (e.g.
# two Streamlit sessions) from swapping each other's options mid-fetch.
_WBGAPI_LOCK = threading.Lock()
# Errors wbgapi raises from inside its own parsing when a response has an unexpected shape.
_PARSE_ERRORS = (KeyError, TypeError, ValueError, IndexError, AttributeError)


@dataclass(frozen=True)
class ApiSeriesRequest:
    """One series to fetch: its code and the API database (2 = WDI, 14 = Gender Statistics)."""

    code: str
    db: int = WDI_DB


@dataclass(frozen=True, eq=False)  # eq=False: comparing DataFrames with == is ambiguous
class ApiFetch:
    """The result of a complete fetch.

    `observations` follows indicators/schema.py; `fetched_at` is the UTC time the fetch began
    (ISO 8601); `last_updated` maps each database to its last-updated date (yyyy-mm-dd);
    `counts` maps each series code to its number of non-null observations kept; `names` maps
    each economy code to the name the API gives it (bounded), so that a refresh can describe an
    economy the snapshot did not know yet.
    """

    observations: pd.DataFrame
    fetched_at: str
    last_updated: dict[int, str]
    counts: dict[str, int]
    names: dict[str, str] = field(default_factory=dict)  # economy code -> the API's name


class _BadResponse(Exception):
    """A response the API should not have sent; retrying will not fix it."""


class _OutOfTime(Exception):
    """The fetch's deadline passed; no further request is sent."""


class DeadlineReached(RefreshError):
    """The fetch stopped because its deadline left no time for the next request or retry."""


class Budget:
    """The time a fetch may take: each request's timeout is the smaller of the per-request
    timeout and the time left, and no request or back-off starts once it is spent."""

    def __init__(self, seconds: float | None, *, timeout: float) -> None:
        self.seconds = seconds
        self.timeout = timeout
        self.until = None if seconds is None else time.monotonic() + seconds

    def left(self) -> float:
        return math.inf if self.until is None else self.until - time.monotonic()

    def request_timeout(self) -> float:
        """The timeout for the next request (raises _OutOfTime when nothing is left)."""
        left = self.left()
        if left <= 0:
            raise _OutOfTime("no time left before the deadline")
        return min(self.timeout, left)


@dataclass(frozen=True)
class _RetryPolicy:
    retries: int
    backoff: float
    sleep: Callable[[float], None]
    budget: Budget
    options: dict[str, Any]  # wbgapi's get_options while the fetch runs (timeout set per attempt)


def fetch_series(
    requests_: Sequence[ApiSeriesRequest],
    *,
    source: str,
    first_year: int = FIRST_YEAR,
    last_year: int | None = None,
    timeout: float = 30.0,
    retries: int = 3,
    backoff: float = 1.0,
    per_page: int = 1000,
    progress: ProgressCallback | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], datetime] | None = None,
    deadline: float | None = None,
) -> ApiFetch:
    """Fetch each series for all economies and aggregates, years first_year..last_year.

    `last_year` defaults to the current year (by `clock`) and is narrowed to the years the
    database knows. `per_page` is the page size asked of the API. `progress(done, total, code)`
    is called after each series. Raises RefreshError naming the series, the database and the
    fault on any failure after `retries` retries spaced `backoff * 2**attempt` seconds apart.
    `deadline` (seconds) bounds the whole fetch: no request or back-off starts after it, and a
    request never waits longer than the time left (see `Budget`).
    """
    now = _utc_now(clock)
    last = min(now.year, LAST_YEAR) if last_year is None else last_year
    _check_arguments(requests_, first_year, last, timeout, retries, backoff, per_page, deadline)
    budget = Budget(deadline, timeout=timeout)
    last_updated: dict[int, str] = {}
    frames: list[pd.DataFrame] = []
    counts: dict[str, int] = {}
    names: dict[str, str] = {}
    if not _WBGAPI_LOCK.acquire(blocking=False):
        raise RefreshBusy(
            f"{API_ORIGIN}: another refresh is already fetching in this process; this one was "
            "not started (try again when it has finished)"
        )
    try:
        with _wbgapi_options(timeout=timeout, per_page=per_page, budget=budget) as options:
            policy = _RetryPolicy(
                retries=retries, backoff=backoff, sleep=sleep, budget=budget, options=options
            )
            for done, request in enumerate(requests_, start=1):
                what = f"series {request.code} (database {request.db})"
                if request.db not in last_updated:
                    last_updated[request.db] = _with_retries(
                        functools.partial(_last_updated, request.db),
                        what=f"{what}: last-updated date of database {request.db}",
                        policy=policy,
                    )
                frame = _with_retries(
                    functools.partial(_fetch_one, request, first_year=first_year, last_year=last),
                    what=what,
                    policy=policy,
                )
                names.update(zip(frame["economy"], frame.pop("economy_name"), strict=True))
                frames.append(
                    frame.assign(
                        source=source, vintage=last_updated[request.db], estimate=False, note=""
                    )
                )
                counts[request.code] = len(frame)
                if progress is not None:
                    progress(done, len(requests_), request.code)
            _confirm_vintages(last_updated, policy=policy)
    finally:
        _WBGAPI_LOCK.release()
    observations = concat_observations(frames)
    try:
        check_observations(observations, origin=API_ORIGIN)
    except SourceFormatError as exc:
        raise RefreshError(f"{API_ORIGIN}: fetched observations are inconsistent: {exc}") from exc
    return ApiFetch(
        observations=observations,
        fetched_at=now.isoformat(timespec="seconds").replace("+00:00", "Z"),
        last_updated=last_updated,
        counts=counts,
        names=names,
    )


def default_progress_bar() -> ProgressCallback:
    """A progress callback for the CLI: one tqdm bar on stderr, closed after the last series."""
    bar: tqdm | None = None

    def update(done: int, total: int, code: str) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, desc=API_ORIGIN, unit="series", file=sys.stderr)
        bar.set_postfix_str(code, refresh=False)
        bar.update(done - bar.n)
        if done >= total:
            bar.close()

    return update


@contextmanager
def _wbgapi_options(*, timeout: float, per_page: int, budget: Budget) -> Iterator[dict[str, Any]]:
    """Give wbgapi a timeout, a page size and the page checks, restoring its globals after.

    wbgapi copies `get_options` for every request, so the options dict yielded here is where
    the timeout of the next request is set (`_with_retries` and the budget hook do it). The
    saved `get_options` dict is put back as the same object, untouched: any options a caller
    set (proxies, headers, hooks) are kept during the fetch and survive it unchanged.
    """
    saved_options, saved_per_page = wbgapi.get_options, wbgapi.per_page
    hooks = dict(saved_options.get("hooks") or {})
    earlier = hooks.get("response") or []
    earlier = [earlier] if callable(earlier) else list(earlier)
    options: dict[str, Any] = {**saved_options, "timeout": timeout}

    def within_budget(response: requests.Response, *args: Any, **kwargs: Any) -> None:
        """After each page: stop if the deadline passed, else shorten the next timeout."""
        options["timeout"] = budget.request_timeout()

    hooks["response"] = [*earlier, _check_page, within_budget]
    options["hooks"] = hooks
    wbgapi.get_options = options
    wbgapi.per_page = per_page
    try:
        yield options
    finally:
        wbgapi.get_options, wbgapi.per_page = saved_options, saved_per_page


def _check_arguments(
    requests_: Sequence[ApiSeriesRequest],
    first_year: int,
    last_year: int,
    timeout: float,
    retries: int,
    backoff: float,
    per_page: int,
    deadline: float | None = None,
) -> None:
    """Reject calls that cannot be right before any request is sent."""
    if not requests_:
        raise ValueError("no series requested")
    codes = [r.code for r in requests_]
    if len(set(codes)) != len(codes):
        raise ValueError(
            f"series requested twice: {sorted({c for c in codes if codes.count(c) > 1})}"
        )
    if not FIRST_YEAR <= first_year <= last_year <= LAST_YEAR:
        raise ValueError(
            f"years {first_year}-{last_year} must be ordered and within {FIRST_YEAR}-{LAST_YEAR}"
        )
    finite = all(math.isfinite(x) for x in (timeout, backoff, deadline or 1.0))
    if not finite or timeout <= 0 or retries < 0 or backoff < 0 or per_page < 1:
        raise ValueError(
            "timeout and per_page must be positive, retries and backoff >= 0, all finite"
        )
    if deadline is not None and deadline <= 0:
        raise ValueError("the deadline must be a positive number of seconds")


def _utc_now(clock: Callable[[], datetime] | None) -> datetime:
    """The current time as an aware UTC datetime (naive clock values are taken as UTC)."""
    now = datetime.now(UTC) if clock is None else clock()
    return now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)


def _with_retries(action: Callable[[], T], *, what: str, policy: _RetryPolicy) -> T:
    """Run `action`, retrying transient failures; turn every failure into a RefreshError."""
    for attempt in range(policy.retries + 1):
        try:
            policy.options["timeout"] = policy.budget.request_timeout()
            capped = policy.options["timeout"] < policy.budget.timeout  # cut short by the deadline
            return action()
        except _OutOfTime as exc:
            raise DeadlineReached(f"{API_ORIGIN}: {what}: stopped ({exc})") from exc
        except (requests.exceptions.RequestException, wbgapi.APIError, _BadResponse) as exc:
            transient, problem = _describe_failure(exc)
            if not transient:
                raise RefreshError(f"{API_ORIGIN}: {what}: {problem}") from exc
            pause = policy.backoff * 2**attempt
            if attempt == policy.retries:
                raise RefreshError(
                    f"{API_ORIGIN}: {what}: {problem}; gave up after {attempt + 1} attempts"
                ) from exc
            if capped and _timed_out(exc):
                raise DeadlineReached(f"{API_ORIGIN}: {what}: {problem}") from exc
            if pause >= policy.budget.left():
                raise RefreshError(
                    f"{API_ORIGIN}: {what}: {problem}; gave up after {attempt + 1} attempts "
                    "(the refresh's deadline leaves no time for another)"
                ) from exc
            policy.sleep(pause)
    raise AssertionError("unreachable")  # pragma: no cover


def _timed_out(exc: Exception) -> bool:
    """Whether a request failed by waiting too long: a connect or read timeout, including one
    while the body was read (which requests reports as a ConnectionError)."""
    if isinstance(exc, requests.exceptions.Timeout):
        return True
    inner = exc.args[0] if exc.args else None
    return isinstance(inner, urllib3.exceptions.TimeoutError | TimeoutError)


def _describe_failure(exc: Exception) -> tuple[bool, str]:
    """Whether a failure is worth retrying, and what went wrong in words."""
    if _timed_out(exc):
        return True, f"request timed out ({exc})"
    if isinstance(
        exc, requests.exceptions.ConnectionError | requests.exceptions.ChunkedEncodingError
    ):
        return True, f"connection failed ({exc})"
    if isinstance(exc, wbgapi.APIResponseError):
        return False, f"malformed response: {exc.msg} ({exc.url})"
    if isinstance(exc, wbgapi.APIError):
        if exc.code is None:
            return False, f"response not understood: {exc.msg} ({exc.url})"
        status = int(exc.code)
        return status == 429 or status >= 500, f"HTTP {status} {exc.msg} ({exc.url})"
    if isinstance(exc, _BadResponse):
        return False, str(exc)
    return False, f"request failed ({type(exc).__name__}: {exc})"


def _guarded(action: Callable[[], T]) -> T:
    """Call into wbgapi, turning its parse errors on odd responses into _BadResponse."""
    try:
        return action()
    except (requests.exceptions.RequestException, wbgapi.APIError, _BadResponse):
        raise
    except _PARSE_ERRORS as exc:
        raise _BadResponse(_layout_problem(exc)) from exc


def _guarded_rows(rows: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Iterate wbgapi's row generator with the same error translation as `_guarded`."""
    iterator = iter(rows)
    while True:
        try:
            row = next(iterator)
        except StopIteration:
            return
        except (requests.exceptions.RequestException, wbgapi.APIError, _BadResponse):
            raise
        except _PARSE_ERRORS as exc:
            raise _BadResponse(_layout_problem(exc)) from exc
        yield row


def _layout_problem(exc: Exception) -> str:
    return f"response not in the expected layout ({type(exc).__name__}: {exc})"


def _last_updated(db: int) -> str:
    """The database's last-updated date (yyyy-mm-dd) from its `sources/{db}` record."""
    record = _guarded(functools.partial(wbgapi.source.get, db))
    if not isinstance(record, dict) or str(record.get("id")) != str(db):
        raise _BadResponse(f"no record for database {db} in the sources response")
    stamp = record.get("lastupdated")
    if not isinstance(stamp, str) or not _ISO_DATE.fullmatch(stamp):
        raise _BadResponse(f"last-updated date {stamp!r} is not yyyy-mm-dd")
    try:
        date.fromisoformat(stamp)
    except ValueError as exc:
        raise _BadResponse(f"last-updated date {stamp!r} is not a calendar date") from exc
    return stamp


def _confirm_vintages(last_updated: dict[int, str], *, policy: _RetryPolicy) -> None:
    """Fail if a database was updated while its series were being fetched."""
    for db, before in last_updated.items():
        after = _with_retries(
            functools.partial(_last_updated, db),
            what=f"last-updated date of database {db} (re-checked after the fetch)",
            policy=policy,
        )
        if after != before:
            raise RefreshError(
                f"{API_ORIGIN}: database {db} was updated during the refresh "
                f"(last-updated {before}, now {after}); run the refresh again"
            )


def _fetch_one(request: ApiSeriesRequest, *, first_year: int, last_year: int) -> pd.DataFrame:
    """All non-null observations of one series as economy, indicator, year, value."""
    periods = _guarded(functools.partial(wbgapi.time.periods, request.db))
    years = [y for y in range(first_year, last_year + 1) if str(y) in periods]
    if not years:
        raise _BadResponse(f"the database has no year between {first_year} and {last_year}")
    rows = wbgapi.data.fetch(request.code, economy="all", time=years, labels=True, db=request.db)
    seen: set[tuple[str, int]] = set()
    records: list[tuple[str, int, float, str]] = []
    for number, row in enumerate(_guarded_rows(rows), start=1):
        economy, year, value = _parse_row(row, code=request.code, years=years)
        if (economy, year) in seen:
            raise _BadResponse(f"row {number}: second value for {economy} {year}")
        seen.add((economy, year))
        if value is not None:
            name = _label(row.get("economy"), key="value")
            records.append((economy, year, value, bounded(name, NAME_LIMIT) if name else economy))
    if not records:
        raise _BadResponse(f"no observation between {first_year} and {last_year}")
    frame = pd.DataFrame(records, columns=["economy", "year", "value", "economy_name"])
    return frame.assign(indicator=request.code)


def _parse_row(
    row: dict[str, Any], *, code: str, years: Sequence[int]
) -> tuple[str, int, float | None]:
    """Check one wbgapi row (labels=True) and return (economy, year, value or None)."""
    where = f"row for {_label(row.get('economy'))} {_label(row.get('time'))}"
    economy = _label(row.get("economy"), key="id")
    if not isinstance(economy, str) or not _ECONOMY_ID.fullmatch(economy):
        raise _BadResponse(f"{where}: economy id {economy!r} is not a 3-character code")
    series = _label(row.get("series"), key="id")
    if not isinstance(series, str) or series.upper() != code.upper():
        raise _BadResponse(f"{where}: series id {series!r} is not {code}")
    year_text = _label(row.get("time"), key="value")
    if (
        not isinstance(year_text, str)
        or not _YEAR.fullmatch(year_text)
        or int(year_text) not in years
    ):
        raise _BadResponse(f"{where}: year {year_text!r} is not one of {years[0]}-{years[-1]}")
    value = row.get("value", "missing")
    if value is None:
        return economy, int(year_text), None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _BadResponse(f"{where}: value {value!r} is not a finite number")
    return economy, int(year_text), float(value)


def _label(element: object, *, key: str = "id") -> object:
    """The `key` of a wbgapi dimension element (a dict with id and value), else None."""
    return element.get(key) if isinstance(element, dict) else None


def _check_page(response: requests.Response, *args: Any, **kwargs: Any) -> None:
    """requests response hook: check one API page before wbgapi reads it.

    Non-200 pages are left to wbgapi, which raises APIError with the HTTP status.
    """
    if response.status_code != 200:
        return
    asked = parse_qs(urlsplit(response.request.url or "").query)
    page_asked = asked.get("page", [None])[0]
    where = f"page {page_asked or '?'} ({response.request.url})"
    try:
        payload = response.json()
    except ValueError as exc:
        raise _BadResponse(f"{where} is not valid JSON ({exc})") from exc
    header = _page_header(payload, where)
    if "message" in header:
        raise _BadResponse(f"{where}: the API answered with an error: {_messages(header)}")
    page, per_page, total = (_whole(header, name, where) for name in ("page", "per_page", "total"))
    if per_page < 1 or (page_asked is not None and str(page) != page_asked):
        raise _BadResponse(f"{where}: header says page {page}, per_page {per_page}")
    source = payload.get("source") if isinstance(payload, dict) else None
    if isinstance(source, dict):  # a data page of the advanced API
        data = source.get("data")
        expected = max(0, min(per_page, total - (page - 1) * per_page))
        if not isinstance(data, list) or len(data) != expected:
            found = len(data) if isinstance(data, list) else type(data).__name__
            raise _BadResponse(
                f"{where}: holds {found} rows where its header (total {total}, "
                f"per_page {per_page}) implies {expected}"
            )


def _page_header(payload: object, where: str) -> dict[str, Any]:
    """The paging header: the first element of a v2 list page, or the advanced API's dict."""
    if isinstance(payload, list) and payload and isinstance(payload[0], dict):
        return payload[0]
    if isinstance(payload, dict):
        return payload
    raise _BadResponse(f"{where}: JSON is neither a v2 list page nor a data page")


def _messages(header: dict[str, Any]) -> str:
    """The API's error messages, e.g. `120 Invalid value: The provided parameter ...`."""
    found = header.get("message")
    items = found if isinstance(found, list) else [found]
    parts = []
    for item in items:
        if isinstance(item, dict):
            parts.append(f"{item.get('id', '?')} {item.get('key', '?')}: {item.get('value', '')}")
        else:
            parts.append(repr(item))
    return "; ".join(parts)


def _whole(header: dict[str, Any], name: str, where: str) -> int:
    """A paging header field as a non-negative int (the API sends ints or digit strings)."""
    value = header.get(name)
    if isinstance(value, bool) or not (
        (isinstance(value, int) and value >= 0)
        or (isinstance(value, str) and value.isascii() and value.isdigit())
    ):
        raise _BadResponse(f"{where}: header field {name!r} is {value!r}, not a whole number")
    return int(value)
