"""The generated client used on its own (``AuthenticatedClient``), against pytest-httpx."""

from __future__ import annotations

import datetime
import json
from types import ModuleType
from typing import Any

import httpx
import pytest
from aimlapi_billing_client import AuthenticatedClient
from aimlapi_billing_client.api.billing import get_balance, get_billing, get_billing_detail
from aimlapi_billing_client.models import BalanceResponse, BillingDetailResponse, BillingResponse, Error
from aimlapi_billing_client.types import UNSET
from fake_api_server import BALANCE, BILLING, DETAIL
from pytest_httpx import HTTPXMock

from fake_api.examples import exact

BASE_URL = "https://api.aimlapi.com"
KEY = "sk-test-generated-client"

ENDPOINTS = [
    pytest.param(get_balance, "/v1/billing/balance", BALANCE, BalanceResponse, id="balance"),
    pytest.param(get_billing, "/v2/billing", BILLING, BillingResponse, id="billing"),
    pytest.param(get_billing_detail, "/v2/billing/detail", DETAIL, BillingDetailResponse, id="detail"),
]


def _round_tripped(body: dict[str, Any]) -> dict[str, Any]:
    """``body`` as ``to_dict()`` gives it back: date-times in Python's ISO format, and numbers as the
    exact decimals the JSON wrote (``275.78`` is ``Decimal('275.78')``, which no float equals)."""
    numbers = exact(body)
    if "lastUpdated" in numbers:
        parsed = datetime.datetime.fromisoformat(numbers["lastUpdated"])
        return {**numbers, "lastUpdated": parsed.isoformat()}
    return numbers


def _assert_get_with_bearer_and_no_body(request: httpx.Request, path: str) -> None:
    assert request.method == "GET"
    assert request.url == BASE_URL + path
    assert request.headers["Authorization"] == f"Bearer {KEY}"
    assert request.content == b""
    assert "content-type" not in request.headers


@pytest.mark.parametrize(("module", "path", "body", "model"), ENDPOINTS)
def test_sync_call_sends_bearer_no_body_and_parses(
    httpx_mock: HTTPXMock, module: ModuleType, path: str, body: dict[str, Any], model: type
) -> None:
    httpx_mock.add_response(url=BASE_URL + path, json=body)
    with AuthenticatedClient(base_url=BASE_URL, token=KEY) as client:
        parsed = module.sync(client=client)
    assert isinstance(parsed, model)
    assert parsed.to_dict() == _round_tripped(body)
    _assert_get_with_bearer_and_no_body(httpx_mock.get_request(), path)


@pytest.mark.parametrize(("module", "path", "body", "model"), ENDPOINTS)
async def test_async_call_sends_bearer_no_body_and_parses(
    httpx_mock: HTTPXMock, module: ModuleType, path: str, body: dict[str, Any], model: type
) -> None:
    httpx_mock.add_response(url=BASE_URL + path, json=body)
    async with AuthenticatedClient(base_url=BASE_URL, token=KEY) as client:
        parsed = await module.asyncio(client=client)
    assert isinstance(parsed, model)
    assert parsed.to_dict() == _round_tripped(body)
    _assert_get_with_bearer_and_no_body(httpx_mock.get_request(), path)


def test_typed_fields_are_parsed(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(url=BASE_URL + "/v1/billing/balance", json=BALANCE)
    httpx_mock.add_response(url=BASE_URL + "/v2/billing/detail", json=DETAIL)
    with AuthenticatedClient(base_url=BASE_URL, token=KEY) as client:
        balance = get_balance.sync(client=client)
        detail = get_billing_detail.sync(client=client)
    assert isinstance(balance, BalanceResponse)
    assert balance.last_updated == datetime.datetime(2025, 11, 10, 10, 1, 56, 824000, tzinfo=datetime.UTC)
    assert balance.low_balance is False
    assert isinstance(detail, BillingDetailResponse)
    assert detail.autotopup_settings.is_enabled is True
    assert detail.autotopup_settings.threshold == 50


@pytest.mark.parametrize(
    "body",
    [
        {"message": "Rate limit", "path": "/v2/billing", "requestId": "r-1", "statusCode": "429", "timestamp": "t"},
        {"message": "Rate limit", "path": "/v2/billing", "requestId": "r-3", "statusCode": 429, "timestamp": "t"},
        {
            "title": "Unauthorized",
            "status": 401,
            "message": "Invalid key",
            "instance": "/v2/billing",
            "requestId": "r-2",
            "timestamp": "t",
            "error": {"name": "AuthError", "message": "Invalid key"},
        },
    ],
    ids=["documented-shape", "served-shape", "problem-json-shape"],
)
def test_both_vendor_error_shapes_parse_into_error(httpx_mock: HTTPXMock, body: dict[str, Any]) -> None:
    httpx_mock.add_response(
        url=BASE_URL + "/v2/billing",
        status_code=429 if "statusCode" in body else 401,
        content=json.dumps(body).encode(),
        headers={"content-type": "application/problem+json"},
    )
    with AuthenticatedClient(base_url=BASE_URL, token=KEY) as client:
        response = get_billing.sync_detailed(client=client)
    assert isinstance(response.parsed, Error)
    assert response.parsed.request_id == body["requestId"]
    # The pages write statusCode as the string "429", servers send 429: either is the integer.
    expected = {**body, "statusCode": 429} if "statusCode" in body else body
    assert response.parsed.to_dict() == expected
    assert response.parsed.status_code == (429 if "statusCode" in body else UNSET)
