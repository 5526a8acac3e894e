"""Monitoring plugin thresholds in the plugin guidelines' range syntax, for ``check`` and ``check-keys``.

A range alerts when the value is outside ``start:end`` (both included), or inside it with a leading
``@``: ``10:20``, ``@10:20``, ``10:`` (alert below 10), ``~:10`` (alert above 10; ``~`` is minus
infinity), ``:10`` (an empty start is 0, as in the guidelines' reference code).

A bare number ``N`` means what each option has always documented: for the balance and the runway
"alert below N" (``N:``), a deliberate difference from the guidelines, whose bare ``N`` is ``0:N``
(alert above N, or below 0), because the balance alerts when it runs low; for a key's percentage of
its limit, the guidelines' own ``0:N``. Performance data always carries the range in the
guidelines' syntax, so a bare ``100`` for the balance is written ``100:``.

Amounts of USD are exact ``Decimal`` end to end (``exact``): ``-c 0.1`` is the decimal 0.1, compared
with the exact balance, so a balance of exactly 0.1 is not below it (a float's 0.1 is
0.1000000000000000055…, and the balance was). Days and percentages stay floats.
"""

from __future__ import annotations

import argparse
import itertools
import math
from collections.abc import Callable
from decimal import Decimal
from typing import Any, NamedTuple

from .._config import PLAIN_DECIMAL
from ._common import fixed, threshold_text

SYNTAX = "N, N:, ~:N, N:M or @N:M"


class Range(NamedTuple):
    """Alert outside ``start`` to ``end`` (both included), or inside with ``inside`` (``@``)."""

    start: Decimal | float  # -inf for "~"
    end: Decimal | float  # +inf when the range gives no end
    inside: bool = False

    def alerts(self, value: Decimal | float) -> bool:
        within = self.start <= value <= self.end
        return within if self.inside else not within

    def __str__(self) -> str:
        """The guidelines' syntax, shortest form (``100:``, ``80``, ``~:5``, ``@10:20``): for perfdata."""
        end = "" if self.end == math.inf else threshold_text(self.end)
        if self.start == 0 and end:
            body = end
        else:
            body = f"{'~' if self.start == -math.inf else threshold_text(self.start)}:{end}"
        return f"@{body}" if self.inside else body


def threshold(
    kind: str, low: float, high: float, *, bare_is_below: bool, exact: bool = False
) -> Callable[[str], Range]:
    """An argparse type: a range whose numbers are ``kind`` from ``low`` to ``high``; a bare number is
    "alert below N" with ``bare_is_below``, else the guidelines' ``0:N``. ``exact``: the numbers are
    the ``Decimal`` written (amounts of USD), else floats."""
    zero: Decimal | float = Decimal(0) if exact else 0.0

    def number(token: str, text: str) -> Decimal | float:
        # As the guidelines' examples write numbers: no 1e2, nan, 0x10, 1_0, spaces or other scripts' digits.
        if not PLAIN_DECIMAL.fullmatch(token):
            raise argparse.ArgumentTypeError(f"not {kind} or a range ({SYNTAX}): {text!r}")
        value = Decimal(token) if exact else float(token)
        if not low <= value <= high:  # 400 nines read as infinity: out of bounds too
            raise argparse.ArgumentTypeError(
                f"must be {kind} from {threshold_text(low)} to {threshold_text(high)}, not {text!r}"
            )
        return value

    def parse(text: str) -> Range:
        inside = text.startswith("@")
        body = text[1:] if inside else text
        if ":" in body:
            start_text, _, end_text = body.partition(":")
            if not start_text and not end_text:  # ":" alone bounds nothing
                raise argparse.ArgumentTypeError(f"not {kind} or a range ({SYNTAX}): {text!r}")
            start = -math.inf if start_text == "~" else zero if start_text == "" else number(start_text, text)
            end = math.inf if end_text == "" else number(end_text, text)
        elif bare_is_below:
            start, end = number(body, text), math.inf
        else:
            start, end = zero, number(body, text)
        if start > end:
            raise argparse.ArgumentTypeError(f"the range starts above its end: {text!r}")
        if start == -math.inf and end == math.inf:
            never = "always alerts" if inside else "never alerts"
            raise argparse.ArgumentTypeError(f"the range {text!r} covers every value: it {never}")
        return Range(start, end, inside)

    return parse


def swapped(
    warning: Range | None, critical: Range | None, names: tuple[str, str], *, lowest: float = -math.inf
) -> str | None:
    """What is wrong when CRITICAL alerts on a value WARNING lets pass (the thresholds were swapped, or
    do not nest), over the values the option judges, from ``lowest`` up (a percentage or a runway is
    never negative); None when CRITICAL's alerts lie within WARNING's, or either is absent.

    Whatever the two ranges' kinds (``@`` or not, ends included or not), each alerts alike on every
    value strictly between two consecutive ends, so probing each end, a value between each two and one
    beyond each side decides it exactly."""
    if warning is None or critical is None:
        return None
    for value in _probes((warning.start, warning.end, critical.start, critical.end, lowest), lowest):
        if critical.alerts(value) and not warning.alerts(value):
            return (
                f"{names[1]} ({critical}) alerts where {names[0]} ({warning}) does not (at {threshold_text(value)}, "
                "for one): CRITICAL must be the stricter threshold (were they swapped?)"
            )
    return None


def _probes(ends: tuple[Decimal | float, ...], lowest: float) -> list[Decimal | float]:
    """One value of each stretch on which ranges with these ``ends`` cannot change their minds, from ``lowest`` up
    (exact ``Decimal`` values when any end is one: an amount of USD)."""
    kind: type[Decimal] | type[float] = Decimal if any(isinstance(end, Decimal) for end in ends) else float
    # [0]: two ranges built by hand, with no finite end
    points: list[Any] = sorted({kind(end) for end in ends if math.isfinite(end)}) or [kind(0)]
    between = [low + (high - low) / 2 for low, high in itertools.pairwise(points)]
    # The thresholds' bounds (10^12) keep "one beyond" exact in a float.
    return [value for value in [points[0] - 1, *points, *between, points[-1] + 1] if value >= lowest]


def state(value: Decimal | float, warning: Range | None, critical: Range | None) -> int:
    """0 OK, 1 WARNING, 2 CRITICAL for ``value``."""
    if critical is not None and critical.alerts(value):
        return 2
    if warning is not None and warning.alerts(value):
        return 1
    return 0


def shown(value: Decimal | float, decimals: int, limit: float, *ranges: Range | None) -> str:
    """``value`` as a plugin's line and perfdata print it, never a number it is not: ``decimals``
    decimals (:func:`~._common.fixed`: an amount, a ``Decimal``, rounded half to even, every digit of
    its integer part kept; never ``-0.00``), yet never on the other side of a threshold than
    ``value`` itself, which a reader or a monitoring system would judge otherwise: as many more digits
    as that takes (99.996 against ``100:`` is ``99.996``, not ``100.00``). A float (days, a
    percentage) is held within ``-limit`` to ``limit`` (a server's 1e300 would print 300 digits),
    and past the limit is one step beyond it when a range ends there."""
    judged = [each for each in ranges if each is not None]
    read = Decimal if isinstance(value, Decimal) else float  # the text judged as exactly as the value

    def agrees(text: str) -> bool:
        return all(each.alerts(read(text)) == each.alerts(value) for each in judged)

    if isinstance(value, Decimal):  # bounded by the models (100 digits, a double's exponents): exact at worst
        exact_places = max(decimals, -int(value.as_tuple().exponent))
        texts = (fixed(value, places, grouping=False) for places in range(decimals, exact_places + 1))
        return next(text for text in texts if agrees(text))  # the last one is the value itself
    if -limit > value or value > limit:  # beyond every threshold's end, unless one ends at the limit itself
        text = fixed(max(-limit, min(limit, value)), decimals, grouping=False)
        step = math.copysign(10.0**-decimals, value)
        return text if agrees(text) else fixed(math.copysign(limit, value) + step, decimals, grouping=False)
    texts = (fixed(value, places, grouping=False) for places in range(decimals, 18))
    return next((text for text in texts if agrees(text)), threshold_text(value))  # at worst, exactly


def perfdata(warning: Range | None, critical: Range | None) -> str:
    """The ``;warn;crit`` part of a perfdata item (an absent threshold left empty)."""
    return f";{'' if warning is None else warning};{'' if critical is None else critical}"
