"""A client-side sliding-window rate limit, so a long walk stays under the API's own.

``GET /v2/logs`` answers 429 past 200 requests per 60 seconds. Bouncing off that limit costs a
failed request and a ``Retry-After`` wait each time; instead, every request to a rate-limited
endpoint first reserves a slot here. A slot is the later of now and the moment the request
``max_requests`` places earlier becomes ``per_seconds`` old, so no window of ``per_seconds`` ever
holds more than ``max_requests`` reservations. Reserving is a few arithmetic steps under a
``threading.Lock`` and never blocks: the caller sleeps the returned delay itself (``time.sleep`` or
``asyncio.sleep``), so one limiter serves the threads of a sync client and the tasks of an async
one alike, and its copies made by ``with_options``.

A slot counts from when its request was answered, not from when it was sent: the server counts a
request when it arrives, somewhere between the two, and a request that left on time but arrived late
(a slow hop, a busy server) would otherwise share the server's window with the request
``max_requests`` places later, which then gets a 429 and waits its ``Retry-After`` (a second or more,
where the pacing saves a few milliseconds). Counting from the answer costs one request's latency per
window (0.1-0.5 % of 60 s) and makes the limit hold whatever the network does.
"""

from __future__ import annotations

import collections
import math
import threading
import time

#: 190 requests per 60 s: the API allows 200; the margin absorbs network jitter (the server counts
#: arrivals, not departures) and a request or two from elsewhere with the same key.
DEFAULT_LOGS_RATE_LIMIT = (190, 60.0)


class SlidingWindowLimiter:
    def __init__(self, max_requests: int, per_seconds: float) -> None:
        if isinstance(max_requests, bool) or not isinstance(max_requests, int) or max_requests < 1:
            raise ValueError(f"a rate limit allows a whole number of requests, 1 or more, not {max_requests!r}")
        if (
            isinstance(per_seconds, bool)
            or not isinstance(per_seconds, int | float)
            or not math.isfinite(per_seconds)
            or per_seconds <= 0
        ):
            raise ValueError(f"a rate limit's window is a finite number of seconds above 0, not {per_seconds!r}")
        self.max_requests = max_requests
        self.per_seconds = float(per_seconds)
        self._slots: collections.deque[Slot] = collections.deque(maxlen=max_requests)
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"SlidingWindowLimiter({self.max_requests} requests per {self.per_seconds:g} s)"

    def take(self, latest: float | None = None) -> Slot | None:
        """Reserve the next slot; ``None``, reserving nothing, when it would start after ``latest`` (a
        ``time.monotonic()`` moment: the deadline). The caller sleeps ``slot.wait``, sends, and calls
        ``slot.answered()`` when the answer (or the failure) came."""
        with self._lock:
            now = time.monotonic()
            at = now
            if len(self._slots) == self.max_requests:
                at = max(now, self._slots[0].at + self.per_seconds)
            if latest is not None and at > latest:
                return None
            slot = Slot(at, at - now, self._lock)
            self._slots.append(slot)
            return slot

    def no_slot_text(self, name: str, seconds: float | None) -> str:
        return (
            f"{name}: the client's rate limit ({self.max_requests} requests per {self.per_seconds:g} s) has no slot "
            f"before the {seconds or 0:g} s deadline"
        )

    def reserve(self, latest: float | None = None) -> float | None:
        """:meth:`take`'s wait, for a caller that does not report the answer (its slot counts from when it was sent)."""
        slot = self.take(latest)
        return None if slot is None else slot.wait


class Slot:
    """One reserved request: ``wait`` seconds from the reservation it may go; ``at``, when its window
    starts (moved to the answer's moment by :meth:`answered`)."""

    __slots__ = ("_lock", "at", "wait")

    def __init__(self, at: float, wait: float, lock: threading.Lock | None = None) -> None:
        self.at, self.wait, self._lock = at, wait, lock

    def answered(self) -> None:
        """The request was answered (or failed) now: the server has seen it, if ever, by now."""
        if self._lock is not None:
            with self._lock:
                self.at = max(self.at, time.monotonic())


#: The slot of a request that no limit applies to.
NO_SLOT = Slot(0.0, 0.0)
