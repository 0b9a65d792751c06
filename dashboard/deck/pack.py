"""The presentation pack: a zip of every chart of a deck as PNG and SVG, with its CSV and a README.

The README lists each file, the releases and vintages behind the figures and the licences
(World Bank CC BY 4.0; ITU: attribution required, check ITU's terms before redistributing).
The zip is reproducible: entries sorted by name, fixed timestamps and permissions.
"""

from __future__ import annotations

import csv
import io
import textwrap
import zipfile
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from dashboard.exports import chart_files
from dashboard.exports.chart_files import Variant

if TYPE_CHECKING:
    from dashboard.deck.prepare import Deck

ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can store: no build time leaks in
LICENCE_TEXT = (
    "World Bank data (World Development Indicators): CC BY 4.0. Credit: The World Bank: World "
    "Development Indicators. ITU data: credit ITU World Telecommunication/ICT Indicators "
    "Database; free to use with attribution, but check ITU's terms of use before "
    "redistributing ITU figures (non-commercial reuse)."
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


def stable_zip(data: bytes) -> bytes:
    """Re-pack a zip (e.g. a .pptx) with fixed timestamps, keeping its entry order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buffer, "w") as dst:
        for item in src.infolist():
            dst.writestr(_info(item.filename), src.read(item.filename))
    return buffer.getvalue()


def _stem(index: int, slide_id: str) -> str:
    return f"{index:02d}-{slide_id}"


def readme_text(deck: Deck, *, files: Mapping[str, str]) -> str:
    """README.txt: what the pack holds, per slide its takeaway and source, vintages, licences."""
    o = deck.options
    when = o.date.isoformat() if o.date else f"data snapshot of {deck.built:%Y-%m-%d}"
    out = [
        o.title,
        o.subtitle,
        f"Presentation pack, {when}. Data snapshot {deck.snapshot_id}.",
        "",
        "FILES",
    ]
    out += [f"  {name:<40} {what}" for name, what in sorted(files.items())]
    if deck.image_problem:
        out += ["", "No chart images in this pack: " + deck.image_problem]
    out += ["", "SLIDES"]
    for i, slide in enumerate(deck.slides, start=1):
        out.append(f"  {_stem(i, slide.id)}: {slide.headline}")
        out += textwrap.wrap(slide.chart.source, width=96, initial_indent="      ",
                             subsequent_indent="      ")  # fmt: skip
    out += ["", "SOURCES, VINTAGES AND NOTES"]
    for line in deck.data_notes:
        out += textwrap.wrap(line, width=96, initial_indent="  - ", subsequent_indent="    ")
    out += ["", "LICENCES"]
    out += textwrap.wrap(LICENCE_TEXT, width=96, initial_indent="  ", subsequent_indent="  ")
    return "\n".join(out) + "\n"


def _claims_csv(deck: Deck) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["claim", "verdict", "figure", "year", "sources", "summary"])
    for c in deck.claims:
        writer.writerow([c.paraphrase, c.verdict, c.figure, c.year or "", c.sources, c.summary])
    return out.getvalue().encode("utf-8")


def build_pack(deck: Deck, *, progress: Callable[[str], None] | None = None) -> bytes:
    """The zip: per slide NN-id.png (1920 px wide), NN-id.svg and NN-id.csv, and README.txt.

    Chart slides reuse the deck's 16:9 picture; table slides (grids, long tables) are drawn at
    their on-screen height so that every row stays legible.
    """
    entries: dict[str, bytes] = {}
    files: dict[str, str] = {}
    images = bool(deck.images) or not deck.image_problem
    for i, slide in enumerate(deck.slides, start=1):
        stem = _stem(i, slide.id)
        entries[f"{stem}.csv"] = chart_files.to_csv(slide.chart)
        files[f"{stem}.csv"] = "the plotted data, with source and vintage columns"
        if images:
            variant: Variant = "slide" if slide.layout == "chart" else "full"
            png = deck.images.get(slide.id) or chart_files.to_png(slide.chart, variant=variant)
            entries[f"{stem}.png"] = png
            entries[f"{stem}.svg"] = chart_files.to_svg(slide.chart, variant=variant)
            shape = "16:9, 1920x1080" if variant == "slide" else "1920 px wide"
            files[f"{stem}.png"] = f"chart, PNG, {shape}"
            files[f"{stem}.svg"] = "chart, SVG (vector)"
        if progress is not None:
            progress(f"packed {slide.id}")
    if deck.claims:
        entries["claims-check.csv"] = _claims_csv(deck)
        files["claims-check.csv"] = "the briefing note's claims: verdict, figure, year, sources"
    files["README.txt"] = "this file"
    entries["README.txt"] = readme_text(deck, files=files).encode("utf-8")
    return zip_entries(entries)
