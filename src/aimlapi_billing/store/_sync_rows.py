"""How ``sync`` turns the API's rows into the store's: the key and model dictionaries, and a page of
ledger entries, request rows or daily usage written in the caller's transaction, a row known already
skipped (see :mod:`._sync` for the identities and why)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ._db import Store
from ._values import clean_text, content_digest, encode_usd, ledger_identity, parse_moment, row_content, whole

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from aimlapi_billing import LogEntry, Transaction

_LEDGER_COLUMNS = (
    "uid", "created_us", "direction", "type", "usd_nano", "usd_text", "credits", "model_id", "reference_id",
)  # fmt: skip
_LOG_COLUMNS = (
    "key_id", "uid", "created_us", "status", "origin", "model_id", "usd_nano", "usd_text", "credits",
    "tokens_in", "tokens_out", "tokens_total", "request_id", "client_request_id",
)  # fmt: skip
_USAGE_UPSERT = (
    "INSERT INTO usage_daily (key_id, day, model_id, spend_nano, spend_text, requests_total, requests_charged, "
    "requests_failed, tokens_in, tokens_out, tokens_total) VALUES (:key, :day, :model, :nano, :text, :total, "
    ":charged, :failed, :tokens_in, :tokens_out, :tokens_total) ON CONFLICT (key_id, day, model_id) DO UPDATE SET "
    "spend_nano = excluded.spend_nano, spend_text = excluded.spend_text, requests_total = excluded.requests_total, "
    "requests_charged = excluded.requests_charged, requests_failed = excluded.requests_failed, "
    "tokens_in = excluded.tokens_in, tokens_out = excluded.tokens_out, tokens_total = excluded.tokens_total"
)


class Rows:
    """The writer of one run: ``redact`` rewrites every text the server sent before it is stored."""

    def __init__(self, store: Store, redact: Callable[[str], str] | None = None) -> None:
        self.store = store
        self._redact = redact
        self._keys: dict[str, int] = {}
        self._models: dict[str, int] = {}

    def _id(self, connection: Connection, table: str, column: str, value: str, cache: dict[str, int]) -> int:
        known = cache.get(value)
        if known is not None:
            return known
        from sqlalchemy import text

        # table and column are this module's constants, never input.
        insert = f"INSERT INTO {table} ({column}) VALUES (:value) ON CONFLICT ({column}) DO NOTHING"  # noqa: S608
        connection.execute(text(insert), {"value": value})
        select = f"SELECT id FROM {table} WHERE {column} = :value"  # noqa: S608
        ident = int(connection.execute(text(select), {"value": value}).one()[0])
        cache[value] = ident
        return ident

    def key_id(self, connection: Connection, prefix: str) -> int:
        return self._id(connection, "keys", "prefix", prefix, self._keys)

    def model_id(self, connection: Connection, name: str) -> int:
        return self._id(connection, "models", "name", name, self._models)

    def text(self, value: object, what: str, *, limit: int = 1000) -> str | None:
        """Server text as stored (:func:`clean_text`), an echo of the API key in it redacted: what a
        server writes into a model name or an id is printed later by ``report``."""
        text = clean_text(value, what, limit=limit)
        return text if text is None or self._redact is None else self._redact(text)

    def ledger(self, connection: Connection, page: list[Transaction], ordinals: dict[str, int]) -> int:
        """``ordinals`` counts identical entries (which share a moment) over one walk."""
        records = []
        for entry in page:
            nano, exact = encode_usd(entry.amount.usd, "a ledger entry's amount")
            model = self.text(entry.model, "a ledger entry's model")
            created = parse_moment(entry.created_at, "a ledger entry's created_at")
            direction = clean_text(entry.direction.value, "a ledger direction")
            entry_type = clean_text(entry.type_.value, "a ledger type")
            credits = whole(entry.amount.credits_, "a ledger entry's credits")
            identity = ledger_identity(created, direction or "", entry_type or "", nano, exact, credits, model)
            ordinal = ordinals.get(identity, 0)
            ordinals[identity] = ordinal + 1
            records.append(
                (
                    content_digest(f"{identity}#{ordinal}"),
                    created,
                    direction,
                    entry_type,
                    nano,
                    exact,
                    credits,
                    None if model is None else self.model_id(connection, model),
                    self.text(entry.reference_id, "a ledger reference_id"),
                )
            )
        # reference_id is not part of the identity: one sent null and filled in later is filled in place.
        fill = "SET reference_id = excluded.reference_id WHERE ledger.reference_id IS NULL"
        return self.insert(connection, "ledger", _LEDGER_COLUMNS, "uid", records, update=fill)

    def logs(self, connection: Connection, prefix: str, page: list[LogEntry]) -> int:
        key = self.key_id(connection, prefix)
        records = []
        for row in page:
            identity = row.inference_id if isinstance(row.inference_id, str) and row.inference_id.strip() else None
            nano, exact = encode_usd(row.cost.usd, "a log row's cost")
            tokens = row.tokens
            records.append(
                (
                    key,
                    clean_text(identity, "an inference_id", limit=200)
                    or "row:" + content_digest(row_content(row.to_dict())),
                    parse_moment(row.created, "a log row's created"),
                    clean_text(row.status.value, "a log row's status", limit=100),
                    clean_text(row.origin.value, "a log row's origin", limit=100),
                    self.model_id(connection, self.text(row.model, "a log row's model") or ""),
                    nano,
                    exact,
                    whole(row.cost.credits_, "a log row's credits"),
                    whole(tokens.input_, "a log row's input tokens"),
                    whole(tokens.output, "a log row's output tokens"),
                    whole(tokens.total, "a log row's total tokens"),
                    self.text(row.request_id, "a request_id", limit=200),
                    self.text(row.client_request_id, "a client_request_id", limit=200),
                )
            )
        return self.insert(connection, "logs", _LOG_COLUMNS, "key_id, uid", records)

    def insert(
        self,
        connection: Connection,
        table: str,
        columns: tuple[str, ...],
        identity: str,
        records: list[tuple[Any, ...]],
        *,
        update: str | None = None,
    ) -> int:
        """Insert ``records`` (rows known by ``identity`` are skipped, or changed by ``update``); how many
        were new (or changed).
        Straight to the driver (executemany, no SQLAlchemy compilation per row: 3 times the rate);
        its row count is the sum over the rows on sqlite3 and psycopg 3 alike."""
        marks = ", ".join([self.store.placeholder] * len(columns))
        # table, columns and identity are this module's constants, never input.
        action = "NOTHING" if update is None else f"UPDATE {update}"
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks}) ON CONFLICT ({identity}) DO {action}"  # noqa: S608
        return int(connection.exec_driver_sql(sql, records).rowcount)

    def usage(self, connection: Connection, prefix: str, groups: Any) -> int:
        """A piece's groups by day and model upserted (the caller deleted the piece's days first)."""
        from sqlalchemy import text

        key = self.key_id(connection, prefix)
        records = []
        for group in groups or ():
            model, day = getattr(group, "model", None), getattr(group, "day", None)
            if not isinstance(model, str) or not isinstance(day, str):
                continue
            nano, exact = encode_usd(group.spend, "a usage group's spend")
            records.append(
                {
                    "key": key,
                    "day": clean_text(day, "a usage day", limit=10),
                    "model": self.model_id(connection, self.text(model, "a usage model") or ""),
                    "nano": nano,
                    "text": exact,
                    "total": whole(group.requests.total, "a usage group's requests"),
                    "charged": whole(group.requests.charged, "a usage group's requests"),
                    "failed": whole(group.requests.failed, "a usage group's requests"),
                    "tokens_in": whole(group.tokens.input_, "a usage group's tokens"),
                    "tokens_out": whole(group.tokens.output, "a usage group's tokens"),
                    "tokens_total": whole(group.tokens.total, "a usage group's tokens"),
                }
            )
        if records:
            connection.execute(text(_USAGE_UPSERT), records)
        return len(records)
