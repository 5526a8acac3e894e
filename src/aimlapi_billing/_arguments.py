"""The checks of a caller's arguments that more than one method makes, each raising the error given
(``ConfigurationError`` for a client's settings, ``InvalidParameterError`` for a call's) with the
argument's name, before any request."""

from __future__ import annotations

import enum
from typing import TypeVar

import httpx

from ._deadline import check_seconds
from ._exceptions import AIMLAPIError, InvalidParameterError

EnumT = TypeVar("EnumT", bound=enum.Enum)


def positive_whole(name: str, value: object, error: type[AIMLAPIError] = InvalidParameterError) -> int:
    """``value`` if it is a whole number (not a bool), 1 or more."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise error(f"{name} must be a whole number, 1 or more, not {value!r}")
    return value


def whole_in_range(name: str, value: object, low: int, high: int, error: type[AIMLAPIError]) -> int:
    """``value`` if it is a whole number (not a bool) from ``low`` to ``high``."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise error(f"{name} must be a whole number from {low} to {high}, not {value!r}")
    return value


def seconds(name: str, value: object, error: type[AIMLAPIError]) -> float | None:
    """A number of seconds, or None (no limit)."""
    try:
        return check_seconds(name, value)
    except ValueError as exc:
        raise error(str(exc)) from None


def check_timeout(value: object, error: type[AIMLAPIError]) -> None:
    """Seconds, None or an ``httpx.Timeout`` whose every part is."""
    if isinstance(value, httpx.Timeout):
        for part in ("connect", "read", "write", "pool"):
            seconds(f"timeout.{part}", getattr(value, part), error)
    else:
        seconds("timeout", value, error)


def enum_value(kind: type[EnumT], name: str, value: EnumT | str) -> EnumT:
    """A member of ``kind`` by its value. Only the values the spec lists: the generated enums are open
    to what a server sends, but a filter the API does not document is a mistake of the caller's."""
    member = kind._value2member_map_.get(value) if isinstance(value, str | enum.Enum) else None
    if member is None:
        allowed = ", ".join(str(member.value) for member in kind)
        raise InvalidParameterError(f"{name} must be one of {allowed}, not {value!r}")
    return member  # type: ignore[return-value]


def key_prefix(value: object) -> dict[str, str]:
    """The ``key_prefix`` query of a usage or logs request: empty for None (the caller's own key)."""
    if value is None:
        return {}
    if not isinstance(value, str) or not value.strip() or not value.isprintable():
        raise InvalidParameterError(f"key_prefix must be a key's prefix (printable text), not {value!r}")
    return {"key_prefix": value.strip()}
