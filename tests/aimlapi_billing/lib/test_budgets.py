"""billing.keys.budgets(): the UTC calendar periods, the month cross-check, a regular key's fallback,
and what a broken server can send, sync and async."""

from __future__ import annotations

import datetime
import math
import re
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
from pytest_httpx import HTTPXMock

from aimlapi_billing import (
    APITimeoutError,
    BudgetReport,
    InternalServerError,
    InvalidParameterError,
    KeyBudget,
    PermissionDeniedError,
    ResponseValidationError,
)
from aimlapi_billing.lib.budgets import period_of, utilisation
from tests.aimlapi_billing.conftest import BASE_URL
from tests.helpers.resources import MODES, call

pytestmark = pytest.mark.usefixtures("fast_backoff")

UTC = datetime.UTC
#: A Wednesday afternoon: the day, week (from Monday the 23rd) and month (from the 1st) all differ.
NOW = datetime.datetime(2026, 9, 23, 15, 30, tzinfo=UTC)
DAY_START = "2026-09-23T00:00:00Z"
WEEK_START = "2026-09-21T00:00:00Z"
MONTH_START = "2026-09-01T00:00:00Z"
USAGE_URL = re.compile(re.escape(BASE_URL) + r"/v2/usage\?.*")


def key(
    prefix: str, retention: str | None, threshold: float | None, monthly: float = 0.0, **extra: Any
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "prefix": prefix,
        "name": f"name-{prefix}",
        "disabled": False,
        "scopes": None,
        "created_at": "2026-03-01T12:00:00Z",
        "updated_at": "2026-03-01T12:00:00Z",
        "monthly_usage": monthly,
        **extra,
    }
    if retention is not None:
        record["limit"] = {"retention": retention, "threshold": threshold}
    return record


Spends = dict[tuple[str | None, str], float]


def serve_usage(httpx_mock: HTTPXMock, spends: Spends, **override: Any) -> list[dict[str, str]]:
    """Answer GET /v2/usage from ``spends[(key_prefix, start)]`` (0 when absent); return the queries seen."""
    seen: list[dict[str, str]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        query = {name: values[-1] for name, values in parse_qs(request.url.query.decode()).items()}
        seen.append(query)
        prefix = query.get("key_prefix")
        body = {
            "api_key_prefix": prefix,
            "start": query["start"],
            "end": query["end"],
            "spend": spends.get((prefix, query["start"]), 0.0),
            "currency": "USD",
            "requests": 1,
            **override,
        }
        return httpx.Response(200, json=body)

    httpx_mock.add_callback(answer, url=USAGE_URL, is_reusable=True)
    return seen


def serve_keys(httpx_mock: HTTPXMock, *keys: dict[str, Any]) -> None:
    httpx_mock.add_response(url=BASE_URL + "/v1/keys", method="GET", json={"data": list(keys)})


def budgets(mode: str, as_of: datetime.datetime = NOW, **kwargs: Any) -> Any:
    return call(mode, lambda billing: billing.keys.budgets(as_of=as_of, **kwargs))


# -- the period rule ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("retention", "now", "start", "reset"),
    [
        ("day", "2026-09-23T15:30:00", "2026-09-23T00:00:00", "2026-09-24T00:00:00"),
        ("day", "2026-09-23T00:00:00", "2026-09-23T00:00:00", "2026-09-24T00:00:00"),  # midnight exactly
        ("day", "2026-09-22T23:59:59.999999", "2026-09-22T00:00:00", "2026-09-23T00:00:00"),
        ("week", "2026-09-23T15:30:00", "2026-09-21T00:00:00", "2026-09-28T00:00:00"),
        ("week", "2026-09-21T00:00:00", "2026-09-21T00:00:00", "2026-09-28T00:00:00"),  # Monday 00:00
        ("week", "2026-09-20T23:59:59", "2026-09-14T00:00:00", "2026-09-21T00:00:00"),  # Sunday night
        ("week", "2027-01-01T10:00:00", "2026-12-28T00:00:00", "2027-01-04T00:00:00"),  # across a year
        ("month", "2026-09-23T15:30:00", "2026-09-01T00:00:00", "2026-10-01T00:00:00"),
        ("month", "2026-09-01T00:00:00", "2026-09-01T00:00:00", "2026-10-01T00:00:00"),  # the 1st 00:00
        ("month", "2026-12-31T23:59:59", "2026-12-01T00:00:00", "2027-01-01T00:00:00"),
        ("month", "2028-02-29T12:00:00", "2028-02-01T00:00:00", "2028-03-01T00:00:00"),
        ("month", "9999-12-31T12:00:00", "9999-12-01T00:00:00", None),  # no next month in the calendar
        ("no_reset", "2026-09-23T15:30:00", "2026-03-01T12:00:00", None),
        ("yearly", "2026-09-23T15:30:00", None, None),  # a retention added later: not guessed
    ],
)
def test_periods_are_utc_calendar_periods(retention: str, now: str, start: str | None, reset: str | None) -> None:
    def moment(text: str | None) -> datetime.datetime | None:
        return None if text is None else datetime.datetime.fromisoformat(text).replace(tzinfo=UTC)

    created = datetime.datetime(2026, 3, 1, 12, tzinfo=UTC)
    assert period_of(retention, created, moment(now)) == (moment(start), moment(reset))  # type: ignore[arg-type]


def test_a_period_is_placed_in_utc_whatever_the_zone_of_now() -> None:
    # 01:30 in Berlin on the 1st is still the 30th of the previous month in UTC.
    berlin = datetime.timezone(datetime.timedelta(hours=2))
    now = datetime.datetime(2026, 10, 1, 1, 30, tzinfo=berlin)
    created = datetime.datetime(2026, 3, 1, tzinfo=UTC)
    assert period_of("month", created, now)[0] == datetime.datetime(2026, 9, 1, tzinfo=UTC)
    assert period_of("day", created, now)[0] == datetime.datetime(2026, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("spend", "threshold", "expected"),
    [("0", "10", 0.0), ("9", "10", 0.9), ("12.5", "10", 1.25), ("0", "0", 1.0), ("0.01", "0", math.inf)],
)
def test_utilisation(spend: str, threshold: str, expected: float) -> None:
    assert utilisation(Decimal(spend), Decimal(threshold)) == expected


def test_utilisation_beyond_a_float_is_infinite_not_an_error() -> None:
    assert utilisation(Decimal("1e308"), Decimal("1e-308")) == math.inf


# -- every key ------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
async def test_each_retention_is_measured_over_its_own_period(httpx_mock: HTTPXMock, mode: str) -> None:
    serve_keys(
        httpx_mock,
        key("day00001", "day", 5, monthly=3.0),
        key("week0001", "week", 20, monthly=3.0),
        key("month001", "month", 25, monthly=3.0),
        key("never001", "no_reset", 100, monthly=3.0, created_at="2026-08-01T12:00:00Z"),
        key("nolimit1", None, None, monthly=3.0),
    )
    spends: Spends = {
        ("day00001", DAY_START): 4.5,
        ("week0001", WEEK_START): 10.0,
        ("never001", "2026-08-01T12:00:00Z"): 80.0,
    }
    spends.update(
        {(prefix, MONTH_START): 3.0 for prefix in ("day00001", "week0001", "month001", "never001", "nolimit1")}
    )
    seen = serve_usage(httpx_mock, spends)
    report = await budgets(mode)
    assert isinstance(report, BudgetReport)
    assert not report.only_own_key
    assert report.as_of == NOW
    by_prefix = {budget.prefix: budget for budget in report}
    day, week, month, never, unlimited = (
        by_prefix[p] for p in ("day00001", "week0001", "month001", "never001", "nolimit1")
    )

    assert (day.retention, day.threshold, day.spend, day.utilisation) == ("day", Decimal(5), Decimal("4.5"), 0.9)
    assert day.period_start == datetime.datetime(2026, 9, 23, tzinfo=UTC)
    assert day.next_reset == datetime.datetime(2026, 9, 24, tzinfo=UTC)
    assert (week.spend, week.utilisation) == (Decimal(10), 0.5)
    assert week.period_start == datetime.datetime(2026, 9, 21, tzinfo=UTC)
    assert (month.spend, month.utilisation, month.period_usage) == (Decimal(3), 0.12, Decimal(3))
    assert month.next_reset == datetime.datetime(2026, 10, 1, tzinfo=UTC)
    assert (never.spend, never.utilisation, never.next_reset) == (Decimal(80), 0.8, None)
    assert never.period_start == datetime.datetime(2026, 8, 1, 12, tzinfo=UTC)
    # Unlimited: listed, with no period and no utilisation, but cross-checked.
    assert unlimited.limited is False
    assert report.limited == (day, week, month, never)
    assert (unlimited.retention, unlimited.threshold, unlimited.spend, unlimited.utilisation) == (None,) * 4
    assert all(budget.month_usage == Decimal(3) and not budget.month_mismatch for budget in report)

    # One request per distinct window, each ending at as_of, for the key asked about.
    end = "2026-09-23T15:30:00Z"
    assert all(query["end"] == end for query in seen)
    windows = sorted((query["key_prefix"], query["start"]) for query in seen)
    assert windows == sorted(
        [(p, MONTH_START) for p in ("day00001", "week0001", "month001", "never001", "nolimit1")]
        + [("day00001", DAY_START), ("week0001", WEEK_START), ("never001", "2026-08-01T12:00:00Z")]
    )


@pytest.mark.parametrize("mode", MODES)
async def test_a_no_reset_key_older_than_92_days_is_read_in_pieces(httpx_mock: HTTPXMock, mode: str) -> None:
    serve_keys(httpx_mock, key("never001", "no_reset", 100, monthly=1.0, created_at="2025-09-23T15:30:00Z"))
    seen = serve_usage(httpx_mock, {}, spend=1.25)
    report = await budgets(mode)
    pieces = [query for query in seen if query["start"] != MONTH_START]
    assert len(pieces) == 4  # 365 days: 92 + 92 + 92 + 89
    assert report.budgets[0].spend == Decimal("5.00")


@pytest.mark.parametrize("mode", MODES)
async def test_the_month_cross_check(httpx_mock: HTTPXMock, mode: str) -> None:
    serve_keys(
        httpx_mock,
        key("month001", "month", 10, monthly=9.5),  # the key record says more: it is the spend
        key("month002", "month", 10, monthly=2.0),  # the usage total says more: it is the spend
        key("day00001", "day", 10, monthly=7.01),  # a cent exactly: no mismatch
        key("nolimit1", None, None, monthly=4.0),
    )
    serve_usage(
        httpx_mock,
        {
            ("month001", MONTH_START): 6.0,
            ("month002", MONTH_START): 8.0,
            ("day00001", MONTH_START): 7.0,
            ("day00001", DAY_START): 1.0,
            ("nolimit1", MONTH_START): 3.0,
        },
    )
    report = await budgets(mode)
    first, second, day, unlimited = report.budgets
    assert (first.spend, first.utilisation, first.period_usage) == (Decimal("9.5"), 0.95, Decimal(6))
    assert first.month_mismatch
    assert first.month_difference == Decimal("3.5")
    assert (second.spend, second.utilisation, second.month_difference) == (Decimal(8), 0.8, Decimal(-6))
    assert not day.month_mismatch
    assert day.spend == Decimal(1)
    assert unlimited.month_mismatch
    assert unlimited.month_difference == Decimal(1)
    assert report.mismatched == (first, second, unlimited)


@pytest.mark.parametrize("mode", MODES)
async def test_at_midnight_on_the_first_nothing_is_asked_of_an_empty_window(httpx_mock: HTTPXMock, mode: str) -> None:
    # Monday 2026-06-01 00:00 UTC: day, week and month all start now, so their spend is 0 without a request.
    serve_keys(
        httpx_mock, key("day00001", "day", 5), key("week0001", "week", 5), key("month001", "month", 5, monthly=0.0)
    )
    report = await budgets(mode, as_of=datetime.datetime(2026, 6, 1, tzinfo=UTC))
    assert [budget.spend for budget in report] == [Decimal(0)] * 3
    assert [budget.utilisation for budget in report] == [0.0] * 3
    assert len(httpx_mock.get_requests()) == 1


@pytest.mark.parametrize("mode", MODES)
async def test_a_key_created_in_the_future_has_spent_nothing(httpx_mock: HTTPXMock, mode: str) -> None:
    serve_keys(httpx_mock, key("never001", "no_reset", 5, created_at="2026-09-24T00:00:00Z"))
    serve_usage(httpx_mock, {})
    (budget,) = await budgets(mode)
    assert (budget.spend, budget.utilisation) == (Decimal(0), 0.0)
    assert not any("never001" in str(r.url) and "2026-09-24" in str(r.url) for r in httpx_mock.get_requests())


@pytest.mark.parametrize("mode", MODES)
async def test_a_threshold_of_zero(httpx_mock: HTTPXMock, mode: str) -> None:
    serve_keys(httpx_mock, key("zero0001", "day", 0), key("zero0002", "day", 0, monthly=1.0))
    serve_usage(httpx_mock, {("zero0002", DAY_START): 0.5, ("zero0002", MONTH_START): 1.0})
    unused, spent = await budgets(mode)
    assert (unused.utilisation, spent.utilisation) == (1.0, math.inf)


@pytest.mark.parametrize("mode", MODES)
async def test_a_retention_added_later_is_listed_without_a_period(httpx_mock: HTTPXMock, mode: str) -> None:
    serve_keys(httpx_mock, key("year0001", "year", 100, monthly=2.0))
    serve_usage(httpx_mock, {("year0001", MONTH_START): 2.0})
    (budget,) = await budgets(mode)
    assert (budget.retention, budget.threshold) == ("year", Decimal(100))
    assert (budget.period_start, budget.spend, budget.utilisation) == (None, None, None)
    assert budget.limited
    assert budget.month_usage == Decimal(2)


@pytest.mark.parametrize("mode", MODES)
async def test_huge_finite_figures_are_carried_exactly(httpx_mock: HTTPXMock, mode: str) -> None:
    serve_keys(httpx_mock, key("huge0001", "month", 1e-300, monthly=1.7e308))
    serve_usage(httpx_mock, {("huge0001", MONTH_START): 1.7e308})
    (budget,) = await budgets(mode)
    assert budget.spend == Decimal("1.7e308")
    assert budget.utilisation == math.inf


# -- a regular key --------------------------------------------------------------------------------

FORBIDDEN = {"message": "Managing keys requires a management key", "statusCode": 403}


@pytest.mark.parametrize("mode", MODES)
async def test_a_regular_key_falls_back_to_its_own_key(httpx_mock: HTTPXMock, mode: str) -> None:
    httpx_mock.add_response(url=BASE_URL + "/v1/keys", method="GET", status_code=403, json=FORBIDDEN)
    httpx_mock.add_response(
        url=BASE_URL + "/v1/key", method="GET", json={"data": key("mine0001", "week", 10, monthly=2.0)}
    )
    seen = serve_usage(httpx_mock, {(None, WEEK_START): 4.0, (None, MONTH_START): 2.0})
    report = await budgets(mode)
    assert report.only_own_key
    (budget,) = report
    assert (budget.prefix, budget.spend, budget.utilisation) == ("mine0001", Decimal(4), 0.4)
    assert all("key_prefix" not in query for query in seen)  # its own usage: no other key is asked for


@pytest.mark.parametrize("mode", MODES)
async def test_a_403_after_the_key_list_is_an_error_not_a_fallback(httpx_mock: HTTPXMock, mode: str) -> None:
    serve_keys(httpx_mock, key("day00001", "day", 5))
    httpx_mock.add_response(url=USAGE_URL, status_code=403, json={"message": "Out of credits"})
    with pytest.raises(PermissionDeniedError, match="Out of credits"):
        await budgets(mode)
    assert not any(request.url.path == "/v1/key" for request in httpx_mock.get_requests())


@pytest.mark.parametrize("mode", MODES)
async def test_a_403_of_the_own_key_too_is_raised(httpx_mock: HTTPXMock, mode: str) -> None:
    httpx_mock.add_response(url=BASE_URL + "/v1/keys", method="GET", status_code=403, json=FORBIDDEN)
    httpx_mock.add_response(url=BASE_URL + "/v1/key", method="GET", status_code=403, json={"message": "no credits"})
    with pytest.raises(PermissionDeniedError, match="no credits"):
        await budgets(mode)


@pytest.mark.parametrize("mode", MODES)
async def test_the_fallback_runs_within_the_deadline_left(httpx_mock: HTTPXMock, mode: str) -> None:
    # 0.4 s of a 0.6 s deadline go to the refused list: the own key's 0.4 s answer is too late.
    def slowly(status: int, body: dict[str, Any]) -> Callable[[httpx.Request], httpx.Response]:
        def answer(request: httpx.Request) -> httpx.Response:
            time.sleep(0.4)
            return httpx.Response(status, json=body)

        return answer

    httpx_mock.add_callback(slowly(403, FORBIDDEN), url=BASE_URL + "/v1/keys")
    httpx_mock.add_callback(slowly(200, {"data": key("mine0001", None, None)}), url=BASE_URL + "/v1/key")
    with pytest.raises(APITimeoutError):
        await call(mode, lambda billing: billing.keys.budgets(as_of=NOW, deadline=0.6), max_retries=0)


@pytest.mark.parametrize("mode", MODES)
async def test_raw_response_of_the_fallback(httpx_mock: HTTPXMock, mode: str) -> None:
    httpx_mock.add_response(url=BASE_URL + "/v1/keys", method="GET", status_code=403, json=FORBIDDEN)
    httpx_mock.add_response(url=BASE_URL + "/v1/key", method="GET", json={"data": key("mine0001", None, None)})
    serve_usage(httpx_mock, {})
    raw = await call(mode, lambda billing: billing.keys.with_raw_response.budgets(as_of=NOW))
    assert raw.status_code == 200
    assert raw.parse().only_own_key
    assert [r.request.url.path for r in raw.http_responses] == ["/v1/key", "/v2/usage"]


# -- what the server may get wrong ---------------------------------------------------------------


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


_FIELDS: dict[str, Any] = {
    "prefix": "abcd1234", "name": "ci", "disabled": False, "retention": "day", "threshold": Decimal(5),
    "period_start": NOW, "next_reset": NOW, "spend": Decimal(1), "period_usage": Decimal(1), "utilisation": 0.2,
    "monthly_usage": Decimal(1), "month_usage": Decimal(1), "created_at": NOW,
}  # fmt: skip


def test_a_budget_is_frozen() -> None:
    budget = KeyBudget(**_FIELDS)
    with pytest.raises(AttributeError):
        budget.spend = Decimal(2)  # type: ignore[misc]


# -- the hostile reviewer's cases -----------------------------------------------------------------


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
