"""Integer fields follow the number rules: an int (never a bool, a float or text), at most 100 digits,
in ``from_dict`` and in the constructors alike (statusCode also reads a string of digits)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from aimlapi_billing_client.models import BillingDetailResponse, Error, ModelInfo, TransactionAmount
from aimlapi_billing_client.types import SchemaError
from fake_api_server import DETAIL

HUGE = 10**400


@pytest.mark.parametrize(
    ("build", "field", "problem"),
    [
        # The reviewer's: each was accepted by from_dict (the SDK's own parser refused them).
        (lambda: TransactionAmount.from_dict({"usd": 1, "credits": HUGE}), "credits", "has more than 100 digits"),
        (lambda: BillingDetailResponse.from_dict({**DETAIL, "user_id": HUGE}), "user_id", "has more than 100 digits"),
        (lambda: Error.from_dict({"statusCode": HUGE}), "statusCode", "has more than 100 digits"),
        (lambda: Error.from_dict({"statusCode": -(10**100)}), "statusCode", "has more than 100 digits"),
        # ... and the constructors kept a float or text in an integer field.
        (lambda: TransactionAmount(usd=1, credits_=1.5), "credits", "should be an integer"),
        (lambda: TransactionAmount(usd=1, credits_=True), "credits", "should be an integer"),
        (lambda: TransactionAmount(usd=1, credits_=HUGE), "credits", "has more than 100 digits"),
        (lambda: BillingDetailResponse(**_detail_arguments(user_id="111")), "user_id", "should be an integer"),
        (lambda: Error(status_code=429.0), "statusCode", "should be an integer"),
        (lambda: Error(status_code="4e2"), "statusCode", "should be an integer"),
        (lambda: ModelInfo.from_dict({"id": "m", "name": "m", "developer": "d", "contextLength": 1.0}), "contextLength", "should be an integer"),
    ],
)
def test_an_integer_field_refuses_what_is_no_bounded_integer(
    build: Callable[[], Any], field: str, problem: str
) -> None:
    with pytest.raises(SchemaError, match=f"field '{field}' {problem}"):
        build()


def test_an_integer_field_keeps_an_int_and_reads_statuscodes_digits() -> None:
    assert TransactionAmount(usd=1, credits_=10**100 - 1).credits_ == 10**100 - 1
    assert Error(status_code="429").status_code == 429  # as from_dict reads the documented "429"
    assert Error.from_dict({"statusCode": "429"}).status_code == 429
    assert BillingDetailResponse(**_detail_arguments(user_id=111)).user_id == 111


def _detail_arguments(**changes: Any) -> dict[str, Any]:
    model = BillingDetailResponse.from_dict(DETAIL)
    return {name: getattr(model, name) for name in BillingDetailResponse.__model_fields__} | changes
