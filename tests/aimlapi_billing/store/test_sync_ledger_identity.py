"""A ledger entry (no id) is known by its fixed fields: the API adding a field to it, or filling in
its reference_id, inside the re-read window changes nothing but the reference_id, filled in place;
two identical entries stay two. A store of schema 0002 (whole-content identities) upgrades to
identities the next sync knows: nothing stored twice."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from fake_api.data import iso, ledger_entry
from fake_api_server import FakeAIMLAPI

from aimlapi_billing.store import open_for_sync, sync

from .conftest import billing_for, scalar

REFERENCE = "inf-late-1"


def _recent(fake: FakeAIMLAPI) -> list[dict[str, Any]]:
    """Three entries a minute old (inside the settle window): two identical charges and one more."""
    moment = iso(datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=1))
    entries = [
        ledger_entry(moment, "CHARGE", "MODEL_USAGE", 0.1, "openai/gpt-5", None),
        ledger_entry(moment, "CHARGE", "MODEL_USAGE", 0.1, "openai/gpt-5", None),
        ledger_entry(moment, "CHARGE", "MODEL_USAGE", 0.3, "openai/gpt-5", None),
    ]
    fake.ledger[:0] = entries
    return entries


def _sync(url: str, fake: FakeAIMLAPI) -> None:
    with billing_for(fake) as billing, open_for_sync(url) as store:
        sync(store, billing)


def test_an_entry_changed_inside_the_window_is_the_same_entry(store_url: str, small_fake: FakeAIMLAPI) -> None:
    entries = _recent(small_fake)
    _sync(store_url, small_fake)
    count = scalar(store_url, "SELECT COUNT(*) FROM ledger")
    entries[2]["reference_id"] = REFERENCE  # filled in later
    entries[2]["discount"] = {"usd": 0, "credits": 0}  # a field the API adds
    _sync(store_url, small_fake)
    assert scalar(store_url, "SELECT COUNT(*) FROM ledger") == count
    assert scalar(store_url, "SELECT COUNT(*) FROM ledger WHERE reference_id = :ref", ref=REFERENCE) == 1
    assert scalar(store_url, "SELECT COUNT(*) FROM ledger WHERE usd_nano = 100000000") == 2  # both identical kept


def test_a_0002_store_upgrades_to_identities_the_next_sync_knows(
    store_url: str, small_fake: FakeAIMLAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy import text

    _recent(small_fake)
    _sync(store_url, small_fake)
    count = scalar(store_url, "SELECT COUNT(*) FROM ledger")
    with open_for_sync(store_url) as store, store.transaction() as connection:
        # As 0002 left it: other identities (whole-content digests) and its revision.
        connection.execute(text("UPDATE ledger SET uid = 'v2:' || uid"))
        connection.execute(text("UPDATE alembic_version SET version_num = '0002'"))
        connection.execute(text("ALTER TABLE keys DROP COLUMN shared_by"))  # 0004's
    _sync(store_url, small_fake)  # upgrades first, then re-reads the settle window
    assert scalar(store_url, "SELECT version_num FROM alembic_version") == "0004"
    assert scalar(store_url, "SELECT COUNT(*) FROM ledger WHERE uid LIKE 'v2:%' OR uid LIKE 'old:%'") == 0
    assert scalar(store_url, "SELECT COUNT(*) FROM ledger") == count
