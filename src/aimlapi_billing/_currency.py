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


def _is_model(value: object) -> bool:
    """A generated model (they list their fields in ``__model_fields__``)."""
    return hasattr(type(value), "__model_fields__")


def check_currency(instance: Any, path: str = "") -> None:
    """Raise :class:`SchemaError` for a ``currency`` field, at any depth of the model, that is not
    USD (:func:`is_usd`); set each one that is to exactly ``"USD"``. An optional one left out (the
    auto top-up settings') is the spec's "always USD"; a required one missing or null has failed the
    schema already. An object that is not a generated model (a caller's stand-in) is left alone."""
    fields = getattr(type(instance), "__model_fields__", ())
    for name in fields:
        value = getattr(instance, name)
        if name == _CURRENCY_FIELD:
            if value != CURRENCY:  # the usual answer costs one comparison
                _other_spelling(instance, name, value, path)
        elif type(value) is list:
            for index, item in enumerate(value):
                if _is_model(item):
                    check_currency(item, f"{path}{name}[{index}].")
        elif _is_model(value):
            check_currency(value, f"{path}{name}.")


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
