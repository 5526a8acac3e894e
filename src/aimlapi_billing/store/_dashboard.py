"""The figures of ``report --html`` for one window, read from the store: exact Decimals, bounded lists.

- **Daily spend** by key (or team), the top :data:`TOP_GROUPS` by the window's spend and the rest
  added up as "other", every UTC day of the window present (a day without spend is 0).
- **Spend by model**, the top :data:`TOP_MODELS` and "other".
- **Keys against their limits**: each key's spend in the window beside its current limit; the
  :data:`TOP_KEYS` nearest their limit (share of it spent), then by spend, and "other".
- **The balance** the syncs observed, the top-ups the ledger shows, and the runway: the latest
  balance at the window's ledger burn rate (``lib/forecast``'s rule: CHARGE entries are spend,
  averaged over the window since the ledger's first entry, never less than a day).
- **Agreement**: ``lib/reconcile``'s comparison over the stored records: the ledger's MODEL_USAGE
  charges by ``reference_id`` against the request rows by ``inference_id`` (a charge landing up to
  the reconcile settle after the window's end counts), each pair within the tolerance, and the usage
  totals (whole UTC days) against the request rows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from .._exact import days_at, days_of, per_day
from ..lib.forecast import MIN_COVERED
from ..lib.reconcile import DEFAULT_SETTLE, DEFAULT_TOLERANCE
from ..teams import Teams
from ._agreement import exact_total, matched, orphans, usage_days, window_params
from ._chargeback import key_names
from ._db import Store
from ._freshness import covers, last_synced
from ._report import SpendRow, spend
from ._retention import require_complete
from ._shared_keys import shared as shared_keys
from ._shared_keys import shared_prefixes, shared_text
from ._values import EPOCH, decode_usd, exact_sum, micros

TOP_GROUPS = 8
TOP_MODELS = 12
TOP_KEYS = 25
#: A longer window is shown by calendar month (its first day standing for it), not by day.
MAX_DAYS_SHOWN = 92
OTHER = "other"
_DAY = datetime.timedelta(days=1)

if TYPE_CHECKING:
    pass


@dataclass(frozen=True)
class Share:
    """One bar: a name (a key, team, model, or ``other (N)``), its spend and charged requests."""

    name: str
    spend: Decimal
    requests: int
    members: int = 1  # how many keys, teams or models an "other" row adds up
    other: bool = False  # the rest, added up (a key or team may be named "other" itself)


@dataclass(frozen=True)
class KeyLimit:
    prefix: str
    name: str | None
    team: str | None
    spend: Decimal
    limit: Decimal | None
    retention: str | None
    disabled: bool
    members: int = 1
    #: Several keys listed with this prefix: their spend, and no one key's name or limit (None: one key).
    shared_by: int | None = None

    @property
    def used(self) -> Decimal | None:
        """The share of the limit spent in the window (1 = all of it); None without a limit."""
        if self.limit is None or self.limit <= 0:
            return None
        return (self.spend / self.limit).quantize(Decimal("0.0001"))

    @property
    def over_zero(self) -> bool:
        """Spend against a limit of 0: over it however little, a ratio of infinity (never left out)."""
        return self.limit is not None and self.limit <= 0 and self.spend > 0


@dataclass(frozen=True)
class Runway:
    balance: Decimal
    as_of: datetime.datetime
    spend: Decimal  # the ledger's CHARGE entries over the days covered
    days_covered: Decimal
    burn_per_day: Decimal
    days: Decimal | None  # None: nothing spent, unbounded
    depletion_at: datetime.datetime | None


@dataclass(frozen=True)
class Agreement:
    ledger: Decimal  # MODEL_USAGE charges billing the window's requests
    logs: Decimal
    usage: Decimal
    logs_of_usage_days: Decimal  # the request rows of the usage's whole days, which the usage is compared with
    usage_first_day: datetime.date | None
    usage_last_day: datetime.date | None
    only_in_ledger: int
    only_in_logs: int
    differing: int
    tolerance: Decimal

    @property
    def agree(self) -> bool:
        return (
            not (self.only_in_ledger or self.only_in_logs or self.differing)
            and abs(self.ledger - self.logs) < self.tolerance
            and abs(self.usage - self.logs_of_usage_days) < self.tolerance
        )


@dataclass(frozen=True)
class Dashboard:
    start: datetime.datetime
    end: datetime.datetime
    by: str  # "key" or "team"
    bucket: str  # "day", or "month" for a window of more than MAX_DAYS_SHOWN days
    total: Decimal
    requests: int
    days: tuple[datetime.date, ...]  # the first day of each bucket
    groups: tuple[Share, ...]  # the stacked series, largest first, "other" last
    daily: dict[tuple[datetime.date, int], Decimal]  # (day, index in groups) -> spend; missing: 0
    models: tuple[Share, ...]
    keys: tuple[KeyLimit, ...]
    balances: tuple[tuple[datetime.datetime, datetime.datetime, Decimal], ...]  # observed from, to, USD
    topups: tuple[tuple[datetime.datetime, Decimal, str], ...]  # when, USD, ledger type
    runway: Runway | None  # None: no balance stored
    agreement: Agreement
    #: When the store's last finished sync began (its data reach that moment); None: none finished.
    synced: datetime.datetime | None = None

    @property
    def complete(self) -> bool:
        """Whether a finished sync covers the whole window (else the figures after ``synced`` are missing)."""
        return covers(self.synced, self.end)


def _moment(us: int) -> datetime.datetime:
    return EPOCH + datetime.timedelta(microseconds=us)


def _top(shares: dict[str, tuple[Decimal, int]], count: int) -> tuple[Share, ...]:
    ranked = sorted(shares.items(), key=lambda item: (-item[1][0], item[0]))
    top = [Share(name, amount, requests) for name, (amount, requests) in ranked[:count]]
    rest = ranked[count:]
    if rest:
        top.append(
            Share(
                f"{OTHER} ({len(rest):,})",
                exact_sum(amount for _, (amount, _r) in rest),
                sum(requests for _, (_a, requests) in rest),
                len(rest),
                other=True,
            )
        )
    return tuple(top)


def _add(totals: dict[str, tuple[Decimal, int]], name: str, row: SpendRow) -> None:
    amount, requests = totals.get(name, (Decimal(0), 0))
    totals[name] = (exact_sum((amount, row.spend)), requests + row.requests)


def _days(start: datetime.datetime, end: datetime.datetime) -> tuple[datetime.date, ...]:
    first, last = start.astimezone(datetime.UTC).date(), (end - datetime.timedelta(microseconds=1)).date()
    return tuple(first + n * _DAY for n in range((last - first).days + 1))


def _keys(
    store: Store, spent: dict[str, Decimal], teams: Teams | None, names: dict[str, str | None]
) -> tuple[KeyLimit, ...]:
    from sqlalchemy import text

    sql = (
        "SELECT k.prefix, v.limit_threshold, v.limit_retention, v.disabled FROM keys k "
        "JOIN key_versions v ON v.key_id = k.id AND v.valid_to_us IS NULL"  # current keys: a deleted one has none
    )
    rows = []
    with store.connect() as connection:
        shared = shared_prefixes(connection)
        for prefix, threshold, retention, disabled in connection.execute(text(sql)):
            name = names.get(prefix)
            many = shared.get(prefix)
            rows.append(
                KeyLimit(
                    prefix=prefix,
                    name=name,
                    team=None if teams is None else teams.team_of(prefix, name),
                    spend=spent.get(prefix, Decimal(0)),
                    # One key's limit held against several keys' spend would be no key's figure.
                    limit=None if threshold is None or many else Decimal(threshold),
                    retention=None if many else retention,
                    disabled=bool(disabled),
                    shared_by=many,
                )
            )
    # Spend over a limit of 0 is the worst ratio there is: those keys first, never folded into "other".
    rows.sort(key=lambda key: (not key.over_zero, key.used is None, -(key.used or 0), -key.spend, key.prefix))
    top, rest = rows[:TOP_KEYS], rows[TOP_KEYS:]
    if rest:
        top.append(
            KeyLimit(
                f"{OTHER} ({len(rest):,})", None, None, exact_sum(k.spend for k in rest), None, None, False, len(rest)
            )
        )
    return tuple(top)


def _balance(
    store: Store, start: datetime.datetime, end: datetime.datetime
) -> tuple[
    tuple[tuple[datetime.datetime, datetime.datetime, Decimal], ...], tuple[tuple[datetime.datetime, Decimal, str], ...]
]:
    from sqlalchemy import text

    low, high = micros(start), micros(end)
    with store.connect() as connection:
        observed = [
            (_moment(max(first, low)), _moment(min(last, high)), decode_usd(nano, plain))
            for first, last, nano, plain in connection.execute(
                text(
                    "SELECT observed_from_us, observed_to_us, usd_nano, usd_text FROM balances "
                    "WHERE observed_from_us < :high AND observed_to_us >= :low ORDER BY observed_from_us"
                ),
                {"low": low, "high": high},
            )
        ]
        topups = [
            (_moment(created), decode_usd(nano, plain), str(kind))
            for created, nano, plain, kind in connection.execute(
                text(
                    "SELECT created_us, usd_nano, usd_text, type FROM ledger WHERE direction = 'TOPUP' "
                    "AND created_us >= :low AND created_us < :high ORDER BY created_us"
                ),
                {"low": low, "high": high},
            )
        ]
    return tuple(observed), tuple(topups)


def _runway(store: Store, start: datetime.datetime, end: datetime.datetime) -> Runway | None:
    from sqlalchemy import text

    with store.connect() as connection:
        latest = connection.execute(
            text(
                "SELECT observed_to_us, usd_nano, usd_text FROM balances WHERE observed_from_us < :high "
                "ORDER BY observed_from_us DESC LIMIT 1"
            ),
            {"high": micros(end)},
        ).first()
        if latest is None:
            return None
        as_of = min(_moment(latest[0]), end)
        first = connection.execute(text("SELECT MIN(created_us) FROM ledger")).scalar()
        began = max(start, _moment(first)) if first is not None else start
        spent = exact_total(
            connection,
            "ledger WHERE direction = 'CHARGE' AND created_us >= :low AND created_us < :high",
            {"low": micros(began), "high": micros(as_of)},
        )
    balance = decode_usd(latest[1], latest[2])
    covered = max(as_of - began, MIN_COVERED)
    days = None if spent <= 0 else (Decimal(0) if balance <= 0 else days_at(balance, spent, covered))
    depletion = None
    if days is not None:
        try:
            depletion = as_of + datetime.timedelta(days=float(days))
        except OverflowError:  # further out than the calendar: as good as never
            depletion = None
    return Runway(balance, as_of, spent, days_of(covered), per_day(spent, covered), days, depletion)


def _agreement(store: Store, start: datetime.datetime, end: datetime.datetime, logs_total: Decimal) -> Agreement:
    params = window_params(start, end, DEFAULT_SETTLE)
    with store.connect() as connection:
        found = matched(connection, params, DEFAULT_TOLERANCE)
        only_in_ledger, orphaned, _ = orphans(connection, params)
        days = usage_days(connection, start, end)
    whole_days = days.first is not None
    return Agreement(
        ledger=exact_sum((found.billed, orphaned)),
        logs=logs_total,
        # The usage is by whole UTC day: compared with the logs of those days (none: nothing to compare).
        usage=days.usage if whole_days else logs_total,
        logs_of_usage_days=days.logs if whole_days else logs_total,
        usage_first_day=days.first,
        usage_last_day=days.last,
        only_in_ledger=only_in_ledger,
        only_in_logs=found.alone,
        differing=found.differing,
        tolerance=DEFAULT_TOLERANCE,
    )


def dashboard(
    store: Store, start: datetime.datetime, end: datetime.datetime, *, teams: Teams | None = None, by: str = "key"
) -> Dashboard:
    """The figures of the HTML report over ``[start, end)``, the daily spend by ``by`` (``key``, or
    ``team``: then ``teams`` is needed); with ``teams``, each key's row names its team."""
    if by not in ("key", "team") or (by == "team" and teams is None):
        raise ValueError(f"by must be key, or team with teams given, not {by!r}")
    require_complete(store, start)  # the page reads every record
    names = key_names(store)
    shared = shared_keys(store)

    def group_of(prefix: str) -> str:
        if by == "key" or teams is None:
            return prefix if prefix not in shared else f"{prefix} ({shared_text(shared[prefix])})"
        return teams.team_of(prefix, names.get(prefix))

    by_day_key = spend(store, start, end, ("day", "key"))
    by_model = spend(store, start, end, ("model",))
    group_totals: dict[str, tuple[Decimal, int]] = {}
    key_spend: dict[str, Decimal] = {}
    for row in by_day_key.rows:
        assert row.key_prefix is not None
        group = group_of(row.key_prefix)
        _add(group_totals, group, row)
        key_spend[row.key_prefix] = exact_sum((key_spend.get(row.key_prefix, Decimal(0)), row.spend))
    groups = _top(group_totals, TOP_GROUPS)
    index = {share.name: number for number, share in enumerate(groups) if not share.other}
    days = _days(start, end)
    monthly = len(days) > MAX_DAYS_SHOWN
    first_day = days[0] if days else start.date()

    def month_of(day: datetime.date) -> datetime.date:
        # A month's row is labelled by its first day in the window: a window from the 15th starts there.
        return max(day.replace(day=1), first_day)

    if monthly:
        days = tuple(sorted({month_of(day) for day in days}))
    daily: dict[tuple[datetime.date, int], list[Decimal]] = {}
    for row in by_day_key.rows:
        assert row.key_prefix is not None
        assert row.day is not None
        group = group_of(row.key_prefix)
        bucket = month_of(row.day) if monthly else row.day
        daily.setdefault((bucket, index.get(group, len(groups) - 1)), []).append(row.spend)
    model_totals: dict[str, tuple[Decimal, int]] = {}
    for row in by_model.rows:
        _add(model_totals, str(row.model), row)
    balances, topups = _balance(store, start, end)
    return Dashboard(
        start=start,
        end=end,
        by=by,
        bucket="month" if monthly else "day",
        total=by_day_key.total,
        requests=sum(row.requests for row in by_day_key.rows),
        days=days,
        groups=groups,
        daily={cell: exact_sum(amounts) for cell, amounts in daily.items()},
        models=_top(model_totals, TOP_MODELS),
        keys=_keys(store, key_spend, teams, names),
        balances=balances,
        topups=topups,
        runway=_runway(store, start, end),
        agreement=_agreement(store, start, end, by_day_key.total),
        synced=last_synced(store),
    )
