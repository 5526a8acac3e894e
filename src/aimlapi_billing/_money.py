"""Money in the convenience layer: exact :class:`~decimal.Decimal` USD, and its one check.

The generated models hold every JSON number as the ``Decimal`` it wrote (``0.1`` is
``Decimal('0.1')``), and sums of them are exact (:func:`add`, :func:`exact_sum`: no context
rounds them). :func:`usd` is the one door through which a
figure enters a computation: a model's field (built by the SDK, or by hand with an int or a float),
or an amount a caller passes (a key's spending limit).
"""

from __future__ import annotations

from decimal import Decimal

from aimlapi_billing_client.types import number_problem

from ._exact import add, exact_sum, subtract
from ._exceptions import AIMLAPIError, ResponseValidationError

__all__ = ["MAX_AMOUNT", "add", "exact_sum", "subtract", "usd"]

#: More than this in USD (or requests) is no money but a broken answer: a window's usage sum (the
#: SDK refuses it) and any figure the exporter would export (the scrape fails).
MAX_AMOUNT = Decimal(10**15)


def usd(
    value: object, what: str, *, at_least_zero: bool, error: type[AIMLAPIError] = ResponseValidationError
) -> Decimal:
    """``value`` as an exact ``Decimal``: a ``Decimal`` as is, an int exactly, a float by its shortest
    repr (``0.1`` is ``Decimal('0.1')``, the decimal it was read from). Raises ``error`` naming
    ``what`` unless it is a finite number and, with ``at_least_zero``, 0 or more (a spend, a limit,
    a cost); a bool is no amount."""
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, float):
        amount = Decimal(repr(float(value)))  # "nan" and "inf" read as the non-finite Decimals
    elif isinstance(value, int) and not isinstance(value, bool):
        amount = Decimal(int(value))
    else:
        raise error(f"{what} is {value!r:.60}, not an amount of USD")
    if not amount.is_finite() or (at_least_zero and amount < 0):
        rule = "finite and 0 or more" if at_least_zero else "finite"
        raise error(f"{what} is {str(value)[:60]}: an amount of USD is {rule}")
    problem = number_problem(amount)
    if problem is not None:  # what a model refuses (a caller's Decimal('1e-99999'), say)
        raise error(f"{what} {problem}")
    # -0.0 is no other amount than 0: never shown or sent as "-0" (a JSON reader may keep the sign)
    return amount.copy_abs() if amount.is_zero() else amount
