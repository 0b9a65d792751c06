"""Published series (dashboard.published): a group's own row, else ITU's estimate of the same
code, never another series."""

from __future__ import annotations

import pandas as pd
import pytest
from test_cards import CAT, fixture_card_snapshot

from dashboard.views.published import published_series


@pytest.fixture(scope="module")
def snap():
    return fixture_card_snapshot()


def test_published_series_never_substitutes_another_code(snap) -> None:
    pub = published_series(snap, CAT, indicator="i99H.URB", group="WLD")
    assert pub is not None and pub.entity == "ITU_WLD" and pub.producer == "ITU"
    pd.testing.assert_series_equal(
        pub.values, snap.wide("i99H.URB").loc["ITU_WLD"].dropna(), check_names=False
    )
    assert published_series(snap, CAT, indicator="i99H.F", group="LIC") is None
