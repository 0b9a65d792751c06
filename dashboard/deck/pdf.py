"""The deck as PDF: LibreOffice renders the PowerPoint; without it the pages are composed as images.

`pdf_bytes` says which way the file was made. `compose_page` draws one page as a 1920x1080 image
in the project font (also the presentation page's preview of the slides).
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from dashboard.deck.layout import (
    BODY_TOP,
    INK,
    MARGIN,
    MUTED,
    RULE,
    SLIDE_H,
    SLIDE_W,
    bullet_size,
    fit_size,
    fit_table,
    source_top,
    text_columns,
)
from dashboard.deck.powerpoint import pptx_bytes
from dashboard.deck.prepare import Deck, DeckError, Page, pages_of
from dashboard.exports import text_metrics
from dashboard.theme import UN_BLUE

SOFFICE_ENV = "WSIS_SOFFICE"
PX = 144  # pixels per inch of composed pages (1920x1080)

# Keep the chart pictures lossless and at full resolution in LibreOffice's PDF.
PDF_FILTER = (
    'pdf:impress_pdf_Export:{"UseLosslessCompression":{"type":"boolean","value":"true"},'
    '"ReduceImageResolution":{"type":"boolean","value":"false"}}'
)


def libreoffice_path() -> Path | None:
    """soffice from $WSIS_SOFFICE (empty: none) or the PATH; None when not installed."""
    configured = os.environ.get(SOFFICE_ENV)
    if configured is not None:
        path = Path(configured)
        return path if configured and path.is_file() and os.access(path, os.X_OK) else None
    found = shutil.which("soffice") or shutil.which("libreoffice")
    return Path(found) if found else None


def pptx_to_pdf(pptx: bytes, *, soffice: Path, timeout: float = 180) -> bytes:
    """Convert PowerPoint bytes to PDF with LibreOffice headless (a private profile per call)."""
    with tempfile.TemporaryDirectory(prefix="wsis-deck-") as tmp:
        src = Path(tmp) / "deck.pptx"
        src.write_bytes(pptx)
        profile = (Path(tmp) / "profile").as_uri()
        cmd = [str(soffice), f"-env:UserInstallation={profile}", "--headless", "--norestore",
               "--nolockcheck", "--convert-to", PDF_FILTER, "--outdir", tmp, str(src)]  # fmt: skip
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise DeckError(f"LibreOffice could not convert the deck to PDF: {exc}") from exc
        out = Path(tmp) / "deck.pdf"
        if not out.is_file():
            raise DeckError(
                f"LibreOffice did not produce a PDF (exit code {done.returncode}): "
                f"{(done.stderr or done.stdout).strip()[:300]}"
            )
        return out.read_bytes()


def _pil_font(pt: float, *, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = text_metrics.font_file(bold)
    size = round(pt * PX / 72)
    return ImageFont.truetype(path, size) if path else ImageFont.load_default(size)


def _draw(draw: ImageDraw.ImageDraw, xy: tuple[float, float], lines: Sequence[str], *, pt: float,
          width_in: float, bold: bool = False, fill: str = INK) -> float:  # fmt: skip
    """Draw wrapped paragraphs at (x, y) inches; return the y (inches) below them."""
    font, px = _pil_font(pt, bold=bold), pt * PX / 72
    x, y = xy[0] * PX, xy[1] * PX + 0.05 * PX
    for para in lines:
        for line in text_metrics.wrap_px(
            para, width=(width_in - 0.2) * PX, size=round(px), bold=bold
        ):
            draw.text((x + 0.1 * PX, y), line, font=font, fill=fill)
            y += px * 1.2
    return y / PX


def _compose_table(draw: ImageDraw.ImageDraw, page: Page, bottom: float) -> None:
    table = page.table
    assert table is not None
    width, top = SLIDE_W - 2 * MARGIN, BODY_TOP + 0.05
    fit = fit_table(table, width_in=width, height_in=bottom - top - 0.45)
    y = top
    for i, row in enumerate([list(table.columns), *table.values.tolist()[: fit.rows]]):
        if i == 0:
            draw.rectangle([MARGIN * PX, y * PX, (MARGIN + width) * PX, (y + fit.heights[0]) * PX],
                           fill=RULE)  # fmt: skip
        x = MARGIN
        for j, (value, w) in enumerate(zip(row, fit.widths, strict=True)):
            colour = page.colours.get((i - 1, j))
            _draw(draw, (x, y), [str(value)], pt=fit.size, width_in=w,
                  bold=i == 0 or colour is not None, fill=colour or INK)  # fmt: skip
            x += w
        y += fit.heights[i]
        draw.line([(MARGIN * PX, y * PX), ((MARGIN + width) * PX, y * PX)], fill=RULE, width=2)
    note = page.table_note
    if fit.rows < len(table):
        note = f"{note} {len(table) - fit.rows} more rows in the chart's CSV (zip pack).".strip()
    if note:
        _draw(draw, (MARGIN, y + 0.05), [note], pt=11, width_in=width, fill=MUTED)


def compose_page(page: Page, number: int) -> Image.Image:
    """One page drawn as a 1920x1080 image in the project font (for the PDF without LibreOffice)."""
    img = Image.new("RGB", (round(SLIDE_W * PX), round(SLIDE_H * PX)), "white")
    draw = ImageDraw.Draw(img)
    width = SLIDE_W - 2 * MARGIN
    if page.kind == "title":
        draw.rectangle([0, 0, round(0.35 * PX), img.height], fill=UN_BLUE)
        left = MARGIN + 0.5
        size = fit_size(page.title, width_in=width - 0.5, max_lines=3, sizes=(40, 36, 32, 28))
        _draw(draw, (left, 1.5), [page.title], pt=size, bold=True, width_in=width - 0.5)
        for line, pt, y, ink in zip(page.lines, (24, 18, 14), (3.9, 5.2, 6.6), (MUTED, INK, MUTED),
                                    strict=False):  # fmt: skip
            _draw(draw, (left, y), [line], pt=pt, width_in=width - 0.5, fill=ink)
        return img
    size = fit_size(page.title, width_in=width, max_lines=2, sizes=(28, 26, 24, 22, 20))
    _draw(draw, (MARGIN, 0.3), [page.title], pt=size, bold=True, width_in=width)
    top = source_top(page.source)
    if page.kind == "chart" and page.picture is not None:
        height = min(5.45, top - BODY_TOP - 0.05)
        pic = Image.open(io.BytesIO(page.picture)).convert("RGB")
        pic = pic.resize(
            (round(height * 16 / 9 * PX), round(height * PX)), Image.Resampling.LANCZOS
        )
        img.paste(pic, ((img.width - pic.width) // 2, round(BODY_TOP * PX)))
    elif page.kind == "table":
        _compose_table(draw, page, top)
    else:
        for (left, col), lines in zip(text_columns(), (page.lines, page.lines_right), strict=True):
            bullets = [f"• {line}" for line in lines]
            pt = bullet_size(bullets, width_in=col, height_in=top - BODY_TOP)
            _draw(draw, (left, BODY_TOP), bullets, pt=pt, width_in=col)
    if page.source:
        _draw(draw, (MARGIN, top), [page.source], pt=10, width_in=width - 0.6, fill=MUTED)
    _draw(draw, (SLIDE_W - MARGIN - 0.5, SLIDE_H - 0.45), [str(number)], pt=10, width_in=0.5,
          fill=MUTED)  # fmt: skip
    return img


def composed_pdf(deck: Deck) -> bytes:
    """The deck's pages drawn as images and bound into a PDF (used without LibreOffice)."""
    images = [compose_page(page, n) for n, page in enumerate(pages_of(deck), start=1)]
    buffer = io.BytesIO()
    images[0].save(buffer, format="PDF", save_all=True, append_images=images[1:], resolution=PX)
    return buffer.getvalue()


@dataclass(frozen=True)
class PdfOutput:
    data: bytes
    method: str  # how it was made, to tell the user


def pdf_bytes(deck: Deck, *, pptx: bytes | None = None) -> PdfOutput:
    """The deck as PDF: LibreOffice's rendering of the PPTX, else pages composed as images."""
    soffice = libreoffice_path()
    if soffice is not None:
        data = pptx_to_pdf(pptx if pptx is not None else pptx_bytes(deck), soffice=soffice)
        return PdfOutput(data, f"rendered from the PowerPoint deck by LibreOffice ({soffice})")
    return PdfOutput(
        composed_pdf(deck),
        "composed from the slide images (LibreOffice is not installed: "
        "`sudo apt-get install libreoffice-impress-nogui` renders the PPTX itself)",
    )
