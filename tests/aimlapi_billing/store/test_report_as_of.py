"""``report`` says how far its store reaches: ``as_of`` in --json (when the last finished sync began),
a note on stderr when the window reaches past it (a partial report), and --max-age like the other
readers (exit 12, nothing printed)."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from fake_api_server import FakeAIMLAPI

from tests.helpers.cli import run


@pytest.fixture
def synced(api: FakeAIMLAPI, tmp_path: Path) -> tuple[str, datetime.datetime]:
    url = f"sqlite:///{tmp_path / 'spend.db'}"
    before = datetime.datetime.now(datetime.UTC)
    assert run("sync", "--db", url)[0] == 0
    return url, before


def _iso(moment: datetime.datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def test_as_of_in_json_and_a_note_when_the_window_reaches_past_it(synced: tuple[str, datetime.datetime]) -> None:
    url, before = synced
    code, out, err = run("report", "--db", url, "--period", "7d", "--json")
    assert (code, err) == (0, "")  # a period ends at the last sync, so it holds the whole of it
    as_of = datetime.datetime.fromisoformat(json.loads(out)["as_of"])
    assert before - datetime.timedelta(seconds=1) <= as_of <= datetime.datetime.now(datetime.UTC)
    assert json.loads(out)["end"] == json.loads(out)["as_of"]
    # An explicit --end past the sync is taken as given, and said to be partial.
    past = ["--start", _iso(as_of - datetime.timedelta(days=7)), "--end", _iso(as_of + datetime.timedelta(hours=1))]
    code, out, err = run("report", "--db", url, *past, "--json")
    assert code == 0
    assert err == f"aimlapi-billing: note: the last sync began {_iso(as_of)}: spend after it is not in this report\n"
    for output in ((), ("--csv",)):  # every output says it, the table and CSV too
        assert run("report", "--db", url, *past, *output)[2] == err
    end = as_of - datetime.timedelta(days=1)  # a window the store covers whole: no note
    code, out, err = run("report", "--db", url, "--start", _iso(end - datetime.timedelta(days=7)), "--end", _iso(end))
    assert (code, err) == (0, "")
    end = as_of.replace(microsecond=0)  # ending at the sync's moment, to the second: still whole
    assert run("report", "--db", url, "--start", _iso(end - datetime.timedelta(days=7)), "--end", _iso(end))[2] == ""


def test_max_age_refuses_an_older_store(synced: tuple[str, datetime.datetime]) -> None:
    url, _ = synced
    assert run("report", "--db", url, "--period", "7d", "--max-age", "1h")[0] == 0
    from sqlalchemy import text

    from aimlapi_billing.store import open_for_sync

    with open_for_sync(url) as store, store.transaction() as connection:
        connection.execute(text("UPDATE sync_runs SET started_us = started_us - 7200000000"))  # two hours ago
    code, out, err = run("report", "--db", url, "--period", "7d", "--json", "--max-age", "1h")
    assert (code, out) == (12, "")
    assert err.count("\n") == 1
