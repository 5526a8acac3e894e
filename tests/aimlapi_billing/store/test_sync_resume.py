"""A sync that takes up a killed run's walk reads on to its own start before it is recorded as
finished: a row the API added after the kill is stored by the very next run, not a run later."""

from __future__ import annotations

import datetime
import time

import pytest
from fake_api.data import iso, log_row
from fake_api_server import FakeAIMLAPI

from aimlapi_billing.store import _sync, open_for_sync, sync

from .conftest import billing_for, dump


class _Killed(BaseException):
    """Stands for a SIGKILL: raised where nothing after it may be written."""


def test_a_resumed_walk_reads_up_to_the_new_runs_start(
    store_url: str, small_fake: FakeAIMLAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved = _sync.Sync._save_state

    def killed_before_the_walk_ends(connection: object, record: str, scope: str, state: _sync._State) -> None:
        if record == "logs" and scope == "b747e891" and state.walk_high is None:
            raise _Killed  # a page of the key's logs committed, the walk's end not yet saved
        saved(connection, record, scope, state)  # type: ignore[arg-type]

    monkeypatch.setattr(_sync.Sync, "_save_state", staticmethod(killed_before_the_walk_ends))
    with pytest.raises(_Killed), billing_for(small_fake) as billing, open_for_sync(store_url) as store:
        sync(store, billing)
    monkeypatch.setattr(_sync.Sync, "_save_state", staticmethod(saved))
    time.sleep(0.3)  # the new row is after the killed run's start
    created = iso(datetime.datetime.now(datetime.UTC) - datetime.timedelta(milliseconds=100))
    small_fake.logs.insert(0, log_row(created, "b747e891", "openai/gpt-5", 0.25, (10, 5), "NEW-AFTER-KILL", None))
    time.sleep(0.2)
    with billing_for(small_fake) as billing, open_for_sync(store_url) as store:
        sync(store, billing)
    assert "NEW-AFTER-KILL" in {row[1] for row in dump(store_url)["logs"]}
