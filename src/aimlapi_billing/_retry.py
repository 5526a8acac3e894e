"""When to retry and how long to wait: one policy shared by the sync and async clients.

A short hand-written policy rather than a retry library: it needs the response (status and
``Retry-After``), the same code must drive ``time.sleep`` and ``asyncio.sleep``, and the SDK stays
at httpx alone.
"""

from __future__ import annotations

import contextlib
import email.utils
import math
import random
import time

import httpx

# Statuses worth another try: timeouts, conflicts and rate limits clear by themselves, 5xx may.
RETRYABLE_STATUSES = frozenset({408, 409, 429})
INITIAL_DELAY = 0.5  # seconds before the first retry; doubles each time
MAX_DELAY = 8.0  # cap of the exponential backoff
# Without a deadline, the longest Retry-After honoured; a server asking for longer ends the call.
MAX_RETRY_AFTER = 60.0

# Transport failures that may succeed on another try. Not retried: an unsupported URL scheme, a
# request httpx itself finds malformed, a proxy refusing us.
RETRYABLE_TRANSPORT_ERRORS: tuple[type[httpx.TransportError], ...] = (
    httpx.TimeoutException,
    httpx.NetworkError,
    httpx.RemoteProtocolError,
)


def is_retryable_status(status_code: int) -> bool:
    return status_code in RETRYABLE_STATUSES or status_code >= 500


def backoff_delay(retries_done: int) -> float:
    """Seconds before retry number ``retries_done + 1`` when the server did not say: exponential
    from ``INITIAL_DELAY``, capped at ``MAX_DELAY``, minus up to 25 % jitter so that many clients do
    not retry in lockstep."""
    backoff = min(INITIAL_DELAY * 2.0**retries_done, MAX_DELAY)
    return backoff * (1 - 0.25 * random.random())  # noqa: S311  (jitter, not cryptography)


def server_requested_delay(headers: httpx.Headers | None) -> float | None:
    """Seconds the server asked to wait: ``retry-after-ms``, else ``Retry-After`` (seconds or an HTTP
    date); ``None`` when it did not ask, or asked for something unusable (not a finite number, a
    negative one, a date in the past: skewed clocks), which gets the SDK's own backoff."""
    if headers is None:
        return None
    milliseconds = headers.get("retry-after-ms")
    if milliseconds is not None:
        with contextlib.suppress(ValueError):
            return _finite(float(milliseconds) / 1000)
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return _finite(float(value))
    except ValueError:
        pass
    parsed = email.utils.parsedate_tz(value)
    if parsed is None:
        return None
    return _finite(email.utils.mktime_tz(parsed) - time.time())


def _finite(seconds: float) -> float | None:
    return seconds if math.isfinite(seconds) and seconds >= 0 else None
