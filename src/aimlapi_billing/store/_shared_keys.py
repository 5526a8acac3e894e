"""Keys listed with one prefix: told apart by nothing the API answers, so said, and recorded.

The API knows a key by its prefix alone, the first 8 characters of the key: ``/v1/keys`` lists keys
with it, ``/v2/usage`` and ``/v2/logs`` take ``key_prefix``. Two keys that begin alike are listed
twice under one prefix, and every figure asked for that prefix is the sum of both. A sync cannot
split them; it reads the prefix once (from the oldest key's creation, so neither key's rows are
missed), keeps one version per prefix (the oldest key's: two would replace each other at every run),
and records in ``keys.shared_by`` the most keys it has seen listed at once under the prefix: the rows
stored under it are mixed from then on, so the mark stays when one of the keys is deleted. Every
reader that shows a key marks such a prefix (:func:`shared_text`) instead of one key's name and limit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ._values import clean_text, micros

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from aimlapi_billing import ApiKey

    from ._db import Store
    from ._sync import Sync


def _prefix(key: ApiKey) -> str:
    return clean_text(key.prefix, "a key's prefix", limit=200) or ""


def one_per_prefix(sync: Sync, keys: list[ApiKey]) -> list[ApiKey]:
    """``keys`` (the listing) with one key per prefix, the oldest, in the listing's order; each prefix
    listed more than once recorded in the store and in ``sync.summary.shared`` (prefix: keys)."""
    from sqlalchemy import text

    groups: dict[str, list[ApiKey]] = {}
    for key in keys:
        groups.setdefault(_prefix(key), []).append(key)
    shared = {prefix: len(group) for prefix, group in groups.items() if len(group) > 1}
    if shared:
        with sync._transaction() as connection:
            for prefix, count in shared.items():
                connection.execute(
                    text(
                        "UPDATE keys SET shared_by = CASE WHEN shared_by IS NULL OR shared_by < :count THEN :count "
                        "ELSE shared_by END WHERE id = :id"
                    ),
                    {"count": count, "id": sync.rows.key_id(connection, prefix)},
                )
    sync.summary.shared = shared
    oldest = {
        prefix: min(group, key=lambda key: (micros(key.created_at), str(key.name))) for prefix, group in groups.items()
    }
    return [key for key in keys if oldest[_prefix(key)] is key]


def shared_prefixes(connection: Connection) -> dict[str, int]:
    """Each prefix the syncs have seen listed for more than one key: the most keys at once."""
    from sqlalchemy import text

    rows = connection.execute(text("SELECT prefix, shared_by FROM keys WHERE shared_by > 1"))
    return {str(prefix): int(count) for prefix, count in rows}


def shared(store: Store) -> dict[str, int]:
    """:func:`shared_prefixes` of ``store``."""
    with store.connect() as connection:
        return shared_prefixes(connection)


def shared_text(count: int) -> str:
    """How every reader marks a prefix listed for ``count`` keys."""
    return f"shared by {count} keys"


def warning_line(prefix: str, count: int, shown: Callable[[str], str]) -> str:
    """``sync``'s stderr line for one shared prefix (``shown``: the prefix as the CLI shows one)."""
    return (
        f"warning: key prefix {shown(prefix)} is {shared_text(count)}: the API tells them apart by nothing, so "
        "their usage and logs are stored, and reported, as one"
    )
