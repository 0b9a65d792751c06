"""Any screen, any person: axe-core on every page at desktop and phone sizes in both themes,
the phone layout, visible keyboard focus and the print view, in a real browser.

Each page is opened once per size and theme: axe runs on it and the phone layout is checked;
the axe results are saved in screenshots/axe-<size>-<theme>.json. With WSIS_SCREENSHOTS=1 a
screenshot of each whole page is saved too, in screenshots/<page>-<size>-<theme>.png, for
people to look at (left out by default: photographing 28 long pages takes minutes).

The audits run in their own xdist group (their own app server), beside the other browser
tests, so that `make test` uses both cores for the browser.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict

import pytest

from dashboard.app.registry import PAGE_NAMES
from scripts.accessibility import SIZES, audit, open_page, settle

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
SAVE_SCREENSHOTS = os.environ.get("WSIS_SCREENSHOTS") == "1"
FULL_HEIGHT = """() => {
  const main = document.querySelector('[data-testid=stMain]');
  return Math.max(window.innerHeight, main ? main.scrollHeight : 0);
}"""
# Where each chart's figures, legends, plot areas and toolbars are, and what overflows.
LAYOUT = """() => {
  const box = e => { const r = e.getBoundingClientRect();
    return {x: r.x, y: r.y, w: r.width, h: r.height, bottom: r.bottom, right: r.right}; };
  const charts = [...document.querySelectorAll('[class*="st-key-chart-"]')]
    .filter(c => !c.parentElement.closest('[class*="st-key-chart-"]'))
    .map(c => ({
      key: [...c.classList].find(k => k.startsWith('st-key-chart-')),
      figures: [...c.querySelectorAll('.js-plotly-plot')]
        .filter(p => p.getBoundingClientRect().width > 0)  // the layout for other screens
        .map(p => ({
        plot: box(p),
        area: p.querySelector('.nsewdrag') ? box(p.querySelector('.nsewdrag')) : null,
        legend: p.querySelector('.legend') ? box(p.querySelector('.legend')) : null,
        title: p.querySelector('.gtitle') ? p.querySelector('.gtitle').textContent : '',
        ticks: Math.max(0, ...[...p.querySelectorAll('.xtick text')]
          .map(t => t.getBoundingClientRect().bottom)),
      })),
      captions: [...c.querySelectorAll('[data-testid=stCaptionContainer]')].map(box),
    }));
  const main = document.querySelector('[data-testid=stMain]');
  const side = document.querySelector('[data-testid=stSidebar]');
  return {charts, width: window.innerWidth, scroll: main ? main.scrollWidth : 0,
          sidebar: side ? side.getAttribute('data-collapsed') : null,
          sidebarRight: side ? side.getBoundingClientRect().right : 0};
}"""


def save_screenshot(page, size: str, path) -> None:
    """The whole page (Streamlit scrolls inside its main block: the window is made as long as
    the page, at the same width, so the layout is the phone's or the desktop's)."""
    tall = page.evaluate(FULL_HEIGHT)
    page.set_viewport_size({**SIZES[size], "height": min(int(tall), 16000)})
    page.wait_for_timeout(1500)
    page.screenshot(path=str(path))
    page.set_viewport_size(SIZES[size])


def check_phone_layout(page, name: str) -> None:
    """Sidebar closed, nothing wider than the screen, legends under their plots and their tick
    labels (clear of the title, which is page text, and of the toolbar), one panel per row,
    captions wrapped."""
    got = page.evaluate(LAYOUT)
    width = got["width"]
    assert got["sidebar"] == "true" and got["sidebarRight"] <= 0, f"{name}: sidebar open"
    assert got["scroll"] <= width + 1, f"{name}: the page scrolls sideways"
    for chart in got["charts"]:
        lefts = {round(f["plot"]["x"]) for f in chart["figures"]}
        assert len(lefts) <= 1, f"{name} {chart['key']}: panels side by side on a phone"
        for figure in chart["figures"]:
            assert figure["title"] == "", f"{name} {chart['key']}: title drawn in the plot"
            assert figure["plot"]["right"] <= width + 1, f"{name} {chart['key']}: too wide"
            legend, area = figure["legend"], figure["area"]
            if legend and area and legend["h"] > 0:
                assert legend["y"] >= area["bottom"] - 1, f"{name} {chart['key']}: legend"
                assert legend["y"] >= figure["ticks"] - 1, f"{name} {chart['key']}: on ticks"
                assert legend["bottom"] <= figure["plot"]["bottom"] + 1, f"{name}: legend cut"
        for caption in chart["captions"]:
            assert caption["right"] <= width + 1, f"{name} {chart['key']}: caption cut off"


@pytest.mark.xdist_group("browser-axe")
@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_every_page_passes_axe_and_fits_the_screen(browser, app_url, screenshots, size, theme):
    context = browser.new_context(viewport=SIZES[size], color_scheme=theme)
    results = []
    try:
        for name in PAGE_NAMES:
            page = open_page(context, f"{app_url}/{name}")
            assert not page.get_by_test_id("stException").count(), name
            if name == "sources":  # the tab with a chart, so that its figure is checked too
                page.get_by_role("tab", name="Coverage").click()
                settle(page)
            result = audit(page, name=name, size=size, theme=theme)
            results.append(result)
            if size == "phone":
                check_phone_layout(page, name)
            if SAVE_SCREENSHOTS:
                save_screenshot(page, size, screenshots / f"{name}-{size}-{theme}.png")
            page.close()
    finally:
        context.close()
    report = screenshots / f"axe-{size}-{theme}.json"
    report.write_text(json.dumps([asdict(r) | {"count": r.count} for r in results], indent=1))
    assert all(r.engine.startswith("4.") for r in results)  # axe-core really ran
    failing = [r.summary() for r in results if r.violations]
    assert failing == [], "serious or critical accessibility violations:\n" + "\n".join(failing)


def test_keyboard_focus_is_visible_on_every_control(page, app_url):
    """Tabbing through the explorer (navigation, pickers, chart controls) lands only on
    controls that show a solid outline of at least 2 px."""
    page.goto(f"{app_url}/explorer")
    settle(page)
    seen = []
    for _ in range(30):
        page.keyboard.press("Tab")
        seen.append(
            page.evaluate(
                """() => { const e = document.activeElement; const c = getComputedStyle(e);
                const r = e.getBoundingClientRect();
                return {what: e.dataset.testid || e.getAttribute('aria-label') || e.tagName,
                        style: c.outlineStyle, width: parseFloat(c.outlineWidth),
                        shown: r.width > 0 && r.height > 0 && c.visibility !== 'hidden'}; }"""
            )
        )
    focused = [s for s in seen if s["what"] != "BODY"]
    assert len({s["what"] for s in focused}) >= 5  # the walk reached several kinds of control
    hidden = [s for s in focused if not s["shown"]]
    faint = [s for s in focused if s["style"] in ("none", "hidden") or s["width"] < 2]
    assert hidden == [] and faint == [], (hidden, faint)


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_print_view_fits_charts_to_the_page_without_controls(browser, app_url, name, screenshots):
    context = browser.new_context(viewport=SIZES["desktop"])
    try:
        page = open_page(context, f"{app_url}/{name}?print=1")
        if name == "sources":
            page.get_by_role("tab", name="Coverage").click()
            settle(page)
        page.emulate_media(media="print")
        got = page.evaluate(
            """() => {
              const shown = e => e.offsetParent !== null && getComputedStyle(e).display !== 'none';
              return {
                plots: [...document.querySelectorAll('.js-plotly-plot')]
                  .map(p => p.getBoundingClientRect().width),
                sidebar: getComputedStyle(document.querySelector('[data-testid=stSidebar]'))
                  .display,
                buttons: [...document.querySelectorAll('button, input, [role=combobox]')]
                  .filter(shown).length,
                text: document.querySelector('[data-testid=stMain]').innerText.length,
              }; }"""
        )
        assert got["sidebar"] == "none" and got["buttons"] == 0, got
        assert got["text"] > 200
        # A4 with 12 mm margins leaves 186 mm = 703 px at 96 dpi
        assert all(0 < width <= 703 for width in got["plots"]), got["plots"]
        pdf = page.pdf(format="A4", print_background=True)
        assert pdf.startswith(b"%PDF") and len(pdf) > 20_000
        (screenshots / f"print-{name}.pdf").write_bytes(pdf)
    finally:
        context.close()
