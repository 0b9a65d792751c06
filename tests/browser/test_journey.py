"""The main journey in a real browser, and screenshots of every page (light and dark)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from benchmarks.harness import DESKTOP
from dashboard.app.state import DEFAULT_ECONOMIES
from dashboard.formatting import entity_labels
from indicators.store.snapshot import load_snapshot

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
WWW = "IT.NET.USER.ZS"
TALL = {"width": DESKTOP["width"], "height": 2400}  # Streamlit scrolls inside the page


@pytest.fixture(scope="module")
def snap():
    return load_snapshot()


SETTLED = """() => {
  const app = document.querySelector('[data-testid=stApp]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (!document.querySelector('h1')) return false;
  if (document.querySelector(
    '[data-testid=stSkeleton], [data-testid=stSkeletonElement], [data-testid=stAppSkeleton], '
    + '[data-stale=true]')) return false;
  if (document.querySelector('.st-key-wsis-rest-later')) return false;  // rest still to come
  const charts = document.querySelectorAll('[data-testid=stPlotlyChart]').length;
  return document.querySelectorAll('.js-plotly-plot').length >= charts;
}"""


def settle(page, *, charts: bool = False) -> None:
    """Wait until the run is over, nothing is loading or stale and every chart is drawn.

    Checked twice, half a second apart, because the script state reads 'notRunning' for a
    moment before the first run starts.
    """
    for _ in range(2):
        page.wait_for_timeout(500)
        page.wait_for_function(SETTLED, timeout=60_000)
    if charts:
        page.wait_for_selector(".js-plotly-plot .main-svg")
    page.wait_for_timeout(300)


def legend(page) -> list[str]:
    """Legend entries of the first plotly chart (SVG text, so read textContent)."""
    entries = page.locator(".js-plotly-plot .legend .traces .legendtext")
    return entries.evaluate_all("els => els.map(e => e.textContent)")


def test_main_journey(page, app_url, snap, tmp_path, screenshots):
    names = entity_labels(snap)
    # 1. the overview opens and shows its headline
    page.goto(app_url)
    settle(page)
    assert page.locator("h1").count() >= 1
    headline = re.compile(r"World Internet use|Internet use, World")
    metrics = page.locator('[data-testid="stMetric"]', has_text=headline)
    world = snap.wide(WWW).loc["WLD"].dropna()
    for i in range(metrics.count()):  # a headline figure must be the snapshot's own value
        label = metrics.nth(i).locator('[data-testid="stMetricLabel"]').inner_text()
        shown = metrics.nth(i).locator('[data-testid="stMetricValue"]').inner_text()
        number = float(re.search(r"\d+(?:\.\d+)?", shown.replace(",", "")).group())
        year = re.search(r"(20\d\d)", label)
        candidates = [world[int(year.group())]] if year else list(world)
        assert any(abs(number - round(v, 1)) < 0.051 for v in candidates), (label, shown)
    if page.locator('[data-testid="stMetric"]').count():
        assert metrics.count() >= 1, "the overview shows cards but no world Internet use"
    # 2. switch to the explorer
    page.get_by_role("link", name="Explorer").first.click()
    page.wait_for_url(re.compile(r".*/explorer.*"))
    settle(page, charts=True)
    assert legend(page) == [names[c] for c in DEFAULT_ECONOMIES]
    # 3. pick an economy: the chart gains its line
    box = page.get_by_test_id("stMultiSelect").locator("input")
    box.click()
    box.fill(names["KEN"])
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('.js-plotly-plot .legend .traces'))"
        ".some(e => e.textContent.includes('Kenya'))"
    )
    settle(page, charts=True)
    assert legend(page) == [names[c] for c in (*DEFAULT_ECONOMIES, "KEN")]
    assert "KEN" in page.url
    # 4. download the plotted data and check it against the snapshot
    page.get_by_role("button", name="Download", exact=True).first.click()  # the chart's menu
    with page.expect_download() as info:
        page.get_by_role("button", name="Data (CSV)").first.click()
    path = tmp_path / "explorer.csv"
    info.value.save_as(path)
    got = pd.read_csv(path)
    assert set(got["entity"]) == {*DEFAULT_ECONOMIES, "KEN"}
    wide = snap.wide(WWW)
    for row in got.itertuples():  # CSVs hold the values rounded to six significant digits
        assert row.value == pytest.approx(wide.at[row.entity, row.year], rel=1e-5)
    kenya = wide.loc["KEN", 2005:].dropna()
    assert sorted(got.loc[got["entity"] == "KEN", "year"]) == [int(y) for y in kenya.index]
    # 5. a shared link reopens the same view
    shared = page.url
    other = page.context.new_page()
    other.goto(shared)
    settle(other, charts=True)
    assert legend(other) == legend(page)
    assert other.get_by_test_id("stMultiSelect").get_by_text(names["KEN"]).count() == 1
    other.close()


EXTRA_VIEWS = {  # views worth looking at beyond each page's first view: file stem -> (path, tab)
    "explorer-slope": ("explorer?chart=slope&economies=WLD,HIC,LIC,KEN,SSD,BLR", None),
    "explorer-ranking": ("explorer?chart=bar&ranking=economies&economies=KEN,NGA", None),
    "explorer-map": ("explorer?chart=map&map_mode=change", None),
    "sources-aggregates": ("sources", "Aggregates"),
}


def test_screenshots_of_more_views(browser, app_url, screenshots):
    """Every page itself is opened, checked and photographed at both sizes and in both themes
    by test_accessibility.py; these are further views of the explorer and the sources."""
    shots = []
    for scheme in ("light", "dark"):
        context = browser.new_context(viewport=TALL, color_scheme=scheme)
        page = context.new_page()
        page.set_default_timeout(60_000)
        for name, (path, tab) in EXTRA_VIEWS.items():
            page.goto(f"{app_url}/{path}")
            settle(page)
            if tab:
                page.get_by_role("tab", name=tab).click()
                settle(page, charts=True)
            shot = screenshots / f"{name}-{scheme}.png"
            page.screenshot(path=str(shot))
            assert page.locator('[data-testid="stException"]').count() == 0, name
            shots.append(shot)
        context.close()
    assert all(p.stat().st_size > 10_000 for p in shots)
