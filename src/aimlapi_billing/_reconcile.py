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
* Memory: the ledger is read first and kept as amounts by id (with the time and model a mismatch
  shows); each log row is then compared as it arrives and kept only when it is a mismatch. A log
  row that comes twice in one walk (its page shifted) is counted once (see ``billing.logs``).
* Rows deleted while a window of logs is read (its ``total`` falls between pages): the rows folded
  so far from that window are taken back (sums, mismatches, and the charges they took) and the
  window is read again from the start, within its three passes; unlike ``billing.logs``, whose
  caller already has the rows, a reconciliation has given nothing yet.

``tolerance`` (default 0.01 USD) is one rule for rows and totals: a difference smaller than it is
agreement, one of a cent or more is not. The records agree when no id is in one and missing from the
other, no row's amounts differ, and the totals agree pairwise (the ledger against the logs' settled
rows, the usage against all of the logs).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from . import _usage
from ._client import _BaseBilling, _ledger_entries, _LedgerWalk, _positive_whole
from ._exceptions import InvalidParameterError, ResponseValidationError
from ._keys import LIST_KEYS, _data
from ._logs import PAGE_SIZE, _fixed_windows, _OffsetWalk, _window_rows
from ._money import add, exact_sum, subtract, usd
from ._resource import Call, Plan, Steps, Walk
from ._usage import USAGE, Moment, _iso, check_echo, combine

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
        return subtract(self.ledger_usd or Decimal(0), self.logs_usd or Decimal(0))

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "ledger_usd": self.ledger_usd,
            "logs_usd": self.logs_usd,
            "difference_usd": self.difference,
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
        return subtract(self.ledger_usd, subtract(self.logs_usd, self.pending_usd))

    @property
    def usage_vs_logs_usd(self) -> Decimal:
        return subtract(self.usage_usd, self.logs_usd)

    @property
    def totals_agree(self) -> bool:
        return abs(self.ledger_vs_logs_usd) < self.tolerance and abs(self.usage_vs_logs_usd) < self.tolerance

    @property
    def agree(self) -> bool:
        """True when the three records tell the same story (see the module's rules)."""
        mismatched = self.only_in_logs or self.only_in_ledger or self.amounts_differ or self.ledger_other_entries
        return not mismatched and self.totals_agree

    def to_dict(self) -> dict[str, Any]:
        """The reconciliation as plain data: money as exact ``Decimal`` (the CLI's ``--json`` writes each
        as a JSON string of its plain digits), durations in seconds."""
        return {
            "start": self.start,
            "end": self.end,
            "currency": self.currency,
            "agree": self.agree,
            "tolerance_usd": self.tolerance,
            "settle_seconds": self.settle.total_seconds(),
            "key_prefixes": list(self.key_prefixes),
            "ledger": {"spend": self.ledger_usd, "charges": self.ledger_charges},
            "logs": {
                "spend": self.logs_usd,
                "rows": self.logs_rows,
                "charged_rows": self.logs_charged_rows,
                "pending_spend": self.pending_usd,
            },
            "usage": {"spend": self.usage_usd, "requests": self.usage_requests},
            "ledger_minus_logs_usd": self.ledger_vs_logs_usd,
            "usage_minus_logs_usd": self.usage_vs_logs_usd,
            "only_in_logs": [row.to_dict() for row in self.only_in_logs],
            "only_in_ledger": [row.to_dict() for row in self.only_in_ledger],
            "amounts_differ": [row.to_dict() for row in self.amounts_differ],
            "pending": [row.to_dict() for row in self.pending],
            "ledger_other_entries": self.ledger_other_entries,
        }


def _moment(where: str, text: str) -> datetime.datetime:
    try:
        moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
        return (moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)).astimezone(datetime.UTC)
    except (ValueError, OverflowError):
        raise ResponseValidationError(f"{where} has an unreadable time: {text[:60]!r}") from None


def check_tolerance(tolerance: object) -> Decimal:
    try:
        # Text as typed ("0.1" is exactly a dime); a number through the one money check.
        amount = Decimal(tolerance) if isinstance(tolerance, str) else tolerance
    except InvalidOperation:
        raise InvalidParameterError(f"tolerance must be an amount of USD, not {tolerance!r}") from None
    value = usd(amount, "tolerance", at_least_zero=True, error=InvalidParameterError)
    if not Decimal(0) < value <= Decimal(1_000_000):
        raise InvalidParameterError(f"tolerance must be more than 0 and at most 1,000,000 USD, not {tolerance!r}")
    return value


def check_settle(settle: object) -> datetime.timedelta:
    if not isinstance(settle, datetime.timedelta) or not datetime.timedelta(0) <= settle <= _MAX_SETTLE:
        raise InvalidParameterError(f"settle must be a timedelta from 0 to 1 day, not {settle!r}")
    return settle


#: One id's charges: the amount as the JSON's number (or their exact sum), when, and the model.
_Charge = tuple[Decimal, str, str | None]


class _Ledger:
    """The ledger's ``MODEL_USAGE`` charges by ``reference_id``, read before the logs so that each log
    row is compared as it arrives and kept only when it is a mismatch. Per charge: its amount (the
    model's exact ``Decimal``; several charges of one id add up), when, and the model (one string per
    model name)."""

    def __init__(self, end: datetime.datetime) -> None:
        self.end = end
        self.on_time: dict[str | None, _Charge] = {}
        #: Charges recorded at or after the window's end: they count only for a request of the window.
        self.late: dict[str | None, _Charge] = {}
        self.other = 0
        self.late_other: dict[str | None, int] = {}
        self.usd = Decimal(0)
        self.charges = 0
        self._models: dict[str, str] = {}
        #: What :meth:`take` removed since :meth:`commit`, for :meth:`restore` to put back when its
        #: window of logs is read again: on-time charges in two lists (16 bytes a row), the rarer late
        #: ones apart; and the counts at that commit.
        self._taken_ids: list[str] = []
        self._taken_charges: list[_Charge] = []
        self._taken_late: list[tuple[str, _Charge | None, int]] = []
        self._counts = (0, Decimal(0), 0)

    def add(self, entry: Transaction) -> None:
        if entry.type_.value != _MODEL_USAGE:
            return  # a server that ignores the type filter: not model usage, not compared
        key = entry.reference_id
        late = _moment("a ledger entry", entry.created_at) >= self.end
        if entry.direction.value != _CHARGE:
            if late:
                self.late_other[key] = self.late_other.get(key, 0) + 1
            else:
                self.other += 1
            return
        amount = usd(entry.amount.usd, "a ledger entry's amount.usd", at_least_zero=True)
        into = self.late if late else self.on_time
        before = into.get(key)
        if before is None:
            model = entry.model if entry.model is None else self._models.setdefault(entry.model, entry.model)
            into[key] = (amount, entry.created_at, model)
        else:
            into[key] = (add(before[0], amount), before[1], before[2])
        if not late:
            self.usd = add(self.usd, amount)
            self.charges += before is None

    def take(self, key: str) -> Decimal | None:
        """What the ledger charged for the request ``key`` (its late charges too); None if nothing.
        Taken: what remains afterwards is the charges of no request."""
        late_other = self.late_other.pop(key, 0)
        self.other += late_other
        on_time, late = self.on_time.pop(key, None), self.late.pop(key, None)
        if on_time is not None:
            self._taken_ids.append(key)
            self._taken_charges.append(on_time)
        if late is not None or late_other:
            self._taken_late.append((key, late, late_other))
        if late is not None:
            self.usd = add(self.usd, late[0])
            self.charges += on_time is None
        if on_time is None and late is None:
            return None
        return add(on_time[0] if on_time else Decimal(0), late[0] if late else Decimal(0))

    def commit(self) -> None:
        """What was taken so far stays taken."""
        self._taken_ids.clear()
        self._taken_charges.clear()
        self._taken_late.clear()
        self._counts = (self.other, self.usd, self.charges)

    def restore(self) -> None:
        """Put back what was taken since the last :meth:`commit` (after the charges not taken: the
        order of ``on_time`` is the order of ``only_in_ledger``)."""
        self.other, self.usd, self.charges = self._counts
        self.on_time.update(zip(self._taken_ids, self._taken_charges, strict=True))
        for key, late, late_other in self._taken_late:
            if late is not None:
                self.late[key] = late
            if late_other:
                self.late_other[key] = late_other
        self.commit()


class _Tally:
    """The logs' rows folded one by one against the ledger: sums, counts and the mismatches only."""

    def __init__(self, ledger: _Ledger, now: datetime.datetime, tolerance: Decimal, settle: datetime.timedelta):
        self.ledger, self.now, self.tolerance, self.settle = ledger, now, tolerance, settle
        self.rows = 0
        self.charged_rows = 0
        self.usd = Decimal(0)
        self.only_in_logs: list[RowMismatch] = []
        self.pending: list[RowMismatch] = []
        self.differ: list[RowMismatch] = []
        self.commit()

    def _counts(self) -> tuple[int, int, Decimal, int, int, int]:
        return self.rows, self.charged_rows, self.usd, len(self.only_in_logs), len(self.pending), len(self.differ)

    def commit(self) -> None:
        """The rows added so far stay (their window was read to its end): :meth:`take_back` forgets
        only rows added later."""
        self._committed = self._counts()
        self.ledger.commit()

    def take_back(self) -> None:
        """Forget the rows added since :meth:`commit` (rows were deleted from their window, which is
        read again), and give back the charges they took."""
        self.rows, self.charged_rows, self.usd, logs, pending, differ = self._committed
        del self.only_in_logs[logs:], self.pending[pending:], self.differ[differ:]
        self.ledger.restore()

    def add(self, row: LogEntry) -> None:
        cost = usd(row.cost.usd, "a log row's cost.usd", at_least_zero=True)
        self.rows += 1
        self.usd = add(self.usd, cost)
        if cost != 0:
            self.charged_rows += 1
        charged = self.ledger.take(row.inference_id)
        if charged is None:
            if cost == 0:
                return  # failed or free: nothing to charge
            mismatch = RowMismatch(row.inference_id, None, cost, row.created, row.model)
            recent = self.now - _moment("a log row", row.created) < self.settle
            (self.pending if recent else self.only_in_logs).append(mismatch)
        elif abs(subtract(charged, cost)) >= self.tolerance:
            self.differ.append(RowMismatch(row.inference_id, charged, cost, row.created, row.model))


def _drain(walk: Walk[Any], into: Callable[[Any], None]) -> Steps[None]:
    """Run a lazy walk (pages and rows) as steps of a plan, handing each row to ``into`` as it comes."""
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
            into(step)


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
    for prefix in prefixes:
        for number, piece in enumerate(pieces, 1):
            query = {**piece, "key_prefix": prefix}
            part = yield Call(USAGE, query)
            check_echo(query, part, f"key {prefix}'s piece {number} of {len(pieces)}")
            usage_parts.append((prefix, part))
    usage_usd, usage_requests = _usage_totals(prefixes, usage_parts)
    # The ledger first: then each log row is compared as it comes and dropped unless it is a mismatch,
    # so memory holds the charges, not the rows.
    ledger = _Ledger(_moment("the window", pieces[-1]["end"]))
    filters = _BaseBilling._transaction_filters(pieces[0]["start"], _iso(read_until), None, _MODEL_USAGE, 100)
    yield from _drain(_ledger_entries(filters, _LedgerWalk(max_pages)), ledger.add)
    tally = _Tally(ledger, now, tolerance, settle)
    log_walk = _OffsetWalk(max_pages, take_back=tally.take_back)
    for prefix in prefixes:
        for piece in pieces:
            yield from _drain(_window_rows({**piece, "key_prefix": prefix}, PAGE_SIZE, log_walk), tally.add)
            tally.commit()
    only_in_ledger = [
        RowMismatch(key, charged, None, created, model) for key, (charged, created, model) in ledger.on_time.items()
    ]
    return Reconciliation(
        start=pieces[0]["start"],
        end=pieces[-1]["end"],
        currency="USD",
        tolerance=tolerance,
        settle=settle,
        key_prefixes=prefixes,
        ledger_usd=ledger.usd,
        ledger_charges=ledger.charges,
        logs_usd=tally.usd,
        logs_rows=tally.rows,
        logs_charged_rows=tally.charged_rows,
        usage_usd=usage_usd,
        usage_requests=usage_requests,
        pending_usd=exact_sum(row.logs_usd or Decimal(0) for row in tally.pending),
        only_in_logs=tuple(tally.only_in_logs),
        only_in_ledger=tuple(only_in_ledger),
        amounts_differ=tuple(tally.differ),
        pending=tuple(tally.pending),
        ledger_other_entries=ledger.other,
    )


def _usage_totals(prefixes: tuple[str, ...], usage_parts: list[tuple[str, Any]]) -> tuple[Decimal, int]:
    """The usage of every key added up, each key's pieces combined (and checked) as usage does."""
    usage_usd, usage_requests = Decimal(0), 0
    for prefix in prefixes:
        report = combine([part for owner, part in usage_parts if owner == prefix])
        usage_usd = add(usage_usd, report.spend)
        usage_requests += report.requests
    return usage_usd, usage_requests


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
