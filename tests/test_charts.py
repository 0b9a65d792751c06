"""Chart anatomy: slugs, wrapping, header and footer, framing, legend placement and display modes
(figures built here by code)."""

from __future__ import annotations

import dataclasses
import json
import random
import re

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from fixtures import FIXTURE_VINTAGE, fixture_snapshot

from dashboard.figures import chart
from dashboard.figures.chart import Chart, apply_mode, frame_figure, slug, wrap
from dashboard.formatting import entity_labels
from dashboard.theme import DARK, LIGHT, NEUTRAL_INK, OKABE_ITO, TARGET_COLOUR

SLUG = re.compile(r"^[a-z0-9-]+$")
_POOL = "abcXYZ019 -_./\\:*?<>|\"'\x00\n\t%{}&ÄéßİǅK中✓\u202e"
FUZZ = ["".join(random.Random(seed).choices(_POOL, k=seed * 7 % 120)) for seed in range(24)]
TRANSPARENT = "rgba(0,0,0,0)"


@pytest.fixture
def figure() -> go.Figure:
    """World in neutral ink with a hollow marker, one blue series and a target line."""
    fig = go.Figure()
    fig.add_scatter(
        x=[2005, 2010, 2015],
        y=[10.0, 20.0, 30.0],
        name="World",
        line={"color": NEUTRAL_INK},
        marker={"color": [NEUTRAL_INK, TRANSPARENT, NEUTRAL_INK], "line": {"color": NEUTRAL_INK}},
    )
    fig.add_scatter(x=[2005, 2015], y=[5.0, 15.0], name="B", line={"color": OKABE_ITO["blue"]})
    fig.add_hline(y=25.0, line={"color": TARGET_COLOUR, "dash": "dash"})
    return fig


@pytest.fixture
def framed(figure: go.Figure) -> go.Figure:
    return frame_figure(
        figure,
        title="A title",
        subtitle="Share, % of population",
        source=f"Source: X, {FIXTURE_VINTAGE}.",
        notes=["First note.", "Second note."],
    )


def footer(fig: go.Figure) -> go.layout.Annotation:
    (ann,) = [a for a in fig.layout.annotations if a.name == "footer"]
    return ann


def test_chart_is_frozen_with_no_notes_by_default(figure: go.Figure) -> None:
    chart = Chart("n", figure, pd.DataFrame({"v": [1]}), "t", "s", "src")
    assert chart.notes == ()
    with pytest.raises(dataclasses.FrozenInstanceError):
        chart.title = "other"  # type: ignore[misc]


def test_figure_for_recolours_a_copy(framed: go.Figure) -> None:
    chart = Chart("n", framed, pd.DataFrame(), "t", "s", "src")
    before = framed.to_plotly_json()
    dark = chart.figure_for("dark")
    assert dark.layout.paper_bgcolor == DARK.background and dark.data[0].line.color == DARK.text
    assert chart.figure_for(None).layout.paper_bgcolor == LIGHT.background
    assert framed.to_plotly_json() == before


def test_entity_labels_mark_itu_aggregates() -> None:
    ent = fixture_snapshot().entities
    labels = entity_labels(fixture_snapshot())
    assert set(labels) == set(ent["code"].astype(str))
    for code, name, kind in ent[["code", "name", "kind"]].astype(str).itertuples(index=False):
        assert labels[code] == (f"{name} (ITU)" if kind == "itu_aggregate" else name)


@pytest.mark.parametrize("text", ["", ".", "..", "../../etc/passwd", "a/b\\c", "---", "CON", *FUZZ])
def test_slug_is_a_safe_file_name(text: str) -> None:
    got = slug(text)
    assert SLUG.match(got) and "/" not in got and "\\" not in got, got
    assert 0 < len(got) <= 80
    assert slug(got) == got


def test_slug_keeps_words_and_falls_back_to_chart() -> None:
    assert slug("Internet use, 2005–2024 (%)") == "internet-use-2005-2024"
    assert slug("✓ ✓") == slug("") == "chart"


def test_slug_never_ends_with_a_hyphen_after_truncation() -> None:
    text = "a" * 79 + " b"
    assert not slug(text).endswith("-"), slug(text)


@pytest.mark.parametrize("width", [10, 40, chart.FOOTER_WRAP])
def test_wrap_keeps_words_within_width(width: int) -> None:
    text = "  The quick\tbrown fox\n jumps over the lazy dog " * 6
    lines = wrap(text, width)
    assert all(len(line) <= width for line in lines)
    assert " ".join(lines) == " ".join(text.split())
    assert len(lines) > 1
    assert wrap("", width) == wrap(" \n\t ", width) == [""]


def test_footer_lines_put_source_first_then_each_note() -> None:
    source, notes = "Source: " + "producer release " * 12, ["note one " * 20, "Short note."]
    lines = chart.footer_lines(source, notes)
    assert lines == wrap(source) + wrap(notes[0]) + wrap(notes[1])
    assert lines[-1] == "Short note." and len(lines) > 3


def test_header_text_bolds_title_and_escapes_markup() -> None:
    text, extra = chart.header_text("Rise <b>&</b>", "Unit: %")
    span = f"<span style='font-size:{chart.SUBTITLE_SIZE}px'>Unit: %</span>"
    assert text == f"<b>Rise &lt;b&gt;&amp;&lt;/b&gt;</b><br>{span}"
    assert extra == 0
    assert "<span" not in chart.header_text("Title", "")[0]


@pytest.mark.parametrize("words", [1, 30, 60])
def test_header_text_counts_the_extra_title_lines(words: int) -> None:
    title = " ".join(["word"] * words)
    text, extra = chart.header_text(title, "")
    n = len(wrap(title, chart.TITLE_WRAP))
    assert extra == chart.TITLE_LINE * (n - 1)
    assert text.count("<b>") == n


def test_header_block_of_plain_and_framed_figures(figure: go.Figure) -> None:
    assert chart.header_block(go.Figure()) == chart.HEADER_HEIGHT - 30
    _, extra = chart.header_text("long " * 40, "unit")
    framed = frame_figure(figure, title="long " * 40, subtitle="unit", source="s")
    assert extra > 0
    assert chart.header_block(framed) == chart.HEADER_HEIGHT - 30 + extra


def test_frame_figure_has_title_subtitle_source_and_notes(framed: go.Figure) -> None:
    assert "<b>A title</b>" in framed.layout.title.text
    assert "Share, % of population" in framed.layout.title.text
    ann = footer(framed)
    assert ann.text.split("<br>") == [
        f"Source: X, {FIXTURE_VINTAGE}.",
        "First note.",
        "Second note.",
    ]
    assert ann.font.color == LIGHT.muted and ann.yanchor == "top"
    assert framed.layout.margin.b == 70 + 16 * 3
    assert framed.layout.meta["anatomy"] is True


def test_frame_figure_background_is_opaque(framed: go.Figure) -> None:
    assert framed.layout.template.layout.paper_bgcolor == LIGHT.background
    assert re.fullmatch(r"#[0-9A-Fa-f]{6}", framed.layout.template.layout.paper_bgcolor)


def test_frame_figure_keeps_the_data(figure: go.Figure) -> None:
    data = [trace.to_plotly_json() for trace in figure.data]
    frame_figure(figure, title="t", subtitle="s", source="src")
    assert [trace.to_plotly_json() for trace in figure.data] == data


def test_legend_on_top_is_horizontal_above_the_plot(figure: go.Figure) -> None:
    chart.legend_on_top(figure)
    legend = figure.layout.legend
    assert (legend.orientation, legend.y, legend.yanchor, legend.x) == ("h", 1.0, "bottom", 0)


@pytest.mark.parametrize("top", [None, 0, 400])
def test_pin_header_places_legend_under_the_header(framed: go.Figure, top: int | None) -> None:
    block = chart.header_block(framed)
    chart.pin_header(framed, height=900, top=top)
    assert framed.layout.height == 900
    assert framed.layout.legend.yref == "container"
    assert framed.layout.legend.y == pytest.approx(1 - (block + 4) / 900)
    assert framed.layout.margin.t == max(block + chart.LEGEND_BAND, top or 0)


def test_dark_mode_swaps_neutral_inks_and_keeps_colours_and_data(framed: go.Figure) -> None:
    xy = [(np.asarray(t.x), np.asarray(t.y)) for t in framed.data]
    apply_mode(framed, DARK)
    world, other = framed.data
    assert world.line.color == DARK.text and world.marker.line.color == DARK.text
    assert list(world.marker.color) == [DARK.text, TRANSPARENT, DARK.text]
    assert other.line.color == OKABE_ITO["blue"]
    assert framed.layout.shapes[0].line.color == DARK.muted
    assert footer(framed).font.color == DARK.muted
    assert framed.layout.paper_bgcolor == framed.layout.plot_bgcolor == DARK.background
    assert framed.layout.font.color == framed.layout.template.layout.font.color == DARK.text
    for (x, y), trace in zip(xy, framed.data, strict=True):
        assert np.array_equal(x, trace.x) and np.array_equal(y, trace.y)


def test_light_mode_keeps_the_inks(framed: go.Figure) -> None:
    apply_mode(framed, LIGHT)
    assert framed.data[0].line.color == NEUTRAL_INK
    assert framed.layout.shapes[0].line.color == TARGET_COLOUR
    assert framed.layout.paper_bgcolor == LIGHT.background
    assert footer(framed).font.color == LIGHT.muted


@pytest.mark.parametrize("outline", [list, np.array])
def test_dark_mode_swaps_lists_of_marker_outlines(outline) -> None:
    """Fills and outlines are swapped in lists and arrays too (per-point outlines)."""
    marker = {"color": TRANSPARENT, "line": {"color": outline([NEUTRAL_INK, OKABE_ITO["blue"]])}}
    fig = apply_mode(go.Figure(go.Scatter(x=[1, 2], y=[1, 2], marker=marker)), DARK)
    assert list(fig.data[0].marker.line.color) == [DARK.text, OKABE_ITO["blue"]]


def test_a_chart_describes_itself_with_its_key_numbers(tiny_snapshot, catalogue) -> None:
    from dashboard.figures.overview import internet_use_since_tunis

    chart = internet_use_since_tunis(tiny_snapshot, catalogue)
    text = chart.alt_text
    assert text.startswith(chart.title.rstrip("."))
    world = chart.data[chart.data["entity"] == "WLD"].sort_values("year")
    last = world.iloc[-1]
    assert f"{last['value']:,.1f} in {int(last['year'])}" in text


def test_a_builders_own_text_alternative_wins() -> None:
    chart = Chart("x", go.Figure(), pd.DataFrame(), "Title", "Sub", "Source: x", alt="Own words.")
    assert chart.alt_text == "Own words."


# --- the line chart written as plotly JSON (issue 12: server CPU per visit) ---------------------


def fixture_lines(*, estimates: bool, years: int, labels: bool) -> tuple[pd.DataFrame, dict]:
    """Internet use of the fixture economies, World and an ITU aggregate as a line chart's data
    (made up by tests/fixtures.py), some values marked as estimates, with display names."""
    snap = fixture_snapshot()
    rows = snap.rows("IT.NET.USER.ZS")
    rows = rows[rows["year"] >= rows["year"].max() - years + 1].sample(frac=1.0, random_state=3)
    data = pd.DataFrame(
        {
            "entity": rows["economy"].astype(str).to_numpy(),
            "year": rows["year"].to_numpy(dtype=int),
            "value": rows["value"].to_numpy(dtype=float),
            "estimate": (rows["year"].to_numpy() % 4 == 0) & estimates,
            "source": rows["source"].astype(str).to_numpy(),
            "vintage": rows["vintage"].astype(str).to_numpy(),
        }
    )
    names = entity_labels(snap) if labels else {}
    if labels:  # markup in a name is escaped, never drawn
        names["E02"] = "<b>E02</b> & {x}"
    return data, names


LINE_CASES = [
    {"estimates": True, "years": 25, "labels": True, "target": "umc_internet_use_2030"},
    {"estimates": False, "years": 8, "labels": True, "target": "umc_gender_parity_2030"},
    {"estimates": True, "years": 13, "labels": False, "target": None, "log_y": True},
    {"estimates": False, "years": 1, "labels": True, "target": None, "colours": True},
    {"estimates": True, "years": 20, "labels": True, "target": "bbc_internet_ldc_2025",
     "colours": True},
]  # fmt: skip


@pytest.mark.parametrize("case", LINE_CASES, ids=lambda c: "-".join(f"{v}" for v in c.values()))
def test_line_chart_writes_what_plotlys_validated_api_writes(case, catalogue) -> None:
    """The line chart built as plotly JSON without validation is the figure the previous
    route built through plotly's validated API (tests/validated_figures.py): the same JSON as
    parsed, byte for byte the JSON a cached copy of it wrote (which the app drew), and the same
    when plotly validates it again; the same data, notes and text alternative."""
    from validated_figures import previous_describe, validated_line_chart

    data, labels = fixture_lines(
        estimates=case["estimates"], years=case["years"], labels=case["labels"]
    )
    codes = list(dict.fromkeys(data["entity"]))
    options = {
        "name": "fixture-lines",
        "title": "Fixture lines",
        "subtitle": "Internet use of fixture economies, %",
        "source": f"Source: fixture, {FIXTURE_VINTAGE}.",
        "labels": labels,
        "y_title": "%",
        "target": catalogue.target(case["target"]) if case["target"] else None,
        "log_y": case.get("log_y", False),
        "notes": ["A fixture note."],
    }
    if case.get("colours"):
        palette = list(OKABE_ITO.values())
        options["colours"] = {c: palette[-1 - i % len(palette)] for i, c in enumerate(codes)}
        options["dashes"] = {c: ("dot", "dash", "solid")[i % 3] for i, c in enumerate(codes)}
    new = chart.line_chart(data, **options)
    old = validated_line_chart(data, **options)
    new_json = new.figure.to_json()
    assert json.loads(new_json) == json.loads(old.figure.to_json())
    assert new_json == chart.trusted_figure(old.figure.to_dict()).to_json()
    assert json.loads(go.Figure(new.figure.to_dict()).to_json()) == json.loads(new_json)
    pd.testing.assert_frame_equal(new.data, old.data)
    assert (new.notes, new.title, new.subtitle, new.source) == (
        old.notes,
        old.title,
        old.subtitle,
        old.source,
    )
    assert new.alt_text == previous_describe(old)


DESCRIBED = {
    "gaps and one-value series": pd.DataFrame(
        {
            "entity_name": ["B", "A", "A", "B", "C", "A", "C"],
            "year": [2001, 2003, 2001, 2001, 2010, 2002, 2010],
            "value": [1.5, np.nan, 2.25, 3.0, 4e6, 5.0, 7.0],
        }
    ),
    "more series than are named": pd.DataFrame(
        {
            "series": [f"S{i % 9}" for i in range(30)],
            "year": [2000 + i // 9 for i in range(30)],
            "value": [float(i) * 1.5 for i in range(30)],
        }
    ),
    "numbers as names, text as values": pd.DataFrame(
        {"entity": [3, 1, 3, 1], "year": [2005, 2005, 2006, 2007], "value": ["x", 1, 2, "y"]}
    ),
    "no values": pd.DataFrame({"name": ["A"], "year": [2000], "value": [np.nan]}),
    "no year column": pd.DataFrame({"name": ["A"], "value": [1.0]}),
}


@pytest.mark.parametrize("data", DESCRIBED.values(), ids=list(DESCRIBED))
def test_describe_says_what_it_said_before(data: pd.DataFrame) -> None:
    """`describe` reads each series' ends in one pass and says exactly what the previous
    version, which selected each series in turn, said (tests/validated_figures.py)."""
    from validated_figures import previous_describe

    made = Chart("n", go.Figure(), data, "A title.", "A subtitle", "Source: x")
    assert made.alt_text == previous_describe(made)
