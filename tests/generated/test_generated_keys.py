"""The generated key-management, usage and logs operations, against pytest-httpx: the first non-GET
operations, whose request bodies the pipeline keeps, and the repeatable log filters."""

from __future__ import annotations

import json

import pytest
from aimlapi_billing_client import AuthenticatedClient
from aimlapi_billing_client.api.keys import create_key, delete_key, list_keys, replace_key, update_key
from aimlapi_billing_client.api.logs import list_logs
from aimlapi_billing_client.api.usage import get_usage_detail
from aimlapi_billing_client.models import (
    ApiKey,
    CreatedApiKey,
    CreateKeyRequest,
    KeyLimit,
    KeyLimitRetention,
    KeyScope,
    LogStatus,
    ReplaceKeyRequest,
    UpdateKeyRequest,
    UsageDetailResponse,
)
from aimlapi_billing_client.types import UNSET
from pytest_httpx import HTTPXMock

BASE_URL = "https://api.aimlapi.com"
KEY = "sk-test-management-key"
API_KEY = {
    "name": None,
    "prefix": "b747e891",
    "disabled": False,
    "scopes": None,
    "limit": None,
    "created_at": "2026-02-18T06:59:10.031000+00:00",
    "updated_at": "2026-02-18T06:59:10.031000+00:00",
    "monthly_usage": 0,
}


def _client() -> AuthenticatedClient:
    return AuthenticatedClient(base_url=BASE_URL, token=KEY)


def test_create_key_posts_its_body_and_parses_the_new_key(httpx_mock: HTTPXMock) -> None:
    created = {**API_KEY, "limit": {"retention": "month", "threshold": 25}, "key": "b747e891secret"}
    httpx_mock.add_response(method="POST", url=f"{BASE_URL}/v1/keys", json={"data": created})
    body = CreateKeyRequest(
        name="ci", limit=KeyLimit(retention=KeyLimitRetention.MONTH, threshold=25), scopes=[KeyScope.MODEL_CHAT]
    )
    with _client() as client:
        response = create_key.sync(client=client, body=body)
    request = httpx_mock.get_request()
    assert request is not None
    assert request.headers["Authorization"] == f"Bearer {KEY}"
    assert json.loads(request.content) == {
        "name": "ci",
        "limit": {"retention": "month", "threshold": 25},
        "scopes": ["model:chat"],
    }
    assert response is not None
    assert isinstance(response.data, CreatedApiKey)
    assert response.data.key == "b747e891secret"


@pytest.mark.parametrize(
    ("module", "method", "body"),
    [
        (update_key, "PATCH", UpdateKeyRequest(disabled=True)),
        (replace_key, "PUT", ReplaceKeyRequest(name=None, disabled=False, scopes=None, limit=None)),
    ],
    ids=["patch", "put"],
)
def test_updates_send_their_body_to_the_key_prefix_in_the_path(
    httpx_mock: HTTPXMock, module: object, method: str, body: object
) -> None:
    httpx_mock.add_response(method=method, url=f"{BASE_URL}/v1/keys/b747e891", json={"data": API_KEY})
    with _client() as client:
        response = module.sync("b747e891", client=client, body=body)  # type: ignore[attr-defined]
    request = httpx_mock.get_request()
    assert request is not None
    assert request.headers["Content-Type"] == "application/json"
    sent = json.loads(request.content)
    assert sent == body.to_dict()  # type: ignore[attr-defined]
    if method == "PUT":  # null clears a field: it is sent, not dropped
        assert sent == {"name": None, "disabled": False, "scopes": None, "limit": None}
    assert response.data.prefix == "b747e891"


def test_delete_sends_no_body_and_a_prefix_with_a_slash_stays_one_segment(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(
        method="DELETE", url=f"{BASE_URL}/v1/keys/a%2Fb", json={"data": {"prefix": "a/b", "deleted": True}}
    )
    with _client() as client:
        response = delete_key.sync("a/b", client=client)
    request = httpx_mock.get_request()
    assert request is not None
    assert request.content == b""
    assert response is not None
    assert response.data.deleted is True


def test_a_key_with_no_limit_and_no_scopes_parses_as_none(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(url=f"{BASE_URL}/v1/keys", json={"data": [API_KEY]})
    with _client() as client:
        response = list_keys.sync(client=client)
    assert response is not None
    [key] = response.data
    assert isinstance(key, ApiKey)
    assert key.limit is None
    assert key.scopes is None
    assert key.name is None


def test_the_log_filters_repeat_the_parameter(httpx_mock: HTTPXMock) -> None:
    page = {"data": [], "pagination": {"limit": 50, "offset": 0, "total": 0, "has_more": False}}
    url = f"{BASE_URL}/v2/logs?period=7d&model=openai%2Fgpt-5&model=gpt-4o&status=succeeded&status=failed&limit=50&offset=0"
    httpx_mock.add_response(url=url, json=page)
    with _client() as client:
        response = list_logs.sync(
            client=client,
            period="7d",
            model=["openai/gpt-5", "gpt-4o"],
            status=[LogStatus.SUCCEEDED, LogStatus.FAILED],
        )
    assert response is not None
    assert response.pagination.has_more is False


def test_usage_detail_groups_parse_with_shared_token_counts(httpx_mock: HTTPXMock) -> None:
    body = {
        "api_key_prefix": None,
        "start": "2026-07-20T22:15:00.000Z",
        "end": "2026-07-27T22:15:00.000Z",
        "spend": 12.3456,
        "currency": "USD",
        "requests": 842,
        "models": [{"model": "openai/gpt-5", "spend": 8.12, "requests": 500}],
        "groups": [
            {
                "day": "2026-07-21",
                "spend": 3.41,
                "tokens": {"input": 1, "output": 2, "total": 3},
                "requests": {"total": 4, "charged": 3, "succeeded": 3, "failed": 1},
            }
        ],
    }
    httpx_mock.add_response(url=f"{BASE_URL}/v2/usage/detail?group_by=day", json=body)
    with _client() as client:
        from aimlapi_billing_client.models import UsageGrouping

        response = get_usage_detail.sync(client=client, group_by=UsageGrouping.DAY)
    assert isinstance(response, UsageDetailResponse)
    assert response.api_key_prefix is None
    assert response.groups is not UNSET
    assert response.groups[0].tokens.total == 3  # type: ignore[index]
