"""The pages of the app, declared once: the shell's navigation, the URL state, the tests and the
benchmarks all read this table.

Each page is a module of `dashboard.app.pages` with a `page()` function (inputs, compute,
render) and no work at import time; `keys` are the fields of the URL view the page reads and
writes back (the rest of a link is kept for the other pages).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from indicators.errors import UnknownCodeError


@dataclass(frozen=True)
class PageSpec:
    """One page: its URL path, navigation title and icon, module and URL view keys."""

    name: str
    title: str
    icon: str
    keys: tuple[str, ...]

    @property
    def module(self) -> str:
        return f"dashboard.app.pages.{self.name}"

    def function(self) -> Callable[[], None]:
        """The page's `page()` function (imported on first use)."""
        page: Callable[[], None] = importlib.import_module(self.module).page
        return page

    def script(self) -> str:
        """A two-line script running only this page (for Streamlit's AppTest and benchmarks)."""
        return f"from {self.module} import page\npage()\n"


EXPLORER_KEYS: tuple[str, ...] = ("indicator", "economies", "start", "end", "baseline", "chart")
EXPLORER_KEYS += ("scale",)
EXPLORER_KEYS += ("change", "map_mode", "map_year", "ranking")

PAGES: tuple[PageSpec, ...] = (
    PageSpec("overview", "Since Tunis", ":material/insights:", ("baseline",)),
    PageSpec("areas", "Challenge areas", ":material/checklist:", ("area", "baseline")),
    PageSpec("inequalities", "Inequalities", ":material/diversity_3:", ("fy",)),
    PageSpec("profile", "Economy profile", ":material/flag:", ("economy", "baseline")),
    PageSpec("explorer", "Explorer", ":material/query_stats:", EXPLORER_KEYS),
    PageSpec("presentation", "Presentation", ":material/slideshow:", ("baseline",)),
    PageSpec("sources", "Data and sources", ":material/database:", ()),
)
PAGE_NAMES: tuple[str, ...] = tuple(p.name for p in PAGES)
DEFAULT_PAGE = "overview"


def page_spec(name: str) -> PageSpec:
    """The page called `name` (an unknown name is an error listing the pages)."""
    for spec in PAGES:
        if spec.name == name:
            return spec
    raise UnknownCodeError("page", name, known=list(PAGE_NAMES))
