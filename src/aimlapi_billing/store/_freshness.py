"""How old a store's figures are: the moment the last successful sync began reading (everything the
API had served before it is in the store; a run killed midway is not counted), and the check that a
reader's ``--max-age`` makes against it (never a silent old figure)."""

from __future__ import annotations

import datetime

from ._db import Store
from ._errors import StoreStaleError
from ._values import moment_of


def last_synced(store: Store) -> datetime.datetime | None:
    """When the newest finished sync started (its data reach that moment); None: none has finished."""
    from sqlalchemy import text

    with store.connect() as connection:
        value = connection.execute(text("SELECT MAX(started_us) FROM sync_runs WHERE finished_us IS NOT NULL")).scalar()
    return None if value is None else moment_of(int(value))


def covers(synced: datetime.datetime | None, end: datetime.datetime) -> bool:
    """Whether a finished sync that began at ``synced`` covers a window ending at ``end`` (the one rule:
    every reader says a window reaching past it is partial)."""
    return synced is not None and synced >= end


def age_text(age: datetime.timedelta) -> str:
    """``3h 5m``, ``2d 4h``, ``42s``: an age as people read it."""
    seconds = max(int(age.total_seconds()), 0)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes}m"
    return f"{minutes}m {seconds}s" if minutes else f"{seconds}s"


def fresh_as_of(
    store: Store, max_age: datetime.timedelta | None, now: datetime.datetime | None = None
) -> datetime.datetime:
    """The store's as-of moment; StoreStaleError when no sync finished, or the last began over ``max_age`` ago."""
    synced = last_synced(store)
    if synced is None:
        raise StoreStaleError(f"{store.url} has no finished sync: run `aimlapi-billing sync` first")
    now = now or datetime.datetime.now(datetime.UTC)
    if max_age is not None and now - synced > max_age:
        raise StoreStaleError(
            f"{store.url} was last synced {age_text(now - synced)} ago ({synced.strftime('%Y-%m-%dT%H:%M:%SZ')}), "
            f"older than --max-age {age_text(max_age)}: its figures are not shown"
        )
    return synced
