"""The deck as PDF (dashboard.deck.pdf): pages composed as images without LibreOffice (the same
geometry as the PowerPoint file), and LibreOffice's rendering of the default deck, one PNG per
slide under screenshots/deck/ for a person to look at."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image
from pptx import Presentation
from test_export import chromium, needs_chromium

from dashboard.deck import pdf as deck_pdf
from dashboard.deck.pages import pages_of
from dashboard.deck.powerpoint import pptx_bytes
from dashboard.deck.prepare import prepare_deck
from dashboard.deck.story import StoryOptions

OUT = Path(__file__).resolve().parents[1] / "screenshots" / "deck"


def test_composed_pdf_without_libreoffice(monkeypatch, bundled_snapshot, catalogue):
    monkeypatch.setenv(deck_pdf.SOFFICE_ENV, "")
    options = StoryOptions(slides=("title", "agenda", "gaps", "questions", "challenges"))
    deck = prepare_deck(bundled_snapshot, catalogue, options=options, pictures=False)
    out = deck_pdf.pdf_bytes(deck)
    assert out.data.startswith(b"%PDF") and "composed" in out.method
    pages = re.findall(rb"/Type\s*/Page\b(?!s)", out.data)
    assert len(pages) == len(pages_of(deck))


def test_a_composed_page_draws_text_on_white(bundled_snapshot, catalogue):
    deck = prepare_deck(bundled_snapshot, catalogue, pictures=False,
                        options=StoryOptions(slides=("questions",)))  # fmt: skip
    img = deck_pdf.compose_page(pages_of(deck)[0])
    assert img.size == (1920, 1080)
    grey = img.convert("L")
    dark = sum(count for value, count in enumerate(grey.histogram()) if value < 128)
    assert 0.005 < dark / (1920 * 1080) < 0.2


@chromium
@needs_chromium
def test_a_composed_chart_page_draws_the_native_chart(bundled_snapshot, catalogue):
    deck = prepare_deck(bundled_snapshot, catalogue, options=StoryOptions(slides=("regions",)))
    img = deck_pdf.compose_page(pages_of(deck)[0]).convert("RGB")
    colours = {img.getpixel((x, y)) for x in range(200, 1800, 40) for y in range(300, 900, 40)}
    assert len(colours) > 3  # bars and labels, not an empty body


# --- rendered by LibreOffice (looked at by a person: screenshots/deck/) -------------------------


@pytest.mark.libreoffice
@chromium
@needs_chromium
def test_default_deck_renders_with_libreoffice_to_pdf_and_png_pages(default_deck):
    import shutil
    import subprocess

    if deck_pdf.libreoffice_path() is None or shutil.which("pdftoppm") is None:
        pytest.skip("LibreOffice or pdftoppm not installed (make setup-test)")
    pptx = pptx_bytes(default_deck)
    pdf = deck_pdf.pdf_bytes(default_deck, pptx=pptx)
    assert pdf.data.startswith(b"%PDF") and "LibreOffice" in pdf.method
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("page-*.png"):
        old.unlink()
    (OUT / "wsis20-deck.pdf").write_bytes(pdf.data)
    (OUT / "wsis20-deck.pptx").write_bytes(pptx)
    subprocess.run(["pdftoppm", "-r", "96", "-png", str(OUT / "wsis20-deck.pdf"), str(OUT / "page")],
                   check=True, timeout=180)  # fmt: skip
    pages = sorted(OUT.glob("page-*.png"))
    assert len(pages) == len(pages_of(default_deck)) == len(Presentation(io.BytesIO(pptx)).slides)
    for path in pages:  # every page has something on it, and nothing is cut at the right edge
        img = Image.open(path).convert("L")
        assert img.getextrema()[0] < 100
