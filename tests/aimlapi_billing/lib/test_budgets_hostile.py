"""billing.keys.budgets() against what a broken server may send, and the hostile reviewer's cases (keys
outside the calendar, usage for no key, lists that are not whole), sync and async (mocked API)."""

from __future__ import annotations

import datetime
import math
from decimal import Decimal
from typing import Any

import pytest
from pytest_httpx import HTTPXMock

from aimlapi_billing import (
    InternalServerError,
    InvalidParameterError,
    KeyBudget,
    PermissionDeniedError,
    ResponseValidationError,
)
from tests.aimlapi_billing.conftest import BASE_URL
from tests.helpers.mocked_budgets import (
    MONTH_START,
    NOW,
    USAGE_URL,
    UTC,
    budgets,
    key,
    serve_keys,
    serve_usage,
)
from tests.helpers.resources import MODES, call

pytestmark = pytest.mark.usefixtures("fast_backoff")

_FIELDS: dict[str, Any] = {
    "prefix": "abcd1234", "name": "ci", "disabled": False, "retention": "day", "threshold": Decimal(5),
    "period_start": NOW, "next_reset": NOW, "spend": Decimal(1), "period_usage": Decimal(1), "utilisation": 0.2,
    "monthly_usage": Decimal(1), "month_usage": Decimal(1), "created_at": NOW,
}  # fmt: skip


@pytest.mark.parametrize(
    ("record", "problem"),
    [
        (key("neg00001", "day", -5), "limit.threshold"),
        (key("neg00002", "day", 5, monthly=-1.0), "monthly_usage"),
        ({**key("half0001", None, None), "limit": {"threshold": 5}}, "without both"),
        ({**key("half0002", None, None), "limit": {"retention": "day"}}, "without both"),
    ],
)
@pytest.mark.parametrize("mode", MODES)
async def test_impossible_keys_are_a_validation_error(
    httpx_mock: HTTPXMock, mode: str, record: dict[str, Any], problem: str
) -> None:
    serve_keys(httpx_mock, record)
    with pytest.raises(ResponseValidationError, match=problem):
        await budgets(mode)


@pytest.mark.parametrize("mode", MODES)
async def test_two_keys_with_one_prefix_are_a_validation_error(httpx_mock: HTTPXMock, mode: str) -> None:
    serve_keys(httpx_mock, key("same0001", "day", 5), key("other001", None, None), key("same0001", "month", 50))
    with pytest.raises(ResponseValidationError, match="listed the prefix 'same0001' for two keys"):
        await budgets(mode)
    assert len(httpx_mock.get_requests()) == 1  # nothing asked about either


def test_identity_hides_the_callers_own_prefix_and_redacts_names() -> None:
    from aimlapi_billing import Billing
    from aimlapi_billing.lib.budgets import OWN_KEY, identity

    own = "abcd1234" + "f" * 24
    with Billing(api_key=own) as billing:
        mine = KeyBudget(**{**_FIELDS, "prefix": "abcd1234", "name": f"copy of {own}"})
        other = KeyBudget(**{**_FIELDS, "prefix": "efgh5678", "name": None})
        assert identity(mine, billing._redact) == (OWN_KEY, "copy of <redacted>")
        assert identity(other, billing._redact) == ("efgh5678", "")


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999"])
@pytest.mark.parametrize("mode", MODES)
async def test_a_non_finite_threshold_is_a_validation_error(httpx_mock: HTTPXMock, mode: str, number: str) -> None:
    body = (
        '{"data": [{"prefix": "nan00001", "name": null, "disabled": false, "scopes": null, '
        '"created_at": "2026-03-01T12:00:00Z", "updated_at": "2026-03-01T12:00:00Z", "monthly_usage": 0, '
        f'"limit": {{"retention": "day", "threshold": {number}}}}}]}}'
    )
    httpx_mock.add_response(url=BASE_URL + "/v1/keys", method="GET", content=body.encode(),
                            headers={"content-type": "application/json"})  # fmt: skip
    with pytest.raises(ResponseValidationError):
        await budgets(mode)


@pytest.mark.parametrize(
    ("override", "problem"),
    [
        ({"spend": -0.5}, "finite and 0 or more"),
        ({"currency": "EUR"}, "USD"),
        ({"api_key_prefix": "other999"}, "another key"),
    ],
)
@pytest.mark.parametrize("mode", MODES)
async def test_unusable_usage_answers_are_a_validation_error(
    httpx_mock: HTTPXMock, mode: str, override: dict[str, Any], problem: str
) -> None:
    serve_keys(httpx_mock, key("day00001", "day", 5))
    serve_usage(httpx_mock, {}, **override)
    with pytest.raises(ResponseValidationError, match=problem):
        await budgets(mode)


@pytest.mark.parametrize("mode", MODES)
async def test_a_usage_error_fails_the_call(httpx_mock: HTTPXMock, mode: str) -> None:
    serve_keys(httpx_mock, key("day00001", "day", 5))
    httpx_mock.add_response(url=USAGE_URL, status_code=500, json={"message": "boom"}, is_reusable=True)
    with pytest.raises(InternalServerError):
        await call(mode, lambda billing: billing.keys.budgets(as_of=NOW), max_retries=1)


@pytest.mark.parametrize("as_of", ["2026-09-23", 1_700_000_000, datetime.date(2026, 9, 23)])
@pytest.mark.parametrize("mode", MODES)
async def test_as_of_must_be_a_datetime(mode: str, as_of: Any) -> None:
    with pytest.raises(InvalidParameterError, match="as_of"):
        await budgets(mode, as_of=as_of)


def test_a_budget_is_frozen() -> None:
    budget = KeyBudget(**_FIELDS)
    with pytest.raises(AttributeError):
        budget.spend = Decimal(2)  # type: ignore[misc]


@pytest.mark.parametrize("created", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:00:00-05:00"])
@pytest.mark.parametrize("mode", MODES)
async def test_a_created_at_outside_the_calendar_in_utc_is_a_validation_error(
    httpx_mock: HTTPXMock, mode: str, created: str
) -> None:
    serve_keys(httpx_mock, key("cal00001", "no_reset", 5, created_at=created))
    with pytest.raises(ResponseValidationError, match="created_at is outside the calendar"):
        await budgets(mode)
    assert len(httpx_mock.get_requests()) == 1


@pytest.mark.parametrize(
    "body",
    [
        {"message": "Your balance is exhausted: top up to continue", "statusCode": 403},
        {"statusCode": 403},
        {"message": "Forbidden"},
    ],
)
@pytest.mark.parametrize("mode", MODES)
async def test_only_the_regular_key_refusal_falls_back_to_the_own_key(
    httpx_mock: HTTPXMock, mode: str, body: dict[str, Any]
) -> None:
    httpx_mock.add_response(url=BASE_URL + "/v1/keys", method="GET", status_code=403, json=body)
    with pytest.raises(PermissionDeniedError):
        await budgets(mode)
    assert [request.url.path for request in httpx_mock.get_requests()] == ["/v1/keys"]


@pytest.mark.parametrize("mode", MODES)
async def test_a_no_reset_key_of_gos_zero_time_is_measured_from_the_cap(httpx_mock: HTTPXMock, mode: str) -> None:
    from aimlapi_billing.lib.budgets import MAX_NO_RESET_DAYS

    serve_keys(httpx_mock, key("zero0001", "no_reset", 100, created_at="0001-01-01T00:00:00Z"))
    seen = serve_usage(httpx_mock, {}, spend=0.5)
    (budget,) = await budgets(mode)
    assert budget.period_capped
    assert budget.period_start == NOW - datetime.timedelta(days=MAX_NO_RESET_DAYS)
    assert budget.created_at == datetime.datetime(1, 1, 1, tzinfo=UTC)
    pieces = [query for query in seen if query["start"] != MONTH_START]
    assert len(pieces) == math.ceil(MAX_NO_RESET_DAYS / 92)  # not 2712
    assert budget.spend == Decimal("0.5") * len(pieces)


@pytest.mark.parametrize("mode", MODES)
async def test_a_usage_answer_for_no_key_is_a_validation_error(httpx_mock: HTTPXMock, mode: str) -> None:
    serve_keys(httpx_mock, key("day00001", "day", 5))
    serve_usage(httpx_mock, {}, api_key_prefix=None)
    with pytest.raises(ResponseValidationError, match="answered for no key"):
        await budgets(mode)


@pytest.mark.parametrize("mode", MODES)
async def test_an_as_of_at_the_end_of_the_calendar_is_refused_before_any_request(mode: str) -> None:
    with pytest.raises(InvalidParameterError, match="end of the calendar"):
        await budgets(mode, as_of=datetime.datetime(9999, 12, 31, 23, tzinfo=UTC))


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"data": []}, "listed no key"),
        ({"data": [key("day00001", "day", 5)], "has_more": True}, "has_more"),
        ({"data": [key("day00001", "day", 5)], "has_more": "yes"}, "has_more"),
    ],
)
@pytest.mark.parametrize("mode", MODES)
async def test_a_key_list_that_is_not_whole_is_a_validation_error(
    httpx_mock: HTTPXMock, mode: str, body: dict[str, Any], problem: str
) -> None:
    httpx_mock.add_response(url=BASE_URL + "/v1/keys", method="GET", json=body)
    with pytest.raises(ResponseValidationError, match=problem):
        await budgets(mode)
    assert len(httpx_mock.get_requests()) == 1


@pytest.mark.parametrize("mode", MODES)
async def test_has_more_false_is_a_whole_list(httpx_mock: HTTPXMock, mode: str) -> None:
    httpx_mock.add_response(
        url=BASE_URL + "/v1/keys", method="GET", json={"data": [key("nolimit1", None, None)], "has_more": False}
    )
    serve_usage(httpx_mock, {})
    (budget,) = await budgets(mode)
    assert budget.prefix == "nolimit1"
