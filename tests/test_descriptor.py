"""The snapshot descriptor, typed: the bundled one round-trips to the same JSON, and damage is
refused with a short message naming the field."""

from __future__ import annotations

import copy
import json

import pytest
from fixtures import fixture_descriptor_json

from indicators.errors import SnapshotError
from indicators.store.descriptor import TEXT_LIMIT, Descriptor
from indicators.store.snapshot import DESCRIPTOR, load_snapshot, snapshot_dir


@pytest.fixture(scope="module")
def bundled_json() -> dict:
    return json.loads((snapshot_dir() / DESCRIPTOR).read_text(encoding="utf-8"))


def test_the_bundled_descriptor_round_trips_to_the_same_json(bundled_json) -> None:
    typed = Descriptor.from_json(bundled_json)
    assert typed.to_json() == bundled_json
    assert list(typed.to_json()) == list(bundled_json)  # the same order: the same bytes
    assert load_snapshot().descriptor == typed


def test_sources_are_looked_up_by_id(bundled_json) -> None:
    typed = Descriptor.from_json(bundled_json)
    first = typed.sources[0]
    assert typed.source(first.id) is first
    with pytest.raises(SnapshotError, match="no source 'nope'"):
        typed.source("nope")
    assert typed.reference_for("wb_income_history") is not None


def damaged(change) -> dict:
    document = copy.deepcopy(fixture_descriptor_json())
    change(document)
    return document


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("snapshot_id"), "lacks snapshot_id"),
        (lambda d: d.update(tables=[]), "tables is not an object"),
        (lambda d: d.update(sources={}), "sources is not a list"),
        (lambda d: d.update(sources=["x"]), r"sources\[0\] is not an object"),
        (lambda d: d.update(row_count="12"), "row_count is not a whole number"),
        (lambda d: d.update(row_count=True), "row_count is not a whole number"),
        (lambda d: d["sources"][0].update(vintage=7), "vintage is not text"),
        (lambda d: d["sources"][0].update(label="x" * (TEXT_LIMIT + 1)), "characters long"),
        (lambda d: d["sources"][0].pop("licence"), "lacks licence"),
        (lambda d: d.update(tables={"observations": {"file": "o.parquet"}}), "rows is not"),
        (lambda d: d.update(dropped=[{"source": "s"}]), "not a dropped value"),
        (
            lambda d: d.update(dropped=[{"source": "s", "reason": "r" * (TEXT_LIMIT + 1)}]),
            "reason is .* characters long",
        ),
        (lambda d: d["tables"].update({"t" * 5000: []}), r"tables\.t+\.\.\.t+ is not"),
    ],
)
def test_damage_is_refused_naming_the_field(change, message) -> None:
    with pytest.raises(SnapshotError, match=message) as caught:
        Descriptor.from_json(damaged(change))
    assert len(str(caught.value)) < 300  # bounded: never echoes a whole field


def test_a_descriptor_is_not_an_object() -> None:
    with pytest.raises(SnapshotError, match="is not an object"):
        Descriptor.from_json(["not", "an", "object"])
