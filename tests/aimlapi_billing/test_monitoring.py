"""The shipped alert rules and Grafana dashboard, as `aimlapi-billing monitoring rules|dashboard` prints
them: checked and unit-tested with promtool (Debian's prometheus package, which scripts/test.sh
installs), every alert with a firing and a quiet case, and every metric they name one the exporter
exports. The live check against a real Prometheus is in test_monitoring_prometheus.py."""

from __future__ import annotations

import datetime
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from aimlapi_billing import Billing, __version__
from aimlapi_billing._cli import main
from aimlapi_billing.metrics import BillingCollector
from tests.helpers.monitoring import METRIC_NAME, as_promql, dashboard_expressions

HERE = Path(__file__).parent / "monitoring"
RULE_TESTS = sorted(HERE.glob("*.test.yml"))


def printed(subject: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    assert main(["monitoring", subject], out=out, err=err) == 0
    assert err.getvalue() == ""
    return out.getvalue()


def promtool(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    executable = shutil.which("promtool")
    assert executable, "promtool is missing: scripts/test.sh installs Debian's prometheus package"
    return subprocess.run([executable, *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False)


def alerts(rules_text: str) -> list[dict[str, Any]]:
    return [rule for group in yaml.safe_load(rules_text)["groups"] for rule in group["rules"] if "alert" in rule]


def exported_names() -> set[str]:
    """Every family the collector can emit (the per-reading ones included), from its describe()."""
    with Billing(api_key="unused", base_url="http://127.0.0.1:9") as billing:
        collector = BillingCollector(
            billing,
            forecast_window=datetime.timedelta(days=30),
            key_budgets=True,
            model_window=datetime.timedelta(days=30),
        )
        return {family.name for family in collector.describe()}


@pytest.fixture(scope="module")
def rules_text() -> str:
    return printed("rules")


def test_the_commands_print_the_packaged_files(rules_text: str) -> None:
    package = Path(__file__).resolve().parents[2] / "src" / "aimlapi_billing" / "monitoring"
    assert rules_text == (package / "aimlapi-billing.rules.yml").read_text(encoding="utf-8")
    assert printed("dashboard") == (package / "aimlapi-billing.dashboard.json").read_text(encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert main(["monitoring", "alerts"], out=out, err=err) == 2
    assert out.getvalue() == ""
    assert "invalid choice: 'alerts'" in err.getvalue()


@pytest.mark.slow
def test_the_rules_pass_promtool_check_and_their_unit_tests(rules_text: str, tmp_path: Path) -> None:
    (tmp_path / "aimlapi-billing.rules.yml").write_text(rules_text, encoding="utf-8")
    for test_file in RULE_TESTS:
        shutil.copy(test_file, tmp_path)
    checked = promtool("check", "rules", "aimlapi-billing.rules.yml", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"SUCCESS: {len(alerts(rules_text))} rules found" in checked.stdout
    tested = promtool("test", "rules", *(path.name for path in RULE_TESTS), cwd=tmp_path)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert tested.stdout.count("SUCCESS") == len(RULE_TESTS)


@pytest.mark.slow
def test_a_broken_rule_fails_its_unit_tests(rules_text: str, tmp_path: Path) -> None:
    """The cases have teeth: a rule with its threshold moved fails them."""
    (tmp_path / "aimlapi-billing.rules.yml").write_text(rules_text.replace("< 100", "< 80"), encoding="utf-8")
    for test_file in RULE_TESTS:
        shutil.copy(test_file, tmp_path)
    tested = promtool("test", "rules", *(path.name for path in RULE_TESTS), cwd=tmp_path)
    assert tested.returncode == 1
    assert "AIMLAPIBalanceLow" in tested.stdout + tested.stderr


@pytest.mark.slow
@pytest.mark.parametrize(
    ("change", "alert"),
    [
        ((">= 0.9 and", ">= 0.95 and"), "AIMLAPIKeyNearSpendingLimit"),
        (
            (
                "(aimlapi_key_limit_usd > 0 or aimlapi_key_spend_usd > 0) unless aimlapi_key_disabled == 1"
                "\n        for: 5m",
                "aimlapi_key_limit_usd >= 0\n        for: 5m",
            ),
            "AIMLAPIKeySpendingLimitReached",
        ),
        (  # the limit-0 policy: spend against a limit of 0 is critical
            ("(aimlapi_key_limit_usd > 0 or aimlapi_key_spend_usd > 0)", "aimlapi_key_limit_usd > 0"),
            "AIMLAPIKeySpendingLimitReached",
        ),
        (("> 0.0100001", "> 0.01"), "AIMLAPIKeyUsageMismatch"),
        (
            ("aimlapi_key_data_stale == 1\n        for: 30m", "aimlapi_key_data_stale == 1\n        for: 50m"),
            "AIMLAPIKeyNotMeasured",
        ),
        (
            ("aimlapi_model_spend_stale == 1\n        for: 1h", "aimlapi_model_spend_stale == 1\n        for: 2h"),
            "AIMLAPIModelSpendStale",
        ),
    ],
)
def test_a_broken_key_rule_fails_its_unit_tests(
    rules_text: str, tmp_path: Path, change: tuple[str, str], alert: str
) -> None:
    assert rules_text.count(change[0]) == 1
    (tmp_path / "aimlapi-billing.rules.yml").write_text(rules_text.replace(*change), encoding="utf-8")
    shutil.copy(HERE / "aimlapi-billing.keys.test.yml", tmp_path)
    tested = promtool("test", "rules", "aimlapi-billing.keys.test.yml", cwd=tmp_path)
    assert tested.returncode == 1
    assert f"alertname: {alert}" in tested.stdout + tested.stderr


def test_every_alert_has_a_firing_and_a_quiet_case(rules_text: str) -> None:
    cases: dict[str, list[bool]] = {}
    for test_file in RULE_TESTS:
        for test in yaml.safe_load(test_file.read_text(encoding="utf-8"))["tests"]:
            for case in test["alert_rule_test"]:
                cases.setdefault(case["alertname"], []).append(bool(case["exp_alerts"]))
    names = [rule["alert"] for rule in alerts(rules_text)]
    assert sorted(cases) == sorted(names)
    for name in names:
        assert True in cases[name], f"{name} has no case where it fires"
        assert False in cases[name], f"{name} has no case where it stays quiet"


def test_every_alert_has_a_severity_a_duration_and_annotations(rules_text: str) -> None:
    for rule in alerts(rules_text):
        assert rule["labels"]["severity"] in ("warning", "critical"), rule["alert"]
        assert re.fullmatch(r"\d+[mh]", rule["for"]), rule["alert"]
        assert {"summary", "description"} <= set(rule["annotations"]), rule["alert"]


def test_rules_and_dashboard_name_only_exported_metrics(rules_text: str) -> None:
    exported = exported_names()
    in_rules = set(METRIC_NAME.findall(rules_text))
    in_dashboard = {
        name for expr in dashboard_expressions(json.loads(printed("dashboard"))) for name in METRIC_NAME.findall(expr)
    }
    assert in_rules - exported == set()
    assert in_dashboard - exported == set()
    # Everything an operator acts on is covered by a rule.
    assert {"aimlapi_balance_usd", "aimlapi_runway_days", "aimlapi_scrape_success"} <= in_rules
    assert {"aimlapi_key_limit_utilisation_ratio", "aimlapi_usage_scrape_success"} <= in_rules


@pytest.mark.slow
def test_every_dashboard_expression_passes_promtool(tmp_path: Path) -> None:
    """Each query, wrapped as a recording rule, is parsed and checked by promtool."""
    dashboard = json.loads(printed("dashboard"))
    expressions = dashboard_expressions(dashboard)
    rules = {
        "groups": [
            {
                "name": "dashboard",
                "rules": [{"record": f"dashboard:query_{n}", "expr": as_promql(e)} for n, e in enumerate(expressions)],
            }
        ]
    }
    (tmp_path / "dashboard.rules.yml").write_text(yaml.safe_dump(rules), encoding="utf-8")
    checked = promtool("check", "rules", "dashboard.rules.yml", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"SUCCESS: {len(expressions)} rules found" in checked.stdout

    (tmp_path / "broken.rules.yml").write_text(
        yaml.safe_dump({"groups": [{"name": "x", "rules": [{"record": "x:y", "expr": "sum by (model (x)"}]}]}),
        encoding="utf-8",
    )
    assert promtool("check", "rules", "broken.rules.yml", cwd=tmp_path).returncode == 1  # the check can fail


def test_the_dashboard_is_importable_grafana_json() -> None:
    dashboard = json.loads(printed("dashboard"))
    assert dashboard["uid"] == "aimlapi-billing"
    variables = {variable["name"]: variable for variable in dashboard["templating"]["list"]}
    assert variables["account"]["allValue"] == ".*"  # also matches the single-account exporter's unlabelled series
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    titles = {panel["title"] for panel in dashboard["panels"]}
    assert {"Balance", "Runway", "Spend rate", "Spend by model over the forecast window"} <= titles
    assert {"Upstream reads succeeding", "Age of the data"} <= titles
    assert {
        "Key utilisation of its limit",
        "Key spend against its limit",
        "Spend by model over the model window",
    } <= titles


# --- the CLI: exporter --config and the plugin's --version ----------------------------------------


def run_cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (None, "cannot read the exporter configuration: No such file or directory"),
        ("[accounts.a]\nkey_env = 'AIML_UNSET_VARIABLE'\n", "accounts.a.key_env: the environment variable it names"),
        ("[accounts.a]\nkey_env = 'sk-live-SECRET123'\n", "accounts.a.key_env: not a valid environment variable name"),
        ("[accounts.a]\nkey_file = 'sk-live-SECRET123'\n", "accounts.a.key_file: cannot read the file it names"),
        ("[accounts.a]\nkey_env = 'HOME'\nforecast_window = '99999999999d'\n", "accounts.a.forecast_window"),
        ("[exporter]\nforecast_window = '1000000000w'\n[accounts.a]\nkey_env = 'HOME'\n", "exporter.forecast_window"),
        ("[accounts.a]\nkey_file = 'a.key'\n", "the key from file"),
        ("accounts = [", "not valid TOML"),
        (
            "[accounts.remote]\nkey_env = 'HOME'\nbase_url = 'http://billing.example.com'\n",
            "accounts.remote: ",  # the SDK refuses to send a key over plain HTTP to a remote host
        ),
        (
            "[accounts.remote]\nkey_env = 'HOME'\nbase_url = 'http://billing.example.com'\n"
            "allow_insecure_http = true\nmin_interval = -5\n",
            "accounts.remote.min_interval",
        ),
    ],
    ids=[
        "missing",
        "unset-variable",
        "key-in-key-env",
        "key-in-key-file",
        "overflowing-window",
        "overflowing-weeks",
        "blank-key-file",
        "bad-toml",
        "plain-http",
        "negative-interval",
    ],
)
def test_exporter_with_a_bad_config_exits_3_with_one_line(tmp_path: Path, config: str | None, message: str) -> None:
    path = tmp_path / "exporter.toml"
    if config is not None:
        path.write_text(config, encoding="utf-8")
    (tmp_path / "a.key").write_text("\n\n")
    code, out, err = run_cli("exporter", "--config", str(path), "--listen", "127.0.0.1:0")
    assert (code, out) == (3, "")
    assert err.startswith(f"aimlapi-billing: error: {path}: ")
    assert message in err
    assert err.count("\n") == 1
    assert "SECRET123" not in err


def test_exporter_refuses_a_fifo_as_key_file_at_once(tmp_path: Path) -> None:
    """A FIFO nobody writes to used to hang the exporter at start, silently: now one line, exit 3."""
    os.mkfifo(tmp_path / "a.key")
    (tmp_path / "exporter.toml").write_text("[accounts.a]\nkey_file = 'a.key'\n", encoding="utf-8")
    script = str(Path(sys.executable).parent / "aimlapi-billing")
    command = [script, "exporter", "--config", str(tmp_path / "exporter.toml"), "--listen", "127.0.0.1:0"]
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=60)
    assert (done.returncode, done.stdout) == (3, "")
    assert done.stderr == (
        f"aimlapi-billing: error: {tmp_path / 'exporter.toml'}: accounts.a.key_file: "
        "the path it names is not a regular file\n"
    )


@pytest.mark.parametrize("value", ["nan", "-1", "inf", "soon", "1e300", "86401"])
def test_exporter_max_wait_is_checked(value: str) -> None:
    code, out, err = run_cli("exporter", "--max-wait", value)
    assert (code, out) == (2, "")
    assert f"--max-wait: {'must be' if value in ('-1', '86401') else 'not'} a number of seconds" in err


def test_check_has_help_and_version_as_the_plugin_guidelines_ask() -> None:
    script = str(Path(sys.executable).parent / "aimlapi-billing")
    version = subprocess.run([script, "check", "--version"], capture_output=True, text=True, check=False, timeout=60)
    assert (version.returncode, version.stdout) == (0, f"aimlapi-billing check {__version__}\n")
    help_text = subprocess.run([script, "check", "--help"], capture_output=True, text=True, check=True, timeout=60)
    assert "--warning-usd" in help_text.stdout
    assert "--version" in help_text.stdout
