"""The declared charts of each page's default view (dashboard.app.page_charts) are the charts the
page shows: each page, run in its default view, draws exactly these charts under these keys."""

from __future__ import annotations

import importlib

import pytest
from apptest import page_test

from dashboard.app.page_charts import default_charts
from dashboard.app.registry import PAGE_NAMES
from indicators.errors import UnknownCodeError

TAB_PAGES = {"sources"}  # its charts are drawn when their tab is opened (not in AppTest)


@pytest.mark.parametrize("name", [p for p in PAGE_NAMES if p not in TAB_PAGES])
def test_a_page_in_its_default_view_shows_the_declared_charts(name, monkeypatch, bundled_snapshot,
                                                              catalogue):  # fmt: skip
    module = importlib.import_module(f"dashboard.app.pages.{name}")
    shown: list[tuple[str, str]] = []
    if hasattr(module, "show_chart"):
        real = module.show_chart

        def record(chart, *, key, **layouts):  # e.g. `narrow`, another layout for phones
            shown.append((key, chart.name))
            real(chart, key=key, **layouts)

        monkeypatch.setattr(module, "show_chart", record)
    at = page_test(name, timeout=240).run()
    assert not at.exception and not at.error
    declared = []
    for call in default_charts(name, bundled_snapshot, catalogue):
        chart = call.build(bundled_snapshot, catalogue)
        if chart is not None:
            declared.append((call.key, chart.name))
    assert shown == declared


def test_the_sources_page_declares_its_tab_charts(bundled_snapshot, catalogue):
    calls = default_charts("sources", bundled_snapshot, catalogue)
    assert [c.key for c in calls] == ["coverage", "aggregates"]
    assert all(c.build(bundled_snapshot, catalogue) is not None for c in calls)


def test_an_unknown_page_is_an_error_naming_the_pages(bundled_snapshot, catalogue):
    with pytest.raises(UnknownCodeError, match="overview"):
        default_charts("nowhere", bundled_snapshot, catalogue)
