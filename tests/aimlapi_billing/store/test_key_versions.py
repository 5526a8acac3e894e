"""A key the API no longer lists was deleted: its current version ends with the sync that sees it
gone, so the readers of current keys (check-keys --db, metrics --db --keys) leave it out, while its
spend keeps the name it last had; listed again, it is current again."""

from __future__ import annotations

import io

import pytest
from fake_api_server import FakeAIMLAPI

from aimlapi_billing._cli import main
from aimlapi_billing.store import key_names, open_for_reading, open_for_sync, sync

from .conftest import billing_for, scalar

GONE = "c0ffee42"


def _sync(url: str, fake: FakeAIMLAPI) -> None:
    with billing_for(fake) as billing, open_for_sync(url) as store:
        sync(store, billing)


def _current(url: str) -> set[str]:
    sql = "SELECT k.prefix FROM keys k JOIN key_versions v ON v.key_id = k.id AND v.valid_to_us IS NULL"
    from sqlalchemy import text

    with open_for_reading(url) as store, store.connect() as connection:
        return {row[0] for row in connection.execute(text(sql))}


def _metrics(url: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    assert main(["metrics", "--db", url, "--keys"], out, err) == 0, err.getvalue()
    return out.getvalue()


def test_a_deleted_key_is_no_longer_current(
    store_url: str, small_fake: FakeAIMLAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIMLAPI_BILLING_BASE_URL", small_fake.url)
    _sync(store_url, small_fake)
    assert GONE in _current(store_url)
    assert GONE in _metrics(store_url)
    name = scalar(
        store_url, "SELECT v.name FROM keys k JOIN key_versions v ON v.key_id = k.id WHERE k.prefix = :p", p=GONE
    )
    kept = [key for key in small_fake.keys if key["prefix"] == GONE]
    small_fake.keys[:] = [key for key in small_fake.keys if key["prefix"] != GONE]
    _sync(store_url, small_fake)
    assert GONE not in _current(store_url)
    assert _current(store_url) == {key["prefix"] for key in small_fake.keys}
    with open_for_reading(store_url) as store:
        assert key_names(store)[GONE] == name  # its spend keeps the name it last had
    assert GONE not in _metrics(store_url)
    out = io.StringIO()
    main(["check-keys", "-w", "1", "-c", "2", "--db", store_url], out, io.StringIO())
    assert GONE not in out.getvalue()

    small_fake.keys.extend(kept)  # listed again (a listing that missed it): current again
    _sync(store_url, small_fake)
    assert GONE in _current(store_url)
