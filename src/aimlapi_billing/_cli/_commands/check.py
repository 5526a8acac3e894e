"""``check``: a monitoring plugin for the USD balance, and the runway when asked."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from typing import TextIO

from ..._config import DEFAULT_MAX_PAGES
from ..._redaction import failure_text
from .._common import CHECK_STATES, CHECK_UNKNOWN, client, plugin_text
from .._options import DEFAULT_WINDOW, MAX_DAYS, MAX_USD, add_epilog, add_max_pages, span_text, window
from .._thresholds import SYNTAX, shown, swapped, threshold
from .._thresholds import perfdata as range_perfdata
from .._thresholds import state as range_state

#: Characters of the server's unknown ledger directions the line shows.
DIRECTION_CHARS = 60
DEFAULTS = {
    "check": f"no runway thresholds (the balance only); --window {span_text(DEFAULT_WINDOW)}, "
    f"--max-pages {DEFAULT_MAX_PAGES}"
}
THRESHOLD_OPTIONS = "-w/--warning-usd, -c/--critical-usd, --warning-days or --critical-days"
#: The balance and the runway: a bare N is "alert below N" (N:), as these options always meant.
USD = threshold("an amount in USD", -MAX_USD, MAX_USD, bare_is_below=True, exact=True)
DAYS = threshold("a number of days", 0, MAX_DAYS, bare_is_below=True)
RULES = (
    f"thresholds: {THRESHOLD_OPTIONS}, at least one, each alone or with others, in the plugin guidelines' "
    f"range syntax ({SYNTAX}): N: alerts below N, ~:N above N, N:M outside N to M, @N:M inside (ends "
    "included; one starting with a minus sign as --warning-usd=-5:). A bare N is N: (alert below N), as it "
    "always was here, unlike the guidelines' bare N (0:N). USD thresholds are exact decimals compared with the "
    "exact balance: a balance of exactly 0.1 is not below -c 0.1. "
    "CRITICAL must be the stricter of a pair, alerting only where WARNING does, whatever the kinds of range "
    "(-w 5 -c 10 and -w @276:300 -c ~:100 are UNKNOWN; a runway is never negative); perfdata writes each range "
    "in the guidelines' syntax (100:), an absent one empty; the balance has 2 decimals (the exact balance rounded "
    "half to even, every digit kept however large, never -0.00) and the runway 1, more "
    "where fewer would put it on the other side of a threshold (99.996, not 100.00, against 100:); a runway "
    "with nothing spent is unbounded, beyond any number of days. The balance is always GET "
    "/v2/billing/detail's, with a runway threshold or without (the one the forecast and the exporter read; "
    "GET /v2/billing may differ), in USD only: another currency is UNKNOWN; never the legacy GET "
    "/v1/billing/balance; auto top-up does not change the state."
)


def add_arguments(name: str, parser: argparse.ArgumentParser) -> None:
    add_epilog(parser, RULES, before_exit_codes=True)
    # The plugin guidelines' short options: -w/-c thresholds (and -t timeout, -V version on every plugin).
    parser.add_argument("-w", "--warning-usd", type=USD, metavar="W", help="WARNING range of the balance (N: below N)")
    parser.add_argument("-c", "--critical-usd", type=USD, metavar="C", help="CRITICAL range of the balance")
    parser.add_argument("--warning-days", type=DAYS, metavar="N", help="WARNING range of the runway in days")
    parser.add_argument("--critical-days", type=DAYS, metavar="M", help="CRITICAL range of the runway in days")
    add_max_pages(parser)
    parser.add_argument(
        "--window",
        type=window,
        default=DEFAULT_WINDOW,
        metavar="SPAN",
        help=f"burn-rate window for the runway: whole hours, days, weeks or calendar months, e.g. 30d, 2w, 1mo; "
        f"1h to {MAX_DAYS:g}d (default: {span_text(DEFAULT_WINDOW)})",
    )


def run(name: str, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    warning, critical = args.warning_usd, args.critical_usd
    thresholds = (warning, critical, args.warning_days, args.critical_days)
    problem = (
        swapped(warning, critical, ("--warning-usd", "--critical-usd"))
        or swapped(args.warning_days, args.critical_days, ("--warning-days", "--critical-days"), lowest=0)
        or (None if any(given is not None for given in thresholds) else f"no threshold: give {THRESHOLD_OPTIONS}")
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
                balance, runway = forecast.balance_usd, forecast.runway_days
            else:  # the same endpoint as with a runway (the forecast's), and as the exporter's balance
                forecast = None
                balance, runway = billing.detail().current_balance, None  # USD: the SDK refuses any other
    except Exception as exc:  # a plugin never exits 1 or prints a traceback: UNKNOWN, whatever failed
        print(f"BILLING UNKNOWN - {failure_text(exc, redact)}", file=out)
        return CHECK_UNKNOWN
    state = range_state(balance, warning, critical)
    balance_text = shown(balance, 2, MAX_USD, warning, critical)
    message = f"balance {balance_text} USD"
    perfdata = f"balance_usd={balance_text}{range_perfdata(warning, critical)}".rstrip(";")
    if wants_runway:
        days = None if runway is None else float(runway)
        # Nothing spent: the runway is unbounded, as good as infinitely long, for any range.
        state = max(state, range_state(math.inf if days is None else days, args.warning_days, args.critical_days))
        days_text = None if days is None else shown(days, 1, MAX_DAYS, args.warning_days, args.critical_days)
        message += ", runway " + ("unbounded" if days_text is None else f"{days_text} days")
        if forecast is not None and forecast.unclassified_entries:
            message += (
                f" ({forecast.unclassified_entries} ledger entries of unknown direction "
                f"{plugin_text(redact('/'.join(forecast.unknown_directions)), DIRECTION_CHARS)} not counted)"
            )
        # "U": the plugin guidelines' value for "cannot be determined": no spend, no finite runway.
        value = "U" if days_text is None else days_text
        perfdata += f" runway_days={value}{range_perfdata(args.warning_days, args.critical_days)}".rstrip(";")
    print(f"BILLING {CHECK_STATES[state]} - {message} | {perfdata}", file=out)
    return state
