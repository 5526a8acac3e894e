"""The fault matrix: every fault, every endpoint, sync and async (14 x 4 x 2 = 112 cases), against a real HTTP server.

The server (scripts/fake_api_server.py) listens on 127.0.0.1 and is stopped after each test.
Each case must end in the right result or the right typed error, after the right number of
attempts; nothing else may escape.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fake_api_server import BALANCE, BILLING, DETAIL, LEDGER, Action, FakeAIMLAPI, Reply, Reset, Stall, Truncate

from aimlapi_billing import (
    AIMLAPIError,
    APIConnectionError,
    APITimeoutError,
    AsyncBilling,
    BalanceResponse,
    Billing,
    BillingDetailResponse,
    BillingResponse,
    InternalServerError,
    ResponseValidationError,
    TransactionsResponse,
)

pytestmark = pytest.mark.usefixtures("fast_backoff")

# A stalled response exceeds the read timeout; a loopback answer never comes near it, even on a busy
# CI machine. Connecting gets the usual margin.
TIMEOUT = httpx.Timeout(5.0, read=0.4)


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    body: dict[str, Any]
    model: type
    number_field: str  # a required numeric field, to break


ENDPOINTS = [
    Endpoint("balance", "/v1/billing/balance", BALANCE, BalanceResponse, "balance"),
    Endpoint("summary", "/v2/billing", BILLING, BillingResponse, "current_balance"),
    Endpoint("detail", "/v2/billing/detail", DETAIL, BillingDetailResponse, "current_balance"),
    Endpoint(
        "transactions_page",
        "/v2/billing/transactions",
        {"data": LEDGER[:2], "pagination": {"next_cursor": None, "has_more": False}},
        TransactionsResponse,
        "data",
    ),
]

HTML_502 = b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"
RATE_LIMITED = {"message": "Too many requests", "path": "/", "requestId": "r-429", "statusCode": "429"}


@dataclass(frozen=True)
class Fault:
    name: str
    actions: Callable[[Endpoint], list[Action]]
    outcome: type  # the model class on success (Any stands for the endpoint's model), or the error class
    attempts: int


def _without_first_field(endpoint: Endpoint) -> dict[str, Any]:
    body = dict(endpoint.body)
    body.pop(next(iter(body)))
    return body


FAULTS = [
    Fault("429-retry-after-then-200", lambda e: [Reply(429, RATE_LIMITED, {"retry-after": "0"})], Any, 2),
    Fault("503-503-200", lambda e: [Reply(503), Reply(503)], Any, 3),
    Fault("retries-exhausted", lambda e: [Reply(503)] * 3, InternalServerError, 3),
    Fault("connection-reset-then-200", lambda e: [Reset()], Any, 2),
    Fault("connection-reset-always", lambda e: [Reset()] * 3, APIConnectionError, 3),
    Fault("read-timeout", lambda e: [Stall(5.0)] * 3, APITimeoutError, 3),
    Fault("body-cut-short", lambda e: [Truncate(json.dumps(e.body).encode(), 10)] * 3, APIConnectionError, 3),
    Fault("truncated-json", lambda e: [Reply(200, json.dumps(e.body).encode()[:-7])], ResponseValidationError, 1),
    Fault("html-502-page", lambda e: [Reply(502, HTML_502, content_type="text/html")] * 3, InternalServerError, 3),
    Fault("empty-body", lambda e: [Reply(200, b"")], ResponseValidationError, 1),
    Fault(
        "wrong-content-type", lambda e: [Reply(200, b"<p>ok</p>", content_type="text/html")], ResponseValidationError, 1
    ),
    Fault("missing-required-field", lambda e: [Reply(200, _without_first_field(e))], ResponseValidationError, 1),
    Fault(
        "wrong-field-type",
        lambda e: [Reply(200, {**e.body, e.number_field: "lots"})],
        ResponseValidationError,
        1,
    ),
    Fault("unknown-extra-fields", lambda e: [Reply(200, {**e.body, "surprise": {"nested": [1, 2]}})], Any, 1),
]


async def _call(mode: str, endpoint: Endpoint, base_url: str) -> Any:
    options: dict[str, Any] = {"base_url": base_url, "timeout": TIMEOUT}
    if mode == "sync":
        with Billing(**options) as billing:
            return getattr(billing, endpoint.method)()
    async with AsyncBilling(**options) as billing:
        return await getattr(billing, endpoint.method)()


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e.method for e in ENDPOINTS])
@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
async def test_fault_matrix(fake_api: FakeAIMLAPI, fault: Fault, endpoint: Endpoint, mode: str) -> None:
    fake_api.script(endpoint.path, *fault.actions(endpoint))
    if fault.outcome is Any:
        result = await _call(mode, endpoint, fake_api.url)
        assert isinstance(result, endpoint.model)
        if fault.name == "unknown-extra-fields":
            assert result.additional_properties == {"surprise": {"nested": [1, 2]}}
    else:
        with pytest.raises(AIMLAPIError) as raised:
            await _call(mode, endpoint, fake_api.url)
        assert type(raised.value) is fault.outcome, repr(raised.value)
        if isinstance(raised.value, InternalServerError) and fault.name == "html-502-page":
            assert raised.value.message == "Bad Gateway"
    assert len(fake_api.requests_to(endpoint.path)) == fault.attempts


async def test_async_fan_out_shares_one_pool_against_the_real_server(fake_api: FakeAIMLAPI) -> None:
    import asyncio

    async with AsyncBilling(base_url=fake_api.url, timeout=5.0) as billing:
        results = await asyncio.gather(*(billing.detail() for _ in range(50)))
    assert all(isinstance(result, BillingDetailResponse) for result in results)
    assert len(fake_api.requests_to("/v2/billing/detail")) == 50
