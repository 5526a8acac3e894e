"""The rules of an incremental sync, on SQLite and PostgreSQL: the settle window for late rows, a
key's history, and what a hostile answer leaves in the store (nothing of its page)."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from fake_api.data import iso, log_row
from fake_api_server import FakeAIMLAPI, Reply

from aimlapi_billing._cli import main

from .conftest import billing_for, dump, scalar


def _sync(url: str, fake: FakeAIMLAPI, settle: datetime.timedelta | None = None) -> dict[str, int]:
    from aimlapi_billing.store import DEFAULT_SETTLE, open_for_sync, sync

    with billing_for(fake) as billing, open_for_sync(url) as store:
        return sync(store, billing, settle=settle or DEFAULT_SETTLE).added


def _late(fake: FakeAIMLAPI, age: datetime.timedelta, inference_id: str) -> None:
    created = iso(datetime.datetime.now(datetime.UTC) - age)
    fake.logs.insert(0, log_row(created, "b747e891", "openai/gpt-5", 0.25, (10, 5), inference_id, None))


def test_late_rows_within_the_settle_window_are_stored_older_ones_wait_for_a_wider_one(
    store_url: str, small_fake: FakeAIMLAPI
) -> None:
    _sync(store_url, small_fake)
    _late(small_fake, datetime.timedelta(minutes=30), "late-30m")  # within the default hour
    _late(small_fake, datetime.timedelta(hours=3), "late-3h")  # beyond it
    assert _sync(store_url, small_fake)["logs"] == 1
    stored = {row[1] for row in dump(store_url)["logs"]}
    assert "late-30m" in stored
    assert "late-3h" not in stored  # the documented limit of the rule
    assert _sync(store_url, small_fake, settle=datetime.timedelta(days=1))["logs"] == 1
    assert "late-3h" in {row[1] for row in dump(store_url)["logs"]}


def test_a_changed_limit_is_a_new_version_and_the_old_one_ends_where_it_begins(
    store_url: str, small_fake: FakeAIMLAPI
) -> None:
    _sync(store_url, small_fake)
    key = next(record for record in small_fake.keys if record["prefix"] == "b747e891")
    changed = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    key["limit"] = {"retention": "month", "threshold": 40.5}
    key["updated_at"] = iso(changed)
    assert _sync(store_url, small_fake)["keys"] == 1
    versions = sorted(row for row in dump(store_url)["key_versions"] if row[0] == "b747e891")
    assert [(row[7], row[8]) for row in versions] == [("25", "month"), ("40.5", "month")]
    assert versions[0][2] == versions[1][1] == changed.timestamp() * 1_000_000  # valid_to == the next valid_from
    assert versions[1][2] is None
    assert _sync(store_url, small_fake)["keys"] == 0  # unchanged: no new version


def _page(row: dict[str, object]) -> Reply:
    return Reply(200, {"data": [row], "pagination": {"limit": 100, "offset": 0, "total": 1, "has_more": False}})


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"cost": {"usd": float("nan"), "credits": 0}}, "not"),
        ({"cost": {"usd": float("inf"), "credits": 0}}, "not"),
        ({"model": "bad\x00model"}, "NUL"),
    ],
    ids=["nan", "infinity", "nul"],
)
def test_an_unusable_row_stores_nothing_of_its_page_and_the_next_run_is_whole(
    store_url: str, small_fake: FakeAIMLAPI, change: dict[str, object], words: str
) -> None:
    row = {**small_fake.logs[0], **change}
    row.pop("key_prefix")
    small_fake.script("/v2/logs", _page(row))
    out, err = io.StringIO(), io.StringIO()
    import os

    os.environ["AIMLAPI_BILLING_BASE_URL"] = small_fake.url
    try:
        code = main(["sync", "--db", store_url], out, err)
    finally:
        del os.environ["AIMLAPI_BILLING_BASE_URL"]
    assert code == 6
    assert err.getvalue().count("\n") == 1
    assert words in err.getvalue()
    assert scalar(store_url, "SELECT count(*) FROM logs") == 0  # the page failed whole
    _sync(store_url, small_fake)
    assert len(dump(store_url)["logs"]) == len(small_fake.logs)


def test_an_unknown_status_is_kept_as_sent_and_not_counted_as_charged(store_url: str, small_fake: FakeAIMLAPI) -> None:
    created = iso(datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=5))
    small_fake.logs.insert(
        0, log_row(created, "c0ffee42", "openai/gpt-5", 0.0, (1, 0), "inf-odd", None, status="exploded")
    )
    _sync(store_url, small_fake)
    assert scalar(store_url, "SELECT status FROM logs WHERE uid = 'inf-odd'") == "exploded"
    out = io.StringIO()
    assert main(["report", "--db", store_url, "--period", "7d", "--by", "key", "--json"], out, io.StringIO()) == 0
    rows = {row["key_prefix"]: row for row in json.loads(out.getvalue())["rows"]}
    assert rows["c0ffee42"]["requests"] == 1  # inf-2 alone: the unknown status is no charged request
