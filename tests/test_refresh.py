"""The live refresh: replaces World Bank series atomically, keeps the previous snapshot, and
leaves the store untouched on any failure (stubbed API client or stubbed HTTP)."""

from __future__ import annotations

import functools
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fixtures import ECONOMIES, FIXTURE_VINTAGE, fixture_internet, fixture_population, rows
from test_snapshot import write
from wb_api_fake import (
    FIRST,
    FIXTURE_ECONOMIES,
    FIXTURE_TIME,
    LAST,
    FakeWorldBankApi,
    fixture_clock,
    fixture_last_updated,
)

from indicators.__main__ import main
from indicators.errors import RefreshError
from indicators.schema import concat_observations
from indicators.sources.wb_api import GENDER_DB, WDI_DB, ApiFetch, ApiSeriesRequest, fetch_series
from indicators.store.refresh import (
    DEADLINE,
    DEADLINE_ENV,
    RETRIES,
    TIMEOUT,
    deadline_setting,
    refresh_snapshot,
)
from indicators.store.snapshot import current_id, list_snapshots, load_snapshot

REFRESHED = [
    ApiSeriesRequest("IT.NET.USER.ZS"),
    ApiSeriesRequest("SP.POP.TOTL"),
    ApiSeriesRequest("SP.POP.TOTL.FE.ZS"),
]
API_VINTAGE = "fixture-api-vintage"


def fixture_fetch(revise_from: int = 2020, extra_year: int = 2025):
    """A stub API client: the fixture series, revised from `revise_from` and one year longer."""
    calls = []

    def fetch(requests_, *, source, progress=None, **_options) -> ApiFetch:
        calls.append([r.code for r in requests_])
        years = range(2000, extra_year + 1)

        def internet(c: str, y: int) -> float:
            return fixture_internet(c, min(y, 2024)) + (1.0 if y >= revise_from else 0.0)

        obs = concat_observations(
            [
                rows("IT.NET.USER.ZS", internet, years=years, source=source),
                rows("SP.POP.TOTL", fixture_population, years=years, source=source),
                rows("SP.POP.TOTL.FE.ZS", lambda c, y: 50.0, years=years, source=source),
            ]
        ).assign(vintage=API_VINTAGE)
        for i, req in enumerate(requests_):
            if progress:
                progress(i + 1, len(requests_), req.code)
        counts = obs.groupby("indicator").size().to_dict()
        return ApiFetch(
            observations=obs,
            fetched_at="2026-08-20T09:30:15Z",
            last_updated={2: API_VINTAGE},
            counts=counts,
        )

    fetch.calls = calls
    return fetch


def failing_fetch(*_args, **_kwargs) -> ApiFetch:
    raise RefreshError("series IT.NET.USER.ZS (db 2): HTTP 503 after 3 retries (simulated)")


def test_refresh_replaces_series_and_keeps_previous(tmp_path: Path) -> None:
    old = write(tmp_path)
    before = load_snapshot(store=tmp_path)
    result = refresh_snapshot(store=tmp_path, fetch=fixture_fetch(), requests_=REFRESHED)
    assert current_id(tmp_path) == result.snapshot_id != old.name
    assert old.name in list_snapshots(tmp_path)
    new = load_snapshot(store=tmp_path)
    users = new.wide("IT.NET.USER.ZS")
    assert users.loc["E01", 2025] == pytest.approx(fixture_internet("E01", 2024) + 1.0)
    assert users.loc["E03", 2010] == pytest.approx(fixture_internet("E03", 2010))
    # the published WLD row of the fixture is not returned by the stub API, so it is gone
    assert "WLD" not in users.index
    changes = result.changes.set_index("indicator")
    assert changes.at["IT.NET.USER.ZS", "revised"] == len(ECONOMIES) * (2024 - 2020 + 1)
    assert changes.at["IT.NET.USER.ZS", "added"] == len(ECONOMIES)  # year 2025
    assert changes.at["IT.NET.USER.ZS", "removed"] == len(range(2000, 2025))  # the WLD rows
    assert changes.at["IT.NET.USER.ZS", "latest_after"] == 2025
    # derived series are recomputed from the refreshed population
    female = new.wide("SP.POP.TOTL.FE.IN")
    assert female.loc["E02", 2025] == pytest.approx(fixture_population("E02", 2025) * 0.5)
    # other series are kept as they were
    pd.testing.assert_frame_equal(new.wide("i99H"), before.wide("i99H"))
    ids = {s.id for s in new.descriptor.sources}
    assert "wb_api_2026_08_20" in ids and "fixture_itu" in ids
    assert new.descriptor.previous_snapshot == old.name
    assert "values revised" in result.summary() and "latest year 2024 -> 2025" in result.summary()


def test_identical_refresh_is_a_no_op(tmp_path: Path) -> None:
    write(tmp_path)
    first = refresh_snapshot(store=tmp_path, fetch=fixture_fetch(), requests_=REFRESHED)
    second = refresh_snapshot(store=tmp_path, fetch=fixture_fetch(), requests_=REFRESHED)
    assert second.snapshot_id == first.snapshot_id
    assert "No change" in second.summary()
    assert (second.changes[["revised", "added", "removed"]].to_numpy() == 0).all()


@pytest.mark.parametrize("fetch", [failing_fetch], ids=["api-error"])
def test_failed_refresh_leaves_store_untouched(tmp_path: Path, fetch) -> None:
    old = write(tmp_path)
    listing = sorted(p.name for p in (tmp_path / "snapshots").iterdir())
    with pytest.raises(RefreshError, match="HTTP 503"):
        refresh_snapshot(store=tmp_path, fetch=fetch, requests_=REFRESHED)
    assert current_id(tmp_path) == old.name
    assert sorted(p.name for p in (tmp_path / "snapshots").iterdir()) == listing
    assert load_snapshot(store=tmp_path).id == old.name


def test_series_missing_from_the_api_is_refused(tmp_path: Path) -> None:
    old = write(tmp_path)
    requests_ = [*REFRESHED, ApiSeriesRequest("IT.NET.BBND.P2")]
    with pytest.raises(RefreshError, match=r"no values for IT.NET.BBND.P2"):
        refresh_snapshot(store=tmp_path, fetch=fixture_fetch(), requests_=requests_)
    assert current_id(tmp_path) == old.name


def test_refresh_through_stubbed_http(
    tmp_path: Path, fake_api: FakeWorldBankApi, sleeps: list[float]
) -> None:
    """The real API client over the stubbed HTTP boundary feeds the refresh end to end."""
    requests_ = [
        ApiSeriesRequest("IT.NET.USER.ZS", db=WDI_DB),
        ApiSeriesRequest("IT.NET.USER.FE.ZS", db=GENDER_DB),
    ]
    for req in requests_:
        fake_api.add_series(req)
    old = write(tmp_path)
    fetch = functools.partial(
        fetch_series, last_year=LAST, per_page=7, sleep=sleeps.append, clock=fixture_clock
    )
    result = refresh_snapshot(store=tmp_path, fetch=fetch, requests_=requests_, first_year=FIRST)
    new = load_snapshot(store=tmp_path)
    assert result.previous_id == old.name
    users = new.rows("IT.NET.USER.ZS")
    assert set(users["economy"].astype(str)) == {"USA", "KEN", "WLD"}
    assert set(users["vintage"].astype(str)) == {fixture_last_updated(WDI_DB)}
    female = new.rows("IT.NET.USER.FE.ZS")
    assert set(female["vintage"].astype(str)) == {fixture_last_updated(GENDER_DB)}
    assert all(t == 30.0 for t in fake_api.timeouts)


def test_http_failure_leaves_store_untouched(
    tmp_path: Path, fake_api: FakeWorldBankApi, sleeps: list[float]
) -> None:
    request = ApiSeriesRequest("IT.NET.USER.ZS", db=WDI_DB)
    path = fake_api.add_series(request)
    fake_api.fail_always(path, 502)
    old = write(tmp_path)
    fetch = functools.partial(
        fetch_series, last_year=LAST, per_page=7, sleep=sleeps.append, clock=fixture_clock
    )
    with pytest.raises(RefreshError):
        refresh_snapshot(
            store=tmp_path, fetch=fetch, requests_=[request], first_year=FIRST, retries=2
        )
    assert current_id(tmp_path) == old.name and list_snapshots(tmp_path) == [old.name]
    assert len(sleeps) == 2


def test_cli_reports_a_failed_refresh_without_traceback(
    tmp_path: Path, fake_api: FakeWorldBankApi, capsys
) -> None:
    """The first catalogue series fails with HTTP 503: a clear error, exit code 2, store as it was."""
    path = fake_api.add_series(
        ApiSeriesRequest("IT.NET.USER.ZS", db=WDI_DB), last=max(FIXTURE_TIME)
    )
    fake_api.fail_always(path, 503)
    old = write(tmp_path)
    code = main(["refresh", "--store", str(tmp_path), "--retries", "0", "--timeout", "5"])
    err = capsys.readouterr().err
    first, last = err.splitlines()[0], err.splitlines()[-1]
    assert "stops after 60 s" in first  # the deadline is shown before the refresh starts
    assert code == 2 and last.startswith("error: ") and "Traceback" not in err
    assert "IT.NET.USER.ZS" in last
    assert current_id(tmp_path) == old.name


def test_cli_info_and_verify(tmp_path: Path, capsys) -> None:
    old = write(tmp_path)
    assert main(["info", "--store", str(tmp_path)]) == 0
    assert old.name in capsys.readouterr().out
    assert main(["verify", "--store", str(tmp_path)]) == 0
    (old / "entities.parquet").write_bytes(b"broken")
    assert main(["verify", "--store", str(tmp_path)]) == 2
    assert "checksum" in capsys.readouterr().err


def test_fixture_values_are_finite() -> None:
    obs = fixture_fetch()([ApiSeriesRequest("IT.NET.USER.ZS")], source="s").observations
    assert np.isfinite(obs["value"]).all() and set(obs["vintage"]) == {API_VINTAGE}
    assert FIXTURE_VINTAGE != API_VINTAGE


def test_an_economy_new_to_the_snapshot_gets_its_entity_row(
    tmp_path: Path, fake_api: FakeWorldBankApi, sleeps: list[float]
) -> None:
    """The stub API returns USA and KEN, which the fixture snapshot does not describe: the new
    snapshot describes them, named as the API names them, so every observation has its entity."""
    request = ApiSeriesRequest("IT.NET.USER.ZS", db=WDI_DB)
    fake_api.add_series(request)
    write(tmp_path)
    fetch = functools.partial(
        fetch_series, last_year=LAST, per_page=7, sleep=sleeps.append, clock=fixture_clock
    )
    refresh_snapshot(store=tmp_path, fetch=fetch, requests_=[request], first_year=FIRST)
    entities = load_snapshot(store=tmp_path).entity_index
    names = {e.code: e.name for e in FIXTURE_ECONOMIES}
    for code in ("USA", "KEN"):
        assert entities.loc[code, "name"] == names[code]
        assert entities.loc[code, "kind"] == "economy"
        assert "World Bank API" in entities.loc[code, "description"]


def test_each_request_waits_at_most_the_time_left(
    tmp_path: Path, fake_api: FakeWorldBankApi, sleeps: list[float]
) -> None:
    """With a deadline shorter than the per-request timeout, no request is given more time than
    the refresh has left."""
    request = ApiSeriesRequest("IT.NET.USER.ZS", db=WDI_DB)
    fake_api.add_series(request)
    write(tmp_path)
    fetch = functools.partial(
        fetch_series, last_year=LAST, per_page=7, sleep=sleeps.append, clock=fixture_clock
    )
    refresh_snapshot(
        store=tmp_path, fetch=fetch, requests_=[request], first_year=FIRST, deadline=20.0
    )
    assert fake_api.timeouts and all(0 < t <= 20.0 for t in fake_api.timeouts)
    assert fake_api.timeouts == sorted(fake_api.timeouts, reverse=True)  # shrinking with time


def test_progress_is_reported_from_the_callers_thread(tmp_path: Path) -> None:
    """The fetch runs in a worker thread, but progress reaches the caller in its own thread
    (Streamlit draws only from the script's thread)."""
    write(tmp_path)
    threads: list[str] = []
    refresh_snapshot(
        store=tmp_path,
        fetch=fixture_fetch(),
        requests_=REFRESHED,
        progress=lambda *_: threads.append(threading.current_thread().name),
    )
    assert threads and set(threads) == {threading.current_thread().name}


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        (TIMEOUT, 0),
        (TIMEOUT, "inf"),
        (TIMEOUT, float("nan")),
        (TIMEOUT, 601),
        (DEADLINE, -1),
        (DEADLINE, "3601"),
        (RETRIES, -1),
        (RETRIES, 1.5),
        (RETRIES, True),
    ],
)
def test_settings_out_of_range_are_one_line_errors(setting, value, tmp_path: Path) -> None:
    old = write(tmp_path)
    with pytest.raises(RefreshError, match=f"^{setting.name} must be ") as caught:
        refresh_snapshot(
            store=tmp_path, fetch=fixture_fetch(), requests_=REFRESHED, **{setting.name: value}
        )
    assert "\n" not in str(caught.value) and current_id(tmp_path) == old.name


def test_the_deployment_deadline_setting() -> None:
    assert deadline_setting({}) == 60.0
    assert deadline_setting({DEADLINE_ENV: " 90 "}) == 90.0
    with pytest.raises(RefreshError, match=DEADLINE_ENV):
        deadline_setting({DEADLINE_ENV: "0"})
