"""``billing.usage.all_keys()`` and ``billing.logs.all_keys()`` (``lib/all_keys.py``) against the
stand-in on 127.0.0.1: every key over one window, in a deterministic order, through the fan-out
(concurrency, 429 back-off, one deadline), and a partial view that names its missing keys."""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal
from typing import Any

import httpx
import pytest
from fake_api.data import MANAGEMENT_KEY, many_keys
from fake_api_server import FakeAIMLAPI, Reply, Stall

from aimlapi_billing import AllKeysUsage, AsyncBilling, Billing, InvalidParameterError

pytestmark = pytest.mark.usefixtures("fast_backoff")
#: The canned account's spend per key (fake_api.data), all inside the last 30 days of any "now".
SPEND = {"a1b2c3d4": Decimal("2.5"), "b747e891": Decimal("1.56"), "c0ffee42": Decimal("0.42"), "d15ab1ed": Decimal(0)}


def client(server: FakeAIMLAPI, **options: Any) -> Billing:
    return Billing(api_key=MANAGEMENT_KEY, base_url=server.url, **options)


def spends(result: AllKeysUsage) -> list[tuple[str, Decimal]]:
    return [(row.prefix, row.spend) for row in result.rows]


def test_every_key_highest_spend_first_over_one_window() -> None:
    with FakeAIMLAPI() as server, client(server) as billing:
        result = billing.usage.all_keys(period="30d", models=True)
        usage_queries = [seen.path for seen in server.requests if seen.path.startswith("/v2/usage/detail")]
    assert spends(result) == sorted(SPEND.items(), key=lambda item: (-item[1], item[0]))
    assert result.complete
    assert result.missing == ()
    assert result.listed == 4
    assert result.spend == sum(SPEND.values())
    assert [model.model for model in result.rows[2].report.models] == ["anthropic/claude-sonnet"]
    # One window for all: the relative period fixed to the same absolute start and end in every request.
    windows = {
        tuple(sorted(part for part in path.split("?")[1].split("&") if not part.startswith("key_prefix")))
        for path in usage_queries
    }
    assert len(usage_queries) == 4
    assert len(windows) == 1


def test_the_async_client_and_any_concurrency_give_the_same_view() -> None:
    async def read(url: str) -> AllKeysUsage:
        async with AsyncBilling(api_key=MANAGEMENT_KEY, base_url=url, concurrency=3) as billing:
            return await billing.usage.all_keys(start="2000-01-01T00:00:00Z", end="2000-02-01T00:00:00Z")

    with FakeAIMLAPI(keys=many_keys(40), delay=0.005) as server:
        with client(server, concurrency=1) as serial, client(server, concurrency=32) as wide:
            one, many = (
                serial.usage.all_keys(start="2000-01-01", end="2000-02-01"),
                wide.usage.all_keys(start="2000-01-01", end="2000-02-01"),
            )
        concurrent = asyncio.run(read(server.url))
    assert spends(one) == spends(many) == spends(concurrent)
    # Nothing spent in 2000: ties are ordered by prefix, whatever order the parts ended in.
    assert [row.prefix for row in one.rows] == sorted(row.prefix for row in one.rows)


def test_a_calendar_period_in_a_zone_is_measured_from_its_local_midnight() -> None:
    with FakeAIMLAPI() as server, client(server) as billing:
        result = billing.usage.all_keys(period="this-month", tz="Asia/Kathmandu")
    assert result.start.endswith("T18:15:00Z")  # midnight at +05:45
    with pytest.raises(InvalidParameterError, match="IANA"):
        billing.usage.all_keys(period="this-month", tz="Mars/Olympus")


def test_keys_listed_twice_are_measured_once_and_said() -> None:
    with FakeAIMLAPI() as server:
        listed = json.loads(
            httpx.get(f"{server.url}/v1/keys", headers={"authorization": f"Bearer {MANAGEMENT_KEY}"}).content
        )
        listed["data"].append(listed["data"][1])
        server.script("GET /v1/keys", Reply(200, listed))
        with client(server) as billing:
            result = billing.usage.all_keys(period="30d")
        asked = [seen.path for seen in server.requests if seen.path.startswith("/v2/usage")]
    assert result.listed == 4
    assert result.listed_twice == (listed["data"][1]["prefix"],)
    assert len(asked) == 4
    assert result.spend == sum(SPEND.values())  # not a key's spend counted twice


def test_a_key_deleted_after_the_list_is_missing_not_dropped() -> None:
    with FakeAIMLAPI() as server, client(server) as billing:
        server.delete_after_listing("c0ffee42")
        result = billing.usage.all_keys(period="30d")
    assert not result.complete
    assert [(key.prefix, key.error) for key in result.missing] == [("c0ffee42", "NotFoundError")]
    assert dict(spends(result)) == {prefix: spent for prefix, spent in SPEND.items() if prefix != "c0ffee42"}


def test_a_key_failing_forever_and_one_that_hangs_are_missing_the_others_measured() -> None:
    with FakeAIMLAPI() as server:
        server.key_faults["b747e891"] = Reply(500, {"message": "boom", "statusCode": 500})
        server.key_faults["c0ffee42"] = Stall(30)
        with client(server, timeout=0.5, max_retries=1) as billing:
            result = billing.usage.all_keys(period="30d", deadline=5)
        tries = [seen for seen in server.requests if "key_prefix=b747e891" in seen.path]
    assert {key.prefix: key.error for key in result.missing} == {
        "b747e891": "InternalServerError",
        "c0ffee42": "APITimeoutError",
    }
    assert dict(spends(result)) == {"a1b2c3d4": Decimal("2.5"), "d15ab1ed": Decimal(0)}
    assert len(tries) == 2  # the first attempt and its one retry: never more
    assert "b747e891" in repr(result.missing)
    assert MANAGEMENT_KEY not in repr(result)


def test_the_deadline_ending_the_fan_out_keeps_what_was_measured_and_names_the_rest() -> None:
    with FakeAIMLAPI(keys=many_keys(120), delay=0.1) as server, client(server, concurrency=4) as billing:
        result = billing.usage.all_keys(period="7d", deadline=1.5)
    assert 0 < len(result.rows) < 120
    assert len(result.rows) + len(result.missing) == result.listed == 120
    assert {key.error for key in result.missing} <= {"APITimeoutError"}
    assert result.spend == sum((row.spend for row in result.rows), Decimal(0))
    measured = {row.prefix for row in result.rows}
    assert not measured & {key.prefix for key in result.missing}


def test_a_429_storm_slows_the_fan_out_and_every_key_is_measured() -> None:
    storm = FakeAIMLAPI(keys=many_keys(150), max_in_flight=4, busy_retry_after=0.05, delay=0.01)
    with storm as server, client(server, concurrency=32, max_retries=10) as billing:
        result = billing.usage.all_keys(period="7d")
    assert result.complete
    assert len(result.rows) == 150
    assert server.refused_busy > 0  # it did back off: the storm happened


@pytest.mark.slow
def test_five_thousand_keys() -> None:
    with FakeAIMLAPI(keys=many_keys(5000)) as server, client(server, concurrency=32) as billing:
        result = billing.usage.all_keys(period="24h")
    assert result.complete
    assert result.listed == 5000 == len(result.rows)
    assert len({row.prefix for row in result.rows}) == 5000


def test_every_keys_rows_in_prefix_order_each_as_its_own_walk_gives_them() -> None:
    with FakeAIMLAPI() as server, client(server) as billing:
        result = billing.logs.all_keys(period="30d")
        alone = {
            prefix: [row.inference_id for row in billing.logs.list(period="30d", key_prefix=prefix)] for prefix in SPEND
        }
    assert [key.prefix for key in result.keys] == sorted(SPEND)
    assert {key.prefix: [row.inference_id for row in key.rows] for key in result.keys} == alone
    assert sum(len(key.rows) for key in result.keys) == 5
    assert result.complete


def test_the_logs_rate_limit_is_shared_by_every_key_of_the_fan_out() -> None:
    # 10 keys, each a page, the stand-in allowing 4 per 2 s: the client's one limiter (2 per 2 s: headroom
    # for the link's jitter, as the default's 190 a minute has against 200) makes the whole fan-out wait.
    with FakeAIMLAPI(keys=many_keys(10), logs_rate_limit=4, logs_rate_window=2.0) as server:
        with Billing(api_key=MANAGEMENT_KEY, base_url=server.url, logs_rate_limit=(2, 2.0)) as billing:
            result = billing.logs.all_keys(period="24h", deadline=30)
        asked = server.requests_to("/v2/logs")
    assert result.complete
    assert len(result.keys) == 10
    assert len(asked) == 10  # one page each, none refused and retried
