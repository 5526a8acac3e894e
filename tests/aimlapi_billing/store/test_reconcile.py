"""``reconcile --db``: the comparison computed from the stored records, on SQLite and PostgreSQL, gives
the verdict, the totals and the mismatched ids the live ``reconcile`` gives over the same stand-in
data; a stale store, or a window reaching past the last finished sync, never gets a silent verdict."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from typing import Any

import pytest
from fake_api.data import iso, ledger_entry
from fake_api_server import FakeAIMLAPI, dated_account

from aimlapi_billing._cli._commands.reconcile import EXIT_MISMATCH
from aimlapi_billing._cli._store import EXIT_STORE_STALE
from tests.helpers.cli import run

from .conftest import billing_for

pytestmark = pytest.mark.usefixtures("fast_backoff")
MIDNIGHT = datetime.datetime.now(datetime.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
#: The stand-in's moment: its requests (from 3.2 days before to 45 minutes after it) all before MIDNIGHT.
NOW = MIDNIGHT - datetime.timedelta(hours=3)
#: Whole UTC days up to today's midnight (the usage is kept by day), when a request's charge has landed.
WINDOW = ("--start", iso(MIDNIGHT - datetime.timedelta(days=5)), "--end", iso(MIDNIGHT))


def _synced(url: str, fake: FakeAIMLAPI) -> None:
    from aimlapi_billing.store import open_for_sync, sync

    with billing_for(fake) as billing, open_for_sync(url) as store:
        sync(store, billing)


def _ghost_charge() -> Iterator[FakeAIMLAPI]:
    """A charge billing a request no log row has: only in the ledger."""
    keys, logs, ledger = dated_account(NOW)
    ghost = ledger_entry(iso(MIDNIGHT - datetime.timedelta(hours=30)), "CHARGE", "MODEL_USAGE", 0.5, "x/y", "inf-ghost")
    ledger = sorted([*ledger, ghost], key=lambda entry: str(entry["created_at"]), reverse=True)
    with FakeAIMLAPI(now=NOW, keys=keys, logs=logs, ledger=ledger) as fake:
        yield fake


@pytest.fixture
def fake(request: pytest.FixtureRequest) -> Iterator[FakeAIMLAPI]:
    kind = getattr(request, "param", "")
    if kind == "only_in_ledger":
        yield from _ghost_charge()
        return
    with FakeAIMLAPI(now=NOW, discrepancies=(kind,) if kind else ()) as server:
        yield server


def _verdict(data: dict[str, Any]) -> dict[str, Any]:
    """What both must tell alike: the verdict, the totals and every mismatched id with its amounts."""
    rows = ("only_in_logs", "only_in_ledger", "amounts_differ", "pending")
    return {
        "agree": data["agree"],
        "ledger": data["ledger"],
        "logs": {name: data["logs"][name] for name in ("spend", "rows", "charged_rows")},
        "usage": data["usage"],
        "ledger_minus_logs_usd": data["ledger_minus_logs_usd"],
        "usage_minus_logs_usd": data["usage_minus_logs_usd"],
        **{
            name: [(row["id"], row["ledger_usd"], row["logs_usd"], row["model"]) for row in data[name]] for name in rows
        },
    }


@pytest.mark.parametrize(
    ("fake", "code", "kind"),
    [
        ("", 0, None),
        ("missing_charge", EXIT_MISMATCH, "only_in_logs"),
        ("amount_differs", EXIT_MISMATCH, "amounts_differ"),
        ("only_in_ledger", EXIT_MISMATCH, "only_in_ledger"),
    ],
    indirect=["fake"],
)
def test_the_verdict_is_the_live_one(store_url: str, fake: FakeAIMLAPI, code: int, kind: str | None) -> None:
    _synced(store_url, fake)
    live_code, live, live_err = run("reconcile", *WINDOW, "--json", "--base-url", fake.url)
    stored_code, stored, stored_err = run("reconcile", *WINDOW, "--json", "--db", store_url)
    assert (live_code, live_err) == (code, "")
    assert (stored_code, stored_err) == (code, "")
    from_api, from_store = json.loads(live), json.loads(stored)
    assert _verdict(from_store) == _verdict(from_api)
    assert from_store["logs"]["rows"] > 0
    if kind is not None:
        assert len(from_store[kind]) == 1
    # What only the store says: the whole UTC days its usage covers, and its moment.
    first_day = (MIDNIGHT - datetime.timedelta(days=5)).date().isoformat()
    assert from_store["usage_days"] == {
        "first": first_day,
        "last": (MIDNIGHT.date() - datetime.timedelta(days=1)).isoformat(),
    }
    assert from_store["complete"] is True


@pytest.mark.parametrize("fake", ["missing_charge"], indirect=True)
def test_the_table_names_the_store_and_the_mismatch(store_url: str, fake: FakeAIMLAPI) -> None:
    _synced(store_url, fake)
    code, out, err = run("reconcile", *WINDOW, "--db", store_url)
    assert (code, err) == (EXIT_MISMATCH, "")
    lines = out.splitlines()
    assert any(line.split()[:4] == ["inf-4", "logs", "0.31", "USD"] for line in lines)
    assert "on the whole UTC days" in out
    assert lines[-2].startswith("verdict")
    assert "DISAGREE" in lines[-2]
    assert lines[-1].startswith("(from the store ")


def test_a_window_without_a_whole_day_shows_no_usage_difference(store_url: str, fake: FakeAIMLAPI) -> None:
    _synced(store_url, fake)
    hours = (
        "--start",
        iso(MIDNIGHT - datetime.timedelta(hours=30)),
        "--end",
        iso(MIDNIGHT - datetime.timedelta(hours=6)),
    )
    code, out, err = run("reconcile", *hours, "--db", store_url)
    assert err == "", err
    assert code in (0, EXIT_MISMATCH)
    assert "the window has no whole day, not compared" in out
    (line,) = [line for line in out.splitlines() if line.startswith("usage - logs")]
    assert line.split(None, 3)[3] == "not compared (no whole UTC day in the window)", line  # never "+0.00 USD"
    code, out, err = run("reconcile", *hours, "--db", store_url, "--json")
    assert err == "", err
    data = json.loads(out)
    assert data["usage_days"] is None
    # What the table calls "not compared" is null, never "0" (before: "usage_minus_logs_usd": "0").
    assert (data["usage_minus_logs_usd"], data["usage_logs_spend"]) == (None, None)


def test_an_empty_window_agrees_with_nothing_in_it(store_url: str, fake: FakeAIMLAPI) -> None:
    _synced(store_url, fake)
    empty = (
        "--start",
        iso(MIDNIGHT - datetime.timedelta(days=60)),
        "--end",
        iso(MIDNIGHT - datetime.timedelta(days=50)),
    )
    code, out, err = run("reconcile", *empty, "--json", "--db", store_url)
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert (data["agree"], data["logs"]["rows"], data["ledger"]["charges"]) == (True, 0, 0)
    assert data["ledger"]["spend"] == data["logs"]["spend"] == data["usage"]["spend"] == "0"
    live_code, live, _ = run("reconcile", *empty, "--json", "--base-url", fake.url)
    assert live_code == 0
    assert _verdict(json.loads(live)) == _verdict(data)


def _age(url: str, days: int) -> None:
    """Make the store's syncs ``days`` older, as if nothing had synced since."""
    from sqlalchemy import text

    from aimlapi_billing.store import open_for_sync

    shift = days * 86_400_000_000
    with open_for_sync(url) as store, store.transaction() as connection:
        connection.execute(
            text("UPDATE sync_runs SET started_us = started_us - :shift, finished_us = finished_us - :shift"),
            {"shift": shift},
        )


def test_a_store_older_than_max_age_prints_nothing_and_exits_12(store_url: str, fake: FakeAIMLAPI) -> None:
    _synced(store_url, fake)
    _age(store_url, 2)
    code, out, err = run("reconcile", "--period", "24h", "--max-age", "1d", "--db", store_url)
    assert (code, out) == (EXIT_STORE_STALE, "")
    assert len(err.splitlines()) == 1
    assert "older than --max-age 1d 0h" in err


def test_a_window_past_the_last_sync_is_never_a_silent_verdict(store_url: str, fake: FakeAIMLAPI) -> None:
    _synced(store_url, fake)
    _age(store_url, 2)  # the records agree, but the store stops two days before the window's end
    code, out, err = run("reconcile", *WINDOW, "--json", "--db", store_url)
    assert code == EXIT_STORE_STALE
    data = json.loads(out)
    assert (data["agree"], data["complete"]) == (False, False)
    assert "after the store's last finished sync" in err
    assert len(err.splitlines()) == 1
    code, out, _ = run("reconcile", *WINDOW, "--db", store_url)
    assert code == EXIT_STORE_STALE
    assert "CANNOT COMPARE" in out.splitlines()[-1]


def test_a_period_ends_at_the_last_sync(store_url: str, fake: FakeAIMLAPI) -> None:
    _synced(store_url, fake)
    _age(store_url, 1)
    code, out, err = run("reconcile", "--period", "30d", "--json", "--db", store_url)
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["end"] == data["as_of"]
    assert data["complete"] is True


def test_a_store_without_a_finished_sync_exits_12(tmp_path: Any) -> None:
    from aimlapi_billing.store import open_for_sync

    url = f"sqlite:///{tmp_path / 'spend.db'}"
    with open_for_sync(url):
        pass
    code, out, err = run("reconcile", "--db", url)
    assert (code, out) == (EXIT_STORE_STALE, "")
    assert "has no finished sync" in err


def test_max_age_without_db_is_a_usage_error() -> None:
    code, out, err = run("reconcile", "--max-age", "1d")
    assert (code, out) == (2, "")
    assert "--max-age needs --db" in err


@pytest.mark.parametrize("fake", ["amount_differs"], indirect=True)
def test_tolerance_and_settle_are_the_live_ones(store_url: str, fake: FakeAIMLAPI) -> None:
    _synced(store_url, fake)
    for options in (("--tolerance", "0.02"), ("--tolerance", "0.005", "--settle", "0")):
        live_code, live, _ = run("reconcile", *WINDOW, *options, "--json", "--base-url", fake.url)
        stored_code, stored, _ = run("reconcile", *WINDOW, *options, "--json", "--db", store_url)
        assert stored_code == live_code
        assert _verdict(json.loads(stored)) == _verdict(json.loads(live))
    assert stored_code == EXIT_MISMATCH
    assert live_code == EXIT_MISMATCH


def test_a_file_that_is_not_a_store_is_one_line_and_exit_9(tmp_path: Any) -> None:
    other = tmp_path / "notes.txt"
    other.write_text("not a database\n" * 100)
    code, out, err = run("reconcile", "--db", f"sqlite:///{other}")
    assert (code, out) == (9, "")
    assert len(err.splitlines()) == 1
    assert other.read_text() == "not a database\n" * 100
