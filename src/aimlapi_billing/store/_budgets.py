"""``check-keys --db``: every key's spend in its limit period, from the store instead of the API.

The figures are the store's **as of its last finished sync** (``as_of``): each period is placed by
the same UTC calendar rule as :meth:`KeysResource.budgets` at that moment, and its spend is the sum of
the key's stored request rows from the period's start to ``as_of``. The store keeps no
``monthly_usage`` (the key record's own figure), so the month cross-check is not made
(``monthly_usage`` is the month's stored spend). A handful of grouped queries serve any number of
keys: one per distinct period start, whatever the count of keys.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from ..lib.budgets import MAX_NO_RESET_DAYS, period_of, utilisation
from ..types.budgets import BudgetReport, KeyBudget
from ._db import Store
from ._retention import require_complete
from ._rollup import spend_source
from ._shared_keys import shared_prefixes
from ._values import decode_usd, exact_sum, micros, moment_of

_KEYS = (
    "SELECT k.id, k.prefix, v.name, v.disabled, v.limit_threshold, v.limit_retention, v.created_us "
    "FROM keys k JOIN key_versions v ON v.key_id = k.id AND v.valid_to_us IS NULL ORDER BY k.prefix"
)


def _spend_since(connection: Any, start: int, end: int) -> dict[int, Decimal]:
    """Each key's stored spend over ``[start, end)`` (microseconds): whole days from the rollup."""
    from sqlalchemy import text

    amounts: dict[int, list[Decimal]] = {}
    source, params = spend_source(start, end)
    grouped = f"SELECT l.key_id, SUM(l.usd_nano) FROM ({source}) l GROUP BY l.key_id"  # noqa: S608 (our SQL)
    for key_id, nano in connection.execute(text(grouped), params):
        amounts.setdefault(int(key_id), []).append(decode_usd(nano, None))
    texts = "SELECT key_id, usd_text FROM logs WHERE usd_text IS NOT NULL AND created_us >= :low AND created_us < :high"
    for key_id, amount in connection.execute(text(texts), {"low": start, "high": end}):
        amounts.setdefault(int(key_id), []).append(decode_usd(None, amount))
    return {key_id: exact_sum(values) for key_id, values in amounts.items()}


def budgets(store: Store, as_of: datetime.datetime) -> BudgetReport:
    """Every key's budget from the store, measured as of ``as_of`` (the store's last sync)."""
    from sqlalchemy import text

    end = micros(as_of)
    sums: dict[int, dict[int, Decimal]] = {}  # period start -> key id -> spend
    needed = end  # the earliest moment a figure reads from
    earliest = as_of - datetime.timedelta(days=MAX_NO_RESET_DAYS)

    with store.connect() as connection:

        def spent(key_id: int, start: datetime.datetime, created: datetime.datetime) -> Decimal:
            nonlocal needed
            low = micros(start)
            if low >= end:
                return Decimal(0)
            # A key has no rows before its creation: its figure needs the store whole from then only.
            needed = min(needed, max(low, micros(created)))
            if low not in sums:
                sums[low] = _spend_since(connection, low, end)
            return sums[low].get(key_id, Decimal(0))

        def spent_since_created(key_id: int, created: datetime.datetime) -> Decimal:
            # Since the earliest no_reset start, for every key at once: a key has no rows before its
            # creation (the API dates a request after the key that made it), so this is its own spend.
            return spent(key_id, earliest, created)

        rows = list(connection.execute(text(_KEYS)))
        shared = shared_prefixes(connection)
        result = []
        for key_id, prefix, name, disabled, threshold_text, retention, created_us in rows:
            many = shared.get(str(prefix))
            if many:  # several keys' spend: no one key's name, nor its limit to hold it against
                name = threshold_text = retention = None
            created = moment_of(int(created_us))
            month_start, _ = period_of("month", created, as_of)
            assert month_start is not None
            month = spent(key_id, month_start, created)
            threshold = None if threshold_text is None else Decimal(threshold_text)
            start = reset = spend = ratio = None
            capped = False
            if threshold is not None and retention is not None:
                start, reset = period_of(retention, created, as_of)
                if retention == "no_reset" and start is not None:
                    start, capped = (earliest, True) if start < earliest else (start, False)
                    spend = spent_since_created(key_id, created)
                elif start is not None:
                    spend = month if start == month_start else spent(key_id, start, created)
                if spend is not None:
                    ratio = utilisation(spend, threshold)
            result.append(
                KeyBudget(
                    prefix=str(prefix),
                    name=name,
                    disabled=bool(disabled),
                    retention=retention,
                    threshold=threshold,
                    period_start=start,
                    next_reset=reset,
                    spend=spend,
                    period_usage=spend,
                    utilisation=ratio,
                    monthly_usage=month,
                    month_usage=month,
                    created_at=created,
                    period_capped=capped,
                    shared_by=many,
                )
            )
    require_complete(store, moment_of(needed), ("logs",))  # no figure from a pruned period
    return BudgetReport(tuple(result), only_own_key=False, as_of=as_of)
