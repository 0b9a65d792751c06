"""Text that plotly draws, made literal: data never becomes plotly markup or a placeholder.

Plotly reads a small pseudo-HTML in titles, annotations, trace names, category ticks and `text`,
and `%{...}` placeholders in hover templates. Every string that comes from the data, the
catalogue or a link passes through these functions before plotly sees it; the chart's `data`
keeps the raw text for its CSV.

>>> escape("R&D <b>")
'R&amp;D &lt;b&gt;'
>>> escape_template("100%{x}")
'100%&#123;x}'
"""

from __future__ import annotations

from collections.abc import Iterable


def escape(text: object) -> str:
    """Escape the characters plotly's pseudo-HTML would interpret (data text is never markup).

    Use it for every data-supplied string plotly draws: titles, annotations, trace names (legend
    and `%{fullData.name}`), category axis values (tick labels and `%{x}`/`%{y}`) and `text`
    shown through `%{text}`.
    """
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_all(values: Iterable[object]) -> list[str]:
    """`escape` of each value (category axes, `text` arrays); the chart's data keeps raw text."""
    return [escape(v) for v in values]


def escape_template(text: object) -> str:
    """`escape` for literal text inside a hovertemplate: `%{` would start a plotly placeholder,
    so its brace becomes an entity (plotly decodes `&#123;` back to `{` when drawing)."""
    return escape(text).replace("%{", "%&#123;")
