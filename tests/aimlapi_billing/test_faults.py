"""The fault matrix: every fault over each code path a request can take, sync and async
(14 faults x 2 paths x 2 drivers = 56 cases), against the stand-in on 127.0.0.1.

The paths are those that differ: a single call (``detail()``: one request, its answer parsed into
its model) and a paged walk (``transactions()``: the fault on the second page, after a first page
already yielded). Every single-call endpoint runs the same transport and parse loop, so one stands
for them (each endpoint's own answers are tested in resources/ and lib/); fan-outs over keys have
their faults in test_fanout.py. Each case must end in the right result or the right typed error,
after the right number of attempts; nothing else may escape.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fake_api_server import DETAIL, LEDGER, Action, FakeAIMLAPI, Passthrough, Reply, Reset, Stall, Truncate

from aimlapi_billing import (
    AIMLAPIError,
    APIConnectionError,
    APITimeoutError,
    AsyncBilling,
    Billing,
    BillingDetailResponse,
    InternalServerError,
    ResponseValidationError,
    TransactionsResponse,
)

pytestmark = pytest.mark.usefixtures("fast_backoff")

# A stalled response exceeds the read timeout; a loopback answer never comes near it, even on a busy
# CI machine. Connecting gets the usual margin.
TIMEOUT = httpx.Timeout(5.0, read=0.4)


@dataclass(frozen=True)
class Path:
    """A code path: the request it faults, the body that request normally gets, and how a case runs it."""

    name: str
    path: str
    body: dict[str, Any]
    number_field: str  # a required numeric field, to break
    #: The requests before the faulted one, answered normally.
    before: int


#: A page of 4 rows: the canned ledger's 7 rows are two pages, the second the faulted one.
PAGE_SIZE = 4
SECOND_PAGE = {"data": LEDGER[PAGE_SIZE:], "pagination": {"next_cursor": None, "has_more": False}}
PATHS = [
    Path("single-call", "/v2/billing/detail", DETAIL, "current_balance", before=0),
    Path("paged-walk", "/v2/billing/transactions", SECOND_PAGE, "data", before=1),
]

HTML_502 = b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"
RATE_LIMITED = {"message": "Too many requests", "path": "/", "requestId": "r-429", "statusCode": "429"}


@dataclass(frozen=True)
class Fault:
    name: str
    actions: Callable[[Path], list[Action]]
    outcome: type  # Any for the path's normal result, or the error class
    attempts: int


def _without_first_field(path: Path) -> dict[str, Any]:
    body = dict(path.body)
    body.pop(next(iter(body)))
    return body


FAULTS = [
    Fault("429-retry-after-then-200", lambda e: [Reply(429, RATE_LIMITED, {"retry-after": "0"})], Any, 2),
    Fault("503-503-200", lambda e: [Reply(503), Reply(503)], Any, 3),
    Fault("retries-exhausted", lambda e: [Reply(503)] * 3, InternalServerError, 3),
    Fault("connection-reset-then-200", lambda e: [Reset()], Any, 2),
    Fault("connection-reset-always", lambda e: [Reset()] * 3, APIConnectionError, 3),
    Fault("read-timeout", lambda e: [Stall(5.0)] * 3, APITimeoutError, 3),
    Fault("body-cut-short", lambda p: [Truncate(json.dumps(p.body).encode(), 10)] * 3, APIConnectionError, 3),
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


async def _run(mode: str, path: Path, base_url: str) -> Any:
    """The path's call with a fresh client of ``mode``: a walk drained to its rows."""
    options: dict[str, Any] = {"base_url": base_url, "timeout": TIMEOUT}
    if mode == "sync":
        with Billing(**options) as billing:
            if path.name == "single-call":
                return billing.detail()
            return list(billing.transactions(limit=PAGE_SIZE))
    async with AsyncBilling(**options) as billing:
        if path.name == "single-call":
            return await billing.detail()
        return [row async for row in billing.transactions(limit=PAGE_SIZE)]


def _check_result(path: Path, fault: Fault, result: Any) -> None:
    """The path's normal result: the detail, or every row of the ledger in order."""
    if path.name == "single-call":
        assert isinstance(result, BillingDetailResponse)
        if fault.name == "unknown-extra-fields":
            assert result.additional_properties == {"surprise": {"nested": [1, 2]}}
        return
    whole = TransactionsResponse.from_dict({**SECOND_PAGE, "data": LEDGER})
    assert [row.to_dict() for row in result] == [row.to_dict() for row in whole.data]


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("path", PATHS, ids=[path.name for path in PATHS])
@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
async def test_fault_matrix(fake_api: FakeAIMLAPI, fault: Fault, path: Path, mode: str) -> None:
    fake_api.script(path.path, *[Passthrough()] * path.before, *fault.actions(path))
    if fault.outcome is Any:
        _check_result(path, fault, await _run(mode, path, fake_api.url))
    else:
        with pytest.raises(AIMLAPIError) as raised:
            await _run(mode, path, fake_api.url)
        assert type(raised.value) is fault.outcome, repr(raised.value)
        if isinstance(raised.value, InternalServerError) and fault.name == "html-502-page":
            assert raised.value.message == "Bad Gateway"
    assert len(fake_api.requests_to(path.path)) == path.before + fault.attempts


async def test_async_fan_out_shares_one_pool_against_the_real_server(fake_api: FakeAIMLAPI) -> None:
    import asyncio

    async with AsyncBilling(base_url=fake_api.url, timeout=5.0) as billing:
        results = await asyncio.gather(*(billing.detail() for _ in range(50)))
    assert all(isinstance(result, BillingDetailResponse) for result in results)
    assert len(fake_api.requests_to("/v2/billing/detail")) == 50
