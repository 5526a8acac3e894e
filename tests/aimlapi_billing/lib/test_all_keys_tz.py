"""``tz`` of ``billing.usage.all_keys()`` and ``billing.logs.all_keys()`` against the stand-in on
127.0.0.1: it places a calendar period's days, and is refused, before any request, with any other
window (where it would change nothing, as the CLI's ``--tz``)."""

from __future__ import annotations

import asyncio
import datetime
import zoneinfo
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fake_api.data import MANAGEMENT_KEY
from fake_api_server import FakeAIMLAPI

from aimlapi_billing import AsyncBilling, Billing, InvalidParameterError

pytestmark = pytest.mark.usefixtures("fast_backoff")
BERLIN = "Europe/Berlin"


@pytest.fixture
def account() -> Iterator[FakeAIMLAPI]:
    with FakeAIMLAPI() as server:
        yield server


def berlin_midnight_in_utc() -> datetime.datetime:
    today = datetime.datetime.now(zoneinfo.ZoneInfo(BERLIN)).replace(hour=0, minute=0, second=0, microsecond=0)
    return today.astimezone(datetime.UTC)


@pytest.mark.parametrize(
    "window",
    [
        {"start": "2026-11-01T00:00:00Z", "end": "2026-11-08T00:00:00Z"},
        {"period": "1w"},
        {"period": "24h"},
    ],
)
@pytest.mark.parametrize("view", ["usage", "logs"])
def test_tz_with_a_window_it_cannot_change_is_refused_before_any_request(
    account: FakeAIMLAPI, window: dict[str, Any], view: str
) -> None:
    """Before: usage.all_keys ignored tz here (the CLI refuses --tz), and logs.all_keys had no tz."""
    with Billing(api_key=MANAGEMENT_KEY, base_url=account.url) as billing:
        resource = billing.usage if view == "usage" else billing.logs
        with pytest.raises(InvalidParameterError, match="tz sets where the days of a calendar period begin"):
            resource.all_keys(**window, tz=BERLIN)
    assert account.requests == []


def test_logs_all_keys_places_todays_days_in_the_zone(account: FakeAIMLAPI) -> None:
    """Before: logs.all_keys(period="today", tz=...) was a TypeError."""
    with Billing(api_key=MANAGEMENT_KEY, base_url=account.url) as billing:
        result = billing.logs.all_keys(period="today", tz=BERLIN)
    assert result.complete
    starts = {parse_qs(urlsplit(seen.path).query)["start"][0] for seen in account.requests_to("/v2/logs")}
    assert len(starts) == 1
    (start,) = starts
    assert datetime.datetime.fromisoformat(start.replace("Z", "+00:00")) == berlin_midnight_in_utc()


def test_async_usage_all_keys_refuses_tz_with_start_and_end(account: FakeAIMLAPI) -> None:
    async def read() -> None:
        async with AsyncBilling(api_key=MANAGEMENT_KEY, base_url=account.url) as billing:
            await billing.usage.all_keys(start="2026-11-01T00:00:00Z", end="2026-11-08T00:00:00Z", tz=BERLIN)

    with pytest.raises(InvalidParameterError, match="not of start/end"):
        asyncio.run(read())
    assert account.requests == []
