"""A stand-in account written straight into a spend store, for ``report --html``'s tests and benchmark.

Syncing 1,000 keys from the stand-in server costs thousands of requests; the report reads only the
store, so these accounts are written into it directly, in the store's own schema and units (integer
nano-USD, microseconds). The records agree as the vendor's do: each costed request row has a
MODEL_USAGE charge of the same amount under its ``inference_id``, and ``usage_daily`` holds the rows'
sums per key, model and UTC day. The balance is observed once a day, a top-up every ten days.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_NANO = 10**9


@dataclass(frozen=True)
class SeededKey:
    prefix: str
    name: str | None
    limit: Decimal | None = None


def _us(moment: datetime.datetime) -> int:
    return (moment - _EPOCH) // datetime.timedelta(microseconds=1)


def cost(index: int) -> Decimal:
    """Request ``index``'s cost: 0.0001 to 0.0997 USD, every tenth failed (0)."""
    return Decimal(0) if index % 10 == 9 else Decimal(index % 997 + 1) / 10000


def seed(
    url: str,
    keys: Sequence[SeededKey],
    models: Sequence[str],
    *,
    end: datetime.datetime,
    days: int,
    per_day: int,
    key_of: Callable[[int], int] | None = None,
    model_of: Callable[[int], int] | None = None,
    opening_balance: Decimal = Decimal(1000),
    topup: Decimal = Decimal(500),
    synced: datetime.datetime | None = None,
) -> int:
    """Write the account into the (new) store at ``url``: ``per_day`` requests on each of the ``days``
    UTC days before ``end``'s day (``topup`` USD paid on every tenth), request ``i`` by
    ``keys[key_of(i)]`` (default ``i % len(keys)``) to ``models[model_of(i)]`` (default
    ``i % len(models)``), and a finished sync that began at ``synced`` (default ``end``). Returns how many
    request rows were written."""
    from sqlalchemy import text

    from aimlapi_billing.store import open_for_sync

    key_of = key_of or (lambda index: index % max(len(keys), 1))
    model_of = model_of or (lambda index: index % len(models))
    per_day = per_day if keys else 0
    first_day = end.replace(hour=0, minute=0, second=0, microsecond=0) - datetime.timedelta(days=days)
    logs: list[dict[str, Any]] = []
    ledger: list[dict[str, Any]] = []
    usage: dict[tuple[int, str, int], list[int]] = {}
    balances: list[dict[str, Any]] = []
    balance = opening_balance
    index = 0
    for day in range(days):
        start = first_day + datetime.timedelta(days=day)
        spent = Decimal(0)
        for n in range(per_day):
            moment = _us(start + datetime.timedelta(seconds=(n * 86399) // max(per_day, 1)))
            key, model, amount = key_of(index) + 1, model_of(index) + 1, cost(index)
            nano = int(amount * _NANO)
            status = "failed" if amount == 0 else "succeeded"
            uid = f"inf-{index}"
            logs.append({"k": key, "u": uid, "c": moment, "s": status, "m": model, "n": nano})
            if amount:
                ledger.append(
                    {"u": f"charge-{index}", "c": moment, "d": "CHARGE", "t": "MODEL_USAGE", "n": nano, "r": uid}
                )
            cell = usage.setdefault((key, start.date().isoformat(), model), [0, 0, 0])
            cell[0] += nano
            cell[1] += 1
            cell[2] += 1 if amount else 0
            spent += amount
            index += 1
        if day % 10 == 0:
            ledger.append(
                {"u": f"topup-{day}", "c": _us(start), "d": "TOPUP", "t": "PAYMENT", "n": int(topup * _NANO), "r": None}
            )
            balance += topup
        balance -= spent
        noon = _us(start + datetime.timedelta(hours=23))
        balances.append({"f": noon, "t": noon + 3_600_000_000, "n": int(balance * _NANO)})
    with open_for_sync(url) as store, store.transaction() as connection:
        if not keys:
            return 0
        connection.execute(
            text("INSERT INTO keys (id, prefix) VALUES (:i, :p)"),
            [{"i": n + 1, "p": key.prefix} for n, key in enumerate(keys)],
        )
        connection.execute(
            text("INSERT INTO models (id, name) VALUES (:i, :n)"),
            [{"i": n + 1, "n": name} for n, name in enumerate(models)],
        )
        connection.execute(
            text(
                "INSERT INTO key_versions (key_id, valid_from_us, valid_to_us, created_us, name, disabled, scopes, "
                "limit_threshold, limit_retention) VALUES (:k, 0, NULL, 0, :n, false, NULL, :l, :r)"
            ),
            [
                {
                    "k": n + 1,
                    "n": key.name,
                    "l": None if key.limit is None else str(key.limit),
                    "r": None if key.limit is None else "month",  # a limit of 0 is a limit too
                }
                for n, key in enumerate(keys)
            ],
        )
        connection.execute(
            text(
                "INSERT INTO logs (key_id, uid, created_us, status, origin, model_id, usd_nano, credits, tokens_in, "
                "tokens_out, tokens_total) VALUES (:k, :u, :c, :s, 'api', :m, :n, 0, 0, 0, 0)"
            ),
            logs,
        )
        if ledger:
            connection.execute(
                text(
                    "INSERT INTO ledger (uid, created_us, direction, type, usd_nano, credits, reference_id) "
                    "VALUES (:u, :c, :d, :t, :n, 0, :r)"
                ),
                ledger,
            )
        if usage:
            connection.execute(
                text(
                    "INSERT INTO usage_daily (key_id, day, model_id, spend_nano, requests_total, requests_charged, "
                    "requests_failed, tokens_in, tokens_out, tokens_total) VALUES (:k, :d, :m, :n, :t, :c, :f, 0, 0, 0)"
                ),
                [
                    {"k": k, "d": d, "m": m, "n": n, "t": total, "c": charged, "f": total - charged}
                    for (k, d, m), (n, total, charged) in usage.items()
                ],
            )
        if balances:
            connection.execute(
                text("INSERT INTO balances (observed_from_us, observed_to_us, usd_nano) VALUES (:f, :t, :n)"), balances
            )
        # A finished sync, as `sync` records one: the store's data reach ``synced`` (default ``end``).
        moment = _us(synced or end)
        connection.execute(
            text("INSERT INTO sync_runs (started_us, finished_us) VALUES (:s, :f)"), {"s": moment, "f": moment}
        )
    return len(logs)
