from __future__ import annotations

import email.utils
import time

import httpx
import pytest

from aimlapi_billing._retry import MAX_DELAY, MAX_RETRY_AFTER, is_retryable_status, retry_delay


@pytest.mark.parametrize("status", [408, 409, 429, 500, 501, 502, 503, 504, 599])
def test_retryable_statuses(status: int) -> None:
    assert is_retryable_status(status)


@pytest.mark.parametrize("status", [200, 301, 400, 401, 403, 404, 422])
def test_statuses_that_are_not_retried(status: int) -> None:
    assert not is_retryable_status(status)


@pytest.mark.parametrize(
    ("retries_done", "nominal"), [(0, 0.5), (1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (10, MAX_DELAY)]
)
def test_backoff_doubles_with_up_to_a_quarter_of_jitter_and_is_capped(retries_done: int, nominal: float) -> None:
    delays = {retry_delay(retries_done, None) for _ in range(200)}
    assert all(0.75 * nominal <= delay <= nominal for delay in delays)
    assert len(delays) > 1  # jittered


def test_retry_after_seconds_and_milliseconds() -> None:
    assert retry_delay(0, httpx.Headers({"retry-after": "7"})) == 7.0
    assert retry_delay(3, httpx.Headers({"retry-after-ms": "1500", "retry-after": "9"})) == 1.5
    assert retry_delay(0, httpx.Headers({"retry-after": "0"})) == 0.0


def test_retry_after_as_an_http_date() -> None:
    in_ten_seconds = email.utils.formatdate(time.time() + 10, usegmt=True)
    assert 8.0 <= retry_delay(0, httpx.Headers({"retry-after": in_ten_seconds})) <= 10.0


@pytest.mark.parametrize("value", [str(int(MAX_RETRY_AFTER) + 1), "-5", "soon", ""])
def test_unusable_or_excessive_retry_after_falls_back_to_backoff(value: str) -> None:
    assert 0.375 <= retry_delay(0, httpx.Headers({"retry-after": value})) <= 0.5
