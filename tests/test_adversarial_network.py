"""Adversarial family: a hung network, on real sockets.

The World Bank API endpoint is pointed at local servers that misbehave the ways a hung network
does: a port that accepts connections and never answers (the kernel completes them in the
backlog), a server that accepts and stays silent, one that sends half a page and stalls, and
one that drips a byte at a time so no socket timeout ever fires. The refresh (function, command
line and app) must stop at its one overall deadline with a message that says so; a second
refresh asked for meanwhile is told at once that one is running, never queued; the store is
byte-identical afterwards.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import wbgapi
from adversarial import assert_clear_cli, fixture_store, run_cli, unchanged, visible
from streamlit.testing.v1 import AppTest

from dashboard.app.cache import REFRESH_ENV
from indicators.errors import MESSAGE_LIMIT, RefreshBusy, RefreshError
from indicators.store.refresh import DEADLINE_ENV, GRACE, refresh_snapshot
from indicators.store.snapshot import store_lock

DEADLINE = 2.0  # seconds: the refreshes here are given this overall deadline
WORKER = "wsis20-refresh-fetch"  # the name of the refresh's fetching thread


@contextlib.contextmanager
def _serving(handle: Callable[[socket.socket, threading.Event], None] | None) -> Iterator[int]:
    """A local TCP server; `handle(conn, stop)` runs per connection (None: never accept)."""
    stop = threading.Event()
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.2)
    conns: list[socket.socket] = []

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            conns.append(conn)
            threading.Thread(target=handle, args=(conn, stop), daemon=True).start()

    acceptor = threading.Thread(target=accept, daemon=True) if handle else None
    if acceptor:
        acceptor.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        if acceptor:
            acceptor.join(5)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.close()
        server.close()


def _silent(conn: socket.socket, stop: threading.Event) -> None:
    stop.wait(120)


def _half_page(conn: socket.socket, stop: threading.Event) -> None:
    with contextlib.suppress(OSError):
        conn.recv(65536)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
        conn.sendall(b'Content-Length: 5000\r\n\r\n[{"page": 1, ')
    stop.wait(120)


def _drip(conn: socket.socket, stop: threading.Event) -> None:
    """A byte every 0.2 s of a header that never ends: no read ever waits long enough for a
    socket timeout, so only the overall deadline can stop the client."""
    with contextlib.suppress(OSError):
        conn.recv(65536)
        conn.sendall(b"HTTP/1.1 200 OK\r\nX-Drip: ")
        while not stop.wait(0.2):
            conn.sendall(b"a")


SERVERS: dict[str, Callable[[socket.socket, threading.Event], None] | None] = {
    "port that never accepts (backlog)": None,
    "server that accepts and stays silent": _silent,
    "server that sends half a page and stalls": _half_page,
    "server that drips a byte at a time": _drip,
}


@pytest.fixture
def endpoint(fresh_wbgapi_caches: None, monkeypatch: pytest.MonkeyPatch) -> Callable[[int], None]:
    """Point wbgapi at a local port (direct, whatever proxy the environment sets)."""
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    return lambda port: monkeypatch.setattr(wbgapi, "endpoint", f"http://127.0.0.1:{port}")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Path]:
    root = tmp_path / "store"
    fixture_store(root)
    yield root
    _workers_end()


def _workers_end() -> None:
    """Wait for fetching threads left by a refresh that ran out of time (they stop once their
    server closes), so that no test inherits one."""
    for thread in threading.enumerate():
        if thread.name == WORKER:
            thread.join(60)
            assert not thread.is_alive(), "a refresh worker outlived its server"


@pytest.mark.parametrize("server", list(SERVERS))
def test_a_refresh_stops_at_its_deadline(
    server: str, store: Path, endpoint: Callable[[int], None]
) -> None:
    with _serving(SERVERS[server]) as port, unchanged(store):
        endpoint(port)
        start = time.monotonic()
        with pytest.raises(RefreshError) as caught:
            refresh_snapshot(store=store, deadline=DEADLINE)  # default 30 s per request
        elapsed = time.monotonic() - start
    message = str(caught.value)
    assert f"deadline of {DEADLINE:g} s" in message, message
    assert len(message) <= MESSAGE_LIMIT and "\n" not in message
    assert elapsed < DEADLINE + GRACE + 10, elapsed  # not the 30 s timeout, nor 4 x 30 s


@pytest.mark.parametrize("server", list(SERVERS))
def test_the_command_line_stops_at_its_deadline(
    server: str, store: Path, endpoint: Callable[[int], None], capsys: pytest.CaptureFixture[str]
) -> None:
    with _serving(SERVERS[server]) as port, unchanged(store):
        endpoint(port)
        run = run_cli(["refresh", "--store", str(store), "--deadline", f"{DEADLINE:g}"], capsys)
    text = assert_clear_cli(run, "deadline of 2 s", lines=2)
    assert text.splitlines()[0].startswith("Refreshing from the World Bank API: stops after 2 s")


def _app_with_refresh(store: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("WSIS_STORE", str(store))
    monkeypatch.setenv(REFRESH_ENV, "1")
    monkeypatch.setenv(DEADLINE_ENV, f"{DEADLINE:g}")

    def sidebar() -> None:
        from dashboard.app.sidebar import render_sidebar

        render_sidebar()

    at = AppTest.from_function(sidebar, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize(
    "server", ["server that accepts and stays silent", "server that drips a byte at a time"]
)
def test_the_app_stops_at_its_deadline_and_says_so(
    server: str, store: Path, endpoint: Callable[[int], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    with _serving(SERVERS[server]) as port, unchanged(store):
        endpoint(port)
        at = _app_with_refresh(store, monkeypatch)
        assert any("stops after 2 s" in c.value for c in at.sidebar.caption)
        at.sidebar.button(key="refresh").click().run()
    assert not at.exception, at.exception
    errors = [visible(e.value) for e in at.sidebar.error]
    assert any("unchanged" in e and "deadline of 2 s" in e for e in errors), errors
    assert all(len(e) < MESSAGE_LIMIT + 100 for e in errors)


@contextlib.contextmanager
def _first_refresh_hanging(store: Path) -> Iterator[threading.Thread]:
    """A refresh running in a thread against a dripping server (it holds the store)."""
    outcome: list[BaseException] = []

    def first() -> None:
        try:
            refresh_snapshot(store=store, deadline=30.0, retries=0)
        except BaseException as exc:
            outcome.append(exc)

    with _serving(_drip) as port:
        wbgapi.endpoint = f"http://127.0.0.1:{port}"
        thread = threading.Thread(target=first, daemon=True)
        thread.start()
        deadline = time.monotonic() + 30
        while not any(t.name == WORKER for t in threading.enumerate()):
            assert time.monotonic() < deadline, "the first refresh never started fetching"
            time.sleep(0.02)
        yield thread
    thread.join(60)
    assert outcome and isinstance(outcome[0], RefreshError), outcome


def test_a_second_refresh_is_told_at_once(
    store: Path, endpoint: Callable[[int], None], capsys: pytest.CaptureFixture[str]
) -> None:
    """While one refresh hangs on the network, another (function or command) is refused at
    once: the first one is still running when the second has returned."""
    endpoint(9)  # replaced by the hanging server's port below
    with unchanged(store), _first_refresh_hanging(store) as first:
        with pytest.raises(RefreshBusy, match="already running"):
            refresh_snapshot(store=store, deadline=30.0)
        assert first.is_alive()
        run = run_cli(["refresh", "--store", str(store)], capsys)
        assert first.is_alive()
    assert_clear_cli(run, "already running", lines=2)


def test_a_second_session_is_told_at_once(
    store: Path, endpoint: Callable[[int], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another visitor clicking refresh while one runs: a notice at once, no queue, no error."""
    endpoint(9)
    with unchanged(store), _first_refresh_hanging(store) as first:
        at = _app_with_refresh(store, monkeypatch)
        at.sidebar.button(key="refresh").click().run()
        assert first.is_alive()  # answered while the first refresh still held the store
    assert not at.exception
    warnings = [visible(w.value) for w in at.sidebar.warning]
    assert any("already running" in w and "not started" in w for w in warnings), warnings
    assert not at.sidebar.error


def test_a_refused_connection_is_reported_quickly(
    store: Path, endpoint: Callable[[int], None], capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    endpoint(port)  # nothing listens there
    with unchanged(store):
        run = run_cli(["refresh", "--store", str(store), "--retries", "1"], capsys)
    assert_clear_cli(run, "connection failed", lines=2)


def test_a_fetch_that_ignores_its_deadline_is_left_behind(store: Path) -> None:
    """The deadline holds even for a fetch that never looks at it (the thread guard), and the
    store is free for the next refresh at once."""
    release = threading.Event()

    def stubborn(*_args: object, **_kwargs: object) -> None:
        release.wait(60)
        raise RefreshError("released")

    with unchanged(store):
        start = time.monotonic()
        with pytest.raises(RefreshError, match="did not finish within its deadline of 1 s"):
            refresh_snapshot(store=store, fetch=stubborn, deadline=1.0, requests_=[])
        assert time.monotonic() - start < 1.0 + GRACE + 10
        with store_lock(store, blocking=False, create=False):
            pass  # not held by the abandoned fetch
    release.set()
