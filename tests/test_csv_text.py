"""Every CSV the product writes: formula-like text neutralised (OWASP), numbers unchanged."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from dashboard.exports.csv_text import FORMULA_STARTS, csv_bytes, neutralise
from indicators.schema import OBSERVATION_COLUMNS


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_a_cell_starting_like_a_formula_is_read_as_text(start: str) -> None:
    frame = pd.DataFrame({"name": [f"{start}HYPERLINK(1)", "Kenya"], "value": [1.5, -2.0]})
    back = pd.read_csv(io.BytesIO(csv_bytes(frame)), keep_default_na=False)
    assert back["name"].tolist() == [f"'{start}HYPERLINK(1)", "Kenya"]
    assert back["value"].tolist() == [1.5, -2.0]  # negative numbers stay numbers


def test_headers_are_neutralised_and_other_values_kept() -> None:
    assert neutralise(-3.5) == -3.5 and neutralise(None) is None and neutralise("ok") == "ok"
    frame = pd.DataFrame({"=cmd": ["a"]})
    assert csv_bytes(frame).splitlines()[0] == b"'=cmd"


def test_significant_digits_remove_float_noise_only_when_asked() -> None:
    frame = pd.DataFrame({"value": [54.400000000000006]})
    assert csv_bytes(frame, significant=12).splitlines()[1] == b"54.4"
    assert float(csv_bytes(frame).splitlines()[1]) == 54.400000000000006


@pytest.mark.parametrize("name", ["tiny_snapshot", "bundled_snapshot"])
def test_the_observations_round_trip_exactly(name: str, request) -> None:
    snap = request.getfixturevalue(name)
    obs = snap.observations
    back = pd.read_csv(io.BytesIO(csv_bytes(obs)), keep_default_na=False)
    assert tuple(back.columns) == OBSERVATION_COLUMNS and len(back) == len(obs)
    for col in ("economy", "indicator", "source", "vintage", "note"):
        np.testing.assert_array_equal(back[col].to_numpy(str), obs[col].to_numpy(str), col)
    np.testing.assert_array_equal(back["year"].to_numpy(int), obs["year"].to_numpy(int))
    np.testing.assert_array_equal(back["estimate"].to_numpy(bool), obs["estimate"].to_numpy(bool))
    np.testing.assert_array_equal(back["value"].to_numpy(float), obs["value"].to_numpy(float))
