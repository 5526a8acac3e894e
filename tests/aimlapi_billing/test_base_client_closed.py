"""A call on a closed client, sync or async, of any kind, raises ClientClosedError (an AIMLAPIError,
also the RuntimeError httpx raised before), before any request and without waiting."""

from __future__ import annotations

import datetime
import threading
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from fake_api_server import FakeAIMLAPI, Reply

from aimlapi_billing import AIMLAPIError, AsyncBilling, Billing, ClientClosedError

from .conftest import API_KEY

# Every kind of call: plain, raw response, a resource's call, and iterators (walks of pages).
CALLS: dict[str, Callable[[Any], Any]] = {
    "detail": lambda billing: billing.detail(),
    "raw balance": lambda billing: billing.with_raw_response.balance(),
    "forecast": lambda billing: billing.forecast(window=datetime.timedelta(days=7)),
    "usage.total": lambda billing: billing.usage.total(period="7d"),
    "keys.list": lambda billing: billing.keys.list(),
    "raw usage.total": lambda billing: billing.usage.with_raw_response.total(period="7d"),
    "transactions walk": lambda billing: list(billing.transactions()),
    "logs walk": lambda billing: list(billing.logs.list(period="30d")),
}


async def _drained(walk: Any) -> list[Any]:
    return [item async for item in walk]


ASYNC_CALLS: dict[str, Callable[[Any], Awaitable[Any]]] = {
    "detail": lambda billing: billing.detail(),
    "raw balance": lambda billing: billing.with_raw_response.balance(),
    "usage.total": lambda billing: billing.usage.total(period="7d"),
    "transactions walk": lambda billing: _drained(billing.transactions()),
    "logs walk": lambda billing: _drained(billing.logs.list(period="30d")),
}


def _closed_sync(how: str, url: str) -> Billing:
    """A client whose pool is closed, ``how``: itself, a copy made after, a copy whose parent was
    closed, or a caller's own httpx client that the caller closed."""
    if how == "own http_client closed":
        own = httpx.Client()
        own.close()
        return Billing(base_url=url, http_client=own)
    billing = Billing(base_url=url)
    if how == "closed":
        billing.close()
        return billing
    if how == "copy of a closed client":
        billing.close()
        return billing.with_options(max_retries=0)
    copy = billing.with_options(max_retries=0)
    billing.close()
    return copy


async def _closed_async(how: str, url: str) -> AsyncBilling:
    if how == "own http_client closed":
        own = httpx.AsyncClient()
        await own.aclose()
        return AsyncBilling(base_url=url, http_client=own)
    billing = AsyncBilling(base_url=url)
    if how == "closed":
        await billing.aclose()
        return billing
    if how == "copy of a closed client":
        await billing.aclose()
        return billing.with_options(max_retries=0)
    copy = billing.with_options(max_retries=0)
    await billing.aclose()
    return copy


HOW = ["closed", "copy of a closed client", "copy whose parent was closed", "own http_client closed"]


def _check(error: ClientClosedError) -> None:
    assert isinstance(error, AIMLAPIError)
    assert isinstance(error, RuntimeError)
    assert "closed" in str(error)
    assert API_KEY not in str(error)
    assert API_KEY not in repr(error)
    assert error.__cause__ is None
    assert error.__suppress_context__


@pytest.mark.parametrize("how", HOW)
@pytest.mark.parametrize("call", list(CALLS))
def test_every_sync_call_on_a_closed_client_raises_client_closed_error(
    fake_api: FakeAIMLAPI, how: str, call: str
) -> None:
    billing = _closed_sync(how, fake_api.url)
    with pytest.raises(ClientClosedError) as raised:
        CALLS[call](billing)
    _check(raised.value)
    assert fake_api.requests == []


@pytest.mark.parametrize("how", HOW)
@pytest.mark.parametrize("call", list(ASYNC_CALLS))
async def test_every_async_call_on_a_closed_client_raises_client_closed_error(
    fake_api: FakeAIMLAPI, how: str, call: str
) -> None:
    billing = await _closed_async(how, fake_api.url)
    with pytest.raises(ClientClosedError) as raised:
        await ASYNC_CALLS[call](billing)
    _check(raised.value)
    assert fake_api.requests == []


def test_a_walk_whose_client_is_closed_between_pages_raises_client_closed_error(fake_api: FakeAIMLAPI) -> None:
    with Billing(base_url=fake_api.url) as billing:
        walk = billing.transactions(limit=2)
        next(walk)
        next(walk)
        billing.close()
        with pytest.raises(ClientClosedError):
            list(walk)
    assert len(fake_api.requests_to("/v2/billing/transactions")) == 1


def test_a_client_closed_by_another_thread_during_a_retry_wait_raises_client_closed_error(
    fake_api: FakeAIMLAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race the up-front check cannot see: httpx's own refusal is translated too."""
    from aimlapi_billing import _base_client

    billing = Billing(base_url=fake_api.url, max_retries=1)
    fake_api.script("/v2/billing/detail", Reply(503, {"message": "busy"}))

    def close_from_another_thread(_: float) -> None:
        closing = threading.Thread(target=billing.close)
        closing.start()
        closing.join()

    monkeypatch.setattr(_base_client.time, "sleep", close_from_another_thread)
    with pytest.raises(ClientClosedError):
        billing.detail()
    assert len(fake_api.requests_to("/v2/billing/detail")) == 1


def test_closing_twice_and_a_new_client_after_closing_work(fake_api: FakeAIMLAPI) -> None:
    billing = Billing(base_url=fake_api.url)
    billing.close()
    billing.close()
    with Billing(base_url=fake_api.url) as fresh:
        assert fresh.detail().current_balance > 0
