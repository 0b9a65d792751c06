"""Names of economies as the United Nations uses them, with the other names people search for.

The rule (declared in `sources.yaml`, recorded in every snapshot's descriptor):

1. ITU's entity name in the DataHub files we hold (ITU, a UN agency, names economies in UN
   terminology: "State of Palestine", "Iran (Islamic Republic of)"), with ITU's abbreviations
   written out ("Dem. Rep. of the Congo" -> "Democratic Republic of the Congo");
2. else the ISO 3166-1 short name from the `pycountry` library (ISO 3166 takes its names from the
   UN Terminology Bulletin), historic codes included (ISO 3166-3);
3. else the World Bank's own name (for codes neither has, e.g. Kosovo, Channel Islands).

Every economy keeps its World Bank code and World Bank name; `aliases` collects the other
names the sources give (World Bank, ITU, ISO short, common and official names, and the
`country_converter` library's short and official names), and `pattern` is country_converter's
regular expression for the economy's names, so that a search for "Turkey", "Ivory Coast" or
"Palestin" finds it. No name is typed here: they all come from the files and the two libraries.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.metadata import version
from typing import Any

import pandas as pd

ITU_SOURCE = "ITU DataHub"
ISO_SOURCE = "ISO 3166 (pycountry)"
WB_SOURCE = "World Bank"
NAME_COLUMNS = ("code", "name", "name_source", "wb_name", "aliases", "pattern")


@dataclass(frozen=True)
class IsoNames:
    """What the libraries know of one ISO alpha-3 code."""

    short: str | None
    others: tuple[str, ...]
    pattern: str | None


ABBREVIATIONS = (  # ITU's abbreviations in names, written out as UN names spell them
    (r"\bP\.D\.R\.", "People's Democratic Republic"),
    (r"\bRep\.", "Republic"),
    (r"\bDem\.", "Democratic"),
    (r"\bNeth\.", "Netherlands"),
    (r"\bIs\.(?=$|\W)", "Islands"),
    (r"\bSt\.", "Saint"),
    (r" & ", " and "),
)


def written_out(name: str) -> str:
    """A name with ITU's abbreviations written out.

    >>> written_out("Dem. Rep. of the Congo")
    'Democratic Republic of the Congo'
    >>> written_out("Turks & Caicos Is.")
    'Turks and Caicos Islands'
    >>> written_out("Lao P.D.R.")
    "Lao People's Democratic Republic"
    """
    for pattern, words in ABBREVIATIONS:
        name = re.sub(pattern, words, name)
    return name


def libraries() -> str:
    """The name libraries and their versions (for the descriptor)."""
    return f"pycountry {version('pycountry')}; country_converter {version('country_converter')}"


@cache
def _library_tables() -> tuple[dict[str, IsoNames], ...]:
    import pycountry  # imported here: only the build needs the libraries

    # country_converter's own table (its converter class does not load under pandas 3)
    table = resources.files("country_converter") / "country_data.tsv"
    with table.open("r", encoding="utf-8") as handle:
        coco = pd.read_csv(handle, sep="\t", dtype=str, keep_default_na=False)
    by_code: dict[str, IsoNames] = {}
    iso: dict[str, Any] = {c.alpha_3: c for c in pycountry.countries}
    historic = {c.alpha_3: c for c in pycountry.historic_countries}
    codes = set(iso) | set(historic) | {c for c in coco["ISO3"] if c}
    coco_rows = {str(r["ISO3"]): r for r in coco.to_dict("records") if r["ISO3"]}
    for code in codes:
        record = iso.get(code) or historic.get(code)
        names = []
        short = None
        if record is not None:
            short = str(record.name)
            names += [getattr(record, k, None) for k in ("name", "common_name", "official_name")]
        row = coco_rows.get(code)
        pattern = None
        if row is not None:
            names += [row.get("name_short"), row.get("name_official")]
            pattern = str(row["regex"]) or None
        others = tuple(dict.fromkeys(str(n) for n in names if isinstance(n, str) and n))
        by_code[code] = IsoNames(short=short, others=others, pattern=pattern)
    return (by_code,)


def iso_names(code: str) -> IsoNames:
    """The libraries' names and search pattern of an alpha-3 code (empty when unknown)."""
    return _library_tables()[0].get(code, IsoNames(None, (), None))


def un_names(
    codes: Iterable[str], *, itu_names: Mapping[str, str], wb_names: Mapping[str, str]
) -> pd.DataFrame:
    """code, name (UN usage), name_source, wb_name, aliases ('; '-joined), pattern per code."""
    rows = []
    for code in codes:
        lib = iso_names(code)
        wb = wb_names.get(code)
        if itu_names.get(code):
            name, source = written_out(itu_names[code]), ITU_SOURCE
        elif lib.short:
            name, source = lib.short, ISO_SOURCE
        else:
            name, source = wb or code, WB_SOURCE
        candidates = [wb, itu_names.get(code), *lib.others]
        aliases = [a for a in dict.fromkeys(c for c in candidates if c) if a != name]
        rows.append(
            {
                "code": code,
                "name": name,
                "name_source": source,
                "wb_name": wb,
                "aliases": "; ".join(aliases) or None,
                "pattern": lib.pattern,
            }
        )
    return pd.DataFrame(rows, columns=list(NAME_COLUMNS))


def matches(query: str, *, name: str, aliases: str | None, pattern: str | None) -> bool:
    """Whether a search finds an economy: every word of the query in its name or an alias, or
    the query matching its names' pattern (case-insensitive).

    >>> matches("turkey", name="Türkiye", aliases=None, pattern="t[ü|u]rk[i|e]y")
    True
    >>> matches("palestin", name="State of Palestine", aliases="West Bank and Gaza", pattern=None)
    True
    """
    text = query.strip().lower()
    if not text:
        return False
    haystack = " ".join([name, aliases or ""]).lower()
    if all(word in haystack for word in text.split()):
        return True
    if pattern:
        try:
            return re.search(pattern, text, flags=re.IGNORECASE) is not None
        except re.error:
            return False
    return False
