"""Reading spend through the daily rollup (``spend_daily``, migration 0002): whole UTC days of a
window come from the rollup, the partial days at its ends from the request rows themselves.

Both parts count every row's charged request, but only amounts kept as integer nano-USD (a row whose
amount is text adds 0): a reader adds those from ``logs`` (``usd_text IS NOT NULL``, through the
partial index ``logs_text``)."""

from __future__ import annotations

DAY_US = 86_400_000_000
_LOGS = (
    "SELECT key_id, model_id, created_us, usd_nano, CASE WHEN status = 'succeeded' THEN 1 ELSE 0 END AS charged "
    "FROM logs WHERE created_us >= :{low} AND created_us < :{high}"
)
_DAYS = (
    "SELECT key_id, model_id, day * 86400000000 AS created_us, usd_nano, requests AS charged "
    "FROM spend_daily WHERE day >= :first_day AND day < :last_day"
)


def spend_source(low: int, high: int) -> tuple[str, dict[str, int]]:
    """A derived table ``(key_id, model_id, created_us, usd_nano, charged)`` of the spend in ``[low, high)``
    (microseconds), a rollup row standing for its day (``created_us`` the day's start), and its parameters.
    Rows whose amount is text are not in it (see the module)."""
    first_day, last_day = -(-low // DAY_US), high // DAY_US
    if low < 0 or first_day >= last_day:  # no whole day inside (or before 1970: the logs alone)
        return _LOGS.format(low="low", high="high"), {"low": low, "high": high}
    parts = [_DAYS]
    params = {"first_day": first_day, "last_day": last_day}
    if low < first_day * DAY_US:
        parts.append(_LOGS.format(low="low", high="head_end"))
        params.update(low=low, head_end=first_day * DAY_US)
    if last_day * DAY_US < high:
        parts.append(_LOGS.format(low="tail_start", high="high"))
        params.update(tail_start=last_day * DAY_US, high=high)
    return " UNION ALL ".join(parts), params
