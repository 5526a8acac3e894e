"""The SDK's one exception hierarchy. Every public call raises only these.

::

    AIMLAPIError
    ├── ConfigurationError          no API key, a bad base URL, plain HTTP to a remote host
    ├── ClientClosedError           a call on a closed client (also a RuntimeError)
    ├── InvalidParameterError       an argument the API cannot take (also a ValueError)
    ├── APIConnectionError          the request did not get a response (DNS, refused, reset, …)
    │   ├── APITimeoutError         … because a timeout expired
    │   └── OutcomeUnknownError     … after a non-idempotent request (creating a key) may have
    │                                   reached the server: not retried; check before trying again
    ├── APIStatusError              the API answered with a non-2xx status (.retry_after: what it asked)
    │   ├── BadRequestError             400
    │   ├── AuthenticationError         401: the key is missing or invalid
    │   ├── PermissionDeniedError       403: the account is out of credits, or the key may not do this
    │   ├── NotFoundError               404
    │   ├── RateLimitError              429: a rate or concurrency limit
    │   └── InternalServerError         >= 500
    └── ResponseValidationError     a 2xx whose body is not JSON, not finite, too deep, does not match
                                    or has a currency other than USD
        ├── ResponseTooLargeError       … because its body is larger than the endpoint's cap
        └── PaginationError             … because the ledger's pages do not lead to an end

No message, ``str()``, ``repr()`` or attribute of these ever contains the API key: text, bodies,
headers and URLs that come from the server are redacted, and ``request`` / ``response`` are copies
whose ``Authorization`` header is replaced.
"""

from __future__ import annotations

from typing import Any

import httpx

__all__ = [
    "AIMLAPIError",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ClientClosedError",
    "ConfigurationError",
    "InternalServerError",
    "InvalidParameterError",
    "NotFoundError",
    "OutcomeUnknownError",
    "PaginationError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseTooLargeError",
    "ResponseValidationError",
]


class AIMLAPIError(Exception):
    """Base class of every error this SDK raises."""

    message: str

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def _render(self) -> str:
        return self.message

    def add_note_to_message(self, note: str) -> None:
        """Append ``note`` to the message (and ``str()``): why the call ended without another try."""
        self.message = f"{self.message}; {note}"
        self.args = (self._render(),)


class ConfigurationError(AIMLAPIError):
    """The client cannot be set up as asked: no API key, a bad base URL, an insecure URL."""


class ClientClosedError(AIMLAPIError, RuntimeError):
    """A call on a client whose connection pool is closed: by ``close()``, by closing the client a
    ``with_options`` copy shares its pool with, or, for an ``http_client`` passed in, by its owner.
    Also a ``RuntimeError``, which httpx raised before."""


class InvalidParameterError(AIMLAPIError, ValueError):
    """An argument the API cannot take, e.g. a ``direction`` that is not TOPUP or CHARGE."""


class APIConnectionError(AIMLAPIError):
    """No response was received: the connection failed, was reset, or broke off mid-response."""

    def __init__(self, message: str = "Connection error.", *, request: httpx.Request) -> None:
        super().__init__(message)
        self.request = request


class APITimeoutError(APIConnectionError):
    """A connect, read, write or pool timeout expired."""

    def __init__(self, message: str = "Request timed out.", *, request: httpx.Request) -> None:
        super().__init__(message, request=request)


class OutcomeUnknownError(APIConnectionError):
    """A request that must not be repeated blindly (``POST /v1/keys`` creates a key each time) failed
    after it may have reached the server: the connection broke or timed out after the request was
    written. The server may have acted on it or not; the SDK does not retry, and the message says
    how to check (for a key: list the keys and look for its name) before trying again."""


class APIStatusError(AIMLAPIError):
    """The API answered with a non-2xx status.

    ``message`` is the API's own explanation when the body has one; ``request_id`` comes from the
    body or the ``x-request-id`` header, for support requests; ``body`` is the decoded JSON body
    (``None`` when it was not JSON).
    """

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response,
        body: Any,
        request_id: str | None,
    ) -> None:
        self.status_code = response.status_code
        self.response = response
        self.body = body
        self.request_id = request_id
        #: Seconds the server asked to wait (``Retry-After`` / ``retry-after-ms``), if it did.
        self.retry_after: float | None = None
        self.message = message
        super().__init__(self._render())
        self.message = message

    def _render(self) -> str:
        text = f"Error code: {self.status_code} - {self.message}"
        if self.request_id:
            text += f" (request id: {self.request_id})"
        return text


class BadRequestError(APIStatusError):
    """400: the request is malformed or its parameters are invalid."""


class AuthenticationError(APIStatusError):
    """401: the API key is missing or invalid."""


class PermissionDeniedError(APIStatusError):
    """403: the account is out of credits, or the key may not use this endpoint."""


class NotFoundError(APIStatusError):
    """404: no such resource."""


class RateLimitError(APIStatusError):
    """429: a rate or concurrency limit was reached (retried automatically first)."""


class InternalServerError(APIStatusError):
    """A 5xx status (retried automatically first)."""


class ResponseValidationError(AIMLAPIError):
    """A 2xx response whose body is not JSON, lacks a required field, has a wrong type, a number that
    is not finite (``NaN``, ``Infinity``, ``1e999``), nesting deeper than the SDK reads, or a
    ``currency`` other than USD (the SDK reads USD only).

    ``response`` is ``None`` when the problem spans several responses (:class:`PaginationError`).
    """

    def __init__(self, message: str, *, response: httpx.Response | None = None) -> None:
        super().__init__(message)
        self.response = response
        self.status_code = None if response is None else response.status_code


class ResponseTooLargeError(ResponseValidationError):
    """A response body (counted after decompression) larger than the endpoint's cap
    (``max_response_bytes``); reading stopped at the cap."""


class PaginationError(ResponseValidationError):
    """The ledger's pages do not lead to an end: a cursor seen before (a loop), too many empty pages
    in a row that still say ``has_more``, more pages than ``max_pages``, or (for a forecast) entries
    that stop going back in time; or log rows deleted while their window was read (a lower
    ``total``). ``pages`` is how many pages were read, when the walk knows it."""

    def __init__(self, message: str, *, pages: int | None) -> None:
        super().__init__(message)
        self.pages = pages


_STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    429: RateLimitError,
}


def status_error_class(status_code: int) -> type[APIStatusError]:
    if status_code >= 500:
        return InternalServerError
    return _STATUS_ERRORS.get(status_code, APIStatusError)
