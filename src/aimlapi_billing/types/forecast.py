"""``billing.forecast()``'s result: how fast the balance goes, and how long it lasts."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .._exact import days_of

__all__ = ["Forecast"]


@dataclass(frozen=True)
class Forecast:
    """How fast the balance is going, and how long it lasts. Money in USD.

    ``runway_days`` is ``None`` when nothing was spent in the window: the runway is unbounded.
    With auto top-up on (``GET /v2/billing/detail``'s setting, never the legacy flag of
    ``GET /v1/billing/balance``), the balance is refilled before it runs out; ``next_topup_at`` says
    when the balance is projected to reach the top-up threshold, so the runway is "until the next top-up".
    ``autotopup_enabled`` is ``None`` when the API leaves the setting out: unknown, never taken for
    off; the runway then counts no top-up (it may be longer), and ``next_topup_at`` is ``None``.
    """

    as_of: datetime.datetime
    window: datetime.timedelta
    window_start: datetime.datetime
    days_covered: Decimal
    balance_usd: Decimal
    spend_usd: Decimal
    spend_7d_usd: Decimal
    spend_by_type: dict[str, Decimal]
    spend_by_model: list[tuple[str, Decimal]]
    daily_burn_usd: Decimal
    daily_burn_7d_usd: Decimal
    runway_days: Decimal | None
    runway_days_7d: Decimal | None
    depletion_at: datetime.datetime | None
    autotopup_enabled: bool | None
    autotopup_threshold_usd: Decimal | None
    autotopup_amount_usd: Decimal | None
    next_topup_at: datetime.datetime | None
    entries_read: int = field(default=0)
    #: Entries whose ``direction`` this version does not know: neither spend nor top-up.
    unclassified_entries: int = field(default=0)
    unclassified_usd: Decimal = field(default=Decimal(0))
    unknown_directions: tuple[str, ...] = field(default=())

    @property
    def unbounded(self) -> bool:
        return self.runway_days is None

    def to_dict(self) -> dict[str, Any]:
        """The forecast as plain data: money and day counts as ``Decimal`` (the CLI's ``--json`` writes each as
        a JSON string of its plain digits), moments in ISO 8601, the window in days (a ``Decimal``); day
        counts, rates and runways are derived figures, rounded to 12 decimal places."""

        def plain(value: Any) -> Any:
            if isinstance(value, datetime.datetime):
                return value.isoformat()
            if isinstance(value, datetime.timedelta):
                return days_of(value)  # a Decimal: the CLI writes it as a string, as the other day counts
            if isinstance(value, dict):
                return {key: plain(item) for key, item in value.items()}
            if isinstance(value, list):
                return [[name, plain(amount)] for name, amount in value]
            if isinstance(value, tuple):
                return list(value)
            return value

        return {name: plain(getattr(self, name)) for name in self.__dataclass_fields__} | {"unbounded": self.unbounded}
