"""A World Bank API stubbed at the HTTP boundary, for the loader and refresh tests.

`FakeWorldBankApi` answers every api.worldbank.org URL exactly as wbgapi requests it, paging by
the `page` and `per_page` the request asks for. Its JSON is built by code from the named fixture
below (two economies and one aggregate, values a formula of year); no data value is typed.
"""

from __future__ import annotations

import json
import math
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest
import requests
import responses
import wbgapi

from indicators.schema import OBSERVATION_COLUMNS
from indicators.sources.wb_api import GENDER_DB, WDI_DB, ApiFetch, ApiSeriesRequest, fetch_series

BASE = "https://api.worldbank.org/v2/en"


# --- the named fixture ---------------------------------------------------------------------


@dataclass(frozen=True)
class FixtureEconomy:
    code: str
    iso2: str
    name: str
    region: str  # "NA" marks an aggregate in the API's country list
    aggregate: bool


FIXTURE_ECONOMIES = (
    # wbgapi's economy cache needs a USA row, so the fixture has one.
    FixtureEconomy("USA", "US", "United States", "NAC", aggregate=False),
    FixtureEconomy("KEN", "KE", "Kenya", "SSF", aggregate=False),
    FixtureEconomy("WLD", "1W", "World", "NA", aggregate=True),
)
FIXTURE_TIME = tuple(range(1995, 2007))  # the years each fixture database's time dimension has
FIRST, LAST = 2000, 2005  # the years the tests fetch
INTERNET = "IT.NET.USER.ZS"
INTERNET_FEMALE = "IT.NET.USER.FE.ZS"
BROADBAND = "IT.NET.BBND.P2"
PER_PAGE = 7  # 3 economies x 6 years = 18 rows -> pages of 7, 7 and 4


def fixture_value(code: str, economy_index: int, year: int) -> float | None:
    """The fixture's value: null on a diagonal pattern, else a formula of year and economy."""
    if (year + economy_index) % 5 == 0:
        return None
    return round(1.5 * (year - 1990) + 10 * economy_index + len(code) / 4, 4)


def fixture_last_updated(db: int, *, release: int = 0) -> str:
    """A distinct last-updated date per database (and per later release)."""
    return (date(2026, 7, 1) + timedelta(days=db + 30 * release)).isoformat()


def fixture_clock() -> datetime:
    return datetime(2026, 8, 20, 9, 30, 15, tzinfo=UTC)


def expected_observations(
    requests_: list[ApiSeriesRequest], *, source: str, first: int = FIRST, last: int = LAST
) -> pd.DataFrame:
    """The observation table the loader should return for the fixture, built independently."""
    rows = [
        {
            "economy": economy.code,
            "indicator": request.code,
            "year": year,
            "value": fixture_value(request.code, index, year),
            "source": source,
            "vintage": fixture_last_updated(request.db),
            "estimate": False,
            "note": "",
        }
        for request in requests_
        for index, economy in enumerate(FIXTURE_ECONOMIES)
        for year in range(first, last + 1)
        if year in FIXTURE_TIME and fixture_value(request.code, index, year) is not None
    ]
    frame = pd.DataFrame(rows, columns=list(OBSERVATION_COLUMNS))
    return frame.sort_values(["economy", "indicator", "year"], ignore_index=True)


# --- JSON pages as the API sends them --------------------------------------------------------


def v2_list_page(rows: list[Any], *, page: int, per_page: int, total: int) -> list[Any]:
    """A page of the v2 API (`[header, rows]`), per_page as a string like the live API."""
    header = {"page": page, "pages": pages_for(total, per_page), "per_page": str(per_page)}
    return [{**header, "total": total}, rows]


def concept_page(db: int, concepts: list[dict[str, Any]], **paging: int) -> dict[str, Any]:
    """A metadata page of the advanced API (concepts or a concept's variables)."""
    return {
        **_paging(**paging),
        "source": [{"id": str(db), "name": f"db {db}", "concept": concepts}],
    }


def data_page(db: int, rows: list[dict[str, Any]], **paging: int) -> dict[str, Any]:
    """A data page of the advanced API."""
    header = {**_paging(**paging), "lastupdated": fixture_last_updated(db)}
    return {**header, "source": {"id": str(db), "name": f"db {db}", "data": rows}}


def api_error_payload(message_id: str, key: str, value: str) -> list[dict[str, Any]]:
    return [{"message": [{"id": message_id, "key": key, "value": value}]}]


def _paging(*, page: int, per_page: int, total: int) -> dict[str, int]:
    return {"page": page, "pages": pages_for(total, per_page), "per_page": per_page, "total": total}


def pages_for(total: int, per_page: int) -> int:
    return max(1, math.ceil(total / per_page))


def data_rows(code: str, years: list[int]) -> list[dict[str, Any]]:
    """Every (economy, year) cell of a series, nulls included, as the API lists them."""
    return [
        {
            "variable": [
                {"concept": "Country", "id": economy.code, "value": economy.name},
                {"concept": "Series", "id": code, "value": f"fixture series {code}"},
                {"concept": "Time", "id": f"YR{year}", "value": str(year)},
            ],
            "value": fixture_value(code, index, year),
        }
        for index, economy in enumerate(FIXTURE_ECONOMIES)
        for year in years
    ]


def country_rows() -> list[dict[str, Any]]:
    """The v2 `country/all` records wbgapi reads to learn which economies are aggregates."""

    def ref(code: str) -> dict[str, str]:
        return {"id": code, "iso2code": "", "value": code}

    return [
        {
            "id": e.code,
            "iso2Code": e.iso2,
            "name": e.name,
            "region": ref(e.region),
            "adminregion": ref(""),
            "incomeLevel": ref("" if e.aggregate else "NA"),
            "lendingType": ref("" if e.aggregate else "LNX"),
            "capitalCity": "",
            "longitude": "",
            "latitude": "",
        }
        for e in FIXTURE_ECONOMIES
    ]


def region_rows() -> list[dict[str, str]]:
    regions = sorted({e.region for e in FIXTURE_ECONOMIES if not e.aggregate})
    return [{"id": "", "code": r, "iso2code": "", "name": f"region {r}"} for r in regions]


# --- the stubbed API -------------------------------------------------------------------------

Fault = int | Exception | Callable[[Any], str]  # HTTP status, raised error, or body mangler


@dataclass
class Endpoint:
    """One stubbed URL: builds page N from the request's query; faults are served first."""

    render: Callable[[int, int], Any]  # (page, per_page) -> JSON object
    faults: deque[tuple[int | None, Fault]] = field(default_factory=deque)
    always: Fault | None = None
    pages_served: list[int] = field(default_factory=list)


class FakeWorldBankApi:
    """The api.worldbank.org endpoints wbgapi calls, for the fixture databases and series."""

    def __init__(self, rsps: responses.RequestsMock) -> None:
        self.rsps = rsps
        self.endpoints: dict[str, Endpoint] = {}
        self.timeouts: list[object] = []
        self.releases: dict[int, deque[int]] = {}
        for path, rows in (
            ("region", region_rows()),
            ("incomelevel", []),
            ("lendingtype", []),
            ("country/all", country_rows()),
        ):
            self._add(path, self._v2_list(rows))

    def add_database(self, db: int) -> None:
        self.releases[db] = deque()
        self._add(f"sources/{db}", self._source_record(db))
        concepts = [{"id": c, "value": c} for c in ("Country", "Series", "Time")]
        self._add(f"sources/{db}/concepts", self._concepts(db, concepts))
        times = [{"id": f"YR{y}", "value": str(y)} for y in FIXTURE_TIME]
        self._add(f"sources/{db}/time/all", self._variables(db, "Time", times))

    def add_series(self, request: ApiSeriesRequest, *, first: int = FIRST, last: int = LAST) -> str:
        """Stub the data URL of a series; returns its path (the key for faults)."""
        years = [y for y in range(first, last + 1) if y in FIXTURE_TIME]
        time_key = ";".join(f"YR{y}" for y in years)
        path = f"sources/{request.db}/series/{request.code}/country/all/time/{time_key}"
        rows = data_rows(request.code, years)

        def render(page: int, per_page: int) -> Any:
            chunk = rows[(page - 1) * per_page : page * per_page]
            return data_page(request.db, chunk, page=page, per_page=per_page, total=len(rows))

        self._add(path, render)
        return path

    def fail(self, path: str, *faults: Fault, page: int | None = None) -> None:
        """Serve `faults` on the next calls (to `page` only, if given), then the real page."""
        self.endpoints[path].faults.extend((page, f) for f in faults)

    def fail_always(self, path: str, fault: Fault) -> None:
        self.endpoints[path].always = fault

    def publish_release(self, db: int, *releases: int) -> None:
        """Make later reads of the database record report these release numbers."""
        self.releases[db].extend(releases)

    def calls_to(self, path: str) -> list[int]:
        return self.endpoints[path].pages_served

    # rendering helpers ---------------------------------------------------------------------

    def _v2_list(self, rows: list[Any]) -> Callable[[int, int], Any]:
        def render(page: int, per_page: int) -> Any:
            chunk = rows[(page - 1) * per_page : page * per_page]
            return v2_list_page(chunk, page=page, per_page=per_page, total=len(rows))

        return render

    def _source_record(self, db: int) -> Callable[[int, int], Any]:
        def render(page: int, per_page: int) -> Any:
            release = self.releases[db].popleft() if self.releases[db] else 0
            record = {"id": str(db), "name": f"db {db}", "code": f"D{db}", "concepts": "3"}
            record["lastupdated"] = fixture_last_updated(db, release=release)
            return v2_list_page([record], page=page, per_page=per_page, total=1)

        return render

    def _concepts(self, db: int, concepts: list[dict[str, Any]]) -> Callable[[int, int], Any]:
        def render(page: int, per_page: int) -> Any:
            chunk = concepts[(page - 1) * per_page : page * per_page]
            return concept_page(db, chunk, page=page, per_page=per_page, total=len(concepts))

        return render

    def _variables(
        self, db: int, concept: str, variables: list[dict[str, str]]
    ) -> Callable[[int, int], Any]:
        def render(page: int, per_page: int) -> Any:
            chunk = variables[(page - 1) * per_page : page * per_page]
            concepts = [{"id": concept, "variable": chunk}]
            return concept_page(db, concepts, page=page, per_page=per_page, total=len(variables))

        return render

    def _add(self, path: str, render: Callable[[int, int], Any]) -> None:
        endpoint = Endpoint(render=render)
        self.endpoints[path] = endpoint
        self.rsps.add_callback(
            responses.GET,
            f"{BASE}/{path}",
            callback=lambda request: self._serve(endpoint, request),
            content_type="application/json",
        )

    def _serve(self, endpoint: Endpoint, request: requests.PreparedRequest) -> Any:
        query = {k: v[0] for k, v in parse_qs(urlsplit(request.url).query).items()}
        assert query["format"] == "json", request.url
        page, per_page = int(query["page"]), int(query["per_page"])
        self.timeouts.append(request.req_kwargs.get("timeout"))  # type: ignore[attr-defined]
        endpoint.pages_served.append(page)
        fault = endpoint.always
        if fault is None and endpoint.faults and endpoint.faults[0][0] in (None, page):
            fault = endpoint.faults.popleft()[1]
        if isinstance(fault, Exception):
            raise fault
        if isinstance(fault, int):
            return (fault, {}, json.dumps({"status": fault}))
        payload = endpoint.render(page, per_page)
        body = fault(payload) if fault is not None else json.dumps(payload)
        return (200, {}, body)


@pytest.fixture
def fresh_wbgapi_caches(monkeypatch: pytest.MonkeyPatch) -> None:
    """wbgapi caches concepts, years and economies per process; start each test empty."""
    monkeypatch.setattr(wbgapi.source, "_concepts", {})
    monkeypatch.setattr(wbgapi.time, "_time_values", {})
    monkeypatch.setattr(wbgapi.economy, "_localized_metadata", {})
    monkeypatch.setattr(wbgapi.economy, "_class_data", None)
    monkeypatch.setattr(wbgapi.economy, "_aggs", None)
    monkeypatch.setattr(wbgapi.economy, "_iso2Codes", {})


@pytest.fixture
def fake_api(fresh_wbgapi_caches: None) -> Iterator[FakeWorldBankApi]:
    """The stubbed API with the WDI and Gender Statistics databases; no real request escapes."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        api = FakeWorldBankApi(rsps)
        api.add_database(WDI_DB)
        api.add_database(GENDER_DB)
        yield api
        unmatched = [
            c.request.url for c in rsps.calls if "match any registered mock" in str(c.response)
        ]
        assert not unmatched, f"requests no stub answers: {unmatched}"


@pytest.fixture
def sleeps() -> list[float]:
    return []


def run_fetch(requests_: list[ApiSeriesRequest], sleeps: list[float], **options: Any) -> ApiFetch:
    """fetch_series with the fixture years, page size, clock and a sleep that only records."""
    settings: dict[str, Any] = {
        "source": "wb_api_test",
        "first_year": FIRST,
        "last_year": LAST,
        "per_page": PER_PAGE,
        "sleep": sleeps.append,
        "clock": fixture_clock,
    }
    return fetch_series(requests_, **{**settings, **options})
