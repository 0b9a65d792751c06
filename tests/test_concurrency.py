"""Concurrent writers, refreshes and readers of one snapshot store, in separate processes.

The store promises (indicators/snapshot.py): writers hold an exclusive lock, so two writes never
interleave (the second waits), and a refresh asked for while the lock is held is refused at once
(never queued); a snapshot is written to a temporary folder and renamed into
place before CURRENT is switched, so CURRENT always names a complete, verified snapshot and a
reader loading in a loop never sees a broken one. Each writer here logs when it takes and
releases the lock and what CURRENT says just before it lets go.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from test_snapshot import write

from indicators.errors import SnapshotError
from indicators.store.snapshot import current_id, list_snapshots, load_snapshot, store_lock

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import contextlib, functools, json, os, sys, time
from pathlib import Path
from indicators.store import snapshot

mode, store, go, log = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4])
option = sys.argv[5] if len(sys.argv) > 5 else ""

def note(**event):
    with log.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps({"pid": os.getpid(), "t": time.monotonic(), **event}) + "\n")

real_lock = snapshot.store_lock

@contextlib.contextmanager
def logged_lock(root, **kwargs):
    note(event="wait")
    with real_lock(root, **kwargs):
        note(event="acquire")
        try:
            yield
        finally:
            current = (Path(root) / "CURRENT").read_text().strip()
            note(event="release", current=current)

snapshot.store_lock = logged_lock

def slow_tables(seconds):
    real = snapshot.write_table
    def slowed(name, frame, folder):
        entry = real(name, frame, folder)
        time.sleep(seconds)
        return entry
    snapshot.write_table = slowed

def another_waits():
    # whether another process has asked for the lock (its "wait" event is in the log)
    me = os.getpid()
    lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    return any(json.loads(l)["event"] == "wait" and json.loads(l)["pid"] != me for l in lines)

def hold_after_first_table(marker, seconds):
    # hold the lock after the first table until another process asks for it (at most
    # `seconds`), so the overlap does not depend on how fast that process starts
    real, calls = snapshot.write_table, []
    def holding(name, frame, folder):
        entry = real(name, frame, folder)
        calls.append(name)
        if len(calls) == 1:
            marker.write_text("holding")
            until = time.monotonic() + seconds
            while not another_waits() and time.monotonic() < until:
                time.sleep(0.02)
            time.sleep(0.2)
        return entry
    snapshot.write_table = holding

while not go.exists():
    time.sleep(0.01)

if mode == "reader":
    seen, errors, loads = set(), [], 0
    deadline = time.monotonic() + 300  # never outlive a test whose writers failed
    while not Path(option).exists() and time.monotonic() < deadline:
        try:
            snap = snapshot.load_snapshot(store=store)
            seen.add(snap.id)
            loads += 1
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
    note(event="reader", loads=loads, seen=sorted(seen), errors=errors[:20])
elif mode == "writer":
    from test_snapshot import fixture_tables
    base, count = (float(x) for x in option.split(":"))
    slow_tables(0.05)
    for i in range(int(count)):
        path = snapshot.write_snapshot(store=store, **fixture_tables(base + i))
        note(event="wrote", id=path.name)
elif mode == "holder":
    from test_snapshot import fixture_tables
    hold_after_first_table(Path(option), 60.0)
    path = snapshot.write_snapshot(store=store, **fixture_tables(1000.0))
    note(event="wrote", id=path.name)
elif mode == "refresher":
    import responses
    from wb_api_fake import FakeWorldBankApi, LAST, FIRST, PER_PAGE, fixture_clock
    from indicators.store.refresh import refresh_snapshot
    from indicators.sources.wb_api import GENDER_DB, WDI_DB, ApiSeriesRequest, fetch_series
    requests_ = [ApiSeriesRequest("IT.NET.USER.ZS", db=WDI_DB),
                 ApiSeriesRequest("IT.NET.USER.FE.ZS", db=GENDER_DB)]
    from indicators.errors import RefreshBusy
    release = Path(option) if option else None
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        api = FakeWorldBankApi(rsps)
        api.add_database(WDI_DB)
        api.add_database(GENDER_DB)
        for r in requests_:
            api.add_series(r)
        def fetch(*args, **kwargs):
            note(event="fetching")
            until = time.monotonic() + 60
            while release is not None and not release.exists() and time.monotonic() < until:
                time.sleep(0.02)  # holds the refresh (and the lock) until the test releases it
            return fetch_series(*args, last_year=LAST, per_page=PER_PAGE,
                                sleep=lambda s: None, clock=fixture_clock, **kwargs)
        try:
            result = refresh_snapshot(store=store, fetch=fetch, requests_=requests_,
                                      first_year=FIRST)
        except RefreshBusy as exc:
            note(event="busy", message=str(exc))
        else:
            note(event="refreshed", id=result.snapshot_id, previous=result.previous_id)
"""


def start(mode: str, store: Path, go: Path, log: Path, option: str = "") -> subprocess.Popen:
    paths = [str(ROOT), str(ROOT / "tests"), os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, mode, str(store), str(go), str(log), option],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(proc: subprocess.Popen, *, timeout: float = 120) -> None:
    try:
        code = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise
    errors = proc.stderr.read()
    proc.stderr.close()
    assert code == 0, errors[-3000:]


def events(log: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


def lock_intervals(log: Path) -> list[tuple[float, float, int, str]]:
    """(acquired, released, pid, CURRENT at release) for every lock held, in time order."""
    held: dict[int, float] = {}
    out = []
    for e in sorted(events(log), key=lambda e: e["t"]):
        if e["event"] == "acquire":
            held[e["pid"]] = e["t"]
        elif e["event"] == "release":
            out.append((held.pop(e["pid"]), e["t"], e["pid"], e["current"]))
    assert not held, "a lock was taken and never released"
    return out


def assert_serialised(intervals: list[tuple[float, float, int, str]]) -> None:
    for (_, released, _, _), (acquired, _, _, _) in itertools.pairwise(intervals):
        assert acquired >= released, "two processes held the store lock at the same time"


def contended(log: Path, intervals: list[tuple[float, float, int, str]]) -> int:
    """How many times a process asked for the lock while another process held it."""
    waits = [e for e in events(log) if e["event"] == "wait"]
    return sum(
        1
        for w in waits
        for acquired, released, pid, _ in intervals
        if pid != w["pid"] and acquired < w["t"] < released
    )


def assert_every_snapshot_verifies(root: Path) -> None:
    for snapshot_id in list_snapshots(root):
        assert load_snapshot(store=root, snapshot_id=snapshot_id).id == snapshot_id


def reader_report(log: Path) -> dict[str, Any]:
    (report,) = [e for e in events(log) if e["event"] == "reader"]
    return report


@pytest.fixture
def fixture_store(tmp_path: Path) -> tuple[Path, str]:
    root = tmp_path / "store"
    return root, write(root).name


def test_two_writers_with_a_reader(fixture_store: tuple[Path, str], tmp_path: Path) -> None:
    """Two processes write three snapshots each at once while a third loads in a loop."""
    root, first = fixture_store
    go, stop, log = tmp_path / "go", tmp_path / "stop", tmp_path / "log.jsonl"
    reader = start("reader", root, go, log, str(stop))
    writers = [start("writer", root, go, log, f"{base}:3") for base in (1.0, 100.0)]
    go.write_text("go")
    for proc in writers:
        finish(proc)
    stop.write_text("stop")
    finish(reader)
    intervals = lock_intervals(log)
    assert len(intervals) == 6 and len({pid for _, _, pid, _ in intervals}) == 2
    assert_serialised(intervals)
    assert contended(log, intervals) >= 1  # the writes really overlapped in time
    written = {e["id"] for e in events(log) if e["event"] == "wrote"}
    assert len(written) == 6
    assert current_id(root) == intervals[-1][3]  # whoever held the lock last set CURRENT
    assert set(list_snapshots(root)) == written | {first}
    assert_every_snapshot_verifies(root)
    report = reader_report(log)
    assert report["errors"] == [] and report["loads"] > 0
    assert set(report["seen"]) <= written | {first}
    assert not [p for p in (root / "snapshots").iterdir() if p.name.startswith(".tmp-")]


def test_second_writer_waits_for_the_first(fixture_store: tuple[Path, str], tmp_path: Path) -> None:
    """While one process holds the lock mid-write, a non-blocking lock is refused and a second
    writer waits; it proceeds the moment the first one is done."""
    root, first = fixture_store
    go, log, holding = tmp_path / "go", tmp_path / "log.jsonl", tmp_path / "holding"
    go.write_text("go")
    holder = start("holder", root, go, log, str(holding))
    deadline = time.monotonic() + 60
    while not holding.exists():
        assert holder.poll() is None, holder.stderr.read()
        assert time.monotonic() < deadline, "the holder never took the lock"
        time.sleep(0.02)
    with (
        pytest.raises(SnapshotError, match="another process is writing the store"),
        store_lock(root, blocking=False),
    ):
        pass
    waiter = start("writer", root, go, log, "7.0:1")
    finish(holder)
    finish(waiter)
    intervals = lock_intervals(log)
    assert [pid for _, _, pid, _ in intervals] == [holder.pid, waiter.pid]
    assert_serialised(intervals)
    waited = [e for e in events(log) if e["event"] == "wait" and e["pid"] == waiter.pid]
    assert waited[0]["t"] < intervals[0][1]  # the waiter asked while the holder still held it
    wrote = {e["pid"]: e["id"] for e in events(log) if e["event"] == "wrote"}
    assert current_id(root) == wrote[waiter.pid]
    assert set(list_snapshots(root)) == {first, *wrote.values()}
    assert_every_snapshot_verifies(root)


def test_a_second_refresh_is_told_at_once(fixture_store: tuple[Path, str], tmp_path: Path) -> None:
    """While one live refresh (stubbed API) holds the store, a second one is refused at once
    with a message saying a refresh is running, never queued behind it; a reader loops
    throughout and never sees a broken snapshot."""
    root, first = fixture_store
    go, stop, log = tmp_path / "go", tmp_path / "stop", tmp_path / "log.jsonl"
    release = tmp_path / "release"
    reader = start("reader", root, go, log, str(stop))
    running = start("refresher", root, go, log, str(release))
    go.write_text("go")
    deadline = time.monotonic() + 60
    while not any(e["event"] == "fetching" for e in (events(log) if log.exists() else [])):
        assert running.poll() is None, running.stderr.read()
        assert time.monotonic() < deadline, "the first refresh never started fetching"
        time.sleep(0.02)
    second = start("refresher", root, go, log)
    finish(second)  # returns while the first still holds the lock: it was not queued
    assert not release.exists() and running.poll() is None
    release.write_text("go on")
    finish(running)
    stop.write_text("stop")
    finish(reader)
    (busy,) = [e for e in events(log) if e["event"] == "busy"]
    assert busy["pid"] == second.pid and "already running" in busy["message"]
    assert len(busy["message"]) < 300 and "\n" not in busy["message"]
    (done,) = [e for e in events(log) if e["event"] == "refreshed"]
    assert done["pid"] == running.pid and done["previous"] == first
    intervals = lock_intervals(log)
    assert [pid for _, _, pid, _ in intervals] == [running.pid]  # the second never held it
    acquired, released, _, _ = intervals[0]
    assert acquired < busy["t"] < released  # refused while the first one ran
    assert current_id(root) == done["id"] != first
    assert set(list_snapshots(root)) == {first, done["id"]}
    assert_every_snapshot_verifies(root)
    report = reader_report(log)
    assert report["errors"] == [] and report["loads"] > 0
    assert set(report["seen"]) <= {first, done["id"]}
