"""Reading declarations (YAML files of the project) into typed values, with errors that say where.

The catalogue, the source declarations and the claims are commented YAML files loaded into
frozen dataclasses. These helpers read one field at a time and turn a missing or wrongly typed
field into a `DeclarationError` naming the file's entry ("indicator IT.NET.USER.ZS lacks the
field 'unit'"), so that a mistake in a YAML file is found when it is loaded, not when a page
draws.

>>> require({"id": "x"}, "id", "source x")
'x'
>>> one_line("  two\\n  lines ")
'two lines'
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

from indicators.errors import WsisDataError


class DeclarationError(WsisDataError, ValueError):
    """A declaration file is malformed: a missing field, a wrong type, an unknown reference."""


def read_yaml(path: Path, *, what: str) -> dict[str, Any]:
    """The YAML mapping in `path`; a missing, unreadable or non-mapping file is an error."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DeclarationError(f"{what} {path}: cannot read ({exc})") from exc
    if not isinstance(document, dict):
        raise DeclarationError(f"{what} {path}: the document is not a mapping")
    return document


def require(entry: Mapping[str, Any], key: str, where: str) -> Any:
    """`entry[key]`, or a DeclarationError saying which entry lacks which field."""
    if not isinstance(entry, Mapping):
        raise DeclarationError(f"{where} is not a mapping")
    if key not in entry or entry[key] is None:
        raise DeclarationError(f"{where} lacks the field {key!r}")
    return entry[key]


def text(entry: Mapping[str, Any], key: str, where: str, *, default: str | None = None) -> str:
    """A field as one line of text (`default` when absent, or an error without a default)."""
    if default is not None and (key not in entry or entry[key] is None):
        return default
    value = require(entry, key, where)
    if isinstance(value, (dict, list)):
        raise DeclarationError(f"{where}: the field {key!r} must be text")
    return one_line(value)


def texts(value: Any, where: str) -> tuple[str, ...]:
    """A list of texts (an absent list is empty); anything else is an error."""
    if value is None:
        return ()
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
        raise DeclarationError(f"{where} must be a list")
    return tuple(str(v) for v in value)


def one_line(value: object) -> str:
    """Text with its runs of whitespace (folded YAML lines included) made single spaces."""
    return " ".join(str(value).split())


class FrozenMap(Mapping[str, Any]):
    """A read-only mapping that can be pickled (Streamlit's cache pickles what it returns).

    >>> m = FrozenMap({"a": 1})
    >>> m["a"], len(m), dict(m)
    (1, 1, {'a': 1})
    """

    __slots__ = ("_items",)
    _items: dict[str, Any]

    def __init__(self, items: Mapping[str, Any] | None = None) -> None:
        object.__setattr__(self, "_items", dict(items or {}))

    def __getitem__(self, key: str) -> Any:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"FrozenMap({self._items!r})"

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("FrozenMap is read-only")

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenMap, (self._items,))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mapping) and dict(self.items()) == dict(other.items())

    def __hash__(self) -> int:
        return hash(tuple(sorted((k, repr(v)) for k, v in self._items.items())))


def frozen(value: Any) -> Any:
    """A deep read-only copy of parsed YAML: mappings become read-only, lists tuples."""
    if isinstance(value, Mapping):
        return FrozenMap({str(k): frozen(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(frozen(v) for v in value)
    return value


def thawed(value: Any) -> Any:
    """The plain (JSON-ready) form of a `frozen` value: dicts and lists again."""
    if isinstance(value, Mapping):
        return {k: thawed(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [thawed(v) for v in value]
    return value
