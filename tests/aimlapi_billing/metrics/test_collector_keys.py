"""The collector's per-key budgets and spend by model, against the stand-in."""

from __future__ import annotations

import datetime
import math
from decimal import Decimal
from typing import Any

import pytest
from fake_api_server import FakeAIMLAPI, Reply

from aimlapi_billing import (
    AIMLAPIError,
    Billing,
    InvalidParameterError,
)
from aimlapi_billing import metrics as billing_metrics
from aimlapi_billing.metrics import (
    BillingCollector,
    build_registry,
    exposition,
)
from tests.aimlapi_billing.conftest import API_KEY
from tests.helpers.budget_data import budget_account
from tests.helpers.metrics import (
    DETAIL_PATH,
    UTC,
    FakeClock,
    by_label,
    check_canned,
    check_metadata,
    key_values,
    parse,
    scrape,
    value,
)

# --- per-key budgets and spend by model ---------------------------------------------------------


def test_key_budgets_and_model_spend_from_the_stand_in() -> None:
    now = datetime.datetime.now(UTC)
    with (
        FakeAIMLAPI(**budget_account(now, chat_name='chat "prod"\nline')) as fake,
        Billing(base_url=fake.url) as client,
    ):
        collector = BillingCollector(
            client, key_budgets=True, model_window=datetime.timedelta(days=30), top_models=1, min_interval=60
        )
        registry = build_registry(collector)
        for fmt, families in zip(("openmetrics", "prometheus"), scrape(registry), strict=True):
            check_metadata(families, fmt)
            # Server text is made printable: the newline is shown as its escape, on one line.
            chat, batch, main = ("b747e891", 'chat "prod"\\nline'), ("c0ffee42", ""), ("a1b2c3d4", "main")
            off = ("d15ab1ed", "old-experiments")
            assert key_values(families, "aimlapi_key_spend_usd") == {chat: 1.8, batch: 0.5, off: 0.0}
            assert key_values(families, "aimlapi_key_limit_usd") == {chat: 2.0, batch: 0.0, off: 10.0}
            ratios = key_values(families, "aimlapi_key_limit_utilisation_ratio")
            assert ratios == {chat: 0.9, batch: math.inf, off: 0.0}
            start = key_values(families, "aimlapi_key_period_start_timestamp_seconds")
            assert start[chat] == now.replace(hour=0, minute=0, second=0, microsecond=0).timestamp()
            assert set(key_values(families, "aimlapi_key_monthly_usage_usd")) == {chat, batch, main, off}
            assert key_values(families, "aimlapi_key_monthly_usage_usd") == key_values(
                families, "aimlapi_key_month_usage_usd"
            )
            assert key_values(families, "aimlapi_key_disabled") == {chat: 0.0, batch: 0.0, main: 0.0, off: 1.0}
            assert value(families, "aimlapi_keys_own_key_only") == 0.0
            assert by_label(families, "aimlapi_model_spend_usd", "model") == {"openai/gpt-5": 6.8, "(other)": 0.5}
            assert value(families, "aimlapi_model_spend_window_seconds") == 30 * 86400
            assert value(families, "aimlapi_usage_scrape_success") == 1.0
            check_canned(families)
        assert len(fake.requests_to("/v1/keys")) == 1  # the second format came from the cache


def test_a_regular_key_exports_its_own_key_and_says_so() -> None:
    from fake_api.data import CHATBOT_KEY

    now = datetime.datetime.now(UTC)
    with FakeAIMLAPI(**budget_account(now), default_caller=CHATBOT_KEY) as fake, Billing(base_url=fake.url) as client:
        families = parse(exposition(build_registry(BillingCollector(client, key_budgets=True))))
    assert key_values(families, "aimlapi_key_limit_utilisation_ratio") == {("b747e891", "chatbot-prod"): 0.9}
    assert value(families, "aimlapi_keys_own_key_only") == 1.0
    assert value(families, "aimlapi_usage_scrape_success") == 1.0
    assert "aimlapi_model_spend_usd" not in families


def test_the_prefix_of_the_exporters_own_key_is_never_exported() -> None:
    # A prefix is the first 8 characters of its key: the exporter's own key shows as "(own key)".
    from fake_api.data import CHATBOT_KEY, MANAGEMENT_KEY

    now = datetime.datetime.now(UTC)
    for key, expected in (
        (MANAGEMENT_KEY, {"(own key)", "b747e891", "c0ffee42", "d15ab1ed"}),
        (CHATBOT_KEY, {"(own key)"}),
    ):
        with FakeAIMLAPI(**budget_account(now)) as fake, Billing(api_key=key, base_url=fake.url) as client:
            text = exposition(build_registry(BillingCollector(client, key_budgets=True))).decode()
        families = parse(text.encode())
        assert {prefix for prefix, _ in key_values(families, "aimlapi_key_monthly_usage_usd")} == expected
        assert key[:8] not in text


def test_a_key_name_echoing_the_api_key_is_exported_redacted() -> None:
    now = datetime.datetime.now(UTC)
    with FakeAIMLAPI(**budget_account(now, chat_name=f"leak {API_KEY}")) as fake, Billing(base_url=fake.url) as client:
        text = exposition(build_registry(BillingCollector(client, key_budgets=True))).decode()
    assert 'key_name="leak <redacted>",key_prefix="b747e891"' in text
    assert API_KEY[:8] not in text


@pytest.mark.usefixtures("fast_backoff")
def test_a_failed_usage_read_keeps_the_balance_fresh_and_the_last_keys(
    clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    now = datetime.datetime.now(UTC)
    with FakeAIMLAPI(**budget_account(now)) as fake, Billing(base_url=fake.url, max_retries=0) as client:
        collector = BillingCollector(client, key_budgets=True, min_interval=60, clock=clock)
        registry = build_registry(collector)
        fake.script("/v1/keys", Reply(500, {"message": "keys down"}))
        first = parse(exposition(registry))
        check_canned(first)  # the balance is fresh and the scrape a success ...
        assert value(first, "aimlapi_usage_scrape_success") == 0.0  # ... but the keys are missing
        assert "aimlapi_key_spend_usd" not in first
        assert "keys down" in caplog.text
        assert isinstance(collector.last_usage_error, AIMLAPIError)
        assert collector.last_error is None

        clock.advance(60)
        good = parse(exposition(registry))
        assert value(good, "aimlapi_usage_scrape_success") == 1.0
        assert collector.last_usage_error is None

        clock.advance(60)
        fake.script("/v2/usage", Reply(500, {"message": "usage down"}))
        again = parse(exposition(registry))
        check_canned(again)
        assert value(again, "aimlapi_usage_scrape_success") == 0.0
        assert key_values(again, "aimlapi_key_spend_usd") == key_values(good, "aimlapi_key_spend_usd")

        clock.advance(60)
        fake.script(DETAIL_PATH, Reply(401, {"message": "Invalid API key"}))
        down = parse(exposition(registry))
        assert value(down, "aimlapi_scrape_success") == 0.0
        assert value(down, "aimlapi_usage_scrape_success") == 0.0  # nothing was read this time


def test_without_usage_options_no_usage_is_read(fake_api: FakeAIMLAPI, billing: Billing) -> None:
    families = parse(exposition(build_registry(BillingCollector(billing))))
    assert not any(name.startswith(("aimlapi_key", "aimlapi_model", "aimlapi_usage")) for name in families)
    assert fake_api.requests_to("/v1/keys") == []
    assert fake_api.requests_to("/v2/usage") == []


def test_model_spend_alone_lists_the_keys_or_reads_its_own() -> None:
    from fake_api.data import CHATBOT_KEY

    now = datetime.datetime.now(UTC)
    window = datetime.timedelta(days=7)
    for caller, expected in ((None, {"openai/gpt-5": 6.8, "google/gemini": 0.5}), (CHATBOT_KEY, {"openai/gpt-5": 6.8})):
        options = {} if caller is None else {"default_caller": caller}
        with FakeAIMLAPI(**budget_account(now), **options) as fake, Billing(base_url=fake.url) as client:
            families = parse(exposition(build_registry(BillingCollector(client, model_window=window))))
        assert by_label(families, "aimlapi_model_spend_usd", "model") == expected
        assert value(families, "aimlapi_keys_own_key_only") == (0.0 if caller is None else 1.0)
        assert "aimlapi_key_spend_usd" not in families
        assert value(families, "aimlapi_usage_scrape_success") == 1.0


@pytest.mark.parametrize(
    ("totals", "count", "expected"),
    [
        ({"a": "3", "b": "2", "c": "1"}, 3, [("a", "3"), ("b", "2"), ("c", "1")]),
        ({"a": "3", "b": "2", "c": "1"}, 1, [("a", "3"), ("(other)", "3")]),
        ({"b": "2", "a": "2"}, 1, [("a", "2"), ("(other)", "2")]),  # ties by name: a stable series set
        ({"(other)": "5", "a": "1"}, 5, [("a", "1"), ("(other)", "5")]),  # a server's own "(other)": one series
        ({}, 10, []),
    ],
)
def test_rank_models_bounds_the_series(totals: dict[str, str], count: int, expected: list[tuple[str, str]]) -> None:
    ranked = billing_metrics.rank_models({name: Decimal(v) for name, v in totals.items()}, count)
    assert ranked == [(name, Decimal(v)) for name, v in expected]


@pytest.mark.parametrize(
    "options",
    [
        {"key_budgets": 1},
        {"model_window": datetime.timedelta(0)},
        {"model_window": datetime.timedelta(days=3661)},
        {"model_window": 30},
        {"top_models": 0},
        {"top_models": 101},
        {"top_models": True},
        {"top_models": 2.5},
        {"labels": {"key_prefix": "x"}},
        {"labels": {"key_name": "x"}},
    ],
)
def test_usage_options_are_checked(billing: Billing, options: dict[str, Any]) -> None:
    with pytest.raises(InvalidParameterError):
        BillingCollector(billing, **options)
