"""Reading an answer: a 2xx body into its generated model, any other into its typed error, each
redacted of the API key and of any key the client created; the mixin :class:`BaseClient` reads with.
"""

from __future__ import annotations

import contextlib
from typing import Any, NamedTuple, TypeVar

import httpx
from aimlapi_billing_client.types import SchemaError

from ._body import BodyTooLarge, BodyTooSlow, UnreadableJSON, UnsupportedEncoding, parse_json
from ._config import MAX_JSON_DEPTH
from ._currency import check_currency
from ._exceptions import (
    AIMLAPIError,
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    OutcomeUnknownError,
    ResponseValidationError,
    status_error_class,
)
from ._plan import Endpoint, RetryPolicy
from ._redaction import Redactor, printable
from ._retry import RETRYABLE_TRANSPORT_ERRORS, is_retryable_status

__all__ = ["AttemptOutcome", "ReadResponse", "ResponseReader"]

ModelT = TypeVar("ModelT")


class ReadResponse(NamedTuple):
    """A response and its body, read within the bounds, and its media type (``application/json``)."""

    response: httpx.Response
    body: bytes
    media_type: str = ""


#: What one attempt ends with: a response read within the bounds, or why there is none.
AttemptOutcome = ReadResponse | httpx.HTTPError | BodyTooSlow | BodyTooLarge | UnsupportedEncoding


class ResponseReader:
    """Turns a :class:`ReadResponse` into a model or an error (the client's ``_redactor`` redacts)."""

    _redactor: Redactor

    def _redact(self, text: str) -> str:
        return self._redactor.text(text)

    def _status_error(self, answer: ReadResponse) -> APIStatusError:
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

    def _parse_success(self, endpoint: Endpoint[Any], answer: ReadResponse) -> Any:
        """The parsed model of a 2xx answer; for a non-idempotent call, a body that cannot be read
        still means the call took effect, and the error says so."""
        try:
            return self._parse(endpoint, answer)
        except ResponseValidationError as error:
            if endpoint.retry is RetryPolicy.UNTIL_SENT:
                hint = f"; {endpoint.check_hint}" if endpoint.check_hint else ""
                error.add_note_to_message(f"the server answered {answer.response.status_code}: it took effect{hint}")
            raise

    def _response_for_error(self, endpoint: Endpoint[Any], response: httpx.Response, body: bytes) -> httpx.Response:
        """A copy of ``response`` for an error: redacted; without the body of a 2xx that holds a secret
        (its secret may be unreadable, so not redactable)."""
        return self._redactor.response(response, b"" if endpoint.secret_path and response.is_success else body)

    def _redacted_but_the_secret(self, endpoint: Endpoint[Any], data: Any) -> Any:
        """``data`` redacted, but for the value at the endpoint's secret path (a created key, which
        the model masks and later checks read: the caller's own key answered as new is refused there)."""
        *parents, last = endpoint.secret_path or ("",)
        holder = data
        for step in parents:
            holder = holder.get(step) if isinstance(holder, dict) else None
        secret = holder.get(last) if endpoint.secret_path and isinstance(holder, dict) else None
        redacted = self._redactor.data(data, whole=True)
        if isinstance(secret, str):
            target = redacted
            for step in parents:
                target = target[step]
            target[last] = secret
        return redacted

    def _register_secret(self, endpoint: Endpoint[Any], data: Any) -> None:
        for step in endpoint.secret_path:
            data = data.get(step) if isinstance(data, dict) else None
        if isinstance(data, str) and data:
            self._redactor.add(data)

    def _parse(self, endpoint: Endpoint[ModelT], answer: ReadResponse) -> ModelT:
        media_type = answer.media_type
        if media_type and media_type != "application/json" and not media_type.endswith("+json"):
            raise self._invalid(endpoint, answer, f"the body is {media_type[:100]!r}, not JSON")
        if not endpoint.model and not answer.body.strip():
            return None  # type: ignore[return-value]  # billing.api: a 2xx without a model or a body (204)
        try:
            data = parse_json(answer.body, MAX_JSON_DEPTH)
        except UnreadableJSON as exc:
            raise self._invalid(endpoint, answer, str(exc)) from None
        if self._redactor.echoed_in(answer.body):  # a server echoing the key: no model, no repr shows it
            data = self._redacted_but_the_secret(endpoint, data)
        if endpoint.secret_path:  # after: a key just created is the answer, not an echo
            self._register_secret(endpoint, data)
        if not endpoint.model:
            return data  # type: ignore[no-any-return]  # billing.api: a 2xx body the spec gives no model
        if type(data) is not dict:
            raise self._invalid(endpoint, answer, f"the body is a JSON {type(data).__name__}, not an object")
        try:
            # The generated from_dict checks every field it reads (see its SchemaError).
            model: ModelT = endpoint.model_class().from_dict(data)
            check_currency(model)  # every answer with a currency, in this one place: USD or refused
        except SchemaError as exc:
            raise self._invalid(endpoint, answer, str(exc)) from None
        return model

    def _invalid(self, endpoint: Endpoint[Any], answer: ReadResponse, reason: str) -> ResponseValidationError:
        """The error for a 2xx answer that cannot be used, saying why (built only when one is raised)."""
        response = answer.response
        where = f"{response.request.method} {response.request.url.path} returned {response.status_code}"
        return ResponseValidationError(
            self._redact(f"{where} but {reason}"), response=self._response_for_error(endpoint, response, answer.body)
        )

    def _classify(
        self, request: httpx.Request, outcome: AttemptOutcome
    ) -> tuple[AIMLAPIError, bool, httpx.Headers | None]:
        if isinstance(outcome, ReadResponse):
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


def certainly_not_acted_on(outcome: AttemptOutcome) -> bool:
    """Whether a failed attempt certainly did not reach the server, or the server says it did nothing.

    No connection was made (refused, DNS, connect timeout, no pooled connection in time: the request
    was never written), or the server answered 429, which refuses a request without acting on it.
    Everything else (a read error or timeout, a connection reset after writing, a 5xx) may come after
    the server acted."""
    if isinstance(outcome, ReadResponse):
        return outcome.response.status_code == 429
    return isinstance(outcome, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)
