"""The README's quickstart runs as written, against the fake API on 127.0.0.1 (no key exists), and
its tables of arguments and exit codes match the code."""

from __future__ import annotations

import inspect
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from fake_api_server import FakeAIMLAPI

import aimlapi_billing
from aimlapi_billing import _cli

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
QUICKSTART = re.findall(r"<!-- quickstart -->\n```(\w+)\n(.*?)```", README, re.DOTALL)
DOCUMENTED_URL = "http://127.0.0.1:8765"


def test_the_readme_has_quickstart_blocks_for_python_and_the_shell() -> None:
    assert [language for language, _ in QUICKSTART] == ["python", "bash", "bash", "python"]
    assert f"AIMLAPI_BILLING_BASE_URL={DOCUMENTED_URL}" in README


@pytest.fixture
def quickstart_env() -> tuple[FakeAIMLAPI, dict[str, str]]:
    server = FakeAIMLAPI().start()
    env = {
        **os.environ,
        "AIML_API_KEY": "any-key",
        "AIMLAPI_BILLING_BASE_URL": server.url,  # the README's fixed port, made free for parallel runs
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }
    return server, env


@pytest.mark.parametrize(
    ("language", "code"), QUICKSTART, ids=[f"{n}-{language}" for n, (language, _) in enumerate(QUICKSTART)]
)
def test_quickstart_block_runs(
    quickstart_env: tuple[FakeAIMLAPI, dict[str, str]], language: str, code: str, tmp_path: Path
) -> None:
    server, env = quickstart_env
    try:
        command = [sys.executable, "-c", code] if language == "python" else ["bash", "-euo", "pipefail", "-c", code]
        result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60, check=False, cwd=tmp_path)
    finally:
        server.stop()
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == ""
    assert "275.78" in result.stdout
    if "check --warning-usd 100 --critical-usd 20\n" in code:
        assert "BILLING OK - balance 275.78 USD | balance_usd=275.78;100:;20:" in result.stdout
    if "metrics" in code:
        assert "aimlapi_scrape_success 1.0" in result.stdout
    assert len(server.requests) >= 2


def _readme_table(header: str) -> dict[str, str]:
    """The rows of the README table whose header row starts with ``header``: first cell -> second."""
    lines = README.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {header}"))
    rows: dict[str, str] = {}
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        first, second = (cell.strip() for cell in line.strip("|").split("|", 1))
        rows[first.strip("`")] = second
    return rows


def test_the_readmes_constructor_table_matches_the_code() -> None:
    rows = _readme_table("`Billing(...)` / `AsyncBilling(...)` argument")
    for client_class in (aimlapi_billing.Billing, aimlapi_billing.AsyncBilling):
        parameters = inspect.signature(client_class).parameters
        assert list(rows) == list(parameters)
    assert rows["deadline"].startswith(f"{aimlapi_billing.DEFAULT_DEADLINE:g} s")
    assert inspect.signature(aimlapi_billing.Billing).parameters["deadline"].default == aimlapi_billing.DEFAULT_DEADLINE
    assert f"{aimlapi_billing.DEFAULT_TIMEOUT.read:g} s of wall time" in rows["timeout"]
    assert rows["max_retries"].startswith(f"{aimlapi_billing.DEFAULT_MAX_RETRIES} ")
    caps = aimlapi_billing.DEFAULT_MAX_RESPONSE_BYTES
    assert f"{caps['GET /v2/billing'] // 1024} KiB for the balance" in rows["max_response_bytes"]
    assert f"{caps['GET /v2/billing/transactions'] // 1024**2} MiB for a ledger page" in rows["max_response_bytes"]


def test_the_readmes_exit_codes_match_the_cli() -> None:
    rows = _readme_table("exit code")
    assert sorted(map(int, rows)) == list(range(7))
    assert rows[str(_cli.EXIT_USAGE)].startswith("usage")
    assert rows[str(_cli.EXIT_CONFIGURATION)].startswith("configuration")
    assert rows[str(_cli.EXIT_CONNECTION)].startswith("connection")
    assert rows[str(_cli.EXIT_API_STATUS)].startswith("the API answered")
    assert rows[str(_cli.EXIT_BAD_RESPONSE)].startswith("the API's answer was not usable")
    assert rows[str(_cli.EXIT_SDK_ERROR)].startswith("a bug")
    codes = {code for _, code in _cli._EXIT_CODES}
    assert codes == {2, 3, 4, 5, 6}  # 1 is what no error class maps to
