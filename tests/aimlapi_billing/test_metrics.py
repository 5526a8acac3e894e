"""aimlapi_billing.metrics: every exposition parsed back with prometheus_client's own parsers and
checked against the fake server's canned account; caching on an injected clock, failure and
staleness, the runway gauge, atomic textfile writes, the HTTP exporter and the missing extra."""

from __future__ import annotations

import collections
import contextlib
import datetime
import fnmatch
import importlib
import logging
import math
import os
import pathlib
import socket
import stat
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fake_api_server import BALANCE, DETAIL, FakeAIMLAPI, Reply, Stall, ledger_entry
from prometheus_client import CollectorRegistry
from prometheus_client.core import Metric
from prometheus_client.openmetrics.parser import text_string_to_metric_families as parse_openmetrics_text
from prometheus_client.parser import text_string_to_metric_families as parse_prometheus_text

from aimlapi_billing import (
    AIMLAPIError,
    AsyncBilling,
    BalanceResponse,
    Billing,
    BillingDetailResponse,
    BudgetReport,
    ConfigurationError,
    InvalidParameterError,
    KeyBudget,
    Transaction,
)
from aimlapi_billing import metrics as billing_metrics
from aimlapi_billing.metrics import (
    BillingCollector,
    build_registry,
    exposition,
    make_exporter,
    make_probe_exporter,
    server_url,
    write_textfile,
)

from .budget_data import budget_account
from .conftest import API_KEY

DETAIL_PATH = "/v2/billing/detail"
BALANCE_PATH = "/v1/billing/balance"
OPENMETRICS_ACCEPT = "application/openmetrics-text; version=1.0.0"

#: What the fake server's canned account must come out as.
CANNED_VALUES = {
    "aimlapi_balance_usd": 275.78,
    "aimlapi_balance_credits": 551564495.0,
    "aimlapi_low_balance": 0.0,
    "aimlapi_autotopup_enabled": 1.0,
    "aimlapi_autotopup_threshold_usd": 50.0,
    "aimlapi_autotopup_amount_usd": 100.0,
    # The stand-in's legacy flag says "disabled" where GET /v2/billing/detail says enabled.
    "aimlapi_autotopup_sources_disagree": 1.0,
}
VALUE_FAMILIES = {*CANNED_VALUES, "aimlapi_runway_days", "aimlapi_last_success_timestamp_seconds"}
STATUS_FAMILIES = {"aimlapi_scrape_success", "aimlapi_scrape_duration_seconds", "aimlapi_data_stale"}
UNITS = {
    "aimlapi_balance_usd": "usd",
    "aimlapi_balance_credits": "credits",
    "aimlapi_autotopup_threshold_usd": "usd",
    "aimlapi_autotopup_amount_usd": "usd",
    "aimlapi_runway_days": "days",
    "aimlapi_scrape_duration_seconds": "seconds",
    "aimlapi_last_success_timestamp_seconds": "seconds",
    "aimlapi_daily_burn_usd": "usd",
    "aimlapi_window_spend_usd": "usd",
    "aimlapi_window_spend_by_model_usd": "usd",
    "aimlapi_spend_24h_usd": "usd",
    "aimlapi_key_spend_usd": "usd",
    "aimlapi_key_limit_usd": "usd",
    "aimlapi_key_limit_utilisation_ratio": "ratio",
    "aimlapi_key_period_start_timestamp_seconds": "seconds",
    "aimlapi_key_monthly_usage_usd": "usd",
    "aimlapi_key_month_usage_usd": "usd",
    "aimlapi_model_spend_usd": "usd",
    "aimlapi_model_spend_window_seconds": "seconds",
}
#: Words each HELP text must contain, so a HELP cannot drift to another metric's meaning.
HELP_WORDS = {
    "aimlapi_balance_usd": ("Balance", "US dollars"),
    "aimlapi_balance_credits": ("Balance", "credits"),
    "aimlapi_low_balance": ("low-balance",),
    "aimlapi_autotopup_enabled": ("auto top-up", "enabled"),
    "aimlapi_autotopup_threshold_usd": ("auto top-up", "US dollars"),
    "aimlapi_autotopup_amount_usd": ("auto top-up", "US dollars"),
    "aimlapi_autotopup_sources_disagree": ("legacy autoDebitStatus", "GET /v2/billing/detail", "contradicts"),
    "aimlapi_runway_days": ("Days", "+Inf"),
    "aimlapi_scrape_success": ("last read", "succeeded"),
    "aimlapi_scrape_duration_seconds": ("Duration", "last read"),
    "aimlapi_data_stale": ("earlier", "failed"),
    "aimlapi_last_success_timestamp_seconds": ("Unix time", "last successful read"),
    "aimlapi_daily_burn_usd": ("per day", "forecast window"),
    "aimlapi_window_spend_usd": ("CHARGE", "forecast window"),
    "aimlapi_window_spend_by_model_usd": ("forecast window", "costliest models", "(no model)"),
    "aimlapi_spend_24h_usd": ("CHARGE", "24 hours"),
    "aimlapi_key_spend_usd": ("key", "current limit period", "UTC"),
    "aimlapi_key_limit_usd": ("limit", "key"),
    "aimlapi_key_limit_utilisation_ratio": ("divided by its limit", "+Inf"),
    "aimlapi_key_period_start_timestamp_seconds": ("Unix time", "limit period"),
    "aimlapi_key_monthly_usage_usd": ("monthly_usage",),
    "aimlapi_key_month_usage_usd": ("1st of the month", "/v2/usage"),
    "aimlapi_key_disabled": ("disabled",),
    "aimlapi_key_data_stale": ("not measure", "last good values"),
    "aimlapi_keys_own_key_only": ("regular key", "own key"),
    "aimlapi_model_spend_usd": ("per model", "model window", "(other)"),
    "aimlapi_model_spend_window_seconds": ("window",),
    "aimlapi_usage_scrape_success": ("per-key usage", "succeeded"),
}
FORECAST_FAMILIES = {
    "aimlapi_runway_days",
    "aimlapi_daily_burn_usd",
    "aimlapi_window_spend_usd",
    "aimlapi_window_spend_by_model_usd",
    "aimlapi_spend_24h_usd",
}

FAULTS = {
    "500x3": [Reply(500, {"message": "upstream down"})] * 3,
    "read-timeout": [Stall(5)] * 3,  # the fake's stop wakes the stalled handler at teardown
    "401": [Reply(401, {"message": "Invalid API key"})],
}


class FakeClock:
    """A monotonic clock that moves only when told."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass(frozen=True)
class StubForecast:
    runway_days: Decimal | None
    daily_burn_usd: Decimal = Decimal("0.5")
    spend_usd: Decimal = Decimal("15")
    spend_by_model: list[tuple[str, Decimal]] = field(default_factory=lambda: [("openai/gpt-5", Decimal("15"))])


@dataclass
class StubBilling:
    """The canned account, as the models the real client returns, with a forecast and injectable failures."""

    runway_days: Decimal | None = Decimal("12.5")
    fail_in: str | None = None
    error: Exception = field(default_factory=lambda: RuntimeError("boom"))
    windows: list[datetime.timedelta] = field(default_factory=list)

    def _maybe_fail(self, method: str) -> None:
        if self.fail_in == method:
            raise self.error

    def detail(self) -> BillingDetailResponse:
        self._maybe_fail("detail")
        return BillingDetailResponse.from_dict(DETAIL)

    def balance(self) -> BalanceResponse:
        self._maybe_fail("balance")
        return BalanceResponse.from_dict(BALANCE)

    def forecast(self, *, window: datetime.timedelta, detail: BillingDetailResponse | None = None) -> StubForecast:
        self.windows.append(window)
        self._maybe_fail("forecast")
        return StubForecast(self.runway_days)

    def transactions(self, *, from_: datetime.datetime, direction: str) -> list[Transaction]:
        self._maybe_fail("transactions")
        assert direction == "CHARGE"
        return [Transaction.from_dict(ledger_entry(from_.isoformat(), "CHARGE", "MODEL_USAGE", 0.25, "openai/gpt-5"))]


def parse(data: bytes, fmt: str = "openmetrics") -> dict[str, Metric]:
    """Every family of an exposition, parsed to the end by prometheus_client's parser for ``fmt``."""
    text = data.decode()
    assert API_KEY not in text
    parser = parse_openmetrics_text if fmt == "openmetrics" else parse_prometheus_text
    families = list(parser(text))
    by_name = {family.name: family for family in families}
    assert len(by_name) == len(families), "a family appears twice"
    return by_name


def by_label(families: dict[str, Metric], name: str, label: str) -> dict[str, float]:
    return {sample.labels[label]: float(sample.value) for sample in families[name].samples}


def value(families: dict[str, Metric], name: str) -> float:
    (sample,) = families[name].samples
    assert sample.name == name
    assert sample.labels == {}
    return float(sample.value)


def scrape(registry: CollectorRegistry) -> list[dict[str, Metric]]:
    """Both formats, parsed; the second is served from the collector's cache."""
    return [parse(exposition(registry, fmt), fmt) for fmt in ("openmetrics", "prometheus")]


def check_metadata(families: dict[str, Metric], fmt: str) -> None:
    for name, family in families.items():
        assert family.type == "gauge", name
        assert all(word in family.documentation for word in HELP_WORDS[name]), (name, family.documentation)
        if fmt == "openmetrics":  # the classic format has no UNIT line
            assert family.unit == UNITS.get(name, ""), name
            assert not family.unit or name.endswith("_" + family.unit)


def check_canned(families: dict[str, Metric], *, success: float = 1.0, stale: float = 0.0) -> None:
    for name, expected in CANNED_VALUES.items():
        assert value(families, name) == expected, name
    assert value(families, "aimlapi_scrape_success") == success
    assert value(families, "aimlapi_data_stale") == stale
    assert value(families, "aimlapi_scrape_duration_seconds") >= 0


def requests_to(fake: FakeAIMLAPI) -> tuple[int, int]:
    return len(fake.requests_to(DETAIL_PATH)), len(fake.requests_to(BALANCE_PATH))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def billing(fake_api: FakeAIMLAPI) -> Iterator[Billing]:
    # A short read timeout for the stall faults; loopback answers take milliseconds.
    with Billing(base_url=fake_api.url, timeout=httpx.Timeout(5.0, read=0.4)) as client:
        yield client


# --- exposition ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["openmetrics", "prometheus"])
def test_exposition_carries_the_canned_account(fake_api: FakeAIMLAPI, billing: Billing, fmt: str) -> None:
    before = time.time()
    families = parse(exposition(build_registry(BillingCollector(billing)), fmt), fmt)
    assert set(families) == set(CANNED_VALUES) | STATUS_FAMILIES | {"aimlapi_last_success_timestamp_seconds"}
    check_metadata(families, fmt)
    check_canned(families)
    assert before <= value(families, "aimlapi_last_success_timestamp_seconds") <= time.time()
    assert requests_to(fake_api) == (1, 1)


def test_openmetrics_text_declares_units_and_ends_with_eof(billing: Billing) -> None:
    text = exposition(build_registry(BillingCollector(billing))).decode()
    assert text.endswith("# EOF\n")
    assert "# UNIT aimlapi_balance_usd usd\n" in text
    assert "# UNIT aimlapi_scrape_duration_seconds seconds\n" in text
    assert "# UNIT aimlapi_last_success_timestamp_seconds seconds\n" in text
    assert "user@example.com" not in text
    # The user id (111) is not exported either: no sample carries it as its value or in a label (a
    # plain substring test would also match a timestamp such as 1764011177).
    samples = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert samples
    assert all(float(line.rsplit(" ", 1)[1]) != 111 and '"111"' not in line for line in samples)


@pytest.mark.parametrize("fmt", ["json", "OpenMetrics", ""])
def test_exposition_rejects_unknown_formats(fmt: str) -> None:
    with pytest.raises(InvalidParameterError, match="openmetrics, prometheus") as raised:
        exposition(CollectorRegistry(), fmt)
    assert isinstance(raised.value, ValueError)


def test_registering_reads_nothing_and_uses_a_private_registry(fake_api: FakeAIMLAPI, billing: Billing) -> None:
    from prometheus_client import REGISTRY

    collector = BillingCollector(billing)
    registry = build_registry(collector)
    assert registry is not REGISTRY
    assert requests_to(fake_api) == (0, 0)
    with pytest.raises(ValueError, match="Duplicated timeseries"):
        registry.register(BillingCollector(billing))  # describe() names every family up front
    assert API_KEY not in repr(collector)


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({}, {}),
        ({"is_enabled": False}, {"aimlapi_autotopup_enabled": 0.0, "aimlapi_autotopup_sources_disagree": 0.0}),
        (
            {"is_enabled": True, "threshold": 5.5},
            {
                "aimlapi_autotopup_enabled": 1.0,
                "aimlapi_autotopup_threshold_usd": 5.5,
                "aimlapi_autotopup_sources_disagree": 1.0,
            },
        ),
    ],
    ids=["all-unset", "disabled-only", "no-amount"],
)
def test_unset_autotopup_settings_are_omitted(settings: dict[str, Any], expected: dict[str, float]) -> None:
    canned = {DETAIL_PATH: {**DETAIL, "autotopup_settings": settings}, BALANCE_PATH: BALANCE}
    with FakeAIMLAPI(canned=canned) as fake, Billing(base_url=fake.url) as client:
        registry = build_registry(BillingCollector(client))
        for families in scrape(registry):
            autotopup = {name: value(families, name) for name in families if name.startswith("aimlapi_autotopup")}
            assert autotopup == expected
            assert value(families, "aimlapi_balance_usd") == 275.78
            assert value(families, "aimlapi_scrape_success") == 1.0


def test_a_balance_in_another_currency_is_not_exported_as_usd(caplog: pytest.LogCaptureFixture) -> None:
    canned = {DETAIL_PATH: {**DETAIL, "currency": "EUR"}, BALANCE_PATH: BALANCE}
    with FakeAIMLAPI(canned=canned) as fake, Billing(base_url=fake.url) as client:
        families = parse(exposition(build_registry(BillingCollector(client))))
    assert set(families) == STATUS_FAMILIES
    assert value(families, "aimlapi_scrape_success") == 0.0
    assert "ResponseValidationError: GET /v2/billing/detail returned 200 but field 'currency' is 'EUR'" in caplog.text


# --- caching ------------------------------------------------------------------------------------


def test_scrapes_inside_min_interval_are_served_from_the_cache(
    fake_api: FakeAIMLAPI, billing: Billing, clock: FakeClock
) -> None:
    registry = build_registry(BillingCollector(billing, min_interval=60, clock=clock))
    first = parse(exposition(registry))
    assert requests_to(fake_api) == (1, 1)

    clock.advance(59.9)
    second = parse(exposition(registry, "prometheus"), "prometheus")
    assert requests_to(fake_api) == (1, 1)
    for name in first:  # the very same reading, timestamp and duration included
        assert value(second, name) == value(first, name), name

    clock.advance(0.1)
    third = parse(exposition(registry))
    assert requests_to(fake_api) == (2, 2)
    check_canned(third)
    assert value(third, "aimlapi_last_success_timestamp_seconds") >= value(
        first, "aimlapi_last_success_timestamp_seconds"
    )


def test_zero_min_interval_reads_on_every_scrape(fake_api: FakeAIMLAPI, billing: Billing, clock: FakeClock) -> None:
    registry = build_registry(BillingCollector(billing, min_interval=0, clock=clock))
    for _ in range(3):
        check_canned(parse(exposition(registry)))
    assert requests_to(fake_api) == (3, 3)


def test_concurrent_scrapes_share_one_read(fake_api: FakeAIMLAPI, billing: Billing, clock: FakeClock) -> None:
    registry = build_registry(BillingCollector(billing, clock=clock))
    barrier = threading.Barrier(8, timeout=5)
    outputs: list[bytes] = []
    errors: list[BaseException] = []

    def scrape_once() -> None:
        try:
            barrier.wait()
            outputs.append(exposition(registry))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=scrape_once) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    assert len(outputs) == 8
    for output in outputs:
        check_canned(parse(output))
    assert requests_to(fake_api) == (1, 1)


# --- failure and staleness ----------------------------------------------------------------------


@pytest.mark.usefixtures("fast_backoff")
@pytest.mark.parametrize("faults", FAULTS.values(), ids=FAULTS.keys())
def test_a_failed_read_after_a_success_exports_the_last_values_as_stale(
    fake_api: FakeAIMLAPI, billing: Billing, clock: FakeClock, faults: list[Any], caplog: pytest.LogCaptureFixture
) -> None:
    registry = build_registry(BillingCollector(billing, min_interval=60, clock=clock))
    good = parse(exposition(registry))
    last_success = value(good, "aimlapi_last_success_timestamp_seconds")

    fake_api.script(DETAIL_PATH, *faults)
    clock.advance(60)
    with caplog.at_level(logging.DEBUG):
        for fmt, families in zip(("openmetrics", "prometheus"), scrape(registry), strict=True):
            check_metadata(families, fmt)
            check_canned(families, success=0.0, stale=1.0)
            assert value(families, "aimlapi_last_success_timestamp_seconds") == last_success
    assert requests_to(fake_api) == (1 + len(faults), 1)  # the second format came from the cache
    warnings = [r for r in caplog.records if r.name == "aimlapi_billing.metrics" and r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "as stale" in warnings[0].getMessage()
    assert API_KEY not in caplog.text

    clock.advance(60)  # the faults are used up: the next read recovers
    recovered = parse(exposition(registry))
    check_canned(recovered)
    assert value(recovered, "aimlapi_last_success_timestamp_seconds") >= last_success


@pytest.mark.usefixtures("fast_backoff")
@pytest.mark.parametrize("faults", FAULTS.values(), ids=FAULTS.keys())
def test_a_failed_first_read_exports_no_values(
    fake_api: FakeAIMLAPI, billing: Billing, clock: FakeClock, faults: list[Any]
) -> None:
    fake_api.script(DETAIL_PATH, *faults)
    registry = build_registry(BillingCollector(billing, clock=clock))
    for fmt, families in zip(("openmetrics", "prometheus"), scrape(registry), strict=True):
        assert set(families) == STATUS_FAMILIES
        check_metadata(families, fmt)
        assert value(families, "aimlapi_scrape_success") == 0.0
        assert value(families, "aimlapi_data_stale") == 0.0  # nothing shown, so nothing stale
    assert requests_to(fake_api) == (len(faults), 0)  # all or nothing: balance() is not even tried


@pytest.mark.parametrize("method", ["detail", "balance", "forecast", "transactions"])
@pytest.mark.parametrize(
    "error",
    [RuntimeError("boom"), ValueError("bad"), KeyError("x"), AIMLAPIError("sdk")],
    ids=lambda error: type(error).__name__,
)
def test_any_exception_from_the_billing_object_is_a_failed_scrape(
    method: str, error: Exception, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    stub = StubBilling()
    registry = build_registry(BillingCollector(stub, forecast_window=datetime.timedelta(days=7), clock=clock))  # type: ignore[arg-type]
    check_canned(parse(exposition(registry)))

    stub.fail_in, stub.error = method, error
    clock.advance(60)
    families = parse(exposition(registry))
    check_canned(families, success=0.0, stale=1.0)
    assert value(families, "aimlapi_runway_days") == 12.5
    assert type(error).__name__ in caplog.text


def test_garbage_from_the_billing_object_is_a_failed_scrape(clock: FakeClock) -> None:
    class Garbage(StubBilling):
        def balance(self) -> Any:
            return object()  # no .balance attribute

    registry = build_registry(BillingCollector(Garbage(), clock=clock))  # type: ignore[arg-type]
    families = parse(exposition(registry))
    assert set(families) == STATUS_FAMILIES
    assert value(families, "aimlapi_scrape_success") == 0.0


# --- forecast -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("runway", "expected", "text"),
    [(Decimal("12.345"), 12.345, "aimlapi_runway_days 12.345"), (None, math.inf, "aimlapi_runway_days +Inf")],
    ids=["finite", "unbounded"],
)
@pytest.mark.parametrize("fmt", ["openmetrics", "prometheus"])
def test_runway_gauge_from_the_forecast(runway: Decimal | None, expected: float, text: str, fmt: str) -> None:
    stub = StubBilling(runway_days=runway)
    window = datetime.timedelta(days=14)
    data = exposition(build_registry(BillingCollector(stub, forecast_window=window)), fmt)  # type: ignore[arg-type]
    families = parse(data, fmt)
    check_metadata(families, fmt)
    check_canned(families)
    assert value(families, "aimlapi_runway_days") == expected
    assert text + "\n" in data.decode()
    assert stub.windows == [window]


def test_no_forecast_without_a_window() -> None:
    stub = StubBilling(fail_in="forecast")  # would fail the read if called
    families = parse(exposition(build_registry(BillingCollector(stub))))  # type: ignore[arg-type]
    check_canned(families)
    assert "aimlapi_runway_days" not in families
    assert stub.windows == []


def test_forecast_metrics_from_the_stand_in_ledger() -> None:
    """The stand-in's ledger ends just before its start: the README's figures, spend by model and the last day."""
    with FakeAIMLAPI() as fake, Billing(base_url=fake.url) as client:
        collector = BillingCollector(client, forecast_window=datetime.timedelta(days=30))
        for fmt, families in zip(("openmetrics", "prometheus"), scrape(build_registry(collector)), strict=True):
            assert set(families) == set(CANNED_VALUES) | STATUS_FAMILIES | FORECAST_FAMILIES | {
                "aimlapi_last_success_timestamp_seconds"
            }
            check_metadata(families, fmt)
            check_canned(families)
            assert round(value(families, "aimlapi_runway_days"), 1) == 351.5
            assert round(value(families, "aimlapi_daily_burn_usd"), 2) == 0.78
            assert value(families, "aimlapi_window_spend_usd") == 9.48
            assert value(families, "aimlapi_spend_24h_usd") == 1.98  # 1.56 (2.5 h ago) + 0.42 (18 h ago)
            assert by_label(families, "aimlapi_window_spend_by_model_usd", "model") == {
                "(no model)": 5.0,
                "openai/gpt-5": 4.06,
                "anthropic/claude-sonnet": 0.42,
            }
        charges = [
            seen.path for seen in fake.requests_to("/v2/billing/transactions") if "direction=CHARGE" in seen.path
        ]
        assert len(charges) == 1  # one walk for the last day, besides the forecast's own


# --- one read in flight -------------------------------------------------------------------------


def read_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == "aimlapi-read"]


def test_a_hanging_upstream_costs_one_request_and_one_thread_however_often_it_is_scraped() -> None:
    """Prometheus keeps scraping while upstream hangs: each scrape ends after max_wait with the last
    values marked stale, and no second read (or thread) starts while the first is stuck."""
    with FakeAIMLAPI() as fake, Billing(base_url=fake.url, timeout=30.0, max_retries=0) as client:
        registry = build_registry(BillingCollector(client, min_interval=0, max_wait=0.3))
        with serving(registry) as get:
            check_canned(parse(get().content, "prometheus"))
            fake.script(DETAIL_PATH, Stall(60))  # longer than the test: only teardown ends it
            threads_before = threading.active_count()
            results: list[tuple[float, httpx.Response]] = []

            def scrape_and_time() -> None:
                started = time.monotonic()
                response = get()
                results.append((time.monotonic() - started, response))

            for _round in range(4):  # bursts of concurrent scrapes, and sequential ones between
                burst = [threading.Thread(target=scrape_and_time) for _ in range(6)]
                for thread in burst:
                    thread.start()
                for thread in burst:
                    thread.join(timeout=10)
                scrape_and_time()
                assert len(read_threads()) == 1
            assert len(results) == 28
            for elapsed, response in results:
                assert response.status_code == 200
                assert elapsed < 5.0  # max_wait is 0.3 s: a generous bound, not a timing
                families = parse(response.content, "prometheus")
                check_canned(families, success=0.0, stale=1.0)
                assert value(families, "aimlapi_scrape_duration_seconds") >= 0.3  # the stuck read, so far
            assert len(fake.requests_to(DETAIL_PATH)) == 2  # the good read and the stuck one: nothing piled up
            # Handler threads of the last burst may still be closing; a pile-up would be one per scrape (28).
            assert threading.active_count() <= threads_before + 8
    # The fake's stop ended the stall; the read thread fails and exits.
    for thread in read_threads():
        thread.join(timeout=10)
    assert read_threads() == []


def test_a_slow_read_is_awaited_up_to_max_wait_and_then_shown(clock: FakeClock) -> None:
    """A read slower than max_wait: the scrape that started it answers from the cache; a later one
    sees the new values once the read ends, without starting another read."""
    release = threading.Event()

    class SlowBilling(StubBilling):
        def balance(self) -> BalanceResponse:
            release.wait(10)
            return BalanceResponse.from_dict({**BALANCE, "balance": 1000})

    stub = SlowBilling()
    collector = BillingCollector(stub, min_interval=0, max_wait=0.2, clock=clock)  # type: ignore[arg-type]
    registry = build_registry(collector)
    started = time.monotonic()
    families = parse(exposition(registry))
    assert time.monotonic() - started < 5.0
    assert set(families) == STATUS_FAMILIES  # nothing read yet, and the read is overdue
    assert value(families, "aimlapi_scrape_success") == 0.0
    assert len(read_threads()) == 1
    release.set()
    for thread in read_threads():
        thread.join(timeout=10)
    families = parse(exposition(registry))
    assert value(families, "aimlapi_balance_credits") == 1000.0
    assert value(families, "aimlapi_scrape_success") == 1.0


def test_a_slow_usage_part_never_holds_up_a_scrape_nor_starts_a_second_usage_part(clock: FakeClock) -> None:
    """The balance part is shown as soon as it ends; the per-key part, still running, is shown by a
    later scrape; a scrape meanwhile reads the balance again (min_interval 0) but starts no second usage part."""
    release = threading.Event()
    calls: list[str] = []

    class Keys:
        def budgets(self, *, as_of: datetime.datetime, partial: bool = False) -> BudgetReport:
            calls.append("budgets")
            release.wait(10)
            budget = KeyBudget(
                prefix="abcd1234", name="ci", disabled=False, retention="day", threshold=Decimal(10),
                period_start=as_of, next_reset=as_of, spend=Decimal(9), period_usage=Decimal(9), utilisation=0.9,
                monthly_usage=Decimal(9), month_usage=Decimal(9), created_at=as_of,
            )  # fmt: skip
            return BudgetReport((budget,), only_own_key=False, as_of=as_of)

    class KeyedBilling(StubBilling):
        keys = Keys()

        def detail(self) -> BillingDetailResponse:
            calls.append("detail")
            return super().detail()

    stub = KeyedBilling()
    collector = BillingCollector(stub, min_interval=0, max_wait=2, key_budgets=True, clock=clock)  # type: ignore[arg-type]
    registry = build_registry(collector)
    started = time.monotonic()
    first = parse(exposition(registry))
    assert time.monotonic() - started < 1.5  # not the 2 s of max_wait: the balance part ended at once
    check_canned(first)
    assert "aimlapi_usage_scrape_success" not in first  # the first usage part has not ended
    assert "aimlapi_key_spend_usd" not in first
    second = parse(exposition(registry))
    check_canned(second)
    assert calls == ["detail", "budgets", "detail"]  # the balance on its own schedule; one usage part in flight
    release.set()
    for thread in read_threads():
        thread.join(timeout=10)
    third = parse(exposition(registry))
    assert value(third, "aimlapi_usage_scrape_success") == 1.0
    assert key_values(third, "aimlapi_key_limit_utilisation_ratio") == {("abcd1234", "ci"): 0.9}


# --- arguments ----------------------------------------------------------------------------------


@pytest.mark.parametrize("seconds", [-1, math.nan, math.inf, True, "60", 1e300, 10**400, 86401])
@pytest.mark.parametrize("name", ["min_interval", "max_wait"])
def test_intervals_are_checked(billing: Billing, name: str, seconds: Any) -> None:
    with pytest.raises(InvalidParameterError, match=name):
        BillingCollector(billing, **{name: seconds})


@pytest.mark.parametrize(
    "labels",
    [{"model": "x"}, {"__name__": "x"}, {"1account": "x"}, {"ac-count": "x"}, {"account": 7}, {"": "x"}],
    ids=["model", "reserved", "digit", "dash", "not-a-string", "empty"],
)
def test_constant_labels_are_checked(billing: Billing, labels: Any) -> None:
    with pytest.raises(InvalidParameterError, match="labels"):
        BillingCollector(billing, labels=labels)


def test_min_interval_is_required(billing: Billing) -> None:
    with pytest.raises(InvalidParameterError, match="min_interval"):
        BillingCollector(billing, min_interval=None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "window", [datetime.timedelta(0), datetime.timedelta(days=-1), 30, datetime.timedelta(days=999_999_999)]
)
def test_forecast_window_is_checked(billing: Billing, window: Any) -> None:
    with pytest.raises(InvalidParameterError, match="forecast_window"):
        BillingCollector(billing, forecast_window=window)


def test_an_async_client_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="AsyncBilling"):
        BillingCollector(AsyncBilling())  # type: ignore[arg-type]


# --- textfile -----------------------------------------------------------------------------------


@pytest.mark.usefixtures("fast_backoff")
def test_textfile_writes_are_atomic_under_a_concurrent_reader(
    tmp_path: pathlib.Path, fake_api: FakeAIMLAPI, billing: Billing
) -> None:
    full = exposition(build_registry(BillingCollector(billing)))
    fake_api.script(DETAIL_PATH, Reply(401, {"message": "no"}))
    empty = exposition(build_registry(BillingCollector(billing)))
    assert len(full) > 2 * len(empty)
    texts = {full: parse(full), empty: parse(empty)}
    assert set(texts[empty]) == STATUS_FAMILIES

    target = tmp_path / "aimlapi.prom"
    write_textfile(target, empty)
    reads: collections.Counter[bytes] = collections.Counter()
    errors: list[BaseException] = []
    reading, stop = threading.Event(), threading.Event()

    def reader() -> None:
        try:
            while not stop.is_set():
                reads[target.read_bytes()] += 1
                reading.set()
        except BaseException as exc:
            errors.append(exc)
            reading.set()

    thread = threading.Thread(target=reader, name="textfile-reader")
    thread.start()
    try:
        assert reading.wait(timeout=5)
        for i in range(300):
            write_textfile(target, full if i % 2 == 0 else empty)
    finally:
        stop.set()
        thread.join(timeout=5)
    assert not thread.is_alive()
    assert errors == []
    assert sum(reads.values()) > 0
    for seen in reads:  # every read was one of the two whole files, and parses to the end
        assert seen in texts
        assert parse(seen) == texts[seen]
    assert target.read_bytes() == empty
    assert [path.name for path in tmp_path.iterdir()] == ["aimlapi.prom"]
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_a_failed_textfile_write_leaves_no_temporary_file(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "aimlapi.prom"
    target.write_bytes(b"old\n")
    renames: list[tuple[pathlib.Path, bytes, int]] = []

    def failing_replace(source: str | os.PathLike[str], destination: str | os.PathLike[str]) -> None:
        temporary = pathlib.Path(source)
        renames.append((temporary, temporary.read_bytes(), stat.S_IMODE(temporary.stat().st_mode)))
        assert pathlib.Path(destination) == target
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="No space left"):
        write_textfile(target, b"new\n")
    ((temporary, content, mode),) = renames
    assert temporary.parent == tmp_path  # same directory: the rename cannot cross file systems
    assert temporary.name.startswith(".")
    assert not fnmatch.fnmatch(temporary.name, "*.prom")  # node_exporter's glob skips it
    assert (content, mode) == (b"new\n", 0o644)  # written in full and readable before the rename
    assert [path.name for path in tmp_path.iterdir()] == ["aimlapi.prom"]
    assert target.read_bytes() == b"old\n"


# --- HTTP exporter ------------------------------------------------------------------------------


@contextlib.contextmanager
def serving(registry: CollectorRegistry) -> Iterator[Callable[..., httpx.Response]]:
    """The exporter on a free loopback port in a background thread, and a GET against it."""
    server = make_exporter(registry, port=0)
    host, port = server.server_address[:2]
    assert host == "127.0.0.1"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, name="exporter")
    thread.start()
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10, trust_env=False) as client:

            def get(path: str = "/metrics", method: str = "GET", **headers: str) -> httpx.Response:
                response = client.request(method, path, headers=headers)
                assert API_KEY not in response.text
                assert API_KEY not in str(response.headers)
                return response

            yield get
    finally:
        if thread.is_alive():
            server.shutdown()
        server.server_close()
        thread.join(timeout=5)
    assert not thread.is_alive()


def test_exporter_serves_both_formats_from_one_read(
    fake_api: FakeAIMLAPI, billing: Billing, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    registry = build_registry(BillingCollector(billing, clock=clock))
    with serving(registry) as get:
        response = get(accept=OPENMETRICS_ACCEPT)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/openmetrics-text")
        families = parse(response.content)
        check_metadata(families, "openmetrics")
        check_canned(families)

        response = get()
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/plain")
        families = parse(response.content, "prometheus")
        check_canned(families)

        missing = get("/")
        assert missing.status_code == 404
        assert "/metrics" in missing.text
    assert requests_to(fake_api) == (1, 1)  # the second scrape and the 404 did not read upstream
    out, err = capsys.readouterr()
    assert (out, err) == ("", "")  # the quiet handler logs nothing per request


@pytest.mark.usefixtures("fast_backoff")
def test_exporter_answers_200_while_upstream_fails(fake_api: FakeAIMLAPI, billing: Billing, clock: FakeClock) -> None:
    registry = build_registry(BillingCollector(billing, clock=clock))
    fake_api.script(DETAIL_PATH, *FAULTS["500x3"])
    with serving(registry) as get:
        response = get(accept=OPENMETRICS_ACCEPT)
        assert response.status_code == 200
        families = parse(response.content)
        assert set(families) == STATUS_FAMILIES
        assert value(families, "aimlapi_scrape_success") == 0.0

        clock.advance(60)
        check_canned(parse(get(accept=OPENMETRICS_ACCEPT).content))

        fake_api.script(DETAIL_PATH, *FAULTS["500x3"])
        clock.advance(60)
        response = get()
        assert response.status_code == 200
        check_canned(parse(response.content, "prometheus"), success=0.0, stale=1.0)
    assert requests_to(fake_api) == (7, 1)


def raw_head(url: str, target: str) -> tuple[str, dict[str, str], bytes]:
    """A HEAD over a bare socket, read to the end: the status line, headers and whatever body was sent."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(f"HEAD {target} HTTP/1.0\r\nHost: {host}\r\n\r\n".encode())
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    return status, {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in lines)}, body


def test_exporter_answers_head_like_get_without_a_body(
    fake_api: FakeAIMLAPI, billing: Billing, clock: FakeClock
) -> None:
    """Monitoring health checks use HEAD; prometheus_client's app alone answers it 405."""
    registry = build_registry(BillingCollector(billing, clock=clock))
    server = make_exporter(registry, port=0)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, name="exporter")
    thread.start()
    try:
        url = server_url(server)
        status, headers, body = raw_head(url, "/metrics")
        assert (status.split(" ", 1)[1], body) == ("200 OK", b"")
        got = httpx.get(f"{url}/metrics", trust_env=False, timeout=10)
        assert headers["content-type"] == got.headers["content-type"]
        assert int(headers["content-length"]) == len(got.content) > 0  # what GET sends
        status, headers, body = raw_head(url, "/elsewhere")
        assert (status.split(" ", 1)[1], body) == ("404 Not Found", b"")
        assert int(headers["content-length"]) > 0
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
    assert requests_to(fake_api) == (1, 1)  # HEAD read the API like a GET; the GET came from the cache


# --- many accounts, one exporter ---------------------------------------------------------------


@contextlib.contextmanager
def serving_accounts(collectors: dict[str, BillingCollector]) -> Iterator[Callable[..., httpx.Response]]:
    server = make_probe_exporter(collectors, port=0)
    port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, name="probe-exporter")
    thread.start()
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10, trust_env=False) as client:

            def get(target: str, method: str = "GET") -> httpx.Response:
                response = client.request(method, target)
                assert API_KEY not in response.text
                return response

            yield get
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def account_value(families: dict[str, Metric], name: str, account: str) -> float:
    (sample,) = families[name].samples
    assert sample.labels == {"account": account}
    return float(sample.value)


def test_probe_serves_each_account_from_its_own_cache_and_read() -> None:
    with (
        FakeAIMLAPI() as fake_a,
        FakeAIMLAPI() as fake_b,
        FakeAIMLAPI() as fake_c,
        Billing(base_url=fake_a.url) as a,
        Billing(base_url=fake_b.url, timeout=30.0, max_retries=0) as b,
        Billing(base_url=fake_c.url) as c,
    ):
        fake_c.canned[DETAIL_PATH] = {**DETAIL, "current_balance": 12.5}
        collectors = {
            name: BillingCollector(billing, min_interval=60, max_wait=0.3, labels={"account": name})
            for name, billing in (("a", a), ("b", b), ("c", c))
        }
        fake_b.script(DETAIL_PATH, Stall(60))  # account b hangs; a and c must not notice
        with serving_accounts(collectors) as get:
            for _ in range(3):
                for name, balance in (("a", 275.78), ("c", 12.5)):
                    response = get(f"/probe?account={name}")
                    assert response.status_code == 200
                    families = parse(response.content, "prometheus")
                    assert account_value(families, "aimlapi_balance_usd", name) == balance
                    assert account_value(families, "aimlapi_scrape_success", name) == 1.0
                hanging = parse(get("/probe?account=b").content, "prometheus")
                assert set(hanging) == STATUS_FAMILIES
                assert account_value(hanging, "aimlapi_scrape_success", "b") == 0.0
            assert [len(fake.requests_to(DETAIL_PATH)) for fake in (fake_a, fake_b, fake_c)] == [1, 1, 1]
    for thread in read_threads():  # b's read ends with its server's stop
        thread.join(timeout=10)
    assert read_threads() == []


CLIENTS = ("acme-corp", "globex")  # an agency's account names: its client list


@pytest.mark.parametrize(
    ("target", "status", "message"),
    [
        ("/probe?account=nobody", 404, "Unknown account nobody: see the exporter's config for the names"),
        ("/probe?account=%3Cscript%3E", 404, "Unknown account (not an account name): see the exporter's config"),
        ("/probe", 400, "Give one account: /probe?account=NAME, a name from the exporter's config file"),
        ("/probe?account=acme-corp&account=globex", 400, "Give one account"),
        ("/metrics", 404, "each account's metrics are at /probe?account=NAME"),
        ("/", 404, "/probe?account=NAME"),
    ],
)
def test_probe_refuses_unknown_or_missing_accounts_without_reading_or_listing_them(
    fake_api: FakeAIMLAPI, billing: Billing, target: str, status: int, message: str
) -> None:
    collectors = {name: BillingCollector(billing, labels={"account": name}) for name in CLIENTS}
    with serving_accounts(collectors) as get:
        response = get(target)
        head = get(target, method="HEAD")
    assert response.status_code == head.status_code == status
    assert message in response.text
    assert response.text.count("\n") == 1  # one line
    assert "<script>" not in response.text
    for name in CLIENTS:  # anyone who can reach the port may ask; the names are not theirs to see
        assert name not in response.text.replace("acme-corp&account=globex", "")
    assert head.content == b""
    assert requests_to(fake_api) == (0, 0)


def test_probe_logs_each_unknown_account_once_sanitized_and_bounded(
    fake_api: FakeAIMLAPI, billing: Billing, caplog: pytest.LogCaptureFixture
) -> None:
    collectors = {name: BillingCollector(billing, labels={"account": name}) for name in CLIENTS}
    with caplog.at_level(logging.WARNING, logger="aimlapi_billing.metrics"), serving_accounts(collectors) as get:
        for _ in range(3):
            assert get("/probe?account=initech").status_code == 404
        assert get("/probe?account=evil%0AFAKE%20LOG%20LINE%1B%5B31m").status_code == 404
        for n in range(40):  # a scanner
            assert get(f"/probe?account=guess-{n}").status_code == 404
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 20  # bounded
    assert sum("?account=initech from 127.0.0.1: no such account" in message for message in messages) == 1
    (evil,) = [message for message in messages if "evil" in message]
    assert "\n" not in evil
    assert "\x1b" not in evil
    assert "'evil\\nFAKE LOG LINE\\x1b[31m'" in evil  # escaped, so the operator still sees what was asked
    assert "further ones are not logged" in messages[-1]
    assert requests_to(fake_api) == (0, 0)


def test_probe_answers_head_like_get(fake_api: FakeAIMLAPI, billing: Billing) -> None:
    collectors = {name: BillingCollector(billing, labels={"account": name}) for name in CLIENTS}
    with serving_accounts(collectors) as get:
        head = get("/probe?account=globex", method="HEAD")
        response = get("/probe?account=globex")
    assert head.status_code == response.status_code == 200
    assert head.content == b""
    for header in ("content-type", "content-encoding", "content-length"):  # gzip, as httpx asks for it
        assert head.headers[header] == response.headers[header]
    assert account_value(parse(response.content, "prometheus"), "aimlapi_balance_usd", "globex") == 275.78


# --- per-key budgets and spend by model ---------------------------------------------------------

UTC = datetime.UTC


def key_values(families: dict[str, Metric], name: str) -> dict[tuple[str, str], float]:
    return {(s.labels["key_prefix"], s.labels["key_name"]): float(s.value) for s in families[name].samples}


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


# --- secrets ------------------------------------------------------------------------------------


@pytest.mark.usefixtures("fast_backoff")
def test_the_api_key_is_never_exported_or_logged(
    fake_api: FakeAIMLAPI,
    billing: Billing,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    registry = build_registry(BillingCollector(billing, min_interval=60, clock=clock))
    outputs: list[bytes] = []
    with caplog.at_level(logging.DEBUG):
        outputs += [exposition(registry), exposition(registry, "prometheus")]
        for faults in (
            [Reply(401, {"message": f"Invalid key {API_KEY}", "requestId": API_KEY})],  # not retried
            [Reply(502, f"<html>proxy saw Bearer {API_KEY}</html>".encode(), content_type="text/html")] * 3,
        ):
            fake_api.script(DETAIL_PATH, *faults)
            clock.advance(60)
            outputs += [exposition(registry), exposition(registry, "prometheus")]

        def leaky_balance(**_: Any) -> BalanceResponse:
            raise RuntimeError(f"a bug that quotes the key {API_KEY}")

        monkeypatch.setattr(billing, "balance", leaky_balance)
        clock.advance(60)
        outputs += [exposition(registry), exposition(registry, "prometheus")]
    assert requests_to(fake_api) == (6, 1)  # the leaky balance() never reached the server
    for output in outputs:
        assert API_KEY not in output.decode()
    assert any(r.name == "aimlapi_billing.metrics" for r in caplog.records)
    assert "RuntimeError" in caplog.text
    assert "<redacted>" in caplog.text
    assert API_KEY not in caplog.text
    for record in caplog.records:
        assert API_KEY not in record.getMessage()


# --- the optional extra -------------------------------------------------------------------------


def test_without_prometheus_client_the_import_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [name for name in sys.modules if name.split(".")[0] == "prometheus_client"]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.delitem(sys.modules, "aimlapi_billing.metrics")
    with pytest.raises(ConfigurationError) as raised:
        importlib.import_module("aimlapi_billing.metrics")
    assert (
        str(raised.value) == "aimlapi_billing.metrics needs prometheus_client: pip install 'aimlapi-billing[metrics]'"
    )
    assert isinstance(raised.value, ImportError)  # `except ImportError` idioms still work
    assert "aimlapi_billing.metrics" not in sys.modules


def test_the_module_is_intact_after_the_missing_extra_test() -> None:
    assert sys.modules["aimlapi_billing.metrics"] is billing_metrics
    assert billing_metrics.BillingCollector is BillingCollector


# --- the hostile reviewer's cases ----------------------------------------------------------------


def _budget(prefix: str, name: str | None, as_of: datetime.datetime) -> KeyBudget:
    return KeyBudget(
        prefix=prefix, name=name, disabled=False, retention="day", threshold=Decimal(10),
        period_start=as_of, next_reset=as_of, spend=Decimal(9), period_usage=Decimal(9), utilisation=0.9,
        monthly_usage=Decimal(9), month_usage=Decimal(9), created_at=as_of,
    )  # fmt: skip


def test_a_slow_usage_part_never_freezes_the_balance(clock: FakeClock) -> None:
    """A usage part that takes (keys + 1) x deadline must not hold the balance back: the balance is
    read again when min_interval has passed, and reported fresh because it is."""
    release = threading.Event()
    balances = [100.0, 42.0]
    calls: list[str] = []

    class Keys:
        def budgets(self, *, as_of: datetime.datetime, partial: bool = False) -> BudgetReport:
            calls.append("budgets")
            release.wait(10)
            return BudgetReport((_budget("abcd1234", "ci", as_of),), only_own_key=False, as_of=as_of)

    class SlowKeyedBilling(StubBilling):
        keys = Keys()

        def detail(self) -> BillingDetailResponse:
            calls.append("detail")
            return BillingDetailResponse.from_dict({**DETAIL, "current_balance": balances[0]})

    stub = SlowKeyedBilling()
    collector = BillingCollector(stub, min_interval=60, max_wait=2, key_budgets=True, clock=clock)  # type: ignore[arg-type]
    registry = build_registry(collector)
    try:
        assert value(parse(exposition(registry)), "aimlapi_balance_usd") == 100.0
        balances[0] = 42.0
        clock.advance(60)
        families = parse(exposition(registry))
        assert calls == ["detail", "budgets", "detail"]
        assert value(families, "aimlapi_balance_usd") == 42.0
        assert value(families, "aimlapi_scrape_success") == 1.0
        assert value(families, "aimlapi_data_stale") == 0.0
    finally:
        release.set()
        for thread in read_threads():
            thread.join(timeout=10)


def test_server_text_in_labels_is_encodable_printable_bounded_and_redacted(clock: FakeClock) -> None:
    """A lone surrogate (valid JSON) in a key or model name made every scrape a 500
    (UnicodeEncodeError); an echo of the key in a model name was a label value."""
    from aimlapi_billing import Billing

    key = "sk-test-" + "0123456789abcdef" * 2
    surrogate = "\ud800"

    class Usage:
        def per_key(self, prefixes: list[str | None], **kwargs: Any) -> Any:
            model = type("M", (), {"model": f"echo {key}", "spend": Decimal(1)})
            odd = type("M", (), {"model": f"m{surrogate}" + "x" * 500, "spend": Decimal(2)})
            return [type("D", (), {"models": [model, odd]}) for _ in prefixes]

    class Keys:
        def budgets(self, *, as_of: datetime.datetime, partial: bool = False) -> BudgetReport:
            return BudgetReport((_budget("abcd1234", f"bad{surrogate}name", as_of),), False, as_of)

    class Hostile(Billing):
        keys = Keys()  # type: ignore[assignment]
        usage = Usage()  # type: ignore[assignment]

        def detail(self, **kwargs: Any) -> BillingDetailResponse:
            return BillingDetailResponse.from_dict(DETAIL)

        def balance(self, **kwargs: Any) -> BalanceResponse:
            return BalanceResponse.from_dict(BALANCE)

        def forecast(self, **kwargs: Any) -> StubForecast:
            return StubForecast(Decimal(3), spend_by_model=[(f"{key}{surrogate}", Decimal(1)), ("a", Decimal(1))])

        def transactions(self, **kwargs: Any) -> list[Transaction]:
            return []

    with Hostile(api_key=key) as billing:
        collector = BillingCollector(
            billing,
            key_budgets=True,
            model_window=datetime.timedelta(days=1),
            forecast_window=datetime.timedelta(days=7),
            clock=clock,
        )
        for fmt in ("openmetrics", "prometheus"):
            text = exposition(build_registry(collector), fmt).decode()
            assert key not in text
            assert key[8:16] not in text
    families = parse(exposition(build_registry(collector)))
    names = set(by_label(families, "aimlapi_model_spend_usd", "model"))
    assert "echo <redacted>" in names
    assert all(len(name) <= 120 and name.isprintable() for name in names)
    assert set(by_label(families, "aimlapi_window_spend_by_model_usd", "model")) == {"<redacted>\\ud800", "a"}
    assert key_values(families, "aimlapi_key_spend_usd") == {("abcd1234", "bad\\ud800name"): 9.0}


@pytest.mark.parametrize(
    ("message", "own_key_only"),
    [("Your balance is exhausted: top up to continue", None), ("Managing keys requires a management key", 1.0)],
)
def test_only_the_regular_key_refusal_makes_the_model_spend_own_key_only(
    message: str, own_key_only: float | None
) -> None:
    now = datetime.datetime.now(UTC)
    with FakeAIMLAPI(**budget_account(now)) as fake, Billing(base_url=fake.url, max_retries=0) as client:
        fake.script("/v1/keys", Reply(403, {"message": message}))
        collector = BillingCollector(client, model_window=datetime.timedelta(days=1))
        families = parse(exposition(build_registry(collector)))
    assert value(families, "aimlapi_scrape_success") == 1.0  # the balance is fine either way
    if own_key_only is None:
        assert value(families, "aimlapi_usage_scrape_success") == 0.0
        assert "aimlapi_keys_own_key_only" not in families
    else:
        assert value(families, "aimlapi_usage_scrape_success") == 1.0
        assert value(families, "aimlapi_keys_own_key_only") == own_key_only


def test_metrics_keys_with_a_lone_surrogate_in_a_key_name_exits_0_with_the_balance() -> None:
    """Against the stand-in (real sockets, valid JSON "\\ud800"): the exposition is written whole."""
    import io

    from aimlapi_billing._cli import main

    now = datetime.datetime.now(UTC)
    with FakeAIMLAPI(**budget_account(now, chat_name="bad\ud800name")) as fake:
        out, err = io.StringIO(), io.StringIO()
        code = main(["metrics", "--keys", "--model-window", "1d", "--base-url", fake.url], out=out, err=err)
    assert (code, err.getvalue()) == (0, "")
    families = parse(out.getvalue().encode())
    assert value(families, "aimlapi_balance_usd") == 275.78
    assert ("b747e891", "bad\\ud800name") in key_values(families, "aimlapi_key_spend_usd")


def test_a_hanging_usage_endpoint_never_freezes_the_balance_against_the_stand_in(
    clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Real sockets: GET /v2/usage sends nothing; the balance is still read on its own schedule and
    reported fresh, while the per-key part waits."""
    # The usage part fails when the stand-in stops: expected, and its URL holds the prefix a1b2c3d4,
    # which the secret canary would take for a piece of the test's created key (…0a1b2c3d4e5f…).
    monkeypatch.setattr(billing_metrics.logger, "disabled", True)
    now = datetime.datetime.now(UTC)
    with FakeAIMLAPI(**budget_account(now)) as fake:
        fake.script("/v2/usage", Stall(60))  # longer than the test: only teardown ends it
        with Billing(base_url=fake.url, max_retries=0, timeout=30) as client:
            collector = BillingCollector(client, min_interval=60, max_wait=2, key_budgets=True, clock=clock)
            registry = build_registry(collector)
            first = parse(exposition(registry))
            assert value(first, "aimlapi_scrape_success") == 1.0
            deadline = time.monotonic() + 10
            while not fake.requests_to("/v2/usage") and time.monotonic() < deadline:  # the usage part hangs on it
                time.sleep(0.01)
            clock.advance(60)
            second = parse(exposition(registry))
            assert requests_to(fake) == (2, 2)  # the balance read again while the usage part hangs
            assert value(second, "aimlapi_scrape_success") == 1.0
            assert value(second, "aimlapi_data_stale") == 0.0
            # No second usage part: the first reads the keys side by side, each key's period once
            # (the stalled one still waiting); a second would ask for one again.
            queries = [parse_qs(urlsplit(seen.path).query) for seen in fake.requests_to("/v2/usage")]
            asked = [(query["key_prefix"][0], query["start"][0]) for query in queries]
            assert len(asked) == len(set(asked))
            fake.stop()
            for thread in read_threads():
                thread.join(timeout=10)
