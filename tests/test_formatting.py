"""Value formatting (dashboard.formatting): units, decimals, signed changes and head counts."""

from __future__ import annotations

import numpy as np
from fixtures import fixture_snapshot
from test_cards import CAT, PRICE, USE

from dashboard.formatting import entity_labels, format_change, format_people, format_value


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


def test_entity_labels_are_a_new_dictionary_each_time() -> None:
    """The names are built once per snapshot and handed out as copies: a caller that changes
    its dictionary changes no one else's."""
    snap = fixture_snapshot()
    first = entity_labels(snap)
    expected = dict(first)
    first["E01"] = "changed by a caller"
    first.pop("WLD")
    assert entity_labels(snap) == expected
    assert entity_labels(snap) is not entity_labels(snap)
