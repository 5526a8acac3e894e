"""The API key never shows up in a repr, an exception's str or repr, a log line or CLI output,
even when the server echoes it back."""

from __future__ import annotations

import io
import logging
from typing import Any

import httpx
import pytest
from fake_api_server import FakeAIMLAPI, Reply, Reset
from pytest_httpx import HTTPXMock

from aimlapi_billing import AIMLAPIError, AsyncBilling, Billing
from aimlapi_billing._cli import main

from .conftest import API_KEY, BASE_URL

pytestmark = pytest.mark.usefixtures("fast_backoff")

ECHOING_ERRORS = [
    Reply(401, {"message": f"Invalid key {API_KEY}", "requestId": API_KEY}),
    Reply(429, {"title": f"slow down {API_KEY}"}, {"retry-after": "0"}),
    Reply(502, f"<html>proxy saw Authorization: Bearer {API_KEY}</html>".encode(), content_type="text/html"),
]


def _texts_of(error: BaseException) -> list[str]:
    texts = [str(error), repr(error), getattr(error, "message", "")]
    if error.__cause__ is not None:
        texts += [str(error.__cause__), repr(error.__cause__)]
    return texts


def test_client_reprs_hide_the_key() -> None:
    for client in (Billing(), AsyncBilling(), Billing(api_key=API_KEY)):
        assert API_KEY not in repr(client)
        assert API_KEY not in str(client)


@pytest.mark.parametrize("reply", ECHOING_ERRORS, ids=["401", "429", "502"])
def test_errors_redact_a_key_the_server_echoes(fake_api: FakeAIMLAPI, reply: Reply) -> None:
    fake_api.script("/v2/billing", *[reply] * 3)
    with Billing(base_url=fake_api.url) as billing, pytest.raises(AIMLAPIError) as raised:
        billing.summary()
    for text in _texts_of(raised.value):
        assert API_KEY not in text
    assert "<redacted>" in raised.value.message or reply.status == 502


def test_validation_errors_redact_the_key(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(url=BASE_URL + "/v2/billing", json={"current_balance": API_KEY, "currency": "USD"})
    with Billing() as billing, pytest.raises(AIMLAPIError) as raised:
        billing.summary()
    for text in _texts_of(raised.value):
        assert API_KEY not in text


async def test_no_log_line_at_any_level_carries_the_key(
    fake_api: FakeAIMLAPI, caplog: pytest.LogCaptureFixture
) -> None:
    fake_api.script("/v2/billing/detail", Reset(), Reply(503, {"message": f"echo {API_KEY}"}))
    with caplog.at_level(logging.DEBUG):
        with Billing(base_url=fake_api.url) as billing:
            billing.detail()
        async with AsyncBilling(base_url=fake_api.url) as billing:
            await billing.detail()
    assert len(caplog.records) > 5  # httpx, httpcore and our retries all logged something
    assert any(record.name == "aimlapi_billing" for record in caplog.records)
    for record in caplog.records:
        assert API_KEY not in record.getMessage()
        assert API_KEY not in str(record.args)


def test_request_headers_hide_the_key_in_their_repr(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(url=BASE_URL + "/v2/billing", status_code=400, json={"message": "bad"})
    with Billing() as billing, pytest.raises(AIMLAPIError) as raised:
        billing.summary()
    response: Any = getattr(raised.value, "response", None)
    assert isinstance(response, httpx.Response)
    assert API_KEY not in repr(response.request.headers)


@pytest.mark.parametrize(
    "argv",
    [
        ("balance",),
        ("summary", "--json"),
        ("detail",),
        ("check", "--warning-usd", "10", "--critical-usd", "5"),
        ("transactions", "--json"),
    ],
)
@pytest.mark.parametrize("failing", [False, True])
def test_cli_output_never_carries_the_key(fake_api: FakeAIMLAPI, argv: tuple[str, ...], failing: bool) -> None:
    if failing:
        for path in ("/v1/billing/balance", "/v2/billing", "/v2/billing/detail", "/v2/billing/transactions"):
            fake_api.script(path, *ECHOING_ERRORS)
    out, err = io.StringIO(), io.StringIO()
    code = main([*argv, "--base-url", fake_api.url], out=out, err=err)
    assert (code != 0) == failing
    assert API_KEY not in out.getvalue() + err.getvalue()
