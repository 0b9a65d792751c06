"""Building the snapshot: documented headline facts, determinism, and equality with the bundle."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from fixtures import fixture_snapshot

from indicators.catalogue import load_catalogue
from indicators.schema import normalise_observations
from indicators.store.build import (
    build_memberships,
    build_snapshot,
    derive_sex_population,
    drop_price_placeholders,
)
from indicators.store.snapshot import load_snapshot


def value(snap, indicator: str, economy: str, year: int) -> float:
    return float(snap.wide(indicator).loc[economy, year])


def test_bundled_snapshot_headline_facts() -> None:
    """The figures the issue names: WDI July 2026 world use, ITU Nov 2024 use by sex."""
    snap = load_snapshot()
    assert round(value(snap, "IT.NET.USER.ZS", "WLD", 2005), 1) == 15.6
    assert round(value(snap, "IT.NET.USER.ZS", "WLD", 2025), 1) == 73.6
    assert round(value(snap, "i99H.F", "ITU_WLD", 2024), 1) == 65.3
    assert round(value(snap, "i99H.M", "ITU_WLD", 2024), 1) == 69.5
    wld = snap.rows("IT.NET.USER.ZS")
    wld = wld[wld["economy"] == "WLD"]
    assert set(wld["vintage"].astype(str)) == {"2026-07-13"}
    itu = snap.rows("i99H.F")
    assert itu["estimate"].all() and set(itu["vintage"].astype(str)) == {"2024-11"}


def test_bundled_snapshot_holds_economies_and_aggregates() -> None:
    snap = load_snapshot()
    kinds = snap.entities["kind"].value_counts()
    assert kinds["wb_aggregate"] == 48 and kinds["itu_aggregate"] == 14
    with_region = snap.entities[
        (snap.entities["kind"] == "economy") & snap.entities["region"].notna()
    ]
    assert len(with_region) == 217
    # the July 2025 regions: Afghanistan and Pakistan are in MEA
    idx = snap.entity_index
    assert idx.at["AFG", "region"] == "MEA" and idx.at["PAK", "region"] == "MEA"
    hist = snap.income_history
    assert hist["fiscal_year"].min() == 1989 and hist["fiscal_year"].max() == 2026
    assert snap.observations["year"].min() >= 2000


def test_bogus_zeros_are_dropped_and_recorded() -> None:
    snap = load_snapshot()
    users = snap.wide("IT.NET.USER.ZS")
    for code in ("MNA", "SST"):
        assert 2025 not in users.loc[code].dropna().index
    dropped = {(d.economy, d.year) for d in snap.descriptor.dropped}
    assert {("MNA", 2025), ("SST", 2025)} <= dropped


def test_derived_sex_population_adds_up() -> None:
    snap = fixture_snapshot()
    obs = normalise_observations(snap.observations.astype(object))
    obs = obs[~obs["indicator"].isin(["SP.POP.TOTL.FE.IN", "SP.POP.TOTL.MA.IN"])]
    derived = derive_sex_population(obs)
    wide = derived.pivot_table(index=["economy", "year"], columns="indicator", values="value")
    pop = obs[obs["indicator"] == "SP.POP.TOTL"].set_index(["economy", "year"])["value"]
    total = wide["SP.POP.TOTL.FE.IN"] + wide["SP.POP.TOTL.MA.IN"]
    pd.testing.assert_series_equal(total.sort_index(), pop.sort_index(), check_names=False)
    assert (derived["source"] == "derived").all()


def test_memberships_follow_fy26_for_regions_and_income() -> None:
    snap = fixture_snapshot()
    entities = snap.entities.assign(
        region=lambda f: f["region"].where(f["kind"] != "economy", "SSF")
    )
    groups = pd.DataFrame(
        {"group_code": ["LDC", "SSF"], "group_name": ["x", "y"], "economy": ["E05", "E01"]}
    )
    mem = build_memberships(entities, groups)
    ssf = set(mem.loc[mem["group"] == "SSF", "economy"])
    assert ssf == {"E01", "E02", "E03", "E04", "E05", "E06"}  # from the FY26 region, not CLASS
    assert set(mem.loc[mem["group"] == "LDC", "economy"]) == {"E05"}
    assert set(mem.loc[mem["group"] == "LMY", "economy"]) == {"E03", "E04", "E05", "E06"}


@pytest.mark.shared
def test_build_equals_bundle_and_is_deterministic(raw_dir: Path, tmp_path: Path) -> None:
    first = build_snapshot(raw_dir, store=tmp_path / "a")
    second = build_snapshot(raw_dir, store=tmp_path / "b")
    bundled = load_snapshot()
    for name in ("observations", "entities", "memberships", "income_history"):
        one = (first / f"{name}.parquet").read_bytes()
        assert one == (second / f"{name}.parquet").read_bytes(), (
            f"{name} differs between two builds"
        )
        assert one == (bundled.path / f"{name}.parquet").read_bytes(), (
            f"{name} differs from the bundle"
        )
    assert first.name == bundled.id
    built = load_snapshot(folder=first)
    assert built.descriptor.sources == bundled.descriptor.sources


@pytest.mark.shared
def test_every_catalogue_indicator_is_built(raw_dir: Path, tmp_path: Path) -> None:
    path = build_snapshot(raw_dir, store=tmp_path)
    snap = load_snapshot(folder=path)
    present = set(snap.observations["indicator"].astype(str).unique())
    assert set(load_catalogue().codes) <= present


def test_zero_prices_are_placeholders() -> None:
    """ITU writes 0 where it has no price; a price basket of 0% of income is dropped and logged."""
    snap = fixture_snapshot()
    obs = normalise_observations(snap.observations.astype(object))
    price = obs["indicator"] == "i154_FBB5_GNI"
    first = obs.index[price][0]
    obs.loc[first, "value"] = 0.0
    kept, dropped = drop_price_placeholders(obs, load_catalogue())
    assert len(kept) == len(obs) - 1 and first not in kept.index
    assert [(d.indicator, d.value) for d in dropped] == [("i154_FBB5_GNI", 0.0)]
    users = obs["indicator"] == "IT.NET.USER.ZS"
    obs.loc[obs.index[users][0], "value"] = 0.0  # a rate of 0 is a real value, kept
    assert len(drop_price_placeholders(obs, load_catalogue())[0]) == len(obs) - 1


def test_bundled_snapshot_has_no_zero_prices() -> None:
    snap = load_snapshot()
    for code in ("i154_FBB5_GNI", "i154_FBB5$", "i271mb_5GB_GNI"):
        assert (snap.rows(code)["value"] > 0).all()
