"""``check-keys --db``: the keys' spend against their limits read from the store, on SQLite and
PostgreSQL, gives the API's own verdict and figures; a store older than --max-age, or none, is
UNKNOWN, never an old figure."""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_api_server import FakeAIMLAPI, large_server

from aimlapi_billing._cli import main

from .conftest import billing_for, scalar

_AS_OF = re.compile(r"; from the store as of \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    return main(list(argv), out, err), out.getvalue(), err.getvalue()


def _sync(url: str, fake: FakeAIMLAPI) -> None:
    from aimlapi_billing.store import open_for_sync, sync

    with billing_for(fake) as billing, open_for_sync(url) as store:
        sync(store, billing)


@pytest.fixture(scope="module")
def large() -> Iterator[FakeAIMLAPI]:
    """The large account with a limit of every period (amounts that are no whole nano-USD included)."""
    with large_server(3000, now=datetime.datetime.now(datetime.UTC)) as server:
        keys = server.account.keys
        keys[0]["limit"] = {"retention": "day", "threshold": 0.5}
        keys[1]["limit"] = {"retention": "week", "threshold": 3}
        keys[3]["limit"] = {"retention": "no_reset", "threshold": 40}
        keys[4]["limit"] = {"retention": "month", "threshold": 0}
        yield server


@pytest.mark.parametrize("account", ["small", "large"])
def test_the_store_gives_the_apis_verdict_and_figures(
    store_url: str,
    account: str,
    small_fake: FakeAIMLAPI,
    large: FakeAIMLAPI,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = small_fake if account == "small" else large
    monkeypatch.setenv("AIMLAPI_BILLING_BASE_URL", fake.url)
    _sync(store_url, fake)
    for thresholds in (["-w", "5", "-c", "90"], ["-w", "50", "-c", "90"], ["-c", "@0:1"]):
        from_api = run("check-keys", *thresholds)
        code, out, err = run("check-keys", *thresholds, "--db", store_url, "--max-age", "1h")
        assert (code, err) == (from_api[0], "")
        assert _AS_OF.search(out), out
        assert _AS_OF.sub("", out) == from_api[1]


def test_a_store_older_than_max_age_is_unknown(store_url: str, small_fake: FakeAIMLAPI) -> None:
    _sync(store_url, small_fake)
    assert run("check-keys", "-w", "50", "--db", store_url, "--max-age", "1h")[0] == 0
    from sqlalchemy import text  # an old store: its runs moved three hours back

    from aimlapi_billing.store import open_for_sync

    with open_for_sync(store_url) as store, store.transaction() as connection:
        connection.execute(text("UPDATE sync_runs SET started_us = started_us - 10800000000"))
    code, out, err = run("check-keys", "-w", "50", "--db", store_url, "--max-age", "2h")
    assert (code, err) == (3, "")
    assert out.startswith("KEYS UNKNOWN - ")
    assert "was last synced 3h 0m ago" in out
    assert "older than --max-age 2h 0m: its figures are not shown" in out
    assert "%" not in out  # no figure at all
    # Without --max-age the old figures are shown, with their moment.
    assert run("check-keys", "-w", "50", "--db", store_url)[0] == 0


def test_a_sync_that_never_finished_is_no_figure(store_url: str, small_fake: FakeAIMLAPI) -> None:
    _sync(store_url, small_fake)
    from sqlalchemy import text

    from aimlapi_billing.store import open_for_sync

    with open_for_sync(store_url) as store, store.transaction() as connection:
        connection.execute(text("UPDATE sync_runs SET finished_us = NULL"))  # as a run killed midway leaves it
    assert scalar(store_url, "SELECT COUNT(*) FROM sync_runs WHERE finished_us IS NOT NULL") == 0
    code, out, _ = run("check-keys", "-w", "50", "--db", store_url)
    assert code == 3
    assert "has no finished sync" in out


@pytest.mark.parametrize(
    ("argv", "problem"),
    [
        (["--max-age", "2h"], "--max-age needs --db"),
        (["--db", "sqlite:////nonexistent/spend.db"], "no store at sqlite:////nonexistent/spend.db yet"),
        (["--db", "postgresql://u:secret@127.0.0.1:1/db"], "password"),
        (["--db", "sqlite:////tmp/x.db", "--max-age", "0h"], "--max-age"),
    ],
)
def test_store_options_at_their_edges_are_unknown(argv: list[str], problem: str) -> None:
    code, out, err = run("check-keys", "-w", "50", *argv)
    assert (code, err) == (3, "")
    assert out.startswith("KEYS UNKNOWN - ")
    assert problem in out
    assert "secret" not in out


def test_max_age_in_minutes(tmp_path: Path, small_fake: FakeAIMLAPI) -> None:
    url = f"sqlite:///{tmp_path / 'spend.db'}"
    _sync(url, small_fake)
    from sqlalchemy import text  # a store synced 45 minutes ago

    from aimlapi_billing.store import open_for_sync

    with open_for_sync(url) as store, store.transaction() as connection:
        connection.execute(text("UPDATE sync_runs SET started_us = started_us - 2700000000"))
    code, out, _ = run("check-keys", "-w", "50", "--db", url, "--max-age", "30m")
    assert code == 3
    assert "was last synced 45m " in out
    assert "older than --max-age 30m 0s: its figures are not shown" in out
    for fresh_enough in ("60min", "1h", "50m", "48min"):
        assert run("check-keys", "-w", "50", "--db", url, "--max-age", fresh_enough)[0] == 0, fresh_enough
    for bad, problem in (
        ("30s", "not a span like"),
        ("0.5m", "not a span"),
        ("50M", "not a span"),
        ("m", "not a span"),
    ):
        code, out, _ = run("check-keys", "-w", "50", "--db", url, "--max-age", bad)
        assert code == 3
        assert f"argument --max-age: {problem}" in out, out
    # Only --max-age goes below an hour: the other spans keep their floor.
    code, out, err = run("sync", "--db", url, "--settle", "30m")
    assert (code, out) == (2, "")
    assert "argument --settle: must be from 1h to 3660d, not '30m'" in err
