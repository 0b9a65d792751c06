"""Gaps and parity: gender, urban/rural, youth/rest and income divides, and people offline.

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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from indicators.aggregates import WB_MIN_COVERAGE, aggregate_groups, itu_counterpart
from indicators.catalogue import Catalogue
from indicators.errors import AnalysisError, UnknownCodeError
from indicators.groups import HISTORY_CODES, Group, group_codes, resolve_group
from indicators.snapshot import Snapshot

PARITY_BAND = (0.98, 1.02)  # ITU: a parity score from 0.98 to 1.02 (inclusive) counts as parity
POPULATION = "SP.POP.TOTL"
FEMALE_POPULATION = "SP.POP.TOTL.FE.IN"
MALE_POPULATION = "SP.POP.TOTL.MA.IN"
KEY = ["economy", "year"]
TOLERANCE = 1e-9  # changes smaller than this are float noise, not a narrowing gap


# --- small helpers -------------------------------------------------------------------------------
def _join(values: Iterable[object]) -> str:
    """Distinct non-empty labels, sorted and joined with '; ' (one provenance string)."""
    seen = {str(v) for v in values if v is not None and not pd.isna(v) and str(v)}
    return "; ".join(sorted(seen))


def _row_join(*columns: Sequence[object]) -> np.ndarray:
    """Row-wise provenance of several inputs: their distinct labels joined with '; '."""
    return np.array([_join(vals) for vals in zip(*columns, strict=True)], dtype=object)


def _long(snapshot: Snapshot, code: str, name: str) -> pd.DataFrame:
    """One indicator as economy, year, <name>, <name>_source, <name>_vintage, <name>_estimate."""
    r = snapshot.rows(code)
    return pd.DataFrame(
        {
            "economy": r["economy"].astype(str).to_numpy(dtype=object),
            "year": r["year"].to_numpy(dtype=int),
            name: r["value"].to_numpy(dtype=float),
            f"{name}_source": r["source"].astype(str).to_numpy(dtype=object),
            f"{name}_vintage": r["vintage"].astype(str).to_numpy(dtype=object),
            f"{name}_estimate": r["estimate"].to_numpy(dtype=bool),
        }
    )


def _check_entities(snapshot: Snapshot, codes: Sequence[str], kind: str = "economy") -> None:
    known = snapshot.entity_index.index
    for code in codes:
        if code not in known:
            raise UnknownCodeError(kind, code, known=[str(c) for c in known])


def _name(snapshot: Snapshot, code: str) -> str:
    idx = snapshot.entity_index
    return str(idx.at[code, "name"]) if code in idx.index else code


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den, NaN where den is 0 or missing (a ratio to nothing is undefined)."""
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = num / den
    return np.where(den == 0, np.nan, out)


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
    df = _long(snapshot, fe_code, "female").merge(_long(snapshot, ma_code, "male"), on=KEY)
    if economies is not None:
        _check_entities(snapshot, list(economies))
        df = df[df["economy"].isin(list(economies))]
    if years is not None:
        df = df[df["year"].isin([int(y) for y in years])]
    fw = catalogue.indicator(fe_code).weight or FEMALE_POPULATION
    mw = catalogue.indicator(ma_code).weight or MALE_POPULATION
    df = df.merge(_long(snapshot, fw, "fpop"), on=KEY, how="left")
    df = df.merge(_long(snapshot, mw, "mpop"), on=KEY, how="left")
    female, male = df["female"].to_numpy(), df["male"].to_numpy()
    parity = _ratio(female, male)
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
            "source": _row_join(df["female_source"], df["male_source"]),
            "vintage": _row_join(df["female_vintage"], df["male_vintage"]),
            "population_source": _row_join(df["fpop_source"], df["mpop_source"]),
            "population_vintage": _row_join(df["fpop_vintage"], df["mpop_vintage"]),
            "female_code": fe_code,
            "male_code": ma_code,
        }
    )
    return out.sort_values(KEY, ignore_index=True)


# --- gender parity, groups -------------------------------------------------------------------
def _resolve(snapshot: Snapshot, code: str, fiscal_year: int | None) -> Group:
    """A group; `fiscal_year` applies to income groups only (others are taken as they are)."""
    fy = fiscal_year if code in HISTORY_CODES else None
    return resolve_group(snapshot, code, fiscal_year=fy)


def _provenance(
    snapshot: Snapshot,
    codes: str | Sequence[str],
    members: Iterable[str],
    *,
    year: int | None = None,
) -> tuple[str, str]:
    """Source ids and vintages of the rows of one or more indicators for the given economies
    (in one year, if given)."""
    members = list(members)
    parts = [snapshot.rows(c) for c in ([codes] if isinstance(codes, str) else codes)]
    keep = [
        p["economy"].isin(members) & ((p["year"] == year) if year is not None else True)
        for p in parts
    ]
    picked = [p.loc[k, ["source", "vintage"]] for p, k in zip(parts, keep, strict=True)]
    return (
        _join(v for p in picked for v in p["source"].unique()),
        _join(v for p in picked for v in p["vintage"].unique()),
    )


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
    src, vin = _provenance(snapshot, (f[1], m[1]), [entity])
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
    resolved = [_resolve(snapshot, c, fiscal_year) for c in codes]
    members = sorted({e for g in resolved for e in g.members})
    if years is None:
        found = set()
        for code in (fe_code, ma_code):
            wide = snapshot.wide(code).reindex(members)
            found |= {int(c) for c in wide.columns[wide.notna().any(axis=0)]}
        years = sorted(found)
    kw = {"groups": resolved, "years": years, "min_coverage": min_coverage}
    agg_f = aggregate_groups(snapshot, catalogue, indicator=fe_code, **kw)
    agg_m = aggregate_groups(snapshot, catalogue, indicator=ma_code, **kw)
    keep = ["group", "year", "value", "coverage", "reporting", "status"]
    df = agg_f[["group", "label", "year", "members", "basis", *keep[2:]]].merge(
        agg_m[keep], on=["group", "year"], suffixes=("_f", "_m")
    )
    ok = (df["status_f"] == "ok") & (df["status_m"] == "ok")
    parity = np.where(ok, _ratio(df["value_f"], df["value_m"]), np.nan)
    worst = np.where(
        ok,
        "ok",
        np.where(
            (df["status_f"] == "no data") | (df["status_m"] == "no data"),
            "no data",
            "below coverage threshold",
        ),
    )
    src, vin = _provenance(snapshot, (fe_code, ma_code), members)
    weights = [w for c in (fe_code, ma_code) if (w := catalogue.indicator(c).weight)]
    psrc, pvin = _provenance(snapshot, weights, members)
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
    out["itu_parity"] = _ratio(out["itu_female"], out["itu_male"])
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
    wp = float(_ratio(np.array([wf]), np.array([wm]))[0])
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
        f"Economies: latest year with both {fe_code} and {ma_code} ({_join(latest['vintage'])})"
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
        source=_join(latest["source"]),
        vintage=_join(latest["vintage"]),
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
    codes = [ind.breakdown(role) for role in pair]
    for role, code in zip(pair, codes, strict=True):
        if not code:
            have = ", ".join(r for r, _ in ind.breakdowns) or "none"
            raise AnalysisError(f"{total} has no {role!r} breakdown in the catalogue (has: {have})")
    df = _long(snapshot, codes[0], "first").merge(_long(snapshot, codes[1], "second"), on=KEY)
    df = df.merge(_long(snapshot, total, "total"), on=KEY, how="left")
    kinds = df["economy"].map(snapshot.entity_index["kind"])
    if entities is None:
        df = df[(kinds == "itu_aggregate").to_numpy()]
    else:
        _check_entities(snapshot, list(entities), kind="entity")
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
            "ratio": _ratio(second, first),
            "total": df["total"].to_numpy(),
            "estimate": (df["first_estimate"] | df["second_estimate"]).to_numpy(dtype=bool),
            "source": _row_join(*srcs),
            "vintage": _row_join(*vins),
        }
    )
    return out.sort_values(["entity", "year"], ignore_index=True)


# --- the income divide -------------------------------------------------------------------------
BASES = ("published", "computed")


@dataclass(frozen=True, eq=False)
class IncomeGap:
    """The divide between a high and a low group over time, and its pace.

    `table`: year, high, low, gap (high - low, points), ratio (high / low) [, high_coverage,
    low_coverage for computed aggregates]. The gap in points and the ratio answer different
    questions and can move in opposite directions: in a hypothetical case where use goes from
    1% to 20% in the low group and from 50% to 90% in the high one, the ratio falls from 50 to
    4.5 (the divide narrows in relative terms) while the gap widens from 49 to 70 points.
    `closing` refers to the gap in points, `ratio_closing` to the ratio, both over the recent
    period (`recent_start_year` -> `latest_year`). Paces are in points per year.
    """

    indicator: str
    high: str
    low: str
    basis: str
    fiscal_year: int | None
    table: pd.DataFrame
    latest_year: int
    recent_start_year: int
    baseline: int
    baseline_year: int | None
    baseline_substituted: bool
    pace_recent: float
    pace_since_baseline: float
    closing: bool
    ratio_closing: bool
    source: str
    vintage: str
    note: str


def _known_group(snapshot: Snapshot, code: str) -> None:
    if code not in snapshot.entity_index.index and code not in set(group_codes(snapshot)):
        raise UnknownCodeError("group", code, known=group_codes(snapshot))


def _income_table(
    snapshot: Snapshot,
    catalogue: Catalogue,
    *,
    indicator: str,
    high: str,
    low: str,
    basis: str,
    fiscal_year: int | None,
) -> tuple[pd.DataFrame, str, str, str]:
    """(table of high and low values by year, source, vintage, description of the basis)."""
    if basis == "published":
        if fiscal_year is not None:
            raise AnalysisError(
                "fiscal_year applies to basis='computed' only: a published aggregate uses the "
                "classification of its release for every year"
            )
        wide = snapshot.wide(indicator)
        for code in (high, low):
            if code not in wide.index:
                raise AnalysisError(
                    f"no published {indicator} aggregate for {code}; use basis='computed'"
                )
        table = pd.DataFrame({"high": wide.loc[high], "low": wide.loc[low]})
        src, vin = _provenance(snapshot, indicator, [high, low])
        text = (
            f"published World Bank aggregates {high} and {low} (the release applies its current "
            "income classification to every past year)"
        )
        return table, src, vin, text
    gh, gl = _resolve(snapshot, high, fiscal_year), _resolve(snapshot, low, fiscal_year)
    agg = aggregate_groups(snapshot, catalogue, indicator=indicator, groups=[gh, gl])
    h = agg[agg["group"] == high].set_index("year")
    lo = agg[agg["group"] == low].set_index("year")
    table = pd.DataFrame(
        {
            "high": h["value"],
            "low": lo["value"],
            "high_coverage": h["coverage"],
            "low_coverage": lo["coverage"],
        }
    )
    src, vin = _provenance(snapshot, indicator, gh.members + gl.members)
    text = (
        f"aggregates computed from economy values by the World Bank rule (no value below "
        f"two-thirds coverage); {high}: {gh.basis}; {low}: {gl.basis}"
    )
    return table, src, vin, text


def _reporting_note(snapshot: Snapshot, indicator: str, codes: Sequence[str], year: int) -> str:
    """How many members of each group report a value in `year` (published aggregates impute
    the rest, which matters in the most recent year)."""
    parts = []
    wide = snapshot.wide(indicator)
    for code in codes:
        if code in set(group_codes(snapshot)):
            grp = resolve_group(snapshot, code)
            col = wide[year] if year in wide.columns else pd.Series(dtype=float)
            parts.append(f"{int(col.reindex(list(grp.members)).notna().sum())}/{grp.size} {code}")
    if not parts:
        return ""
    return f"Members with their own {year} value: {', '.join(parts)}."


def income_gap(
    snapshot: Snapshot,
    catalogue: Catalogue,
    *,
    indicator: str = "IT.NET.USER.ZS",
    high: str = "HIC",
    low: str = "LIC",
    basis: str = "published",
    fiscal_year: int | None = None,
    baseline: int = 2005,
    baseline_window: int = 2,
    recent_years: int = 5,
) -> IncomeGap:
    """The gap between a high and a low group (points and ratio), with its pace and direction.

    basis 'published' uses the World Bank aggregate rows of the snapshot; 'computed' aggregates
    economy values (indicators.aggregates), with `fiscal_year` taking income groups as
    classified in that fiscal year (e.g. 2006 for the groups set on 2004 GNI, in force in 2005).
    `pace_recent` is the change of the gap per year from `latest_year - recent_years` (or the
    first year after it with data) to the latest year; `pace_since_baseline` the change per year
    since `baseline` (or the nearest year within `baseline_window`, flagged as substituted).
    See IncomeGap for why the gap in points can widen while the ratio falls.
    """
    if basis not in BASES:
        raise ValueError(f"basis must be one of {BASES}, not {basis!r}")
    if recent_years < 1:
        raise ValueError("recent_years must be at least 1")
    if high == low:
        raise ValueError("high and low must be different groups")
    catalogue.indicator(indicator)
    for code in (high, low):
        _known_group(snapshot, code)
    table, src, vin, text = _income_table(
        snapshot,
        catalogue,
        indicator=indicator,
        high=high,
        low=low,
        basis=basis,
        fiscal_year=fiscal_year,
    )
    table = table.dropna(subset=["high", "low"])
    if len(table) < 2:
        raise AnalysisError(f"fewer than two years with both {high} and {low} ({text})")
    table.index = table.index.astype(int)
    table.insert(2, "gap", table["high"] - table["low"])
    table.insert(3, "ratio", _ratio(table["high"], table["low"]))
    table = table.rename_axis("year").reset_index()
    years = table["year"].tolist()
    gap = dict(zip(years, table["gap"], strict=True))
    ratio = dict(zip(years, table["ratio"], strict=True))
    latest = max(years)
    earlier = [y for y in years if y < latest]
    in_window = [y for y in earlier if y >= latest - recent_years]
    start = min(in_window) if in_window else max(earlier)
    pace_recent = (gap[latest] - gap[start]) / (latest - start)
    near = [y for y in years if abs(y - baseline) <= baseline_window and y < latest]
    base = min(near, key=lambda y: (abs(y - baseline), -y)) if near else None
    pace_base = (gap[latest] - gap[base]) / (latest - base) if base is not None else np.nan
    notes = [f"Basis: {text}."]
    if start != latest - recent_years:
        notes.append(f"Recent period starts in {start} (no value for {latest - recent_years}).")
    if base is None:
        notes.append(f"No value within {baseline_window} years of {baseline}: no pace since then.")
    elif base != baseline:
        notes.append(f"Baseline {baseline} replaced by {base}, the nearest year with both values.")
    for y0 in dict.fromkeys(y for y in (base, start) if y is not None):
        notes.append(
            f"{y0} -> {latest}: gap {gap[y0]:.1f} -> {gap[latest]:.1f} points, ratio "
            f"{ratio[y0]:.2f} -> {ratio[latest]:.2f}"
            + (
                " (the gap in points widened while the ratio fell: the low group grew faster "
                "in relative terms but by fewer points)."
                if gap[latest] > gap[y0] and ratio[latest] < ratio[y0]
                else "."
            )
        )
    if basis == "published":
        notes.append(_reporting_note(snapshot, indicator, (high, low), latest))
    return IncomeGap(
        indicator=indicator,
        high=high,
        low=low,
        basis=basis,
        fiscal_year=fiscal_year,
        table=table,
        latest_year=latest,
        recent_start_year=start,
        baseline=baseline,
        baseline_year=base,
        baseline_substituted=base is not None and base != baseline,
        pace_recent=float(pace_recent),
        pace_since_baseline=float(pace_base),
        closing=bool(gap[latest] < gap[start] - TOLERANCE),
        ratio_closing=bool(ratio[latest] < ratio[start] - TOLERANCE),
        source=src,
        vintage=vin,
        note=" ".join(notes),
    )


# --- people online and offline -----------------------------------------------------------------
def _series(snapshot: Snapshot, code: str, entity: str) -> pd.Series:
    wide = snapshot.wide(code)
    return wide.loc[entity].dropna() if entity in wide.index else pd.Series(dtype=float)


def _computed(
    snapshot: Snapshot, catalogue: Catalogue, *, indicator: str, pop_code: str, grp: Group
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """A group's computed rate (status ok only), its coverage, and its population summed over
    the members in the years when every member has one."""
    agg = aggregate_groups(snapshot, catalogue, indicator=indicator, groups=[grp])
    ok = agg[agg["status"] == "ok"].set_index("year")
    summed = aggregate_groups(snapshot, catalogue, indicator=pop_code, groups=[grp])
    full = summed[summed["coverage"] >= 1.0].set_index("year")["value"]
    return ok["value"], agg.set_index("year")["coverage"], full


def _people(
    snapshot: Snapshot, catalogue: Catalogue, *, indicator: str, code: str, year: int | None
) -> dict[str, object]:
    """One row of online_offline: published rate and population, else computed, and why."""
    pop_code = catalogue.indicator(indicator).weight or POPULATION
    is_group = code in set(group_codes(snapshot))
    if code not in snapshot.entity_index.index and not is_group:
        raise UnknownCodeError("group or economy", code, known=group_codes(snapshot))
    rate_pub, pop = _series(snapshot, indicator, code), _series(snapshot, pop_code, code)
    rate_comp, cover, summed = (pd.Series(dtype=float),) * 3
    grp = resolve_group(snapshot, code) if is_group else None
    if grp is not None:
        kw = {"indicator": indicator, "pop_code": pop_code, "grp": grp}
        rate_comp, cover, summed = _computed(snapshot, catalogue, **kw)
    pop_all = pop.combine_first(summed)
    if year is None:
        pub = sorted(set(rate_pub.index) & set(pop_all.index))
        comp = sorted(set(rate_comp.index) & set(pop_all.index))
        if not pub and not comp:
            raise AnalysisError(f"no year with both {indicator} and {pop_code} for {code}")
        year = pub[-1] if pub else comp[-1]
    notes, coverage, rate_basis, rate_from = [], np.nan, "none", [code]
    if year in rate_pub.index:
        rate, rate_basis = float(rate_pub[year]), "published"
        if grp is not None:
            notes.append(_reporting_note(snapshot, indicator, [code], year))
    elif year in rate_comp.index:
        rate, rate_basis, coverage = float(rate_comp[year]), "computed", float(cover[year])
        rate_from = list(grp.members)
        notes.append(
            f"No published {indicator} for {code} in {year}: aggregate computed from "
            f"economies holding {coverage:.0%} of the population."
        )
    else:
        rate = np.nan
        notes.append(f"No {indicator} value for {code} in {year}.")
    pop_basis = "published" if year in pop.index else "none"
    if pop_basis == "none" and year in summed.index:
        pop_basis = "sum of members"
        notes.append(f"Population summed over the {grp.size} members (no published row).")
    elif pop_basis == "none":
        notes.append(f"No {pop_code} value for {code} in {year}.")
    src, vin = _provenance(snapshot, indicator, rate_from, year=year)
    pop_from = list(grp.members) if pop_basis == "sum of members" else [code]
    psrc, pvin = _provenance(snapshot, pop_code, pop_from, year=year)
    population = float(pop_all[year]) if year in pop_all.index else np.nan
    share = rate / 100.0
    return {
        "group": code,
        "name": _name(snapshot, code),
        "year": int(year),
        "rate": rate,
        "population": population,
        "online": share * population,
        "offline": (1.0 - share) * population,
        "share_online": share,
        "share_offline": 1.0 - share,
        "rate_basis": rate_basis,
        "coverage": coverage,
        "population_basis": pop_basis,
        "source": src,
        "vintage": vin,
        "population_source": psrc,
        "population_vintage": pvin,
        "note": " ".join(n for n in notes if n),
    }


def online_offline(
    snapshot: Snapshot,
    catalogue: Catalogue,
    *,
    groups: Sequence[str] = ("WLD",),
    year: int | None = None,
    indicator: str = "IT.NET.USER.ZS",
) -> pd.DataFrame:
    """People online and offline (counts and shares) for groups or economies in one year.

    The rate is the published row of the group or economy (for WLD, the World Bank aggregate)
    and the population its published SP.POP.TOTL row of the same year. Without a published
    rate, the World Bank-rule aggregate of the members is used (rate_basis 'computed', with its
    coverage); without a published population, the members' sum when every member has one.
    Default year: per group, the latest year with a published rate and a population (else with
    a computed one). `note` says what was substituted. The indicator must be a share of the
    population (e.g. Internet use), so that rate x population counts people.
    """
    ind = catalogue.indicator(indicator)
    if ind.unit != "percent of population" or ind.aggregation != "weighted_mean":
        raise AnalysisError(
            f"{indicator} ({ind.unit}) is not a share of the population: people cannot be counted"
        )
    if not groups:
        raise AnalysisError("no group or economy given")
    recs = [
        _people(snapshot, catalogue, indicator=indicator, code=c, year=year)
        for c in dict.fromkeys(groups)
    ]
    return pd.DataFrame.from_records(recs)
