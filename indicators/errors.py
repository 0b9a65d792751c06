"""Errors with messages a user can act on: every one names the file, row or code at fault."""

from __future__ import annotations

import unicodedata
from pathlib import Path

MESSAGE_LIMIT = 400  # longest error message shown to a person (a path or a field is clipped)


def bounded(text: object, limit: int = 80) -> str:
    """`text` fit for a message: one line (control characters become spaces), at most `limit`
    characters; a longer text keeps its start and end around '...'.

    >>> bounded("a\\nb")
    'a b'
    >>> bounded("x" * 100, 11)
    'xxxx...xxxx'
    """
    flat = "".join(" " if unicodedata.category(c) in ("Cc", "Cf") else c for c in str(text))
    flat = " ".join(flat.split())
    if len(flat) <= limit:
        return flat
    keep = max(limit - 3, 2)
    return flat[: keep - keep // 2] + "..." + flat[len(flat) - keep // 2 :]


class WsisDataError(Exception):
    """Base class for every error the data layer raises on purpose."""


class SourceFormatError(WsisDataError):
    """A source file does not have the layout its loader reads.

    The message always names the file and, where known, the row (1-based, as a spreadsheet
    or text editor shows it) and the column at fault.
    """

    def __init__(
        self,
        path: str | Path,
        problem: str,
        *,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.path = str(path)
        self.problem = problem
        self.row = row
        self.column = column
        where = [f"file {self.path}"]
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column!r}")
        super().__init__(f"{', '.join(where)}: {problem}")


class SnapshotError(WsisDataError):
    """A snapshot is missing, truncated, corrupt or does not match its descriptor.

    The message is bounded (MESSAGE_LIMIT characters) and never quotes a file's content.
    """

    def __init__(self, message: object) -> None:
        super().__init__(bounded(message, MESSAGE_LIMIT))


class StoreBusyError(SnapshotError):
    """The store's lock is held by another writer and the caller asked not to wait."""


class SnapshotIdError(SnapshotError):
    """A snapshot id given by a person (`use`, `verify --id`) is not an id of this store."""


class RefreshError(WsisDataError):
    """A live refresh failed; the existing snapshot was left untouched.

    The message is bounded (MESSAGE_LIMIT characters, its start and end kept).
    """

    def __init__(self, message: object) -> None:
        super().__init__(bounded(message, MESSAGE_LIMIT))


class RefreshBusy(RefreshError):
    """A refresh was asked for while another one (or another write) holds the store."""


class UnknownCodeError(WsisDataError, KeyError):
    """An economy, group, indicator, slide or other code is not known."""

    def __init__(self, kind: str, code: object, *, known: list[str] | None = None) -> None:
        self.kind = kind
        self.code = code
        hint = ""
        if known:
            sample = ", ".join(sorted(known)[:8])
            hint = f" (known {kind} codes include: {sample}{', ...' if len(known) > 8 else ''})"
        msg = f"unknown {kind} code {code!r}{hint}"
        super().__init__(msg)

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return str(self.args[0])


class AnalysisError(WsisDataError, ValueError):
    """An analytics request cannot be answered honestly (empty group, no population base, ...)."""
