"""Tests of indicators.wb_api against a World Bank API stubbed at the HTTP boundary (wb_api_fake).

`FakeWorldBankApi` answers every api.worldbank.org URL exactly as wbgapi requests it, paging by
the `page` and `per_page` the request asks for. Its JSON is built by code from the named fixture
below (two economies and one aggregate, values a formula of year); no data value is typed.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pandas as pd
import pytest
import requests
import wbgapi
from wb_api_fake import (
    BROADBAND,
    FIRST,
    FIXTURE_ECONOMIES,
    FIXTURE_TIME,
    INTERNET,
    INTERNET_FEMALE,
    LAST,
    FakeWorldBankApi,
    api_error_payload,
    expected_observations,
    fixture_clock,
    fixture_last_updated,
    fixture_value,
    run_fetch,
)

from indicators.errors import RefreshError
from indicators.schema import check_observations
from indicators.sources.wb_api import (
    GENDER_DB,
    WDI_DB,
    ApiFetch,
    ApiSeriesRequest,
    default_progress_bar,
)

BASE = "https://api.worldbank.org/v2/en"


# --- happy paths ---------------------------------------------------------------------------


def test_fetch_pages_through_series_and_keeps_aggregates(
    fake_api: FakeWorldBankApi, sleeps: list[float]
) -> None:
    request = ApiSeriesRequest(INTERNET)
    path = fake_api.add_series(request)

    result = run_fetch([request], sleeps)

    expected = expected_observations([request], source="wb_api_test")
    pd.testing.assert_frame_equal(
        result.observations.astype({"year": int}), expected.astype({"year": int})
    )
    check_observations(result.observations)
    assert fake_api.calls_to(path) == [1, 2, 3]  # 18 cells in pages of 7
    assert "WLD" in set(result.observations["economy"])  # the aggregate is kept
    assert result.counts == {INTERNET: len(expected)}
    assert result.last_updated == {WDI_DB: fixture_last_updated(WDI_DB)}
    assert result.fetched_at == fixture_clock().isoformat().replace("+00:00", "Z")
    assert sleeps == []


def test_null_values_are_dropped(fake_api: FakeWorldBankApi, sleeps: list[float]) -> None:
    request = ApiSeriesRequest(INTERNET)
    fake_api.add_series(request)

    result = run_fetch([request], sleeps)

    kept = set(
        zip(result.observations["economy"], result.observations["year"].astype(int), strict=True)
    )
    nulls = {
        (e.code, y)
        for i, e in enumerate(FIXTURE_ECONOMIES)
        for y in range(FIRST, LAST + 1)
        if fixture_value(INTERNET, i, y) is None
    }
    assert nulls, "the fixture must contain nulls for this test to mean anything"
    assert not kept & nulls
    assert len(kept) == len(FIXTURE_ECONOMIES) * (LAST - FIRST + 1) - len(nulls)


def test_gender_series_comes_from_database_14(
    fake_api: FakeWorldBankApi, sleeps: list[float]
) -> None:
    wdi, gender = ApiSeriesRequest(INTERNET), ApiSeriesRequest(INTERNET_FEMALE, db=GENDER_DB)
    fake_api.add_series(wdi)
    gender_path = fake_api.add_series(gender)

    result = run_fetch([wdi, gender], sleeps)

    assert fake_api.calls_to(gender_path) == [1, 2, 3]
    assert result.last_updated == {
        WDI_DB: fixture_last_updated(WDI_DB),
        GENDER_DB: fixture_last_updated(GENDER_DB),
    }
    vintages = result.observations.groupby("indicator")["vintage"].unique()
    assert list(vintages[INTERNET_FEMALE]) == [fixture_last_updated(GENDER_DB)]
    assert list(vintages[INTERNET]) == [fixture_last_updated(WDI_DB)]
    expected = expected_observations([wdi, gender], source="wb_api_test")
    assert len(result.observations) == len(expected)


def test_progress_is_reported_after_each_series(
    fake_api: FakeWorldBankApi, sleeps: list[float]
) -> None:
    series = [ApiSeriesRequest(INTERNET), ApiSeriesRequest(BROADBAND)]
    for request in series:
        fake_api.add_series(request)
    calls: list[tuple[int, int, str]] = []

    run_fetch(series, sleeps, progress=lambda *args: calls.append(args))

    assert calls == [(1, 2, INTERNET), (2, 2, BROADBAND)]


def test_years_are_narrowed_to_the_database_time_dimension(
    fake_api: FakeWorldBankApi, sleeps: list[float]
) -> None:
    # last_year defaults to the clock's year, past the fixture's last year; the stub's data URL
    # lists only the years the database knows, so any other request would go unanswered.
    request = ApiSeriesRequest(INTERNET)
    path = fake_api.add_series(request, first=FIRST, last=fixture_clock().year)

    result = run_fetch([request], sleeps, last_year=None)

    assert fake_api.calls_to(path)
    assert result.observations["year"].max() == max(FIXTURE_TIME)


def test_timeout_reaches_every_request(fake_api: FakeWorldBankApi, sleeps: list[float]) -> None:
    request = ApiSeriesRequest(INTERNET)
    fake_api.add_series(request)

    run_fetch([request], sleeps, timeout=7.5)

    assert len(fake_api.timeouts) >= 5
    assert set(fake_api.timeouts) == {7.5}


@pytest.mark.parametrize("outcome", ["success", "failure"])
def test_wbgapi_options_are_restored(
    fake_api: FakeWorldBankApi,
    sleeps: list[float],
    monkeypatch: pytest.MonkeyPatch,
    outcome: str,
) -> None:
    caller_options = {"headers": {"User-Agent": "wsis-test-agent"}}
    snapshot = copy.deepcopy(caller_options)
    monkeypatch.setattr(wbgapi, "get_options", caller_options)
    per_page_before = wbgapi.per_page
    request = ApiSeriesRequest(INTERNET)
    path = fake_api.add_series(request)
    if outcome == "failure":
        fake_api.fail_always(path, 503)

    if outcome == "failure":
        with pytest.raises(RefreshError):
            run_fetch([request], sleeps, timeout=4.0)
    else:
        run_fetch([request], sleeps, timeout=4.0)

    assert wbgapi.get_options is caller_options
    assert caller_options == snapshot
    assert wbgapi.per_page == per_page_before
    agents = {c.request.headers.get("User-Agent") for c in fake_api.rsps.calls}
    assert agents == {"wsis-test-agent"}  # the caller's options were honoured meanwhile
    assert set(fake_api.timeouts) == {4.0}


# --- retries -------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [500, 502, 429])
def test_transient_status_is_retried_then_succeeds(
    fake_api: FakeWorldBankApi, sleeps: list[float], status: int
) -> None:
    request = ApiSeriesRequest(INTERNET)
    path = fake_api.add_series(request)
    fake_api.fail(path, status, page=2)

    result = run_fetch([request], sleeps, backoff=0.25)

    assert fake_api.calls_to(path) == [1, 2, 1, 2, 3]  # the series restarts from page 1
    assert sleeps == [0.25]
    expected = expected_observations([request], source="wb_api_test")
    assert len(result.observations) == len(expected)


def test_persistent_server_error_gives_up_after_retries(
    fake_api: FakeWorldBankApi, sleeps: list[float]
) -> None:
    request = ApiSeriesRequest(INTERNET)
    path = fake_api.add_series(request)
    fake_api.fail_always(path, 503)

    with pytest.raises(RefreshError) as caught:
        run_fetch([request], sleeps, retries=3, backoff=1.5)

    message = str(caught.value)
    assert INTERNET in message and f"database {WDI_DB}" in message
    assert "HTTP 503" in message and "4 attempts" in message
    assert sleeps == [1.5, 3.0, 6.0]
    assert fake_api.calls_to(path) == [1, 1, 1, 1]


@pytest.mark.parametrize("status", [400, 404])
def test_client_error_fails_at_once(
    fake_api: FakeWorldBankApi, sleeps: list[float], status: int
) -> None:
    request = ApiSeriesRequest(INTERNET)
    path = fake_api.add_series(request)
    fake_api.fail(path, status)

    with pytest.raises(RefreshError, match=f"HTTP {status}"):
        run_fetch([request], sleeps)

    assert fake_api.calls_to(path) == [1]
    assert sleeps == []


def test_read_timeout_becomes_refresh_error(
    fake_api: FakeWorldBankApi, sleeps: list[float]
) -> None:
    request = ApiSeriesRequest(INTERNET)
    path = fake_api.add_series(request)
    fake_api.fail_always(path, requests.exceptions.ReadTimeout("read timed out (stub)"))

    with pytest.raises(RefreshError, match="timed out") as caught:
        run_fetch([request], sleeps, retries=2)

    assert INTERNET in str(caught.value)
    assert len(fake_api.calls_to(path)) == 3
    assert sleeps == [1.0, 2.0]


def test_refused_connection_becomes_refresh_error(
    fake_api: FakeWorldBankApi, sleeps: list[float]
) -> None:
    refused = requests.exceptions.ConnectionError("[Errno 111] Connection refused (stub)")
    fake_api.fail_always(f"sources/{WDI_DB}", refused)

    with pytest.raises(RefreshError, match="connection failed") as caught:
        run_fetch([ApiSeriesRequest(INTERNET)], sleeps, retries=1)

    assert f"database {WDI_DB}" in str(caught.value)
    assert fake_api.calls_to(f"sources/{WDI_DB}") == [1, 1]


def test_connection_error_then_success(fake_api: FakeWorldBankApi, sleeps: list[float]) -> None:
    request = ApiSeriesRequest(INTERNET)
    path = fake_api.add_series(request)
    fake_api.fail(path, requests.exceptions.ConnectionError("reset (stub)"), page=3)

    result = run_fetch([request], sleeps)

    assert fake_api.calls_to(path) == [1, 2, 3, 1, 2, 3]
    assert result.counts[INTERNET] == len(expected_observations([request], source="x"))


# --- malformed pages -----------------------------------------------------------------------


def truncated(payload: Any) -> str:
    text = json.dumps(payload)
    return text[: len(text) // 2]


def without_total(payload: dict[str, Any]) -> str:
    return json.dumps({k: v for k, v in payload.items() if k != "total"})


def without_source(payload: dict[str, Any]) -> str:
    return json.dumps({k: v for k, v in payload.items() if k != "source"})


def short_page(payload: dict[str, Any]) -> str:
    payload["source"]["data"] = payload["source"]["data"][:-1]
    return json.dumps(payload)


def without_variable(payload: dict[str, Any]) -> str:
    del payload["source"]["data"][0]["variable"]
    return json.dumps(payload)


def text_value(payload: dict[str, Any]) -> str:
    row = next(r for r in payload["source"]["data"] if r["value"] is not None)
    row["value"] = f"{row['value']} %"
    return json.dumps(payload)


def _time_of(payload: dict[str, Any]) -> dict[str, str]:
    return payload["source"]["data"][0]["variable"][2]


def non_numeric_year(payload: dict[str, Any]) -> str:
    _time_of(payload)["value"] = f"FY{_time_of(payload)['value']}"
    return json.dumps(payload)


def year_out_of_range(payload: dict[str, Any]) -> str:
    _time_of(payload)["value"] = str(int(_time_of(payload)["value"]) - 10)
    return json.dumps(payload)


def lower_case_economy(payload: dict[str, Any]) -> str:
    economy = payload["source"]["data"][0]["variable"][0]
    economy["id"] = economy["id"].lower()
    return json.dumps(payload)


def other_series(payload: dict[str, Any]) -> str:
    payload["source"]["data"][0]["variable"][1]["id"] = BROADBAND
    return json.dumps(payload)


def duplicate_cell(payload: dict[str, Any]) -> str:
    data = payload["source"]["data"]
    data[1] = copy.deepcopy(data[0])
    return json.dumps(payload)


def xml_instead_of_json(payload: dict[str, Any]) -> str:
    return '<?xml version="1.0" encoding="utf-8"?><wb:error xmlns:wb="http://www.worldbank.org"/>'


@pytest.mark.parametrize(
    ("mangle", "fragment"),
    [
        (truncated, "not valid JSON"),
        (xml_instead_of_json, "not valid JSON"),
        (without_total, "'total'"),
        (without_source, "Unrecognized response object format"),
        (short_page, "holds 6 rows"),
        (without_variable, "expected layout"),
        (text_value, "not a finite number"),
        (non_numeric_year, "year 'FY"),
        (year_out_of_range, "is not one of 2000-2005"),
        (lower_case_economy, "economy id"),
        (other_series, f"series id '{BROADBAND}'"),
        (duplicate_cell, "second value"),
    ],
)
def test_malformed_data_page_fails_without_retry(
    fake_api: FakeWorldBankApi,
    sleeps: list[float],
    mangle: Callable[[Any], str],
    fragment: str,
) -> None:
    request = ApiSeriesRequest(INTERNET)
    path = fake_api.add_series(request)
    fake_api.fail(path, mangle, page=2)

    with pytest.raises(RefreshError) as caught:
        run_fetch([request], sleeps)

    message = str(caught.value)
    assert fragment in message
    assert f"series {INTERNET} (database {WDI_DB})" in message
    assert fake_api.calls_to(path) == [1, 2]
    assert sleeps == []


def test_api_error_payload_becomes_refresh_error(
    fake_api: FakeWorldBankApi, sleeps: list[float]
) -> None:
    request = ApiSeriesRequest(INTERNET_FEMALE, db=GENDER_DB)
    path = fake_api.add_series(request)
    payload = api_error_payload("120", "Invalid value", "The provided parameter value is not valid")
    fake_api.fail(path, lambda _page: json.dumps(payload))

    with pytest.raises(RefreshError) as caught:
        run_fetch([request], sleeps)

    message = str(caught.value)
    assert "120 Invalid value" in message
    assert f"series {INTERNET_FEMALE} (database {GENDER_DB})" in message
    assert sleeps == []


def test_malformed_last_updated_date_is_refused(
    fake_api: FakeWorldBankApi, sleeps: list[float]
) -> None:
    fake_api.add_series(ApiSeriesRequest(INTERNET))

    def us_style_date(payload: list[Any]) -> str:
        stamp = date.fromisoformat(payload[1][0]["lastupdated"])
        payload[1][0]["lastupdated"] = f"{stamp.month}/{stamp.day}/{stamp.year}"
        return json.dumps(payload)

    fake_api.fail(f"sources/{WDI_DB}", us_style_date)

    with pytest.raises(RefreshError, match="not yyyy-mm-dd"):
        run_fetch([ApiSeriesRequest(INTERNET)], sleeps)


def test_release_published_mid_refresh_is_refused(
    fake_api: FakeWorldBankApi, sleeps: list[float]
) -> None:
    request = ApiSeriesRequest(INTERNET)
    fake_api.add_series(request)
    fake_api.publish_release(WDI_DB, 0, 1)  # first read: release 0; re-check: release 1

    with pytest.raises(RefreshError, match="updated during the refresh") as caught:
        run_fetch([request], sleeps)

    assert fixture_last_updated(WDI_DB, release=1) in str(caught.value)


def test_series_with_only_nulls_is_refused(fake_api: FakeWorldBankApi, sleeps: list[float]) -> None:
    request = ApiSeriesRequest(INTERNET)
    path = fake_api.add_series(request)

    def all_null(payload: dict[str, Any]) -> str:
        for row in payload["source"]["data"]:
            row["value"] = None
        return json.dumps(payload)

    fake_api.fail(path, all_null, all_null, all_null)

    with pytest.raises(RefreshError, match="no observation"):
        run_fetch([request], sleeps)


def test_failure_of_second_series_returns_nothing(
    fake_api: FakeWorldBankApi, sleeps: list[float]
) -> None:
    first, second = ApiSeriesRequest(INTERNET), ApiSeriesRequest(BROADBAND)
    first_path = fake_api.add_series(first)
    second_path = fake_api.add_series(second)
    fake_api.fail_always(second_path, 500)
    calls: list[tuple[int, int, str]] = []
    result: ApiFetch | None = None

    with pytest.raises(RefreshError, match=BROADBAND):
        result = run_fetch([first, second], sleeps, progress=lambda *a: calls.append(a))

    assert result is None
    assert fake_api.calls_to(first_path) == [1, 2, 3]  # the first series did arrive
    assert calls == [(1, 2, INTERNET)]


# --- arguments and the progress bar ----------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [
        {"first_year": 1999},
        {"first_year": 2010, "last_year": 2005},
        {"timeout": 0},
        {"retries": -1},
        {"per_page": 0},
    ],
)
def test_bad_arguments_are_rejected_before_any_request(
    fake_api: FakeWorldBankApi, sleeps: list[float], options: dict[str, Any]
) -> None:
    with pytest.raises(ValueError):
        run_fetch([ApiSeriesRequest(INTERNET)], sleeps, **options)
    assert len(fake_api.rsps.calls) == 0


def test_duplicate_and_empty_requests_are_rejected(sleeps: list[float]) -> None:
    with pytest.raises(ValueError, match="twice"):
        run_fetch([ApiSeriesRequest(INTERNET), ApiSeriesRequest(INTERNET, db=GENDER_DB)], sleeps)
    with pytest.raises(ValueError, match="no series"):
        run_fetch([], sleeps)


def test_default_progress_bar_writes_to_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    update = default_progress_bar()
    update(1, 2, INTERNET)
    update(2, 2, BROADBAND)

    captured = capsys.readouterr()
    assert captured.out == ""
    assert "2/2" in captured.err and BROADBAND in captured.err
