"""Billing and AsyncBilling against pytest-httpx: requests, configuration, errors, retries."""

from __future__ import annotations

import json
import logging
from decimal import Decimal
from typing import Any

import httpx
import pytest
from fake_api_server import BALANCE, BILLING, DETAIL
from pytest_httpx import HTTPXMock

import aimlapi_billing
from aimlapi_billing import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AsyncBilling,
    AuthenticationError,
    BadRequestError,
    BalanceResponse,
    Billing,
    BillingDetailResponse,
    BillingResponse,
    ConfigurationError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseValidationError,
)

from .conftest import API_KEY, BASE_URL

METHODS = [
    pytest.param("balance", "/v1/billing/balance", BALANCE, BalanceResponse, id="balance"),
    pytest.param("summary", "/v2/billing", BILLING, BillingResponse, id="summary"),
    pytest.param("detail", "/v2/billing/detail", DETAIL, BillingDetailResponse, id="detail"),
]


def call_sync(method: str, **options: Any) -> Any:
    with Billing(**options) as billing:
        return getattr(billing, method)()


async def call_async(method: str, **options: Any) -> Any:
    async with AsyncBilling(**options) as billing:
        return await getattr(billing, method)()


async def _call(mode: str, method: str, **options: Any) -> Any:
    return call_sync(method, **options) if mode == "sync" else await call_async(method, **options)


# -- requests and results ------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path", "body", "model"), METHODS)
def test_sync_methods_send_an_authenticated_get_and_return_the_model(
    httpx_mock: HTTPXMock, method: str, path: str, body: dict[str, Any], model: type
) -> None:
    httpx_mock.add_response(url=BASE_URL + path, json=body)
    result = call_sync(method)
    assert isinstance(result, model)
    request = httpx_mock.get_request()
    assert request is not None
    assert request.method == "GET"
    assert request.headers["Authorization"] == f"Bearer {API_KEY}"
    assert request.headers["User-Agent"].startswith(f"aimlapi-billing/{aimlapi_billing.__version__} ")
    assert request.headers["Accept"] == "application/json"
    assert request.content == b""


@pytest.mark.parametrize(("method", "path", "body", "model"), METHODS)
async def test_async_methods_send_an_authenticated_get_and_return_the_model(
    httpx_mock: HTTPXMock, method: str, path: str, body: dict[str, Any], model: type
) -> None:
    httpx_mock.add_response(url=BASE_URL + path, json=body)
    result = await call_async(method)
    assert isinstance(result, model)
    assert result.to_dict().keys() == body.keys()
    request = httpx_mock.get_request()
    assert request is not None
    assert request.headers["Authorization"] == f"Bearer {API_KEY}"


def test_detail_fields_are_typed(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(url=BASE_URL + "/v2/billing/detail", json={**DETAIL, "new_field": [1]})
    detail = call_sync("detail")
    assert detail.current_balance == Decimal("275.78")  # the JSON's digits, exactly
    assert type(detail.current_balance) is Decimal
    assert detail.user_id == 111
    assert type(detail.user_id) is int  # an identifier (spec/overlays/20-money-rules.yaml)
    assert detail.autotopup_settings.is_enabled is True
    assert detail.additional_properties == {"new_field": [1]}


def test_one_connection_pool_serves_every_call(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(url=BASE_URL + "/v2/billing", json=BILLING, is_reusable=True)
    with Billing() as billing:
        pool = billing._client
        billing.summary()
        billing.summary()
        assert billing._client is pool
    assert pool.is_closed
    assert len(httpx_mock.get_requests()) == 2


# -- configuration -------------------------------------------------------------------------------


def test_the_key_comes_from_the_argument_then_aiml_api_key_then_aimlapi_api_key(
    httpx_mock: HTTPXMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    httpx_mock.add_response(url=BASE_URL + "/v2/billing", json=BILLING, is_reusable=True)
    monkeypatch.setenv("AIMLAPI_API_KEY", "second")
    call_sync("summary", api_key="argument")
    call_sync("summary")
    monkeypatch.delenv("AIML_API_KEY")
    call_sync("summary")
    sent = [r.headers["Authorization"] for r in httpx_mock.get_requests()]
    assert sent == ["Bearer argument", f"Bearer {API_KEY}", "Bearer second"]


def test_no_key_is_an_error_naming_both_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AIML_API_KEY")
    monkeypatch.setenv("AIMLAPI_API_KEY", "   ")
    with pytest.raises(ConfigurationError, match=r"AIML_API_KEY.*AIMLAPI_API_KEY"):
        Billing()
    with pytest.raises(ConfigurationError):
        AsyncBilling()


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://api.aimlapi.com/", "https://api.aimlapi.com"),
        ("https://proxy.example.com/aiml/", "https://proxy.example.com/aiml"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://localhost:8080", "http://localhost:8080"),
        ("http://[::1]:8080", "http://[::1]:8080"),
    ],
)
def test_base_url_is_normalised(given: str, expected: str) -> None:
    assert Billing(base_url=given).base_url == expected


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("https://api.aimlapi.com/v1", "ends in a version"),
        ("https://api.aimlapi.com/v2/", "ends in a version"),
        ("ftp://api.aimlapi.com", "expected http"),
        ("http://api.aimlapi.com", "Refusing to send the API key over plain http"),
        ("http://10.1.2.3:8080", "Refusing"),
    ],
)
def test_bad_or_insecure_base_urls_are_refused(given: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        Billing(base_url=given)


def test_plain_http_to_a_remote_host_needs_an_explicit_opt_in() -> None:
    assert Billing(base_url="http://billing.internal", allow_insecure_http=True).base_url == "http://billing.internal"


def test_the_base_url_can_come_from_the_environment(httpx_mock: HTTPXMock, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIMLAPI_BILLING_BASE_URL", "https://eu.example.com")
    httpx_mock.add_response(url="https://eu.example.com/v2/billing", json=BILLING)
    call_sync("summary")


def test_default_timeout_is_finite_and_per_call_timeouts_override_it(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(url=BASE_URL + "/v2/billing", json=BILLING, is_reusable=True)
    with Billing() as billing:
        assert billing.timeout == httpx.Timeout(30.0, connect=5.0)
        billing.summary()
        billing.summary(timeout=1.5)
    first, second = httpx_mock.get_requests()
    assert first.extensions["timeout"] == httpx.Timeout(30.0, connect=5.0).as_dict()
    assert second.extensions["timeout"] == httpx.Timeout(1.5).as_dict()


def test_a_callers_http_client_is_used_with_its_settings_and_left_open(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(url=BASE_URL + "/v2/billing", json=BILLING)
    own = httpx.Client(headers={"X-Proxy-Tag": "team-a"}, timeout=7.0)
    with Billing(http_client=own, default_headers={"X-Extra": "1", "Authorization": "Bearer override"}) as billing:
        billing.summary()
    assert not own.is_closed
    own.close()
    request = httpx_mock.get_request()
    assert request is not None
    assert request.headers["X-Proxy-Tag"] == "team-a"
    assert request.headers["X-Extra"] == "1"
    assert request.headers["Authorization"] == f"Bearer {API_KEY}"
    assert request.extensions["timeout"] == httpx.Timeout(7.0).as_dict()


@pytest.mark.parametrize("bad", [-1, 1.5, True])
def test_max_retries_must_be_a_whole_number(bad: Any) -> None:
    with pytest.raises(ConfigurationError, match="max_retries"):
        Billing(max_retries=bad)


# -- errors --------------------------------------------------------------------------------------

DOCUMENTED = {"message": "Too many requests", "path": "/v2/billing", "requestId": "req-doc", "statusCode": "429"}
PROBLEM = {
    "title": "Unauthorized",
    "status": 401,
    "message": "Invalid API key",
    "instance": "/v2/billing",
    "requestId": "req-problem",
    "timestamp": "2025-11-10T10:01:56.824Z",
    "error": {"name": "AuthError", "message": "Invalid API key"},
}


@pytest.mark.parametrize(
    ("status", "error_class"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (429, RateLimitError),
        (500, InternalServerError),
        (502, InternalServerError),
        (503, InternalServerError),
        (504, InternalServerError),
        (418, APIStatusError),
    ],
)
@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_each_status_raises_its_error_class(
    httpx_mock: HTTPXMock, no_sleep: list[float], status: int, error_class: type[APIStatusError], mode: str
) -> None:
    body = {"message": f"status {status}", "requestId": f"req-{status}", "statusCode": str(status)}
    httpx_mock.add_response(url=BASE_URL + "/v2/billing", status_code=status, json=body, is_reusable=True)
    with pytest.raises(error_class) as raised:
        await _call(mode, "summary", max_retries=0)
    error = raised.value
    assert type(error) is error_class
    assert (error.status_code, error.message, error.request_id, error.body) == (
        status,
        f"status {status}",
        f"req-{status}",
        body,
    )
    assert error.response.status_code == status
    assert str(error) == f"Error code: {status} - status {status} (request id: req-{status})"


@pytest.mark.parametrize(
    ("body", "content_type", "headers", "message", "request_id"),
    [
        (DOCUMENTED, "application/json", {}, "Too many requests", "req-doc"),
        (PROBLEM, "application/problem+json", {}, "Invalid API key", "req-problem"),
        (
            {"error": {"name": "X", "message": "nested only"}},
            "application/json",
            {"x-request-id": "hdr-1"},
            "nested only",
            "hdr-1",
        ),
        ({"title": "Title only"}, "application/problem+json", {}, "Title only", None),
        (b"<html><body>Bad Gateway</body></html>", "text/html", {"x-request-id": "hdr-2"}, "Bad Gateway", "hdr-2"),
        (b"", None, {}, "Bad Gateway", None),
    ],
    ids=["documented", "problem-json", "nested-error", "title", "html", "empty"],
)
def test_error_bodies_of_every_known_shape_give_message_and_request_id(
    httpx_mock: HTTPXMock,
    body: Any,
    content_type: str | None,
    headers: dict[str, str],
    message: str,
    request_id: str | None,
) -> None:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    all_headers = {**headers, **({"content-type": content_type} if content_type else {})}
    httpx_mock.add_response(url=BASE_URL + "/v2/billing", status_code=502, content=content, headers=all_headers)
    with pytest.raises(InternalServerError) as raised:
        call_sync("summary", max_retries=0)
    assert raised.value.message == message
    assert raised.value.request_id == request_id


@pytest.mark.parametrize(
    ("content", "content_type", "reason"),
    [
        (b"not json", "application/json", "not valid JSON"),
        (b"", "application/json", "not valid JSON"),
        (b"[1, 2]", "application/json", "a JSON list, not an object"),
        (b"<html>hi</html>", "text/html; charset=utf-8", "'text/html', not JSON"),
        (json.dumps({"currency": "USD"}).encode(), "application/json", "'current_balance' is missing"),
        (
            json.dumps({"current_balance": "12.5", "currency": "USD"}).encode(),
            "application/json",
            "field 'current_balance' should be a number, got a string '12.5'",
        ),
        (
            json.dumps({"current_balance": True, "currency": "USD"}).encode(),
            "application/json",
            "field 'current_balance' should be a number, got true",
        ),
        (
            json.dumps({"current_balance": 1, "currency": None}).encode(),
            None,
            "'currency' should be a string, got null",
        ),
        (b'{"current_balance": [], "currency": "USD"}', None, "'current_balance' should be a number, got an array"),
    ],
)
def test_a_2xx_body_that_breaks_the_schema_raises_response_validation_error(
    httpx_mock: HTTPXMock, content: bytes, content_type: str | None, reason: str
) -> None:
    headers = {"content-type": content_type} if content_type else {}
    httpx_mock.add_response(url=BASE_URL + "/v2/billing", content=content, headers=headers)
    with pytest.raises(ResponseValidationError, match=reason) as raised:
        call_sync("summary")
    assert str(raised.value).startswith("GET /v2/billing returned 200 but ")
    assert raised.value.status_code == 200


def test_nested_and_date_time_violations_are_caught(httpx_mock: HTTPXMock) -> None:
    settings = {**DETAIL["autotopup_settings"], "is_enabled": "yes"}
    httpx_mock.add_response(url=BASE_URL + "/v2/billing/detail", json={**DETAIL, "autotopup_settings": settings})
    httpx_mock.add_response(url=BASE_URL + "/v1/billing/balance", json={**BALANCE, "lastUpdated": "yesterday"})
    httpx_mock.add_response(url=BASE_URL + "/v1/billing/balance", json={**BALANCE, "lastUpdated": 17})
    with pytest.raises(ResponseValidationError, match=r"autotopup_settings\.is_enabled"):
        call_sync("detail")
    with pytest.raises(
        ResponseValidationError, match="'lastUpdated' should be an ISO 8601 date and time, got a string"
    ):
        call_sync("balance")
    with pytest.raises(
        ResponseValidationError, match=r"'lastUpdated' should be an ISO 8601 date .*, got an integer 17"
    ):
        call_sync("balance")


# -- retries -------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_503_503_200_succeeds_after_two_retries(httpx_mock: HTTPXMock, no_sleep: list[float], mode: str) -> None:
    url = BASE_URL + "/v2/billing/detail"
    httpx_mock.add_response(url=url, status_code=503)
    httpx_mock.add_response(url=url, status_code=503)
    httpx_mock.add_response(url=url, json=DETAIL)
    result = await _call(mode, "detail")
    assert isinstance(result, BillingDetailResponse)
    assert len(httpx_mock.get_requests()) == 3
    assert len(no_sleep) == 2
    assert 0.375 <= no_sleep[0] <= 0.5  # 0.5 s less up to 25 % jitter
    assert 0.75 <= no_sleep[1] <= 1.0


@pytest.mark.parametrize(
    ("headers", "expected_delay"),
    [
        ({"retry-after": "3"}, 3.0),
        ({"retry-after-ms": "250"}, 0.25),
        ({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}, None),
    ],
)
def test_429_honours_retry_after(
    httpx_mock: HTTPXMock, no_sleep: list[float], headers: dict[str, str], expected_delay: float | None
) -> None:
    url = BASE_URL + "/v2/billing"
    httpx_mock.add_response(url=url, status_code=429, headers=headers, json=DOCUMENTED)
    httpx_mock.add_response(url=url, json=BILLING)
    call_sync("summary")
    if expected_delay is None:  # a date in the past: our own backoff instead
        assert 0.375 <= no_sleep[0] <= 0.5
    else:
        assert no_sleep == [expected_delay]


@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503, 504])
def test_retryable_statuses_are_retried_until_max_retries(
    httpx_mock: HTTPXMock, no_sleep: list[float], status: int
) -> None:
    httpx_mock.add_response(url=BASE_URL + "/v2/billing", status_code=status, is_reusable=True)
    with pytest.raises(APIStatusError) as raised:
        call_sync("summary", max_retries=3)
    assert raised.value.status_code == status
    assert len(httpx_mock.get_requests()) == 4
    assert len(no_sleep) == 3


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_client_errors_are_never_retried(httpx_mock: HTTPXMock, no_sleep: list[float], status: int) -> None:
    httpx_mock.add_response(url=BASE_URL + "/v2/billing", status_code=status)
    with pytest.raises(APIStatusError):
        call_sync("summary", max_retries=5)
    assert len(httpx_mock.get_requests()) == 1
    assert no_sleep == []


def test_max_retries_zero_disables_retries(httpx_mock: HTTPXMock, no_sleep: list[float]) -> None:
    httpx_mock.add_response(url=BASE_URL + "/v2/billing", status_code=503)
    with pytest.raises(InternalServerError):
        call_sync("summary", max_retries=0)
    assert no_sleep == []


@pytest.mark.parametrize(
    ("exception", "error_class"),
    [
        (httpx.ConnectError("refused"), APIConnectionError),
        (httpx.ReadError("reset"), APIConnectionError),
        (httpx.RemoteProtocolError("peer closed connection"), APIConnectionError),
        (httpx.ConnectTimeout("slow"), APITimeoutError),
        (httpx.ReadTimeout("slow"), APITimeoutError),
    ],
)
@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_transport_failures_are_retried_then_raised_as_typed_errors(
    httpx_mock: HTTPXMock, no_sleep: list[float], exception: Exception, error_class: type[Exception], mode: str
) -> None:
    httpx_mock.add_exception(exception, is_reusable=True)
    with pytest.raises(error_class) as raised:
        await _call(mode, "balance")
    assert type(raised.value) is error_class
    # Not chained: a transport error's text can quote what the server sent, and its request holds
    # the key. What it said is in the message, redacted.
    assert raised.value.__cause__ is None
    assert raised.value.__suppress_context__
    assert str(exception) in str(raised.value) or isinstance(raised.value, APITimeoutError)
    assert len(httpx_mock.get_requests()) == 3


def test_an_unsupported_scheme_from_a_proxy_setup_is_not_retried(httpx_mock: HTTPXMock, no_sleep: list[float]) -> None:
    httpx_mock.add_exception(httpx.UnsupportedProtocol("nope"))
    with pytest.raises(APIConnectionError):
        call_sync("balance")
    assert no_sleep == []


def test_each_retry_is_logged(httpx_mock: HTTPXMock, no_sleep: list[float], caplog: pytest.LogCaptureFixture) -> None:
    url = BASE_URL + "/v2/billing"
    httpx_mock.add_response(url=url, status_code=429, headers={"retry-after": "1"}, json=DOCUMENTED)
    httpx_mock.add_response(url=url, json=BILLING)
    with caplog.at_level(logging.INFO, logger="aimlapi_billing"):
        call_sync("summary")
    [record] = [r for r in caplog.records if r.name == "aimlapi_billing"]
    assert record.getMessage() == (
        "Retrying GET https://api.aimlapi.com/v2/billing in 1.00 s (retry 1 of 2) after: Too many requests"
    )


def test_repr_shows_settings_only() -> None:
    assert repr(Billing()) == "Billing(base_url='https://api.aimlapi.com', max_retries=2)"
    assert repr(AsyncBilling(max_retries=0)) == "AsyncBilling(base_url='https://api.aimlapi.com', max_retries=0)"
