"""The transport under both clients: build a request, send it, retry, read and parse the answer,
and the two drivers that run a plan (``_plan.py``), one with blocking I/O, one with ``await``.

One attempt's outcome becomes the answer to parse, a retry after a delay, or a raised error in
:meth:`BaseClient._after_attempt`, shared by both drivers, which differ only in how they send and
sleep. A failed request raises its error into the plan that asked for it (``steps.throw``): a plan
that can go another way catches it at its ``yield`` (``billing.keys.budgets()`` after a regular
key's 403), any other lets it through to the caller.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Generic, NamedTuple, NoReturn, Self, TypeVar

import httpx

from ._arguments import check_timeout, seconds
from ._body import (
    ACCEPT_ENCODING,
    BodyTooLarge,
    BodyTooSlow,
    UnsupportedEncoding,
    aread_body,
    content_headers,
    read_body,
)
from ._config import MAX_ERROR_BODY_BYTES
from ._deadline import ATTEMPT_ENDS_AT, Deadline, attempt_seconds
from ._exceptions import (
    AIMLAPIError,
    APIStatusError,
    APITimeoutError,
    ClientClosedError,
    InvalidParameterError,
    RateLimitError,
    ResponseTooLargeError,
    ResponseValidationError,
)
from ._fanout import enter, enter_async, note_throttled, paced, run_tasks, run_threads
from ._plan import (
    APIResponse,
    Call,
    DeadlineTypes,
    Endpoint,
    FanOut,
    IterationPlan,
    NotGiven,
    Plan,
    RetryPolicy,
    Steps,
    TimeoutTypes,
)
from ._ratelimit import NO_SLOT, Slot
from ._redaction import Redactor, printable
from ._responses import AttemptOutcome, ReadResponse, ResponseReader, certainly_not_acted_on
from ._retry import (
    MAX_RETRY_AFTER,
    backoff_delay,
    server_requested_delay,
)

if TYPE_CHECKING:
    from ._ratelimit import SlidingWindowLimiter

__all__ = ["AsyncAPIClient", "BaseClient", "SyncAPIClient"]

logger = logging.getLogger("aimlapi_billing")

ModelT = TypeVar("ModelT")
T = TypeVar("T")
HttpClientT = TypeVar("HttpClientT", httpx.Client, httpx.AsyncClient)


class RetryAfter(NamedTuple):
    """An attempt's outcome that is tried again after ``delay`` seconds."""

    delay: float
    counts: bool = True  # against max_retries; a 429 in a fan-out does not (_fanout.paced)


_ATTEMPT_FAILURES = (httpx.HTTPError, BodyTooSlow, BodyTooLarge, UnsupportedEncoding)


async def _async_sleep(delay: float) -> None:
    import asyncio

    await asyncio.sleep(delay)


class BaseClient(ResponseReader, Generic[HttpClientT]):
    """What both clients send and read with; ``_client.py`` sets the attributes (its settings)."""

    _client: HttpClientT
    _owns_client: bool
    _redactor: Redactor
    _headers: dict[str, str]
    _pool_has_headers: bool
    _logs_limiter: SlidingWindowLimiter | None
    #: The last timeout and the wall time an attempt with it may take (see _build_request).
    _attempt_for: tuple[Any, float | None]
    base_url: str
    max_retries: int
    concurrency: int  # parts of a fan-out in progress at once (_fanout.py)
    deadline: float | None
    max_response_bytes: int | None
    timeout: Any

    def _build_request(
        self, endpoint: Endpoint[ModelT], timeout: TimeoutTypes | NotGiven, /, **params: Any
    ) -> tuple[httpx.Request, float | None]:
        """The request, and the wall time one attempt of it may take."""
        if isinstance(timeout, NotGiven):
            timeout = self.timeout
        else:
            check_timeout(timeout, InvalidParameterError)
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

    def _check_call_limits(self, timeout: TimeoutTypes | NotGiven, deadline: DeadlineTypes | NotGiven) -> None:
        """Check a call's ``timeout`` and ``deadline`` now (an iterator makes its first request later)."""
        if not isinstance(timeout, NotGiven):
            check_timeout(timeout, InvalidParameterError)
        self._start(deadline)

    def _start(self, deadline: DeadlineTypes | NotGiven) -> Deadline:
        """The clock of one call: the client's deadline, or the one given for this call."""
        if isinstance(deadline, NotGiven):
            return Deadline.start(self.deadline)
        return Deadline.start(seconds("deadline", deadline, InvalidParameterError))

    def _body_cap(self, endpoint: Endpoint[ModelT], response: httpx.Response) -> tuple[int, bool]:
        """How many decoded bytes to read, and whether to stop quietly there (error bodies) rather
        than fail."""
        if not response.is_success:
            return MAX_ERROR_BODY_BYTES, True
        return self.max_response_bytes or endpoint.max_bytes, False

    def _after_attempt(
        self,
        endpoint: Endpoint[ModelT],
        request: httpx.Request,
        outcome: AttemptOutcome,
        retries_done: int,
        clock: Deadline,
    ) -> ReadResponse | RetryAfter:
        """Turn one attempt's outcome into the answer to parse, a retry after a delay, or a raised error."""
        if isinstance(outcome, ReadResponse):
            if logger.isEnabledFor(logging.DEBUG):
                self._log_response(outcome.response)
            if 200 <= outcome.response.status_code < 300:
                return outcome
        if isinstance(outcome, BodyTooLarge):
            raise ResponseTooLargeError(
                f"{endpoint.name} returned {outcome.response.status_code} with a body larger than "
                f"{outcome.cap:,} bytes (decoded); stopped reading there (max_response_bytes sets the cap)",
                response=self._response_for_error(endpoint, outcome.response, outcome.body),
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
        if endpoint.retry is RetryPolicy.UNTIL_SENT and retryable and not certainly_not_acted_on(outcome):
            self._raise(self._outcome_unknown(endpoint, error), clock)
        counts = not (isinstance(error, RateLimitError) and paced(clock))
        if not retryable or (counts and retries_done >= self.max_retries):
            self._raise(error, clock)
        left = clock.left()
        requested = server_requested_delay(headers)
        refused = requested is not None and requested >= (MAX_RETRY_AFTER if left is None else left)
        if isinstance(error, RateLimitError):  # a fan-out sends fewer; a refused wait pauses none
            note_throttled(None if refused else requested)
        if isinstance(error, APIStatusError):
            error.retry_after = requested
        if refused:
            within = f"longer than the {MAX_RETRY_AFTER:g} s the SDK waits without a deadline"
            if left is not None:
                within = f"more than the {max(left, 0):.1f} s left of the {clock.seconds:g} s deadline"
            error.add_note_to_message(f"the server asked to wait {requested:g} s before a retry, {within}")
            raise error
        delay = backoff_delay(retries_done) if requested is None else requested
        if not counts:  # paced: a little past the fan-out's pause, so that the parts not refused go first
            delay += backoff_delay(0)
        if left is not None and delay >= left:
            self._raise(error, clock, f"no time for retry {retries_done + 1} within the {clock.seconds:g} s deadline")
        shown = f"retry {retries_done + 1} of {self.max_retries}" if counts else "a 429 in a fan-out: the server's pace"
        where = self._redact(str(request.url))
        logger.info("Retrying %s %s in %.2f s (%s) after: %s", request.method, where, delay, shown, error.message)
        return RetryAfter(delay, counts)

    @staticmethod
    def _raise(error: AIMLAPIError, clock: Deadline, note: str | None = None) -> NoReturn:
        left = clock.left()
        if note is None and left is not None and left <= 0:
            note = f"the {clock.seconds:g} s deadline is reached"
        if note is not None:
            error.add_note_to_message(note)
        # No `from`: the transport's exception holds the unredacted request.
        raise error from None

    def _convert(self, call: Call, model: Any) -> Any:
        return model if call.convert is None else call.convert(self, model)

    def _raw_response(self, parsed: Any, answers: list[ReadResponse]) -> APIResponse[Any]:
        # Copies built after the plan ran, so a key it created is redacted from them too.
        return APIResponse([self._redactor.response(answer.response, answer.body) for answer in answers], parsed)

    def _rate_slot(self, endpoint: Endpoint[Any], request: httpx.Request, clock: Deadline) -> Slot:
        """The slot of the client's rate limit for ``request``: sleep its wait, send, then ``answered()``."""
        limiter = self._logs_limiter if endpoint.rate_limited else None
        if limiter is None:
            return NO_SLOT
        if (slot := limiter.take(clock.ends_at)) is None:
            raise APITimeoutError(
                limiter.no_slot_text(endpoint.name, clock.seconds), request=self._redactor.request(request)
            )
        return slot

    def _no_fan_out_slot(self, request: httpx.Request, message: str) -> APITimeoutError:
        return APITimeoutError(message, request=self._redactor.request(request))

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


class SyncAPIClient(BaseClient[httpx.Client]):
    """The blocking driver: :class:`~aimlapi_billing.Billing`."""

    def _send(
        self, endpoint: Endpoint[Any], timeout: TimeoutTypes | NotGiven, clock: Deadline, params: Mapping[str, Any]
    ) -> tuple[Any, ReadResponse]:
        self._check_open()
        request, attempt = self._build_request(endpoint, timeout, **params)
        retries_done = 0
        while True:
            fan_out = enter(clock, functools.partial(self._no_fan_out_slot, request))  # a fan-out's slot, if in one
            try:  # the rate slot second: sent when it comes, not bunched after a wait for the fan-out
                if (slot := self._rate_slot(endpoint, request, clock)).wait:
                    time.sleep(slot.wait)
            except BaseException:
                if fan_out is not None:
                    fan_out.leave()
                raise
            ends_at = clock.attempt_end(attempt)
            outcome: AttemptOutcome
            if logger.isEnabledFor(logging.DEBUG):
                self._log_request(request)
            bounded = ATTEMPT_ENDS_AT.set(ends_at)
            try:
                response = self._client.send(request, stream=True)
                cap, truncate = self._body_cap(endpoint, response)
                encoding, media_type = content_headers(response)
                body = read_body(response, cap, ends_at, truncate=truncate, encoding=encoding)
                outcome = ReadResponse(response, body, media_type)
            except _ATTEMPT_FAILURES as exc:
                outcome = exc
            except RuntimeError:
                self._check_open()  # closed since the check above (another thread, a retry's wait)
                raise
            finally:
                ATTEMPT_ENDS_AT.reset(bounded)
                slot.answered()
                if fan_out is not None:
                    fan_out.leave()
            step = self._after_attempt(endpoint, request, outcome, retries_done, clock)
            if not isinstance(step, RetryAfter):
                return self._parse_success(endpoint, step), step
            retries_done += step.counts
            time.sleep(step.delay)

    def _run(self, plan: Plan[T], raw: bool) -> Any:
        """Make the requests of ``plan`` within its deadline; a failed one's error is raised into its steps."""
        answers: list[ReadResponse] | None = [] if raw else None
        result = self._drive(plan.steps, plan.timeout, self._start(plan.deadline), answers)
        return self._raw_response(result, answers) if answers is not None else result

    def _drive(self, steps: Steps[T] | Call, timeout: Any, clock: Deadline, answers: list[ReadResponse] | None) -> Any:
        if isinstance(steps, Call):  # one request: no generator to drive
            model, answer = self._send(steps.endpoint, timeout, clock, steps.params)
            if answers is not None:  # only a raw call keeps them: a forecast's pages must not stay in memory
                answers.append(answer)
            return self._convert(steps, model)
        received: Any = None
        failure: AIMLAPIError | None = None
        while True:
            try:
                step = steps.send(received) if failure is None else steps.throw(failure)
            except StopIteration as done:
                return done.value
            try:
                if isinstance(step, FanOut):  # the parts side by side (_fanout.py)
                    part = functools.partial(self._drive, timeout=timeout, clock=clock, answers=None)
                    received = run_threads(part, step.parts, self.concurrency, step.what, step.partial)
                    failure = None
                else:
                    received, failure = self._drive(step, timeout, clock, answers), None
            except AIMLAPIError as exc:
                failure = exc

    def _walk(self, plan: IterationPlan[T]) -> Iterator[T]:
        self._check_open()
        self._check_call_limits(plan.timeout, plan.deadline)
        return self._walk_steps(plan)

    def _walk_steps(self, plan: IterationPlan[T]) -> Iterator[T]:
        received: Any = None
        failure: AIMLAPIError | None = None
        while True:
            try:
                step = plan.steps.send(received) if failure is None else plan.steps.throw(failure)
            except StopIteration:
                return
            received, failure = None, None
            if isinstance(step, Call):
                # Each page is a call of its own: its own retries and deadline.
                try:
                    model = self._send(step.endpoint, plan.timeout, self._start(plan.deadline), step.params)[0]
                    received = self._convert(step, model)
                except AIMLAPIError as exc:
                    failure = exc
            else:
                yield step

    def close(self) -> None:
        """Close the connection pool (not a client you passed in)."""
        if self._owns_client:
            self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncAPIClient(BaseClient[httpx.AsyncClient]):
    """The ``await`` driver: :class:`~aimlapi_billing.AsyncBilling`."""

    async def _send(
        self, endpoint: Endpoint[Any], timeout: TimeoutTypes | NotGiven, clock: Deadline, params: Mapping[str, Any]
    ) -> tuple[Any, ReadResponse]:
        # asyncio is imported here, not at the top: it is a quarter of the SDK's import time, and only
        # AsyncBilling, whose callers have imported it already, uses it.
        import asyncio

        self._check_open()
        request, attempt = self._build_request(endpoint, timeout, **params)
        retries_done = 0
        while True:
            fan_out = await enter_async(clock, functools.partial(self._no_fan_out_slot, request))
            try:  # the rate-limit slot second, as the blocking driver
                if (slot := self._rate_slot(endpoint, request, clock)).wait:
                    await _async_sleep(slot.wait)
            except BaseException:
                if fan_out is not None:
                    fan_out.leave()
                raise
            ends_at = clock.attempt_end(attempt)
            outcome: AttemptOutcome
            if logger.isEnabledFor(logging.DEBUG):
                self._log_request(request)
            try:
                async with asyncio.timeout(None if ends_at is None else ends_at - time.monotonic()):
                    response = await self._client.send(request, stream=True)
                    cap, truncate = self._body_cap(endpoint, response)
                    encoding, media_type = content_headers(response)
                    body = await aread_body(response, cap, ends_at, truncate=truncate, encoding=encoding)
                    outcome = ReadResponse(response, body, media_type)
            except _ATTEMPT_FAILURES as exc:
                outcome = exc
            except TimeoutError:  # asyncio.timeout: the attempt's wall time is up
                outcome = BodyTooSlow()
            except RuntimeError:
                self._check_open()  # closed since the check above (another task, a retry's wait)
                raise
            finally:
                slot.answered()
                if fan_out is not None:
                    fan_out.leave()
            step = self._after_attempt(endpoint, request, outcome, retries_done, clock)
            if not isinstance(step, RetryAfter):
                return self._parse_success(endpoint, step), step
            retries_done += step.counts
            await _async_sleep(step.delay)

    async def _run(self, plan: Plan[T], raw: bool) -> Any:
        """Make the requests of ``plan`` within its deadline; a failed one's error is raised into its steps."""
        answers: list[ReadResponse] | None = [] if raw else None
        result = await self._drive(plan.steps, plan.timeout, self._start(plan.deadline), answers)
        return self._raw_response(result, answers) if answers is not None else result

    async def _drive(self, steps: Steps[T] | Call, timeout: Any, clock: Deadline, answers: list[Any] | None) -> Any:
        if isinstance(steps, Call):  # one request: no generator to drive
            model, answer = await self._send(steps.endpoint, timeout, clock, steps.params)
            if answers is not None:  # only a raw call keeps them: a forecast's pages must not stay in memory
                answers.append(answer)
            return self._convert(steps, model)
        received: Any = None
        failure: AIMLAPIError | None = None
        while True:
            try:
                step = steps.send(received) if failure is None else steps.throw(failure)
            except StopIteration as done:
                return done.value
            try:
                if isinstance(step, FanOut):  # the parts side by side (_fanout.py)
                    part = functools.partial(self._drive, timeout=timeout, clock=clock, answers=None)
                    received = await run_tasks(part, step.parts, self.concurrency, step.what, step.partial)
                    failure = None
                else:
                    received, failure = await self._drive(step, timeout, clock, answers), None
            except AIMLAPIError as exc:
                failure = exc

    def _walk(self, plan: IterationPlan[T]) -> AsyncIterator[T]:
        self._check_open()
        self._check_call_limits(plan.timeout, plan.deadline)
        return self._walk_steps(plan)

    async def _walk_steps(self, plan: IterationPlan[T]) -> AsyncIterator[T]:
        received: Any = None
        failure: AIMLAPIError | None = None
        while True:
            try:
                step = plan.steps.send(received) if failure is None else plan.steps.throw(failure)
            except StopIteration:
                return
            received, failure = None, None
            if isinstance(step, Call):
                # Each page is a call of its own: its own retries and deadline.
                try:
                    model = (await self._send(step.endpoint, plan.timeout, self._start(plan.deadline), step.params))[0]
                    received = self._convert(step, model)
                except AIMLAPIError as exc:
                    failure = exc
            else:
                yield step

    async def aclose(self) -> None:
        """Close the connection pool (not a client you passed in)."""
        if self._owns_client:
            await self._client.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()
