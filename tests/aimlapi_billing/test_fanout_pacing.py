"""A fan-out far above the server's own in-flight limit (review finding 7): a 429 is the server's pace,
not a failure, so it never uses up ``max_retries`` while the deadline bounds the whole call; the
throttle halves on it and grows back more slowly than it halves. Against the stand-in on 127.0.0.1;
the wall times are the benchmark's (benchmarks/fanout.py), never asserted here."""

from __future__ import annotations

import asyncio
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fake_api.data import MANAGEMENT_KEY, many_keys
from fake_api_server import FakeAIMLAPI, Outcome, Reply, Seen

from aimlapi_billing import AsyncBilling, Billing, RateLimitError
from aimlapi_billing._fanout import PROBE, RECOVERY, Throttle

pytestmark = pytest.mark.usefixtures("fast_backoff")


class OneKeyThrottled(FakeAIMLAPI):
    """The stand-in, answering 429 (Retry-After 0.05 s) to every usage read of one key, forever."""

    def __init__(self, prefix: str, **options: Any) -> None:
        super().__init__(**options)
        self.prefix = prefix

    def next_action(self, seen: Seen) -> Outcome:
        asked = parse_qs(urlsplit(seen.path).query).get("key_prefix", [None])[0]
        if seen.path.startswith("/v2/usage") and asked == self.prefix:
            with self._lock:
                self.requests.append(seen)
            return Reply(429, {"message": "slow down"}, headers={"Retry-After": "0.05"})
        return super().next_action(seen)


def budgets(mode: str, url: str, **options: Any) -> Any:
    call = {name: options.pop(name) for name in ("partial", "deadline") if name in options}
    if mode == "sync":
        with Billing(MANAGEMENT_KEY, base_url=url, **options) as billing:
            return billing.keys.budgets(**call)

    async def read() -> Any:
        async with AsyncBilling(MANAGEMENT_KEY, base_url=url, **options) as billing:
            return await billing.keys.budgets(**call)

    return asyncio.run(read())


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_400_keys_at_concurrency_64_against_a_limit_of_4_every_key_measured(mode: str) -> None:
    """Before: each 429 counted against max_retries (2), and the call failed with 77 or 374 of 400 measured."""
    keys = many_keys(400)
    with FakeAIMLAPI(keys=keys, delay=0.02, max_in_flight=4, busy_retry_after=0) as fake:
        report = budgets(mode, fake.url, concurrency=64, deadline=120)
        refused = fake.refused_busy
    assert [budget.prefix for budget in report] == [key["prefix"] for key in keys]
    assert all(budget.spend is not None for budget in report.limited)
    assert refused > 0  # the server did refuse: the pacing, not luck, measured every key


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_key_answered_429_forever_is_retried_until_the_deadline_not_max_retries(mode: str) -> None:
    keys = many_keys(8)
    stuck = keys[4]["prefix"]
    with OneKeyThrottled(stuck, keys=keys) as fake:
        report = budgets(mode, fake.url, concurrency=4, max_retries=1, partial=True, deadline=5)
        asked = len([seen for seen in fake.requests_to("/v2/usage") if stuck in seen.path])
    assert [missing.prefix for missing in report.missing] == [stuck], report.missing
    assert "deadline" in report.missing[0].reason
    assert {budget.prefix for budget in report} == {key["prefix"] for key in keys} - {stuck}
    assert asked > 2  # more than 1 + max_retries: the 429s did not use them up


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_key_only_ever_answered_429_says_it_was_rate_limited(mode: str) -> None:
    """Before: its reason was "Request timed out" or "no time for retry 1", as if the link were slow."""
    keys = many_keys(3)
    stuck = keys[1]["prefix"]
    with OneKeyThrottled(stuck, keys=keys) as fake:
        report = budgets(mode, fake.url, concurrency=2, partial=True, deadline=1.5)
    (missing,) = report.missing
    assert missing.prefix == stuck
    assert missing.error in ("APITimeoutError", "RateLimitError")
    assert re.search(
        r"; the server kept answering 429 \(rate limited\) until the deadline: (\d+ times|once)$", missing.reason
    )
    assert len(report) == 2  # the others measured: their reasons are not touched


def test_without_a_deadline_429s_still_count_against_max_retries() -> None:
    """Nothing else would bound them: a server answering 429 forever must not hold the call forever."""
    keys = many_keys(6)
    stuck = keys[1]["prefix"]
    with OneKeyThrottled(stuck, keys=keys) as fake:
        with pytest.raises(RateLimitError):
            budgets("sync", fake.url, concurrency=2, max_retries=2, deadline=None)
        asked = len([seen for seen in fake.requests_to("/v2/usage") if stuck in seen.path])
    assert asked == 3


def test_the_throttle_grows_back_more_slowly_than_it_halves() -> None:
    """AIMD: a cut halves at once; the way back takes RECOVERY times TCP's one more per round."""
    throttle = Throttle(16)
    throttle.enter()
    throttle.throttled(None)
    throttle.leave()
    assert throttle.allowed == 8
    attempts = 0
    while throttle.allowed < 9:
        throttle.enter()
        throttle.leave()
        attempts += 1
    assert 8 * RECOVERY <= attempts <= 9 * RECOVERY  # TCP's congestion avoidance would take 8 or 9
    assert throttle.in_flight == 0


def test_near_the_level_the_server_refused_at_the_throttle_probes_more_slowly_still() -> None:
    """A cut at 8 in flight: back to 7 at the recovery pace, then from 7 on PROBE times slower."""
    throttle = Throttle(8)
    throttle.enter()
    throttle.throttled(None)
    throttle.leave()
    assert (throttle.allowed, throttle.ceiling) == (4, 8)
    while throttle.allowed < 7:
        throttle.enter()
        throttle.leave()
    start, attempts = throttle.allowed, 0
    while throttle.allowed < start + 0.5:
        throttle.enter()
        throttle.leave()
        attempts += 1
    assert 0.5 * start * RECOVERY * PROBE <= attempts <= 0.5 * (start + 0.5) * RECOVERY * PROBE + 1
