"""The one rule beyond the schema: every amount the SDK reads is in USD.

The generated ``from_dict`` checks each field's JSON type (its ``SchemaError``); this checks the
``currency`` fields of the model it made, at any depth, once per answer (``_client._parse``).
"""

from __future__ import annotations

from typing import Any

from aimlapi_billing_client.types import SchemaError, Unset

__all__ = ["CURRENCY", "check_currency", "is_usd"]

#: The one currency the SDK reads. The vendor documents every amount in USD; a figure in another
#: currency compared with USD thresholds, added to USD sums or exported as ``_usd`` would be wrong.
CURRENCY = "USD"
_CURRENCY_FIELD = "currency"


def is_usd(value: object) -> bool:
    """``USD`` in any letter case, surrounding whitespace ignored (``" usd"``); ASCII only, so no
    look-alike passes (the long s, U+017F, upper-cases to an ASCII S)."""
    return isinstance(value, str) and value.isascii() and value.strip().upper() == CURRENCY


#: Whether each type met is a generated model: asking ``hasattr`` of an ``int`` or a ``str`` each
#: time costs an AttributeError and its message, more than the rest of the check.
_MODEL_TYPES: dict[type, bool] = {}
_MAX_TYPES_KEPT = 1024  # types are few; a caller making new ones without end grows it no further


def _is_model(value: object) -> bool:
    """A generated model (they list their fields in ``__model_fields__``)."""
    kind = type(value)
    known = _MODEL_TYPES.get(kind)
    if known is None:
        known = hasattr(kind, "__model_fields__")
        if len(_MODEL_TYPES) < _MAX_TYPES_KEPT:
            _MODEL_TYPES[kind] = known
    return known


def check_currency(instance: Any, path: str = "") -> None:
    """Raise :class:`SchemaError` for a ``currency`` field, at any depth of the model, that is not
    USD (:func:`is_usd`); set each one that is to exactly ``"USD"``. An optional one left out (the
    auto top-up settings') is the spec's "always USD"; a required one missing or null has failed the
    schema already. An object that is not a generated model (a caller's stand-in) is left alone."""
    if not _all_exactly_usd(instance):  # the usual answer: one walk, no paths built
        _check_spelled(instance, path)


def _all_exactly_usd(instance: Any) -> bool:
    """Whether every ``currency`` field of the model, at any depth, is exactly ``"USD"``."""
    for name in getattr(type(instance), "__model_fields__", ()):
        value = getattr(instance, name)
        if name == _CURRENCY_FIELD:
            if value != CURRENCY:
                return False
        elif type(value) is list:
            for item in value:
                if _is_model(item) and not _all_exactly_usd(item):
                    return False
        elif _MODEL_TYPES.get(type(value), True) and _is_model(value) and not _all_exactly_usd(value):
            return False  # (a type known not to be a model is passed over without a call)
    return True


def _check_spelled(instance: Any, path: str) -> None:
    """:func:`check_currency` field by field, with the path of each for the error."""
    fields = getattr(type(instance), "__model_fields__", ())
    for name in fields:
        value = getattr(instance, name)
        if name == _CURRENCY_FIELD:
            if value != CURRENCY:
                _other_spelling(instance, name, value, path)
        elif type(value) is list:
            for index, item in enumerate(value):
                if _is_model(item):
                    _check_spelled(item, f"{path}{name}[{index}].")
        elif _is_model(value):
            _check_spelled(value, f"{path}{name}.")


def _other_spelling(instance: Any, name: str, value: object, path: str) -> None:
    """Set a currency that :func:`is_usd` accepts to ``"USD"``; raise for any other but an optional one left out."""
    if is_usd(value):
        setattr(instance, name, CURRENCY)
    elif not isinstance(value, Unset):
        raise SchemaError(
            path + name,
            f"is {_shown(value, 40)}: the SDK reads amounts in {CURRENCY} only, the currency the API documents",
        )


def _shown(value: Any, limit: int) -> str:
    """``value``'s repr in about ``limit`` characters, a string cut inside its quotes."""
    if isinstance(value, str):
        return repr(value if len(value) <= limit else value[: limit - 3] + "...")
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
