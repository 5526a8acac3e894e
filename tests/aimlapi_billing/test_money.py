"""Money sums are exact: the default decimal context keeps 28 digits and would round a sum of API
amounts silently; every sum and difference of money goes through ``_money`` (no context rounds it)."""

from __future__ import annotations

import datetime
import decimal
import json
from decimal import Decimal

import httpx
import pytest
from aimlapi_billing_client.models import UsageResponse
from fake_api_server import DETAIL, ledger_entry
from pytest_httpx import HTTPXMock

from aimlapi_billing import Billing, InvalidParameterError
from aimlapi_billing._money import add, exact_sum, subtract, usd
from aimlapi_billing.resources.usage import combine

# Two amounts whose sum has 32 significant digits: the default context would give 28.
BIG = "1234567890123.4567890123"
TINY = "0.0000000000000000011"
SUM = Decimal("1234567890123.4567890123000000011")


def test_the_default_context_would_round_the_sum() -> None:
    assert Decimal(BIG) + Decimal(TINY) != SUM  # what the helpers are for


def test_add_subtract_and_exact_sum_keep_every_digit() -> None:
    assert add(Decimal(BIG), Decimal(TINY)) == SUM
    assert subtract(SUM, Decimal(TINY)) == Decimal(BIG)
    assert exact_sum([Decimal(BIG), Decimal(TINY)]) == SUM
    # The widest sum of amounts within the bounds: 1e308 and 1e-324 together.
    widest = exact_sum([Decimal("1e308"), Decimal("1e-324"), Decimal("-1e308")])
    assert widest == Decimal("1e-324")


def test_usage_pieces_add_up_exactly() -> None:
    piece = {"api_key_prefix": None, "currency": "USD", "requests": 1}
    parts = [
        UsageResponse.from_dict(
            {**piece, "start": "2026-01-01T00:00:00Z", "end": "2026-02-01T00:00:00Z", "spend": Decimal(BIG)}
        ),
        UsageResponse.from_dict(
            {**piece, "start": "2026-02-01T00:00:00Z", "end": "2026-03-01T00:00:00Z", "spend": Decimal(TINY)}
        ),
    ]
    assert combine(parts).spend == SUM


def test_an_amount_beyond_the_bounds_is_no_amount() -> None:
    with pytest.raises(InvalidParameterError, match="threshold is out of the range of a double"):
        usd(Decimal("1e-99999"), "threshold", at_least_zero=True, error=InvalidParameterError)


def test_the_forecast_adds_the_ledger_exactly(httpx_mock: HTTPXMock) -> None:
    """Served as JSON text with those digits (a float would hold 17 of them)."""
    as_of = datetime.datetime(2026, 8, 20, tzinfo=datetime.UTC)
    entries = [
        ledger_entry("2026-08-19T00:00:00.000Z", "CHARGE", "MODEL_USAGE", 1.0, "vendor/a", "i1"),
        ledger_entry("2026-08-18T00:00:00.000Z", "CHARGE", "MODEL_USAGE", 2.0, "vendor/a", "i2"),
    ]
    page = json.dumps({"data": entries, "pagination": {"next_cursor": None, "has_more": False}})
    page = page.replace('"usd": 1.0', f'"usd": {BIG}').replace('"usd": 2.0', f'"usd": {TINY}')

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v2/billing/detail":
            return httpx.Response(200, json={**DETAIL, "autotopup_settings": {"is_enabled": False}})
        return httpx.Response(200, content=page.encode(), headers={"content-type": "application/json"})

    httpx_mock.add_callback(answer, is_reusable=True)
    with Billing() as billing:
        forecast = billing.forecast(window=datetime.timedelta(days=10), as_of=as_of)
    assert forecast.spend_usd == SUM


def test_a_sum_that_cannot_be_exact_raises_rather_than_rounds() -> None:
    with pytest.raises(decimal.Inexact):
        add(Decimal("1e5000"), Decimal("1e-5000"))
