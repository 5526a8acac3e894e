"""One currency, USD: an answer in any other is refused by the SDK, in one place, and every command,
the exporter and the forecast say so with their documented codes, against the stand-in on 127.0.0.1."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from fake_api_server import BILLING, DETAIL, FakeAIMLAPI, Reply

from aimlapi_billing import BillingDetailResponse, InvalidParameterError, ResponseValidationError
from aimlapi_billing._cli import main
from aimlapi_billing.metrics import BillingCollector, build_registry, exposition
from tests.helpers.resources import MODES, call

pytestmark = pytest.mark.usefixtures("fast_backoff")

USAGE = {
    "api_key_prefix": None,
    "start": "2026-01-01T00:00:00Z",
    "end": "2026-01-08T00:00:00Z",
    "spend": 1.5,
    "requests": 3,
}
#: Not USD: another code, nothing, a look-alike (the long s upper-cases to S; full-width letters), more.
REFUSED = ["JPY", "", "   ", "US", "USDT", "U S D", "u\u017fd", "\uff35\uff33\uff24", "USD\x00", "X" * 5000]
#: USD written loosely: accepted, and returned as exactly "USD".
LOOSE_USD = ["usd", " USD", "Usd\n", "\tUSD "]
#: (where the currency is, the SDK call, what the answer is without it)
ANSWERS = {
    "summary": ("/v2/billing", lambda billing: billing.summary(), BILLING),
    "detail": ("/v2/billing/detail", lambda billing: billing.detail(), DETAIL),
    "usage.total": ("/v2/usage", lambda billing: billing.usage.total(period="7d"), USAGE),
    "usage.detail": (
        "/v2/usage/detail",
        lambda billing: billing.usage.detail(period="7d"),
        {**USAGE, "models": []},
    ),
}


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def in_currency(fake: FakeAIMLAPI, currency: Any) -> None:
    """The billing summary and detail of the stand-in's account, answered in ``currency``."""
    fake.canned["/v2/billing"] = {**BILLING, "current_balance": 5000, "currency": currency}
    fake.canned["/v2/billing/detail"] = {**DETAIL, "current_balance": 5000, "currency": currency}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("answer", list(ANSWERS))
@pytest.mark.parametrize("currency", REFUSED, ids=lambda text: repr(text)[:12])
async def test_an_answer_in_another_currency_is_refused(
    fake_api: FakeAIMLAPI, mode: str, answer: str, currency: str
) -> None:
    path, use, body = ANSWERS[answer]
    fake_api.script(path, Reply(200, {**body, "currency": currency}))
    with pytest.raises(ResponseValidationError) as raised:
        await call(mode, use, base_url=fake_api.url)
    message = str(raised.value)
    shown = repr(currency if len(currency) <= 40 else currency[:37] + "...")  # cut inside its quotes
    assert message.startswith(f"GET {path} returned 200 but field 'currency' is {shown}: ")
    assert message.endswith("the SDK reads amounts in USD only, the currency the API documents")
    assert len(message) < 200


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("answer", list(ANSWERS))
@pytest.mark.parametrize("currency", LOOSE_USD, ids=repr)
async def test_usd_in_any_case_and_spacing_is_read_as_usd(
    fake_api: FakeAIMLAPI, mode: str, answer: str, currency: str
) -> None:
    path, use, body = ANSWERS[answer]
    fake_api.script(path, Reply(200, {**body, "currency": currency}))
    result = await call(mode, use, base_url=fake_api.url)
    assert result.currency == "USD"


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("currency", "reason"),
    [(None, "'currency' should be a string, got null"), ("missing", "the required field 'currency' is missing")],
)
async def test_a_missing_or_null_currency_is_refused(
    fake_api: FakeAIMLAPI, mode: str, currency: str | None, reason: str
) -> None:
    body = {"current_balance": 5000} if currency == "missing" else {"current_balance": 5000, "currency": currency}
    fake_api.script("/v2/billing", Reply(200, body))
    with pytest.raises(ResponseValidationError, match=reason):
        await call(mode, lambda billing: billing.summary(), base_url=fake_api.url)


@pytest.mark.parametrize("mode", MODES)
async def test_the_auto_top_up_settings_currency_is_checked_too(fake_api: FakeAIMLAPI, mode: str) -> None:
    """The settings' own currency is optional: left out it is the spec's USD; given, it must be USD."""
    settings = DETAIL["autotopup_settings"]
    fake_api.script("/v2/billing/detail", Reply(200, {**DETAIL, "autotopup_settings": {**settings, "currency": "JPY"}}))
    with pytest.raises(ResponseValidationError, match=r"field 'autotopup_settings\.currency' is 'JPY'"):
        await call(mode, lambda billing: billing.detail(), base_url=fake_api.url)
    without = {key: value for key, value in settings.items() if key != "currency"}
    fake_api.script("/v2/billing/detail", Reply(200, {**DETAIL, "autotopup_settings": without}))
    detail = await call(mode, lambda billing: billing.detail(), base_url=fake_api.url)
    assert detail.currency == "USD"
    fake_api.script("/v2/billing/detail", Reply(200, {**DETAIL, "autotopup_settings": {**settings, "currency": None}}))
    with pytest.raises(ResponseValidationError, match=r"autotopup_settings\.currency"):
        await call(mode, lambda billing: billing.detail(), base_url=fake_api.url)


@pytest.mark.parametrize("mode", MODES)
async def test_the_forecast_refuses_a_detail_in_another_currency(fake_api: FakeAIMLAPI, mode: str) -> None:
    in_currency(fake_api, "JPY")
    with pytest.raises(ResponseValidationError, match="GET /v2/billing/detail returned 200 but field 'currency'"):
        await call(mode, lambda billing: billing.forecast(), base_url=fake_api.url)
    assert fake_api.requests_to("/v2/billing/transactions") == []  # refused before the ledger is read
    # A detail built by hand has not passed the client's check: refused before any request.
    handmade = BillingDetailResponse.from_dict({**DETAIL, "currency": "EUR"})
    before = len(fake_api.requests)
    with pytest.raises(InvalidParameterError, match=r"field 'detail\.currency' is 'EUR'"):
        await call(mode, lambda billing: billing.forecast(detail=handmade), base_url=fake_api.url)
    assert len(fake_api.requests) == before


@pytest.mark.parametrize(
    "argv",
    [["summary"], ["detail"], ["summary", "--json"], ["detail", "--json"], ["forecast"], ["forecast", "--json"]],
    ids=" ".join,
)
def test_every_command_exits_6_on_a_balance_in_another_currency(fake_api: FakeAIMLAPI, argv: list[str]) -> None:
    in_currency(fake_api, "JPY")
    code, out, err = run(*argv, "--base-url", fake_api.url)
    assert (code, out) == (6, "")
    assert err.startswith("aimlapi-billing: error: GET /v2/billing")
    assert "field 'currency' is 'JPY': the SDK reads amounts in USD only" in err
    assert err.count("\n") == 1


@pytest.mark.parametrize("argv", [["usage"], ["usage", "--models"], ["reconcile"]], ids=" ".join)
def test_usage_commands_exit_6_on_usage_in_another_currency(fake_api: FakeAIMLAPI, argv: list[str]) -> None:
    body = {**USAGE, "models": [], "currency": "EUR"}
    fake_api.script("/v2/usage/detail" if "--models" in argv else "/v2/usage", *[Reply(200, body)] * 10)
    code, out, err = run(*argv, "--base-url", fake_api.url)
    assert (code, out) == (6, "")
    assert "field 'currency' is 'EUR': the SDK reads amounts in USD only" in err
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("argv", "path"),
    [
        (["check", "-w", "100", "-c", "20"], "/v2/billing/detail"),
        (["check", "-w", "100", "-c", "20", "--warning-days", "30", "--critical-days", "7"], "/v2/billing/detail"),
    ],
    ids=["balance", "runway"],
)
def test_check_is_unknown_on_a_balance_in_another_currency(fake_api: FakeAIMLAPI, argv: list[str], path: str) -> None:
    """Not OK because 5000 yen looks like more than 100 USD: UNKNOWN, and no perfdata that says balance_usd."""
    in_currency(fake_api, "JPY")
    code, out, err = run(*argv, "--base-url", fake_api.url)
    assert (code, err) == (3, "")
    assert out == (
        f"BILLING UNKNOWN - GET {path} returned 200 but field 'currency' is 'JPY': the SDK reads amounts in USD "
        "only, the currency the API documents\n"
    )


def test_check_keys_is_unknown_on_usage_in_another_currency(fake_api: FakeAIMLAPI) -> None:
    fake_api.script("/v2/usage", *[Reply(200, {**USAGE, "currency": "EUR"})] * 10)
    code, out, err = run("check-keys", "-w", "80", "-c", "95", "--base-url", fake_api.url)
    assert (code, err) == (3, "")
    assert out.startswith("KEYS UNKNOWN - no key could be measured; 4 of 4 keys not measured: ")
    assert "(ResponseValidationError: GET /v2/usage returned 200 but field 'currency' is 'EUR'" in out


def test_metrics_exits_6_and_exports_no_balance_in_another_currency(fake_api: FakeAIMLAPI) -> None:
    in_currency(fake_api, "JPY")
    code, out, err = run("metrics", "--base-url", fake_api.url)
    assert code == 6
    assert err == (
        "aimlapi-billing: error: GET /v2/billing/detail returned 200 but field 'currency' is 'JPY': the SDK reads "
        "amounts in USD only, the currency the API documents\n"
    )
    assert "aimlapi_scrape_success 0.0" in out
    assert "aimlapi_balance_usd" not in out


def test_the_exporter_reports_a_failed_read_and_keeps_no_yen_as_usd(fake_api: FakeAIMLAPI) -> None:
    """A good read, then the currency changes: the read fails, the last USD values are stale, no yen appear."""
    from aimlapi_billing import Billing

    times = iter(range(0, 10_000, 100))
    with Billing(base_url=fake_api.url) as billing:
        registry = build_registry(BillingCollector(billing, min_interval=60, clock=lambda: float(next(times))))
        assert "aimlapi_balance_usd 275.78" in exposition(registry, "prometheus").decode()
        in_currency(fake_api, "JPY")
        text = exposition(registry, "prometheus").decode()
    assert "aimlapi_scrape_success 0.0" in text
    assert "aimlapi_data_stale 1.0" in text
    assert "aimlapi_balance_usd 275.78" in text  # the last good USD value, marked stale
    assert not re.search(r" 5000(\.0*)?$", text, re.MULTILINE)  # no sample holds the yen (a duration may hold "5000")


def test_the_runway_in_the_forecast_comes_from_a_usd_balance(fake_api: FakeAIMLAPI) -> None:
    """Loose spelling is USD: the forecast reads the balance as it is."""
    in_currency(fake_api, " usd ")
    code, out, err = run("forecast", "--json", "--base-url", fake_api.url)
    assert (code, err) == (0, "")
    assert '"balance_usd": "5000",' in out  # a JSON string of the exact decimal, as every --json writes money
