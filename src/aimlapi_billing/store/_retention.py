"""Retention (``sync --keep 400d``): what is older than the cut-off goes, in one transaction, and the
counts say what went. What still describes the present stays whatever its age: a key's current
version, the newest balance, the runs (a few bytes each; the last says how fresh the store is).

A row is older than the cut-off by its own moment: a request or ledger entry by ``created_us``, a
day of usage when the whole day ended before it, a closed key version or a balance observation
when it stopped holding before it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from ._db import Store
from ._values import micros

#: Each table and the condition that makes one of its rows older than the cut-off.
_RULES = (
    ("logs", "created_us < :cut"),
    ("ledger", "created_us < :cut"),
    ("usage_daily", "day < :day"),  # a day (YYYY-MM-DD) before the cut-off's ended by the cut-off
    ("key_versions", "valid_to_us IS NOT NULL AND valid_to_us < :cut"),
    ("balances", "observed_to_us < :cut AND observed_from_us < (SELECT MAX(observed_from_us) FROM balances)"),
)


@dataclass(frozen=True)
class Pruned:
    cutoff: datetime.datetime
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def prune(store: Store, cutoff: datetime.datetime) -> Pruned:
    """Delete every row older than ``cutoff`` (UTC), all tables in one transaction: all or nothing."""
    from sqlalchemy import text

    cut = micros(cutoff)
    day = cutoff.astimezone(datetime.UTC).date().isoformat()
    counts: dict[str, int] = {}
    with store.transaction() as connection:
        for table, condition in _RULES:
            # The table and condition are this module's constants; the moments are bound parameters.
            sql = f"DELETE FROM {table} WHERE {condition}"  # noqa: S608
            result = connection.execute(text(sql), {"cut": cut, "day": day})
            counts[table] = max(int(result.rowcount or 0), 0)
    return Pruned(cutoff, counts)
