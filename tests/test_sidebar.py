"""The sidebar: source vintages from the snapshot descriptor, the snapshot shown, and the live
refresh control that only WSIS_ALLOW_REFRESH=1 enables (never clicked here: no network)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.app.cache import REFRESH_ENV
from dashboard.app.sidebar import FIELD_LIMIT, source_lines
from indicators.store import refresh
from indicators.store.descriptor import Descriptor, SourceEntry
from indicators.store.snapshot import load_snapshot


@pytest.fixture(scope="module")
def descriptor() -> Descriptor:
    return load_snapshot().descriptor


@pytest.fixture
def no_network(monkeypatch) -> None:
    """Any refresh would fail the test instead of calling the World Bank API."""

    def refuse(**_):
        raise AssertionError("the sidebar test started a refresh")

    monkeypatch.setattr(refresh, "refresh_snapshot", refuse)


def sidebar_script() -> None:
    from dashboard.app.sidebar import render_sidebar

    render_sidebar()


def run_sidebar() -> AppTest:
    at = AppTest.from_function(sidebar_script, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def sidebar_text(at: AppTest) -> str:
    return " ".join([m.value for m in at.sidebar.markdown] + [c.value for c in at.sidebar.caption])


def data_sources(descriptor: Descriptor) -> list[SourceEntry]:
    return [s for s in descriptor.sources if s.id != "derived"]


def test_source_lines_name_every_vintage_of_the_bundled_snapshot(descriptor: Descriptor) -> None:
    lines = source_lines(descriptor)
    sources = data_sources(descriptor)
    assert sources and len(lines) == len(sources)
    for line, src in zip(lines, sources, strict=True):
        assert line.startswith(f"{src.label}: vintage {src.vintage}")
        if src.newer_edition is None:
            assert line == f"{src.label}: vintage {src.vintage}"
        else:  # a newer edition we do not bundle is named beside the one used
            assert src.newer_edition.published in line and "not in this snapshot" in line
            assert len(line) <= FIELD_LIMIT  # shown whole, not clipped
    assert any(s.newer_edition is not None for s in sources)  # the bundled ITU Key ICT edition


def test_source_lines_skip_the_derived_entry(descriptor: Descriptor) -> None:
    derived = [s for s in descriptor.sources if s.id == "derived"]
    assert len(source_lines(descriptor.with_sources(derived))) == 0
    assert source_lines(descriptor.with_sources([])) == []


def test_sidebar_shows_the_snapshot_and_each_vintage(
    descriptor: Descriptor, monkeypatch, no_network
) -> None:
    monkeypatch.delenv(REFRESH_ENV, raising=False)
    at = run_sidebar()
    text = sidebar_text(at)
    assert descriptor.snapshot_id in text
    assert descriptor.built_at in text
    for src in data_sources(descriptor):
        assert f"vintage {src.vintage}" in text, src.id
    assert not at.sidebar.button
    assert not at.sidebar.success and not at.sidebar.error


@pytest.mark.parametrize("value", [None, "", "0", "true", "yes", " 1", "1 "])
def test_refresh_control_is_absent_unless_enabled(monkeypatch, no_network, value) -> None:
    if value is None:
        monkeypatch.delenv(REFRESH_ENV, raising=False)
    else:
        monkeypatch.setenv(REFRESH_ENV, value)
    at = run_sidebar()
    assert not at.sidebar.button
    assert not any("live API" in c.value for c in at.sidebar.caption)


def test_refresh_control_is_present_when_enabled(monkeypatch, no_network) -> None:
    monkeypatch.setenv(REFRESH_ENV, "1")
    at = run_sidebar()
    button = at.sidebar.button(key="refresh")
    assert button.label == "Refresh from the World Bank API"
    assert button.value is False  # drawn, never clicked
    assert any("live API" in c.value for c in at.sidebar.caption)
    assert not at.sidebar.success and not at.sidebar.error
