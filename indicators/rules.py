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
