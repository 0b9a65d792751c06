"""Fault injection: the live refresh, the snapshot store and the app.

Every fault is injected at a boundary the product does not control (the HTTP layer below
wbgapi, a socket, a killed process, a damaged file) and every test checks the same promises:
the bundled snapshot in data/ is byte-for-byte untouched, the previous snapshot of the store
stays current and loadable, no temporary folder shows up as a snapshot, and the message says
what failed (series, database, HTTP status, file) and, where a person must act, what to do.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import wbgapi
from streamlit.testing.v1 import AppTest
from test_snapshot import fixture_tables, write
from wb_api_fake import (
    FIRST,
    LAST,
    PER_PAGE,
    FakeWorldBankApi,
    api_error_payload,
    fixture_clock,
)

from indicators.errors import RefreshError, SnapshotError
from indicators.sources.wb_api import GENDER_DB, WDI_DB, ApiSeriesRequest, fetch_series
from indicators.store.refresh import refresh_snapshot
from indicators.store.snapshot import (
    current_id,
    list_snapshots,
    load_snapshot,
    write_snapshot,
)

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "data"
RETRIES = 2
REQUESTS = [
    ApiSeriesRequest("IT.NET.USER.ZS", db=WDI_DB),
    ApiSeriesRequest("IT.NET.USER.FE.ZS", db=GENDER_DB),
]
FAILING = REQUESTS[1]  # faults hit the second series, after the first one was fetched fine
ADVICE = ("rebuild", "restore", "build one", "WSIS_STORE", "indicators use", "roll back")


# --- shared checks ---------------------------------------------------------------------------


def tree_digest(folder: Path) -> dict[str, str]:
    """sha256 of every file below `folder` (the advisory .lock file excepted)."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


@pytest.fixture
def bundled_untouched() -> Iterator[None]:
    """Fail the test if anything in the bundled store data/ changed while it ran."""
    before = tree_digest(BUNDLED)
    assert before, "the bundled snapshot is missing"
    yield
    assert tree_digest(BUNDLED) == before, "the bundled snapshot in data/ was modified"


@pytest.fixture
def fixture_store(tmp_path: Path) -> tuple[Path, str]:
    """A temporary store holding one snapshot (the fixture tables); returns (root, id)."""
    root = tmp_path / "store"
    return root, write(root).name


def assert_previous_intact(root: Path, previous: str, *, leftovers_allowed: bool = False) -> None:
    """The previous snapshot is current, verifies and is the only one listed."""
    assert current_id(root) == previous
    assert list_snapshots(root) == [previous]
    assert load_snapshot(store=root).id == previous
    temps = [p.name for p in (root / "snapshots").iterdir() if p.name.startswith(".tmp-")]
    if not leftovers_allowed:
        assert temps == [], f"temporary folders left behind: {temps}"


def stubbed_refresh(root: Path, sleeps: list[float], **options: Any):
    """refresh_snapshot through the real API client over the stubbed HTTP boundary."""
    fetch = functools.partial(
        fetch_series, last_year=LAST, per_page=PER_PAGE, sleep=sleeps.append, clock=fixture_clock
    )
    settings = {"requests_": REQUESTS, "first_year": FIRST, "retries": RETRIES}
    return refresh_snapshot(store=root, fetch=fetch, **{**settings, **options})


# --- faults at the HTTP boundary (stubbed API) ------------------------------------------------

Fault = Any  # what FakeWorldBankApi.fail accepts: an HTTP status, an exception or a body mangler


def _truncate(payload: Any) -> str:
    text = json.dumps(payload)
    return text[: len(text) // 2]


def _drop_a_row(payload: Any) -> str:
    data = payload["source"]["data"]
    return json.dumps({**payload, "source": {**payload["source"], "data": data[:-1]}})


def _value_as_text(payload: Any) -> str:
    rows = [
        {**r, "value": None if r["value"] is None else str(r["value"])}
        for r in payload["source"]["data"]
    ]
    return json.dumps({**payload, "source": {**payload["source"], "data": rows}})


def _bad_economy(payload: Any) -> str:
    rows = payload["source"]["data"]
    first = {
        **rows[0],
        "variable": [{**rows[0]["variable"][0], "id": "K"}, *rows[0]["variable"][1:]],
    }
    return json.dumps({**payload, "source": {**payload["source"], "data": [first, *rows[1:]]}})


def _no_variables(payload: Any) -> str:
    rows = [{"value": r["value"]} for r in payload["source"]["data"]]
    return json.dumps({**payload, "source": {**payload["source"], "data": rows}})


def _paging_not_numbers(payload: Any) -> str:
    return json.dumps({**payload, "total": "many"})


TRANSIENT: dict[str, tuple[Fault, str]] = {
    "connection refused": (
        requests.exceptions.ConnectionError("[Errno 111] Connection refused (injected)"),
        "connection failed",
    ),
    "connection dropped mid-page": (
        requests.exceptions.ChunkedEncodingError("Connection broken: IncompleteRead (injected)"),
        "connection failed",
    ),
    "connect timeout": (
        requests.exceptions.ConnectTimeout("connect timed out (injected)"),
        "timed out",
    ),
    "read timeout": (requests.exceptions.ReadTimeout("read timed out (injected)"), "timed out"),
    "HTTP 429": (429, "HTTP 429"),
    "HTTP 500": (500, "HTTP 500"),
    "HTTP 502": (502, "HTTP 502"),
    "HTTP 503": (503, "HTTP 503"),
}
PERMANENT: dict[str, tuple[Fault, str]] = {
    "truncated JSON page": (_truncate, "not valid JSON"),
    "HTML page with status 200": (
        lambda _p: "<html><body>Service unavailable</body></html>",
        "not valid JSON",
    ),
    "empty body": (lambda _p: "", "not valid JSON"),
    "JSON list instead of a page": (lambda _p: "[]", "neither a v2 list page nor a data page"),
    "page with a row missing": (_drop_a_row, "rows where its header"),
    "paging header not numbers": (_paging_not_numbers, "not a whole number"),
    "value sent as text": (_value_as_text, "not a finite number"),
    "economy id not a code": (_bad_economy, "not a 3-character code"),
    "rows without dimensions": (_no_variables, "expected layout"),
    "API error payload": (
        lambda _p: json.dumps(
            api_error_payload("120", "Invalid value", "The provided parameter value is not valid")
        ),
        "the API answered with an error: 120 Invalid value",
    ),
}


@pytest.mark.parametrize("case", sorted(TRANSIENT))
def test_transient_fault_persisting_past_retries(
    case: str,
    fixture_store: tuple[Path, str],
    fake_api: FakeWorldBankApi,
    sleeps: list[float],
    bundled_untouched: None,
) -> None:
    """Served on page 2 of the second series at every attempt: retried, then a clear error."""
    fault, words = TRANSIENT[case]
    root, previous = fixture_store
    paths = {r.code: fake_api.add_series(r) for r in REQUESTS}
    fake_api.fail(paths[FAILING.code], *[fault] * (RETRIES + 1), page=2)
    with pytest.raises(RefreshError) as caught:
        stubbed_refresh(root, sleeps)
    message = str(caught.value)
    assert words in message
    assert f"series {FAILING.code} (database {FAILING.db})" in message
    assert f"gave up after {RETRIES + 1} attempts" in message
    assert len(sleeps) == RETRIES  # backed off between attempts, not after the last one
    assert fake_api.calls_to(paths[FAILING.code]).count(2) == RETRIES + 1
    assert_previous_intact(root, previous)


@pytest.mark.parametrize("case", sorted(TRANSIENT))
def test_transient_fault_that_clears_is_survived(
    case: str,
    fixture_store: tuple[Path, str],
    fake_api: FakeWorldBankApi,
    sleeps: list[float],
    bundled_untouched: None,
) -> None:
    """The same faults served fewer times than the retries allow: the refresh succeeds."""
    fault, _ = TRANSIENT[case]
    root, previous = fixture_store
    paths = {r.code: fake_api.add_series(r) for r in REQUESTS}
    fake_api.fail(paths[FAILING.code], *[fault] * RETRIES, page=2)
    result = stubbed_refresh(root, sleeps)
    assert result.previous_id == previous and current_id(root) == result.snapshot_id != previous
    assert sorted(list_snapshots(root)) == sorted([previous, result.snapshot_id])
    assert load_snapshot(store=root).rows(FAILING.code)["economy"].nunique() == 3
    assert len(sleeps) == RETRIES


@pytest.mark.parametrize("case", sorted(PERMANENT))
def test_malformed_page_fails_at_once(
    case: str,
    fixture_store: tuple[Path, str],
    fake_api: FakeWorldBankApi,
    sleeps: list[float],
    bundled_untouched: None,
) -> None:
    """A malformed page is not retried (the API would send it again) and names the page."""
    mangle, words = PERMANENT[case]
    root, previous = fixture_store
    paths = {r.code: fake_api.add_series(r) for r in REQUESTS}
    fake_api.fail(paths[FAILING.code], mangle, page=2)
    with pytest.raises(RefreshError) as caught:
        stubbed_refresh(root, sleeps)
    message = str(caught.value)
    assert words in message
    assert f"series {FAILING.code} (database {FAILING.db})" in message
    assert sleeps == []
    assert_previous_intact(root, previous)


def test_database_record_without_date(
    fixture_store: tuple[Path, str],
    fake_api: FakeWorldBankApi,
    sleeps: list[float],
    bundled_untouched: None,
) -> None:
    root, previous = fixture_store
    for r in REQUESTS:
        fake_api.add_series(r)

    def undated(payload: Any) -> str:
        header, records = payload
        return json.dumps([header, [{k: v for k, v in records[0].items() if k != "lastupdated"}]])

    fake_api.fail(f"sources/{GENDER_DB}", undated)
    with pytest.raises(RefreshError, match=rf"database {GENDER_DB}.*last-updated date None"):
        stubbed_refresh(root, sleeps)
    assert_previous_intact(root, previous)


def test_release_published_mid_refresh(
    fixture_store: tuple[Path, str],
    fake_api: FakeWorldBankApi,
    sleeps: list[float],
    bundled_untouched: None,
) -> None:
    """The database's date changes between the first and the confirming read: refused."""
    root, previous = fixture_store
    for r in REQUESTS:
        fake_api.add_series(r)
    fake_api.publish_release(WDI_DB, 0, 1)
    with pytest.raises(RefreshError, match=rf"database {WDI_DB} was updated during the refresh"):
        stubbed_refresh(root, sleeps)
    assert_previous_intact(root, previous)


# --- faults on real sockets -------------------------------------------------------------------


@pytest.fixture
def local_endpoint(fresh_wbgapi_caches: None, monkeypatch: pytest.MonkeyPatch):
    """Point wbgapi at a local port (direct, whatever proxy the environment sets)."""
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    return lambda port: monkeypatch.setattr(wbgapi, "endpoint", f"http://127.0.0.1:{port}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_real_connection_refused(
    fixture_store: tuple[Path, str],
    local_endpoint: Callable[[int], None],
    sleeps: list[float],
    bundled_untouched: None,
) -> None:
    """Nothing listens on the port: the OS refuses the connection."""
    root, previous = fixture_store
    local_endpoint(_free_port())
    with pytest.raises(RefreshError) as caught:
        stubbed_refresh(root, sleeps, retries=1, timeout=5.0)
    message = str(caught.value)
    assert "connection failed" in message and "Connection refused" in message
    assert f"series {REQUESTS[0].code} (database {REQUESTS[0].db})" in message
    assert len(sleeps) == 1
    assert_previous_intact(root, previous)


def test_real_read_timeout(
    fixture_store: tuple[Path, str],
    local_endpoint: Callable[[int], None],
    sleeps: list[float],
    bundled_untouched: None,
) -> None:
    """A server that accepts the connection and never answers: the timeout fires."""
    root, previous = fixture_store
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)  # connections complete in the backlog; nobody ever reads them
        local_endpoint(server.getsockname()[1])
        start = time.monotonic()
        with pytest.raises(RefreshError) as caught:
            stubbed_refresh(root, sleeps, retries=1, timeout=0.5)
        elapsed = time.monotonic() - start
    assert "request timed out" in str(caught.value) and "gave up after 2 attempts" in str(
        caught.value
    )
    assert elapsed < 30  # two 0.5 s attempts, not the 30 s default
    assert_previous_intact(root, previous)


def test_refresh_refuses_to_start_from_a_broken_snapshot(
    fixture_store: tuple[Path, str], bundled_untouched: None
) -> None:
    """A corrupt current snapshot stops the refresh before any request is sent."""
    root, previous = fixture_store
    table = root / "snapshots" / previous / "entities.parquet"
    table.write_bytes(table.read_bytes()[:64])
    calls: list[object] = []
    with pytest.raises(SnapshotError, match="checksum"):
        refresh_snapshot(store=root, fetch=lambda *a, **k: calls.append(a), requests_=REQUESTS)
    assert calls == [] and current_id(root) == previous


# --- a refresh process killed halfway ---------------------------------------------------------

# The child refreshes the store through the stubbed API and, at the chosen point, writes the
# marker file and hangs until it is killed.
CHILD = r"""
import functools, sys, time
from pathlib import Path
import responses
from wb_api_fake import FakeWorldBankApi, LAST, FIRST, PER_PAGE, fixture_clock
from indicators.store import snapshot
from indicators.store.refresh import refresh_snapshot
from indicators.sources.wb_api import GENDER_DB, WDI_DB, ApiSeriesRequest, fetch_series

store, point, marker = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
REQUESTS = [ApiSeriesRequest("IT.NET.USER.ZS", db=WDI_DB),
            ApiSeriesRequest("IT.NET.USER.FE.ZS", db=GENDER_DB)]

def hang(*_args, **_kwargs):
    marker.write_text(point)
    time.sleep(600)

def after(name, count):
    real, calls = getattr(snapshot, name), []
    def wrapped(*args, **kwargs):
        calls.append(1)
        if len(calls) == count:
            result = real(*args, **kwargs) if name == "write_table" else None
            hang()
            return result
        return real(*args, **kwargs)
    setattr(snapshot, name, wrapped)

with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
    api = FakeWorldBankApi(rsps)
    api.add_database(WDI_DB)
    api.add_database(GENDER_DB)
    paths = [api.add_series(r) for r in REQUESTS]
    if point == "fetch":
        api.fail(paths[1], hang, page=2)
    elif point == "table":
        after("write_table", 2)
    elif point == "rename":
        after("_fsync_dir", 1)
    elif point == "current":
        after("_replace_text", 1)
    fetch = functools.partial(fetch_series, last_year=LAST, per_page=PER_PAGE,
                              sleep=lambda s: None, clock=fixture_clock)
    refresh_snapshot(store=store, fetch=fetch, requests_=REQUESTS, first_year=FIRST)
marker.write_text("finished")
"""


def child_env() -> dict[str, str]:
    paths = [str(ROOT), str(ROOT / "tests"), os.environ.get("PYTHONPATH", "")]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}


def run_until_marker(args: list[str], marker: Path, *, timeout: float = 90) -> subprocess.Popen:
    """Start the child and wait until it writes the marker (it then hangs)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, *args],
        cwd=ROOT,
        env=child_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + timeout
    while not marker.exists():
        if proc.poll() is not None:
            raise AssertionError(f"child ended before the kill point: {proc.stderr.read()[-2000:]}")
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError("child never reached the kill point")
        time.sleep(0.05)
    return proc


# kill point -> (temporary folders left when the kill lands, new snapshot renamed into place)
KILL_POINTS = {
    "fetch": (0, False),  # hanging on page 2 of the second series: nothing written yet
    "table": (1, False),  # two of the four tables written into the temporary folder
    "rename": (1, False),  # temporary folder complete, about to be renamed into place
    "current": (0, True),  # renamed into place, CURRENT not yet switched
}


@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_refresh_killed_halfway(
    point: str, fixture_store: tuple[Path, str], tmp_path: Path, bundled_untouched: None
) -> None:
    root, previous = fixture_store
    marker = tmp_path / "reached"
    proc = run_until_marker([str(root), point, str(marker)], marker)
    assert marker.read_text() == point
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()
    proc.stderr.close()
    assert current_id(root) == previous
    assert load_snapshot(store=root).id == previous
    temps, renamed = KILL_POINTS[point]
    assert len([p for p in (root / "snapshots").iterdir() if p.name.startswith(".tmp-")]) == temps
    listed = list_snapshots(root)
    assert not [s for s in listed if s.startswith(".")]
    if renamed:  # renamed into place but never made current: complete and verified
        (new,) = set(listed) - {previous}
        assert load_snapshot(store=root, snapshot_id=new).descriptor.previous_snapshot == previous
    else:
        assert listed == [previous]
    # the lock died with the process: the next refresh runs and completes
    retry = run_until_marker([str(root), "none", str(marker)], marker)
    assert retry.wait(timeout=60) == 0, retry.stderr.read()
    retry.stdout.close()
    retry.stderr.close()
    assert current_id(root) != previous
    assert load_snapshot(store=root).descriptor.previous_snapshot == previous
    assert previous in list_snapshots(root)
    marker.unlink()


# --- a broken snapshot: clear SnapshotError in the API, clear notice in the app ---------------


def _flip_middle_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def _rewrite_with_checksum(folder: Path, name: str, content: bytes) -> None:
    """Replace a table and update its checksum, so only reading it can find the damage."""
    (folder / f"{name}.parquet").write_bytes(content)
    desc = json.loads((folder / "descriptor.json").read_text(encoding="utf-8"))
    desc["tables"][name]["sha256"] = hashlib.sha256(content).hexdigest()
    (folder / "descriptor.json").write_text(json.dumps(desc), encoding="utf-8")


def _newer_schema(folder: Path) -> None:
    desc = json.loads((folder / "descriptor.json").read_text(encoding="utf-8"))
    (folder / "descriptor.json").write_text(json.dumps({**desc, "schema_version": 99}), "utf-8")


Breakage = Callable[[Path, Path], None]  # (store root, snapshot folder)
BROKEN: dict[str, tuple[Breakage, str]] = {
    "no store": (lambda root, snap: (root / "CURRENT").unlink(), "CURRENT"),
    "CURRENT empty": (lambda root, snap: (root / "CURRENT").write_text(""), "CURRENT"),
    "CURRENT names a missing snapshot": (
        lambda root, snap: (root / "CURRENT").write_text("wsis20-000000000000\n"),
        "wsis20-000000000000",
    ),
    "descriptor missing": (
        lambda root, snap: (snap / "descriptor.json").unlink(),
        "descriptor.json",
    ),
    "descriptor not JSON": (
        lambda root, snap: (snap / "descriptor.json").write_text('{"tables": '),
        "descriptor.json",
    ),
    "descriptor of a newer schema": (lambda root, snap: _newer_schema(snap), "schema version 99"),
    "table missing": (lambda root, snap: (snap / "memberships.parquet").unlink(), "memberships"),
    "table truncated": (
        lambda root, snap: (snap / "entities.parquet").write_bytes(
            (snap / "entities.parquet").read_bytes()[:100]
        ),
        "entities.parquet",
    ),
    "checksum mismatch": (
        lambda root, snap: _flip_middle_byte(snap / "observations.parquet"),
        "observations.parquet",
    ),
    "table unreadable, checksum updated": (
        lambda root, snap: _rewrite_with_checksum(snap, "income_history", b"not parquet"),
        "income_history.parquet",
    ),
}


def _broken_store(tmp_path: Path, case: str) -> Path:
    root = tmp_path / "broken"
    snap = write_snapshot(store=root, **fixture_tables())
    BROKEN[case][0](root, snap)
    return root


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_snapshot_raises_a_clear_error(case: str, tmp_path: Path) -> None:
    root = _broken_store(tmp_path, case)
    with pytest.raises(SnapshotError) as caught:
        load_snapshot(store=root)
    message = str(caught.value)
    assert BROKEN[case][1] in message  # names the file or id at fault
    assert str(root) in message or "wsis20-" in message  # and which store or snapshot


def _visible(markdown: str) -> str:
    """Text as the reader sees it: markdown backslash escapes and word joiners resolved,
    whitespace collapsed (the app escapes messages before showing them)."""
    return " ".join(re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "").split())


def _texts(at: AppTest, kind: str) -> list[str]:
    return [_visible(str(e.value)) for e in at.get(kind)]


def _run_app(root: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("WSIS_STORE", str(root))
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    at.run()
    return at


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_app_shows_a_notice_for_a_broken_snapshot(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No traceback: an error element carrying the store's own message."""
    root = _broken_store(tmp_path, case)
    with pytest.raises(SnapshotError) as caught:
        load_snapshot(store=root)
    at = _run_app(root, monkeypatch)
    assert not at.exception
    errors = _texts(at, "error")
    shown = _visible(str(caught.value)).lower()  # shown as a sentence: a capital first
    assert any(shown in text.lower() for text in errors), errors


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_app_notice_says_what_to_do(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _run_app(_broken_store(tmp_path, case), monkeypatch)
    shown = " ".join(_texts(at, "error") + _texts(at, "info") + _texts(at, "caption"))
    assert any(word.lower() in shown.lower() for word in ADVICE), shown
