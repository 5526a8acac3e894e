"""What every command shares: errors as one line with their documented exit codes, the console script
and `python -m`, each help ending with its exit codes."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fake_api_server import BILLING, FakeAIMLAPI, Reply

from aimlapi_billing._cli import main
from aimlapi_billing._cli._registry import COMMANDS
from tests.aimlapi_billing.conftest import API_KEY
from tests.helpers.cli import cli_json, run

pytestmark = pytest.mark.usefixtures("fast_backoff")


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
        assert json.loads(result.stdout) == cli_json(BILLING, "BillingResponse")
    help_text = subprocess.run([str(script), "--help"], capture_output=True, text=True, check=True).stdout
    assert "check" in help_text
    assert "AIML_API_KEY" in help_text


def test_every_help_ends_with_exit_codes_after_the_defaults() -> None:
    for command in ("", *(name for name, command in COMMANDS.items() if command.connects)):
        out = io.StringIO()
        with pytest.raises(SystemExit) as exited, contextlib.redirect_stdout(out):
            main([command, "--help"] if command else ["--help"])
        assert exited.value.code == 0
        text = out.getvalue()
        last = text.strip().split("\n\n")[-1]
        assert last.startswith(("exit codes", "plugins' exit codes")), (command, last)
        assert "defaults: " in text
        for option in ("--timeout", "--deadline", "--max-retries", "--base-url"):
            assert f"{option} " in text.split("defaults: ")[1]
        # One JSON rule, stated by every command that prints JSON, before its exit codes.
        rule = "--json: a field the spec types number (money, prices, per, credits where the spec says number)"
        if command and "--json" in text.split("defaults: ")[0]:
            assert rule in " ".join(text.split()), command
            assert text.index("--json: a field") < text.index("exit codes"), command
        else:
            assert rule not in " ".join(text.split()), command
