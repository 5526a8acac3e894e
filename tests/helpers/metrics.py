"""What the metrics tests share: the canned account's expected families, a fake clock, a stub client,
and the parsing of an exposition back into families."""

from __future__ import annotations

import contextlib
import datetime
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

import httpx
from fake_api_server import BALANCE, DETAIL, FakeAIMLAPI, Reply, Stall, ledger_entry
from prometheus_client import CollectorRegistry
from prometheus_client.core import Metric
from prometheus_client.openmetrics.parser import text_string_to_metric_families as parse_openmetrics_text
from prometheus_client.parser import text_string_to_metric_families as parse_prometheus_text

from aimlapi_billing import (
    BalanceResponse,
    BillingDetailResponse,
    Transaction,
)
from aimlapi_billing.metrics import (
    BillingCollector,
    exposition,
    make_exporter,
    make_probe_exporter,
)
from tests.aimlapi_billing.conftest import API_KEY

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
    "aimlapi_model_spend_stale": ("did not measure every key", "last values"),
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
    as_ofs: list[datetime.datetime | None] = field(default_factory=list)

    def _maybe_fail(self, method: str) -> None:
        if self.fail_in == method:
            raise self.error

    def detail(self) -> BillingDetailResponse:
        self._maybe_fail("detail")
        return BillingDetailResponse.from_dict(DETAIL)

    def balance(self) -> BalanceResponse:
        self._maybe_fail("balance")
        return BalanceResponse.from_dict(BALANCE)

    def forecast(
        self,
        *,
        window: datetime.timedelta,
        as_of: datetime.datetime | None = None,
        detail: BillingDetailResponse | None = None,
    ) -> StubForecast:
        self.windows.append(window)
        self.as_ofs.append(as_of)
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


def read_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == "aimlapi-read"]


UTC = datetime.UTC


def key_values(families: dict[str, Metric], name: str) -> dict[tuple[str, str], float]:
    return {(s.labels["key_prefix"], s.labels["key_name"]): float(s.value) for s in families[name].samples}


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
