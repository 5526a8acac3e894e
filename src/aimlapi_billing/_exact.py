"""Exact money arithmetic: sums and differences of ``Decimal`` amounts that no context rounds.

The lowest layer of the package (the result records in ``types/`` use it), so it imports nothing of
ours; :mod:`aimlapi_billing._money` re-exports it beside its one check, :func:`~aimlapi_billing._money.usd`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import (
    ROUND_HALF_EVEN,
    Context,
    Decimal,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
    Rounded,
    Underflow,
)

__all__ = [
    "DERIVED_PLACES",
    "add",
    "days_at",
    "days_of",
    "divide",
    "exact_sum",
    "multiply",
    "per_day",
    "seconds_of",
    "subtract",
]

#: Every amount is within the models' bounds (a double's exponents, -324 to 308, at most 100
#: digits; :func:`aimlapi_billing._money.usd` refuses any other), so a sum or a difference of any
#: number of them needs fewer than 700 digits. With 1000 and every rounding trapped, a sum is exact
#: or an ``ArithmeticError``, never the default context's 28 digits rounded silently.
_EXACT = Context(prec=1000, Emax=10_000, Emin=-10_000, traps=[Inexact, Rounded, InvalidOperation, Overflow, Underflow])


#: A figure derived by a division (a rate, a runway, a day count) is no exact amount: it is rounded half
#: to even to this many decimal places (a millionth of a millionth), written without trailing zeros.
DERIVED_PLACES = 12
_DERIVED = Context(
    prec=1000, Emax=10_000, Emin=-10_000, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation, Overflow, DivisionByZero]
)
_MICROSECONDS_PER_DAY = 86_400_000_000


def add(total: Decimal, amount: Decimal) -> Decimal:
    """``total + amount``, exactly (:data:`_EXACT`)."""
    return _EXACT.add(total, amount)


def subtract(total: Decimal, amount: Decimal) -> Decimal:
    """``total - amount``, exactly."""
    return _EXACT.subtract(total, amount)


def multiply(amount: Decimal, factor: Decimal | int) -> Decimal:
    """``amount * factor``, exactly."""
    return _EXACT.multiply(amount, Decimal(factor))


def divide(numerator: Decimal | int, denominator: Decimal | int) -> Decimal:
    """``numerator / denominator`` as a derived figure: rounded half to even to :data:`DERIVED_PLACES`
    decimal places (from a quotient of 1000 digits, never the default context's 28), without
    trailing zeros (``351.5``, ``30``, never ``351.500000000000`` that looks exact)."""
    quotient = _DERIVED.divide(Decimal(numerator), Decimal(denominator))
    rounded = _DERIVED.quantize(quotient, Decimal(1).scaleb(-DERIVED_PLACES))
    plain = _DERIVED.normalize(rounded)
    return _DERIVED.quantize(plain, Decimal(1)) if plain == plain.to_integral_value() else plain  # 1E+2 as 100


def _microseconds(span: datetime.timedelta) -> int:
    return span // datetime.timedelta(microseconds=1)


def days_of(span: datetime.timedelta) -> Decimal:
    """``span`` in days, a derived figure (:func:`divide`: an hour is ``0.041666666667``)."""
    return divide(_microseconds(span), _MICROSECONDS_PER_DAY)


def seconds_of(span: datetime.timedelta) -> Decimal:
    """``span`` in seconds, exactly (microseconds are decimal places): ``900``, ``0.5``."""
    return divide(_microseconds(span), 1_000_000)  # exact: 6 places are within DERIVED_PLACES


def per_day(amount: Decimal, span: datetime.timedelta) -> Decimal:
    """``amount`` spread over ``span``: a rate per day, a derived figure (:func:`divide`)."""
    return divide(multiply(amount, _MICROSECONDS_PER_DAY), _microseconds(span))


def days_at(amount: Decimal, spent: Decimal, span: datetime.timedelta) -> Decimal:
    """How many days ``amount`` lasts when ``spent`` goes in ``span``: a derived figure, from the exact
    ratio (never from a rounded rate)."""
    return divide(multiply(amount, _microseconds(span)), multiply(spent, _MICROSECONDS_PER_DAY))


def exact_sum(amounts: Iterable[Decimal]) -> Decimal:
    """The exact sum of ``amounts`` (``Decimal(0)`` for none)."""
    total = Decimal(0)
    for amount in amounts:
        total = _EXACT.add(total, amount)
    return total
