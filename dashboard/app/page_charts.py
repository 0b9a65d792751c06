"""The charts each page shows in its default view, declared once.

`default_charts(page, snapshot, catalogue)` lists, for a page of the registry, every chart the
page draws when opened from a bare link: the figure builder, its options (the defaults of the
URL view, `state.View`) and the key the page gives the chart. The `charts` command of
`python -m dashboard` exports exactly these charts; a page test checks that each page shows
them; pages may call `ChartCall.build` through the cache seam to draw the same list.

No Streamlit here: this module is imported by the command line too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from dashboard.app.registry import PAGE_NAMES, page_spec
from dashboard.app.state import View
from dashboard.figures.areas import area_grid, area_small_multiples
from dashboard.figures.chart import Chart
from dashboard.figures.explorer import line_figure
from dashboard.figures.inequality import (
    breakdown_gap_over_time,
    breakdown_levels,
    gender_dumbbell,
    parity_over_time,
)
from dashboard.figures.overview import (
    income_gap_chart,
    income_levels_chart,
    internet_use_since_tunis,
)
from dashboard.figures.profile import (
    income_history_chart,
    profile_sections,
    profile_small_multiples,
    target_chart,
    target_table,
)
from dashboard.figures.sources import aggregate_check, coverage_heatmap
from indicators.catalogue import Catalogue
from indicators.store.snapshot import Snapshot

AGGREGATE_CHECK_INDICATOR = "IT.NET.USER.ZS"  # the indicator the sources page checks


def entity_kind(snapshot: Snapshot, code: str) -> str:
    """'economy', 'wb_aggregate', 'itu_aggregate' ... ('' for an unknown code)."""
    index = snapshot.entity_index
    return str(index.at[code, "kind"]) if code in index.index else ""


def _chart(result: Any) -> Chart | None:
    return result if isinstance(result, Chart) or result is None else result.chart


@dataclass(frozen=True)
class ChartCall:
    """One chart of a page: the page's key for it, the builder and its keyword options.

    `build` returns None where the builder finds nothing to draw (a page then shows no chart).
    """

    page: str
    key: str
    func: Callable[..., Any]
    options: tuple[tuple[str, Any], ...] = field(default_factory=tuple)

    def build(self, snapshot: Snapshot, catalogue: Catalogue) -> Chart | None:
        return _chart(self.func(snapshot, catalogue, **dict(self.options)))


def _call(page: str, key: str, func: Callable[..., Any], **options: Any) -> ChartCall:
    return ChartCall(page, key, func, tuple(sorted(options.items())))


def _overview(view: View, snapshot: Snapshot, catalogue: Catalogue) -> list[ChartCall]:
    return [
        _call("overview", "overview-use", internet_use_since_tunis, start=view.baseline),
        _call("overview", "overview-gap", income_gap_chart, baseline=view.baseline),
    ]


def _areas(view: View, snapshot: Snapshot, catalogue: Catalogue) -> list[ChartCall]:
    calls = [_call("areas", "areas-grid", area_grid, baseline=view.baseline)]
    calls += [
        _call("areas", f"area-{a.id}", area_small_multiples, area_id=a.id, start=view.baseline)
        for a in catalogue.areas
    ]
    return calls


def _inequalities(view: View, snapshot: Snapshot, catalogue: Catalogue) -> list[ChartCall]:
    p = "inequalities"
    return [
        _call(p, "ineq-gender", gender_dumbbell, limit=30),
        _call(p, "ineq-parity", parity_over_time),
        _call(p, "ineq-ur-levels", breakdown_levels, pair=("urban", "rural")),
        _call(p, "ineq-ur-gap", breakdown_gap_over_time, totals=("i99H", "i271G", "i271GA")),
        _call(p, "ineq-youth-levels", breakdown_levels, pair=("youth", "rest")),
        _call(
            p, "ineq-youth-gap", breakdown_gap_over_time, totals=("i99H",), pair=("youth", "rest")
        ),
        _call(p, "ineq-income-gap", income_gap_chart, basis="computed", fiscal_year=view.fy),
        _call(p, "ineq-income-levels", income_levels_chart, fiscal_year=view.fy),
    ]


def _profile(view: View, snapshot: Snapshot, catalogue: Catalogue) -> list[ChartCall]:
    entity, start = view.economy, view.baseline
    sections = profile_sections(snapshot, catalogue, entity=entity, start=start)
    calls = [
        _call("profile", f"profile-multiples-{n}", profile_small_multiples, entity=entity,
              start=start, codes=codes)
        for n, (_, codes) in enumerate(sections)
    ]  # fmt: skip
    if len(target_table(snapshot, catalogue, entity=entity)):  # else the page says none applies
        calls.append(_call("profile", "profile-targets", target_chart, entity=entity))
    if entity_kind(snapshot, entity) == "economy":  # groups have no income history
        calls.append(_call("profile", "profile-history", income_history_chart, economy=entity))
    return calls


def _explorer(view: View, snapshot: Snapshot, catalogue: Catalogue) -> list[ChartCall]:
    last = int(snapshot.observations["year"].max())
    end = view.end if view.end is not None else last
    return [
        _call("explorer", "explorer-line", line_figure, indicator=view.indicator,
              entities=view.economies, start=view.start, end=end, log_y=view.scale == "log")
    ]  # fmt: skip


def _sources(view: View, snapshot: Snapshot, catalogue: Catalogue) -> list[ChartCall]:
    """The charts of the page's tabs (each drawn when its tab is opened)."""
    return [
        _call("sources", "coverage", coverage_heatmap),
        _call("sources", "aggregates", aggregate_check, indicator=AGGREGATE_CHECK_INDICATOR),
    ]


Lister = Callable[[View, Snapshot, Catalogue], list[ChartCall]]
PAGE_CHARTS: dict[str, Lister] = {
    "overview": _overview,
    "areas": _areas,
    "inequalities": _inequalities,
    "profile": _profile,
    "explorer": _explorer,
    "presentation": lambda view, snapshot, catalogue: [],  # the deck, not charts
    "sources": _sources,
}


def default_charts(
    page: str, snapshot: Snapshot, catalogue: Catalogue, *, view: View | None = None
) -> list[ChartCall]:
    """The chart calls of one page in its default view (or `view`), in the page's order."""
    page_spec(page)  # an unknown page is an error naming the pages
    return PAGE_CHARTS[page](view or View(), snapshot, catalogue)


def page_charts(
    snapshot: Snapshot, catalogue: Catalogue, *, pages: Sequence[str] | None = None
) -> Iterator[tuple[ChartCall, Chart]]:
    """Every chart the chosen pages (default: all, in the registry's order) show by default."""
    for page in pages or PAGE_NAMES:
        for call in default_charts(page, snapshot, catalogue):
            chart = call.build(snapshot, catalogue)
            if chart is not None:
                yield call, chart
