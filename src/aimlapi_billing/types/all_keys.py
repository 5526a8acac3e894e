"""The all-keys views' results: every key's usage or request rows over one window, and the keys not
measured (``billing.usage.all_keys()``, ``billing.logs.all_keys()``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aimlapi_billing_client.models import LogEntry

    from .usage import UsageReport

__all__ = ["SHOWN_MISSING", "AllKeysLogs", "AllKeysUsage", "KeyLogs", "KeyUsage", "MissingKey", "missing_names"]

#: Missing keys named in a line (a table, stderr, a plugin's status line, a log); past them, counted.
SHOWN_MISSING = 10


@dataclass(frozen=True)
class MissingKey:
    """A key listed but not measured: its prefix and name, the SDK error's type and its one-line message
    (a deadline that ended the fan-out, a key deleted after the list, a server that kept failing)."""

    prefix: str
    name: str | None  # None: the key has no name
    error: str
    reason: str


def missing_names(missing: Sequence[MissingKey], text: Callable[[str], str] = str) -> str:
    """``a1b2 (APITimeoutError: ...), ...`` for the first :data:`SHOWN_MISSING`, then ``and N more``:
    the one way every output names the keys it could not measure (``text`` makes server text fit it)."""
    named = ", ".join(f"{text(key.prefix)} ({key.error}: {text(key.reason)})" for key in missing[:SHOWN_MISSING])
    rest = len(missing) - SHOWN_MISSING
    return named + (f", and {rest:,} more" if rest > 0 else "")


@dataclass(frozen=True)
class KeyUsage:
    """One key's usage over the window (``report.models`` per model with ``models=True``)."""

    prefix: str
    name: str | None  # None: the key has no name
    report: UsageReport

    @property
    def spend(self) -> Decimal:
        return self.report.spend


@dataclass(frozen=True)
class AllKeysUsage:
    """Every key's usage over one window (``start``/``end``, ISO 8601 UTC, the same for every key).

    ``rows`` are the keys measured, highest spend first (ties by prefix); ``missing`` the keys listed
    but not measured, in prefix order: when it is not empty, ``spend`` is the measured keys'
    alone, a part of the account, never its total (:attr:`complete` says so). ``listed`` counts the
    keys of ``GET /v1/keys``, each prefix once (``listed_twice``: prefixes it listed more than once,
    measured once)."""

    start: str
    end: str
    currency: str
    rows: tuple[KeyUsage, ...]
    missing: tuple[MissingKey, ...]
    listed: int
    listed_twice: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def spend(self) -> Decimal:
        """The measured keys' spend, exactly (the account's total only when :attr:`complete`)."""
        total = Decimal(0)
        for row in self.rows:
            total += row.spend
        return total

    def top(self, count: int) -> tuple[KeyUsage, ...]:
        """The ``count`` keys that spent most (all of them when ``count`` is larger)."""
        return self.rows[: max(count, 0)]


@dataclass(frozen=True)
class KeyLogs:
    """One key's request rows over the window, as the API pages them (newest first)."""

    prefix: str
    name: str | None  # None: the key has no name
    rows: tuple[LogEntry, ...]


@dataclass(frozen=True)
class AllKeysLogs:
    """Every key's request rows over one window: ``keys`` in prefix order, each with its rows;
    ``missing`` as in :class:`AllKeysUsage`."""

    start: str
    end: str
    keys: tuple[KeyLogs, ...]
    missing: tuple[MissingKey, ...]
    listed: int
    listed_twice: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        return not self.missing
