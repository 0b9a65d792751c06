"""Gaps and parity: gender parity and the urban/rural and youth/rest gaps of ITU aggregates.

Pure functions over a Snapshot and the Catalogue. Every table says which year, source id and
vintage each figure comes from, so a number on a slide can be traced back to its file. Codes
of breakdowns (female/male, urban/rural, youth/rest) come from the catalogue's breakdown links.

Two rules shape the numbers:
- A parity score is female rate / male rate. For a group it is the AGGREGATE female rate over
  the aggregate male rate (each weighted by its own population), never a mean of country ratios.
- A gap in points (high - low) and a ratio (high / low) can move in opposite directions: when
  both rates rise, the ratio can fall while the distance in points grows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from indicators.analytics.aggregates import WB_MIN_COVERAGE, aggregate_groups, itu_counterpart
from indicators.analytics.provenance import (
    KEY,
    check_entities,
    join_labels,
    long_rows,
    provenance,
    resolve_for_year,
    row_labels,
    safe_ratio,
)
from indicators.catalogue import Catalogue
from indicators.errors import AnalysisError
from indicators.store.snapshot import Snapshot

PARITY_BAND = (0.98, 1.02)  # ITU: a parity score from 0.98 to 1.02 (inclusive) counts as parity
POPULATION = "SP.POP.TOTL"
FEMALE_POPULATION = "SP.POP.TOTL.FE.IN"
MALE_POPULATION = "SP.POP.TOTL.MA.IN"


def in_parity_band(parity: np.ndarray | pd.Series) -> np.ndarray:
    """True where the parity score lies in ITU's band (0.98-1.02, inclusive); NaN is False."""
    p = np.asarray(parity, dtype=float)
    return (p >= PARITY_BAND[0]) & (p <= PARITY_BAND[1])


def parity_status(parity: np.ndarray | pd.Series) -> np.ndarray:
    """'parity', 'women ahead' (above the band), 'men ahead' (below it) or '' for no score."""
    p = np.asarray(parity, dtype=float)
    return np.select(
        [in_parity_band(p), p > PARITY_BAND[1], p < PARITY_BAND[0]],
        ["parity", "women ahead", "men ahead"],
        default="",
    )


def sex_codes(catalogue: Catalogue, indicator: str) -> tuple[str, str]:
    """The female and male breakdown codes of an indicator, from the catalogue links."""
    ind = catalogue.indicator(indicator)
    female, male = ind.breakdown("female"), ind.breakdown("male")
    if not female or not male:
        raise AnalysisError(
            f"{indicator} ({ind.short_name}) has no female/male breakdown in the catalogue, "
            "so no parity score can be computed"
        )
    return female, male


# --- gender parity, economies ----------------------------------------------------------------
def gender_parity(
    snapshot: Snapshot,
    catalogue: Catalogue,
    *,
    indicator: str = "IT.NET.USER.ZS",
    economies: Sequence[str] | None = None,
    years: Sequence[int] | None = None,
) -> pd.DataFrame:
    """Parity score, gap and people offline by sex, per economy and year with both rates.

    Columns: economy, name, kind, year, female, male, parity (female / male; NaN when male is
    0), gap_points (male - female), at_parity (ITU band 0.98-1.02, on the unrounded score),
    status ('parity' / 'women ahead' / 'men ahead'), female_population, male_population,
    women_offline and men_offline ((100 - rate) / 100 x the same year's population of that sex;
    NaN when the population is missing), estimate, source and vintage of the rates,
    population_source, population_vintage, female_code, male_code. Default economies: every
    entity with both rates (for ITU codes such as i99H these are ITU aggregates).
    """
    fe_code, ma_code = sex_codes(catalogue, indicator)
    df = long_rows(snapshot, fe_code, "female").merge(long_rows(snapshot, ma_code, "male"), on=KEY)
    if economies is not None:
        check_entities(snapshot, list(economies))
        df = df[df["economy"].isin(list(economies))]
    if years is not None:
        df = df[df["year"].isin([int(y) for y in years])]
    fw = catalogue.indicator(fe_code).weight or FEMALE_POPULATION
    mw = catalogue.indicator(ma_code).weight or MALE_POPULATION
    df = df.merge(long_rows(snapshot, fw, "fpop"), on=KEY, how="left")
    df = df.merge(long_rows(snapshot, mw, "mpop"), on=KEY, how="left")
    female, male = df["female"].to_numpy(), df["male"].to_numpy()
    parity = safe_ratio(female, male)
    ents = snapshot.entity_index
    out = pd.DataFrame(
        {
            "economy": df["economy"].to_numpy(),
            "name": df["economy"].map(ents["name"]).fillna(df["economy"]).to_numpy(),
            "kind": df["economy"].map(ents["kind"]).to_numpy(),
            "year": df["year"].to_numpy(dtype=int),
            "female": female,
            "male": male,
            "parity": parity,
            "gap_points": male - female,
            "at_parity": in_parity_band(parity),
            "status": parity_status(parity),
            "female_population": df["fpop"].to_numpy(),
            "male_population": df["mpop"].to_numpy(),
            "women_offline": (100.0 - female) / 100.0 * df["fpop"].to_numpy(),
            "men_offline": (100.0 - male) / 100.0 * df["mpop"].to_numpy(),
            "estimate": (df["female_estimate"] | df["male_estimate"]).to_numpy(dtype=bool),
            "source": row_labels(df["female_source"], df["male_source"]),
            "vintage": row_labels(df["female_vintage"], df["male_vintage"]),
            "population_source": row_labels(df["fpop_source"], df["mpop_source"]),
            "population_vintage": row_labels(df["fpop_vintage"], df["mpop_vintage"]),
            "female_code": fe_code,
            "male_code": ma_code,
        }
    )
    return out.sort_values(KEY, ignore_index=True)


# --- gender parity, groups -------------------------------------------------------------------
class PublishedParity(NamedTuple):
    """ITU's published female and male aggregate series of one ITU entity."""

    entity: str
    female_code: str
    male_code: str
    female: pd.Series
    male: pd.Series
    source: str
    vintage: str


def _published_itu_parity(
    snapshot: Snapshot, catalogue: Catalogue, *, fe_code: str, ma_code: str, group: str
) -> PublishedParity | None:
    """ITU's published female and male aggregate for the ITU entity equivalent to a group."""
    f = itu_counterpart(catalogue, snapshot, indicator=fe_code, group=group)
    m = itu_counterpart(catalogue, snapshot, indicator=ma_code, group=group)
    if f is None or m is None or f[0] != m[0]:
        return None
    entity = f[0]
    src, vin = provenance(snapshot, (f[1], m[1]), [entity])
    return PublishedParity(
        entity,
        f[1],
        m[1],
        snapshot.wide(f[1]).loc[entity],
        snapshot.wide(m[1]).loc[entity],
        src,
        vin,
    )


def group_parity(
    snapshot: Snapshot,
    catalogue: Catalogue,
    *,
    groups: Sequence[str],
    indicator: str = "IT.NET.USER.ZS",
    fiscal_year: int | None = None,
    years: Sequence[int] | None = None,
    min_coverage: float = WB_MIN_COVERAGE,
) -> pd.DataFrame:
    """Group parity score = aggregate female rate / aggregate male rate, per group and year.

    Each side is a World Bank-rule aggregate of the country rates, weighted by female (male)
    population; the score is NEVER a mean of country ratios (that would give a small economy the
    weight of a large one). No score when either side is below `min_coverage` (two-thirds of the
    group's female or male population). Note: even with equal female and male rates in every
    economy, the aggregate score can differ slightly from 1 when sex ratios differ between
    economies (each side has its own weights).

    Where an ITU aggregate entity has the group as its World Bank equivalent, ITU's published
    score (female / male of its published rates, e.g. i99H.F / i99H.M, vintage in `itu_vintage`)
    and the difference computed - published are added. ITU groups, vintages and imputation
    differ from ours, so a difference is expected. `fiscal_year` takes income groups as
    classified in that World Bank fiscal year; other groups are taken as they are.
    """
    fe_code, ma_code = sex_codes(catalogue, indicator)
    codes = list(dict.fromkeys(groups))
    if not codes:
        raise AnalysisError("no group given")
    resolved = [resolve_for_year(snapshot, c, fiscal_year) for c in codes]
    members = sorted({e for g in resolved for e in g.members})
    if years is None:
        found = set()
        for code in (fe_code, ma_code):
            wide = snapshot.wide(code).reindex(members)
            found |= {int(c) for c in wide.columns[wide.notna().any(axis=0)]}
        years = sorted(found)
    agg_f, agg_m = (
        aggregate_groups(
            snapshot,
            catalogue,
            indicator=code,
            groups=resolved,
            years=years,
            min_coverage=min_coverage,
        )
        for code in (fe_code, ma_code)
    )
    keep = ["group", "year", "value", "coverage", "reporting", "status"]
    df = agg_f[["group", "label", "year", "members", "basis", *keep[2:]]].merge(
        agg_m[keep], on=["group", "year"], suffixes=("_f", "_m")
    )
    ok = (df["status_f"] == "ok") & (df["status_m"] == "ok")
    parity = np.where(ok, safe_ratio(df["value_f"], df["value_m"]), np.nan)
    worst = np.where(
        ok,
        "ok",
        np.where(
            (df["status_f"] == "no data") | (df["status_m"] == "no data"),
            "no data",
            "below coverage threshold",
        ),
    )
    src, vin = provenance(snapshot, (fe_code, ma_code), members)
    weights = [w for c in (fe_code, ma_code) if (w := catalogue.indicator(c).weight)]
    psrc, pvin = provenance(snapshot, weights, members)
    out = pd.DataFrame(
        {
            "group": df["group"],
            "label": df["label"],
            "year": df["year"].astype(int),
            "female": df["value_f"],
            "male": df["value_m"],
            "parity": parity,
            "gap_points": df["value_m"] - df["value_f"],
            "at_parity": in_parity_band(parity),
            "female_coverage": df["coverage_f"],
            "male_coverage": df["coverage_m"],
            "female_reporting": df["reporting_f"],
            "male_reporting": df["reporting_m"],
            "members": df["members"],
            "female_status": df["status_f"],
            "male_status": df["status_m"],
            "status": worst,
            "basis": df["basis"],
            "source": src,
            "vintage": vin,
            "population_source": psrc,
            "population_vintage": pvin,
        }
    )
    return _add_itu_parity(snapshot, catalogue, out, fe_code=fe_code, ma_code=ma_code)


def _add_itu_parity(
    snapshot: Snapshot, catalogue: Catalogue, out: pd.DataFrame, *, fe_code: str, ma_code: str
) -> pd.DataFrame:
    """Add ITU's published female, male and parity for each group that has an ITU equivalent."""
    info, values = [], []
    for code in out["group"].unique():
        pub = _published_itu_parity(
            snapshot, catalogue, fe_code=fe_code, ma_code=ma_code, group=str(code)
        )
        if pub is None:
            continue
        info.append((code, pub.entity, pub.source, pub.vintage))
        both = pd.concat([pub.female.rename("itu_female"), pub.male.rename("itu_male")], axis=1)
        values.append(both.rename_axis("year").reset_index().assign(group=code))
    info_cols = ["group", "itu_entity", "itu_source", "itu_vintage"]
    value_cols = ["group", "year", "itu_female", "itu_male"]
    info_frame = pd.DataFrame.from_records(info, columns=info_cols).astype(object)
    value_frame = (
        pd.concat(values, ignore_index=True)[value_cols]
        if values
        else pd.DataFrame(columns=value_cols)
    )
    value_frame = value_frame.astype(
        {"year": out["year"].dtype, "itu_female": float, "itu_male": float}
    )
    out = out.merge(info_frame, on="group", how="left").merge(
        value_frame, on=["group", "year"], how="left"
    )
    out["itu_parity"] = safe_ratio(out["itu_female"], out["itu_male"])
    out["parity_diff"] = out["parity"] - out["itu_parity"]
    out[["itu_entity", "itu_source", "itu_vintage"]] = (
        out[["itu_entity", "itu_source", "itu_vintage"]]
        .astype(object)
        .where(out["itu_entity"].notna(), None)
    )
    return out.sort_values(["group", "year"], ignore_index=True)


# --- headline summary ------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class GenderSummary:
    """World parity score (ITU, published) and how many economies are at parity in their
    latest year. `latest` is the per-economy table behind the counts."""

    world_entity: str
    world_codes: tuple[str, str]
    world_year: int
    world_female: float
    world_male: float
    world_parity: float
    world_at_parity: bool
    world_source: str
    world_vintage: str
    n_economies: int
    at_parity: int
    women_ahead: int
    men_ahead: int
    reference_years: tuple[tuple[int, int], ...]  # (year, number of economies)
    excluded_stale: int
    window_start: int | None
    latest: pd.DataFrame
    source: str
    vintage: str
    note: str


def latest_gender_summary(
    snapshot: Snapshot,
    catalogue: Catalogue,
    *,
    indicator: str = "IT.NET.USER.ZS",
    world: str = "WLD",
    window_years: int | None = 5,
) -> GenderSummary:
    """The world parity score and counts of economies at parity, women ahead and men ahead.

    World: ITU's published female / male rates (e.g. i99H.F / i99H.M of the ITU entity whose
    World Bank equivalent is `world`), latest year with both. Economies: each one's latest year
    with both rates; with `window_years` set, only values from the last `window_years` years of
    the data count (older ones are reported as `excluded_stale`, not counted), so that a value
    from 2008 is not presented as today's situation.
    """
    fe_code, ma_code = sex_codes(catalogue, indicator)
    pub = _published_itu_parity(snapshot, catalogue, fe_code=fe_code, ma_code=ma_code, group=world)
    if pub is None:
        raise AnalysisError(f"no published ITU female and male aggregate for {world}")
    entity, wsrc, wvin = pub.entity, pub.source, pub.vintage
    both = pd.concat([pub.female, pub.male], axis=1, keys=["f", "m"]).dropna()
    if both.empty:
        raise AnalysisError(f"{entity} has no year with both female and male values")
    wy = int(both.index.max())
    wf, wm = float(both.at[wy, "f"]), float(both.at[wy, "m"])
    wp = float(safe_ratio(np.array([wf]), np.array([wm]))[0])
    table = gender_parity(snapshot, catalogue, indicator=indicator)
    table = table[(table["kind"] == "economy") & table["parity"].notna()]
    latest = table.sort_values(KEY).groupby("economy", sort=True).tail(1)
    window_start = None
    stale = 0
    if window_years is not None and not latest.empty:
        window_start = int(table["year"].max()) - window_years + 1
        stale = int((latest["year"] < window_start).sum())
        latest = latest[latest["year"] >= window_start]
    counts = latest["status"].value_counts()
    ref = tuple((int(y), int(n)) for y, n in latest["year"].value_counts().sort_index().items())
    note = (
        f"World: {pub.female_code}/{pub.male_code} of {entity}, {wy} ({wsrc}, vintage {wvin}). "
        f"Economies: latest year with both {fe_code} and {ma_code} ({join_labels(latest['vintage'])})"
        + (
            f", {window_start} or later ({stale} economies with older data left out)"
            if stale
            else ""
        )
        + f"; parity band {PARITY_BAND[0]}-{PARITY_BAND[1]} on unrounded scores."
    )
    return GenderSummary(
        world_entity=entity,
        world_codes=(pub.female_code, pub.male_code),
        world_year=wy,
        world_female=wf,
        world_male=wm,
        world_parity=wp,
        world_at_parity=bool(in_parity_band(np.array([wp]))[0]),
        world_source=wsrc,
        world_vintage=wvin,
        n_economies=len(latest),
        at_parity=int(counts.get("parity", 0)),
        women_ahead=int(counts.get("women ahead", 0)),
        men_ahead=int(counts.get("men ahead", 0)),
        reference_years=ref,
        excluded_stale=stale,
        window_start=window_start,
        latest=latest.reset_index(drop=True),
        source=join_labels(latest["source"]),
        vintage=join_labels(latest["vintage"]),
        note=note,
    )


# --- urban/rural, youth/rest and other breakdown pairs of ITU aggregates --------------------------
def breakdown_gap(
    snapshot: Snapshot,
    catalogue: Catalogue,
    *,
    total: str = "i99H",
    pair: tuple[str, str] = ("urban", "rural"),
    entities: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The gap between two breakdowns of a series (urban/rural, youth/rest, ...), per entity/year.

    The two codes are the catalogue's breakdown links of `total` for the roles in `pair` (e.g.
    i99H -> i99H.URB, i99H.RUR; i271G -> i271G.URB, i271G.RUR). Default entities: every ITU
    aggregate with both values. Columns: entity, name, year, first_role, first_code, first,
    second_role, second_code, second, gap_points (first - second), ratio (second / first; NaN
    when first is 0), total (the entity's value of `total` that year, if any), estimate,
    source, vintage.
    """
    ind = catalogue.indicator(total)
    codes: list[str] = []
    for role in pair:
        code = ind.breakdown(role)
        if not code:
            have = ", ".join(r for r, _ in ind.breakdowns) or "none"
            raise AnalysisError(f"{total} has no {role!r} breakdown in the catalogue (has: {have})")
        codes.append(code)
    df = long_rows(snapshot, codes[0], "first").merge(
        long_rows(snapshot, codes[1], "second"), on=KEY
    )
    df = df.merge(long_rows(snapshot, total, "total"), on=KEY, how="left")
    kinds = df["economy"].map(snapshot.entity_index["kind"])
    if entities is None:
        df = df[(kinds == "itu_aggregate").to_numpy()]
    else:
        check_entities(snapshot, list(entities), kind="entity")
        df = df[df["economy"].isin(list(entities))]
    first, second = df["first"].to_numpy(), df["second"].to_numpy()
    srcs = [df[f"{n}_source"] for n in ("first", "second", "total")]
    vins = [df[f"{n}_vintage"] for n in ("first", "second", "total")]
    out = pd.DataFrame(
        {
            "entity": df["economy"].to_numpy(),
            "name": df["economy"].map(snapshot.entity_index["name"]).to_numpy(dtype=object),
            "year": df["year"].to_numpy(dtype=int),
            "first_role": pair[0],
            "first_code": codes[0],
            "first": first,
            "second_role": pair[1],
            "second_code": codes[1],
            "second": second,
            "gap_points": first - second,
            "ratio": safe_ratio(second, first),
            "total": df["total"].to_numpy(),
            "estimate": (df["first_estimate"] | df["second_estimate"]).to_numpy(dtype=bool),
            "source": row_labels(*srcs),
            "vintage": row_labels(*vins),
        }
    )
    return out.sort_values(["entity", "year"], ignore_index=True)
