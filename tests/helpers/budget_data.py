"""A stand-in account whose keys' spend sits on today's UTC calendar, for the key budget tests.

The stand-in's default account is dated relative to its start, so how much of it falls in "today"
depends on the hour the tests run. These keys and requests are placed relative to the current
period boundaries instead (by the rule under test, ``period_of``), so every figure is fixed:

==========  ===============  =====================  ===========================================
prefix      name             limit                  requests
==========  ===============  =====================  ===========================================
a1b2c3d4    main             none                   none
b747e891    chatbot-prod     2 USD per day          1.80 at 00:00 UTC today, 5.00 1 ms before
c0ffee42    batch-jobs       ``batch_threshold``    0.50 one day ago
            (no name)        USD, no_reset
d15ab1ed    old-experiments  10 USD per day         none (disabled)
==========  ===============  =====================  ===========================================

So chatbot-prod is at 90 % of its day, batch-jobs at 0.50 / ``batch_threshold`` (+Inf at 0), and
the spend by model over 30 days is openai/gpt-5 6.80, google/gemini 0.50.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterator
from typing import Any

from fake_api.data import BATCH_KEY, CHATBOT_KEY, DISABLED_KEY, MANAGEMENT_KEY, iso, key_record, log_row
from fake_api_server import FakeAIMLAPI

from aimlapi_billing.lib.budgets import period_of

CHAT_NAME = "chatbot-prod"


def budget_account(
    now: datetime.datetime, *, batch_threshold: float = 0.0, chat_name: str = CHAT_NAME
) -> dict[str, Any]:
    """``FakeAIMLAPI`` keyword arguments (``keys``, ``logs``, ``now``) for the table above."""
    day_start, _ = period_of("day", now, now)
    assert day_start is not None
    created = iso(now - datetime.timedelta(days=40))
    keys = [
        key_record(MANAGEMENT_KEY, "main", created),
        key_record(CHATBOT_KEY, chat_name, created, limit={"retention": "day", "threshold": 2}),
        key_record(BATCH_KEY, None, created, limit={"retention": "no_reset", "threshold": batch_threshold}),
        key_record(
            DISABLED_KEY, "old-experiments", created, limit={"retention": "day", "threshold": 10}, disabled=True
        ),
    ]
    before = day_start - datetime.timedelta(milliseconds=1)
    logs = [
        log_row(iso(day_start), "b747e891", "openai/gpt-5", 1.8, (10, 10), "inf-a", "req-a"),
        log_row(iso(before), "b747e891", "openai/gpt-5", 5.0, (10, 10), "inf-b", "req-b"),
        log_row(iso(now - datetime.timedelta(days=1)), "c0ffee42", "google/gemini", 0.5, (10, 10), "inf-c", "req-c"),
    ]
    return {"keys": keys, "logs": logs, "now": now}


@contextlib.contextmanager
def stand_in(**options: Any) -> Iterator[FakeAIMLAPI]:
    now = datetime.datetime.now(datetime.UTC)
    account = budget_account(now, batch_threshold=options.pop("batch_threshold", 10.0), **options.pop("data", {}))
    with FakeAIMLAPI(**account, **options) as fake:
        yield fake
