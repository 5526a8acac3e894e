"""The account behind the usage, logs and key endpoints: its keys and its requests, dated like the ledger.

One dataset feeds all three of the vendor's records, so that a ``reconcile`` can be tested against
them: every succeeded request in :data:`LOGS` has the ledger's ``MODEL_USAGE`` charge of the same
amount whose ``reference_id`` is its ``inference_id`` (``inf-1`` … ``inf-3`` of the ledger), and the
usage totals are computed from the same rows. Failed requests cost nothing and have no charge.
:data:`DISCREPANCIES` names deliberate disagreements a test can switch on, and
:func:`synthetic_requests` makes a larger account with the same property.

As of ``LEDGER_AS_OF`` (2025-11-10 12:00 UTC):

========  ===============  ==========  ======================================  ==============
prefix    name             management  requests (newest first)                 monthly_usage
========  ===============  ==========  ======================================  ==============
a1b2c3d4  main             yes         inf-f1 failed, inf-1 2.50 gpt-5         2.50
b747e891  chatbot-prod     no          inf-3 1.56 gpt-5, inf-f2 failed         1.56
c0ffee42  batch-jobs       no          inf-2 0.42 claude-sonnet                0.42
d15ab1ed  old-experiments  no          (disabled, none)                        0
========  ===============  ==========  ======================================  ==============
"""

from __future__ import annotations

import collections
import datetime
import hashlib
import threading
import time
from collections.abc import Collection, Iterable
from decimal import Decimal
from typing import Any

from fake_api.replies import Rejected

#: Full key values of the default account. A bearer key the table does not know acts as MANAGEMENT_KEY.
MANAGEMENT_KEY = "a1b2c3d45e6f708192a3b4c5d6e7f809"
CHATBOT_KEY = "b747e891847f4c3fa0f6cce1cfd79bf9"
BATCH_KEY = "c0ffee429d8c7b6a5f4e3d2c1b0a9988"
DISABLED_KEY = "d15ab1ed00112233445566778899aabb"
PREFIX_LENGTH = 8


def key_record(
    key: str,
    name: str | None,
    created_at: str,
    limit: dict[str, Any] | None = None,
    scopes: list[str] | None = None,
    disabled: bool = False,
) -> dict[str, Any]:
    """A key as the server keeps it: the API's fields (without ``monthly_usage``) plus the full ``key``."""
    return {
        "key": key,
        "name": name,
        "prefix": key[:PREFIX_LENGTH],
        "disabled": disabled,
        "scopes": scopes,
        "limit": limit,
        "created_at": created_at,
        "updated_at": created_at,
    }


#: The default account's keys, oldest first, as of LEDGER_AS_OF.
KEYS = [
    key_record(MANAGEMENT_KEY, "main", "2025-10-29T10:00:00.000Z"),
    key_record(
        DISABLED_KEY,
        "old-experiments",
        "2025-10-29T11:00:00.000Z",
        limit={"retention": "no_reset", "threshold": 10},
        disabled=True,
    ),
    key_record(
        CHATBOT_KEY,
        "chatbot-prod",
        "2025-10-30T09:00:00.000Z",
        limit={"retention": "month", "threshold": 25},
        scopes=["model:chat", "model:responses"],
    ),
    key_record(BATCH_KEY, "batch-jobs", "2025-11-01T08:00:00.000Z", limit={"retention": "day", "threshold": 5}),
]


def amount(usd: float) -> dict[str, Any]:
    """A sum in the API's shape: USD, and credits at 2,000,000 per dollar."""
    return {"usd": usd, "credits": round(usd * 2_000_000)}


def ledger_entry(
    created_at: str,
    direction: str,
    entry_type: str,
    usd: float,
    model: str | None = None,
    reference_id: str | None = None,
) -> dict[str, Any]:
    """One entry of ``GET /v2/billing/transactions`` in the API's shape."""
    return {
        "created_at": created_at,
        "direction": direction,
        "type": entry_type,
        "amount": amount(usd),
        "model": model,
        "reference_id": reference_id,
    }


def log_row(
    created: str,
    key_prefix: str,
    model: str,
    usd: float,
    tokens: tuple[int, int],
    inference_id: str,
    request_id: str | None,
    status: str = "succeeded",
    origin: str = "api",
    client_request_id: str | None = None,
) -> dict[str, Any]:
    """One request row in the API's shape plus ``key_prefix``, the key that made it (never served)."""
    return {
        "created": created,
        "status": status,
        "origin": origin,
        "model": model,
        "cost": amount(usd),
        "tokens": {"input": tokens[0], "output": tokens[1], "total": tokens[0] + tokens[1]},
        "request_id": request_id,
        "inference_id": inference_id,
        "client_request_id": client_request_id,
        "key_prefix": key_prefix,
    }


#: The default account's requests, newest first, as of LEDGER_AS_OF; the charged ones are the ledger's.
LOGS = [
    log_row(
        "2025-11-10T09:30:00.000Z",
        "b747e891",
        "openai/gpt-5",
        1.56,
        (41000, 12000),
        "inf-3",
        "req-3",
        client_request_id="customer-42",
    ),
    log_row(
        "2025-11-10T09:29:40.000Z",
        "b747e891",
        "openai/gpt-5",
        0.0,
        (41000, 0),
        "inf-f2",
        "req-3a",
        status="failed",
        client_request_id="customer-42",
    ),
    log_row("2025-11-09T18:00:00.000Z", "c0ffee42", "anthropic/claude-sonnet", 0.42, (20000, 8000), "inf-2", "req-2"),
    log_row(
        "2025-11-08T07:00:00.000Z",
        "a1b2c3d4",
        "anthropic/claude-sonnet",
        0.0,
        (900, 0),
        "inf-f1",
        None,
        status="failed",
        origin="playground",
    ),
    log_row("2025-11-07T08:15:00.000Z", "a1b2c3d4", "openai/gpt-5", 2.5, (60000, 25000), "inf-1", "req-1"),
]

#: Deliberate disagreements between the records, for the tests of a reconciliation.
DISCREPANCIES = {
    "missing_charge": "a succeeded request inf-4 (0.31 USD, chatbot-prod, 2025-11-10T10:45Z as of LEDGER_AS_OF) "
    "is in the logs and the usage totals but has no MODEL_USAGE charge in the ledger",
    "amount_differs": "the ledger charges inf-2 0.43 USD where the logs and the usage totals say 0.42",
}
MISSING_CHARGE = log_row("2025-11-10T10:45:00.000Z", "b747e891", "openai/gpt-5", 0.31, (9000, 3000), "inf-4", "req-4")


def iso(moment: datetime.datetime) -> str:
    """The API's timestamp form: UTC with milliseconds and a ``Z``."""
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def parse_iso(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def shifted(text: str, delta: datetime.timedelta) -> str:
    return iso(parse_iso(text) + delta)


def with_discrepancies(
    ledger: list[dict[str, Any]], logs: list[dict[str, Any]], names: Iterable[str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``ledger`` and ``logs`` (as of LEDGER_AS_OF) changed as :data:`DISCREPANCIES` describes."""
    ledger, logs = list(ledger), list(logs)
    for name in names:
        if name == "missing_charge":
            logs = sorted([*logs, MISSING_CHARGE], key=lambda row: str(row["created"]), reverse=True)
        elif name == "amount_differs":
            ledger = [
                {**entry, "amount": amount(0.43)} if entry["reference_id"] == "inf-2" else entry for entry in ledger
            ]
        else:
            raise ValueError(f"unknown discrepancy {name!r}; known: {', '.join(DISCREPANCIES)}")
    return ledger, logs


def synthetic_requests(
    count: int,
    end: datetime.datetime,
    span: datetime.timedelta = datetime.timedelta(days=30),
    prefixes: tuple[str, ...] = ("a1b2c3d4", "b747e891", "c0ffee42"),
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``count`` requests spread evenly over the ``span`` before ``end``, newest first, and the ledger's
    ``MODEL_USAGE`` charges for them, newest first: a larger account as consistent as the default one.

    Request ``i`` (0 is the newest) is made by ``prefixes[i % len]`` to one of three models; every
    tenth fails and costs nothing; the others cost ``(i % 97 + 1) / 1000`` USD, charged under
    ``inference_id`` ``inf-s{i}``. Pass both to ``FakeAIMLAPI(logs=..., ledger=...)``.
    """
    models = ("openai/gpt-5", "anthropic/claude-sonnet", "google/gemini-2.5-pro")
    step = span / max(count, 1)
    logs, charges = [], []
    for index in range(count):
        created = iso(end - step * (index + 1))
        failed = index % 10 == 9
        usd = 0.0 if failed else (index % 97 + 1) / 1000
        model = models[index % len(models)]
        status = "failed" if failed else "succeeded"
        row = log_row(created, prefixes[index % len(prefixes)], model, usd, (100 * (index % 50), 10 * (index % 30)),
                      f"inf-s{index}", f"req-s{index}", status=status)  # fmt: skip
        logs.append(row)
        if not failed:
            charges.append(ledger_entry(created, "CHARGE", "MODEL_USAGE", usd, model, f"inf-s{index}"))
    return logs, charges


class RateLimit:
    """At most ``limit`` requests per ``window`` seconds for each caller, in a sliding window."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self._seen: dict[str, collections.deque[float]] = collections.defaultdict(collections.deque)
        self._lock = threading.Lock()

    def admit(self, caller: str) -> float | None:
        """Count one request of ``caller``; ``None`` when admitted, else the seconds until it would be."""
        now = time.monotonic()
        with self._lock:
            seen = self._seen[caller]
            while seen and seen[0] <= now - self.window:
                seen.popleft()
            if len(seen) >= self.limit:
                return seen[0] + self.window - now
            seen.append(now)
            return None


class Account:
    """The keys and requests the endpoints serve, and who may read what.

    A bearer key found in :attr:`keys` (by its full value) is that key; any other acts as
    ``default_caller`` (so the README's ``any-key-will-do`` and the tests' key see the account), or is
    refused with 401 when ``default_caller`` is None. A key is a management key when its full value
    is in :attr:`management_keys`. The clock stands still at ``now``: ``period`` windows end there.
    """

    def __init__(
        self,
        now: datetime.datetime,
        keys: list[dict[str, Any]],
        logs: list[dict[str, Any]],
        management_keys: Collection[str],
        default_caller: str | None,
        logs_rate_limit: int,
        logs_rate_window: float,
    ) -> None:
        self.now = now
        self.keys = keys
        self.logs = logs
        self.management_keys = set(management_keys)
        self.default_caller = default_caller
        self.logs_rate = RateLimit(logs_rate_limit, logs_rate_window)
        self.revoked: set[str] = set()  # full values of deleted keys: calls made with them fail
        self.lock = threading.Lock()

    def caller(self, token: str) -> tuple[dict[str, Any], bool]:
        """The key record behind a bearer ``token`` and whether it is a management key."""
        if token in self.revoked:
            raise Rejected(401, "Invalid API key")
        value = token if any(record["key"] == token for record in self.keys) else self.default_caller
        record = next((record for record in self.keys if record["key"] == value), None)
        if record is None:
            raise Rejected(401, "Invalid API key")
        if record["disabled"]:
            raise Rejected(401, "The API key is disabled")
        return record, record["key"] in self.management_keys

    def find(self, prefix: str) -> dict[str, Any]:
        record = next((record for record in self.keys if record["prefix"] == prefix), None)
        if record is None:
            raise Rejected(404, f"No key with prefix {prefix}")
        return record

    def subject(self, token: str, key_prefix: str | None) -> str:
        """The prefix whose usage or logs ``token`` asked for, by the pages' table of who may read what."""
        record, management = self.caller(token)
        if key_prefix is None or key_prefix == record["prefix"]:
            return str(record["prefix"])
        if not management:
            raise Rejected(403, "Reading another key's usage requires a management key")
        return str(self.find(key_prefix)["prefix"])

    def monthly_usage(self, prefix: str) -> float:
        """Charged spend of ``prefix`` in the UTC calendar month of ``now``, up to ``now``."""
        month_start = self.now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        spend = sum(
            (
                Decimal(str(row["cost"]["usd"]))
                for row in self.logs
                if row["key_prefix"] == prefix
                and row["status"] == "succeeded"
                and month_start <= parse_iso(row["created"]) < self.now
            ),
            Decimal(0),
        )
        return float(spend)

    def public(self, record: dict[str, Any]) -> dict[str, Any]:
        """A key as the API shows it after creation: the prefix, never the full value."""
        shown = {name: value for name, value in record.items() if name != "key"}
        return {**shown, "monthly_usage": self.monthly_usage(record["prefix"])}


#: The large account's keys (full values); the first is the management key, the third's limit is
#: the one a test changes between syncs.
LARGE_KEYS = (
    MANAGEMENT_KEY,
    CHATBOT_KEY,
    BATCH_KEY,
    "e1e1e1e1aaaabbbbccccddddeeeeffff",
    "f2f2f2f21111222233334444555566667",
)
LARGE_MODELS = ("openai/gpt-5", "anthropic/claude-sonnet", "google/gemini-2.5-pro", "deepseek/deepseek-chat")


def _uuid(kind: str, index: int) -> str:
    """A deterministic UUID-shaped id: the vendor's ids are this long, so the store's sizes are real."""
    digest = hashlib.md5(f"{kind}{index}".encode(), usedforsecurity=False).hexdigest()
    return f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:]}"


def large_account(
    count: int, end: datetime.datetime, span: datetime.timedelta = datetime.timedelta(days=100)
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """A large account, newest first, for the store's tests and benchmarks: its keys, ``count``
    requests over ``span`` before ``end`` (longer than the API's 92-day window), and a ledger with
    every transaction type.

    Request ``i`` (0 the newest) is made by ``LARGE_KEYS[i % 5]`` to one of four models; every tenth
    fails at no cost, and every 50th of those has an empty ``inference_id`` (known by its content);
    the others cost ``(i % 997 + 1) / 10000`` USD, and every 1000th costs 1.5 nano-USD more (money
    that is not a whole number of nano-USD), each charged in the ledger under its inference id.
    The ledger also holds one entry of every other type and two identical BONUS entries.
    """
    created = end - span - datetime.timedelta(days=2)
    keys = [key_record(key, f"key-{n}", iso(created)) for n, key in enumerate(LARGE_KEYS)]
    keys[2]["limit"] = {"retention": "month", "threshold": 500}
    step = span / max(count, 1)
    logs, ledger = [], []
    for index in range(count):
        moment = iso(end - step * (index + 1))
        failed = index % 10 == 9
        usd = 0.0 if failed else (index % 997 + 1) / 10000
        if not failed and index % 1000 == 0:
            # A float whose shortest repr (what the server writes) has these exact digits.
            usd = float(Decimal(repr(usd)) + Decimal("0.0000000015"))
        model = LARGE_MODELS[index % len(LARGE_MODELS)]
        inference = "" if failed and index % 500 == 499 else _uuid("inf", index)
        row = log_row(moment, LARGE_KEYS[index % len(LARGE_KEYS)][:PREFIX_LENGTH], model, 0.0,
                      (100 * (index % 50), 10 * (index % 30)), inference, f"req_{_uuid('req', index)[:23]}",
                      status="failed" if failed else "succeeded",
                      client_request_id=f"client-{index}" if index % 5 == 0 else None)  # fmt: skip
        row["cost"] = {"usd": usd, "credits": round(Decimal(repr(usd)) * 2_000_000)}
        logs.append(row)
        if not failed:
            charge = ledger_entry(moment, "CHARGE", "MODEL_USAGE", 0.0, model, inference)
            charge["amount"] = dict(row["cost"])
            ledger.append(charge)
    start = iso(created + datetime.timedelta(hours=1))
    others = [
        ledger_entry(start, "TOPUP", "INIT", 0.0),
        ledger_entry(iso(created + datetime.timedelta(hours=2)), "TOPUP", "PAYMENT", 5000.0, None, "pay-large-1"),
        ledger_entry(iso(created + datetime.timedelta(days=3)), "TOPUP", "BONUS", 25.0),
        ledger_entry(iso(created + datetime.timedelta(days=3)), "TOPUP", "BONUS", 25.0),  # identical: both kept
        ledger_entry(iso(created + datetime.timedelta(days=20)), "TOPUP", "REFUND", 12.5, None, "refund-1"),
        ledger_entry(iso(created + datetime.timedelta(days=40)), "CHARGE", "ADJUSTMENT", 1.25, None, "adj-1"),
        ledger_entry(iso(created + datetime.timedelta(days=60)), "CHARGE", "CREDITS_EXPIRED", 10.0),
    ]
    ledger = sorted([*ledger, *others], key=lambda entry: str(entry["created_at"]), reverse=True)
    return keys, logs, ledger


def many_keys(count: int, created_at: str = "2025-10-29T10:00:00.000Z") -> list[dict[str, Any]]:
    """An account of ``count`` keys, the management key first: each other key with a monthly limit of
    100 USD, its full value unique and its prefix the index (``k0000001``): the fan-out's accounts."""
    keys = [key_record(MANAGEMENT_KEY, "main", created_at)]
    for index in range(1, count):
        value = f"k{index:07d}" + hashlib.sha256(str(index).encode()).hexdigest()[:24]
        keys.append(key_record(value, f"service-{index}", created_at, limit={"retention": "month", "threshold": 100}))
    return keys
