"""The monitoring stack for real: Debian's Prometheus (scripts/test.sh installs it) on 127.0.0.1
scrapes `aimlapi-billing exporter` for one account and `aimlapi-billing exporter --config` for three,
each reading its own stand-in API, with the shipped alert rules loaded. Queried through Prometheus's
HTTP API: the values arrive with their labels, a failing upstream keeps its last values marked stale
with aimlapi_scrape_success 0 (and its alert pending), and every dashboard query runs and names only
metrics a live scrape shows. Every process started here is stopped by its PID."""

from __future__ import annotations

import contextlib
import datetime
import json
import math
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from fake_api_server import DETAIL, FakeAIMLAPI, Reply

from aimlapi_billing._monitoring import artifact
from tests.helpers.budget_data import budget_account
from tests.helpers.monitoring import METRIC_NAME, as_promql, dashboard_expressions
from tests.helpers.processes import CLI, exporter_port, process, wait_for
from tests.helpers.quickstart import docs_page, markdown_block

from ..conftest import free_port
from .conftest import API_KEY

DETAIL_PATH = "/v2/billing/detail"
BALANCES = {"client-a": 275.78, "client-b": 80.25, "client-c": 30.0}  # the README's account names

pytestmark = pytest.mark.slow


class PrometheusAPI:
    def __init__(self, url: str) -> None:
        self.client = httpx.Client(base_url=url, timeout=10, trust_env=False)

    def get(self, path: str, **params: str) -> Any:
        response = self.client.get(path, params=params)
        response.raise_for_status()
        body = response.json()
        assert body["status"] == "success", body
        return body["data"]

    def query(self, expr: str) -> list[dict[str, Any]]:
        data = self.get("/api/v1/query", query=expr)
        assert data["resultType"] == "vector", data
        result: list[dict[str, Any]] = data["result"]
        return result

    def values(self, expr: str, label: str = "account") -> dict[str, float]:
        return {sample["metric"].get(label, ""): float(sample["value"][1]) for sample in self.query(expr)}


@pytest.fixture(scope="module")
def prometheus_binary() -> str:
    found = shutil.which("prometheus")
    assert found, "prometheus is missing: scripts/test.sh installs Debian's prometheus package"
    version = subprocess.run([found, "--version"], capture_output=True, text=True, check=True, timeout=30)
    assert re.search(r"version 2\.\d+", version.stdout + version.stderr)
    return found


def test_prometheus_scrapes_one_and_three_accounts_with_the_shipped_rules(
    prometheus_binary: str, tmp_path: Path
) -> None:
    started = time.monotonic()
    with contextlib.ExitStack() as stack:
        # client-b's keys and requests sit on today's UTC calendar (budget_data), so its per-key figures are fixed.
        accounts = {"client-b": budget_account(datetime.datetime.now(datetime.UTC))}
        fakes = {name: stack.enter_context(FakeAIMLAPI(**accounts.get(name, {}))) for name in BALANCES}
        for name, balance in BALANCES.items():
            fakes[name].canned[DETAIL_PATH] = {**DETAIL, "current_balance": balance}
        (tmp_path / "client-b.key").write_text(f"\t{API_KEY}-b  \n", encoding="ascii")
        (tmp_path / "exporter.toml").write_text(
            f"""
[exporter]
forecast_window = "30d"
key_budgets = true
model_window = "30d"

[accounts.client-a]
key_env = "KEY_A"
base_url = "{fakes["client-a"].url}"

[accounts.client-b]
key_file = "client-b.key"
base_url = "{fakes["client-b"].url}"

[accounts.client-c]
key_env = "KEY_C"
base_url = "{fakes["client-c"].url}"
""",
            encoding="utf-8",
        )
        env = {key: value for key, value in os.environ.items() if not key.startswith(("AIML", "AIMLAPI"))}
        options = ["--listen", "127.0.0.1:0", "--min-interval", "1", "--max-wait", "0.5", "--max-retries", "0"]
        multi_log, single_log = tmp_path / "multi.log", tmp_path / "single.log"
        multi = stack.enter_context(
            process(
                [CLI, "exporter", "--config", str(tmp_path / "exporter.toml"), *options],
                multi_log,
                {**env, "KEY_A": f"{API_KEY}-a", "KEY_C": f"{API_KEY}-c"},
            )
        )
        single = stack.enter_context(
            process(
                [CLI, "exporter", "--base-url", fakes["client-a"].url, "--forecast-window", "30d", *options],
                single_log,
                {**env, "AIML_API_KEY": API_KEY},
            )
        )
        multi_port, single_port = exporter_port(multi_log), exporter_port(single_log)

        (tmp_path / "aimlapi-billing.rules.yml").write_text(artifact("rules"), encoding="utf-8")
        readme_yaml = markdown_block(
            docs_page("monitoring/multi-target.md"), "<!-- prometheus.yml -->", "yaml"
        ).replace("127.0.0.1:9464", f"127.0.0.1:{multi_port}")
        (readme_job,) = yaml.safe_load(readme_yaml)["scrape_configs"]
        assert readme_job["static_configs"] == [{"targets": sorted(BALANCES)}]
        config = {
            "global": {"scrape_interval": "1s", "scrape_timeout": "1s", "evaluation_interval": "1s"},
            "rule_files": ["aimlapi-billing.rules.yml"],
            "scrape_configs": [
                {"job_name": "aimlapi", "static_configs": [{"targets": [f"127.0.0.1:{single_port}"]}]},
                {**readme_job, "scrape_interval": "1s"},
            ],
        }
        (tmp_path / "prometheus.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
        port = free_port()
        prometheus_log = tmp_path / "prometheus.log"
        prometheus = stack.enter_context(
            process(
                [
                    prometheus_binary,
                    f"--config.file={tmp_path / 'prometheus.yml'}",
                    f"--storage.tsdb.path={tmp_path / 'data'}",
                    f"--web.listen-address=127.0.0.1:{port}",
                    "--log.level=warn",
                ],
                prometheus_log,
            )
        )
        api = PrometheusAPI(f"http://127.0.0.1:{port}")
        stack.callback(api.client.close)

        def ready() -> bool:
            with contextlib.suppress(httpx.HTTPError):
                return api.client.get("/-/ready").status_code == 200
            return False

        wait_for("Prometheus to be ready", ready, prometheus_log)

        # Values arrive, per account and for the single-account exporter (no account label).
        def four_balances() -> dict[str, float] | None:
            found = api.values("aimlapi_balance_usd")
            return found if len(found) == 4 else None

        balances = wait_for("four balance series", four_balances)
        assert balances == {"": 275.78, **BALANCES}
        assert api.values('up{job="aimlapi-accounts"}', "instance") == dict.fromkeys(BALANCES, 1.0)
        assert api.values("aimlapi_scrape_success") == {"": 1.0, **dict.fromkeys(BALANCES, 1.0)}
        runway = api.values("aimlapi_runway_days")
        assert round(runway["client-a"], 1) == round(runway[""], 1) == 351.5  # the README's figure
        assert api.values('aimlapi_window_spend_by_model_usd{account="client-b"}', "model") == {
            "(no model)": 5.0,
            "openai/gpt-5": 4.06,
            "anthropic/claude-sonnet": 0.42,
        }
        assert api.values("aimlapi_spend_24h_usd")["client-c"] == 1.98
        for fake, key in ((fakes["client-a"], f"{API_KEY}-a"), (fakes["client-b"], f"{API_KEY}-b")):
            assert {seen.headers["authorization"] for seen in fake.requests_to(DETAIL_PATH)} >= {f"Bearer {key}"}
        assert {seen.headers["authorization"] for seen in fakes["client-b"].requests_to(DETAIL_PATH)} == {
            f"Bearer {API_KEY}-b"  # the key file's tab, spaces and newline stripped
        }

        # Per-key series: client-b's keys, labelled by prefix and name; a limit of 0 spent against is +Inf.
        def client_b(metric: str) -> dict[str, float]:
            return api.values(f'{metric}{{account="client-b"}}', "key_prefix")

        # The usage part ends after the balance part of a read: its series may come a scrape later.
        ratios = {"b747e891": 0.9, "c0ffee42": math.inf, "d15ab1ed": 0.0}
        wait_for("client-b's key series", lambda: client_b("aimlapi_key_limit_utilisation_ratio") == ratios)
        assert client_b("aimlapi_key_spend_usd") == {"b747e891": 1.8, "c0ffee42": 0.5, "d15ab1ed": 0.0}
        assert client_b("aimlapi_key_limit_usd") == {"b747e891": 2.0, "c0ffee42": 0.0, "d15ab1ed": 10.0}
        assert client_b("aimlapi_key_disabled") == {"a1b2c3d4": 0.0, "b747e891": 0.0, "c0ffee42": 0.0, "d15ab1ed": 1.0}
        assert client_b("aimlapi_key_monthly_usage_usd") == client_b("aimlapi_key_month_usage_usd")
        names = {
            s["metric"]["key_prefix"]: s["metric"].get("key_name", "")  # an empty label is no label
            for s in api.query('aimlapi_key_disabled{account="client-b"}')
        }
        assert names == {"a1b2c3d4": "main", "b747e891": "chatbot-prod", "c0ffee42": "", "d15ab1ed": "old-experiments"}
        assert api.values('aimlapi_model_spend_usd{account="client-b"}', "model") == {
            "openai/gpt-5": 6.8,
            "google/gemini": 0.5,
        }
        wait_for(
            "every account's usage", lambda: api.values("aimlapi_usage_scrape_success") == dict.fromkeys(BALANCES, 1.0)
        )
        assert api.values("aimlapi_keys_own_key_only") == dict.fromkeys(BALANCES, 0.0)

        # Every metric the rules and the dashboard name is in a live scrape, and every query runs.
        live = set(api.get("/api/v1/label/__name__/values"))
        dashboard = json.loads(artifact("dashboard"))
        named = {name for expr in dashboard_expressions(dashboard) for name in METRIC_NAME.findall(expr)}
        named |= set(METRIC_NAME.findall(artifact("rules")))
        assert named - live == set()
        for expr in dashboard_expressions(dashboard):
            result = api.query(as_promql(expr))
            if "offset 1d" not in expr:  # the baseline needs a day of history
                assert result, expr

        # The shipped rules load and evaluate; the low balances are pending alerts already.
        groups = api.get("/api/v1/rules")["groups"]
        rules = [rule for group in groups for rule in group["rules"]]
        # Every rule shipped loads (16: the alerts of docs/monitoring/alerts.md).
        assert len(rules) == len(re.findall(r"^\s*- alert: ", artifact("rules"), re.MULTILINE)) == 16
        assert all(rule["health"] == "ok" for rule in rules), rules

        def pending(alert: str, label: str = "account") -> set[str]:
            found = api.get("/api/v1/alerts")["alerts"]
            return {a["labels"].get(label, "") for a in found if a["labels"]["alertname"] == alert}

        wait_for(
            "client-b's and client-c's balance alerts", lambda: pending("AIMLAPIBalanceLow") == {"client-b", "client-c"}
        )
        assert pending("AIMLAPIBalanceCritical") == set()
        # chatbot-prod at 90 % of its day; batch-jobs spent 0.50 against its limit of 0, which is the limit
        # reached (the limit-0 policy); the disabled key never alerts.
        wait_for("client-b's key alert", lambda: pending("AIMLAPIKeyNearSpendingLimit", "key_prefix") == {"b747e891"})
        assert pending("AIMLAPIKeyNearSpendingLimit") == {"client-b"}
        wait_for(
            "batch-jobs' limit-0 alert", lambda: pending("AIMLAPIKeySpendingLimitReached", "key_prefix") == {"c0ffee42"}
        )

        # client-c's upstream fails: its series stay, marked stale, and scrape_success drops to 0.
        last_good = api.values("aimlapi_last_success_timestamp_seconds")["client-c"]
        fakes["client-c"].script(DETAIL_PATH, *[Reply(500, {"message": "down"})] * 10_000)
        wait_for("client-c's failure", lambda: api.values("aimlapi_scrape_success").get("client-c") == 0.0)
        time.sleep(2)  # a few more scrapes of the failing account
        assert api.values("aimlapi_scrape_success") == {"": 1.0, "client-a": 1.0, "client-b": 1.0, "client-c": 0.0}
        assert api.values("aimlapi_data_stale") == {"": 0.0, "client-a": 0.0, "client-b": 0.0, "client-c": 1.0}
        assert api.values("aimlapi_balance_usd")["client-c"] == 30.0  # the last known value, not a gap
        assert api.values("aimlapi_last_success_timestamp_seconds")["client-c"] == last_good
        assert api.values('up{job="aimlapi-accounts"}', "instance")["client-c"] == 1.0  # the exporter itself is fine
        wait_for("client-c's upstream alert", lambda: pending("AIMLAPIUpstreamUnreadable") == {"client-c"})

        # One read in flight per account: about one read a second each, not one per scrape and retry.
        elapsed = time.monotonic() - started
        reads = len(fakes["client-a"].requests_to(DETAIL_PATH))
        assert reads <= 2 * (elapsed + 2)  # two exporters read client-a, at most once a second each

        for child in (prometheus, multi, single):
            assert child.poll() is None, "a process died early"

        # One of the two exporters dies while the other still exports: its `up` alerts, per target.
        os.kill(single.pid, signal.SIGTERM)
        single.wait(timeout=15)
        wait_for(
            "the dead exporter's alert",
            lambda: pending("AIMLAPIExporterAbsent", "instance") == {f"127.0.0.1:{single_port}"},
        )
        assert api.values('up{job="aimlapi-accounts"}', "instance") == dict.fromkeys(BALANCES, 1.0)
    for log in (multi_log, single_log, prometheus_log):
        assert API_KEY not in log.read_text(errors="replace")
    print(f"real-Prometheus test: {time.monotonic() - started:.1f} s")
