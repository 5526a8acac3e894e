"""The exporter's store mode: series read from the spend store, left out when it is older than
--max-age, and ``--sync-interval`` keeping the store from the same process (a failed sync a metric
and a log line), a real exporter process scraped over loopback."""

from __future__ import annotations

import datetime
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import httpx
import pytest
from fake_api_server import FakeAIMLAPI

from tests.aimlapi_billing.conftest import API_KEY


def _sample(text: str, name: str) -> float | None:
    match = re.search(rf"^{re.escape(name)}(?:\{{[^}}]*\}})? (\S+)$", text, re.MULTILINE)
    return None if match is None else float(match[1])


def _sync(url: str, fake: FakeAIMLAPI) -> None:
    from aimlapi_billing import Billing
    from aimlapi_billing.store import open_for_sync, sync

    with (
        Billing(api_key=API_KEY, base_url=fake.url, allow_insecure_http=True, logs_rate_limit=None) as billing,
        open_for_sync(url) as store,
    ):
        sync(store, billing)


def _age_store(url: str, hours: int) -> None:
    from sqlalchemy import text

    from aimlapi_billing.store import open_for_sync

    with open_for_sync(url) as store, store.transaction() as connection:
        connection.execute(
            text("UPDATE sync_runs SET started_us = started_us - :shift"), {"shift": hours * 3600 * 10**6}
        )


def _exposition(url: str, **options: object) -> str:
    from aimlapi_billing.metrics import build_registry, exposition
    from aimlapi_billing.metrics.store import StoreCollector

    return exposition(build_registry(StoreCollector(url, **options))).decode()  # type: ignore[arg-type]


def test_the_store_series_and_stale_means_absent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'spend.db'}"
    with FakeAIMLAPI() as fake:
        _sync(url, fake)
    fresh = _exposition(url, max_age=datetime.timedelta(hours=2), key_budgets=True,
                        forecast_window=datetime.timedelta(days=30))  # fmt: skip
    assert _sample(fresh, "aimlapi_balance_usd") == 275.78
    assert _sample(fresh, "aimlapi_store_stale") == 0
    assert _sample(fresh, "aimlapi_store_read_success") == 1
    assert 0 <= (_sample(fresh, "aimlapi_store_age_seconds") or -1) < 600
    assert 'aimlapi_key_limit_usd{key_name="batch-jobs",key_prefix="c0ffee42"} 5.0' in fresh
    assert _sample(fresh, "aimlapi_runway_days") is not None
    _age_store(url, 3)
    stale = _exposition(url, max_age=datetime.timedelta(hours=2), key_budgets=True)
    assert _sample(stale, "aimlapi_store_stale") == 1
    assert 10_700 < (_sample(stale, "aimlapi_store_age_seconds") or 0) < 11_500
    assert "aimlapi_balance_usd" not in stale
    assert "aimlapi_key_" not in stale
    # Without --max-age the old figures stay, their age beside them.
    assert _sample(_exposition(url), "aimlapi_balance_usd") == 275.78


def test_a_store_that_cannot_be_read_is_a_series_and_a_log_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"no database here\n" * 64)
    text = _exposition(str(junk))
    assert _sample(text, "aimlapi_store_read_success") == 0
    assert "aimlapi_balance_usd" not in text
    assert any("the store could not be read" in record.getMessage() for record in caplog.records)


@pytest.fixture
def exporter(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str, FakeAIMLAPI, str]]:
    """``exporter --db --sync-interval 1h`` as a process against the stand-in, stopped by its PID."""
    url = f"sqlite:///{tmp_path / 'spend.db'}"
    with FakeAIMLAPI() as fake:
        environment = {**os.environ, "AIML_API_KEY": API_KEY, "AIMLAPI_BILLING_BASE_URL": fake.url}
        process = subprocess.Popen(
            [sys.executable, "-m", "aimlapi_billing", "exporter", "--db", url, "--listen", "127.0.0.1:0",
             "--sync-interval", "1h", "--max-age", "2h", "--keys"],
            stderr=subprocess.PIPE, text=True, env=environment,
        )  # fmt: skip
        try:
            assert process.stderr is not None
            line = process.stderr.readline()
            address = re.search(r"serving (http://\S+/metrics) from the store", line)
            assert address, line
            yield process, address[1], fake, url
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            assert process.stderr is not None
            process.stderr.close()


def _line_with(stream: IO[str], text: str, timeout: float = 30.0) -> str:
    """The first line of ``stream`` holding ``text``, waiting at most ``timeout`` seconds for it (a
    reader thread: the text wrapper may hold lines already read from the pipe, which select cannot see)."""
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in iter(stream.readline, "")], daemon=True).start()
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        try:
            line = lines.get(timeout=left)
        except queue.Empty:
            break
        if text in line:
            return line
    raise AssertionError(f"no line with {text!r} within {timeout} s")


def _scrape_until(address: str, name: str, deadline: float = 30.0) -> str:
    started = time.monotonic()
    while True:
        text = httpx.get(address, timeout=10).text
        if _sample(text, name) is not None or time.monotonic() - started > deadline:
            return text
        time.sleep(0.2)


def test_one_process_syncs_and_serves(exporter: tuple[subprocess.Popen[str], str, FakeAIMLAPI, str]) -> None:
    process, address, fake, _url = exporter
    text = _scrape_until(address, "aimlapi_store_sync_success")
    assert _sample(text, "aimlapi_store_sync_success") == 1
    assert _sample(text, "aimlapi_store_sync_failures_total") == 0
    text = _scrape_until(address, "aimlapi_balance_usd")
    assert _sample(text, "aimlapi_balance_usd") == 275.78
    assert _sample(text, "aimlapi_store_stale") == 0
    assert 'key_prefix="b747e891"' in text
    assert any(seen.path.startswith("/v2/logs") for seen in fake.requests)
    assert process.poll() is None
    assert API_KEY not in text


def test_a_failed_sync_is_a_metric_and_a_log_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'spend.db'}"
    environment = {**os.environ, "AIML_API_KEY": API_KEY, "AIMLAPI_BILLING_BASE_URL": "http://127.0.0.1:9"}
    process = subprocess.Popen(
        [sys.executable, "-m", "aimlapi_billing", "exporter", "--db", url, "--listen", "127.0.0.1:0",
         "--sync-interval", "1h", "--max-retries", "0"],
        stderr=subprocess.PIPE, text=True, env=environment,
    )  # fmt: skip
    try:
        assert process.stderr is not None
        address = re.search(r"serving (http://\S+/metrics)", process.stderr.readline())
        assert address
        text = _scrape_until(address[1], "aimlapi_store_sync_success")
        assert _sample(text, "aimlapi_store_sync_success") == 0
        assert _sample(text, "aimlapi_store_sync_failures_total") == 1
        # The store was made (the sync migrates it before reading the API), but no sync finished: stale.
        assert _sample(text, "aimlapi_store_stale") == 1
        assert "aimlapi_balance_usd" not in text
        # A scrape before the first sync made the store logs that it could not be read: lines before it.
        warning = _line_with(process.stderr, "the store's sync failed")
        assert API_KEY not in warning
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=20)
        assert process.stderr is not None
        process.stderr.close()
    assert process.returncode == 0


@pytest.mark.parametrize(
    ("argv", "problem"),
    [
        (["--sync-interval", "1h"], "--sync-interval needs --db"),
        (["--max-age", "1h"], "--max-age needs --db"),
        (["--db", "sqlite:////tmp/x.db", "--model-window", "7d"], "--model-window is not read from the store"),
        (["--db", "sqlite:////tmp/x.db", "--sync-interval", "5m"], "--sync-interval"),
    ],
)
def test_store_options_that_do_not_go_together(argv: list[str], problem: str) -> None:
    import io

    from aimlapi_billing._cli import main

    out, err = io.StringIO(), io.StringIO()
    assert main(["exporter", "--listen", "127.0.0.1:0", *argv], out, err) == 2
    assert problem in err.getvalue()
    assert len(err.getvalue().splitlines()) == 1


class _RecordedWaits:
    """The syncer's stop event, recording each wait instead of waiting (no clock in the test), and
    set once ``runs`` runs are done."""

    def __init__(self, runs: int) -> None:
        self.waits: list[datetime.timedelta] = []
        self.runs = runs

    def is_set(self) -> bool:
        return len(self.waits) >= self.runs

    def wait(self, seconds: float) -> bool:
        self.waits.append(datetime.timedelta(seconds=seconds))
        return self.is_set()


def test_a_failed_sync_is_tried_again_sooner_with_back_off(tmp_path: Path) -> None:
    from fake_api_server import Reset

    from aimlapi_billing import Billing
    from aimlapi_billing.metrics.store import StoreSyncer

    url = f"sqlite:///{tmp_path / 'spend.db'}"
    with (
        FakeAIMLAPI() as fake,
        Billing(api_key=API_KEY, base_url=fake.url, allow_insecure_http=True, max_retries=0) as billing,
    ):
        fake.script("/v1/keys", Reset(), Reset(), Reset())  # the first three syncs fail at their first read
        syncer = StoreSyncer(url, billing, datetime.timedelta(hours=1))
        recorded = _RecordedWaits(runs=5)
        syncer._stop = recorded  # type: ignore[assignment]
        syncer._loop()
    seconds = [wait.total_seconds() for wait in recorded.waits]
    # 30 s, 1 min, 2 min after the failures, then the interval after each success.
    assert seconds == [30, 60, 120, 3600, 3600]
    assert (syncer.failures, syncer.success) == (3, True)
    # A long outage never waits longer than the interval, however many failures.
    assert [syncer.next_wait(n) for n in (7, 8, 1000)] == [
        datetime.timedelta(minutes=32),
        *[datetime.timedelta(hours=1)] * 2,
    ]


def test_a_stopped_syncer_ends_its_run_at_a_safe_point_and_counts_no_failure(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The exporter's Ctrl-C stops the background sync at its next safe point (no wait for the whole
    sync); a stop is no failed sync: no failure counted, no warning, and the store keeps no finished run."""
    from aimlapi_billing import Billing
    from aimlapi_billing.metrics.store import StoreSyncer

    url = f"sqlite:///{tmp_path / 'spend.db'}"
    with FakeAIMLAPI() as fake, Billing(api_key=API_KEY, base_url=fake.url, allow_insecure_http=True) as billing:
        syncer = StoreSyncer(url, billing, datetime.timedelta(hours=1))
        syncer.stop()  # before the run: its first safe point ends it
        syncer.run_once()
        assert (syncer.success, syncer.failures, syncer.syncing.is_set()) == (None, 0, False)
        assert not any(seen.path.startswith("/v2/logs") for seen in fake.requests)  # it ended before the logs
    assert not any(record.levelno >= 30 for record in caplog.records)
    assert _sample(_exposition(url), "aimlapi_store_stale") == 1  # no sync finished
