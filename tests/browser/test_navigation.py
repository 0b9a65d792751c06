"""Navigation that does what people expect, one browser test per defect found by hand:
each page at its own path, Back and Forward between chosen views, a picker that adds only the
option chosen, a group-only indicator explained in one line, an unknown link code dropped
alone."""

from __future__ import annotations

import re

import pytest

from dashboard.app.registry import PAGE_NAMES, PAGES
from dashboard.formatting import entity_labels
from indicators.store.snapshot import load_snapshot
from scripts.accessibility import settle

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture(scope="module")
def names() -> dict[str, str]:
    return entity_labels(load_snapshot())


def heading(page) -> str:
    return page.locator("[data-testid=stMain] h1").first.inner_text()


def alerts(page, kind: str) -> list[str]:
    """Texts of Streamlit's notices of one kind (Info, Warning, Error) on the page."""
    return page.get_by_test_id(f"stAlertContent{kind}").all_inner_texts()


def test_each_page_answers_at_its_own_path(page, app_url):
    titles = {}
    for spec in PAGES:
        page.goto(f"{app_url}/{spec.name}")
        settle(page)
        assert page.get_by_text("Page not found").count() == 0, spec.name
        assert not page.get_by_test_id("stException").count()
        titles[spec.name] = heading(page)
        assert page.url.split("?")[0].endswith(f"/{spec.name}")
    assert len(set(titles.values())) == len(PAGE_NAMES)  # seven different pages
    page.goto(app_url)
    settle(page)
    assert heading(page) == titles["overview"]  # the first page still opens at /
    assert page.get_by_text("Page not found").count() == 0


def choose_economy(page, name: str) -> None:
    box = page.get_by_test_id("stSelectbox").locator("input").first
    box.click()
    box.fill(name)
    page.get_by_role("option", name=re.compile(rf"^{re.escape(name)} \(")).first.click()
    settle(page)


def picked(page) -> str:
    return page.get_by_test_id("stSelectbox").locator("input").first.input_value()


def test_back_and_forward_move_between_the_views_chosen(page, app_url, names):
    page.goto(f"{app_url}/profile")
    settle(page)
    start = picked(page)
    choose_economy(page, names["ETH"])
    assert page.url.endswith("economy=ETH") and names["ETH"] in picked(page)
    choose_economy(page, names["NGA"])
    assert page.url.endswith("economy=NGA") and names["NGA"] in picked(page)
    page.go_back()
    settle(page)
    assert page.url.endswith("economy=ETH")
    assert names["ETH"] in picked(page)  # the page follows the address, not the old widget
    assert page.get_by_role("heading", name=re.compile(re.escape(names["ETH"]))).count()
    page.go_back()
    settle(page)
    assert "economy=" not in page.url and picked(page) == start
    assert page.url.split("?")[0].endswith("/profile")  # still on the profile
    page.go_forward()
    settle(page)
    assert page.url.endswith("economy=ETH") and names["ETH"] in picked(page)
    page.go_forward()
    settle(page)
    assert page.url.endswith("economy=NGA") and names["NGA"] in picked(page)


def test_the_economy_picker_adds_only_the_option_chosen(page, app_url, names):
    page.goto(f"{app_url}/explorer")
    settle(page, timeout=120)
    before = page.get_by_test_id("stMultiSelect").locator("[data-tag]").all_inner_texts()
    box = page.get_by_test_id("stMultiSelect").locator("input")
    box.click()
    box.fill("Sub-Saharan")
    matching = page.get_by_role("option").all_inner_texts()
    assert sum("Sub-Saharan" in o for o in matching) >= 3  # several groups match
    assert not [o for o in matching if re.match(r"Select (all|\d+ matches)", o)]
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    settle(page)
    after = page.get_by_test_id("stMultiSelect").locator("[data-tag]").all_inner_texts()
    assert after[: len(before)] == before and len(after) == len(before) + 1
    assert after[-1].startswith("Sub-Saharan") and after[-1] == matching[0]


def test_a_group_only_indicator_with_countries_is_explained_in_one_line(page, app_url, names):
    page.goto(f"{app_url}/explorer?indicator=i99H.URB&economies=KEN,NGA")
    settle(page)
    assert alerts(page, "Error") == []
    lines = [t for t in alerts(page, "Info") if "exists for groups only" in t]
    assert len(lines) == 1, alerts(page, "Info")
    text = lines[0].split("\n")[-1]
    assert names["KEN"] in text and names["NGA"] in text
    assert (
        page.get_by_test_id("stAlertContentInfo")
        .filter(has_text="groups only")
        .locator("p")
        .count()
        == 1
    )  # one line, one paragraph
    assert not page.get_by_test_id("stException").count()


def test_an_unknown_code_in_a_link_is_dropped_alone_and_named(page, app_url, names):
    page.goto(f"{app_url}/explorer?economies=FOO,KEN")
    settle(page, timeout=120)
    notice = " ".join(t for t in alerts(page, "Info") if "could not be used" in t)
    assert "FOO" in notice and "KEN" not in notice
    tags = page.get_by_test_id("stMultiSelect").locator("[data-tag]").all_inner_texts()
    assert tags == [names["KEN"]]
    page.wait_for_url(re.compile(r".*economies=KEN$"))
    chart = page.locator('[class*="st-key-chart-explorer-line"]')
    assert chart.locator(".js-plotly-plot").count() == 1
    assert names["KEN"] in chart.get_by_test_id("stMarkdownContainer").first.inner_text()
