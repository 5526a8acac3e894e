"""The spend store: a local (SQLite) or shared (PostgreSQL) copy of the account's ledger, request
logs, daily usage, keys and balance, kept up to date by :func:`sync` and read by :func:`spend`.

Needs the ``[store]`` extra (SQLAlchemy and Alembic; ``[postgres]`` adds psycopg 3)::

    from aimlapi_billing import Billing
    from aimlapi_billing.store import open_for_sync, sync

    with Billing() as billing, open_for_sync("sqlite:////var/lib/spend.db") as store:
        print(sync(store, billing).added)

Every error is a :class:`StoreError` (an :class:`~aimlapi_billing.AIMLAPIError`) with a one-line
message whose store address never shows a password; what the API sends that the store cannot keep
exactly (a non-finite number, a NUL in a text) is a ``ResponseValidationError`` and nothing of its
page is written.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from ._chargeback import by_team, key_names
from ._dashboard import Dashboard, dashboard
from ._db import Store, check_current, head_revision, open_store, upgrade
from ._errors import (
    StoreAddressError,
    StoreBusyError,
    StoreError,
    StoreExtraMissingError,
    StoreMissingError,
    StorePrunedError,
    StoreStaleError,
    StoreVersionError,
)
from ._focus import FocusExport, focus_rows, key_tags
from ._freshness import covers, fresh_as_of, last_synced
from ._report import GROUPINGS, SpendReport, SpendRow, holds_records, spend
from ._retention import Pruned, complete_from, prune, require_complete
from ._shared_keys import shared, shared_text
from ._shared_keys import warning_line as shared_warning
from ._sync import DEFAULT_SETTLE, Sync, SyncSummary
from ._url import ENV_VAR, StoreURL, default_path, redact, resolve

if TYPE_CHECKING:
    from decimal import Decimal

    from ..types.budgets import BudgetReport
    from ..types.forecast import Forecast
    from ..types.reconcile import Reconciliation

__all__ = [
    "DEFAULT_SETTLE",
    "ENV_VAR",
    "GROUPINGS",
    "Dashboard",
    "FocusExport",
    "Pruned",
    "SpendReport",
    "SpendRow",
    "Store",
    "StoreAddressError",
    "StoreBusyError",
    "StoreError",
    "StoreExtraMissingError",
    "StoreMissingError",
    "StorePrunedError",
    "StoreStaleError",
    "StoreURL",
    "StoreVersionError",
    "SyncSummary",
    "budgets",
    "by_team",
    "complete_from",
    "covers",
    "dashboard",
    "default_path",
    "focus",
    "focus_rows",
    "forecast",
    "fresh_as_of",
    "head_revision",
    "holds_records",
    "key_names",
    "key_tags",
    "last_synced",
    "open_for_reading",
    "open_for_sync",
    "prune",
    "reconcile",
    "redact",
    "require_complete",
    "resolve",
    "shared",
    "shared_text",
    "shared_warning",
    "spend",
    "sync",
]


@contextlib.contextmanager
def open_for_sync(url: str | StoreURL | None = None, *, wait: bool = False) -> Iterator[Store]:
    """The store at ``url`` (``--db``'s forms; None: ``$AIMLAPI_BILLING_DB`` or the default file),
    made or migrated to this version's schema, with the writer lock held until the block ends
    (:class:`StoreBusyError` when another sync holds it, unless ``wait``)."""
    store = open_store(url if isinstance(url, StoreURL) else resolve(url), create=True)
    try:
        with store.writer_lock(wait=wait):
            upgrade(store)
            yield store
    finally:
        store.close()


@contextlib.contextmanager
def open_for_reading(url: str | StoreURL | None = None) -> Iterator[Store]:
    """An existing store of this version's schema, for reading (no lock: readers never block a sync)."""
    store = open_store(url if isinstance(url, StoreURL) else resolve(url), create=False)
    try:
        check_current(store)
        yield store
    finally:
        store.close()


def sync(
    store: Store,
    billing: object,
    *,
    settle: datetime.timedelta = DEFAULT_SETTLE,
    progress: Callable[[str], None] | None = None,
    redact: Callable[[str], str] | None = None,
    checkpoint: Callable[[], None] | None = None,
) -> SyncSummary:
    """Bring ``store`` (from :func:`open_for_sync`) up to date with ``billing``'s account;
    ``redact`` rewrites every text the server sent before it is stored (the CLI hides the API key);
    ``checkpoint`` is called at each safe point (a page written, a record done) and may raise to stop."""
    return Sync(
        store,
        billing,  # type: ignore[arg-type]
        settle=settle,
        progress=progress,
        redact=redact,
        checkpoint=checkpoint,
    ).run()


def focus(store: Store, start: datetime.datetime, end: datetime.datetime) -> FocusExport:
    """The FOCUS 1.2 charges of ``[start, end)`` (:mod:`._focus` has the rules); rows by :func:`focus_rows`."""
    from ._focus import charges

    return charges(store, start, end)


def budgets(store: Store, as_of: datetime.datetime) -> BudgetReport:
    """Every key's spend in its limit period from the store, as of ``as_of`` (``check-keys --db``)."""
    from ._budgets import budgets as from_store

    return from_store(store, as_of)


def forecast(
    store: Store, as_of: datetime.datetime, window: datetime.timedelta, balance_at: datetime.datetime | None = None
) -> Forecast:
    """The runway over ``window`` before ``as_of`` from the stored ledger and balance (``forecast --db``),
    its dates from ``balance_at`` (the store's last sync; default ``as_of``)."""
    from ._forecast import forecast as from_store

    return from_store(store, as_of, window, balance_at)


def reconcile(
    store: Store,
    start: datetime.datetime,
    end: datetime.datetime,
    *,
    as_of: datetime.datetime,
    tolerance: Decimal,
    settle: datetime.timedelta,
) -> Reconciliation:
    """``billing.reconcile()``'s comparison of ``[start, end)`` from the stored records (``reconcile --db``),
    as of ``as_of`` (the store's last finished sync: :mod:`._reconcile` has what differs from the API)."""
    from ._reconcile import reconcile as from_store

    return from_store(store, start, end, as_of=as_of, tolerance=tolerance, settle=settle)
