"""Tiny snapshots built by code for unit tests (no real figures, no files needed).

`fixture_snapshot()` holds six made-up economies E01..E06 with values from simple formulas of the
year, World Bank-style groups (WLD, HIC, UMC, LMC, LIC, LMY, R1, R2), an income history in which
the groups differ in FY2005, one published World aggregate and ITU-style aggregate entities.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from indicators.schema import concat_observations
from indicators.store.descriptor import Descriptor
from indicators.store.snapshot import Snapshot

ECONOMIES = ("E01", "E02", "E03", "E04", "E05", "E06")
INCOME_TODAY = {"E01": "HIC", "E02": "HIC", "E03": "UMC", "E04": "LMC", "E05": "LIC", "E06": "LIC"}
INCOME_FY2005 = {"E01": "H", "E02": "UM", "E03": "LM", "E04": "L", "E05": "L", "E06": "L"}
REGION = {"E01": "R1", "E02": "R1", "E03": "R1", "E04": "R2", "E05": "R2", "E06": "R2"}
YEARS = tuple(range(2000, 2025))
FIXTURE_SOURCE = "fixture_source"
FIXTURE_VINTAGE = "fixture-vintage"


def economy_index(code: str) -> int:
    return ECONOMIES.index(code) + 1


def fixture_population(code: str, year: int) -> float:
    """Population grows 1% a year from a base of one million times the economy's index."""
    return 1e6 * economy_index(code) * (1 + 0.01 * (year - 2000))


def fixture_internet(code: str, year: int) -> float:
    """Internet use rises linearly, faster in richer fixture economies, capped at 99."""
    i = economy_index(code)
    return float(min(99.0, (7 - i) * 1.5 + (7 - i) * 0.6 * (year - 2000)))


def rows(
    indicator: str,
    func: Callable[[str, int], float],
    *,
    economies: Iterable[str] = ECONOMIES,
    years: Iterable[int] = YEARS,
    source: str = FIXTURE_SOURCE,
    estimate: bool = False,
) -> pd.DataFrame:
    """Observation rows of one indicator computed by `func(economy, year)` (NaN results skipped)."""
    recs = []
    for eco in economies:
        for year in years:
            value = func(eco, year)
            if value is not None and not np.isnan(value):
                recs.append(
                    (eco, indicator, year, float(value), source, FIXTURE_VINTAGE, estimate, "")
                )
    cols = ["economy", "indicator", "year", "value", "source", "vintage", "estimate", "note"]
    return pd.DataFrame.from_records(recs, columns=cols)


def fixture_entities() -> pd.DataFrame:
    recs = [
        (c, f"Economy {c}", "economy", REGION[c], INCOME_TODAY[c], None, None, None)
        for c in ECONOMIES
    ]
    for code, name in (
        ("WLD", "World"),
        ("HIC", "High income"),
        ("LIC", "Low income"),
        ("LMY", "Low & middle income"),
    ):
        recs.append((code, name, "wb_aggregate", None, None, None, None, f"fixture group {code}"))
    recs.append(
        ("ITU_WLD", "World (ITU)", "itu_aggregate", None, None, None, "WLD", "fixture ITU world")
    )
    recs.append(
        ("ITU_LIC", "Low-income (ITU)", "itu_aggregate", None, None, None, "LIC", "fixture ITU LIC")
    )
    cols = [
        "code",
        "name",
        "kind",
        "region",
        "income_group",
        "lending_category",
        "wb_equivalent",
        "description",
    ]
    frame = pd.DataFrame.from_records(recs, columns=cols)
    economy = frame["kind"] == "economy"
    # fixture names: the UN-style name differs from the World Bank-style one, with an alias
    return frame.assign(
        wb_name=frame["name"].where(~economy, "Economy, " + frame["code"]),
        name_source=frame["kind"].map(
            {"economy": "fixture names", "wb_aggregate": "World Bank", "itu_aggregate": "ITU"}
        ),
        aliases=frame["code"].where(~economy, "Fixture land " + frame["code"]).where(economy, None),
        pattern=frame["code"]
        .where(~economy, "fixture.?" + frame["code"].str.lower())
        .where(economy, None),
    )


def fixture_memberships() -> pd.DataFrame:
    recs = [("WLD", c, "fixture") for c in ECONOMIES]
    recs += [(INCOME_TODAY[c], c, "fixture") for c in ECONOMIES]
    recs += [(REGION[c], c, "fixture") for c in ECONOMIES]
    recs += [("LMY", c, "fixture") for c in ECONOMIES if INCOME_TODAY[c] != "HIC"]
    return pd.DataFrame.from_records(recs, columns=["group", "economy", "basis"]).sort_values(
        ["group", "economy"], ignore_index=True
    )


def fixture_income_history() -> pd.DataFrame:
    recs = []
    for fy in range(1989, 2027):
        for c in ECONOMIES:
            today = {"HIC": "H", "UMC": "UM", "LMC": "LM", "LIC": "L"}[INCOME_TODAY[c]]
            recs.append((c, fy, INCOME_FY2005[c] if fy <= 2005 else today))
    return pd.DataFrame.from_records(
        recs, columns=["economy", "fiscal_year", "income_group"]
    ).astype({"fiscal_year": "int16"})


def weighted_world(func: Callable[[str, int], float], year: int) -> float:
    """The population-weighted mean of `func` over all fixture economies (for published rows)."""
    w = np.array([fixture_population(c, year) for c in ECONOMIES])
    v = np.array([func(c, year) for c in ECONOMIES])
    return float((w * v).sum() / w.sum())


def fixture_observations() -> pd.DataFrame:
    def female(c: str, y: int) -> float:
        return fixture_internet(c, y) * (0.8 + 0.03 * economy_index(c) % 0.2)

    def male(c: str, y: int) -> float:
        return min(99.0, fixture_internet(c, y) * 1.1)

    def price(c: str, y: int) -> float:
        return 0.5 * economy_index(c) + 0.1 * (2024 - y) if y >= 2018 else np.nan

    parts = [
        rows("SP.POP.TOTL", fixture_population),
        rows("SP.POP.TOTL.FE.ZS", lambda c, y: 50.0),
        rows("SP.POP.TOTL.FE.IN", lambda c, y: fixture_population(c, y) * 0.5, source="derived"),
        rows("SP.POP.TOTL.MA.IN", lambda c, y: fixture_population(c, y) * 0.5, source="derived"),
        rows("IT.NET.USER.ZS", fixture_internet),
        rows("IT.NET.USER.FE.ZS", female, years=range(2015, 2024)),
        rows("IT.NET.USER.MA.ZS", male, years=range(2015, 2024)),
        rows("i154_FBB5_GNI", price),
        rows(
            "IT.NET.USER.ZS",
            lambda c, y: weighted_world(fixture_internet, y) + 0.5,
            economies=["WLD"],
        ),
        rows(
            "i99H",
            lambda c, y: weighted_world(fixture_internet, y) - 1.0,
            economies=["ITU_WLD"],
            years=range(2005, 2024),
            source="fixture_itu",
            estimate=True,
        ),
        rows(
            "i99H.F",
            lambda c, y: weighted_world(female, y),
            economies=["ITU_WLD"],
            years=range(2019, 2024),
            source="fixture_itu",
            estimate=True,
        ),
        rows(
            "i99H.M",
            lambda c, y: weighted_world(male, y),
            economies=["ITU_WLD"],
            years=range(2019, 2024),
            source="fixture_itu",
            estimate=True,
        ),
        rows(
            "i99H.URB",
            lambda c, y: 60.0 + (y - 2021),
            economies=["ITU_WLD", "ITU_LIC"],
            years=range(2021, 2025),
            source="fixture_itu",
            estimate=True,
        ),
        rows(
            "i99H.RUR",
            lambda c, y: 30.0 + 2 * (y - 2021),
            economies=["ITU_WLD", "ITU_LIC"],
            years=range(2021, 2025),
            source="fixture_itu",
            estimate=True,
        ),
    ]
    return concat_observations(parts)


def fixture_descriptor_json() -> dict:
    """The fixture snapshot's descriptor as JSON (three made-up sources)."""
    src = {
        "licence": "fixture licence",
        "attribution": "fixture attribution",
        "producer": "fixture producer",
        "loader": "fixture",
        "files": [],
        "series": [],
        "rows": 0,
    }
    return {
        "snapshot_id": "wsis20-fixture",
        "schema_version": 1,
        "builder": "tests",
        "title": "fixture snapshot",
        "built_at": "2000-01-01T00:00:00Z",
        "built_from": "fixtures",
        "catalogue_version": 1,
        "sources": [
            {
                "id": FIXTURE_SOURCE,
                "title": "fixture",
                "dataset": "wdi",
                "vintage": FIXTURE_VINTAGE,
                **src,
            },
            {
                "id": "fixture_itu",
                "title": "fixture ITU",
                "dataset": "itu_key_ict",
                "vintage": FIXTURE_VINTAGE,
                **src,
            },
            {
                "id": "derived",
                "title": "derived",
                "dataset": "derived",
                "vintage": FIXTURE_VINTAGE,
                **src,
            },
        ],
        "tables": {},
        "row_count": 0,
    }


def fixture_descriptor(**changes: object) -> Descriptor:
    """The fixture snapshot's descriptor (typed), with top-level fields changed."""
    return Descriptor.from_json(fixture_descriptor_json() | changes)


def fixture_snapshot(observations: pd.DataFrame | None = None) -> Snapshot:
    """A complete in-memory Snapshot of the fixture economies (or of the given observations)."""
    obs = fixture_observations() if observations is None else observations
    cat_cols = ["economy", "indicator", "source", "vintage", "note"]
    obs = obs.astype({c: "category" for c in cat_cols})
    desc = fixture_descriptor(row_count=len(obs))
    return Snapshot(
        observations=obs,
        entities=fixture_entities(),
        memberships=fixture_memberships(),
        income_history=fixture_income_history(),
        descriptor=desc,
    )


def fixture_with(*extra: pd.DataFrame, drop: tuple[str, ...] = ()) -> Snapshot:
    """The fixture snapshot with some indicators replaced or added (rows built by formulas)."""
    base = fixture_observations()
    base = base[~base["indicator"].isin(list(drop))]
    return fixture_snapshot(concat_observations([base, *extra]))
