"""Text measured in the project font (Liberation Sans), so exports and slides wrap text themselves.

Plotly and PowerPoint do not wrap titles and footers the way a slide needs; these functions
measure text with the font file fontconfig finds (an estimate from the character count where
it is missing) and wrap it to a width in CSS pixels.

>>> wrap_px("one two three", width=10_000, size=12)
['one two three']
"""

from __future__ import annotations

import functools
import re
import subprocess
from pathlib import Path

from PIL import ImageFont


@functools.cache
def font_file(bold: bool) -> str | None:
    """Path of Liberation Sans (regular or bold) as fontconfig resolves it, or None."""
    style = "Bold" if bold else "Regular"
    try:
        out = subprocess.run(
            ["fc-match", "-f", "%{file}", f"Liberation Sans:style={style}"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    path = out.stdout.strip()
    return path if path and Path(path).is_file() else None


@functools.cache
def font(bold: bool, size: int) -> ImageFont.FreeTypeFont | None:
    """Liberation Sans at `size` px, or None where the font file is missing."""
    path = font_file(bold)
    return ImageFont.truetype(path, size) if path else None


BREAKS = re.compile(r"[^\S\u00a0]+")  # whitespace where a line may break (not a no-break space)


def text_width(text: str, *, size: int, bold: bool = False) -> float:
    """Width in CSS px of `text` set in Liberation Sans (an estimate without the font file)."""
    face = font(bold, size)
    if face is None:
        return len(text) * size * (0.6 if bold else 0.55)
    return float(face.getlength(text))


def wrap_px(text: str, *, width: float, size: int, bold: bool = False) -> list[str]:
    """Greedy word wrap of `text` into lines no wider than `width` px (long words kept whole;
    a no-break space joins words into one).

    >>> wrap_px("slides\u00a028\u00a0to\u00a035", width=1, size=20)
    ['slides\xa028\xa0to\xa035']
    """
    lines: list[str] = []
    current = ""
    for word in BREAKS.split(str(text).strip()):
        trial = f"{current} {word}".strip()
        if current and text_width(trial, size=size, bold=bold) > width:
            lines.append(current)
            current = word
        else:
            current = trial
    lines.append(current)
    return lines
