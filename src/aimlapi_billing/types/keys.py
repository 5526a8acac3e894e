"""``billing.keys.create()``'s result: a key just created, its value a :class:`SecretKey`."""

from __future__ import annotations

import builtins
import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from .secret import SecretKey

if TYPE_CHECKING:
    from aimlapi_billing_client.models import KeyLimit, KeyScope

__all__ = ["CreatedKey"]


@dataclass(frozen=True, repr=False)
class CreatedKey:
    """A key just created. ``key`` is the full value, shown this once by the API: read it with
    ``key.get_secret_value()``; every other way of printing it shows ``**********``."""

    key: SecretKey
    prefix: str
    name: str | None
    disabled: bool
    scopes: builtins.list[KeyScope] | None
    limit: KeyLimit | None
    created_at: datetime.datetime
    updated_at: datetime.datetime
    monthly_usage: Decimal

    def __repr__(self) -> str:
        return f"CreatedKey(prefix={self.prefix!r}, name={self.name!r}, key={self.key!r})"
