"""``sync``: bring the store up to date with the account, through the public SDK.

What a run reads, in order: the keys (a new row in ``key_versions`` when a key's name, limit,
scopes or disabled state changed), the balance, the ledger, then each key's request logs and daily
usage per model.

Incremental: per record and key, ``sync_state.high_water_us`` is the moment up to which everything has been
read. A run reads from ``high_water - settle`` to its own start, so rows the vendor adds up to ``settle`` after
their timestamp are still caught (default :data:`DEFAULT_SETTLE`); a row added later than that is not
(``sync --settle 30d`` once reads further back). Idempotent: a log row is known by its key and ``inference_id`` (a row
without one by a digest of its content), a ledger entry (which has no id) by a digest of its fixed fields and
its ordinal among identical entries; a row known already is skipped, so a run adds nothing twice.

Crash-safe: the ledger and the logs are walked newest first; each page of rows is written in ONE
transaction together with how far down the walk got (``walk_down_to_us``). A run killed at any
moment leaves whole pages; the next run goes on below the last one written (re-reading the
moment it stopped at, whose rows may have straddled two pages) and then moves the high-water mark.
Daily usage is replaced piece by piece (92 days), each piece with its mark in one transaction.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from ._db import Store
from ._key_versions import close_deleted, ended_us
from ._progress import Progress
from ._read_ahead import ReadAhead
from ._shared_keys import one_per_prefix
from ._sync_rows import Rows
from ._values import clean_text, encode_usd, micros, moment_of, parse_moment

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from aimlapi_billing import ApiKey, Billing, LogEntry, Transaction

#: How far before the last run's end a run reads again, for rows the vendor adds late.
DEFAULT_SETTLE = datetime.timedelta(hours=1)
#: Rows written per transaction: the API's page.
PAGE_ROWS = 100
#: Pages of request rows read ahead of the writer at most (100 rows each: tens of MB at worst).
READ_AHEAD_PAGES = 200
#: A logs request covers at most this long (the API's limit is 92 days).
PIECE = datetime.timedelta(days=91)
_DAY_US = 86_400_000_000
_MS_US = 1000
T = TypeVar("T")


@dataclass
class SyncSummary:
    """What a run added: rows per record, and pages written."""

    added: dict[str, int] = field(default_factory=lambda: {"ledger": 0, "logs": 0, "usage": 0, "keys": 0})
    pages: int = 0
    shared: dict[str, int] = field(default_factory=dict)  # prefixes listed for more than one key: how many
    #: The run's moment (its start, as sync_runs records it): what readers end their windows at, and
    #: what ``sync --keep`` counts back from.
    started: datetime.datetime | None = None


@dataclass(frozen=True)
class _Leg:
    """One stretch of a walk: ``[low, high)`` read newest first, already written down to ``down_to``
    (None: nothing yet), the record's high-water mark until the leg ends."""

    high_water: int | None
    low: int | None
    high: int
    down_to: int | None


@dataclass
class _State:
    high_water: int | None
    walk_low: int | None
    walk_high: int | None
    walk_down_to: int | None


def _pages(rows: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(rows)
    while page := list(itertools.islice(iterator, size)):
        yield page


def _utc(value_us: int) -> datetime.datetime:
    return datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC) + datetime.timedelta(microseconds=value_us)


class Sync:
    """One run against ``store`` (the writer lock held, the schema current)."""

    def __init__(
        self,
        store: Store,
        billing: Billing,
        *,
        settle: datetime.timedelta = DEFAULT_SETTLE,
        progress: Callable[[str], None] | None = None,
        now: datetime.datetime | None = None,
        redact: Callable[[str], str] | None = None,
        checkpoint: Callable[[], None] | None = None,
    ) -> None:
        self.store = store
        self.billing = billing
        self.settle_us = micros(datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC) + settle)
        # The run's end: a moment the API has reached (milliseconds, as it writes them).
        moment = now or datetime.datetime.now(datetime.UTC)
        self.now_us = micros(moment) // _MS_US * _MS_US
        self.summary = SyncSummary(started=moment_of(self.now_us))
        self.progress = Progress(progress, checkpoint)  # checkpoint(): at each page and between records
        self.rows = Rows(store, redact)
        self._connection: Connection | None = None

    # -- state ---------------------------------------------------------------------------------

    def _state(self, record: str, scope: str) -> _State:
        from sqlalchemy import text

        with self._transaction() as connection:
            row = connection.execute(
                text(
                    "SELECT high_water_us, walk_low_us, walk_high_us, walk_down_to_us FROM sync_state "
                    "WHERE record = :record AND scope = :scope"
                ),
                {"record": record, "scope": scope},
            ).first()
        return _State(None, None, None, None) if row is None else _State(*row)

    @staticmethod
    def _save_state(connection: Connection, record: str, scope: str, state: _State) -> None:
        from sqlalchemy import text

        connection.execute(
            text(
                "INSERT INTO sync_state (record, scope, high_water_us, walk_low_us, walk_high_us, walk_down_to_us) "
                "VALUES (:record, :scope, :high, :low, :walk_high, :down) ON CONFLICT (record, scope) DO UPDATE SET "
                "high_water_us = excluded.high_water_us, walk_low_us = excluded.walk_low_us, "
                "walk_high_us = excluded.walk_high_us, walk_down_to_us = excluded.walk_down_to_us"
            ),
            {
                "record": record,
                "scope": scope,
                "high": state.high_water,
                "low": state.walk_low,
                "walk_high": state.walk_high,
                "down": state.walk_down_to,
            },
        )

    # -- the run -------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[Connection]:
        """One transaction on the run's connection."""
        if self._connection is None:
            with self.store.connect() as connection, self.store.atomic(connection):
                yield connection
            return
        with self.store.atomic(self._connection) as connection:
            yield connection

    def run(self) -> SyncSummary:
        with self.store.connect() as connection:
            self._connection = connection
            try:
                return self._run()
            finally:
                self._connection = None

    def _run(self) -> SyncSummary:
        from sqlalchemy import text

        with self._transaction() as connection:
            run_id = connection.execute(
                text("INSERT INTO sync_runs (started_us) VALUES (:now) RETURNING id"), {"now": self.now_us}
            ).scalar_one()
        keys = one_per_prefix(self, list(self.billing.keys.list()))
        self._sync_keys(keys)
        self.progress.checkpoint()
        # The logs are read ahead by a thread of their own from here on, so that their rate limit,
        # the run's bound, is never idle while the balance, the ledger and the usage are read and
        # pages are written (the walks' plans are read first: only this run moves them).
        floors: dict[str, int] = {}  # one walk per prefix (listed twice, the earlier creation)
        for key in keys:
            prefix = clean_text(key.prefix, "a key's prefix", limit=200) or ""
            created = micros(key.created_at) // _DAY_US * _DAY_US
            floors[prefix] = min(created, floors.get(prefix, created))
        walks = list(floors.items())
        plans = [(prefix, created, self._legs("logs", prefix, created)) for prefix, created in walks]
        ahead = ReadAhead(self._log_pages(plans), READ_AHEAD_PAGES)
        try:
            self._sync_balance()
            self.progress.checkpoint()
            for leg in self._legs("ledger", "", None):
                ordinals: dict[str, int] = {}  # counted per leg: the next leg re-reads the settle window

                def ledger(connection: Connection, page: list[Transaction], ordinals: dict[str, int] = ordinals) -> int:
                    return self.rows.ledger(connection, page, ordinals)

                self._write_leg("ledger", "", leg, self._leg_pages(leg, self._ledger_rows), ledger)
            for prefix, created in walks:
                self.progress.checkpoint()
                self._sync_usage(prefix, created)
            self.progress.checkpoint()
            pages = iter(ahead)
            for prefix, _created, legs in plans:

                def logs(connection: Connection, page: list[LogEntry], prefix: str = prefix) -> int:
                    return self.rows.logs(connection, prefix, page)

                for leg in legs:
                    self._write_leg("logs", prefix, leg, iter(lambda: next(pages), None), logs)
        finally:
            ahead.close()
        self.progress.checkpoint()  # never marked finished after a Ctrl-C
        with self._transaction() as connection:
            connection.execute(
                text("UPDATE sync_runs SET finished_us = :now, rows_added = :added WHERE id = :id"),
                {
                    "now": micros(datetime.datetime.now(datetime.UTC)),
                    "added": sum(self.summary.added.values()),
                    "id": run_id,
                },
            )
        self.progress.done()
        return self.summary

    # -- walks: the ledger and the logs --------------------------------------------------------

    def _legs(self, record: str, scope: str, floor: int | None) -> list[_Leg]:
        """A walk's legs, newest first within each: a killed run's walk taken up where it stopped (up
        to that run's start), then from the high-water mark less the settle to this run's start."""
        state = self._state(record, scope)
        legs, high_water = [], state.high_water
        if state.walk_high is not None:
            legs.append(_Leg(state.high_water, state.walk_low, state.walk_high, state.walk_down_to))
            high_water = state.walk_high
        if not legs or legs[-1].high < self.now_us:
            low = floor if high_water is None else max(high_water - self.settle_us, floor or 0)
            legs.append(_Leg(high_water, low, self.now_us, None))
        return legs

    @staticmethod
    def _leg_pages(leg: _Leg, fetch: Callable[[int | None, int], Iterable[Any]]) -> Iterator[list[Any]]:
        """The leg's rows in pages, read from the API (nothing written)."""
        # The rows at down_to itself may have straddled two pages: read that millisecond again.
        upper = leg.high if leg.down_to is None else min(leg.high, leg.down_to + _MS_US)
        if leg.low is None or upper > leg.low:
            yield from _pages(fetch(leg.low, upper), PAGE_ROWS)

    def _log_pages(self, plans: list[tuple[str, int, list[_Leg]]]) -> Iterator[list[LogEntry] | None]:
        """Every key's legs of logs one after another, each leg's pages followed by None (the producer
        of :class:`ReadAhead`: it reads, never writes)."""
        for prefix, _created, legs in plans:
            for leg in legs:
                yield from self._leg_pages(leg, functools.partial(self._log_rows, prefix))
                yield None

    def _write_leg(
        self,
        record: str,
        scope: str,
        leg: _Leg,
        pages: Iterable[list[Any]],
        store: Callable[[Connection, list[Any]], int],
    ) -> None:
        """Write a leg's pages, each in one transaction with how far down the walk got; then move the
        high-water mark to the leg's end."""
        what = f"{record} {scope}".strip()
        low, high, down_to = leg.low, leg.high, leg.down_to
        for page in pages:
            with self._transaction() as connection:
                added = store(connection, page)
                lowest = min(self._created(row) for row in page)
                down_to = lowest if down_to is None else min(down_to, lowest)
                self._save_state(connection, record, scope, _State(leg.high_water, low, high, down_to))
            self.summary.added[record] += added
            self.summary.pages += 1
            span = high - (low if low is not None else down_to)
            self.progress.page(what, len(page), (high - down_to) / span if span > 0 else 1.0)
        with self._transaction() as connection:
            self._save_state(connection, record, scope, _State(high, None, None, None))

    @staticmethod
    def _created(row: Any) -> int:
        return parse_moment(getattr(row, "created", None) or getattr(row, "created_at", None), "a row's time")

    def _ledger_rows(self, low: int | None, high: int) -> Iterator[Transaction]:
        start = None if low is None else _utc(low)
        return iter(self.billing.transactions(from_=start, to=_utc(high), max_pages=10**9))

    def _log_rows(self, prefix: str, low: int | None, high: int) -> Iterator[LogEntry]:
        """The key's rows of ``[low, high)``, newest first, in pieces the API accepts (newest piece first)."""
        assert low is not None
        while high > low:
            piece_low = max(low, high - micros(datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC) + PIECE))
            yield from self.billing.logs.list(start=_utc(piece_low), end=_utc(high), key_prefix=prefix, max_pages=10**9)
            high = piece_low

    # -- keys and balance ----------------------------------------------------------------------

    def _sync_keys(self, keys: list[ApiKey]) -> None:
        from sqlalchemy import text

        with self._transaction() as connection:
            listed = []
            for key in keys:
                prefix = clean_text(key.prefix, "a key's prefix", limit=200) or ""
                ident = self.rows.key_id(connection, prefix)
                listed.append(ident)
                limit = key.limit if key.limit is not None and not isinstance(key.limit, type(None)) else None
                threshold = getattr(limit, "threshold", None)
                retention = getattr(limit, "retention", None)
                name = key.name if isinstance(key.name, str) else None
                version = {
                    "name": self.rows.text(name, "a key's name"),
                    "disabled": bool(key.disabled),
                    "scopes": None if key.scopes is None else json.dumps([scope.value for scope in key.scopes]),
                    "threshold": str(threshold) if isinstance(threshold, Decimal) and threshold.is_finite() else None,
                    "retention": clean_text(getattr(retention, "value", None), "a key's limit retention"),
                }
                current = connection.execute(
                    text(
                        "SELECT valid_from_us, name, disabled, scopes, limit_threshold, limit_retention "
                        "FROM key_versions WHERE key_id = :key AND valid_to_us IS NULL"
                    ),
                    {"key": ident},
                ).first()
                held = None if current is None else dict(zip(version, current[1:], strict=True))
                if held is not None:
                    held["disabled"] = bool(held["disabled"])
                if held == version:
                    continue
                # The API's updated_at is when this value began; never before the version it replaces
                # (nor before a deleted key's last version ended: listed again, it is current again).
                since = max(micros(key.updated_at), ended_us(connection, ident))
                if current is not None:
                    since = max(since, int(current[0]) + 1)
                    connection.execute(
                        text(
                            "UPDATE key_versions SET valid_to_us = :since WHERE key_id = :key AND valid_to_us IS NULL"
                        ),
                        {"since": since, "key": ident},
                    )
                connection.execute(
                    text(
                        "INSERT INTO key_versions (key_id, valid_from_us, created_us, name, disabled, scopes, "
                        "limit_threshold, limit_retention) VALUES (:key, :since, :created, :name, :disabled, :scopes, "
                        ":threshold, :retention)"
                    ),
                    {"key": ident, "since": since, "created": micros(key.created_at), **version},
                )
                self.summary.added["keys"] += 1
            close_deleted(connection, listed, self.now_us)

    def _sync_balance(self) -> None:
        from sqlalchemy import text

        detail = self.billing.detail()
        nano, exact = encode_usd(detail.current_balance, "the balance")
        with self._transaction() as connection:
            last = connection.execute(
                text("SELECT observed_from_us, usd_nano, usd_text FROM balances ORDER BY observed_from_us DESC LIMIT 1")
            ).first()
            if last is not None and (last[1], last[2]) == (nano, exact):
                connection.execute(
                    text("UPDATE balances SET observed_to_us = :now WHERE observed_from_us = :since"),
                    {"now": self.now_us, "since": last[0]},
                )
            elif last is None or self.now_us > last[0]:
                connection.execute(
                    text(
                        "INSERT INTO balances (observed_from_us, observed_to_us, usd_nano, usd_text) "
                        "VALUES (:now, :now, :nano, :text)"
                    ),
                    {"now": self.now_us, "nano": nano, "text": exact},
                )

    # -- daily usage ---------------------------------------------------------------------------

    def _sync_usage(self, prefix: str, created: int) -> None:
        """Per 92-day piece, oldest first: the piece's days replaced in one transaction with the mark."""
        from sqlalchemy import text

        state = self._state("usage", prefix)
        low = created if state.high_water is None else max(created, state.high_water - self.settle_us)
        low = low // _DAY_US * _DAY_US  # whole UTC days: a day's figures are replaced whole
        piece_us = micros(datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC) + PIECE)
        while low < self.now_us:
            high = min(self.now_us, low + piece_us)
            report = self.billing.usage.detail(
                start=_utc(low), end=_utc(high), key_prefix=prefix, group_by="day,model", tz="UTC"
            )
            with self._transaction() as connection:
                key = self.rows.key_id(connection, prefix)
                first_day = _utc(low).date().isoformat()
                connection.execute(
                    text("DELETE FROM usage_daily WHERE key_id = :key AND day >= :first AND day <= :last"),
                    {"key": key, "first": first_day, "last": _utc(high - 1).date().isoformat()},
                )
                added = self.rows.usage(connection, prefix, report.groups)
                self._save_state(connection, "usage", prefix, _State(high, None, None, None))
            self.summary.added["usage"] += added
            low = high
