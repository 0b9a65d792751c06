"""Chart exports as bytes: PNG (1920 px wide or 1080 px), SVG, PDF, CSV and standalone HTML.

Images are rendered by the process-wide browser of renderer.py. Exported figures are always a
copy of the chart's figure (the cached one, a page's or the deck's is never changed), in light
mode on an opaque white background, refitted to the export size (`export_figure`): title,
subtitle and footer (source line with vintage, marks) are re-wrapped to the width, the margins
grown so nothing is cut or overlaps, and the image made taller where a long ranking or a grid
of panels needs room (every row labelled, no panel squeezed). CSVs hold rounded values with
readable source, vintage and credit columns. Without chromium, image exports raise
`renderer.ExportUnavailable` (saying how to install it) while CSV and HTML keep working.
"""

from __future__ import annotations

import functools
import html
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.exports.csv_text import csv_bytes
from dashboard.exports.renderer import ExportError, renderer
from dashboard.exports.text_metrics import text_width, wrap_px
from dashboard.figures.chart import (
    FOOTER_SIZE,
    SUBTITLE_SIZE,
    TITLE_SIZE,
    Chart,
    apply_mode,
    header_text,
    slug,
)
from dashboard.figures.plotly_text import escape
from dashboard.formatting import source_names
from dashboard.theme import LIGHT
from indicators.store.snapshot import Snapshot

Variant = Literal["slide", "square", "full"]
# Layout size in CSS px and the default scale: slide 800x450 x 2.4 = 1920x1080 px, square
# 540x540 x 2 = 1080x1080 px. A layout narrower than the screen keeps the text large enough to
# read on a projected slide (14 px ticks on a 800 px wide chart are ~12 pt on a 16:9 slide).
# 'full' keeps the figure's own on-screen height (tall grids and tables) at a wide-screen width.
VARIANTS: dict[str, tuple[int, int, float]] = {
    "slide": (800, 450, 2.4),
    "square": (540, 540, 2.0),
    "full": (1200, 0, 1.6),
}
FULL_DEFAULT_HEIGHT = 600
TITLE_LINE, SUBTITLE_LINE, FOOTER_LINE, LEGEND_ROW = 26, 26, 16, 24  # px per wrapped line
# Plotly puts the first title line's baseline (not its top) at title.y: without this padding
# the capitals touch the image's top edge. Exports move the title (and the plot) down by it.
TITLE_TOP_PAD = 16

# ---------------------------------------------------------------------------------------------
# Fitting a chart's figure to an export size


def _margin(fig: go.Figure, side: str, default: int) -> int:
    value = getattr(fig.layout.margin, side)
    return int(value) if value is not None else default


def _legend_rows(fig: go.Figure, width: float) -> int:
    """Rows a horizontal legend on top of the plot needs at `width` px (0 when none is shown)."""
    legend = fig.layout.legend
    on_top = legend.y is None or legend.y >= 1 or (legend.yref == "container" and legend.y > 0.5)
    if legend.orientation != "h" or not on_top:
        return 0
    names = [
        str(t.name)
        for t in fig.data
        if t.name and t.showlegend is not False and getattr(t, "visible", True) is not False
    ]
    if fig.layout.showlegend is False or (len(names) < 2 and fig.layout.showlegend is not True):
        return 0
    rows, used = 1, 0.0
    for name in names:
        item = text_width(name, size=13) + 46  # symbol, gaps and padding of one legend item
        if used and used + item > width:
            rows, used = rows + 1, 0.0
        used += item
    return rows


def category_labels(trace: Any, attr: str = "y") -> list[str]:
    """The text labels a trace places along a categorical axis ([] for numbers).

    A figure rebuilt from a dict or from Streamlit's cache holds numbers as typed arrays
    ({'dtype', 'bdata'}): iterating one gives its keys, which must not pass for category names
    (that once labelled every integer of a 0-105 axis)."""
    values = getattr(trace, attr, None)
    if values is None or isinstance(values, dict | str):
        return []
    if isinstance(values, np.ndarray) and values.dtype.kind not in "OUS":
        return []
    try:
        return [v for v in values if isinstance(v, str)]
    except TypeError:  # not iterable
        return []


def _category_label_width(fig: go.Figure) -> float:
    """Width in px of the widest text label on a y axis (dumbbells, bar rankings)."""
    widest = 0.0
    for trace in fig.data:
        labels = set(category_labels(trace))
        if not labels:
            continue
        axis_name = "yaxis" + str(getattr(trace, "yaxis", "y") or "y")[1:]
        axis = getattr(fig.layout, axis_name, None) or fig.layout.yaxis
        size = int(axis.tickfont.size or 14)
        widest = max(widest, *(label_width(label, size=size) for label in labels))
    return widest


_TAG = re.compile(r"<[^>]+>")


def label_width(label: str, *, size: int) -> float:
    """Width in px of a tick label written in plotly's pseudo-HTML: its widest line, tags left
    out and entities read as the characters they stand for."""
    lines = re.split(r"<br\s*/?>", label, flags=re.I)
    return max(text_width(html.unescape(_TAG.sub("", line)), size=size) for line in lines)


def _show_all_categories(fig: go.Figure, plot_height: float) -> None:
    """Label every row of a categorical y axis when the rows are tall enough for their text.

    Plotly skips every other label of a crowded axis, which on a slide leaves rows unnamed.
    """
    for trace in fig.data:
        labels = category_labels(trace)
        if not labels:
            continue
        axis_name = "yaxis" + str(getattr(trace, "yaxis", "y") or "y")[1:]
        axis = getattr(fig.layout, axis_name, None)
        if axis is None:
            continue
        rows = len(set(labels))
        if rows * (int(axis.tickfont.size or 14) + 2) <= plot_height:
            axis.update(tickmode="linear", dtick=1)


def _left_margin(fig: go.Figure, left: int) -> int:
    """The left margin plotly's automargin will use: room for text labels on the y axis.

    Known here (not only at render time) so that the title and footer, which start at the
    plot's left edge, can be wrapped to the width really left to them.
    """
    labels = _category_label_width(fig)
    if not labels:
        return left
    title = 28 if fig.layout.yaxis.title.text else 0
    return max(left, round(labels + 24 + title))


def _top_label_height(fig: go.Figure) -> int:
    """Height of labels sitting on top of the plot area (subplot titles), 0 when none.

    A legend placed on top of the plot would cover them: exports lift it above them.
    """
    heights = [
        round((a.font.size or 16) * 1.3) + 4
        for a in fig.layout.annotations
        if a.name != "footer" and a.yref == "paper" and a.yanchor == "bottom"
        and a.y is not None and 0.999 <= a.y <= 1.001 and not a.showarrow
    ]  # fmt: skip
    return max(heights, default=0)


def _footer(fig: go.Figure) -> Any | None:
    return next((a for a in fig.layout.annotations if a.name == "footer"), None)


def _fit_title(fig: go.Figure, chart: Chart, width: float) -> int:
    """Re-wrap title and subtitle to `width`; return the extra height the wrapping needs."""
    text = fig.layout.title.text or ""
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    if not chart.title or not (meta.get("anatomy") or escape(chart.title) in text):
        return 0  # a figure that does not follow the chart anatomy is left as it is
    title = wrap_px(chart.title, width=width, size=TITLE_SIZE, bold=True)
    parts = [f"<b>{escape(line)}</b>" for line in title]
    subtitle = wrap_px(chart.subtitle, width=width, size=SUBTITLE_SIZE) if chart.subtitle else []
    parts += [
        f"<span style='font-size:{SUBTITLE_SIZE}px'>{escape(line)}</span>" for line in subtitle
    ]
    fig.layout.title.text = "<br>".join(parts)
    return (len(title) - 1) * TITLE_LINE + max(len(subtitle) - 1, 0) * SUBTITLE_LINE


def _fit_footer(fig: go.Figure, chart: Chart, width: float) -> int:
    """Re-wrap the footer (source line and notes) to `width`; return the extra height needed."""
    footer = _footer(fig)
    if footer is None:
        return 0
    old = (footer.text or "").count("<br>") + 1
    lines = wrap_px(chart.source, width=width, size=FOOTER_SIZE)
    for note in chart.notes:
        lines += wrap_px(note, width=width, size=FOOTER_SIZE)
    footer.text = "<br>".join(escape(line) for line in lines)
    return (len(lines) - old) * FOOTER_LINE


def _legend_in_container(fig: go.Figure) -> bool:
    legend = fig.layout.legend
    return legend.yref == "container" and legend.yanchor == "top" and legend.y is not None


MIN_PANEL = 170  # px: the least height a panel of a small-multiple grid gets in an export
MIN_PLOT = 150  # px: the least height of any plot area, however long its title and notes
ROW_PAD = 8  # px between the labels of a categorical axis (each row gets font size + pad)


def _domain_height(axis: Any) -> float:
    domain = axis.domain if axis.domain is not None else (0, 1)
    return max(float(domain[1]) - float(domain[0]), 1e-3)


def needed_plot_height(fig: go.Figure) -> float:
    """The height in px the plot area needs so that nothing in it is crowded: every row of a
    categorical y axis gets room for its label (dumbbells, rankings, heatmaps), and every panel
    of a grid of subplots at least MIN_PANEL px. 0 for a plot any height suits."""
    need = 0.0
    for trace in fig.data:
        labels = category_labels(trace)
        if not labels:
            continue
        axis = getattr(fig.layout, "yaxis" + str(getattr(trace, "yaxis", "y") or "y")[1:], None)
        if axis is None:
            continue
        rows = len(set(labels))
        size = int(axis.tickfont.size or 14)
        lines = max(label.count("<br>") + 1 for label in labels)
        need = max(need, rows * (size * 1.25 * lines + ROW_PAD) / _domain_height(axis))
    domains = {
        tuple(round(float(x), 4) for x in axis.domain)
        for name in fig.layout
        if name.startswith("yaxis") and (axis := fig.layout[name]).domain is not None
    }
    if len(domains) > 1:  # a grid of panels: each row of panels at least MIN_PANEL high
        smallest = min(b - a for a, b in domains)
        need = max(need, MIN_PANEL / max(smallest, 1e-3))
    return max(need, text_blocks_height(fig))


def in_plot_blocks(fig: go.Figure) -> list[tuple[float, float, int, float]]:
    """(x, y, lines, font px) of the text blocks hung from the top inside the plot area (the
    tiles of a grid drawn with shapes and annotations)."""
    blocks = []
    default = float(fig.layout.font.size or 12)
    for a in fig.layout.annotations:
        if (a.xref, a.yref, a.yanchor) != ("paper", "paper", "top") or not a.text:
            continue
        if a.name == "footer" or a.x is None or a.y is None or not 0 < float(a.y) <= 1:
            continue
        lines = str(a.text).count("<br>") + 1
        blocks.append((float(a.x), float(a.y), lines, float(a.font.size or default)))
    return blocks


def text_blocks_height(fig: go.Figure) -> float:
    """The plot height in px at which each text block hung inside the plot fits above the next
    block below it in its column (or the plot's bottom): 0 without such blocks."""
    blocks = in_plot_blocks(fig)
    need = 0.0
    for x, y, lines, size in blocks:
        below = [y2 for x2, y2, _, _ in blocks if abs(x2 - x) < 1e-6 and y2 < y]
        room = y - max(below, default=0.0)
        need = max(need, (lines * size * 1.3 + 8) / max(room, 1e-3))
    return need


def plain_text(text: object) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", str(text)))


def _fit_text_blocks(fig: go.Figure, plot_width: float) -> None:
    """Set the text blocks hung inside the plot (tiles) smaller, all alike, where the longest
    line of one is wider than its column (up to the next block to the right, or the plot's
    edge), down to 8 px; sizes set inside the text scale with them."""
    default = float(fig.layout.font.size or 12)
    xs = sorted({x for x, _, _, _ in in_plot_blocks(fig)})
    blocks = [
        a for a in fig.layout.annotations
        if a.name != "footer" and a.text and (a.xref, a.yref, a.yanchor) == ("paper", "paper", "top")
        and a.x is not None and a.y is not None and 0 < float(a.y) <= 1
    ]  # fmt: skip
    ratio = 1.0
    for a in blocks:
        x = float(a.x)
        right = min((x2 for x2 in xs if x2 > x + 1e-6), default=1.0)
        room = (right - x) * plot_width - 12
        size = float(a.font.size or default)
        wide = max(
            text_width(plain_text(line), size=round(size)) for line in str(a.text).split("<br>")
        )
        if wide > room > 0:
            ratio = min(ratio, max(room / wide, 8 / size))
    if ratio >= 1.0:
        return
    for a in blocks:
        a.font.size = max(math.floor(float(a.font.size or default) * ratio), 8)
        a.text = _scaled_spans(str(a.text), ratio)


def _scaled_spans(text: str, ratio: float) -> str:
    """`text` with the font sizes set inside it scaled by `ratio` (at least 7 px)."""
    return re.sub(
        r"font-size:\s*(\d+)px",
        lambda m: f"font-size:{max(round(int(m.group(1)) * ratio), 7)}px",
        text,
    )


def _fit_wide_annotations(fig: go.Figure, width: float) -> None:
    """Set a one-line annotation placed above or in the plot (a legend drawn as text) smaller
    when it is wider than the image, so that nothing is cut at the right edge."""
    default = float(fig.layout.font.size or 12)
    for a in fig.layout.annotations:
        if a.name == "footer" or a.xref != "paper" or not a.text or "<br>" in str(a.text):
            continue
        size = float(a.font.size or default)
        plain = plain_text(a.text)
        x = float(a.x or 0) if a.xanchor == "left" else 0.0
        room = width * (1 - x) - 8
        wide = text_width(plain, size=round(size)) * 1.15  # symbols and spans set wider
        if wide > room:
            ratio = max(room / wide, 7 / size)
            a.font.size = max(math.floor(size * ratio), 7)
            a.text = _scaled_spans(str(a.text), ratio)


def export_figure(chart: Chart, *, variant: Variant = "slide") -> go.Figure:
    """The chart's light-mode figure laid out for an export size, with nothing cut or overlapping.

    Always a copy: the chart's own figure (which a cache, a page or the deck may hold) is never
    changed. Title, subtitle and footer are wrapped to the width in the project font; the top
    and bottom margins grow by what the extra lines, a wrapping legend or subplot titles under a
    legend need; a legend placed in pixels from the top moves down with the title. A chart whose
    rows or panels would be crowded at the variant's height (a long dumbbell, a grid of small
    multiples) gets a taller image of the same width instead.
    """
    if variant not in VARIANTS:
        raise ExportError(f"unknown image variant {variant!r}; use one of {sorted(VARIANTS)}")
    width, height, _ = VARIANTS[variant]
    fig = light_copy(chart)
    screen_height = int(fig.layout.height or 450)  # plotly's default height
    height = height or screen_height
    left, right = _left_margin(fig, _margin(fig, "l", 64)), _margin(fig, "r", 24)
    top, bottom = _margin(fig, "t", 96), _margin(fig, "b", 96)
    text_width_px = width - left - max(right, 16)
    framed = isinstance(fig.layout.meta, dict) and fig.layout.meta.get("anatomy")
    title_extra = _fit_title(fig, chart, text_width_px)
    if framed:  # the screen margin already holds the screen header's extra lines
        title_extra -= header_text(chart.title, chart.subtitle)[1]
    title = fig.layout.title
    pinned_title = title.yref == "container" and title.yanchor == "top"
    if pinned_title:
        offset = round((1 - (title.y if title.y is not None else 1)) * screen_height)
        offset += int(title.pad.t or 0)
        title_extra += max(TITLE_TOP_PAD + TITLE_SIZE - offset, 0)
        title.pad.t = 0
    legend_rows = _legend_rows(fig, width - left - right)
    extra_top = title_extra + max(legend_rows - 1, 0) * LEGEND_ROW
    in_container = _legend_in_container(fig)
    lift = 0 if in_container or not legend_rows else _top_label_height(fig)
    extra_top += lift
    extra_bottom = _fit_footer(fig, chart, text_width_px)
    frame = top + extra_top + max(bottom + extra_bottom, 40)
    height = max(height, round(frame + max(needed_plot_height(fig), MIN_PLOT)))
    if pinned_title:
        title.y = 1 - (TITLE_TOP_PAD + TITLE_SIZE) / height
    if in_container:
        below_top = (1 - fig.layout.legend.y) * screen_height + title_extra
        fig.layout.legend.y = 1 - below_top / height
    for i, trace in enumerate(fig.data):  # stable ids keep SVG and HTML output reproducible
        if "uid" in trace:
            trace.uid = f"{chart.name}-{i}"
    plot_height = height - top - extra_top - bottom - extra_bottom
    _show_all_categories(fig, plot_height)
    _fit_wide_annotations(fig, width)
    _fit_text_blocks(fig, width - left - right)
    if lift:
        fig.layout.legend.y = 1 + lift / max(plot_height, 1)
    fig.update_layout(
        width=width,
        height=height,
        autosize=False,
        margin={"t": top + extra_top, "b": max(bottom + extra_bottom, 40), "l": left},
        paper_bgcolor="#FFFFFF",
    )
    return fig


def light_copy(chart: Chart) -> go.Figure:
    """A deep copy of the chart's figure in light mode (exports are always light, on white):
    whatever an export lays out on it never reaches the chart's own figure."""
    return apply_mode(go.Figure(chart.figure.to_dict()), LIGHT)


PICTURE_WIDTH = 1200  # CSS px of a slide picture's layout (rendered at twice that)


def picture_figure(
    chart: Chart, *, width_in: float, height_in: float, min_pt: float = 16
) -> go.Figure:
    """The chart's plot alone, for a slide that states the title and the source itself: no
    title, subtitle or footer, laid out for a box of `width_in` x `height_in` inches with every
    text at least `min_pt` points once placed on the slide (a copy, like every export)."""
    fig = light_copy(chart)
    width = PICTURE_WIDTH
    height = round(width * height_in / width_in)
    px = math.ceil(min_pt * width / (width_in * 72))  # CSS px that print as min_pt on the slide
    fig.layout.title.text = ""
    fig.layout.annotations = [a for a in fig.layout.annotations if a.name != "footer"]
    for annotation in fig.layout.annotations:
        annotation.font.size = max(int(annotation.font.size or 0), px)
    fig.update_layout(
        width=width,
        height=height,
        autosize=False,
        font={"size": px},
        legend={"font": {"size": px}},
        margin={"t": 8, "b": 8, "l": 8, "r": 8},
        paper_bgcolor="#FFFFFF",
    )
    for trace in fig.data:
        if getattr(trace, "colorbar", None) is not None:
            trace.colorbar.tickfont.size = px
            trace.colorbar.title.font.size = px
            trace.colorbar.thickness = max(int(trace.colorbar.thickness or 14), px)
    return fig


def picture_png(chart: Chart, *, width_in: float, height_in: float, min_pt: float = 16) -> bytes:
    """A slide picture of the chart (see `picture_figure`), rendered at twice its layout size."""
    fig = picture_figure(chart, width_in=width_in, height_in=height_in, min_pt=min_pt)
    return renderer().render(fig, fmt="png", scale=2)


# ---------------------------------------------------------------------------------------------
# Public exports


_SVG_UID = re.compile(rb"(?:clip|legend|topdefs-|defs-)([0-9a-f]{6})")


def _stable_svg(svg: bytes) -> bytes:
    """Replace plotly's random per-plot id in an SVG so that equal figures give equal bytes."""
    uids = sorted(set(_SVG_UID.findall(svg)))
    for i, uid in enumerate(uids):
        svg = svg.replace(uid, f"{i:06x}".encode())
    return svg


def to_png(chart: Chart, *, variant: Variant = "slide", scale: float | None = None) -> bytes:
    """PNG of the chart: 'slide' 1920x1080 or 'square' 1080x1080 px (other sizes by `scale`)."""
    fig = export_figure(chart, variant=variant)
    return renderer().render(fig, fmt="png", scale=scale or VARIANTS[variant][2])


def to_svg(chart: Chart, *, variant: Variant = "slide") -> bytes:
    """SVG of the chart (text kept as text, fonts named with fallbacks)."""
    svg = renderer().render(export_figure(chart, variant=variant), fmt="svg")
    return _stable_svg(svg)


def to_pdf(chart: Chart, *, variant: Variant = "slide") -> bytes:
    """A one-page vector PDF of the chart."""
    return renderer().render(export_figure(chart, variant=variant), fmt="pdf")


CSV_SIGNIFICANT = 6  # digits kept of computed figures: more than any chart shows, no float noise
WHOLE_FROM = 1e5  # columns with values this large (people, US$ totals) are written as whole numbers
PROVENANCE = ("source", "vintage", "credit")


def _readable_sources(snapshot: Snapshot, values: pd.Series) -> pd.Series:
    """Source ids ('wdi_2026_07; itu_key_ict_2024_11') as release names."""
    cache: dict[object, str] = {}
    out = []
    for value in values:
        if value not in cache:
            cache[value] = source_names(snapshot, [value]) if pd.notna(value) else ""
        out.append(cache[value])
    return pd.Series(out, index=values.index, dtype=object)


def _source_ids(data: pd.DataFrame) -> list[str]:
    ids: list[str] = []
    for column in [c for c in data.columns if c == "source" or str(c).endswith("_source")]:
        for value in data[column].dropna().astype(str).unique():
            ids += [p.strip() for p in value.replace(",", ";").split(";") if p.strip()]
    return list(dict.fromkeys(ids))


def newer_editions(snapshot: Snapshot, data: pd.DataFrame) -> list[str]:
    """For each row, the note on a newer edition of its sources that the snapshot does not
    hold (`SourceDescriptor.edition_note`), '' for a row whose sources are the newest known."""
    columns = [c for c in data.columns if c == "source" or str(c).endswith("_source")]
    known: dict[str, str] = {}

    def note(sid: str) -> str:
        if sid not in known:
            try:
                known[sid] = snapshot.source(sid).edition_note
            except Exception:  # a reference file or an id the descriptor lacks: no edition
                known[sid] = ""
        return known[sid]

    if not columns:
        return [""] * len(data)
    out = []
    for values in zip(*(data[c] for c in columns), strict=True):
        ids = [p.strip() for v in values if pd.notna(v) for p in str(v).split(";") if p.strip()]
        out.append(" ".join(dict.fromkeys(n for n in map(note, ids) if n)))
    return out


def credit_text(snapshot: Snapshot, source_ids: list[str]) -> str:
    """Whom to credit for figures from these sources, with the licences."""
    parts: list[str] = []
    for sid in source_ids:
        try:
            src = snapshot.source(sid)
        except Exception:  # an id the descriptor lacks: nothing to credit it with
            continue
        part = f"{src.attribution} ({src.licence})"
        if part not in parts:
            parts.append(part)
    return "Credit: " + "; ".join(parts) if parts else ""


def csv_table(chart: Chart, *, snapshot: Snapshot | None = None) -> pd.DataFrame:
    """The plotted data as it goes into a CSV file: numbers rounded (whole numbers for people
    and money totals, otherwise CSV_SIGNIFICANT digits when written), and provenance columns a
    reader understands: `source` names the releases (ids are translated with the snapshot),
    `vintage` says when each was published, `newer_edition` names a newer edition of a row's
    source that the snapshot does not hold (empty when there is none) and `credit` whom to
    credit under which licence. A chart whose data lack a source or vintage column gets the
    chart's own source line."""
    data = chart.data.copy()
    for column in data.columns:
        values = data[column]
        if values.dtype.kind != "f":
            continue
        finite = values[np.isfinite(values)]
        if len(finite) and (finite.abs().max() >= WHOLE_FROM or (finite % 1 == 0).all()):
            data[column] = values.round(0).astype("Int64")
    ids = _source_ids(data)
    if snapshot is not None:
        data["newer_edition"] = newer_editions(snapshot, data)
        for column in [c for c in data.columns if c == "source" or str(c).endswith("_source")]:
            data[column] = _readable_sources(snapshot, data[column])
    if "source" not in data.columns:
        data["source"] = chart.source.removeprefix("Source: ").rstrip(".")
    if "vintage" not in data.columns:
        vintages: list[str] = []
        if snapshot is not None:
            for sid in ids:
                try:
                    vintages.append(snapshot.source(sid).vintage)
                except Exception:  # an id the descriptor lacks has no known vintage
                    continue
        data["vintage"] = "; ".join(dict.fromkeys(vintages)) or "as named in the source"
    credit = credit_text(snapshot, ids) if snapshot is not None else ""
    data["credit"] = credit or DEFAULT_CREDIT
    return data


DEFAULT_CREDIT = (
    "Credit: The World Bank: World Development Indicators (CC BY 4.0) and/or ITU World "
    "Telecommunication/ICT Indicators Database (ITU terms of use), as named in the source column"
)


def to_csv(chart: Chart, *, snapshot: Snapshot | None = None) -> bytes:
    """Exactly the plotted data (chart.data) as UTF-8 CSV (formula-safe, see csv_text), rounded
    and with readable provenance columns (`csv_table`)."""
    return csv_bytes(csv_table(chart, snapshot=snapshot), significant=CSV_SIGNIFICANT)


def to_html(chart: Chart, *, variant: Variant = "slide") -> bytes:
    """A standalone interactive HTML page with plotly.js inline (works offline, no CDN)."""
    fig = export_figure(chart, variant=variant)
    page = fig.to_html(
        include_plotlyjs=True,
        full_html=True,
        div_id=f"chart-{slug(chart.name)}",
        config={"displaylogo": False, "responsive": False},
    )
    title = f"<head>\n    <title>{html.escape(chart.title)}</title>"
    return page.replace("<head>", title, 1).encode("utf-8")


@dataclass(frozen=True)
class ExportFormat:
    """One download offered for a chart: label, file suffix, MIME type and whether it is an image."""

    key: str
    label: str
    suffix: str
    mime: str
    image: bool


FORMATS: dict[str, ExportFormat] = {
    f.key: f
    for f in (
        ExportFormat("png", "PNG, wide (16:9 or taller)", ".png", "image/png", True),
        ExportFormat(
            "png-square", "PNG, narrow (square or taller)", "-square.png", "image/png", True
        ),
        ExportFormat("svg", "SVG", ".svg", "image/svg+xml", True),
        ExportFormat("pdf", "PDF", ".pdf", "application/pdf", True),
        ExportFormat("csv", "Data (CSV)", ".csv", "text/csv", False),
        ExportFormat("html", "HTML", ".html", "text/html", False),
    )
}


def export_bytes(chart: Chart, key: str) -> bytes:
    """The bytes of one of FORMATS for a chart."""
    makers = {
        "png": lambda: to_png(chart, variant="slide"),
        "png-square": lambda: to_png(chart, variant="square"),
        "svg": lambda: to_svg(chart),
        "pdf": lambda: to_pdf(chart),
        "csv": lambda: to_csv(chart),
        "html": lambda: to_html(chart),
    }
    if key not in makers:
        raise ExportError(f"unknown export format {key!r}; use one of {sorted(makers)}")
    return makers[key]()


def lazy_bytes(chart: Chart, key: str) -> Callable[[], bytes]:
    """A no-argument callable producing the export (for st.download_button's deferred data)."""
    return functools.partial(export_bytes, chart, key)


def file_name(chart: Chart, key: str) -> str:
    """The download file name of a chart in one of FORMATS: a slug of its name (letters,
    digits and '-' only; never a folder or '..'), whatever text the name was made from."""
    return f"{slug(chart.name)}{FORMATS[key].suffix}"
