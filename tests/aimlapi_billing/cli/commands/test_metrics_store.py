"""``metrics --db``'s one reading: a store that cannot be read is one line on stderr (the command's
error), never the collector's warning besides it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def test_a_missing_store_is_one_line(tmp_path: Path) -> None:
    pytest.importorskip("prometheus_client")
    missing = tmp_path / "missing.db"
    # A process of its own: the collector's warning went through logging's handler of last resort
    # (the real stderr), which an in-process run does not see.
    done = subprocess.run(
        [sys.executable, "-m", "aimlapi_billing", "metrics", "--db", str(missing)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 9
    assert "aimlapi_store_read_success 0.0" in done.stdout
    assert (
        done.stderr
        == f"aimlapi-billing: error: no store at sqlite:///{missing} yet: run `aimlapi-billing sync` first\n"
    )
    assert not missing.exists()


def test_ctrl_c_during_a_background_sync_says_interrupted_and_exits_130(tmp_path: Path) -> None:
    """Before: the exporter waited for the sync, then exited 0 with no line, as if nothing was cut short.
    A real SIGINT to a real ``exporter --db --sync-interval`` process while its first sync is reading
    the logs; the store stays usable (nothing committed is half-written: the next sync goes on)."""
    pytest.importorskip("prometheus_client")
    pytest.importorskip("sqlalchemy")
    import os
    import signal

    from fake_api_server import FakeAIMLAPI, Stall

    from tests.aimlapi_billing.conftest import API_KEY
    from tests.helpers.processes import CLI, exporter_port, process, wait_for

    url = f"sqlite:///{tmp_path / 'spend.db'}"
    log = tmp_path / "exporter.log"
    with FakeAIMLAPI() as fake:
        fake.script("/v2/logs", Stall(60))  # the sync is in progress until the SIGINT
        env = {**os.environ, "AIML_API_KEY": API_KEY, "AIMLAPI_BILLING_BASE_URL": fake.url}
        argv = [CLI, "exporter", "--db", url, "--listen", "127.0.0.1:0", "--sync-interval", "1h"]
        with process(argv, log, env) as child:
            exporter_port(log)
            wait_for("the sync reading the logs", lambda: fake.requests_to("/v2/logs"), log)
            os.kill(child.pid, signal.SIGINT)
            code = child.wait(timeout=60)  # a hang, not a figure: the sync's stop waits at most 5 s
        assert code == 130
        output = log.read_text()
        assert output.endswith("aimlapi-billing: interrupted (Ctrl-C)\n"), output
        assert output.count("interrupted") == 1
        assert "Traceback" not in output
        assert API_KEY not in output
        fake.script("/v2/logs")  # the stall used up or not, the next sync reads the logs
        done = subprocess.run(
            [CLI, "sync", "--db", url], capture_output=True, text=True, env=env, timeout=120, check=False
        )
    assert done.returncode == 0, done.stderr
