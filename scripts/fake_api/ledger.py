"""The stand-in's billing answers: the canned balance and billing records, and the ledger's pages.

The canned account is dated relative to the moment the server starts (``now``): its ledger ends
two and a half hours before, so ``forecast`` and ``metrics`` show the README's figures on any date.
Tests that compare dates pass ``now=LEDGER_AS_OF``, the moment the canned data was written for.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import threading
from collections.abc import Collection
from typing import Any
from urllib.parse import parse_qs, urlsplit

from fake_api.data import KEYS, LOGS, ledger_entry, shifted, with_discrepancies
from fake_api.replies import Reply, error

BALANCE = {
    "balance": 551564495,
    "lowBalance": False,
    "lowBalanceThreshold": 10000,
    "lastUpdated": "2025-11-10T10:01:56.824Z",  # LEDGER_AS_OF's calendar; shifted to the server's start
    "autoDebitStatus": "disabled",
    "status": "current",
    "statusExplanation": "Balance is current and up to date",
}
BILLING = {"current_balance": 275.78, "currency": "USD"}
DETAIL = {
    "user_id": 111,
    "email": "user@example.com",
    "current_balance": 275.78,
    "currency": "USD",
    "autotopup_settings": {"is_enabled": True, "threshold": 50, "amount": 100, "currency": "USD"},
}
CANNED: dict[str, Any] = {"/v1/billing/balance": BALANCE, "/v2/billing": BILLING, "/v2/billing/detail": DETAIL}
TRANSACTIONS_PATH = "/v2/billing/transactions"
Records = list[dict[str, Any]]
DIRECTIONS = ("TOPUP", "CHARGE")
ENTRY_TYPES = ("PAYMENT", "BONUS", "REFUND", "ADJUSTMENT", "MODEL_USAGE", "CREDITS_EXPIRED", "INIT")


#: The moment the canned data describes: BALANCE and LEDGER are dated as seen from here.
LEDGER_AS_OF = datetime.datetime(2025, 11, 10, 12, 0, tzinfo=datetime.UTC)
#: A small ledger, newest first, as of LEDGER_AS_OF: what the endpoint answers unless a test gives its own.
LEDGER = [
    ledger_entry("2025-11-10T09:30:00.000Z", "CHARGE", "MODEL_USAGE", 1.56, "openai/gpt-5", "inf-3"),
    ledger_entry("2025-11-09T18:00:00.000Z", "CHARGE", "MODEL_USAGE", 0.42, "anthropic/claude-sonnet", "inf-2"),
    ledger_entry("2025-11-08T12:00:00.000Z", "TOPUP", "PAYMENT", 100.0, None, "pay-1"),
    ledger_entry("2025-11-07T08:15:00.000Z", "CHARGE", "MODEL_USAGE", 2.5, "openai/gpt-5", "inf-1"),
    ledger_entry("2025-11-01T00:00:00.000Z", "CHARGE", "CREDITS_EXPIRED", 5.0),
    ledger_entry("2025-10-30T10:00:00.000Z", "TOPUP", "BONUS", 10.0),
    ledger_entry("2025-10-29T10:00:00.000Z", "TOPUP", "INIT", 0.0),
]


def dated(now: datetime.datetime) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The canned answers and ledger moved in time so that ``LEDGER_AS_OF`` becomes ``now``."""
    delta = now - LEDGER_AS_OF
    canned = {**CANNED, "/v1/billing/balance": {**BALANCE, "lastUpdated": shifted(str(BALANCE["lastUpdated"]), delta)}}
    return canned, _moved(LEDGER, ("created_at",), delta)


def dated_account(now: datetime.datetime, discrepancies: Collection[str] = ()) -> tuple[Records, Records, Records]:
    """The default account's keys, requests and ledger, with ``discrepancies``, moved like :func:`dated`."""
    delta = now - LEDGER_AS_OF
    ledger, logs = with_discrepancies(LEDGER, LOGS, discrepancies)
    keys = _moved(KEYS, ("created_at", "updated_at"), delta)
    return keys, _moved(logs, ("created",), delta), _moved(ledger, ("created_at",), delta)


def _moved(records: Records, fields: tuple[str, ...], delta: datetime.timedelta) -> Records:
    return [{**record, **{name: shifted(record[name], delta) for name in fields}} for record in records]


class LedgerPages:
    """``/v2/billing/transactions``: pages of a ledger, filtered as the API filters, with opaque
    one-use-form cursors."""

    def __init__(self) -> None:
        self._cursors: dict[str, tuple[int, str]] = {}
        self._matches: dict[str, tuple[tuple[int, int], list[dict[str, Any]]]] = {}
        self._lock = threading.Lock()

    def page(self, ledger: list[dict[str, Any]], target: str) -> Reply:
        """The page of ``ledger`` that the request ``target`` (path and query) asks for."""
        query = {name: values[-1] for name, values in parse_qs(urlsplit(target).query).items()}
        try:
            limit = int(query.get("limit", "50"))
            since = _moment(query.get("from"))
            until = _moment(query.get("to"))
        except ValueError as exc:
            return _bad_request(str(exc))
        if not 1 <= limit <= 100:
            return _bad_request("limit must be between 1 and 100")
        if since is not None and until is not None and until <= since:
            return _bad_request("`to` must be later than `from`")
        direction, entry_type = query.get("direction"), query.get("type")
        if direction is not None and direction not in DIRECTIONS:
            return _bad_request(f"invalid direction {direction}")
        if entry_type is not None and entry_type not in ENTRY_TYPES:
            return _bad_request(f"invalid type {entry_type}")
        filters = hashlib.sha256(json.dumps(sorted((k, v) for k, v in query.items() if k != "cursor")).encode())
        signature = filters.hexdigest()[:12]
        # A walk filters the ledger once, not once a page: a 100,000-entry ledger (the benchmarks')
        # would otherwise cost a full scan per page. Replacing or resizing the ledger drops the cache.
        version = (id(ledger), len(ledger))
        cached = self._matches.get(signature)
        if cached is not None and cached[0] == version:
            matching = cached[1]
        else:
            matching = [
                entry
                for entry in ledger
                if (since is None or _moment(entry["created_at"]) >= since)  # type: ignore[operator]
                and (until is None or _moment(entry["created_at"]) < until)  # type: ignore[operator]
                and direction in (None, entry["direction"])
                and entry_type in (None, entry["type"])
            ]
            with self._lock:
                self._matches[signature] = (version, matching)
        offset = 0
        cursor = query.get("cursor")
        if cursor is not None:
            with self._lock:
                state = self._cursors.get(cursor)
            if state is None:
                return _bad_request("invalid cursor")
            if state[1] != signature:
                return _bad_request("the cursor belongs to other filters")
            offset = state[0]
        page = matching[offset : offset + limit]
        more = offset + limit < len(matching)
        next_cursor = None
        if more:
            # Opaque, with characters that URL encoding must carry through untouched; accepted only
            # byte for byte as issued.
            next_cursor = f"v1+{base64.b64encode(f'{offset + limit}:{signature}'.encode()).decode()}/&x=%?"
            with self._lock:
                self._cursors[next_cursor] = (offset + limit, signature)
        return Reply(200, {"data": page, "pagination": {"next_cursor": next_cursor, "has_more": more}})


def _moment(text: str | None) -> datetime.datetime | None:
    if text is None:
        return None
    moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"{text!r} has no UTC offset")
    return moment


def _bad_request(message: str) -> Reply:
    return error(400, message, TRANSACTIONS_PATH)
