"""Which published series stands for a group: the World Bank's own row of an indicator, else
ITU's estimate of the same code for the equivalent group (a different series is never used).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from indicators.analytics.reporting import mark_estimates
from indicators.catalogue import Catalogue
from indicators.store.snapshot import Snapshot


@dataclass(frozen=True)
class Published:
    """A published series of one indicator for a group: the World Bank row or ITU's estimate."""

    entity: str  # the entity whose row it is (WLD, HIC, ITU_WLD, ...)
    producer: str  # "World Bank" or "ITU"
    values: pd.Series  # indexed by year
    estimate: pd.Series  # bool per year: the producer's flag, or a thinly reported group value
    reported: pd.Series  # per year: how many members reported ('' where not counted)


def published_series(
    snapshot: Snapshot, catalogue: Catalogue, *, indicator: str, group: str
) -> Published | None:
    """The group's own row of `indicator`, else the ITU aggregate whose World Bank equivalent is
    the group (same code only: a different series is never substituted), else None."""
    wide = snapshot.wide(indicator)
    entity = group if group in wide.index else None
    if entity is None:
        ent = snapshot.entities
        match = ent[(ent["kind"] == "itu_aggregate") & (ent["wb_equivalent"] == group)]
        entity = next((str(c) for c in match["code"] if str(c) in wide.index), None)
    if entity is None:
        return None
    rows = snapshot.rows(indicator)
    rows = rows[rows["economy"] == entity].sort_values("year")
    kind = snapshot.entity_index.at[entity, "kind"] if entity in snapshot.entity_index.index else ""
    producer = (
        "ITU"
        if kind == "itu_aggregate"
        else catalogue.dataset(catalogue.indicator(indicator).dataset).producer
    )
    marked = mark_estimates(
        snapshot,
        pd.DataFrame(
            {
                "entity": entity,
                "year": rows["year"].to_numpy(int),
                "estimate": rows["estimate"].to_numpy(bool),
            }
        ),
        indicator=indicator,
    )
    return Published(
        entity=entity,
        producer=producer,
        values=pd.Series(rows["value"].to_numpy(float), index=rows["year"].to_numpy(int)),
        estimate=pd.Series(marked["estimate"].to_numpy(bool), index=rows["year"].to_numpy(int)),
        reported=pd.Series(marked["reported"].to_numpy(object), index=rows["year"].to_numpy(int)),
    )
