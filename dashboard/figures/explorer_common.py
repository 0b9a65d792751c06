"""What the explorer's line, slope, ranking and map charts share: titles, notes, the ranked value.

Pure helpers on the tidy series of `dashboard.views.explorer_series`; each figure module of the
explorer (explorer, ranking, world_map) and the sources page's figures use them.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import numpy as np
import pandas as pd

from dashboard.figures.chart import SUBSTITUTED_NOTE, source_line
from dashboard.views.explorer_series import WINDOW, Series, names_of, progress_rows
from indicators.catalogue import Catalogue, Indicator
from indicators.errors import AnalysisError
from indicators.store.snapshot import Snapshot

TITLE_LIMIT = 80  # characters of a one-line title at 20 px on a 1000 px wide chart


def fit_title(main: str, *extra: str, fallback: str = "", limit: int = TITLE_LIMIT) -> str:
    """A title that fits one line: `main` plus each `extra` part that still fits, else `fallback`.

    Plotly does not wrap titles, so a long one would run off the chart.
    """
    if len(main) > limit:
        main = fallback if fallback and len(fallback) <= limit else main[: limit - 3] + "..."
    for part in extra:
        if part and len(main) + len(part) <= limit:
            main += part
    return main


def series_source(snapshot: Snapshot, catalogue: Catalogue, data: pd.DataFrame) -> str:
    """The source line of every release the plotted rows come from."""
    return source_line(snapshot, catalogue, data["source"].unique())


def vintage_notes(data: pd.DataFrame) -> list[str]:
    """A note when the plotted rows come from more than one release (vintage)."""
    vintages = sorted(set(data["vintage"].astype(str).unique()) - {""})
    if len(vintages) > 1:
        return [f"Values come from several releases (vintages {', '.join(vintages)})."]
    return []


def substitution_notes(ok: pd.DataFrame, baseline: int, *, diamonds: bool = True) -> list[str]:
    """Name the substituted baselines (drawn as diamonds where the chart has markers)."""
    subst = ok[ok["baseline_substituted"]]
    if subst.empty:
        return []
    pairs = [f"{n} {y}" for n, y in zip(subst["entity_name"], subst["baseline_year"], strict=True)]
    lead = (
        SUBSTITUTED_NOTE.replace("(see table)", f"within ±{WINDOW} years of {baseline}")
        if diamonds
        else f"Baseline {baseline} missing: the nearest year within ±{WINDOW} years is used."
    )
    return [f"{lead} Substituted: {names_of(pairs, {}, limit=6)}."]


def require_values(data: pd.DataFrame, ind: Indicator, what: str) -> None:
    """Raise AnalysisError, saying what to choose instead, when nothing is left to draw."""
    if data.empty:
        raise AnalysisError(
            f"no values of {ind.short_name} for {what}; choose other economies, groups or years"
        )


def most_words(change: float) -> str:
    """How the top of a ranking of changes reads: 'largest rise', 'smallest fall', 'no change'."""
    return "largest rise" if change > 0 else "smallest fall" if change < 0 else "no change"


def spread(values: Sequence[float], gap: float) -> list[float]:
    """Label positions near `values`, at least `gap` apart, in the original order."""
    order = np.argsort(np.asarray(values, dtype=float), kind="stable")
    out = np.asarray(values, dtype=float).copy()
    for prev, cur in pairwise(order):
        out[cur] = max(out[cur], out[prev] + gap)
    return out.tolist()


def ranked_measure(
    got: Series, *, measure: str, change: str, baseline: int, end: int | None
) -> pd.DataFrame:
    """One row per entity: the ranked value (latest level or change) and its provenance."""
    data = got.data
    if measure == "level":
        last = data.sort_values("year").groupby("entity", sort=False).tail(1)
        out = last.assign(
            measure="latest value",
            latest_year=last["year"],
            latest_value=last["value"],
            baseline_year=pd.NA,
            baseline_value=np.nan,
            substituted=False,
        )
        return out.drop(columns=["note"]).reset_index(drop=True)
    prog = progress_rows(data, baseline=baseline, latest=end)
    ok = prog[prog["status"] == "ok"]
    rel = change == "relative"
    return pd.DataFrame(
        {
            "entity": ok["entity"],
            "entity_name": ok["entity_name"],
            "indicator": got.indicator.code,
            "measure": "relative change" if rel else "change",
            "value": ok["relative_change"] * 100 if rel else ok["change"],
            "baseline_year": ok["baseline_year"],
            "baseline_value": ok["baseline_value"],
            "substituted": ok["baseline_substituted"],
            "latest_year": ok["latest_year"],
            "latest_value": ok["latest_value"],
            "estimate": ok["estimate"],
            "value_source": ok["value_source"],
            "source": ok["source"],
            "vintage": ok["vintage"],
        }
    ).dropna(subset=["value"])
