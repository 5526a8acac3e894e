"""What ``sync`` and ``report`` share: the ``--db`` option, and the exit codes of a store's errors."""

from __future__ import annotations

import argparse
import datetime
from typing import TextIO

from ._common import EXIT_CONFIGURATION, EXIT_USAGE, PROG, report

#: ``sync``: another sync holds the store's writer lock.
EXIT_STORE_BUSY = 8
#: The store cannot be used: not a store, corrupt, read-only, a full disk, unreachable, a newer schema.
EXIT_STORE = 9
#: ``export``: the store holds nothing for the month asked for (no ledger entry, no request row).
EXIT_NO_DATA = 11
#: A reader with --max-age: the store's last finished sync is older than that (or none finished).
EXIT_STORE_STALE = 12
#: A reader's window starts before the store's pruned cut-off (sync --keep): its figures would be partial.
EXIT_STORE_PRUNED = 13
#: A reader's note when no sync of the store has finished (the HTML page says the same).
NO_SYNC_NOTE = "no sync has finished: the store's figures may be partial or none (run aimlapi-billing sync)"
DB_DEFAULT = "--db $AIMLAPI_BILLING_DB, else $XDG_DATA_HOME/aimlapi-billing/spend.db (~/.local/share/…)"
STORE_TEXT = (
    "the store: --db sqlite:///ABS/PATH (or a file path) or postgresql://USER@HOST:PORT/DB, whose password "
    "comes from $PGPASSWORD or ~/.pgpass (libpq), never from the URL (refused); messages never show one. "
    "A libpq keyword string (host=... password=...) is no file path, and a database name holding = or "
    "whitespace no name: both refused (exit 2), never shown. "
    "It needs the [store] extra (pip install 'aimlapi-billing[store]'; PostgreSQL: [postgres])."
)
EXIT_CODES_TEXT = (
    "exit codes of the store: 3 also when the [store] or [postgres] extra is missing; 8 another sync is writing "
    "to the store (sync --wait waits for it instead); 9 the store cannot be used: not a store (another "
    "file or database), corrupt, read-only, a full disk, unreachable, or written by a newer aimlapi-billing "
    "(what was synced before is kept); 13 (a reader) the window starts before the store's pruned cut-off "
    "(sync --keep): the line names the cut-off, and no figure is given."
)


def _db(text: str) -> str:
    """A store address, checked before anything runs (a password in it is refused: exit 2)."""
    from ..store import StoreError, resolve

    try:
        resolve(text)
    except StoreError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def settle_text(span: datetime.timedelta) -> str:
    """``1h``, ``36h``, ``2d``: how --settle reads."""
    hours = span / datetime.timedelta(hours=1)
    return f"{hours / 24:g}d" if hours % 24 == 0 else f"{hours:g}h"


def max_age(text: str) -> datetime.timedelta:
    """``--max-age``: a span like 30m, 2h or 1d (the one span parser), from a minute: a store synced
    every 15 minutes is stale after 30."""
    from .._windows import span

    try:
        return span(text, shortest=datetime.timedelta(minutes=1))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_max_age_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--max-age",
        type=max_age,
        metavar="SPAN",
        help=f"with --db: a store whose last finished sync began longer ago than this (1m to 3660d, e.g. 30m, 2h) "
        f"{what}, never an old figure (default: any age)",
    )


def add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        type=_db,
        metavar="URL",
        help="the store: sqlite:///ABS/PATH, a file path, or postgresql://USER@HOST:PORT/DB "
        "(default: $AIMLAPI_BILLING_DB, else ~/.local/share/aimlapi-billing/spend.db)",
    )


def note_partial(synced: datetime.datetime | None, end: datetime.datetime, missing: str, err: TextIO) -> None:
    """The one note of a reader whose window reaches past the store's last finished sync (the rule is
    the store's ``covers``, which the HTML page's "cannot compare" follows too): what is ``missing``."""
    from .._windows import iso
    from ..store import covers

    if not covers(synced, end):
        if synced is None:  # no moment for "after it" to name: a sentence of its own
            print(f"{PROG}: note: {NO_SYNC_NOTE}", file=err)
        else:
            print(f"{PROG}: note: the last sync began {iso(synced.astimezone(datetime.UTC))}: {missing}", file=err)


def store_failure(exc: BaseException, err: TextIO) -> int:
    """One line on stderr (the address redacted) and the exit code for ``exc``."""
    from ..store import (
        StoreAddressError,
        StoreBusyError,
        StoreError,
        StoreExtraMissingError,
        StorePrunedError,
        StoreStaleError,
        redact,
    )

    code = report(exc, err, redact)
    if isinstance(exc, StoreAddressError):  # from $AIMLAPI_BILLING_DB: the same usage error as from --db
        return EXIT_USAGE
    if isinstance(exc, StoreExtraMissingError):
        return EXIT_CONFIGURATION
    if isinstance(exc, StoreBusyError):
        return EXIT_STORE_BUSY
    if isinstance(exc, StoreStaleError):
        return EXIT_STORE_STALE
    if isinstance(exc, StorePrunedError):
        return EXIT_STORE_PRUNED
    if isinstance(exc, StoreError):
        return EXIT_STORE
    return code
