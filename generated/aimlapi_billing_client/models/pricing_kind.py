import logging
import threading
from enum import StrEnum

# One logger for the whole generated package, so that a program can silence or filter it in one place.
_logger = logging.getLogger(__name__.partition(".")[0])
# Distinct unknown values remembered (and logged) per enum: a server sending endless new values
# must not grow memory or the log without bound.
_MAX_REMEMBERED = 64
_lock = threading.Lock()


class PricingKind(StrEnum):
    """An open enum: a value the API documents is one of the members below; a value it does not
    document (yet) is kept as a pseudo-member with the same ``.value`` instead of failing the read,
    and logged once at WARNING. ``value in PricingKind.known_values()`` tells them apart."""

    FIXED = "fixed"
    VARIABLE = "variable"
    VARIANTS = "variants"

    def __str__(self) -> str:
        return str(self.value)

    @classmethod
    def known_values(cls) -> frozenset[str]:
        """The values the API's specification lists."""
        return frozenset(member.value for member in cls)

    @property
    def is_known(self) -> bool:
        """False for a value the specification does not list."""
        return self._value_ in type(self)._value2member_map_

    @classmethod
    def _missing_(cls, value: object) -> "PricingKind | None":
        if not isinstance(value, str):
            return None
        with _lock:
            member = _UNKNOWN.get(value)
            if member is not None:
                return member
            member = str.__new__(cls, value)
            member._name_ = value
            member._value_ = value
            if len(_UNKNOWN) < _MAX_REMEMBERED:
                _UNKNOWN[value] = member
                _logger.warning(
                    "%s: %r is not a value the specification lists; kept as is",
                    cls.__name__,
                    value[:100],
                )
            elif not _OVERFLOW:
                _OVERFLOW.append(value)
                _logger.warning(
                    "%s: more than %d unknown values; not logging more",
                    cls.__name__,
                    _MAX_REMEMBERED,
                )
            return member


_UNKNOWN: dict[str, PricingKind] = {}
_OVERFLOW: list[str] = []
