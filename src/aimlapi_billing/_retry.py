"""When to retry and how long to wait: one policy shared by the sync and async clients.

A short hand-written policy rather than a retry library: it needs the response (status and
``Retry-After``), the same code must drive ``time.sleep`` and ``asyncio.sleep``, and the SDK stays
at httpx + attrs.
"""

from __future__ import annotations

import email.utils
import random
import time

import httpx

# Statuses worth another try: timeouts, conflicts and rate limits clear by themselves, 5xx may.
RETRYABLE_STATUSES = frozenset({408, 409, 429})
INITIAL_DELAY = 0.5  # seconds before the first retry; doubles each time
MAX_DELAY = 8.0  # cap of the exponential backoff
MAX_RETRY_AFTER = 60.0  # a server asking for longer than this gets our own backoff instead

# Transport failures that may succeed on another try. Not retried: an unsupported URL scheme, a
# request httpx itself finds malformed, a proxy refusing us.
RETRYABLE_TRANSPORT_ERRORS: tuple[type[httpx.TransportError], ...] = (
    httpx.TimeoutException,
    httpx.NetworkError,
    httpx.RemoteProtocolError,
)


def is_retryable_status(status_code: int) -> bool:
    return status_code in RETRYABLE_STATUSES or status_code >= 500


def retry_delay(retries_done: int, headers: httpx.Headers | None) -> float:
    """Seconds to wait before retry number ``retries_done + 1``.

    The server's ``retry-after-ms`` or ``Retry-After`` (seconds or an HTTP date) wins when it is
    between 0 and ``MAX_RETRY_AFTER``; otherwise exponential backoff from ``INITIAL_DELAY``, capped
    at ``MAX_DELAY``, minus up to 25 % jitter so that many clients do not retry in lockstep.
    """
    requested = _server_requested_delay(headers) if headers is not None else None
    if requested is not None and 0 <= requested <= MAX_RETRY_AFTER:
        return requested
    backoff = min(INITIAL_DELAY * 2.0**retries_done, MAX_DELAY)
    return backoff * (1 - 0.25 * random.random())  # noqa: S311  (jitter, not cryptography)


def _server_requested_delay(headers: httpx.Headers) -> float | None:
    milliseconds = headers.get("retry-after-ms")
    if milliseconds is not None:
        try:
            return float(milliseconds) / 1000
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    parsed = email.utils.parsedate_tz(value)
    if parsed is None:
        return None
    return email.utils.mktime_tz(parsed) - time.time()
