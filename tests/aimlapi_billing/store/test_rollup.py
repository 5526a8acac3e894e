"""Migration 0002's daily rollup, on SQLite and PostgreSQL: an existing 0001 store upgrades with its
rows rolled up; the rollup stays the logs' own sums through syncs and pruning; a report through it
equals the sum of the rows themselves over windows that cut days anywhere."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from fake_api_server import FakeAIMLAPI, large_server

from aimlapi_billing.store._db import head_revision

from .conftest import billing_for, dump, scalar

DAY_US = 86_400_000_000
_ROLLED = "SELECT key_id, model_id, day, usd_nano, requests, row_count FROM spend_daily ORDER BY key_id, model_id, day"
_FROM_LOGS = (
    "SELECT key_id, model_id, created_us / 86400000000 AS day, SUM(COALESCE(usd_nano, 0)), "
    "SUM(CASE WHEN status = 'succeeded' THEN 1 ELSE 0 END), COUNT(*) FROM logs "
    "GROUP BY key_id, model_id, created_us / 86400000000 ORDER BY key_id, model_id, day"
)


@pytest.fixture(scope="module")
def large() -> Iterator[FakeAIMLAPI]:
    with large_server(4000, now=datetime.datetime.now(datetime.UTC)) as server:
        yield server


def _rows(url: str, sql: str) -> list[tuple[int, ...]]:
    from sqlalchemy import text

    from aimlapi_billing.store import open_for_reading

    with open_for_reading(url) as store, store.connect() as connection:
        return [tuple(int(value) for value in row) for row in connection.execute(text(sql))]


def _sync(url: str, fake: FakeAIMLAPI) -> None:
    from aimlapi_billing.store import open_for_sync, sync

    with billing_for(fake) as billing, open_for_sync(url) as store:
        sync(store, billing)


def test_a_0001_store_upgrades_with_its_rows_rolled_up(store_url: str, large: FakeAIMLAPI) -> None:
    from alembic import command
    from alembic.config import Config

    from aimlapi_billing.store import open_for_sync, resolve
    from aimlapi_billing.store._db import _MIGRATIONS, open_store
    from aimlapi_billing.store._sync import Sync

    store = open_store(resolve(store_url), create=True)  # a store as version 0.4's first release left it
    try:
        with store.transaction() as connection:
            config = Config()
            config.set_main_option("script_location", str(_MIGRATIONS))
            config.attributes["connection"] = connection
            command.upgrade(config, "0001")
        with billing_for(large) as billing:
            Sync(store, billing).run()
    finally:
        store.close()
    assert scalar_raw(store_url, "SELECT version_num FROM alembic_version") == "0001"
    logs = scalar_raw(store_url, "SELECT COUNT(*) FROM logs")
    with open_for_sync(store_url):
        pass  # the upgrade a sync makes first
    assert scalar(store_url, "SELECT version_num FROM alembic_version") == head_revision()
    assert scalar(store_url, "SELECT COUNT(*) FROM logs") == logs
    rolled = _rows(store_url, _ROLLED)
    assert rolled == _rows(store_url, _FROM_LOGS)
    assert sum(row[5] for row in rolled) == logs > 3000


def scalar_raw(url: str, sql: str) -> Any:
    """A value of a store of any revision (``scalar`` opens it as a reader: this version's only)."""
    from sqlalchemy import text

    from aimlapi_billing.store import resolve
    from aimlapi_billing.store._db import open_store

    store = open_store(resolve(url), create=False)
    try:
        with store.connect() as connection:
            return connection.execute(text(sql)).scalar()
    finally:
        store.close()


def test_the_rollup_stays_the_logs_sums_through_syncs_and_pruning(store_url: str, large: FakeAIMLAPI) -> None:
    from aimlapi_billing.store import open_for_sync, prune

    _sync(store_url, large)
    _sync(store_url, large)  # nothing new: nothing added twice
    assert _rows(store_url, _ROLLED) == _rows(store_url, _FROM_LOGS)
    with open_for_sync(store_url) as store:
        # A cut-off inside a day: that day's rows split between pruned and kept.
        prune(store, datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=50, hours=7))
    rolled = _rows(store_url, _ROLLED)
    assert rolled == _rows(store_url, _FROM_LOGS)
    assert all(row[5] > 0 for row in rolled)  # a day left empty is gone, not a row of zeros


def _expected(logs: list[tuple[Any, ...]], low: int, high: int) -> dict[tuple[str, str, int], tuple[Decimal, int]]:
    totals: dict[tuple[str, str, int], tuple[Decimal, int]] = {}
    for prefix, _uid, created, status, _origin, model, nano, amount, *_ in logs:
        if low <= created < high:
            usd = Decimal(amount) if amount is not None else Decimal(nano) / 10**9
            spent, count = totals.get((prefix, model, created // DAY_US), (Decimal(0), 0))
            totals[prefix, model, created // DAY_US] = (spent + usd, count + (status == "succeeded"))
    return totals


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def synced(
    request: pytest.FixtureRequest, large: FakeAIMLAPI, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, list[tuple[Any, ...]]]:
    """A store of each database synced once from the large account, and its logs: the reports over
    the windows below only read it."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('rollup') / 'spend.db'}"
    else:
        url = request.getfixturevalue("pg_server").new_database()
    _sync(url, large)
    return url, dump(url)["logs"]


@pytest.mark.parametrize(
    ("start_days", "end_days"),
    [(101.3, -1), (40.75, 10.2), (5.5, 5.1), (30, 0), (3.999, 3.001), (200, 150)],
)
def test_a_report_through_the_rollup_is_the_rows_own_sum(
    synced: tuple[str, list[tuple[Any, ...]]], start_days: float, end_days: float
) -> None:
    from aimlapi_billing.store import open_for_reading, spend

    store_url, logs = synced
    today = datetime.datetime.now(datetime.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    start = today - datetime.timedelta(days=start_days)
    end = today - datetime.timedelta(days=end_days)
    with open_for_reading(store_url) as store:
        report = spend(store, start, end, ("key", "model", "day"))
    epoch = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
    low, high = (
        (start - epoch) // datetime.timedelta(microseconds=1),
        (end - epoch) // datetime.timedelta(microseconds=1),
    )
    expected = _expected(logs, low, high)
    got = {
        (row.key_prefix, row.model, (row.day - epoch.date()).days): (row.spend, row.requests)  # type: ignore[operator]
        for row in report.rows
    }
    assert got == expected
    assert report.total == sum((spent for spent, _ in expected.values()), Decimal(0))
