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
