"""The SDK's one exception hierarchy. Every public call raises only these.

::

    AIMLAPIError
    ├── ConfigurationError          no API key, a bad base URL, plain HTTP to a remote host
    ├── InvalidParameterError       an argument the API cannot take (also a ValueError)
    ├── APIConnectionError          the request did not get a response (DNS, refused, reset, …)
    │   └── APITimeoutError         … because a timeout expired
    ├── APIStatusError              the API answered with a non-2xx status
    │   ├── BadRequestError             400
    │   ├── AuthenticationError         401: the key is missing or invalid
    │   ├── PermissionDeniedError       403: the account is out of credits, or the key may not do this
    │   ├── NotFoundError               404
    │   ├── RateLimitError              429: a rate or concurrency limit
    │   └── InternalServerError         >= 500
    └── ResponseValidationError     a 2xx whose body is not JSON or does not match the schema

No message, ``str()`` or ``repr()`` of these ever contains the API key: text that comes from the
server is passed through the client's redaction before it lands in a message.
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
    "ConfigurationError",
    "InternalServerError",
    "InvalidParameterError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseValidationError",
]


class AIMLAPIError(Exception):
    """Base class of every error this SDK raises."""

    message: str

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConfigurationError(AIMLAPIError):
    """The client cannot be set up as asked: no API key, a bad base URL, an insecure URL."""


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
        text = f"Error code: {self.status_code} - {message}"
        if request_id:
            text += f" (request id: {request_id})"
        super().__init__(text)
        self.message = message


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
    """A 2xx response whose body is not JSON, lacks a required field, or has a wrong type."""

    def __init__(self, message: str, *, response: httpx.Response) -> None:
        super().__init__(message)
        self.response = response
        self.status_code = response.status_code


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
