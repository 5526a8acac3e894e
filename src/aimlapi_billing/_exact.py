"""Exact money arithmetic: sums and differences of ``Decimal`` amounts that no context rounds.

The lowest layer of the package (the result records in ``types/`` use it), so it imports nothing of
ours; :mod:`aimlapi_billing._money` re-exports it beside its one check, :func:`~aimlapi_billing._money.usd`.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Context, Decimal, Inexact, InvalidOperation, Overflow, Rounded, Underflow

__all__ = ["add", "exact_sum", "subtract"]

#: Every amount is within the models' bounds (a double's exponents, -324 to 308, at most 100
#: digits; :func:`aimlapi_billing._money.usd` refuses any other), so a sum or a difference of any
#: number of them needs fewer than 700 digits. With 1000 and every rounding trapped, a sum is exact
#: or an ``ArithmeticError``, never the default context's 28 digits rounded silently.
_EXACT = Context(prec=1000, Emax=10_000, Emin=-10_000, traps=[Inexact, Rounded, InvalidOperation, Overflow, Underflow])


def add(total: Decimal, amount: Decimal) -> Decimal:
    """``total + amount``, exactly (:data:`_EXACT`)."""
    return _EXACT.add(total, amount)


def subtract(total: Decimal, amount: Decimal) -> Decimal:
    """``total - amount``, exactly."""
    return _EXACT.subtract(total, amount)


def exact_sum(amounts: Iterable[Decimal]) -> Decimal:
    """The exact sum of ``amounts`` (``Decimal(0)`` for none)."""
    total = Decimal(0)
    for amount in amounts:
        total = _EXACT.add(total, amount)
    return total
