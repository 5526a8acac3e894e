"""The sliding-window limiter: no window of ``per_seconds`` ever holds more than ``max_requests``."""

from __future__ import annotations

import threading
import time

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


def test_a_slot_counts_from_its_answer_not_from_when_it_was_sent() -> None:
    clock = [1000.0]
    limiter = SlidingWindowLimiter(1, 10.0)
    original = _ratelimit.time.monotonic
    _ratelimit.time.monotonic = lambda: clock[0]  # type: ignore[assignment]
    try:
        first = limiter.take()
        assert first is not None
        assert first.wait == 0
        clock[0] += 2.5  # the answer came 2.5 s after the request left
        first.answered()
        second = limiter.take()
        assert second is not None
        assert second.wait == pytest.approx(10.0)  # 10 s after the answer, not 7.5 s from now
        clock[0] += 20
        first.answered()  # a late second report never moves a slot back
        assert first.at == pytest.approx(1002.5 + 20)
    finally:
        _ratelimit.time.monotonic = original  # type: ignore[assignment]


def test_a_request_that_arrived_late_never_makes_a_later_one_bounce(monkeypatch: pytest.MonkeyPatch) -> None:
    """The stand-in counts a request when it is handled: the first one is handled 0.6 s after it left
    (a slow hop). With the client's limit equal to the server's, the third request would reach the
    server 1 s after the first LEFT but 0.4 s after the server counted it: a 429. Counted from the
    answer, the slot waits for it."""
    import datetime

    from fake_api.data import synthetic_requests
    from fake_api_server import LEDGER_AS_OF, FakeAIMLAPI

    from aimlapi_billing import Billing, RateLimitError

    logs, _ = synthetic_requests(250, LEDGER_AS_OF, prefixes=("a1b2c3d4",))
    with FakeAIMLAPI(now=LEDGER_AS_OF, logs=logs, logs_rate_limit=2, logs_rate_window=1.0) as fake:
        answer = fake.next_action
        handled: list[object] = []

        def late_first(seen: object) -> object:
            handled.append(seen)
            if len(handled) == 1:
                time.sleep(0.6)
            return answer(seen)  # type: ignore[arg-type]

        monkeypatch.setattr(fake, "next_action", late_first)
        with Billing(
            api_key="k" * 32, base_url=fake.url, allow_insecure_http=True, logs_rate_limit=(2, 1.0), max_retries=0
        ) as billing:
            try:
                rows = list(billing.logs.list(start=LEDGER_AS_OF - datetime.timedelta(days=30), end=LEDGER_AS_OF))
            except RateLimitError as exc:  # pragma: no cover - the failure this test is for
                pytest.fail(f"the client's own limit let a request bounce: {exc}")
        assert len(rows) == 250
        assert len(fake.requests_to("/v2/logs")) == 3
