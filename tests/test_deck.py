"""The deck's content (dashboard.deck.prepare): every slide of the default deck has a title, a
source line and speaker notes; items show their evidence or a named gap; claims are quoted and
their figures labelled; the map carries its notes and the UN disclaimer; appendices in plain
words; the supported baselines' extremes build without 'nan'."""

from __future__ import annotations

import re

import pytest

from dashboard.deck import prepare as P
from dashboard.deck.pages import pages_of
from dashboard.deck.story import StoryOptions, baseline_range, load_story
from dashboard.theme import verdict_colour
from indicators.narrative.claims import check_claims
from indicators.narrative.reading import reading_notes

SOURCE = re.compile(r"^(Source|Sources|Figures): \S")


def texts(slide: P.SlideContent) -> list[str]:
    """Every text a slide shows or says."""
    out = [slide.title, slide.source, *slide.footnotes, slide.notes, slide.alt, *slide.lines]
    out += [b.full for b in slide.bullets] + [f"{t.heading} {t.status}" for t in slide.tiles]
    if slide.table is not None:
        out += list(slide.table.columns) + [c.text for row in slide.table.rows for c in row]
    return out


@pytest.fixture(scope="module")
def slides(default_deck):
    return {s.id: s for s in default_deck.slides}


def test_the_default_deck_follows_the_story(default_deck):
    story = load_story()
    assert [s.id for s in default_deck.slides] == [s.id for s in story.default_slides]
    assert default_deck.options.title == story.title.title  # the note's full title
    assert default_deck.options.venue == story.title.venue


def test_every_slide_has_a_title_a_source_and_notes_and_no_nan(default_deck):
    for slide in default_deck.slides:
        assert slide.title and slide.notes, slide.id
        assert SOURCE.match(slide.source), (slide.id, slide.source)
        for text in texts(slide):
            assert not re.search(r"\bnan\b", text, re.I), (slide.id, text)
            assert "Source: ;" not in text and not text.rstrip().endswith("Source:"), slide.id


def test_title_slide_states_meeting_date_venue_and_presenter(slides):
    title = slides["title"]
    story = load_story().title
    assert title.lines == (story.meeting, "30 May 2025", story.venue, story.presenter)


def test_progress_items_show_evidence_or_no_indicator_and_the_usual_source(slides):
    story = load_story()
    table = slides["progress"].table
    rows = {row[0].text: row[1].text for row in table.rows}
    for item_id in story.slide("progress").items:
        item = story.item(item_id)
        text = rows[item.what]
        if item.evidence:
            assert re.search(r"\d+\.\d%? in (19|20)\d\d|(19|20)\d\d", text), item.id
        if item.usual_source:
            assert item.usual_source in text
        if not item.evidence:
            assert "No indicator" in text or "no indicator" in text.lower(), item.id
    assert "World: " in rows["Internet use"] and "reported" in rows["Internet use"]


def test_claims_are_quoted_with_verdict_words_in_accessible_colours(
    slides, bundled_snapshot, catalogue
):
    checks = check_claims(bundled_snapshot, catalogue)
    checked = [c for c in checks if c.verdict != "cannot be checked"]
    unchecked = [c for c in checks if c.verdict == "cannot be checked"]
    assert checked and unchecked  # the main slide shows the first, the appendix the others
    assert slides["claims"].title.startswith(f"{len(checked)} of the note's {len(checks)} claims")
    assert any(f"other {len(unchecked)} claims" in f for f in slides["claims"].footnotes)
    assert slides["unchecked"].title.startswith(f"{len(unchecked)} of the note's {len(checks)}")
    rows = [*slides["claims"].table.rows, *slides["unchecked"].table.rows]
    assert len(rows) == len(checks)
    for row, check in zip(rows, [*checked, *unchecked], strict=True):
        quote, verdict, figures = row
        assert quote.text.startswith("\u201c") and quote.text.endswith("\u201d")
        assert " ".join(check.quote.split())[:40] in quote.text
        assert verdict.text.lower() == check.verdict and verdict.colour == verdict_colour(
            check.verdict
        )
        for e in check.evidence:
            assert str(e.year) in figures.text and e.label in figures.text
            measure = P.measure_name(catalogue.indicator(e.indicator).short_name)
            assert P.says_measure(e.label, measure) or measure in figures.text, figures.text
        if not check.evidence:
            assert figures.text == check.summary


def test_without_the_appendix_slide_the_claims_slide_lists_every_claim_and_any_verdict(
    monkeypatch, bundled_snapshot, catalogue
):
    import dataclasses

    real = check_claims(bundled_snapshot, catalogue)
    verdicts = ["supported", "partly supported", "not supported", "cannot be checked"]
    fixture = [  # the real checks, given each of the four verdicts in turn (a fixture)
        dataclasses.replace(c, verdict=verdicts[i % 4]) for i, c in enumerate(real)
    ]
    monkeypatch.setattr(P, "check_claims", lambda *a, **k: fixture)
    deck = P.prepare_deck(bundled_snapshot, catalogue, pictures=False,
                          options=StoryOptions(slides=("claims",)))  # fmt: skip
    (slide,) = deck.slides
    assert len(slide.table.rows) == len(fixture)
    for row, check in zip(slide.table.rows, fixture, strict=True):
        assert row[1].text.lower() == check.verdict and row[1].bold
        assert row[1].colour == verdict_colour(check.verdict)
    for verdict in verdicts:
        assert verdict in slide.title


def test_figures_are_labelled_and_grouped_by_year(bundled_snapshot, catalogue):
    for check in check_claims(bundled_snapshot, catalogue):
        text = P.figures_text(check)
        for e in check.evidence:
            assert e.label in text and str(e.year) in text
    found = [
        P.evidence_text(bundled_snapshot, catalogue, spec, baseline=2005)
        for spec in load_story().item("digital_literacy").evidence
    ]
    (sentence,) = P.evidence_sentences([f for f in found if f is not None])
    women, men = found[0], found[1]
    assert f"women {women.value}" in sentence and f"men {men.value}" in sentence
    assert sentence.startswith("Internet use, World, ") and "ITU estimates" in sentence


def test_map_slide_carries_every_chart_note_and_the_un_disclaimer(slides):
    slide = slides["map"]
    for note in slide.chart.notes:
        assert note in slide.footnotes
    assert any("do not imply official endorsement" in n for n in slide.footnotes)
    assert "World map" in slide.alt and re.search(r"\d", slide.alt)


def test_data_notes_are_plain_words(slides, bundled_snapshot, catalogue):
    text = " ".join(b.full for b in slides["data_notes"].bullets)
    assert bundled_snapshot.id not in text
    for src in bundled_snapshot.descriptor.sources:
        assert src.id not in text.split()
    codes = [c for c in catalogue.codes if "." in c or "_" in c]
    assert [c for c in codes if c in text] == []
    assert "World Bank estimate" in text and "Licences." in text


def test_sources_cite_every_release_with_its_link(slides, bundled_snapshot, catalogue):
    text = " ".join(b.full for b in slides["sources"].bullets)
    for src in bundled_snapshot.descriptor.sources:
        assert src.label.lower() in text.lower()
    for ds in catalogue.datasets:
        if ds.id in {s.dataset for s in bundled_snapshot.descriptor.sources}:
            assert ds.url in text


def test_reading_guide_and_questions_are_shown_whole(slides, bundled_snapshot):
    shown = [b.text for b in slides["reading"].bullets]
    assert shown == [n.text for n in reading_notes(bundled_snapshot)]
    assert [b.text for b in slides["questions"].bullets] == list(load_story().questions)


def test_quote_text_marks_a_cut_with_an_ellipsis():
    story = load_story()
    words = " ".join(q for q in story.questions)
    shown = P.quote_text(words)
    assert shown.endswith("…\u201d") and len(shown) <= P.QUOTE_LIMIT + 3
    assert P.quote_text(story.questions[1]) == f"\u201c{story.questions[1]}\u201d"


@pytest.mark.parametrize("end", ["first", "last"])
def test_the_extreme_supported_baselines_build_without_nan(bundled_snapshot, catalogue, end):
    first, last = baseline_range(bundled_snapshot, catalogue)
    baseline = first if end == "first" else last
    chart_slides = tuple(
        s.id for s in load_story().slides if s.kind in ("chart", "items", "messages")
    )
    deck = P.prepare_deck(bundled_snapshot, catalogue, pictures=False,
                          options=StoryOptions(baseline=baseline, slides=chart_slides))  # fmt: skip
    for slide in deck.slides:
        for text in texts(slide):
            assert not re.search(r"\bnan\b", text, re.I), (baseline, slide.id, text)
        assert SOURCE.match(slide.source)
    assert pages_of(deck)


def test_a_baseline_the_data_cannot_support_is_one_clear_error(bundled_snapshot, catalogue):
    first, last = baseline_range(bundled_snapshot, catalogue)
    with pytest.raises(P.AnalysisError, match=f"from {first} to {last}"):
        P.prepare_deck(bundled_snapshot, catalogue, options=StoryOptions(baseline=last + 1))


def test_without_pictures_the_map_slide_says_why(bundled_snapshot, catalogue):
    deck = P.prepare_deck(bundled_snapshot, catalogue, pictures=False,
                          options=StoryOptions(slides=("map",)))  # fmt: skip
    assert deck.missing_pictures and deck.slides[0].picture is None
    assert deck.problems and "Pictures were not requested" in deck.problems[0]


def test_the_optional_areas_appendix_gives_every_area_its_headline_figure(
    bundled_snapshot, catalogue
):
    deck = P.prepare_deck(bundled_snapshot, catalogue, pictures=False,
                          options=StoryOptions(slides=("areas",)))  # fmt: skip
    table = deck.slides[0].table
    assert len(table.rows) == len(catalogue.areas) and deck.slides[0].vintage
    for row, area in zip(table.rows, sorted(catalogue.areas, key=lambda a: a.number), strict=True):
        assert row[0].text == f"{area.number}. {area.name}"
        if area.status == "gap":
            assert row[2].text.startswith("No indicator")
        else:
            assert re.search(r"\((19|20)\d\d;", row[2].text), row[2].text
    assert all(0 < b - a <= 8 for a, b in (p.rows for p in pages_of(deck)))


def test_the_gender_slide_cites_and_notes_only_what_its_chart_draws(slides):
    slide = slides["gender"]  # ITU's world and income groups, not the groups computed here
    assert "open-numbers" not in slide.source and "ITU" in slide.source
    assert not any("as classified in FY" in n for n in slide.footnotes)
    assert any(
        n.startswith("Income groups") and "the World Bank income groups ITU used" in n
        for n in slide.footnotes
    )
