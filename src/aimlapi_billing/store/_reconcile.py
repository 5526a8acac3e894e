"""``reconcile --db``: ``lib/reconcile``'s comparison of one window computed from the stored records
(:mod:`._agreement`'s SQL, shared with ``report --html``), as the same :class:`Reconciliation`.

Where the store differs from the API by nature: the usage is kept by whole UTC day, so it is
compared with the request rows of the window's whole days (a window without one compares none);
"now" is the moment the store's last finished sync began (``as_of``): a costing row younger than
``settle`` then is pending, and a window reaching past ``as_of`` is not :attr:`~Reconciliation.complete`
(and never agrees). The keys are every key the store holds rows of: a deleted key's rows still count.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from ..types.reconcile import Reconciliation, RowMismatch
from ._agreement import Row, exact_total, matched, orphans, usage_days, window_params
from ._db import Store
from ._retention import require_complete
from ._values import EPOCH, exact_sum

_LATE = (  # charges landing after the window's end (within the settle) for one of its rows
    "ledger WHERE type = 'MODEL_USAGE' AND created_us >= :high AND created_us < :settled AND reference_id IN "
    "(SELECT uid FROM logs WHERE created_us >= :low AND created_us < :high)"
)


def _iso(created_us: int) -> str:
    moment = EPOCH + datetime.timedelta(microseconds=created_us)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _mismatch(row: Row) -> RowMismatch:
    reference, ledger, logs, created, model = row
    return RowMismatch(reference, ledger, logs, _iso(created), model)


def reconcile(
    store: Store,
    start: datetime.datetime,
    end: datetime.datetime,
    *,
    as_of: datetime.datetime,
    tolerance: Decimal,
    settle: datetime.timedelta,
) -> Reconciliation:
    from sqlalchemy import text

    require_complete(store, start, ("ledger", "logs", "usage_daily"))
    params = window_params(start, end, settle)
    window = "logs WHERE created_us >= :low AND created_us < :high"
    on_time = "ledger WHERE type = 'MODEL_USAGE' AND direction = 'CHARGE' AND created_us >= :low AND created_us < :high"
    with store.connect() as connection:

        def count(sql: str) -> int:
            return int(connection.execute(text(sql), params).scalar() or 0)

        found = matched(connection, params, tolerance, listed=True)
        _, _, alone_charges = orphans(connection, params, listed=True)
        days = usage_days(connection, start, end)
        logs_usd = exact_total(connection, window, params)
        rows = count(f"SELECT COUNT(*) FROM {window}")  # noqa: S608
        charged_rows = count(f"SELECT COUNT(*) FROM {window} AND (usd_text IS NOT NULL OR usd_nano <> 0)")  # noqa: S608
        late_charges = f"{_LATE} AND direction = 'CHARGE'"
        ledger_usd = exact_sum(
            (exact_total(connection, on_time, params), exact_total(connection, late_charges, params))
        )
        # One charge per request id (charges of one id add up); a late one only for an id not charged in time.
        charges = count(f"SELECT COUNT(DISTINCT COALESCE(reference_id, '')) FROM {on_time}")  # noqa: S608
        charges += count(
            f"SELECT COUNT(DISTINCT reference_id) FROM {late_charges} AND reference_id NOT IN "  # noqa: S608
            f"(SELECT reference_id FROM {on_time} AND reference_id IS NOT NULL)"
        )
        other = count(
            "SELECT COUNT(*) FROM ledger WHERE type = 'MODEL_USAGE' AND direction <> 'CHARGE' "
            "AND created_us >= :low AND created_us < :high"
        ) + count(f"SELECT COUNT(*) FROM {_LATE} AND direction <> 'CHARGE'")  # noqa: S608
        prefixes = tuple(prefix for (prefix,) in connection.execute(text("SELECT prefix FROM keys ORDER BY prefix")))
    recent = as_of - settle
    pending = [_mismatch(row) for row in found.alone_rows if EPOCH + datetime.timedelta(microseconds=row[3]) > recent]
    only_in_logs = [
        _mismatch(row) for row in found.alone_rows if EPOCH + datetime.timedelta(microseconds=row[3]) <= recent
    ]
    return Reconciliation(
        start=start.isoformat().replace("+00:00", "Z"),
        end=end.isoformat().replace("+00:00", "Z"),
        currency="USD",
        tolerance=tolerance,
        settle=settle,
        key_prefixes=prefixes,
        ledger_usd=ledger_usd,
        ledger_charges=charges,
        logs_usd=logs_usd,
        logs_rows=rows,
        logs_charged_rows=charged_rows,
        usage_usd=days.usage,
        usage_requests=days.requests,
        pending_usd=exact_sum(row.logs_usd or Decimal(0) for row in pending),
        only_in_logs=tuple(only_in_logs),
        only_in_ledger=tuple(_mismatch(row) for row in alone_charges),
        amounts_differ=tuple(_mismatch(row) for row in found.differing_rows),
        pending=tuple(pending),
        ledger_other_entries=other,
        usage_days=None if days.first is None or days.last is None else (days.first, days.last),
        usage_logs_usd=days.logs,
        as_of=as_of,
    )
