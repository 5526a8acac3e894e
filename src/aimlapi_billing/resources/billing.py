"""The billing calls: ``balance``, ``summary``, ``detail``, one page of the ledger, and every
ledger entry as you iterate. Declared once, on :class:`BillingResource`; the clients offer them as
their own methods (``billing.detail()``) and under ``billing.with_raw_response``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic

from .._arguments import enum_value, positive_whole, whole_in_range
from .._config import DEFAULT_API_MAX_BYTES, DEFAULT_MAX_PAGES, DEFAULT_MAX_RESPONSE_BYTES
from .._exceptions import InvalidParameterError
from .._plan import (
    NOT_GIVEN,
    Call,
    ClientT,
    Endpoint,
    IterationPlan,
    Plan,
    Resource,
    RowSteps,
    ShapeT,
    iteration,
    operation,
)

if TYPE_CHECKING:
    from aimlapi_billing_client.models import (
        BalanceResponse,
        BillingDetailResponse,
        BillingResponse,
        Transaction,
        TransactionDirection,
        TransactionsResponse,
        TransactionType,
    )

    from .._pages import CursorPages
    from .._plan import DeadlineTypes, TimeoutTypes
    from .._windows import Moment

__all__ = ["BALANCE", "DETAIL", "ITERATION_PAGE_SIZE", "SUMMARY", "TRANSACTIONS", "BillingMethods", "BillingResource"]


def _billing_endpoint(name: str, builder: str, model: str, max_bytes: int | None = None) -> Endpoint[Any]:
    """A billing endpoint, its cap ``max_bytes``, else its entry in ``DEFAULT_MAX_RESPONSE_BYTES``,
    else ``DEFAULT_API_MAX_BYTES`` (a new endpoint needs no entry in the table to be declared)."""
    cap = max_bytes if max_bytes is not None else DEFAULT_MAX_RESPONSE_BYTES.get(name, DEFAULT_API_MAX_BYTES)
    return Endpoint(name, f"aimlapi_billing_client.api.billing.{builder}", model, cap)


BALANCE: Endpoint[BalanceResponse] = _billing_endpoint("GET /v1/billing/balance", "get_balance", "BalanceResponse")
SUMMARY: Endpoint[BillingResponse] = _billing_endpoint("GET /v2/billing", "get_billing", "BillingResponse")
DETAIL: Endpoint[BillingDetailResponse] = _billing_endpoint(
    "GET /v2/billing/detail", "get_billing_detail", "BillingDetailResponse"
)
TRANSACTIONS: Endpoint[TransactionsResponse] = _billing_endpoint(
    "GET /v2/billing/transactions", "list_transactions", "TransactionsResponse"
)

#: Page size when iterating over the whole ledger: the API's maximum, for the fewest requests.
ITERATION_PAGE_SIZE = 100


def transaction_filters(
    from_: Moment | None,
    to: Moment | None,
    direction: TransactionDirection | str | None,
    type: TransactionType | str | None,  # the API's name
    limit: int | None,
) -> dict[str, Any]:
    """The generated endpoint's keyword arguments, checked and converted before any request."""
    # Loaded with the first ledger call: a balance check never needs the ledger's enums, nor its moments.
    from aimlapi_billing_client.models import TransactionDirection, TransactionType

    from .._windows import api_moment

    filters: dict[str, Any] = {}
    for name, moment in (("from_", from_), ("to", to)):
        if moment is not None:
            filters[name] = api_moment(name.rstrip("_"), moment)
    if direction is not None:
        filters["direction"] = enum_value(TransactionDirection, "direction", direction)
    if type is not None:
        filters["type_"] = enum_value(TransactionType, "type", type)
    if limit is not None:
        filters["limit"] = whole_in_range("limit", limit, 1, 100, InvalidParameterError)
    return filters


def ledger_pages(max_pages: int) -> CursorPages:
    """The guards of a read through the ledger's pages."""
    from .._pages import CursorPages  # with the first walk: a balance check reads no pages

    return CursorPages(TRANSACTIONS.name, max_pages)


def ledger_entries(filters: dict[str, Any], pages: CursorPages) -> RowSteps[Transaction]:
    """Every entry matching ``filters``, newest first, page after page."""
    cursor: str | None = None
    while True:
        page: TransactionsResponse = yield Call(TRANSACTIONS, {"cursor": cursor, **filters})
        yield from page.data
        cursor = pages.next_cursor(page.pagination.has_more, page.pagination.next_cursor, len(page.data))
        if cursor is None:
            return


class BillingMethods:
    """The billing calls, declared once: both clients inherit them (``billing.detail()``), and
    ``billing.with_raw_response`` has them returning :class:`APIResponse` objects. The methods use
    nothing of ``self``, which is a client or its raw resource."""

    @operation
    def balance(
        self, *, timeout: TimeoutTypes = NOT_GIVEN, deadline: DeadlineTypes = NOT_GIVEN
    ) -> Plan[BalanceResponse]:
        """``GET /v1/billing/balance``: the legacy balance, in credits (2,000,000 credits = 1 USD). Its
        ``auto_debit_status`` is a legacy flag that may contradict :meth:`detail`'s ``autotopup_settings``,
        the current setting (the one the forecast, ``check`` and the exporter follow)."""
        return Plan(Call(BALANCE), timeout, deadline)

    @operation
    def summary(
        self, *, timeout: TimeoutTypes = NOT_GIVEN, deadline: DeadlineTypes = NOT_GIVEN
    ) -> Plan[BillingResponse]:
        """``GET /v2/billing``: the current balance in USD."""
        return Plan(Call(SUMMARY), timeout, deadline)

    @operation
    def detail(
        self, *, timeout: TimeoutTypes = NOT_GIVEN, deadline: DeadlineTypes = NOT_GIVEN
    ) -> Plan[BillingDetailResponse]:
        """``GET /v2/billing/detail``: user id, e-mail, balance in USD and auto top-up settings."""
        return Plan(Call(DETAIL), timeout, deadline)

    @operation
    def transactions_page(
        self,
        *,
        cursor: str | None = None,
        from_: Moment | None = None,
        to: Moment | None = None,
        direction: TransactionDirection | str | None = None,
        type: TransactionType | str | None = None,  # the API's name
        limit: int | None = None,
        timeout: TimeoutTypes = NOT_GIVEN,
        deadline: DeadlineTypes = NOT_GIVEN,
    ) -> Plan[TransactionsResponse]:
        """``GET /v2/billing/transactions``: one page of the ledger, newest first.

        Pass ``page.pagination.next_cursor`` back as ``cursor`` for the next page (it is sent exactly
        as received). ``from_``/``to`` take datetimes (naive ones are local time) or ISO 8601 strings;
        ``direction`` and ``type`` take the generated enums or their string values; ``limit`` is
        1 to 100 (the API's default is 50).
        """
        filters = transaction_filters(from_, to, direction, type, limit)
        return Plan(Call(TRANSACTIONS, {"cursor": cursor, **filters}), timeout, deadline)

    @iteration
    def transactions(
        self,
        *,
        from_: Moment | None = None,
        to: Moment | None = None,
        direction: TransactionDirection | str | None = None,
        type: TransactionType | str | None = None,  # the API's name
        limit: int | None = None,
        max_pages: int = DEFAULT_MAX_PAGES,
        timeout: TimeoutTypes = NOT_GIVEN,
        deadline: DeadlineTypes = NOT_GIVEN,
    ) -> IterationPlan[Transaction]:
        """Every ledger entry matching the filters, newest first, fetching pages as you iterate
        (``async for`` on :class:`AsyncBilling`).

        Filters are checked now; the first request is made by the first ``next()``. Pages hold
        ``limit`` entries (default 100, the maximum); each page is a call of its own (retries,
        ``deadline``). A walk that does not end raises :class:`PaginationError`: a cursor seen
        before, three empty pages in a row that say ``has_more``, or more than ``max_pages`` pages.
        """
        filters = transaction_filters(from_, to, direction, type, ITERATION_PAGE_SIZE if limit is None else limit)
        pages = ledger_pages(positive_whole("max_pages", max_pages))
        return IterationPlan(ledger_entries(filters, pages), timeout, deadline)


class BillingResource(Resource[ClientT, ShapeT], BillingMethods, Generic[ClientT, ShapeT]):
    """The billing calls as a resource: what ``with_raw_response`` of a client is made of."""
