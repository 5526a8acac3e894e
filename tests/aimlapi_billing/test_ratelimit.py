"""The sliding-window limiter: no window of ``per_seconds`` ever holds more than ``max_requests``."""

from __future__ import annotations

import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aimlapi_billing import _ratelimit
from aimlapi_billing._ratelimit import SlidingWindowLimiter


@given(
    max_requests=st.integers(1, 20),
    per_seconds=st.floats(0.5, 100),
    gaps=st.lists(st.floats(0, 30), min_size=1, max_size=120),
)
def test_no_window_ever_holds_more_than_the_limit(max_requests: int, per_seconds: float, gaps: list[float]) -> None:
    clock = [1000.0]
    limiter = SlidingWindowLimiter(max_requests, per_seconds)
    original = _ratelimit.time.monotonic
    _ratelimit.time.monotonic = lambda: clock[0]  # type: ignore[assignment]
    try:
        slots: list[float] = []
        delays: list[float] = []
        for gap in gaps:
            clock[0] += gap
            delay = limiter.reserve()
            assert delay is not None
            assert delay >= 0
            slots.append(clock[0] + delay)
            delays.append(delay)
            clock[0] += delay  # the caller sleeps its delay before the next request
    finally:
        _ratelimit.time.monotonic = original  # type: ignore[assignment]
    assert slots == sorted(slots)
    for first, later in zip(slots, slots[max_requests:], strict=False):
        assert later - first >= per_seconds - 1e-9
    # And it waits no longer than it must: a request that waits goes the moment the request
    # max_requests places earlier leaves the window.
    assert delays[0] == 0
    for index, delay in enumerate(delays):
        if delay > 0:
            assert slots[index] == pytest.approx(slots[index - max_requests] + per_seconds)


def test_a_slot_after_the_deadline_is_not_reserved() -> None:
    limiter = SlidingWindowLimiter(1, 60.0)
    assert limiter.reserve() == 0.0
    now = _ratelimit.time.monotonic()
    assert limiter.reserve(latest=now + 10) is None
    waited = limiter.reserve(latest=now + 120)
    assert waited is not None
    assert 59.0 < waited <= 60.0


def test_threads_share_one_window() -> None:
    limiter = SlidingWindowLimiter(100, 3600.0)
    delays: list[float] = []
    lock = threading.Lock()

    def take(count: int) -> None:
        for _ in range(count):
            delay = limiter.reserve()
            assert delay is not None
            with lock:
                delays.append(delay)

    threads = [threading.Thread(target=take, args=(50,)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    immediate = [delay for delay in delays if delay < 1]
    assert len(immediate) == 100
    assert all(3590 < delay <= 3600 for delay in delays if delay >= 1)


@pytest.mark.parametrize(
    ("requests", "seconds"), [(0, 1.0), (-1, 1.0), (1.5, 1.0), (1, 0), (1, float("nan")), (1, True)]
)
def test_bad_limits_are_refused(requests: object, seconds: object) -> None:
    with pytest.raises(ValueError, match="rate limit"):
        SlidingWindowLimiter(requests, seconds)  # type: ignore[arg-type]
