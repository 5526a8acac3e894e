"""A migration is one transaction on SQLite too: a first sync killed (SIGKILL) or failing (a full disk)
while it creates the schema leaves no table, and the next sync makes the whole schema."""

from __future__ import annotations

import io
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from fake_api_server import FakeAIMLAPI

from aimlapi_billing._cli import main

# Runs the first revision in the migration's own transaction, then dies as a kill or a full disk would.
_MIDWAY = """
import os, signal, sys
from alembic import command
real = command.upgrade

def midway(config, _revision, **kwargs):
    real(config, "0001", **kwargs)
    if sys.argv[2] == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    import sqlite3
    raise sqlite3.OperationalError("database or disk is full")

command.upgrade = midway
from aimlapi_billing.store import open_for_sync
with open_for_sync(sys.argv[1]):
    pass
"""


def _tables(path: Path) -> list[str]:
    with sqlite3.connect(path) as connection:
        return [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]


@pytest.mark.parametrize("how", ["kill", "full"])
def test_a_first_migration_that_dies_midway_leaves_no_table_and_the_next_sync_works(
    small_fake: FakeAIMLAPI, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, how: str
) -> None:
    path = tmp_path / "spend.db"
    died = subprocess.run(
        [sys.executable, "-c", _MIDWAY, f"sqlite:///{path}", how], capture_output=True, text=True, timeout=120
    )
    if how == "kill":
        assert died.returncode == -signal.SIGKILL
    else:
        assert died.returncode == 1
        assert "disk is full" in died.stderr
    assert _tables(path) == []  # the revision that ran inside the transaction was rolled back
    monkeypatch.setenv("AIMLAPI_BILLING_BASE_URL", small_fake.url)
    monkeypatch.delenv("AIMLAPI_BILLING_DB", raising=False)
    out, err = io.StringIO(), io.StringIO()
    assert main(["sync", "--db", str(path)], out, err) == 0, err.getvalue()
    assert "7 new ledger entries" in out.getvalue()
    assert {"alembic_version", "keys"} <= set(_tables(path))
