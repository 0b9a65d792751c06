"""The deck as PDF: LibreOffice renders the PowerPoint; without it the pages are composed as images.

`pdf_bytes` says which way the file was made. `compose_page` draws one page as an image in the
project font with the same geometry as the PowerPoint file (native charts are drawn from the
same `NativeChart` description by the chart renderer; without chromium, their values as a
table); the Presentation page's thumbnails and the zip pack's table pictures are drawn the
same way.
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
from typing import Any

import plotly.graph_objects as go
from PIL import Image, ImageDraw, ImageFont

from dashboard.deck.layout import (
    CHART_PT,
    DEFAULT_FRAME,
    INK,
    LINE,
    MUTED,
    PANEL,
    RULE,
    SOURCE_PT,
    TILE_COLUMNS,
    TILE_GAP,
    TILE_PT,
    Frame,
    tile_grid,
    title_size,
)
from dashboard.deck.native import NativeChart
from dashboard.deck.pages import TABLE_PT, Page, pages_of
from dashboard.deck.powerpoint import pptx_bytes
from dashboard.deck.prepare import Deck, DeckError
from dashboard.exports import renderer, text_metrics
from dashboard.theme import FONT_FAMILY, UN_BLUE

SOFFICE_ENV = "WSIS_SOFFICE"
PX = 144  # pixels per inch of composed pages (1920x1080 for 16:9)

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


# ---------------------------------------------------------------------------------------------
# Composed pages


def _font(
    pt: float, *, bold: bool = False, px: float = PX
) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = text_metrics.font_file(bold)
    size = max(round(pt * px / 72), 1)
    return ImageFont.truetype(path, size) if path else ImageFont.load_default(size)


@dataclass
class Canvas:
    image: Image.Image
    draw: ImageDraw.ImageDraw
    px: float

    def text(self, xy: tuple[float, float], paragraphs: Sequence[str], *, pt: float,
             width_in: float, bold: bool = False, fill: str = INK, gap: float = 0.0) -> float:  # fmt: skip
        """Draw wrapped paragraphs at (x, y) inches; return the y (inches) below them."""
        font = _font(pt, bold=bold, px=self.px)
        x, y = (xy[0] + 0.1) * self.px, (xy[1] + 0.05) * self.px
        line_px = pt * self.px / 72
        for para in paragraphs:
            wrap_width = (width_in - 0.2) * 96
            for line in text_metrics.wrap_px(
                para, width=wrap_width, size=round(pt * 96 / 72), bold=bold
            ):
                self.draw.text((x, y), line, font=font, fill=fill)
                y += line_px * LINE
            y += gap * self.px
        return y / self.px


def native_figure(native: NativeChart, *, width_px: int, height_px: int, font_px: int) -> go.Figure:
    """The native chart drawn by plotly (previews and the PDF without LibreOffice)."""
    fig = go.Figure()
    horizontal = native.kind in ("bar", "clustered_bar")
    for s in native.series:
        values = [v if v is not None else None for v in s.values]
        if native.kind == "line":
            fig.add_trace(go.Scatter(
                x=list(native.categories), y=values, name=s.name, mode="lines" if s.dashed else "lines+markers",
                line={"color": s.colour, "width": 4, "dash": "dash" if s.dashed else "solid"},
                marker={"size": 9}, connectgaps=False,
            ))  # fmt: skip
        else:
            fig.add_trace(go.Bar(
                x=values if horizontal else list(native.categories),
                y=list(native.categories) if horizontal else values,
                orientation="h" if horizontal else "v", name=s.name, marker_color=s.colour,
                text=[native.value_text(v) if v is not None and s.labels else "" for v in values],
                textposition="outside", cliponaxis=False,
            ))  # fmt: skip
    value_axis: dict[str, Any] = {"title": {"text": native.value_title}, "gridcolor": RULE}
    if native.minimum is not None or native.maximum is not None:
        value_axis["range"] = (
            [native.minimum or 0, native.maximum] if native.maximum is not None else None
        )
    fig.update_layout(
        width=width_px, height=height_px, template="plotly_white",
        font={"family": FONT_FAMILY, "size": font_px, "color": INK},
        barmode="stack" if native.kind == "stacked_column" else "group",
        showlegend=native.legend and len(native.series) > 1,
        legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
        margin={"l": 20, "r": 30, "t": 20 + (font_px * 3 if native.legend else 0), "b": 20},
        paper_bgcolor="#FFFFFF", plot_bgcolor="#FFFFFF",
    )  # fmt: skip
    if horizontal:
        fig.update_xaxes(**{k: v for k, v in value_axis.items() if v is not None})
        fig.update_yaxes(autorange="reversed", automargin=True)
    else:
        fig.update_yaxes(**{k: v for k, v in value_axis.items() if v is not None})
        fig.update_xaxes(type="category", automargin=True)
    return fig


def _native_picture(
    native: NativeChart, box: tuple[float, float, float, float], px: float
) -> Image.Image | None:
    width, height = box[2], box[3]
    scale = 2
    w, h = round(width * px / scale), round(height * px / scale)
    font_px = round(CHART_PT * px / 72 / scale)
    try:
        png = renderer.renderer().render(native_figure(native, width_px=w, height_px=h, font_px=font_px),
                                         fmt="png", scale=scale)  # fmt: skip
    except renderer.ExportError:
        return None
    return Image.open(io.BytesIO(png)).convert("RGB")


def _draw_table(c: Canvas, page: Page, box: tuple[float, float, float, float], *, rows: Sequence[Sequence[tuple[str, bool, str]]],
                widths: Sequence[float], pt: float) -> None:  # fmt: skip
    left, top, width, _ = box
    from dashboard.deck.layout import row_height

    y = top
    for i, row in enumerate(rows):
        texts = [t for t, _, _ in row]
        h = row_height(texts, widths, pt=pt, bold=i == 0)
        if i == 0:
            c.draw.rectangle(
                [left * c.px, y * c.px, (left + width) * c.px, (y + h) * c.px], fill=PANEL
            )
        x = left
        for (text, bold, colour), w in zip(row, widths, strict=True):
            c.text((x, y), [text], pt=pt, width_in=w, bold=bold or i == 0, fill=colour or INK)
            x += w
        y += h
        c.draw.line(
            [(left * c.px, y * c.px), ((left + width) * c.px, y * c.px)], fill=RULE, width=2
        )


def compose_page(page: Page, *, frame: Frame | None = None, px: float = PX) -> Image.Image:
    """One page drawn as an image (`px` pixels per inch) with the PowerPoint file's geometry."""
    f = frame or DEFAULT_FRAME
    img = Image.new("RGB", (round(f.width * px), round(f.height * px)), "white")
    c = Canvas(img, ImageDraw.Draw(img), px)
    content = page.slide
    if page.kind == "title":
        c.draw.rectangle([0, 0, round(0.3 * px), img.height], fill=UN_BLUE)
        left, width = f.left + 0.4, f.width - 2 * f.left - 0.4
        size = title_size(content.title, width_in=width, max_lines=3) + 6
        y = c.text((left, 0.9), [content.title], pt=size, width_in=width, bold=True)
        meeting, *rest = content.lines or ("",)
        y = c.text((left, y + 0.2), [meeting], pt=24, width_in=width)
        c.text((left, y + 0.2), rest, pt=20, width_in=width, gap=0.06)
    else:
        size = f.title_pt(page.title)
        c.text(
            (f.title_left, f.title_top), [page.title], pt=size, width_in=f.title_width, bold=True
        )
        bottom = page.footer_top - 0.1 if page.footer else f.height - f.foot - 0.35
        box = (f.left, f.body_top, f.body_width, bottom - f.body_top)
        _compose_body(c, page, box)
        c.text(
            f.number_box[:2], [str(page.number)], pt=SOURCE_PT, width_in=f.number_box[2], fill=MUTED
        )
    if page.footer:
        c.text(
            (f.left, page.footer_top),
            page.footer,
            pt=SOURCE_PT,
            width_in=f.footer_width,
            fill=MUTED,
        )
    return img


def _compose_body(c: Canvas, page: Page, box: tuple[float, float, float, float]) -> None:
    content = page.slide
    left, top, width, height = box
    if content.native is not None:
        pic = _native_picture(content.native, box, c.px)
        if pic is not None:
            c.image.paste(
                pic.resize((round(width * c.px), round(height * c.px))),
                (round(left * c.px), round(top * c.px)),
            )
            return
        native = content.native
        rows = [[("", True, "")] + [(s.name, True, "") for s in native.series]]
        rows += [[(cat, False, "")] + [(native.value_text(v) if v is not None else "–", False, "")
                                       for v in (s.values[i] for s in native.series)]
                 for i, cat in enumerate(native.categories)][-8:]  # fmt: skip
        n = len(native.series) + 1
        _draw_table(c, page, box, rows=rows, widths=[width / n] * n, pt=TABLE_PT)
    elif content.kind == "map":
        if content.picture is None:
            c.text(
                (left, top),
                [f"The picture could not be drawn here: {content.problem}"],
                pt=18,
                width_in=width,
            )
            return
        pic = Image.open(io.BytesIO(content.picture)).convert("RGB")
        ratio = pic.width / pic.height
        w, h = (width, width / ratio) if width / height < ratio else (height * ratio, height)
        pic = pic.resize((round(w * c.px), round(h * c.px)), Image.Resampling.LANCZOS)
        c.image.paste(pic, (round((left + (width - w) / 2) * c.px), round(top * c.px)))
    elif content.table is not None and not page.tiles:
        start, end = page.rows
        rows = [[(t, True, "") for t in content.table.columns]]
        rows += [
            [(cell.text, cell.bold, cell.colour) for cell in row]
            for row in content.table.rows[start:end]
        ]
        _draw_table(c, page, box, rows=rows, widths=page.widths, pt=TABLE_PT)
    elif page.tiles:
        rows_n = (len(content.tiles) + TILE_COLUMNS - 1) // TILE_COLUMNS
        gap = TILE_GAP
        w = (width - gap * (TILE_COLUMNS - 1)) / TILE_COLUMNS
        h = (height - gap * (rows_n - 1)) / rows_n
        for tile, (r, col) in zip(
            content.tiles, tile_grid(len(content.tiles), columns=TILE_COLUMNS), strict=True
        ):
            x0, y0 = left + col * (w + gap), top + r * (h + gap)
            fill = PANEL if tile.status.startswith("no") else "#FFFFFF"
            c.draw.rectangle([x0 * c.px, y0 * c.px, (x0 + w) * c.px, (y0 + h) * c.px], fill=fill,
                             outline=tile.colour, width=max(round(2.5 * c.px / 72), 1))  # fmt: skip
            y = c.text((x0, y0), [tile.heading], pt=TILE_PT, width_in=w, bold=True)
            c.text(
                (x0, y - 0.05), [tile.status], pt=TILE_PT, width_in=w, bold=True, fill=tile.colour
            )
    elif page.bullets:
        numbered = content.numbered or content.kind == "agenda"
        paragraphs = [
            f"{f'{i + 1}.' if numbered else '•'}  {b.full}" for i, b in enumerate(page.bullets)
        ]
        c.text(
            (left, top), paragraphs, pt=page.text_pt, width_in=width, gap=page.text_pt * 0.6 / 72
        )


def compose_png(page: Page, *, frame: Frame | None = None, px: float = PX) -> bytes:
    """A page as PNG bytes (the zip pack's picture of a table slide)."""
    buffer = io.BytesIO()
    compose_page(page, frame=frame, px=px).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def composed_pdf(deck: Deck) -> bytes:
    """The deck's pages drawn as images and bound into a PDF (used without LibreOffice)."""
    images = [compose_page(page) for page in pages_of(deck)]
    buffer = io.BytesIO()
    images[0].save(buffer, format="PDF", save_all=True, append_images=images[1:], resolution=PX)
    return buffer.getvalue()


@dataclass(frozen=True)
class PdfOutput:
    data: bytes
    method: str  # how it was made, to tell the user


def pdf_bytes(deck: Deck, *, pptx: bytes | None = None, template: bytes | None = None) -> PdfOutput:
    """The deck as PDF: LibreOffice's rendering of the PPTX, else pages composed as images."""
    soffice = libreoffice_path()
    if soffice is not None:
        data = pptx_to_pdf(pptx if pptx is not None else pptx_bytes(deck, template=template),
                           soffice=soffice)  # fmt: skip
        return PdfOutput(data, f"rendered from the PowerPoint deck by LibreOffice ({soffice})")
    return PdfOutput(
        composed_pdf(deck),
        "composed from the slide images (LibreOffice is not installed: "
        "`sudo apt-get install libreoffice-impress-nogui` renders the PPTX itself)",
    )
