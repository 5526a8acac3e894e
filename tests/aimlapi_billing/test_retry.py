from __future__ import annotations

import email.utils
import time

import httpx
import pytest

from aimlapi_billing._retry import MAX_DELAY, backoff_delay, is_retryable_status, server_requested_delay


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
    delays = {backoff_delay(retries_done) for _ in range(200)}
    assert all(0.75 * nominal <= delay <= nominal for delay in delays)
    assert len(delays) > 1  # jittered


def test_retry_after_seconds_and_milliseconds() -> None:
    assert server_requested_delay(httpx.Headers({"retry-after": "7"})) == 7.0
    assert server_requested_delay(httpx.Headers({"retry-after-ms": "1500", "retry-after": "9"})) == 1.5
    assert server_requested_delay(httpx.Headers({"retry-after": "0"})) == 0.0
    assert server_requested_delay(httpx.Headers({"retry-after": "3600"})) == 3600.0  # the caller decides


def test_retry_after_as_an_http_date() -> None:
    in_ten_seconds = email.utils.formatdate(time.time() + 10, usegmt=True)
    assert 8.0 <= (server_requested_delay(httpx.Headers({"retry-after": in_ten_seconds})) or 0) <= 10.0
    a_minute_ago = email.utils.formatdate(time.time() - 60, usegmt=True)
    assert server_requested_delay(httpx.Headers({"retry-after": a_minute_ago})) is None  # skewed: our backoff


@pytest.mark.parametrize("value", ["soon", "", "nan", "inf", "-inf", "1e999", "-5"])
def test_unusable_retry_after_is_no_request(value: str) -> None:
    assert server_requested_delay(httpx.Headers({"retry-after": value})) is None
    assert server_requested_delay(httpx.Headers({"retry-after-ms": value})) is None
    assert server_requested_delay(None) is None
