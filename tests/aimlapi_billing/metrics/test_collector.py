"""The collector: caching on an injected clock, failure and staleness, the runway gauge, one read in
flight, its arguments, and the API key never exported."""

from __future__ import annotations

import datetime
import logging
import math
import threading
from decimal import Decimal
from typing import Any

import httpx
import pytest
from fake_api_server import BALANCE, FakeAIMLAPI, Reply, Stall

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
)
from aimlapi_billing.metrics import (
    BillingCollector,
    build_registry,
    exposition,
)
from tests.aimlapi_billing.conftest import API_KEY
from tests.helpers.metrics import (
    CANNED_VALUES,
    DETAIL_PATH,
    FAULTS,
    FORECAST_FAMILIES,
    STATUS_FAMILIES,
    FakeClock,
    StubBilling,
    by_label,
    check_canned,
    check_metadata,
    key_values,
    parse,
    read_threads,
    requests_to,
    scrape,
    serving,
    value,
)

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


def test_a_hanging_upstream_costs_one_request_and_one_thread_however_often_it_is_scraped() -> None:
    """Prometheus keeps scraping while upstream hangs: each scrape ends after max_wait with the last
    values marked stale, and no second read (or thread) starts while the first is stuck."""
    with FakeAIMLAPI() as fake, Billing(base_url=fake.url, timeout=30.0, max_retries=0) as client:
        registry = build_registry(BillingCollector(client, min_interval=0, max_wait=0.3))
        with serving(registry) as get:
            check_canned(parse(get().content, "prometheus"))
            fake.script(DETAIL_PATH, Stall(60))  # longer than the test: only teardown ends it
            threads_before = threading.active_count()
            results: list[httpx.Response] = []

            def scrape_and_time() -> None:
                results.append(get())

            for _round in range(4):  # bursts of concurrent scrapes, and sequential ones between
                burst = [threading.Thread(target=scrape_and_time) for _ in range(6)]
                for thread in burst:
                    thread.start()
                for thread in burst:
                    thread.join(timeout=10)
                scrape_and_time()
                assert len(read_threads()) == 1
            assert len(results) == 28
            # All 28 answered while the read is still stuck (the stall lasts 60 s): none waited for it.
            for response in results:
                assert response.status_code == 200
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
            release.wait(60)  # the read outlasts any sane scrape: a scrape that waited for it would show 1000
            return BalanceResponse.from_dict({**BALANCE, "balance": 1000})

    stub = SlowBilling()
    collector = BillingCollector(stub, min_interval=0, max_wait=0.2, clock=clock)  # type: ignore[arg-type]
    registry = build_registry(collector)
    families = parse(exposition(registry))
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
            release.wait(60)
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
    # max_wait as long as the usage part's stall: a scrape that waited for max_wait rather than for the
    # balance part alone would see the usage part end and show the key's spend below.
    collector = BillingCollector(stub, min_interval=0, max_wait=60, key_budgets=True, clock=clock)  # type: ignore[arg-type]
    registry = build_registry(collector)
    first = parse(exposition(registry))
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
