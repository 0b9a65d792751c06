"""The pages' words, built outside Streamlit: escaped, complete, and in the page's order."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.app.page_text import (
    AREA_HEADS,
    TUNIS_FY,
    area_gap,
    area_lead,
    area_links,
    chart_footer,
    chart_heading,
    chart_words,
    claim_lines,
    credit_line,
    deck_file_stem,
    deck_summary,
    figure_alts,
    fy_label,
    group_only_line,
    indicator_table,
    slide_alt,
    slide_line,
    snapshot_caption,
    talking_point_block,
    target_lines,
)
from dashboard.deck.story import StoryOptions
from dashboard.views.area_summary import area_summaries
from indicators.catalogue import load_catalogue
from indicators.narrative.claims import check_claims
from indicators.narrative.talking_points import TalkingPoint
from indicators.store.snapshot import load_snapshot

CAT = load_catalogue()


@pytest.fixture(scope="module")
def summaries():
    return {s.area.id: s for s in area_summaries(load_snapshot(), CAT, baseline=2005)}


def test_indicator_table_has_a_row_per_indicator_and_the_baseline_in_its_head(summaries):
    access = summaries["access"]
    table = indicator_table(access, baseline=2010).splitlines()
    assert len(table) == 2 + len(access.indicators)
    assert "Change since 2010" in table[0] and len(AREA_HEADS) == table[1].count("---|")
    assert "Tunis (2005)" in indicator_table(access, baseline=2005).splitlines()[0]


def test_target_lines_give_each_target_its_status_in_words(summaries):
    access = summaries["access"]
    lines = target_lines(access).splitlines()[2:]
    assert len(lines) == len(access.targets) + len(access.unmeasured)
    for line, badge in zip(lines[: len(access.targets)], access.targets, strict=True):
        assert badge.status.replace(" ", "") in line.replace(" ", "")
    assert access.unmeasured and all(
        "not measured" in line for line in lines[len(access.targets) :]
    )


def test_gap_areas_say_what_is_missing_and_measured_ones_say_nothing(summaries):
    assert "Usual source" in area_gap(summaries["skills"])
    assert area_gap(summaries["access"]) == ""
    assert summaries["access"].area.description[:20] in area_lead(summaries["access"])
    assert "WSIS action lines:" in area_links(summaries["access"])


def test_claim_lines_carry_the_verdict_the_quote_and_the_sources():
    check = check_claims(load_snapshot(), CAT)[0]
    headline, summary, caption = claim_lines(check)
    assert check.verdict in headline and summary
    assert caption.startswith("Briefing note:") and check.evidence[0].vintage in caption


def test_talking_points_are_escaped_bullets_under_their_area():
    point = TalkingPoint(area="access", text="Use rose to 73.6% *[a](b)*")
    block = talking_point_block("1. Access", [point])
    assert block.startswith("**1\\. Access**") and "\\*" in block and "\\[" in block


def test_fiscal_year_labels_name_the_tunis_year():
    assert fy_label(None, today=2026) == "Today's classification (FY26)"
    assert "Tunis" in fy_label(TUNIS_FY, today=2026)
    assert fy_label(2010, today=2026) == "As classified in FY10"


def test_deck_slide_lines_summary_and_file_names():
    assert slide_line(3, "The *note*", included=True) == "3. The \\*note\\*"
    assert "~~" in slide_line(3, "Map", included=False) and "left out" in slide_line(
        3, "Map", included=False
    )
    summary = deck_summary(30, slides=24, missing=("World map: no browser",))
    assert summary.startswith("30 pages from 24 slides") and "World map" in summary
    assert deck_file_stem(StoryOptions()) == "wsis20-deck"
    assert deck_file_stem(StoryOptions(date=dt.date(2026, 12, 16))) == "wsis20-deck-2026-12-16"


def test_snapshot_caption_and_credit_name_every_producer():
    desc = load_snapshot().descriptor
    assert desc.snapshot_id in snapshot_caption(desc)
    credit = credit_line(desc)
    assert all(x.licence in credit.replace("\\", "") for x in desc.licences)


# --- charts and slides ------------------------------------------------------------------------


def hostile_chart(bundled_snapshot):
    """A real chart whose title, source and notes are given markup by the test."""
    from dataclasses import replace

    from dashboard.figures.overview import internet_use_since_tunis

    chart = internet_use_since_tunis(bundled_snapshot, CAT)
    return chart, replace(
        chart,
        title="[click](https://evil.example) " + chart.title,
        source="<b>x</b> " + chart.source,
        notes=("# note", *chart.notes),
    )


def test_chart_texts_are_escaped_and_complete(bundled_snapshot):
    chart, hostile = hostile_chart(bundled_snapshot)
    heading = chart_heading(hostile)
    assert heading.startswith("**\\[click\\]") and heading.endswith("**")
    footer = chart_footer(hostile)
    assert "\\<b\\>" in footer and "\\# note" in footer
    assert footer.count("  \n") == len(hostile.notes)  # source, then each note on its line
    words = chart_words(chart)
    assert words and any(ch.isdigit() for ch in words)  # the key numbers are in it
    assert words.replace("\\", "").startswith(chart.title.rstrip(".")[:40])


def test_slide_alt_names_the_slide_and_its_numbers(default_deck):
    slide = next(s for s in default_deck.slides if s.chart is not None and s.alt)
    alt = slide_alt(3, slide.title, default_deck.slides)
    assert alt.startswith(f"Slide 3: {slide.title}")
    assert slide.alt.split(".")[0] in alt and any(ch.isdigit() for ch in alt)
    assert slide_alt(1, "Title page", default_deck.slides) == "Slide 1: Title page"


def test_group_only_line_is_one_line_naming_groups_and_the_missing():
    names = {"G1": "Group one", "G2": "Group two", "E1": "Economy one"}
    line = group_only_line("Use, urban", ["G1", "G2"], missing=["E1"], names=names)
    assert "\n" not in line and "groups only" in line
    assert "Group one, Group two" in line and "Economy one has no value" in line
    many = group_only_line("Use", [f"G{i}" for i in range(1, 6)], missing=["E1", "E2"], names={})
    assert "and 2 more" in many and "E1, E2 have no value" in many


def test_figure_alts_name_each_panel_and_give_the_first_the_key_numbers(bundled_snapshot):
    chart, hostile = hostile_chart(bundled_snapshot)
    alts = figure_alts(hostile, 3)
    assert alts[0] == " ".join(hostile.alt_text.split())  # plain text: an attribute
    assert alts[1:] == [f"{hostile.title}: panel 2 of 3", f"{hostile.title}: panel 3 of 3"]
    assert figure_alts(chart, 1) == [" ".join(chart.alt_text.split())]
