"""The aimlapi-billing command against the fake API on 127.0.0.1."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fake_api_server import BILLING, DETAIL, FakeAIMLAPI, Reply

from aimlapi_billing._cli import main

from .conftest import API_KEY

pytestmark = pytest.mark.usefixtures("fast_backoff")


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_balance_table(fake_api: FakeAIMLAPI) -> None:
    code, out, err = run("balance", "--base-url", fake_api.url)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "balance       551,564,495 credits (275.78 USD)",
        "low balance   no (threshold 10,000 credits)",
        "auto top-up   disabled",
        "status        current: Balance is current and up to date",
        "last updated  2025-11-10 10:01:56 UTC",
    ]


def test_summary_table(fake_api: FakeAIMLAPI) -> None:
    assert run("summary", "--base-url", fake_api.url) == (0, "balance  275.78 USD\n", "")


def test_detail_table(fake_api: FakeAIMLAPI) -> None:
    code, out, _ = run("detail", "--base-url", fake_api.url)
    assert code == 0
    assert out.splitlines() == [
        "user id      111",
        "email        user@example.com",
        "balance      275.78 USD",
        "auto top-up  on: adds 100.00 USD when the balance falls below 50.00 USD",
    ]


@pytest.mark.parametrize(("command", "path"), [("summary", "/v2/billing"), ("detail", "/v2/billing/detail")])
def test_json_output_is_the_apis_json(fake_api: FakeAIMLAPI, command: str, path: str) -> None:
    code, out, _ = run(command, "--json", "--base-url", fake_api.url)
    assert code == 0
    assert json.loads(out) == fake_api.canned[path]


def test_balance_json_keeps_every_field(fake_api: FakeAIMLAPI) -> None:
    code, out, _ = run("balance", "--json", "--base-url", fake_api.url)
    assert code == 0
    assert json.loads(out)["lastUpdated"] == "2025-11-10T10:01:56.824000+00:00"
    assert set(json.loads(out)) == set(fake_api.canned["/v1/billing/balance"])


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
    code, out, _ = run("check", "--warning-usd", "10", "--critical-usd", "5", "--base-url", fake_api.url)
    assert code == 3
    assert out.startswith("BILLING UNKNOWN - No API key")


def test_check_is_unknown_on_network_failure(fake_api: FakeAIMLAPI) -> None:
    url = fake_api.url
    fake_api.stop()
    code, out, _ = run("check", "--warning-usd", "10", "--critical-usd", "5", "--base-url", url, "--max-retries", "0")
    assert code == 3
    assert out.startswith("BILLING UNKNOWN - Connection error")


def test_check_is_unknown_on_an_api_error(fake_api: FakeAIMLAPI) -> None:
    fake_api.script("/v2/billing", Reply(403, {"message": "Out of credits", "statusCode": "403"}))
    code, out, _ = run("check", "--warning-usd", "10", "--critical-usd", "5", "--base-url", fake_api.url)
    assert (code, out) == (3, "BILLING UNKNOWN - Error code: 403 - Out of credits\n")


@pytest.mark.parametrize(
    "argv",
    [
        ("check", "--warning-usd", "5", "--critical-usd", "10"),
        ("check", "--warning-usd", "5"),
        ("check", "--warning-usd", "five", "--critical-usd", "1"),
    ],
)
def test_check_usage_errors_are_unknown_not_critical(argv: tuple[str, ...]) -> None:
    code, out, _ = run(*argv)
    assert code == 3
    assert out.startswith("BILLING UNKNOWN - ")


def test_errors_are_one_line_on_stderr_with_distinct_exit_codes(
    fake_api: FakeAIMLAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_api.script("/v2/billing", Reply(401, {"message": "Invalid key", "requestId": "r1"}))
    assert run("summary", "--base-url", fake_api.url) == (
        5,
        "",
        "aimlapi-billing: error: Error code: 401 - Invalid key (request id: r1)\n",
    )
    fake_api.script("/v2/billing", Reply(200, {"currency": "USD"}))
    code, _, err = run("summary", "--base-url", fake_api.url)
    assert code == 6
    assert (
        err
        == "aimlapi-billing: error: GET /v2/billing returned 200 but the required field 'current_balance' is missing\n"
    )
    code, _, err = run("summary", "--base-url", "http://api.example.com")
    assert code == 3
    assert err.count("\n") == 1
    url = fake_api.url
    fake_api.stop()
    code, _, err = run("detail", "--base-url", url, "--max-retries", "0", "--timeout", "2")
    assert code == 4
    assert err.startswith("aimlapi-billing: error: Connection error: GET ")
    monkeypatch.delenv("AIML_API_KEY")
    code, _, err = run("detail", "--base-url", url)
    assert code == 3
    assert "AIML_API_KEY" in err


def test_usage_errors_exit_2() -> None:
    code, _, err = run("bogus")
    assert code == 2
    assert "invalid choice: 'bogus'" in err


def test_console_script_and_module_run_against_the_server(fake_api: FakeAIMLAPI) -> None:
    env = {**os.environ, "AIML_API_KEY": API_KEY, "AIMLAPI_BILLING_BASE_URL": fake_api.url}
    script = Path(sys.executable).parent / "aimlapi-billing"
    for command in ([str(script)], [sys.executable, "-m", "aimlapi_billing"]):
        result = subprocess.run([*command, "summary", "--json"], capture_output=True, text=True, env=env, check=False)
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout) == BILLING
    help_text = subprocess.run([str(script), "--help"], capture_output=True, text=True, check=True).stdout
    assert "check" in help_text
    assert "AIML_API_KEY" in help_text


def test_detail_table_when_auto_top_up_is_off(fake_api: FakeAIMLAPI) -> None:
    fake_api.script("/v2/billing/detail", Reply(200, {**DETAIL, "autotopup_settings": {"is_enabled": False}}))
    code, out, _ = run("detail", "--base-url", fake_api.url)
    assert code == 0
    assert out.splitlines()[-1] == "auto top-up  off"
