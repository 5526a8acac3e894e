"""``forecast --db``: the runway from the store's ledger and newest balance, as of its last sync.

The stored entries of the window are fed, newest first, to the same :class:`LedgerWindow` the API's
forecast uses (so the rules are one: spend by direction, the INIT entry ending the history). The
store keeps no auto top-up settings: the forecast says auto top-up is unknown (the runway then counts
no top-up, and may be longer), never that it is off.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from ..lib.forecast import LedgerWindow
from ..types.forecast import Forecast
from ._db import Store
from ._errors import StoreError
from ._retention import require_complete
from ._values import decode_usd, iso, micros

_ENTRIES = (
    "SELECT e.created_us, e.direction, e.type, e.usd_nano, e.usd_text, e.credits, m.name, e.reference_id "
    "FROM ledger e LEFT JOIN models m ON m.id = e.model_id WHERE e.created_us >= :low AND e.created_us < :high "
    "ORDER BY e.created_us DESC, e.id DESC"
)
_BALANCE = "SELECT usd_nano, usd_text FROM balances ORDER BY observed_from_us DESC LIMIT 1"


def _entries(connection: Any, low: int, high: int) -> Iterator[Any]:
    from aimlapi_billing_client.models import Transaction
    from sqlalchemy import text

    for created, direction, kind, nano, amount, credits, model, reference in connection.execute(
        text(_ENTRIES), {"low": low, "high": high}
    ):
        yield Transaction.from_dict(
            {
                "created_at": iso(int(created)),
                "direction": direction,
                "type": kind,
                "amount": {"usd": decode_usd(nano, amount), "credits": int(credits)},
                "model": model,
                "reference_id": reference,
            }
        )


def forecast(
    store: Store, as_of: datetime.datetime, window: datetime.timedelta, balance_at: datetime.datetime | None = None
) -> Forecast:
    """The forecast over ``window`` before ``as_of`` (at most the store's last sync), from the stored
    ledger; the runway counts from ``balance_at`` (the last sync, when the balance was stored; default
    ``as_of``)."""
    from aimlapi_billing_client.models import BillingDetailResponse
    from sqlalchemy import text

    ledger = LedgerWindow(as_of, window, balance_at)
    require_complete(store, ledger.start, ("ledger",))
    with store.connect() as connection:
        balance = connection.execute(text(_BALANCE)).first()
        if balance is None:
            raise StoreError(f"{store.url} holds no balance yet: run `aimlapi-billing sync` first")
        for entry in _entries(connection, micros(ledger.start), micros(as_of)):
            if not ledger.add(entry):
                break
    # What GET /v2/billing/detail would say, as far as the store knows: the balance, in USD (the sync
    # stores USD only), and no auto top-up settings. The account's id and e-mail are not used here.
    detail = BillingDetailResponse.from_dict(
        {
            "user_id": 0,
            "email": "",
            "current_balance": decode_usd(balance[0], balance[1]),
            "currency": "USD",
            "autotopup_settings": {},
        }
    )
    return ledger.forecast(detail)


__all__ = ["forecast"]
