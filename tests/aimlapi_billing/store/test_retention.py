"""Retention on SQLite and PostgreSQL: ``prune`` removes exactly what is older than the cut-off, says
how much, all in one transaction, and a later sync does not bring it back; ``sync --keep`` at its edges."""

from __future__ import annotations

import datetime
import io
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fake_api_server import FakeAIMLAPI, large_server

from aimlapi_billing._cli import main

from .conftest import billing_for, dump, scalar

ROWS = 3000
_DAY_US = 86_400_000_000
#: Each dump's moment column and what makes a row old (the rule of the docs, restated).
_MOMENT = {"logs": 2, "ledger": 1}


@pytest.fixture(scope="module")
def large() -> Iterator[FakeAIMLAPI]:
    with large_server(ROWS, now=datetime.datetime.now(datetime.UTC)) as server:
        yield server


def _sync(url: str, fake: FakeAIMLAPI) -> dict[str, int]:
    from aimlapi_billing.store import open_for_sync, sync

    with billing_for(fake) as billing, open_for_sync(url) as store:
        return sync(store, billing).added


def _prune(url: str, cutoff: datetime.datetime) -> dict[str, int]:
    from aimlapi_billing.store import open_for_sync, prune

    with open_for_sync(url) as store:
        return prune(store, cutoff).counts


def _micros(moment: datetime.datetime) -> int:
    return (moment - datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)) // datetime.timedelta(microseconds=1)


def _kept(before: dict[str, list[tuple[Any, ...]]], cutoff: datetime.datetime) -> dict[str, list[tuple[Any, ...]]]:
    cut, day = _micros(cutoff), cutoff.date().isoformat()
    kept = {table: [row for row in before[table] if row[column] >= cut] for table, column in _MOMENT.items()}
    kept["usage_daily"] = [row for row in before["usage_daily"] if row[1] >= day]
    kept["key_versions"] = [row for row in before["key_versions"] if row[2] is None or row[2] >= cut]
    return kept


def test_prune_removes_exactly_the_older_rows_and_counts_them(store_url: str, large: FakeAIMLAPI) -> None:
    _sync(store_url, large)
    before = dump(store_url)
    cutoff = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=40, hours=5)
    counts = _prune(store_url, cutoff)
    after = dump(store_url)
    expected = _kept(before, cutoff)
    for table in ("logs", "ledger", "usage_daily", "key_versions"):
        assert after[table] == expected[table], table
        assert counts[table] == len(before[table]) - len(after[table]), table
    assert counts["logs"] > 1000  # the large account spans 100 days: most of it went
    assert after["logs"]  # and the last 40 days stayed
    assert after["balances"] == before["balances"]  # the newest balance always stays
    # Every key keeps its current version, however old.
    assert {row[0] for row in after["key_versions"] if row[2] is None} == {row[0] for row in before["key_versions"]}
    assert _prune(store_url, cutoff) == dict.fromkeys(counts, 0)


def test_a_sync_after_pruning_adds_nothing_back(store_url: str, large: FakeAIMLAPI) -> None:
    _sync(store_url, large)
    _prune(store_url, datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=30))
    pruned = dump(store_url)
    added = _sync(store_url, large)
    assert (added["ledger"], added["logs"]) == (0, 0)
    assert dump(store_url)["logs"] == pruned["logs"]


def test_a_prune_that_fails_midway_removes_nothing(tmp_path: Path, large: FakeAIMLAPI) -> None:
    from aimlapi_billing.store import StoreError

    url = f"sqlite:///{tmp_path / 'spend.db'}"
    _sync(url, large)
    database = sqlite3.connect(tmp_path / "spend.db")
    with database:  # the third table refuses its delete: the logs' and ledger's deletes must roll back
        database.execute("CREATE TRIGGER refuse BEFORE DELETE ON usage_daily BEGIN SELECT RAISE(ABORT, 'refused'); END")
    database.close()
    before = dump(url)
    with pytest.raises(StoreError, match="refused"):
        _prune(url, datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=10))
    assert dump(url) == before
    assert scalar(url, "SELECT COUNT(*) FROM logs") == len(before["logs"])


def _cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    return main(list(argv), out, err), out.getvalue(), err.getvalue()


def test_sync_keep_says_what_it_pruned(
    tmp_path: Path, small_fake: FakeAIMLAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIMLAPI_BILLING_BASE_URL", small_fake.url)
    url = f"sqlite:///{tmp_path / 'spend.db'}"
    code, out, err = _cli("sync", "--db", url, "--keep", "5d")
    assert (code, err) == (0, "")
    first, second = out.splitlines()
    assert first.startswith(f"synced {url}")
    # The default account: 7 ledger entries over 12 days, 5 requests over 3 days; 5 days keep 4 entries.
    assert second.startswith("pruned what is older than 5d (")
    assert second.endswith("3 ledger entries, 0 log rows, 0 usage rows, 0 key versions, 0 balances")
    assert scalar(url, "SELECT COUNT(*) FROM ledger") == 4


@pytest.mark.parametrize(
    ("argv", "problem"),
    [
        (["--keep", "1h"], "must be 1d or more"),
        (["--keep", "12h"], "must be 1d or more"),
        (["--keep", "2d", "--settle", "3d"], "longer than --settle 3d"),
        (
            ["--keep", "0d"],
            "argument --keep: not a span like 24h, 7d, 2w or 1mo (whole hours, days, weeks or calendar months): '0d'",
        ),
        (
            ["--keep", "-5d"],
            "argument --keep: not a span like 24h, 7d, 2w or 1mo (whole hours, days, weeks or calendar months): '-5d'",
        ),
        (
            ["--keep=-5d"],
            "argument --keep: not a span like 24h, 7d, 2w or 1mo (whole hours, days, weeks or calendar months): '-5d'",
        ),
        (
            ["--keep", "nan"],
            "argument --keep: not a span like 24h, 7d, 2w or 1mo (whole hours, days, weeks or calendar months): 'nan'",
        ),
        (
            ["--keep", "400"],
            "argument --keep: not a span like 24h, 7d, 2w or 1mo (whole hours, days, weeks or calendar months): '400'",
        ),
        (["--keep", "3661d"], "argument --keep: must be from 1h to 3660d, not '3661d'"),
        (
            ["--settle", "-1.5h"],
            "argument --settle: not a span like 24h, 7d, 2w or 1mo "
            "(whole hours, days, weeks or calendar months): '-1.5h'",
        ),
    ],
)
def test_sync_keep_at_its_edges_prunes_nothing(
    tmp_path: Path, small_fake: FakeAIMLAPI, monkeypatch: pytest.MonkeyPatch, argv: list[str], problem: str
) -> None:
    monkeypatch.setenv("AIMLAPI_BILLING_BASE_URL", small_fake.url)
    code, out, err = _cli("sync", "--db", str(tmp_path / "spend.db"), *argv)
    assert (code, out) == (2, "")
    assert len(err.splitlines()) == 1
    assert problem in err
    assert not (tmp_path / "spend.db").exists()
    assert small_fake.requests == []
