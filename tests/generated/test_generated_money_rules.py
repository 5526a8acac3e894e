"""The generated client used on its own keeps money exact and bounded, as the SDK does: its endpoint
functions parse with ``Decimal`` (never a float), ``from_dict`` and the constructors refuse a number
a double cannot hold or of more than 100 significant digits, a figure that cannot be negative is refused below
0, the error model's ``status_code`` is an int, and a full key never shows in a repr."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from aimlapi_billing_client import AuthenticatedClient
from aimlapi_billing_client.api.billing import get_billing_detail
from aimlapi_billing_client.models import (
    ApiKey,
    BillingDetailResponse,
    CreatedApiKey,
    CreateKeyResponse,
    Error,
    LogEntry,
    TransactionAmount,
)
from aimlapi_billing_client.types import MASK, SchemaError
from fake_api_server import DETAIL
from pytest_httpx import HTTPXMock

from aimlapi_billing.types.secret import MASK as SDK_MASK

BASE_URL = "https://api.aimlapi.com"
KEY = "sk-test-0123456789abcdef0123456789abcdef"
SECRET = "b747e891847f4c3fa0f6cce1cfd79bf9"
_KEY = {
    "prefix": "b747e891",
    "disabled": False,
    "scopes": None,
    "created_at": "2026-02-18T06:59:10.031000+00:00",
    "updated_at": "2026-02-18T06:59:10.031000+00:00",
    "monthly_usage": 0,
}


def _detail_text(balance: str) -> bytes:
    """The stand-in's detail answer with ``current_balance`` written as the JSON text ``balance``."""
    import json

    text = json.dumps({**DETAIL, "current_balance": "@"})
    return text.replace('"@"', balance).encode()


def test_the_endpoint_function_parses_numbers_as_the_decimals_they_wrote(httpx_mock: HTTPXMock) -> None:
    # 20 digits: a float (response.json()) keeps 17 of them.
    httpx_mock.add_response(url=BASE_URL + "/v2/billing/detail", content=_detail_text("1234567.8901234567891"))
    with AuthenticatedClient(base_url=BASE_URL, token=KEY) as client:
        parsed = get_billing_detail.sync_detailed(client=client).parsed
    assert isinstance(parsed, BillingDetailResponse)
    assert parsed.current_balance == Decimal("1234567.8901234567891")
    assert type(parsed.user_id) is int  # an identifier (spec/overlays/20-money-rules.yaml)


@pytest.mark.parametrize("text", ["NaN", "-Infinity", "1e-99999999", "1e400"])
def test_the_endpoint_function_refuses_what_no_double_holds(httpx_mock: HTTPXMock, text: str) -> None:
    httpx_mock.add_response(url=BASE_URL + "/v2/billing/detail", content=_detail_text(text))
    with AuthenticatedClient(base_url=BASE_URL, token=KEY) as client, pytest.raises(SchemaError):
        get_billing_detail.sync_detailed(client=client)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (Decimal("1e-99999999"), "is out of the range of a double"),
        (Decimal("-1e-325"), "is out of the range of a double"),
        (Decimal("1e309"), "is out of the range of a double"),
        (Decimal("1.8e308"), "is out of the range of a double"),
        (10**400, "is out of the range of a double"),
        (Decimal("0." + "1" * 101), "has more than 100 significant digits"),
    ],
)
def test_from_dict_and_the_constructor_refuse_a_number_beyond_a_double_or_too_long(value: Any, problem: str) -> None:
    with pytest.raises(SchemaError, match=f"field 'current_balance' {problem}"):
        BillingDetailResponse.from_dict({**DETAIL, "current_balance": value})
    with pytest.raises(SchemaError, match=f"field 'current_balance' {problem}"):
        BillingDetailResponse.from_dict(DETAIL).__class__(
            user_id=1, email="a@b.c", current_balance=value, currency="USD", autotopup_settings=None
        )


def test_the_bounds_keep_what_a_double_holds() -> None:
    for text in ("4.9e-324", "1.7976931348623157e308", "-1e308", "0." + "1" * 99):
        assert BillingDetailResponse.from_dict({**DETAIL, "current_balance": Decimal(text)}).current_balance == Decimal(
            text
        )


def test_a_constructor_makes_a_float_the_exact_decimal_of_its_repr_and_refuses_a_bool() -> None:
    amount = TransactionAmount(usd=0.1, credits_=200000)  # type: ignore[arg-type]  # what a caller may pass
    assert type(amount.usd) is Decimal
    assert amount.usd == Decimal("0.1")
    with pytest.raises(SchemaError, match="field 'usd' should be a number, got true"):
        TransactionAmount(usd=True, credits_=1)  # type: ignore[arg-type]
    with pytest.raises(SchemaError, match="field 'usd' should be a finite number"):
        TransactionAmount(usd=float("nan"), credits_=1)  # type: ignore[arg-type]


@pytest.mark.parametrize("status_code", ["429", 429])
def test_the_error_model_reads_the_status_code_as_an_int_whether_written_as_text_or_not(status_code: Any) -> None:
    error = Error.from_dict({"message": "Rate limit", "statusCode": status_code})
    assert error.status_code == 429
    assert type(error.status_code) is int


@pytest.mark.parametrize("status_code", ["4 29", "", "429.0", True, "١٢٣"])
def test_the_error_model_refuses_a_status_code_that_is_no_integer(status_code: Any) -> None:
    with pytest.raises(SchemaError, match="field 'statusCode' should be an integer"):
        Error.from_dict({"statusCode": status_code})


@pytest.mark.parametrize(
    ("model", "body", "field"),
    [
        (ApiKey, {**_KEY, "name": None, "monthly_usage": -0.01}, "monthly_usage"),
        (TransactionAmount, {"usd": Decimal("-1.56"), "credits": 3}, "usd"),
        (
            LogEntry,
            {
                "created": "2026-07-02T03:04:05.000Z",
                "status": "succeeded",
                "origin": "api",
                "model": "m",
                "cost": {"usd": -1, "credits": 3},
                "tokens": {"input": 1, "output": 1, "total": 2},
                "request_id": None,
                "inference_id": "i",
                "client_request_id": None,
            },
            "cost.usd",
        ),
    ],
)
def test_a_figure_that_cannot_be_negative_is_refused_below_zero(model: Any, body: dict[str, Any], field: str) -> None:
    with pytest.raises(SchemaError, match=f"field '{field}' should be 0 or more, got"):
        model.from_dict(body)


def test_a_negative_balance_stays_readable() -> None:
    """An account can be overdrawn."""
    assert BillingDetailResponse.from_dict({**DETAIL, "current_balance": -3}).current_balance == -3


def test_the_full_key_never_shows_in_the_generated_models_repr_or_str() -> None:
    assert MASK == SDK_MASK  # the SDK's SecretKey's rule
    created = CreatedApiKey.from_dict({**_KEY, "name": "ci", "key": SECRET})
    assert created.key == SECRET
    response = CreateKeyResponse.from_dict({"data": created.to_dict()})
    for shown in (repr(created), str(created), repr(response), str(response), f"{response!r}"):
        assert SECRET not in shown
    assert f"key='{MASK}'" in repr(created)
