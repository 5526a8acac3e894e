"""The exporter's money: a double's value, a figure beyond the SDK's plausibility bound fails the
scrape (never ``+Inf`` or ``1.2345678901234568e+29``), and ``-0.0`` is exported as 0."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from fake_api_server import BALANCE, DETAIL, FakeAIMLAPI, Reply, ledger_entry

from aimlapi_billing import Billing
from aimlapi_billing.metrics import BillingCollector, build_registry, exposition

NOW = datetime.datetime.now(datetime.UTC)


def _scrape(fake: FakeAIMLAPI, balance: str, **options: Any) -> str:
    body = json.dumps({**DETAIL, "current_balance": "@"}).replace('"@"', balance).encode()
    fake.canned["/v1/billing/balance"] = BALANCE
    fake.script("/v2/billing/detail", *[Reply(200, body)] * 3)
    with Billing(base_url=fake.url) as client:
        return exposition(build_registry(BillingCollector(client, **options)), "prometheus").decode()


@pytest.mark.parametrize("balance", ["123456789012345678901234567890.123", "1e300", "-1000000000000000.01"])
def test_a_balance_beyond_the_bound_fails_the_scrape(balance: str, caplog: pytest.LogCaptureFixture) -> None:
    with FakeAIMLAPI() as fake:
        text = _scrape(fake, balance)
    assert "aimlapi_scrape_success 0.0\n" in text
    assert "aimlapi_balance_usd " not in text
    assert "the balance is " in caplog.text
    assert "beyond 1e+15 is no money but a broken answer" in caplog.text


def test_negative_zero_is_exported_as_zero() -> None:
    with FakeAIMLAPI() as fake:
        text = _scrape(fake, "-0.0")
    assert "aimlapi_balance_usd 0.0\n" in text
    assert "-0.0" not in text


def test_a_window_sum_past_a_double_fails_the_scrape_not_inf(caplog: pytest.LogCaptureFixture) -> None:
    """The reviewer's: two charges of 1e308 summed exactly to 2e308, exported as +Inf."""
    moment = (NOW - datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    charges = [ledger_entry(moment, "CHARGE", "MODEL_USAGE", 1.0, "m", f"i{n}") for n in range(2)]
    for charge in charges:
        charge["amount"] = {"usd": 1e308, "credits": 1}
    with FakeAIMLAPI(ledger=charges, now=NOW) as fake:
        text = _scrape(fake, "275.78", forecast_window=datetime.timedelta(days=7))
    assert "aimlapi_scrape_success 0.0\n" in text
    assert "+Inf" not in text.replace("aimlapi_runway_days +Inf", "")
    assert "beyond 1e+15 is no money but a broken answer" in caplog.text
