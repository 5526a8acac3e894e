"""billing.keys.budgets(): the UTC calendar periods, the month cross-check, a regular key's fallback,
and what a broken server can send, sync and async."""

from __future__ import annotations

import datetime
import math
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx
import pytest
from pytest_httpx import HTTPXMock

from aimlapi_billing import (
    APITimeoutError,
    BudgetReport,
    PermissionDeniedError,
)
from aimlapi_billing.lib.budgets import period_of, utilisation
from tests.aimlapi_billing.conftest import BASE_URL
from tests.helpers.mocked_budgets import (
    DAY_START,
    MONTH_START,
    NOW,
    USAGE_URL,
    UTC,
    WEEK_START,
    Spends,
    budgets,
    key,
    serve_keys,
    serve_usage,
)
from tests.helpers.resources import MODES, call

pytestmark = pytest.mark.usefixtures("fast_backoff")

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
