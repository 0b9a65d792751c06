"""Tables as CSV bytes that a spreadsheet cannot mistake for formulas, one rule for every CSV.

A text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return would be run as a
formula by a spreadsheet (OWASP, CSV injection); such cells get a leading apostrophe, which
spreadsheets show as text. Numbers are left as numbers: exactly as stored by default, or with
`significant` digits for figures computed by the dashboard (so that binary noise such as
54.400000000000006 never reaches a file).

>>> table = pd.DataFrame({"name": ["=1+1", "Kenya"], "value": [54.400000000000006, -2.5]})
>>> csv_bytes(table, significant=12)
b"name,value\\r\\n'=1+1,54.4\\r\\nKenya,-2.5\\r\\n"
"""

from __future__ import annotations

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """A text cell made safe for spreadsheets; any other value unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_bytes(frame: pd.DataFrame, *, significant: int | None = None) -> bytes:
    """The table as UTF-8 CSV with formula-like text neutralised (floats exact unless
    `significant` digits are asked for)."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise)
    safe.columns = [str(neutralise(str(c))) for c in safe.columns]
    float_format = f"%.{significant}g" if significant is not None else None
    # CRLF line ends (RFC 4180): a cell holding a line break of either kind is then quoted
    return safe.to_csv(index=False, float_format=float_format, lineterminator="\r\n").encode(
        "utf-8"
    )
