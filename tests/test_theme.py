"""The visual theme: display modes, fixed entity colours, plotly templates, Streamlit colour names
and the colour-blind safety of the categorical palettes."""

from __future__ import annotations

import itertools

import numpy as np
import plotly.io as pio
import pytest
from streamlit.elements.lib.color_util import BUILTIN_COLOR_NAMES

from dashboard import theme
from dashboard.theme import (
    DARK,
    ENTITY_COLOURS,
    LIGHT,
    OKABE_ITO,
    ROLE_COLOURS,
    SERIES_COLOURS,
    STATUS_COLOURS,
    STREAMLIT_COLOURS,
    VERDICT_COLOURS,
    colour_for,
    contrast_ratio,
    mode,
    streamlit_colour,
    template,
    verdict_colour,
)

# Machado, Oliveira & Fernandes (2009), "A physiologically-based model for simulation of color
# vision deficiency", IEEE TVCG 15(6); matrices for severity 1.0 (dichromacy), linear RGB.
MACHADO = {
    "protanopia": np.array(
        [
            [0.152286, 1.052583, -0.204868],
            [0.114503, 0.786281, 0.099216],
            [-0.003882, -0.048116, 1.051998],
        ]
    ),
    "deuteranopia": np.array(
        [
            [0.367322, 0.860646, -0.227968],
            [0.280085, 0.672501, 0.047413],
            [-0.011820, 0.042940, 0.968881],
        ]
    ),
}
SRGB_TO_XYZ = np.array(
    [
        [0.4124564, 0.3575761, 0.1804375],
        [0.2126729, 0.7151522, 0.0721750],
        [0.0193339, 0.1191920, 0.9503041],
    ]
)
MIN_DELTA_E = 5.0  # CIE76; about twice the just-noticeable 2.3: closer pairs read as one colour
PALETTES = {
    "series": SERIES_COLOURS,
    # a passed target's "met" / "missed" share the colours of "achieved" / "moving away", and the
    # two "insufficient" statuses share grey: the words tell them apart
    "status": tuple(dict.fromkeys(STATUS_COLOURS.values())),
    "entity": tuple(dict.fromkeys(ENTITY_COLOURS.values())),
    **{
        f"role {a}/{b}": (ROLE_COLOURS[a], ROLE_COLOURS[b])
        for a, b in (("female", "male"), ("urban", "rural"), ("youth", "rest"))
    },
}


def linear_rgb(colour: str) -> np.ndarray:
    """sRGB '#RRGGBB' -> linear RGB in [0, 1] (IEC 61966-2-1 transfer function)."""
    c = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def lab(rgb: np.ndarray) -> np.ndarray:
    """Linear RGB -> CIELAB (D65 white)."""
    xyz = SRGB_TO_XYZ @ np.clip(rgb, 0, 1) / (SRGB_TO_XYZ @ np.ones(3))
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def simulated_delta_e(a: np.ndarray, b: np.ndarray, deficiency: str) -> float:
    """CIE76 difference of two linear-RGB colours as seen with the given deficiency."""
    m = MACHADO[deficiency]
    return float(np.linalg.norm(lab(m @ a) - lab(m @ b)))


def luminance(colour: str) -> float:
    return float(linear_rgb(colour) @ SRGB_TO_XYZ[1])


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio."""
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize(("name", "expected"), [("light", LIGHT), ("dark", DARK)])
def test_mode_by_name(name: str, expected: theme.Mode) -> None:
    assert mode(name) is expected
    assert mode(name).name == name


@pytest.mark.parametrize("name", [None, "", "unknown", "Dark", "DARK", " dark"])
def test_unknown_or_missing_mode_falls_back_to_light(name: str | None) -> None:
    assert mode(name) is LIGHT


@pytest.mark.parametrize("m", [LIGHT, DARK], ids=["light", "dark"])
def test_mode_inks_are_legible_on_their_background(m: theme.Mode) -> None:
    """Body text and the muted footer ink reach WCAG AA (4.5:1) on the mode's background."""
    assert contrast(m.text, m.background) >= 4.5
    assert contrast(m.muted, m.background) >= 4.5
    assert len({m.background, m.text, m.muted, m.grid}) == 4


@pytest.mark.parametrize("code", sorted(ENTITY_COLOURS))
def test_known_entities_keep_their_colour_whatever_the_index(code: str) -> None:
    assert {colour_for(code, i) for i in range(3 * len(SERIES_COLOURS))} == {ENTITY_COLOURS[code]}


def test_other_entities_cycle_through_the_series_colours() -> None:
    n = len(SERIES_COLOURS)
    got = [colour_for("E01", i) for i in range(2 * n)]
    assert got == [*SERIES_COLOURS, *SERIES_COLOURS]
    assert colour_for("E01", 5) == colour_for("E99", 5) == colour_for("E01", 5 + n)
    assert all(colour_for("E01", i) in SERIES_COLOURS for i in (-1, 0, 10**6))


def test_itu_aggregates_share_the_colour_of_their_world_bank_group() -> None:
    pairs = [(c, c.removeprefix("ITU_")) for c in ENTITY_COLOURS if c.startswith("ITU_")]
    assert pairs
    assert all(ENTITY_COLOURS[itu] == ENTITY_COLOURS[wb] for itu, wb in pairs)


@pytest.mark.parametrize("name", sorted(PALETTES))
def test_palette_colours_are_distinct(name: str) -> None:
    colours = [c.upper() for c in PALETTES[name]]
    assert len(set(colours)) == len(colours), colours


def test_okabe_ito_colours_are_used_as_given() -> None:
    assert len(set(OKABE_ITO.values())) == len(OKABE_ITO) == 8
    assert set(OKABE_ITO.values()) - {"#000000"} <= set(SERIES_COLOURS)


@pytest.mark.parametrize("deficiency", sorted(MACHADO))
def test_simulation_merges_colours_on_a_confusion_line(deficiency: str) -> None:
    """Sanity check of the check below: two colours that differ only along the simulation's
    null direction look alike to it, although they are far apart for normal vision."""
    null = np.linalg.svd(MACHADO[deficiency])[2][-1]
    base = np.full(3, 0.5)
    other = base + 0.4 * null / np.abs(null).max()
    assert np.linalg.norm(lab(base) - lab(other)) > 4 * MIN_DELTA_E
    assert simulated_delta_e(base, other, deficiency) < MIN_DELTA_E


@pytest.mark.parametrize("deficiency", sorted(MACHADO))
@pytest.mark.parametrize("name", sorted(PALETTES))
def test_palette_stays_distinguishable_under_colour_blindness(name: str, deficiency: str) -> None:
    """The module says its palette (Okabe-Ito) is colour-blind safe: simulate protanopia and
    deuteranopia with the Machado et al. (2009) severity-1.0 matrices on linearised sRGB, then
    require every pair of a categorical set to stay MIN_DELTA_E apart in CIELAB (CIE76)."""
    close = [
        (a, b, round(d, 1))
        for a, b in itertools.combinations(PALETTES[name], 2)
        if (d := simulated_delta_e(linear_rgb(a), linear_rgb(b), deficiency)) < MIN_DELTA_E
    ]
    assert close == []


@pytest.mark.parametrize("m", [LIGHT, DARK], ids=["light", "dark"])
def test_template_sets_font_background_and_grid_per_mode(m: theme.Mode) -> None:
    layout = template(m).layout
    assert layout.font.family == theme.FONT_FAMILY
    assert layout.font.color == m.text
    assert layout.paper_bgcolor == layout.plot_bgcolor == m.background
    assert layout.xaxis.gridcolor == layout.yaxis.gridcolor == m.grid
    assert tuple(layout.colorway) == SERIES_COLOURS


@pytest.mark.parametrize("m", [LIGHT, DARK], ids=["light", "dark"])
def test_templates_are_registered_with_plotly(m: theme.Mode) -> None:
    assert pio.templates[f"wsis_{m.name}"].to_plotly_json() == template(m).to_plotly_json()


def test_templates_of_the_two_modes_differ() -> None:
    light, dark = template(LIGHT).layout, template(DARK).layout
    assert light.paper_bgcolor != dark.paper_bgcolor
    assert light.font.color != dark.font.color


@pytest.mark.parametrize(("colour", "name"), sorted(STREAMLIT_COLOURS.items()))
def test_streamlit_colour_names_palette_colours(colour: str, name: str) -> None:
    assert streamlit_colour(colour) == name
    assert streamlit_colour(colour.lower()) == name
    assert name in BUILTIN_COLOR_NAMES


@pytest.mark.parametrize("colour", ["#7F7F7F", "#BBBBBB", theme.NEUTRAL_INK, "#123456", "red"])
def test_other_colours_are_gray_in_streamlit(colour: str) -> None:
    assert streamlit_colour(colour) == "gray"


@pytest.mark.parametrize("status", sorted(STATUS_COLOURS))
def test_every_status_has_a_streamlit_colour(status: str) -> None:
    assert streamlit_colour(STATUS_COLOURS[status]) in BUILTIN_COLOR_NAMES


@pytest.mark.parametrize("verdict", sorted(VERDICT_COLOURS))
def test_verdict_colours_can_be_read_as_text_on_white_and_carry_white_text(verdict) -> None:
    colour = verdict_colour(verdict)
    assert contrast_ratio(colour, "#FFFFFF") >= 4.5
    assert streamlit_colour(colour) != "gray" or verdict == "cannot be checked"


def test_an_unknown_verdict_is_grey() -> None:
    assert verdict_colour("maybe") == VERDICT_COLOURS["cannot be checked"]


def test_synonymous_statuses_share_a_colour() -> None:
    assert STATUS_COLOURS["met"] == STATUS_COLOURS["achieved"]
    assert STATUS_COLOURS["missed"] == STATUS_COLOURS["moving away"]
    assert STATUS_COLOURS["insufficient recent data"] == STATUS_COLOURS["insufficient data"]
