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
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from .. import _windows
from .._arguments import positive_whole
from .._exceptions import InvalidParameterError
from .._money import add, exact_sum, subtract, usd
from .._pages import listed_once
from .._plan import Call, FanOut, Plan, RowSteps, Steps
from .._windows import Moment, api_time, fixed_windows, iso
from ..resources.billing import ledger_entries, ledger_pages, transaction_filters
from ..resources.keys import LIST_KEYS, key_data
from ..resources.logs import PAGE_SIZE, OffsetPages, window_rows
from ..resources.usage import USAGE, check_echo, combine
from ..types.reconcile import Reconciliation, RowMismatch

if TYPE_CHECKING:
    from aimlapi_billing_client.models import ApiKey, LogEntry, Transaction

    from .._plan import DeadlineTypes, TimeoutTypes

__all__ = ["DEFAULT_SETTLE", "DEFAULT_TOLERANCE", "Reconciliation", "RowMismatch", "reconcile_plan"]

#: Differences smaller than this are agreement, for each row and each pair of totals.
DEFAULT_TOLERANCE = Decimal("0.01")
#: How long after a request its charge may land in the ledger (the vendor gives no figure).
DEFAULT_SETTLE = datetime.timedelta(minutes=15)
_MAX_SETTLE = datetime.timedelta(days=1)
_CHARGE = "CHARGE"
_MODEL_USAGE = "MODEL_USAGE"


def _moment(where: str, text: str) -> datetime.datetime:
    return api_time(text, f"{where} has an unreadable time")


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


def _drain(rows: RowSteps[Any], into: Callable[[Any], None]) -> Steps[None]:
    """Run the steps of an iteration (pages and rows) as steps of a plan, handing each row to ``into``."""
    received: Any = None
    while True:
        try:
            step = rows.send(received)
        except StopIteration:
            return
        if isinstance(step, Call):
            received = yield step
        else:
            received = None
            into(step)


def _key_usage(prefix: str, pieces: list[dict[str, str]]) -> Steps[list[tuple[str, Any]]]:
    parts = []
    for number, piece in enumerate(pieces, 1):
        query = {**piece, "key_prefix": prefix}
        part = yield Call(USAGE, query)
        check_echo(query, part, f"key {prefix}'s piece {number} of {len(pieces)}")
        parts.append((prefix, part))
    return parts


def _steps(
    pieces: list[dict[str, str]],
    read_until: datetime.datetime,
    now: datetime.datetime,
    tolerance: Decimal,
    settle: datetime.timedelta,
    max_pages: int,
) -> Steps[Reconciliation]:
    keys: list[ApiKey] = yield Call(LIST_KEYS, {}, key_data)
    # Once each: a list that names a key twice must not double its rows into amounts that differ.
    prefixes = tuple(key.prefix for key in listed_once(keys)[0])
    # The keys' usage side by side (_fanout.py); the logs stay one walk: their rate limit is the bound,
    # and the tally takes rows back in the order they were read.
    per_key = yield FanOut([_key_usage(prefix, pieces) for prefix in prefixes], "keys")
    usage_usd, usage_requests = _usage_totals(prefixes, [part for parts in per_key for part in parts])
    # The ledger first: then each log row is compared as it comes and dropped unless it is a mismatch,
    # so memory holds the charges, not the rows.
    ledger = _Ledger(_moment("the window", pieces[-1]["end"]))
    filters = transaction_filters(pieces[0]["start"], iso(read_until), None, _MODEL_USAGE, 100)
    yield from _drain(ledger_entries(filters, ledger_pages(max_pages)), ledger.add)
    tally = _Tally(ledger, now, tolerance, settle)
    log_pager = OffsetPages(max_pages, take_back=tally.take_back)
    for prefix in prefixes:
        for piece in pieces:
            yield from _drain(window_rows({**piece, "key_prefix": prefix}, PAGE_SIZE, log_pager), tally.add)
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
    pages = positive_whole("max_pages", max_pages)
    pieces = fixed_windows(period, start, end)
    now = _windows.utc_now()
    read_until = min(_moment("the window", pieces[-1]["end"]) + checked_settle, now)
    read_until = max(read_until, _moment("the window", pieces[-1]["end"]))
    return Plan(_steps(pieces, read_until, now, checked_tolerance, checked_settle, pages), timeout, deadline)
