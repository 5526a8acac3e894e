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
from .._window import PAST_WINDOWS, TZ_HELP, period, zone

if TYPE_CHECKING:
    from ...types.forecast import Forecast

DEFAULTS = {
    "forecast": f"--window {span_text(DEFAULT_WINDOW)}, --max-pages {DEFAULT_MAX_PAGES}, a table (--json: JSON)"
}


STORE_TEXT = (
    "--db URL: read the ledger and the balance from the spend store (see sync) instead of the API, as of its "
    "last finished sync (the window ends there; the table says so, --json's as_of is that moment); the store "
    "keeps no auto top-up settings, so auto top-up shows as unknown. --max-age SPAN with it: a store whose last "
    "finished sync began longer ago exits 12, never an old figure; a --window starting before the store's "
    "pruned cut-off (sync --keep) exits 13, the line naming the cut-off; a store that cannot be used exits 9."
)


def add_arguments(name: str, parser: argparse.ArgumentParser) -> None:
    from .._store import add_db_option, add_max_age_option

    add_epilog(parser, AUTOTOPUP_SOURCES_TEXT, before_exit_codes=True)
    add_epilog(parser, STORE_TEXT, before_exit_codes=True)
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
    add_db_option(parser)
    add_max_age_option(parser, "exits 12")


def _window(text: str) -> datetime.timedelta | str:
    """A span (``_options.window``), or a calendar window's name, resolved when the command runs;
    checked as every window option is (``_window.period``: the one parser, its one error line)."""
    checked = period(text)
    return checked if checked in NAMED_WINDOWS else window(checked)


def run(name: str, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.db is not None or args.max_age is not None:
        return _from_store(args, out, err)
    try:
        span, as_of = _span(args, None)
        with client(args) as billing:
            forecast = billing.forecast(window=span, as_of=as_of, max_pages=args.max_pages)
            redact = billing._redact
    except AIMLAPIError as exc:
        return report(exc, err)
    # Model names are the server's text: an echo of the key in one is redacted, in the table and the JSON.
    ended = args.window in PAST_WINDOWS
    print(redact(json_output(forecast.to_dict()) if args.json else forecast_table(forecast, ended)), file=out)
    return EXIT_OK


def _span(
    args: argparse.Namespace, latest: datetime.datetime | None
) -> tuple[datetime.timedelta, datetime.datetime | None]:
    """``--window`` as a span and the moment it ends: ``latest`` (now, or the store's last sync) for a
    span; for a calendar window, its length up to its end or ``latest``, whichever comes first."""
    if not isinstance(args.window, str):
        if args.tz is not None:
            raise InvalidParameterError("--tz sets where the days of a calendar --window begin (this-month, ...)")
        return args.window, latest
    start, end = named_window(args.window, args.tz or "UTC")
    if latest is not None:
        if start >= latest:
            raise InvalidParameterError(
                f"--window {args.window} begins after the store's last sync ({latest:%Y-%m-%dT%H:%M:%SZ})"
            )
        end = min(end, latest)
    return end - start, end


def _from_store(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ... import store
    from .._store import store_failure

    try:
        if args.db is None:
            raise InvalidParameterError("--max-age needs --db (the API's figures are always current)")
        with store.open_for_reading(args.db) as opened:
            latest = store.fresh_as_of(opened, args.max_age)
            span, as_of = _span(args, latest)
            assert as_of is not None  # given, so returned
            forecast = store.forecast(opened, as_of, span, balance_at=latest)
            where = str(opened.url)
    except AIMLAPIError as exc:
        return store_failure(exc, err)
    if args.json:
        print(json_output(forecast.to_dict()), file=out)
    else:
        print(forecast_table(forecast, ended=as_of < latest), file=out)
        print(f"(from the store {printable(where)} as of {as_of:%Y-%m-%dT%H:%M:%SZ})", file=out)
    return EXIT_OK


def _days_text(days: Decimal | None) -> str:
    return "unbounded (no spend)" if days is None else f"{fixed(days, 1)} days"


def _when(moment: datetime.datetime | None) -> str:
    return "beyond the calendar" if moment is None else moment.strftime("%Y-%m-%d")


def _span_words(days: float) -> str:
    """A span in words: ``1 day``, ``30 days``, ``13.5 hours`` (part of a day)."""
    if days == int(days):
        return f"{int(days)} day{'' if days == 1 else 's'}"
    return f"{round(days * 24, 1):g} hours"


def forecast_table(forecast: Forecast, ended: bool = False) -> str:
    """The table; ``ended``: the window ended before the balance was read (a past calendar window), so
    its last 7 days are named by their end, not called the last 7 days."""
    window_days = forecast.window.total_seconds() / 86400
    covered = f"{fixed(forecast.days_covered, 1)} days" + (
        " (the account is younger)" if forecast.days_covered < Decimal(window_days) else ""
    )
    window = f"{_span_words(window_days)} from {forecast.window_start:%Y-%m-%d %H:%M} UTC, covering {covered}"
    # The "last 7 days" figures cover the window's last 7 days, or all of a shorter window.
    recent_days = min(window_days, 7.0)
    span = "7 days" if recent_days == 7 else _span_words(recent_days)
    recent = f"last {span}"
    rate = "the last 7 days' rate" if recent_days == 7 else f"the rate of the last {span}"
    if ended:
        window += f", ended {forecast.as_of:%Y-%m-%d %H:%M} UTC (the runway counts from when the balance was read)"
        recent = f"{span} to {forecast.as_of:%Y-%m-%d %H:%M} UTC"
        rate = f"the rate of the {recent}"
    rows = [
        ("balance", usd(forecast.balance_usd)),
        ("window", window),
        ("spend", f"{usd(forecast.spend_usd)} ({usd(forecast.spend_7d_usd)} in the {recent})"),
    ]
    rows += [(f"  {kind.lower().replace('_', ' ')}", usd(amount)) for kind, amount in forecast.spend_by_type.items()]
    if forecast.spend_by_model:
        rows.append(("top models", ""))
        rows += [(f"  {name}", usd(amount)) for name, amount in forecast.spend_by_model[:5]]
    rows += [
        ("daily burn", f"{usd(forecast.daily_burn_usd)} ({recent}: {usd(forecast.daily_burn_7d_usd)})"),
        ("runway", f"{_days_text(forecast.runway_days)} (at {rate}: {_days_text(forecast.runway_days_7d)})"),
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
