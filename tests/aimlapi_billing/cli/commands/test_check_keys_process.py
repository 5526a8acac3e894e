"""``check-keys`` as the installed command runs it: a process of its own, and what it loads."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.aimlapi_billing.conftest import API_KEY
from tests.helpers.budget_data import stand_in
from tests.helpers.cli import modules_after


def test_as_a_process_against_the_stand_in() -> None:
    with stand_in() as fake:
        env = {**os.environ, "AIML_API_KEY": API_KEY, "AIMLAPI_BILLING_BASE_URL": fake.url}
        done = subprocess.run(
            [sys.executable, "-m", "aimlapi_billing", "check-keys", "-w", "80", "-c", "95", "-t", "10"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert (done.returncode, done.stderr) == (1, "")
    assert done.stdout.startswith("KEYS WARNING - 1 of 2 keys with a limit past a threshold: b747e891 (chatbot-prod)")
    assert API_KEY not in done.stdout


def test_it_loads_neither_the_metrics_nor_the_forecast() -> None:
    code, modules = modules_after(["check-keys", "-w", "80", "-c", "95", "--base-url", "http://127.0.0.1:9"])
    assert code == 3
    assert {"aimlapi_billing._cli._commands.check_keys", "aimlapi_billing.lib.budgets"} <= modules
    assert not modules & {"aimlapi_billing.metrics", "prometheus_client", "aimlapi_billing.lib.forecast", "csv"}
    assert not any(name.startswith("aimlapi_billing._cli._commands.") and "check_keys" not in name for name in modules)
