"""``billing.keys.budgets()``'s results: each key's spend in its limit period, against its limit."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from .._exact import subtract
from .all_keys import MissingKey

__all__ = ["MONTH_TOLERANCE", "BudgetReport", "KeyBudget"]

#: A difference between a key's ``monthly_usage`` and the month's usage total above this (USD) is a
#: mismatch: the vendor's figures are rounded to the cent at most.
MONTH_TOLERANCE = Decimal("0.01")


@dataclass(frozen=True)
class KeyBudget:
    """One key's limit and its spend in the current period (money in exact ``Decimal`` USD).

    For a key without a limit, ``retention``, ``threshold``, ``period_start``, ``spend``,
    ``period_usage`` and ``utilisation`` are ``None`` (an unlimited key has no utilisation); the
    month cross-check is made for every key. For a retention this SDK does not know yet,
    ``retention`` is the API's value and the period fields are ``None``.

    ``spend`` is what is held against ``threshold``: the usage total of the period, or for a
    ``month`` key the larger of that and ``monthly_usage``. ``utilisation`` is ``spend / threshold``
    (1.0 is the limit reached); with a threshold of 0 it is 1.0 when nothing was spent (the limit
    allows nothing) and ``inf`` when something was; ``inf`` also for a ratio beyond a float.
    """

    prefix: str
    name: str | None
    disabled: bool
    retention: str | None
    threshold: Decimal | None
    period_start: datetime.datetime | None
    next_reset: datetime.datetime | None  # None: no_reset, no limit, or an unknown period
    spend: Decimal | None
    period_usage: Decimal | None  # GET /v2/usage for the period, as the API totals it
    utilisation: float | None
    monthly_usage: Decimal  # the key record's figure
    month_usage: Decimal  # GET /v2/usage from the 1st of the month 00:00 UTC to now
    created_at: datetime.datetime
    #: A no_reset key older than MAX_NO_RESET_DAYS: its period (and spend) starts at the cap, not at created_at.
    period_capped: bool = False
    #: From the store (``check-keys --db``): how many keys were listed with this prefix, whose spend
    #: cannot be told apart (the API knows a key by its prefix); None: one key. Such a budget has no
    #: name nor limit: one key's would be held against all their spend.
    shared_by: int | None = None

    @property
    def limited(self) -> bool:
        return self.threshold is not None

    @property
    def month_difference(self) -> Decimal:
        """``monthly_usage`` minus the month's usage total: positive when the key record says more."""
        return subtract(self.monthly_usage, self.month_usage)

    @property
    def month_mismatch(self) -> bool:
        """The key record's ``monthly_usage`` and the month's usage total differ by over 0.01 USD."""
        return abs(self.month_difference) > MONTH_TOLERANCE


@dataclass(frozen=True)
class BudgetReport:
    """Every key's budget as of ``as_of`` (iterable, in the API's order of keys).

    ``only_own_key`` is True when the API key is a regular one: ``GET /v1/keys`` was refused (403),
    so only the caller's own key could be read, and ``budgets`` holds that key alone. ``missing``
    (``budgets(partial=True)`` only) holds the keys listed but not measured: the deadline, a key
    deleted after the list; ``budgets`` is then a part of the account.
    """

    budgets: tuple[KeyBudget, ...]
    only_own_key: bool
    as_of: datetime.datetime
    missing: tuple[MissingKey, ...] = ()

    def __iter__(self) -> Iterator[KeyBudget]:
        return iter(self.budgets)

    def __len__(self) -> int:
        return len(self.budgets)

    @property
    def limited(self) -> tuple[KeyBudget, ...]:
        """The keys with a limit."""
        return tuple(budget for budget in self.budgets if budget.limited)

    @property
    def mismatched(self) -> tuple[KeyBudget, ...]:
        """The keys whose ``monthly_usage`` and month usage total differ by over 0.01 USD."""
        return tuple(budget for budget in self.budgets if budget.month_mismatch)
