"""`check`, the balance plugin, against the stand-in on 127.0.0.1: its states, thresholds and UNKNOWN lines."""

from __future__ import annotations

import io
from typing import Any

import pytest
from fake_api_server import DETAIL, FakeAIMLAPI, Reply

from aimlapi_billing._cli import main
from tests.aimlapi_billing.conftest import API_KEY
from tests.helpers.cli import run

pytestmark = pytest.mark.usefixtures("fast_backoff")


@pytest.mark.parametrize(
    ("warning", "critical", "code", "line"),
    [
        ("100", "50", 0, "BILLING OK - balance 275.78 USD | balance_usd=275.78;100:;50:"),
        ("300", "100", 1, "BILLING WARNING - balance 275.78 USD | balance_usd=275.78;300:;100:"),
        ("500", "300.5", 2, "BILLING CRITICAL - balance 275.78 USD | balance_usd=275.78;500:;300.5:"),
    ],
)
def test_check_states_follow_the_thresholds(
    fake_api: FakeAIMLAPI, warning: str, critical: str, code: int, line: str
) -> None:
    assert run("check", "--warning-usd", warning, "--critical-usd", critical, "--base-url", fake_api.url) == (
        code,
        line + "\n",
        "",
    )


def test_check_is_unknown_without_a_key(fake_api: FakeAIMLAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AIML_API_KEY")
    monkeypatch.setenv("AIMLAPI_API_KEY", "  ")
    code, out, _ = run("check", "--warning-usd", "10", "--critical-usd", "5", "--base-url", fake_api.url)
    assert code == 3
    # The CLI's ways to give a key, not the SDK's Python advice (api_key=...).
    assert out == (
        "BILLING UNKNOWN - No API key: set AIML_API_KEY (or AIMLAPI_API_KEY) in the environment, "
        "or give --api-key-file PATH\n"
    )
    assert fake_api.requests == []


def test_check_takes_the_plugin_guidelines_short_options(fake_api: FakeAIMLAPI) -> None:
    long = run("check", "--warning-usd", "300", "--critical-usd", "20", "--timeout", "5", "--base-url", fake_api.url)
    short = run("check", "-w", "300", "-c", "20", "-t", "5", "--base-url", fake_api.url)
    assert short == long
    assert short[0] == 1
    assert short[1].startswith("BILLING WARNING - balance 275.78 USD")
    with pytest.raises(SystemExit) as version:
        run("check", "-V")
    assert version.value.code == 0


def test_check_is_unknown_on_network_failure(fake_api: FakeAIMLAPI) -> None:
    url = fake_api.url
    fake_api.stop()
    code, out, _ = run("check", "--warning-usd", "10", "--critical-usd", "5", "--base-url", url, "--max-retries", "0")
    assert code == 3
    assert out.startswith("BILLING UNKNOWN - Connection error")


def test_check_is_unknown_on_an_api_error(fake_api: FakeAIMLAPI) -> None:
    fake_api.script("/v2/billing/detail", Reply(403, {"message": "Out of credits", "statusCode": "403"}))
    code, out, _ = run("check", "--warning-usd", "10", "--critical-usd", "5", "--base-url", fake_api.url)
    assert (code, out) == (3, "BILLING UNKNOWN - Error code: 403 - Out of credits\n")


@pytest.mark.parametrize(
    "argv",
    [
        ("check", "--warning-usd", "5", "--critical-usd", "10"),
        ("check",),
        ("check", "--warning-usd", "five", "--critical-usd", "1"),
    ],
)
def test_check_usage_errors_are_unknown_not_critical(argv: tuple[str, ...]) -> None:
    code, out, _ = run(*argv)
    assert code == 3
    assert out.startswith("BILLING UNKNOWN - ")


def test_check_turns_any_exception_into_one_unknown_line(monkeypatch: pytest.MonkeyPatch) -> None:
    from aimlapi_billing import Billing

    def broken(self: Any, **kwargs: Any) -> Any:
        raise OverflowError("date value out of range")

    monkeypatch.setattr(Billing, "detail", broken)
    out, err = io.StringIO(), io.StringIO()
    code = main(["check", "-w", "100", "-c", "20", "--base-url", "http://127.0.0.1:9"], out=out, err=err)
    assert (code, err.getvalue()) == (3, "")
    assert out.getvalue() == "BILLING UNKNOWN - internal error (OverflowError): date value out of range\n"


@pytest.mark.parametrize(
    "currency",
    ["USD | fake_metric=1;;;", "USD\nsecond line", f"USD {API_KEY}", "USD\x1b[2J", "X" * 5000],
    ids=["pipe", "newline", "key", "escape", "huge"],
)
def test_checks_line_holds_the_servers_currency_harmlessly(fake_api: FakeAIMLAPI, currency: str) -> None:
    """A currency other than USD is UNKNOWN, and the line that names it is still harmless: no perfdata
    of its own, one line, no key, no terminal control, short."""
    fake_api.script("/v2/billing/detail", Reply(200, {**DETAIL, "current_balance": 50, "currency": currency}))
    code, out, err = run("check", "-w", "10", "-c", "5", "--base-url", fake_api.url)
    assert (code, err) == (3, "")
    assert out.startswith("BILLING UNKNOWN - GET /v2/billing/detail returned 200 but field 'currency' is ")
    assert len(out.splitlines()) == 1
    assert "|" not in out
    assert API_KEY[:8].lower() not in out.lower()
    assert "\x1b" not in out
    assert len(out) < 200


def test_checks_unknown_line_carries_no_perfdata_from_an_error_message(fake_api: FakeAIMLAPI) -> None:
    message = "bad | balance_usd=999999;1;1 \n second line"
    fake_api.script("/v2/billing/detail", Reply(400, {"message": message, "statusCode": "400"}))
    code, out, _ = run("check", "-w", "10", "-c", "5", "--base-url", fake_api.url, "--max-retries", "0")
    assert code == 3
    assert out.startswith("BILLING UNKNOWN - ")
    assert "|" not in out
    assert len(out.splitlines()) == 1
    assert "bad / balance_usd=999999;1;1 \\n second line" in out


@pytest.mark.parametrize(
    ("warning", "critical", "perfdata"),
    [("10.005", "5", ";10.005:;5:"), ("0.004", "-0.004", ";0.004:;-0.004:"), ("0.000001", "0", ";0.000001:;0:")],
)
def test_checks_thresholds_are_printed_as_given(
    fake_api: FakeAIMLAPI, warning: str, critical: str, perfdata: str
) -> None:
    code, out, _ = run("check", "-w", warning, "-c", critical, "--base-url", fake_api.url)
    assert code == 0
    assert out == f"BILLING OK - balance 275.78 USD | balance_usd=275.78{perfdata}\n"


def test_checks_huge_balance_is_the_balance_never_a_capped_one(fake_api: FakeAIMLAPI) -> None:
    fake_api.script("/v2/billing/detail", Reply(200, {**DETAIL, "current_balance": 1e300}))
    code, out, _ = run("check", "-w", "10", "-c", "5", "--base-url", fake_api.url)
    assert code == 0
    balance = "1" + "0" * 300 + ".00"
    assert out == f"BILLING OK - balance {balance} USD | balance_usd={balance};10:;5:\n"
