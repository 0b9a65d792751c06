"""The reference readers of the loader property tests: an independent reading of a file's final
bytes (Python's csv module plus the layout rules each loader documents) that says which values
a loader must return, or `Invalid` when it must raise SourceFormatError.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from datetime import datetime
from pathlib import Path, PurePosixPath

from fuzz_support import Invalid, Table

from indicators.schema import FIRST_YEAR
from indicators.sources import ddf, itu_datahub, wb_csv


def records_of(data: bytes) -> list[list[str]] | Invalid:
    """CSV records of the bytes as UTF-8 (one BOM allowed), blank lines kept as []."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return Invalid("not UTF-8")
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        return Invalid(f"csv: {exc}")


def number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def blank(fields: list[str]) -> bool:
    return not any(f.strip() for f in fields)


def body_cells(rows: Table, width: int) -> Table | Invalid:
    """Rows cut to `width` stripped cells; shorter rows and text beyond the width are errors."""
    out = []
    for row in rows:
        if len(row) < width or not blank(row[width:]):
            return Invalid("row width")
        out.append([_np_strip(cell) for cell in row[:width]])
    return out


def _np_strip(cell: str) -> str:
    """Strip as wb_csv does (np.char.strip on fixed-width strings, which drop trailing NULs)."""
    return cell.rstrip("\x00").strip().rstrip("\x00")


def ref_indicator_csv(records: list[list[str]]) -> tuple[str, dict] | Invalid:
    """World Bank per-indicator download: (indicator code, {(economy, year): value})."""
    content = [r for r in records if not blank(r)]
    at = 0
    while at < len(content) and content[at][0].strip() in ("Data Source", "Last Updated Date"):
        fields = content[at]
        if blank(fields[1:2]) or not blank(fields[2:]):
            return Invalid("preamble")
        if fields[0].strip() == "Last Updated Date" and not any(
            _parses(fields[1].strip(), fmt) for fmt in ("%Y-%m-%d", "%m/%d/%Y")
        ):
            return Invalid("date")
        at += 1
    if at >= len(content):
        return Invalid("no header")
    names = [n.strip() for n in content[at]]
    if names[:4] != list(wb_csv.ID_COLUMNS):
        return Invalid("id columns")
    width = len(names) - 1 if names[-1] == "" and len(names) > 4 else len(names)
    years = [int(n) if re.fullmatch(r"\d{4}", n) else None for n in names[4:width]]
    if not years or None in years or len(set(years)) != len(years):
        return Invalid("year columns")
    rows = body_cells(content[at + 1 :], width)
    if isinstance(rows, Invalid) or not rows:
        return rows if isinstance(rows, Invalid) else Invalid("no rows")
    codes = [r[1] for r in rows]
    if "" in codes or len(set(codes)) != len(codes) or {r[3] for r in rows} != {rows[0][3]}:
        return Invalid("codes")
    if rows[0][3] == "":
        return Invalid("indicator code")
    values: dict[tuple[str, int], float] = {}
    for r in rows:
        for year, text in zip(years, r[4:], strict=True):
            if text:
                value = number(text)
                if value is None:
                    return Invalid("value")
                values[(r[1], year)] = value
    last = max(years)
    if last - 1 in years:  # the documented 'bogus zero' rule
        for code in codes:
            if values.get((code, last)) == 0 and values.get((code, last - 1), 0) > 1:
                del values[(code, last)]
    return rows[0][3], {k: v for k, v in values.items() if k[1] >= FIRST_YEAR}


def _parses(text: str, fmt: str) -> bool:
    try:
        datetime.strptime(text, fmt)
    except ValueError:
        return False
    return True


def ref_country_metadata(records: list[list[str]]) -> list[tuple] | Invalid:
    content = [r for r in records if not blank(r)]
    if not content:
        return Invalid("empty")
    names = [n.strip() for n in content[0]]
    width = len(names) - 1 if names and names[-1] == "" else len(names)
    if any(c not in names[:width] for c in wb_csv.COUNTRY_COLUMNS):
        return Invalid("columns")
    rows = body_cells(content[1:], width)
    if isinstance(rows, Invalid) or not rows:
        return rows if isinstance(rows, Invalid) else Invalid("no rows")
    at = {c: names.index(c) for c in wb_csv.COUNTRY_COLUMNS}
    out = [tuple(r[at[c]] for c in wb_csv.COUNTRY_COLUMNS) for r in rows]
    if len({t[0] for t in out}) != len(out):
        return Invalid("duplicate code")
    # (code, name, region, income group, notes, is_aggregate), sorted by code
    return sorted(((t[0], t[1], t[2], t[3], t[4], t[2] == "") for t in out), key=lambda t: t[0])


def ref_long(folder: Path) -> tuple[str, dict] | Invalid:
    """wb_long: the datapackage, then its CSV; (indicator code, {(economy, year): value})."""
    try:
        package = json.loads((folder / "datapackage.json").read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return Invalid("package not JSON")
    if not isinstance(package, dict):
        return Invalid("package not an object")
    name = package.get("name")
    resources = package.get("resources")
    if not isinstance(name, str) or not name.strip() or not isinstance(resources, list):
        return Invalid("package name or resources")
    found = [
        r
        for r in resources
        if isinstance(r, dict) and isinstance(r.get("path"), str) and r["path"].lower().endswith(".csv")
    ]  # fmt: skip
    if len(found) != 1:
        return Invalid("csv resources")
    relative = PurePosixPath(found[0]["path"])
    if relative.is_absolute() or ".." in relative.parts or not (folder / relative).is_file():
        return Invalid("resource path")
    schema = found[0].get("schema")
    fields = schema.get("fields") if isinstance(schema, dict) else None
    names = [f.get("name") for f in fields if isinstance(f, dict)] if isinstance(fields, list) else []  # fmt: skip
    if any(n not in names for n in ("Country Code", "Year", "Value")):
        return Invalid("schema fields")
    fields_ = [str(n) for n in names]
    if any(fields_.count(n) > 1 for n in ("Country Code", "Year", "Value")):
        return Invalid("schema names a needed field twice")
    records = records_of((folder / relative).read_bytes())
    if isinstance(records, Invalid):
        return records
    content = [r for r in records if not blank(r)]
    if not content or [h.strip() for h in content[0]] != fields_:
        return Invalid("header")
    if any(len(r) != len(fields_) for r in content[1:]):
        return Invalid("row width")
    code_at, year_at, value_at = (fields_.index(c) for c in ("Country Code", "Year", "Value"))
    values: dict[tuple[str, int], float | None] = {}
    for r in content[1:]:
        code, year, text = r[code_at].strip(), r[year_at].strip(), r[value_at].strip()
        if not code or not re.fullmatch(r"\d{4}", year):
            return Invalid("code or year")
        value = number(text) if text else None
        if text and value is None:
            return Invalid("value")
        if (code, int(year)) in values:
            return Invalid("duplicate")
        values[(code, int(year))] = value
    kept = {k: v for k, v in values.items() if v is not None and k[1] >= FIRST_YEAR}
    return name.strip().upper(), kept


def ref_ddf(records: list[list[str]], path: Path) -> tuple[str, dict] | Invalid:
    content = [r for r in records if not blank(r)]
    if not content:
        return Invalid("empty")
    names = [n.strip() for n in content[0]]
    if len(names) != 3 or names[:2] != ["geo", "time"]:
        return Invalid("header")
    concept = names[2]
    named = re.fullmatch(r"ddf--datapoints--([a-z0-9_]+)--by--geo--time\.csv", path.name)
    if not re.fullmatch(r"[a-z][a-z0-9_]*", concept) or (named and named[1] != concept):
        return Invalid("concept")
    values: dict[tuple[str, int], float] = {}
    for r in content[1:]:
        if len(r) != 3:
            return Invalid("row width")
        geo, year, text = (c.strip() for c in r)
        economy = ddf.GEO_ALIASES.get(geo) or (
            geo.upper() if re.fullmatch("[a-z]{3}", geo) else None
        )
        value = number(text)
        if economy is None or not re.fullmatch(r"\d{4}", year) or value is None:
            return Invalid("cell")
        if (economy, int(year)) in values:
            return Invalid("duplicate")
        values[(economy, int(year))] = value
    return ddf.concept_to_indicator(concept), {
        k: v for k, v in values.items() if k[1] >= FIRST_YEAR
    }


def ref_datahub(records: list[list[str]]) -> dict | Invalid:
    """{(economy, indicator, year): (value, estimate)} of a DataHub export."""
    if not records or blank(records[0]):
        return Invalid("no header")
    header = [h.strip() for h in records[0]]
    if any(c not in header for c in itu_datahub.REQUIRED_COLUMNS):
        return Invalid("columns")
    values: dict[tuple[str, str, int], tuple[float, bool]] = {}
    for cells in records[1:]:
        if blank(cells):
            continue
        if len(cells) != len(header):
            return Invalid("row width")
        rec = dict(zip(header, cells, strict=True))
        code, iso = rec["seriesCode"].strip(), rec["entityIso"].strip().upper()
        value = number(rec["dataValue"].strip())
        if (
            not code
            or not iso
            or value is None
            or not re.match(r"^\d{4}$", rec["dataYear"].strip())
        ):
            return Invalid("cell")
        key = (itu_datahub.ITU_TO_WB_CODES.get(iso, iso), code, int(rec["dataYear"]))
        if key in values:
            return Invalid("duplicate")
        said = rec["dataSource"] + " " + rec["dataNote"]
        values[key] = (value, bool(re.search(r"itu\s+estimate", said, re.IGNORECASE)))
    if not values:
        return Invalid("no rows")
    return {k: v for k, v in values.items() if k[2] >= FIRST_YEAR}
