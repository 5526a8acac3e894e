"""The SDK and the CLI against the stand-in's hostile behaviours on 127.0.0.1 (scripts/fake_api/hostile.py).

Every case runs against the sync client, the async client and the command line, and asserts the
outcome (a typed error or exit code), a wall-time *bound* with a wide margin (never a timing), and,
in a child process, a peak-memory bound against a baseline measured in the same run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
from fake_api.hostile import (
    endless_chunks,
    entry,
    gzip_bomb,
    json_body,
    nested,
    oversized,
    page,
    trickle,
)
from fake_api_server import BILLING, DETAIL, FakeAIMLAPI

from aimlapi_billing import (
    APITimeoutError,
    AsyncBilling,
    Billing,
    InternalServerError,
    RateLimitError,
    ResponseTooLargeError,
    ResponseValidationError,
)
from tests.helpers.hostile_clients import (
    HUNG,
    LEDGER,
    MODES,
    SUMMARY,
    cli,
    hostile_server,
    one_line_error,
    outcome,
    sdk,
)
from tests.helpers.resources import timed

from .conftest import API_KEY


@pytest.fixture
def server() -> Iterator[FakeAIMLAPI]:
    with hostile_server() as hostile:
        yield hostile


# -- 1. finite numbers only ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number", ["NaN", "Infinity", "-Infinity", "1e999", "-1e400", "9" * 400, "1e1000000000000000000"]
)
@pytest.mark.parametrize("mode", MODES)
def test_a_number_that_is_not_finite_is_a_validation_error(server: FakeAIMLAPI, mode: str, number: str) -> None:
    server.route(SUMMARY, json_body(f'{{"current_balance": {number}, "currency": "USD"}}'.encode()))
    seconds, result = outcome(mode, server.url, "summary", "summary")
    if mode == "cli":
        code, out, err = result
        assert (code, out) == (6, "")
        one_line_error(err)
        assert "finite" in err
    else:
        assert isinstance(result, ResponseValidationError)
        assert "finite" in str(result)
    assert seconds < HUNG


@pytest.mark.parametrize("number", ["NaN", "Infinity"])
def test_check_is_unknown_when_the_balance_is_not_finite(server: FakeAIMLAPI, number: str) -> None:
    body = json.dumps({**DETAIL, "current_balance": "NUMBER"}).replace('"NUMBER"', number)
    server.route("/v2/billing/detail", json_body(body.encode()))
    code, out, _ = cli("check", "--warning-usd", "10", "--critical-usd", "5", "--base-url", server.url)
    assert code == 3
    assert out.startswith("BILLING UNKNOWN - ")
    assert "finite" in out


def test_transactions_json_stays_json_when_a_later_page_is_not_finite(server: FakeAIMLAPI) -> None:
    bad = json.dumps(page([entry(2)], None)).replace('"usd": 0.5', '"usd": NaN').encode()
    pages = iter([json_body(page([entry(1)], "next")), json_body(bad)])
    server.route(LEDGER, lambda connection, request: next(pages)(connection, request))
    code, out, err = cli("transactions", "--json", "--base-url", server.url, "--max-retries", "0")
    assert code == 6
    one_line_error(err)
    assert [json.loads(line)["reference_id"] for line in out.splitlines()] == ["r1"]  # valid JSON, nothing else


# -- 4. bounded work: nesting, size, compression ------------------------------------------------------------------


@pytest.mark.parametrize("depth", [40, 30_000])
@pytest.mark.parametrize("mode", MODES)
def test_deep_nesting_is_a_validation_error(server: FakeAIMLAPI, mode: str, depth: int) -> None:
    server.route(SUMMARY, nested(depth))
    seconds, result = outcome(mode, server.url, "summary", "summary")
    if mode == "cli":
        code, _, err = result
        assert code == 6
        one_line_error(err)
    else:
        assert isinstance(result, ResponseValidationError)
    assert "nested deeper than 32 levels" in str(result)
    assert seconds < HUNG


BIG_BODIES = {
    "oversized": lambda: oversized(50 * 1024 * 1024),
    "endless": endless_chunks,
    "gzip bomb": gzip_bomb,
}


@pytest.mark.parametrize("body", list(BIG_BODIES))
@pytest.mark.parametrize("mode", MODES)
def test_a_body_past_the_cap_stops_the_read(server: FakeAIMLAPI, mode: str, body: str) -> None:
    server.route(SUMMARY, BIG_BODIES[body]())
    seconds, result = outcome(mode, server.url, "summary", "summary")
    if mode == "cli":
        code, _, err = result
        assert code == 6
        one_line_error(err)
        assert "larger than 65,536 bytes" in err
    else:
        assert isinstance(result, ResponseTooLargeError)
        assert len(result.response.content) <= 4096  # the exception keeps a sample, not the body
    assert seconds < HUNG


def test_the_cap_is_configurable(server: FakeAIMLAPI) -> None:
    server.route(SUMMARY, json_body({"current_balance": 1.5, "currency": "USD", "pad": "x" * 2000}))
    assert isinstance(sdk("sync", server.url, Billing.summary, max_response_bytes=1000), ResponseTooLargeError)
    assert sdk("sync", server.url, Billing.summary, max_response_bytes=3000).current_balance == 1.5


_PEAK = """
import re, sys
from aimlapi_billing._cli import main
code = main(sys.argv[1:])
print(code, re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read()).group(1))
"""


def _peak_kib(url: str) -> tuple[int, int]:
    env = {**os.environ, "AIML_API_KEY": API_KEY}
    command = [sys.executable, "-c", _PEAK, "summary", "--base-url", url, "--max-retries", "0"]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)
    code, kib = result.stdout.split()[-2:]
    return int(code), int(kib)


@pytest.mark.parametrize("body", ["endless", "gzip bomb"])
def test_peak_memory_stays_near_a_normal_call(server: FakeAIMLAPI, body: str) -> None:
    """A 200 MB gzip bomb and an endless body, against a normal call measured in the same run."""
    server.route(SUMMARY, json_body(BILLING))
    baseline_code, baseline = _peak_kib(server.url)
    server.route(SUMMARY, BIG_BODIES[body]())
    code, peak = _peak_kib(server.url)
    assert (baseline_code, code) == (0, 6)
    assert peak - baseline < 32 * 1024, f"peak {peak} KiB against a baseline of {baseline} KiB"


# -- 3. a deadline is a deadline ---------------------------------------------------------------------------------


@pytest.mark.parametrize("headers_too", [False, True], ids=["body", "headers"])
@pytest.mark.parametrize("mode", MODES)
def test_a_trickling_answer_ends_at_the_timeout(server: FakeAIMLAPI, mode: str, headers_too: bool) -> None:
    """One byte every 0.2 s never trips a read timeout of 1 s; the attempt's wall time does."""
    server.route(SUMMARY, trickle(json.dumps(BILLING).encode(), 0.2, headers_too=headers_too))
    seconds, result = outcome(mode, server.url, "summary", "summary", "--timeout", "1", timeout=1.0)
    if mode == "cli":
        code, _, err = result
        assert code == 4
        one_line_error(err)
    else:
        assert isinstance(result, APITimeoutError)
    assert seconds < HUNG


@pytest.mark.parametrize("mode", MODES)
def test_the_deadline_bounds_retries_and_waits(server: FakeAIMLAPI, mode: str) -> None:
    server.route(SUMMARY, json_body({"message": "busy"}, 503, {"Retry-After": "1"}))
    if mode == "cli":
        argv = ("summary", "--base-url", server.url, "--max-retries", "10", "--deadline", "2.5")
        seconds, (code, _, err) = timed(lambda: cli(*argv))
        assert code == 5
        one_line_error(err)
        assert "deadline" in err
    else:
        seconds, result = timed(
            lambda: sdk(
                mode,
                server.url,
                Billing.summary if mode == "sync" else AsyncBilling.summary,
                max_retries=10,
                deadline=2.5,
            )
        )
        assert isinstance(result, InternalServerError)
        assert "2.5 s deadline" in str(result)
    assert seconds < HUNG
    assert 2 <= server.count(SUMMARY) <= 3  # at 0, 1 and 2 s; never a fourth


@pytest.mark.parametrize("mode", MODES)
def test_a_retry_after_longer_than_the_time_left_ends_the_call_at_once(server: FakeAIMLAPI, mode: str) -> None:
    server.route(SUMMARY, json_body({"message": "slow down"}, 429, {"Retry-After": "3600"}))
    if mode == "cli":
        seconds, (code, _, err) = timed(lambda: cli("summary", "--base-url", server.url, "--max-retries", "5"))
        assert code == 5
        text = err
    else:
        seconds, result = timed(
            lambda: sdk(mode, server.url, lambda client: client.summary(deadline=30), max_retries=5)
        )
        assert isinstance(result, RateLimitError)
        assert result.retry_after == 3600
        text = str(result)
    assert "the server asked to wait 3600 s before a retry" in text
    assert seconds < HUNG
    assert server.count(SUMMARY) == 1


def test_without_a_deadline_a_long_retry_after_still_ends_the_call(server: FakeAIMLAPI) -> None:
    server.route(SUMMARY, json_body({"message": "slow down"}, 429, {"Retry-After": "600"}))
    result = sdk("sync", server.url, Billing.summary, max_retries=5, deadline=None)
    assert isinstance(result, RateLimitError)
    assert "longer than the 60 s the SDK waits" in str(result)
