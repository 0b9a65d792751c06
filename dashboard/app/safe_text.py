"""Data and link text made safe for Streamlit's markdown (pure functions, no Streamlit).

Streamlit renders the body of st.markdown, st.caption, st.info, headings, image captions and
badges as GitHub-flavoured markdown with its own directives (`:red[...]`, `:material/...:`,
LaTeX between `$`). Text that comes from a link, a data file or an API must show as the words
it is, never as a link, an image fetched from elsewhere, a heading, a badge or a formula:
`md_escape` backslash-escapes the characters that mean something inside a line (valid in
CommonMark, rendered as the character itself), escapes a leading character that would start a
block (heading, quote, list item), and turns control characters and line breaks into spaces.
Streamlit also turns bare addresses (`https://...`, `www....`, `name@host`) into links after
escapes are resolved, so an invisible word joiner (U+2060) is put inside each of those patterns.
`clip` bounds the length of text echoed back to a visitor (a hostile link may be very long).
"""

from __future__ import annotations

import functools
import re

CLIP = 40  # characters of a link value echoed back in a notice
MEMO = 16384  # texts remembered by each memoised step ...
MEMO_LENGTH = 2000  # ... if at most this long: at most about 2 x 16384 x 2000 characters
# Inline markup: emphasis, code, links and images ([...]), HTML and autolinks (<...>), tables
# (|), LaTeX ($), strikethrough (~), entities (&), and a colon before a letter, which starts a
# directive (":red", ":green-badge"), an emoji short code or a Material icon.
_INLINE = re.compile(r"([\\`*_\[\]<>|$~&]|:(?=[A-Za-z]))")
# A first character that would open a block: heading, quote, list item, thematic break.
_BLOCK_START = re.compile(r"^(?:[#>]|[+\-](?=\s|$)|-{3,}|={3,}|\d{1,9}(?=[.)](?:\s|$)))")
# Where GitHub-flavoured markdown would start an automatic link: "://", "www." and "@".
_AUTOLINK = re.compile(r"(:)(//)|(www)(\.)|(@)", re.IGNORECASE)
JOINER = "\u2060"
# Control characters (Unicode category Cc: C0, DEL and C1), matched at once rather than one by one.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
# Bidirectional overrides and isolates: they would let a value display reversed or reordered.
_BIDI = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"), " ")


def plain(text: object) -> str:
    """One line of visible text: control characters, line breaks and bidi overrides become
    spaces, runs of whitespace one space (NUL included)."""
    text = str(text)
    return _plain(text) if len(text) <= MEMO_LENGTH else _flatten(text)


def _flatten(text: str) -> str:
    return " ".join(_CONTROL.sub(" ", text.translate(_BIDI)).split())


# Pages pass the same texts on every run: the two steps are memoised for texts up to
# MEMO_LENGTH characters (a longer text, e.g. from a hostile link, is never kept) (issue 12).
_plain = functools.lru_cache(maxsize=MEMO)(_flatten)


def clip(text: object, limit: int = CLIP) -> str:
    """`plain` text cut to `limit` characters, with '...' when it was longer."""
    flat = plain(text)
    return flat if len(flat) <= limit else flat[:limit] + "..."


def md_escape(text: object, *, limit: int | None = None) -> str:
    """Text shown literally by Streamlit markdown (inline markup and a block start escaped).

    `limit` clips the text first (see `clip`). Use it for any text that is not written in
    this code base: link parameters, entity names, descriptor fields, error messages.
    """
    flat = plain(text) if limit is None else clip(text, limit)
    return _escaped(flat) if len(flat) <= MEMO_LENGTH else _escape_line(flat)


def _escape_line(flat: str) -> str:
    """`md_escape` of one line of plain text."""
    out = _INLINE.sub(_escape, _AUTOLINK.sub(_join, flat))
    start = _BLOCK_START.match(out)
    if start is None:
        return out
    at = start.end() if out[0].isdigit() else 0  # "1. x" -> "1\. x"; "# x" -> "\# x"
    return out[:at] + "\\" + out[at:]


_escaped = functools.lru_cache(maxsize=MEMO)(_escape_line)


def _escape(match: re.Match[str]) -> str:
    """A backslash before the character; a colon also gets a word joiner after it, since emoji
    short codes (":smile:") are replaced after escapes are resolved."""
    char = match.group(1)
    return "\\" + char + (JOINER if char == ":" else "")


def _join(match: re.Match[str]) -> str:
    """The matched pattern with a word joiner inside it (no visible change)."""
    parts = [g for g in match.groups() if g is not None]
    return parts[0] + JOINER + "".join(parts[1:])


def md_code(text: object, *, limit: int = 80) -> str:
    """Text as inline code (shown in monospace, never interpreted); backticks, which would end
    the code span, are dropped."""
    return "`" + clip(text, limit).replace("`", "") + "`"


def md_badge(label: object, colour: str) -> str:
    """A coloured badge directive (`:green-badge[...]`) with the label escaped; `colour` is one
    of Streamlit's badge colours (red, orange, yellow, blue, green, violet, gray, primary)."""
    if colour not in BADGE_COLOURS:
        raise ValueError(f"{colour!r} is not a Streamlit badge colour")
    return f":{colour}-badge[{md_escape(label)}]"


BADGE_COLOURS = ("red", "orange", "yellow", "blue", "green", "violet", "gray", "primary")
