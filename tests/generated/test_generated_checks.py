"""What the generated models' own code guarantees, without the SDK around it: ``from_dict`` checks
every field it reads (one ``SchemaError`` naming the field), every JSON number is the exact
``Decimal`` it wrote, request bodies carry those digits, and a repr reads like the data."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

import aimlapi_billing_client.models as models
import pytest
from aimlapi_billing_client import AuthenticatedClient
from aimlapi_billing_client.api.keys import create_key
from aimlapi_billing_client.models import (
    ApiKey,
    AutoTopupSettings,
    BillingDetailResponse,
    CreateKeyRequest,
    KeyLimit,
    KeyLimitRetention,
    KeyScope,
    TransactionsResponse,
)
from aimlapi_billing_client.types import UNSET, SchemaError, json_text
from fake_api_server import DETAIL, LEDGER
from pytest_httpx import HTTPXMock

from tests.helpers.spec import SPEC
from fake_api.examples import example

COMPONENTS = SPEC["components"]["schemas"]
MODELS = sorted(name for name in models.__all__ if COMPONENTS.get(name, {}).get("type") == "object")
PAGE = {"data": LEDGER[:2], "pagination": {"next_cursor": None, "has_more": False}}
_KEY = {
    "prefix": "b747e891",
    "disabled": False,
    "scopes": None,
    "created_at": "2026-02-18T06:59:10.031000+00:00",
    "updated_at": "2026-02-18T06:59:10.031000+00:00",
    "monthly_usage": 0,
}


def _with(body: dict[str, Any], path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    """A deep copy of ``body`` with the value at ``path`` replaced."""
    copy = json.loads(json.dumps(body))
    node = copy
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return copy


# -- the checks ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({k: v for k, v in DETAIL.items() if k != "email"}, "the required field 'email' is missing"),
        (_with(DETAIL, ("current_balance",), "275.78"), "field 'current_balance' should be a number, got a string"),
        (_with(DETAIL, ("current_balance",), True), "field 'current_balance' should be a number, got true"),
        (_with(DETAIL, ("email",), None), "field 'email' should be a string, got null"),
        (_with(DETAIL, ("autotopup_settings",), []), "field 'autotopup_settings' should be an object, got an array"),
        (
            _with(DETAIL, ("autotopup_settings", "is_enabled"), "yes"),
            "field 'autotopup_settings.is_enabled' should be a boolean (or left out), got a string 'yes'",
        ),
    ],
)
def test_a_body_that_breaks_the_schema_is_one_schema_error_naming_the_field(body: Any, message: str) -> None:
    with pytest.raises(SchemaError) as raised:
        BillingDetailResponse.from_dict(body)
    assert str(raised.value).startswith(message)
    assert isinstance(raised.value, ValueError)


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("data", 1, "amount", "usd"), "0.5", "field 'data[1].amount.usd' should be a number, got a string '0.5'"),
        (("data", 1, "amount"), [], "field 'data[1].amount' should be an object, got an array []"),
        (("data", 0, "created_at"), 7, "field 'data[0].created_at' should be a string, got an integer 7"),
        (("data",), {}, "field 'data' should be an array, got an object {}"),
        (("data", 0), "entry", "field 'data[0]' should be an object, got a string 'entry'"),
        (("pagination", "has_more"), 1, "field 'pagination.has_more' should be a boolean, got an integer 1"),
    ],
)
def test_items_of_arrays_and_nested_objects_are_checked_with_their_path(
    path: tuple[str | int, ...], value: Any, message: str
) -> None:
    with pytest.raises(SchemaError, match=f"^{re.escape(message)}$"):
        TransactionsResponse.from_dict(_with(PAGE, path, value))


@pytest.mark.parametrize("value", [[1, 2], "text", 3, None, ["pairs", "of"]])
def test_from_dict_of_what_is_no_object_is_a_schema_error(value: Any) -> None:
    # dict() would have turned [] into {} and a list of pairs into an object.
    with pytest.raises(SchemaError, match="should be an object"):
        KeyLimit.from_dict(value)


@pytest.mark.parametrize("name", MODELS)
def test_every_model_reads_a_minimal_valid_body(name: str) -> None:
    body = example(COMPONENTS[name], COMPONENTS)
    model = getattr(models, name).from_dict(body)
    assert set(model.to_dict()) == set(body)


# -- numbers are exact Decimals -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("0.1"), "0.1"),  # what the SDK's parser gives: the JSON's digits
        (0.1, "0.1"),  # what json.loads gives: the float's shortest repr, not 0.1000000000000000055…
        (50, "50"),
        (Decimal("1234567890.123456789012"), "1234567890.123456789012"),
        (1e-7, "1E-7"),
    ],
)
def test_a_number_is_the_exact_decimal_the_json_wrote(value: Any, expected: str) -> None:
    limit = KeyLimit.from_dict({"threshold": value})
    assert type(limit.threshold) is Decimal
    assert str(limit.threshold) == expected


@pytest.mark.parametrize("value", [True, float("nan"), float("inf"), Decimal("NaN"), Decimal("-Infinity"), "50"])
def test_a_number_field_refuses_bools_non_finite_numbers_and_text(value: Any) -> None:
    with pytest.raises(SchemaError, match=r"^field 'threshold' should be a (finite )?number"):
        KeyLimit.from_dict({"threshold": value})


def test_an_integer_field_refuses_a_bool_and_a_fraction() -> None:
    entry = LEDGER[0]
    for credits in (True, Decimal("3.5"), 3.0):
        with pytest.raises(SchemaError, match=r"'amount\.credits' should be an integer"):
            models.Transaction.from_dict(_with(entry, ("amount", "credits"), credits))


def test_json_text_writes_decimals_as_their_digits_and_refuses_what_is_not_json() -> None:
    data = {"a": Decimal("0.000105"), "b": [Decimal("1E+2"), Decimal("12.50")], "c": "0.1", "d": 2}
    assert json_text(data) == '{"a":0.000105,"b":[100,12.50],"c":"0.1","d":2}'
    assert json.loads(json_text(data), parse_float=Decimal)["a"] == Decimal("0.000105")
    with pytest.raises(ValueError, match="not a JSON number"):
        json_text({"a": Decimal("NaN")})
    with pytest.raises(TypeError, match="not JSON serializable"):
        json_text({"a": object()})


@pytest.mark.parametrize("threshold", [Decimal("0.1"), Decimal("1234567.890123456789")])
def test_a_request_body_carries_the_decimal_exactly(httpx_mock: HTTPXMock, threshold: Decimal) -> None:
    created = {**_KEY, "key": "b747e891secretsecret"}
    httpx_mock.add_response(method="POST", url="https://api.example/v1/keys", json={"data": created})
    body = CreateKeyRequest(limit=KeyLimit(retention=KeyLimitRetention.DAY, threshold=threshold))
    with AuthenticatedClient(base_url="https://api.example", token="k") as client:
        create_key.sync(client=client, body=body)
    request = httpx_mock.get_request()
    assert request is not None
    assert request.headers["Content-Type"] == "application/json"
    assert f'"threshold":{threshold}'.encode() in request.content  # the digits, not a float's


# -- reprs read like the data ---------------------------------------------------------------------


def test_a_repr_shows_the_fields_given_values_as_data_and_enums_by_value() -> None:
    assert repr(KeyLimit(threshold=Decimal("50"), retention=KeyLimitRetention.MONTH)) == (
        "KeyLimit(retention='month', threshold=Decimal('50'))"
    )
    assert repr(KeyLimit()) == "KeyLimit()"
    assert repr(AutoTopupSettings(is_enabled=False)) == "AutoTopupSettings(is_enabled=False)"
    key = ApiKey.from_dict({**_KEY, "scopes": [KeyScope.MODEL_CHAT.value], "limit": None})
    assert "scopes=['model:chat']" in repr(key)
    assert "limit=None" in repr(key)  # null is data: shown
    assert "name=" not in repr(key)  # absent: not shown
    assert repr(UNSET) == "UNSET"


def test_unknown_fields_are_shown_only_when_there_are_some() -> None:
    assert "additional_properties" not in repr(KeyLimit.from_dict({"retention": "day"}))
    assert repr(KeyLimit.from_dict({"retention": "day", "new": [1]})) == (
        "KeyLimit(retention='day', additional_properties={'new': [1]})"
    )


@pytest.mark.parametrize("name", MODELS)
def test_no_repr_shows_an_object_address_or_an_empty_dict(name: str) -> None:
    shown = repr(getattr(models, name).from_dict(example(COMPONENTS[name], COMPONENTS)))
    assert " at 0x" not in shown
    assert "additional_properties={}" not in shown
    assert "Unset" not in shown
