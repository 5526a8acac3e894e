"""A secret value that does not show itself: the full key that ``POST /v1/keys`` returns once."""

from __future__ import annotations

import hmac
from typing import NoReturn

MASK = "**********"


class SecretKey:
    """An API key, shown only by :meth:`get_secret_value`: ``repr()``, ``str()`` and f-strings print
    ``**********``, so a stray print, log line or traceback does not leak it; it cannot be pickled
    (a cache or a queue would store it in the clear)."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get_secret_value(self) -> str:
        """The key itself: store it (a secrets manager, a password prompt) and show it nowhere else."""
        return self._value

    def __repr__(self) -> str:
        return f"SecretKey('{MASK}')"

    def __str__(self) -> str:
        return MASK

    def __format__(self, spec: str) -> str:
        return format(MASK, spec)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SecretKey):
            return NotImplemented
        return hmac.compare_digest(self._value.encode(), other._value.encode())

    def __hash__(self) -> int:
        return hash((SecretKey, self._value))

    def __len__(self) -> int:
        return len(self._value)

    def __reduce__(self) -> NoReturn:
        raise TypeError("a SecretKey is not pickled; store get_secret_value() where secrets belong")
