"""Domain rules that more than one stage applies, each written once.

A rule that decides what a figure says (how a head count is worded, which year stands in for a
missing baseline, how a source is labelled) lives here so that the analytics, the narrative,
the figures and the deck cannot drift apart. Imports only the standard library.
"""

from __future__ import annotations


def head_count(count: float) -> str:
    """A count of people in words: billions with two decimals, else millions (or the number).

    >>> head_count(2_171_234_567)
    '2.17 billion'
    >>> head_count(588_312_000)
    '588.3 million'
    >>> head_count(12_345)
    '12,345'
    """
    if count >= 1e9:
        return f"{count / 1e9:.2f} billion"
    if count >= 1e6:
        return f"{count / 1e6:.1f} million"
    return f"{count:,.0f}"


# --- baseline substitution ----------------------------------------------------------------------
BASELINE_WINDOW = 3  # years searched on each side of a missing baseline year


def baseline_search_order(window: int = BASELINE_WINDOW) -> list[int]:
    """Year offsets tried for a missing baseline, in order: the year itself, then one year
    earlier, one later, two earlier ... (the earlier year wins a tie).

    >>> baseline_search_order(2)
    [0, -1, 1, -2, 2]
    """
    if int(window) != window or window < 0:
        raise ValueError(f"window must be a whole number of years >= 0, not {window!r}")
    out = [0]
    for k in range(1, int(window) + 1):
        out += [-k, k]
    return out


# --- target status --------------------------------------------------------------------------
RECENCY_YEARS = 4  # a status needs a value from at most this many years before the latest data year
