"""``Billing`` and ``AsyncBilling``: the generated client's endpoints, with the parts a real SDK needs.

The request (method, path, query) comes from each generated endpoint module and the result is the
generated model; around that this module adds the API key lookup, one reused connection
pool, timeouts, retries with backoff, typed errors and response validation. The retry decision
lives in :meth:`_BaseBilling._after_attempt`, shared by the sync and async drivers, which differ
only in how they send and sleep.
"""

from __future__ import annotations

import contextlib
import copy
import datetime
import enum
import hashlib
import logging
import time
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Generic, NamedTuple, NoReturn, Self, TypeVar

import httpx
from aimlapi_billing_client.types import SchemaError

from ._body import (
    ACCEPT_ENCODING,
    BodyTooLarge,
    BodyTooSlow,
    UnreadableJSON,
    UnsupportedEncoding,
    aread_body,
    content_headers,
    parse_json,
    read_body,
)
from ._config import (
    DEFAULT_DEADLINE,
    DEFAULT_MAX_PAGES,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    MAX_EMPTY_PAGES,
    MAX_ERROR_BODY_BYTES,
    MAX_JSON_DEPTH,
    USER_AGENT,
    configure_logging,
    resolve_api_key,
    resolve_base_url,
)
from ._currency import check_currency
from ._deadline import ATTEMPT_ENDS_AT, Deadline, attempt_seconds, bound_transports, check_seconds
from ._exceptions import (
    AIMLAPIError,
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    ClientClosedError,
    ConfigurationError,
    InvalidParameterError,
    OutcomeUnknownError,
    PaginationError,
    ResponseTooLargeError,
    ResponseValidationError,
    status_error_class,
)
from ._ratelimit import DEFAULT_LOGS_RATE_LIMIT, SlidingWindowLimiter
from ._redaction import Redactor, install_log_filter, printable
from ._resource import (
    APIResponse,
    Call,
    Endpoint,
    Parsed,
    Plan,
    RawMethods,
    Retry,
    Steps,
    Walk,
    WalkPlan,
    iteration,
    operation,
    single,
)
from ._retry import (
    MAX_RETRY_AFTER,
    RETRYABLE_TRANSPORT_ERRORS,
    backoff_delay,
    is_retryable_status,
    server_requested_delay,
)

if TYPE_CHECKING:
    from decimal import Decimal

    from aimlapi_billing_client.models import (
        BalanceResponse,
        BillingDetailResponse,
        BillingResponse,
        Transaction,
        TransactionDirection,
        TransactionsResponse,
        TransactionType,
    )

    from ._forecast import Forecast, LedgerWindow
    from ._keys import KeysResource
    from ._logs import LogsResource
    from ._models import ModelsResource
    from ._reconcile import Reconciliation
    from ._usage import UsageResource

__all__ = ["AsyncBilling", "Billing"]

logger = logging.getLogger("aimlapi_billing")

ModelT = TypeVar("ModelT")
T = TypeVar("T")
HttpClientT = TypeVar("HttpClientT", httpx.Client, httpx.AsyncClient)

TimeoutTypes = float | httpx.Timeout | None
DeadlineTypes = float | None


class _NotGiven:
    """Marks an argument the caller left out (``None`` means "no timeout" for httpx)."""

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Any = _NotGiven()


def _billing_endpoint(name: str, builder: str, model: str) -> Endpoint[Any]:
    return Endpoint(name, f"aimlapi_billing_client.api.billing.{builder}", model, DEFAULT_MAX_RESPONSE_BYTES[name])


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

Moment = datetime.datetime | str
EnumT = TypeVar("EnumT", bound=enum.Enum)


class _Retry(NamedTuple):
    delay: float


class _Answer(NamedTuple):
    """A response and its body, read within the bounds, and its media type (``application/json``)."""

    response: httpx.Response
    body: bytes
    media_type: str = ""


_Outcome = _Answer | httpx.HTTPError | BodyTooSlow | BodyTooLarge | UnsupportedEncoding
_ATTEMPT_FAILURES = (httpx.HTTPError, BodyTooSlow, BodyTooLarge, UnsupportedEncoding)


class PageGuards:
    """The guards every paged walk shares: too many empty pages in a row that say ``has_more``, more
    pages than ``max_pages``. ``pages`` counts the pages read."""

    def __init__(self, max_pages: int) -> None:
        self.max_pages = max_pages
        self.pages = 0
        self.empty_in_a_row = 0

    def check_more(self, where: str, rows: int) -> None:
        """Raise if the walk must stop although its page of ``rows`` rows says there is more."""
        self.empty_in_a_row = 0 if rows else self.empty_in_a_row + 1
        if self.empty_in_a_row >= MAX_EMPTY_PAGES:
            raise PaginationError(
                f"{where} makes {self.empty_in_a_row} empty pages in a row that say has_more: stopping",
                pages=self.pages,
            )
        if self.pages >= self.max_pages:
            raise PaginationError(
                f"{where} still says has_more, and max_pages is {self.max_pages}: stopping (pass a larger "
                "max_pages, or narrower filters)",
                pages=self.pages,
            )


class _LedgerWalk(PageGuards):
    """Where a walk through the ledger's pages is, and the guards that make it end."""

    def __init__(self, max_pages: int) -> None:
        super().__init__(max_pages)
        # Digests, not cursors: memory stays small however long the cursors a server sends.
        self.seen: set[bytes] = set()

    def next_cursor(self, page: TransactionsResponse) -> str | None:
        """The cursor of the page after ``page``, exactly as the API gave it; None after the last."""
        self.pages += 1
        pagination = page.pagination
        if not pagination.has_more or not pagination.next_cursor:
            return None
        where = f"{TRANSACTIONS.name}: page {self.pages}"
        digest = hashlib.blake2b(pagination.next_cursor.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        if digest in self.seen:
            raise PaginationError(
                f"{where} gave a next_cursor an earlier page gave: the pages loop; stopping", pages=self.pages
            )
        self.seen.add(digest)
        self.check_more(where, len(page.data))
        return pagination.next_cursor


def _ledger_entries(filters: dict[str, Any], walk: _LedgerWalk) -> Walk[Transaction]:
    cursor: str | None = None
    while True:
        page: TransactionsResponse = yield Call(TRANSACTIONS, {"cursor": cursor, **filters})
        yield from page.data
        cursor = walk.next_cursor(page)
        if cursor is None:
            return


def _forecast_steps(
    ledger: LedgerWindow, walk: _LedgerWalk, filters: dict[str, Any], detail: BillingDetailResponse | None
) -> Steps[Forecast]:
    if detail is None:
        detail = yield Call(DETAIL)
    cursor: str | None = None
    while True:
        page: TransactionsResponse = yield Call(TRANSACTIONS, {"cursor": cursor, **filters})
        for entry in page.data:
            if not ledger.add(entry):
                return ledger.forecast(detail)
        cursor = walk.next_cursor(page)
        if cursor is None:
            return ledger.forecast(detail)


def _iso_moment(name: str, moment: Moment) -> str:
    """A datetime as ISO 8601 with an offset (naive means local time, as in Python); a string as is."""
    if isinstance(moment, str):
        return moment
    if isinstance(moment, datetime.datetime):
        try:
            return moment.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")
        except (OverflowError, ValueError):
            raise InvalidParameterError(f"{name} is outside the calendar in UTC: {moment!r}") from None
    raise InvalidParameterError(f"{name} must be a datetime or an ISO 8601 string, not {type(moment).__name__}")


def _limiter(rate_limit: tuple[int, float] | None) -> SlidingWindowLimiter | None:
    if rate_limit is None:
        return None
    try:
        max_requests, per_seconds = rate_limit
        return SlidingWindowLimiter(max_requests, per_seconds)
    except (TypeError, ValueError) as exc:
        raise ConfigurationError(f"logs_rate_limit must be (requests, seconds) or None: {exc}") from None


def _certainly_not_acted_on(outcome: _Outcome) -> bool:
    """Whether a failed attempt certainly did not reach the server, or the server says it did nothing.

    No connection was made (refused, DNS, connect timeout, no pooled connection in time: the request
    was never written), or the server answered 429, which refuses a request without acting on it.
    Everything else (a read error or timeout, a connection reset after writing, a 5xx) may come after
    the server acted."""
    if isinstance(outcome, _Answer):
        return outcome.response.status_code == 429
    return isinstance(outcome, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)


async def _async_sleep(delay: float) -> None:
    import asyncio

    await asyncio.sleep(delay)


def _as_of(moment: datetime.datetime | None) -> datetime.datetime:
    if moment is None:
        return datetime.datetime.now(datetime.UTC)
    if not isinstance(moment, datetime.datetime):
        raise InvalidParameterError(f"as_of must be a datetime, not {type(moment).__name__}")
    try:
        return moment.astimezone(datetime.UTC)
    except (OverflowError, ValueError):
        raise InvalidParameterError(f"as_of is outside the calendar in UTC: {moment!r}") from None


def _enum_value(kind: type[EnumT], name: str, value: EnumT | str) -> EnumT:
    # Only the values the spec lists: the generated enums are open to what a server sends, but a
    # filter the API does not document is a mistake of the caller's.
    member = kind._value2member_map_.get(value) if isinstance(value, str | enum.Enum) else None
    if member is None:
        allowed = ", ".join(str(member.value) for member in kind)
        raise InvalidParameterError(f"{name} must be one of {allowed}, not {value!r}")
    return member  # type: ignore[return-value]


def _positive_whole(name: str, value: object, error: type[AIMLAPIError]) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise error(f"{name} must be a whole number, 1 or more, not {value!r}")
    return value


def _seconds(name: str, value: object, error: type[AIMLAPIError]) -> float | None:
    try:
        return check_seconds(name, value)
    except ValueError as exc:
        raise error(str(exc)) from None


def _check_timeout(value: object, error: type[AIMLAPIError]) -> None:
    if isinstance(value, httpx.Timeout):
        for part in ("connect", "read", "write", "pool"):
            _seconds(f"timeout.{part}", getattr(value, part), error)
    else:
        _seconds("timeout", value, error)


class _BaseBilling(Generic[HttpClientT]):
    _client: HttpClientT

    def __init__(
        self,
        *,
        api_key: str | None,
        base_url: str | None,
        timeout: TimeoutTypes | _NotGiven,
        deadline: DeadlineTypes,
        max_retries: int,
        max_response_bytes: int | None,
        http_client: HttpClientT | None,
        default_headers: Mapping[str, str] | None,
        allow_insecure_http: bool,
        logs_rate_limit: tuple[int, float] | None,
    ) -> None:
        configure_logging()
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or not 0 <= max_retries <= 100:
            raise ConfigurationError(f"max_retries must be a whole number from 0 to 100, not {max_retries!r}")
        self._api_key = resolve_api_key(api_key)
        self._redactor = Redactor(self._api_key)
        install_log_filter(self._redactor)
        self.base_url = resolve_base_url(base_url, allow_insecure_http)
        self.max_retries = max_retries
        self.deadline = _seconds("deadline", deadline, ConfigurationError)
        if max_response_bytes is not None:
            _positive_whole("max_response_bytes", max_response_bytes, ConfigurationError)
        self.max_response_bytes = max_response_bytes
        if isinstance(timeout, _NotGiven):
            # A caller's own client keeps its own timeout unless one is given here.
            self.timeout: Any = httpx.USE_CLIENT_DEFAULT if http_client is not None else DEFAULT_TIMEOUT
        else:
            _check_timeout(timeout, ConfigurationError)
            self.timeout = timeout
        self._owns_client = http_client is None
        # Our own pool carries the headers; a caller's client, and nothing else, gets them per request.
        self._pool_has_headers = http_client is None
        self._logs_limiter = _limiter(logs_rate_limit)
        self._resources: dict[str, Any] = {}
        self._bound: dict[object, Any] = {}  # the methods of this client, bound once (see _resource.bound)
        #: The last timeout and the wall time an attempt with it may take (see _build_request).
        self._attempt_for: tuple[Any, float | None] = (NOT_GIVEN, None)
        self._headers = {
            "User-Agent": USER_AGENT,
            "Accept": "application/json",
            "Accept-Encoding": ACCEPT_ENCODING,
            **(default_headers or {}),
            "Authorization": f"Bearer {self._api_key}",
        }

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, max_retries={self.max_retries})"

    def with_options(
        self,
        *,
        timeout: TimeoutTypes | _NotGiven = NOT_GIVEN,
        deadline: DeadlineTypes | _NotGiven = NOT_GIVEN,
        max_retries: int | _NotGiven = NOT_GIVEN,
        max_response_bytes: int | _NotGiven | None = NOT_GIVEN,
    ) -> Self:
        """A copy of this client with other defaults, sharing its connection pool, its rate limit and
        its redaction (a key created through either is redacted by both). Closing the copy leaves
        the pool open: the original owns it."""
        other = copy.copy(self)
        other._owns_client = False
        other._resources = {}
        other._bound = {}
        if not isinstance(timeout, _NotGiven):
            _check_timeout(timeout, InvalidParameterError)
            other.timeout = timeout
        if not isinstance(deadline, _NotGiven):
            other.deadline = _seconds("deadline", deadline, InvalidParameterError)
        if not isinstance(max_retries, _NotGiven):
            if isinstance(max_retries, bool) or not isinstance(max_retries, int) or not 0 <= max_retries <= 100:
                raise InvalidParameterError(f"max_retries must be a whole number from 0 to 100, not {max_retries!r}")
            other.max_retries = max_retries
        if not isinstance(max_response_bytes, _NotGiven):
            if max_response_bytes is not None:
                _positive_whole("max_response_bytes", max_response_bytes, InvalidParameterError)
            other.max_response_bytes = max_response_bytes
        return other

    @property
    def with_raw_response(self) -> RawMethods:
        """The billing methods returning an :class:`APIResponse` (headers, status, request id,
        ``parse()``): ``billing.with_raw_response.detail()``. For usage, keys and logs:
        ``billing.usage.with_raw_response.total(...)``."""
        return RawMethods(self)

    @property
    def usage(self) -> UsageResource[Self, Parsed]:
        """``GET /v2/usage`` and ``/v2/usage/detail``: spend per key over a window."""
        resource: UsageResource[Self, Parsed] = self._resource("usage")
        return resource

    @property
    def keys(self) -> KeysResource[Self, Parsed]:
        """``/v1/keys``, ``/v1/key``, ``/v1/keys/{prefix}``: list, read, create, update, delete keys."""
        resource: KeysResource[Self, Parsed] = self._resource("keys")
        return resource

    @property
    def logs(self) -> LogsResource[Self, Parsed]:
        """``GET /v2/logs``: one row per request, every page, within the client's rate limit."""
        resource: LogsResource[Self, Parsed] = self._resource("logs")
        return resource

    @property
    def models(self) -> ModelsResource[Self, Parsed]:
        """``GET /v1/models`` and ``GET /models/metrics``: the model catalogue with list prices, latency."""
        resource: ModelsResource[Self, Parsed] = self._resource("models")
        return resource

    def _resource(self, name: str) -> Any:
        # Imported on first use: a client that never reads logs never loads their module or models.
        resource = self._resources.get(name)
        if resource is None:
            module = __import__(f"aimlapi_billing._{name}", fromlist=("RESOURCE",))
            resource = self._resources[name] = module.RESOURCE(self)
        return resource

    def _redact(self, text: str) -> str:
        return self._redactor.text(text)

    def _build_request(
        self, endpoint: Endpoint[ModelT], timeout: TimeoutTypes | _NotGiven, **params: Any
    ) -> tuple[httpx.Request, float | None]:
        """The request, and the wall time one attempt of it may take."""
        if isinstance(timeout, _NotGiven):
            timeout = self.timeout
        else:
            _check_timeout(timeout, InvalidParameterError)
        chosen: Any = timeout
        kwargs = endpoint.request_kwargs(**params)
        # Our own client carries the headers already; merging them per request costs ~10 µs.
        headers = None if self._pool_has_headers else self._headers
        body = kwargs.get("content")
        if body is not None:  # JSON the generated builder wrote, its numbers exact (see json_text)
            headers = {**(headers or {}), "Content-Type": "application/json"}
        request = self._client.build_request(
            kwargs["method"],
            self.base_url + kwargs["url"],
            params=kwargs.get("params"),
            content=body,
            headers=headers,
            timeout=chosen,
        )
        if chosen is httpx.USE_CLIENT_DEFAULT:
            chosen = self._client.timeout
        if chosen is not self._attempt_for[0]:  # the same timeout as the last call, nearly always
            self._attempt_for = (chosen, attempt_seconds(chosen))
        return request, self._attempt_for[1]

    def _check_open(self) -> None:
        """Raise :class:`ClientClosedError` if the connection pool is closed: by :meth:`close`, by the
        client a ``with_options`` copy shares it with, or by the owner of an ``http_client`` passed in
        (httpx itself would raise a bare ``RuntimeError``). A flag check: nothing on the hot path."""
        if self._client.is_closed:
            raise ClientClosedError(
                "this client is closed (by close(), by closing the client a with_options() copy shares its "
                "connection pool with, or, for an http_client passed in, by its owner): make a new client"
            ) from None

    def _check_call_limits(self, timeout: TimeoutTypes | _NotGiven, deadline: DeadlineTypes | _NotGiven) -> None:
        """Check a call's ``timeout`` and ``deadline`` now (an iterator makes its first request later)."""
        if not isinstance(timeout, _NotGiven):
            _check_timeout(timeout, InvalidParameterError)
        self._start(deadline)

    def _start(self, deadline: DeadlineTypes | _NotGiven) -> Deadline:
        """The clock of one call: the client's deadline, or the one given for this call."""
        seconds = (
            self.deadline if isinstance(deadline, _NotGiven) else _seconds("deadline", deadline, InvalidParameterError)
        )
        return Deadline.start(seconds)

    def _body_cap(self, endpoint: Endpoint[ModelT], response: httpx.Response) -> tuple[int, bool]:
        """How many decoded bytes to read, and whether to stop quietly there (error bodies) rather
        than fail."""
        if not response.is_success:
            return MAX_ERROR_BODY_BYTES, True
        return self.max_response_bytes or endpoint.max_bytes, False

    @staticmethod
    def _transaction_filters(
        from_: Moment | None,
        to: Moment | None,
        direction: TransactionDirection | str | None,
        type: TransactionType | str | None,  # the API's name
        limit: int | None,
    ) -> dict[str, Any]:
        """The generated endpoint's keyword arguments, checked and converted before any request."""
        # Loaded with the first ledger call: a balance check never needs the ledger's enums.
        from aimlapi_billing_client.models import TransactionDirection, TransactionType

        filters: dict[str, Any] = {}
        for name, moment in (("from_", from_), ("to", to)):
            if moment is not None:
                filters[name] = _iso_moment(name.rstrip("_"), moment)
        if direction is not None:
            filters["direction"] = _enum_value(TransactionDirection, "direction", direction)
        if type is not None:
            filters["type_"] = _enum_value(TransactionType, "type", type)
        if limit is not None:
            if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 100:
                raise InvalidParameterError(f"limit must be a whole number from 1 to 100, not {limit!r}")
            filters["limit"] = limit
        return filters

    # -- the billing calls, written once for both clients (see _resource.py) ----------------------

    @operation
    def balance(
        self, *, timeout: TimeoutTypes = NOT_GIVEN, deadline: DeadlineTypes = NOT_GIVEN
    ) -> Plan[BalanceResponse]:
        """``GET /v1/billing/balance``: the legacy balance, in credits (2,000,000 credits = 1 USD). Its
        ``auto_debit_status`` is a legacy flag that may contradict :meth:`detail`'s ``autotopup_settings``,
        the current setting (the one the forecast, ``check`` and the exporter follow)."""
        return single(Call(BALANCE), timeout, deadline)

    @operation
    def summary(
        self, *, timeout: TimeoutTypes = NOT_GIVEN, deadline: DeadlineTypes = NOT_GIVEN
    ) -> Plan[BillingResponse]:
        """``GET /v2/billing``: the current balance in USD."""
        return single(Call(SUMMARY), timeout, deadline)

    @operation
    def detail(
        self, *, timeout: TimeoutTypes = NOT_GIVEN, deadline: DeadlineTypes = NOT_GIVEN
    ) -> Plan[BillingDetailResponse]:
        """``GET /v2/billing/detail``: user id, e-mail, balance in USD and auto top-up settings."""
        return single(Call(DETAIL), timeout, deadline)

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
        filters = self._transaction_filters(from_, to, direction, type, limit)
        return single(Call(TRANSACTIONS, {"cursor": cursor, **filters}), timeout, deadline)

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
    ) -> WalkPlan[Transaction]:
        """Every ledger entry matching the filters, newest first, fetching pages as you iterate
        (``async for`` on :class:`AsyncBilling`).

        Filters are checked now; the first request is made by the first ``next()``. Pages hold
        ``limit`` entries (default 100, the maximum); each page is a call of its own (retries,
        ``deadline``). A walk that does not end raises :class:`PaginationError`: a cursor seen
        before, three empty pages in a row that say ``has_more``, or more than ``max_pages`` pages.
        """
        filters = self._transaction_filters(from_, to, direction, type, ITERATION_PAGE_SIZE if limit is None else limit)
        walk = _LedgerWalk(_positive_whole("max_pages", max_pages, InvalidParameterError))
        return WalkPlan(_ledger_entries(filters, walk), timeout, deadline)

    @operation
    def forecast(
        self,
        *,
        window: datetime.timedelta = datetime.timedelta(days=30),
        as_of: datetime.datetime | None = None,
        detail: BillingDetailResponse | None = None,
        max_pages: int = DEFAULT_MAX_PAGES,
        timeout: TimeoutTypes = NOT_GIVEN,
        deadline: DeadlineTypes = NOT_GIVEN,
    ) -> Plan[Forecast]:
        """Spend over ``window`` and the runway it implies: one detail call and the ledger's pages back
        to the window's start (read lazily, newest first). ``as_of`` (default now) ends the window;
        ``detail``, a :meth:`detail` answer you already have, saves that call. ``deadline`` bounds
        the whole forecast, every page included."""
        from ._forecast import LedgerWindow  # with its models, only for a forecast (import cost of the rest)

        ledger = LedgerWindow(_as_of(as_of), window)
        if detail is not None:  # one built by hand has not passed _parse: the same currency rule
            try:
                check_currency(detail, "detail.")
            except SchemaError as exc:
                raise InvalidParameterError(str(exc)) from None
        walk = _LedgerWalk(_positive_whole("max_pages", max_pages, InvalidParameterError))
        filters = self._transaction_filters(ledger.start, None, None, None, ITERATION_PAGE_SIZE)
        return Plan(_forecast_steps(ledger, walk, filters, detail), timeout, deadline)

    @operation
    def reconcile(
        self,
        *,
        period: str | None = None,
        start: Moment | None = None,
        end: Moment | None = None,
        tolerance: Decimal | float | str = "0.01",
        settle: datetime.timedelta = datetime.timedelta(minutes=15),
        max_pages: int = DEFAULT_MAX_PAGES,
        timeout: TimeoutTypes = NOT_GIVEN,
        deadline: DeadlineTypes = NOT_GIVEN,
    ) -> Plan[Reconciliation]:
        """The ledger's ``MODEL_USAGE`` charges, every key's request logs and usage totals for one
        window (``period``, or ``start`` and ``end``, as for ``usage.total``), side by side: totals,
        ids in one record and not another, amounts that differ, and ``.agree``. Differences below
        ``tolerance`` USD are agreement; a charge may land ``settle`` after its request. Needs a
        management key (it lists the keys); ``deadline`` covers every request (see ``_reconcile.py``)."""
        from ._reconcile import reconcile_plan  # with its models, only for a reconciliation

        return reconcile_plan(
            period=period,
            start=start,
            end=end,
            tolerance=tolerance,
            settle=settle,
            max_pages=max_pages,
            timeout=timeout,
            deadline=deadline,
        )

    def _after_attempt(
        self,
        endpoint: Endpoint[ModelT],
        request: httpx.Request,
        outcome: _Outcome,
        retries_done: int,
        clock: Deadline,
    ) -> _Answer | _Retry:
        """Turn one attempt's outcome into the answer to parse, a retry after a delay, or a raised error."""
        if isinstance(outcome, _Answer):
            if logger.isEnabledFor(logging.DEBUG):
                self._log_response(outcome.response)
            if 200 <= outcome.response.status_code < 300:
                return outcome
        if isinstance(outcome, BodyTooLarge):
            raise ResponseTooLargeError(
                f"{endpoint.name} returned {outcome.response.status_code} with a body larger than "
                f"{outcome.cap:,} bytes (decoded); stopped reading there (max_response_bytes sets the cap)",
                response=self._shown(endpoint, outcome.response, outcome.body),
            )
        if isinstance(outcome, UnsupportedEncoding):
            raise ResponseValidationError(
                self._redact(
                    f"{endpoint.name} returned a body in Content-Encoding {outcome.encoding!r}, "
                    f"which the SDK did not ask for ({ACCEPT_ENCODING})"
                ),
                response=self._redactor.response(outcome.response, b""),
            )
        if isinstance(outcome, httpx.DecodingError):
            raise ResponseValidationError(self._redact(f"{endpoint.name} returned a body that {outcome}")) from None
        error, retryable, headers = self._classify(request, outcome)
        if endpoint.retry is Retry.UNTIL_SENT and retryable and not _certainly_not_acted_on(outcome):
            self._raise(self._outcome_unknown(endpoint, error), clock)
        if not retryable or retries_done >= self.max_retries:
            self._raise(error, clock)
        left = clock.left()
        requested = server_requested_delay(headers)
        if isinstance(error, APIStatusError):
            error.retry_after = requested
        if requested is not None:
            limit = MAX_RETRY_AFTER if left is None else left
            if requested >= limit:
                within = (
                    f"longer than the {MAX_RETRY_AFTER:g} s the SDK waits without a deadline"
                    if left is None
                    else f"more than the {max(left, 0):.1f} s left of the {clock.seconds:g} s deadline"
                )
                error.add_note_to_message(f"the server asked to wait {requested:g} s before a retry, {within}")
                raise error
        delay = backoff_delay(retries_done) if requested is None else requested
        if left is not None and delay >= left:
            self._raise(error, clock, f"no time for retry {retries_done + 1} within the {clock.seconds:g} s deadline")
        logger.info(
            "Retrying %s %s in %.2f s (retry %d of %d) after: %s",
            request.method,
            self._redact(str(request.url)),
            delay,
            retries_done + 1,
            self.max_retries,
            error.message,
        )
        return _Retry(delay)

    @staticmethod
    def _outcome_unknown(endpoint: Endpoint[Any], error: AIMLAPIError) -> AIMLAPIError:
        """The error for a failed attempt of a non-idempotent request that may have reached the server."""
        hint = f"; {endpoint.check_hint}" if endpoint.check_hint else ""
        message = (
            f"{error.message}; the request may have reached the server, so whether it took effect is "
            f"unknown. Not retried, so as not to do it twice{hint}"
        )
        if isinstance(error, APIConnectionError):
            return OutcomeUnknownError(message, request=error.request)
        assert isinstance(error, APIStatusError)  # a 5xx: the server may have acted before it failed
        error.add_note_to_message(f"whether it took effect is unknown; not retried{hint}")
        return error

    @staticmethod
    def _raise(error: AIMLAPIError, clock: Deadline, note: str | None = None) -> NoReturn:
        left = clock.left()
        if note is None and left is not None and left <= 0:
            note = f"the {clock.seconds:g} s deadline is reached"
        if note is not None:
            error.add_note_to_message(note)
        # No `from`: the transport's exception holds the unredacted request.
        raise error from None

    def _classify(self, request: httpx.Request, outcome: _Outcome) -> tuple[AIMLAPIError, bool, httpx.Headers | None]:
        if isinstance(outcome, _Answer):
            return (
                self._status_error(outcome),
                is_retryable_status(outcome.response.status_code),
                outcome.response.headers,
            )
        shown = self._redactor.request(request)
        where = f"{request.method} {shown.url}"
        if isinstance(outcome, BodyTooSlow | httpx.TimeoutException):
            return APITimeoutError(f"Request timed out: {where}", request=shown), True, None
        retryable = isinstance(outcome, RETRYABLE_TRANSPORT_ERRORS)
        detail = self._redact(str(outcome)) or type(outcome).__name__
        return APIConnectionError(f"Connection error: {where}: {detail}", request=shown), retryable, None

    def _status_error(self, answer: _Answer) -> APIStatusError:
        response = answer.response
        body: Any = None
        message = request_id = None
        with contextlib.suppress(UnreadableJSON):
            body = self._redactor.data(parse_json(answer.body, MAX_JSON_DEPTH))
        if isinstance(body, dict):
            nested = body.get("error")
            candidates = (
                body.get("message"),
                nested.get("message") if isinstance(nested, dict) else nested,
                body.get("title"),
            )
            message = next((c for c in candidates if isinstance(c, str) and c.strip()), None)
            request_id = body.get("requestId") if isinstance(body.get("requestId"), str) else None
        message = printable(self._redact(message or response.reason_phrase or f"HTTP {response.status_code}")[:500])
        request_id = request_id or response.headers.get("x-request-id")
        if request_id is not None:
            request_id = printable(self._redact(request_id[:200]))
        error_class = status_error_class(response.status_code)
        shown = self._redactor.response(response, answer.body)
        return error_class(message, response=shown, body=body, request_id=request_id)

    def _finish(self, endpoint: Endpoint[Any], answer: _Answer) -> Any:
        """The parsed model of a 2xx answer; for a non-idempotent call, a body that cannot be read
        still means the call took effect, and the error says so."""
        try:
            return self._parse(endpoint, answer)
        except ResponseValidationError as error:
            if endpoint.retry is Retry.UNTIL_SENT:
                hint = f"; {endpoint.check_hint}" if endpoint.check_hint else ""
                error.add_note_to_message(f"the server answered {answer.response.status_code}: it took effect{hint}")
            raise

    def _shown(self, endpoint: Endpoint[Any], response: httpx.Response, body: bytes) -> httpx.Response:
        """A copy of ``response`` for an error: redacted; without the body of a 2xx that holds a secret
        (its secret may be unreadable, so not redactable)."""
        return self._redactor.response(response, b"" if endpoint.secret_path and response.is_success else body)

    def _register_secret(self, endpoint: Endpoint[Any], data: Any) -> None:
        for step in endpoint.secret_path:
            data = data.get(step) if isinstance(data, dict) else None
        if isinstance(data, str) and data:
            self._redactor.add(data)

    def _convert(self, call: Call, model: Any) -> Any:
        return model if call.convert is None else call.convert(self, model)

    def _respond(self, parsed: Any, answers: list[_Answer]) -> APIResponse[Any]:
        # Copies built after the plan ran, so a key it created is redacted from them too.
        return APIResponse([self._redactor.response(answer.response, answer.body) for answer in answers], parsed)

    def _rate_slot(self, endpoint: Endpoint[Any], request: httpx.Request, clock: Deadline) -> float:
        """Seconds to wait before sending ``request``, by the client's rate limit for its endpoint."""
        if not endpoint.rate_limited or self._logs_limiter is None:
            return 0.0
        wait = self._logs_limiter.reserve(clock.ends_at)
        if wait is None:
            limiter = self._logs_limiter
            raise APITimeoutError(
                f"{endpoint.name}: the client's rate limit ({limiter.max_requests} requests per "
                f"{limiter.per_seconds:g} s) has no slot before the {clock.seconds:g} s deadline",
                request=self._redactor.request(request),
            )
        return wait

    def _log_request(self, request: httpx.Request) -> None:
        """Log ``request`` at DEBUG (the caller checks that DEBUG is on: it runs for every attempt)."""
        logger.debug("Request: %s %s", request.method, self._redact(str(request.url)))

    def _log_response(self, response: httpx.Response) -> None:
        """Log ``response`` at DEBUG (the caller checks that DEBUG is on)."""
        logger.debug(
            "Response: %s %s -> %d (request id %s)",
            response.request.method,
            self._redact(str(response.request.url)),
            response.status_code,
            printable(self._redact(response.headers.get("x-request-id", "none")[:200])),
        )

    def _parse(self, endpoint: Endpoint[ModelT], answer: _Answer) -> ModelT:
        media_type = answer.media_type
        if media_type and media_type != "application/json" and not media_type.endswith("+json"):
            raise self._invalid(endpoint, answer, f"the body is {media_type[:100]!r}, not JSON")
        try:
            data = parse_json(answer.body, MAX_JSON_DEPTH)
        except UnreadableJSON as exc:
            raise self._invalid(endpoint, answer, str(exc)) from None
        if endpoint.secret_path:
            self._register_secret(endpoint, data)
        if type(data) is not dict:
            raise self._invalid(endpoint, answer, f"the body is a JSON {type(data).__name__}, not an object")
        try:
            # The generated from_dict checks every field it reads (see its SchemaError).
            model: ModelT = endpoint.model_class().from_dict(data)
            check_currency(model)  # every answer with a currency, in this one place: USD or refused
        except SchemaError as exc:
            raise self._invalid(endpoint, answer, str(exc)) from None
        return model

    def _invalid(self, endpoint: Endpoint[Any], answer: _Answer, reason: str) -> ResponseValidationError:
        """The error for a 2xx answer that cannot be used, saying why (built only when one is raised)."""
        response = answer.response
        where = f"{response.request.method} {response.request.url.path} returned {response.status_code}"
        return ResponseValidationError(
            self._redact(f"{where} but {reason}"), response=self._shown(endpoint, response, answer.body)
        )


class Billing(_BaseBilling[httpx.Client]):
    """Synchronous client. Use it as a context manager, or call :meth:`close`.

    Args:
        api_key: Defaults to ``$AIML_API_KEY``, then ``$AIMLAPI_API_KEY``; surrounding whitespace is
            stripped, and a key with a control or non-ASCII character is a ``ConfigurationError``.
        base_url: The API's origin, host only. Defaults to ``$AIMLAPI_BILLING_BASE_URL``, then
            ``https://api.aimlapi.com``.
        timeout: Seconds, or an ``httpx.Timeout``, for one attempt. Default: 5 s to connect, 30 s
            for the whole attempt however slowly the bytes come.
        deadline: Seconds for a whole call: every attempt, backoff sleep and ``Retry-After`` wait
            (default 120; ``None``: no limit but the attempts'). Every method also takes ``deadline=``.
        max_retries: Retries after a 408, 409, 429, 5xx, connection error or timeout (default 2).
        max_response_bytes: Cap on a response body, decoded, for every endpoint. Default: 64 KiB for
            the account calls, 4 MiB for a ledger page.
        http_client: Your own ``httpx.Client`` (proxies, certificates); it stays yours to close.
        default_headers: Extra headers sent with every request.
        allow_insecure_http: Allow plain ``http://`` to a host that is not loopback.
        logs_rate_limit: ``(requests, seconds)``: the sliding window that requests to ``/v2/logs``
            wait for (default 190 per 60 s; the API's limit is 200), shared by every call of this
            client and its ``with_options`` copies. ``None`` turns it off.
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        timeout: TimeoutTypes = NOT_GIVEN,
        deadline: DeadlineTypes = DEFAULT_DEADLINE,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_response_bytes: int | None = None,
        http_client: httpx.Client | None = None,
        default_headers: Mapping[str, str] | None = None,
        allow_insecure_http: bool = False,
        logs_rate_limit: tuple[int, float] | None = DEFAULT_LOGS_RATE_LIMIT,
    ) -> None:
        super().__init__(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            deadline=deadline,
            max_retries=max_retries,
            max_response_bytes=max_response_bytes,
            http_client=http_client,
            default_headers=default_headers,
            allow_insecure_http=allow_insecure_http,
            logs_rate_limit=logs_rate_limit,
        )
        self._client = http_client or httpx.Client(timeout=DEFAULT_TIMEOUT, headers=self._headers)
        bound_transports(self._client)

    def _send(
        self, endpoint: Endpoint[Any], timeout: TimeoutTypes | _NotGiven, clock: Deadline, params: Mapping[str, Any]
    ) -> tuple[Any, _Answer]:
        self._check_open()
        request, attempt = self._build_request(endpoint, timeout, **params)
        retries_done = 0
        while True:
            if endpoint.rate_limited:
                wait = self._rate_slot(endpoint, request, clock)
                if wait:
                    time.sleep(wait)
            ends_at = clock.attempt_end(attempt)
            outcome: _Outcome
            if logger.isEnabledFor(logging.DEBUG):
                self._log_request(request)
            bounded = ATTEMPT_ENDS_AT.set(ends_at)
            try:
                response = self._client.send(request, stream=True)
                cap, truncate = self._body_cap(endpoint, response)
                encoding, media_type = content_headers(response)
                body = read_body(response, cap, ends_at, truncate=truncate, encoding=encoding)
                outcome = _Answer(response, body, media_type)
            except _ATTEMPT_FAILURES as exc:
                outcome = exc
            except RuntimeError:
                self._check_open()  # closed since the check above (another thread, a retry's wait)
                raise
            finally:
                ATTEMPT_ENDS_AT.reset(bounded)
            step = self._after_attempt(endpoint, request, outcome, retries_done, clock)
            if not isinstance(step, _Retry):
                return self._finish(endpoint, step), step
            retries_done += 1
            time.sleep(step.delay)

    def _run(self, plan: Plan[T], raw: bool) -> Any:
        """Make the requests of ``plan``, one after another, within its deadline."""
        clock = self._start(plan.deadline)
        steps = plan.steps
        if isinstance(steps, Call):  # one request
            model, answer = self._send(steps.endpoint, plan.timeout, clock, steps.params)
            result = self._convert(steps, model)
            return self._respond(result, [answer]) if raw else result
        answers: list[_Answer] = []
        received: Any = None
        while True:
            try:
                call = steps.send(received)
            except StopIteration as done:
                return self._respond(done.value, answers) if raw else done.value
            model, answer = self._send(call.endpoint, plan.timeout, clock, call.params)
            received = self._convert(call, model)
            if raw:  # only a raw call returns them: a forecast's thousand pages must not stay in memory
                answers.append(answer)

    def _walk(self, plan: WalkPlan[T]) -> Iterator[T]:
        self._check_open()
        self._check_call_limits(plan.timeout, plan.deadline)
        return self._walk_steps(plan)

    def _walk_steps(self, plan: WalkPlan[T]) -> Iterator[T]:
        received: Any = None
        while True:
            try:
                step = plan.steps.send(received)
            except StopIteration:
                return
            if isinstance(step, Call):
                # Each page is a call of its own: its own retries and deadline.
                model = self._send(step.endpoint, plan.timeout, self._start(plan.deadline), step.params)[0]
                received = self._convert(step, model)
            else:
                received = None
                yield step

    def close(self) -> None:
        """Close the connection pool (not a client you passed in)."""
        if self._owns_client:
            self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncBilling(_BaseBilling[httpx.AsyncClient]):
    """Asynchronous client; the same arguments as :class:`Billing`, with an ``httpx.AsyncClient``."""

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        timeout: TimeoutTypes = NOT_GIVEN,
        deadline: DeadlineTypes = DEFAULT_DEADLINE,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_response_bytes: int | None = None,
        http_client: httpx.AsyncClient | None = None,
        default_headers: Mapping[str, str] | None = None,
        allow_insecure_http: bool = False,
        logs_rate_limit: tuple[int, float] | None = DEFAULT_LOGS_RATE_LIMIT,
    ) -> None:
        super().__init__(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            deadline=deadline,
            max_retries=max_retries,
            max_response_bytes=max_response_bytes,
            http_client=http_client,
            default_headers=default_headers,
            allow_insecure_http=allow_insecure_http,
            logs_rate_limit=logs_rate_limit,
        )
        self._client = http_client or httpx.AsyncClient(timeout=DEFAULT_TIMEOUT, headers=self._headers)

    async def _send(
        self, endpoint: Endpoint[Any], timeout: TimeoutTypes | _NotGiven, clock: Deadline, params: Mapping[str, Any]
    ) -> tuple[Any, _Answer]:
        # asyncio is imported here, not at the top: it is a quarter of the SDK's import time, and only
        # AsyncBilling, whose callers have imported it already, uses it.
        import asyncio

        self._check_open()
        request, attempt = self._build_request(endpoint, timeout, **params)
        retries_done = 0
        while True:
            if endpoint.rate_limited:
                wait = self._rate_slot(endpoint, request, clock)
                if wait:
                    await _async_sleep(wait)
            ends_at = clock.attempt_end(attempt)
            outcome: _Outcome
            if logger.isEnabledFor(logging.DEBUG):
                self._log_request(request)
            try:
                async with asyncio.timeout(None if ends_at is None else ends_at - time.monotonic()):
                    response = await self._client.send(request, stream=True)
                    cap, truncate = self._body_cap(endpoint, response)
                    encoding, media_type = content_headers(response)
                    body = await aread_body(response, cap, ends_at, truncate=truncate, encoding=encoding)
                    outcome = _Answer(response, body, media_type)
            except _ATTEMPT_FAILURES as exc:
                outcome = exc
            except TimeoutError:  # asyncio.timeout: the attempt's wall time is up
                outcome = BodyTooSlow()
            except RuntimeError:
                self._check_open()  # closed since the check above (another task, a retry's wait)
                raise
            step = self._after_attempt(endpoint, request, outcome, retries_done, clock)
            if not isinstance(step, _Retry):
                return self._finish(endpoint, step), step
            retries_done += 1
            await _async_sleep(step.delay)

    async def _run(self, plan: Plan[T], raw: bool) -> Any:
        """Make the requests of ``plan``, one after another, within its deadline."""
        clock = self._start(plan.deadline)
        steps = plan.steps
        if isinstance(steps, Call):  # one request
            model, answer = await self._send(steps.endpoint, plan.timeout, clock, steps.params)
            result = self._convert(steps, model)
            return self._respond(result, [answer]) if raw else result
        answers: list[_Answer] = []
        received: Any = None
        while True:
            try:
                call = steps.send(received)
            except StopIteration as done:
                return self._respond(done.value, answers) if raw else done.value
            model, answer = await self._send(call.endpoint, plan.timeout, clock, call.params)
            received = self._convert(call, model)
            if raw:  # only a raw call returns them: a forecast's thousand pages must not stay in memory
                answers.append(answer)

    def _walk(self, plan: WalkPlan[T]) -> AsyncIterator[T]:
        self._check_open()
        self._check_call_limits(plan.timeout, plan.deadline)
        return self._walk_steps(plan)

    async def _walk_steps(self, plan: WalkPlan[T]) -> AsyncIterator[T]:
        received: Any = None
        while True:
            try:
                step = plan.steps.send(received)
            except StopIteration:
                return
            if isinstance(step, Call):
                model = (await self._send(step.endpoint, plan.timeout, self._start(plan.deadline), step.params))[0]
                received = self._convert(step, model)
            else:
                received = None
                yield step

    async def aclose(self) -> None:
        """Close the connection pool (not a client you passed in)."""
        if self._owns_client:
            await self._client.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()
