"""A client-side sliding-window rate limit, so a long walk stays under the API's own.

``GET /v2/logs`` answers 429 past 200 requests per 60 seconds. Bouncing off that limit costs a
failed request and a ``Retry-After`` wait each time; instead, every request to a rate-limited
endpoint first reserves a slot here. A slot is the later of now and the moment the request
``max_requests`` places earlier becomes ``per_seconds`` old, so no window of ``per_seconds`` ever
holds more than ``max_requests`` reservations. Reserving is a few arithmetic steps under a
``threading.Lock`` and never blocks: the caller sleeps the returned delay itself (``time.sleep`` or
``asyncio.sleep``), so one limiter serves the threads of a sync client and the tasks of an async
one alike, and its copies made by ``with_options``.
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
        self._slots: collections.deque[float] = collections.deque(maxlen=max_requests)
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"SlidingWindowLimiter({self.max_requests} requests per {self.per_seconds:g} s)"

    def reserve(self, latest: float | None = None) -> float | None:
        """Reserve the next slot and return the seconds to wait for it; ``None``, reserving nothing,
        when the slot would start after ``latest`` (a ``time.monotonic()`` moment: the deadline)."""
        with self._lock:
            now = time.monotonic()
            slot = now
            if len(self._slots) == self.max_requests:
                slot = max(now, self._slots[0] + self.per_seconds)
            if latest is not None and slot > latest:
                return None
            self._slots.append(slot)
            return slot - now
