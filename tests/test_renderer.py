"""The image renderer (dashboard.exports.renderer): kaleido's persistent browser, started once
per process on first use, maps drawn from the bundled shapes."""

from __future__ import annotations

import kaleido
from test_export import chromium, fixture_chart, needs_chromium

from dashboard.exports import chart_files, renderer


@chromium
@needs_chromium
def test_browser_starts_once_per_process(monkeypatch):
    starts = []
    real = kaleido.start_sync_server

    def counted(*args, **kwargs):
        starts.append(kwargs.get("path"))
        return real(*args, **kwargs)

    monkeypatch.setattr(kaleido, "start_sync_server", counted)
    renderer.renderer().close()
    chart = fixture_chart()
    chart_files.to_png(chart)
    first = renderer.renderer()
    chart_files.to_svg(chart)
    chart_files.to_png(chart, variant="square")
    assert renderer.renderer() is first and first.running
    assert starts == [str(first.browser)]


def test_map_shapes_come_from_the_bundled_folder():
    url = renderer.topojson_url()
    assert url.startswith("file://") and url.endswith("/")
    assert (renderer.TOPOJSON / "world_110m.json").is_file()


def test_settings_take_positive_seconds_only(monkeypatch):
    for text, expected in (("7.5", 7.5), ("0", 20.0), ("-3", 20.0), ("inf", 20.0), ("x", 20.0)):
        monkeypatch.setenv(renderer.TIMEOUT_ENV, text)
        assert renderer.seconds_setting(renderer.TIMEOUT_ENV, 20.0) == expected


def test_a_stuck_render_fails_within_seconds_with_one_plain_message(monkeypatch, tmp_path):
    """A render that never answers (an offline map fetch once hung for minutes) is given up
    after the timeout, says so in one line, and the next export starts a fresh browser."""
    import threading
    import time

    release = threading.Event()
    monkeypatch.setattr(kaleido, "start_sync_server", lambda **kwargs: None)
    monkeypatch.setattr(kaleido, "stop_sync_server", lambda **kwargs: None)
    monkeypatch.setattr(kaleido, "calc_fig_sync", lambda *a, **k: release.wait(30))
    browser = tmp_path / "chromium"
    browser.write_text("#!/bin/sh\n")
    browser.chmod(0o755)
    stuck = renderer.ImageRenderer(browser, timeout=1.0, idle=60)
    start = time.perf_counter()
    try:
        stuck.render(fixture_chart().figure, fmt="png")
    except renderer.ExportError as exc:
        message = str(exc)
    else:  # pragma: no cover - the render must fail
        raise AssertionError("a stuck render returned")
    finally:
        release.set()
    assert time.perf_counter() - start < 6
    assert "\n" not in message and "could not be rendered" in message and "CSV" in message
    assert not stuck.running


def test_an_idle_browser_is_closed(monkeypatch, tmp_path):
    import time

    calls = []
    monkeypatch.setattr(kaleido, "start_sync_server", lambda **kwargs: calls.append("start"))
    monkeypatch.setattr(kaleido, "stop_sync_server", lambda **kwargs: calls.append("stop"))
    monkeypatch.setattr(kaleido, "calc_fig_sync", lambda *a, **k: b"png")
    browser = tmp_path / "chromium"
    browser.write_text("#!/bin/sh\n")
    browser.chmod(0o755)
    figure = fixture_chart().figure  # built before the clock starts (slow on a busy machine)
    idle = renderer.ImageRenderer(browser, timeout=5, idle=1.5)
    assert idle.render(figure, fmt="png") == b"png" and idle.running
    idle.render(figure, fmt="png")  # a use re-arms the timer
    deadline = time.time() + 10
    while idle.running and time.time() < deadline:
        time.sleep(0.05)
    assert not idle.running and calls == ["start", "stop"]
    assert idle.render(figure, fmt="png") == b"png"  # started again on demand
    assert calls == ["start", "stop", "start"]
    idle.close()


def descendants(pid: int) -> list[str]:
    """Command names of every process below `pid` (read from /proc)."""
    from pathlib import Path

    children: dict[int, list[int]] = {}
    names: dict[int, str] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name = text[text.index("(") + 1 : text.rindex(")")]
        ppid = int(text[text.rindex(")") + 2 :].split()[1])
        child = int(stat.parent.name)
        children.setdefault(ppid, []).append(child)
        names[child] = name
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(names[child])
            todo.append(child)
    return out


@chromium
@needs_chromium
def test_the_real_browser_closes_when_idle_and_leaves_no_process(monkeypatch):
    import os
    import time

    shared = renderer.renderer()
    shared.close()
    monkeypatch.setattr(shared, "idle", 0.5)

    def browsers() -> int:
        return sum("chrom" in name for name in descendants(os.getpid()))

    before = browsers()
    chart_files.to_svg(fixture_chart())
    assert browsers() > before
    deadline = time.time() + 15
    while (shared.running or browsers() > before) and time.time() < deadline:
        time.sleep(0.2)
    assert not shared.running and browsers() == before
