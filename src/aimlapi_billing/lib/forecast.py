"""Spend runway: at the recent burn rate, when does the balance run out?

The ledger is read newest first and only back to the window's start. Entries are classified by
``direction``, never by ``type``: CHARGE entries (money leaving the balance, whatever their type,
known or new) are spend, TOPUP entries are not. An entry whose direction this version does not
know is neither: it is counted apart (``unclassified_*``) and reported, not guessed. Money is
summed as :class:`~decimal.Decimal` built from the JSON numbers' shortest text, so sums carry no
binary float drift.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from aimlapi_billing_client.models import (
    AutoTopupSettings,
    BillingDetailResponse,
    Transaction,
    TransactionDirection,
    TransactionType,
)
from aimlapi_billing_client.types import SchemaError, Unset

from .. import _windows
from .._arguments import positive_whole
from .._currency import check_currency
from .._exact import days_at, days_of, per_day
from .._exceptions import InvalidParameterError, PaginationError
from .._money import add, subtract, usd
from .._pages import CursorPages
from .._plan import Call, Plan, Steps
from ..resources.billing import DETAIL, ITERATION_PAGE_SIZE, TRANSACTIONS, ledger_pages, transaction_filters
from ..types.forecast import Forecast

if TYPE_CHECKING:
    from aimlapi_billing_client.models import TransactionsResponse

    from .._plan import DeadlineTypes, TimeoutTypes

__all__ = ["DAY", "NO_MODEL", "TOP_MODELS", "Forecast", "LedgerWindow", "autotopup_enabled", "forecast_plan"]

DAY = datetime.timedelta(days=1)
RECENT = datetime.timedelta(days=7)
#: Burn is never averaged over less than a day: a new account's first minutes would extrapolate wildly.
MIN_COVERED = DAY
TOP_MODELS = 10
#: What a forecast needs of the walk: to keep going back in time towards the window's start. This
#: many entries in a row with nothing older than what was read already (fifty full pages) mean the
#: ledger repeats itself under new cursors; even a batch job writing entries in one millisecond
#: does not write this many for one account.
MAX_ENTRIES_WITHOUT_PROGRESS = 5_000
NO_MODEL = "(no model)"


class LedgerWindow:
    """Accumulates ledger entries, newest first, until one is older than the window's start."""

    def __init__(
        self, as_of: datetime.datetime, window: datetime.timedelta, balance_at: datetime.datetime | None = None
    ) -> None:
        """The window ``window`` up to ``as_of`` (excluded: a later entry is not counted, whatever the
        server sends); the runway's dates count from ``balance_at``, when the balance was read (default
        ``as_of``): a window that ended in the past still runs out from now."""
        if not isinstance(window, datetime.timedelta) or window <= datetime.timedelta(0):
            raise InvalidParameterError(f"the forecast window must be a positive timedelta, not {window!r}")
        try:
            self.start = as_of - window
        except OverflowError:
            raise InvalidParameterError(f"the forecast window reaches before the calendar: {window}") from None
        self.as_of = as_of
        self.balance_at = as_of if balance_at is None else balance_at
        self.window = window
        self.recent_start = as_of - RECENT
        self.history_start: datetime.datetime | None = None
        self.spend = Decimal(0)
        self.spend_recent = Decimal(0)
        self.by_type: dict[str, Decimal] = {}
        self.by_model: dict[str, Decimal] = {}
        self.entries_read = 0
        self.unclassified = 0
        self.unclassified_usd = Decimal(0)
        self.unknown_directions: set[str] = set()
        self.oldest: datetime.datetime | None = None
        self.without_progress = 0

    def add(self, entry: Transaction) -> bool:
        """Count ``entry``; ``False`` once the ledger has gone past the window (stop paging)."""
        created = _windows.api_time(entry.created_at, "a ledger entry has an unreadable created_at")
        if created < self.start:
            return False
        if self.oldest is None or created < self.oldest:
            self.oldest, self.without_progress = created, 0
        else:
            self.without_progress += 1
            if self.without_progress >= MAX_ENTRIES_WITHOUT_PROGRESS:
                raise PaginationError(
                    f"the ledger stopped going back in time: {self.without_progress:,} entries in a row, none older "
                    f"than {self.oldest.isoformat()}; stopping",
                    pages=None,
                )
        if created >= self.as_of:  # after the window's end (a past calendar window): not its spend
            return True
        self.entries_read += 1
        if entry.type_ is TransactionType.INIT:
            # The account's opening entry: there is no history before it to average over.
            self.history_start = created if self.history_start is None else min(self.history_start, created)
        if entry.direction is TransactionDirection.CHARGE:
            amount = usd(entry.amount.usd, "a ledger entry's amount.usd", at_least_zero=True)
            self.spend = add(self.spend, amount)
            if created >= self.recent_start:
                self.spend_recent = add(self.spend_recent, amount)
            _add(self.by_type, entry.type_.value, amount)
            _add(self.by_model, entry.model or NO_MODEL, amount)
        elif entry.direction is not TransactionDirection.TOPUP:
            self.unclassified += 1
            self.unclassified_usd = add(
                self.unclassified_usd, usd(entry.amount.usd, "a ledger entry's amount.usd", at_least_zero=True)
            )
            self.unknown_directions.add(entry.direction.value)
        return True

    def forecast(self, detail: BillingDetailResponse) -> Forecast:
        began = max(self.start, self.history_start) if self.history_start else self.start
        covered = max(self.as_of - began, MIN_COVERED)
        recent = min(covered, RECENT)
        balance = usd(detail.current_balance, "the balance", at_least_zero=False)
        # Derived figures (days_of, per_day, days_at): rounded to DERIVED_PLACES, each from exact figures.
        burn = per_day(self.spend, covered)
        burn_recent = per_day(self.spend_recent, recent)
        runway = _runway(balance, self.spend, covered)
        settings = detail.autotopup_settings
        enabled = autotopup_enabled(settings)
        threshold = _optional_usd(settings.threshold, "the auto top-up threshold")
        next_topup = None
        if enabled is True and threshold is not None and burn > 0:
            next_topup = self._after(days_at(max(subtract(balance, threshold), Decimal(0)), self.spend, covered))
        return Forecast(
            as_of=self.as_of,
            window=self.window,
            window_start=self.start,
            days_covered=days_of(covered),
            balance_usd=balance,
            spend_usd=self.spend,
            spend_7d_usd=self.spend_recent,
            spend_by_type=dict(sorted(self.by_type.items(), key=lambda item: (-item[1], item[0]))),
            spend_by_model=sorted(self.by_model.items(), key=lambda item: (-item[1], item[0]))[:TOP_MODELS],
            daily_burn_usd=burn,
            daily_burn_7d_usd=burn_recent,
            runway_days=runway,
            runway_days_7d=_runway(balance, self.spend_recent, recent),
            depletion_at=None if runway is None else self._after(runway),
            autotopup_enabled=enabled,
            autotopup_threshold_usd=threshold,
            autotopup_amount_usd=_optional_usd(settings.amount, "the auto top-up amount"),
            next_topup_at=next_topup,
            entries_read=self.entries_read,
            unclassified_entries=self.unclassified,
            unclassified_usd=self.unclassified_usd,
            unknown_directions=tuple(sorted(self.unknown_directions)),
        )

    def _after(self, days: Decimal) -> datetime.datetime | None:
        try:
            return self.balance_at + datetime.timedelta(days=float(days))
        except OverflowError:  # further out than datetime goes: as good as never
            return None


def _add(totals: dict[str, Decimal], key: str, amount: Decimal) -> None:
    totals[key] = add(totals.get(key, Decimal(0)), amount)


def _runway(balance: Decimal, spent: Decimal, span: datetime.timedelta) -> Decimal | None:
    """Days until ``balance`` is gone at ``spent`` per ``span``; None: nothing spent, unbounded."""
    if balance <= 0:
        return Decimal(0)
    if spent <= 0:
        return None
    return days_at(balance, spent, span)


def autotopup_enabled(settings: AutoTopupSettings) -> bool | None:
    """Whether auto top-up is on by ``GET /v2/billing/detail``; None when the API leaves it out (unknown)."""
    return settings.is_enabled if isinstance(settings.is_enabled, bool) else None


def _optional_usd(value: Decimal | Unset | None, what: str) -> Decimal | None:
    return None if isinstance(value, Unset) or value is None else usd(value, what, at_least_zero=False)


def forecast_plan(
    window: datetime.timedelta,
    as_of: datetime.datetime | None,
    detail: BillingDetailResponse | None,
    max_pages: int,
    timeout: TimeoutTypes,
    deadline: DeadlineTypes,
) -> Plan[Forecast]:
    """The plan of ``billing.forecast()``: every argument checked before any request."""
    # The balance is read now, whenever the window ends: the runway counts from now.
    ledger = LedgerWindow(_windows.as_of(as_of), window, balance_at=_windows.as_of(None))
    if detail is not None:  # one built by hand has not been parsed by the client: the same currency rule
        try:
            check_currency(detail, "detail.")
        except SchemaError as exc:
            raise InvalidParameterError(str(exc)) from None
    pages = ledger_pages(positive_whole("max_pages", max_pages))
    filters = transaction_filters(ledger.start, ledger.as_of, None, None, ITERATION_PAGE_SIZE)
    return Plan(_forecast_steps(ledger, pages, filters, detail), timeout, deadline)


def _forecast_steps(
    ledger: LedgerWindow, pages: CursorPages, filters: dict[str, Any], detail: BillingDetailResponse | None
) -> Steps[Forecast]:
    if detail is None:
        detail = yield Call(DETAIL)
    cursor: str | None = None
    while True:
        page: TransactionsResponse = yield Call(TRANSACTIONS, {"cursor": cursor, **filters})
        for entry in page.data:
            if not ledger.add(entry):
                return ledger.forecast(detail)
        cursor = pages.next_cursor(page.pagination.has_more, page.pagination.next_cursor, len(page.data))
        if cursor is None:
            return ledger.forecast(detail)
