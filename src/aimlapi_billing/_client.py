"""``Billing`` and ``AsyncBilling``: the generated client's endpoints, with the parts a real SDK needs.

The request (method, path, query) comes from each generated endpoint module and the result is the
generated attrs model; around that this module adds the API key lookup, one reused connection
pool, timeouts, retries with backoff, typed errors and response validation. The retry decision
lives in :meth:`_BaseBilling._after_attempt`, shared by the sync and async drivers, which differ
only in how they send and sleep.
"""

from __future__ import annotations

import contextlib
import datetime
import enum
import json
import logging
import time
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Self, TypeVar

import httpx
from aimlapi_billing_client.api.billing import get_balance, get_billing, get_billing_detail, list_transactions
from aimlapi_billing_client.models import (
    BalanceResponse,
    BillingDetailResponse,
    BillingResponse,
    Transaction,
    TransactionDirection,
    TransactionsResponse,
    TransactionType,
)

from ._config import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    USER_AGENT,
    resolve_api_key,
    resolve_base_url,
)
from ._exceptions import (
    AIMLAPIError,
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    ConfigurationError,
    InvalidParameterError,
    ResponseValidationError,
    status_error_class,
)
from ._forecast import Forecast, LedgerWindow
from ._retry import RETRYABLE_TRANSPORT_ERRORS, is_retryable_status, retry_delay
from ._validation import SchemaMismatch, check_containers, check_model

__all__ = ["AsyncBilling", "Billing"]

logger = logging.getLogger("aimlapi_billing")

ModelT = TypeVar("ModelT")
HttpClientT = TypeVar("HttpClientT", httpx.Client, httpx.AsyncClient)

TimeoutTypes = float | httpx.Timeout | None


class _NotGiven:
    """Marks an argument the caller left out (``None`` means "no timeout" for httpx)."""

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Any = _NotGiven()


@dataclass(frozen=True)
class _Endpoint(Generic[ModelT]):
    """One generated endpoint: how to build its request, and the model its 2xx body parses into."""

    request_kwargs: Callable[..., dict[str, Any]]
    model: type[ModelT]


BALANCE = _Endpoint(get_balance._get_kwargs, BalanceResponse)
SUMMARY = _Endpoint(get_billing._get_kwargs, BillingResponse)
DETAIL = _Endpoint(get_billing_detail._get_kwargs, BillingDetailResponse)
TRANSACTIONS = _Endpoint(list_transactions._get_kwargs, TransactionsResponse)

#: Page size when iterating over the whole ledger: the API's maximum, for the fewest requests.
ITERATION_PAGE_SIZE = 100

Moment = datetime.datetime | str
EnumT = TypeVar("EnumT", bound=enum.Enum)


@dataclass(frozen=True)
class _Retry:
    delay: float


def _iso_moment(name: str, moment: Moment) -> str:
    """A datetime as ISO 8601 with an offset (naive means local time, as in Python); a string as is."""
    if isinstance(moment, str):
        return moment
    if isinstance(moment, datetime.datetime):
        return moment.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")
    raise InvalidParameterError(f"{name} must be a datetime or an ISO 8601 string, not {type(moment).__name__}")


async def _async_sleep(delay: float) -> None:
    # asyncio is imported here, not at the top: it is a quarter of the SDK's import time, and only
    # AsyncBilling, whose callers have imported it already, ever sleeps with it.
    import asyncio

    await asyncio.sleep(delay)


def _as_of(moment: datetime.datetime | None) -> datetime.datetime:
    if moment is None:
        return datetime.datetime.now(datetime.UTC)
    return moment.astimezone(datetime.UTC)


def _enum_value(kind: type[EnumT], name: str, value: EnumT | str) -> EnumT:
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(str(member.value) for member in kind)
        raise InvalidParameterError(f"{name} must be one of {allowed}, not {value!r}") from None


class _BaseBilling(Generic[HttpClientT]):
    _client: HttpClientT

    def __init__(
        self,
        *,
        api_key: str | None,
        base_url: str | None,
        timeout: TimeoutTypes | _NotGiven,
        max_retries: int,
        http_client: HttpClientT | None,
        default_headers: Mapping[str, str] | None,
        allow_insecure_http: bool,
    ) -> None:
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
            raise ConfigurationError(f"max_retries must be a whole number, 0 or more, not {max_retries!r}")
        self._api_key = resolve_api_key(api_key)
        self.base_url = resolve_base_url(base_url, allow_insecure_http)
        self.max_retries = max_retries
        if isinstance(timeout, _NotGiven):
            # A caller's own client keeps its own timeout unless one is given here.
            self.timeout: Any = httpx.USE_CLIENT_DEFAULT if http_client is not None else DEFAULT_TIMEOUT
        else:
            self.timeout = timeout
        self._owns_client = http_client is None
        self._headers = {
            "User-Agent": USER_AGENT,
            "Accept": "application/json",
            **(default_headers or {}),
            "Authorization": f"Bearer {self._api_key}",
        }

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, max_retries={self.max_retries})"

    def _redact(self, text: str) -> str:
        return text.replace(self._api_key, "<redacted>")

    def _build_request(
        self, endpoint: _Endpoint[Any], timeout: TimeoutTypes | _NotGiven, **params: Any
    ) -> httpx.Request:
        kwargs = endpoint.request_kwargs(**params)
        return self._client.build_request(
            kwargs["method"],
            self.base_url + kwargs["url"],
            params=kwargs.get("params"),
            # Our own client carries the headers already; merging them per request costs ~10 µs.
            headers=None if self._owns_client else self._headers,
            timeout=self.timeout if isinstance(timeout, _NotGiven) else timeout,
        )

    @staticmethod
    def _transaction_filters(
        from_: Moment | None,
        to: Moment | None,
        direction: TransactionDirection | str | None,
        type: TransactionType | str | None,  # the API's name
        limit: int | None,
    ) -> dict[str, Any]:
        """The generated endpoint's keyword arguments, checked and converted before any request."""
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

    @staticmethod
    def _next_cursor(page: TransactionsResponse, cursor: str | None) -> str | None:
        """The cursor of the page after ``page``, exactly as the API gave it; None after the last."""
        pagination = page.pagination
        if not pagination.has_more or not pagination.next_cursor:
            return None
        if pagination.next_cursor == cursor:
            raise AIMLAPIError(
                "GET /v2/billing/transactions returned the cursor it was given: stopping instead of looping"
            )
        return pagination.next_cursor

    def _after_attempt(
        self,
        endpoint: _Endpoint[ModelT],
        request: httpx.Request,
        outcome: httpx.Response | Exception,
        retries_done: int,
    ) -> ModelT | _Retry:
        """Turn one attempt's outcome into the result, a retry after a delay, or a raised error."""
        if isinstance(outcome, httpx.Response) and outcome.is_success:
            return self._parse(endpoint, outcome)
        error, retryable, headers = self._classify(request, outcome)
        if not retryable or retries_done >= self.max_retries:
            if isinstance(outcome, Exception):
                raise error from outcome
            raise error
        delay = retry_delay(retries_done, headers)
        logger.info(
            "Retrying %s %s in %.2f s (retry %d of %d) after: %s",
            request.method,
            request.url,
            delay,
            retries_done + 1,
            self.max_retries,
            error.message,
        )
        return _Retry(delay)

    def _classify(
        self, request: httpx.Request, outcome: httpx.Response | Exception
    ) -> tuple[AIMLAPIError, bool, httpx.Headers | None]:
        if isinstance(outcome, httpx.Response):
            return self._status_error(outcome), is_retryable_status(outcome.status_code), outcome.headers
        retryable = isinstance(outcome, RETRYABLE_TRANSPORT_ERRORS)
        if isinstance(outcome, httpx.TimeoutException):
            return (
                APITimeoutError(f"Request timed out: {request.method} {request.url}", request=request),
                retryable,
                None,
            )
        detail = self._redact(str(outcome)) or type(outcome).__name__
        message = f"Connection error: {request.method} {request.url}: {detail}"
        return APIConnectionError(message, request=request), retryable, None

    def _status_error(self, response: httpx.Response) -> APIStatusError:
        body: Any = None
        message = request_id = None
        with contextlib.suppress(ValueError):
            body = json.loads(response.content)
        if isinstance(body, dict):
            nested = body.get("error")
            candidates = (
                body.get("message"),
                nested.get("message") if isinstance(nested, dict) else nested,
                body.get("title"),
            )
            message = next((c for c in candidates if isinstance(c, str) and c.strip()), None)
            request_id = body.get("requestId") if isinstance(body.get("requestId"), str) else None
        message = self._redact(message or response.reason_phrase or f"HTTP {response.status_code}")[:500]
        request_id = request_id or response.headers.get("x-request-id")
        if request_id is not None:
            request_id = self._redact(request_id)
        error_class = status_error_class(response.status_code)
        return error_class(message, response=response, body=body, request_id=request_id)

    def _parse(self, endpoint: _Endpoint[ModelT], response: httpx.Response) -> ModelT:
        where = f"{response.request.method} {response.request.url.path} returned {response.status_code}"

        def invalid(reason: str) -> ResponseValidationError:
            return ResponseValidationError(self._redact(f"{where} but {reason}"), response=response)

        media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type and media_type != "application/json" and not media_type.endswith("+json"):
            raise invalid(f"the body is {media_type!r}, not JSON")
        try:
            data = json.loads(response.content)
        except ValueError as exc:
            raise invalid(f"the body is not valid JSON ({exc})") from None
        if not isinstance(data, dict):
            raise invalid(f"the body is a JSON {type(data).__name__}, not an object")
        try:
            model = endpoint.model.from_dict(data)  # type: ignore[attr-defined]
            check_model(model)
            check_containers(data, model)
        except KeyError as exc:
            raise invalid(f"the required field {exc.args[0]!r} is missing") from None
        except SchemaMismatch as exc:
            raise invalid(str(exc)) from None
        except (TypeError, ValueError, AttributeError) as exc:
            raise invalid(f"a field has an invalid value ({exc})") from None
        result: ModelT = model
        return result


class Billing(_BaseBilling[httpx.Client]):
    """Synchronous client. Use it as a context manager, or call :meth:`close`.

    Args:
        api_key: Defaults to ``$AIML_API_KEY``, then ``$AIMLAPI_API_KEY``.
        base_url: The API's origin, host only. Defaults to ``$AIMLAPI_BILLING_BASE_URL``, then
            ``https://api.aimlapi.com``.
        timeout: Seconds, or an ``httpx.Timeout``. Default: 5 s to connect, 30 s to read.
        max_retries: Retries after a 408, 409, 429, 5xx, connection error or timeout (default 2).
        http_client: Your own ``httpx.Client`` (proxies, certificates); it stays yours to close.
        default_headers: Extra headers sent with every request.
        allow_insecure_http: Allow plain ``http://`` to a host that is not loopback.
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        timeout: TimeoutTypes = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx.Client | None = None,
        default_headers: Mapping[str, str] | None = None,
        allow_insecure_http: bool = False,
    ) -> None:
        super().__init__(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            http_client=http_client,
            default_headers=default_headers,
            allow_insecure_http=allow_insecure_http,
        )
        self._client = http_client or httpx.Client(timeout=DEFAULT_TIMEOUT, headers=self._headers)

    def balance(self, *, timeout: TimeoutTypes = NOT_GIVEN) -> BalanceResponse:
        """``GET /v1/billing/balance``: the legacy balance, in credits (2,000,000 credits = 1 USD)."""
        return self._request(BALANCE, timeout)

    def summary(self, *, timeout: TimeoutTypes = NOT_GIVEN) -> BillingResponse:
        """``GET /v2/billing``: the current balance in USD."""
        return self._request(SUMMARY, timeout)

    def detail(self, *, timeout: TimeoutTypes = NOT_GIVEN) -> BillingDetailResponse:
        """``GET /v2/billing/detail``: user id, e-mail, balance in USD and auto top-up settings."""
        return self._request(DETAIL, timeout)

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
    ) -> TransactionsResponse:
        """``GET /v2/billing/transactions``: one page of the ledger, newest first.

        Pass ``page.pagination.next_cursor`` back as ``cursor`` for the next page (it is sent exactly
        as received). ``from_``/``to`` take datetimes (naive ones are local time) or ISO 8601 strings;
        ``direction`` and ``type`` take the generated enums or their string values; ``limit`` is
        1 to 100 (the API's default is 50).
        """
        filters = self._transaction_filters(from_, to, direction, type, limit)
        return self._request(TRANSACTIONS, timeout, cursor=cursor, **filters)

    def transactions(
        self,
        *,
        from_: Moment | None = None,
        to: Moment | None = None,
        direction: TransactionDirection | str | None = None,
        type: TransactionType | str | None = None,  # the API's name
        limit: int | None = None,
        timeout: TimeoutTypes = NOT_GIVEN,
    ) -> Iterator[Transaction]:
        """Every ledger entry matching the filters, newest first, fetching pages as you iterate.

        Filters are checked now; the first request is made by the first ``next()``. Pages hold
        ``limit`` entries (default 100, the maximum); each page is retried like any call.
        """
        filters = self._transaction_filters(from_, to, direction, type, ITERATION_PAGE_SIZE if limit is None else limit)
        return self._iterate_transactions(filters, timeout)

    def _iterate_transactions(
        self, filters: dict[str, Any], timeout: TimeoutTypes | _NotGiven
    ) -> Iterator[Transaction]:
        cursor: str | None = None
        while True:
            page = self._request(TRANSACTIONS, timeout, cursor=cursor, **filters)
            yield from page.data
            cursor = self._next_cursor(page, cursor)
            if cursor is None:
                return

    def forecast(
        self,
        *,
        window: datetime.timedelta = datetime.timedelta(days=30),
        as_of: datetime.datetime | None = None,
        detail: BillingDetailResponse | None = None,
        timeout: TimeoutTypes = NOT_GIVEN,
    ) -> Forecast:
        """Spend over ``window`` and the runway it implies: one detail call and the ledger's pages back
        to the window's start (read lazily, newest first). ``as_of`` (default now) ends the window;
        ``detail``, a :meth:`detail` answer you already have, saves that call."""
        ledger = LedgerWindow(_as_of(as_of), window)
        detail = detail or self.detail(timeout=timeout)
        for entry in self.transactions(from_=ledger.start, timeout=timeout):
            if not ledger.add(entry):
                break
        return ledger.forecast(detail)

    def _request(self, endpoint: _Endpoint[ModelT], timeout: TimeoutTypes | _NotGiven, **params: Any) -> ModelT:
        request = self._build_request(endpoint, timeout, **params)
        retries_done = 0
        while True:
            outcome: httpx.Response | Exception
            try:
                outcome = self._client.send(request)
            except httpx.HTTPError as exc:
                outcome = exc
            step = self._after_attempt(endpoint, request, outcome, retries_done)
            if not isinstance(step, _Retry):
                return step
            retries_done += 1
            time.sleep(step.delay)

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
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx.AsyncClient | None = None,
        default_headers: Mapping[str, str] | None = None,
        allow_insecure_http: bool = False,
    ) -> None:
        super().__init__(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            http_client=http_client,
            default_headers=default_headers,
            allow_insecure_http=allow_insecure_http,
        )
        self._client = http_client or httpx.AsyncClient(timeout=DEFAULT_TIMEOUT, headers=self._headers)

    async def balance(self, *, timeout: TimeoutTypes = NOT_GIVEN) -> BalanceResponse:
        """``GET /v1/billing/balance``: the legacy balance, in credits (2,000,000 credits = 1 USD)."""
        return await self._request(BALANCE, timeout)

    async def summary(self, *, timeout: TimeoutTypes = NOT_GIVEN) -> BillingResponse:
        """``GET /v2/billing``: the current balance in USD."""
        return await self._request(SUMMARY, timeout)

    async def detail(self, *, timeout: TimeoutTypes = NOT_GIVEN) -> BillingDetailResponse:
        """``GET /v2/billing/detail``: user id, e-mail, balance in USD and auto top-up settings."""
        return await self._request(DETAIL, timeout)

    async def transactions_page(
        self,
        *,
        cursor: str | None = None,
        from_: Moment | None = None,
        to: Moment | None = None,
        direction: TransactionDirection | str | None = None,
        type: TransactionType | str | None = None,  # the API's name
        limit: int | None = None,
        timeout: TimeoutTypes = NOT_GIVEN,
    ) -> TransactionsResponse:
        """``GET /v2/billing/transactions``: one page; see :meth:`Billing.transactions_page`."""
        filters = self._transaction_filters(from_, to, direction, type, limit)
        return await self._request(TRANSACTIONS, timeout, cursor=cursor, **filters)

    def transactions(
        self,
        *,
        from_: Moment | None = None,
        to: Moment | None = None,
        direction: TransactionDirection | str | None = None,
        type: TransactionType | str | None = None,  # the API's name
        limit: int | None = None,
        timeout: TimeoutTypes = NOT_GIVEN,
    ) -> AsyncIterator[Transaction]:
        """Every matching ledger entry, for ``async for``; see :meth:`Billing.transactions`."""
        filters = self._transaction_filters(from_, to, direction, type, ITERATION_PAGE_SIZE if limit is None else limit)
        return self._iterate_transactions(filters, timeout)

    async def _iterate_transactions(
        self, filters: dict[str, Any], timeout: TimeoutTypes | _NotGiven
    ) -> AsyncIterator[Transaction]:
        cursor: str | None = None
        while True:
            page = await self._request(TRANSACTIONS, timeout, cursor=cursor, **filters)
            for entry in page.data:
                yield entry
            cursor = self._next_cursor(page, cursor)
            if cursor is None:
                return

    async def forecast(
        self,
        *,
        window: datetime.timedelta = datetime.timedelta(days=30),
        as_of: datetime.datetime | None = None,
        detail: BillingDetailResponse | None = None,
        timeout: TimeoutTypes = NOT_GIVEN,
    ) -> Forecast:
        """Spend over ``window`` and the runway it implies; see :meth:`Billing.forecast`."""
        ledger = LedgerWindow(_as_of(as_of), window)
        detail = detail or await self.detail(timeout=timeout)
        async for entry in self.transactions(from_=ledger.start, timeout=timeout):
            if not ledger.add(entry):
                break
        return ledger.forecast(detail)

    async def _request(self, endpoint: _Endpoint[ModelT], timeout: TimeoutTypes | _NotGiven, **params: Any) -> ModelT:
        request = self._build_request(endpoint, timeout, **params)
        retries_done = 0
        while True:
            outcome: httpx.Response | Exception
            try:
                outcome = await self._client.send(request)
            except httpx.HTTPError as exc:
                outcome = exc
            step = self._after_attempt(endpoint, request, outcome, retries_done)
            if not isinstance(step, _Retry):
                return step
            retries_done += 1
            await _async_sleep(step.delay)

    async def aclose(self) -> None:
        """Close the connection pool (not a client you passed in)."""
        if self._owns_client:
            await self._client.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()
