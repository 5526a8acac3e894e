"""``check``: a monitoring plugin for the USD balance, and the runway when asked."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from decimal import Decimal
from typing import TextIO

from ..._config import DEFAULT_MAX_PAGES
from ..._redaction import failure_text
from .._common import CHECK_STATES, CHECK_UNKNOWN, bounded, client, plugin_text, threshold_text
from .._options import DEFAULT_WINDOW, MAX_DAYS, MAX_USD, add_max_pages, number, span_text, window

#: Characters of the server's currency, and of its unknown ledger directions, the line shows.
CURRENCY_CHARS, DIRECTION_CHARS = 12, 60
DEFAULTS = {
    "check": f"no runway thresholds (the balance only); --window {span_text(DEFAULT_WINDOW)}, "
    f"--max-pages {DEFAULT_MAX_PAGES}"
}


def add_arguments(name: str, parser: argparse.ArgumentParser) -> None:
    usd = number("an amount in USD", -MAX_USD, MAX_USD, exact=True)
    days = number("a number of days", 0, MAX_DAYS)
    # The plugin guidelines' short options: -w/-c thresholds (and -t timeout, -V version on every plugin).
    # Read as the exact decimal typed, and compared exactly with the balance: 0.1 is a dime.
    parser.add_argument(
        "-w", "--warning-usd", type=usd, required=True, metavar="W", help="WARNING below this balance (exact, USD)"
    )
    parser.add_argument(
        "-c", "--critical-usd", type=usd, required=True, metavar="C", help="CRITICAL below this balance (exact, USD)"
    )
    parser.add_argument("--warning-days", type=days, metavar="N", help="WARNING when the runway is below N days")
    parser.add_argument("--critical-days", type=days, metavar="M", help="CRITICAL when the runway is below M days")
    add_max_pages(parser)
    parser.add_argument(
        "--window",
        type=window,
        default=DEFAULT_WINDOW,
        metavar="SPAN",
        help=f"burn-rate window for the runway, 1h to {MAX_DAYS:g}d (default: {span_text(DEFAULT_WINDOW)})",
    )


def run(name: str, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    warning, critical = args.warning_usd, args.critical_usd
    problem = threshold_problem("usd", warning, critical) or threshold_problem(
        "days", args.warning_days, args.critical_days
    )
    if problem:
        print(f"BILLING UNKNOWN - {problem}", file=out)
        return CHECK_UNKNOWN
    wants_runway = args.warning_days is not None or args.critical_days is not None
    redact: Callable[[str], str] = str
    try:
        with client(args) as billing:
            redact = billing._redact
            if wants_runway:
                forecast = billing.forecast(window=args.window, max_pages=args.max_pages)
                balance, currency, runway = forecast.balance_usd, "USD", forecast.runway_days
            else:
                forecast = None
                summary = billing.summary()
                balance, currency, runway = summary.current_balance, summary.currency, None
    except Exception as exc:  # a plugin never exits 1 or prints a traceback: UNKNOWN, whatever failed
        print(f"BILLING UNKNOWN - {failure_text(exc, redact)}", file=out)
        return CHECK_UNKNOWN
    state = state_below(balance, warning, critical)
    # The currency is server text: redacted, printable, short, and no "|" to start perfdata of its own.
    shown = bounded(balance, MAX_USD, 2)
    message = f"balance {shown} {plugin_text(redact(currency), CURRENCY_CHARS)}"
    # Range "W:" means "alert below W" in the plugin guidelines' threshold syntax.
    perfdata = f"balance_usd={shown};{threshold_text(warning)}:;{threshold_text(critical)}:"
    if wants_runway:
        days = None if runway is None else float(runway)
        if days is not None:
            state = max(state, state_below(days, args.warning_days, args.critical_days))
        message += ", runway " + ("unbounded" if days is None else f"{bounded(days, MAX_DAYS, 1)} days")
        if forecast is not None and forecast.unclassified_entries:
            message += (
                f" ({forecast.unclassified_entries} ledger entries of unknown direction "
                f"{plugin_text(redact('/'.join(forecast.unknown_directions)), DIRECTION_CHARS)} not counted)"
            )
        # "U": the plugin guidelines' value for "cannot be determined": no spend, no finite runway.
        value = "U" if days is None else bounded(days, MAX_DAYS, 1)
        perfdata += f" runway_days={value};{_at_least(args.warning_days)};{_at_least(args.critical_days)}"
    print(f"BILLING {CHECK_STATES[state]} - {message} | {perfdata}", file=out)
    return state


def threshold_problem(unit: str, warning: Decimal | float | None, critical: Decimal | float | None) -> str | None:
    """For thresholds that alert *below* a value: critical must not be above warning."""
    if warning is not None and critical is not None and critical > warning:
        return f"--critical-{unit} ({critical}) must not be above --warning-{unit} ({warning})"
    return None


def state_below(value: Decimal | float, warning: Decimal | float | None, critical: Decimal | float | None) -> int:
    if critical is not None and value < critical:
        return 2
    if warning is not None and value < warning:
        return 1
    return 0


def _at_least(threshold: float | None) -> str:
    return "" if threshold is None else f"{threshold_text(threshold)}:"
