"""The store's fixtures: a store URL on SQLite and on a real PostgreSQL server (``store_url`` runs
a test on both), the stand-in's large account, and :func:`dump`, a store's content without the
database's own ids and the moments of its runs, to compare two stores."""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fake_api_server import FakeAIMLAPI, large_server

from tests.helpers import postgres

#: The large account's requests. 20,000 take every path 100,000 do (about 40 log pages per key, a
#: 100-day span split at 92 days, every ledger type, rows without an id, kills inside a page's
#: transaction and between pages) in a fifth of the time: these tests were a fifth of the suite's.
#: ``AIMLAPI_BILLING_STORE_ROWS=100000`` runs them at the old scale; the scale's figures are
#: ``benchmarks/store.py``'s.
LARGE_ROWS = int(os.environ.get("AIMLAPI_BILLING_STORE_ROWS", "20000"))


@pytest.fixture(scope="session")
def pg_server() -> Iterator[postgres.Server]:
    """One PostgreSQL server per pytest process (each xdist worker its own), stopped by its PID."""
    with postgres.running() as server:
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty store: an SQLite file that does not exist yet, or a new PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'spend.db'}"
    server: postgres.Server = request.getfixturevalue("pg_server")
    return server.new_database()


@pytest.fixture(scope="session")
def large_fake() -> Iterator[FakeAIMLAPI]:
    """The large account (LARGE_ROWS requests over 100 days, five keys, every ledger type), fixed in time."""
    with large_server(LARGE_ROWS, now=datetime.datetime.now(datetime.UTC)) as server:
        yield server


@pytest.fixture
def small_fake() -> Iterator[FakeAIMLAPI]:
    """The default account, dated as seen from now (so its rows are in a sync's window)."""
    with FakeAIMLAPI() as server:
        yield server


def billing_for(fake: FakeAIMLAPI) -> Any:
    from aimlapi_billing import Billing

    return Billing(api_key="k" * 32, base_url=fake.url, allow_insecure_http=True, logs_rate_limit=None, max_retries=0)


_DUMPS = {
    "logs": "SELECT k.prefix, l.uid, l.created_us, l.status, l.origin, m.name, l.usd_nano, l.usd_text, l.credits, "
    "l.tokens_in, l.tokens_out, l.tokens_total, l.request_id, l.client_request_id FROM logs l "
    "JOIN keys k ON k.id = l.key_id JOIN models m ON m.id = l.model_id",
    "ledger": "SELECT e.uid, e.created_us, e.direction, e.type, e.usd_nano, e.usd_text, e.credits, m.name, "
    "e.reference_id FROM ledger e LEFT JOIN models m ON m.id = e.model_id",
    "usage_daily": "SELECT k.prefix, u.day, m.name, u.spend_nano, u.spend_text, u.requests_total, "
    "u.requests_charged, u.requests_failed, u.tokens_in, u.tokens_out, u.tokens_total FROM usage_daily u "
    "JOIN keys k ON k.id = u.key_id JOIN models m ON m.id = u.model_id",
    "key_versions": "SELECT k.prefix, v.valid_from_us, v.valid_to_us, v.created_us, v.name, v.disabled, v.scopes, "
    "v.limit_threshold, v.limit_retention FROM key_versions v JOIN keys k ON k.id = v.key_id",
    "balances": "SELECT usd_nano, usd_text FROM balances",
}


def dump(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every record of the store, sorted, without row ids (which differ with insertion order) and
    without the moments runs happened (balance observations, sync state)."""
    from sqlalchemy import text

    from aimlapi_billing.store import open_for_reading

    result: dict[str, list[tuple[Any, ...]]] = {}
    with open_for_reading(url) as store, store.connect() as connection:
        for table, sql in _DUMPS.items():
            rows = [tuple(int(v) if isinstance(v, bool) else v for v in row) for row in connection.execute(text(sql))]
            result[table] = sorted(rows, key=repr)
    return result


def scalar(url: str, sql: str, **params: Any) -> Any:
    from sqlalchemy import text

    from aimlapi_billing.store import open_for_reading

    with open_for_reading(url) as store, store.connect() as connection:
        return connection.execute(text(sql), params).scalar()


@pytest.fixture
def api(small_fake: FakeAIMLAPI, monkeypatch: pytest.MonkeyPatch) -> FakeAIMLAPI:
    """The small stand-in account as the CLI's API (its address in the environment), no store from it."""
    monkeypatch.setenv("AIMLAPI_BILLING_BASE_URL", small_fake.url)
    monkeypatch.delenv("AIMLAPI_BILLING_DB", raising=False)
    return small_fake
