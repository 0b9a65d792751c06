"""Value formatting (dashboard.formatting): units, decimals, signed changes and head counts."""

from __future__ import annotations

import numpy as np
from test_cards import CAT, PRICE, USE

from dashboard.formatting import format_change, format_people, format_value


def test_formatting_of_units_and_people() -> None:
    use, price, gni = CAT.indicator(USE), CAT.indicator(PRICE), CAT.indicator("NY.GNP.PCAP.CD")
    value = np.float64(12.345)
    assert format_value(value, use) == f"{value:,.1f}%"
    assert format_value(value, price).startswith(f"{value:,.2f}%")
    assert format_value(value * 1000, gni).startswith("US$")
    assert format_value(float("nan"), use) == "no data"
    assert format_change(-value, use).startswith("-") and "points" in format_change(value, use)
    assert format_people(value * 1e9).endswith("billion")
    assert format_people(value * 1e6).endswith("million")
