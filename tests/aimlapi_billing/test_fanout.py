"""Fan-outs over keys (``_fanout.py``) against the stand-in on 127.0.0.1: many keys read side by side
within the client's concurrency, AIMD on 429, one deadline, results in order, and a partial view
never passed off as a whole. Figures (wall time) are the benchmark's, never asserted here."""

from __future__ import annotations

import asyncio
import datetime
import re
import threading
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fake_api.data import MANAGEMENT_KEY, many_keys
from fake_api_server import FakeAIMLAPI, Outcome, Reply, Seen, Stall

from aimlapi_billing import (
    APIStatusError,
    APITimeoutError,
    AsyncBilling,
    Billing,
    ConfigurationError,
    InvalidParameterError,
    NotFoundError,
)
from aimlapi_billing._fanout import NoSlotBeforeDeadline, Throttle

pytestmark = pytest.mark.usefixtures("fast_backoff")
MEASURED = re.compile(r"; (\d+) of (\d+) keys measured")


class PerKey(FakeAIMLAPI):
    """The stand-in, answering the usage of the keys in ``special`` as the test says."""

    def __init__(self, special: dict[str, Any], **options: Any) -> None:
        super().__init__(**options)
        self.special = special

    def next_action(self, seen: Seen) -> Outcome:
        prefix = parse_qs(urlsplit(seen.path).query).get("key_prefix", [None])[0]
        answer = self.special.get(prefix or "")
        if answer is None or not seen.path.startswith("/v2/usage"):
            return super().next_action(seen)
        with self._lock:
            self.requests.append(seen)
        return answer(seen) if callable(answer) else answer


def prefixes(count: int) -> list[str]:
    return [key["prefix"] for key in many_keys(count)]


def read_budgets(mode: str, url: str, **options: Any) -> Any:
    deadline = options.pop("call_deadline", None)
    extra = {} if deadline is None else {"deadline": deadline}
    if mode == "sync":
        with Billing(MANAGEMENT_KEY, base_url=url, **options) as billing:
            return billing.keys.budgets(**extra)

    async def read() -> Any:
        async with AsyncBilling(MANAGEMENT_KEY, base_url=url, **options) as billing:
            return await billing.keys.budgets(**extra)

    return asyncio.run(read())


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_keys_are_read_side_by_side_within_the_limit_in_the_lists_order(mode: str) -> None:
    """Before: one request at a time (peak 1), whatever the account's size."""
    with FakeAIMLAPI(keys=many_keys(60), delay=0.05) as fake:
        report = read_budgets(mode, fake.url, concurrency=8)
        peak = fake.peak_in_flight
    assert [budget.prefix for budget in report] == prefixes(60)  # the list's order, not the answers'
    assert 1 < peak <= 8
    assert all(budget.spend is not None for budget in report.limited)


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_429_past_n_in_flight_backs_off_and_measures_every_key(mode: str) -> None:
    """A server that refuses past 4 in flight: the fan-out halves, waits, recovers; every key measured."""
    with FakeAIMLAPI(keys=many_keys(80), delay=0.02, max_in_flight=4, busy_retry_after=0) as fake:
        report = read_budgets(mode, fake.url, concurrency=32, max_retries=6)
        refused = fake.refused_busy
    assert [budget.prefix for budget in report] == prefixes(80)
    assert refused > 0  # the server did refuse: the back-off, not luck, measured every key
    assert all(budget.spend is not None for budget in report.limited)


def test_a_429_storm_with_retry_after_pauses_the_whole_fan_out() -> None:
    """Each 429 says Retry-After: no attempt of the fan-out starts before it has passed."""
    throttle = Throttle(16)
    throttle.enter()
    throttle.throttled(30.0)
    assert throttle.allowed == 8
    assert throttle.cuts == 1
    throttle.throttled(30.0)  # another 429 of an attempt started before the cut: the same burst
    assert throttle.allowed == 8
    assert throttle.cuts == 1
    throttle.leave()
    assert throttle.allowed == 8  # no recovery from an attempt that saw the cut
    with pytest.raises(TimeoutError):
        asyncio.run(asyncio.wait_for(throttle.enter_async(), 0.2))  # paused by Retry-After: no slot yet
    assert throttle.in_flight == 0


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_the_deadline_ending_the_fan_out_says_how_many_keys_were_measured(mode: str) -> None:
    """One key's usage hangs: the call's one deadline ends the fan-out, and the error says N of M."""
    keys = many_keys(30)
    with PerKey({keys[7]["prefix"]: Stall(30)}, keys=keys) as fake, pytest.raises(APITimeoutError) as caught:
        read_budgets(mode, fake.url, concurrency=4, max_retries=0, call_deadline=1.0)
    found = MEASURED.search(str(caught.value))
    assert found is not None, str(caught.value)
    assert int(found.group(1)) < int(found.group(2)) == 30


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_key_answering_500_forever_fails_the_call_and_stops_the_others(mode: str) -> None:
    keys = many_keys(200)
    broken = keys[3]["prefix"]
    with PerKey({broken: Reply(500, {"message": "boom"})}, keys=keys, delay=0.01) as fake:
        with pytest.raises(APIStatusError) as caught:
            read_budgets(mode, fake.url, concurrency=4, max_retries=2)
        asked = len(fake.requests_to("/v2/usage"))
    assert caught.value.status_code == 500
    assert MEASURED.search(str(caught.value))
    assert asked < 199 + 3  # the fan-out stopped: not every other key was still read


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_key_deleted_between_the_list_and_its_usage_read(mode: str) -> None:
    keys = many_keys(20)
    gone = keys[5]["prefix"]

    def deleted(seen: Seen) -> Outcome:
        return Reply(404, {"message": f"API key {gone} not found", "statusCode": 404})

    with PerKey({gone: deleted}, keys=keys) as fake, pytest.raises(NotFoundError) as caught:
        read_budgets(mode, fake.url, concurrency=4, max_retries=0)
    assert MEASURED.search(str(caught.value))


def test_5000_keys_every_key_measured_within_the_limit() -> None:
    with FakeAIMLAPI(keys=many_keys(5000)) as fake:
        report = read_budgets("sync", fake.url, concurrency=16)
        peak = fake.peak_in_flight
    assert len(report) == 5000
    assert peak <= 16
    assert [budget.prefix for budget in report][-1] == prefixes(5000)[-1]


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_usage_per_key_is_a_fan_out_in_order(mode: str) -> None:
    wanted = prefixes(40)[1:]
    now = datetime.datetime.now(datetime.UTC)
    with FakeAIMLAPI(keys=many_keys(40), delay=0.02) as fake:
        if mode == "sync":
            with Billing(MANAGEMENT_KEY, base_url=fake.url, concurrency=6) as billing:
                reports = billing.usage.per_key(wanted, start=now - datetime.timedelta(days=1), end=now, models=True)
        else:

            async def read() -> Any:
                async with AsyncBilling(MANAGEMENT_KEY, base_url=fake.url, concurrency=6) as billing:
                    return await billing.usage.per_key(wanted, start=now - datetime.timedelta(days=1), end=now)

            reports = asyncio.run(read())
        peak = fake.peak_in_flight
    assert [report.api_key_prefix for report in reports] == wanted
    assert 1 < peak <= 6


def test_concurrency_is_checked() -> None:
    for bad in (0, 257, 1.5, True, "4"):
        with pytest.raises(ConfigurationError, match="concurrency"):
            Billing(MANAGEMENT_KEY, base_url="http://127.0.0.1:9", concurrency=bad)
    with Billing(MANAGEMENT_KEY, base_url="http://127.0.0.1:9") as billing:
        assert billing.concurrency == 16
        assert billing.with_options(concurrency=3).concurrency == 3
        with pytest.raises(InvalidParameterError, match="concurrency"):
            billing.with_options(concurrency=0)
        with pytest.raises(InvalidParameterError, match="key_prefixes"):
            billing.usage.per_key("abc")  # type: ignore[arg-type]


def test_cancelling_an_async_fan_out_leaves_no_task_behind() -> None:
    keys = many_keys(30)

    async def read(url: str) -> set[asyncio.Task[Any]]:
        async with AsyncBilling(MANAGEMENT_KEY, base_url=url, concurrency=8, max_retries=0) as billing:
            with pytest.raises(TimeoutError):
                async with asyncio.timeout(0.5):
                    await billing.keys.budgets()
            return {task for task in asyncio.all_tasks() if task is not asyncio.current_task()}

    with PerKey({key["prefix"]: Stall(30) for key in keys[1:]}, keys=keys) as fake:
        assert asyncio.run(read(fake.url)) == set()


def test_check_keys_at_the_deadline_is_unknown_with_the_keys_measured(monkeypatch: pytest.MonkeyPatch) -> None:
    """A partial view is never a verdict: the keys read before the deadline may all be fine."""
    import io

    from aimlapi_billing._cli import main

    monkeypatch.setenv("AIML_API_KEY", MANAGEMENT_KEY)
    keys = many_keys(40)
    with PerKey({keys[20]["prefix"]: Stall(30)}, keys=keys) as fake:
        out, err = io.StringIO(), io.StringIO()
        argv = ["check-keys", "-w", "80", "-c", "95", "--base-url", fake.url, "--deadline", "1", "--concurrency", "4"]
        code = main(argv, out=out, err=err)
    assert code == 3
    assert out.getvalue().startswith("KEYS UNKNOWN - ")
    assert re.search(r"; \d+ of 40 keys not measured: ", out.getvalue())
    assert out.getvalue().count("\n") == 1
    assert err.getvalue() == ""


def test_sigint_mid_fan_out_is_one_line_exit_130_and_no_status_line() -> None:
    """Ctrl-C while every key's usage hangs: at once one line on stderr, 130, nothing on stdout; the
    threads in flight do not hold the process until their attempts end (30 s here)."""
    import os
    import signal
    import subprocess
    import sys
    import time

    keys = many_keys(50)
    with PerKey({key["prefix"]: Stall(30) for key in keys}, keys=keys) as fake:
        env = {**os.environ, "AIML_API_KEY": MANAGEMENT_KEY}
        argv = ["-m", "aimlapi_billing", "check-keys", "-w", "80", "--base-url", fake.url, "--timeout", "30"]
        process = subprocess.Popen([sys.executable, *argv], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            waited = time.monotonic() + 30
            while len(fake.requests_to("/v2/usage")) < 16 and time.monotonic() < waited:
                time.sleep(0.02)
            assert len(fake.requests_to("/v2/usage")) == 16  # the default concurrency, every slot in flight
            process.send_signal(signal.SIGINT)
            out, err = process.communicate(timeout=20)  # a bound, not a timing: the stalls last 30 s
        finally:
            process.kill()
            process.wait()
    assert process.returncode == 130
    assert out == b""
    assert err.decode() == "aimlapi-billing: interrupted (Ctrl-C)\n"


def finished_within(seconds: float, call: Any) -> Any:
    """``call()``'s result, or a failure if it has not returned after ``seconds`` (a hang, not a figure:
    the bound is many times the deadline under test; the daemon thread never holds the session)."""
    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append(call())
        except BaseException as exc:  # raised in the test's thread below
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still waiting after {seconds} s: the deadline was not kept"
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_refused_retry_after_of_an_hour_pauses_no_other_key_of_a_partial_fan_out(mode: str) -> None:
    """Before: the SDK refused to wait 3600 s for that key, but wrote the hour into the fan-out's pause,
    and every other key waited for it past the deadline (the CLI hung with --deadline 5)."""
    keys = many_keys(24)
    slow = keys[2]["prefix"]
    asked_to_wait = Reply(429, {"message": "slow down"}, headers={"Retry-After": "3600"})
    with PerKey({slow: asked_to_wait}, keys=keys) as fake:
        if mode == "sync":
            with Billing(MANAGEMENT_KEY, base_url=fake.url, concurrency=2) as billing:
                report = finished_within(30, lambda: billing.keys.budgets(partial=True, deadline=5))
        else:

            async def read() -> Any:
                async with AsyncBilling(MANAGEMENT_KEY, base_url=fake.url, concurrency=2) as billing:
                    return await billing.usage.all_keys(period="this-month", deadline=5)

            report = finished_within(30, lambda: asyncio.run(read()))
    assert [missing.prefix for missing in report.missing] == [slow]
    assert "3600" in report.missing[0].reason
    measured = {budget.prefix for budget in report.budgets} if mode == "sync" else {row.prefix for row in report.rows}
    assert measured == {key["prefix"] for key in keys} - {slow}  # every other key measured, none waited


def test_a_part_never_waits_for_a_slot_past_its_deadline() -> None:
    """An accepted Retry-After or a full fan-out: the wait for a slot ends at the part's deadline."""
    throttle = Throttle(1)
    throttle.throttled(3600.0)
    started = time.monotonic()
    with pytest.raises(NoSlotBeforeDeadline):  # the pause outlasts the deadline: no wait at all
        throttle.enter(started + 2.0)
    with pytest.raises(NoSlotBeforeDeadline):
        asyncio.run(throttle.enter_async(time.monotonic() + 2.0))
    throttle.resume_at = 0.0
    throttle.enter()  # the one slot taken: the next waits for it, until its deadline and no longer
    with pytest.raises(NoSlotBeforeDeadline):
        finished_within(30, lambda: throttle.enter(time.monotonic() + 0.3))
    with pytest.raises(NoSlotBeforeDeadline):
        asyncio.run(throttle.enter_async(time.monotonic() + 0.3))
    assert throttle.in_flight == 1
