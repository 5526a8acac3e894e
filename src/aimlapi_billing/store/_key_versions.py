"""Keys the API no longer lists: deleted, so their current version ends (``valid_to_us``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

# A version never ends before it begins: a clock that went back gets the version's first moment after it.
_CLOSE = (
    "UPDATE key_versions SET valid_to_us = CASE WHEN valid_from_us < :now THEN :now ELSE valid_from_us + 1 END "
    "WHERE valid_to_us IS NULL AND key_id NOT IN :listed"
)


def close_deleted(connection: Connection, listed: list[int], now_us: int) -> None:
    """End, at ``now_us``, the current version of every key not in ``listed`` (the ids of the keys
    ``/v1/keys`` lists): readers of current keys (check-keys --db, metrics --db --keys, the HTML
    report's limits) leave it out; its spend stays, under the name it last had."""
    from sqlalchemy import bindparam, text

    statement = text(_CLOSE).bindparams(bindparam("listed", expanding=True))
    connection.execute(statement, {"now": now_us, "listed": listed})


def ended_us(connection: Connection, key_id: int) -> int:
    """When the key's latest closed version ended (0: none did): a version made now begins there at the earliest."""
    from sqlalchemy import text

    sql = text("SELECT MAX(valid_to_us) FROM key_versions WHERE key_id = :key")
    return int(connection.execute(sql, {"key": key_id}).scalar() or 0)
