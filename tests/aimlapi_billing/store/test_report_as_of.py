"""``report`` says how far its store reaches: ``as_of`` in --json (when the last finished sync began),
a note on stderr when the window reaches past it (a partial report), and --max-age like the other
readers (exit 12, nothing printed)."""

from __future__ import annotations

import datetime
import io
import json
from pathlib import Path

import pytest
from fake_api_server import FakeAIMLAPI

from aimlapi_billing._cli import main


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def synced(small_fake: FakeAIMLAPI, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> tuple[str, datetime.datetime]:
    monkeypatch.setenv("AIMLAPI_BILLING_BASE_URL", small_fake.url)
    monkeypatch.delenv("AIMLAPI_BILLING_DB", raising=False)
    url = f"sqlite:///{tmp_path / 'spend.db'}"
    before = datetime.datetime.now(datetime.UTC)
    assert run("sync", "--db", url)[0] == 0
    return url, before


def _iso(moment: datetime.datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def test_as_of_in_json_and_a_note_when_the_window_reaches_past_it(synced: tuple[str, datetime.datetime]) -> None:
    url, before = synced
    code, out, err = run("report", "--db", url, "--period", "7d", "--json")
    assert code == 0
    as_of = datetime.datetime.fromisoformat(json.loads(out)["as_of"])
    assert before - datetime.timedelta(seconds=1) <= as_of <= datetime.datetime.now(datetime.UTC)
    assert err.startswith("aimlapi-billing: note: the last sync began ")
    assert "spend after it is not in this report" in err
    end = as_of - datetime.timedelta(days=1)  # a window the store covers whole: no note
    code, out, err = run("report", "--db", url, "--start", _iso(end - datetime.timedelta(days=7)), "--end", _iso(end))
    assert (code, err) == (0, "")


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
