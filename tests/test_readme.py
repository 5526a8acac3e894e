"""The README (the front page) is short and its quickstarts run as written, against the fake API on
127.0.0.1 (no key exists); the tables of arguments, exit codes and alerts, the operators'
configurations and the Nagios/Icinga definitions, now on their docs pages, match the code."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from fake_api_server import FakeAIMLAPI

import aimlapi_billing
from aimlapi_billing import _cli
from tests.helpers.quickstart import (
    DOCUMENTED_URL,
    ROOT,
    check_quickstart,
    docs_page,
    markdown_block,
    markdown_table,
    quickstart_blocks,
    relative_links,
    run_quickstart,
    start_stand_in,
)

README = (ROOT / "README.md").read_text(encoding="utf-8")
QUICKSTART = quickstart_blocks(README)


def test_the_readme_is_a_short_front_page_with_three_quickstarts() -> None:
    """Python, the CLI and monitoring, each runnable against the stand-in the README says how to start."""
    assert len(README.splitlines()) <= 250
    assert [language for language, _ in QUICKSTART] == ["python", "bash", "bash"]
    assert f"AIMLAPI_BILLING_BASE_URL={DOCUMENTED_URL}" in README


def test_the_readme_links_resolve_in_the_repository() -> None:
    """Links to the docs are relative paths to their .md files, so they work on a code host."""
    files = relative_links(README)
    assert "CONTRIBUTING.md" in files
    assert any(target.startswith("docs/") for target in files)
    assert [target for target in files if not (ROOT / target).is_file()] == []


@pytest.fixture
def quickstart_env() -> tuple[FakeAIMLAPI, dict[str, str]]:
    return start_stand_in()


@pytest.mark.parametrize(
    ("language", "code"), QUICKSTART, ids=[f"{n}-{language}" for n, (language, _) in enumerate(QUICKSTART)]
)
def test_quickstart_block_runs(language: str, code: str, tmp_path: Path) -> None:
    server, result = run_quickstart(language, code, tmp_path)
    check_quickstart(server, code, result)


def test_the_alert_table_matches_the_shipped_rules() -> None:
    from aimlapi_billing._monitoring import artifact

    rules = {rule["alert"]: rule for group in yaml.safe_load(artifact("rules"))["groups"] for rule in group["rules"]}
    rows = re.findall(
        r"^\| `(AIMLAPI\w+)` \| (.*?) \| (\w+) \| (\w+) \|$", docs_page("monitoring/alerts.md"), re.MULTILINE
    )
    assert [name for name, *_ in rows] == list(rules)
    for name, condition, duration, severity in rows:
        assert (duration, severity) == (rules[name]["for"], rules[name]["labels"]["severity"]), name
        for threshold in re.findall(r"[<>] \d+", condition):  # the numbers the table quotes are the rule's
            assert threshold in rules[name]["expr"], (name, threshold)


def test_the_exporter_config_of_the_docs_loads(tmp_path: Path) -> None:
    from aimlapi_billing._exporter.config import load_accounts

    text = markdown_block(docs_page("monitoring/multi-target.md"), "<!-- exporter.toml -->", "toml")
    (tmp_path / "client-b.key").write_text("key-b\n")
    (tmp_path / "client-c.key").write_text("key-c\n")
    config = tmp_path / "exporter.toml"
    config.write_text(text.replace("/etc/aimlapi-billing/client-b.key", "client-b.key"))
    accounts = load_accounts(config, environ={"AIML_KEY_CLIENT_A": "key-a"})
    assert [(a.name, a.api_key, a.min_interval, a.max_wait) for a in accounts] == [
        ("client-a", "key-a", 60.0, 5.0),
        ("client-b", "key-b", 60.0, 5.0),
        ("client-c", "key-c", 60.0, 5.0),
    ]


def test_the_nagios_and_icinga_definitions_run_the_check(
    quickstart_env: tuple[FakeAIMLAPI, dict[str, str]],
) -> None:
    server, env = quickstart_env
    plugins = docs_page("monitoring/plugins.md")
    command_line = re.search(r"command_line\s+(.*)", plugins)
    assert command_line
    arguments = {"$ARG1$": "100", "$ARG2$": "20", "$ARG3$": "30", "$ARG4$": "7"}
    words = [arguments.get(word, word) for word in command_line[1].split()]
    assert words[0] == "/usr/local/bin/aimlapi-billing"
    try:
        result = subprocess.run(
            [str(Path(sys.executable).parent / "aimlapi-billing"), *words[1:]],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )
    finally:
        server.stop()
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == (
        "BILLING OK - balance 275.78 USD, runway 351.5 days | balance_usd=275.78;100:;20: runway_days=351.5;30:;7:\n"
    )
    # Each Icinga 2 CheckCommand names options its command really has.
    blocks = re.findall(
        r'object CheckCommand "[^"]+" \{\n  command = \[ "[^"]+", "([a-z-]+)" \](.*?)\n\}', plugins, re.S
    )
    assert [command for command, _ in blocks] == ["check", "check-keys"]
    for command, body in blocks:
        options = set(re.findall(r'"(--[a-z-]+)" = ', body))
        help_text = subprocess.run(
            [str(Path(sys.executable).parent / "aimlapi-billing"), command, "--help"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert "--timeout" in options
        assert all(f"{option} " in help_text for option in options), (command, options)
        assert len(options) >= 3


def test_the_constructor_table_matches_the_code() -> None:
    rows = markdown_table(docs_page("sdk/clients.md"), "`Billing(...)` / `AsyncBilling(...)` argument")
    for client_class in (aimlapi_billing.Billing, aimlapi_billing.AsyncBilling):
        parameters = inspect.signature(client_class).parameters
        assert list(rows) == list(parameters)
    assert rows["deadline"].startswith(f"{aimlapi_billing.DEFAULT_DEADLINE:g} s")
    assert inspect.signature(aimlapi_billing.Billing).parameters["deadline"].default == aimlapi_billing.DEFAULT_DEADLINE
    assert f"{aimlapi_billing.DEFAULT_TIMEOUT.read:g} s of wall time" in rows["timeout"]
    assert rows["max_retries"].startswith(f"{aimlapi_billing.DEFAULT_MAX_RETRIES} ")
    from aimlapi_billing._fanout import DEFAULT_CONCURRENCY, MAX_CONCURRENCY

    assert rows["concurrency"].startswith(f"{DEFAULT_CONCURRENCY} (1 to {MAX_CONCURRENCY})")
    caps = aimlapi_billing.DEFAULT_MAX_RESPONSE_BYTES
    assert f"{caps['GET /v2/billing'] // 1024} KiB for the balance" in rows["max_response_bytes"]
    assert f"{caps['GET /v2/billing/transactions'] // 1024**2} MiB for a ledger page" in rows["max_response_bytes"]


def test_the_exit_codes_match_the_cli() -> None:
    rows = markdown_table(docs_page("cli/index.md"), "exit code")
    assert sorted(map(int, rows)) == [*range(7), _cli.EXIT_INTERRUPTED]
    assert rows[str(_cli.EXIT_USAGE)].startswith("usage")
    assert rows[str(_cli.EXIT_CONFIGURATION)].startswith("configuration")
    assert rows[str(_cli.EXIT_CONNECTION)].startswith("connection")
    assert rows[str(_cli.EXIT_API_STATUS)].startswith("the API answered")
    assert rows[str(_cli.EXIT_BAD_RESPONSE)].startswith("the API's answer was not usable")
    assert rows[str(_cli.EXIT_SDK_ERROR)].startswith("a bug")
    assert rows[str(_cli.EXIT_INTERRUPTED)].startswith("interrupted")
    codes = {code for _, code in _cli.EXIT_CODES}
    assert codes == {2, 3, 4, 5, 6}  # 1 is what no error class maps to


def test_the_reconcile_exit_codes_and_defaults_match_the_code() -> None:
    import datetime
    from decimal import Decimal

    from aimlapi_billing._cli._commands import reconcile as command
    from aimlapi_billing.lib.reconcile import DEFAULT_SETTLE, DEFAULT_TOLERANCE

    command_page, rules_page = docs_page("cli/accounting.md"), docs_page("sdk/reconcile.md")
    rows = markdown_table(command_page, "`reconcile` exit code")
    from aimlapi_billing._cli._store import EXIT_STORE, EXIT_STORE_PRUNED, EXIT_STORE_STALE

    store_codes = f"{EXIT_STORE}, {EXIT_STORE_STALE}, {EXIT_STORE_PRUNED}"
    assert list(rows) == ["0", str(command.EXIT_MISMATCH), "1-6", store_codes]
    assert rows["0"] == "the three records agree"
    parameters = inspect.signature(aimlapi_billing.Billing.reconcile).parameters
    assert Decimal(parameters["tolerance"].default) == DEFAULT_TOLERANCE == Decimal(command.DEFAULT_TOLERANCE)
    assert parameters["settle"].default == DEFAULT_SETTLE == datetime.timedelta(minutes=command.DEFAULT_SETTLE_MINUTES)
    assert f"(default {DEFAULT_TOLERANCE} USD)" in rules_page
    assert f"(default {DEFAULT_SETTLE.total_seconds() / 60:g} minutes)" in rules_page
    assert f"`--tolerance {DEFAULT_TOLERANCE}`, `--settle {command.DEFAULT_SETTLE_MINUTES}`" in command_page
