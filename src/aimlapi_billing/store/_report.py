"""``report``: spend and charged requests from the stored request logs, by key, model and UTC day,
over any window (no 92-day limit: the store is local).

A row's spend is the sum of its log rows' costs (failed requests cost 0); ``requests`` counts the
succeeded (charged) ones, as ``GET /v2/usage`` does. Sums are exact: SQL adds the integer nano-USD,
the few amounts kept as decimal text are added exactly in Python.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from ._db import Store
from ._retention import require_complete
from ._rollup import spend_source
from ._shared_keys import shared_prefixes
from ._values import decode_usd, exact_sum, micros

#: The groupings ``--by`` takes, and their columns.
GROUPINGS = {"key": "k.prefix", "model": "m.name", "day": "(l.created_us / 86400000000)"}
_EPOCH_DAY = datetime.date(1970, 1, 1)


@dataclass(frozen=True)
class SpendRow:
    """One group: the grouped fields (the others None), spend in USD and charged requests; ``team``
    only in a report regrouped by team (``store.by_team``)."""

    key_prefix: str | None
    model: str | None
    day: datetime.date | None
    spend: Decimal
    requests: int
    team: str | None = None
    #: Grouped by key: how many keys were listed with this prefix (None: one). Its figures are their sum.
    shared_by: int | None = None


@dataclass(frozen=True)
class SpendReport:
    start: datetime.datetime
    end: datetime.datetime
    by: tuple[str, ...]
    total: Decimal
    rows: tuple[SpendRow, ...]


def _order(names: tuple[object, ...]) -> tuple[tuple[int, int, str], ...]:
    """Days as numbers, names as text (PostgreSQL and SQLite give the day as an int)."""
    return tuple((0, int(str(name)), "") if isinstance(name, int) else (1, 0, str(name)) for name in names)


def spend(store: Store, start: datetime.datetime, end: datetime.datetime, by: tuple[str, ...]) -> SpendReport:
    """The store's spend over ``[start, end)`` grouped by ``by`` (one or more of :data:`GROUPINGS`),
    rows ordered by the grouped fields (day, key, model)."""
    from sqlalchemy import text

    require_complete(store, start, ("logs",))
    ordered = tuple(name for name in ("day", "key", "model") if name in by)
    columns = [f"{GROUPINGS[name]} AS g_{name}" for name in ordered]
    group = f"GROUP BY {', '.join(GROUPINGS[name] for name in ordered)}" if ordered else ""
    where = (
        "FROM logs l JOIN keys k ON k.id = l.key_id JOIN models m ON m.id = l.model_id "
        "WHERE l.created_us >= :low AND l.created_us < :high"
    )
    bounds = {"low": micros(start), "high": micros(end)}
    sums: dict[tuple[object, ...], list[Decimal]] = {}
    counts: dict[tuple[object, ...], int] = {}
    # Whole days from the daily rollup, the ends from the rows (_rollup); amounts kept as text below.
    source, params = spend_source(bounds["low"], bounds["high"])
    rolled = f"FROM ({source}) l JOIN keys k ON k.id = l.key_id JOIN models m ON m.id = l.model_id"
    with store.connect() as connection:
        select = ", ".join([*columns, "SUM(l.usd_nano)", "SUM(l.charged)"])
        for row in connection.execute(text(f"SELECT {select} {rolled} {group}"), params):
            names = tuple(row[: len(ordered)])
            sums.setdefault(names, []).append(decode_usd(row[len(ordered)], None))
            counts[names] = counts.get(names, 0) + int(row[len(ordered) + 1] or 0)
        plain = ", ".join([*columns, "l.usd_text"])
        for row in connection.execute(text(f"SELECT {plain} {where} AND l.usd_text IS NOT NULL"), bounds):
            sums.setdefault(tuple(row[: len(ordered)]), []).append(decode_usd(None, row[len(ordered)]))
        shared = shared_prefixes(connection) if "key" in ordered else {}
    rows = []
    for names in sorted(
        sums, key=lambda names: tuple((0, name, "") if isinstance(name, int) else (1, 0, str(name)) for name in names)
    ):
        fields = dict(zip(ordered, names, strict=True))
        day = fields.get("day")
        rows.append(
            SpendRow(
                key_prefix=None if "key" not in fields else str(fields["key"]),
                model=None if "model" not in fields else str(fields["model"]),
                day=None if day is None else _EPOCH_DAY + datetime.timedelta(days=int(str(day))),
                spend=exact_sum(sums[names]),
                requests=counts.get(names, 0),
                shared_by=None if "key" not in fields else shared.get(str(fields["key"])),
            )
        )
    return SpendReport(start, end, ordered, exact_sum(row.spend for row in rows), tuple(rows))


def holds_records(store: Store, start: datetime.datetime, end: datetime.datetime) -> bool:
    """Whether the store holds a ledger entry or a request row (or its day's rollup) in ``[start, end)``:
    a report of a window it holds nothing for would be a spend of 0.00 on no data. A window pruned away
    is StorePrunedError first (it held something once: exit 13, not "nothing")."""
    from sqlalchemy import text

    require_complete(store, start, ("logs",))
    bounds = {"low": micros(start), "high": micros(end)}
    source, params = spend_source(bounds["low"], bounds["high"])
    with store.connect() as connection:
        for table in ("ledger", "logs"):  # logs: a row whose amount is text is in no rollup
            held = f"SELECT 1 FROM {table} WHERE created_us >= :low AND created_us < :high LIMIT 1"  # noqa: S608
            if connection.execute(text(held), bounds).first() is not None:
                return True
        rows = f"SELECT 1 FROM ({source}) l LIMIT 1"  # noqa: S608  # our SQL (_rollup), values bound
        return connection.execute(text(rows), params).first() is not None
