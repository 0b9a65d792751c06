"""The image renderer (dashboard.renderer): one browser per process, started on first use."""

from __future__ import annotations

from test_export import chromium, fixture_chart, needs_chromium

from dashboard.exports import chart_files, renderer


@chromium
@needs_chromium
def test_browser_starts_once_per_process():
    chart = fixture_chart()
    chart_files.to_png(chart)
    first = renderer.renderer()
    browser = first._kaleido
    chart_files.to_svg(chart)
    chart_files.to_png(chart, variant="square")
    assert renderer.renderer() is first and first._kaleido is browser and first.running
