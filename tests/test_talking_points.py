"""Talking points (indicators.talking_points): every area gets a sentence, every figure in it is
the snapshot's value recomputed here, with its year, source and vintage."""

from __future__ import annotations

import pytest
from fixtures import (
    YEARS,
    fixture_internet,
    fixture_observations,
    fixture_snapshot,
    fixture_with,
    rows,
)

from indicators.analytics.affordability import (
    BROADBAND_COMMISSION_THRESHOLD,
    affordability_by_group,
)
from indicators.analytics.divides import income_gap, online_offline
from indicators.analytics.gaps import latest_gender_summary
from indicators.catalogue import load_catalogue
from indicators.narrative.talking_points import AREA_POINTS, TalkingPoint, talking_points
from indicators.rules import BASELINE_WINDOW, head_count
from indicators.schema import concat_observations

CAT = load_catalogue()
USE = "IT.NET.USER.ZS"
BASELINE = 2005  # the default baseline option of talking_points


@pytest.fixture(scope="module")
def points(bundled_snapshot) -> list[TalkingPoint]:
    return talking_points(bundled_snapshot, CAT)


def value(snap, code: str, entity: str, year: int | None = None) -> tuple[float, int]:
    """(value, year) of one series, in `year` or its latest year, read from the wide table."""
    series = snap.wide(code).loc[entity].dropna()
    year = int(series.index[-1]) if year is None else year
    return float(series[year]), year


def pair(snap, first: str, second: str) -> list[str]:
    a, year = value(snap, first, "ITU_WLD")
    b, _ = value(snap, second, "ITU_WLD", year)
    return [f"In {year}, {a:.1f}%", f"{b:.1f}%", f"a gap of {a - b:.1f} points"]


def affordability_figures(snap, code: str) -> list[str]:
    """The target's scope: low- and middle-income economies (developing countries)."""
    year = int(affordability_by_group(snap, CAT, indicator=code, groups=("LMY",))["year"].iloc[0])
    cost = snap.wide(code)[year]
    cost = cost[cost > 0]
    scope = cost.reindex(snap.group_index["LMY"][0]).dropna()
    low = cost.reindex(snap.group_index["LIC"][0]).dropna()
    over = int((scope >= BROADBAND_COMMISSION_THRESHOLD).sum())
    return [f"in {year}, {over} of {len(scope)} low- and middle-income economies",
            f"cost {low.median():.1f}% of monthly", "2 GB"]  # fmt: skip


def expected(area: str, snap) -> list[str]:
    """Text fragments the area's sentences must contain, computed independently of the module."""
    if area == "access":
        then, _ = value(snap, USE, "WLD", BASELINE)
        now, year = value(snap, USE, "WLD")
        off = online_offline(snap, CAT, groups=("WLD",), year=year).iloc[0]
        lte, lte_year = value(snap, "i271GA", "ITU_WLD")
        return [f"from {then:.1f}% of the world's population in {BASELINE}", f"to {now:.1f}% in {year}",
                f"about {off['offline'] / 1e9:.2f} billion people ({1 - now / 100:.0%})",
                f"{lte:.1f}% of the world's population lived within reach", f"in {lte_year}"]  # fmt: skip
    if area == "affordability":
        codes = ("i154_FBB5_GNI", "i271mb_5GB_GNI")
        return [f for code in codes for f in affordability_figures(snap, code)]
    if area == "quality":
        world, year = value(snap, "i271G5_pop", "ITU_WLD")
        ldc, _ = value(snap, "i271G5_pop", "ITU_LDC", year)
        fixed, fixed_year = value(snap, "IT.NET.BBND.P2", "WLD")
        return [f"5G covered {world:.1f}% of the world's population in {year}", f"only {ldc:.1f}%",
                f"{fixed:.1f} subscriptions per 100 people in {fixed_year}"]  # fmt: skip
    if area == "devices":
        own, year = value(snap, "xHH18_IDI", "ITU_WLD")
        women, _ = value(snap, "xHH18_IDI.F", "ITU_WLD", year)
        men, _ = value(snap, "xHH18_IDI.M", "ITU_WLD", year)
        return [f"{own:.1f}% of people", f"in {year}", f"({women:.1f}% of women, {men:.1f}% of men"]
    if area == "gender":
        s = latest_gender_summary(snap, CAT)
        return [f"{s.world_female:.1f}% of women used the Internet in {s.world_year}",
                f"{s.world_male:.1f}% of men", f"parity score of {s.world_female / s.world_male:.2f}",
                f"{s.n_economies} economies with their own data",
                f"{s.at_parity} were at parity"]  # fmt: skip
    if area == "age":
        return pair(snap, "i99H.Y15_24", "i99H.REST")
    if area == "geography":
        return pair(snap, "i99H.URB", "i99H.RUR")
    if area == "income":
        wide = snap.wide(USE)
        gap = income_gap(snap, CAT, baseline=BASELINE)
        first, last = gap.baseline_year, gap.latest_year
        g0, g1 = (wide.at["HIC", y] - wide.at["LIC", y] for y in (first, last))
        return [f"In {last}, {wide.at['HIC', last]:.1f}%", f"against {wide.at['LIC', last]:.1f}%",
                "as classified in FY26", "as classified at the time",
                "With today's groups the gap", f"from {g0:.1f} points in {first} (",
                f") to {g1:.1f}",
                f"from {wide.at['HIC', first] / wide.at['LIC', first]:.0f} to "
                f"{wide.at['HIC', last] / wide.at['LIC', last]:.1f} times"]  # fmt: skip
    assert area == "trust"
    now, year = value(snap, "IT.NET.SECR.P6", "WLD")
    return [f"{now:,.0f} secure Internet servers per million people in {year}"]


def test_every_catalogue_area_gets_a_point_in_catalogue_order(points) -> None:
    order = list(dict.fromkeys(p.area for p in points))
    assert order == [a.id for a in CAT.areas]


@pytest.mark.parametrize("area", CAT.areas, ids=lambda a: a.id)
def test_area_points_follow_the_area_status(points, area) -> None:
    """Measured areas have a figure; areas without an indicator name the gap and its source."""
    mine = [p for p in points if p.area == area.id]
    missing = [p for p in mine if p.text.startswith("What is missing:")]
    if area.id in AREA_POINTS:
        assert any(p.evidence for p in mine)
        assert len(missing) == (area.status == "partial" and bool(area.gap_statement))
        assert all(area.gap_statement in p.text for p in missing)
    else:
        assert area.status == "gap" and len(mine) == 1 and not mine[0].evidence
        assert mine[0].text.startswith(area.name)
        assert area.gap_statement in mine[0].text and area.gap_source in mine[0].text
        assert mine[0].citation == ""


def test_every_figure_carries_its_year_source_and_vintage(bundled_snapshot, points) -> None:
    for point in (p for p in points if p.evidence):
        cites = {e.edition_note for e in point.evidence if e.edition_note}
        for ev in point.evidence:
            assert str(ev.year) in point.text
            cites.update(ev.citations)
            if ev.reported.startswith("computed"):  # a group computed here: every input cited
                for sid in ev.source_id.split("; "):
                    ref = bundled_snapshot.reference(sid)
                    label = ref.title if ref else bundled_snapshot.source(sid).label
                    assert label in ev.source, ev
                continue
            obs = bundled_snapshot.rows(ev.indicator)
            obs = obs[obs["year"] == ev.year]
            if ev.entity in set(obs["economy"].astype(str)):
                obs = obs[obs["economy"] == ev.entity]
            assert ev.vintage in set(obs["vintage"].astype(str)), ev
            labels = {bundled_snapshot.source(str(s)).label for s in obs["source"].unique()}
            assert ev.source in labels, ev
        assert cites <= set(point.citations)  # and more: e.g. population behind a head count


@pytest.mark.parametrize("area", sorted(AREA_POINTS))
def test_sentence_figures_match_the_analytics(bundled_snapshot, points, area) -> None:
    text = " ".join(p.text for p in points if p.area == area and p.evidence)
    for fragment in expected(area, bundled_snapshot):
        assert fragment in text, (fragment, text)


@pytest.mark.parametrize("offset", [0, 5, 10])
def test_baseline_moves_the_access_and_income_sentences(bundled_snapshot, offset) -> None:
    baseline = int(income_gap(bundled_snapshot, CAT).table["year"].min()) + offset
    got = talking_points(bundled_snapshot, CAT, baseline=baseline, areas=["access", "income"])
    then, _ = value(bundled_snapshot, USE, "WLD", baseline)
    access = next(p for p in got if p.area == "access")
    assert f"from {then:.1f}% of the world's population in {baseline} to" in access.text
    assert access.evidence[0].year == baseline
    income = next(p for p in got if p.area == "income")
    first = income_gap(bundled_snapshot, CAT, baseline=baseline).baseline_year
    assert f"points in {first} (" in income.text


def test_output_is_deterministic_and_areas_option_keeps_its_order(bundled_snapshot, points) -> None:
    assert talking_points(bundled_snapshot, CAT) == points
    got = talking_points(bundled_snapshot, CAT, areas=["skills", "geography"])
    assert list(dict.fromkeys(p.area for p in got)) == ["skills", "geography"]
    assert got == [p for a in ("skills", "geography") for p in points if p.area == a]


def test_thin_snapshot_yields_cannot_support_sentences_without_evidence() -> None:
    snap = fixture_snapshot()
    got = talking_points(snap, CAT)
    geo = next(p for p in got if p.area == "geography")
    for fragment in pair(snap, "i99H.URB", "i99H.RUR"):
        assert fragment in geo.text
    quality = next(p for p in got if p.area == "quality")  # no 5G coverage rows in the fixture
    assert quality.text.startswith(f"{CAT.area('quality').name}: this snapshot cannot support")
    assert "i271G5_pop" in quality.text and not quality.evidence and not quality.citation
    # no 4G coverage rows either: the access area keeps its Internet-use sentence without it
    (access,) = [p for p in got if p.area == "access"]
    assert access.text.startswith("Internet use rose from") and len(access.evidence) == 2
    assert "4G" not in access.text


@pytest.mark.parametrize("exponent", [3, 6, 9])
def test_people_counts_read_in_words(exponent: int) -> None:
    count = 2.5 * 10**exponent
    text = head_count(count)
    assert text == {9: "2.50 billion", 6: "2.5 million", 3: "2,500"}[exponent]


def test_gender_sentence_does_not_say_below_parity_when_the_world_is_at_parity() -> None:
    obs = fixture_observations()
    obs = obs[obs["indicator"].astype(str) != "i99H.M"]
    men = obs[obs["indicator"].astype(str) == "i99H.F"].assign(indicator="i99H.M")
    snap = fixture_snapshot(concat_observations([obs, men]))
    assert latest_gender_summary(snap, CAT).world_at_parity
    (point,) = talking_points(snap, CAT, areas=["gender"])
    assert "below ITU's parity band" not in point.text
    assert "within ITU's parity band" in point.text


def test_income_sentence_does_not_say_the_ratio_fell_when_it_rose() -> None:
    def falling(code: str, year: int) -> float:
        return fixture_internet("E06", YEARS[0] + YEARS[-1] - year)  # the series reversed

    extra = [rows(USE, lambda c, y: fixture_internet("E01", y), economies=["HIC"]),
             rows(USE, falling, economies=["LIC"])]  # fmt: skip
    snap = fixture_with(*extra)
    gap = income_gap(snap, CAT, baseline=BASELINE).table.set_index("year")["ratio"]
    assert gap.iloc[-1] > gap.loc[BASELINE]
    (point,) = talking_points(snap, CAT, areas=["income"])
    assert "ratio fell" not in point.text and "ratio rose" in point.text


def test_baseline_without_income_data_gives_a_sentence_not_an_error(bundled_snapshot) -> None:
    """No group value near the baseline: the latest figures, and a plain word on the change."""
    early = int(income_gap(bundled_snapshot, CAT).table["year"].min()) - BASELINE_WINDOW - 1
    gap = income_gap(bundled_snapshot, CAT, baseline=early)
    assert gap.baseline_year is None
    (point,) = talking_points(bundled_snapshot, CAT, baseline=early, areas=["income"])
    assert point.area == "income" and f"near {early}" in point.text
    assert [e.year for e in point.evidence] == [gap.latest_year, gap.latest_year]
    assert f"In {gap.latest_year}," in point.text


def test_the_income_divide_at_the_time_cites_weights_and_classification(
    bundled_snapshot, points
) -> None:
    """The groups-of-the-time figures are computed from economy values weighted by population,
    with members chosen by the income history: all three sources are cited."""
    (point,) = [p for p in points if p.area == "income"]
    computed = [e for e in point.evidence if e.reported.startswith("computed")]
    assert {e.year for e in computed} >= {2005}
    history = bundled_snapshot.descriptor.reference_for("wb_income_history")
    population = bundled_snapshot.rows("SP.POP.TOTL")["source"].astype(str).unique()
    cited = " ".join(point.citations)
    assert history.title in cited
    assert all(bundled_snapshot.source(s).label in cited for s in population)
    for figure in computed:
        assert figure.classification.endswith(figure.label.rsplit(" ", 1)[-1])  # FY06 ...
        assert f"{figure.value:.1f}%" in point.text
