"""``sync`` against the stand-in's large account (``LARGE_ROWS``), on SQLite and on a real PostgreSQL server: the
store holds the account's truth, a second run adds nothing and costs a few requests per key, a run
killed with SIGKILL (between pages, inside a transaction) and taken up again leaves exactly the
store an uninterrupted run makes."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fake_api_server import FakeAIMLAPI

from .conftest import LARGE_ROWS, billing_for, dump, scalar

# The large account (LARGE_ROWS requests) synced several times: seconds per test.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[3]
CHILD = ROOT / "tests" / "helpers" / "sync_child.py"


def _sync(url: str, fake: FakeAIMLAPI) -> dict[str, int]:
    from aimlapi_billing.store import open_for_sync, sync

    with billing_for(fake) as billing, open_for_sync(url) as store:
        return sync(store, billing).added


def _child(url: str, fake: FakeAIMLAPI, hold: int | None = None) -> subprocess.Popen[str]:
    command = [sys.executable, str(CHILD), url, fake.url, *([] if hold is None else [str(hold)])]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "scripts"), *sys.path])}
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def _kill_at(process: subprocess.Popen[str], marker: str, delay: float) -> bool:
    """Wait for ``marker`` on the child's stdout, then ``delay`` seconds; SIGKILL it. Whether it was
    killed (rather than done by then)."""
    assert process.stdout is not None
    while (line := process.stdout.readline()) and line.strip() != marker:
        pass
    if line:
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
    _, errors = process.communicate(timeout=60)
    assert line, errors  # it ended without reaching the marker
    assert process.returncode in (0, -signal.SIGKILL), errors
    return process.returncode == -signal.SIGKILL


@pytest.fixture(scope="module")
def uninterrupted(
    large_fake: FakeAIMLAPI, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, list[tuple[Any, ...]]]:
    """The store one uninterrupted sync of the large account makes (on SQLite), made once for both
    databases' killed syncs: it is the same store for either."""
    reference = f"sqlite:///{tmp_path_factory.mktemp('uninterrupted') / 'spend.db'}"
    added = _sync(reference, large_fake)
    assert added["logs"] == LARGE_ROWS
    return dump(reference)


def test_killed_syncs_resume_to_the_uninterrupted_store(
    store_url: str, large_fake: FakeAIMLAPI, uninterrupted: dict[str, list[tuple[Any, ...]]]
) -> None:
    picker = random.Random(20)  # random moments, the same in every run of the suite
    # Inside a transaction: a page inserted, not committed (the ledger's 5th, then a log page).
    for hold in (5, LARGE_ROWS // 200 + picker.randrange(LARGE_ROWS // 200)):
        assert _kill_at(_child(store_url, large_fake, hold), "inside", 0.0)
    assert 0 < scalar(store_url, "SELECT count(*) FROM logs") < LARGE_ROWS  # a partial store: neither empty nor whole
    # Between pages, wherever it is after a random moment.
    for _ in range(2):
        _kill_at(_child(store_url, large_fake), "started", picker.uniform(0.2, 0.3 + LARGE_ROWS / 40_000))
    _sync(store_url, large_fake)
    assert dump(store_url) == uninterrupted


def test_the_store_holds_the_accounts_truth_and_a_second_run_adds_nothing(
    store_url: str, large_fake: FakeAIMLAPI
) -> None:
    added = _sync(store_url, large_fake)
    truth = large_fake.logs
    assert added["logs"] == len(truth) == LARGE_ROWS
    assert added["ledger"] == len(large_fake.ledger)
    spend = sum((Decimal(repr(row["cost"]["usd"])) for row in truth), Decimal(0))
    stored = dump(store_url)
    from aimlapi_billing.store._values import decode_usd, exact_sum

    assert exact_sum(decode_usd(row[6], row[7]) for row in stored["logs"]) == spend
    without_id = sum(1 for row in truth if not row["inference_id"])
    assert without_id > 0
    assert scalar(store_url, "SELECT count(*) FROM logs WHERE uid LIKE 'row:%'") == without_id
    assert scalar(store_url, "SELECT count(*) FROM logs WHERE usd_text IS NOT NULL") == sum(
        1 for row in truth if Decimal(repr(row["cost"]["usd"])).scaleb(9) % 1
    )
    types = {row[3] for row in stored["ledger"]}
    assert types == {"INIT", "PAYMENT", "BONUS", "REFUND", "ADJUSTMENT", "CREDITS_EXPIRED", "MODEL_USAGE"}
    assert sum(1 for row in stored["ledger"] if row[3] == "BONUS") == 2  # identical entries, both kept
    assert len(stored["key_versions"]) == 5
    assert stored["balances"] == [(275_780_000_000, None)]

    before = len(large_fake.requests)
    again = _sync(store_url, large_fake)
    assert (again["logs"], again["ledger"], again["keys"]) == (0, 0, 0)
    # An idle account: the keys, the balance, one ledger page, and per key one logs and one usage request.
    assert len(large_fake.requests) - before <= 3 + 2 * len(large_fake.keys)
    assert dump(store_url) == stored
