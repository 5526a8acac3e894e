"""The logs, the run's bound (their rate limit), are read while the ledger is: a sync never leaves
the limit idle while it reads the records that have none."""

from __future__ import annotations

import threading

from fake_api_server import FakeAIMLAPI

from .conftest import billing_for


def test_the_logs_are_read_while_the_ledger_walk_is_under_way(store_url: str, large_fake: FakeAIMLAPI) -> None:
    """The ledger's second page is answered only once a logs request came (at most 20 s later): a run
    reading the records one after another would have sent none by then."""
    from aimlapi_billing.store import open_for_sync, sync

    answer = large_fake.next_action
    logs_seen = threading.Event()
    ledger_pages: list[bool] = []  # per ledger page: whether a logs request had come before it

    def watched(seen: object) -> object:
        path = getattr(seen, "path", "")
        if path.startswith("/v2/logs"):
            logs_seen.set()
        elif path.startswith("/v2/billing/transactions"):
            if len(ledger_pages) == 1:
                logs_seen.wait(20)
            ledger_pages.append(logs_seen.is_set())
        return answer(seen)  # type: ignore[arg-type]

    large_fake.next_action = watched  # type: ignore[method-assign]
    try:
        with billing_for(large_fake) as billing, open_for_sync(store_url) as store:
            added = sync(store, billing).added
    finally:
        del large_fake.next_action
    assert len(ledger_pages) > 2
    assert ledger_pages[1] is True
    # And the run stored the whole account, as one without reading ahead does.
    assert (added["logs"], added["ledger"]) == (len(large_fake.logs), len(large_fake.ledger))
