"""Wall-time bounds: one attempt's, and the whole call's deadline.

httpx's timeouts bound each network operation, not their sum: a server that sends one byte just
before each read timeout keeps an attempt alive for ever. The synchronous client therefore wraps
its connection pool's network backend so that every connect, read and write waits at most until
the current attempt's end (:data:`ATTEMPT_ENDS_AT`, set per call and per thread); the async
client wraps the attempt in ``asyncio.timeout``. Both also check the clock between body chunks.
"""

from __future__ import annotations

import contextvars
import functools
import math
import ssl
import time
import typing
from collections.abc import Iterable

import httpx

#: Within an attempt, the bounded streams end their reads and writes at this moment
#: (``time.monotonic()``): ``token = ATTEMPT_ENDS_AT.set(moment)``, then ``reset(token)`` (set directly,
#: not by a context manager: it runs for every request).
ATTEMPT_ENDS_AT: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "aimlapi_billing_attempt_ends_at", default=None
)


def _clip(timeout: float | None) -> float | None:
    """``timeout`` shortened to the time the current attempt has left."""
    ends_at = ATTEMPT_ENDS_AT.get()
    if ends_at is None:
        return timeout
    left = ends_at - time.monotonic()
    if left <= 0:
        import httpcore

        raise httpcore.ReadTimeout("the attempt's time is up")
    return left if timeout is None or left < timeout else timeout


@functools.cache
def _bounded_backend_class() -> type:
    """The wrapper classes, defined on first use: they subclass httpcore's, and httpcore is loaded
    by httpx only when a transport is made, so importing the SDK does not load it."""
    import httpcore

    class BoundedStream(httpcore.NetworkStream):
        def __init__(self, stream: httpcore.NetworkStream) -> None:
            self._stream = stream

        def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
            return self._stream.read(max_bytes, _clip(timeout))

        def write(self, buffer: bytes, timeout: float | None = None) -> None:
            self._stream.write(buffer, _clip(timeout))

        def close(self) -> None:
            self._stream.close()

        def start_tls(
            self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
        ) -> httpcore.NetworkStream:
            return BoundedStream(self._stream.start_tls(ssl_context, server_hostname, _clip(timeout)))

        def get_extra_info(self, info: str) -> typing.Any:
            return self._stream.get_extra_info(info)

    class BoundedBackend(httpcore.NetworkBackend):
        def __init__(self, backend: httpcore.NetworkBackend) -> None:
            self._backend = backend

        def connect_tcp(
            self,
            host: str,
            port: int,
            timeout: float | None = None,
            local_address: str | None = None,
            socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
        ) -> httpcore.NetworkStream:
            stream = self._backend.connect_tcp(host, port, _clip(timeout), local_address, socket_options)
            return BoundedStream(stream)

        def connect_unix_socket(
            self,
            path: str,
            timeout: float | None = None,
            socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
        ) -> httpcore.NetworkStream:
            return BoundedStream(self._backend.connect_unix_socket(path, _clip(timeout), socket_options))

        def sleep(self, seconds: float) -> None:
            self._backend.sleep(seconds)

    return BoundedBackend


def bound_transports(client: httpx.Client) -> None:
    """Make every connection of ``client``'s own transports honour the attempt's end. Transports that
    are not httpx's (a mock, a custom one) are left alone: the body loop's clock check remains."""
    import httpcore  # loaded already: the client's transports made it

    bounded = _bounded_backend_class()
    transports = [client._transport, *client._mounts.values()]  # no public handle on them
    for transport in transports:
        pool = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        if isinstance(backend, httpcore.NetworkBackend) and not isinstance(backend, bounded):
            pool._network_backend = bounded(backend)  # type: ignore[union-attr]


def attempt_seconds(timeout: float | httpx.Timeout | None) -> float | None:
    """The wall time one attempt may take: the timeout itself, or the largest part of an
    ``httpx.Timeout`` (its connect, read, write and pool limits all fit inside); ``None``: unbounded."""
    if timeout is None or isinstance(timeout, int | float):
        return timeout
    parts = [part for part in (timeout.connect, timeout.read, timeout.write, timeout.pool) if part is not None]
    return max(parts) if parts else None


def check_seconds(name: str, value: object, *, allow_none: bool = True) -> float | None:
    """``value`` as seconds: a finite number above 0 (and at most a day, which no socket refuses).
    Returns the float, or raises ``ValueError`` with a message naming ``name``."""
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number of seconds, not {value!r}")
    if not 0 < value <= MAX_SECONDS:
        raise ValueError(f"{name} must be above 0 and at most {MAX_SECONDS:g} seconds, not {value!r}")
    return float(value)


MAX_SECONDS = 86_400.0


class Deadline:
    """The end of one call: every attempt, backoff and ``Retry-After`` wait fits before it."""

    __slots__ = ("ends_at", "seconds")

    def __init__(self, seconds: float | None, ends_at: float | None) -> None:
        self.seconds = seconds
        self.ends_at = ends_at

    def __repr__(self) -> str:
        return f"Deadline(seconds={self.seconds!r}, ends_at={self.ends_at!r})"

    @classmethod
    def start(cls, seconds: float | None) -> Deadline:
        return cls(seconds, None if seconds is None else time.monotonic() + seconds)

    def left(self) -> float | None:
        return None if self.ends_at is None else self.ends_at - time.monotonic()

    def attempt_end(self, attempt: float | None) -> float | None:
        """When an attempt starting now must end: its own limit, or the deadline if sooner."""
        if attempt is None:
            return self.ends_at
        own = time.monotonic() + attempt
        return own if self.ends_at is None or own < self.ends_at else self.ends_at
