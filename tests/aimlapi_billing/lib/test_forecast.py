"""The spend-runway forecast, on synthetic ledgers whose figures are worked out by hand here."""

from __future__ import annotations

import datetime
import io
import json
import os
import re
import subprocess
import sys
from decimal import Decimal
from typing import Any

import pytest
from fake_api.data import synthetic_requests
from fake_api_server import DETAIL, FakeAIMLAPI, ledger_entry
from pytest_httpx import HTTPXMock

from aimlapi_billing import AsyncBilling, Billing, Forecast, InvalidParameterError
from aimlapi_billing._cli import main
from tests.aimlapi_billing.conftest import BASE_URL

AS_OF = datetime.datetime(2026, 8, 20, tzinfo=datetime.UTC)
WINDOW = datetime.timedelta(days=10)  # 2026-08-10 .. 2026-08-20

LEDGER = [
    ledger_entry("2026-08-19T00:00:00.000Z", "CHARGE", "MODEL_USAGE", 1.10, "vendor/model-a", "i4"),
    ledger_entry("2026-08-18T00:00:00.000Z", "CHARGE", "MODEL_USAGE", 2.20, "vendor/model-b", "i3"),
    ledger_entry("2026-08-16T00:00:00.000Z", "TOPUP", "PAYMENT", 50.0, None, "p1"),
    ledger_entry("2026-08-15T00:00:00.000Z", "CHARGE", "CREDITS_EXPIRED", 0.30),
    ledger_entry("2026-08-12T00:00:00.000Z", "CHARGE", "MODEL_USAGE", 0.10, "vendor/model-a", "i2"),
    ledger_entry("2026-08-11T00:00:00.000Z", "CHARGE", "ADJUSTMENT", 0.20),
    ledger_entry(
        "2026-08-05T00:00:00.000Z", "CHARGE", "MODEL_USAGE", 100.0, "vendor/model-a", "i1"
    ),  # before the window
    ledger_entry("2026-08-01T00:00:00.000Z", "TOPUP", "INIT", 0.0),
]


def _detail(balance: float, autotopup: dict[str, Any] | None = None) -> dict[str, Any]:
    settings = autotopup if autotopup is not None else {"is_enabled": False}
    return {**DETAIL, "current_balance": balance, "autotopup_settings": settings}


def _serve(ledger: list[dict[str, Any]], balance: float = 39.0, autotopup: dict[str, Any] | None = None) -> FakeAIMLAPI:
    canned = {"/v2/billing/detail": _detail(balance, autotopup)}
    return FakeAIMLAPI(canned=canned, ledger=ledger)


@pytest.fixture
def made_at_as_of(monkeypatch: pytest.MonkeyPatch) -> None:
    """The forecast is made at AS_OF: its balance is read then, so its runway's dates count from it."""
    monkeypatch.setattr("aimlapi_billing._windows.utc_now", lambda: AS_OF)


@pytest.mark.usefixtures("made_at_as_of")
def test_figures_on_a_ledger_served_by_the_real_server() -> None:
    with _serve(LEDGER) as api, Billing(base_url=api.url) as billing:
        forecast = billing.forecast(window=WINDOW, as_of=AS_OF)
    # By hand: spend in the window 1.10 + 2.20 + 0.30 + 0.10 + 0.20 = 3.90 over 10 days = 0.39/day;
    # the 2026-08-05 charge is before the window and the top-up is not spend.
    assert forecast.spend_usd == Decimal("3.90")
    assert forecast.daily_burn_usd == Decimal("0.39")
    assert forecast.runway_days == Decimal(100)  # 39.00 / 0.39
    assert forecast.depletion_at == datetime.datetime(2026, 11, 28, tzinfo=datetime.UTC)
    # The last 7 days (from 2026-08-13): 1.10 + 2.20 + 0.30 = 3.60, so 3.60 / 7 a day.
    assert forecast.spend_7d_usd == Decimal("3.60")
    # Derived figures: rounded half to even to 12 decimal places (3.60 / 7 = 0.5142857142857...),
    # the runway from the exact ratio 39 * 7 / 3.60 = 75.8333..., never from the rounded rate.
    assert forecast.daily_burn_7d_usd == Decimal("0.514285714286")
    assert forecast.runway_days_7d == Decimal("75.833333333333")
    assert forecast.spend_by_type == {
        "MODEL_USAGE": Decimal("3.40"),
        "CREDITS_EXPIRED": Decimal("0.30"),
        "ADJUSTMENT": Decimal("0.20"),
    }
    assert forecast.spend_by_model == [
        ("vendor/model-b", Decimal("2.20")),
        ("vendor/model-a", Decimal("1.20")),
        ("(no model)", Decimal("0.50")),
    ]
    assert forecast.days_covered == Decimal(10)
    assert forecast.autotopup_enabled is False
    assert forecast.next_topup_at is None
    assert forecast.entries_read == 6


async def test_the_async_forecast_gives_the_same_figures() -> None:
    with _serve(LEDGER) as api:
        async with AsyncBilling(base_url=api.url) as billing:
            forecast = await billing.forecast(window=WINDOW, as_of=AS_OF)
    assert (forecast.spend_usd, forecast.runway_days) == (Decimal("3.90"), Decimal(100))


def test_paging_stops_at_the_window_start() -> None:
    inside = [
        ledger_entry(f"2026-08-{19 - n // 30:02d}T{n % 24:02d}:00:00.000Z", "CHARGE", "MODEL_USAGE", 0.01, "m")
        for n in range(250)
    ]
    older = [ledger_entry("2026-07-01T00:00:00.000Z", "CHARGE", "MODEL_USAGE", 1.0, "m")] * 300
    with _serve(inside + older) as api, Billing(base_url=api.url) as billing:
        forecast = billing.forecast(window=WINDOW, as_of=AS_OF)
        assert len(api.requests_to("/v2/billing/transactions")) == 3  # 250 entries, pages of 100
    assert forecast.spend_usd == Decimal("2.50")
    assert forecast.entries_read == 250


def test_iteration_stops_at_the_first_entry_older_than_the_window(httpx_mock: HTTPXMock) -> None:
    """Even from a server that ignores `from`, no page past the window's start is fetched."""
    httpx_mock.add_response(url=BASE_URL + "/v2/billing/detail", json=_detail(10.0))
    page = {"data": [LEDGER[0], LEDGER[6]], "pagination": {"next_cursor": "more", "has_more": True}}
    httpx_mock.add_response(json=page)
    with Billing() as billing:
        forecast = billing.forecast(window=WINDOW, as_of=AS_OF)
    assert forecast.spend_usd == Decimal("1.1")
    assert len(httpx_mock.get_requests()) == 2  # the detail and one ledger page


def test_no_charges_in_the_window_is_an_unbounded_runway() -> None:
    quiet = [ledger_entry("2026-08-16T00:00:00.000Z", "TOPUP", "PAYMENT", 50.0), LEDGER[6]]
    with _serve(quiet) as api, Billing(base_url=api.url) as billing:
        forecast = billing.forecast(window=WINDOW, as_of=AS_OF)
    assert forecast.spend_usd == 0
    assert forecast.daily_burn_usd == 0
    assert forecast.runway_days is None
    assert forecast.unbounded
    assert forecast.depletion_at is None
    assert forecast.to_dict()["unbounded"] is True


def test_a_window_longer_than_the_accounts_history_averages_over_the_history_only() -> None:
    young = [
        ledger_entry("2026-08-19T00:00:00.000Z", "CHARGE", "MODEL_USAGE", 4.0, "m"),
        ledger_entry("2026-08-16T00:00:00.000Z", "TOPUP", "INIT", 0.0),  # opened four days before AS_OF
    ]
    with _serve(young, balance=10.0) as api, Billing(base_url=api.url) as billing:
        forecast = billing.forecast(window=datetime.timedelta(days=90), as_of=AS_OF)
    assert forecast.days_covered == Decimal(4)
    assert forecast.daily_burn_usd == Decimal(1)  # 4.00 over 4 days, not over 90
    assert forecast.runway_days == Decimal(10)
    assert forecast.daily_burn_7d_usd == Decimal(1)  # the 7-day rate also covers only 4 days


@pytest.mark.usefixtures("made_at_as_of")
@pytest.mark.parametrize("balance", [0.0, -3.5])
def test_a_balance_at_or_below_zero_has_no_runway_left(balance: float) -> None:
    with _serve(LEDGER, balance=balance) as api, Billing(base_url=api.url) as billing:
        forecast = billing.forecast(window=WINDOW, as_of=AS_OF)
    assert forecast.runway_days == 0
    assert forecast.runway_days_7d == 0
    assert forecast.depletion_at == AS_OF


def test_money_is_summed_without_float_drift() -> None:
    dimes = [ledger_entry(f"2026-08-1{n}T00:00:00.000Z", "CHARGE", "MODEL_USAGE", 0.1, "m") for n in range(3)]
    assert 0.1 + 0.1 + 0.1 != 0.3  # what float sums would give
    with _serve(dimes, balance=0.3) as api, Billing(base_url=api.url) as billing:
        forecast = billing.forecast(window=WINDOW, as_of=AS_OF)
    assert forecast.spend_usd == Decimal("0.3")
    assert str(forecast.spend_usd) == "0.3"
    assert forecast.balance_usd == Decimal("0.3")


@pytest.mark.usefixtures("made_at_as_of")
def test_with_auto_top_up_the_runway_is_until_the_next_top_up() -> None:
    autotopup = {"is_enabled": True, "threshold": 9, "amount": 100, "currency": "USD"}
    with _serve(LEDGER, autotopup=autotopup) as api, Billing(base_url=api.url) as billing:
        forecast = billing.forecast(window=WINDOW, as_of=AS_OF)
    assert forecast.autotopup_enabled is True
    assert (forecast.autotopup_threshold_usd, forecast.autotopup_amount_usd) == (Decimal(9), Decimal(100))
    # (39 - 9) / 0.39 = 76.923… days after AS_OF
    expected = AS_OF + datetime.timedelta(days=float(Decimal(30) / Decimal("0.39")))
    assert forecast.next_topup_at == expected


def test_a_window_must_be_positive() -> None:
    with Billing() as billing, pytest.raises(InvalidParameterError, match="must be a positive timedelta"):
        billing.forecast(window=datetime.timedelta(0))


# -- command line -------------------------------------------------------------------------------------


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    return main(list(argv), out=out, err=err), out.getvalue(), err.getvalue()


def test_cli_forecast_table_and_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("aimlapi_billing._windows.as_of", lambda moment: AS_OF if moment is None else moment)
    with _serve(LEDGER) as api:
        code, table, _ = _run("forecast", "--window", "10d", "--base-url", api.url)
        assert code == 0
        rows = dict(
            re.split(r"\s{2,}", line.strip(), maxsplit=1) for line in table.splitlines() if "  " in line.strip()
        )
        assert rows["runway"] == "100.0 days (at the last 7 days' rate: 75.8 days)"
        assert rows["runs out"] == "around 2026-11-28"
        assert rows["auto top-up"] == "off (GET /v2/billing/detail)"
        assert rows["spend"] == "3.90 USD (3.60 USD in the last 7 days)"
        assert rows["vendor/model-b"] == "2.20 USD"
        code, text, _ = _run("forecast", "--window", "10d", "--json", "--base-url", api.url)
    document = json.loads(text)
    assert (code, document["spend_usd"], document["runway_days"], document["unbounded"]) == (0, "3.9", "100", False)
    assert '"spend_usd": "3.9",' in text  # a JSON string of the exact sum's plain digits
    assert document["spend_by_model"][0] == ["vendor/model-b", "2.2"]
    assert document["entries_read"] == 6  # a count: a JSON integer


@pytest.mark.parametrize(
    ("days", "code", "state"),
    [(("50", "20"), 0, "OK"), (("150", "20"), 1, "WARNING"), (("300", "150"), 2, "CRITICAL")],
)
def test_check_alerts_on_runway_with_it_in_the_perfdata(
    monkeypatch: pytest.MonkeyPatch, days: tuple[str, str], code: int, state: str
) -> None:
    monkeypatch.setattr("aimlapi_billing._windows.as_of", lambda moment: AS_OF if moment is None else moment)
    with _serve(LEDGER) as api:
        argv = ("check", "--warning-usd", "10", "--critical-usd", "5", "--window", "10d", "--base-url", api.url)
        result = _run(*argv, "--warning-days", days[0], "--critical-days", days[1])
    assert result == (
        code,
        f"BILLING {state} - balance 39.00 USD, runway 100.0 days"
        f" | balance_usd=39.00;10:;5: runway_days=100.0;{days[0]}:;{days[1]}:\n",
        "",
    )


def test_check_with_an_unbounded_runway_is_ok_with_an_undetermined_value() -> None:
    with _serve([], balance=39.0) as api:
        argv = ("check", "--warning-usd", "10", "--critical-usd", "5", "--warning-days", "30", "--base-url", api.url)
        code, out, _ = _run(*argv)
    assert (code, out) == (
        0,
        "BILLING OK - balance 39.00 USD, runway unbounded | balance_usd=39.00;10:;5: runway_days=U;30:\n",
    )


def test_forecast_is_exported() -> None:
    assert Forecast.__module__ == "aimlapi_billing.types.forecast"


def test_a_detail_already_read_is_not_read_again() -> None:
    with _serve(LEDGER) as api, Billing(base_url=api.url) as billing:
        detail = billing.detail()
        forecast = billing.forecast(window=WINDOW, as_of=AS_OF, detail=detail)
        assert len(api.requests_to("/v2/billing/detail")) == 1
    assert forecast.runway_days == Decimal(100)


@pytest.mark.parametrize(
    "arguments",
    [
        {"window": datetime.timedelta(days=999_999_999)},
        {"window": 30},
        {"as_of": datetime.datetime(1, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=14)))},
        {"as_of": "now"},
    ],
    ids=["past-the-calendar", "not-a-timedelta", "as-of-before-utc", "as-of-text"],
)
def test_a_careless_forecast_argument_is_an_invalid_parameter_error(arguments: dict[str, Any]) -> None:
    with Billing() as billing, pytest.raises(InvalidParameterError):
        billing.forecast(**arguments)


_PEAK = """
import re, sys
from aimlapi_billing._cli import main
code = main(sys.argv[1:])
print(code, re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read()).group(1))
"""


def _forecast_peak_kib(entries: int) -> int:
    now = datetime.datetime.now(datetime.UTC)
    _, charges = synthetic_requests(entries, now)
    with FakeAIMLAPI(ledger=charges) as fake:
        argv = [sys.executable, "-c", _PEAK, "forecast", "--window", "30d", "--base-url", fake.url]
        env = {**os.environ, "AIML_API_KEY": "peak-test-key"}
        result = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300, check=False)
    code, kib = result.stdout.split()[-2:]
    assert code == "0", result.stderr
    return int(kib)


def test_a_forecast_over_many_pages_keeps_no_page_in_memory() -> None:
    """A forecast is one call over every page of its window; it once kept every page's response
    until it returned (25 MiB more at 100,000 entries). 300 pages now cost what 10 do."""
    small, large = _forecast_peak_kib(1_000), _forecast_peak_kib(30_000)
    assert large - small < 4 * 1024, (small, large)  # before the fix: about +7.5 MiB


AFTER_THE_WINDOW = [
    ledger_entry("2026-08-25T00:00:00.000Z", "CHARGE", "MODEL_USAGE", 500.0, "vendor/model-z", "i9"),
    ledger_entry("2026-08-20T00:00:00.000Z", "CHARGE", "MODEL_USAGE", 70.0, "vendor/model-z", "i8"),  # the end: out
]


def test_a_window_that_ended_counts_no_spend_after_its_end() -> None:
    """Before: the ledger was read from the window's start with no end, and every later charge was
    counted (forecast --window last-month counted this month too). The end is sent, and kept."""
    with _serve(AFTER_THE_WINDOW + LEDGER) as api, Billing(base_url=api.url) as billing:
        forecast = billing.forecast(window=WINDOW, as_of=AS_OF)
        asked = [seen.path for seen in api.requests_to("/v2/billing/transactions")]
    assert forecast.spend_usd == Decimal("3.90")  # the figures worked out above, nothing after AS_OF
    assert forecast.spend_7d_usd == Decimal("3.60")
    assert "vendor/model-z" not in dict(forecast.spend_by_model)
    assert forecast.entries_read == 6
    assert all("to=2026-08-20T00%3A00%3A00" in path or "to=2026-08-20T00:00:00" in path for path in asked), asked


def test_a_server_ignoring_the_end_filter_still_counts_nothing_after_the_end(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(url=BASE_URL + "/v2/billing/detail", json=_detail(39.0))
    page = {"data": AFTER_THE_WINDOW + LEDGER, "pagination": {"next_cursor": None, "has_more": False}}
    httpx_mock.add_response(json=page)
    with Billing() as billing:
        forecast = billing.forecast(window=WINDOW, as_of=AS_OF)
    assert forecast.spend_usd == Decimal("3.90")
    assert forecast.entries_read == 6


def test_the_runway_of_a_past_window_counts_from_now_when_the_balance_is_read() -> None:
    """Before: 100 days after AS_OF (2026-11-28), a date already gone for a balance read today."""
    before = datetime.datetime.now(datetime.UTC)
    with _serve(LEDGER) as api, Billing(base_url=api.url) as billing:
        forecast = billing.forecast(window=WINDOW, as_of=AS_OF)
    after = datetime.datetime.now(datetime.UTC)
    assert forecast.runway_days == Decimal(100)
    assert forecast.depletion_at is not None
    hundred_days = datetime.timedelta(days=100)
    assert before + hundred_days <= forecast.depletion_at <= after + hundred_days
    assert forecast.as_of == AS_OF  # the window still ends where it was asked to
