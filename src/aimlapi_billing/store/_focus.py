"""FOCUS 1.2 (the FinOps Foundation's cost and usage format) from the store: one row per charge of a
UTC calendar month, whose costs add up to the ledger's.

Where each row comes from:

* **Usage**: the ledger's ``MODEL_USAGE`` charges of a UTC day and model, split by key as the stored
  request logs say (a key is a FOCUS sub-account, a model a SKU). What the ledger charged that the
  logs do not account for (a request row never stored, pruned, or priced differently) is a row of its
  own without a sub-account: positive, Usage; negative (the logs say more), Adjustment. So the
  Usage and Adjustment rows of a day and model add up to the ledger's charges exactly, never to the
  logs' figure.
* every other ledger entry is a row of its own: ``PAYMENT`` a Purchase (billed, with an effective
  cost of 0: prepaid funds cover later usage, which carries the effective cost), ``BONUS`` and
  ``REFUND`` a Credit (negative), ``ADJUSTMENT``, ``CREDITS_EXPIRED``, ``INIT`` and any type the
  spec does not list an Adjustment (a charge positive, a top-up negative). The ledger's own type is
  kept in the extension column ``x_LedgerType``.

The API issues no invoices (it is prepaid): InvoiceId is null on every row, as FOCUS 1.2 says a
charge not associated with an invoice has it (InvoiceId-C-004-C; focus-validator 2.2.1 also counts
the other branch of that OR, InvoiceId-C-005-C, as failed for every file: see docs/cli/store.md).

Costs are exact decimals, always written with a decimal point (``5.0``: a reader infers a column of
``5`` as integers, which FOCUS's cost columns are not). BilledCost = EffectiveCost = ListCost =
ContractedCost (the API bills list prices; no negotiated rates exist), except a Purchase's
EffectiveCost, 0.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from ._chargeback import names_of
from ._db import Store
from ._retention import require_complete
from ._rollup import spend_source
from ._shared_keys import shared_prefixes, shared_text
from ._values import decimal_text, decode_usd, exact_sum, micros

FOCUS_VERSION = "1.2"
PROVIDER = "AI/ML API"
CURRENCY = "USD"
DEFAULT_ACCOUNT_ID = "aimlapi"
DEFAULT_ACCOUNT_NAME = "AI/ML API account"
_DAY_US = 86_400_000_000
#: Per (UTC day number, model), per key prefix: [its spend amounts, its charged requests].
Usage = dict[tuple[int, str], dict[str, list[Any]]]
#: Every column FOCUS 1.2 defines, in its order, then our extension.
COLUMNS = (
    "AvailabilityZone", "BilledCost", "BillingAccountId", "BillingAccountName", "BillingAccountType",
    "BillingCurrency", "BillingPeriodEnd", "BillingPeriodStart", "CapacityReservationId",
    "CapacityReservationStatus", "ChargeCategory", "ChargeClass", "ChargeDescription", "ChargeFrequency",
    "ChargePeriodEnd", "ChargePeriodStart", "CommitmentDiscountCategory", "CommitmentDiscountId",
    "CommitmentDiscountName", "CommitmentDiscountQuantity", "CommitmentDiscountStatus", "CommitmentDiscountType",
    "CommitmentDiscountUnit", "ConsumedQuantity", "ConsumedUnit", "ContractedCost", "ContractedUnitPrice",
    "EffectiveCost", "InvoiceId", "InvoiceIssuerName", "ListCost", "ListUnitPrice", "PricingCategory",
    "PricingCurrency", "PricingCurrencyContractedUnitPrice", "PricingCurrencyEffectiveCost",
    "PricingCurrencyListUnitPrice", "PricingQuantity", "PricingUnit", "ProviderName", "PublisherName", "RegionId",
    "RegionName", "ResourceId", "ResourceName", "ResourceType", "ServiceCategory", "ServiceName",
    "ServiceSubcategory", "SkuId", "SkuMeter", "SkuPriceDetails", "SkuPriceId", "SubAccountId", "SubAccountName",
    "SubAccountType", "Tags", "x_LedgerType",
)  # fmt: skip

#: The ledger's types and the FOCUS ChargeCategory of an entry, with the direction whose amount is a
#: positive cost (an entry the other way is negative).
CATEGORIES = {
    "MODEL_USAGE": ("Usage", "CHARGE"),
    "PAYMENT": ("Purchase", "TOPUP"),
    "BONUS": ("Credit", "CHARGE"),
    "REFUND": ("Credit", "CHARGE"),
    "ADJUSTMENT": ("Adjustment", "CHARGE"),
    "CREDITS_EXPIRED": ("Adjustment", "CHARGE"),
    "INIT": ("Adjustment", "CHARGE"),
}
#: A type the spec does not list: an Adjustment, signed by its direction.
UNKNOWN_TYPE = ("Adjustment", "CHARGE")

#: The hook for tags: a key's prefix and name to the FOCUS Tags object of its rows (a later teams
#: file adds its team here). The default tags a row with the key's prefix and name.
TagSource = Callable[[str, "str | None"], dict[str, str]]


def key_tags(prefix: str, name: str | None) -> dict[str, str]:
    tags = {"aimlapi/key_prefix": prefix}
    if name is not None:
        tags["aimlapi/key_name"] = name
    return tags


@dataclass(frozen=True)
class Charge:
    """One FOCUS row, before it is text."""

    category: str
    ledger_type: str
    day_us: int  # the charge period's UTC day (start), microseconds
    billed: Decimal
    effective: Decimal
    key_prefix: str | None
    key_name: str | None
    model: str | None
    requests: int | None
    description: str
    #: How many keys were listed with ``key_prefix`` (None: one): the row is their sum, named by no one key.
    key_shared_by: int | None = None


@dataclass(frozen=True)
class FocusExport:
    start: datetime.datetime
    end: datetime.datetime
    charges: tuple[Charge, ...]

    @property
    def total(self) -> Decimal:
        return exact_sum(charge.billed for charge in self.charges)


def _signed(amount: Decimal, direction: str, positive: str) -> Decimal:
    return amount if direction == positive else -amount


def _logs_usage(connection: object, low: int, high: int) -> Usage:
    """Per (day, model), per (key prefix, key name): [spend amounts, charged requests]."""
    from sqlalchemy import text

    day = f"(l.created_us / {_DAY_US})"
    base = "FROM logs l JOIN keys k ON k.id = l.key_id JOIN models m ON m.id = l.model_id"
    where = "WHERE l.created_us >= :low AND l.created_us < :high"
    found: Usage = {}

    def slot(row: object) -> list[Any]:
        key = (int(row[0]), str(row[1]))  # type: ignore[index]
        return found.setdefault(key, {}).setdefault(str(row[2]), [[], 0])  # type: ignore[index]

    bounds = {"low": low, "high": high}
    source, params = spend_source(low, high)  # whole days from the daily rollup
    rolled = f"FROM ({source}) l JOIN keys k ON k.id = l.key_id JOIN models m ON m.id = l.model_id"
    sums = f"SELECT {day}, m.name, k.prefix, SUM(l.usd_nano), SUM(l.charged) {rolled} GROUP BY {day}, m.name, k.prefix"
    for row in connection.execute(text(sums), params):  # type: ignore[attr-defined]
        entry = slot(row)
        entry[0].append(decode_usd(row[3], None))
        entry[1] += int(row[4] or 0)
    texts = f"SELECT {day}, m.name, k.prefix, l.usd_text {base} {where} AND l.usd_text IS NOT NULL"
    for row in connection.execute(text(texts), bounds):  # type: ignore[attr-defined]
        slot(row)[0].append(decode_usd(None, row[3]))
    return found


def _ledger(connection: object, low: int, high: int) -> Iterator[tuple[int, str, str, Decimal, str | None, str | None]]:
    """(created_us, direction, type, amount, model, reference_id) of the month's entries, oldest first."""
    from sqlalchemy import text

    sql = (
        "SELECT e.created_us, e.direction, e.type, e.usd_nano, e.usd_text, m.name, e.reference_id FROM ledger e "
        "LEFT JOIN models m ON m.id = e.model_id WHERE e.created_us >= :low AND e.created_us < :high "
        "ORDER BY e.created_us, e.id"
    )
    for row in connection.execute(text(sql), {"low": low, "high": high}):  # type: ignore[attr-defined]
        yield int(row[0]), str(row[1]), str(row[2]), decode_usd(row[3], row[4]), row[5], row[6]


def charges(store: Store, start: datetime.datetime, end: datetime.datetime) -> FocusExport:
    """The FOCUS charges of ``[start, end)`` (a month: the CLI's), from one consistent read."""
    require_complete(store, start, ("ledger", "logs"))
    low, high = micros(start), micros(end)
    with store.connect() as connection:
        if store.dialect == "postgresql":  # one snapshot for the three reads: a sync may commit between them
            from sqlalchemy import text

            connection.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"))
        logs = _logs_usage(connection, low, high)
        names = names_of(connection)
        shared = shared_prefixes(connection)
        ledger_usage: dict[tuple[int, str | None], list[Decimal]] = {}
        ledger_counts: dict[tuple[int, str | None], int] = {}
        others: list[Charge] = []
        for created, direction, kind, amount, model, _reference in _ledger(connection, low, high):
            day = created // _DAY_US
            category, positive = CATEGORIES.get(kind, UNKNOWN_TYPE)
            signed = _signed(amount, direction, positive)
            if kind == "MODEL_USAGE":
                ledger_usage.setdefault((day, model), []).append(signed)
                ledger_counts[day, model] = ledger_counts.get((day, model), 0) + (1 if signed >= 0 else -1)
                continue
            if category == "Credit" and signed > 0:
                category = "Adjustment"  # a credit taken back is a cost, which no Credit row may be
            others.append(
                Charge(
                    category=category,
                    ledger_type=kind,
                    day_us=day * _DAY_US,
                    billed=signed,
                    effective=Decimal(0) if category == "Purchase" else signed,
                    key_prefix=None,
                    key_name=None,
                    model=model,
                    requests=None,
                    description=f"ledger {kind.lower()} ({direction.lower()})",
                )
            )
    usage = (replace(charge, key_shared_by=shared.get(charge.key_prefix or "")) for charge in _usage(
        logs, names, ledger_usage, ledger_counts))  # fmt: skip
    return FocusExport(start, end, (*usage, *others))


def _usage(
    logs: Usage,
    names: dict[str, str | None],
    ledger_usage: dict[tuple[int, str | None], list[Decimal]],
    ledger_counts: dict[tuple[int, str | None], int],
) -> Iterator[Charge]:
    """Usage rows by day, model and key, then each day and model's difference from the ledger."""
    for day, model in sorted(set(logs) | set(ledger_usage), key=lambda slot: (slot[0], slot[1] or "")):
        by_key = logs.get((day, model), {}) if model is not None else {}
        attributed: list[Decimal] = []
        counted = 0
        for prefix, (amounts, requests) in sorted(by_key.items()):
            spend = exact_sum(amounts)
            if spend == 0 and requests == 0:
                continue  # failed requests only: no charge
            attributed.append(spend)
            counted += requests
            yield Charge("Usage", "MODEL_USAGE", day * _DAY_US, spend, spend, prefix, names.get(prefix), model,
                         requests, "model usage by this key, from its request logs")  # fmt: skip
        charged = exact_sum(ledger_usage.get((day, model), []))
        difference = charged - exact_sum(attributed)
        if difference != 0:
            category = "Usage" if difference > 0 else "Adjustment"
            requests = max(ledger_counts.get((day, model), 0) - counted, 0) if category == "Usage" else None
            yield Charge(category, "MODEL_USAGE", day * _DAY_US, difference, difference, None, None, model, requests,
                         "model usage the ledger charged that the stored request logs do not account for"
                         if difference > 0 else "the stored request logs say more than the ledger charged")  # fmt: skip


def _money(amount: Decimal) -> str:
    text = decimal_text(amount)
    return text if "." in text else f"{text}.0"


def _iso(value_us: int) -> str:
    moment = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC) + datetime.timedelta(microseconds=value_us)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def focus_rows(
    export: FocusExport,
    *,
    account_id: str = DEFAULT_ACCOUNT_ID,
    account_name: str = DEFAULT_ACCOUNT_NAME,
    tags: TagSource = key_tags,
) -> Iterator[dict[str, str]]:
    """The CSV's rows (every column, text; an empty text is FOCUS's null)."""
    billing_start, billing_end = _iso(micros(export.start)), _iso(micros(export.end))
    for charge in export.charges:
        cost = _money(charge.billed)
        usage = charge.category == "Usage"
        # A decimal, as FOCUS types the quantities (a CSV reader infers a column of "3" as integers).
        quantity = "" if charge.requests is None else f"{charge.requests}.0"
        row = dict.fromkeys(COLUMNS, "")
        row.update(
            BilledCost=cost,
            BillingAccountId=account_id,
            BillingAccountName=account_name,
            BillingCurrency=CURRENCY,
            BillingPeriodStart=billing_start,
            BillingPeriodEnd=billing_end,
            ChargeCategory=charge.category,
            ChargeDescription=charge.description,
            ChargeFrequency="Usage-Based" if usage else "One-Time",
            ChargePeriodStart=_iso(charge.day_us),
            ChargePeriodEnd=_iso(charge.day_us + _DAY_US),
            ContractedCost=cost,
            EffectiveCost=_money(charge.effective),
            InvoiceIssuerName=PROVIDER,
            ListCost=cost,
            ProviderName=PROVIDER,
            PublisherName=PROVIDER,
            ServiceCategory="AI and Machine Learning",
            ServiceName=PROVIDER,
            ServiceSubcategory="Generative AI",
            x_LedgerType=charge.ledger_type,
        )
        if usage:
            row.update(
                ConsumedQuantity=quantity,
                ConsumedUnit="Requests",
                PricingCategory="Standard",
                PricingQuantity=quantity,
                PricingUnit="Requests",
                PricingCurrency=CURRENCY,
                PricingCurrencyEffectiveCost=cost,
            )
        if charge.model is not None:
            row.update(SkuId=charge.model, SkuPriceId=charge.model, SkuMeter="Requests")
        if charge.key_prefix is not None:
            shared = charge.key_shared_by
            labels = dict(tags(charge.key_prefix, charge.key_name))
            if shared is not None:
                labels["aimlapi/key_shared_by"] = str(shared)
            row.update(
                SubAccountId=charge.key_prefix,
                SubAccountName=charge.key_name
                or (charge.key_prefix if shared is None else f"{charge.key_prefix} ({shared_text(shared)})"),
                SubAccountType="API Key",
                Tags=json.dumps(labels, sort_keys=True, ensure_ascii=False),
            )
        yield row
