"""``forecast``: spend over a window by type and model, daily burn, and the runway it implies."""

from __future__ import annotations

import argparse
import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, TextIO

from ..._config import DEFAULT_MAX_PAGES
from ..._exceptions import AIMLAPIError, InvalidParameterError
from ..._redaction import printable
from ..._windows import NAMED_WINDOWS, named_window
from .._common import EXIT_OK, client, fixed, json_output, report, table, usd
from .._options import (
    AUTOTOPUP_SOURCES_TEXT,
    CURRENT_AUTOTOPUP,
    DEFAULT_WINDOW,
    MAX_DAYS,
    add_epilog,
    add_max_pages,
    span_text,
    window,
)
from .._window import TZ_HELP, zone

if TYPE_CHECKING:
    from ...types.forecast import Forecast

DEFAULTS = {
    "forecast": f"--window {span_text(DEFAULT_WINDOW)}, --max-pages {DEFAULT_MAX_PAGES}, a table (--json: JSON)"
}


def add_arguments(name: str, parser: argparse.ArgumentParser) -> None:
    add_epilog(parser, AUTOTOPUP_SOURCES_TEXT, before_exit_codes=True)
    parser.add_argument(
        "--window",
        type=_window,
        default=DEFAULT_WINDOW,
        metavar="SPAN",
        help=f"e.g. 30d, 2w, 36h, 2mo (calendar months); 1h to {MAX_DAYS:g}d (default: {span_text(DEFAULT_WINDOW)}); "
        f"or a calendar window: {', '.join(NAMED_WINDOWS)} (from midnight in --tz; a past one ends the forecast "
        "at its end)",
    )
    parser.add_argument("--tz", type=zone, metavar="ZONE", help=TZ_HELP.replace("--period", "--window"))
    add_max_pages(parser)
    parser.add_argument("--json", action="store_true", help="print the forecast as JSON")


def _window(text: str) -> datetime.timedelta | str:
    """A span (``_options.window``), or a calendar window's name, resolved when the command runs."""
    return text if text in NAMED_WINDOWS else window(text)


def run(name: str, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        span, as_of = args.window, None
        if isinstance(span, str):  # a calendar window: its length, ending at its end (now for this-*)
            start, as_of = named_window(span, args.tz or "UTC")
            span = as_of - start
        elif args.tz is not None:
            raise InvalidParameterError("--tz sets where the days of a calendar --window begin (this-month, ...)")
        with client(args) as billing:
            forecast = billing.forecast(window=span, as_of=as_of, max_pages=args.max_pages)
            redact = billing._redact
    except AIMLAPIError as exc:
        return report(exc, err)
    # Model names are the server's text: an echo of the key in one is redacted, in the table and the JSON.
    print(redact(json_output(forecast.to_dict()) if args.json else forecast_table(forecast)), file=out)
    return EXIT_OK


def _days_text(days: Decimal | None) -> str:
    return "unbounded (no spend)" if days is None else f"{fixed(days, 1)} days"


def _when(moment: datetime.datetime | None) -> str:
    return "beyond the calendar" if moment is None else moment.strftime("%Y-%m-%d")


def forecast_table(forecast: Forecast) -> str:
    window_days = forecast.window.total_seconds() / 86400
    covered = f"{fixed(forecast.days_covered, 1)} days" + (
        " (the account is younger)" if forecast.days_covered < Decimal(window_days) else ""
    )
    rows = [
        ("balance", usd(forecast.balance_usd)),
        ("window", f"{window_days:g} days from {forecast.window_start:%Y-%m-%d %H:%M} UTC, covering {covered}"),
        ("spend", f"{usd(forecast.spend_usd)} ({usd(forecast.spend_7d_usd)} in the last 7 days)"),
    ]
    rows += [(f"  {kind.lower().replace('_', ' ')}", usd(amount)) for kind, amount in forecast.spend_by_type.items()]
    if forecast.spend_by_model:
        rows.append(("top models", ""))
        rows += [(f"  {name}", usd(amount)) for name, amount in forecast.spend_by_model[:5]]
    rows += [
        ("daily burn", f"{usd(forecast.daily_burn_usd)} (last 7 days: {usd(forecast.daily_burn_7d_usd)})"),
        (
            "runway",
            f"{_days_text(forecast.runway_days)} (at the last 7 days' rate: {_days_text(forecast.runway_days_7d)})",
        ),
    ]
    if forecast.unclassified_entries:
        directions = ", ".join(forecast.unknown_directions)
        rows.append(
            (
                "not counted",
                f"{forecast.unclassified_entries} entries, {usd(forecast.unclassified_usd)}, "
                f"of a direction this version does not know ({directions})",
            )
        )
    if forecast.runway_days is not None:
        rows.append(("runs out", "now" if forecast.runway_days == 0 else f"around {_when(forecast.depletion_at)}"))
    if forecast.autotopup_enabled:
        threshold = "?" if forecast.autotopup_threshold_usd is None else usd(forecast.autotopup_threshold_usd)
        amount = "?" if forecast.autotopup_amount_usd is None else usd(forecast.autotopup_amount_usd)
        trigger = "" if forecast.next_topup_at is None else f", next around {_when(forecast.next_topup_at)}"
        rows.append(
            (
                "auto top-up",
                f"on ({CURRENT_AUTOTOPUP}): runway is until the next top-up (+{amount} below {threshold}{trigger})",
            )
        )
    elif forecast.autotopup_enabled is None:  # left out by the API: never shown as off
        rows.append(("auto top-up", f"unknown ({CURRENT_AUTOTOPUP}): the runway counts no top-up, and may be longer"))
    else:
        rows.append(("auto top-up", f"off ({CURRENT_AUTOTOPUP})"))
    # Model names and entry types come from the server: no control characters reach the terminal.
    return table([(printable(label), printable(value)) for label, value in rows])
