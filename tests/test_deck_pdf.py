"""The deck as PDF (dashboard.deck_pdf): composed pages without LibreOffice, and LibreOffice's
rendering of the default deck (looked at by a person: screenshots/deck/)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pptx import Presentation
from test_deck import fixture_deck
from test_export import chromium, needs_chromium

from dashboard.deck import pdf as deck_pdf
from dashboard.deck.powerpoint import pptx_bytes
from dashboard.deck.prepare import pages_of


@chromium
@needs_chromium
def test_composed_pdf_without_libreoffice(monkeypatch):
    monkeypatch.setenv(deck_pdf.SOFFICE_ENV, "")
    deck = fixture_deck()
    out = deck_pdf.pdf_bytes(deck)
    assert out.data.startswith(b"%PDF") and "composed" in out.method
    pages = re.findall(rb"/Type\s*/Page\b(?!s)", out.data)
    assert len(pages) == len(pages_of(deck))


# --- rendered by LibreOffice (looked at by a person: screenshots/deck/) -------------------------


@pytest.mark.libreoffice
@chromium
@needs_chromium
def test_default_deck_renders_with_libreoffice_to_pdf_and_png_pages(default_deck):
    import shutil
    import subprocess

    if deck_pdf.libreoffice_path() is None or shutil.which("pdftoppm") is None:
        pytest.skip("LibreOffice or pdftoppm not installed (make setup-test)")
    deck = default_deck
    pptx = pptx_bytes(deck)
    pdf = deck_pdf.pdf_bytes(deck, pptx=pptx)
    assert pdf.data.startswith(b"%PDF") and "LibreOffice" in pdf.method
    out = Path(__file__).resolve().parents[1] / "screenshots" / "deck"
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("page-*.png"):
        old.unlink()
    (out / "wsis20-deck.pdf").write_bytes(pdf.data)
    subprocess.run(["pdftoppm", "-r", "96", "-png", str(out / "wsis20-deck.pdf"), str(out / "page")],
                   check=True, timeout=120)  # fmt: skip
    pages = sorted(out.glob("page-*.png"))
    assert len(pages) == len(pages_of(deck)) == len(Presentation(io.BytesIO(pptx)).slides)
