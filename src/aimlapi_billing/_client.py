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
import hashlib
import logging
import time
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, NoReturn, Self, TypeVar

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

from ._body import (
    ACCEPT_ENCODING,
    BodyTooLarge,
    BodyTooSlow,
    UnreadableJSON,
    UnsupportedEncoding,
    aread_body,
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
    resolve_api_key,
    resolve_base_url,
)
from ._deadline import Deadline, attempt_ends_at, attempt_seconds, bound_transports, check_seconds
from ._exceptions import (
    AIMLAPIError,
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    ConfigurationError,
    InvalidParameterError,
    PaginationError,
    ResponseTooLargeError,
    ResponseValidationError,
    status_error_class,
)
from ._forecast import Forecast, LedgerWindow
from ._redaction import Redactor, install_log_filter, printable
from ._retry import (
    MAX_RETRY_AFTER,
    RETRYABLE_TRANSPORT_ERRORS,
    backoff_delay,
    is_retryable_status,
    server_requested_delay,
)
from ._validation import SchemaMismatch, check_containers, check_model

__all__ = ["AsyncBilling", "Billing"]

logger = logging.getLogger("aimlapi_billing")

ModelT = TypeVar("ModelT")
HttpClientT = TypeVar("HttpClientT", httpx.Client, httpx.AsyncClient)

TimeoutTypes = float | httpx.Timeout | None
DeadlineTypes = float | None


class _NotGiven:
    """Marks an argument the caller left out (``None`` means "no timeout" for httpx)."""

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Any = _NotGiven()


@dataclass(frozen=True)
class _Endpoint(Generic[ModelT]):
    """One generated endpoint: how to build its request, and the model its 2xx body parses into."""

    name: str  # "GET /v2/billing", the key of DEFAULT_MAX_RESPONSE_BYTES
    request_kwargs: Callable[..., dict[str, Any]]
    model: type[ModelT]


BALANCE = _Endpoint("GET /v1/billing/balance", get_balance._get_kwargs, BalanceResponse)
SUMMARY = _Endpoint("GET /v2/billing", get_billing._get_kwargs, BillingResponse)
DETAIL = _Endpoint("GET /v2/billing/detail", get_billing_detail._get_kwargs, BillingDetailResponse)
TRANSACTIONS = _Endpoint("GET /v2/billing/transactions", list_transactions._get_kwargs, TransactionsResponse)

#: Page size when iterating over the whole ledger: the API's maximum, for the fewest requests.
ITERATION_PAGE_SIZE = 100

Moment = datetime.datetime | str
EnumT = TypeVar("EnumT", bound=enum.Enum)


@dataclass(frozen=True)
class _Retry:
    delay: float


@dataclass(frozen=True)
class _Answer:
    """A response and its body, read within the bounds."""

    response: httpx.Response
    body: bytes


_Outcome = _Answer | httpx.HTTPError | BodyTooSlow | BodyTooLarge | UnsupportedEncoding
_ATTEMPT_FAILURES = (httpx.HTTPError, BodyTooSlow, BodyTooLarge, UnsupportedEncoding)


class _LedgerWalk:
    """Where a walk through the ledger's pages is, and the guards that make it end."""

    def __init__(self, max_pages: int) -> None:
        self.max_pages = max_pages
        self.pages = 0
        self.empty_in_a_row = 0
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
        self.empty_in_a_row = 0 if page.data else self.empty_in_a_row + 1
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
        return pagination.next_cursor


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
    ) -> None:
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
        self._headers = {
            "User-Agent": USER_AGENT,
            "Accept": "application/json",
            "Accept-Encoding": ACCEPT_ENCODING,
            **(default_headers or {}),
            "Authorization": f"Bearer {self._api_key}",
        }

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, max_retries={self.max_retries})"

    def _redact(self, text: str) -> str:
        return self._redactor.text(text)

    def _build_request(
        self, endpoint: _Endpoint[Any], timeout: TimeoutTypes | _NotGiven, **params: Any
    ) -> tuple[httpx.Request, float | None]:
        """The request, and the wall time one attempt of it may take."""
        if isinstance(timeout, _NotGiven):
            timeout = self.timeout
        else:
            _check_timeout(timeout, InvalidParameterError)
        chosen: Any = timeout
        kwargs = endpoint.request_kwargs(**params)
        request = self._client.build_request(
            kwargs["method"],
            self.base_url + kwargs["url"],
            params=kwargs.get("params"),
            # Our own client carries the headers already; merging them per request costs ~10 µs.
            headers=None if self._owns_client else self._headers,
            timeout=chosen,
        )
        if chosen is httpx.USE_CLIENT_DEFAULT:
            chosen = self._client.timeout
        return request, attempt_seconds(chosen)

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

    def _body_cap(self, endpoint: _Endpoint[Any], response: httpx.Response) -> tuple[int, bool]:
        """How many decoded bytes to read, and whether to stop quietly there (error bodies) rather
        than fail."""
        if not response.is_success:
            return MAX_ERROR_BODY_BYTES, True
        return self.max_response_bytes or DEFAULT_MAX_RESPONSE_BYTES[endpoint.name], False

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

    def _after_attempt(
        self,
        endpoint: _Endpoint[ModelT],
        request: httpx.Request,
        outcome: _Outcome,
        retries_done: int,
        clock: Deadline,
    ) -> ModelT | _Retry:
        """Turn one attempt's outcome into the result, a retry after a delay, or a raised error."""
        if isinstance(outcome, _Answer) and outcome.response.is_success:
            return self._parse(endpoint, outcome)
        if isinstance(outcome, BodyTooLarge):
            raise ResponseTooLargeError(
                f"{endpoint.name} returned {outcome.response.status_code} with a body larger than "
                f"{outcome.cap:,} bytes (decoded); stopped reading there (max_response_bytes sets the cap)",
                response=self._redactor.response(outcome.response, outcome.body),
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

    def _parse(self, endpoint: _Endpoint[ModelT], answer: _Answer) -> ModelT:
        response = answer.response
        where = f"{response.request.method} {response.request.url.path} returned {response.status_code}"

        def invalid(reason: str) -> ResponseValidationError:
            return ResponseValidationError(
                self._redact(f"{where} but {reason}"), response=self._redactor.response(response, answer.body)
            )

        media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type and media_type != "application/json" and not media_type.endswith("+json"):
            raise invalid(f"the body is {media_type[:100]!r}, not JSON")
        try:
            data = parse_json(answer.body, MAX_JSON_DEPTH)
        except UnreadableJSON as exc:
            raise invalid(str(exc)) from None
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
        )
        self._client = http_client or httpx.Client(timeout=DEFAULT_TIMEOUT, headers=self._headers)
        bound_transports(self._client)

    def balance(self, *, timeout: TimeoutTypes = NOT_GIVEN, deadline: DeadlineTypes = NOT_GIVEN) -> BalanceResponse:
        """``GET /v1/billing/balance``: the legacy balance, in credits (2,000,000 credits = 1 USD)."""
        return self._request(BALANCE, timeout, self._start(deadline))

    def summary(self, *, timeout: TimeoutTypes = NOT_GIVEN, deadline: DeadlineTypes = NOT_GIVEN) -> BillingResponse:
        """``GET /v2/billing``: the current balance in USD."""
        return self._request(SUMMARY, timeout, self._start(deadline))

    def detail(
        self, *, timeout: TimeoutTypes = NOT_GIVEN, deadline: DeadlineTypes = NOT_GIVEN
    ) -> BillingDetailResponse:
        """``GET /v2/billing/detail``: user id, e-mail, balance in USD and auto top-up settings."""
        return self._request(DETAIL, timeout, self._start(deadline))

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
    ) -> TransactionsResponse:
        """``GET /v2/billing/transactions``: one page of the ledger, newest first.

        Pass ``page.pagination.next_cursor`` back as ``cursor`` for the next page (it is sent exactly
        as received). ``from_``/``to`` take datetimes (naive ones are local time) or ISO 8601 strings;
        ``direction`` and ``type`` take the generated enums or their string values; ``limit`` is
        1 to 100 (the API's default is 50).
        """
        filters = self._transaction_filters(from_, to, direction, type, limit)
        return self._request(TRANSACTIONS, timeout, self._start(deadline), cursor=cursor, **filters)

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
    ) -> Iterator[Transaction]:
        """Every ledger entry matching the filters, newest first, fetching pages as you iterate.

        Filters are checked now; the first request is made by the first ``next()``. Pages hold
        ``limit`` entries (default 100, the maximum); each page is a call of its own (retries,
        ``deadline``). A walk that does not end raises :class:`PaginationError`: a cursor seen
        before, three empty pages in a row that say ``has_more``, or more than ``max_pages`` pages.
        """
        filters = self._transaction_filters(from_, to, direction, type, ITERATION_PAGE_SIZE if limit is None else limit)
        walk = _LedgerWalk(_positive_whole("max_pages", max_pages, InvalidParameterError))
        self._check_call_limits(timeout, deadline)
        return self._iterate_transactions(filters, timeout, walk, lambda: self._start(deadline))

    def _iterate_transactions(
        self,
        filters: dict[str, Any],
        timeout: TimeoutTypes | _NotGiven,
        walk: _LedgerWalk,
        clock: Callable[[], Deadline],
    ) -> Iterator[Transaction]:
        cursor: str | None = None
        while True:
            page = self._request(TRANSACTIONS, timeout, clock(), cursor=cursor, **filters)
            yield from page.data
            cursor = walk.next_cursor(page)
            if cursor is None:
                return

    def forecast(
        self,
        *,
        window: datetime.timedelta = datetime.timedelta(days=30),
        as_of: datetime.datetime | None = None,
        detail: BillingDetailResponse | None = None,
        max_pages: int = DEFAULT_MAX_PAGES,
        timeout: TimeoutTypes = NOT_GIVEN,
        deadline: DeadlineTypes = NOT_GIVEN,
    ) -> Forecast:
        """Spend over ``window`` and the runway it implies: one detail call and the ledger's pages back
        to the window's start (read lazily, newest first). ``as_of`` (default now) ends the window;
        ``detail``, a :meth:`detail` answer you already have, saves that call. ``deadline`` bounds
        the whole forecast, every page included."""
        ledger = LedgerWindow(_as_of(as_of), window)
        walk = _LedgerWalk(_positive_whole("max_pages", max_pages, InvalidParameterError))
        clock = self._start(deadline)
        if detail is None:
            detail = self._request(DETAIL, timeout, clock)
        filters = self._transaction_filters(ledger.start, None, None, None, ITERATION_PAGE_SIZE)
        for entry in self._iterate_transactions(filters, timeout, walk, lambda: clock):
            if not ledger.add(entry):
                break
        return ledger.forecast(detail)

    def _request(
        self, endpoint: _Endpoint[ModelT], timeout: TimeoutTypes | _NotGiven, clock: Deadline, **params: Any
    ) -> ModelT:
        request, attempt = self._build_request(endpoint, timeout, **params)
        retries_done = 0
        while True:
            ends_at = clock.attempt_end(attempt)
            outcome: _Outcome
            try:
                with attempt_ends_at(ends_at):
                    response = self._client.send(request, stream=True)
                    cap, truncate = self._body_cap(endpoint, response)
                    outcome = _Answer(response, read_body(response, cap, ends_at, truncate=truncate))
            except _ATTEMPT_FAILURES as exc:
                outcome = exc
            step = self._after_attempt(endpoint, request, outcome, retries_done, clock)
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
        deadline: DeadlineTypes = DEFAULT_DEADLINE,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_response_bytes: int | None = None,
        http_client: httpx.AsyncClient | None = None,
        default_headers: Mapping[str, str] | None = None,
        allow_insecure_http: bool = False,
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
        )
        self._client = http_client or httpx.AsyncClient(timeout=DEFAULT_TIMEOUT, headers=self._headers)

    async def balance(
        self, *, timeout: TimeoutTypes = NOT_GIVEN, deadline: DeadlineTypes = NOT_GIVEN
    ) -> BalanceResponse:
        """``GET /v1/billing/balance``: the legacy balance, in credits (2,000,000 credits = 1 USD)."""
        return await self._request(BALANCE, timeout, self._start(deadline))

    async def summary(
        self, *, timeout: TimeoutTypes = NOT_GIVEN, deadline: DeadlineTypes = NOT_GIVEN
    ) -> BillingResponse:
        """``GET /v2/billing``: the current balance in USD."""
        return await self._request(SUMMARY, timeout, self._start(deadline))

    async def detail(
        self, *, timeout: TimeoutTypes = NOT_GIVEN, deadline: DeadlineTypes = NOT_GIVEN
    ) -> BillingDetailResponse:
        """``GET /v2/billing/detail``: user id, e-mail, balance in USD and auto top-up settings."""
        return await self._request(DETAIL, timeout, self._start(deadline))

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
        deadline: DeadlineTypes = NOT_GIVEN,
    ) -> TransactionsResponse:
        """``GET /v2/billing/transactions``: one page; see :meth:`Billing.transactions_page`."""
        filters = self._transaction_filters(from_, to, direction, type, limit)
        return await self._request(TRANSACTIONS, timeout, self._start(deadline), cursor=cursor, **filters)

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
    ) -> AsyncIterator[Transaction]:
        """Every matching ledger entry, for ``async for``; see :meth:`Billing.transactions`."""
        filters = self._transaction_filters(from_, to, direction, type, ITERATION_PAGE_SIZE if limit is None else limit)
        walk = _LedgerWalk(_positive_whole("max_pages", max_pages, InvalidParameterError))
        self._check_call_limits(timeout, deadline)
        return self._iterate_transactions(filters, timeout, walk, lambda: self._start(deadline))

    async def _iterate_transactions(
        self,
        filters: dict[str, Any],
        timeout: TimeoutTypes | _NotGiven,
        walk: _LedgerWalk,
        clock: Callable[[], Deadline],
    ) -> AsyncIterator[Transaction]:
        cursor: str | None = None
        while True:
            page = await self._request(TRANSACTIONS, timeout, clock(), cursor=cursor, **filters)
            for entry in page.data:
                yield entry
            cursor = walk.next_cursor(page)
            if cursor is None:
                return

    async def forecast(
        self,
        *,
        window: datetime.timedelta = datetime.timedelta(days=30),
        as_of: datetime.datetime | None = None,
        detail: BillingDetailResponse | None = None,
        max_pages: int = DEFAULT_MAX_PAGES,
        timeout: TimeoutTypes = NOT_GIVEN,
        deadline: DeadlineTypes = NOT_GIVEN,
    ) -> Forecast:
        """Spend over ``window`` and the runway it implies; see :meth:`Billing.forecast`."""
        ledger = LedgerWindow(_as_of(as_of), window)
        walk = _LedgerWalk(_positive_whole("max_pages", max_pages, InvalidParameterError))
        clock = self._start(deadline)
        if detail is None:
            detail = await self._request(DETAIL, timeout, clock)
        filters = self._transaction_filters(ledger.start, None, None, None, ITERATION_PAGE_SIZE)
        async for entry in self._iterate_transactions(filters, timeout, walk, lambda: clock):
            if not ledger.add(entry):
                break
        return ledger.forecast(detail)

    async def _request(
        self, endpoint: _Endpoint[ModelT], timeout: TimeoutTypes | _NotGiven, clock: Deadline, **params: Any
    ) -> ModelT:
        # asyncio is imported here, not at the top: it is a quarter of the SDK's import time, and only
        # AsyncBilling, whose callers have imported it already, uses it.
        import asyncio

        request, attempt = self._build_request(endpoint, timeout, **params)
        retries_done = 0
        while True:
            ends_at = clock.attempt_end(attempt)
            outcome: _Outcome
            try:
                async with asyncio.timeout(None if ends_at is None else ends_at - time.monotonic()):
                    response = await self._client.send(request, stream=True)
                    cap, truncate = self._body_cap(endpoint, response)
                    outcome = _Answer(response, await aread_body(response, cap, ends_at, truncate=truncate))
            except _ATTEMPT_FAILURES as exc:
                outcome = exc
            except TimeoutError:  # asyncio.timeout: the attempt's wall time is up
                outcome = BodyTooSlow()
            step = self._after_attempt(endpoint, request, outcome, retries_done, clock)
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
