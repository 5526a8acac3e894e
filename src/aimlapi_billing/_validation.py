"""Checking a parsed model against its declared types.

The generated ``from_dict`` trusts the JSON: a missing field raises ``KeyError``, and a string
where a number belongs is stored as is. This walks the generated model after parsing so that a body
that breaks the schema becomes one clear :class:`ResponseValidationError` message instead.
"""

from __future__ import annotations

import datetime
import types
import typing
from collections.abc import Callable
from typing import Any


class SchemaMismatch(Exception):
    """A value does not have the type the schema declares (internal; wrapped by the client)."""


_FIELD_TYPES: dict[type, tuple[tuple[str, Any], ...]] = {}


class _LazyNamespace(dict[str, Any]):
    """Names for ``eval``: its own entries, then attributes of ``source`` fetched on demand."""

    source: Any = None

    def __missing__(self, name: str) -> Any:
        try:
            return getattr(self.source, name)
        except AttributeError:
            raise KeyError(name) from None


def _is_model(declared: Any) -> bool:
    """A generated model class (they list their fields in ``__model_fields__``)."""
    return isinstance(declared, type) and hasattr(declared, "__model_fields__")


def _field_types(cls: Any) -> tuple[tuple[str, Any], ...]:
    cached = _FIELD_TYPES.get(cls)
    if cached is not None:
        return cached
    import aimlapi_billing_client.models as models
    import aimlapi_billing_client.types as generated_types

    # Generated modules import sibling models only under TYPE_CHECKING: resolve names against them,
    # loading (lazily exported) models only as an annotation names them.
    namespace = _LazyNamespace(vars(generated_types), datetime=datetime)
    namespace.source = models
    hints = typing.get_type_hints(cls, localns=namespace)
    resolved = tuple((name, hints[name]) for name in cls.__model_fields__)
    _FIELD_TYPES[cls] = resolved
    return resolved


def check_model(instance: Any, path: str = "") -> None:
    """Raise :class:`SchemaMismatch` naming the first field whose value breaks its declared type."""
    if _conforms(type(instance))(instance):
        return
    # Slow path, only for a body that breaks the schema: find the field to name.
    for name, declared in _field_types(type(instance)):
        value = getattr(instance, name)
        if not _predicate(declared)(value):
            _locate(value, declared, f"{path}{name}")


Predicate = Callable[[Any], bool]
_CONFORMS: dict[type, Predicate] = {}


def _conforms(cls: type) -> Predicate:
    """A predicate built once per model class from its declared types: the per-response check is then
    a few type comparisons, not a walk through ``typing`` introspection (it runs on every call)."""
    predicate = _CONFORMS.get(cls)
    if predicate is None:
        fields = tuple((name, _predicate(declared)) for name, declared in _field_types(cls))
        predicate = _CONFORMS[cls] = lambda instance: all(test(getattr(instance, name)) for name, test in fields)
    return predicate


def _predicate(declared: Any) -> Predicate:
    origin = typing.get_origin(declared)
    if origin is typing.Union or origin is types.UnionType:
        options = tuple(_predicate(option) for option in typing.get_args(declared))
        return lambda value: any(test(value) for test in options)
    if origin is list:
        (item_type,) = typing.get_args(declared)
        item = _predicate(item_type)
        return lambda value: type(value) is list and all(item(entry) for entry in value)
    if origin is dict or declared is Any:
        return lambda value: True
    if declared is type(None):
        return lambda value: value is None
    if declared is bool:
        return lambda value: type(value) is bool
    if declared is int:
        return lambda value: isinstance(value, int) and type(value) is not bool
    if declared is float:
        return lambda value: isinstance(value, int | float) and type(value) is not bool
    if _is_model(declared):
        nested = declared
        return lambda value: isinstance(value, nested) and _conforms(nested)(value)
    if isinstance(declared, type):
        kind = declared
        return lambda value: isinstance(value, kind)
    return lambda value: True


def check_containers(raw: Any, instance: Any) -> None:
    """Raise :class:`SchemaMismatch` where the JSON had a non-object for an object (or a non-array for
    an array). ``from_dict`` calls ``dict(value)`` on nested objects, which turns ``[]`` into ``{}``
    without complaint, so the parsed model alone cannot tell."""
    if _has_containers(type(instance)):
        _compare_containers(raw, instance.to_dict(), "")


_HAS_CONTAINERS: dict[type, bool] = {}


def _has_containers(cls: type) -> bool:
    known = _HAS_CONTAINERS.get(cls)
    if known is None:
        known = _HAS_CONTAINERS[cls] = _declares_containers(cls)
    return known


def _declares_containers(cls: type) -> bool:
    return any(
        typing.get_origin(option) is list or _is_model(option)
        for _, declared in _field_types(cls)
        for option in (typing.get_args(declared) or (declared,))
    )


def _compare_containers(raw: Any, rendered: Any, path: str) -> None:
    if isinstance(rendered, dict):
        if not isinstance(raw, dict):
            raise SchemaMismatch(f"field {path!r} should be an object, got {_kind(raw)}")
        for key, value in rendered.items():
            if key in raw:
                _compare_containers(raw[key], value, f"{path}.{key}" if path else key)
    elif isinstance(rendered, list):
        if not isinstance(raw, list):
            raise SchemaMismatch(f"field {path!r} should be an array, got {_kind(raw)}")
        for index, (raw_item, item) in enumerate(zip(raw, rendered, strict=False)):
            _compare_containers(raw_item, item, f"{path}[{index}]")


def _locate(value: Any, declared: Any, path: str) -> None:
    """Raise for ``value``, which breaks ``declared``: at the innermost list item or model field that
    does (``autotopup_settings.is_enabled``), else here."""
    union = typing.get_origin(declared) in (typing.Union, types.UnionType)
    for option in typing.get_args(declared) if union else (declared,):
        if typing.get_origin(option) is list and type(value) is list:
            (item_type,) = typing.get_args(option)
            for index, item in enumerate(value):
                if not _predicate(item_type)(item):
                    _locate(item, item_type, f"{path}[{index}]")
        elif _is_model(option) and isinstance(value, option):
            check_model(value, f"{path}.")
    raise SchemaMismatch(f"field {path!r} should be {_expected(declared)}, got {_got(value)}")


#: JSON's names for the types a model declares: a message for a reader of the API, not of the SDK's code.
_JSON_KINDS: dict[Any, str] = {
    bool: "a boolean",
    int: "an integer",
    float: "a number",
    str: "a string",
    type(None): "null",
    list: "an array",
    dict: "an object",
}


def _expected(declared: Any) -> str:
    """What ``declared`` takes, in JSON's words: ``a boolean (or left out)``, ``a number or null``."""
    from aimlapi_billing_client.types import Unset

    union = typing.get_origin(declared) in (typing.Union, types.UnionType)
    kinds: list[str] = []
    for option in typing.get_args(declared) if union else (declared,):
        if option is not Unset:
            kind = _JSON_KINDS.get(typing.get_origin(option) or option) or _kind_of_class(option)
            kinds += [] if kind in kinds else [kind]
    left_out = union and Unset in typing.get_args(declared)
    return " or ".join(kinds) + (" (or left out)" if left_out else "")


def _kind_of_class(declared: Any) -> str:
    if _is_model(declared):
        return "an object"
    if isinstance(declared, type) and issubclass(declared, str):  # the generated enums
        return "a string"
    return getattr(declared, "__name__", None) or str(declared)


def _kind(value: Any) -> str:
    return _JSON_KINDS.get(type(value)) or _kind_of_class(type(value))


def _got(value: Any) -> str:
    """``value`` as JSON names it: ``null``, ``true``, ``a string '12.5'``."""
    if value is None or isinstance(value, bool):
        return "null" if value is None else str(value).lower()
    return f"{_kind(value)} {_shown(value, 60)}"


def _shown(value: Any, limit: int) -> str:
    """``value``'s repr in about ``limit`` characters, a string cut inside its quotes
    (``'Bearer <redacted> and so...'``), so a cut never leaves a quote open."""
    if isinstance(value, str):
        return repr(value if len(value) <= limit else value[: limit - 3] + "...")
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


#: The one currency the SDK reads. The vendor documents every amount in USD; a figure in another
#: currency compared with USD thresholds, added to USD sums or exported as ``_usd`` would be wrong.
CURRENCY = "USD"
_CURRENCY_FIELD = "currency"
#: Per model class, its ``currency`` field and the fields that lead to one: ``(name, None)`` for a
#: currency, ``(name, model class)`` for a nested model or a list of them that holds one.
_CURRENCY_FIELDS: dict[type, tuple[tuple[str, type | None], ...]] = {}


def is_usd(value: object) -> bool:
    """``USD`` in any letter case, surrounding whitespace ignored (``" usd"``); ASCII only, so no
    look-alike passes (the long s, U+017F, upper-cases to an ASCII S)."""
    return isinstance(value, str) and value.isascii() and value.strip().upper() == CURRENCY


def check_currency(instance: Any, path: str = "") -> None:
    """Raise :class:`SchemaMismatch` for a ``currency`` field, at any depth of the model, that is not
    USD (:func:`is_usd`); set each one that is to exactly ``"USD"``. An optional one left out (the
    auto top-up settings') is the spec's "always USD"; a required one missing or null has failed the
    schema already."""
    for name, nested in _currency_fields(type(instance)):
        value = getattr(instance, name)
        if nested is None:
            if value != CURRENCY:  # the usual answer costs one comparison
                _other_spelling(instance, name, value, path)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, nested):
                    check_currency(item, f"{path}{name}[{index}].")
        elif isinstance(value, nested):
            check_currency(value, f"{path}{name}.")


def _other_spelling(instance: Any, name: str, value: object, path: str) -> None:
    """Set a currency that :func:`is_usd` accepts to ``"USD"``; raise for any other but an optional one left out."""
    from aimlapi_billing_client.types import Unset

    if is_usd(value):
        setattr(instance, name, CURRENCY)
    elif not isinstance(value, Unset):
        raise SchemaMismatch(
            f"field {path + name!r} is {_shown(value, 40)}: the SDK reads amounts in {CURRENCY} only, the "
            "currency the API documents"
        )


def _currency_fields(cls: type) -> tuple[tuple[str, type | None], ...]:
    known = _CURRENCY_FIELDS.get(cls)
    if known is None and not _is_model(cls):
        return ()  # not a generated model (a caller's stand-in): no declared fields to look at
    if known is None:
        _CURRENCY_FIELDS[cls] = ()  # a model that nests itself ends here
        found: list[tuple[str, type | None]] = []
        for name, declared in _field_types(cls):
            if name == _CURRENCY_FIELD:
                found.append((name, None))
                continue
            for option in typing.get_args(declared) or (declared,):
                inner = typing.get_args(option)[0] if typing.get_origin(option) is list else option
                if _is_model(inner) and _currency_fields(inner):
                    found.append((name, inner))
                    break
        known = _CURRENCY_FIELDS[cls] = tuple(found)
    return known
