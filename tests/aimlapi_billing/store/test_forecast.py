"""``forecast --db``: the runway from the stored ledger and balance equals the API's forecast made at
the store's moment (auto top-up aside: the store keeps no settings, so it is unknown), on SQLite and
PostgreSQL; a stale store exits 12."""

from __future__ import annotations

import dataclasses
import datetime
import io
import json
from collections.abc import Iterator

import pytest
from fake_api_server import FakeAIMLAPI, large_server

from aimlapi_billing._cli import main

from .conftest import billing_for

#: What only the API knows: the auto top-up settings and what follows from them.
_API_ONLY = {"autotopup_enabled", "autotopup_threshold_usd", "autotopup_amount_usd", "next_topup_at"}


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    return main(list(argv), out, err), out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def large() -> Iterator[FakeAIMLAPI]:
    with large_server(3000, now=datetime.datetime.now(datetime.UTC)) as server:
        yield server


@pytest.mark.parametrize("days", [3, 30, 200])
def test_the_stores_forecast_is_the_apis_at_the_stores_moment(
    store_url: str, large: FakeAIMLAPI, days: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aimlapi_billing.store import forecast, last_synced, open_for_reading, open_for_sync, sync

    with billing_for(large) as billing:
        with open_for_sync(store_url) as opened:
            sync(opened, billing)
        with open_for_reading(store_url) as opened:
            as_of = last_synced(opened)
            assert as_of is not None
            stored = forecast(opened, as_of, datetime.timedelta(days=days))
        with monkeypatch.context() as made_then:  # the API's forecast made at the store's moment: its
            made_then.setattr("aimlapi_billing._windows.utc_now", lambda: as_of)  # runway counts from it
            live = billing.forecast(window=datetime.timedelta(days=days), as_of=as_of)
    assert stored.entries_read > 0
    for field in dataclasses.fields(live):
        if field.name not in _API_ONLY:
            assert getattr(stored, field.name) == getattr(live, field.name), field.name
    assert stored.autotopup_enabled is None  # unknown, never "off"


def test_forecast_db_json_and_its_store_errors(
    store_url: str, small_fake: FakeAIMLAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIMLAPI_BILLING_BASE_URL", small_fake.url)
    assert run("sync", "--db", store_url)[0] == 0
    code, out, err = run("forecast", "--db", store_url, "--max-age", "1h", "--json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["balance_usd"] == "275.78"
    assert data["autotopup_enabled"] is None
    code, out, _ = run("forecast", "--db", store_url)
    assert code == 0
    assert out.rstrip().splitlines()[-1].startswith("(from the store ")
    requests = len(small_fake.requests)
    from sqlalchemy import text

    from aimlapi_billing.store import open_for_sync

    with open_for_sync(store_url) as opened, opened.transaction() as connection:
        connection.execute(text("UPDATE sync_runs SET started_us = started_us - 2 * 86400000000"))
    code, out, err = run("forecast", "--db", store_url, "--max-age", "1d")
    assert (code, out) == (12, "")
    assert "was last synced 2d 0h ago" in err
    assert len(err.splitlines()) == 1
    assert len(small_fake.requests) == requests  # the store alone was read


def test_max_age_without_db_is_a_usage_error() -> None:
    code, out, err = run("forecast", "--max-age", "2h")
    assert (code, out) == (2, "")
    assert "--max-age needs --db" in err


def test_forecast_db_takes_a_calendar_window_up_to_the_stores_moment(
    store_url: str, small_fake: FakeAIMLAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``this-month`` ends at the store's last sync; ``last-month`` at its own end; ``--tz`` alone is refused."""
    monkeypatch.setenv("AIMLAPI_BILLING_BASE_URL", small_fake.url)
    assert run("sync", "--db", store_url)[0] == 0
    now = datetime.datetime.now(datetime.UTC)
    this_month = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    code, out, err = run("forecast", "--db", store_url, "--window", "this-month", "--json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert datetime.datetime.fromisoformat(data["window_start"]) == this_month
    assert now - datetime.timedelta(minutes=5) < datetime.datetime.fromisoformat(data["as_of"]) <= now
    code, out, err = run("forecast", "--db", store_url, "--window", "last-month", "--json")
    assert (code, err) == (0, "")
    assert datetime.datetime.fromisoformat(json.loads(out)["as_of"]) == this_month
    code, out, err = run("forecast", "--db", store_url, "--window", "7d", "--tz", "Europe/Berlin")
    assert (code, out) == (2, "")
    assert "--tz sets where the days" in err
