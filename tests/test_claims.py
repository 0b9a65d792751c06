"""Claim checks and talking points: verdicts follow the data, figures carry their provenance."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fixtures import ECONOMIES, fixture_snapshot, fixture_with, rows

from indicators.analytics.reporting import reporting
from indicators.catalogue import load_catalogue
from indicators.declared import DeclarationError
from indicators.errors import UnknownCodeError
from indicators.narrative.claims import (
    CANNOT_CHECK,
    NOT_SUPPORTED,
    PARTLY,
    SUPPORTED,
    VERDICTS,
    Claim,
    check_claims,
    evaluate_claim,
    load_claims,
    parse_claim,
)
from indicators.narrative.talking_points import talking_points
from indicators.store.snapshot import load_snapshot

CAT = load_catalogue()


def snapshot_plus(*parts):
    return fixture_with(*parts)


def share_claim(entity: str = "WLD", fraction=(2, 3)) -> Claim:
    return parse_claim(share_entry(entity, fraction))


def share_entry(entity: str = "WLD", fraction=(2, 3)) -> dict:
    return {
        "id": "t",
        "area": "access",
        "quote": "q",
        "topic": "t",
        "part": "progress",
        "check": "share_above",
        "params": {
            "indicator": "IT.NET.USER.ZS",
            "entity": entity,
            "threshold_fraction": list(fraction),
        },
    }


def test_share_above_follows_the_value() -> None:
    snap = fixture_snapshot()
    latest = snap.wide("IT.NET.USER.ZS").loc["WLD"].dropna()
    value = float(latest.iloc[-1])
    above = evaluate_claim(snap, CAT, share_claim(fraction=(1, 100)))
    assert above.verdict == SUPPORTED and f"{value:.1f}%" in above.summary
    below = evaluate_claim(snap, CAT, share_claim(fraction=(99, 100)))
    assert below.verdict == NOT_SUPPORTED
    assert above.evidence[0].year == int(latest.index[-1]) and above.evidence[0].vintage


def test_rising_verdicts() -> None:
    up = rows(
        "i271GA.RUR",
        lambda c, y: 40.0 + y - 2015,
        economies=["ITU_WLD"],
        years=range(2015, 2025),
        source="fixture_itu",
    )
    down = rows(
        "i271G.RUR",
        lambda c, y: 90.0 - (y - 2015),
        economies=["ITU_WLD"],
        years=range(2015, 2025),
        source="fixture_itu",
    )
    snap = snapshot_plus(up, down)

    def claim(codes):
        series = [{"indicator": c, "entity": "ITU_WLD"} for c in codes]
        return parse_claim(
            {
                "id": "r",
                "area": "geography",
                "quote": "q",
                "topic": "t",
                "part": "progress",
                "check": "rising",
                "params": {"series": series, "years": 5},
            }
        )

    assert evaluate_claim(snap, CAT, claim(["i271GA.RUR"])).verdict == SUPPORTED
    assert evaluate_claim(snap, CAT, claim(["i271G.RUR"])).verdict == NOT_SUPPORTED
    assert evaluate_claim(snap, CAT, claim(["i271GA.RUR", "i271G.RUR"])).verdict == PARTLY


def test_gaps_persist_and_vanish() -> None:
    snap = fixture_snapshot()  # urban 60+, rural 30+ in the fixture
    gap = {"label": "geography", "higher": "i99H.URB", "lower": "i99H.RUR", "entity": "ITU_WLD"}
    claim = {
        "id": "g",
        "area": "geography",
        "quote": "q",
        "topic": "t",
        "part": "progress",
        "check": "gaps_persist",
        "params": {"gaps": [gap], "material_points": 1},
    }
    assert evaluate_claim(snap, CAT, parse_claim(claim)).verdict == SUPPORTED
    same = {**gap, "lower": "i99H.URB"}
    claim["params"]["gaps"] = [same]
    assert evaluate_claim(snap, CAT, parse_claim(claim)).verdict == NOT_SUPPORTED


def test_gender_gap_uses_the_parity_band() -> None:
    female = rows(
        "i99H.F", lambda c, y: 60.0, economies=["ITU_WLD"], years=[2030], source="fixture_itu"
    )
    male = rows(
        "i99H.M", lambda c, y: 60.6, economies=["ITU_WLD"], years=[2030], source="fixture_itu"
    )
    snap = snapshot_plus(female, male)
    gap = {"label": "gender", "higher": "i99H.M", "lower": "i99H.F", "entity": "ITU_WLD"}
    claim = {
        "id": "g",
        "area": "gender",
        "quote": "q",
        "topic": "t",
        "part": "progress",
        "check": "gaps_persist",
        "params": {"gaps": [gap], "material_points": 1},
    }
    result = evaluate_claim(snap, CAT, parse_claim(claim))
    assert result.verdict == NOT_SUPPORTED  # 0.6 points and parity 0.99: within the band
    assert "parity score 0.99" in result.summary


def test_areas_without_indicators_cannot_be_checked() -> None:
    claim = {
        "id": "a",
        "area": "ai",
        "quote": "q",
        "topic": "t",
        "part": "challenges",
        "check": "no_indicator",
    }
    result = evaluate_claim(fixture_snapshot(), CAT, parse_claim(claim))
    assert result.verdict == CANNOT_CHECK and CAT.area("ai").gap_source in result.summary


def test_missing_data_is_said_not_hidden() -> None:
    result = evaluate_claim(fixture_snapshot(), CAT, share_claim(entity=ECONOMIES[0] + "X"))
    assert result.verdict == CANNOT_CHECK and "cannot check" in result.summary


def test_unknown_check_is_named() -> None:
    with pytest.raises(UnknownCodeError, match="nonsense"):
        parse_claim({**share_entry(), "check": "nonsense"})


def test_declared_claims_cover_the_briefing_note() -> None:
    ids = {c.id for c in load_claims()}
    assert {
        "two_thirds_online",
        "rural_broadband_growing",
        "inequalities_persist",
        "affordability_divide",
    } <= ids
    areas = {a.id for a in CAT.areas}
    assert all(c.area in areas for c in load_claims())


def test_real_claims_evaluate_with_verdicts_and_provenance() -> None:
    snap = load_snapshot()
    checks = {c.id: c for c in check_claims(snap, CAT)}
    assert all(c.verdict in VERDICTS for c in checks.values())
    online = checks["two_thirds_online"]
    wld = snap.wide("IT.NET.USER.ZS").loc["WLD"].dropna()
    assert online.evidence[0].value == pytest.approx(float(wld.iloc[-1]))
    assert online.evidence[0].vintage == "2026-07-13"
    assert online.verdict == (SUPPORTED if float(wld.iloc[-1]) > 200 / 3 else NOT_SUPPORTED)
    for check in checks.values():
        if check.verdict != CANNOT_CHECK:
            assert check.evidence and all(e.source and e.vintage for e in check.evidence)
    parts = checks["inequalities_persist"].summary
    for label in ("gender", "age", "geography", "income"):
        assert f"{label}:" in parts


def _figures(text: str) -> set[str]:
    return set(re.findall(r"\d[\d,]*\.?\d*", text))


def test_real_talking_points_cover_every_area_with_traceable_figures() -> None:
    snap = load_snapshot()
    points = talking_points(snap, CAT)
    assert {p.area for p in points} == {a.id for a in CAT.areas}
    for point in points:
        if point.evidence:
            assert point.citation and all(e.vintage for e in point.evidence)
            found = _figures(point.text)
            for ev in point.evidence:
                assert {f"{ev.value:.1f}", f"{ev.value:,.0f}"} & found, (ev, point.text)
        else:
            assert (
                "usual source" in point.text.lower()
                or "missing" in point.text.lower()
                or "cannot" in point.text
            )


def test_talking_points_degrade_gracefully_on_thin_data() -> None:
    points = talking_points(fixture_snapshot(), CAT)
    assert {p.area for p in points} == {a.id for a in CAT.areas}
    assert any("cannot support a figure" in p.text for p in points)


def test_a_claim_whose_params_do_not_fit_its_check_is_refused() -> None:
    with pytest.raises(DeclarationError, match="share_above takes"):
        parse_claim({**share_entry(), "params": {"indicator": "IT.NET.USER.ZS"}})
    with pytest.raises(DeclarationError, match="lacks the field 'quote'"):
        parse_claim({k: v for k, v in share_entry().items() if k != "quote"})


def test_declared_claims_are_immutable() -> None:
    claim = load_claims()[0]
    with pytest.raises((TypeError, AttributeError)):
        claim.params["indicator"] = "other"  # type: ignore[index]


# --- the briefing note, quoted verbatim; every figure labelled ---------------------------------
NOTE = Path(__file__).resolve().parents[2] / "shared" / "seed" / "briefing-note.txt"


@pytest.mark.shared
@pytest.mark.parametrize("claim", load_claims(), ids=lambda c: c.id)
def test_every_quote_is_the_notes_own_words(claim) -> None:
    if not NOTE.is_file():
        pytest.skip(f"briefing note not present at {NOTE}")
    note = " ".join(NOTE.read_text(encoding="utf-8").split())
    fragments = [f.strip() for f in claim.quote.split("…") if f.strip()]
    assert fragments, claim.id
    for fragment in fragments:
        assert fragment in note, (claim.id, fragment)


def test_every_part_of_the_note_is_checked() -> None:
    parts = {c.part for c in load_claims()}
    assert parts == {"progress", "challenges"}
    checks = {c.check for c in load_claims()}
    assert {"share_above", "rising", "risen_since", "gaps_persist", "unaffordable"} <= checks


def test_real_figures_are_labelled_and_name_estimates_and_classification(
    bundled_snapshot, catalogue
) -> None:
    checks = {c.id: c for c in check_claims(bundled_snapshot, catalogue)}
    gaps = checks["inequalities_persist"]
    labels = [e.label for e in gaps.evidence]
    assert labels[:2] == ["men", "women"] and "the rest of the population" in labels
    women = gaps.evidence[1]
    assert f"women {women.value:.1f}% ({women.year}" in gaps.figures
    income = [e for e in gaps.evidence if e.entity in ("HIC", "LIC")]
    assert income and all("FY26" in e.classification for e in income)
    assert "FY26" in gaps.note
    world = checks["two_thirds_online"].evidence[0]
    behind = reporting(bundled_snapshot, indicator=world.indicator, entity="WLD", year=world.year)
    assert behind is not None and world.estimate == behind.thin
    assert world.reported == behind.text
    if behind.thin:  # the latest year most economies reported is given too
        assert len(checks["two_thirds_online"].evidence) >= 2
        assert "estimate" in checks["two_thirds_online"].summary


def test_older_editions_are_named_in_citations(bundled_snapshot, catalogue) -> None:
    checks = {c.id: c for c in check_claims(bundled_snapshot, catalogue)}
    itu = bundled_snapshot.source("itu_key_ict")
    if itu.newer_edition is not None:
        assert itu.edition_note in checks["inequalities_persist"].citations


def test_affordability_is_judged_for_low_and_middle_income_economies(
    bundled_snapshot, catalogue
) -> None:
    check = {c.id: c for c in check_claims(bundled_snapshot, catalogue)}["affordability_divide"]
    assert "low & middle income economies" in check.summary.lower()
    assert "2 GB" in check.note and "developing countries" in check.note


def test_partly_supported_when_some_parts_hold() -> None:
    up = rows("i271GA.RUR", lambda c, y: 40.0 + y - 2015, economies=["ITU_WLD"],
              years=range(2015, 2025), source="fixture_itu")  # fmt: skip
    flat = rows("i271G.RUR", lambda c, y: 70.0 - (y - 2015), economies=["ITU_WLD"],
                years=range(2015, 2025), source="fixture_itu")  # fmt: skip
    series = [{"indicator": c, "entity": "ITU_WLD"} for c in ("i271GA.RUR", "i271G.RUR")]
    claim = parse_claim({"id": "r", "area": "geography", "quote": "q", "topic": "t",
                         "part": "progress", "check": "rising",
                         "params": {"series": series, "years": 5}})  # fmt: skip
    result = evaluate_claim(snapshot_plus(up, flat), CAT, claim)
    assert result.verdict == PARTLY and "did not rise" in result.summary
