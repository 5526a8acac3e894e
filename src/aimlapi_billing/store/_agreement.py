"""``lib/reconcile``'s comparison in SQL over the stored records, for ``report --html``'s agreement and
``reconcile --db``: the ledger's MODEL_USAGE charges by ``reference_id`` (one landing up to the settle
after the window's end counts) against the window's costed request rows by ``inference_id``, each pair
within the tolerance; charges of the window billing none of its costed rows; and the usage (whole UTC
days) against the request rows of those days. Integer nano-USD are compared in SQL; the few amounts
kept as decimal text, here, exactly."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from typing import TYPE_CHECKING, Any

from ._values import NANO_PER_USD, decode_usd, exact_sum, micros

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

_DAY = datetime.timedelta(days=1)
#: One mismatched request or charge: its id, the ledger's amount, the logs' amount, when (µs), the model.
Row = tuple[str | None, Decimal | None, Decimal | None, int, str | None]

#: The window's MODEL_USAGE charges (a charge landing up to the settle after its end counts), by request id.
CHARGES = (
    "SELECT reference_id AS ref, SUM(usd_nano) AS nano, SUM(CASE WHEN usd_text IS NULL THEN 0 ELSE 1 END) AS texts "
    "FROM ledger WHERE type = 'MODEL_USAGE' AND direction = 'CHARGE' AND created_us >= :low AND created_us < :settled "
    "GROUP BY reference_id"
)
#: The window's costed request rows.
COSTED = (
    "SELECT uid, usd_nano AS nano, usd_text AS text_usd, created_us, model_id FROM logs "
    "WHERE created_us >= :low AND created_us < :high AND (usd_text IS NOT NULL OR usd_nano <> 0)"
)
_PAIRS = f"FROM ({COSTED}) r LEFT JOIN ({CHARGES}) c ON c.ref = r.uid"
_JOINED = f"{_PAIRS} LEFT JOIN models m ON m.id = r.model_id"
_PLAIN = "r.text_usd IS NULL AND (c.texts IS NULL OR c.texts = 0)"
#: The window's charges billing none of its costed rows (a row of another window, or none).
_ORPHANS_FROM = f"ledger l LEFT JOIN ({COSTED}) r ON r.uid = l.reference_id"
_ORPHANS_WHERE = (
    "WHERE l.type = 'MODEL_USAGE' AND l.direction = 'CHARGE' AND l.created_us >= :low AND l.created_us < :high "
    "AND r.uid IS NULL"
)
_ORPHANS = f"{_ORPHANS_FROM} {_ORPHANS_WHERE}"


def exact_total(connection: Connection, source: str, params: dict[str, Any], money: str = "usd") -> Decimal:
    """The exact sum of ``money`` over ``FROM source``'s rows: SQL adds the integer nano-USD, the few
    amounts kept as decimal text are added here."""
    from sqlalchemy import text

    # Only this module's and its callers' constant fragments are put together; every value is bound.
    nano = connection.execute(text(f"SELECT SUM({money}_nano) FROM {source}"), params).scalar()  # noqa: S608
    texts = f"SELECT {money}_text FROM {source} AND {money}_text IS NOT NULL"  # noqa: S608
    plain = connection.execute(text(texts), params)
    return exact_sum([decode_usd(nano, None), *(decode_usd(None, amount) for (amount,) in plain)])


def window_params(start: datetime.datetime, end: datetime.datetime, settle: datetime.timedelta) -> dict[str, int]:
    return {"low": micros(start), "high": micros(end), "settled": micros(end + settle)}


@dataclass
class Matched:
    """Charges against the costed rows: the charges' sum, how many rows have none, how many were charged
    another amount; with ``listed``, those rows themselves (oldest first)."""

    billed: Decimal = Decimal(0)
    alone: int = 0
    differing: int = 0
    alone_rows: list[Row] = field(default_factory=list)
    differing_rows: list[Row] = field(default_factory=list)


def matched(connection: Connection, params: dict[str, Any], tolerance: Decimal, *, listed: bool = False) -> Matched:
    from sqlalchemy import text

    # Amounts are whole nano-USD: a difference reaches the tolerance when it reaches its next whole nano.
    nano_tolerance = int((tolerance * NANO_PER_USD).to_integral_value(ROUND_CEILING))
    bound = params | {"tolerance": nano_tolerance}
    differs = "c.ref IS NOT NULL AND ABS(r.nano - c.nano) >= :tolerance"
    # One pass over the join for the plain pairs, counting the others: a second pass (a second join of
    # every row with the charges) only when some amount is kept as text, which is rare.
    row = connection.execute(
        text(
            f"SELECT SUM(CASE WHEN {_PLAIN} THEN c.nano END), "
            f"SUM(CASE WHEN {_PLAIN} AND c.ref IS NULL THEN 1 ELSE 0 END), "
            f"SUM(CASE WHEN {_PLAIN} AND {differs} THEN 1 ELSE 0 END), "
            f"SUM(CASE WHEN {_PLAIN} THEN 0 ELSE 1 END) {_PAIRS}"
        ),
        bound,
    ).one()
    found = Matched(decode_usd(row[0], None), int(row[1] or 0), int(row[2] or 0))
    if listed:
        listing = f"SELECT r.uid, c.nano, r.nano, r.created_us, m.name {_JOINED} WHERE {_PLAIN} AND "
        for condition, into in (("c.ref IS NULL", found.alone_rows), (differs, found.differing_rows)):
            for uid, charged, cost, created, model in connection.execute(
                text(f"{listing}{condition} ORDER BY r.created_us, r.uid"), bound
            ):
                ledger = None if charged is None else decode_usd(charged, None)
                into.append((uid, ledger, decode_usd(cost, None), created, model))
    special: Sequence[Any] = ()
    if row[3]:
        special = connection.execute(
            text(f"SELECT r.uid, r.nano, r.text_usd, c.ref, r.created_us, m.name {_JOINED} WHERE NOT ({_PLAIN})"),
            params,
        ).all()
    for uid, nano, amount, reference, created, model in special:
        cost = decode_usd(nano, amount)
        if reference is None:
            found.alone += 1
            if listed:
                found.alone_rows.append((uid, None, cost, created, model))
            continue
        charge = exact_total(
            connection,
            "ledger WHERE type = 'MODEL_USAGE' AND direction = 'CHARGE' AND created_us >= :low "
            "AND created_us < :settled AND reference_id = :ref",
            params | {"ref": uid},
        )
        found.billed = exact_sum((found.billed, charge))
        if abs(charge - cost) >= tolerance:
            found.differing += 1
            if listed:
                found.differing_rows.append((uid, charge, cost, created, model))
    return found


def orphans(connection: Connection, params: dict[str, Any], *, listed: bool = False) -> tuple[int, Decimal, list[Row]]:
    """The window's charges billing none of its costed rows: how many, their sum, and with ``listed``
    one row per ``reference_id`` (its charges added up; the first one's time and model)."""
    from sqlalchemy import text

    # One pass for the count and the sum (each pass joins every charge of the window with the rows); the
    # exact sum again only when some amount is kept as text.
    summed = f"SELECT COUNT(*), SUM(l.usd_nano), SUM(CASE WHEN l.usd_text IS NULL THEN 0 ELSE 1 END) FROM {_ORPHANS}"  # noqa: S608
    counted, nano, texts = connection.execute(text(summed), params).one()
    count = int(counted or 0)
    rows: dict[str | None, Row] = {}
    if listed:
        select = (
            "SELECT l.reference_id, l.usd_nano, l.usd_text, l.created_us, m.name FROM "  # noqa: S608
            f"{_ORPHANS_FROM} LEFT JOIN models m ON m.id = l.model_id {_ORPHANS_WHERE} "
            "ORDER BY l.created_us, l.uid"
        )
        for reference, nano, amount, created, model in connection.execute(text(select), params):
            before = rows.get(reference)
            charged = decode_usd(nano, amount)
            if before is None:
                rows[reference] = (reference, charged, None, created, model)
            else:
                rows[reference] = (reference, exact_sum((before[1] or Decimal(0), charged)), None, before[3], before[4])
    total = exact_total(connection, _ORPHANS, params) if texts else decode_usd(nano, None)
    return count, total, list(rows.values())


@dataclass(frozen=True)
class UsageDays:
    """The usage of the window's whole UTC days (None: it has none) and the request rows of those days."""

    first: datetime.date | None
    last: datetime.date | None
    usage: Decimal
    requests: int
    logs: Decimal


def usage_days(connection: Connection, start: datetime.datetime, end: datetime.datetime) -> UsageDays:
    from sqlalchemy import text

    first = start.date() if start.time() == datetime.time(0) else start.date() + _DAY
    last = (end - _DAY).date()
    if first > last:
        return UsageDays(None, None, Decimal(0), 0, Decimal(0))
    days = {"first": first.isoformat(), "last": last.isoformat()}
    where = "usage_daily WHERE day >= :first AND day <= :last"
    usage = exact_total(connection, where, days, "spend")
    requests = int(connection.execute(text(f"SELECT SUM(requests_charged) FROM {where}"), days).scalar() or 0)  # noqa: S608
    bounds = {
        "low": micros(datetime.datetime.combine(first, datetime.time(0), datetime.UTC)),
        "high": micros(datetime.datetime.combine(last + _DAY, datetime.time(0), datetime.UTC)),
    }
    logs = exact_total(connection, "logs WHERE created_us >= :low AND created_us < :high", bounds)
    return UsageDays(first, last, usage, requests, logs)
