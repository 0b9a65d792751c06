"""AppTest of the app shell (streamlit_app.py): navigation, ?page= links, notices, sidebar."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard.app.cache import REFRESH_ENV
from dashboard.app.first_chart import FIRST_CHART_DRAWN
from indicators.errors import RefreshError
from indicators.store import refresh

APP = str(Path(__file__).resolve().parents[1] / "streamlit_app.py")


@pytest.fixture
def no_refresh(monkeypatch):
    monkeypatch.delenv(REFRESH_ENV, raising=False)


def run(params: dict[str, str] | None = None) -> AppTest:
    """The whole app, as a browser that has drawn a chart already sees it (first_chart.py)."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[FIRST_CHART_DRAWN] = True
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def sidebar_text(at: AppTest) -> str:
    parts = [m.value for m in at.sidebar.markdown] + [c.value for c in at.sidebar.caption]
    return " ".join(parts)


def test_default_page_is_the_overview_with_the_sidebar(bundled_snapshot, no_refresh):
    at = run()
    assert at.title, "the overview page drew no title"
    assert at.title[0].value != "Explorer"
    text = sidebar_text(at)
    assert bundled_snapshot.id in text
    for src in bundled_snapshot.descriptor.sources:
        if src.id != "derived":
            assert src.vintage in text
    assert not at.sidebar.button  # no refresh button unless the setting enables it


def test_page_parameter_opens_that_page_with_its_view(no_refresh):
    at = run({"page": "explorer", "indicator": "IT.NET.BBND.P2", "economies": "KEN"})
    assert at.title[0].value == "Explorer"
    assert at.selectbox(key="indicator").value == "IT.NET.BBND.P2"
    assert at.multiselect(key="economies").value == ["KEN"]
    assert "page" not in at.query_params


def test_unknown_parameters_give_one_notice_on_any_page(no_refresh):
    for params in ({"colour": "red"}, {"colour": "red", "page": "explorer"}):
        at = run(params)
        notices = [i.value for i in at.info if "colour" in i.value]
        assert len(notices) == 1, notices


def test_unknown_page_is_reported(no_refresh):
    at = run({"page": "nowhere"})
    assert any("nowhere" in i.value for i in at.info)


def fixture_refresh_result(snapshot_id: str) -> refresh.RefreshResult:
    """What a refresh that found no change returns (ids taken from the bundled snapshot)."""
    changes = pd.DataFrame(
        columns=[
            "indicator",
            "rows_before",
            "rows_after",
            "revised",
            "added",
            "removed",
            "latest_before",
            "latest_after",
        ]
    )
    return refresh.RefreshResult(
        snapshot_id=snapshot_id, previous_id=snapshot_id, path=Path("."), changes=changes
    )


def test_refresh_success_reports_and_clears_the_cache(monkeypatch, bundled_snapshot):
    monkeypatch.setenv(REFRESH_ENV, "1")
    calls: list[str] = []

    def fake_refresh(*, progress=None, **_):
        calls.append("refresh")
        progress(1, 2, "IT.NET.USER.ZS")
        progress(2, 2, "SP.POP.TOTL")
        return fixture_refresh_result(bundled_snapshot.id)

    real_clear = st.cache_data.clear

    def clear():
        calls.append("clear")
        real_clear()

    monkeypatch.setattr(refresh, "refresh_snapshot", fake_refresh)
    monkeypatch.setattr(st.cache_data, "clear", clear)
    at = run()
    button = at.sidebar.button(key="refresh")
    button.click().run()
    assert not at.exception
    assert calls == ["refresh", "clear"]
    assert any(
        bundled_snapshot.id in s.value and "No change" in s.value for s in at.sidebar.success
    )


def test_refresh_failure_is_a_message_not_a_traceback(monkeypatch):
    monkeypatch.setenv(REFRESH_ENV, "1")

    def failing(**_):
        raise RefreshError("the API timed out")

    monkeypatch.setattr(refresh, "refresh_snapshot", failing)
    at = run()
    at.sidebar.button(key="refresh").click().run()
    assert not at.exception
    errors = [e.value for e in at.sidebar.error]
    assert any("The API timed out" in e and "unchanged" in e for e in errors)  # a sentence


def test_unexpected_refresh_error_is_also_a_message(monkeypatch):
    monkeypatch.setenv(REFRESH_ENV, "1")

    def broken(**_):
        raise ZeroDivisionError("internal detail")

    monkeypatch.setattr(refresh, "refresh_snapshot", broken)
    at = run()
    at.sidebar.button(key="refresh").click().run()
    assert not at.exception
    errors = " ".join(e.value for e in at.sidebar.error)
    assert "unchanged" in errors and "internal detail" not in errors
