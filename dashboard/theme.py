"""The visual theme shared by the screen and every export: palette, fonts, plotly templates.

Colours come from the Okabe-Ito palette, which stays distinguishable under the common forms of
colour blindness. Each well-known entity keeps one colour across all charts (the world is always
near-black, high income always blue, low income always vermilion ...). Fonts are Liberation Sans
(installed by scripts/setup.sh; metric-compatible with Arial) with Arial/Helvetica fallbacks so
that SVG files render the same on machines without it.
"""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go
import plotly.io as pio

FONT_FAMILY = "Liberation Sans, Arial, Helvetica, sans-serif"
UN_BLUE = "#009EDB"

# Okabe-Ito (2008), in the order the charts use them for arbitrary series.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
SERIES_COLOURS = (
    OKABE_ITO["blue"],
    OKABE_ITO["orange"],
    OKABE_ITO["bluish_green"],
    OKABE_ITO["vermillion"],
    OKABE_ITO["reddish_purple"],
    OKABE_ITO["sky_blue"],
    "#7F7F7F",
    OKABE_ITO["yellow"],
)
NEUTRAL_INK = "#333333"  # the world series; becomes the text colour on dark screens
# Fixed colours for entities that appear on many charts.
ENTITY_COLOURS = {
    "WLD": NEUTRAL_INK,
    "ITU_WLD": NEUTRAL_INK,
    "HIC": OKABE_ITO["blue"],
    "ITU_HIC": OKABE_ITO["blue"],
    "UMC": OKABE_ITO["sky_blue"],
    "ITU_UMC": OKABE_ITO["sky_blue"],
    "LMC": OKABE_ITO["orange"],
    "ITU_LMC": OKABE_ITO["orange"],
    "LIC": OKABE_ITO["vermillion"],
    "ITU_LIC": OKABE_ITO["vermillion"],
    "LDC": OKABE_ITO["reddish_purple"],
    "ITU_LDC": OKABE_ITO["reddish_purple"],
    "LMY": OKABE_ITO["bluish_green"],
}
# Roles of a breakdown pair.
ROLE_COLOURS = {
    "female": OKABE_ITO["vermillion"],
    "male": OKABE_ITO["blue"],
    "urban": OKABE_ITO["blue"],
    "rural": OKABE_ITO["orange"],
    "youth": OKABE_ITO["bluish_green"],
    "rest": "#7F7F7F",
}
# Target status colours (SDG-dashboard style, colour-blind safe) and their arrows.
STATUS_COLOURS = {
    "met": OKABE_ITO["bluish_green"],
    "missed": OKABE_ITO["vermillion"],
    "achieved": OKABE_ITO["bluish_green"],
    "on track": OKABE_ITO["blue"],
    "improving but off track": OKABE_ITO["orange"],
    "stagnating": "#7F7F7F",
    "moving away": OKABE_ITO["vermillion"],
    "insufficient recent data": "#BBBBBB",
    "insufficient data": "#BBBBBB",
}
# Claim verdicts: dark enough to carry white text and to be read as text on white (at least
# 4.5:1, WCAG AA), in the hues of the target statuses; the words always go with the colour.
VERDICT_COLOURS = {
    "supported": "#00704F",
    "partly supported": "#8A5300",
    "not supported": "#B03A00",
    "cannot be checked": "#5F5F5F",
}
SEQUENTIAL_SCALE = "Cividis"  # maps of levels
DIVERGING_SCALE = "PuOr"  # maps of change (centred on zero)
TARGET_COLOUR = "#555555"


@dataclass(frozen=True)
class Mode:
    """Colours of one display mode (light for exports and light screens, dark for dark screens)."""

    name: str
    background: str
    text: str
    muted: str
    grid: str


LIGHT = Mode(name="light", background="#FFFFFF", text="#1A1A1A", muted="#5F5F5F", grid="#E3E3E3")
DARK = Mode(name="dark", background="#0E1117", text="#F0F0F0", muted="#A8A8A8", grid="#2E333D")


def mode(name: str | None) -> Mode:
    """The Mode called `name` ('dark' or anything else for light)."""
    return DARK if name == "dark" else LIGHT


def verdict_colour(verdict: str) -> str:
    """The colour of a claim verdict (the grey of 'cannot be checked' for an unknown one)."""
    return VERDICT_COLOURS.get(verdict, VERDICT_COLOURS["cannot be checked"])


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2.1 contrast ratio of two '#RRGGBB' colours (1 to 21).

    >>> round(contrast_ratio("#000000", "#FFFFFF"), 1)
    21.0
    """

    def luminance(colour: str) -> float:
        channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    high, low = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


# How a line is drawn says who made the series: a group as its publisher gives it, ITU's own
# aggregate of the same group, or a figure computed here. Never two of these alike.
LINE_DASHES = {"published": "solid", "itu": "dash", "computed": "dot"}


def line_dash(*, itu: bool, computed: bool) -> str:
    """The dash of a series line: dotted if computed here, dashed for ITU's aggregates, else solid.

    >>> line_dash(itu=True, computed=False), line_dash(itu=False, computed=False)
    ('dash', 'solid')
    """
    if computed:
        return LINE_DASHES["computed"]
    return LINE_DASHES["itu"] if itu else LINE_DASHES["published"]


def colour_for(code: str, index: int) -> str:
    """The fixed colour of a known entity, else the index-th series colour."""
    return ENTITY_COLOURS.get(code, SERIES_COLOURS[index % len(SERIES_COLOURS)])


def template(m: Mode) -> go.layout.Template:
    """A plotly template for a mode: fonts, background, grid, hover labels, colourway."""
    return go.layout.Template(
        layout=go.Layout(
            font={"family": FONT_FAMILY, "size": 14, "color": m.text},
            paper_bgcolor=m.background,
            plot_bgcolor=m.background,
            colorway=list(SERIES_COLOURS),
            xaxis={
                "gridcolor": m.grid,
                "linecolor": m.muted,
                "zeroline": False,
                "ticks": "outside",
                "tickcolor": m.muted,
                "title": {"standoff": 8},
            },
            yaxis={
                "gridcolor": m.grid,
                "zeroline": False,
                "linecolor": m.muted,
                "title": {"standoff": 8},
            },
            legend={"bgcolor": "rgba(0,0,0,0)", "font": {"size": 13}},
            hoverlabel={"font": {"family": FONT_FAMILY, "size": 13}},
            margin={"l": 64, "r": 24, "t": 96, "b": 96},
        )
    )


pio.templates["wsis_light"] = template(LIGHT)
pio.templates["wsis_dark"] = template(DARK)

# Streamlit's named colours (badges, coloured markdown text) standing for the palette colours
# above, so that a status reads the same in the page's text as in its charts.
STREAMLIT_COLOURS = {
    VERDICT_COLOURS["supported"]: "green",
    VERDICT_COLOURS["partly supported"]: "orange",
    VERDICT_COLOURS["not supported"]: "red",
    OKABE_ITO["bluish_green"]: "green",
    OKABE_ITO["blue"]: "blue",
    OKABE_ITO["sky_blue"]: "blue",
    OKABE_ITO["orange"]: "orange",
    OKABE_ITO["yellow"]: "yellow",
    OKABE_ITO["vermillion"]: "red",
    OKABE_ITO["reddish_purple"]: "violet",
}


def streamlit_colour(colour: str) -> str:
    """The Streamlit colour name for a palette colour ('#009E73' -> 'green'); greys and any
    other colour -> 'gray'."""
    return STREAMLIT_COLOURS.get(colour.upper(), "gray")
