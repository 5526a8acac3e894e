"""``billing.reconcile()``: the vendor's three records of one window, side by side.

The ledger (``GET /v2/billing/transactions``) is what moved the balance; the request logs
(``GET /v2/logs``) and the usage totals (``GET /v2/usage``) come from the vendor's analytics
pipeline. They describe the same requests: a ``MODEL_USAGE`` charge's ``reference_id`` is the
``inference_id`` of the log row it bills. A reconciliation reads all three for one window and says
where they disagree.

What is compared, and why (the vendor's pages, ``api-key-usage``, ``usage-logs``, ``account-balance``):

* The ledger belongs to the account, while logs and usage are read per key. So the keys are listed
  first (``GET /v1/keys``, a management key), and each key's logs and usage are read and added up.
  A deleted key can no longer be read: its charges show as "only in the ledger".
* Ledger: entries of type ``MODEL_USAGE`` and direction ``CHARGE``, keyed by ``reference_id`` (two
  charges of one id add up, so a double charge shows as an amount that differs). A ``MODEL_USAGE``
  entry in another direction (a reversal the spec does not describe) is counted apart, never guessed.
* Logs: every row, keyed by ``inference_id``; a row is expected in the ledger when its cost is not
  zero. Failed requests cost nothing and are never charged, and a free request has nothing to charge.
* A charge lands after the response: the ledger is read ``settle`` (default 15 minutes) past the
  window's end, and a charge recorded then counts when it bills a request of the window. A costing
  row without a charge made within ``settle`` of the moment of reading is *pending*, not missing.
* Usage: the sum over keys of ``spend`` and ``requests`` (the charged count).

``tolerance`` (default 0.01 USD) is one rule for rows and totals: a difference smaller than it is
agreement, one of a cent or more is not. The records agree when no id is in one and missing from the
other, no row's amounts differ, and the totals agree pairwise (the ledger against the logs' settled
rows, the usage against all of the logs).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from . import _usage
from ._client import _BaseBilling, _ledger_entries, _LedgerWalk, _positive_whole
from ._exceptions import InvalidParameterError, ResponseValidationError
from ._keys import LIST_KEYS, _data
from ._logs import PAGE_SIZE, _fixed_windows, _OffsetWalk, _rows
from ._resource import Call, Plan, Steps, Walk
from ._usage import USAGE, Moment, _iso, combine, exact

if TYPE_CHECKING:
    from aimlapi_billing_client.models import ApiKey, LogEntry, Transaction

    from ._client import DeadlineTypes, TimeoutTypes

__all__ = ["DEFAULT_SETTLE", "DEFAULT_TOLERANCE", "Reconciliation", "RowMismatch", "reconcile_plan"]

#: Differences smaller than this are agreement, for each row and each pair of totals.
DEFAULT_TOLERANCE = Decimal("0.01")
#: How long after a request its charge may land in the ledger (the vendor gives no figure).
DEFAULT_SETTLE = datetime.timedelta(minutes=15)
_MAX_SETTLE = datetime.timedelta(days=1)
_CHARGE = "CHARGE"
_MODEL_USAGE = "MODEL_USAGE"


@dataclass(frozen=True)
class RowMismatch:
    """One request the records disagree on: its id (``None`` for a charge without ``reference_id``),
    what the ledger charged and what the logs say it cost (``None``: not in that record), when, and
    the model."""

    id: str | None
    ledger_usd: Decimal | None
    logs_usd: Decimal | None
    created: str
    model: str | None

    @property
    def difference(self) -> Decimal:
        """Ledger minus logs, a missing side counted as zero."""
        return (self.ledger_usd or Decimal(0)) - (self.logs_usd or Decimal(0))

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "ledger_usd": _plain(self.ledger_usd),
            "logs_usd": _plain(self.logs_usd),
            "difference_usd": _plain(self.difference),
            "created": self.created,
            "model": self.model,
        }


@dataclass(frozen=True)
class Reconciliation:
    """The ledger, the request logs and the usage totals of ``[start, end)`` side by side.

    Money is exact ``Decimal`` USD. ``only_in_logs``: rows that cost something and have no charge
    (and are older than ``settle``); ``only_in_ledger``: charges of no row; ``amounts_differ``:
    both have the id and the amounts differ by ``tolerance`` or more; ``pending``: recent costing
    rows whose charge may still land. ``key_prefixes`` are the keys whose logs and usage were read.
    """

    start: str
    end: str
    currency: str
    tolerance: Decimal
    settle: datetime.timedelta
    key_prefixes: tuple[str, ...]
    ledger_usd: Decimal
    ledger_charges: int
    logs_usd: Decimal
    logs_rows: int
    logs_charged_rows: int
    usage_usd: Decimal
    usage_requests: int
    pending_usd: Decimal
    only_in_logs: tuple[RowMismatch, ...]
    only_in_ledger: tuple[RowMismatch, ...]
    amounts_differ: tuple[RowMismatch, ...]
    pending: tuple[RowMismatch, ...]
    #: ``MODEL_USAGE`` entries in a direction other than CHARGE: counted apart, never compared.
    ledger_other_entries: int = 0

    @property
    def ledger_vs_logs_usd(self) -> Decimal:
        """The ledger's total minus the logs' settled rows (pending ones have no charge yet)."""
        return self.ledger_usd - (self.logs_usd - self.pending_usd)

    @property
    def usage_vs_logs_usd(self) -> Decimal:
        return self.usage_usd - self.logs_usd

    @property
    def totals_agree(self) -> bool:
        return abs(self.ledger_vs_logs_usd) < self.tolerance and abs(self.usage_vs_logs_usd) < self.tolerance

    @property
    def agree(self) -> bool:
        """True when the three records tell the same story (see the module's rules)."""
        mismatched = self.only_in_logs or self.only_in_ledger or self.amounts_differ or self.ledger_other_entries
        return not mismatched and self.totals_agree

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: money as decimal strings (exact), durations in seconds."""
        return {
            "start": self.start,
            "end": self.end,
            "currency": self.currency,
            "agree": self.agree,
            "tolerance_usd": _plain(self.tolerance),
            "settle_seconds": self.settle.total_seconds(),
            "key_prefixes": list(self.key_prefixes),
            "ledger": {"spend": _plain(self.ledger_usd), "charges": self.ledger_charges},
            "logs": {
                "spend": _plain(self.logs_usd),
                "rows": self.logs_rows,
                "charged_rows": self.logs_charged_rows,
                "pending_spend": _plain(self.pending_usd),
            },
            "usage": {"spend": _plain(self.usage_usd), "requests": self.usage_requests},
            "ledger_minus_logs_usd": _plain(self.ledger_vs_logs_usd),
            "usage_minus_logs_usd": _plain(self.usage_vs_logs_usd),
            "only_in_logs": [row.to_dict() for row in self.only_in_logs],
            "only_in_ledger": [row.to_dict() for row in self.only_in_ledger],
            "amounts_differ": [row.to_dict() for row in self.amounts_differ],
            "pending": [row.to_dict() for row in self.pending],
            "ledger_other_entries": self.ledger_other_entries,
        }


def _plain(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:f}"  # positional, never "1E+2"


def _moment(where: str, text: str) -> datetime.datetime:
    try:
        moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
        return (moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)).astimezone(datetime.UTC)
    except (ValueError, OverflowError):
        raise ResponseValidationError(f"{where} has an unreadable time: {text[:60]!r}") from None


def check_tolerance(tolerance: object) -> Decimal:
    if isinstance(tolerance, bool) or not isinstance(tolerance, Decimal | int | float | str):
        raise InvalidParameterError(f"tolerance must be an amount of USD, not {tolerance!r}")
    try:
        value = Decimal(repr(tolerance)) if isinstance(tolerance, float) else Decimal(tolerance)
    except InvalidOperation:
        raise InvalidParameterError(f"tolerance must be an amount of USD, not {tolerance!r}") from None
    if not value.is_finite() or not Decimal(0) < value <= Decimal(1_000_000):
        raise InvalidParameterError(f"tolerance must be more than 0 and at most 1,000,000 USD, not {tolerance!r}")
    return value


def check_settle(settle: object) -> datetime.timedelta:
    if not isinstance(settle, datetime.timedelta) or not datetime.timedelta(0) <= settle <= _MAX_SETTLE:
        raise InvalidParameterError(f"settle must be a timedelta from 0 to 1 day, not {settle!r}")
    return settle


@dataclass
class _Side:
    """One record's amounts by id, and when and which model each id was first seen with."""

    amounts: dict[str | None, Decimal]
    seen: dict[str | None, tuple[str, str | None]]

    def add(self, key: str | None, usd: Decimal, created: str, model: str | None) -> None:
        self.amounts[key] = self.amounts.get(key, Decimal(0)) + usd
        self.seen.setdefault(key, (created, model))


def _drain(walk: Walk[Any], into: list[Any]) -> Steps[None]:
    """Run a lazy walk (pages and rows) as steps of a plan, collecting its rows."""
    received: Any = None
    while True:
        try:
            step = walk.send(received)
        except StopIteration:
            return
        if isinstance(step, Call):
            received = yield step
        else:
            received = None
            into.append(step)


def _steps(
    pieces: list[dict[str, str]],
    read_until: datetime.datetime,
    now: datetime.datetime,
    tolerance: Decimal,
    settle: datetime.timedelta,
    max_pages: int,
) -> Steps[Reconciliation]:
    keys: list[ApiKey] = yield Call(LIST_KEYS, {}, _data)
    # Once each: a list that names a key twice must not double its rows into amounts that differ.
    prefixes = tuple(dict.fromkeys(key.prefix for key in keys))
    usage_parts = []
    rows: list[LogEntry] = []
    log_walk = _OffsetWalk(max_pages)
    for prefix in prefixes:
        for piece in pieces:
            usage_parts.append((prefix, (yield Call(USAGE, {**piece, "key_prefix": prefix}))))
        queries = [{**piece, "key_prefix": prefix} for piece in pieces]
        yield from _drain(_rows(queries, PAGE_SIZE, log_walk), rows)
    charges: list[Transaction] = []
    filters = _BaseBilling._transaction_filters(pieces[0]["start"], _iso(read_until), None, _MODEL_USAGE, 100)
    yield from _drain(_ledger_entries(filters, _LedgerWalk(max_pages)), charges)
    return _compare(pieces, prefixes, usage_parts, rows, charges, now, tolerance, settle)


def _compare(
    pieces: list[dict[str, str]],
    prefixes: tuple[str, ...],
    usage_parts: list[tuple[str, Any]],
    rows: Iterable[LogEntry],
    charges: Iterable[Transaction],
    now: datetime.datetime,
    tolerance: Decimal,
    settle: datetime.timedelta,
) -> Reconciliation:
    end = _moment("the window", pieces[-1]["end"])
    currency = "USD"
    usage_usd, usage_requests = Decimal(0), 0
    for prefix in prefixes:
        parts = [part for owner, part in usage_parts if owner == prefix]
        report = combine(parts)
        if report.currency.upper() != currency:
            raise ResponseValidationError(
                f"GET /v2/usage answered key {prefix}'s spend in {report.currency!r}, not USD: it cannot be compared"
            )
        usage_usd += report.spend
        usage_requests += report.requests

    logs = _Side({}, {})
    logs_rows = 0
    for row in rows:
        logs_rows += 1
        logs.add(row.inference_id, exact(row.cost.usd), row.created, row.model)
    ledger = _Side({}, {})
    other = 0
    for entry in charges:
        if entry.type_.value != _MODEL_USAGE:
            continue  # a server that ignores the type filter: not model usage, not compared
        late = _moment("a ledger entry", entry.created_at) >= end
        if late and entry.reference_id not in logs.amounts:
            continue  # the next window's charge
        if entry.direction.value != _CHARGE:
            other += 1
            continue
        ledger.add(entry.reference_id, exact(entry.amount.usd), entry.created_at, entry.model)

    only_in_logs: list[RowMismatch] = []
    pending: list[RowMismatch] = []
    differ: list[RowMismatch] = []
    charged_rows = 0
    for key, cost in logs.amounts.items():
        created, model = logs.seen[key]
        charged = ledger.amounts.get(key)
        if cost != 0:
            charged_rows += 1
        if charged is None:
            if cost == 0:
                continue  # failed or free: nothing to charge
            mismatch = RowMismatch(key, None, cost, created, model)
            recent = now - _moment("a log row", created) < settle
            (pending if recent else only_in_logs).append(mismatch)
        elif abs(charged - cost) >= tolerance:
            differ.append(RowMismatch(key, charged, cost, created, model))
    only_in_ledger = [
        RowMismatch(key, amount, None, *ledger.seen[key])
        for key, amount in ledger.amounts.items()
        if key not in logs.amounts
    ]
    return Reconciliation(
        start=pieces[0]["start"],
        end=pieces[-1]["end"],
        currency=currency,
        tolerance=tolerance,
        settle=settle,
        key_prefixes=prefixes,
        ledger_usd=sum(ledger.amounts.values(), Decimal(0)),
        ledger_charges=len(ledger.amounts),
        logs_usd=sum(logs.amounts.values(), Decimal(0)),
        logs_rows=logs_rows,
        logs_charged_rows=charged_rows,
        usage_usd=usage_usd,
        usage_requests=usage_requests,
        pending_usd=sum((row.logs_usd or Decimal(0) for row in pending), Decimal(0)),
        only_in_logs=tuple(only_in_logs),
        only_in_ledger=tuple(only_in_ledger),
        amounts_differ=tuple(differ),
        pending=tuple(pending),
        ledger_other_entries=other,
    )


def reconcile_plan(
    *,
    period: str | None,
    start: Moment | None,
    end: Moment | None,
    tolerance: Decimal | float | str,
    settle: datetime.timedelta,
    max_pages: int,
    timeout: TimeoutTypes,
    deadline: DeadlineTypes,
) -> Plan[Reconciliation]:
    """The plan of :meth:`Billing.reconcile`: every argument checked before any request."""
    checked_tolerance = check_tolerance(tolerance)
    checked_settle = check_settle(settle)
    pages = _positive_whole("max_pages", max_pages, InvalidParameterError)
    pieces = _fixed_windows(period, start, end)
    now = _usage._now()
    read_until = min(_moment("the window", pieces[-1]["end"]) + checked_settle, now)
    read_until = max(read_until, _moment("the window", pieces[-1]["end"]))
    return Plan(_steps(pieces, read_until, now, checked_tolerance, checked_settle, pages), timeout, deadline)
