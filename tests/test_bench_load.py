"""The load test's websocket client speaks for the app's first-chart script as a browser does."""

from __future__ import annotations

import json

from benchmarks.bench_load import DRAWN_STATE
from dashboard.app import first_chart


def test_the_drawn_signal_is_the_one_the_apps_script_sends():
    """bench_load sends DRAWN_STATE for the helper component once the overview's chart has
    arrived; it must be the state the component's script sets and its callback reads (#12)."""
    (key, value), *rest = json.loads(DRAWN_STATE).items()
    assert not rest and value is True
    assert f"setStateValue('{key}', true)" in first_chart.HELPER_JS
