"""``billing.usage``'s results: a window's spend, however many requests it took."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aimlapi_billing_client.models import UsageDetailResponse, UsageGroup, UsageResponse

__all__ = ["ModelSpend", "UsageReport"]


@dataclass(frozen=True)
class ModelSpend:
    """One model's share of a window: spend in USD (exact), charged requests."""

    model: str
    spend: Decimal
    requests: int


@dataclass(frozen=True)
class UsageReport:
    """A key's spend over a window, however many requests it took.

    ``spend`` is the sum of the API's figures as exact decimals; ``start``/``end`` are those of the
    first and last piece (the API's UTC echo); ``models`` (detail only) is merged by name, highest
    spend first; ``groups`` (detail with ``group_by``) are the pieces' groups in order, so with
    ``group_by="day"`` a day cut by a 92-day boundary appears twice. ``parts`` holds the API's own
    answers, one per piece.
    """

    spend: Decimal
    requests: int
    start: str
    end: str
    currency: str
    api_key_prefix: str | None
    models: tuple[ModelSpend, ...]
    groups: tuple[UsageGroup, ...] | None
    parts: tuple[UsageResponse | UsageDetailResponse, ...]
