"""The presentation pack: a zip of every chart, map and table of the deck, numbered as its slides.

For each page of the deck (`pages.pages_of`, so `05-regions.png` is slide 5): a chart slide gives
the dashboard chart behind it as PNG (1920 px wide) and SVG and its plotted data as CSV; the map
gives its PNG and CSV; a table slide gives its table as CSV and the page itself as PNG (drawn
whole, never cut off). Every CSV holds rounded values with readable source, vintage and credit
columns (`chart_files.csv_table`). README.txt lists the files, each slide's takeaway and source,
the releases and the licences. The zip is reproducible: entries sorted by name, fixed
timestamps and permissions.
"""

from __future__ import annotations

import io
import re
import textwrap
import zipfile
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

import pandas as pd

from dashboard.exports import chart_files, renderer
from dashboard.exports.csv_text import csv_bytes

if TYPE_CHECKING:
    from dashboard.deck.prepare import Deck, SlideContent
    from indicators.store.snapshot import Snapshot

ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can store: no build time leaks in
LICENCE_TEXT = (
    "World Bank data (World Development Indicators): CC BY 4.0. Credit: The World Bank: World "
    "Development Indicators. ITU data: credit ITU World Telecommunication/ICT Indicators "
    "Database; free to use with attribution, but check ITU's terms of use before "
    "redistributing ITU figures (non-commercial reuse)."
)


TABLE_CREDIT = (
    "Credit: The World Bank: World Development Indicators (CC BY 4.0); ITU World "
    "Telecommunication/ICT Indicators Database (ITU terms of use)"
)


def _info(name: str, *, compress: bool = True) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    info.create_system = 3  # unix, whatever machine builds it
    return info


def zip_entries(entries: Mapping[str, bytes]) -> bytes:
    """A zip of name -> bytes, entries sorted by name, with fixed timestamps."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name in sorted(entries):
            zf.writestr(_info(name), entries[name])
    return buffer.getvalue()


_STAMP = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")
FIXED_STAMP = b"2000-01-01T00:00:00Z"


def stable_zip(data: bytes) -> bytes:
    """Re-pack a zip (e.g. a .pptx) with fixed timestamps, keeping its entry order; workbooks
    inside it (a chart's data) are re-packed the same way, their creation time fixed."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buffer, "w") as dst:
        for item in src.infolist():
            blob = src.read(item.filename)
            if item.filename.endswith(".xlsx"):
                blob = _stable_workbook(blob)
            dst.writestr(_info(item.filename), blob)
    return buffer.getvalue()


def _stable_workbook(data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buffer, "w") as dst:
        for item in src.infolist():
            blob = src.read(item.filename)
            if item.filename == "docProps/core.xml":
                blob = _STAMP.sub(rb"\g<1>" + FIXED_STAMP + rb"\g<2>", blob)
            dst.writestr(_info(item.filename), blob)
    return buffer.getvalue()


def readme_text(deck: Deck, *, files: Mapping[str, str], pages: list, problems: list[str]) -> str:
    """README.txt: what the pack holds, per slide its takeaway and source, releases, licences."""
    o = deck.options
    when = f"{o.date.day} {o.date:%B %Y}" if o.date else ""
    out = [o.title, o.meeting, ", ".join(x for x in (when, o.venue, o.presenter) if x), ""]
    out += ["Presentation pack: the charts, map and tables of the deck, numbered as its slides.", "",
            "FILES"]  # fmt: skip
    out += [f"  {name:<46} {what}" for name, what in sorted(files.items())]
    if problems:
        out += ["", "NOT IN THIS PACK"]
        out += [f"  - {p}" for p in problems]
    out += ["", "SLIDES"]
    for page in pages:
        out.append(f"  {page.number:>2}. {page.title}")
        for line in page.footer[:1]:
            out += textwrap.wrap(
                line, width=96, initial_indent="      ", subsequent_indent="      "
            )
    out += ["", "LICENCES"]
    out += textwrap.wrap(LICENCE_TEXT, width=96, initial_indent="  ", subsequent_indent="  ")
    return "\n".join(out) + "\n"


def _claims_csv(deck: Deck) -> bytes | None:
    """Every claim of the deck's claim slides (checked and not), with provenance."""
    parts = [
        _with_provenance(s, s.table.frame())
        for s in deck.slides
        if s.kind in ("claims", "unchecked") and s.table is not None
    ]
    if not parts:
        return None
    return csv_bytes(pd.concat(parts, ignore_index=True))


def _with_provenance(slide: SlideContent, table: pd.DataFrame) -> pd.DataFrame:
    """A table slide's rows with the slide's source line, the vintages and the credit."""
    return table.assign(
        source=slide.source.split(": ", 1)[-1].rstrip("."),
        vintage=slide.vintage or "as named in the source",
        credit=TABLE_CREDIT,
    )


def build_pack(
    deck: Deck,
    *,
    snapshot: Snapshot,
    template: bytes | None = None,
    progress: Callable[[str], None] | None = None,
) -> bytes:
    """The zip (see the module). Without chromium the charts' images are left out and the
    README says why; their CSVs are always there."""
    from dashboard.deck.pages import pages_of
    from dashboard.deck.pdf import compose_png
    from dashboard.deck.powerpoint import open_base

    frame = open_base(template).frame if template is not None else None
    pages = pages_of(deck, frame) if frame is not None else pages_of(deck)
    entries: dict[str, bytes] = {}
    files: dict[str, str] = {}
    problems = list(deck.problems)
    images = renderer.image_export_available()
    if not images:
        problems.append("chart images: " + renderer.image_problem())
    for page in pages:
        slide, stem = page.slide, page.stem
        if slide.chart is not None and page.part == 1:
            entries[f"{stem}.csv"] = chart_files.to_csv(slide.chart, snapshot=snapshot)
            files[f"{stem}.csv"] = "the plotted data, with source, vintage and credit"
            if slide.kind == "map" and slide.picture is not None:
                entries[f"{stem}-slide.png"] = slide.picture
                files[f"{stem}-slide.png"] = "the map as on the slide (no title), PNG"
            if images:
                try:
                    entries[f"{stem}.png"] = chart_files.to_png(slide.chart, variant="slide")
                    entries[f"{stem}.svg"] = chart_files.to_svg(slide.chart, variant="slide")
                    files[f"{stem}.png"] = "the dashboard chart, PNG 1920 px wide"
                    files[f"{stem}.svg"] = "the dashboard chart, SVG (vector)"
                except renderer.ExportError as exc:
                    problems.append(f"{stem}: {exc}")
        elif slide.table is not None:
            start, end = page.rows
            table = slide.table.frame() if page.tiles else slide.table.frame().iloc[start:end]
            entries[f"{stem}.csv"] = csv_bytes(_with_provenance(slide, table))
            files[f"{stem}.csv"] = "the table of this slide, with source, vintage and credit"
            entries[f"{stem}.png"] = compose_png(page, frame=frame)
            files[f"{stem}.png"] = "this slide as a picture (the whole table)"
        if progress is not None:
            progress(f"packed {stem}")
    claims = _claims_csv(deck)
    if claims is not None:
        entries["claims-check.csv"] = claims
        files["claims-check.csv"] = "the briefing note's claims: quote, verdict, figures"
    files["README.txt"] = "this file"
    entries["README.txt"] = readme_text(deck, files=files, pages=pages, problems=problems).encode(
        "utf-8"
    )
    return zip_entries(entries)
