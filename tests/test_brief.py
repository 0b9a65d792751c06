"""The brief (indicators.narrative.brief and `python -m indicators brief`): claim checks and
talking points as markdown and JSON, every figure labelled, one-line errors for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indicators.__main__ import main
from indicators.narrative.brief import (
    BriefInputError,
    baseline_choices,
    check_economy,
    economy_codes,
    make_brief,
)
from indicators.narrative.claims import VERDICTS
from indicators.store.snapshot import BUNDLED_STORE, load_snapshot

EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "brief-example.md"
FIGURE_KEYS = {"value", "unit", "year", "entity", "indicator", "source", "vintage", "estimate"}
INCOME_GROUPS = {"HIC", "UMC", "LMC", "LIC", "LMY", "MIC"}


@pytest.fixture(scope="module")
def brief_json(bundled_snapshot, catalogue) -> dict:
    return make_brief(bundled_snapshot, catalogue).to_json()


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["brief", "--store", str(BUNDLED_STORE), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_json_holds_claims_and_points_with_the_documented_fields(brief_json) -> None:
    assert brief_json["claims"] and brief_json["points"]
    for claim in brief_json["claims"]:
        assert {"id", "quote", "verdict", "text", "figures", "sources"} <= set(claim)
        assert claim["verdict"] in VERDICTS
    for point in brief_json["points"]:
        assert {"area", "text", "figures", "sources"} <= set(point)
    figures = [f for part in ("claims", "points") for x in brief_json[part] for f in x["figures"]]
    assert figures
    for figure in figures:
        assert set(figure) >= FIGURE_KEYS, figure
        assert isinstance(figure["estimate"], bool)
        if figure["entity"] in INCOME_GROUPS:
            assert figure["classification"], figure  # income groups name their classification


def test_every_published_figure_equals_its_snapshot_value(bundled_snapshot, brief_json) -> None:
    """Figures read from rows are the rows' values, years, vintages (computed ones say so)."""
    checked = 0
    for part in ("claims", "points"):
        for item in brief_json[part]:
            for figure in item["figures"]:
                if figure.get("reported", "").startswith("computed"):
                    continue
                rows = bundled_snapshot.rows(figure["indicator"])
                row = rows[(rows["economy"] == figure["entity"]) & (rows["year"] == figure["year"])]
                if row.empty:
                    continue  # a derived figure (e.g. a median): checked by its own tests
                assert float(row["value"].iloc[0]) == pytest.approx(figure["value"])
                assert str(row["vintage"].iloc[0]) == figure["vintage"]
                checked += 1
    assert checked >= 20


def test_estimates_say_how_much_reported_data_stands_behind_them(brief_json) -> None:
    thin = [
        f
        for x in brief_json["points"]
        for f in x["figures"]
        if f["estimate"] and f["entity"] in {"WLD", *INCOME_GROUPS}
    ]
    assert thin and all(" of " in f.get("reported", "") for f in thin if f["entity"] == "WLD")


def test_markdown_quotes_every_claim_and_names_every_verdict(bundled_snapshot, catalogue) -> None:
    brief = make_brief(bundled_snapshot, catalogue)
    text = brief.to_markdown()
    for check in brief.claims:
        assert f"> {check.quote}" in text
        assert f"### {check.topic}: {check.verdict}" in text
    assert "## How to read these figures" in text
    assert ".." not in text.replace("...", "")


def test_the_committed_example_is_what_the_command_prints(capsys) -> None:
    """docs/brief-example.md is regenerated with
    `python -m indicators brief > docs/brief-example.md` whenever the brief changes."""
    code, out, _ = run(capsys)
    assert code == 0
    assert EXAMPLE.read_text(encoding="utf-8") == out


def test_the_command_prints_json_and_an_economy(capsys) -> None:
    code, out, err = run(capsys, "--format", "json", "--economy", "ken", "--baseline", "2010")
    assert code == 0 and err == ""
    doc = json.loads(out)
    assert doc["baseline"] == 2010 and doc["economy"]["code"] == "KEN"
    points = doc["economy"]["points"]
    assert points and all(f["entity"] == "KEN" for p in points for f in p["figures"])
    assert any("income group" in p["text"] for p in points)


def test_an_unknown_baseline_is_one_line_naming_the_valid_years(capsys) -> None:
    years = baseline_choices(load_snapshot(store=BUNDLED_STORE))
    code, out, err = run(capsys, "--baseline", "1900")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and f"{years[0]}-{years[-1]}" in err and "1900" in err


def test_an_unknown_economy_is_one_line_with_close_matches_and_where_to_find_all(capsys) -> None:
    codes = economy_codes(load_snapshot(store=BUNDLED_STORE))
    code, out, err = run(capsys, "--economy", "KENY")
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "did you mean KEN (Kenya)" in err
    assert f"`python -m indicators economies` lists the {len(codes)} valid codes" in err
    assert main(["economies", "--store", str(BUNDLED_STORE)]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert listed == [f"{c}  {n}" for c, n in codes.items()]


def test_economy_names_find_their_codes_too(bundled_snapshot) -> None:
    with pytest.raises(BriefInputError, match=r"did you mean .*KEN \(Kenya\)"):
        check_economy(bundled_snapshot, "Kenia")
    assert check_economy(bundled_snapshot, " ken ") == "KEN"
