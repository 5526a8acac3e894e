"""``billing.reconcile()``'s results: the ledger, the request logs and the usage totals side by side."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .._exact import seconds_of, subtract

__all__ = ["Reconciliation", "RowMismatch"]


@dataclass(frozen=True)
class RowMismatch:
    """One request the records disagree on: its id (``None`` for a charge without ``reference_id``),
    what the ledger charged and what the logs say it cost (``None``: not in that record), when, and
    the model."""

    id: str | None
    ledger_usd: Decimal | None
    logs_usd: Decimal | None
    created: str
    model: str | None

    @property
    def difference(self) -> Decimal:
        """Ledger minus logs, a missing side counted as zero."""
        return subtract(self.ledger_usd or Decimal(0), self.logs_usd or Decimal(0))

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "ledger_usd": self.ledger_usd,
            "logs_usd": self.logs_usd,
            "difference_usd": self.difference,
            "created": self.created,
            "model": self.model,
        }


@dataclass(frozen=True)
class Reconciliation:
    """The ledger, the request logs and the usage totals of ``[start, end)`` side by side.

    Money is exact ``Decimal`` USD. ``only_in_logs``: rows that cost something and have no charge
    (and are older than ``settle``); ``only_in_ledger``: charges of no row; ``amounts_differ``:
    both have the id and the amounts differ by ``tolerance`` or more; ``pending``: recent costing
    rows whose charge may still land. ``key_prefixes`` are the keys whose logs and usage were read.
    """

    start: str
    end: str
    currency: str
    tolerance: Decimal
    settle: datetime.timedelta
    key_prefixes: tuple[str, ...]
    ledger_usd: Decimal
    ledger_charges: int
    logs_usd: Decimal
    logs_rows: int
    logs_charged_rows: int
    usage_usd: Decimal
    usage_requests: int
    pending_usd: Decimal
    only_in_logs: tuple[RowMismatch, ...]
    only_in_ledger: tuple[RowMismatch, ...]
    amounts_differ: tuple[RowMismatch, ...]
    pending: tuple[RowMismatch, ...]
    #: ``MODEL_USAGE`` entries in a direction other than CHARGE: counted apart, never compared.
    ledger_other_entries: int = 0
    #: From the store (``reconcile --db``): the usage is kept by whole UTC day, so it is compared with
    #: the logs of the window's whole days (``usage_days``, first and last; None: the window has none,
    #: nothing compared); ``as_of`` is when the store's last finished sync began.
    usage_days: tuple[datetime.date, datetime.date] | None = None
    usage_logs_usd: Decimal | None = None
    as_of: datetime.datetime | None = None

    @property
    def complete(self) -> bool:
        """Whether the records reach the window's end (a store synced before it does not)."""
        return self.as_of is None or self.as_of >= datetime.datetime.fromisoformat(self.end.replace("Z", "+00:00"))

    @property
    def ledger_vs_logs_usd(self) -> Decimal:
        """The ledger's total minus the logs' settled rows (pending ones have no charge yet)."""
        return subtract(self.ledger_usd, subtract(self.logs_usd, self.pending_usd))

    @property
    def usage_vs_logs_usd(self) -> Decimal:
        return subtract(self.usage_usd, self.logs_usd if self.usage_logs_usd is None else self.usage_logs_usd)

    @property
    def usage_compared(self) -> bool:
        """False from the store when the window has no whole UTC day: no usage is compared with the logs."""
        return self.usage_logs_usd is None or self.usage_days is not None

    @property
    def totals_agree(self) -> bool:
        return abs(self.ledger_vs_logs_usd) < self.tolerance and abs(self.usage_vs_logs_usd) < self.tolerance

    @property
    def agree(self) -> bool:
        """True when the three records tell the same story (see the module's rules)."""
        mismatched = self.only_in_logs or self.only_in_ledger or self.amounts_differ or self.ledger_other_entries
        return not mismatched and self.totals_agree and self.complete  # a partial window never agrees

    def to_dict(self) -> dict[str, Any]:
        """The reconciliation as plain data: money as exact ``Decimal`` (the CLI's ``--json`` writes each
        as a JSON string of its plain digits), durations in seconds."""
        return {
            "start": self.start,
            "end": self.end,
            "currency": self.currency,
            "agree": self.agree,
            "tolerance_usd": self.tolerance,
            "settle_seconds": seconds_of(self.settle),  # a Decimal, exact: a string in --json
            "key_prefixes": list(self.key_prefixes),
            "ledger": {"spend": self.ledger_usd, "charges": self.ledger_charges},
            "logs": {
                "spend": self.logs_usd,
                "rows": self.logs_rows,
                "charged_rows": self.logs_charged_rows,
                "pending_spend": self.pending_usd,
            },
            "usage": {"spend": self.usage_usd, "requests": self.usage_requests},
            "ledger_minus_logs_usd": self.ledger_vs_logs_usd,
            # null, never "0", when nothing was compared: a difference of 0 would read as agreement.
            "usage_minus_logs_usd": self.usage_vs_logs_usd if self.usage_compared else None,
            "only_in_logs": [row.to_dict() for row in self.only_in_logs],
            "only_in_ledger": [row.to_dict() for row in self.only_in_ledger],
            "amounts_differ": [row.to_dict() for row in self.amounts_differ],
            "pending": [row.to_dict() for row in self.pending],
            "ledger_other_entries": self.ledger_other_entries,
            **({} if self.usage_logs_usd is None else self._store_fields()),
        }

    def _store_fields(self) -> dict[str, Any]:
        days = self.usage_days
        return {
            "usage_days": None if days is None else {"first": days[0].isoformat(), "last": days[1].isoformat()},
            "usage_logs_spend": self.usage_logs_usd if self.usage_compared else None,
            "as_of": None if self.as_of is None else self.as_of.isoformat().replace("+00:00", "Z"),
            "complete": self.complete,
        }
