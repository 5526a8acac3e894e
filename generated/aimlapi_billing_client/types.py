"""Contains some shared types for properties, and the checks every model's ``from_dict`` makes"""

import datetime
import math
import sys
from collections.abc import Callable, Mapping, MutableMapping
from decimal import Decimal
from enum import Enum
from http import HTTPStatus
from typing import IO, Any, BinaryIO, Generic, Literal, NoReturn, TypeVar


class Unset:
    """A field the JSON left out. One object, ``UNSET``: ``Unset()``, a copy, a deep copy and a
    pickle round trip are ``UNSET`` itself, so a model's ``is UNSET`` checks (repr, ``to_dict()``)
    hold for a copied model too."""

    __slots__ = ()

    def __new__(cls) -> "Unset":
        existing = globals().get("UNSET")
        return existing if isinstance(existing, Unset) else super().__new__(cls)

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "UNSET"

    def __copy__(self) -> "Unset":
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> "Unset":
        return self

    def __reduce__(self) -> str:
        return "UNSET"  # pickled by name: unpickling gives this module's UNSET


UNSET: Unset = Unset()


class _Missing:
    """What ``from_dict`` reads for a required field the object lacks (never a field's value)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()

# The types that `httpx.Client(files=)` can accept, copied from that library.
FileContent = IO[bytes] | bytes | str
FileTypes = (
    # (filename, file (or bytes), content_type)
    tuple[str | None, FileContent, str | None]
    # (filename, file (or bytes), content_type, headers)
    | tuple[str | None, FileContent, str | None, Mapping[str, str]]
)
RequestFiles = list[tuple[str, FileTypes]]


def _shown(value: Any) -> str:
    """A field's value as its repr, an enum member as its value (``'month'``), items of a list alike."""
    if isinstance(value, Enum):
        return repr(value.value)
    if type(value) is list:
        return f"[{', '.join(_shown(item) for item in value)}]"
    return repr(value)


#: What a secret field's repr shows: the mask of the SDK's ``SecretKey``.
MASK = "**********"


class Model:
    """What every generated model shares: equality, and a repr, over its ``__slots__``.

    The models are plain classes (no attrs: importing it and building each class at import cost a
    short-lived program, like a monitoring check, more than the rest of the client). A model lists its
    constructor's fields in ``__model_fields__``; ``additional_properties`` holds what the spec does
    not name. The repr reads like the data: fields left ``UNSET`` are not shown, nor
    ``additional_properties`` when it is empty, and an enum member shows its value."""

    __slots__: tuple[str, ...] = ()
    __model_fields__: tuple[str, ...] = ()
    __secret_fields__: tuple[str, ...] = ()

    def __repr__(self) -> str:
        fields = [
            f"{name}={MASK!r}"
            if name in self.__secret_fields__ and value is not None
            else f"{name}={_shown(value)}"
            for name in self.__model_fields__
            if (value := getattr(self, name, UNSET)) is not UNSET
        ]
        extra = getattr(self, "additional_properties", None)
        if extra:
            fields.append(f"additional_properties={extra!r}")
        return f"{type(self).__name__}({', '.join(fields)})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(
            getattr(self, name) == getattr(other, name) for name in self.__slots__
        )

    __hash__ = None  # type: ignore[assignment]  # mutable: like attrs' default, not hashable


class SchemaError(ValueError):
    """A value that breaks the schema of the model ``from_dict`` reads it into: a required field
    missing, or a value of the wrong JSON type. ``path`` names the field from the object given to
    ``from_dict`` (``autotopup_settings.is_enabled``, ``data[3].amount.usd``; empty for that object
    itself), ``problem`` what is wrong with it (``None``: it is missing)."""

    def __init__(self, path: str, problem: str | None) -> None:
        super().__init__(path, problem)
        self.path = path
        self.problem = problem

    def __str__(self) -> str:
        if self.problem is None:
            return f"the required field {self.path!r} is missing"
        return (
            f"field {self.path!r} {self.problem}"
            if self.path
            else f"the value {self.problem}"
        )

    def within(self, outer: str) -> "SchemaError":
        """The same error, its path read from the object that holds this one at ``outer``."""
        if not self.path:
            path = outer
        elif self.path.startswith("["):
            path = outer + self.path
        else:
            path = f"{outer}.{self.path}"
        return SchemaError(path, self.problem)


#: JSON's names for a value's type: a message for a reader of the API, not of the SDK's code.
_JSON_KINDS = (
    (str, "a string"),
    (int, "an integer"),
    (float, "a number"),
    (Decimal, "a number"),
)


def _got(value: Any) -> str:
    """``value`` as JSON names it: ``null``, ``true``, ``a string '12.5'`` (a long value cut inside
    its quotes, so a cut never leaves a quote open)."""
    if value is None or value is True or value is False:
        return "null" if value is None else str(value).lower()
    if isinstance(value, Mapping):
        kind = "an object"
    elif isinstance(value, list | tuple):
        kind = "an array"
    else:
        kind = next(
            (name for python, name in _JSON_KINDS if isinstance(value, python)),
            type(value).__name__,
        )
    if isinstance(value, str):
        return f"{kind} {value if len(value) <= 60 else value[:57] + '...'!r}"
    if type(value) is int and not -SMALL_INT < value < SMALL_INT:
        return f"{kind} of {len(format(value, 'x')) * 1.2:.0f} or so digits"  # repr stops at 4300 digits
    text = repr(value)
    return f"{kind} {text if len(text) <= 60 else text[:57] + '...'}"


def _other(
    value: Any, path: str, nullable: bool, expected: str, optional: bool = False
) -> Any:
    """What a field holding ``value``, which is not ``expected``, reads as: ``UNSET`` when it is absent
    (optional), ``None`` when it is null and may be; otherwise the :class:`SchemaError`."""
    if value is UNSET:
        return UNSET
    if value is MISSING:
        raise SchemaError(path, None)
    if value is None and nullable:
        return None
    left_out = " (or left out)" if optional else ""
    raise SchemaError(
        path,
        f"should be {expected}{' or null' if nullable else ''}{left_out}, got {_got(value)}",
    )


def as_object(value: Any) -> dict[str, Any]:
    """A copy of the JSON object ``from_dict`` reads, of which it takes the fields it knows."""
    if isinstance(value, Mapping):
        return dict(value)
    raise SchemaError("", f"should be an object, got {_got(value)}")


def as_string(
    value: Any, path: str = "", nullable: bool = False, optional: bool = False
) -> Any:
    if isinstance(value, str):
        return value
    return _other(value, path, nullable, "a string", optional)


def as_boolean(
    value: Any, path: str = "", nullable: bool = False, optional: bool = False
) -> Any:
    if value is True or value is False:
        return value
    return _other(value, path, nullable, "a boolean", optional)


def as_integer(
    value: Any, path: str = "", nullable: bool = False, optional: bool = False
) -> Any:
    """An integer (an int, never a bool, a float or text) within the numbers' bounds: at most
    ``MOST_DIGITS`` digits (``10**400`` is refused, as a number of 400 digits is)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return _bounded_integer(int(value), path)
    return _other(value, path, nullable, "an integer", optional)


def _bounded_integer(value: int, path: str) -> int:
    if -SMALL_INT < value < SMALL_INT:
        return value
    raise SchemaError(path, f"has more than {MOST_DIGITS} digits, got {_got(value)}")


#: The numbers a model holds: what a double holds in either direction (a decimal exponent from -324
#: to 308, so 1e999 and 1e-99999 are refused) in at most 100 significant digits, so that writing one out
#: (``f"{value:f}"``) or adding it stays small, whatever a server sends.
SMALLEST_EXPONENT = -324
LARGEST_EXPONENT = 308
MOST_DIGITS = 100
#: Every int strictly within +-SMALL_INT is within the bounds (the fast path of ``from_dict``).
SMALL_INT = 10**MOST_DIGITS
_LARGEST = Decimal(sys.float_info.max)
_OUT_OF_RANGE = "is out of the range of a double (a finite number, its exponent from 1e-324 to 1e308)"


def fits_number(value: Decimal) -> bool:
    """Whether the ``Decimal`` ``value`` is finite and within the bounds (above)."""
    if not value.is_finite():
        return False
    adjusted = value.adjusted()
    return (
        SMALLEST_EXPONENT <= adjusted <= LARGEST_EXPONENT
        and _significant_digits(value) <= MOST_DIGITS
        and (adjusted < LARGEST_EXPONENT or abs(value) <= _LARGEST)
    )


def _significant_digits(value: Decimal) -> int:
    """The digits of ``value`` but trailing zeros (an exact sum may carry them: ``0 + 1.7E+308``)."""
    digits = value.as_tuple().digits
    return (
        len(digits) if len(digits) <= MOST_DIGITS else len(bytes(digits).rstrip(b"\0"))
    )


def number_problem(value: Decimal | int) -> str | None:
    """What is wrong with a number (an int or a ``Decimal``) for a model, or ``None``."""
    if isinstance(value, int):
        if -SMALL_INT < value < SMALL_INT:
            return None
        if (
            value.bit_length() > 1100
        ):  # beyond any double, and too long to convert cheaply
            return _OUT_OF_RANGE
        value = Decimal(value)
    if not value.is_finite():
        return "should be a finite number"
    if fits_number(value):
        return None
    if _significant_digits(value) > MOST_DIGITS:
        return f"has more than {MOST_DIGITS} significant digits"
    return _OUT_OF_RANGE


def as_number(
    value: Any, path: str = "", nullable: bool = False, optional: bool = False
) -> Any:
    """A JSON number as the exact :class:`~decimal.Decimal` it wrote: a ``Decimal`` as is (what the
    SDK's parser makes of ``12.5``), an int exactly, a float by its shortest repr (``0.1`` is
    ``Decimal('0.1')``, what ``json.loads`` read). Never a bool, NaN, an infinity, nor a number
    beyond the bounds of :func:`fits_number`."""
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise SchemaError(path, f"should be a finite number, got {_got(value)}")
        number = Decimal(repr(float(value)))
    elif isinstance(value, int) and not isinstance(value, bool):
        problem = number_problem(int(value))
        if problem is None:
            return Decimal(int(value))
        raise SchemaError(path, f"{problem}, got {_got(value)}")
    else:
        return _other(value, path, nullable, "a number", optional)
    problem = number_problem(number)
    if problem is not None:
        raise SchemaError(path, f"{problem}, got {_got(value)}")
    return number


def below_minimum(value: Any, path: str, minimum: str) -> NoReturn:
    """Raise for a figure below the least the spec allows (``minimum``): a spend or a cost below 0."""
    raise SchemaError(path, f"should be {minimum} or more, got {_got(value)}")


def as_integer_or_digits(
    value: Any, path: str = "", nullable: bool = False, optional: bool = False
) -> Any:
    """An integer, which some servers write as a string of digits (``"429"``): read as the int."""
    if (
        type(value) is str
        and 0 < len(value) <= 18
        and value.isascii()
        and value.isdigit()
    ):
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return _bounded_integer(int(value), path)
    return _other(value, path, nullable, "an integer (or a string of digits)", optional)


def as_union(
    value: Any,
    path: str,
    members: tuple[Callable[[Any], Any], ...],
    expected: str,
    nullable: bool = False,
    optional: bool = False,
) -> Any:
    """``value`` read by the first of ``members`` (readers of the union's types, in the spec's order)
    it fits; none fitting raises SchemaError naming the field (the member's own error when only one
    reached inside the value, an object's field say)."""
    if value is not None and value is not UNSET and value is not MISSING:
        inside: list[SchemaError] = []
        for member in members:
            try:
                return member(value)
            except SchemaError as error:
                if error.path:
                    inside.append(error)
        if len(inside) == 1:
            raise inside[0].within(path) from None
    return _other(value, path, nullable, expected, optional)


def as_map(value: dict[str, Any], item: Callable[[Any], Any]) -> dict[str, Any]:
    """The fields of an object that the spec does not name, each read by ``item`` (additionalProperties)."""
    read = {}
    for key, element in value.items():
        try:
            read[key] = item(element)
        except SchemaError as error:
            raise error.within(key) from None
    return read


def as_datetime(
    value: Any, path: str = "", nullable: bool = False, optional: bool = False
) -> Any:
    if isinstance(value, str):
        try:
            return datetime.datetime.fromisoformat(value)
        except ValueError:
            raise SchemaError(
                path, f"should be an ISO 8601 date and time, got {_got(value)}"
            ) from None
    return _other(
        value, path, nullable, "an ISO 8601 date and time (a string)", optional
    )


E = TypeVar("E", bound=Enum)


def as_enum(
    kind: type[E],
    value: Any,
    path: str = "",
    nullable: bool = False,
    optional: bool = False,
) -> Any:
    """A member of ``kind``. Its string enums are open: a string the spec does not list is kept as a
    member of its own (and logged); an integer enum takes only the values listed."""
    base: type = str if issubclass(kind, str) else int
    if isinstance(value, base) and not isinstance(value, bool):
        try:
            return kind(value)
        except ValueError:
            listed = ", ".join(repr(member.value) for member in kind)
            raise SchemaError(
                path, f"should be one of {listed}, got {_got(value)}"
            ) from None
    return _other(
        value, path, nullable, "a string" if base is str else "an integer", optional
    )


M = TypeVar("M")


def as_model(
    kind: type[M],
    value: Any,
    path: str = "",
    nullable: bool = False,
    optional: bool = False,
) -> Any:
    if isinstance(value, Mapping):
        try:
            return kind.from_dict(value)  # type: ignore[attr-defined]
        except SchemaError as error:
            raise error.within(path) from None
    return _other(value, path, nullable, "an object", optional)


def as_list(
    value: Any,
    path: str,
    item: Callable[[Any], Any],
    nullable: bool = False,
    optional: bool = False,
) -> Any:
    """The JSON array ``value``, each element read by ``item`` (an ``as_...`` check or ``from_dict``)."""
    if not isinstance(value, list):
        return _other(value, path, nullable, "an array", optional)
    items = []
    index = 0
    try:
        for index, element in enumerate(value):
            items.append(item(element))
    except SchemaError as error:
        raise error.within(f"{path}[{index}]") from None
    return items


def _placeholder_pattern() -> Any:
    import os
    import re

    # Random per process: no text a server sends can hold it, so only the numbers are substituted.
    marker = os.urandom(16).hex()
    return marker, re.compile(f'"{marker}([0-9]+)"')


_PLACEHOLDER: Any = None


def _non_finite(name: str) -> NoReturn:
    raise SchemaError("", f"is not JSON: it holds the non-finite number {name}")


def loads(content: bytes | str) -> Any:
    """A response body as the models read it: a number with a fraction or an exponent is the exact
    ``Decimal`` it wrote (never a float), ``NaN`` and ``Infinity`` refused (:class:`SchemaError`);
    ``from_dict`` then checks every number it reads against :func:`fits_number`."""
    import json

    try:
        return json.loads(content, parse_float=Decimal, parse_constant=_non_finite)
    except RecursionError:
        raise SchemaError("", "is nested too deep") from None


def json_text(
    data: Any, *, indent: int | None = None, ensure_ascii: bool = True
) -> str:
    """``data`` as JSON text, each ``Decimal`` written as a JSON number of its own digits, never through
    a float (``Decimal('0.000105')`` is ``0.000105``, a sum of many digits keeps them all). Compact
    without ``indent``. A non-finite number is refused (``ValueError``): it is not JSON."""
    import json

    global _PLACEHOLDER
    if _PLACEHOLDER is None:
        _PLACEHOLDER = _placeholder_pattern()
    marker, pattern = _PLACEHOLDER
    numbers: list[str] = []

    def number(value: Any) -> str:
        if not isinstance(value, Decimal):
            raise TypeError(
                f"Object of type {type(value).__name__} is not JSON serializable"
            )
        if not value.is_finite():
            raise ValueError(f"{value!r} is not a JSON number")
        numbers.append(f"{value:f}")  # positional: 1E+2 is written 100
        return f"{marker}{len(numbers) - 1}"

    separators = (",", ":") if indent is None else (",", ": ")
    text = json.dumps(
        data,
        default=number,
        indent=indent,
        separators=separators,
        ensure_ascii=ensure_ascii,
        allow_nan=False,
    )
    return pattern.sub(lambda found: numbers[int(found[1])], text) if numbers else text


class File(Model):
    """Contains information for file uploads"""

    __slots__ = __model_fields__ = ("payload", "file_name", "mime_type")

    def __init__(
        self,
        payload: BinaryIO,
        file_name: str | None = None,
        mime_type: str | None = None,
    ) -> None:
        self.payload = payload
        self.file_name = file_name
        self.mime_type = mime_type

    def to_tuple(self) -> FileTypes:
        """Return a tuple representation that httpx will accept for multipart/form-data"""
        return self.file_name, self.payload, self.mime_type


T = TypeVar("T")


class Response(Model, Generic[T]):
    """A response from an endpoint"""

    __slots__ = __model_fields__ = ("status_code", "content", "headers", "parsed")

    def __init__(
        self,
        status_code: HTTPStatus,
        content: bytes,
        headers: MutableMapping[str, str],
        parsed: T | None,
    ) -> None:
        self.status_code = status_code
        self.content = content
        self.headers = headers
        self.parsed = parsed


__all__ = [
    "MASK",
    "MISSING",
    "SMALL_INT",
    "UNSET",
    "File",
    "FileTypes",
    "Model",
    "RequestFiles",
    "Response",
    "SchemaError",
    "Unset",
    "as_boolean",
    "as_datetime",
    "as_enum",
    "as_integer",
    "as_integer_or_digits",
    "as_list",
    "as_map",
    "as_model",
    "as_number",
    "as_object",
    "as_string",
    "as_union",
    "below_minimum",
    "fits_number",
    "json_text",
    "loads",
    "number_problem",
]
