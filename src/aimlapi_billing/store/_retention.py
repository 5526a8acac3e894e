"""Retention (``sync --keep 400d``): what is older than the cut-off goes, in one transaction, and the
counts say what went. What still describes the present stays whatever its age: a key's current
version, the newest balance, the runs (a few bytes each; the last says how fresh the store is).

A row is older than the cut-off by its own moment: a request or ledger entry by ``created_us``, a
day of usage when the whole day ended before it, a closed key version or a balance observation
when it stopped holding before it.

The cut-off is recorded in the same transaction (``sync_state`` rows of record ``pruned``, one per
table, ``high_water_us`` the moment from which that table's history is whole), and every reader asks
:func:`require_complete` before it answers: a window that starts earlier is refused, never summed as
if whole."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from ._db import Store
from ._errors import StorePrunedError
from ._values import micros, moment_of

#: Each table and the condition that makes one of its rows older than the cut-off.
_RULES = (
    ("logs", "created_us < :cut"),
    ("ledger", "created_us < :cut"),
    ("usage_daily", "day < :day"),  # a day (YYYY-MM-DD) before the cut-off's ended by the cut-off
    ("key_versions", "valid_to_us IS NOT NULL AND valid_to_us < :cut"),
    ("balances", "observed_to_us < :cut AND observed_from_us < (SELECT MAX(observed_from_us) FROM balances)"),
)
#: sync_state's record of the cut-offs (the sync's own records are ledger, logs and usage: no clash).
_PRUNED = "pruned"
#: What each table holds, as a reader's refusal names it.
_WHAT = {
    "logs": "request rows",
    "ledger": "ledger entries",
    "usage_daily": "daily usage",
    "key_versions": "key versions",
    "balances": "balances",
}
#: Every table: the records a reader that reads them all (the HTML page) names.
ALL = tuple(_WHAT)


@dataclass(frozen=True)
class Pruned:
    cutoff: datetime.datetime
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def prune(store: Store, cutoff: datetime.datetime) -> Pruned:
    """Delete every row older than ``cutoff`` (UTC), all tables in one transaction: all or nothing.
    The cut-off is rounded down to the second (a little more is kept), so the second printed is one a
    reader's window may start at."""
    from sqlalchemy import text

    cutoff = cutoff.replace(microsecond=0)
    cut = micros(cutoff)
    day = cutoff.astimezone(datetime.UTC).date()
    # Whole from: the cut-off, but usage by whole UTC days (the cut-off's own day is kept).
    whole_from = dict.fromkeys(_WHAT, cut) | {
        "usage_daily": micros(datetime.datetime.combine(day, datetime.time(), datetime.UTC))
    }
    counts: dict[str, int] = {}
    with store.transaction() as connection:
        for table, condition in _RULES:
            # The table and condition are this module's constants; the moments are bound parameters.
            sql = f"DELETE FROM {table} WHERE {condition}"  # noqa: S608
            result = connection.execute(text(sql), {"cut": cut, "day": day.isoformat()})
            counts[table] = max(int(result.rowcount or 0), 0)
            # A later prune never moves the cut-off back (a longer --keep cannot bring rows back).
            connection.execute(
                text(
                    "INSERT INTO sync_state (record, scope, high_water_us) VALUES (:record, :table, :whole) "
                    "ON CONFLICT (record, scope) DO UPDATE SET high_water_us = "
                    "CASE WHEN sync_state.high_water_us > excluded.high_water_us "
                    "THEN sync_state.high_water_us ELSE excluded.high_water_us END"
                ),
                {"record": _PRUNED, "table": table, "whole": whole_from[table]},
            )
    return Pruned(cutoff, counts)


def _exact(moment: datetime.datetime) -> str:
    """A moment to the second, or to the microsecond when it has one (a cut-off an older version wrote):
    the cut-off named is one a window may start at."""
    utc = moment.astimezone(datetime.UTC)
    return f"{utc:%Y-%m-%dT%H:%M:%S.%fZ}" if utc.microsecond else f"{utc:%Y-%m-%dT%H:%M:%SZ}"


def complete_from(store: Store) -> dict[str, datetime.datetime]:
    """Each pruned table and the moment from which the store holds its whole history (none: never pruned)."""
    from sqlalchemy import text

    with store.connect() as connection:
        rows = connection.execute(
            text("SELECT scope, high_water_us FROM sync_state WHERE record = :record"), {"record": _PRUNED}
        )
        return {str(table): moment_of(int(moment)) for table, moment in rows if moment is not None}


def require_complete(store: Store, start: datetime.datetime, records: tuple[str, ...] = ALL) -> None:
    """The one check of every reader of the store: a window starting at ``start`` that reads ``records``
    (tables: ``logs``, ``ledger``, ``usage_daily``, ``key_versions``, ``balances``) must start at or
    after their pruned cut-off; else :class:`StorePrunedError`, one line naming the cut-off."""
    cutoffs = complete_from(store)
    late = [(cutoffs[table], table) for table in records if table in cutoffs and start < cutoffs[table]]
    if late:
        cutoff, table = max(late)
        raise StorePrunedError(
            f"{store.url} was pruned (sync --keep): its {_WHAT[table]} are whole only from "
            f"{_exact(cutoff)}, and this window starts {_exact(start)}: "
            "its figures would be partial, so none is given (start at the cut-off or later)"
        )
